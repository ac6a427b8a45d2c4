# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The figures of a VMI proposal, per line: what the review saw (on hand,
incoming, levels, monthly average), why it proposed that quantity, where the
current quantity leaves the levels, price and amount. One method builds them
for every view that shows a proposal (the supplier's portal page, the
buyer's form)."""

import functools

from odoo import api, models

from ..logic import rules


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    @api.model
    def _vmi_add_review_figures(self, order_vals, lines, stock, expected=None):
        """Write into the proposal values ``order_vals`` what the review saw
        for each line: ``stock`` is ``lines._get_quantities()``, ``expected``
        ``lines._vmi_expected_demand()``."""
        expected = expected or {}
        by_id = {line.id: line for line in lines}
        for command in order_vals.get("order_line", []):
            vals = command[2] if len(command) > 2 and isinstance(command[2], dict) else None
            line = vals and by_id.get(vals.get("vmi_agreement_line_id"))
            if not line:
                continue
            on_hand, incoming = stock.get(line.id, (0.0, 0.0))
            demand, usual, source, days = expected.get(line.id, (0.0, 0.0, False, 0))
            vals.update(
                {
                    "vmi_review_on_hand": on_hand,
                    "vmi_review_incoming": incoming,
                    "vmi_review_reorder_point": line.reorder_point,
                    "vmi_review_max_qty": line.max_qty,
                    "vmi_review_monthly_avg": line.consumption_monthly_avg,
                    "vmi_review_expected": demand,
                    "vmi_review_usual": usual,
                    "vmi_review_cover_days": days,
                    "vmi_review_demand_source": source,
                }
            )

    def _vmi_proposal_figures(self):
        """Figures of this proposal's lines, read by the portal page: a dict
        with ``lines`` (one dict per product line) and the order's totals.
        Proposals made before the review kept its figures show the agreement
        line's figures of today."""
        self.ensure_one()
        order = self.sudo()
        po_lines = order.order_line.filtered(lambda ln: not ln.display_type)
        without_review = po_lines.filtered(lambda ln: ln.vmi_agreement_line_id and not ln.vmi_review_max_qty)
        today = without_review.vmi_agreement_line_id._get_quantities() if without_review else {}
        rows = []
        for po_line in po_lines:
            agreement_line = po_line.vmi_agreement_line_id
            if po_line in without_review:
                on_hand, incoming = today.get(agreement_line.id, (0.0, 0.0))
                reorder_point, maximum = agreement_line.reorder_point, agreement_line.max_qty
                average = agreement_line.consumption_monthly_avg
            else:
                on_hand, incoming = po_line.vmi_review_on_hand, po_line.vmi_review_incoming
                reorder_point, maximum = po_line.vmi_review_reorder_point, po_line.vmi_review_max_qty
                average = po_line.vmi_review_monthly_avg
            has_levels = bool(agreement_line) and maximum > 0
            rows.append(
                {
                    "po_line": po_line,
                    "product": po_line.product_id.display_name,
                    "code": po_line.product_id.default_code or po_line.product_id.name,
                    "on_hand": on_hand,
                    "incoming": incoming,
                    "reorder_point": reorder_point,
                    "max_qty": maximum,
                    "average": average,
                    "proposed": po_line.vmi_proposed_qty,
                    "quantity": po_line.product_qty,
                    "received": po_line.qty_received,
                    "uom": po_line.product_uom.name,
                    "price_unit": po_line.price_unit,
                    "subtotal": po_line.price_subtotal,
                    "has_levels": has_levels,
                    "reason": has_levels and order._vmi_proposal_reason(po_line, on_hand, incoming) or "",
                    "warning": has_levels
                    and rules.level_warning(on_hand, incoming, po_line.product_qty, reorder_point, maximum),
                }
            )
        return {
            "lines": rows,
            "currency": order.currency_id,
            "amount_untaxed": order.amount_untaxed,
            "amount_tax": order.amount_tax,
            "amount_total": order.amount_total,
        }

    def _vmi_proposal_reason(self, po_line, on_hand, incoming):
        """Why the review proposed ``po_line``'s quantity, in the reader's
        language (the environment's)."""
        agreement_line = po_line.vmi_agreement_line_id
        number = functools.partial(self._vmi_number_formatter(), digits=3)
        reorder_point = po_line.vmi_review_reorder_point or agreement_line.reorder_point
        maximum = po_line.vmi_review_max_qty or agreement_line.max_qty
        proposed = po_line.vmi_proposed_qty
        if not proposed:
            return self.env._("Not proposed by the review: added to the order.")
        expected, usual = po_line.vmi_review_expected, po_line.vmi_review_usual
        code, position, shortfall = rules.reorder_reason(
            on_hand, incoming, reorder_point, maximum, agreement_line.pack_multiple, proposed, expected, usual
        )
        sources = dict(po_line._fields["vmi_review_demand_source"]._description_selection(self.env))
        values = {
            "on_hand": number(on_hand),
            "incoming": number(incoming),
            "position": number(position),
            "reorder_point": number(reorder_point),
            "maximum": number(maximum),
            "shortfall": number(shortfall),
            "proposed": number(proposed),
            "pack": number(agreement_line.pack_multiple),
            "expected": number(expected),
            "usual": number(usual),
            "extra": number(expected - usual),
            "moved": number(reorder_point + expected - usual),
            "days": po_line.vmi_review_cover_days,
            "origin": sources.get(po_line.vmi_review_demand_source, ""),
        }
        demand = rules.demand_reason(on_hand, incoming, reorder_point, maximum, expected, usual)
        if demand == rules.REASON_DEMAND:
            sentence = self.env._(
                "On hand %(on_hand)s + incoming %(incoming)s = %(position)s; %(expected)s are expected "
                "over the next %(days)s days (%(origin)s; usually %(usual)s), more than the levels hold: "
                "%(shortfall)s keeps the line at its reorder point of %(reorder_point)s until an order "
                "of the next review can arrive (past the maximum of %(maximum)s).",
                **values,
            )
        elif demand == rules.REASON_FORECAST:
            sentence = self.env._(
                "On hand %(on_hand)s + incoming %(incoming)s = %(position)s; the demand plan expects "
                "%(expected)s over the next %(days)s days, %(extra)s more than the usual %(usual)s: the "
                "reorder point of %(reorder_point)s moves to %(moved)s, and the line is below it: "
                "%(shortfall)s fills it up to the maximum of %(maximum)s.",
                **values,
            )
        else:
            sentence = self.env._(
                "On hand %(on_hand)s + incoming %(incoming)s = %(position)s, below the reorder point of "
                "%(reorder_point)s: %(shortfall)s fills it up to the maximum of %(maximum)s.",
                **values,
            )
        if code == rules.REASON_PACK_DOWN:
            sentence += " " + self.env._(
                "Rounded down to whole packs of %(pack)s: %(proposed)s, so as not to pass the maximum.",
                **values,
            )
        elif code == rules.REASON_PACK_UP:
            sentence += " " + self.env._(
                "Rounded up to whole packs of %(pack)s: %(proposed)s, to reach the reorder point.",
                **values,
            )
        return sentence
