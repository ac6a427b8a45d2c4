# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class VmiSettlementLine(models.Model):
    """Net consumption of one product (at one agreed price) in a settlement."""

    _name = "vmi.settlement.line"
    _description = "VMI Settlement Line"
    _order = "settlement_id, id"
    _check_company_auto = True

    settlement_id = fields.Many2one("vmi.settlement", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="settlement_id.company_id", store=True)
    partner_id = fields.Many2one(related="settlement_id.partner_id", store=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    product_id = fields.Many2one("product.product", required=True, readonly=True, check_company=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", required=True, readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    price_unit = fields.Float(string="Agreed Price", digits="Product Price", readonly=True)
    amount = fields.Monetary(compute="_compute_amount", store=True)
    consumption_ids = fields.One2many("vmi.consumption", "settlement_line_id")
    bill_line_ids = fields.One2many("account.move.line", "vmi_settlement_line_id")

    @api.depends("quantity", "price_unit")
    def _compute_amount(self):
        for line in self:
            line.amount = line.quantity * line.price_unit

    def _prepare_bill_line(self, sign=1, fiscal_position=None):
        """Extension point: values of the vendor bill line of this settlement
        line (``sign`` is -1 on a refund, whose quantities are positive). The
        product's vendor taxes of the company (a branch's own, else its
        parent's: ``_filter_taxes_by_company``, never both) are mapped by the
        bill's ``fiscal_position``."""
        self.ensure_one()
        product = self.product_id.with_company(self.company_id)
        taxes = product.supplier_taxes_id._filter_taxes_by_company(self.company_id)
        if fiscal_position:
            taxes = fiscal_position.map_tax(taxes)
        return {
            "product_id": product.id,
            "name": product.display_name,
            "quantity": sign * self.quantity,
            "product_uom_id": self.uom_id.id,
            "price_unit": self.price_unit,
            "tax_ids": [fields.Command.set(taxes.ids)],
            "vmi_settlement_line_id": self.id,
        }
