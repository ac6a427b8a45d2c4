# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The shared stock sheet (issue 12, item 1), an XLSX report of OCA's
``report_xlsx``: one worksheet per agreement, the figures of
``vmi.agreement._vmi_stock_sheet_figures`` (those of the supplier's
agreement page), in the reader's language and time zone.

Two report actions (``report/vmi_stock_sheet_report.xml``): on agreements
(Print menu of the agreement) and on suppliers (all active agreements of the
supplier, a worksheet each). The buyer prints them in the back office
(``/report/xlsx/...``); the supplier downloads them on the portal
(``controllers/portal_sheet.py``)."""

from datetime import date, datetime, time

from babel import dates as babel_dates

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import babel_locale_parse
from odoo.tools.misc import format_date

from ..controllers.portal import STATUS_BADGE
from ..logic.sheet import number_format, sheet_name, uom_decimals

# The portal's badge colours (Bootstrap 5), as fill and font colours.
BADGE_COLOURS = {
    "text-bg-danger": ("#DC3545", "#FFFFFF"),
    "text-bg-info": ("#0DCAF0", "#000000"),
    "text-bg-success": ("#198754", "#FFFFFF"),
    "text-bg-warning": ("#FFC107", "#000000"),
    "text-bg-secondary": ("#6C757D", "#FFFFFF"),
}
# Rows above the table (title, time taken, blank) and the header row.
HEADER_ROW = 3
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


class VmiStockSheetXlsx(models.AbstractModel):
    """The stock sheet of agreements: a worksheet per agreement."""

    _name = "report.stock_vmi.vmi_stock_sheet"
    _inherit = "report.report_xlsx.abstract"
    _description = "VMI Stock Sheet (XLSX)"

    def generate_xlsx_report(self, workbook, data, objs):
        self._vmi_write_workbook(workbook, self._vmi_sheet_agreements(objs))

    def _vmi_sheet_agreements(self, agreements):
        """The agreements to put in the sheet, once the reader may read them
        (``report_xlsx`` renders as the user, who may be a portal user on
        ``/report/xlsx/``: the ORM's record rules decide). As superuser
        (the portal route, after its own check) they are taken as given."""
        if not self.env.su:
            agreements.check_access("read")
        return agreements

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------
    def _vmi_write_workbook(self, workbook, agreements):
        """A worksheet per agreement of ``agreements``, all figures taken
        at once (``_vmi_stock_sheet_figures``)."""
        if not agreements:
            raise UserError(self.env._("No active VMI agreement to put in the stock sheet."))
        figures = agreements.sudo()._vmi_stock_sheet_figures()
        formats = _Formats(workbook)
        for agreement in agreements:
            self._vmi_write_sheet(workbook, formats, figures[agreement.id])

    def _vmi_columns(self, figures):
        """``[(header, width)]`` of an agreement's worksheet, in the
        reader's language: the lines' field labels where a field holds the
        figure (the back office's words), the sheet's own words otherwise."""
        env = self.env
        line_fields = env["vmi.agreement.line"]._fields

        def label(name):
            return line_fields[name]._description_string(env)

        columns = [
            (label("product_id"), 36),
            (env._("Code"), 14),
            (label("product_uom_id"), 10),
            (env._("VMI On Hand"), 12),
            (label("reorder_point"), 12),
            (label("max_qty"), 12),
            (label("stock_status"), 20),
            (label("qty_incoming"), 12),
            (env._("Next Receipt"), 13),
            (env._("Receipts"), 28),
        ]
        columns += [
            (env._("Consumed %(period)s", period=self._vmi_period_label(first, last)), 16)
            for first, last in figures["windows"]
        ]
        columns.append((label("consumption_monthly_avg"), 14))
        if figures["has_plan"]:
            columns += [
                (env._("Plan %(period)s", period=self._vmi_period_label(first, last)), 16)
                for first, last in figures["plan_periods"]
            ]
        columns.append((label("projected_out_date"), 14))
        return columns

    def _vmi_write_sheet(self, workbook, formats, figures):
        """One agreement's worksheet: title, when the figures were taken,
        the header (frozen, with the product column) and a row per line."""
        agreement = figures["agreement"]
        sheet = workbook.add_worksheet(sheet_name(agreement.name))
        sheet.write(
            0,
            0,
            f"{agreement.name}: {agreement.partner_id.display_name} → "
            f"{agreement.company_id.name}, {agreement.location_id.display_name}",
            formats.get("title"),
        )
        tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
        taken_at = fields.Datetime.context_timestamp(self.with_context(tz=tz), figures["taken_at"])
        sheet.write(1, 0, self.env._("Figures taken at"), formats.get("label"))
        sheet.write_datetime(1, 1, taken_at.replace(tzinfo=None), formats.get("datetime"))
        sheet.write(1, 2, tz)
        columns = self._vmi_columns(figures)
        for col, (header, width) in enumerate(columns):
            sheet.write(HEADER_ROW, col, header, formats.get("header"))
            sheet.set_column(col, col, width)
        sheet.freeze_panes(HEADER_ROW + 1, 1)
        status_labels = dict(
            self.env["vmi.agreement.line"]._fields["stock_status"]._description_selection(self.env)
        )
        for index, row in enumerate(figures["lines"]):
            self._vmi_write_line(
                sheet, formats, HEADER_ROW + 1 + index, row, status_labels, figures["has_plan"]
            )
        if figures["lines"]:
            sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + len(figures["lines"]), len(columns) - 1)

    def _vmi_write_line(self, sheet, formats, row_index, row, status_labels, has_plan):
        decimals = uom_decimals(row["uom_rounding"])
        quantity = formats.get("number", decimals)
        average = formats.get("number", max(decimals, 1))
        date_format = formats.get("date")
        receipts = row["receipts"]
        cells = [
            (row["product"], None),
            (row["code"], None),
            (row["uom"], None),
            (row["on_hand"], quantity),
            (row["reorder_point"], quantity),
            (row["max_qty"], quantity),
            (status_labels.get(row["status"], row["status"]), formats.get("status", row["status"])),
            (row["incoming"], quantity),
            (receipts[0][0] if receipts else None, date_format),
            (self._vmi_receipts_text(receipts, decimals), None),
        ]
        cells += [(qty, quantity) for qty in row["consumption"]]
        cells.append((row["monthly_average"], average))
        if has_plan:
            cells += [(qty, quantity) for qty in row["plan"]]
        cells.append((row["projected_out_date"], date_format))
        for col, (value, cell_format) in enumerate(cells):
            if value is None or value == "":
                sheet.write_blank(row_index, col, None, cell_format)
            elif isinstance(value, datetime):
                sheet.write_datetime(row_index, col, value, cell_format)
            elif isinstance(value, int | float):
                sheet.write_number(row_index, col, value, cell_format)
            elif isinstance(value, date):
                sheet.write_datetime(row_index, col, datetime.combine(value, time.min), cell_format)
            else:
                sheet.write_string(row_index, col, str(value), cell_format)

    def _vmi_receipts_text(self, receipts, decimals):
        """The receipts on their way, "date: quantity" in the reader's
        language, earliest first."""
        return "; ".join(
            f"{format_date(self.env, day)}: {self._vmi_format_quantity(qty, decimals)}"
            for day, qty in receipts
        )

    def _vmi_format_quantity(self, qty, decimals):
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        table = str.maketrans({",": lang.thousands_sep or "", ".": lang.decimal_point or "."})
        return f"{qty:,.{decimals}f}".translate(table)

    def _vmi_period_label(self, first, last):
        """The period ``first``-``last`` in the reader's language, as the
        agreement page labels its columns ("Sep 3 – Oct 2", "9月3日 – 10月2日")."""
        locale = babel_locale_parse(self.env.lang or "en_US")
        start = babel_dates.format_skeleton("MMMd", first, locale=locale)
        end = babel_dates.format_skeleton("MMMd", last, locale=locale)
        return f"{start} – {end}"


class VmiStockSheetPartnerXlsx(models.AbstractModel):
    """The stock sheet of suppliers: every active agreement of each
    supplier, a worksheet each, in one workbook."""

    _name = "report.stock_vmi.vmi_stock_sheet_partner"
    _inherit = "report.stock_vmi.vmi_stock_sheet"
    _description = "VMI Stock Sheet of a Supplier (XLSX)"

    def generate_xlsx_report(self, workbook, data, objs):
        self._vmi_write_workbook(workbook, self._vmi_supplier_agreements(objs))

    def _vmi_supplier_agreements(self, partners):
        """The active agreements of ``partners`` (their commercial
        partners) that the reader may read: searched in the reader's
        environment, so that record rules leave out what is not his."""
        return self.env["vmi.agreement"].search(
            [
                ("partner_id.commercial_partner_id", "in", partners.commercial_partner_id.ids),
                ("state", "=", "active"),
            ],
            order="name, id",
        )


class _Formats:
    """The workbook's cell formats, made once each (xlsxwriter keeps every
    format it is given: one per cell would bloat the file)."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.cache = {}

    def get(self, kind, key=None):
        if (kind, key) not in self.cache:
            self.cache[kind, key] = self.workbook.add_format(self._properties(kind, key))
        return self.cache[kind, key]

    @staticmethod
    def _properties(kind, key):
        if kind == "title":
            return {"bold": True, "font_size": 13}
        if kind == "label":
            return {"bold": True}
        if kind == "header":
            return {"bold": True, "bg_color": "#E9ECEF", "bottom": 1, "text_wrap": True, "valign": "top"}
        if kind == "number":
            return {"num_format": number_format(key)}
        if kind == "date":
            return {"num_format": DATE_FORMAT, "align": "left"}
        if kind == "datetime":
            return {"num_format": DATETIME_FORMAT, "align": "left"}
        if kind == "status":
            fill, font = BADGE_COLOURS[STATUS_BADGE.get(key, "text-bg-secondary")]
            return {"bg_color": fill, "font_color": font, "align": "center"}
        return {}
