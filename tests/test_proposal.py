# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta
from unittest.mock import patch

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import VmiCommon
from .test_agreement import RaisesMessageMixin


@tagged("post_install", "-at_install")
class TestProposal(RaisesMessageMixin, VmiCommon):
    """A replenishment proposal: the supplier confirms, adjusts or declines it
    from the portal, the buyer approves adjustments beyond tolerance, and a
    VMI order is never billed from its receipt (SPEC steps 3 and 4)."""

    def setUp(self):
        super().setUp()
        # SPEC step 3: 45 in stock, the review proposes 55.
        self._receive(45)
        self.order = self.agreement._run_review()
        self.po_line = self.order.order_line
        self.assertEqual(self.po_line.product_qty, 55)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _as_supplier(self, order=None):
        return (order or self.order).with_user(self.portal_user)

    def _assert_unchanged(self, qty=55, vmi_state="to_confirm", state="sent"):
        self.order.invalidate_recordset()
        self.po_line.invalidate_recordset()
        self.assertEqual(self.po_line.product_qty, qty)
        self.assertEqual(self.order.vmi_state, vmi_state)
        self.assertEqual(self.order.state, state)

    def _messages_to(self, partner):
        return self.order.message_ids.filtered(lambda m: partner in m.partner_ids)

    def _approval_activity(self):
        return self.order.activity_ids.filtered(lambda a: a.summary == "Approve VMI proposal")

    def _on_behalf_notes(self, verb, user=None):
        """Internal notes "<verb> on behalf of <supplier> by <user>" on the proposal."""
        user = user or self.buyer
        text = f"{verb} on behalf of {self.supplier.name} by {user.name}"
        return self.order.message_ids.filtered(
            lambda m: text in (m.body or "") and m.subtype_id == self.env.ref("mail.mt_note")
        )

    def _other_company_vmi_user(self):
        """A VMI manager of a second company, with access to that company only."""
        company_b = self.env["res.company"].create({"name": "VMI Other Company"})
        return new_test_user(
            self.env,
            login="vmi_other_company_buyer",
            groups="stock_vmi.group_vmi_manager,base.group_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )

    # ------------------------------------------------------------------
    # Supplier confirms
    # ------------------------------------------------------------------
    def test_supplier_confirms(self):
        """The supplier's confirmation approves and confirms the order; the buyer is notified."""
        self._as_supplier().action_vmi_supplier_confirm(note="Shipping tomorrow")
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order.state, "purchase")
        self.assertEqual(self.order.vmi_confirmed_by, self.portal_user)
        self.assertTrue(self.order.vmi_confirmed_date)
        self.assertEqual(self.order.vmi_supplier_note, "Shipping tomorrow")
        self.assertEqual(self.order.picking_ids.move_ids.product_uom_qty, 55)
        self.assertTrue(self._messages_to(self.buyer.partner_id), "the buyer is notified")

    # ------------------------------------------------------------------
    # Supplier adjusts
    # ------------------------------------------------------------------
    def test_adjust_within_tolerance_auto_approved(self):
        """55 -> 60 (within 10 %) is approved and confirmed at once, at the agreed price."""
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.supplier.id,
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "price": 99.0,
            }
        )
        self._as_supplier().action_vmi_supplier_adjust({str(self.po_line.id): "60"})
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order.state, "purchase")
        self.assertEqual(self.po_line.product_qty, 60)
        self.assertEqual(self.po_line.vmi_proposed_qty, 55, "the proposal is kept for the record")
        self.assertEqual(self.po_line.price_unit, 12.5)
        self.assertEqual(self.order.picking_ids.move_ids.product_uom_qty, 60)
        self.assertFalse(self._approval_activity())

    def test_adjust_beyond_tolerance_needs_buyer(self):
        """55 -> 70 (beyond tolerance) waits for the buyer's to-do; the buyer's approval confirms it."""
        self._as_supplier().action_vmi_supplier_adjust({self.po_line.id: 70}, note="Full pallet")
        self.assertEqual(self.order.vmi_state, "to_approve")
        self.assertEqual(self.order.state, "sent")
        self.assertEqual(self.po_line.product_qty, 70)
        activity = self._approval_activity()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.buyer)
        # The supplier cannot approve its own adjustment.
        with self.assertRaises(AccessError):
            self._as_supplier().action_vmi_buyer_approve()
        self.order.with_user(self.buyer).action_vmi_buyer_approve()
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order.state, "purchase")
        self.assertEqual(self.order.picking_ids.move_ids.product_uom_qty, 70)
        self.assertFalse(self._approval_activity(), "the buyer's to-do is done")

    def test_buyer_rejects_adjustment(self):
        """The buyer's rejection of an adjustment declines the proposal and cancels the RFQ."""
        self._as_supplier().action_vmi_supplier_adjust({self.po_line.id: 100})
        self.order.with_user(self.buyer).action_vmi_buyer_reject()
        self.assertEqual(self.order.vmi_state, "declined")
        self.assertEqual(self.order.state, "cancel")
        self.assertFalse(self.order.picking_ids)
        self.assertFalse(self._approval_activity())

    def test_buyer_approve_only_adjusted(self):
        """The buyer's approval applies only to a proposal waiting for it."""
        with self.assertRaisesMessage(UserError, "can no longer be changed"):
            self.order.with_user(self.buyer).action_vmi_buyer_approve()
        self._assert_unchanged()

    def test_adjust_promised_date(self):
        """A new promised date is applied to the order and its receipt."""
        promised = datetime.combine(fields.Date.today() + timedelta(days=6), time(10, 0))
        self._as_supplier().action_vmi_supplier_adjust(date_planned=fields.Datetime.to_string(promised))
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order.state, "purchase")
        self.assertEqual(self.po_line.date_planned, promised)
        self.assertEqual(self.order.date_planned, promised)
        self.assertEqual(self.order.picking_ids.scheduled_date, promised)

    def test_adjust_promised_date_in_past_refused(self):
        """A promised date in the past is refused and changes nothing."""
        before = self.po_line.date_planned
        with self.assertRaisesMessage(ValidationError, "cannot be in the past"):
            self._as_supplier().action_vmi_supplier_adjust(
                date_planned=fields.Datetime.now() - timedelta(days=2)
            )
        self._assert_unchanged()
        self.assertEqual(self.po_line.date_planned, before)

    def test_adjust_to_zero_declines_after_approval(self):
        """All quantities set to 0: once the buyer approves, the proposal is declined and cancelled."""
        self._as_supplier().action_vmi_supplier_adjust({self.po_line.id: 0})
        self.assertEqual(self.order.vmi_state, "to_approve")
        self.order.with_user(self.buyer).action_vmi_buyer_approve()
        self.assertEqual(self.order.vmi_state, "declined")
        self.assertEqual(self.order.state, "cancel")

    def test_invalid_adjustments_refused(self):
        """Invalid adjustment quantities or lines raise a clear ValidationError and change nothing."""
        other_agreement = self._create_agreement(self.supplier, [(self.product_2, 50, 100, 1.0)])
        other_line = other_agreement._run_review().order_line
        cases = [
            ({self.po_line.id: -5}, "cannot be negative"),
            ({self.po_line.id: "fifty"}, "must be numbers"),
            ({self.po_line.id: "nan"}, "must be numbers"),
            ({self.po_line.id: None}, "must be numbers"),
            ({"not-an-id": 10}, "must be numbers"),
            ({self.po_line.id: 1e9}, "far above what the agreement allows"),
            ({other_line.id: 10}, "is not part of proposal"),
            # A valid line with an invalid one: nothing is applied.
            ({self.po_line.id: 56, other_line.id: 10}, "is not part of proposal"),
        ]
        for quantities, message in cases:
            with self.subTest(quantities=quantities):
                with self.assertRaisesMessage(ValidationError, message):
                    self._as_supplier().action_vmi_supplier_adjust(quantities)
                self._assert_unchanged()
        self.assertEqual(other_line.product_qty, 100)

    def test_adjust_respects_unit_and_pack(self):
        """An adjusted quantity must be one the line's unit counts and a whole
        number of the agreed packs: 85.5 Units against a pack of 1 (which
        became a receipt of 85.5) is refused with a clear message and changes
        nothing; so is 57 against a pack of 10. A whole number of packs, or 0,
        is accepted."""
        cases = [
            (85.5, "85.5 is not a multiple of the agreed pack of 1 Units"),
            (55.555, "55.555 is not a quantity in Units, which count in steps of 0.01"),
        ]
        for qty, message in cases:
            with self.subTest(qty=qty), self.assertRaisesMessage(ValidationError, message):
                self._as_supplier().action_vmi_supplier_adjust({self.po_line.id: qty})
            self._assert_unchanged()
        self.agreement.line_ids.pack_multiple = 10
        with self.assertRaisesMessage(ValidationError, "57 is not a multiple of the agreed pack of 10 Units"):
            self._as_supplier().action_vmi_supplier_adjust({self.po_line.id: 57})
        self._assert_unchanged()
        self._as_supplier().action_vmi_supplier_adjust({self.po_line.id: 60})
        self.assertEqual(self.po_line.product_qty, 60)
        self.assertEqual(self.order.picking_ids.move_ids.product_uom_qty, 60)

    def test_adjust_approved_proposal_refused(self):
        """An approved proposal can no longer be adjusted, confirmed or declined."""
        self._as_supplier().action_vmi_supplier_confirm()
        with self.assertRaisesMessage(UserError, "can no longer be changed"):
            self._as_supplier().action_vmi_supplier_adjust({self.po_line.id: 50})
        with self.assertRaisesMessage(UserError, "can no longer be changed"):
            self._as_supplier().action_vmi_supplier_confirm()
        with self.assertRaisesMessage(UserError, "can no longer be changed"):
            self._as_supplier().action_vmi_supplier_decline("Too late")
        self._assert_unchanged(vmi_state="approved", state="purchase")

    # ------------------------------------------------------------------
    # Supplier declines
    # ------------------------------------------------------------------
    def test_decline_with_reason(self):
        """A decline with a reason cancels the RFQ, keeps the reason and notifies the buyer."""
        self._as_supplier().action_vmi_supplier_decline("  Out of stock until week 50  ")
        self.assertEqual(self.order.vmi_state, "declined")
        self.assertEqual(self.order.state, "cancel")
        self.assertEqual(self.order.vmi_decline_reason, "Out of stock until week 50")
        messages = self._messages_to(self.buyer.partner_id)
        self.assertTrue(any("Out of stock until week 50" in m.body for m in messages))

    def test_decline_without_reason_refused(self):
        """Declining needs a reason (blank is not one); nothing changes."""
        for reason in (None, "", "   "):
            with self.subTest(reason=reason):
                with self.assertRaisesMessage(ValidationError, "give a reason"):
                    self._as_supplier().action_vmi_supplier_decline(reason)
                self._assert_unchanged()

    def test_decline_wizard(self):
        """The buyer records a decline told by phone through the wizard."""
        wizard = (
            self.env["vmi.proposal.decline.wizard"]
            .with_user(self.buyer)
            .create({"purchase_id": self.order.id, "reason": "Told by phone: plant closed"})
        )
        wizard.action_decline()
        self.assertEqual(self.order.vmi_state, "declined")
        self.assertEqual(self.order.vmi_decline_reason, "Told by phone: plant closed")
        self.assertEqual(len(self._on_behalf_notes("Declined")), 1)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_other_supplier_cannot_read_or_act(self):
        """Supplier B's portal user can neither read nor act on supplier A's proposal."""
        as_b = self.order.with_user(self.portal_user_b)
        self.assertFalse(
            self.env["purchase.order"].with_user(self.portal_user_b).search([("id", "=", self.order.id)])
        )
        with self.assertRaises(AccessError):
            as_b.check_access("read")
        with self.assertRaises(AccessError):
            as_b.read(["name"])
        with self.assertRaises(AccessError):
            as_b.action_vmi_supplier_confirm()
        with self.assertRaises(AccessError):
            as_b.action_vmi_supplier_adjust({self.po_line.id: 50})
        with self.assertRaises(AccessError):
            as_b.action_vmi_supplier_decline("Not ours")
        self._assert_unchanged()

    def test_supplier_reads_own_proposal(self):
        """Supplier A's portal user reads its proposal and its lines."""
        as_a = self.order.with_user(self.portal_user)
        as_a.check_access("read")
        self.assertEqual(as_a.order_line.product_id, self.product)
        self.assertEqual(as_a.order_line.product_qty, 55)

    def test_buyer_cannot_bypass_with_button_confirm(self):
        """The buyer cannot confirm an unapproved proposal with Confirm, even with a forged context."""
        as_buyer = self.order.with_user(self.buyer)
        with self.assertRaisesMessage(UserError, "confirmed by the supplier first"):
            as_buyer.button_confirm()
        with self.assertRaisesMessage(UserError, "confirmed by the supplier first"):
            as_buyer.with_context(vmi_approving=True).button_confirm()
        self._as_supplier().action_vmi_supplier_adjust({self.po_line.id: 80})
        with self.assertRaisesMessage(UserError, "confirmed by the supplier first"):
            as_buyer.button_confirm()
        self._assert_unchanged(qty=80, vmi_state="to_approve")

    def test_reset_to_draft_waits_for_supplier_again(self):
        """A cancelled approved proposal set back to draft needs the supplier's confirmation again."""
        self._as_supplier().action_vmi_supplier_confirm()
        as_buyer = self.order.with_user(self.buyer)
        as_buyer.button_cancel()
        as_buyer.button_draft()
        self.assertEqual(self.order.vmi_state, "to_confirm")
        self.assertFalse(self.order.vmi_confirmed_by)
        with self.assertRaisesMessage(UserError, "confirmed by the supplier first"):
            as_buyer.button_confirm()

    def test_reset_to_draft_refused_when_agreement_closed(self):
        """A proposal cancelled by closing its agreement cannot be set back to draft."""
        self.agreement.action_close()
        self.assertEqual(self.order.state, "cancel")
        with self.assertRaises(UserError):
            self.order.with_user(self.buyer).button_draft()
        self.assertEqual(self.order.state, "cancel")

    def test_buyer_cannot_forge_workflow_state(self):
        """The buyer cannot write the VMI status nor create an already approved VMI order."""
        as_buyer = self.order.with_user(self.buyer)
        with self.assertRaisesMessage(AccessError, "only through its workflow"):
            as_buyer.write({"vmi_state": "approved"})
        with self.assertRaisesMessage(AccessError, "only through its workflow"):
            as_buyer.write({"vmi_confirmed_by": self.portal_user.id})
        with self.assertRaisesMessage(AccessError, "starts waiting for the supplier"):
            self.env["purchase.order"].with_user(self.buyer).create(
                {
                    "partner_id": self.supplier.id,
                    "vmi_agreement_id": self.agreement.id,
                    "vmi_state": "approved",
                }
            )
        self._assert_unchanged()
        # Ordinary edits of the RFQ remain possible.
        as_buyer.write({"partner_ref": "SUP-REF-1"})
        self.assertEqual(self.order.partner_ref, "SUP-REF-1")

    def test_vmi_user_cannot_act_for_supplier(self):
        """Only a VMI manager records a supplier's answer: a VMI user gets an AccessError."""
        vmi_user = new_test_user(
            self.env, login="vmi_plain_user", groups="stock_vmi.group_vmi_user,base.group_user"
        )
        as_user = self.order.with_user(vmi_user)
        with self.assertRaises(AccessError):
            as_user.action_vmi_supplier_confirm()
        with self.assertRaises(AccessError):
            as_user.action_vmi_supplier_adjust({self.po_line.id: 56})
        with self.assertRaises(AccessError):
            as_user.action_vmi_supplier_decline("Told by phone")
        with self.assertRaises(AccessError):
            self.env["vmi.proposal.decline.wizard"].with_user(vmi_user).create(
                {"purchase_id": self.order.id, "reason": "Told by phone"}
            ).action_decline()
        self._assert_unchanged()
        self.assertFalse(self.order.message_ids.filtered(lambda m: "on behalf of" in (m.body or "")))

    def test_manager_confirms_on_behalf_of_supplier(self):
        """A VMI manager confirms for the supplier (told by phone); a note records who did it."""
        self.order.with_user(self.buyer).action_vmi_supplier_confirm()
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order.state, "purchase")
        self.assertEqual(self.order.vmi_confirmed_by, self.buyer)
        note = self._on_behalf_notes("Confirmed")
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.buyer.partner_id)

    def test_manager_adjusts_on_behalf_of_supplier(self):
        """A VMI manager adjusts for the supplier; a note records who did it."""
        self.order.with_user(self.buyer).action_vmi_supplier_adjust({self.po_line.id: 70})
        self.assertEqual(self.order.vmi_state, "to_approve")
        self.assertEqual(self.po_line.product_qty, 70)
        self.assertEqual(len(self._on_behalf_notes("Adjusted")), 1)

    def test_supplier_answer_no_on_behalf_note(self):
        """The supplier answering itself (portal) leaves no "on behalf of" note."""
        self._as_supplier().action_vmi_supplier_confirm()
        self.assertFalse(self.order.message_ids.filtered(lambda m: "on behalf of" in (m.body or "")))

    def test_buyer_of_other_company_cannot_approve_or_reject(self):
        """A VMI manager of another company can neither approve nor reject the adjustment (record rules)."""
        self._as_supplier().action_vmi_supplier_adjust({self.po_line.id: 70})
        other = self._other_company_vmi_user()
        # Refused by the explicit access check, before anything is done (as
        # superuser) - not only later by a failing write.
        for method in ("action_vmi_buyer_approve", "action_vmi_buyer_reject"):
            with self.subTest(method=method):
                with (
                    patch.object(type(self.order), "_vmi_check_state", autospec=True) as check_state,
                    self.assertRaises(AccessError),
                ):
                    getattr(self.order.with_user(other), method)()
                self.assertFalse(check_state.called, "refused before anything else")
                self._assert_unchanged(qty=70, vmi_state="to_approve")

    def test_agreement_of_other_company_refused(self):
        """A purchase order of one company cannot point to another company's agreement."""
        company_b = self.env["res.company"].create({"name": "VMI Other Company"})
        with self.assertRaisesMessage(UserError, "Incompatible companies"):
            self.env["purchase.order"].create(
                {
                    "partner_id": self.supplier.id,
                    "company_id": company_b.id,
                    "vmi_agreement_id": self.agreement.id,
                }
            )

    def test_supplier_buttons_for_managers_only(self):
        """The back-office "Supplier Confirmed/Declined" buttons are shown to VMI managers only;
        "Supplier Confirmed" asks for confirmation."""
        vmi_user = new_test_user(
            self.env, login="vmi_plain_user", groups="stock_vmi.group_vmi_user,base.group_user"
        )

        def buttons(user):
            arch = self.env["purchase.order"].with_user(user).get_view(view_type="form")["arch"]
            tree = etree.fromstring(arch)
            return {
                name: tree.xpath(f"//button[@string='{name}']")
                for name in ("Supplier Confirmed", "Supplier Declined", "Approve Adjustment")
            }

        as_user = buttons(vmi_user)
        self.assertFalse(as_user["Supplier Confirmed"])
        self.assertFalse(as_user["Supplier Declined"])
        self.assertTrue(as_user["Approve Adjustment"])
        as_manager = buttons(self.buyer)
        self.assertTrue(as_manager["Supplier Declined"])
        (confirm,) = as_manager["Supplier Confirmed"]
        self.assertIn("supplier", confirm.get("confirm", "").lower())

    # ------------------------------------------------------------------
    # Closed or expired agreement
    # ------------------------------------------------------------------
    def _assert_inactive_agreement_blocks(self, deactivate, reactivate):
        """While the agreement is not active, its proposal can be neither
        confirmed, nor adjusted, nor approved; it can still be rejected."""
        deactivate()
        with self.assertRaisesMessage(UserError, "no longer in force"):
            self._as_supplier().action_vmi_supplier_confirm()
        with self.assertRaisesMessage(UserError, "no longer in force"):
            self.order.with_user(self.buyer).action_vmi_supplier_confirm()
        with self.assertRaisesMessage(UserError, "no longer in force"):
            self._as_supplier().action_vmi_supplier_adjust({self.po_line.id: 56})
        self._assert_unchanged()
        reactivate()
        self._as_supplier().action_vmi_supplier_adjust({self.po_line.id: 70})
        deactivate()
        with self.assertRaisesMessage(UserError, "no longer in force"):
            self.order.with_user(self.buyer).action_vmi_buyer_approve()
        self._assert_unchanged(qty=70, vmi_state="to_approve")
        self.order.with_user(self.buyer).action_vmi_buyer_reject()
        self.assertEqual(self.order.state, "cancel")

    def test_closed_agreement_blocks_confirmation(self):
        """A closed agreement's open proposal is neither confirmed, adjusted nor approved."""
        # Written directly: closing through action_close may also decline the
        # open proposals; this checks the guard itself.
        self._assert_inactive_agreement_blocks(
            lambda: self.agreement.write({"state": "closed"}),
            lambda: self.agreement.write({"state": "active"}),
        )

    def test_closed_agreement_blocks_purchase_manager_approval(self):
        """Double validation: the purchase manager cannot approve a VMI order once its agreement is closed."""
        self.company.write({"po_double_validation": "two_step", "po_double_validation_amount": 100.0})
        self._as_supplier().action_vmi_supplier_confirm()
        self.assertEqual(self.order.state, "to approve")
        manager = new_test_user(
            self.env, login="vmi_purchase_manager", groups="purchase.group_purchase_manager,base.group_user"
        )
        self.agreement.write({"state": "closed"})
        with self.assertRaisesMessage(UserError, "no longer in force"):
            self.order.with_user(manager).button_approve()
        self._assert_unchanged(vmi_state="approved", state="to approve")
        self.assertFalse(self.order.picking_ids)

    def test_expired_agreement_blocks_confirmation(self):
        """Past the agreement's end date, its open proposal is neither confirmed, adjusted nor approved."""
        today = fields.Date.context_today(self.agreement)
        self.agreement.date_start = today - timedelta(days=30)
        self._assert_inactive_agreement_blocks(
            lambda: self.agreement.write({"date_end": today - timedelta(days=1)}),
            lambda: self.agreement.write({"date_end": today}),
        )

    def test_internal_user_without_vmi_group_cannot_act(self):
        """A purchase user outside the VMI group cannot confirm for the supplier."""
        purchaser = new_test_user(
            self.env, login="vmi_plain_purchaser", groups="purchase.group_purchase_user"
        )
        with self.assertRaises(AccessError):
            self.order.with_user(purchaser).action_vmi_supplier_confirm()
        with self.assertRaises(AccessError):
            self.order.with_user(purchaser).action_vmi_buyer_reject()
        self._assert_unchanged()

    # ------------------------------------------------------------------
    # Billing follows consumption, not receipt
    # ------------------------------------------------------------------
    def test_no_bill_from_vmi_order(self):
        """A VMI order is never billed from the order, even received with billing on ordered quantities."""
        self.product.purchase_method = "purchase"
        self._as_supplier().action_vmi_supplier_confirm()
        self.assertEqual(self.po_line.qty_to_invoice, 0)
        self.assertEqual(self.order.invoice_status, "no")
        with self.assertRaisesMessage(UserError, "not billed from receipts"):
            self.order.with_user(self.buyer).action_create_invoice()
        self._validate_receipt(self.order)
        self.assertEqual(self.po_line.qty_received, 55)
        self.assertEqual(self.po_line.qty_to_invoice, 0)
        self.assertEqual(self.order.invoice_status, "no")
        self.assertFalse(self.order.invoice_ids)
        waiting_bills = self.env["purchase.order"].search([("invoice_status", "=", "to invoice")])
        self.assertNotIn(self.order, waiting_bills)
