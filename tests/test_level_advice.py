# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, time, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import VmiCommon

TODAY = date(2026, 12, 3)
# The window: the 90 days up to yesterday.
FIRST = date(2026, 9, 4)


@tagged("post_install", "-at_install")
@freeze_time("2026-12-03 10:00:00")
class TestLevelAdvice(VmiCommon):
    """Level advice (issue 12, item 4): the advised reorder point and
    maximum of each line from its daily consumption of the last 90 days,
    the lead time, the review interval and the agreement's target service
    level; applied by a VMI manager, logged on the agreement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        cls.agreement.write({"date_start": date(2026, 6, 1)})
        cls.agreement.write(
            {
                "line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product_2.id,
                            "reorder_point": 20,
                            "max_qty": 40,
                            "price_unit": 15.0,
                        }
                    )
                ]
            }
        )
        cls.line = cls.agreement.line_ids.filtered(lambda ln: ln.product_id == cls.product)
        cls.line_2 = cls.agreement.line_ids - cls.line

    def _history(self, line, quantities):
        """Consumption records of ``line``: ``quantities`` is a list of
        ``(date, quantity)``, each at noon."""
        return self.env["vmi.consumption"].create(
            [
                {
                    "date": datetime.combine(day, time(12)),
                    "agreement_id": line.agreement_id.id,
                    "agreement_line_id": line.id,
                    "product_id": line.product_id.id,
                    "quantity": qty,
                    "uom_id": line.product_uom_id.id,
                    "price_unit": line.price_unit,
                }
                for day, qty in quantities
            ]
        )

    def _every_other_day(self, line, qty=6):
        """``qty`` on every other day of the window (45 days of 90), the
        first day in two records, the third net of a return; and what lies
        outside the window (the day before it, today)."""
        rows = [(FIRST + timedelta(days=n), qty) for n in range(4, 90, 2)]
        rows += [(FIRST, qty - 2), (FIRST, 2), (FIRST + timedelta(days=2), qty + 2)]
        rows += [(FIRST + timedelta(days=2), -2), (FIRST - timedelta(days=1), 50), (TODAY, 50)]
        self._history(line, rows)

    def _messages(self, agreement=None):
        return (agreement or self.agreement).message_ids.filtered(lambda m: "Level advice" in (m.body or ""))

    def test_advice_figures(self):
        """6 on 45 of the 90 days: mean 3 a day, standard deviation
        sqrt(45 * 9 * 2 / 89) = 3.0168; cover 3 + 3 days; at 95 %: safety
        1.6449 * 3.0168 * sqrt(6) = 12.155, reorder point 18 + 12.155 ->
        31, maximum 31 + 3 * 3 = 40. The product without consumption has
        no advice: its levels stay, and the reason is given."""
        self._every_other_day(self.line)
        advice = (self.line | self.line_2)._vmi_level_advice()
        figures = advice[self.line.id]
        self.assertEqual(
            {k: figures[k] for k in ("reorder_point", "max_qty", "service_level", "has_advice", "reason")},
            {
                "reorder_point": 31.0,
                "max_qty": 40.0,
                "service_level": 95.0,
                "has_advice": True,
                "reason": None,
            },
        )
        self.assertAlmostEqual(figures["mean_daily"], 3.0)
        self.assertAlmostEqual(figures["sigma_daily"], 3.016807, places=5)
        self.assertAlmostEqual(figures["safety_stock"], 12.154872, places=5)
        self.assertEqual(
            (figures["days"], figures["consumed"], figures["cover_days"]),
            (90, 270.0, 6),
        )
        self.assertEqual((figures["date_from"], figures["date_to"]), (FIRST, date(2026, 12, 2)))
        self.assertEqual((figures["lead_days"], figures["review_days"]), (3, 3))
        none = advice[self.line_2.id]
        self.assertEqual(
            {k: none[k] for k in ("reorder_point", "max_qty", "safety_stock", "has_advice", "reason")},
            {
                "reorder_point": 20.0,
                "max_qty": 40.0,
                "safety_stock": 0.0,
                "has_advice": False,
                "reason": "no_demand",
            },
        )
        # The lines' columns read the same method.
        self.assertEqual((self.line.advised_reorder_point, self.line.advised_max_qty), (31.0, 40.0))
        self.assertIn(
            "3 a day on average (standard deviation 3.02) over 90 days", self.line.level_advice_note
        )
        self.assertFalse(self.line_2.advised_max_qty)
        self.assertEqual(self.line_2.level_advice_note, "No advice: nothing consumed in the last 90 days.")
        # A higher target holds more; the lead time counts.
        self.agreement.service_level = 98
        self.assertEqual(self.line._vmi_level_advice()[self.line.id]["reorder_point"], 34.0)
        self.agreement.lead_days = 7
        self.assertEqual(self.line._vmi_level_advice()[self.line.id]["cover_days"], 10)

    def test_no_history_no_advice(self):
        """An agreement that started 5 days ago has too little history:
        no advice, the current levels, and applying it is refused with the
        reason."""
        self.agreement.date_start = TODAY - timedelta(days=5)
        self._history(self.line, [(TODAY - timedelta(days=n), 5) for n in range(1, 5)])
        figures = self.line._vmi_level_advice()[self.line.id]
        self.assertEqual(
            (
                figures["has_advice"],
                figures["reason"],
                figures["days"],
                figures["reorder_point"],
                figures["max_qty"],
            ),
            (False, "no_history", 5, 50.0, 100.0),
        )
        self.assertEqual(
            self.line.level_advice_note, "No advice: only 5 days of history (at least 14 are needed)."
        )
        with self.assertRaises(UserError) as caught:
            self.agreement.with_user(self.buyer).action_apply_level_advice()
        self.assertIn("at least 14 days of history", str(caught.exception))
        self.assertEqual((self.line.reorder_point, self.line.max_qty), (50.0, 100.0))
        self.assertFalse(self._messages())

    def test_service_level_bounds(self):
        for value in (49.9, 100.0, 0.0, -5.0):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                self.agreement.service_level = value
        for value in (50.0, 99.9):
            self.agreement.service_level = value
            self.assertEqual(self.agreement.service_level, value)
        self.assertEqual(self.env["vmi.agreement"].new({}).service_level, 95.0)

    def test_apply_per_line(self):
        """The line's button applies its advice only; the change is logged
        on the agreement: old -> new, the target and the data used."""
        self._every_other_day(self.line)
        self._every_other_day(self.line_2, qty=2)
        result = self.line.with_user(self.buyer).action_apply_level_advice()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual((self.line.reorder_point, self.line.max_qty), (31.0, 40.0))
        self.assertEqual(
            (self.line_2.reorder_point, self.line_2.max_qty), (20.0, 40.0), "the other line stays"
        )
        message = self._messages()
        self.assertEqual(len(message), 1)
        body = message.body
        self.assertIn("for a target service level of 95 %", body)
        self.assertIn("from the consumption of 09/04/2026 to 12/02/2026", body)
        self.assertIn("a lead time of 3 days and a review every 3 days", body)
        self.assertIn(
            "[6205] Deep-groove ball bearing 6205: reorder point 50 -&gt; 31, maximum 100 -&gt; 40", body
        )
        self.assertIn("standard deviation 3.02", body)
        self.assertNotIn("6206", body)
        self.assertEqual(message.author_id, self.buyer.partner_id)
        # Again: nothing to change, said so, and logged as unchanged.
        result = self.line.with_user(self.buyer).action_apply_level_advice()
        self.assertEqual(result["params"]["type"], "info")

    def test_apply_all_lines(self):
        """The agreement's button applies the advice of every product (one
        message listing each); a product without advice is left, with the
        reason."""
        self._every_other_day(self.line)
        product_3 = self.env["product.product"].create(
            {"name": "Bearing 6207", "default_code": "6207", "is_storable": True}
        )
        self.agreement.write(
            {"line_ids": [Command.create({"product_id": product_3.id, "reorder_point": 5, "max_qty": 10})]}
        )
        line_3 = self.agreement.line_ids.filtered(lambda ln: ln.product_id == product_3)
        self._every_other_day(self.line_2, qty=2)
        self.agreement.with_user(self.buyer).action_apply_level_advice()
        # 2 on 45 of 90 days: mean 1, sigma 1.0056, safety 4.05 -> 11, max 14
        self.assertEqual((self.line.reorder_point, self.line.max_qty), (31.0, 40.0))
        self.assertEqual((self.line_2.reorder_point, self.line_2.max_qty), (11.0, 14.0))
        self.assertEqual((line_3.reorder_point, line_3.max_qty), (5.0, 10.0))
        body = self._messages().body
        self.assertIn("reorder point 50 -&gt; 31, maximum 100 -&gt; 40", body)
        self.assertIn("reorder point 20 -&gt; 11, maximum 40 -&gt; 14", body)
        self.assertIn("Bearing 6207: unchanged. No advice: nothing consumed in the last 90 days.", body)

    def test_pack_rounding(self):
        self._every_other_day(self.line)
        self.line.pack_multiple = 10
        figures = self.line._vmi_level_advice()[self.line.id]
        self.assertEqual((figures["reorder_point"], figures["max_qty"]), (40.0, 50.0))

    def test_non_manager_refused(self):
        """Only VMI managers change levels: a VMI user is refused, nothing
        changes, nothing is logged."""
        self._every_other_day(self.line)
        user = new_test_user(
            self.env, login="vmi_levels_user", groups="stock_vmi.group_vmi_user,base.group_user"
        )
        # A VMI user sees the advice ...
        self.assertEqual(self.line.with_user(user).advised_reorder_point, 31.0)
        # ... but may not apply it.
        for action in (
            self.line.with_user(user).action_apply_level_advice,
            self.agreement.with_user(user).action_apply_level_advice,
        ):
            with self.assertRaises(AccessError):
                action()
        self.assertEqual((self.line.reorder_point, self.line.max_qty), (50.0, 100.0))
        self.assertFalse(self._messages())

    def test_closed_agreement_refused(self):
        self._every_other_day(self.line)
        self.agreement.action_close()
        with self.assertRaises(UserError):
            self.agreement.with_user(self.buyer).action_apply_level_advice()
        self.assertEqual(self.line.reorder_point, 50.0)

    def test_query_count_independent_of_lines(self):
        """One grouped query for the consumption of all lines: the advice of
        12 lines costs as many queries as that of 1."""
        products = self.env["product.product"].create(
            [{"name": f"Bearing {n}", "is_storable": True} for n in range(12)]
        )
        agreement = self._create_agreement(
            self.supplier_b, [(product, 5, 10, 1.0) for product in products], date_start=date(2026, 6, 1)
        )
        for line in agreement.line_ids:
            self._history(line, [(FIRST + timedelta(days=n), 1 + n % 3) for n in range(0, 90, 3)])

        def queries(lines):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            advice = lines._vmi_level_advice()
            self.assertTrue(all(f["has_advice"] for f in advice.values()))
            return self.env.cr.sql_log_count - before

        one = queries(agreement.line_ids[:1])
        self.assertEqual(queries(agreement.line_ids), one)
        self.assertLessEqual(one, 4)

    def test_chatter_in_buyer_language(self):
        """The buyer reads the change in Chinese. (Odoo merges
        ``i18n/zh_CN.po`` with ``i18n/stock_vmi.pot`` when it reads the code
        translations, dropping what the template lacks: this test needs the
        template regenerated with the level advice's strings.)"""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.buyer.lang = "zh_CN"
        self._every_other_day(self.line)
        self.agreement.with_user(self.buyer).action_apply_level_advice()
        body = self._messages_zh()
        self.assertIn("目标服务水平 95 %", body)
        self.assertIn("补货点 50 -&gt; 31，最高库存 100 -&gt; 40", body)
        self.assertNotIn("reorder point", body)
        note = self.line.with_context(lang="zh_CN").level_advice_note
        self.assertIn("日均 3", note)

    def _messages_zh(self):
        messages = self.agreement.message_ids.filtered(lambda m: "补货点" in (m.body or ""))
        self.assertEqual(len(messages), 1, self.agreement.message_ids.mapped("body"))
        return messages.body

    def test_backoffice_shows_and_applies(self):
        """The advised levels stand beside today's on the agreement's
        products, with a button per line and one for all; the lines list's
        action applies the selected lines."""
        arch = self.env["vmi.agreement"].with_user(self.buyer).get_view(view_type="form")["arch"]
        for name in (
            "service_level",
            "advised_reorder_point",
            "advised_max_qty",
            "action_apply_level_advice",
        ):
            self.assertIn(f'name="{name}"', arch)
        lines_arch = self.env["vmi.agreement.line"].get_view(view_type="list")["arch"]
        self.assertIn('name="advised_reorder_point"', lines_arch)
        self._every_other_day(self.line)
        action = self.env.ref("stock_vmi.action_vmi_apply_level_advice").with_user(self.buyer)
        action.with_context(active_model="vmi.agreement.line", active_ids=self.line.ids).run()
        self.assertEqual((self.line.reorder_point, self.line.max_qty), (31.0, 40.0))
