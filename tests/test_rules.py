# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import itertools
from datetime import date, timedelta

from odoo.tests import BaseCase, tagged

from ..logic import rules


@tagged("post_install", "-at_install")
class TestRules(BaseCase):
    """The ORM-free rules (logic/rules.py)."""

    def test_reorder_quantity_seed(self):
        self.assertEqual(rules.reorder_quantity(45, 0, 50, 100), 55)

    def test_reorder_quantity_not_due(self):
        self.assertEqual(rules.reorder_quantity(50, 0, 50, 100), 0)
        # incoming counts in the position: 45 + 55 on the way is not due
        self.assertEqual(rules.reorder_quantity(45, 55, 50, 100), 0)
        self.assertEqual(rules.reorder_quantity(30, 15, 50, 100), 55)

    def test_reorder_quantity_pack_rounding(self):
        # down to the pack when the line still ends at/above the reorder point
        self.assertEqual(rules.reorder_quantity(45, 0, 50, 100, 10), 50)
        self.assertEqual(rules.reorder_quantity(45, 0, 50, 100, 25), 50)
        # up when rounding down would leave it below the reorder point
        self.assertEqual(rules.reorder_quantity(45, 0, 50, 100, 60), 60)
        self.assertEqual(rules.reorder_quantity(0, 0, 95, 100, 40), 120)

    def test_stock_status(self):
        self.assertEqual(rules.stock_status(45, 50, 100), rules.STATUS_BELOW)
        self.assertEqual(rules.stock_status(50, 50, 100), rules.STATUS_OK)
        self.assertEqual(rules.stock_status(100, 50, 100), rules.STATUS_OK)
        self.assertEqual(rules.stock_status(101, 50, 100), rules.STATUS_ABOVE)
        # Incoming covers a line below its reorder point.
        self.assertEqual(rules.stock_status(45, 50, 100, 55), rules.STATUS_COVERED)
        self.assertEqual(rules.stock_status(45, 50, 100, 4), rules.STATUS_BELOW)
        self.assertEqual(rules.stock_status(45, 50, 100, 5), rules.STATUS_COVERED)

    def test_within_tolerance(self):
        self.assertTrue(rules.within_tolerance(55, 60, 10))
        self.assertTrue(rules.within_tolerance(55, 49.5, 10))
        self.assertFalse(rules.within_tolerance(55, 61, 10))
        self.assertFalse(rules.within_tolerance(55, 40, 10))
        self.assertTrue(rules.within_tolerance(0, 0, 10))
        self.assertFalse(rules.within_tolerance(0, 1, 10))

    def test_next_review_date(self):
        self.assertEqual(rules.next_review_date(date(2026, 11, 1), 3), date(2026, 11, 4))
        # a cron that was down does not leave the date in the past
        self.assertEqual(rules.next_review_date(date(2026, 11, 1), 3, date(2026, 11, 20)), date(2026, 11, 22))

    def test_settlement_period(self):
        self.assertEqual(
            rules.settlement_period(date(2026, 11, 25), 25), (date(2026, 10, 26), date(2026, 11, 25))
        )
        self.assertEqual(
            rules.settlement_period(date(2026, 11, 30), 25), (date(2026, 11, 26), date(2026, 11, 30))
        )
        self.assertEqual(
            rules.settlement_period(date(2026, 1, 25), 25), (date(2025, 12, 26), date(2026, 1, 25))
        )
        # settlement day 31 in a 30-day month and in February
        self.assertEqual(
            rules.settlement_period(date(2026, 3, 31), 31), (date(2026, 3, 1), date(2026, 3, 31))
        )
        self.assertTrue(rules.is_settlement_day(date(2026, 2, 28), 31))
        self.assertFalse(rules.is_settlement_day(date(2026, 2, 27), 31))

    def test_settlement_cutoff_due(self):
        due = rules.settlement_cutoff_due
        # the 25th is billed once it is over: not on the day, on the 26th
        self.assertIsNone(due(date(2026, 11, 25), 25, date(2026, 10, 25)))
        self.assertEqual(due(date(2026, 11, 26), 25, date(2026, 10, 25)), date(2026, 11, 25))
        # already settled up to the 25th
        self.assertIsNone(due(date(2026, 11, 26), 25, date(2026, 11, 25)))
        self.assertIsNone(due(date(2026, 12, 3), 25, date(2026, 11, 25)))
        # cron down on the 26th: the next run catches up with the 25th
        self.assertEqual(due(date(2026, 11, 30), 25, date(2026, 10, 25)), date(2026, 11, 25))
        # months missed: only the latest missed settlement date
        self.assertEqual(due(date(2027, 1, 10), 25, date(2026, 10, 25)), date(2026, 12, 25))
        # never settled: the latest settlement date, unless before the start date
        self.assertEqual(due(date(2026, 11, 27), 25), date(2026, 11, 25))
        self.assertEqual(due(date(2026, 11, 27), 25, None, date(2026, 11, 25)), date(2026, 11, 25))
        self.assertIsNone(due(date(2026, 11, 27), 25, None, date(2026, 11, 26)))
        self.assertEqual(due(date(2026, 11, 24), 25, None, date(2026, 1, 1)), date(2026, 10, 25))
        # across the year, and settlement day 31 in February (the 28th)
        self.assertEqual(due(date(2026, 1, 5), 25), date(2025, 12, 25))
        self.assertIsNone(due(date(2026, 2, 28), 31, date(2026, 1, 31)))
        self.assertEqual(due(date(2026, 3, 1), 31, date(2026, 1, 31)), date(2026, 2, 28))

    def test_monthly_average(self):
        self.assertEqual(rules.monthly_average(240, 3), 80)
        self.assertEqual(rules.consumption_window_start(date(2026, 11, 24), 3), date(2026, 8, 25))

    def test_consumption_windows(self):
        """The agreement page's three columns are the three periods of the
        3-month average: they follow each other without gap or overlap and
        start where the average's window starts."""
        today = date(2026, 12, 2)
        windows = rules.consumption_windows(today, 3)
        self.assertEqual(windows[0][0], rules.consumption_window_start(today, 3))
        self.assertEqual(windows[-1][1], today)
        for (_first, last), (first, _last) in itertools.pairwise(windows):
            self.assertEqual(first, last + timedelta(days=1))
        # Month ends: 31 March, one month back is 28 February.
        self.assertEqual(
            rules.consumption_windows(date(2026, 3, 31), 2),
            [(date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 1), date(2026, 3, 31))],
        )

    def test_level_warning(self):
        """SPEC's numbers: 25 on hand + 70 adjusted passes the maximum of 80."""
        self.assertEqual(rules.level_warning(25, 0, 70, 50, 80), rules.STATUS_ABOVE)
        self.assertIsNone(rules.level_warning(25, 0, 55, 50, 80))
        self.assertEqual(rules.level_warning(25, 10, 10, 50, 80), rules.STATUS_BELOW)

    def test_reorder_reason(self):
        self.assertEqual(rules.reorder_reason(45, 0, 50, 100, 1, 55), (rules.REASON_BELOW, 45, 55))
        self.assertEqual(rules.reorder_reason(45, 0, 50, 100, 10, 50)[0], rules.REASON_PACK_DOWN)
        self.assertEqual(rules.reorder_reason(45, 0, 50, 100, 60, 60)[0], rules.REASON_PACK_UP)
