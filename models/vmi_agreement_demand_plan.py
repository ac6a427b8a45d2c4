# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The agreement's demand plans (``vmi.demand.plan``): their periods, the
smart button, a new plan, the buyer's reminder; and the agreement lines'
planned demand read from them."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round, plaintext2html
from odoo.tools.misc import format_date

from ..logic import demand
from .counting import assign_counts


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    # The customer's demand plan (SPEC step 1; models/vmi_demand_plan.py).
    demand_period = fields.Selection(
        [("month", "Month"), ("week", "Week")],
        string="Demand Plan Period",
        default="month",
        required=True,
        help="Each demand plan covers a calendar month (due on the forecast due day of the month "
        "before) or a week from Monday to Sunday (due a week before).",
    )
    plan_reminder_days = fields.Integer(
        string="Plan Reminder (days)",
        default=3,
        required=True,
        help="The buyer gets a to-do this many days before the next demand plan is due, "
        "as long as it is not published.",
    )
    demand_plan_ids = fields.One2many("vmi.demand.plan", "agreement_id", string="Demand Plans")
    demand_plan_count = fields.Integer(compute="_compute_demand_plan_count")

    def _compute_demand_plan_count(self):
        assign_counts(self, "demand_plan_count", "vmi.demand.plan", "agreement_id")

    @api.constrains("plan_reminder_days")
    def _check_plan_reminder_days(self):
        if any(agreement.plan_reminder_days < 0 for agreement in self):
            raise ValidationError(self.env._("The demand plan reminder cannot be negative."))

    def _vmi_next_period(self, day):
        """``(first day, last day)`` of the agreement's demand period (month
        or week) after the one that contains ``day``."""
        self.ensure_one()
        return demand.next_period(day, self.demand_period)

    def _vmi_demand_plan_due(self, first):
        """Due date of the agreement's demand plan of the period starting ``first``."""
        self.ensure_one()
        return demand.due_date(first, self.demand_period, self.forecast_due_day)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_new_demand_plan(self):
        """Button: the demand plan of the next period, prefilled when new
        (``vmi.demand.plan.action_prefill``); the existing one otherwise."""
        self.ensure_one()
        if self.state != "active":
            raise UserError(self.env._("Demand plans are made for active agreements."))
        first, _last = self._vmi_next_period(fields.Date.context_today(self))
        Plan = self.env["vmi.demand.plan"]
        plan = Plan.search([("agreement_id", "=", self.id), ("date_from", "=", first)], limit=1)
        if not plan:
            plan = Plan.create(
                {"agreement_id": self.id, "date_from": first, "period_type": self.demand_period}
            )
            plan.action_prefill()
        return {
            "type": "ir.actions.act_window",
            "res_model": "vmi.demand.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_demand_plans(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_demand_plan")
        action["domain"] = [("agreement_id", "in", self.ids)]
        action["context"] = {"default_agreement_id": self.id} if len(self) == 1 else {}
        return action

    # ------------------------------------------------------------------
    # The buyer's reminder (``vmi.demand.plan._cron_remind``)
    # ------------------------------------------------------------------
    def _vmi_demand_plans_to_remind(self, today):
        """``{agreement id: (first day of the next period, due date)}`` of
        these agreements whose next demand plan is due within their
        ``plan_reminder_days`` (or overdue), is not published, and whose
        buyer has no open reminder yet. Three queries in all."""
        periods = {}
        for agreement in self.filtered("user_id"):
            first, _last = agreement._vmi_next_period(today)
            due = agreement._vmi_demand_plan_due(first)
            if due - timedelta(days=agreement.plan_reminder_days) <= today:
                periods[agreement.id] = (first, due)
        if not periods:
            return {}
        published = (
            self.env["vmi.demand.plan"]
            .sudo()
            .search_fetch(
                [
                    ("agreement_id", "in", list(periods)),
                    ("date_from", "in", list({first for first, _due in periods.values()})),
                    ("state", "!=", "draft"),
                ],
                ["agreement_id", "date_from"],
            )
        )
        for plan in published:
            if periods.get(plan.agreement_id.id, (None,))[0] == plan.date_from:
                del periods[plan.agreement_id.id]
        activity_type = self.env.ref("stock_vmi.mail_activity_type_vmi_demand_plan")
        reminded = (
            self.env["mail.activity"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", list(periods)),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id"],
            )
        )
        for activity in reminded:
            periods.pop(activity.res_id, None)
        return periods

    def _vmi_remind_demand_plan(self, periods):
        """One to-do per agreement for its buyer, due on the plan's due date,
        and a note that tells the buyer, both in the buyer's language.
        ``periods``: ``{agreement id: (first day, due date)}``."""
        if not self:
            return
        activity_type = self.env.ref("stock_vmi.mail_activity_type_vmi_demand_plan")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list, bodies = [], []
        for agreement in self:
            first, due = periods[agreement.id]
            buyer = agreement.user_id
            env = agreement.with_context(lang=buyer.lang or self.env.lang).env
            body = env._(
                "The demand plan of %(agreement)s for the period from %(first)s is due on %(due)s: "
                "publish it to %(supplier)s (Demand Plans button of the agreement).",
                agreement=agreement.name,
                first=format_date(env, first),
                due=format_date(env, due),
                supplier=agreement.partner_id.display_name,
            )
            bodies.append(body)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": agreement.id,
                    "activity_type_id": activity_type.id,
                    "summary": env._("Publish the demand plan"),
                    "note": plaintext2html(body),
                    "date_deadline": due,
                    "user_id": buyer.id,
                }
            )
        # The note below tells the buyer: no second e-mail for the to-do.
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        for agreement, body in zip(self, bodies, strict=True):
            agreement.sudo().message_post(
                body=body,
                partner_ids=agreement.user_id.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )


class VmiAgreementLine(models.Model):
    """The agreement lines' planned demand, read from the published demand
    plans: the supplier's "next month" column, the review's expected demand
    and the projected stock."""

    _inherit = "vmi.agreement.line"  # pylint: disable=consider-merging-classes-inherited
    # Found by its product's name (demand plan lines pick an agreement line).
    _rec_names_search = ["product_id"]

    # Moves that Odoo plans (not done, not cancelled, not drafts).
    _VMI_PLANNED_MOVE_STATES = ("confirmed", "waiting", "assigned", "partially_available")

    @api.depends("product_id")
    def _compute_display_name(self):
        """Named by its product (demand plan lines pick an agreement line).
        The product's name is read as superuser: the supplier's portal users
        read their agreement lines (and see the products' names on their
        pages), not the products themselves."""
        for line, line_sudo in zip(self, self.sudo(), strict=True):
            line.display_name = line_sudo.product_id.display_name or False

    def _vmi_next_month_demand(self, day=None):
        """``{line id: quantity}`` of next month's demand (the month after
        ``day``, today by default) where the customer's published demand
        plans give it (``_vmi_planned_demand``), in each line's unit: the plan
        of next month, or the estimates of earlier plans. Shown on the
        supplier's agreement page; without a plan nothing is known: an empty
        dict, and the page leaves the column out."""
        day = day or fields.Date.context_today(self)
        first, last = demand.next_period(day, demand.MONTH)
        planned = self._vmi_planned_demand(first, last)
        return {
            line.id: float_round(planned[line.id], precision_rounding=line.product_uom_id.rounding or 0.01)
            for line in self
            if line.id in planned
        }

    def _vmi_planned_demand(self, first, last):
        """``{line id: quantity}`` of the demand planned from ``first`` to
        ``last`` (both included) by the published (or acknowledged) demand
        plans, each plan's quantity spread evenly over the days of its period
        (``logic.demand.planned_demand_between``); on days that no plan's own
        period covers, the estimate for them of an earlier plan (its next
        periods). A line with a day of the range covered by no plan is left
        out: the caller falls back on the average. Two queries for any number
        of lines."""
        if last < first:
            return {}
        return {
            line_id: quantity
            for line_id, periods in self._vmi_plan_periods(first, last).items()
            if (quantity := demand.planned_demand_between(periods, first, last)) is not None
        }

    def _vmi_planned_daily_demand(self, first, days):
        """``{line id: [quantity or None per day]}`` of the published demand
        plans from ``first`` on, for ``days`` days (``None`` on a day no plan
        covers; lines without any plan left out). Two queries."""
        if days <= 0:
            return {}
        return {
            line_id: demand.planned_daily_demand(periods, first, days)
            for line_id, periods in self._vmi_plan_periods(first, first + timedelta(days=days - 1)).items()
        }

    def _vmi_plan_periods(self, first, last):
        """``{line id: [(first day, last day, quantity)]}`` of the published
        (or acknowledged) plans that may cover days from ``first`` to
        ``last``, in increasing priority (``logic.demand.plan_periods``).
        Read as superuser: the plan's figures are shared with the supplier,
        like the stock figures. Two queries for any number of lines."""
        lines = self.filtered("id")
        if not lines:
            return {}
        # A plan reaches at most three months (92 days) from its first day.
        plan_lines = (
            self.env["vmi.demand.plan.line"]
            .sudo()
            .search_fetch(
                [
                    ("agreement_line_id", "in", lines.ids),
                    ("plan_id.state", "in", ("published", "acknowledged")),
                    ("plan_id.date_from", "<=", last),
                    ("plan_id.date_from", ">", first - timedelta(days=92)),
                ],
                ["agreement_line_id", "plan_id", "quantity", "quantity_next", "quantity_next2"],
            )
        )
        plan_lines.plan_id.fetch(["date_from", "period_type"])
        plans_by_line = defaultdict(list)
        for plan_line in plan_lines:
            plan = plan_line.plan_id
            plans_by_line[plan_line.agreement_line_id.id].append(
                (
                    plan.date_from,
                    plan.period_type,
                    (plan_line.quantity, plan_line.quantity_next, plan_line.quantity_next2),
                )
            )
        return {line_id: demand.plan_periods(plans) for line_id, plans in plans_by_line.items()}

    def _vmi_planned_moves(self, periods):
        """``{line id: [quantity or None per period]}``: what the open moves
        out of the VMI location (to production, customers, scrap: anywhere
        outside it) dated in each ``(first day, last day)`` of ``periods``
        draw of each line's product, in the line's unit; ``None`` where no
        such move is planned. One grouped query per period, and one for the
        location's shelves."""
        result = {line.id: [None] * len(periods) for line in self}
        lines = self.filtered(lambda ln: ln.id and ln.location_id)
        if not lines:
            return result
        roots = set(lines.location_id.ids)
        inside = self.env["stock.location"].sudo().search([("id", "child_of", list(roots))])
        # Each shelf counts on the agreement's VMI location above it.
        root_of = {
            location.id: next(
                int(pid) for pid in location.parent_path.split("/") if pid and int(pid) in roots
            )
            for location in inside
        }
        lines_by_key = defaultdict(list)
        for line in lines:
            lines_by_key[line.location_id.id, line.product_id.id].append(line)
        Move = self.env["stock.move"].sudo()
        for index, (p_first, p_last) in enumerate(periods):
            for location, product, qty in Move._read_group(
                [
                    ("location_id", "in", inside.ids),
                    ("location_dest_id", "not in", inside.ids),
                    ("product_id", "in", lines.product_id.ids),
                    ("state", "in", self._VMI_PLANNED_MOVE_STATES),
                    ("date", ">=", datetime.combine(p_first, time.min)),
                    ("date", "<", datetime.combine(p_last + timedelta(days=1), time.min)),
                ],
                ["location_id", "product_id"],
                ["product_qty:sum"],
            ):
                for line in lines_by_key.get((root_of[location.id], product.id), ()):
                    qty_line = product.uom_id._compute_quantity(qty, line.product_uom_id, round=False)
                    result[line.id][index] = (result[line.id][index] or 0.0) + qty_line
        return result
