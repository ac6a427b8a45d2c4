# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Emergency demand (SPEC Q4, issue 11 item 5): the buyer raises the demand
inside the current period (seed: next month 90 -> 120). The extra quantity
against on hand + incoming (100 on hand: 20 more) goes to the supplier as
an urgent proposal; less notice than the agreement's (24 h) is flagged and
needs the supplier's explicit acceptance. Confirming, the supplier enters
the rush freight; the customer's share (50 %) is a line of its own on the
next consumption bill, the rest is the supplier's. The demand plan's
revision history records the raise."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..logic import rules
from ..logic.arguments import as_number
from .counting import assign_counts


class VmiEmergencyRequest(models.Model):
    _name = "vmi.emergency.request"
    _description = "VMI Emergency Demand"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    agreement_id = fields.Many2one(
        "vmi.agreement",
        required=True,
        index=True,
        check_company=True,
        domain="[('state', '=', 'active')]",
        readonly=True,
    )
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="agreement_id.partner_id", string="Supplier", store=True, index=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    agreement_line_id = fields.Many2one(
        "vmi.agreement.line",
        string="Product Line",
        required=True,
        domain="[('agreement_id', '=', agreement_id)]",
        readonly=True,
    )
    product_id = fields.Many2one(related="agreement_line_id.product_id", store=True, index=True)
    product_uom_id = fields.Many2one(related="agreement_line_id.product_uom_id", string="Unit")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("requested", "Requested"),
            ("covered", "Covered by Stock"),
            ("accepted", "Accepted"),
            ("declined", "Declined"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    qty_planned = fields.Float(
        string="Planned Demand",
        digits="Product Unit of Measure",
        readonly=True,
        help="The published demand plan's quantity for the period of the date needed, before the raise.",
    )
    qty_raised = fields.Float(
        string="Raised Demand",
        digits="Product Unit of Measure",
        required=True,
        help="The period's demand as it now is (SPEC: next month 90 -> 120).",
    )
    date_needed = fields.Datetime(
        string="Needed By",
        required=True,
        default=lambda self: fields.Datetime.now() + timedelta(days=2),
    )
    date_requested = fields.Datetime(readonly=True, copy=False)
    notice_hours = fields.Float(string="Notice (hours)", digits=(16, 1), readonly=True, copy=False)
    short_notice = fields.Boolean(
        readonly=True,
        copy=False,
        help="Less notice than the agreement's emergency notice: the supplier must accept it explicitly.",
    )
    qty_on_hand = fields.Float(string="On Hand", digits="Product Unit of Measure", readonly=True, copy=False)
    qty_incoming = fields.Float(
        string="Incoming", digits="Product Unit of Measure", readonly=True, copy=False
    )
    qty_extra = fields.Float(
        string="Extra Quantity",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="Raised demand - (on hand + incoming), rounded up to whole packs.",
    )
    order_id = fields.Many2one("purchase.order", string="Urgent Proposal", readonly=True, copy=False)
    freight_cost = fields.Monetary(string="Rush Freight", readonly=True, copy=False)
    freight_share = fields.Float(
        string="Customer Share (%)",
        readonly=True,
        copy=False,
        help="The agreement's customer share of rush freight when the request was made.",
    )
    freight_customer = fields.Monetary(
        string="Customer's Part", compute="_compute_freight", store=True, help="Billed on the next statement."
    )
    freight_supplier = fields.Monetary(string="Supplier's Part", compute="_compute_freight", store=True)
    settlement_id = fields.Many2one(
        "vmi.settlement",
        string="Billed In",
        readonly=True,
        copy=False,
        ondelete="set null",
        index=True,
        help="The settlement whose bill carries the customer's part of the rush freight.",
    )
    accepted_by = fields.Many2one("res.users", readonly=True, copy=False)
    date_accepted = fields.Datetime(readonly=True, copy=False)
    reason = fields.Text(help="Why the demand rose (shown to the supplier).")

    @api.depends("agreement_id.name", "product_id", "date_needed")
    def _compute_name(self):
        for request in self:
            request.name = self.env._(
                "Emergency %(agreement)s: %(product)s",
                agreement=request.agreement_id.name or "",
                product=request.product_id.default_code or request.product_id.name or "",
            )

    @api.depends("freight_cost", "freight_share")
    def _compute_freight(self):
        for request in self:
            customer, supplier = rules.freight_split(request.freight_cost, request.freight_share)
            request.freight_customer, request.freight_supplier = customer, supplier

    @api.constrains("qty_raised")
    def _check_qty_raised(self):
        for request in self:
            if request.qty_raised <= 0:
                raise ValidationError(
                    self.env._("%s: the raised demand must be more than 0.", request.product_id.display_name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("qty_raised") not in (None, False) and as_number(vals["qty_raised"]) is None:
                raise ValidationError(
                    self.env._("The raised demand must be a number (%(value)r).", value=vals["qty_raised"])
                )
        requests = super().create(vals_list)
        for request in requests:
            if request.agreement_line_id.agreement_id != request.agreement_id:
                raise ValidationError(
                    self.env._(
                        "%(product)s is not a product of agreement %(agreement)s.",
                        product=request.product_id.display_name,
                        agreement=request.agreement_id.name,
                    )
                )
        requests._vmi_prefill_planned()
        return requests

    def _vmi_plan_line(self):
        """The published demand plan's line of the period of the date needed
        (``vmi.demand.plan.line``), if any."""
        self.ensure_one()
        day = fields.Datetime.context_timestamp(self, self.date_needed).date()
        return (
            self.env["vmi.demand.plan.line"]
            .sudo()
            .search(
                [
                    ("agreement_line_id", "=", self.agreement_line_id.id),
                    ("plan_id.state", "in", ("published", "acknowledged")),
                    ("plan_id.date_from", "<=", day),
                    ("plan_id.date_to", ">=", day),
                ],
                order="id desc",
                limit=1,
            )
        )

    def _vmi_prefill_planned(self):
        for request in self:
            request.qty_planned = request._vmi_plan_line().quantity

    @api.onchange("agreement_line_id", "date_needed")
    def _onchange_plan(self):
        for request in self.filtered("agreement_line_id"):
            request.qty_planned = request._vmi_plan_line().quantity

    # ------------------------------------------------------------------
    # Request
    # ------------------------------------------------------------------
    def action_request(self):
        """Buyer: send the emergency. Computes the extra quantity against on
        hand + incoming, the notice given, and creates the urgent proposal
        (to the supplier through the outbox); records the raise in the
        demand plan's revision history."""
        if not self.env.user.has_group("stock_vmi.group_vmi_user"):
            raise UserError(self.env._("Only VMI users can raise an emergency demand."))
        now = fields.Datetime.now()
        for request in self:
            request._vmi_check_request(now)
        orders = self.env["purchase.order"]
        for request in self:
            orders |= request._vmi_send_request(now)
        if orders:
            self.env["vmi.notification"]._vmi_queue(orders, "proposal")
        if len(orders) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "purchase.order",
                "res_id": orders.id,
                "view_mode": "form",
            }
        return True

    def _vmi_check_request(self, now):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("%s was already sent.", self.name))
        agreement = self.agreement_id
        if not agreement._is_in_force(fields.Date.context_today(self)):
            raise UserError(self.env._("Agreement %s is not in force.", agreement.name))
        if self.date_needed <= now:
            raise ValidationError(self.env._("The date needed must be in the future."))
        planned = self._vmi_plan_line().quantity
        if planned and self.qty_raised <= planned:
            raise ValidationError(
                self.env._(
                    "%(product)s: an emergency raises the demand; %(raised)s is not more than the plan's "
                    "%(planned)s. Revise the demand plan instead.",
                    product=self.product_id.display_name,
                    raised=self.qty_raised,
                    planned=planned,
                )
            )

    def _vmi_send_request(self, now):
        """Compute and send one request; returns its urgent proposal (or
        nothing when the stock covers it)."""
        self.ensure_one()
        line = self.agreement_line_id
        agreement = self.agreement_id
        on_hand, incoming = line._get_quantities()[line.id]
        extra = rules.emergency_extra(self.qty_raised, on_hand, incoming, line.pack_multiple)
        hours = (self.date_needed - now).total_seconds() / 3600.0
        plan_line = self._vmi_plan_line()
        vals = {
            "date_requested": now,
            "notice_hours": hours,
            "short_notice": hours < agreement.emergency_notice_hours,
            "qty_planned": plan_line.quantity,
            "qty_on_hand": on_hand,
            "qty_incoming": incoming,
            "qty_extra": extra,
            "freight_share": agreement.emergency_freight_share,
        }
        order = self.env["purchase.order"]
        if extra > 0:
            order_vals = agreement.sudo()._prepare_purchase_order([(line, extra)])
            order_vals["date_planned"] = self.date_needed
            for command in order_vals["order_line"]:
                command[2]["date_planned"] = self.date_needed
            order_vals["vmi_emergency_id"] = self.id
            self.env["purchase.order"]._vmi_add_review_figures(
                order_vals, line, {line.id: (on_hand, incoming)}
            )
            order = self.env["purchase.order"].sudo()._vmi_create_proposals([order_vals]).sudo(False)
            vals.update({"state": "requested", "order_id": order.id})
        else:
            vals["state"] = "covered"
        self.sudo().write(vals)
        if plan_line:
            Revision = self.env["vmi.demand.plan.revision"].sudo()
            before = Revision.search([("plan_line_id", "=", plan_line.id)]).ids
            plan_line.with_context(vmi_emergency_raise=True).write({"quantity": self.qty_raised})
            Revision.search([("plan_line_id", "=", plan_line.id), ("id", "not in", before)]).write(
                {"emergency_id": self.id}
            )
        self._vmi_log_request()
        return order

    def _vmi_log_request(self):
        """Note the request on the agreement, in the buyer's language."""
        self.ensure_one()
        agreement = self.agreement_id
        env = self.with_context(lang=agreement.user_id.lang or self.env.lang).env
        number = agreement._vmi_number_formatter()
        if self.state == "covered":
            body = env._(
                "Emergency demand for %(product)s: %(raised)s needed, on hand %(on_hand)s + incoming "
                "%(incoming)s cover it; nothing was asked of the supplier.",
                product=self.product_id.display_name,
                raised=number(self.qty_raised),
                on_hand=number(self.qty_on_hand),
                incoming=number(self.qty_incoming),
            )
        else:
            body = env._(
                "Emergency demand for %(product)s: %(raised)s needed by %(date)s against on hand "
                "%(on_hand)s + incoming %(incoming)s: urgent proposal %(order)s of %(extra)s.",
                product=self.product_id.display_name,
                raised=number(self.qty_raised),
                date=fields.Datetime.to_string(self.date_needed),
                on_hand=number(self.qty_on_hand),
                incoming=number(self.qty_incoming),
                order=self.order_id.name,
                extra=number(self.qty_extra),
            )
            if self.short_notice:
                body += " " + env._(
                    "Notice: %(hours)s h, less than the agreed %(agreed)s h: the supplier must accept it.",
                    hours=number(round(self.notice_hours, 1), 1),
                    agreed=agreement.emergency_notice_hours,
                )
        agreement.sudo().message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
        self.sudo().message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")

    def action_cancel(self):
        for request in self:
            if request.state not in ("draft", "covered"):
                raise UserError(
                    self.env._(
                        "%s went to the supplier: decline or cancel its urgent proposal instead.",
                        request.name,
                    )
                )
        self.write({"state": "cancelled"})
        return True

    # ------------------------------------------------------------------
    # The supplier's answer (through its proposal)
    # ------------------------------------------------------------------
    def _vmi_accept(self, freight_cost):
        """The urgent proposal was confirmed with ``freight_cost``: its
        customer's part goes on the next bill. Told to the buyer in the
        buyer's language."""
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "state": "accepted",
                "freight_cost": freight_cost,
                "accepted_by": self.env.uid,
                "date_accepted": now,
            }
        )
        for request in self:
            agreement = request.agreement_id
            env = request.with_context(lang=agreement.user_id.lang or self.env.lang).env
            number = agreement._vmi_number_formatter()
            request.sudo().message_post(
                body=env._(
                    "The supplier accepted the emergency; rush freight %(cost)s: %(customer)s for us "
                    "(%(share)s %%, on the next bill), %(supplier)s for the supplier.",
                    cost=number(request.freight_cost),
                    customer=number(request.freight_customer),
                    share=number(request.freight_share),
                    supplier=number(request.freight_supplier),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    def _vmi_freight_bill_line(self, sign=1):
        """Extension point: the bill line of the customer's part of this
        emergency's rush freight (no product: the purchase journal's
        account), in the bill's language."""
        self.ensure_one()
        env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        return {
            "name": env._(
                "Rush freight of %(emergency)s (%(order)s): %(share)s %% of %(cost)s",
                emergency=self.name,
                order=self.order_id.name or "",
                share=self.freight_share,
                cost=self.freight_cost,
            ),
            "quantity": sign,
            "price_unit": self.freight_customer,
            "tax_ids": [fields.Command.clear()],
        }


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    emergency_count = fields.Integer(compute="_compute_emergency_count")

    def _compute_emergency_count(self):
        assign_counts(self, "emergency_count", "vmi.emergency.request", "agreement_id")

    def action_new_emergency(self):
        """Button: a new emergency demand for this agreement."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Emergency Demand"),
            "res_model": "vmi.emergency.request",
            "view_mode": "form",
            "target": "current",
            "context": {"default_agreement_id": self.id},
        }

    def action_view_emergencies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_emergency_request")
        action["domain"] = [("agreement_id", "=", self.id)]
        action["context"] = {"default_agreement_id": self.id}
        return action


class VmiDemandPlanRevision(models.Model):
    _inherit = "vmi.demand.plan.revision"

    emergency_id = fields.Many2one("vmi.emergency.request", readonly=True, index=True)


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"  # pylint: disable=consider-merging-classes-inherited

    vmi_emergency_id = fields.Many2one(
        "vmi.emergency.request", string="Emergency", readonly=True, copy=False, index=True
    )
    vmi_short_notice = fields.Boolean(related="vmi_emergency_id.short_notice", string="Short Notice")

    def action_vmi_supplier_confirm(self, note=None, freight_cost=None, accept_short_notice=False):
        """An urgent proposal (an emergency) takes the rush freight cost
        (``freight_cost``, 0 without) and, when it came with less notice
        than agreed, the supplier's explicit ``accept_short_notice``."""
        emergencies = self.sudo().vmi_emergency_id
        if not emergencies:
            return super().action_vmi_supplier_confirm(note=note)
        cost = 0.0 if freight_cost in (None, False, "") else as_number(freight_cost)
        if cost is None or cost < 0:
            raise ValidationError(
                self.env._("The rush freight must be a number, 0 or more (%(value)r).", value=freight_cost)
            )
        short = emergencies.filtered("short_notice")
        if short and not accept_short_notice:
            raise UserError(
                self.env._(
                    "%(order)s is an emergency with %(hours)s h of notice, less than the agreed "
                    "%(agreed)s h: accept the short notice to confirm it, or decline it.",
                    order=", ".join(self.mapped("name")),
                    hours=round(short[0].notice_hours, 1),
                    agreed=short[0].agreement_id.emergency_notice_hours,
                )
            )
        result = super().action_vmi_supplier_confirm(note=note)
        emergencies._vmi_accept(cost)
        return result

    def action_vmi_supplier_adjust(self, quantities=None, date_planned=None, note=None):
        if self.sudo().vmi_emergency_id:
            raise UserError(
                self.env._("An emergency proposal is confirmed as requested or declined; it is not adjusted.")
            )
        return super().action_vmi_supplier_adjust(quantities=quantities, date_planned=date_planned, note=note)

    def action_vmi_supplier_decline(self, reason=None):
        emergencies = self.sudo().vmi_emergency_id
        result = super().action_vmi_supplier_decline(reason=reason)
        emergencies.write({"state": "declined"})
        return result

    def _vmi_proposal_reason(self, po_line, on_hand, incoming):
        """An urgent proposal says why: the raised demand against on hand
        and incoming (SPEC Q4)."""
        emergency = self.sudo().vmi_emergency_id
        if not emergency:
            return super()._vmi_proposal_reason(po_line, on_hand, incoming)
        number = self._vmi_number_formatter()
        return self.env._(
            "Emergency: the demand rose to %(raised)s by %(date)s (plan: %(planned)s); on hand %(on_hand)s + "
            "incoming %(incoming)s leave %(extra)s to send.",
            raised=number(emergency.qty_raised),
            date=fields.Datetime.to_string(emergency.date_needed),
            planned=number(emergency.qty_planned),
            on_hand=number(emergency.qty_on_hand),
            incoming=number(emergency.qty_incoming),
            extra=number(emergency.qty_extra),
        )


class VmiSettlement(models.Model):
    _inherit = "vmi.settlement"  # pylint: disable=consider-merging-classes-inherited

    vmi_emergency_ids = fields.One2many("vmi.emergency.request", "settlement_id", string="Rush Freight")

    def _create_bills(self):
        """Before the bills: each settlement takes its agreement's accepted
        emergencies whose customer's part of the rush freight is not billed
        yet (the agreement rows are locked by the settlement)."""
        requests = (
            self.env["vmi.emergency.request"]
            .sudo()
            .search(
                [
                    ("agreement_id", "in", self.agreement_id.ids),
                    ("state", "=", "accepted"),
                    ("settlement_id", "=", False),
                    ("freight_customer", ">", 0),
                ]
            )
        )
        by_agreement = {settlement.agreement_id.id: settlement for settlement in self.filtered("line_ids")}
        for request in requests:
            settlement = by_agreement.get(request.agreement_id.id)
            if settlement:
                request.settlement_id = settlement
        return super()._create_bills()

    def _prepare_bill(self, move_type):
        vals = super()._prepare_bill(move_type)
        sign = -1 if move_type == "in_refund" else 1
        for request in self.sudo().vmi_emergency_ids:
            vals["invoice_line_ids"].append(fields.Command.create(request._vmi_freight_bill_line(sign)))
        return vals
