# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class VmiSettlementResolveWizard(models.TransientModel):
    """Close a supplier's dispute of a VMI statement with what was done about
    it; the resolution is shown to the supplier and unblocks the bill."""

    _name = "vmi.settlement.resolve.wizard"
    _description = "Resolve VMI Statement Dispute"

    settlement_id = fields.Many2one("vmi.settlement", required=True, ondelete="cascade")
    dispute_reason = fields.Text(related="settlement_id.supplier_dispute_reason")
    resolution = fields.Text(required=True)

    def action_resolve(self):
        self.ensure_one()
        self.settlement_id.action_resolve_dispute(self.resolution)
        return {"type": "ir.actions.act_window_close"}
