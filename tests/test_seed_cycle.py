# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo.tests import tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestSeedCycle(VmiCommon):
    """SPEC.md's five steps with the article's numbers, end to end."""

    def test_seed_cycle(self):
        # Step 2: 45 pcs of 6205 in the VMI area, below the reorder point 50.
        self._receive(45)
        line = self.agreement.line_ids
        self.assertEqual(line.qty_on_hand, 45)
        self.assertEqual(line.stock_status, "below")
        self.assertEqual(self._quants().owner_id, self.supplier)

        # Step 3: the scheduled review proposes 55 (up to the maximum 100).
        self.agreement.next_review_date = fields.Date.today()
        self.env["vmi.agreement"]._cron_review()
        order = self.agreement.purchase_ids
        notification = self.env["vmi.notification"].search(
            [("res_model", "=", "purchase.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(notification.state, "sent", "e-mailed by its own job, after the review")
        self.assertEqual(len(order), 1)
        self.assertEqual(order.order_line.product_qty, 55)
        self.assertEqual(order.order_line.price_unit, 12.5)
        self.assertEqual(order.vmi_state, "to_confirm")
        self.assertEqual(self.agreement.next_review_date, fields.Date.add(fields.Date.today(), days=3))
        self.assertIn(self.supplier, order.message_partner_ids, "the proposal is sent to the supplier")

        # ... the supplier confirms it (its portal user's environment).
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        self.assertEqual(order.vmi_state, "approved")
        self.assertEqual(order.state, "purchase")

        # Step 4: receipt of 55 into the VMI area; 45 -> 100, no payable.
        picking = order.picking_ids
        self.assertEqual(picking.location_dest_id, self.vmi_location)
        self.assertEqual(picking.owner_id, self.supplier)
        self.assertEqual(line.qty_incoming, 55)
        self._validate_receipt(order)
        line.invalidate_recordset()
        self.assertEqual(line.qty_on_hand, 100)
        self.assertEqual(self._quants().owner_id, self.supplier)
        self.assertEqual(order.order_line.qty_received, 55)
        self.assertEqual(order.order_line.qty_to_invoice, 0)
        self.assertEqual(order.invoice_status, "no")
        self.assertFalse(
            self.env["stock.valuation.layer"].search([("stock_move_id", "in", picking.move_ids.ids)]),
            "supplier-owned stock is not valued",
        )

        # Step 5: production draws 10 (100 -> 90), then 75 more in the month.
        self._consume(10)
        line.invalidate_recordset()
        self.assertEqual(line.qty_on_hand, 90)
        self._consume(75)
        consumption = self.agreement.consumption_ids
        self.assertEqual(sum(consumption.mapped("quantity")), 85)

        # On the 25th the accountant settles: one bill for 85 pcs.
        settlement = self.agreement.with_user(self.accountant)._settle(fields.Date.today())
        self.assertEqual(len(settlement), 1)
        bill = settlement.bill_id
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.state, "draft")
        self.assertEqual(bill.partner_id, self.supplier)
        self.assertEqual(bill.invoice_line_ids.quantity, 85)
        self.assertEqual(bill.invoice_line_ids.price_unit, 12.5)
        self.assertEqual(bill.amount_untaxed, 1062.5)
        self.assertIn(self.agreement.name, bill.ref)
        self.assertEqual(consumption.settlement_id, settlement)
        # Never twice.
        self.assertFalse(self.agreement._settle(fields.Date.today()))
