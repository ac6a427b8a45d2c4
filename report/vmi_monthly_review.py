# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The monthly VMI review as a PDF (QWeb) and as an XLSX (OCA report_xlsx),
for a statement (its agreement and period) or for an agreement and a month
chosen in ``vmi.review.wizard``. Both read
``vmi.agreement._vmi_review_figures``: no second copy of the figures."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import formatLang


def _review_targets(records, data):
    """``[(agreement, date_from, date_to, settlement or None)]`` to review:
    each statement's own period, or each agreement for the month given in
    ``data`` (``date_from``, ``date_to``; last month by default)."""
    if records._name == "vmi.settlement":
        return [(s.sudo().agreement_id, s.date_from, s.date_to, s) for s in records]
    data = data or {}
    if data.get("date_from") and data.get("date_to"):
        first, last = fields.Date.to_date(data["date_from"]), fields.Date.to_date(data["date_to"])
    else:
        first, last = records.env["vmi.agreement"]._vmi_last_month()
    return [(agreement, first, last, None) for agreement in records]


class ReportVmiReviewMixin(models.AbstractModel):
    _name = "report.stock_vmi.vmi_review_mixin"
    _description = "Monthly VMI Review: shared values"

    @api.model
    def _vmi_review_docs(self, records, data):
        """One ``{"agreement", "figures", "settlement"}`` per review."""
        records.check_access("read")
        docs = []
        for agreement, first, last, settlement in _review_targets(records, data):
            if last < first:
                raise UserError(self.env._("The review's last day cannot be before its first day."))
            docs.append(
                {
                    "agreement": agreement,
                    "settlement": settlement,
                    "figures": agreement._vmi_review_figures(first, last),
                }
            )
        return docs

    @api.model
    def _get_report_values(self, docids, data=None):
        model = self._vmi_review_model
        records = self.env[model].browse(docids)
        env = self.env

        def fmt(value, digits=1):
            """A figure for the page; a dash where there is none."""
            if value is None or value is False:
                return "–"
            return formatLang(env, value, digits=digits)

        return {
            "doc_ids": docids,
            "doc_model": model,
            "docs": self._vmi_review_docs(records, data),
            "fmt": fmt,
            "company": records.sudo().company_id[:1] or self.env.company,
        }


class ReportVmiReviewSettlement(models.AbstractModel):
    _name = "report.stock_vmi.report_vmi_review_settlement"
    _inherit = "report.stock_vmi.vmi_review_mixin"
    _description = "Monthly VMI Review of a statement (PDF)"
    _vmi_review_model = "vmi.settlement"


class ReportVmiReviewAgreement(models.AbstractModel):
    _name = "report.stock_vmi.report_vmi_review_agreement"
    _inherit = "report.stock_vmi.vmi_review_mixin"
    _description = "Monthly VMI Review of an agreement (PDF)"
    _vmi_review_model = "vmi.agreement"


class ReportVmiReviewXlsx(models.AbstractModel):
    _name = "report.stock_vmi.vmi_review_xlsx"
    _inherit = ["report.report_xlsx.abstract", "report.stock_vmi.vmi_review_mixin"]
    _description = "Monthly VMI Review (XLSX)"

    def _vmi_review_columns(self):
        """``[(heading, key in the product's figures, number format)]``."""
        return [
            (self.env._("Code"), "code", None),
            (self.env._("Product"), "name", None),
            (self.env._("Unit"), "uom", None),
            (self.env._("Planned"), "planned", "#,##0.00"),
            (self.env._("Consumed"), "consumed", "#,##0.00"),
            (self.env._("Bias"), "bias", "#,##0.00"),
            (self.env._("Bias (%)"), "bias_pct", "0.0"),
            (self.env._("Forecast Accuracy (%)"), "accuracy", "0.0"),
            (self.env._("Opening Stock"), "opening", "#,##0.00"),
            (self.env._("Closing Stock"), "closing", "#,##0.00"),
            (self.env._("Average Stock"), "average_stock", "#,##0.00"),
            (self.env._("Stock-out Days"), "stockout_days", "0"),
            (self.env._("Days below Reorder Point"), "below_rop_days", "0"),
            (self.env._("Turnover"), "turnover", "0.00"),
            (self.env._("Days of Cover"), "cover_days", "0.0"),
            (self.env._("Consigned Value"), "consigned_value", "#,##0.00"),
            (self.env._("Company-owned Value"), "company_value", "#,##0.00"),
            (self.env._("Units above Maximum"), "over_units", "#,##0.00"),
            (self.env._("Days above Maximum"), "over_days", "0"),
            (self.env._("Reorder Point"), "reorder_point", "#,##0.00"),
            (self.env._("Maximum"), "max_qty", "#,##0.00"),
            (self.env._("Advised Reorder Point"), "advice_reorder_point", "#,##0.00"),
            (self.env._("Advised Maximum"), "advice_max_qty", "#,##0.00"),
        ]

    def _vmi_review_summary(self, figures):
        """``[(label, value, number format)]`` of the review's summary sheet."""
        totals, proposals = figures["totals"], figures["proposals"]
        overstock, emergencies = figures["overstock"], figures["emergencies"]
        return [
            (self.env._("Agreement"), figures["agreement"].name, None),
            (self.env._("Supplier"), figures["agreement"].partner_id.display_name, None),
            (self.env._("From"), figures["date_from"], "yyyy-mm-dd"),
            (self.env._("To"), figures["date_to"], "yyyy-mm-dd"),
            (self.env._("Planned"), totals["planned"], "#,##0.00"),
            (self.env._("Consumed"), totals["consumed"], "#,##0.00"),
            (self.env._("Bias"), totals["bias"], "#,##0.00"),
            (self.env._("Bias (%)"), totals["bias_pct"], "0.0"),
            (self.env._("Forecast Accuracy (%)"), totals["accuracy"], "0.0"),
            (self.env._("Stock-out Days"), totals["stockout_days"], "0"),
            (self.env._("Days below Reorder Point"), totals["below_rop_days"], "0"),
            (self.env._("Turnover"), totals["turnover"], "0.00"),
            (self.env._("Days of Cover"), totals["cover_days"], "0.0"),
            (self.env._("Average Consigned Value"), totals["average_value"], "#,##0.00"),
            (self.env._("Consigned Value"), totals["consigned_value"], "#,##0.00"),
            (self.env._("Company-owned Value"), totals["company_value"], "#,##0.00"),
            (self.env._("Units above Maximum"), overstock["units"], "#,##0.00"),
            (self.env._("Days above Maximum"), overstock["days"], "0"),
            (self.env._("Overstock Cases Opened"), overstock["opened"], "0"),
            (self.env._("Open Overstock Cases"), overstock["open_cases"], "0"),
            (self.env._("Proposals"), proposals["count"], "0"),
            (self.env._("Supplier Response (hours)"), proposals["response_hours"], "0.0"),
            (self.env._("Auto-approved (%)"), proposals["auto_share"], "0.0"),
            (self.env._("Adjusted (%)"), proposals["adjusted_share"], "0.0"),
            (self.env._("Declined"), proposals["declined"], "0"),
            (self.env._("Manual Touches"), proposals["touches"], "0"),
            (self.env._("Manual Touches per Proposal"), proposals["touches_per_proposal"], "0.00"),
            (self.env._("Proposals without Touches (%)"), proposals["untouched_share"], "0.0"),
            (self.env._("Emergency Requests"), emergencies["count"], "0"),
            (self.env._("Rush Freight"), emergencies["freight"], "#,##0.00"),
            (self.env._("Customer's Part of Rush Freight"), emergencies["freight_customer"], "#,##0.00"),
            (self.env._("Supplier's Part of Rush Freight"), emergencies["freight_supplier"], "#,##0.00"),
            (self.env._("Billed"), figures["billed"]["amount"], "#,##0.00"),
        ]

    def generate_xlsx_report(self, workbook, data, objs):
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        formats = {}

        def fmt(num_format):
            if num_format not in formats:
                formats[num_format] = workbook.add_format({"num_format": num_format} if num_format else {})
            return formats[num_format]

        for doc in self._vmi_review_docs(objs, data):
            figures = doc["figures"]
            name = figures["agreement"].name.replace("/", "-")
            summary = workbook.add_worksheet(self.env._("Review %s", name)[:31])
            summary.set_column(0, 0, 34)
            summary.set_column(1, 1, 22)
            for row, (label, value, num_format) in enumerate(self._vmi_review_summary(figures)):
                summary.write(row, 0, label, bold)
                if value is None:
                    summary.write_blank(row, 1, None)
                else:
                    summary.write(row, 1, value, fmt(num_format))
            sheet = workbook.add_worksheet(self.env._("Products %s", name)[:31])
            columns = self._vmi_review_columns()
            for col, (heading, _key, _num_format) in enumerate(columns):
                sheet.write(0, col, heading, bold)
            sheet.freeze_panes(1, 2)
            sheet.set_column(0, 0, 12)
            sheet.set_column(1, 1, 32)
            sheet.set_column(2, len(columns) - 1, 14)
            for row, line in enumerate(figures["lines"], start=1):
                advice = line["advice"] or {}
                values = dict(
                    line,
                    advice_reorder_point=advice.get("reorder_point"),
                    advice_max_qty=advice.get("max_qty"),
                )
                for col, (_heading, key, num_format) in enumerate(columns):
                    value = values.get(key)
                    if value is None:
                        sheet.write_blank(row, col, None)
                    else:
                        sheet.write(row, col, value, fmt(num_format))
            daily = workbook.add_worksheet(self.env._("Daily Stock %s", name)[:31])
            daily.write(0, 0, self.env._("Day"), bold)
            for col, line in enumerate(figures["lines"], start=1):
                daily.write(0, col, line["code"] or line["name"], bold)
                for row, qty in enumerate(line["series"], start=1):
                    daily.write(row, col, qty, fmt("#,##0.00"))
            for row, label in enumerate(figures["labels"], start=1):
                daily.write(row, 0, label)
            daily.freeze_panes(1, 1)


class ReportVmiReviewXlsxSettlement(models.AbstractModel):
    _name = "report.stock_vmi.vmi_review_xlsx_settlement"
    _inherit = "report.stock_vmi.vmi_review_xlsx"
    _description = "Monthly VMI Review of a statement (XLSX)"


class ReportVmiReviewXlsxAgreement(models.AbstractModel):
    _name = "report.stock_vmi.vmi_review_xlsx_agreement"
    _inherit = "report.stock_vmi.vmi_review_xlsx"
    _description = "Monthly VMI Review of an agreement (XLSX)"
