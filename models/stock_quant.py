# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.osv import expression


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_gather_domain(
        self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False
    ):
        """Supplier-owned stock is drawn only by operations that take it from
        the VMI location itself.

        Odoo gathers quants in a location *and its children*, whatever their
        owner. If a VMI location sits below a stock location, an ordinary
        delivery from that stock location would otherwise reserve the
        supplier's goods as if they were the company's.
        """
        domain = super()._get_gather_domain(
            product_id, location_id, lot_id=lot_id, package_id=package_id, owner_id=owner_id, strict=strict
        )
        if not strict and location_id and not location_id.vmi_location:
            domain = expression.AND([domain, [("location_id.vmi_location", "=", False)]])
        return domain
