# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models


class VmiConsumption(models.Model):
    """One consumption of supplier-owned stock: a move out of a VMI location.

    The moment a unit leaves the VMI location (to production, to a company
    location, to scrap), ownership passes to the company and a consumption row
    is written; a return into the VMI location writes a negative row. The
    monthly settlement bills these rows, each exactly once
    (``settlement_id``).
    """

    _name = "vmi.consumption"
    _description = "VMI Consumption"
    _order = "date desc, id desc"
    _check_company_auto = True

    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now, readonly=True)
    agreement_id = fields.Many2one(
        "vmi.agreement", required=True, index=True, readonly=True, ondelete="restrict"
    )
    agreement_line_id = fields.Many2one("vmi.agreement.line", index=True, readonly=True, ondelete="set null")
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="agreement_id.partner_id", store=True, index=True, string="Supplier")
    product_id = fields.Many2one("product.product", required=True, index=True, readonly=True)
    quantity = fields.Float(
        digits="Product Unit of Measure",
        required=True,
        readonly=True,
        help="Consumed quantity in the agreement line's unit; negative for a return.",
    )
    uom_id = fields.Many2one("uom.uom", string="Unit", required=True, readonly=True)
    price_unit = fields.Float(
        string="Agreed Price",
        digits="Product Price",
        readonly=True,
        help="Agreed price per unit when consumed.",
    )
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    amount = fields.Monetary(compute="_compute_amount", store=True)
    move_id = fields.Many2one("stock.move", readonly=True, index=True, ondelete="set null")
    move_line_id = fields.Many2one(
        "stock.move.line", readonly=True, index="btree_not_null", ondelete="set null"
    )
    location_dest_id = fields.Many2one("stock.location", string="Consumed To", readonly=True)
    origin = fields.Char(string="Source Document", readonly=True)
    is_return = fields.Boolean(readonly=True)
    is_count = fields.Boolean(
        string="Stock Count",
        readonly=True,
        help="Recorded by a stock count of the VMI location: a counted loss, or the reversal of "
        "unbilled counted losses by a later count.",
    )
    settlement_id = fields.Many2one(
        "vmi.settlement", readonly=True, index=True, copy=False, ondelete="restrict"
    )
    settlement_line_id = fields.Many2one(
        "vmi.settlement.line", readonly=True, copy=False, ondelete="restrict"
    )
    billed = fields.Boolean(compute="_compute_billed")

    _sql_constraints = [
        (
            "move_line_unique",
            "UNIQUE(move_line_id, is_return)",
            "A stock move line is recorded as consumption only once.",
        ),
    ]

    @api.depends("quantity", "price_unit")
    def _compute_amount(self):
        for rec in self:
            rec.amount = rec.quantity * rec.price_unit

    @api.depends("settlement_id")
    def _compute_billed(self):
        for rec in self:
            rec.billed = bool(rec.settlement_id)

    # ------------------------------------------------------------------
    # Settlement days: one fixed time zone per agreement
    # ------------------------------------------------------------------
    @api.model
    def _get_settlement_tz(self, agreement):
        """Time zone in which the settlement days of ``agreement`` are read:
        its company's (``company.partner_id.tz``), else its responsible
        user's, else UTC. Never the current user's: the cron runs as
        OdooBot, and every accountant must get the same cut-off."""
        agreement = agreement.sudo()
        name = agreement.company_id.partner_id.tz or agreement.user_id.tz or "UTC"
        try:
            return pytz.timezone(name)
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    @api.model
    def _get_settlement_today(self, agreement):
        """Today's date in the settlement time zone of ``agreement``."""
        now = pytz.utc.localize(fields.Datetime.now())
        return now.astimezone(self._get_settlement_tz(agreement)).date()

    @api.model
    def _get_settlement_date(self, agreement, value):
        """Date, in the settlement time zone of ``agreement``, of ``value`` (a
        naive UTC datetime such as ``date``)."""
        return pytz.utc.localize(value).astimezone(self._get_settlement_tz(agreement)).date()

    @api.model
    def _get_cutoff_end(self, cutoff, agreement):
        """End of the cut-off date ``cutoff`` (exclusive), as a naive UTC
        datetime to compare with ``date``: midnight after ``cutoff`` in the
        settlement time zone of ``agreement`` (``_get_settlement_tz``)."""
        tz = self._get_settlement_tz(agreement)
        end = tz.localize(datetime.combine(cutoff + timedelta(days=1), time.min))
        return end.astimezone(pytz.utc).replace(tzinfo=None)
