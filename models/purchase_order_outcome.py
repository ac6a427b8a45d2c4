# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How a VMI proposal was answered, kept for the replenishment analysis
(``vmi.proposal.report``): whether it waited for the buyer (not approved
automatically) and when the supplier declined it (its response time)."""

from odoo import fields, models

from .purchase_order import PurchaseOrder as VmiPurchaseOrder


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"  # pylint: disable=consider-merging-classes-inherited

    vmi_waited_for_buyer = fields.Boolean(
        string="Waited for Buyer",
        readonly=True,
        copy=False,
        help="The supplier's answer waited for the buyer's approval (an adjustment beyond the "
        "tolerance, or an agreement where the buyer confirms): the proposal was not approved "
        "automatically.",
    )
    vmi_declined_date = fields.Datetime(string="Declined On", readonly=True, copy=False)

    _VMI_WORKFLOW_FIELDS = VmiPurchaseOrder._VMI_WORKFLOW_FIELDS | {
        "vmi_waited_for_buyer",
        "vmi_declined_date",
    }

    def write(self, vals):
        if vals.get("vmi_state") == "to_approve":
            vals = dict(vals, vmi_waited_for_buyer=True)
        return super().write(vals)

    def action_vmi_supplier_decline(self, reason=None):
        result = super().action_vmi_supplier_decline(reason=reason)
        # After the decline's own checks: the date only, as the workflow writes.
        self.sudo().write({"vmi_declined_date": fields.Datetime.now()})
        return result
