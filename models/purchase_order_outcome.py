# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""When the supplier declined a VMI proposal (its response time, in the
replenishment analysis ``vmi.proposal.report`` and the monthly review; a
confirmation or an adjustment sets ``vmi_confirmed_date``). Whether it was
approved without the buyer is ``vmi_buyer_touches`` (purchase_order_touches.py)."""

from odoo import fields, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"  # pylint: disable=consider-merging-classes-inherited

    vmi_declined_date = fields.Datetime(string="Declined On", readonly=True, copy=False)

    def _vmi_workflow_fields(self):
        return super()._vmi_workflow_fields() | {"vmi_declined_date"}

    def action_vmi_supplier_decline(self, reason=None):
        result = super().action_vmi_supplier_decline(reason=reason)
        # After the decline's own checks: the date only, as the workflow writes.
        self.sudo().write({"vmi_declined_date": fields.Datetime.now()})
        return result
