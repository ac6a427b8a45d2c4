# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from ..logic import rules
from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestForecast(VmiCommon):
    """Issue 11, items 2 and 3: the supplier's lead time and the
    forecast-aware review (the demand expected until an order of the next
    review could arrive, from the demand plan or the 3-month average)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.line = cls.agreement.line_ids
        cls.today = fields.Date.context_today(cls.agreement)
        cls.Line = type(cls.env["vmi.agreement.line"])

    def _plan(self, quantity_by_line):
        """Pretend the customer's published plan gives ``quantity_by_line``
        over whatever range is asked (the demand plan's own tests check the
        spreading over its periods)."""

        def planned(lines, first, last):
            return {line.id: quantity_by_line[line.id] for line in lines if line.id in quantity_by_line}

        return patch.object(self.Line, "_vmi_planned_demand", planned)

    # ------------------------------------------------------------------
    # Lead time
    # ------------------------------------------------------------------
    def test_lead_time_defaults_to_three_days(self):
        self.assertEqual(self.agreement.lead_days, 3)

    def test_lead_time_from_the_vendor_pricelist(self):
        """The longest delivery lead time of the supplier's pricelist lines for
        the agreement's products, else of any of its lines, while the
        agreement is a draft."""
        supplier = self.env["res.partner"].create({"name": "Slow Bearings", "is_company": True})
        other = self.env["product.product"].create({"name": "Other part", "is_storable": True})
        Info = self.env["product.supplierinfo"]
        Info.create({"partner_id": supplier.id, "product_tmpl_id": other.product_tmpl_id.id, "delay": 12})
        only_other = self._create_agreement(supplier, [(self.product_2, 5, 10, 1.0)], activate=False)
        self.assertEqual(only_other.lead_days, 12, "no line for its products: any of its lines")
        Info.create(
            {"partner_id": supplier.id, "product_tmpl_id": self.product_2.product_tmpl_id.id, "delay": 5}
        )
        form = Form(self.env["vmi.agreement"])
        form.partner_id = supplier
        form.warehouse_id = self.warehouse
        with form.line_ids.new() as line:
            line.product_id = self.product_2
            line.reorder_point = 5
            line.max_qty = 10
        agreement = form.save()
        self.assertEqual(agreement.lead_days, 5, "its products' own lead time")
        agreement.action_create_location()
        agreement.action_activate()
        agreement.lead_days = 9
        agreement.write(
            {"line_ids": [fields.Command.create({"product_id": other.id, "reorder_point": 2, "max_qty": 4})]}
        )
        self.assertEqual(
            agreement.lead_days, 9, "a signed agreement keeps its lead time when products change"
        )

    def test_negative_lead_time_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.agreement.lead_days = -1
        self.assertRegex(str(caught.exception), "lead time cannot be negative")
        self.env.invalidate_all()
        self.assertEqual(self.agreement.lead_days, 3)

    def test_proposal_planned_after_the_lead_time(self):
        """The proposal is due after the supplier's lead time, not the review
        interval (7 days here, against a lead time of 2)."""
        self.agreement.write({"lead_days": 2, "review_interval_days": 7})
        self._receive(45)
        order = self.agreement._run_review()
        self.assertEqual(order.order_line.product_qty, 55)
        self.assertEqual(order.date_planned.date(), self.today + timedelta(days=2))
        self.assertEqual(order.order_line.date_planned.date(), self.today + timedelta(days=2))

    # ------------------------------------------------------------------
    # Forecast-aware review
    # ------------------------------------------------------------------
    def _history(self, on_hand):
        """240 consumed in the last 3 months (the usual demand: about 15.7
        over the next 3 + 3 days), ``on_hand`` left."""
        self._receive(240 + on_hand)
        self._consume(240)
        window = (self.today - rules.consumption_window_start(self.today, 3)).days + 1
        return 240 * 6 / window

    def test_expected_demand_from_the_average_over_review_and_lead_time(self):
        usual = self._history(60)
        window = (self.today - rules.consumption_window_start(self.today, 3)).days + 1
        expected = self.line._vmi_expected_demand()
        self.assertEqual(expected[self.line.id][2:], ("average", 6))
        self.assertAlmostEqual(expected[self.line.id][0], usual)
        self.assertAlmostEqual(expected[self.line.id][1], usual)
        self.agreement.lead_days = 0
        expected = self.line._vmi_expected_demand()
        self.assertAlmostEqual(expected[self.line.id][1], 240 * 3 / window)
        with self._plan({self.line.id: 30.0}):
            expected = self.line._vmi_expected_demand()
        self.assertEqual(expected[self.line.id][0], 30.0)
        self.assertEqual(expected[self.line.id][2:], ("plan", 3))

    def test_without_a_plan_the_review_is_min_max(self):
        """The levels were set for the usual demand: with no plan, 60 on hand
        is not due, 45 gets 55."""
        self._history(60)
        self.assertEqual(self.line._compute_proposal_quantities(), {})
        self._consume(15)
        self.assertEqual(self.line._compute_proposal_quantities(), {self.line.id: 55})

    def test_seed_plan_keeps_the_proposal_at_55(self):
        """SPEC: 45 on hand, reorder point 50, maximum 100, a plan of 90 next
        month (3 a day over 6 days: 18): still 55."""
        self._receive(45)
        with self._plan({self.line.id: 18.0}):
            order = self.agreement._run_review()
        self.assertEqual(order.order_line.product_qty, 55)
        self.assertEqual(order.order_line.vmi_review_expected, 18)
        self.assertEqual(order.order_line.vmi_review_demand_source, "plan")
        reason = order._vmi_proposal_figures()["lines"][0]["reason"]
        self.assertIn("below the reorder point of 50: 55 fills it up to the maximum of 100", reason)

    def test_heavier_plan_orders_earlier(self):
        """60 on hand is above the reorder point, and min/max waits; the plan
        expects 30 over the next 6 days where about 15.7 are usual: the
        reorder point moves to about 64.3, so 40 now, up to the maximum."""
        usual = self._history(60)
        with self._plan({self.line.id: 30.0}):
            self.assertEqual(self.line._compute_proposal_quantities(), {self.line.id: 40})
            order = self.agreement._run_review()
        po_line = order.order_line
        self.assertEqual(po_line.product_qty, 40)
        self.assertEqual(po_line.vmi_review_demand_source, "plan")
        self.assertEqual(po_line.vmi_review_cover_days, 6)
        self.assertAlmostEqual(po_line.vmi_review_usual, usual, places=2)
        usual = po_line.vmi_review_usual  # stored at the unit's precision
        number = self.env["purchase.order"]._vmi_number_formatter()
        reason = order._vmi_proposal_figures()["lines"][0]["reason"]
        self.assertIn(
            f"the demand plan expects 30 over the next 6 days, {number(30 - usual, 3)} more than the "
            f"usual {number(usual, 3)}",
            reason,
        )
        self.assertIn(f"the reorder point of 50 moves to {number(50 + 30 - usual, 3)}", reason)
        self.assertIn("40 fills it up to the maximum of 100", reason)

    def test_lighter_plan_lets_the_line_wait(self):
        """45 on hand is below the reorder point, and min/max would send 55;
        the plan expects 5 over the next 6 days (the line slows down): the
        reorder point moves to about 39.3, nothing is due yet."""
        self._history(45)
        self.assertEqual(self.line._compute_proposal_quantities(), {self.line.id: 55})
        with self._plan({self.line.id: 5.0}):
            self.assertEqual(self.line._compute_proposal_quantities(), {})
            self.assertFalse(self.agreement._run_review())

    def test_plan_beyond_the_levels_orders_past_the_maximum(self):
        """A plan of 600 next month (120 over 6 days) is more than the levels
        50-100 hold: 125, so that the line is still at 50 when an order of
        the next review can arrive (45 + 125 - 120); min/max would send 55
        and run out."""
        self._receive(45)
        with self._plan({self.line.id: 120.0}):
            order = self.agreement._run_review()
        self.assertEqual(order.order_line.product_qty, 125)
        reason = order._vmi_proposal_figures()["lines"][0]["reason"]
        self.assertIn(
            "120 are expected over the next 6 days (Demand plan; usually 0), more than the levels", reason
        )
        self.assertIn("125 keeps the line at its reorder point of 50", reason)
