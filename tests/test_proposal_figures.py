# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import tagged

from ..logic import rules
from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestProposalFigures(VmiCommon):
    """What the supplier plans from on the proposal page: the review's on
    hand, incoming and levels, the reason for the quantity, where an
    adjustment leaves the levels, price and totals (SPEC step 3: 45 on hand,
    reorder point 50, maximum 100, 55 proposed at 12.5)."""

    def _review(self):
        self.agreement.next_review_date = fields.Date.today()
        return self.agreement._run_review()

    def _row(self, order):
        return order._vmi_proposal_figures()["lines"][0]

    def test_review_keeps_what_it_saw(self):
        self._receive(60)
        self._consume(15)  # 15 over 3 months: 5 a month
        order = self._review()
        line = order.order_line
        self.assertEqual(
            (
                line.vmi_review_on_hand,
                line.vmi_review_incoming,
                line.vmi_review_reorder_point,
                line.vmi_review_max_qty,
                line.vmi_review_monthly_avg,
            ),
            (45, 0, 50, 100, 5),
        )
        # The stock moves on; the proposal still explains itself with the review's figures.
        self._receive(10)
        row = self._row(order)
        self.assertEqual(
            (row["on_hand"], row["incoming"], row["reorder_point"], row["max_qty"]), (45, 0, 50, 100)
        )
        self.assertEqual((row["proposed"], row["quantity"], row["price_unit"]), (55, 55, 12.5))
        self.assertEqual(row["subtotal"], 687.5)
        self.assertIsNone(row["warning"], "45 + 55 = 100: at the maximum")
        self.assertEqual(
            row["reason"],
            "On hand 45 + incoming 0 = 45, below the reorder point of 50: "
            "55 fills it up to the maximum of 100.",
        )
        figures = order._vmi_proposal_figures()
        self.assertEqual(figures["amount_untaxed"], 687.5)
        self.assertEqual(figures["amount_total"], order.amount_total)
        self.assertEqual(figures["amount_tax"], order.amount_tax)

    def test_adjustment_beyond_the_maximum_warns(self):
        """The issue's case: the supplier adjusts to 70 where 25 are on
        hand and the maximum is 80: 95 passes it."""
        self.agreement.line_ids.write({"reorder_point": 40, "max_qty": 80})
        self._receive(25)
        order = self._review()
        self.assertEqual(order.order_line.product_qty, 55)
        order.with_user(self.portal_user).action_vmi_supplier_adjust(
            quantities={str(order.order_line.id): "70"}
        )
        self.assertEqual(order.vmi_state, "to_approve")
        row = self._row(order)
        self.assertEqual(row["quantity"], 70)
        self.assertEqual(row["warning"], rules.STATUS_ABOVE)
        order.order_line.sudo().product_qty = 10
        self.assertEqual(self._row(order)["warning"], rules.STATUS_BELOW, "25 + 10 stays short of 40")

    def test_pack_rounding_explained(self):
        self.agreement.line_ids.pack_multiple = 10
        self._receive(45)
        order = self._review()
        self.assertEqual(order.order_line.product_qty, 50)
        self.assertIn("Rounded down to whole packs of 10: 50", self._row(order)["reason"])

    def test_proposal_without_review_figures_reads_todays(self):
        """A proposal made before the review kept its figures shows the
        agreement line's figures of today."""
        self._receive(45)
        order = self._review()
        order.order_line.sudo().write({"vmi_review_max_qty": 0, "vmi_review_on_hand": 0})
        self._receive(5)
        row = self._row(order)
        self.assertEqual((row["on_hand"], row["max_qty"]), (50, 100))

    def test_windows_add_up_to_the_average(self):
        """The agreement page's three columns are the periods of the 3-month
        average: what they show adds up to the total the average divides."""
        self._receive(100)
        today = fields.Date.today()
        windows = rules.consumption_windows(today, 3)
        consumptions = self.env["vmi.consumption"]
        for qty in (7, 11, 13, 17):
            self._consume(qty)
            consumptions |= self.env["vmi.consumption"].search([], order="id desc", limit=1)
        # One in each window (first days included), one before the first.
        days = [windows[0][0], windows[1][0], windows[2][1], windows[0][0] - timedelta(days=1)]
        for record, day in zip(consumptions, days, strict=True):
            record.sudo().date = datetime.combine(day, time(0, 0, 1))
        line = self.agreement.line_ids
        line.invalidate_recordset()
        by_window = line._vmi_consumption_by_window(windows)[line.id]
        self.assertEqual(by_window, [7, 11, 13])
        self.assertEqual(sum(by_window), line.consumption_3m)
        self.assertAlmostEqual(sum(by_window) / 3, line.consumption_monthly_avg, places=2)
