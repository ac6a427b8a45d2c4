# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who confirms a replenishment, as the agreement says (SPEC step 3, issue
11 item 8): the supplier confirms the review's proposal (its confirmation
approves it), or the supplier proposes and the buyer confirms (both
confirm: every answer of the supplier waits for the buyer, who checks that
the demand is unchanged before the supplier ships). A demand plan revised
after a proposal was confirmed and before anything of it was received
reopens it for the supplier."""

from odoo import fields, models


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    confirmation_mode = fields.Selection(
        [
            ("supplier", "The supplier confirms the proposal"),
            ("buyer", "The supplier proposes, the buyer confirms"),
        ],
        string="Who Confirms",
        default="supplier",
        required=True,
        tracking=True,
        help="The supplier confirms the proposal: its confirmation (or an adjustment within the "
        "tolerance) approves it. The supplier proposes, the buyer confirms: every answer of the "
        "supplier waits for the buyer, who checks that the demand is unchanged before the supplier "
        "ships (SPEC step 3).",
    )


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"  # pylint: disable=consider-merging-classes-inherited

    def action_vmi_supplier_confirm(self, note=None, **kwargs):
        return super(PurchaseOrder, self.with_context(vmi_supplier_answer=True)).action_vmi_supplier_confirm(
            note=note, **kwargs
        )

    def action_vmi_supplier_adjust(self, quantities=None, date_planned=None, note=None):
        return super(PurchaseOrder, self.with_context(vmi_supplier_answer=True)).action_vmi_supplier_adjust(
            quantities=quantities, date_planned=date_planned, note=note
        )

    def _vmi_approve(self):
        """The supplier's answer on an agreement where the buyer confirms:
        the proposal waits for the buyer (a to-do), instead of being
        approved at once."""
        if not self.env.context.get("vmi_supplier_answer"):
            return super()._vmi_approve()
        held = self.filtered(lambda po: po.vmi_agreement_id.confirmation_mode == "buyer")
        for order in held:
            order.with_context(lang=order._vmi_buyer_lang()).sudo().write({"vmi_state": "to_approve"})
            order._vmi_notify_buyer(
                lambda env, order=order: env._(
                    "The supplier answered proposal %(order)s; the agreement asks you to confirm it "
                    "before the supplier ships: approve or reject it.",
                    order=order.name,
                )
            )
        rest = self - held
        if rest:
            super(PurchaseOrder, rest.with_context(vmi_supplier_answer=False))._vmi_approve()
        return True

    def _vmi_reopen_for_revision(self, plans):
        """``plans`` were revised: the approved proposals of their products
        with nothing received yet go back to the supplier (their receipts are
        cancelled; the supplier confirms again, and is told)."""
        products = plans.line_ids.product_id
        orders = (
            self.sudo()
            .search(
                [
                    ("vmi_agreement_id", "in", plans.agreement_id.ids),
                    ("vmi_state", "=", "approved"),
                    ("state", "=", "purchase"),
                    ("order_line.product_id", "in", products.ids),
                ]
            )
            .filtered(lambda po: not any(po.order_line.mapped("qty_received")))
        )
        if not orders:
            return orders
        orders.button_cancel()
        orders.button_draft()
        for order in orders:
            order._vmi_notify_buyer(
                lambda env, order=order: env._(
                    "The demand plan changed after proposal %(order)s was confirmed: it goes back to "
                    "the supplier, and its receipt is cancelled until the supplier confirms again.",
                    order=order.name,
                )
            )
        self.env["vmi.notification"]._vmi_queue(orders, "proposal")
        return orders


class VmiDemandPlan(models.Model):
    _inherit = "vmi.demand.plan"

    def _vmi_revised(self):
        """A revision reopens the confirmed proposals of its products; an
        emergency's raise does not: it has an urgent proposal of its own."""
        result = super()._vmi_revised()
        if not self.env.context.get("vmi_emergency_raise"):
            self.env["purchase.order"]._vmi_reopen_for_revision(self)
        return result
