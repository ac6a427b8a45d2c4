# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import xmlrpc.client
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import Transport, get_db_name

from .common import VmiCommon
from .test_portal import VmiPortalCommon


def _plan_patch(env, daily_by_line):
    """Pretend the published demand plan gives ``daily_by_line[line id]``
    (a list, ``None`` where no plan covers the day) from the first day on."""
    Line = type(env["vmi.agreement.line"])

    def planned(lines, first, days):
        return {
            line.id: (daily_by_line[line.id] + [None] * days)[:days]
            for line in lines
            if line.id in daily_by_line
        }

    return patch.object(Line, "_vmi_planned_daily_demand", planned)


@tagged("post_install", "-at_install")
class TestProjection(VmiCommon):
    """Issue 11, item 4: the projected supplier-owned stock, day by day over
    the next 30 days, with days of cover and the dates it falls below the
    reorder point and runs out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.line = cls.agreement.line_ids
        cls.today = fields.Date.context_today(cls.agreement)
        cls.first = cls.today + timedelta(days=1)

    def _seed_with_replenishment(self):
        """The seed: 45 on hand, 55 proposed and confirmed by the supplier,
        arriving after the lead time of 3 days (the third projected day)."""
        self._receive(45)
        order = self.agreement._run_review()
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        self.assertEqual(self.line.qty_incoming, 55)
        return order

    def test_projection_with_the_plan(self):
        """45 on hand, 3 a day planned, 55 arriving on day 3: 42, 39, then
        91, down by 3 a day; below the reorder point of 50 on day 17 (49),
        never out within 30 days (10 left: 33.3 days of cover)."""
        self._seed_with_replenishment()
        with _plan_patch(self.env, {self.line.id: [3.0] * 30}):
            figures = self.line._vmi_projected_stock()[self.line.id]
        self.assertEqual(figures["dates"][0], self.first)
        self.assertEqual(len(figures["levels"]), 30)
        self.assertEqual(figures["levels"][:4], [42, 39, 91, 88])
        self.assertEqual(figures["levels"][-1], 10)
        self.assertEqual(figures["statuses"][:3], ["below", "below", "ok"])
        self.assertEqual(figures["statuses"][16], "below")
        self.assertEqual(figures["statuses"][15], "ok")
        self.assertEqual(figures["below_date"], self.first, "below from tomorrow until the receipt")
        self.assertIsNone(figures["out_date"])
        self.assertAlmostEqual(figures["days_of_cover"], 30 + 10 / 3)
        self.assertEqual(figures["demand_source"], "plan")
        self.assertEqual(figures["classes"][0], "bg-warning")
        self.assertEqual(figures["classes"][2], "bg-success")

    def test_projection_runs_out_without_replenishment(self):
        """45 on hand and 5 a day planned for 10 days, the average (nothing
        consumed: 0) afterwards: out on day 9, 9 days of cover."""
        self._receive(45)
        with _plan_patch(self.env, {self.line.id: [5.0] * 10}):
            figures = self.line._vmi_projected_stock()[self.line.id]
        self.assertEqual(figures["demand_source"], "mixed")
        self.assertEqual(figures["levels"][:10], [40, 35, 30, 25, 20, 15, 10, 5, 0, 0])
        self.assertEqual(figures["out_date"], self.first + timedelta(days=8))
        self.assertEqual(figures["days_of_cover"], 8)
        self.assertEqual(figures["shortage"], 5)
        self.assertEqual(figures["classes"][8], "bg-danger")

    def test_projection_from_the_average_and_line_fields(self):
        """Without a plan the 3-month average of each day; the line's fields
        read the same figures."""
        self._receive(135)
        self._consume(90)
        figures = self.line._vmi_projected_stock()[self.line.id]
        self.assertEqual(figures["demand_source"], "average")
        window = (self.today - fields.Date.subtract(self.today, months=3)).days
        self.assertAlmostEqual(figures["demand"][0], 90 / window, places=6)
        self.env.invalidate_all()
        self.assertEqual(self.line.projected_below_date, self.first)
        self.assertFalse(self.line.projected_out_date)
        self.assertAlmostEqual(self.line.days_of_cover, figures["days_of_cover"], places=1)

    def test_agreement_form_shows_the_strip(self):
        self._seed_with_replenishment()
        html = str(self.agreement.projected_stock_html)
        self.assertEqual(html.count("o_vmi_day "), 30)
        self.assertIn("o_vmi_day_below bg-warning", html)
        self.assertIn("o_vmi_day_ok bg-success", html)
        self.assertIn(self.product.display_name, html)

    def test_projection_queries_do_not_grow_with_lines(self):
        """A fixed number of queries for 1 or 20 lines."""
        products = self.env["product.product"].create(
            [{"name": f"P{i}", "is_storable": True} for i in range(20)]
        )
        big = self._create_agreement(self.supplier_b, [(p, 5, 10, 1.0) for p in products])

        def count(lines):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            lines._vmi_projected_stock()
            return self.env.cr.sql_log_count - before

        count(big.line_ids[:1])  # warm the registry's caches
        self.assertEqual(count(big.line_ids[:1]), count(big.line_ids))


@tagged("post_install", "-at_install")
class TestProjectionAccess(VmiPortalCommon):
    """The projected stock over RPC and on the supplier's portal page: the
    supplier reads its own agreement's, never another supplier's."""

    def test_rpc_own_lines_only(self):
        db = get_db_name()
        rpc = xmlrpc.client.ServerProxy(
            f"{self.xmlrpc_url}object", transport=Transport(self.cr), allow_none=True
        )
        uid = self.xmlrpc_common.authenticate(db, "vmi_portal_a", "vmi_portal_a", {})
        line = self.agreement.line_ids
        result = rpc.execute_kw(
            db, uid, "vmi_portal_a", "vmi.agreement.line", "vmi_projected_stock", [line.ids], {"days": 7}
        )
        figures = result[str(line.id)]
        self.assertEqual(len(figures["levels"]), 7)
        self.assertEqual(figures["levels"][0], 45)
        self.assertEqual(figures["dates"][0], (fields.Date.today() + timedelta(days=1)).isoformat())
        self.assertEqual(figures["below_date"], figures["dates"][0])
        self.assertNotIn("classes", figures)
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            rpc.execute_kw(
                db,
                uid,
                "vmi_portal_a",
                "vmi.agreement.line",
                "vmi_projected_stock",
                [self.agreement_b.line_ids.ids],
            )
        self.assertEqual(caught.exception.faultCode, 4, "an AccessError")
        self.assertIn("VMI Agreement Line", caught.exception.faultString)

        # The horizon is clamped to 1..366 days; a value that is not a whole
        # number is refused with a clear message (a UserError, not a traceback).
        def projected(days):
            return rpc.execute_kw(
                db,
                uid,
                "vmi_portal_a",
                "vmi.agreement.line",
                "vmi_projected_stock",
                [line.ids],
                {"days": days},
            )

        for days, expected in ((0, 1), (1000, 366), ("30", 30)):
            self.assertEqual(len(projected(days)[str(line.id)]["levels"]), expected)
        for days in ("abc", 2.5, True):
            with self.subTest(days=days), self.assertRaises(xmlrpc.client.Fault) as caught:
                projected(days)
            self.assertIn("whole number", caught.exception.faultString)

    def test_portal_page(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self._get(f"/my/vmi/agreement/{self.agreement.id}/projection")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.text.count("o_vmi_day "), 30)
        self.assertIn("Projected stock", page.text)
        agreement_page = self._get(f"/my/vmi/agreement/{self.agreement.id}")
        self.assertIn(f"/my/vmi/agreement/{self.agreement.id}/projection", agreement_page.text)
        other = self._get(f"/my/vmi/agreement/{self.agreement_b.id}/projection")
        self.assertEqual(other.status_code, 403)
        missing = self._get("/my/vmi/agreement/999999/projection")
        self.assertEqual(missing.status_code, 404)

    def test_portal_page_needs_login(self):
        page = self._get(f"/my/vmi/agreement/{self.agreement.id}/projection")
        self.assertEqual(page.status_code, 303)
        self.assertIn("/web/login", page.headers["Location"])
