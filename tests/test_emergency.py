# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import VmiCommon
from .test_portal import VmiPortalCommon


class EmergencyMixin:
    def _emergency(self, raised=120, hours=10, **vals):
        return (
            self.env["vmi.emergency.request"]
            .with_user(self.buyer)
            .create(
                {
                    "agreement_id": self.agreement.id,
                    "agreement_line_id": self.agreement.line_ids.id,
                    "qty_raised": raised,
                    "date_needed": fields.Datetime.now() + timedelta(hours=hours),
                    **vals,
                }
            )
        )


@tagged("post_install", "-at_install")
class TestEmergency(EmergencyMixin, VmiCommon):
    """SPEC Q4 with the seed's numbers: next month's demand 90 -> 120, 100 on
    hand -> 20 more, less notice than 24 h flagged, rush freight split 50 %
    on the next bill."""

    def test_seed_emergency(self):
        self._receive(100)
        plan = self._demand_plan(quantity=90)
        request = self._emergency(120, hours=10)
        self.assertEqual(request.qty_planned, 90)
        request.action_request()
        self.assertEqual(request.state, "requested")
        self.assertEqual((request.qty_on_hand, request.qty_incoming, request.qty_extra), (100, 0, 20))
        self.assertTrue(request.short_notice, "10 h of notice, 24 h agreed")
        order = request.order_id
        self.assertEqual(order.vmi_emergency_id, request)
        self.assertEqual(order.vmi_state, "to_confirm")
        self.assertEqual(order.order_line.product_qty, 20)
        self.agreement.invalidate_recordset(["emergency_count"])
        self.assertEqual(self.agreement.emergency_count, 1, "the agreement's smart button counts it")
        self.assertEqual(order.date_planned, request.date_needed)
        reason = order._vmi_proposal_figures()["lines"][0]["reason"]
        self.assertIn("the demand rose to 120", reason)
        self.assertIn("leave 20 to send", reason)
        notifications = self.env["vmi.notification"].search(
            [("res_model", "=", "purchase.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(notifications.kind, "proposal", "the supplier is told, once")
        # the plan's revision history records the raise
        revision = plan.revision_ids.filtered(lambda r: r.emergency_id == request)
        self.assertEqual((revision.old_quantity, revision.new_quantity), (90, 120))
        self.assertEqual(plan.line_ids.quantity, 120)
        self.assertIn("urgent proposal", request.agreement_id.message_ids[:3].mapped("body")[0] or "")

    def test_short_notice_needs_the_suppliers_acceptance(self):
        self._receive(100)
        request = self._emergency(120, hours=10)
        request.action_request()
        order = request.order_id.with_user(self.portal_user)
        with self.assertRaises(UserError) as caught:
            order.action_vmi_supplier_confirm(freight_cost=200)
        self.assertIn("less than the agreed 24 h: accept the short notice", str(caught.exception))
        self.assertEqual(request.order_id.vmi_state, "to_confirm", "nothing changed")
        self.assertEqual(request.state, "requested")
        with self.assertRaises(ValidationError):
            order.action_vmi_supplier_confirm(freight_cost=-5, accept_short_notice=True)
        with self.assertRaises(ValidationError):
            order.action_vmi_supplier_confirm(freight_cost="a lot", accept_short_notice=True)
        with self.assertRaises(UserError):
            order.action_vmi_supplier_adjust(quantities={request.order_id.order_line.id: 25})
        order.action_vmi_supplier_confirm(freight_cost=200, accept_short_notice=True)
        self.assertEqual(request.order_id.state, "purchase")
        self.assertEqual(request.state, "accepted")
        self.assertEqual(
            (request.freight_cost, request.freight_customer, request.freight_supplier), (200, 100, 100)
        )
        self.assertEqual(request.accepted_by, self.portal_user)

    def test_enough_notice_confirms_without_acceptance(self):
        self._receive(100)
        request = self._emergency(120, hours=48)
        request.action_request()
        self.assertFalse(request.short_notice)
        request.order_id.with_user(self.portal_user).action_vmi_supplier_confirm()
        self.assertEqual(request.state, "accepted")
        self.assertEqual(request.freight_customer, 0)

    def test_freight_share_on_the_next_bill_once(self):
        """The customer's 50 % of a 200 rush freight is a line of its own on
        the next consumption bill, and only on that one."""
        self._receive(100)
        request = self._emergency(120, hours=48)
        request.action_request()
        request.order_id.with_user(self.portal_user).action_vmi_supplier_confirm(freight_cost=200)
        self._validate_receipt(request.order_id)
        self._consume(85)
        today = fields.Date.today()
        settlement = self.agreement.with_user(self.accountant)._settle(today)
        bill = settlement.bill_id
        freight = bill.invoice_line_ids.filtered(lambda ln: "Rush freight" in (ln.name or ""))
        self.assertEqual(len(freight), 1)
        self.assertEqual(freight.price_subtotal, 100)
        self.assertFalse(freight.product_id)
        self.assertEqual(bill.amount_untaxed, 85 * 12.5 + 100)
        self.assertEqual(request.settlement_id, settlement)
        extras = settlement._vmi_statement_figures()["extras"]
        self.assertEqual(
            [round(e["amount"], 2) for e in extras], [100.0], "the statement shows the freight line"
        )
        self._consume(5)
        second = self.agreement.with_user(self.accountant)._settle(today)
        self.assertFalse(
            second.bill_id.invoice_line_ids.filtered(lambda ln: "Rush freight" in (ln.name or "")),
            "billed once",
        )

    def test_stock_covers_the_emergency(self):
        self._receive(100)
        request = self._emergency(95, hours=48)
        request.action_request()
        self.assertEqual(request.state, "covered")
        self.assertFalse(request.order_id)
        self.assertEqual(request.qty_extra, 0)

    def test_invalid_requests_change_nothing(self):
        self._receive(100)
        self._demand_plan(quantity=90)
        orders = self.env["purchase.order"].search_count([])
        lower = self._emergency(80, hours=48)
        with self.assertRaises(ValidationError) as caught:
            lower.action_request()
        self.assertIn("not more than the plan's 90", str(caught.exception))
        past = self._emergency(120, hours=-1)
        with self.assertRaises(ValidationError) as caught:
            past.action_request()
        self.assertIn("must be in the future", str(caught.exception))
        with self.assertRaises(ValidationError):
            self._emergency(0)
        with self.assertRaises(ValidationError):
            self._emergency("a lot")
        other = self._create_agreement(self.supplier_b, [(self.product_2, 10, 40, 15.0)])
        with self.assertRaises(ValidationError):
            self._emergency(120, agreement_line_id=other.line_ids.id)
        self.assertEqual(self.env["purchase.order"].search_count([]), orders)
        self.assertEqual((lower.state, past.state), ("draft", "draft"))

    def test_only_vmi_users_raise_and_suppliers_see_their_own(self):
        self._receive(100)
        request = self._emergency(120, hours=48)
        with self.assertRaises(AccessError):
            request.with_user(self.portal_user).read(["qty_raised"])  # a draft is the buyer's
        request.action_request()
        request.with_user(self.portal_user).read(["qty_raised", "qty_extra"])
        with self.assertRaises(AccessError):
            request.with_user(self.portal_user_b).read(["qty_raised"])
        with self.assertRaises(AccessError):
            request.with_user(self.portal_user).write({"qty_raised": 200})


@tagged("post_install", "-at_install", "is_tour")
class TestEmergencyTour(EmergencyMixin, VmiPortalCommon):
    def test_accept_short_notice_on_the_portal(self):
        """The supplier opens the urgent proposal, reads the emergency, enters
        the rush freight, accepts the short notice and confirms."""
        self.order.button_cancel()  # the seed's proposal: out of the way
        self._receive(55)
        request = self._emergency(120, hours=10)
        request.action_request()
        self.start_tour(
            f"/my/vmi/proposal/{request.order_id.id}", "stock_vmi_portal_emergency", login="vmi_portal_a"
        )
        self.assertEqual(request.state, "accepted")
        self.assertEqual(request.freight_cost, 200)
        self.assertEqual(request.order_id.state, "purchase")
