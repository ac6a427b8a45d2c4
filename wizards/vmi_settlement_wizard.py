# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


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
            raise ValidationError(_("The cut-off date must be a valid date (YYYY-MM-DD)."))

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if self.env.context.get("active_model") == "vmi.agreement" and "agreement_ids" in fields_list:
            res["agreement_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return res

    def action_settle(self):
        self.ensure_one()
        # Any cut-off up to today, "today" read in each agreement's settlement
        # time zone (the one its cut-off day ends in).
        Consumption = self.env["vmi.consumption"]
        if not self.agreement_ids:
            raise UserError(_("Choose the agreements to settle."))
        if any(self.cutoff_date > Consumption._get_settlement_today(a) for a in self.agreement_ids):
            raise UserError(_("The cut-off date cannot be in the future."))
        if any(a.state == "draft" for a in self.agreement_ids):
            raise UserError(_("Draft agreements have no consumption to settle."))
        settlements = self.agreement_ids._settle(self.cutoff_date)
        if not settlements:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": _("Nothing to settle: all consumption up to this date is already billed."),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_settlement")
        action["domain"] = [("id", "in", settlements.ids)]
        return action
