# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo data's history: three months of the seed's agreement, played by
the module's own methods (receipts, consumption, reviews, answers, an
emergency, demand plans, settlements, an overstock case) in the order they
happen, each step then moved back to its day (``_demo_step``)."""

import contextlib
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# The tables whose new rows a step moves back to its day: every timestamp
# column of a row created during the step (see ``_demo_step``).
_DEMO_TABLES = (
    "stock_move",
    "stock_move_line",
    "stock_picking",
    "stock_valuation_layer",
    "vmi_consumption",
    "purchase_order",
    "purchase_order_line",
    "vmi_emergency_request",
    "vmi_demand_plan",
    "vmi_demand_plan_line",
    "vmi_demand_plan_revision",
    "vmi_settlement",
    "vmi_settlement_line",
    "vmi_notification",
    "account_move",
    "mail_message",
    "mail_tracking_value",
    "mail_activity",
    "mail_mail",
)

# The story of bearing 6205 (reorder point 50, maximum 100): ``(months ago,
# day, event, argument)``, in order. "use" consumes to production; "review"
# runs the reorder check; "confirm", "adjust" (a quantity change), "decline",
# "approve" answer the review's last proposal; "receive" receives it.
# Last month consumes 85 against a plan of 90 (SPEC step 5); this month's
# consumption leaves the seed's 45 pcs on hand (SPEC step 2).
_DEMO_6205 = (
    (3, 4, "use", 20),
    (3, 9, "use", 15),
    (3, 13, "use", 20),
    (3, 13, "review", None),
    (3, 13, "confirm", None),
    (3, 15, "receive", None),
    (3, 20, "use", 15),
    (3, 26, "use", 10),
    (2, 3, "use", 20),
    (2, 7, "use", 15),
    (2, 7, "review", None),
    (2, 8, "adjust", -5),  # within the 10 % tolerance: approved at once
    (2, 9, "receive", None),
    (2, 12, "emergency", 120),  # the month's plan of 80 raised to 120
    (2, 12, "rush", 320.0),  # confirmed with the rush freight, half of it on the next bill
    (2, 14, "receive", None),
    (2, 15, "use", 25),
    (2, 19, "use", 20),
    (2, 23, "use", 20),
    (2, 27, "use", 15),
    (2, 27, "review", None),
    (2, 27, "decline", "Our line is in maintenance until the 2nd: we propose again at the next review."),
    (1, 2, "review", None),
    (1, 2, "adjust", 20),  # a full pallet: beyond the tolerance, the buyer approves
    (1, 3, "approve", None),
    (1, 3, "use", 20),
    (1, 4, "receive", None),
    (1, 8, "use", 15),
    (1, 14, "use", 20),
    (1, 19, "use", 15),
    (1, 24, "use", 15),
    (1, 24, "review", None),
    (1, 24, "confirm", None),
    (1, 26, "receive", None),
)

# Bearing 6206 (maximum 80): 120 stocked, little used since: above its
# maximum for three months, the overstock case of the demo.
_DEMO_6206 = ((3, 10, 10), (3, 21, 10), (2, 16, 5), (1, 12, 5))

# Demand plans: (months ago of the period, months ago and day published,
# 6205, 6206, acknowledged by the supplier).
_DEMO_PLANS = ((2, 3, 3, 80, 10, True), (1, 2, 4, 90, 5, True), (0, 1, 4, 90, 5, False))


class VmiAgreement(models.Model):
    # Extends this module's own model: the demo data's history loader, kept apart from the agreement's logic.
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_load_history(self, agreement_xmlid, on_hand=45):
        """Demo data only: give the seed's agreement three months of real
        history, through the module's own methods (see the module's
        ``_DEMO_*`` story), and leave ``on_hand`` pcs of 6205 with the
        seed's open proposal. Sent at once, without jobs
        (``queue_job__no_delay``): the demo leaves no work pending."""
        agreement = self.env.ref(agreement_xmlid)
        if agreement.consumption_ids:
            return
        self = self.with_context(queue_job__no_delay=True)  # noqa: PLW0642
        agreement = agreement.with_env(self.env)
        first = fields.Date.context_today(self).replace(day=1)
        if agreement.state == "draft":
            agreement.date_start = first - relativedelta(months=3)
        if not agreement.location_id:
            agreement.action_create_location()
        if agreement.state == "draft":
            agreement.action_activate()
        story = _DemoStory(agreement, first)
        story.play(on_hand)

    @contextlib.contextmanager
    def _demo_step(self, when):
        """Demo data only: what the block creates happened at ``when`` (a
        naive UTC datetime): the timestamps of the rows it creates in
        ``_DEMO_TABLES`` move back by as much as ``when`` is before now
        (their creation at ``when`` exactly)."""
        cr = self.env.cr
        self.env.flush_all()
        marks = {}
        for table in _DEMO_TABLES:
            cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table)))
            marks[table] = cr.fetchone()[0]
        start = fields.Datetime.now()
        yield
        self.env.flush_all()
        delta = when - start
        for table, mark in marks.items():
            columns = [
                c for c in self._demo_timestamp_columns(table) if c not in ("create_date", "write_date")
            ]
            assignments = [SQL("create_date = %s", when), SQL("write_date = %s", when)]
            assignments += [SQL("%s = %s + %s", SQL.identifier(c), SQL.identifier(c), delta) for c in columns]
            cr.execute(
                SQL(
                    "UPDATE %s SET %s WHERE id > %s", SQL.identifier(table), SQL(", ").join(assignments), mark
                )
            )
        self.env.invalidate_all()

    @api.model
    def _demo_timestamp_columns(self, table):
        cache = self.env.cr.cache.setdefault("stock_vmi_demo_columns", {})
        if table not in cache:
            self.env.cr.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND data_type = 'timestamp without time zone'",
                (table,),
            )
            cache[table] = [row[0] for row in self.env.cr.fetchall()]
        return cache[table]

    @api.model
    def _demo_shift(self, records, columns, when):
        """Demo data only: ``columns`` of ``records`` (existing rows changed by
        a step) set to ``when``."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET %s WHERE id = ANY(%s)",
                SQL.identifier(records._table),
                SQL(", ").join(SQL("%s = %s", SQL.identifier(c), when) for c in columns),
                records.ids,
            )
        )
        records.invalidate_recordset()

    def _demo_move(self, product, qty, source, dest, owner=None, picking_type=None):
        move = self.env["stock.move"].create(
            {
                "name": product.display_name,
                "product_id": product.id,
                "product_uom_qty": qty,
                "product_uom": product.uom_id.id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "restrict_partner_id": owner.id if owner else False,
                "picking_type_id": picking_type.id if picking_type else False,
                "origin": "VMI demo history",
            }
        )
        move._action_confirm()
        move._action_assign()
        move.quantity = qty
        move.picked = True
        move._action_done()
        return move


class _DemoStory:
    """The demo's three months, played step by step (demo data only)."""

    def __init__(self, agreement, first):
        self.agreement = agreement
        self.env = agreement.env
        self.Agreement = self.env["vmi.agreement"]
        self.first = first
        self.now = fields.Datetime.now()
        self.lines = {line.product_id.default_code: line for line in agreement.line_ids}
        self.supplier = self.env.ref("stock_vmi.user_vmi_supplier")
        self.buyer = self.env.ref("stock_vmi.user_vmi_buyer")
        self.proposal = self.env["purchase.order"]
        self.plans = {}

    def at(self, months_ago, day, hour=10):
        return datetime.combine(self.first - relativedelta(months=months_ago), time(hour)) + timedelta(
            days=day - 1
        )

    def play(self, on_hand):
        # (months ago, day, rank, kind, argument): plans first, settlements last of their day.
        events = [(m, d, 0, "plan", (period, q5, q6, ack)) for period, m, d, q5, q6, ack in _DEMO_PLANS]
        events += [(m, d, 1, "use_6206", q) for m, d, q in _DEMO_6206]
        events += [(m, d, 2, kind, arg) for m, d, kind, arg in _DEMO_6205]
        events += [(m, 26, 3, "settle", m) for m in (3, 2)]
        with self.Agreement._demo_step(self.at(3, 1, 8)):
            self.receive_direct("6205", 100)
            self.receive_direct("6206", 120)
        # sorted() is stable: the events of one day keep the story's order, an hour apart.
        hours = {}
        for months_ago, day, _rank, kind, arg in sorted(events, key=lambda e: (-e[0], e[1], e[2])):
            hour = hours[months_ago, day] = hours.get((months_ago, day), 7) + 1
            when = self.at(months_ago, day, hour)
            with self.Agreement._demo_step(when):
                getattr(self, f"do_{kind}")(arg, when)
        self.finish(on_hand)

    # -- stock ---------------------------------------------------------------
    def receive_direct(self, code, qty):
        agreement = self.agreement
        self.Agreement._demo_move(
            self.lines[code].product_id,
            qty,
            self.env.ref("stock.stock_location_suppliers"),
            agreement.location_id,
            agreement.partner_id,
            agreement.warehouse_id.in_type_id,
        )

    def consume(self, code, qty):
        product = self.lines[code].product_id
        self.Agreement._demo_move(product, qty, self.agreement.location_id, product.property_stock_production)

    def do_use(self, qty, when):
        self.consume("6205", qty)

    def do_use_6206(self, qty, when):
        self.consume("6206", qty)

    def do_receive(self, _arg, when):
        pickings = self.proposal.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings._action_done()
        # Created with the proposal's confirmation, done today.
        self.Agreement._demo_shift(pickings, ["date_done"], when)
        self.Agreement._demo_shift(pickings.move_ids, ["date"], when)
        self.Agreement._demo_shift(pickings.move_ids.move_line_ids, ["date"], when)

    # -- proposals -----------------------------------------------------------
    def do_review(self, _arg, when):
        self.proposal = self.agreement._run_review()

    def do_confirm(self, _arg, when):
        self.proposal.with_user(self.supplier).action_vmi_supplier_confirm(note="Confirmed, ships tomorrow.")
        self.answered(when)

    def do_adjust(self, change, when):
        line = self.proposal.order_line[:1]
        self.proposal.with_user(self.supplier).action_vmi_supplier_adjust(
            quantities={line.id: line.product_qty + change},
            note="Full pallet." if change > 0 else "Short of five this week.",
        )
        self.answered(when)

    def do_decline(self, reason, when):
        self.proposal.with_user(self.supplier).action_vmi_supplier_decline(reason=reason)
        self.Agreement._demo_shift(self.proposal, ["vmi_declined_date"], when)

    def do_approve(self, _arg, when):
        self.proposal.with_user(self.buyer).action_vmi_buyer_approve()
        self.Agreement._demo_shift(self.proposal, ["date_approve"], when)

    def answered(self, when):
        self.Agreement._demo_shift(self.proposal, ["vmi_confirmed_date"], when)
        if self.proposal.date_approve:
            self.Agreement._demo_shift(self.proposal, ["date_approve"], when)

    def do_emergency(self, qty, when):
        line = self.lines["6205"]
        request = (
            self.env["vmi.emergency.request"]
            .with_user(self.buyer)
            .create(
                {
                    "agreement_id": self.agreement.id,
                    "agreement_line_id": line.id,
                    "qty_raised": qty,
                    "date_needed": fields.Datetime.now() + timedelta(hours=48),
                    "reason": "A new customer order: 150 more machines this month.",
                }
            )
        )
        request.action_request()
        self.raise_plan(request, self.plans[2], qty)
        self.proposal = request.order_id

    def do_rush(self, freight_cost, when):
        self.proposal.with_user(self.supplier).action_vmi_supplier_confirm(
            note="Rush shipment by express truck.", freight_cost=freight_cost
        )
        self.answered(when)
        self.Agreement._demo_shift(self.proposal.vmi_emergency_id, ["date_accepted"], when)

    def raise_plan(self, request, plan, qty):
        """The emergency raised its month's plan (the request, made now, finds
        no plan of the date needed: the plan of its month in the story)."""
        plan_line = plan.line_ids.filtered(lambda ln: ln.agreement_line_id == request.agreement_line_id)
        Revision = self.env["vmi.demand.plan.revision"]
        before = Revision.search([("plan_line_id", "=", plan_line.id)])
        request.sudo().write({"qty_planned": plan_line.quantity})
        plan_line.with_context(vmi_emergency_raise=True).write({"quantity": qty})
        (Revision.search([("plan_line_id", "=", plan_line.id)]) - before).write({"emergency_id": request.id})

    # -- plans and settlements -------------------------------------------------
    def do_plan(self, arg, when):
        period, qty_6205, qty_6206, acknowledge = arg
        plan = (
            self.env["vmi.demand.plan"]
            .with_user(self.buyer)
            .create(
                {
                    "agreement_id": self.agreement.id,
                    "date_from": self.first - relativedelta(months=period),
                    "line_ids": [
                        fields.Command.create(
                            {"agreement_line_id": self.lines[code].id, "quantity": qty, "quantity_next": qty}
                        )
                        for code, qty in (("6205", qty_6205), ("6206", qty_6206))
                    ],
                }
            )
        )
        plan.action_publish()
        if acknowledge:
            plan.with_user(self.supplier).action_acknowledge()
        self.plans[period] = plan

    def do_settle(self, months_ago, when):
        cutoff = (self.first - relativedelta(months=months_ago)).replace(day=self.agreement.settlement_day)
        settlements = self.env["vmi.settlement"]._settle_agreements(self.agreement, cutoff)
        settlements.with_user(self.supplier).action_supplier_approve()
        settlements.bill_id.action_post()

    def finish(self, on_hand):
        """This month: the consumption that leaves ``on_hand`` pcs of 6205, the
        review that proposes the seed's replenishment (left open for the
        supplier), and the daily overstock check (6206, above its maximum
        since the first day)."""
        line = self.lines["6205"]
        left = line._get_quantities()[line.id][0]
        if left < on_hand:
            raise ValueError(f"demo history: 6205 ends at {left}, below {on_hand}")
        when = max(self.now - timedelta(hours=1), datetime.combine(self.first, time(0, 30)))
        if left > on_hand:
            with self.Agreement._demo_step(when):
                self.consume("6205", left - on_hand)
        self.agreement._run_review()
        over = self.lines["6206"]
        # Above its maximum long enough for the check of last month to open
        # the case: opened then (the monthly review counts it), due 14 days on.
        since = self.at(2, 20, 8)
        self.Agreement._demo_shift(over, ["overstock_since"], since)
        Case = self.env["vmi.overstock.case"]
        Case._cron_check()
        case = Case.search(
            [("agreement_id", "=", self.agreement.id), ("product_id", "=", over.product_id.id)]
        )
        opened = since + timedelta(days=self.agreement.overstock_days)
        self.Agreement._demo_shift(case, ["date_opened"], opened)
        self.Agreement._demo_shift(case, ["since"], since)
        case.write(
            {"date_deadline": (opened + timedelta(days=self.agreement.overstock_deadline_days)).date()}
        )
