# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    vmi_agreement_line_id = fields.Many2one(
        "vmi.agreement.line", readonly=True, copy=False, index="btree_not_null", ondelete="set null"
    )
    vmi_proposed_qty = fields.Float(
        string="Proposed Quantity", digits="Product Unit of Measure", readonly=True, copy=False
    )

    @api.depends("order_id.vmi_agreement_id")
    def _compute_qty_invoiced(self):
        """A VMI order line is never "to bill": its goods stay the supplier's
        until consumed, and consumption is billed by the settlement."""
        res = super()._compute_qty_invoiced()
        for line in self:
            if line.order_id.vmi_agreement_id:
                line.qty_to_invoice = 0.0
        return res

    def _prepare_stock_move_vals(self, picking, price_unit, product_uom_qty, product_uom):
        vals = super()._prepare_stock_move_vals(picking, price_unit, product_uom_qty, product_uom)
        if self.order_id.vmi_agreement_id:
            vals["restrict_partner_id"] = self.order_id.vmi_agreement_id.partner_id.id
        return vals
