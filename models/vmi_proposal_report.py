# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Replenishment analysis: the VMI proposals (purchase order lines of
orders with an agreement), one row per line, for the pivot and graph
views, as purchase's ``purchase.report`` does for all purchases.

The order's figures (the proposal count, its outcome counts, the supplier's
response time) are carried by its first line only, so that a sum (or an
average) over any grouping counts each proposal once."""

from odoo import fields, models
from odoo.tools import SQL

from .purchase_order import VMI_STATES

OUTCOMES = [
    ("open", "Open"),
    ("confirmed", "Confirmed as Proposed"),
    ("adjusted", "Adjusted"),
    ("declined", "Declined"),
]


class VmiProposalReport(models.Model):
    _name = "vmi.proposal.report"
    _description = "VMI Replenishment Analysis"
    _auto = False
    _rec_name = "order_id"
    _order = "date desc, id desc"
    # The view's sources, flushed before it is read.
    _depends = {
        "purchase.order": [
            "date_order",
            "vmi_agreement_id",
            "company_id",
            "partner_id",
            "user_id",
            "currency_id",
            "vmi_state",
            "vmi_emergency_id",
            "vmi_confirmed_date",
            "vmi_declined_date",
            "vmi_buyer_touches",
            "vmi_adjusted",
        ],
        "purchase.order.line": [
            "order_id",
            "product_id",
            "product_uom",
            "vmi_proposed_qty",
            "product_qty",
            "qty_received",
            "price_unit",
            "price_subtotal",
            "display_type",
        ],
    }

    date = fields.Datetime(string="Proposed On", readonly=True)
    date_answered = fields.Datetime(string="Answered On", readonly=True)
    order_id = fields.Many2one("purchase.order", string="Proposal", readonly=True)
    agreement_id = fields.Many2one("vmi.agreement", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Supplier", readonly=True)
    user_id = fields.Many2one("res.users", string="Buyer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    vmi_state = fields.Selection(
        VMI_STATES,
        string="VMI Status",
        readonly=True,
    )
    outcome = fields.Selection(OUTCOMES, readonly=True, help="How the supplier answered the proposal.")
    is_emergency = fields.Boolean(string="Emergency", readonly=True)
    auto_approved = fields.Boolean(
        string="Auto-approved",
        readonly=True,
        help="Approved on the supplier's answer, without waiting for the buyer.",
    )
    qty_proposed = fields.Float(digits="Product Unit of Measure", readonly=True)
    qty_confirmed = fields.Float(
        digits="Product Unit of Measure",
        readonly=True,
        help="The quantity of the approved proposals, as the supplier confirmed or adjusted it.",
    )
    qty_received = fields.Float(digits="Product Unit of Measure", readonly=True)
    amount_proposed = fields.Monetary(readonly=True, help="At the agreed price.")
    amount_confirmed = fields.Monetary(readonly=True, help="At the agreed price.")
    proposal_count = fields.Integer(string="Proposals", readonly=True)
    confirmed_count = fields.Integer(string="Confirmed as Proposed", readonly=True)
    adjusted_count = fields.Integer(string="Adjusted", readonly=True)
    declined_count = fields.Integer(string="Declined", readonly=True)
    auto_approved_count = fields.Integer(string="Auto-approved Proposals", readonly=True)
    emergency_count = fields.Integer(string="Emergencies", readonly=True)
    response_hours = fields.Float(
        string="Response Time (h)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Hours from the proposal to the supplier's answer (confirmation, adjustment or decline).",
    )

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._vmi_query(),
            )
        )

    def _vmi_query(self):
        return SQL(
            """
            WITH lines AS (
                SELECT l.id, l.order_id, l.product_id, l.product_uom AS product_uom_id,
                       l.vmi_proposed_qty, l.product_qty, l.qty_received, l.price_unit,
                       l.price_subtotal,
                       l.id = MIN(l.id) OVER (PARTITION BY l.order_id) AS first_line
                  FROM purchase_order_line l
                  JOIN purchase_order o ON o.id = l.order_id
                 WHERE o.vmi_agreement_id IS NOT NULL AND l.display_type IS NULL
            ), orders AS (
                SELECT o.id, o.date_order, o.vmi_agreement_id, o.company_id, o.partner_id,
                       o.user_id, o.currency_id, o.vmi_state, o.vmi_emergency_id,
                       COALESCE(o.vmi_confirmed_date, o.vmi_declined_date) AS date_answered,
                       o.vmi_state = 'approved' AND COALESCE(o.vmi_buyer_touches, 0) = 0
                           AS auto_approved, COALESCE(o.vmi_adjusted, FALSE) AS adjusted
                  FROM purchase_order o
                 WHERE o.vmi_agreement_id IS NOT NULL
            ), classified AS (
                SELECT lines.*, orders.date_order AS date, orders.date_answered,
                       orders.vmi_agreement_id AS agreement_id, orders.company_id,
                       orders.partner_id, orders.user_id, orders.currency_id, orders.vmi_state,
                       orders.vmi_emergency_id IS NOT NULL AS is_emergency, orders.auto_approved,
                       CASE WHEN orders.vmi_state = 'declined' THEN 'declined'
                            WHEN orders.vmi_state = 'approved' AND orders.adjusted THEN 'adjusted'
                            WHEN orders.vmi_state = 'approved' THEN 'confirmed'
                            ELSE 'open' END AS outcome
                  FROM lines JOIN orders ON orders.id = lines.order_id
            )
            SELECT id, order_id, date, date_answered, agreement_id, company_id, partner_id,
                   user_id, product_id, product_uom_id, currency_id, vmi_state, outcome,
                   is_emergency, auto_approved,
                   vmi_proposed_qty AS qty_proposed,
                   CASE WHEN vmi_state = 'approved' THEN product_qty ELSE 0 END AS qty_confirmed,
                   qty_received,
                   vmi_proposed_qty * price_unit AS amount_proposed,
                   CASE WHEN vmi_state = 'approved' THEN price_subtotal ELSE 0 END AS amount_confirmed,
                   first_line::int AS proposal_count,
                   (first_line AND outcome = 'confirmed')::int AS confirmed_count,
                   (first_line AND outcome = 'adjusted')::int AS adjusted_count,
                   (first_line AND outcome = 'declined')::int AS declined_count,
                   (first_line AND auto_approved)::int AS auto_approved_count,
                   (first_line AND is_emergency)::int AS emergency_count,
                   CASE WHEN first_line AND date_answered IS NOT NULL
                        THEN EXTRACT(EPOCH FROM date_answered - date) / 3600.0 END AS response_hours
              FROM classified
            """
        )
