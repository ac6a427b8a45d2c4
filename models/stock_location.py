# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    vmi_location = fields.Boolean(
        string="VMI Location",
        readonly=True,
        index=True,
        help="Holds supplier-owned (consignment) stock of VMI agreements. Set by the "
        "agreements that use this location.",
    )
    vmi_agreement_ids = fields.One2many("vmi.agreement", "location_id", string="VMI Agreements")
