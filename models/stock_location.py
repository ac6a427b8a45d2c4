# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class StockLocation(models.Model):
    _inherit = "stock.location"

    vmi_root = fields.Boolean(
        string="Agreement VMI Location",
        compute="_compute_vmi_root",
        store=True,
        index=True,
        help="The VMI location of an active or closed VMI agreement (a closed "
        "agreement's stock stays the supplier's until consumed or returned).",
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

    def write(self, vals):
        """A location holding stock cannot move into or out of a VMI location's
        tree: supplier-owned stock would leave VMI unbilled, or company stock
        would become the supplier's."""
        if "location_id" in vals:
            new_parent = self.browse(vals["location_id"])
            crossing = self.filtered(
                lambda loc: not loc.vmi_root and loc.vmi_location_id != new_parent.vmi_location_id
            )
            if crossing and self.env["stock.quant"].sudo().search_count(
                [("location_id", "child_of", crossing.ids), ("quantity", "!=", 0)], limit=1
            ):
                raise UserError(
                    self.env._(
                        "%s holds stock: it cannot be moved into or out of a VMI location. Empty it first.",
                        crossing[0].display_name,
                    )
                )
        return super().write(vals)

    @api.depends("vmi_agreement_ids.state")
    def _compute_vmi_root(self):
        for location in self:
            location.vmi_root = any(a.state in ("active", "closed") for a in location.vmi_agreement_ids)

    @api.depends("vmi_root", "location_id.vmi_location_id")
    def _compute_vmi_location_id(self):
        for location in self:
            root = location if location.vmi_root else location.location_id.vmi_location_id
            location.vmi_location_id = root
            location.vmi_location = bool(root)
