# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The figures of the shared stock sheet (issue 12, item 1): per line of
one or several agreements, the stock, levels, status, receipts on their
way, the consumption of the last three months, the published demand plan
of the next periods and the projected stock-out date.

``vmi.agreement._vmi_stock_sheet_figures`` builds them once; the supplier's
agreement page (``controllers/portal.py``) and the XLSX stock sheet
(``report/vmi_stock_sheet.py``) only format them: there is no second copy
of the figures."""

from odoo import fields, models

from ..logic import demand, rules

# Calendar months (the current one to date included) shown one by one.
SHEET_MONTHS = 3
# Demand plan periods shown (a plan gives its own period and two estimates).
SHEET_PLAN_PERIODS = 3


class VmiAgreementLine(models.Model):
    _inherit = "vmi.agreement.line"  # pylint: disable=consider-merging-classes-inherited

    def _vmi_plan_by_period(self, periods):
        """``{line id: [quantity or None per period]}`` of the published
        demand plans for each ``(first day, last day)`` of ``periods``
        (``None`` where no plan covers every day of it); lines without any
        plan left out. Two queries for any number of lines."""
        if not periods:
            return {}
        plan_periods = self._vmi_plan_periods(periods[0][0], periods[-1][1])
        return {
            line_id: [demand.planned_demand_between(by_line, first, last) for first, last in periods]
            for line_id, by_line in plan_periods.items()
        }


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    def _vmi_stock_sheet_figures(self, today=None):
        """The figures of the stock sheet and of the supplier's agreement
        page, for all agreements of ``self`` at once (call it as superuser
        once access is checked: the figures are shared with the supplier,
        who reads neither quants nor moves). A fixed number of queries for
        any number of agreements and lines.

        Returns ``{agreement id: figures}``, each figures a dict:

        - ``agreement``: the record; ``taken_at``: when the figures were
          taken (UTC, naive, like ``fields.Datetime``); ``today``;
        - ``windows``: the ``(first day, last day)`` of the last three
          months (their consumption adds up to the monthly average's total);
        - ``plan_periods``: the ``(first day, last day)`` of the agreement's
          next demand periods (month or week), ``has_plan`` whether a
          published plan gives any of them for any line, ``has_next_month``
          whether one gives next month's demand for any line;
        - ``open_proposals``: the number of open replenishment proposals;
        - ``lines``: one dict per line, in the agreement's order:
          ``line`` (record), ``product_id``, ``product`` (name), ``code``,
          ``uom`` (name), ``uom_rounding``, ``on_hand`` (supplier-owned),
          ``reorder_point``, ``max_qty``, ``status`` (``rules.STATUS_*``),
          ``incoming``, ``receipts`` (``[(date, quantity)]``),
          ``consumption`` (per window), ``monthly_average``,
          ``next_month_demand`` (or ``None``), ``plan`` (per plan period,
          quantity or ``None``), ``projected_out_date``,
          ``projected_below_date`` (dates or ``None``), ``days_of_cover``.
        """
        taken_at = fields.Datetime.now()
        today = today or fields.Date.context_today(self)
        windows = rules.consumption_windows(today, SHEET_MONTHS)
        lines = self.line_ids
        stock = lines._get_quantities()
        receipts = lines._vmi_incoming_receipts()
        by_window = lines._vmi_consumption_by_window(windows)
        next_month = lines._vmi_next_month_demand(today)
        projected = lines._vmi_projected_stock(today=today)
        periods_by_type = {
            period: demand.following_periods(demand.next_period(today, period)[0], period, SHEET_PLAN_PERIODS)
            for period in set(self.mapped("demand_period"))
        }
        plan = {}
        for period, periods in periods_by_type.items():
            plan.update(
                lines.filtered(lambda ln, p=period: ln.agreement_id.demand_period == p)._vmi_plan_by_period(
                    periods
                )
            )
        open_proposals = self._vmi_open_proposal_counts()
        result = {}
        for agreement in self:
            periods = periods_by_type[agreement.demand_period]
            rows = [
                agreement._vmi_stock_sheet_line(
                    line,
                    stock[line.id],
                    receipts[line.id],
                    by_window[line.id],
                    next_month.get(line.id),
                    plan.get(line.id) or [None] * len(periods),
                    projected.get(line.id) or {},
                )
                for line in agreement.line_ids
            ]
            result[agreement.id] = {
                "agreement": agreement,
                "taken_at": taken_at,
                "today": today,
                "windows": windows,
                "plan_periods": periods,
                "has_plan": any(qty is not None for row in rows for qty in row["plan"]),
                "has_next_month": any(row["next_month_demand"] is not None for row in rows),
                "open_proposals": open_proposals.get(agreement.id, 0),
                "lines": rows,
            }
        return result

    def _vmi_stock_sheet_line(self, line, stock, receipts, months, next_month, plan, projected):
        """One line's figures (``_vmi_stock_sheet_figures``), from the
        batches read for all lines."""
        on_hand, incoming = stock
        product = line.product_id
        return {
            "line": line,
            "product_id": product.id,
            "product": product.display_name,
            "code": product.default_code or product.name,
            "uom": line.product_uom_id.name,
            "uom_rounding": line.product_uom_id.rounding,
            "on_hand": on_hand,
            "reorder_point": line.reorder_point,
            "max_qty": line.max_qty,
            "status": rules.stock_status(on_hand, line.reorder_point, line.max_qty, incoming),
            "incoming": incoming,
            "receipts": receipts,
            "consumption": months,
            # The windows add up to the total of the monthly average
            # (``rules.consumption_windows``): the figure of
            # ``consumption_monthly_avg``, without another query.
            "monthly_average": rules.monthly_average(sum(months), SHEET_MONTHS),
            "next_month_demand": next_month,
            "plan": plan,
            "projected_out_date": projected.get("out_date"),
            "projected_below_date": projected.get("below_date"),
            "days_of_cover": projected.get("days_of_cover"),
        }

    def _vmi_open_proposal_counts(self):
        """``{agreement id: number of open replenishment proposals}``. One
        grouped query, as superuser (the supplier's page counts them)."""
        Order = self.env["purchase.order"].sudo()
        groups = Order._read_group(
            [("vmi_agreement_id", "in", self.ids)] + Order._get_vmi_open_proposals_domain(),
            ["vmi_agreement_id"],
            ["__count"],
        )
        return {agreement.id: count for agreement, count in groups}
