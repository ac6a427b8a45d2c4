# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io

import openpyxl

from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_portal import VmiPortalCommon
from .test_sheet_import import make_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetImportPortalCommon(VmiPortalCommon):
    def _upload(self, url, data):
        return self.url_open(
            url,
            data={"csrf_token": self._csrf()},
            files={"file": ("answer.xlsx", data, XLSX)},
            allow_redirects=False,
        )


@tagged("post_install", "-at_install")
class TestSheetImportPortal(SheetImportPortalCommon):
    """The supplier imports its stock count and its answer to a proposal on
    the portal: its own agreements and proposals only."""

    def test_pages_and_links(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self._get(f"/my/vmi/agreement/{self.agreement.id}")
        self.assertIn(f"/my/vmi/import/count/{self.agreement.id}", page.text)
        page = self._get(f"/my/vmi/proposal/{self.order.id}")
        self.assertIn(f"/my/vmi/import/proposal/{self.order.id}", page.text)
        page = self._get(f"/my/vmi/import/count/{self.agreement.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_vmi_import_form", page.text)
        self.assertEqual(self._get(f"/my/vmi/import/plan/{self.agreement.id}").status_code, 404)

    def test_template_download(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        res = self._get(f"/my/vmi/import/proposal/{self.order.id}/template")
        self.assertEqual(res.status_code, 200)
        self.assertEqual(res.headers["Content-Type"], XLSX)
        ws = openpyxl.load_workbook(io.BytesIO(res.content)).worksheets[0]
        self.assertEqual((ws["A1"].value, ws["B1"].value), ("VMI-PROPOSAL", self.order.name))
        self.assertEqual(ws["A2"].value, "Product Code")
        self.assertEqual((ws["A3"].value, ws["D3"].value), ("6205", 55))

    @mute_logger("odoo.http")
    def test_other_supplier_refused(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        for url in (
            f"/my/vmi/import/count/{self.agreement_b.id}",
            f"/my/vmi/import/proposal/{self.order_b.id}",
            f"/my/vmi/import/proposal/{self.order_b.id}/template",
        ):
            with self.subTest(url=url):
                self.assertEqual(self._get(url).status_code, 403)
        data = make_xlsx(
            "VMI-PROPOSAL", self.order_b.name, [("6206", None, None, 1, self.order_b.date_planned)]
        )
        res = self._upload(f"/my/vmi/import/proposal/{self.order_b.id}", data)
        self.assertEqual(res.status_code, 403)
        self.assertEqual(self.order_b.vmi_state, "to_confirm")
        self.assertEqual(self._get("/my/vmi/import/count/999999").status_code, 404)

    def test_bad_file_listed(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        promised = self.order.date_planned.date()
        data = make_xlsx(
            "VMI-PROPOSAL",
            self.order.name,
            [("6205", None, None, "lots", promised), ("9999", None, None, 1, promised)],
        )
        res = self._upload(f"/my/vmi/import/proposal/{self.order.id}", data)
        self.assertEqual(res.status_code, 400)
        self.assertIn('data-row="3"', res.text)
        self.assertIn("is not a number", res.text)
        self.assertIn('data-row="4"', res.text)
        self.assertIn("Unknown product code 9999.", res.text)
        self.assertEqual(self.order.vmi_state, "to_confirm")
        self.assertEqual(self.order_line.product_qty, 55)
        res = self._upload(f"/my/vmi/import/count/{self.agreement.id}", b"not a spreadsheet")
        self.assertEqual(res.status_code, 400)
        self.assertIn("cannot be read as an XLSX workbook", res.text)

    def test_answer_imported(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        promised = self.order.date_planned.date()
        data = make_xlsx("VMI-PROPOSAL", self.order.name, [("6205", None, None, 58, promised)])
        res = self._upload(f"/my/vmi/import/proposal/{self.order.id}", data)
        self.assertEqual(res.status_code, 200)
        self.assertIn("o_vmi_message", res.text)
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order_line.product_qty, 58)
        self.assertEqual(self.order.vmi_confirmed_by, self.portal_user)

    def test_count_imported(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        data = make_xlsx("VMI-COUNT", self.agreement.name, [("6205", None, "Units", 40)])
        res = self._upload(f"/my/vmi/import/count/{self.agreement.id}", data)
        self.assertEqual(res.status_code, 200)
        self.assertEqual(sum(self._quants().mapped("quantity")), 40)
        consumption = self.env["vmi.consumption"].search([("agreement_id", "=", self.agreement.id)])
        self.assertEqual(consumption.quantity, 5)
        self.assertTrue(consumption.is_count)


@tagged("post_install", "-at_install", "is_tour")
class TestSheetImportPortalTour(SheetImportPortalCommon):
    def test_import_page_tour(self):
        """From the agreement page to the import form; imported without a
        file, the page asks for one and nothing changes."""
        self.start_tour(
            f"/my/vmi/agreement/{self.agreement.id}", "stock_vmi_portal_sheet_import", login="vmi_portal_a"
        )
        self.assertEqual(sum(self._quants().mapped("quantity")), 45)
