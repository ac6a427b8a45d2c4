# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# Changes of a move that can change the on hand or incoming quantity of a VMI
# location, hence the stored status of its agreement lines.
_STATUS_KEYS = frozenset(
    ("state", "product_uom_qty", "product_uom", "product_id", "location_id", "location_dest_id")
)


class StockMove(models.Model):
    _inherit = "stock.move"

    def _vmi_status_scope(self):
        """``(location ids, product ids)`` of the moves of ``self`` that go
        into or out of a VMI location."""
        moves = self.filtered(lambda m: m.location_id.vmi_location or m.location_dest_id.vmi_location)
        return set((moves.location_id | moves.location_dest_id).ids), set(moves.product_id.ids)

    def _vmi_refresh_stock_status(self, scope):
        locations, products = scope
        if locations:
            self.env["vmi.agreement.line"]._vmi_refresh_stock_status(locations, products)

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        started = moves.filtered(lambda m: m.state != "draft")
        if started:
            self._vmi_refresh_stock_status(started._vmi_status_scope())
        return moves

    def write(self, vals):
        if _STATUS_KEYS.isdisjoint(vals):
            return super().write(vals)
        before_locations, before_products = self._vmi_status_scope()
        res = super().write(vals)
        # A write may replace moves (mrp unlinks and recreates by-product
        # moves when their product changes): only those still there count.
        after_locations, after_products = self.exists()._vmi_status_scope()
        self._vmi_refresh_stock_status((before_locations | after_locations, before_products | after_products))
        return res
