# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..models import vmi_agreement_review
from ..models.locking import lock_rows, lock_rows_or_raise
from .common import VmiCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestReorder(VmiCommon):
    """The supplier's reorder check and the proposals (RFQs) it creates
    (SPEC step 3)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.line = cls.agreement.line_ids
        cls.today = fields.Date.today()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _products(self, count, prefix):
        """``count`` storable products, created in one batch."""
        return self.env["product.product"].create(
            [
                {
                    "name": f"{prefix} {i:03d}",
                    "default_code": f"{prefix}-{i:03d}",
                    "type": "consu",
                    "is_storable": True,
                    "standard_price": 1.0 + i,
                }
                for i in range(count)
            ]
        )

    def _agreement_with_products(self, count, prefix):
        """An active agreement of a new supplier with ``count`` products, all
        below their reorder point (nothing in stock)."""
        supplier = self.env["res.partner"].create(
            {"name": f"Supplier {prefix}", "is_company": True, "email": f"{prefix.lower()}@example.com"}
        )
        products = self._products(count, prefix)
        return self._create_agreement(supplier, [(product, 50, 100, 2.0) for product in products])

    def _review_queries(self, agreement):
        """Number of SQL queries of one reorder check of ``agreement``, from
        cold caches to everything written (flush and pre-commit hooks)."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        count0 = self.env.cr.sql_log_count
        orders = agreement._run_review()
        self.env.flush_all()
        self.env.cr.precommit.run()
        return self.env.cr.sql_log_count - count0, orders

    def _proposal_message(self, order):
        return order.message_ids.filtered(lambda m: m.subject and "VMI replenishment proposal" in m.subject)

    # ------------------------------------------------------------------
    # Scheduling
    # ------------------------------------------------------------------
    def test_cron_reviews_only_active_due_agreements(self):
        """The cron reviews only active agreements that are due and moves their date by the interval."""
        overdue = self._create_agreement(
            self.supplier_b, [(self.product, 50, 100, 1.0)], review_interval_days=7
        )
        overdue.next_review_date = self.today - timedelta(days=10)
        not_due = self._create_agreement(self.supplier_b, [(self.product, 50, 100, 1.0)])
        not_due.next_review_date = self.today + timedelta(days=1)
        draft = self._create_agreement(self.supplier_b, [(self.product, 50, 100, 1.0)], activate=False)
        closed = self._create_agreement(self.supplier_b, [(self.product, 50, 100, 1.0)])
        closed.action_close()
        (draft | closed).next_review_date = self.today

        self.env["vmi.agreement"]._cron_review()

        self.assertEqual(len(self.agreement.purchase_ids), 1)
        self.assertEqual(len(overdue.purchase_ids), 1)
        self.assertFalse((not_due | draft | closed).purchase_ids)
        self.assertEqual(self.agreement.next_review_date, self.today + timedelta(days=3))
        self.assertEqual(overdue.next_review_date, self.today + timedelta(days=7))
        self.assertEqual(not_due.next_review_date, self.today + timedelta(days=1))
        self.assertEqual(draft.next_review_date, self.today)
        self.assertTrue(self.agreement.last_review_date)
        self.assertFalse((not_due | draft | closed).filtered("last_review_date"))
        # Run again the same day: nothing is due any more.
        self.env["vmi.agreement"]._cron_review()
        self.assertEqual(len(self.agreement.purchase_ids), 1)

    def test_cron_skips_agreements_locked_by_another_worker(self):
        """An agreement locked by another cron worker (SKIP LOCKED) is left alone: no proposal, same date."""
        other = self._create_agreement(self.supplier_b, [(self.product_2, 50, 100, 1.0)])
        calls = []

        def lock_all_but_fixture(records, condition=None):
            calls.append(records._name)
            return lock_rows(records, condition) - self.agreement

        with patch.object(vmi_agreement_review, "lock_rows", lock_all_but_fixture):
            self.env["vmi.agreement"]._cron_review()
        self.assertEqual(calls, ["vmi.agreement"], "the cron locks its batch without waiting")
        self.assertFalse(self.agreement.purchase_ids)
        self.assertEqual(self.agreement.next_review_date, self.today)
        self.assertEqual(len(other.purchase_ids), 1)

    def test_lock_rows_returns_locked_rows(self):
        """``lock_rows`` returns the rows it locked (all when free, none if empty/gone);
        ``lock_rows_or_raise`` raises the message given unless it locked them all."""
        other = self._create_agreement(self.supplier_b, [(self.product_2, 50, 100, 1.0)])
        agreements = self.agreement | other
        self.env.flush_all()  # the condition reads the rows in SQL
        self.assertEqual(lock_rows(agreements), agreements)
        self.assertEqual(lock_rows(agreements, SQL("state = 'active'")), agreements)
        self.assertEqual(lock_rows(agreements, SQL("id = %s", other.id)), other)
        empty = self.env["vmi.agreement"]
        self.assertEqual(lock_rows(empty), empty)
        lock_rows_or_raise(agreements, "busy")
        # A record deleted meanwhile is not returned.
        self.env.cr.execute("SELECT max(id) + 1000 FROM vmi_agreement")
        ghost = self.env["vmi.agreement"].browse(self.env.cr.fetchone()[0])
        self.assertEqual(lock_rows(self.agreement | ghost), self.agreement)
        with self.assertRaisesRegex(UserError, "busy"):
            lock_rows_or_raise(self.agreement | ghost, "busy")

    def test_review_now(self):
        """Review Now opens the new proposal, reports when nothing is due, and refuses a closed agreement."""
        action = self.agreement.action_review_now()
        order = self.agreement.purchase_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(action["res_model"], "purchase.order")
        self.assertEqual(action["res_id"], order.id)
        action = self.agreement.action_review_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(len(self.agreement.purchase_ids), 1)
        self.agreement.action_close()
        with self.assertRaises(UserError):
            self.agreement.action_review_now()

    def test_closed_and_draft_agreements_not_reviewed(self):
        """``_run_review`` ignores draft and closed agreements."""
        draft = self._create_agreement(self.supplier_b, [(self.product_2, 50, 100, 1.0)], activate=False)
        self.agreement.action_close()
        orders = (self.agreement | draft)._run_review()
        self.assertFalse(orders)
        self.assertFalse((self.agreement | draft).purchase_ids)
        self.assertFalse((self.agreement | draft).filtered("last_review_date"))

    # ------------------------------------------------------------------
    # Quantities
    # ------------------------------------------------------------------
    def test_proposal_fills_up_to_maximum(self):
        """45 in stock, reorder point 50, maximum 100: propose 55 (SPEC step 3)."""
        self._receive(45)
        order = self.agreement._run_review()
        self.assertEqual(order.order_line.product_qty, 55)
        self.assertEqual(order.order_line.vmi_proposed_qty, 55)

    def test_nothing_proposed_at_or_above_reorder_point(self):
        """At the reorder point (50) nothing is due."""
        self._receive(50)
        self.assertFalse(self.agreement._run_review())
        self.assertTrue(self.agreement.last_review_date, "the review itself is recorded")

    def test_pack_multiple_rounds_down_within_maximum(self):
        """Pack of 10: 55 is rounded down to 50 (position 95, not above the maximum)."""
        self.line.pack_multiple = 10
        self._receive(45)
        order = self.agreement._run_review()
        self.assertEqual(order.order_line.product_qty, 50)

    def test_pack_multiple_rounds_up_to_reach_reorder_point(self):
        """Pack of 60: one pack is proposed so the position (105) reaches the reorder point."""
        self.line.pack_multiple = 60
        self._receive(45)
        order = self.agreement._run_review()
        self.assertEqual(order.order_line.product_qty, 60)
        self.assertGreaterEqual(45 + order.order_line.product_qty, self.line.reorder_point)

    def test_incoming_replenishment_counts(self):
        """A confirmed, not yet received replenishment counts in the position: no second proposal."""
        self._receive(45)
        order = self.agreement._run_review()
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        self.assertEqual(order.state, "purchase")
        self.line.invalidate_recordset()
        self.assertEqual(self.line.qty_incoming, 55)
        self.assertFalse(self.agreement._run_review(), "45 on hand + 55 incoming is not below 50")
        self._validate_receipt(order)
        self.assertFalse(self.agreement._run_review())
        self._consume(60)
        order_2 = self.agreement._run_review()
        self.assertEqual(order_2.order_line.product_qty, 60)

    def test_open_proposal_not_proposed_again(self):
        """A line with an open proposal is not proposed again; once declined it is."""
        order = self.agreement._run_review()
        self.assertEqual(len(order), 1)
        self.assertFalse(self.agreement._run_review())
        self.assertEqual(len(self.agreement.purchase_ids), 1)
        order.with_user(self.portal_user).action_vmi_supplier_decline("No stock until next week")
        order_2 = self.agreement._run_review()
        self.assertEqual(len(order_2), 1)
        self.assertEqual(order_2.order_line.product_qty, 100)

    def test_proposal_waiting_for_purchase_manager_not_proposed_again(self):
        """Double validation: an approved proposal above the amount waits for the purchase manager.

        It stays open (the next review proposes nothing), the buyer is told it
        waits for the manager, and the manager's approval creates the receipt
        into the VMI location, owned by the supplier."""
        self.company.write({"po_double_validation": "two_step", "po_double_validation_amount": 100.0})
        self._receive(45)
        order = self.agreement._run_review()
        self.assertGreater(order.amount_total, 100.0)
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        self.assertEqual(order.vmi_state, "approved")
        self.assertEqual(order.state, "to approve")
        self.assertFalse(order.picking_ids)
        buyer_messages = order.message_ids.filtered(lambda m: self.buyer.partner_id in m.partner_ids)
        self.assertTrue(
            any("purchase manager" in m.body for m in buyer_messages), buyer_messages.mapped("body")
        )
        self.assertFalse(any("approved and confirmed" in m.body for m in buyer_messages))
        self.assertFalse(self.agreement._run_review(), "the proposal waiting for approval is still open")
        self.assertEqual(len(self.agreement.purchase_ids), 1)

        manager = new_test_user(
            self.env, login="vmi_purchase_manager", groups="purchase.group_purchase_manager,base.group_user"
        )
        order.with_user(manager).button_approve()
        self.assertEqual(order.state, "purchase")
        picking = order.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.location_dest_id, self.vmi_location)
        self.assertEqual(picking.owner_id, self.supplier)
        self.assertEqual(picking.move_ids.product_uom_qty, 55)
        self.assertFalse(self.agreement._run_review(), "45 on hand + 55 incoming is not below 50")

    # ------------------------------------------------------------------
    # The proposal
    # ------------------------------------------------------------------
    def test_one_proposal_per_agreement_with_all_due_lines(self):
        """Two due products, one not: one RFQ, two lines linked to the agreement, agreed prices."""
        product_3 = self._products(1, "OK")
        agreement = self._create_agreement(
            self.supplier_b,
            [(self.product, 50, 100, 12.5), (self.product_2, 20, 40, 7.0), (product_3, 5, 10, 1.0)],
        )
        self._receive(8, product=product_3, agreement=agreement)
        self._receive(30, product=self.product, agreement=agreement)
        order = agreement._run_review()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.vmi_agreement_id, agreement)
        self.assertEqual(order.partner_id, self.supplier_b)
        self.assertEqual(order.origin, agreement.name)
        self.assertEqual(order.user_id, self.buyer)
        self.assertEqual(order.picking_type_id, self.warehouse.in_type_id)
        self.assertEqual(order.vmi_state, "to_confirm")
        self.assertEqual(len(order.order_line), 2)
        by_product = {line.product_id: line for line in order.order_line}
        line_1, line_2 = by_product[self.product], by_product[self.product_2]
        self.assertEqual(line_1.vmi_agreement_line_id.product_id, self.product)
        self.assertEqual(line_1.vmi_agreement_line_id.agreement_id, agreement)
        self.assertEqual((line_1.product_qty, line_1.vmi_proposed_qty, line_1.price_unit), (70, 70, 12.5))
        self.assertEqual((line_2.product_qty, line_2.vmi_proposed_qty, line_2.price_unit), (40, 40, 7.0))
        self.assertEqual(agreement.purchase_count, 1)

    def test_agreed_price_kept_over_vendor_pricelist(self):
        """The proposal uses the agreed price, not the supplier's vendor pricelist."""
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.supplier.id,
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "price": 99.0,
            }
        )
        order = self.agreement._run_review()
        self.assertEqual(order.order_line.price_unit, 12.5)

    def test_receipt_into_vmi_location_owned_by_supplier(self):
        """The confirmed proposal's receipt goes into the VMI location, owned by the supplier."""
        order = self.agreement._run_review()
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        picking = order.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.location_dest_id, self.vmi_location)
        self.assertEqual(picking.owner_id, self.supplier)
        self.assertEqual(picking.move_ids.restrict_partner_id, self.supplier)
        self._validate_receipt(order)
        quants = self._quants()
        self.assertEqual(quants.owner_id, self.supplier)
        self.assertEqual(sum(quants.mapped("quantity")), 100)

    def test_proposal_sent_to_supplier(self):
        """The proposal is e-mailed to the supplier (VMI template, supplier follower) and marked sent."""
        order = self.agreement._run_review()
        self.assertEqual(order.state, "sent")
        self.assertIn(self.supplier, order.message_partner_ids)
        message = self._proposal_message(order)
        self.assertEqual(len(message), 1)
        template = self.env.ref("stock_vmi.mail_template_vmi_proposal")
        expected_subject = template._render_field("subject", order.ids)[order.id]
        self.assertEqual(message.subject, expected_subject)
        self.assertIn(order.name, message.subject)
        self.assertIn(self.agreement.name, message.body)
        self.assertIn(self.product.display_name, message.body)
        self.assertEqual(message.message_type, "comment")
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        notified = message.notification_ids.filtered(lambda n: n.notification_type == "email")
        self.assertIn(self.supplier, notified.res_partner_id)
        # the supplier's portal contact, who confirms proposals, gets it too
        self.assertIn(self.supplier_contact, order.message_partner_ids)
        self.assertIn(self.supplier_contact, notified.res_partner_id)
        self.assertNotIn(self.supplier_b_contact, order.message_partner_ids)

    def _analytic_account(self, name):
        plan = self.env["account.analytic.plan"].create({"name": f"Plan {name}"})
        return self.env["account.analytic.account"].create({"name": name, "plan_id": plan.id})

    def test_proposal_analytic_distribution(self):
        """Proposal lines get the same analytic distribution as purchase would give them."""
        by_product = self._analytic_account("Bearings 6205")
        by_supplier = self._analytic_account("Bearing Supplier")
        Model = self.env["account.analytic.distribution.model"]
        Model.create({"product_id": self.product.id, "analytic_distribution": {str(by_product.id): 100}})
        Model.create({"partner_id": self.supplier.id, "analytic_distribution": {str(by_supplier.id): 100}})
        Model.create({"partner_id": self.supplier_b.id, "analytic_distribution": {str(by_product.id): 50}})
        agreement = self._create_agreement(self.supplier, [(self.product_2, 50, 100, 1.0)])
        line_1 = self.agreement._run_review().order_line
        line_2 = agreement._run_review().order_line
        self.assertEqual(line_1.analytic_distribution, {str(by_product.id): 100, str(by_supplier.id): 100})
        self.assertEqual(line_2.analytic_distribution, {str(by_supplier.id): 100})
        # Same result as purchase's own computation for an ordinary RFQ line.
        rfq = self.env["purchase.order"].create(
            {"partner_id": self.supplier.id, "order_line": [Command.create({"product_id": self.product.id})]}
        )
        self.assertEqual(rfq.order_line.analytic_distribution, line_1.analytic_distribution)

    # ------------------------------------------------------------------
    # Scale
    # ------------------------------------------------------------------
    def test_review_query_count_does_not_grow_with_lines(self):
        """The reorder check runs as many SQL queries for 100 lines as for 10."""
        # An analytic distribution model that applies to every line.
        self.env["account.analytic.distribution.model"].create(
            {
                "product_categ_id": self.product.categ_id.id,
                "analytic_distribution": {str(self._analytic_account("All parts").id): 100},
            }
        )
        warm_up = self._agreement_with_products(5, "WARM")
        small = self._agreement_with_products(10, "SMALL")
        large = self._agreement_with_products(100, "LARGE")
        self._review_queries(warm_up)
        count_small, order_small = self._review_queries(small)
        count_large, order_large = self._review_queries(large)
        _logger.info("VMI reorder check: %s queries for 10 lines, %s for 100 lines", count_small, count_large)
        self.assertEqual(len(order_small.order_line), 10)
        self.assertEqual(len(order_large.order_line), 100)
        self.assertEqual(set(order_large.order_line.mapped("product_qty")), {100})
        self.assertTrue(all(order_large.order_line.mapped("analytic_distribution")))
        self.assertEqual(
            count_large,
            count_small,
            f"reorder check: {count_small} queries for 10 lines but {count_large} for 100",
        )
