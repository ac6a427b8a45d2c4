# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..logic import demand


class VmiReviewWizard(models.TransientModel):
    """Print an agreement's monthly VMI review (PDF or XLSX) for a month."""

    _name = "vmi.review.wizard"
    _description = "Monthly VMI Review: choose the month"

    agreement_id = fields.Many2one("vmi.agreement", required=True, ondelete="cascade")
    month = fields.Date(
        required=True,
        default=lambda self: self.env["vmi.agreement"]._vmi_last_month()[0],
        help="Any day of the month to review.",
    )

    def _vmi_review_data(self):
        self.ensure_one()
        first, last = demand.period_bounds(self.month, demand.MONTH)
        return {"date_from": fields.Date.to_string(first), "date_to": fields.Date.to_string(last)}

    def action_print_pdf(self):
        return self.env.ref("stock_vmi.action_report_vmi_review_agreement").report_action(
            self.agreement_id, data=self._vmi_review_data()
        )

    def action_print_xlsx(self):
        return self.env.ref("stock_vmi.action_report_vmi_review_agreement_xlsx").report_action(
            self.agreement_id, data=self._vmi_review_data()
        )
