# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
from datetime import datetime, time
from urllib.parse import quote

import openpyxl
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..logic import rules
from .common import VmiCommon
from .test_portal import VmiPortalCommon
from .test_portal_tour import ChineseSupplierMixin

SHEET_REPORT = "stock_vmi.action_report_vmi_stock_sheet"
PARTNER_REPORT = "stock_vmi.action_report_vmi_stock_sheet_partner"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StockSheetMixin:
    """Open a stock sheet and read it by its header row."""

    HEADER_ROW = 4  # 1-based (openpyxl)

    def _workbook(self, content):
        self.assertTrue(content.startswith(b"PK"), "an XLSX file (a zip)")
        return openpyxl.load_workbook(io.BytesIO(content))

    def _headers(self, sheet):
        return [cell.value for cell in sheet[self.HEADER_ROW]]

    def _rows(self, sheet):
        """``{code: {header: value}}`` of the sheet's lines."""
        headers = self._headers(sheet)
        rows = {}
        for values in sheet.iter_rows(min_row=self.HEADER_ROW + 1, values_only=True):
            row = dict(zip(headers, values, strict=True))
            rows[values[1]] = row
        return rows

    def _cell(self, sheet, code, header):
        """The openpyxl cell of line ``code`` under ``header``."""
        col = self._headers(sheet).index(header) + 1
        for row in range(self.HEADER_ROW + 1, sheet.max_row + 1):
            if sheet.cell(row, 2).value == code:
                return sheet.cell(row, col)
        raise AssertionError(f"no line {code}")


@tagged("post_install", "-at_install")
class TestStockSheet(StockSheetMixin, VmiCommon):
    """Issue 12, item 1: the shared stock sheet read back with openpyxl,
    against the database: the seed's 45 on hand (reorder point 50, maximum
    100), three months of consumption, the demand plan, the projected
    stock-out date and the receipt on its way with its date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.line = cls.agreement.line_ids
        cls.buyer.tz = "Asia/Shanghai"

    def _render(self, records, report=SHEET_REPORT, user=None, lang=None):
        Report = self.env["ir.actions.report"].with_user(user or self.buyer)
        if lang:
            Report = Report.with_context(lang=lang)
        content, report_type = Report._render_xlsx(report, records.ids, {})
        self.assertEqual(report_type, "xlsx")
        return self._workbook(content)

    def _seed(self):
        """75 received, 7, 11 and 12 consumed in the three months (an average
        of 10): 45 left. A plan of 600 this month and next (20 a day), 300
        the month after; the review proposes, the supplier confirms: a
        receipt on its way."""
        self._receive(75)
        windows = rules.consumption_windows(fields.Date.context_today(self.agreement), 3)
        for qty, (first, _last) in zip((7, 11, 12), windows, strict=True):
            self._consume(qty)
            record = self.env["vmi.consumption"].search([], order="id desc", limit=1)
            record.sudo().date = datetime.combine(first, time(0, 0, 1))
        self._demand_plan(months=0, quantity=600, quantity_next=600, quantity_next2=300)
        self.agreement.next_review_date = fields.Date.today()
        order = self.agreement._run_review()
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        return order

    def test_sheet_figures_against_the_database(self):
        order = self._seed()
        self.env.invalidate_all()
        self.assertEqual(self.line.qty_on_hand, 45)
        incoming = self.line.qty_incoming
        self.assertGreater(incoming, 0)
        receipt = order.picking_ids.move_ids
        out_date = self.line.projected_out_date
        self.assertTrue(out_date, "20 a day runs the stock out within 30 days")

        sheet = self._render(self.agreement).active
        self.assertEqual(sheet.title, self.agreement.name.replace("/", "-")[:31])
        self.assertEqual(sheet.freeze_panes, "B5", "header rows and product column frozen")
        headers = self._headers(sheet)
        self.assertEqual(
            headers[:10],
            [
                "Product",
                "Code",
                "Unit",
                "VMI On Hand",
                "Reorder Point",
                "Maximum",
                "Stock Status",
                "Incoming",
                "Next Receipt",
                "Receipts",
            ],
        )
        self.assertEqual(headers[-1], "Runs Out On")
        row = self._rows(sheet)["6205"]
        self.assertEqual(row["Product"], self.product.display_name)
        self.assertEqual(row["Unit"], self.uom_unit.name)
        self.assertEqual(row["VMI On Hand"], 45)
        self.assertEqual(row["Reorder Point"], 50)
        self.assertEqual(row["Maximum"], 100)
        self.assertEqual(row["Incoming"], incoming)
        # 45 + incoming is above the reorder point: covered by incoming.
        self.assertEqual(row["Stock Status"], "Covered by incoming")
        self.assertEqual(self.line.stock_status, rules.STATUS_COVERED)
        self.assertEqual(row["Next Receipt"].date(), receipt.date.date())
        self.assertIn(f": {int(incoming)}", row["Receipts"])
        months = [value for header, value in row.items() if header.startswith("Consumed ")]
        self.assertEqual(months, [7, 11, 12])
        self.assertEqual(row["Monthly Average"], 10)
        plan = [value for header, value in row.items() if header.startswith("Plan ")]
        self.assertEqual(plan, [600, 300, None], "next month's estimate, the one after, then none")
        self.assertEqual(row["Runs Out On"].date(), out_date)
        # Number formats: the unit's precision (Units: rounding 0.01).
        self.assertEqual(self.uom_unit.rounding, 0.01)
        self.assertEqual(self._cell(sheet, "6205", "VMI On Hand").number_format, "#,##0.00")
        self.assertEqual(self._cell(sheet, "6205", "Monthly Average").number_format, "#,##0.00")
        self.assertEqual(self._cell(sheet, "6205", "Runs Out On").number_format, "yyyy-mm-dd")
        # The portal's colour of "covered" (Bootstrap info).
        status = self._cell(sheet, "6205", "Stock Status")
        self.assertEqual(status.fill.fgColor.rgb, "FF0DCAF0")

    def test_status_colours_as_on_the_portal(self):
        """45 below the reorder point with nothing on its way: "below", red
        as the portal's danger badge; no plan, no plan columns."""
        self._receive(45)
        sheet = self._render(self.agreement).active
        self.assertEqual(self._rows(sheet)["6205"]["Stock Status"], "Below reorder point")
        self.assertEqual(self._cell(sheet, "6205", "Stock Status").fill.fgColor.rgb, "FFDC3545")
        self.assertFalse([h for h in self._headers(sheet) if h.startswith("Plan ")])
        row = self._rows(sheet)["6205"]
        self.assertIsNone(row["Next Receipt"])
        self.assertIsNone(row["Runs Out On"], "no demand: never out")

    @freeze_time("2026-03-10 02:30:00")
    def test_figures_taken_at_in_the_readers_time_zone(self):
        sheet = self._render(self.agreement).active
        self.assertEqual(sheet["A2"].value, "Figures taken at")
        self.assertEqual(sheet["B2"].value, datetime(2026, 3, 10, 10, 30))
        self.assertEqual(sheet["C2"].value, "Asia/Shanghai")
        self.assertIn(self.agreement.name, sheet["A1"].value)

    def test_figures_method_several_agreements(self):
        """One call for several agreements: each its own lines; the shape
        the other readers (portal page, review) rely on."""
        self._receive(45)
        other = self._create_agreement(self.supplier_b, [(self.product_2, 10, 40, 15.0)])
        figures = (self.agreement | other).sudo()._vmi_stock_sheet_figures()
        self.assertEqual(set(figures), {self.agreement.id, other.id})
        mine = figures[self.agreement.id]
        self.assertEqual(len(mine["windows"]), 3)
        self.assertEqual(len(mine["plan_periods"]), 3)
        self.assertFalse(mine["has_plan"])
        self.assertEqual(mine["open_proposals"], 0)
        (line,) = mine["lines"]
        self.assertEqual(line["line"], self.line)
        self.assertEqual((line["on_hand"], line["reorder_point"], line["max_qty"]), (45, 50, 100))
        self.assertEqual(line["status"], rules.STATUS_BELOW)
        self.assertEqual(figures[other.id]["lines"][0]["code"], "6206")
        self.assertLessEqual(mine["taken_at"], fields.Datetime.now())

    def test_query_count_does_not_grow_with_lines(self):
        """The figures are read in batches: 20 more lines cost no more
        queries."""
        self._receive(45)
        self._demand_plan(months=0, quantity=90)

        def count():
            self.env.invalidate_all()
            self.env.flush_all()
            self.env.cr.execute("SELECT 1")
            before = self.env.cr.sql_log_count
            self._render(self.agreement)
            return self.env.cr.sql_log_count - before

        self._render(self.agreement)  # warm-up
        small = count()
        products = self.env["product.product"].create(
            [{"name": f"Bearing {n}", "default_code": f"B{n}", "is_storable": True} for n in range(20)]
        )
        self.agreement.write(
            {
                "line_ids": [
                    Command.create({"product_id": p.id, "reorder_point": 5, "max_qty": 10, "price_unit": 1})
                    for p in products
                ]
            }
        )
        for product in products[:5]:
            self._receive(3, product=product)
        self._render(self.agreement)  # warm-up again
        large = count()
        self.assertEqual(len(self._rows(self._render(self.agreement).active)), 21)
        self.assertLessEqual(large, small + 3, f"{small} queries for 1 line, {large} for 21")

    def test_per_supplier_sheet_has_all_its_active_agreements(self):
        """The supplier's sheet: a worksheet per active agreement of the
        supplier (not a draft one, not another supplier's)."""
        location_2 = self.env["stock.location"].create(
            {"name": "VMI 2", "location_id": self.warehouse.view_location_id.id, "usage": "internal"}
        )
        second = self._create_agreement(
            self.supplier, [(self.product_2, 10, 40, 15.0)], location_id=location_2.id
        )
        self._create_agreement(self.supplier, [(self.product, 1, 2, 1.0)], activate=False)
        self._create_agreement(self.supplier_b, [(self.product_2, 10, 40, 15.0)])
        self._receive(45)
        workbook = self._render(self.supplier, report=PARTNER_REPORT)
        names = sorted([self.agreement.name, second.name])
        self.assertEqual(workbook.sheetnames, [name.replace("/", "-") for name in names])
        by_name = {sheet.title: sheet for sheet in workbook.worksheets}
        self.assertEqual(
            self._rows(by_name[self.agreement.name.replace("/", "-")])["6205"]["VMI On Hand"], 45
        )
        self.assertEqual(set(self._rows(by_name[second.name.replace("/", "-")])), {"6206"})
        for sheet in workbook.worksheets:
            self.assertEqual(sheet.freeze_panes, "B5")

    def test_portal_user_refused_on_the_report(self):
        """The report itself checks the reader: supplier B's portal user
        gets neither A's agreement sheet nor A's supplier sheet."""
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self._render(self.agreement, user=self.portal_user_b)
        with self.assertRaises(UserError):
            self._render(self.supplier, report=PARTNER_REPORT, user=self.portal_user_b)

    def test_chinese_sheet(self):
        """A reader in zh_CN: headers, status and the time label in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"], overwrite=True)
        self._receive(45)
        sheet = self._render(self.agreement, lang="zh_CN").active
        headers = self._headers(sheet)
        for term in (
            "产品",
            "VMI 在手",
            "补货线",
            "最高库存（安全线）",
            "库存状态",
            "月均消耗",
            "预计缺货日期",
        ):
            self.assertIn(term, headers)
        self.assertNotIn("Product", headers)
        self.assertEqual(self._rows(sheet)["6205"]["库存状态"], "低于补货线")
        self.assertEqual(sheet["A2"].value, "数据时间")
        self.assertTrue([h for h in headers if h.startswith("消耗 ")], headers)


@tagged("post_install", "-at_install")
class TestStockSheetPortal(StockSheetMixin, VmiPortalCommon):
    """The supplier downloads the sheet on the portal (its agreements only);
    the buyer through report_xlsx's route."""

    def _download(self, url):
        res = self._get(url)
        self.assertEqual(res.status_code, 200, url)
        self.assertEqual(res.headers["Content-Type"], XLSX_MIMETYPE)
        self.assertIn("attachment", res.headers["Content-Disposition"])
        return self._workbook(res.content)

    def test_supplier_downloads_its_sheet(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self._get(f"/my/vmi/agreement/{self.agreement.id}").text
        self.assertIn(f'href="/my/vmi/agreement/{self.agreement.id}/sheet.xlsx"', page)
        sheet = self._download(f"/my/vmi/agreement/{self.agreement.id}/sheet.xlsx").active
        row = self._rows(sheet)["6205"]
        self.assertEqual((row["VMI On Hand"], row["Reorder Point"], row["Maximum"]), (45, 50, 100))
        self.assertEqual(row["Stock Status"], "Below reorder point")
        self.assertEqual(sheet.freeze_panes, "B5")
        self.assertNotIn("6206", self._rows(sheet))

    def test_supplier_downloads_all_its_agreements(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self._get("/my/vmi/agreements").text
        self.assertIn('href="/my/vmi/sheet.xlsx"', page)
        workbook = self._download("/my/vmi/sheet.xlsx")
        self.assertEqual(workbook.sheetnames, [self.agreement.name.replace("/", "-")])
        self.authenticate("vmi_portal_b", "vmi_portal_b")
        workbook = self._download("/my/vmi/sheet.xlsx")
        self.assertEqual(workbook.sheetnames, [self.agreement_b.name.replace("/", "-")])
        self.assertEqual(set(self._rows(workbook.active)), {"6206"})

    def test_other_supplier_refused(self):
        self.authenticate("vmi_portal_b", "vmi_portal_b")
        url = f"/my/vmi/agreement/{self.agreement.id}/sheet.xlsx"
        self.assertEqual(self._get(url).status_code, 403)
        token = self.agreement._vmi_portal_token()
        self.assertEqual(self._get(f"{url}?access_token={token}").status_code, 403, "a token never widens")
        self.assertEqual(self._get("/my/vmi/agreement/999999/sheet.xlsx").status_code, 404)
        # Nor through report_xlsx's own route.
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            res = self._get(f"/report/xlsx/stock_vmi.vmi_stock_sheet/{self.agreement.id}")
        self.assertNotEqual(res.status_code, 200)
        self.assertFalse(res.content.startswith(b"PK"))

    def test_visitor_with_token(self):
        url = f"/my/vmi/agreement/{self.agreement.id}/sheet.xlsx"
        res = self._get(url)
        self.assertEqual(res.status_code, 303)
        self.assertIn("/web/login", res.headers["Location"])
        sheet = self._download(f"{url}?access_token={self.agreement._vmi_portal_token()}").active
        self.assertEqual(self._rows(sheet)["6205"]["VMI On Hand"], 45)
        page = self._get(
            f"/my/vmi/agreement/{self.agreement.id}?access_token={self.agreement._vmi_portal_token()}"
        )
        self.assertIn(f"/my/vmi/agreement/{self.agreement.id}/sheet.xlsx?access_token=", page.text)
        self.assertEqual(self._get(f"{url}?access_token=forged").status_code, 403)

    def test_buyer_prints_in_the_back_office(self):
        self.authenticate("vmi_test_buyer", "vmi_test_buyer")
        res = self._get(f"/report/xlsx/stock_vmi.vmi_stock_sheet/{self.agreement.id}")
        self.assertEqual(res.status_code, 200)
        sheet = self._workbook(res.content).active
        self.assertEqual(self._rows(sheet)["6205"]["VMI On Hand"], 45)
        res = self._get(f"/report/xlsx/stock_vmi.vmi_stock_sheet_partner/{self.supplier.id}")
        self.assertEqual(self._workbook(res.content).sheetnames, [self.agreement.name.replace("/", "-")])
        report = self.env.ref(SHEET_REPORT)
        self.assertEqual(report.binding_model_id.model, "vmi.agreement")
        self.assertEqual(self.env.ref(PARTNER_REPORT).binding_model_id.model, "res.partner")


@tagged("post_install", "-at_install")
class TestStockSheetPortalChinese(StockSheetMixin, ChineseSupplierMixin, VmiPortalCommon):
    def test_chinese_supplier_sheet(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self.url_open(f"/my/vmi/agreement/{self.agreement.id}").text
        self.assertIn("库存表", page)
        res = self.url_open(f"/my/vmi/agreement/{self.agreement.id}/sheet.xlsx")
        self.assertEqual(res.status_code, 200)
        sheet = self._workbook(res.content).active
        headers = self._headers(sheet)
        self.assertIn("VMI 在手", headers)
        self.assertIn("补货线", headers)
        self.assertEqual(self._rows(sheet)["6205"]["库存状态"], "低于补货线")
        self.assertIn(quote("VMI 库存表"), res.headers["Content-Disposition"])
