# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class VmiPostConfirmWizard(models.TransientModel):
    """Confirm posting VMI bills whose supplier may still answer the statement
    (tacit approval, delay not over): the statement then says it was posted
    before the supplier's answer."""

    _name = "vmi.post.confirm.wizard"
    _description = "Post VMI Bills Before the Supplier's Answer"

    move_ids = fields.Many2many("account.move", string="Bills", required=True)
    settlement_ids = fields.Many2many(
        "vmi.settlement", compute="_compute_settlement_ids", string="Statements"
    )

    @api.depends("move_ids")
    def _compute_settlement_ids(self):
        for wizard in self:
            _required, early = wizard.move_ids.sudo().vmi_settlement_id._vmi_waiting_for_supplier()
            wizard.settlement_ids = early

    def action_confirm(self):
        self.ensure_one()
        return self.move_ids.with_context(vmi_post_before_answer=True).action_post()
