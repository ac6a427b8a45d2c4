# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    vmi_root = fields.Boolean(
        string="Agreement VMI Location",
        readonly=True,
        index=True,
        copy=False,
        help="Set by the VMI agreements that use this location.",
    )
    vmi_location_id = fields.Many2one(
        "stock.location",
        string="VMI Root Location",
        compute="_compute_vmi_location_id",
        store=True,
        recursive=True,
        index="btree_not_null",
        help="The agreement's VMI location this location is (or lies under).",
    )
    vmi_location = fields.Boolean(
        string="VMI Location",
        compute="_compute_vmi_location_id",
        store=True,
        recursive=True,
        index=True,
        help="Holds supplier-owned (consignment) stock of VMI agreements: an agreement's "
        "VMI location or one of its sub-locations (shelves, bins).",
    )
    vmi_agreement_ids = fields.One2many("vmi.agreement", "location_id", string="VMI Agreements")

    @api.depends("vmi_root", "location_id.vmi_location_id")
    def _compute_vmi_location_id(self):
        for location in self:
            root = location if location.vmi_root else location.location_id.vmi_location_id
            location.vmi_location_id = root
            location.vmi_location = bool(root)
