# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""VMI stock analysis: the supplier-owned stock of the VMI locations per
supplier, product and month, valued at the agreed price. One row per done
stock move line into or out of a VMI location carrying the supplier as
owner (received, returned into the location, consumed, returned to the
supplier), plus one row per supplier-owned quant (the stock on hand today,
dated now), as stock's ``stock.report`` views do for all stock."""

from odoo import fields, models
from odoo.tools import SQL

MOVEMENTS = [
    ("receipt", "Received from Supplier"),
    ("return_in", "Returned into VMI"),
    ("consumption", "Consumed"),
    ("return_out", "Returned to Supplier"),
    ("on_hand", "On Hand"),
]


class VmiStockReport(models.Model):
    _name = "vmi.stock.report"
    _description = "VMI Stock Analysis"
    _auto = False
    _order = "date desc, id desc"
    # The view's sources, flushed before it is read.
    _depends = {
        "stock.move.line": [
            "date",
            "state",
            "quantity_product_uom",
            "owner_id",
            "location_id",
            "location_dest_id",
            "product_id",
        ],
        "stock.location": ["usage", "vmi_location", "vmi_location_id"],
        "stock.quant": ["quantity", "owner_id", "location_id", "product_id"],
        "vmi.agreement.line": [
            "agreement_id",
            "company_id",
            "partner_id",
            "product_id",
            "product_uom_id",
            "location_id",
            "price_unit",
        ],
        "vmi.agreement": ["currency_id"],
        "uom.uom": ["factor"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["uom_id"],
    }

    date = fields.Datetime(readonly=True)
    movement = fields.Selection(MOVEMENTS, readonly=True)
    agreement_id = fields.Many2one("vmi.agreement", readonly=True)
    agreement_line_id = fields.Many2one("vmi.agreement.line", string="Agreement Product", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Supplier", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    location_id = fields.Many2one("stock.location", string="VMI Location", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    price_unit = fields.Float(string="Agreed Price", digits="Product Price", readonly=True, aggregator="max")
    qty_received = fields.Float(
        string="Received", digits="Product Unit of Measure", readonly=True, help="From the supplier."
    )
    qty_returned_in = fields.Float(
        string="Returned into VMI",
        digits="Product Unit of Measure",
        readonly=True,
        help="Consumption returned to the VMI location, and counted gains.",
    )
    qty_consumed = fields.Float(string="Consumed", digits="Product Unit of Measure", readonly=True)
    qty_returned_out = fields.Float(
        string="Returned to Supplier", digits="Product Unit of Measure", readonly=True
    )
    qty_net = fields.Float(
        string="Net Change",
        digits="Product Unit of Measure",
        readonly=True,
        help="What came in less what went out (the stock on hand rows excluded).",
    )
    qty_on_hand = fields.Float(string="On Hand", digits="Product Unit of Measure", readonly=True)
    value_consumed = fields.Monetary(readonly=True, help="At the agreed price.")
    value_on_hand = fields.Monetary(readonly=True, help="At the agreed price.")

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._vmi_query(),
            )
        )

    def _vmi_query(self):
        """Quantities in the agreement line's unit (the product's unit
        converted by the two factors), valued at its agreed price. Ids: the
        move line's twice (even), the quant's twice plus one (odd)."""
        return SQL(
            """
            WITH lines AS (
                SELECT al.id AS agreement_line_id, al.agreement_id, al.company_id, al.partner_id,
                       al.product_id, al.product_uom_id, al.location_id, al.price_unit, a.currency_id,
                       lu.factor / NULLIF(pu.factor, 0) AS ratio
                  FROM vmi_agreement_line al
                  JOIN vmi_agreement a ON a.id = al.agreement_id
                  JOIN product_product p ON p.id = al.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
                  JOIN uom_uom pu ON pu.id = t.uom_id
                  JOIN uom_uom lu ON lu.id = al.product_uom_id
                 WHERE al.location_id IS NOT NULL
            ), moves AS (
                SELECT ml.id * 2 AS id, ml.date, lines.*,
                       CASE WHEN dest.vmi_location AND src.usage = 'supplier' THEN 'receipt'
                            WHEN dest.vmi_location THEN 'return_in'
                            WHEN dest.usage = 'supplier' THEN 'return_out'
                            ELSE 'consumption' END AS movement,
                       CASE WHEN dest.vmi_location THEN 1 ELSE -1 END
                           * ml.quantity_product_uom * lines.ratio AS qty
                  FROM stock_move_line ml
                  JOIN stock_location src ON src.id = ml.location_id
                  JOIN stock_location dest ON dest.id = ml.location_dest_id
                  JOIN lines ON lines.product_id = ml.product_id
                            AND lines.partner_id = ml.owner_id
                            AND lines.location_id = COALESCE(dest.vmi_location_id, src.vmi_location_id)
                 WHERE ml.state = 'done'
                   AND COALESCE(src.vmi_location, FALSE) <> COALESCE(dest.vmi_location, FALSE)
            )
            SELECT id, date, movement, agreement_id, agreement_line_id, company_id,
                   partner_id, product_id, product_uom_id, location_id, currency_id, price_unit,
                   CASE WHEN movement = 'receipt' THEN qty ELSE 0 END AS qty_received,
                   CASE WHEN movement = 'return_in' THEN qty ELSE 0 END AS qty_returned_in,
                   CASE WHEN movement = 'consumption' THEN -qty ELSE 0 END AS qty_consumed,
                   CASE WHEN movement = 'return_out' THEN -qty ELSE 0 END AS qty_returned_out,
                   qty AS qty_net,
                   0 AS qty_on_hand,
                   CASE WHEN movement = 'consumption' THEN -qty * price_unit ELSE 0 END
                       AS value_consumed,
                   0 AS value_on_hand
              FROM moves
            UNION ALL
            SELECT q.id * 2 + 1, NOW() AT TIME ZONE 'UTC', 'on_hand', lines.agreement_id,
                   lines.agreement_line_id, lines.company_id, lines.partner_id, lines.product_id,
                   lines.product_uom_id, lines.location_id, lines.currency_id, lines.price_unit,
                   0, 0, 0, 0, 0,
                   q.quantity * lines.ratio,
                   0,
                   q.quantity * lines.ratio * lines.price_unit
              FROM stock_quant q
              JOIN stock_location loc ON loc.id = q.location_id
              JOIN lines ON lines.product_id = q.product_id
                        AND lines.partner_id = q.owner_id
                        AND lines.location_id = loc.vmi_location_id
            """
        )
