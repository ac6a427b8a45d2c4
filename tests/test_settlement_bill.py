# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo.tests import tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestSettlementBillAmounts(VmiCommon):
    """The settlement's bill applies the product's vendor taxes (excluded or
    included in the agreed price) and their tax report tags
    (``vmi.settlement.line._prepare_bill_line``)."""

    def _settle(self, consumed):
        self._receive(20)
        self._consume(consumed)
        return self.agreement.with_user(self.accountant)._settle(fields.Date.today()).bill_id

    def _tax(self, **vals):
        return self.env["account.tax"].create(
            {"name": "VMI VAT 10", "amount": 10.0, "type_tax_use": "purchase", **vals}
        )

    def test_tax_excluded(self):
        self.product.supplier_taxes_id = self._tax()
        bill = self._settle(11)
        line = bill.invoice_line_ids
        self.assertEqual((line.balance, line.amount_currency, line.price_subtotal), (137.5, 137.5, 137.5))
        self.assertEqual((bill.amount_untaxed, bill.amount_tax, bill.amount_total), (137.5, 13.75, 151.25))
        payable = bill.line_ids.filtered(lambda ln: ln.display_type == "payment_term")
        self.assertEqual(payable.balance, -151.25)

    def test_tax_included_in_price(self):
        self.product.supplier_taxes_id = self._tax(price_include_override="tax_included")
        bill = self._settle(11)
        self.assertEqual((bill.amount_untaxed, bill.amount_tax, bill.amount_total), (125.0, 12.5, 137.5))
        self.assertEqual(bill.invoice_line_ids.balance, 125.0)

    def test_tax_tags_on_the_line(self):
        tag = self.env["account.account.tag"].create({"name": "VMI base tag", "applicability": "taxes"})
        tax = self._tax()
        tax.invoice_repartition_line_ids.filtered(lambda r: r.repartition_type == "base").tag_ids = tag
        self.product.supplier_taxes_id = tax
        bill = self._settle(11)
        self.assertEqual(bill.invoice_line_ids.tax_tag_ids, tag)
