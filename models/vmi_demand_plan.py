# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's demand plan (SPEC step 1 and 2: "next month's production
plan before the 5th"; the Q&A: "next week ~20 pcs"). The buyer publishes it to
the supplier, who acknowledges it; every later change is a revision the
supplier is told about and acknowledges again."""

from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_round
from odoo.tools.misc import format_date

from ..logic import demand
from .counting import assign_counts

# The three quantities of a plan line: its period and the two that follow.
QUANTITY_FIELDS = ("quantity", "quantity_next", "quantity_next2")
PERIODS = [("month", "Month"), ("week", "Week")]


class VmiDemandPlan(models.Model):
    """The demand one agreement's customer plans for one period (a month or
    a week), per product, with estimates for the two periods after it."""

    _name = "vmi.demand.plan"
    _description = "VMI Demand Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "vmi.portal.mixin", "vmi.outbox.mixin"]
    _order = "date_from desc, id desc"

    name = fields.Char(compute="_compute_name", store=True, index="trigram")
    agreement_id = fields.Many2one(
        "vmi.agreement",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('state', '=', 'active')]",
    )
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="agreement_id.partner_id", string="Supplier", store=True, index=True)
    user_id = fields.Many2one(related="agreement_id.user_id", string="Responsible Buyer")
    period_type = fields.Selection(
        PERIODS,
        string="Period",
        required=True,
        compute="_compute_period_type",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_from = fields.Date(
        string="From",
        required=True,
        index=True,
        compute="_compute_date_from",
        store=True,
        readonly=False,
        precompute=True,
        help="First day of the period: the 1st of a month, or a Monday.",
    )
    date_to = fields.Date(string="To", compute="_compute_date_to", store=True, precompute=True)
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("acknowledged", "Acknowledged")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        help="Published: sent to the supplier. Acknowledged: the supplier took note of it. A "
        "revision after publishing is sent to the supplier, who acknowledges it again.",
    )
    date_due = fields.Date(
        string="Due Date",
        compute="_compute_date_due",
        store=True,
        help="The plan is due to the supplier by this day: the agreement's forecast due day of the "
        "month before the period, or a week before a weekly period.",
    )
    date_published = fields.Datetime(string="Published On", readonly=True, copy=False, tracking=True)
    is_late = fields.Boolean(
        string="Published Late",
        compute="_compute_is_late",
        store=True,
        help="Published after its due date.",
    )
    date_acknowledged = fields.Datetime(string="Acknowledged On", readonly=True, copy=False)
    acknowledged_by = fields.Many2one("res.partner", readonly=True, copy=False)
    line_ids = fields.One2many("vmi.demand.plan.line", "plan_id", string="Products", copy=True)
    revision_ids = fields.One2many("vmi.demand.plan.revision", "plan_id", string="Revisions", readonly=True)
    revision_count = fields.Integer(compute="_compute_revision_count")

    # The period is checked in Python (``_check_unique_period``) before the
    # database refuses it: its UNIQUE constraint stays as the guarantee under
    # concurrent creations, with a generic message.
    _sql_constraints = [
        (
            "period_unique",
            "UNIQUE(agreement_id, date_from)",
            "An agreement has one demand plan per period.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("agreement_id.name", "date_from", "period_type")
    def _compute_name(self):
        for plan in self:
            if plan.agreement_id and plan.date_from:
                label = demand.period_label(plan.date_from, plan.period_type)
                plan.name = f"{plan.agreement_id.name} {label}"
            else:
                plan.name = False

    @api.depends("agreement_id")
    def _compute_period_type(self):
        for plan in self:
            plan.period_type = plan.agreement_id.demand_period or plan.period_type or demand.MONTH

    @api.depends("agreement_id", "period_type")
    def _compute_date_from(self):
        today = fields.Date.context_today(self)
        for plan in self:
            period = plan.period_type or demand.MONTH
            if not plan.date_from or not demand.is_period_start(plan.date_from, period):
                plan.date_from = demand.next_period(today, period)[0]

    @api.depends("date_from", "period_type")
    def _compute_date_to(self):
        for plan in self:
            plan.date_to = plan.date_from and demand.period_bounds(plan.date_from, plan.period_type)[1]

    @api.depends("date_from", "period_type", "agreement_id.forecast_due_day")
    def _compute_date_due(self):
        for plan in self:
            plan.date_due = plan.date_from and demand.due_date(
                plan.date_from, plan.period_type, plan.agreement_id.forecast_due_day or 5
            )

    @api.depends("date_published", "date_due")
    def _compute_is_late(self):
        for plan in self:
            published = plan.date_published and fields.Date.context_today(plan, plan.date_published)
            plan.is_late = bool(published and plan.date_due and published > plan.date_due)

    def _compute_revision_count(self):
        assign_counts(self, "revision_count", "vmi.demand.plan.revision", "plan_id")

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("state", "draft") != "draft" for vals in vals_list):
            raise UserError(self.env._("A demand plan starts as a draft: publish it with its button."))
        agreements = self.env["vmi.agreement"].browse(
            list({vals["agreement_id"] for vals in vals_list if vals.get("agreement_id")})
        )
        periods = {agreement.id: agreement.demand_period for agreement in agreements}
        today = fields.Date.context_today(self)
        for vals in vals_list:
            # The period's first day is known before the INSERT, so that a
            # second plan of the period gets the clear message.
            period = vals.get("period_type") or periods.get(vals.get("agreement_id")) or demand.MONTH
            vals.setdefault("period_type", period)
            if not vals.get("date_from"):
                vals["date_from"] = demand.next_period(today, period)[0]
        self._check_unique_period(
            [(vals.get("agreement_id"), fields.Date.to_date(vals["date_from"])) for vals in vals_list]
        )
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals and not self.env.su:
            raise UserError(
                self.env._("The status of a demand plan changes only with its buttons: Publish, Acknowledge.")
            )
        if {"agreement_id", "date_from", "period_type"} & set(vals):
            fixed = self.filtered(lambda p: p.state != "draft" and p._vmi_period_changes(vals))
            if fixed:
                raise UserError(
                    self.env._(
                        "%s is published: its agreement and period cannot change.", fixed[0].display_name
                    )
                )
            self._check_unique_period(
                [
                    (
                        vals.get("agreement_id", plan.agreement_id.id),
                        fields.Date.to_date(vals["date_from"]) if vals.get("date_from") else plan.date_from,
                    )
                    for plan in self
                ],
                exclude_ids=self.ids,
            )
        if "line_ids" not in vals or not self.filtered(lambda p: p.state != "draft"):
            return super().write(vals)
        # Lines changed through the plan (its form): one set of revisions and
        # one notification per plan for the whole save.
        Line = self.env["vmi.demand.plan.line"]
        before = self.line_ids._vmi_quantities()
        result = super(VmiDemandPlan, self.with_context(vmi_plan_revisions_recorded=True)).write(vals)
        Line.browse(self.line_ids.ids)._vmi_record_revisions(before)
        return result

    def _vmi_period_changes(self, vals):
        """Whether ``vals`` change this plan's agreement or period (the same
        values written again change nothing)."""
        self.ensure_one()
        return (
            vals.get("agreement_id", self.agreement_id.id) != self.agreement_id.id
            or vals.get("period_type", self.period_type) != self.period_type
            or ("date_from" in vals and fields.Date.to_date(vals["date_from"]) != self.date_from)
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(plan.state != "draft" for plan in self):
            raise UserError(
                self.env._("A published demand plan cannot be deleted: revise its quantities instead.")
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    def _check_unique_period(self, keys, exclude_ids=()):
        """One plan per agreement and period, refused with a clear message
        before the database's UNIQUE constraint does. ``keys`` are the
        ``(agreement id, first day)`` pairs being written. One query."""
        keys = [(agreement_id, day) for agreement_id, day in keys if agreement_id and day]
        if not keys:
            return
        seen = set()
        duplicates = {key for key in keys if key in seen or seen.add(key)}
        existing = self.sudo().search_fetch(
            [
                ("agreement_id", "in", list({key[0] for key in keys})),
                ("date_from", "in", list({key[1] for key in keys})),
                ("id", "not in", list(exclude_ids)),
            ],
            ["agreement_id", "date_from", "name"],
        )
        clashes = existing.filtered(lambda p: (p.agreement_id.id, p.date_from) in seen)
        if clashes or duplicates:
            if clashes:
                agreement_id, day = clashes[0].agreement_id.id, clashes[0].date_from
            else:
                agreement_id, day = min(duplicates)
            plan = f" ({clashes[0].name})" if clashes else ""
            raise ValidationError(
                self.env._(
                    "%(agreement)s already has a demand plan for the period from %(date)s%(plan)s: "
                    "an agreement has one demand plan per period; open and revise it instead.",
                    agreement=self.env["vmi.agreement"].browse(agreement_id).display_name,
                    date=format_date(self.env, day),
                    plan=plan,
                )
            )

    @api.constrains("date_from", "period_type")
    def _check_period_start(self):
        for plan in self:
            if not demand.is_period_start(plan.date_from, plan.period_type):
                raise ValidationError(
                    self.env._(
                        "%(date)s does not start a period: a monthly demand plan starts on the 1st of a "
                        "month, a weekly one on a Monday.",
                        date=format_date(self.env, plan.date_from),
                    )
                )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_publish(self):
        """Send the plan to the supplier (one e-mail through the outbox, in
        the supplier's language). No way back to draft: later changes are
        revisions that the supplier is told about."""
        if any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("Only draft demand plans can be published."))
        empty = self.filtered(lambda p: not p.line_ids)
        if empty:
            raise UserError(
                self.env._("%s has no products: add them (or Prefill) before publishing.", empty[0].name)
            )
        inactive = self.filtered(lambda p: p.agreement_id.state != "active")
        if inactive:
            raise UserError(
                self.env._("%s: only the plans of active agreements can be published.", inactive[0].name)
            )
        self.check_access("write")
        # The status changes only here (``write`` refuses it otherwise).
        self.sudo().write({"state": "published", "date_published": fields.Datetime.now()})
        self._vmi_close_reminders()
        self.env["vmi.notification"]._vmi_queue(self, "demand_plan")
        return True

    def action_acknowledge(self):
        """The supplier acknowledges the published plan: one of its portal
        users (the portal calls this after its own access check; the plan is
        read as that user), or a VMI user recording it on the supplier's
        behalf. The status is written as superuser: the supplier only reads
        plans."""
        if any(plan.state != "published" for plan in self):
            raise UserError(self.env._("Only published demand plans can be acknowledged."))
        user = self.env.user
        if user.share:
            self.check_access("read")
            if any(not plan._vmi_is_supplier_user(user) for plan in self):
                raise AccessError(self.env._("Only the supplier of a demand plan can acknowledge it."))
        else:
            self.check_access("write")
        now = fields.Datetime.now()
        by_partner = defaultdict(lambda: self.browse())
        for plan in self:
            by_partner[user.partner_id if user.share else plan.partner_id] |= plan
        for partner, plans in by_partner.items():
            plans.sudo().write(
                {"state": "acknowledged", "date_acknowledged": now, "acknowledged_by": partner.id}
            )
        if user.share:
            self._vmi_tell_buyer_acknowledged()
        else:
            self._vmi_note_on_behalf(
                self.env._("%(user)s recorded that %(supplier)s acknowledged the demand plan.")
            )
        return True

    def action_prefill(self):
        """Fill one line per product of the agreement (draft plans): what
        Odoo already plans to draw from the VMI location in each of the three
        periods, else the monthly average of the last three months."""
        if any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("Only draft demand plans can be prefilled."))
        self.check_access("write")
        for plan in self:
            plan._vmi_prefill()
        return True

    def action_view_revisions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Revisions of %s", self.name),
            "res_model": "vmi.demand.plan.revision",
            "view_mode": "list",
            "domain": [("plan_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _vmi_prefill_quantities(self):
        """``{agreement line id: (quantity, next, next after)}`` for the plan
        (see ``action_prefill``), in each line's unit. Three grouped queries
        for the moves, whatever the number of products."""
        self.ensure_one()
        lines = self.agreement_id.line_ids
        periods = demand.following_periods(self.date_from, self.period_type, len(QUANTITY_FIELDS))
        planned = lines._vmi_planned_moves(periods)
        result = {}
        for line in lines:
            average = demand.average_for_period(line.consumption_monthly_avg, self.period_type)
            result[line.id] = tuple(
                float_round(
                    average if qty is None else qty, precision_rounding=line.product_uom_id.rounding or 0.01
                )
                for qty in planned[line.id]
            )
        return result

    def _vmi_prefill(self):
        self.ensure_one()
        existing = {line.agreement_line_id.id: line for line in self.line_ids}
        commands = []
        for line_id, quantities in self._vmi_prefill_quantities().items():
            values = dict(zip(QUANTITY_FIELDS, quantities, strict=True))
            if line_id in existing:
                commands.append(Command.update(existing[line_id].id, values))
            else:
                commands.append(Command.create({"agreement_line_id": line_id, **values}))
        if commands:
            self.write({"line_ids": commands})

    def _vmi_revised(self):
        """These published plans were revised: an acknowledged one waits for
        the supplier's acknowledgement again, and the supplier is told (once
        per plan and change)."""
        acknowledged = self.filtered(lambda p: p.state == "acknowledged")
        if acknowledged:
            acknowledged.sudo().write({"state": "published"})
        self.env["vmi.notification"]._vmi_queue(self, "demand_plan_revised")

    def _vmi_close_reminders(self):
        """The buyer's reminders of these plans (``_cron_remind``) are done
        once they are published. Written as superuser: the publishing VMI
        user need not be the buyer the to-do is for."""
        activity_type = self.env.ref("stock_vmi.mail_activity_type_vmi_demand_plan", raise_if_not_found=False)
        if not activity_type:
            return
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "vmi.agreement"),
                    ("res_id", "in", self.agreement_id.ids),
                    ("activity_type_id", "=", activity_type.id),
                    ("date_deadline", "in", list(set(self.mapped("date_due")))),
                ]
            )
        )
        if activities:
            activities.action_feedback(feedback=self.env._("Demand plan published."))

    def _vmi_tell_buyer_acknowledged(self):
        """Note for the buyer, in the buyer's language, that the supplier
        acknowledged the plan."""
        # As superuser: the supplier's portal user who acknowledged may not
        # read the buyer's user.
        for plan in self.sudo():
            buyer = plan.agreement_id.user_id
            env = self.with_context(lang=buyer.lang or self.env.lang).env
            plan.message_post(
                body=env._(
                    "%(supplier)s acknowledged the demand plan.",
                    supplier=plan.partner_id.display_name,
                ),
                partner_ids=buyer.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    def _vmi_portal_path(self):
        """The plan's page on the supplier's portal
        (``controllers/portal_demand_plan.py``)."""
        self.ensure_one()
        return f"/my/vmi/plan/{self.id}"

    # ------------------------------------------------------------------
    # Outbox (vmi.notification)
    # ------------------------------------------------------------------
    _VMI_TEMPLATES = {
        "demand_plan": "stock_vmi.mail_template_vmi_demand_plan",
        "demand_plan_revised": "stock_vmi.mail_template_vmi_demand_plan_revised",
    }

    def _vmi_outbox_agreement(self):
        return self.agreement_id

    def _vmi_outbox_send(self, kind):
        """The outbox's e-mails of a new or revised plan (``self`` is sudo,
        its notifications locked), for the plans still published."""
        xmlid = self._VMI_TEMPLATES.get(kind)
        template = xmlid and self.env.ref(xmlid, raise_if_not_found=False)
        if not template:
            return self.browse()
        to_send = self.filtered(lambda p: p.state in ("published", "acknowledged"))
        to_send._vmi_post_template(template)
        return to_send

    # ------------------------------------------------------------------
    # Reminder (cron)
    # ------------------------------------------------------------------
    @api.model
    def _cron_remind(self):
        """Daily: remind the buyers whose next demand plan is due within the
        agreement's ``plan_reminder_days`` (or overdue) and not published
        yet; one to-do per agreement (``vmi.agreement._vmi_remind_demand_plan``)."""
        today = fields.Date.context_today(self)
        Agreement = self.env["vmi.agreement"]
        agreements = Agreement.search(Agreement._in_force_domain(today))
        due = agreements._vmi_demand_plans_to_remind(today)
        Agreement.browse(list(due))._vmi_remind_demand_plan(due)
        return True


class VmiDemandPlanLine(models.Model):
    """One product of a demand plan: its demand for the plan's period and
    the estimates for the two periods after it."""

    _name = "vmi.demand.plan.line"
    _description = "VMI Demand Plan Line"
    _order = "plan_id, sequence, id"

    sequence = fields.Integer(default=10)
    plan_id = fields.Many2one("vmi.demand.plan", required=True, index=True, ondelete="cascade")
    agreement_id = fields.Many2one(related="plan_id.agreement_id", store=True, index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="plan_id.partner_id", string="Supplier", store=True, index=True)
    state = fields.Selection(related="plan_id.state")
    agreement_line_id = fields.Many2one(
        "vmi.agreement.line",
        string="Agreement Product",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('agreement_id', '=', agreement_id)]",
    )
    product_id = fields.Many2one(related="agreement_line_id.product_id", store=True, index=True)
    product_uom_id = fields.Many2one(related="agreement_line_id.product_uom_id", string="Unit")
    quantity = fields.Float(
        string="Demand",
        digits="Product Unit of Measure",
        help="Demand planned for the plan's period, in the agreement's unit.",
    )
    quantity_next = fields.Float(
        string="Next Period",
        digits="Product Unit of Measure",
        help="Estimate for the period after the plan's (0: no estimate).",
    )
    quantity_next2 = fields.Float(
        string="Period After",
        digits="Product Unit of Measure",
        help="Estimate for the second period after the plan's (0: no estimate).",
    )

    _sql_constraints = [
        (
            "agreement_line_unique",
            "UNIQUE(plan_id, agreement_line_id)",
            "A product appears only once in a demand plan.",
        ),
    ]

    # ------------------------------------------------------------------
    # ORM: revisions of published plans
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        AgreementLine = self.env["vmi.agreement.line"]
        for vals in vals_list:
            self._vmi_check_quantity_values(vals, AgreementLine.browse(vals.get("agreement_line_id")))
        lines = super().create(vals_list)
        if not self.env.context.get("vmi_plan_revisions_recorded"):
            # A line added to a published plan is a revision from 0.
            lines._vmi_record_revisions({})
        return lines

    def write(self, vals):
        fixed = self.filtered(lambda ln: ln.plan_id.state != "draft")
        if fixed and ("agreement_line_id" in vals or "plan_id" in vals):
            raise UserError(
                self.env._("The products of a published demand plan cannot change: revise their quantities.")
            )
        for line in self:
            self._vmi_check_quantity_values(vals, line.agreement_line_id)
        if self.env.context.get("vmi_plan_revisions_recorded") or not set(QUANTITY_FIELDS) & set(vals):
            return super().write(vals)
        before = self._vmi_quantities()
        result = super().write(vals)
        self._vmi_record_revisions(before)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(line.plan_id.state != "draft" for line in self):
            raise UserError(
                self.env._(
                    "A product cannot be removed from a published demand plan: set its quantities to 0."
                )
            )

    def _vmi_quantities(self):
        """``{line id: (quantity, next, next after)}``, before a change."""
        return {line.id: tuple(line[fname] for fname in QUANTITY_FIELDS) for line in self}

    def _vmi_record_revisions(self, before):
        """Record the changes of these lines' quantities since ``before``
        (``_vmi_quantities``; a line not in it was 0) on published plans: one
        revision per changed quantity, all in one ``create``, then the
        revised plans are sent to the supplier again (``_vmi_revised``).
        The revisions are written as superuser: nobody edits them."""
        vals_list = []
        for line in self.filtered(lambda ln: ln.plan_id.state != "draft"):
            old = before.get(line.id, (0.0,) * len(QUANTITY_FIELDS))
            plan = line.plan_id
            periods = demand.following_periods(plan.date_from, plan.period_type, len(QUANTITY_FIELDS))
            rounding = line.product_uom_id.rounding or 0.01
            for index, fname in enumerate(QUANTITY_FIELDS):
                if float_compare(old[index], line[fname], precision_rounding=rounding):
                    vals_list.append(
                        {
                            "plan_id": plan.id,
                            "plan_line_id": line.id,
                            "product_id": line.product_id.id,
                            "user_id": self.env.uid,
                            "period": fname,
                            "period_start": periods[index][0],
                            "old_quantity": old[index],
                            "new_quantity": line[fname],
                        }
                    )
        if not vals_list:
            return
        self.env["vmi.demand.plan.revision"].sudo().create(vals_list)
        self.env["vmi.demand.plan"].browse(sorted({vals["plan_id"] for vals in vals_list}))._vmi_revised()

    # ------------------------------------------------------------------
    # Constraints: a clear message naming the product
    # ------------------------------------------------------------------
    @api.model
    def _vmi_check_quantity_values(self, vals, agreement_line):
        """Refuse a negative quantity before anything is written."""
        for fname in QUANTITY_FIELDS:
            value = vals.get(fname)
            if isinstance(value, int | float) and value < 0:
                raise ValidationError(
                    self.env._(
                        "%(product)s: the planned demand cannot be negative (%(field)s: %(value)s).",
                        product=agreement_line.product_id.display_name,
                        field=self._fields[fname].get_description(self.env)["string"],
                        value=value,
                    )
                )

    @api.constrains(*QUANTITY_FIELDS)
    def _check_quantities(self):
        for line in self:
            if min(line[fname] for fname in QUANTITY_FIELDS) < 0:
                raise ValidationError(
                    self.env._(
                        "%s: the planned demand cannot be negative.",
                        line.agreement_line_id.product_id.display_name,
                    )
                )

    @api.constrains("agreement_line_id", "plan_id")
    def _check_agreement_line(self):
        for line in self:
            if line.agreement_line_id.agreement_id != line.plan_id.agreement_id:
                raise ValidationError(
                    self.env._(
                        "%(product)s is not a product of agreement %(agreement)s.",
                        product=line.agreement_line_id.product_id.display_name,
                        agreement=line.plan_id.agreement_id.display_name,
                    )
                )


class VmiDemandPlanRevision(models.Model):
    """A change of a published plan's quantity: who, when, from what to
    what. Written by the system only (as superuser); everybody reads it."""

    _name = "vmi.demand.plan.revision"
    _description = "VMI Demand Plan Revision"
    _order = "date desc, id desc"

    plan_id = fields.Many2one("vmi.demand.plan", required=True, index=True, ondelete="cascade", readonly=True)
    plan_line_id = fields.Many2one("vmi.demand.plan.line", ondelete="set null", readonly=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="plan_id.partner_id", string="Supplier", store=True, index=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Revised By", readonly=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    period = fields.Selection(
        [("quantity", "Plan period"), ("quantity_next", "Next period"), ("quantity_next2", "Period after")],
        string="Period Changed",
        required=True,
        readonly=True,
    )
    period_start = fields.Date(string="Period From", readonly=True)
    old_quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    new_quantity = fields.Float(digits="Product Unit of Measure", readonly=True)


class VmiNotification(models.Model):
    _inherit = "vmi.notification"

    kind = fields.Selection(
        selection_add=[("demand_plan", "Demand plan"), ("demand_plan_revised", "Demand plan revised")],
        ondelete={"demand_plan": "cascade", "demand_plan_revised": "cascade"},
    )
