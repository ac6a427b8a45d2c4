# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Validated import of the three sheets a small firm exchanges (XLSX): the
stock count of the VMI location, the demand plan, the supplier's answer to a
proposal (``logic/sheet_import.py`` checks the rows). The back office's
wizard and the supplier's portal page both call ``_vmi_sheet_import`` and
``_vmi_sheet_template``."""

import io
import zipfile
from collections import defaultdict
from datetime import date, datetime, time

import openpyxl
import xlsxwriter

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from ..logic import demand
from ..logic import sheet_import as sheet

# Larger files are refused before they are read (a count of the VMI location
# has a row per product). A count's time follows its differences, each an
# inventory move of Odoo's (README, "Sheet import").
MAX_ROWS = 100_000
RECORD_MODELS = {sheet.COUNT: "vmi.agreement", sheet.PLAN: "vmi.agreement", sheet.PROPOSAL: "purchase.order"}


class VmiSheetImport(models.AbstractModel):
    _name = "vmi.sheet.import"
    _description = "VMI Sheet Import (XLSX)"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _vmi_sheet_import(self, kind, record, data):
        """Check and import the XLSX file ``data`` (bytes) of ``kind``
        ("count", "plan" or "proposal") for ``record`` (the agreement, or the
        proposal), as the current user.

        Returns ``{"errors": [{"row": int, "reason": str}], "count": int,
        "message": str}``: with errors nothing was imported; else ``count``
        rows were, in one savepoint (a refusal half-way undoes them all and
        comes back as an error of row 0). An unreadable file, a kind that
        does not fit the record, or a user who may not import it: UserError
        or AccessError."""
        record = self._vmi_sheet_check_access(kind, record)
        rows = self._vmi_sheet_rows(data)
        good, errors = self._vmi_sheet_check(kind, record, rows)
        if errors:
            return {"errors": self._vmi_sheet_error_texts(errors), "count": 0, "message": ""}
        try:
            with self.env.cr.savepoint():
                message = getattr(self, f"_vmi_sheet_apply_{kind}")(record, good)
        except (UserError, ValidationError) as e:
            reason = e.args[0] if e.args else str(e)
            return {"errors": [{"row": 0, "reason": reason}], "count": 0, "message": ""}
        return {"errors": [], "count": len(good), "message": message}

    @api.model
    def _vmi_sheet_template(self, kind, record):
        """``(file name, XLSX bytes)`` of the template of ``kind`` for
        ``record``, in the current language, its products pre-filled."""
        record = self._vmi_sheet_check_access(kind, record, reading=True)
        title, reference, rows = getattr(self, f"_vmi_sheet_template_{kind}")(record)
        headers = self._vmi_sheet_headers(kind)
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        ws = book.add_worksheet(kind)
        bold = book.add_format({"bold": True})
        head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        ws.write(0, 0, sheet.MARKERS[kind], bold)
        ws.write(0, 1, reference, bold)
        ws.write(0, 2, title)
        ws.write_row(sheet.HEADER_ROW - 1, 0, headers, head)
        for index, row in enumerate(rows, start=sheet.FIRST_ROW - 1):
            for column, value in enumerate(row):
                if isinstance(value, date):
                    ws.write_datetime(index, column, datetime.combine(value, time.min), date_format)
                elif value is not None:
                    ws.write(index, column, value)
        ws.set_column(0, 0, 16)
        ws.set_column(1, 1, 36)
        ws.set_column(2, len(headers) - 1, 14)
        ws.freeze_panes(sheet.HEADER_ROW, 0)
        book.close()
        filename = f"{sheet.MARKERS[kind]}-{reference}.xlsx".replace("/", "-")
        return filename, buffer.getvalue()

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    @api.model
    def _vmi_sheet_check_access(self, kind, record, reading=False):
        """The record, once the current user may import ``kind`` for it (or
        download its template, ``reading``): a supplier's portal user its
        own agreement's count and its own proposals' answers; the back office
        the count (VMI or stock managers), the plan (who may write demand
        plans) and the answer on the supplier's behalf (VMI managers, checked
        again by the proposal's methods)."""
        if kind not in sheet.KINDS or not record or record._name != RECORD_MODELS[kind]:
            raise UserError(self.env._("This kind of sheet does not fit this record."))
        record.ensure_one()
        record.check_access("read")
        user = self.env.user
        if kind == sheet.PROPOSAL and not record.vmi_agreement_id:
            raise UserError(self.env._("%s is not a VMI proposal.", record.name))
        if user.share:
            if kind == sheet.PLAN or not record._vmi_is_supplier_user(user):
                raise AccessError(self.env._("You can only import the sheets of your own agreements."))
        elif reading:
            pass
        elif kind == sheet.COUNT and not (
            user.has_group("stock_vmi.group_vmi_manager") or user.has_group("stock.group_stock_manager")
        ):
            raise AccessError(self.env._("Only VMI managers and stock managers can import a stock count."))
        elif kind == sheet.PLAN:
            self.env["vmi.demand.plan"].check_access("create")
        elif kind == sheet.PROPOSAL and not user.has_group("stock_vmi.group_vmi_manager"):
            raise AccessError(self.env._("Only VMI managers can record a supplier's answer on its behalf."))
        if kind != sheet.PROPOSAL and record.state != "active" and not reading:
            raise UserError(self.env._("Sheets are imported into active agreements only."))
        return record

    # ------------------------------------------------------------------
    # Reading and checking
    # ------------------------------------------------------------------
    @api.model
    def _vmi_sheet_rows(self, data):
        """The first sheet's rows (tuples of cell values) of XLSX ``data``."""
        if not data:
            raise UserError(self.env._("Choose the XLSX file to import."))
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as e:
            raise UserError(
                self.env._(
                    "This file cannot be read as an XLSX workbook (Excel 2007 or later, WPS): save it "
                    "as .xlsx and import it again."
                )
            ) from e
        try:
            ws = book.worksheets[0]
            rows = []
            for row in ws.iter_rows(values_only=True):
                rows.append(row)
                if len(rows) > MAX_ROWS:
                    limit = f"{MAX_ROWS:,}"
                    raise UserError(self.env._("The file has more than %s rows: split it.", limit))
        finally:
            book.close()
        return rows

    @api.model
    def _vmi_sheet_reference(self, kind, record):
        """The reference the template's cell B1 carries."""
        return record.name

    @api.model
    def _vmi_sheet_check(self, kind, record, rows):
        """``(good rows, errors)`` of ``rows`` (``logic.sheet_import.check_rows``)."""
        errors = sheet.check_header(rows, kind, self._vmi_sheet_reference(kind, record))
        if kind == sheet.PROPOSAL and not errors:
            order = record.sudo()
            if order.vmi_state != "to_confirm" or order.state not in ("draft", "sent"):
                errors.append((1, sheet.ANSWERED, {"reference": order.name}))
        if errors:
            return [], errors
        data = sheet.data_rows(rows, kind)
        lines = self._vmi_sheet_lines(kind, record)
        codes = {sheet.text(values.get("code")) for _row, values in data} - {""}
        known = set(
            self.env["product.product"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch([("default_code", "in", list(codes - set(lines)))], ["default_code"])
            .mapped("default_code")
        )
        good, errors = sheet.check_rows(
            kind,
            data,
            lines,
            known,
            period=record.demand_period if kind == sheet.PLAN else None,
            today=fields.Date.context_today(self),
        )
        if kind == sheet.PROPOSAL:
            errors = sorted(
                errors + self._vmi_sheet_check_proposal_quantities(record, good), key=lambda e: e[0]
            )
        return good, errors

    @api.model
    def _vmi_sheet_lines(self, kind, record):
        """``{product code: {"key", "units", "tracked"}}`` of the agreement's
        lines (count, plan: key = agreement line id) or the proposal's
        (key = purchase line id). One read of the lines, one of their
        products and units."""
        if kind == sheet.PROPOSAL:
            lines = record.sudo().order_line.filtered(lambda ln: not ln.display_type)
            lines.fetch(["product_id", "product_uom"])
            uom_of = {line.id: line.product_uom for line in lines}
        else:
            lines = (
                self.env["vmi.agreement.line"]
                .sudo()
                .search_fetch([("agreement_id", "=", record.id)], ["product_id", "product_uom_id"])
            )
            uom_of = {line.id: line.product_uom_id for line in lines}
        lines.product_id.fetch(["default_code", "tracking"])
        uoms = lines.env["uom.uom"].union(*uom_of.values())
        names = defaultdict(set)
        for lang in {self.env.lang or "en_US", "en_US"}:
            for uom in uoms.with_context(lang=lang):
                names[uom.id].add((uom.name or "").strip().lower())
        result = {}
        for line in lines:
            code = sheet.text(line.product_id.default_code)
            if code and code not in result:
                result[code] = {
                    "key": line.id,
                    "units": names[uom_of[line.id].id],
                    "tracked": kind == sheet.COUNT and line.product_id.tracking != "none",
                }
        return result

    @api.model
    def _vmi_sheet_check_proposal_quantities(self, order, good):
        """Errors of the quantities the proposal's lines refuse (unit, pack
        multiple: ``purchase.order.line._vmi_check_adjusted_qty``)."""
        lines = {line.id: line for line in order.sudo().order_line}
        errors = []
        for row in good:
            line = lines[row["key"]]
            if not float_compare(row["quantity"], line.product_qty, precision_digits=6):
                continue
            try:
                # As the portal's adjustment checks it (superuser, the user's language).
                line._vmi_check_adjusted_qty(row["quantity"])
            except ValidationError as e:
                errors.append((row["row"], sheet.REFUSED, {"message": e.args[0]}))
        return errors

    @api.model
    def _vmi_sheet_error_texts(self, errors):
        """``[{"row", "reason"}]``: the errors in the current language."""
        texts = self._vmi_sheet_reasons()
        return [
            {"row": row, "reason": texts[reason] % params if params else texts[reason]}
            for row, reason, params in errors
        ]

    @api.model
    def _vmi_sheet_reasons(self):
        """``{reason: text}`` of ``logic.sheet_import``'s reasons, in the
        current language (their params filled in by the caller)."""
        return {
            sheet.WRONG_KIND: self.env._(
                "This is not the right template (cell A1 should read %(expected)s, it reads "
                '"%(found)s"): download the template and fill it in.'
            ),
            sheet.WRONG_REFERENCE: self.env._(
                "This file was made for %(found)s, not for %(expected)s (cell B1): download the template "
                "of %(expected)s."
            ),
            sheet.ANSWERED: self.env._(
                "Proposal %(reference)s is already answered: it can no longer be changed."
            ),
            sheet.NO_ROWS: self.env._("The file has no product row with a quantity."),
            sheet.MISSING_CODE: self.env._("The product code is missing."),
            sheet.UNKNOWN_PRODUCT: self.env._("Unknown product code %(code)s."),
            sheet.NOT_IN_AGREEMENT: self.env._(
                "Product %(code)s is not in this agreement (or this proposal)."
            ),
            sheet.NOT_NUMERIC: self.env._('The quantity "%(value)s" is not a number.'),
            sheet.NEGATIVE: self.env._("The quantity %(value)s is negative."),
            sheet.WRONG_UNIT: self.env._(
                'The unit "%(unit)s" is not the product\'s unit in the agreement (%(expected)s).'
            ),
            sheet.DUPLICATE: self.env._("Product %(code)s appears twice (first on row %(first_row)s)."),
            sheet.MISSING_DATE: self.env._("The date is missing."),
            sheet.INVALID_DATE: self.env._('"%(value)s" is not a valid date (YYYY-MM-DD) or period.'),
            sheet.PAST_DATE: self.env._("The promised date %(value)s is in the past."),
            sheet.OTHER_DATE: self.env._(
                "The promised date %(value)s differs from the one on row %(first_row)s: a proposal has "
                "one promised date."
            ),
            sheet.NOT_PERIOD_START: self.env._(
                "%(value)s does not start a period of the plan (the 1st of a month, or a Monday)."
            ),
            sheet.TRACKED: self.env._(
                "Product %(code)s is tracked by lots or serial numbers: count it in Inventory."
            ),
            sheet.REFUSED: "%(message)s",
        }

    @api.model
    def _vmi_sheet_headers(self, kind):
        labels = {
            "code": self.env._("Product Code"),
            "product": self.env._("Product Name"),
            "unit": self.env._("Unit of Measure"),
            "quantity": {
                sheet.COUNT: self.env._("Counted Quantity"),
                sheet.PLAN: self.env._("Planned Quantity"),
                sheet.PROPOSAL: self.env._("Quantity to Deliver"),
            }[kind],
            "period": self.env._("Period (first day or label)"),
            "date": self.env._("Promised Date"),
        }
        return [labels[column] for column in sheet.COLUMNS[kind]]

    # ------------------------------------------------------------------
    # Templates
    # ------------------------------------------------------------------
    def _vmi_sheet_agreement_rows(self, agreement):
        lines = agreement.sudo().line_ids
        return [
            (line.product_id.default_code or "", line.product_id.name, line.product_uom_id.name)
            for line in lines
        ]

    @api.model
    def _vmi_sheet_template_count(self, agreement):
        title = self.env._(
            "Stock count of %(location)s (supplier-owned stock, in the agreement's units)",
            location=agreement.sudo().location_id.display_name,
        )
        return title, agreement.name, [row + (None,) for row in self._vmi_sheet_agreement_rows(agreement)]

    @api.model
    def _vmi_sheet_template_plan(self, agreement):
        first, _last = agreement._vmi_next_period(fields.Date.context_today(self))
        title = self.env._(
            "Demand plan of %(agreement)s: one row per product and period (%(label)s: the period's first day "
            "or its label)",
            agreement=agreement.name,
            label=demand.period_label(first, agreement.demand_period),
        )
        return (
            title,
            agreement.name,
            [row + (first, None) for row in self._vmi_sheet_agreement_rows(agreement)],
        )

    @api.model
    def _vmi_sheet_template_proposal(self, order):
        order = order.sudo()
        promised = order.date_planned and order.date_planned.date()
        title = self.env._(
            "Answer to proposal %(order)s: change quantities or the promised date", order=order.name
        )
        rows = [
            (
                line.product_id.default_code or "",
                line.product_id.name,
                line.product_uom.name,
                line.product_qty,
                promised,
            )
            for line in order.order_line
            if not line.display_type
        ]
        return title, order.name, rows

    # ------------------------------------------------------------------
    # Imports (inside the caller's savepoint)
    # ------------------------------------------------------------------
    @api.model
    def _vmi_sheet_apply_count(self, agreement, good):
        """Odoo's inventory adjustment of the supplier-owned quants of the
        VMI location (``inventory_quantity``, then one apply for all): the
        move lines' ``is_inventory`` path turns each difference into
        consumption or its reversal (``stock.move.line._vmi_record_consumption``).
        Written as superuser once the access is checked: counted quantities
        are a stock manager's field."""
        agreement = agreement.sudo()
        lines = self.env["vmi.agreement.line"].sudo().browse([row["key"] for row in good])
        lines.fetch(["product_id", "product_uom_id"])
        # Odoo creates a quant per difference on the inventory location and
        # reads its product's lot properties definition through a browse of
        # that product alone (``Properties._add_default_values``): one query
        # per difference, unless it is in cache. One read for all.
        lines.product_id.fetch(["lot_properties_definition"])
        Quant = self.env["stock.quant"].sudo().with_context(inventory_mode=True)
        quants = Quant.search_fetch(
            [
                ("location_id", "=", agreement.location_id.id),
                ("product_id", "in", lines.product_id.ids),
                ("owner_id", "=", agreement.partner_id.id),
                ("lot_id", "=", False),
                ("package_id", "=", False),
            ],
            ["product_id", "quantity"],
        )
        quant_of = {quant.product_id.id: quant for quant in quants}
        by_quantity = defaultdict(list)
        to_create = []
        for row, line in zip(good, lines, strict=True):
            product = line.product_id
            qty = line.product_uom_id._compute_quantity(row["quantity"], product.uom_id, round=False)
            quant = quant_of.get(product.id)
            if quant is None:
                if qty:
                    to_create.append(
                        {
                            "product_id": product.id,
                            "location_id": agreement.location_id.id,
                            "owner_id": agreement.partner_id.id,
                            "inventory_quantity": qty,
                        }
                    )
            elif float_compare(qty, quant.quantity, precision_rounding=product.uom_id.rounding):
                by_quantity[qty].append(quant.id)
        counted = Quant.create(to_create) if to_create else Quant
        for qty, quant_ids in by_quantity.items():
            Quant.browse(quant_ids).write({"inventory_quantity": qty})
            counted |= Quant.browse(quant_ids)
        if counted:
            counted.with_context(set_inventory_quantity_auto_apply=True).action_apply_inventory()
        # Who counted, for the buyer (in the buyer's language): the supplier may import its count.
        env = self.with_context(lang=agreement.user_id.lang or self.env.lang).env
        agreement.message_post(
            body=env._(
                "%(user)s imported a stock count from a sheet: %(count)s products counted, %(changed)s "
                "differences applied.",
                user=self.env.user.name,
                count=len(good),
                changed=len(counted),
            ),
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return self.env._(
            "%(count)s products counted, %(changed)s differences applied.",
            count=len(good),
            changed=len(counted),
        )

    @api.model
    def _vmi_sheet_apply_plan(self, agreement, good):
        """Create the draft demand plans of the file's periods, or update
        their lines (a published plan's change is a revision the supplier is
        told about: ``vmi.demand.plan.write``). One write per plan."""
        by_period = defaultdict(dict)
        for row in good:
            by_period[row["date"]][row["key"]] = row["quantity"]
        Plan = self.env["vmi.demand.plan"]
        plans = Plan.search_fetch(
            [("agreement_id", "=", agreement.id), ("date_from", "in", list(by_period))],
            ["date_from", "state"],
        )
        plans.line_ids.fetch(["agreement_line_id", "quantity"])
        plan_of = {plan.date_from: plan for plan in plans}
        to_create = []
        created = updated = 0
        for first, quantities in sorted(by_period.items()):
            plan = plan_of.get(first)
            if not plan:
                to_create.append(
                    {
                        "agreement_id": agreement.id,
                        "date_from": first,
                        "period_type": agreement.demand_period,
                        "line_ids": [
                            Command.create({"agreement_line_id": line_id, "quantity": qty})
                            for line_id, qty in quantities.items()
                        ],
                    }
                )
                created += 1
                continue
            existing = {line.agreement_line_id.id: line for line in plan.line_ids}
            commands = []
            for line_id, qty in quantities.items():
                line = existing.get(line_id)
                if line is None:
                    commands.append(Command.create({"agreement_line_id": line_id, "quantity": qty}))
                elif float_compare(line.quantity, qty, precision_digits=6):
                    commands.append(Command.update(line.id, {"quantity": qty}))
            if commands:
                plan.write({"line_ids": commands})
                updated += 1
        if to_create:
            Plan.create(to_create)
        return self.env._(
            "%(created)s demand plans created, %(updated)s updated.", created=created, updated=updated
        )

    @api.model
    def _vmi_sheet_apply_proposal(self, order, good):
        """The supplier's answer, through the portal's own methods: as
        proposed -> ``action_vmi_supplier_confirm``; else
        ``action_vmi_supplier_adjust`` with the changed quantities and date
        (tolerance, confirmation mode and messages as on the portal)."""
        current = {line.id: line.product_qty for line in order.sudo().order_line}
        quantities = {
            row["key"]: row["quantity"]
            for row in good
            if float_compare(row["quantity"], current[row["key"]], precision_digits=6)
        }
        promised = good[0]["date"]
        planned = order.sudo().date_planned
        if planned and promised == planned.date():
            promised = None
        order = order.with_env(self.env)
        if not quantities and not promised:
            order.action_vmi_supplier_confirm()
            return self.env._("The proposal is confirmed.")
        order.action_vmi_supplier_adjust(
            quantities=quantities, date_planned=promised and datetime.combine(promised, time(12))
        )
        if order.sudo().vmi_state == "to_approve":
            return self.env._(
                "Your adjustment was recorded: beyond the agreed tolerance, it waits for the buyer."
            )
        return self.env._("Your adjustment was recorded: the proposal is approved.")
