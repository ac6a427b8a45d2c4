# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Purchasing effort (SPEC results: about 20 % less): the buyer's manual
touches on each replenishment proposal, read by the monthly review.

A touch is one buyer action on a proposal: approving or rejecting the
supplier's adjustment, recording the supplier's answer on its behalf,
editing the proposal's lines, cancelling it, setting it back to draft or
sending it again. The supplier's own answers and the scheduled runs (as
superuser) are not touches."""

from odoo import SUPERUSER_ID, api, fields, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"  # pylint: disable=consider-merging-classes-inherited

    vmi_buyer_touches = fields.Integer(
        string="Manual Touches",
        readonly=True,
        copy=False,
        default=0,
        help="Buyer actions this proposal needed: approving or rejecting an adjustment, answering "
        "for the supplier, editing its lines, cancelling, resetting or re-sending it.",
    )
    vmi_adjusted = fields.Boolean(
        string="Adjusted by the Supplier",
        readonly=True,
        copy=False,
        help="The supplier changed quantities or the promised date before confirming.",
    )

    def _vmi_workflow_fields(self):
        return super()._vmi_workflow_fields() | {"vmi_buyer_touches", "vmi_adjusted"}

    def _vmi_is_buyer_touch(self):
        """Whether the current call is a buyer's own action: an internal
        user's, outside the superuser parts of the workflow, not nested in
        another counted action."""
        return (
            not self.env.su
            and self.env.uid != SUPERUSER_ID
            and not self.env.user.share
            and not self.env.context.get("vmi_touch_counted")
        )

    def _vmi_count_touch(self):
        """One more manual touch on each VMI proposal of ``self`` (one
        UPDATE, safe under concurrent touches)."""
        orders = self.filtered("vmi_agreement_id")
        if not orders:
            return
        self.env.cr.execute(
            "UPDATE purchase_order SET vmi_buyer_touches = COALESCE(vmi_buyer_touches, 0) + 1 WHERE id IN %s",
            [tuple(orders.ids)],
        )
        orders.invalidate_recordset(["vmi_buyer_touches"])

    def _vmi_touched(self):
        """``self`` in a context where nested actions count no more touch."""
        return self.with_context(vmi_touch_counted=True)

    @api.model
    def _vmi_create_proposals(self, vals_list):
        """The review's proposals and their lines are no touch."""
        return super(PurchaseOrder, self._vmi_touched())._vmi_create_proposals(vals_list).with_env(self.env)

    def action_vmi_buyer_approve(self):
        if self._vmi_is_buyer_touch():
            result = super(PurchaseOrder, self._vmi_touched()).action_vmi_buyer_approve()
            self._vmi_count_touch()
            return result
        return super().action_vmi_buyer_approve()

    def action_vmi_buyer_reject(self):
        if self._vmi_is_buyer_touch():
            result = super(PurchaseOrder, self._vmi_touched()).action_vmi_buyer_reject()
            self._vmi_count_touch()
            return result
        return super().action_vmi_buyer_reject()

    def action_vmi_supplier_adjust(self, quantities=None, date_planned=None, note=None):
        result = super().action_vmi_supplier_adjust(
            quantities=quantities, date_planned=date_planned, note=note
        )
        self.sudo().write({"vmi_adjusted": True})
        return result

    def _vmi_note_on_behalf(self, message):
        """A VMI manager records the supplier's answer: a touch."""
        if not self.env.context.get("vmi_touch_counted"):
            self._vmi_count_touch()
        return super()._vmi_note_on_behalf(message)

    def button_cancel(self):
        if self._vmi_is_buyer_touch():
            self._vmi_count_touch()
            return super(PurchaseOrder, self._vmi_touched()).button_cancel()
        return super().button_cancel()

    def button_draft(self):
        if self._vmi_is_buyer_touch():
            self._vmi_count_touch()
            return super(PurchaseOrder, self._vmi_touched()).button_draft()
        return super().button_draft()

    def action_rfq_send(self):
        if self._vmi_is_buyer_touch():
            self._vmi_count_touch()
        return super().action_rfq_send()


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"  # pylint: disable=consider-merging-classes-inherited

    # What a buyer edits on a proposal's lines (the supplier adjusts as superuser).
    _VMI_TOUCH_FIELDS = frozenset(
        {"product_qty", "product_uom_qty", "price_unit", "date_planned", "product_id"}
    )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id.filtered(lambda o: o.vmi_state in ("to_confirm", "to_approve")).filtered(
            lambda o: o._vmi_is_buyer_touch()
        )._vmi_count_touch()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if self._VMI_TOUCH_FIELDS.intersection(vals):
            self.order_id.filtered(lambda o: o.vmi_state in ("to_confirm", "to_approve")).filtered(
                lambda o: o._vmi_is_buyer_touch()
            )._vmi_count_touch()
        return result

    def unlink(self):
        orders = self.order_id.filtered(lambda o: o.vmi_state in ("to_confirm", "to_approve")).filtered(
            lambda o: o._vmi_is_buyer_touch()
        )
        result = super().unlink()
        orders._vmi_count_touch()
        return result
