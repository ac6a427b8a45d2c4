# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The monthly VMI review (SPEC step 5): plan against reality, per agreement
and month. One method builds its figures (``_vmi_review_figures``); the
PDF, the XLSX, the statement's e-mail, the portal and the agreement's KPI
panel read it. The rules are in ``logic/review.py``."""

from collections import defaultdict
from datetime import datetime, timedelta

from odoo import api, fields, models

from ..logic import demand
from ..logic import review as rv

REVIEW_REPORT = "stock_vmi.action_report_vmi_review_settlement"


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    send_review_with_statement = fields.Boolean(
        string="Send the Monthly Review with the Statement",
        help="The statement's e-mail to the supplier carries the monthly VMI review (PDF) of its "
        "period, in the supplier's language.",
    )
    vmi_kpi_month = fields.Char(string="Review Month", compute="_compute_vmi_kpis")
    vmi_kpi_accuracy = fields.Float(
        string="Forecast Accuracy (%)", compute="_compute_vmi_kpis", digits=(16, 1)
    )
    vmi_kpi_stockout_days = fields.Integer(string="Stock-out Days", compute="_compute_vmi_kpis")
    vmi_kpi_turnover = fields.Float(string="Turnover", compute="_compute_vmi_kpis", digits=(16, 2))
    vmi_kpi_auto_share = fields.Float(string="Auto-approved (%)", compute="_compute_vmi_kpis", digits=(16, 1))
    vmi_kpi_touches = fields.Float(
        string="Manual Touches per Proposal", compute="_compute_vmi_kpis", digits=(16, 2)
    )
    vmi_kpi_untouched_share = fields.Float(
        string="Proposals without Touches (%)", compute="_compute_vmi_kpis", digits=(16, 1)
    )

    @api.model
    def _vmi_last_month(self, today=None):
        """``(first day, last day)`` of the calendar month before ``today``."""
        today = today or fields.Date.context_today(self)
        return demand.period_bounds(today.replace(day=1) - timedelta(days=1), demand.MONTH)

    def _compute_vmi_kpis(self):
        """Last month's figures of the review (``_vmi_review_figures``), for
        the agreement's form: one review per agreement shown."""
        first, last = self._vmi_last_month()
        for agreement in self:
            if not agreement.id or not agreement.location_id:
                agreement.update(
                    {
                        "vmi_kpi_month": False,
                        "vmi_kpi_accuracy": 0.0,
                        "vmi_kpi_stockout_days": 0,
                        "vmi_kpi_turnover": 0.0,
                        "vmi_kpi_auto_share": 0.0,
                        "vmi_kpi_touches": 0.0,
                        "vmi_kpi_untouched_share": 0.0,
                    }
                )
                continue
            figures = agreement._vmi_review_figures(first, last)
            totals, proposals = figures["totals"], figures["proposals"]
            agreement.update(
                {
                    "vmi_kpi_month": demand.period_label(first, demand.MONTH),
                    "vmi_kpi_accuracy": totals["accuracy"] or 0.0,
                    "vmi_kpi_stockout_days": totals["stockout_days"],
                    "vmi_kpi_turnover": totals["turnover"] or 0.0,
                    "vmi_kpi_auto_share": proposals["auto_share"] or 0.0,
                    "vmi_kpi_touches": proposals["touches_per_proposal"] or 0.0,
                    "vmi_kpi_untouched_share": proposals["untouched_share"] or 0.0,
                }
            )

    def action_vmi_review_wizard(self):
        """Print the monthly review of a month chosen in a small wizard."""
        self.ensure_one()
        first, _last = self._vmi_last_month()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Monthly VMI Review"),
            "res_model": "vmi.review.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_agreement_id": self.id, "default_month": first},
        }

    # ------------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------------
    def _vmi_review_figures(self, date_from, date_to):
        """The monthly review of this agreement from ``date_from`` to
        ``date_to`` (dates, both included, read in the agreement's settlement
        time zone). A dict:

        * ``lines``: per product (a dict each): ``consumed``, ``planned``
          (the published demand plan's quantity of the period, ``None``
          without a plan covering it), ``bias``, ``bias_pct``, ``accuracy``;
          the supplier-owned stock ``opening``, ``closing``, ``series`` (its
          closing of each day), ``average_stock``, ``stockout_days`` (at 0
          while there was demand), ``below_rop_days``, ``turnover``,
          ``cover_days``; at the agreed price ``consigned_value`` (closing),
          ``average_value``, and the company-owned stock of the product today
          (``company_qty``, ``company_value``); ``over_units``, ``over_days``
          (above the maximum); ``advice`` (the level advice, or ``None``);
          ``chart`` (SVG markup);
        * ``totals``: the same summed (accuracy and bias weighed by plan,
          turnover and cover at value);
        * ``overstock``, ``proposals``, ``emergencies``, ``billed``: dicts of
          counts, shares (%) and amounts (see the README).

        Read as superuser once the user may read the agreement (the supplier
        reads its own). A fixed number of queries whatever the number of
        products and days."""
        self.ensure_one()
        self.check_access("read")
        agreement = self.sudo()
        Consumption = self.env["vmi.consumption"].sudo()
        tz = Consumption._get_settlement_tz(agreement)
        start = Consumption._get_cutoff_end(date_from - timedelta(days=1), agreement)
        end = Consumption._get_cutoff_end(date_to, agreement)
        days = rv.days_between(date_from, date_to)
        lines = agreement.line_ids
        lines.fetch(["product_id", "product_uom_id", "reorder_point", "max_qty", "price_unit"])
        quantities = lines._get_quantities()
        into, out = agreement._vmi_review_daily_flows(lines, start, tz.zone)
        consumed = {
            line.id: qty
            for line, qty in Consumption._read_group(
                [
                    ("agreement_id", "=", agreement.id),
                    ("date", ">=", start),
                    ("date", "<", end),
                ],
                ["agreement_line_id"],
                ["quantity:sum"],
            )
        }
        periods = lines._vmi_plan_periods(date_from, date_to)
        usual = lines._vmi_usual_daily_demand(date_from - timedelta(days=1))
        company_qty = agreement._vmi_review_company_stock(lines)
        # For the period that follows the month reviewed, from the 90 days up to its end.
        advice = lines._vmi_level_advice(today=date_to + timedelta(days=1))
        labels = [day.strftime("%m-%d") for day in days]
        rows = []
        for line in lines:
            product = line.product_id
            to_line = product.uom_id._compute_quantity

            def line_qty(qty, line=line, to_line=to_line):
                return to_line(qty, line.product_uom_id, round=False)

            net = defaultdict(float)
            for day, qty in into.get(product.id, {}).items():
                net[day] += line_qty(qty)
            drawn = out.get(product.id, {})
            for day, qty in drawn.items():
                net[day] -= line_qty(qty)
            opening, closings = rv.daily_closing(quantities[line.id][0], net, date_from, date_to)
            planned_daily = demand.planned_daily_demand(periods.get(line.id, []), date_from, len(days))
            wanted = [
                max(planned or 0.0, usual.get(line.id, 0.0), drawn.get(day, 0.0))
                for day, planned in zip(days, planned_daily, strict=True)
            ]
            planned = demand.planned_demand_between(periods.get(line.id, []), date_from, date_to)
            used = consumed.get(line.id, 0.0)
            average_stock = rv.average(closings)
            price = line.price_unit
            rows.append(
                {
                    "line": line,
                    "product": product,
                    "code": product.default_code or "",
                    "name": product.display_name,
                    "uom": line.product_uom_id.name,
                    "reorder_point": line.reorder_point,
                    "max_qty": line.max_qty,
                    "price": price,
                    "consumed": used,
                    "planned": planned,
                    "bias": rv.forecast_bias(used, planned) if planned is not None else None,
                    "bias_pct": rv.forecast_bias_pct(used, planned),
                    "accuracy": rv.forecast_accuracy(used, planned),
                    "opening": opening,
                    "closing": closings[-1] if closings else opening,
                    "series": closings,
                    "average_stock": average_stock,
                    "stockout_days": rv.low_days(opening, closings, 0.0, wanted, strict=False),
                    "below_rop_days": rv.low_days(opening, closings, line.reorder_point, wanted),
                    "turnover": rv.turnover(used, average_stock),
                    "cover_days": rv.days_of_cover(average_stock, used, len(days)),
                    "consigned_value": (closings[-1] if closings else opening) * price,
                    "average_value": average_stock * price,
                    "company_qty": line_qty(company_qty.get(product.id, 0.0)),
                    "company_value": line_qty(company_qty.get(product.id, 0.0)) * price,
                    "over_units": max(0.0, (closings[-1] if closings else opening) - line.max_qty),
                    "over_days": rv.over_days(closings, line.max_qty),
                    "advice": advice.get(line.id),
                    "chart": rv.stock_chart_svg(closings, line.reorder_point, line.max_qty, labels),
                }
            )
        return {
            "agreement": agreement,
            "date_from": date_from,
            "date_to": date_to,
            "days": len(days),
            "labels": labels,
            "currency": agreement.currency_id,
            "lines": rows,
            "totals": self._vmi_review_totals(rows, len(days)),
            "overstock": agreement._vmi_review_overstock(rows, start, end),
            "proposals": agreement._vmi_review_proposals(start, end),
            "emergencies": agreement._vmi_review_emergencies(start, end),
            "billed": agreement._vmi_review_billed(date_from, date_to),
        }

    @api.model
    def _vmi_review_totals(self, rows, days):
        """The products' figures added up (``_vmi_review_figures``)."""
        planned_rows = [r for r in rows if r["planned"] is not None]
        consumed = sum(r["consumed"] for r in rows)
        planned = sum(r["planned"] for r in planned_rows) if planned_rows else None
        consumed_planned = sum(r["consumed"] for r in planned_rows)
        average_value = sum(r["average_value"] for r in rows)
        consumed_value = sum(r["consumed"] * r["price"] for r in rows)
        return {
            "consumed": consumed,
            "planned": planned,
            "bias": rv.forecast_bias(consumed_planned, planned) if planned is not None else None,
            "bias_pct": rv.forecast_bias_pct(consumed_planned, planned),
            "accuracy": rv.total_accuracy([(r["consumed"], r["planned"]) for r in planned_rows]),
            "stockout_days": sum(r["stockout_days"] for r in rows),
            "below_rop_days": sum(r["below_rop_days"] for r in rows),
            "average_value": average_value,
            "consigned_value": sum(r["consigned_value"] for r in rows),
            "company_value": sum(r["company_value"] for r in rows),
            "turnover": rv.turnover(consumed_value, average_value),
            "cover_days": rv.days_of_cover(average_value, consumed_value, days),
            "over_units": sum(r["over_units"] for r in rows),
            "over_days": sum(r["over_days"] for r in rows),
        }

    def _vmi_review_daily_flows(self, lines, start, tz_name):
        """``(into, out)``: ``{product id: {date: quantity}}`` of the done
        moves of this agreement's supplier-owned stock into and out of its VMI
        location (shelves included), per day (in time zone ``tz_name``) from
        ``start`` (a naive UTC datetime) until now, in the products' units.
        Two grouped queries."""
        self.ensure_one()
        vmi = self.location_id
        if not vmi or not lines:
            return {}, {}
        MoveLine = self.env["stock.move.line"].sudo().with_context(tz=tz_name)
        base = [
            ("state", "=", "done"),
            ("product_id", "in", lines.product_id.ids),
            ("owner_id.commercial_partner_id", "=", self.partner_id.commercial_partner_id.id),
            ("date", ">=", start),
        ]
        flows = []
        for domain in (
            [
                ("location_dest_id.vmi_location_id", "=", vmi.id),
                ("location_id.vmi_location_id", "!=", vmi.id),
            ],
            [
                ("location_id.vmi_location_id", "=", vmi.id),
                ("location_dest_id.vmi_location_id", "!=", vmi.id),
            ],
        ):
            by_product = defaultdict(lambda: defaultdict(float))
            for product, day, qty in MoveLine._read_group(
                base + domain, ["product_id", "date:day"], ["quantity_product_uom:sum"]
            ):
                day = day.date() if isinstance(day, datetime) else day
                by_product[product.id][day] += qty
            flows.append(by_product)
        return flows[0], flows[1]

    def _vmi_review_company_stock(self, lines):
        """``{product id: quantity}`` the company owns today of these lines'
        products in its internal locations (no owner), in the products'
        units. One grouped query."""
        self.ensure_one()
        return {
            product.id: qty
            for product, qty in self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", lines.product_id.ids),
                    ("company_id", "=", self.company_id.id),
                    ("location_id.usage", "=", "internal"),
                    ("owner_id", "=", False),
                ],
                ["product_id"],
                ["quantity:sum"],
            )
        }

    def _vmi_review_overstock(self, rows, start, end):
        """Overstock of the period: the units above the maximum at its end
        and the days above it (from the daily stock), the cases opened in the
        period and those still open. One grouped query."""
        self.ensure_one()
        cases = (
            self.env["vmi.overstock.case"]
            .sudo()
            .search_fetch(
                [("agreement_id", "=", self.id), ("date_opened", "<", end)], ["state", "date_opened"]
            )
        )
        opened = len(cases.filtered(lambda c: c.date_opened and c.date_opened >= start))
        still_open = len(cases.filtered(lambda c: c.state in ("open", "proposed")))
        return {
            "units": sum(r["over_units"] for r in rows),
            "value": sum(r["over_units"] * r["price"] for r in rows),
            "days": sum(r["over_days"] for r in rows),
            "opened": opened,
            "open_cases": still_open,
        }

    def _vmi_review_proposals(self, start, end):
        """The replenishment proposals made in the period (``date_order``,
        the day the review proposed it): count, the
        supplier's mean response time (hours from the proposal to its
        confirmation, adjustment or decline), the shares (%) approved without any
        buyer action, adjusted by the supplier, declined, and the buyer's
        manual touches (``purchase.order.vmi_buyer_touches``): in all, per
        proposal, and the share of proposals that needed none. One query."""
        self.ensure_one()
        orders = (
            self.env["purchase.order"]
            .sudo()
            .search_fetch(
                [("vmi_agreement_id", "=", self.id), ("date_order", ">=", start), ("date_order", "<", end)],
                [
                    "vmi_state",
                    "date_order",
                    "vmi_confirmed_date",
                    "vmi_declined_date",
                    "vmi_buyer_touches",
                    "vmi_adjusted",
                ],
            )
        )
        count = len(orders)
        hours = [
            ((o.vmi_confirmed_date or o.vmi_declined_date) - o.date_order).total_seconds() / 3600.0
            for o in orders
            if o.vmi_confirmed_date or o.vmi_declined_date
        ]
        # The replenishment analysis (vmi.proposal.report) counts them alike.
        auto = len(orders.filtered(lambda o: o.vmi_state == "approved" and not o.vmi_buyer_touches))
        adjusted = len(orders.filtered("vmi_adjusted"))
        declined = len(orders.filtered(lambda o: o.vmi_state == "declined"))
        touches = sum(orders.mapped("vmi_buyer_touches"))
        untouched = len(orders.filtered(lambda o: not o.vmi_buyer_touches))
        return {
            "count": count,
            "response_hours": rv.average(hours) if hours else None,
            "auto_approved": auto,
            "auto_share": rv.share(auto, count),
            "adjusted": adjusted,
            "adjusted_share": rv.share(adjusted, count),
            "declined": declined,
            "declined_share": rv.share(declined, count),
            "touches": touches,
            "touches_per_proposal": touches / count if count else None,
            "untouched": untouched,
            "untouched_share": rv.share(untouched, count),
        }

    def _vmi_review_emergencies(self, start, end):
        """Emergency requests made in the period: how many, how they ended,
        the rush freight and each side's part of it. One query."""
        self.ensure_one()
        requests = (
            self.env["vmi.emergency.request"]
            .sudo()
            .search_fetch(
                [
                    ("agreement_id", "=", self.id),
                    ("date_requested", ">=", start),
                    ("date_requested", "<", end),
                    ("state", "not in", ("draft", "cancelled")),
                ],
                ["state", "freight_cost", "freight_customer", "freight_supplier"],
            )
        )
        freight = sum(requests.mapped("freight_cost"))
        customer = sum(requests.mapped("freight_customer"))
        return {
            "count": len(requests),
            "accepted": len(requests.filtered(lambda r: r.state == "accepted")),
            "covered": len(requests.filtered(lambda r: r.state == "covered")),
            "declined": len(requests.filtered(lambda r: r.state == "declined")),
            "freight": freight,
            "freight_customer": customer,
            "freight_supplier": sum(requests.mapped("freight_supplier")),
            "customer_share": rv.share(customer, freight),
        }

    def _vmi_review_billed(self, date_from, date_to):
        """What the settlements whose cut-off falls in the period billed
        (before taxes), and their names. One query."""
        self.ensure_one()
        settlements = (
            self.env["vmi.settlement"]
            .sudo()
            .search_fetch(
                [("agreement_id", "=", self.id), ("date_to", ">=", date_from), ("date_to", "<=", date_to)],
                ["name", "amount_untaxed"],
            )
        )
        return {"amount": sum(settlements.mapped("amount_untaxed")), "names": settlements.mapped("name")}


class VmiSettlement(models.Model):
    _inherit = "vmi.settlement"  # pylint: disable=consider-merging-classes-inherited

    def _vmi_review_figures(self):
        """The monthly review of this statement's agreement and period."""
        self.ensure_one()
        self.check_access("read")
        return self.sudo().agreement_id._vmi_review_figures(self.date_from, self.date_to)

    def _vmi_review_pdf_attachment(self):
        """The review (PDF) of this statement in its supplier's language, as
        an attachment for the statement's e-mail."""
        self.ensure_one()
        settlement = self.sudo().with_context(lang=self.partner_id.lang or self.env.lang)
        pdf, _type = (
            self.env["ir.actions.report"]
            .sudo()
            .with_context(lang=settlement.env.context["lang"])
            ._render_qweb_pdf(REVIEW_REPORT, settlement.ids)
        )
        name = settlement.env._("VMI Review %s.pdf", settlement.name.replace("/", "-"))
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )
        )

    def _vmi_send_statement(self):
        """Statements of agreements that ask for it carry the monthly review
        (PDF, in the supplier's language): their e-mail is composed one by
        one, with its own attachment; the others go in one batch as before."""
        with_review = self.filtered(lambda s: s.sudo().agreement_id.send_review_with_statement)
        super(VmiSettlement, self - with_review)._vmi_send_statement()
        if not with_review:
            return
        template = self.env.ref("stock_vmi.mail_template_vmi_statement", raise_if_not_found=False)
        if not template:
            return
        for settlement in with_review.sudo():
            attachment = settlement._vmi_review_pdf_attachment()
            settlement._vmi_subscribe_suppliers()
            settlement.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=[fields.Command.set(attachment.ids)],
            )
            # The composer posts a copy of it: the draft left on the composer goes.
            attachment.exists().filtered(lambda a: a.res_model == "mail.compose.message").unlink()
