# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestConfirmationMode(VmiCommon):
    """Issue 11 item 8: who confirms a replenishment, as the agreement says,
    and a plan revision that reopens a confirmed proposal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.line = cls.agreement.line_ids

    def _proposal(self):
        self._receive(45)
        order = self.agreement._run_review()
        self.assertEqual(order.order_line.product_qty, 55)
        return order

    def test_supplier_confirms_by_default(self):
        self.assertEqual(self.agreement.confirmation_mode, "supplier")
        order = self._proposal()
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        self.assertEqual((order.vmi_state, order.state), ("approved", "purchase"))

    def test_supplier_proposes_buyer_confirms(self):
        """SPEC step 3: the plan goes to the customer, who confirms that the
        demand is unchanged before the supplier ships."""
        self.agreement.confirmation_mode = "buyer"
        order = self._proposal()
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        self.assertEqual(order.vmi_state, "to_approve")
        self.assertIn(order.state, ("draft", "sent"), "no receipt before the buyer confirms")
        activity = order.activity_ids.filtered(lambda a: a.user_id == self.buyer)
        self.assertEqual(len(activity), 1, "the buyer has a to-do")
        order.with_user(self.buyer).action_vmi_buyer_approve()
        self.assertEqual((order.vmi_state, order.state), ("approved", "purchase"))
        self.assertFalse(order.activity_ids, "the to-do is done")

    def test_adjustment_within_tolerance_waits_for_the_buyer(self):
        self.agreement.confirmation_mode = "buyer"
        order = self._proposal()
        order.with_user(self.portal_user).action_vmi_supplier_adjust(quantities={order.order_line.id: 58})
        self.assertEqual(order.vmi_state, "to_approve")
        self.assertEqual(order.order_line.product_qty, 58)

    def test_plan_revision_reopens_a_confirmed_proposal(self):
        plan = self._demand_plan()
        order = self._proposal()
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        receipt = order.picking_ids
        self.assertEqual(receipt.state, "assigned")
        plan.line_ids.with_user(self.buyer).write({"quantity": 120})
        self.assertEqual(order.vmi_state, "to_confirm", "back to the supplier")
        self.assertEqual(receipt.state, "cancel")
        self.assertFalse(order.vmi_confirmed_by)
        self.assertEqual(self.line.qty_incoming, 0, "nothing on its way until confirmed again")
        notifications = self.env["vmi.notification"].search(
            [("res_model", "=", "purchase.order"), ("res_id", "=", order.id), ("kind", "=", "proposal")]
        )
        self.assertEqual(len(notifications), 2, "the supplier is told again")
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        self.assertEqual((order.vmi_state, order.state), ("approved", "purchase"))
        self.assertEqual(self.line.qty_incoming, 55)

    def test_revision_leaves_a_received_proposal(self):
        plan = self._demand_plan()
        order = self._proposal()
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        self._validate_receipt(order)
        plan.line_ids.with_user(self.buyer).write({"quantity": 120})
        self.assertEqual(order.vmi_state, "approved", "shipped: nothing to reopen")
