# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    def _vmi_set_default_owner(self):
        """Scrapping from a VMI location scraps the supplier's stock: default
        the owner, so that the availability check (which reads quants of the
        scrap's owner only) finds it and the scrap is recorded as consumption."""
        scraps = self.filtered(lambda s: s.location_id.vmi_location and s.product_id and not s.owner_id)
        if not scraps:
            return
        line_map = self.env["vmi.agreement"]._get_active_lines_map(
            set(scraps.location_id.vmi_location_id.ids), set(scraps.product_id.ids)
        )
        for scrap in scraps:
            lines = line_map.get((scrap.location_id.vmi_location_id.id, scrap.product_id.id))
            line = lines[:1] if lines else None
            if line:
                scrap.owner_id = line.partner_id

    @api.onchange("location_id", "product_id")
    def _onchange_vmi_owner(self):
        self._vmi_set_default_owner()

    def check_available_qty(self):
        self._vmi_set_default_owner()
        return super().check_available_qty()
