# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..logic import rules


class VmiAgreement(models.Model):
    """What needs the buyer's attention today, per agreement: the VMI
    overview (kanban) reads these counters, each opening the filtered list."""

    # Extends this module's own model: the overview's counters, one feature per file.
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    attention_below_count = fields.Integer(
        string="Below Reorder Point",
        compute="_compute_attention",
        help="Products whose stock, incoming included, is below the reorder point, with no open proposal.",
    )
    attention_above_count = fields.Integer(
        string="Above Maximum",
        compute="_compute_attention",
        help="Products with more on hand than the maximum.",
    )
    attention_late_count = fields.Integer(
        string="Late Proposals",
        compute="_compute_attention",
        help="Proposals waiting for the supplier longer than the reminder delay.",
    )
    attention_to_approve_count = fields.Integer(
        string="Adjustments to Approve",
        compute="_compute_attention",
        help="Proposals the supplier adjusted beyond the tolerance: the buyer approves or rejects them.",
    )
    attention_disputed_count = fields.Integer(string="Disputed Statements", compute="_compute_attention")
    attention_settlement_due = fields.Boolean(
        string="Settlement Due",
        compute="_compute_attention",
        help="A settlement day has passed and its consumption is not settled yet.",
    )
    attention_count = fields.Integer(string="Needs Attention", compute="_compute_attention")
    attention_color = fields.Integer(compute="_compute_attention")

    # What each counter opens: (model, domain builder name).
    _ATTENTION = {
        "below": "vmi.agreement.line",
        "above": "vmi.agreement.line",
        "late": "purchase.order",
        "to_approve": "purchase.order",
        "disputed": "vmi.settlement",
    }

    def _attention_domain(self, kind):
        """Domain of the records behind counter ``kind`` for these agreements."""
        if kind == "below":
            # A line whose proposal is still open is in hand (and counted as
            # a late proposal once it waits too long).
            lines = (
                self.env["vmi.agreement.line"]
                .sudo()
                .search([("agreement_id", "in", self.ids), ("stock_status", "=", rules.STATUS_BELOW)])
            )
            open_ids = lines._get_open_proposal_line_ids()
            return [("id", "in", [line.id for line in lines if line.id not in open_ids])]
        if kind == "above":
            return [("agreement_id", "in", self.ids), ("stock_status", "=", rules.STATUS_ABOVE)]
        if kind == "late":
            limit = fields.Datetime.subtract(
                fields.Datetime.now(), days=self.env["purchase.order"]._vmi_reminder_days()
            )
            return [
                ("vmi_agreement_id", "in", self.ids),
                ("vmi_state", "=", "to_confirm"),
                ("state", "in", ("draft", "sent")),
                ("create_date", "<=", limit),
            ]
        if kind == "to_approve":
            return [
                ("vmi_agreement_id", "in", self.ids),
                ("vmi_state", "=", "to_approve"),
                ("state", "!=", "cancel"),
            ]
        if kind == "disputed":
            return [("agreement_id", "in", self.ids), ("supplier_state", "=", "disputed")]
        raise UserError(self.env._("Unknown VMI overview counter: %s", kind))

    @api.depends_context("uid")
    def _compute_attention(self):
        """One ``_read_group`` per counter for all agreements."""
        counts = {}
        for kind, model in self._ATTENTION.items():
            link = "vmi_agreement_id" if model == "purchase.order" else "agreement_id"
            groups = self.env[model].sudo()._read_group(self._attention_domain(kind), [link], ["__count"])
            counts[kind] = {agreement.id: count for agreement, count in groups}
        Consumption = self.env["vmi.consumption"]
        for agreement in self:
            agreement.attention_below_count = counts["below"].get(agreement.id, 0)
            agreement.attention_above_count = counts["above"].get(agreement.id, 0)
            agreement.attention_late_count = counts["late"].get(agreement.id, 0)
            agreement.attention_to_approve_count = counts["to_approve"].get(agreement.id, 0)
            agreement.attention_disputed_count = counts["disputed"].get(agreement.id, 0)
            agreement.attention_settlement_due = bool(
                agreement.id
                and agreement.state in ("active", "closed")
                and rules.settlement_cutoff_due(
                    Consumption._get_settlement_today(agreement),
                    agreement.settlement_day,
                    agreement.last_settlement_date,
                    agreement.date_start,
                )
            )
            urgent = (
                agreement.attention_below_count
                + agreement.attention_to_approve_count
                + agreement.attention_disputed_count
            )
            agreement.attention_count = (
                urgent
                + agreement.attention_above_count
                + agreement.attention_late_count
                + int(agreement.attention_settlement_due)
            )
            # Kanban colours: red when stock or an answer is needed now,
            # orange for the rest, none when all is well.
            agreement.attention_color = 1 if urgent else (2 if agreement.attention_count else 0)

    def action_open_attention(self):
        """Kanban counter: the records behind it (``attention`` in the context)."""
        kind = self.env.context.get("attention")
        if kind not in self._ATTENTION:
            raise UserError(self.env._("Unknown VMI overview counter: %s", kind))
        names = {
            "below": self.env._("Below Reorder Point"),
            "above": self.env._("Above Maximum"),
            "late": self.env._("Late Proposals"),
            "to_approve": self.env._("Adjustments to Approve"),
            "disputed": self.env._("Disputed Statements"),
        }
        xmlids = {
            "vmi.agreement.line": "stock_vmi.action_vmi_agreement_line",
            "purchase.order": "stock_vmi.action_vmi_proposals",
            "vmi.settlement": "stock_vmi.action_vmi_settlement",
        }
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlids[self._ATTENTION[kind]])
        action.update(
            {
                "name": f"{names[kind]} - {self.name}" if len(self) == 1 else names[kind],
                "domain": self._attention_domain(kind),
                "context": {"create": 0},
            }
        )
        return action

    def action_open_settlement_wizard(self):
        """Kanban: settle this agreement now (the accountant's wizard)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_settlement_wizard")
        action["context"] = {"default_agreement_ids": self.ids}
        return action
