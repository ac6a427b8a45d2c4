# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    vmi_settlement_id = fields.Many2one(
        "vmi.settlement", string="VMI Settlement", readonly=True, copy=False, index="btree_not_null"
    )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    vmi_settlement_line_id = fields.Many2one(
        "vmi.settlement.line", readonly=True, copy=False, index="btree_not_null"
    )
