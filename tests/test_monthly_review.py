# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import tempfile
from datetime import date

import openpyxl

from odoo import Command
from odoo.tests import Form, HttpCase, freeze_time, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import (
    PYTHON_TRANSLATION_COMMENT,
    CodeTranslations,
    TranslationImporter,
    code_translations,
)

from ..logic import demand
from .common import VmiCommon

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


class ReviewCommon(VmiCommon):
    """The seed month, March 2026: 6205 opens at 45 (below the reorder point
    50), receives 55 on the 2nd (100), and is consumed 10, 30, 30 and 15
    (85 in all) against a published plan of 90; 5 more are consumed on 1
    April, after the month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement.date_start = date(2026, 1, 1)

    def _seed_month(self):
        with freeze_time("2026-02-20 10:00:00"):
            self.plan = self._demand_plan(months=1, quantity=90)
            self._receive(45)
        for day, qty in (("2026-03-02", 55),):
            with freeze_time(f"{day} 10:00:00"):
                self._receive(qty)
        for day, qty in (("2026-03-03", 10), ("2026-03-10", 30), ("2026-03-20", 30), ("2026-03-28", 15)):
            with freeze_time(f"{day} 10:00:00"):
                self._consume(qty)
        with freeze_time("2026-04-01 10:00:00"):
            self._consume(5)

    def _line_figures(self, figures, product=None):
        product = product or self.product
        return next(row for row in figures["lines"] if row["product"] == product)


@tagged("post_install", "-at_install")
@freeze_time("2026-04-02 09:00:00")
class TestMonthlyReview(ReviewCommon):
    def test_seed_month_forecast(self):
        """85 consumed against a plan of 90: 5 below plan, bias -5 (-5.6 %), accuracy 94.4 %."""
        self._seed_month()
        figures = self.agreement._vmi_review_figures(*MARCH)
        row = self._line_figures(figures)
        self.assertEqual(row["planned"], 90)
        self.assertEqual(row["consumed"], 85)
        self.assertEqual(row["bias"], -5)
        self.assertAlmostEqual(row["bias_pct"], -5.5556, places=3)
        self.assertAlmostEqual(row["accuracy"], 94.4444, places=3)
        totals = figures["totals"]
        self.assertEqual((totals["planned"], totals["consumed"], totals["bias"]), (90, 85, -5))
        self.assertAlmostEqual(totals["accuracy"], 94.4444, places=3)

    def test_average_stock_from_moves(self):
        """The daily supplier-owned stock is rebuilt from the moves (the
        consumption of 1 April taken back): 45, 100, 90 ... 15."""
        self._seed_month()
        row = self._line_figures(self.agreement._vmi_review_figures(*MARCH))
        series = row["series"]
        self.assertEqual(len(series), 31)
        self.assertEqual((row["opening"], series[0], series[1], series[2]), (45, 45, 100, 90))
        self.assertEqual((series[9], series[19], series[27], series[30]), (60, 30, 15, 15))
        self.assertAlmostEqual(row["average_stock"], 1675 / 31)
        self.assertAlmostEqual(row["turnover"], 85 / (1675 / 31))
        self.assertAlmostEqual(row["cover_days"], (1675 / 31) * 31 / 85)
        # Below the reorder point on the 1st and 2nd (45 in the morning),
        # and from the 20th on (30, then 15).
        self.assertEqual(row["below_rop_days"], 14)
        self.assertEqual(row["stockout_days"], 0)
        self.assertEqual(row["consigned_value"], 15 * 12.5)
        self.assertEqual((row["over_units"], row["over_days"]), (0, 0))
        self.assertIn("<svg", row["chart"])

    def test_stockout_days(self):
        """A product at 0 from the 5th until a receipt on the 10th, with
        demand planned every day: six stock-out days (the 5th and the 10th
        reached 0 too); below its reorder point 15 the four days before."""
        self.agreement.write(
            {
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_2.id,
                            "reorder_point": 15,
                            "max_qty": 30,
                            "price_unit": 15,
                        }
                    )
                ]
            }
        )
        with freeze_time("2026-02-20 10:00:00"):
            self._demand_plan(months=1, quantity=90)
            self._receive(10, product=self.product_2)
        with freeze_time("2026-03-05 10:00:00"):
            self._consume(10, product=self.product_2)
        with freeze_time("2026-03-10 10:00:00"):
            self._receive(20, product=self.product_2)
        row = self._line_figures(self.agreement._vmi_review_figures(*MARCH), self.product_2)
        self.assertEqual(row["series"][3:10], [10, 0, 0, 0, 0, 0, 20])
        self.assertEqual(row["stockout_days"], 6)
        self.assertEqual(row["below_rop_days"], 10)
        # Without any demand (no plan, no history, no consumption), no stock-out is counted.
        other = self._create_agreement(self.supplier_b, [(self.product_2, 15, 30, 15.0)])
        row = other._vmi_review_figures(*MARCH)["lines"][0]
        self.assertEqual((row["stockout_days"], row["below_rop_days"]), (0, 0))

    def test_capital_and_overstock(self):
        """Consigned stock at the agreed price against the company's own
        stock of the same product; stock above the maximum: units and days."""
        with freeze_time("2026-03-30 10:00:00"):
            self._receive(120)
        self._move(self.product, 8, self.supplier_location, self.stock_location)
        figures = self.agreement._vmi_review_figures(*MARCH)
        row = self._line_figures(figures)
        self.assertEqual((row["over_units"], row["over_days"]), (20, 2))
        self.assertEqual(row["consigned_value"], 120 * 12.5)
        self.assertEqual((row["company_qty"], row["company_value"]), (8, 8 * 12.5))
        self.assertEqual(figures["overstock"]["units"], 20)

    def test_proposal_shares_and_touches(self):
        """Four proposals: confirmed by the supplier (no touch), adjusted
        beyond tolerance and approved by the buyer (one touch), confirmed
        by the buyer for the supplier (one touch), declined by the supplier
        (no touch)."""
        line = self.agreement.line_ids
        Order = self.env["purchase.order"].sudo()
        orders = []
        with freeze_time("2026-03-05 10:00:00"):
            for _n in range(4):
                orders.append(
                    Order._vmi_create_proposals([self.agreement._prepare_purchase_order([(line, 20)])])
                )
        confirmed, adjusted, on_behalf, declined = (o.with_user(self.portal_user) for o in orders)
        with freeze_time("2026-03-05 14:00:00"):
            confirmed.action_vmi_supplier_confirm()
            adjusted.action_vmi_supplier_adjust({adjusted.order_line.id: 40})
            declined.action_vmi_supplier_decline("No stock")
        with freeze_time("2026-03-05 16:00:00"):
            adjusted.with_user(self.buyer).action_vmi_buyer_approve()
            on_behalf.with_user(self.buyer).action_vmi_supplier_confirm()
        touches = [o.sudo().vmi_buyer_touches for o in orders]
        self.assertEqual(touches, [0, 1, 1, 0])
        self.assertTrue(orders[1].vmi_adjusted)
        proposals = self.agreement._vmi_review_figures(*MARCH)["proposals"]
        self.assertEqual(proposals["count"], 4)
        self.assertEqual(proposals["auto_approved"], 1)
        self.assertEqual(proposals["auto_share"], 25)
        self.assertEqual(proposals["adjusted_share"], 25)
        self.assertEqual(proposals["declined"], 1)
        self.assertEqual(proposals["touches"], 2)
        self.assertEqual(proposals["touches_per_proposal"], 0.5)
        self.assertEqual(proposals["untouched_share"], 50)
        # Response: 4 hours for the supplier's three answers (the decline
        # included), 6 for the buyer's recording.
        self.assertAlmostEqual(proposals["response_hours"], (4 + 4 + 4 + 6) / 4)

    def test_buyer_actions_are_touches(self):
        """Editing a proposal's line, rejecting an adjustment (its
        cancellation is no second touch), cancelling, resetting and
        re-sending each count once; the review's own creation none."""
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.vmi_location, 10, owner_id=self.supplier
        )
        order = self.agreement.with_user(self.buyer)._run_review().with_user(self.buyer)
        self.assertEqual(order.vmi_buyer_touches, 0, "the review's proposal needed no buyer yet")
        order.order_line.product_qty = 60
        self.assertEqual(order.vmi_buyer_touches, 1)
        order.with_user(self.portal_user).action_vmi_supplier_adjust({order.order_line.id: 100})
        self.assertEqual(order.vmi_buyer_touches, 1, "the supplier's answer is no touch")
        order.action_vmi_buyer_reject()
        self.assertEqual(order.vmi_buyer_touches, 2)
        order.button_draft()
        self.assertEqual(order.vmi_buyer_touches, 3)
        order.action_rfq_send()
        self.assertEqual(order.vmi_buyer_touches, 4)
        order.button_cancel()
        self.assertEqual(order.vmi_buyer_touches, 5)

    def test_kpi_panel(self):
        """The agreement's form shows last month's figures of the review."""
        self._seed_month()
        agreement = self.agreement.with_user(self.buyer)
        self.assertEqual(agreement.vmi_kpi_month, demand.period_label(MARCH[0], demand.MONTH))
        self.assertAlmostEqual(agreement.vmi_kpi_accuracy, 94.4, places=1)
        self.assertEqual(agreement.vmi_kpi_stockout_days, 0)
        self.assertAlmostEqual(agreement.vmi_kpi_turnover, 85 / (1675 / 31), places=2)
        form = Form(agreement)
        self.assertAlmostEqual(form.vmi_kpi_accuracy, 94.4, places=1)

    def test_query_count_does_not_grow_with_lines(self):
        """The figures are read in grouped queries: ten more products cost no more queries."""
        self._seed_month()

        def count():
            self.env.invalidate_all()
            self.env.cr.execute("SELECT 1")
            before = self.env.cr.sql_log_count
            self.agreement._vmi_review_figures(*MARCH)
            return self.env.cr.sql_log_count - before

        count()
        small = count()
        products = self.env["product.product"].create(
            [{"name": f"Bearing {n}", "is_storable": True} for n in range(10)]
        )
        self.agreement.write(
            {
                "line_ids": [
                    Command.create({"product_id": p.id, "reorder_point": 5, "max_qty": 10, "price_unit": 1})
                    for p in products
                ]
            }
        )
        for product in products:
            with freeze_time("2026-03-03 10:00:00"):
                self._receive(3, product=product)
            with freeze_time("2026-03-04 10:00:00"):
                self._consume(1, product=product)
        self.env.flush_all()
        count()
        large = count()
        self.assertEqual(len(self.agreement._vmi_review_figures(*MARCH)["lines"]), 11)
        self.assertLessEqual(large, small + 2, f"{small} queries for 1 line, {large} for 11")

    def test_xlsx_matches_figures(self):
        """The XLSX of an agreement's month holds the review's figures."""
        self._seed_month()
        content, kind = self.env["ir.actions.report"]._render_xlsx(
            "stock_vmi.action_report_vmi_review_agreement_xlsx",
            self.agreement.ids,
            {"date_from": "2026-03-01", "date_to": "2026-03-31"},
        )
        self.assertEqual(kind, "xlsx")
        book = openpyxl.load_workbook(io.BytesIO(content))
        summary, products, daily = book.worksheets
        values = {row[0]: row[1] for row in summary.iter_rows(values_only=True)}
        self.assertEqual(values["Planned"], 90)
        self.assertEqual(values["Consumed"], 85)
        self.assertEqual(values["Bias"], -5)
        self.assertAlmostEqual(values["Forecast Accuracy (%)"], 94.4444, places=3)
        self.assertEqual(values["Days below Reorder Point"], 14)
        headings = [cell.value for cell in products[1]]
        row = dict(zip(headings, [cell.value for cell in products[2]], strict=True))
        self.assertEqual(row["Code"], "6205")
        self.assertEqual(row["Consumed"], 85)
        self.assertAlmostEqual(row["Average Stock"], 1675 / 31)
        self.assertEqual(row["Reorder Point"], 50)
        self.assertEqual(products.freeze_panes, "C2")
        self.assertEqual([daily.cell(row=r, column=2).value for r in (2, 3, 32)], [45, 100, 15])

    def test_wizard_prints_the_chosen_month(self):
        wizard = (
            self.env["vmi.review.wizard"]
            .with_user(self.buyer)
            .create({"agreement_id": self.agreement.id, "month": date(2026, 3, 17)})
        )
        action = wizard.action_print_pdf()
        self.assertEqual(action["report_name"], "stock_vmi.report_vmi_review_agreement")
        self.assertEqual(action["data"], {"date_from": "2026-03-01", "date_to": "2026-03-31"})
        self.assertEqual(
            self.agreement.action_vmi_review_wizard()["context"]["default_month"], date(2026, 3, 1)
        )
        # The buyer prints it (the figures are read as superuser after the access check).
        html = (
            self.env["ir.actions.report"]
            .with_user(self.buyer)
            ._render_qweb_html(
                "stock_vmi.action_report_vmi_review_agreement", self.agreement.ids, action["data"]
            )[0]
            .decode()
        )
        self.assertIn("Monthly VMI Review", html)
        self.assertIn("03/31/2026", html)


@tagged("post_install", "-at_install")
class TestMonthlyReviewReport(ReviewCommon, HttpCase):
    """The review printed for a statement, e-mailed with it when the
    agreement asks for it, in the supplier's language. An HttpCase, as
    Odoo's own report rendering tests: wkhtmltopdf fetches the report's
    assets from the test server."""

    def _settle(self, **context):
        self._seed_month()
        self.agreement.sudo().last_settlement_date = date(2026, 2, 28)
        with freeze_time("2026-04-02 09:00:00"):
            return (
                self.agreement.with_user(self.accountant).with_context(**context)._settle(date(2026, 3, 31))
            )

    def _statement_message(self, settlement):
        return settlement.message_ids.filtered(lambda m: "/my/vmi/statement/" in (m.body or ""))

    def test_pdf_renders_with_wkhtmltopdf(self):
        settlement = self._settle()
        report = self.env["ir.actions.report"]
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            "stock_vmi.action_report_vmi_review_settlement", settlement.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        html = report._render_qweb_html("stock_vmi.action_report_vmi_review_settlement", settlement.ids)[
            0
        ].decode()
        self.assertIn("Monthly VMI Review", html)
        self.assertIn(self.agreement.name, html)
        self.assertIn("94.4", html)
        self.assertIn("-5.00", html)
        self.assertIn("-5.6", html)
        self.assertIn("<svg", html)
        self.assertIn("polyline", html)
        action = self.env.ref("stock_vmi.action_report_vmi_review_settlement")
        self.assertEqual(action.binding_model_id.model, "vmi.settlement")

    def test_statement_email_without_review_when_not_asked(self):
        settlement = self._settle()
        message = self._statement_message(settlement)
        self.assertEqual(len(message), 1)
        self.assertFalse(message.attachment_ids, "not asked: no review attached")

    def test_statement_email_with_review(self):
        self.agreement.send_review_with_statement = True
        settlement = self._settle(force_report_rendering=True)
        message = self._statement_message(settlement)
        self.assertEqual(len(message), 1)
        self.assertIn(self.supplier_contact, message.notification_ids.res_partner_id)
        attachment = message.attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        self.assertIn("VMI Review", attachment.name)

    def _load_zh_cn(self):
        """The module's zh_CN terms, read as a language install reads them,
        but without the merge with ``i18n/stock_vmi.pot``, which marks the
        terms missing from it obsolete until it is regenerated: the view and
        field terms into the database, the Python ones into the code
        translations' cache."""
        self.env["res.lang"]._activate_lang("zh_CN")
        importer = TranslationImporter(self.env.cr, verbose=False)
        with (
            open(file_path("stock_vmi/i18n/zh_CN.po"), "rb") as po,
            tempfile.NamedTemporaryFile(suffix=".txt") as copy,
        ):
            copy.write(po.read())
            copy.flush()
            importer.load(copy, "po", "zh_CN")
            python = CodeTranslations._read_code_translations_file(
                copy, lambda row: row.get("value") and PYTHON_TRANSLATION_COMMENT in row["comments"]
            )
        importer.save(overwrite=True)
        key = ("stock_vmi", "zh_CN")
        merged = dict(code_translations.get_python_translations(*key), **python)
        self.patch(
            code_translations, "python_translations", {**code_translations.python_translations, key: merged}
        )

    def test_review_in_chinese(self):
        self._load_zh_cn()
        self.supplier.lang = "zh_CN"
        settlement = self._settle()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("stock_vmi.action_report_vmi_review_settlement", settlement.ids)[0]
            .decode()
        )
        for term in ("VMI 月度回顾", "预测准确率", "缺货天数", "补货建议"):
            self.assertIn(term, html)
        self.assertNotIn("Forecast accuracy", html)
        content, _kind = (
            self.env["ir.actions.report"]
            .with_context(lang="zh_CN")
            ._render_xlsx("stock_vmi.action_report_vmi_review_settlement_xlsx", settlement.ids, None)
        )
        values = [
            row[0]
            for row in openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)
        ]
        self.assertIn("预测准确率 (%)", values)


@tagged("post_install", "-at_install")
class TestMonthlyReviewPortal(ReviewCommon, HttpCase):
    """The supplier downloads its statement's review on the portal; another
    supplier may not."""

    def test_portal_download(self):
        self._seed_month()
        self.agreement.sudo().last_settlement_date = date(2026, 2, 28)
        with freeze_time("2026-04-02 09:00:00"):
            settlement = self.agreement.with_user(self.accountant)._settle(date(2026, 3, 31))
        url = f"/my/vmi/statement/{settlement.id}"
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"{url}/review.pdf", page.text)
        self.assertIn(f"{url}/review.xlsx", page.text)
        res = self.url_open(f"{url}/review.xlsx")
        self.assertEqual(res.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(res.content))
        values = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
        self.assertEqual(values["Consumed"], 85)
        res = self.url_open(f"{url}/review.pdf")
        self.assertEqual(res.status_code, 200)
        self.assertEqual(res.headers["Content-Type"], "application/pdf")

        self.authenticate("vmi_portal_b", "vmi_portal_b")
        for kind in ("pdf", "xlsx"):
            res = self.url_open(f"{url}/review.{kind}", allow_redirects=False)
            self.assertEqual(res.status_code, 403, kind)
        self.authenticate(None, None)
        res = self.url_open(f"{url}/review.pdf", allow_redirects=False)
        self.assertEqual(res.status_code, 303, "a visitor is sent to the login page")
        # The statement e-mail's signed link opens its review too (the link's
        # checks are the statement page's: tests/test_statement.py).
        token = settlement._vmi_portal_url().split("access_token=")[1]
        for kind in ("pdf", "xlsx"):
            res = self.url_open(f"{url}/review.{kind}?access_token={token}", allow_redirects=False)
            self.assertEqual(res.status_code, 200, kind)
        page = self.url_open(f"{url}?access_token={token}", allow_redirects=False)
        self.assertIn(f"{url}/review.xlsx?access_token={token}", page.text)
