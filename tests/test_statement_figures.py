# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.tests import HttpCase, freeze_time, tagged

from .common import VmiCommon

CUTOFF = date(2026, 3, 25)


@tagged("post_install", "-at_install")
class TestStatementFigures(VmiCommon, HttpCase):
    """The statement explains itself: opening, received, consumed and closing
    supplier-owned stock of the period, the dated consumption (returns
    included) with its documents, taxes and total; the PDF and the portal page
    read the same figures, in the supplier's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement.date_start = date(2026, 1, 1)
        cls.product.supplier_taxes_id = [
            Command.create({"name": "VMI VAT 13", "amount": 13.0, "type_tax_use": "purchase"})
        ]

    def _history(self):
        with freeze_time("2026-02-01 10:00:00"):
            self._receive(100)  # before the period (26 Feb - 25 Mar)
        with freeze_time("2026-03-01 10:00:00"):
            self._receive(20)
        with freeze_time("2026-03-20 10:00:00"):
            drawn = self._move(
                self.product, 12, self.vmi_location, self.production_location, origin="MO/00042"
            )
        with freeze_time("2026-03-22 10:00:00"):
            self._move(
                self.product, 2, self.production_location, self.vmi_location, origin_returned_move_id=drawn.id
            )
        with freeze_time("2026-03-26 09:00:00"):
            settlement = self.agreement.with_user(self.accountant)._settle(CUTOFF)
        with freeze_time("2026-03-27 10:00:00"):
            self._consume(5)  # after the period
        return settlement

    def test_figures(self):
        settlement = self._history()
        figures = settlement._vmi_statement_figures()
        self.assertEqual(len(figures["stock"]), 1)
        row = figures["stock"][0]
        self.assertEqual(
            (row["product"], row["opening"], row["received"], row["consumed"], row["closing"]),
            (self.product, 100.0, 20.0, 10.0, 110.0),
        )
        self.assertEqual(figures["rows"].mapped("quantity"), [12.0, -2.0])
        self.assertEqual(figures["rows"][0].origin, "MO/00042")
        self.assertEqual(figures["rows"][1].is_return, True)
        self.assertEqual((figures["untaxed"], figures["tax"], figures["total"]), (125.0, 16.25, 141.25))

    def test_pdf_and_portal_read_them_in_supplier_language(self):
        settlement = self._history()
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"])
        self.supplier.lang = "zh_CN"
        html = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html("stock_vmi.report_vmi_settlement", settlement.ids)[0]
            .decode()
        )
        self.assertIn("MO/00042", html)
        self.assertIn("141.25", html)
        self.assertIn("期初", html, "the supplier's language, not the accountant's")
        self.assertNotIn("Opening", html)
        # The supplier's page reads the same figures.
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self.url_open(f"/my/vmi/statement/{settlement.id}").text
        self.assertIn("MO/00042", page)
        self.assertIn("o_vmi_statement_stock", page)
        self.assertIn("110", page)
