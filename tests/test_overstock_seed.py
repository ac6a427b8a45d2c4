# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestOverstockSeed(VmiCommon):
    """SPEC step 5 -> step 1 with the seed's numbers: a month consumed 85
    against a plan of 90 leaves 5 pieces over the maximum of 100; 30 days
    later the daily check opens one case (5 over, 62.5 at the agreed price),
    caused by consumption below plan, read from the published plans."""

    def test_five_over_after_a_month_five_below_plan(self):
        self._demand_plan(-2)
        self._demand_plan(-1)
        self._demand_plan(0)
        self._receive(190)
        self._consume(85)
        line = self.agreement.line_ids
        self.assertEqual(line.qty_on_hand, 105)
        self.assertEqual(line.stock_status, "above")
        line.flush_recordset()
        line.sudo().write({"overstock_since": fields.Datetime.now() - timedelta(days=29)})
        Case = self.env["vmi.overstock.case"]
        self.assertFalse(Case._cron_check(), "29 days: not yet")
        line.sudo().write({"overstock_since": fields.Datetime.now() - timedelta(days=30)})
        case = Case._cron_check()
        self.assertEqual(len(case), 1)
        self.assertEqual((case.qty_over, case.value, case.days_above), (5, 62.5, 30))
        self.assertEqual(case.cause, "below_plan")
        self.assertIn("85", case.cause_note)
        self.assertFalse(Case._cron_check(), "one case per line at a time")
