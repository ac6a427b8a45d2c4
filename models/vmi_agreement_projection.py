# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Projected supplier-owned stock of an agreement's lines, day by day
(issue 11, item 4): on hand, plus the receipts on their planned dates, minus
the planned demand of each day. ``vmi.agreement.line._vmi_projected_stock``
builds the figures; the agreement form, the supplier's portal page, the
line's fields and the RPC method ``vmi_projected_stock`` read them."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..logic import projection, rules
from ..logic.arguments import as_number

# Days projected (SPEC: 30).
PROJECTION_DAYS = 30

# Colour of a day's status on the strip (Bootstrap classes of the back office
# and of the portal alike).
STATUS_CLASS = {
    projection.STATUS_OUT: "bg-danger",
    rules.STATUS_BELOW: "bg-warning",
    rules.STATUS_ABOVE: "bg-info",
    rules.STATUS_OK: "bg-success",
}


class VmiAgreementLine(models.Model):
    _inherit = "vmi.agreement.line"

    projected_below_date = fields.Date(
        string="Below Reorder Point On",
        compute="_compute_projection",
        compute_sudo=True,
        help="First day of the next 30 on which the projected supplier-owned stock (on hand, "
        "plus receipts on their planned dates, minus the planned or average demand) is below "
        "the reorder point.",
    )
    projected_out_date = fields.Date(
        string="Runs Out On",
        compute="_compute_projection",
        compute_sudo=True,
        help="First day of the next 30 on which the projected stock cannot serve the demand.",
    )
    days_of_cover = fields.Float(
        string="Days of Cover",
        compute="_compute_projection",
        compute_sudo=True,
        digits=(16, 1),
        help="Days the stock on hand and on its way serves the expected demand.",
    )

    def _compute_projection(self):
        figures = self._vmi_projected_stock()
        for line in self:
            figure = figures.get(line.id) or {}
            line.projected_below_date = figure.get("below_date") or False
            line.projected_out_date = figure.get("out_date") or False
            line.days_of_cover = figure.get("days_of_cover") or 0.0

    # ------------------------------------------------------------------
    # What the projection reads
    # ------------------------------------------------------------------
    def _vmi_incoming_receipts(self, until=None):
        """``{line id: [(date, quantity)]}`` of the open receipts into each
        line's VMI location (the moves ``_get_quantities`` counts as
        incoming), per planned day (``stock.move.date``), in the line's
        unit, earliest first; only those planned before ``until`` (a date)
        when given. One grouped query for any number of lines: the stock
        sheet lists them, the projection spreads them over its days."""
        result = {line.id: [] for line in self}
        lines = self.filtered(lambda ln: ln.id and ln.location_id and ln.product_id)
        if not lines:
            return result
        domain = [
            ("location_dest_id", "child_of", lines.location_id.ids),
            ("product_id", "in", lines.product_id.ids),
            ("state", "not in", ("draft", "cancel", "done")),
            ("location_id.usage", "not in", ("internal", "transit")),
        ]
        if until:
            domain.append(("date", "<", datetime.combine(until, time.min)))
        groups = (
            self.env["stock.move"]
            .sudo()
            ._read_group(domain, ["location_dest_id", "product_id", "date:day"], ["product_qty:sum"])
        )
        by_key = defaultdict(lambda: defaultdict(float))
        for location, product, day, qty in groups:
            day = day.date() if isinstance(day, datetime) else day
            by_key[location.vmi_location_id.id or location.id, product.id][day] += qty
        for line in lines:
            days = by_key.get((line.location_id.id, line.product_id.id))
            if days:
                to_line_uom = line.product_id.uom_id._compute_quantity
                result[line.id] = [
                    (day, to_line_uom(qty, line.product_uom_id, round=False))
                    for day, qty in sorted(days.items())
                ]
        return result

    def _vmi_incoming_by_day(self, first, days):
        """``{line id: [quantity per day]}`` of the open receipts into each
        line's VMI location, in the line's unit, on their planned dates
        (``stock.move.date``) from ``first`` on; late ones count on the
        first day, those after the horizon not at all."""
        result = {line.id: [0.0] * days for line in self}
        for line_id, receipts in self._vmi_incoming_receipts(until=first + timedelta(days=days)).items():
            for day, qty in receipts:
                result[line_id][min(max((day - first).days, 0), days - 1)] += qty
        return result

    def _vmi_planned_daily_demand(self, first, days):
        """Extension point: ``{line id: [quantity or None per day]}`` of the
        customer's published demand plan from ``first`` on (``None`` on a
        day no plan covers). None without demand plans."""
        return {}

    def _vmi_daily_demand(self, first, days, today=None):
        """``{line id: ([quantity per day], source)}``: the published plan's
        demand of each day where it has one, else the 3-month average per
        day; ``source`` is ``"plan"`` when the plan covers every day,
        ``"average"`` when it covers none, ``"mixed"`` otherwise."""
        today = today or fields.Date.context_today(self)
        planned = self._vmi_planned_daily_demand(first, days)
        daily_usual = self._vmi_usual_daily_demand(today)
        result = {}
        for line in self:
            average = daily_usual[line.id]
            plan = planned.get(line.id) or [None] * days
            covered = sum(1 for qty in plan if qty is not None)
            source = "plan" if covered == days else "average" if not covered else "mixed"
            result[line.id] = ([average if qty is None else qty for qty in plan], source)
        return result

    # ------------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------------
    def _vmi_projected_stock(self, days=PROJECTION_DAYS, today=None):
        """``{line id: figures}`` of the projected supplier-owned stock over
        the ``days`` days after ``today`` (tomorrow first): ``dates``,
        ``levels`` (end of each day), ``statuses`` (per day ``out``,
        ``below``, ``above`` or ``ok``, :func:`stock_vmi.logic.projection.project_stock`),
        ``classes`` (their colours), ``below_date``, ``out_date``,
        ``days_of_cover``, ``shortage``, ``on_hand``, ``incoming``,
        ``demand`` (per day) and ``demand_source``. A fixed number of
        queries for any number of lines."""
        today = today or fields.Date.context_today(self)
        first = today + timedelta(days=1)
        dates = [first + timedelta(days=n) for n in range(days)]
        lines = self.filtered("id")
        stock = lines._get_quantities()
        arrivals = lines._vmi_incoming_by_day(first, days)
        demand = lines._vmi_daily_demand(first, days, today)
        result = {}
        for line in lines:
            on_hand, incoming = stock[line.id]
            daily, source = demand[line.id]
            projected = projection.project_stock(
                on_hand, arrivals[line.id], daily, line.reorder_point, line.max_qty
            )
            result[line.id] = {
                "dates": dates,
                "levels": projected.levels,
                "statuses": projected.statuses,
                "classes": [STATUS_CLASS[status] for status in projected.statuses],
                "below_date": dates[projected.below_day] if projected.below_day is not None else None,
                "out_date": dates[projected.out_day] if projected.out_day is not None else None,
                "days_of_cover": projected.days_of_cover,
                "shortage": projected.shortage,
                "on_hand": on_hand,
                "incoming": incoming,
                "demand": daily,
                "demand_source": source,
            }
        return result

    @api.readonly
    def vmi_projected_stock(self, days=PROJECTION_DAYS):
        """Over RPC: the projected stock of these lines (``{"line id":
        figures}`` with dates as ISO strings, colours left out), for the
        users who may read the lines (a supplier's portal users: their own
        agreements' lines)."""
        self.check_access("read")
        number = as_number(days)
        if number is None or number != int(number):
            raise UserError(self.env._("The number of days must be a whole number (from 1 to 366)."))
        days = min(max(int(number), 1), 366)
        result = {}
        for line_id, figure in self.sudo()._vmi_projected_stock(days).items():
            # XML-RPC wants string keys (JSON-RPC turns them into strings anyway).
            values = {key: value for key, value in figure.items() if key != "classes"}
            values["dates"] = [day.isoformat() for day in figure["dates"]]
            for key in ("below_date", "out_date"):
                values[key] = figure[key].isoformat() if figure[key] else False
            if values["days_of_cover"] is None:
                values["days_of_cover"] = False
            result[str(line_id)] = values
        return result


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    projected_stock_html = fields.Html(
        string="Projected Stock",
        compute="_compute_projected_stock_html",
        sanitize=False,
        help="Supplier-owned stock of each product over the next 30 days: red out of stock, "
        "orange below the reorder point, blue above the maximum, green within the levels.",
    )

    def _compute_projected_stock_html(self):
        for agreement in self:
            agreement.projected_stock_html = agreement._vmi_render_projection()

    def _vmi_projection_rows(self, days=PROJECTION_DAYS):
        """The rows the projected-stock table shows: one per line, with its
        figures (``_vmi_projected_stock``), and the dates."""
        self.ensure_one()
        lines = self.sudo().line_ids
        figures = lines._vmi_projected_stock(days)
        rows = [{"line": line, "figures": figures[line.id]} for line in lines if line.id in figures]
        today = fields.Date.context_today(self)
        dates = [today + timedelta(days=n + 1) for n in range(days)]
        return {"rows": rows, "dates": dates}

    def _vmi_render_projection(self, days=PROJECTION_DAYS):
        """The projected-stock table (``stock_vmi.vmi_projected_stock_table``),
        as the agreement form and the supplier's page show it."""
        self.ensure_one()
        if not self.line_ids:
            return False
        values = self._vmi_projection_rows(days)
        values["number"] = self._vmi_number_formatter()
        return self.env["ir.qweb"]._render("stock_vmi.vmi_projected_stock_table", values)
