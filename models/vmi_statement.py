# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import timedelta

from odoo import models


class VmiSettlement(models.Model):
    """The statement's figures: one method that the PDF and the portal page
    both read."""

    # Extends this module's own model: the statement's figures (PDF and portal), one feature per file.
    _inherit = "vmi.settlement"  # pylint: disable=consider-merging-classes-inherited

    def _vmi_statement_figures(self):
        """What the statement explains, for one settlement:

        * ``stock``: per product of the agreement, the supplier-owned stock in
          the VMI location at the start of the period (``opening``), received
          from the supplier (``received``), consumed net of returns
          (``consumed``), and at the end of the period (``closing``), in the
          agreement line's unit;
        * ``rows``: the dated consumption records of the period (the transfer
          or manufacturing order, where to, quantity, agreed price, amount;
          returns negative);
        * ``extras``: the bill's other lines (name, amount): the customer's
          part of rush freight, an overstock discount;
        * ``untaxed``, ``tax``, ``total``: from the bill (0 without one).

        Stock is derived from today's supplier-owned quantity and the done
        moves into and out of the VMI location since: five grouped queries
        whatever the number of products."""
        self.ensure_one()
        settlement = self.sudo()
        agreement = settlement.agreement_id
        Consumption = self.env["vmi.consumption"].sudo()
        start = Consumption._get_cutoff_end(settlement.date_from - timedelta(days=1), agreement)
        end = Consumption._get_cutoff_end(settlement.date_to, agreement)
        lines = agreement.line_ids
        products = lines.product_id
        vmi = agreement.location_id

        def quantities(domain):
            """``{product id: quantity}`` of the done move lines of ``domain``."""
            if not vmi:
                return {}
            groups = (
                self.env["stock.move.line"]
                .sudo()
                ._read_group(
                    [("state", "=", "done"), ("product_id", "in", products.ids), *domain],
                    ["product_id"],
                    ["quantity_product_uom:sum"],
                )
            )
            return {product.id: qty for product, qty in groups}

        # Shelves of the VMI location carry it as ``vmi_location_id`` (stored).
        into = [
            ("location_dest_id.vmi_location_id", "=", vmi.id),
            ("location_id.vmi_location_id", "!=", vmi.id),
        ]
        out = [
            ("location_id.vmi_location_id", "=", vmi.id),
            ("location_dest_id.vmi_location_id", "!=", vmi.id),
        ]

        def net_flow(dates):
            """Net quantity into the VMI location per product over ``dates``."""
            result = defaultdict(float)
            for domain, sign in ((into, 1), (out, -1)):
                for product_id, qty in quantities(domain + dates).items():
                    result[product_id] += sign * qty
            return result

        in_period = [("date", ">=", start), ("date", "<", end)]
        after = net_flow([("date", ">=", end)])
        period = net_flow(in_period)
        received = quantities([*into, *in_period, ("location_id.usage", "=", "supplier")])
        consumed = defaultdict(float)
        for line, qty in Consumption._read_group(
            [("settlement_id", "=", settlement.id)], ["agreement_line_id"], ["quantity:sum"]
        ):
            consumed[line.id] += qty
        stock = []
        for line in lines:
            product = line.product_id

            def to_line(qty, line=line):
                return line.product_id.uom_id._compute_quantity(qty, line.product_uom_id, round=False)

            closing = line.qty_on_hand - to_line(after.get(product.id, 0.0))
            opening = closing - to_line(period.get(product.id, 0.0))
            if not any((opening, closing, received.get(product.id), consumed.get(line.id))):
                continue
            stock.append(
                {
                    "product": product,
                    "uom": line.product_uom_id,
                    "opening": opening,
                    "received": to_line(received.get(product.id, 0.0)),
                    "consumed": consumed.get(line.id, 0.0),
                    "closing": closing,
                }
            )
        rows = settlement.consumption_ids.sorted(lambda c: (c.date, c.id))
        bill = settlement.bill_id
        sign = -1 if bill.move_type == "in_refund" else 1
        # Bill lines that are not consumption (the customer's part of rush
        # freight, an overstock discount): shown under the consumption.
        extras = [
            {"name": line.name, "amount": sign * line.price_subtotal}
            for line in bill.invoice_line_ids
            if line.display_type == "product"
            and not (line.vmi_settlement_line_id and line.vmi_settlement_line_id.consumption_ids)
        ]
        return {
            "stock": stock,
            "rows": rows,
            "extras": extras,
            "untaxed": sign * bill.amount_untaxed if bill else settlement.amount_untaxed,
            "tax": sign * bill.amount_tax if bill else 0.0,
            "total": sign * bill.amount_total if bill else settlement.amount_untaxed,
        }
