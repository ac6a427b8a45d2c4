# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The supplier's approval of its monthly statement, as the agreement says.

* **Tacit after N days** (default, 5): the supplier approves or disputes the
  statement within N days of receiving it; without an answer by then it is
  approved tacitly and the bill may be posted. Posting before that asks the
  accountant to confirm, and the statement says it was posted before the
  supplier's answer.
* **Required**: the bill cannot be posted until the supplier approved the
  statement (or an accountant recorded its approval, or resolved a dispute).

A dispute blocks posting in both cases (``account.move._post``).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class VmiAgreement(models.Model):
    # Extends this module's own model: the statement approval, one feature per file.
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    statement_approval = fields.Selection(
        [("tacit", "Tacit after a delay"), ("required", "Required before posting")],
        default="tacit",
        required=True,
        tracking=True,
        help="Tacit after a delay: without the supplier's answer within the delay, the statement is "
        "approved and the bill may be posted (posting earlier asks for confirmation). Required: the "
        "bill is posted only once the supplier approved the statement. A dispute always blocks it.",
    )
    statement_tacit_days = fields.Integer(
        string="Tacit Approval After (days)",
        default=5,
        required=True,
        help="Days the supplier has to approve or dispute a statement before it is approved tacitly.",
    )

    @api.constrains("statement_tacit_days")
    def _check_statement_tacit_days(self):
        for agreement in self:
            if not 0 <= agreement.statement_tacit_days <= 90:
                raise ValidationError(
                    self.env._(
                        "%(agreement)s: the tacit approval delay of statements must be between 0 and "
                        "90 days.",
                        agreement=agreement.name,
                    )
                )


class VmiSettlement(models.Model):
    # Extends this module's own model: the statement approval, one feature per file.
    _inherit = "vmi.settlement"  # pylint: disable=consider-merging-classes-inherited

    statement_date = fields.Date(
        readonly=True,
        copy=False,
        help="Day the statement was drawn up (and sent), in the agreement's settlement time zone.",
    )
    supplier_deadline = fields.Date(
        string="Answer By",
        compute="_compute_supplier_deadline",
        help="Tacit approval: without the supplier's answer by this date the statement is approved.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        Consumption = self.env["vmi.consumption"]
        agreements = self.env["vmi.agreement"]
        for vals in vals_list:
            if not vals.get("statement_date") and vals.get("agreement_id"):
                vals["statement_date"] = Consumption._get_settlement_today(
                    agreements.browse(vals["agreement_id"])
                )
        return super().create(vals_list)

    @api.depends("statement_date", "agreement_id.statement_approval", "agreement_id.statement_tacit_days")
    def _compute_supplier_deadline(self):
        for settlement in self:
            agreement = settlement.agreement_id
            if agreement.statement_approval != "tacit" or not settlement.statement_date:
                settlement.supplier_deadline = False
                continue
            settlement.supplier_deadline = settlement.statement_date + timedelta(
                days=agreement.statement_tacit_days
            )

    def _vmi_waiting_for_supplier(self, today=None):
        """``(required, early)``: the statements of ``self`` still waiting for
        the supplier's answer whose bill may not be posted at all yet
        (approval required), and those whose bill may be posted early only
        with the accountant's confirmation (tacit delay not over)."""
        pending = self.sudo().filtered(lambda s: s.supplier_state == "pending")
        required = pending.filtered(lambda s: s.agreement_id.statement_approval == "required")
        early = (pending - required).filtered(
            lambda s: (
                s.supplier_deadline
                and (today or self.env["vmi.consumption"]._get_settlement_today(s.agreement_id))
                < s.supplier_deadline
            )
        )
        return required, early

    def _vmi_bill_posted(self, confirmed_early):
        """The bills of ``self`` were posted: the settlements follow their
        bill, and a statement the supplier had not answered says why it was
        posted (tacitly approved, or posted early by the accountant), in the
        supplier's thread."""
        settlements = self.sudo()
        settlements.write({"state": "posted"})
        for settlement in settlements.filtered(lambda s: s.supplier_state == "pending"):
            early = settlement in confirmed_early
            settlement.write({"supplier_state": "unanswered" if early else "tacit"})
            lang = settlement.partner_id.lang or settlement.company_id.partner_id.lang
            env = settlement.with_context(lang=lang).env
            if early:
                body = env._(
                    "The bill of statement %(statement)s was posted on %(date)s, before your answer "
                    "was due (%(deadline)s). To dispute it, reply here or contact our accountant: it "
                    "is corrected with a credit note.",
                    statement=settlement.name,
                    date=fields.Date.to_string(fields.Date.context_today(settlement)),
                    deadline=fields.Date.to_string(settlement.supplier_deadline),
                )
            else:
                body = env._(
                    "Statement %(statement)s was approved tacitly: no answer within %(days)s days. Its "
                    "bill is posted.",
                    statement=settlement.name,
                    days=settlement.agreement_id.statement_tacit_days,
                )
            settlement._vmi_post_to_supplier(body)

    def _vmi_bill_reset(self):
        """A posted bill reset to draft: the settlement is back to a drafted bill."""
        self.sudo().filtered(lambda s: s.state == "posted").write({"state": "billed"})
