# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the chat group hears of (issue 12 item 6), and in what words.

Each event queues one chat message per document in the outbox
(``vmi.notification._vmi_chat_queue``): new proposals, overstock cases and
statements with their e-mails (``vmi.notification._vmi_queue``); the
supplier's confirmations, adjustments beyond the tolerance and declines,
emergencies and disputes here. The text is written when the message is
sent, in the chat group's language (the supplier's).

The link goes to whoever acts next: the supplier's portal page (new
proposal, emergency, overstock case, statement; no token in a chat: the
supplier logs in), the back office (the supplier's answers and disputes,
for the buyer)."""

from odoo import models
from odoo.tools.misc import format_date, formatLang

from ..logic import rules

# Lines of a proposal listed in its chat message; the others are counted.
CHAT_LINES = 10


def backoffice_url(record):
    """The back-office form of ``record`` (``/odoo/<model>/<id>``)."""
    return f"{record.get_base_url()}/odoo/{record._name}/{record.id}"


class PurchaseOrder(models.Model):
    # Extends this module's own model: the chat messages of proposals, one feature per file.
    _inherit = "purchase.order"  # pylint: disable=consider-merging-classes-inherited

    def action_vmi_supplier_confirm(self, note=None, **kwargs):
        result = super().action_vmi_supplier_confirm(note=note, **kwargs)
        self.env["vmi.notification"]._vmi_chat_queue(self, "confirmation")
        return result

    def action_vmi_supplier_adjust(self, quantities=None, date_planned=None, note=None):
        result = super().action_vmi_supplier_adjust(
            quantities=quantities, date_planned=date_planned, note=note
        )
        order = self.sudo()
        if order.vmi_state == "declined":
            kind = "decline"  # every quantity set to 0
        elif order._vmi_beyond_tolerance():
            kind = "adjustment"
        else:
            kind = "confirmation"
        self.env["vmi.notification"]._vmi_chat_queue(self, kind)
        return result

    def action_vmi_supplier_decline(self, reason=None):
        result = super().action_vmi_supplier_decline(reason=reason)
        self.env["vmi.notification"]._vmi_chat_queue(self, "decline")
        return result

    def _vmi_beyond_tolerance(self):
        """Whether a line's quantity is beyond the agreement's tolerance of
        what was proposed (the buyer approves it)."""
        self.ensure_one()
        tolerance = self.vmi_agreement_id.adjust_tolerance
        return not all(
            rules.within_tolerance(line.vmi_proposed_qty, line.product_qty, tolerance)
            for line in self.order_line
        )

    def _vmi_chat_lines(self):
        """The proposal's products and quantities, one bullet each."""
        lines = [
            f"- {line.product_id.display_name}: {self._vmi_format_quantity(line.product_qty)} "
            f"{line.product_uom.name}"
            for line in self.order_line[:CHAT_LINES]
        ]
        more = len(self.order_line) - CHAT_LINES
        if more > 0:
            lines.append(self.env._("- and %(count)s more products", count=more))
        return "\n".join(lines)

    def _vmi_chat_message(self, kind):
        """The chat message of ``kind`` about this proposal, in the context's language."""
        self.ensure_one()
        agreement = self.vmi_agreement_id.with_env(self.env)
        expected = format_date(self.env, self.date_planned)
        if kind == "proposal":
            return agreement._vmi_chat_message(
                kind,
                self,
                self.env._("New replenishment proposal %(order)s", order=self.name),
                [
                    self._vmi_chat_lines(),
                    self.env._(
                        "Expected by %(date)s. Supplier: please confirm, adjust or decline it.", date=expected
                    ),
                ],
                self._vmi_portal_url(with_token=False),
            )
        if kind == "confirmation":
            return agreement._vmi_chat_message(
                kind,
                self,
                self.env._("Proposal %(order)s confirmed by the supplier", order=self.name),
                [self._vmi_chat_lines(), self.env._("Expected by %(date)s.", date=expected)],
                backoffice_url(self),
            )
        if kind == "adjustment":
            return agreement._vmi_chat_message(
                kind,
                self,
                self.env._("Proposal %(order)s adjusted beyond the tolerance", order=self.name),
                [
                    self._vmi_chat_lines(),
                    self.env._(
                        "The supplier changed the quantities by more than %(tolerance)s %%: the buyer "
                        "approves or rejects the proposal.",
                        tolerance=self._vmi_format_quantity(agreement.adjust_tolerance),
                    ),
                ],
                backoffice_url(self),
            )
        if kind == "decline":
            return agreement._vmi_chat_message(
                kind,
                self,
                self.env._("Proposal %(order)s declined by the supplier", order=self.name),
                [self.env._("Reason: %(reason)s", reason=self.vmi_decline_reason or "-")],
                backoffice_url(self),
            )
        raise ValueError(f"no chat message {kind!r} for a proposal")


class VmiEmergencyRequest(models.Model):
    _inherit = "vmi.emergency.request"

    def action_request(self):
        result = super().action_request()
        self.env["vmi.notification"]._vmi_chat_queue(
            self.filtered(lambda r: r.state == "requested"), "emergency"
        )
        return result

    def _vmi_outbox_agreement(self):
        return self.agreement_id

    def _vmi_chat_message(self, kind):
        """The chat message of an emergency sent to the supplier."""
        self.ensure_one()
        agreement = self.agreement_id.with_env(self.env)
        number = agreement._vmi_format_quantity
        uom = self.product_uom_id.name
        lines = [
            self.env._(
                "%(raised)s %(uom)s needed by %(date)s (plan: %(planned)s); on hand %(on_hand)s + incoming "
                "%(incoming)s: urgent proposal %(order)s of %(extra)s %(uom)s.",
                raised=number(self.qty_raised),
                uom=uom,
                date=format_date(self.env, self.date_needed),
                planned=number(self.qty_planned),
                on_hand=number(self.qty_on_hand),
                incoming=number(self.qty_incoming),
                order=self.order_id.name or "-",
                extra=number(self.qty_extra),
            )
        ]
        if self.short_notice:
            lines.append(
                self.env._(
                    "Short notice (%(hours)s h, agreed %(agreed)s h): the supplier must accept it.",
                    hours=number(round(self.notice_hours, 1)),
                    agreed=agreement.emergency_notice_hours,
                )
            )
        if self.reason:
            lines.append(self.env._("Reason: %(reason)s", reason=self.reason))
        url = self.order_id._vmi_portal_url(with_token=False) if self.order_id else backoffice_url(self)
        return agreement._vmi_chat_message(
            kind,
            self,
            self.env._("Emergency demand: %(product)s", product=self.product_id.display_name),
            lines,
            url,
        )


class VmiOverstockCase(models.Model):
    _inherit = "vmi.overstock.case"

    def _vmi_chat_message(self, kind):
        """The chat message of a new overstock case."""
        self.ensure_one()
        agreement = self.agreement_id.with_env(self.env)
        number = agreement._vmi_format_quantity
        text = self.env._(
            "%(over)s %(uom)s above the maximum of %(max)s for %(days)s days (on hand %(on_hand)s, worth "
            "%(value)s at the agreed price). Please agree with the buyer how to resolve it by %(deadline)s.",
            over=number(self.qty_over),
            uom=self.product_uom_id.name,
            max=number(self.max_qty),
            days=self.days_above,
            on_hand=number(self.qty_on_hand),
            value=formatLang(self.env, self.value, currency_obj=self.currency_id),
            deadline=format_date(self.env, self.date_deadline) if self.date_deadline else "-",
        )
        return agreement._vmi_chat_message(
            kind,
            self,
            self.env._("Overstock case: %(product)s", product=self.product_id.display_name),
            [text],
            self._vmi_portal_url(with_token=False),
        )


class VmiSettlement(models.Model):
    # Extends this module's own model: the chat messages of statements, one feature per file.
    _inherit = "vmi.settlement"  # pylint: disable=consider-merging-classes-inherited

    def action_supplier_dispute(self, reason=None):
        result = super().action_supplier_dispute(reason=reason)
        self.env["vmi.notification"]._vmi_chat_queue(self, "dispute")
        return result

    def _vmi_chat_message(self, kind):
        """The chat message of a statement sent, or disputed."""
        self.ensure_one()
        agreement = self.agreement_id.with_env(self.env)
        period = self.env._(
            "%(start)s to %(end)s",
            start=format_date(self.env, self.date_from),
            end=format_date(self.env, self.date_to),
        )
        if kind == "dispute":
            return agreement._vmi_chat_message(
                kind,
                self,
                self.env._("Statement %(statement)s disputed by the supplier", statement=self.name),
                [
                    period,
                    self.env._("Reason: %(reason)s", reason=self.supplier_dispute_reason or "-"),
                    self.env._("Its bill is not posted until the accountant resolves the dispute."),
                ],
                backoffice_url(self),
            )
        if kind != "statement":
            raise ValueError(f"no chat message {kind!r} for a statement")
        bill = self.bill_id
        amount = (
            bill.amount_total * (-1 if bill.move_type == "in_refund" else 1) if bill else self.amount_untaxed
        )
        lines = [
            self.env._(
                "Consumption of %(period)s: %(amount)s.",
                period=period,
                amount=formatLang(self.env, amount, currency_obj=self.currency_id),
            )
        ]
        if self.supplier_deadline:
            lines.append(
                self.env._(
                    "Supplier: please approve or dispute it by %(deadline)s.",
                    deadline=format_date(self.env, self.supplier_deadline),
                )
            )
        else:
            lines.append(self.env._("Supplier: please approve or dispute it."))
        return agreement._vmi_chat_message(
            kind,
            self,
            self.env._("Statement %(statement)s", statement=self.name),
            lines,
            self._vmi_portal_url(with_token=False),
        )
