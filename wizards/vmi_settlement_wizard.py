# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..logic import rules


class VmiSettlementWizard(models.TransientModel):
    """Accountants: bill the consumption of agreements up to a cut-off date
    (any date up to today; the cron bills each settlement day once it is over)."""

    _name = "vmi.settlement.wizard"
    _description = "Settle VMI Consumption"

    agreement_ids = fields.Many2many(
        "vmi.agreement",
        string="Agreements",
        required=True,
        domain="[('state', 'in', ('active', 'closed'))]",
    )
    cutoff_date = fields.Date(string="Cut-off Date", required=True, default=fields.Date.context_today)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_cutoff_value(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_cutoff_value(vals)
        return super().write(vals)

    @api.model
    def _check_cutoff_value(self, vals):
        """A cut-off given over RPC must be a date (``YYYY-MM-DD``): refused
        with a clear message instead of failing in the field's conversion."""
        if "cutoff_date" not in vals:
            return
        try:
            cutoff = fields.Date.to_date(vals["cutoff_date"])
        except (TypeError, ValueError):
            cutoff = None
        if not cutoff:
            raise ValidationError(self.env._("The cut-off date must be a valid date (YYYY-MM-DD)."))

    @api.model
    def default_get(self, fields_list):
        """From an agreement: that agreement. From the menu: the agreements
        whose settlement is due. The cut-off: their agreed settlement day
        (the latest one that is over), not today."""
        res = super().default_get(fields_list)
        Agreement = self.env["vmi.agreement"]
        if self.env.context.get("active_model") == "vmi.agreement":
            agreements = Agreement.browse(self.env.context.get("active_ids", [])).exists()
        elif res.get("agreement_ids"):
            agreements = Agreement.browse(self._ids_of(res["agreement_ids"])).exists()
        else:
            agreements = Agreement.search([("state", "in", ("active", "closed"))]).filtered(
                "attention_settlement_due"
            )
        if "agreement_ids" in fields_list and agreements:
            res["agreement_ids"] = [fields.Command.set(agreements.ids)]
        if "cutoff_date" in fields_list and agreements and not self.env.context.get("default_cutoff_date"):
            res["cutoff_date"] = self._default_cutoff(agreements)
        return res

    @api.model
    def _ids_of(self, value):
        """Record ids of a many2many default: ids, or (6, 0, ids) / (4, id) commands."""
        ids = []
        for item in value or []:
            if isinstance(item, int):
                ids.append(item)
            elif isinstance(item, (list, tuple)) and item and item[0] == fields.Command.SET:
                ids.extend(item[2])
            elif isinstance(item, (list, tuple)) and item and item[0] == fields.Command.LINK:
                ids.append(item[1])
        return ids

    @api.model
    def _default_cutoff(self, agreements):
        """The latest settlement day that is over, of ``agreements`` (the one
        their settlement is due for, if any), in their settlement time zone."""
        Consumption = self.env["vmi.consumption"]
        cutoffs = []
        for agreement in agreements:
            today = Consumption._get_settlement_today(agreement)
            cutoffs.append(
                rules.settlement_cutoff_due(
                    today, agreement.settlement_day, agreement.last_settlement_date, agreement.date_start
                )
                or rules.settlement_cutoff_due(today, agreement.settlement_day)
            )
        return max(cutoffs)

    def action_settle(self):
        self.ensure_one()
        # Any cut-off up to today, "today" read in each agreement's settlement
        # time zone (the one its cut-off day ends in).
        Consumption = self.env["vmi.consumption"]
        if not self.agreement_ids:
            raise UserError(self.env._("Choose the agreements to settle."))
        if any(self.cutoff_date > Consumption._get_settlement_today(a) for a in self.agreement_ids):
            raise UserError(self.env._("The cut-off date cannot be in the future."))
        if any(a.state == "draft" for a in self.agreement_ids):
            raise UserError(self.env._("Draft agreements have no consumption to settle."))
        settlements = self.agreement_ids._settle(self.cutoff_date)
        if not settlements:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._(
                        "Nothing to settle: all consumption up to this date is already billed."
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_settlement")
        action["domain"] = [("id", "in", settlements.ids)]
        return action
