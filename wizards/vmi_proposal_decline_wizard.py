# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class VmiProposalDeclineWizard(models.TransientModel):
    """Record a supplier's decline (e.g. told by phone) with its reason."""

    _name = "vmi.proposal.decline.wizard"
    _description = "Decline VMI Proposal"

    purchase_id = fields.Many2one("purchase.order", required=True)
    reason = fields.Text(required=True)

    def action_decline(self):
        self.ensure_one()
        self.purchase_id.action_vmi_supplier_decline(self.reason)
        return {"type": "ir.actions.act_window_close"}
