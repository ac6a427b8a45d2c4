# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round

from ..logic import rules
from ..logic.arguments import as_number


class VmiAgreementLine(models.Model):
    """One product of a VMI agreement, with its agreed levels and price."""

    _name = "vmi.agreement.line"
    _description = "VMI Agreement Line"
    _order = "agreement_id, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    agreement_id = fields.Many2one("vmi.agreement", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="agreement_id.partner_id", store=True, index=True)
    location_id = fields.Many2one(related="agreement_id.location_id", store=True)
    state = fields.Selection(related="agreement_id.state", store=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    product_uom_category_id = fields.Many2one(related="product_id.uom_id.category_id")
    product_uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        required=True,
        compute="_compute_product_uom_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('category_id', '=', product_uom_category_id)]",
    )
    reorder_point = fields.Float(
        digits="Product Unit of Measure",
        required=True,
        help="Replenish when the stock position falls below this quantity (SPEC: 50).",
    )
    max_qty = fields.Float(
        string="Maximum",
        digits="Product Unit of Measure",
        required=True,
        help="Replenishment fills the stock position up to this quantity (SPEC: 100).",
    )
    pack_multiple = fields.Float(
        digits="Product Unit of Measure",
        default=1.0,
        required=True,
        help="Proposals are rounded to a multiple of this quantity.",
    )
    price_unit = fields.Float(string="Agreed Price", digits="Product Price", required=True, default=0.0)
    qty_on_hand = fields.Float(
        string="On Hand",
        compute="_compute_quantities",
        compute_sudo=True,
        digits="Product Unit of Measure",
        help="Supplier-owned quantity in the VMI location, in the line's unit.",
    )
    qty_incoming = fields.Float(
        string="Incoming",
        compute="_compute_quantities",
        compute_sudo=True,
        digits="Product Unit of Measure",
        help="Confirmed replenishments not yet received, in the line's unit.",
    )
    consumption_3m = fields.Float(
        string="Consumed (3 months)",
        compute="_compute_consumption",
        compute_sudo=True,
        digits="Product Unit of Measure",
    )
    consumption_monthly_avg = fields.Float(
        string="Monthly Average",
        compute="_compute_consumption",
        compute_sudo=True,
        digits="Product Unit of Measure",
    )
    stock_status = fields.Selection(
        [
            (rules.STATUS_BELOW, "Below reorder point"),
            (rules.STATUS_COVERED, "Covered by incoming"),
            (rules.STATUS_OK, "OK"),
            (rules.STATUS_ABOVE, "Above maximum"),
        ],
        compute="_compute_stock_status",
        compute_sudo=True,
        store=True,
        index=True,
        help="Below reorder point: on hand and incoming together are below it (nothing on its way "
        "covers the line). Covered by incoming: on hand is below it, but what is on its way brings "
        "it back. Above maximum: more on hand than the maximum. Stored, so that lines can be "
        "filtered and grouped by it: stock moves into and out of the VMI location refresh it.",
    )

    # The stock figures are computed as superuser (``compute_sudo``): they are
    # shared with the supplier's portal users (SPEC step 2), who may read the
    # agreement line but not the products, quants or moves behind it.

    # Levels and price are checked in Python (``_check_levels``): an SQL CHECK
    # would refuse the INSERT before the clear message naming the product. The
    # UNIQUE constraint stays as the database's guarantee that the owner and
    # price of every unit in a VMI location are known (concurrent edits);
    # ``create`` and ``write`` give the clear message first.
    _sql_constraints = [
        (
            "product_unique",
            "UNIQUE(agreement_id, product_id)",
            "A product can appear only once in an agreement.",
        ),
    ]

    # Levels an integrator sends over RPC: numbers only (NaN or infinity
    # would otherwise fail deep in the field's rounding).
    _LEVEL_FIELDS = ("reorder_point", "max_qty", "pack_multiple", "price_unit")

    @api.model
    def _check_level_values(self, vals):
        for fname in self._LEVEL_FIELDS:
            value = vals.get(fname, 0.0)
            if value is not False and as_number(value) is None:
                raise ValidationError(
                    self.env._(
                        "Reorder point, maximum, pack multiple and agreed price must be numbers "
                        "(%(field)s: %(value)r).",
                        field=self._fields[fname].get_description(self.env)["string"],
                        value=value,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_level_values(vals)
        self._check_duplicate_products(
            [(vals.get("agreement_id"), vals.get("product_id")) for vals in vals_list]
        )
        return super().create(vals_list)

    def write(self, vals):
        self._check_level_values(vals)
        if "product_id" in vals or "agreement_id" in vals:
            self._check_duplicate_products(
                [
                    (
                        vals.get("agreement_id", line.agreement_id.id),
                        vals.get("product_id", line.product_id.id),
                    )
                    for line in self
                ],
                exclude_ids=self.ids,
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_supplier_stock(self):
        """A product whose supplier still owns stock in the VMI location stays
        in the agreement: its consumption must keep being recorded and billed."""
        in_force = self.filtered(lambda ln: ln.agreement_id.state != "draft")
        for line in in_force:
            if line.qty_on_hand:
                raise UserError(
                    self.env._(
                        "%(product)s cannot be removed from %(agreement)s: the supplier still owns "
                        "%(qty)s of it in the VMI location.",
                        product=line.product_id.display_name,
                        agreement=line.agreement_id.name,
                        qty=line.qty_on_hand,
                    )
                )

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            if not line.product_uom_id or (
                line.product_id and line.product_uom_id.category_id != line.product_id.uom_id.category_id
            ):
                line.product_uom_id = line.product_id.uom_po_id or line.product_id.uom_id

    # ------------------------------------------------------------------
    # Constraints: a clear message naming the product
    # ------------------------------------------------------------------
    def _check_duplicate_products(self, keys, exclude_ids=()):
        """Refuse a product twice in one agreement, before the database does
        (its UNIQUE constraint would only give a generic message).

        ``keys`` are the ``(agreement id, product id)`` pairs being written;
        ``exclude_ids`` the lines being changed. One query in all.
        """
        keys = [
            (agreement_id, product_id) for agreement_id, product_id in keys if agreement_id and product_id
        ]
        if not keys:
            return
        seen = set()
        duplicates = {key for key in keys if key in seen or seen.add(key)}
        existing = self.sudo().search_fetch(
            [
                ("agreement_id", "in", list({key[0] for key in keys})),
                ("product_id", "in", list({key[1] for key in keys})),
                ("id", "not in", list(exclude_ids)),
            ],
            ["agreement_id", "product_id"],
        )
        duplicates |= {(line.agreement_id.id, line.product_id.id) for line in existing} & seen
        if duplicates:
            agreement_id, product_id = min(duplicates)
            raise ValidationError(
                self.env._(
                    "%(product)s appears more than once in agreement %(agreement)s: "
                    "a product can appear only once in an agreement.",
                    product=self.env["product.product"].browse(product_id).display_name,
                    agreement=self.env["vmi.agreement"].browse(agreement_id).name,
                )
            )

    @api.constrains("reorder_point", "max_qty", "pack_multiple", "price_unit")
    def _check_levels(self):
        for line in self:
            name = line.product_id.display_name
            if min(line.reorder_point, line.max_qty, line.price_unit) < 0:
                raise ValidationError(
                    self.env._("%s: reorder point, maximum and agreed price cannot be negative.", name)
                )
            if line.max_qty <= 0:
                raise ValidationError(self.env._("%s: the maximum must be greater than zero.", name))
            if line.reorder_point > line.max_qty:
                raise ValidationError(
                    self.env._(
                        "%(product)s: the reorder point (%(min)s) cannot be above the maximum (%(max)s).",
                        product=name,
                        min=line.reorder_point,
                        max=line.max_qty,
                    )
                )
            if line.pack_multiple <= 0:
                raise ValidationError(self.env._("%s: the pack multiple must be greater than zero.", name))

    @api.constrains("product_id")
    def _check_product(self):
        for line in self:
            product = line.product_id
            if not product.is_storable:
                raise ValidationError(
                    self.env._(
                        "%s is not a storable product: only tracked stock can be managed by the supplier.",
                        product.display_name,
                    )
                )
            if not product.active:
                raise ValidationError(
                    self.env._("%s is archived and cannot be added to an agreement.", product.display_name)
                )

    @api.constrains("product_id", "agreement_id")
    def _check_unique_active_product(self):
        """A product may be in only one active agreement per VMI location, so
        that the owner of every unit in that location is known."""
        lines = self.filtered(lambda ln: ln.agreement_id.state == "active" and ln.agreement_id.location_id)
        if not lines:
            return
        others = self.sudo().search_fetch(
            [
                ("state", "=", "active"),
                ("location_id", "in", lines.agreement_id.location_id.ids),
                ("product_id", "in", lines.product_id.ids),
            ],
            ["location_id", "product_id", "agreement_id"],
        )
        by_key = defaultdict(lambda: self.browse())
        for other in others:
            by_key[other.location_id.id, other.product_id.id] |= other
        for line in lines:
            clash = by_key[line.agreement_id.location_id.id, line.product_id.id] - line
            if clash:
                raise ValidationError(
                    self.env._(
                        "%(product)s is already managed by active agreement %(agreement)s for "
                        "location %(location)s.",
                        product=line.product_id.display_name,
                        agreement=clash[0].agreement_id.name,
                        location=line.agreement_id.location_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Computes: batched, a fixed number of queries for any number of lines
    # ------------------------------------------------------------------
    def _get_quantities(self):
        """``{line id: (on hand, incoming)}`` in each line's unit.

        On hand counts the quants owned by the agreement's supplier in the VMI
        location (and its children); incoming counts the open receipt moves of
        confirmed replenishments into it (and its children). Two
        ``_read_group`` in all.
        """
        lines = self.filtered(lambda ln: ln.location_id and ln.product_id)
        result = {line.id: (0.0, 0.0) for line in self}
        if not lines:
            return result
        locations = lines.location_id
        products = lines.product_id
        on_hand = defaultdict(float)
        Quant = self.env["stock.quant"].sudo()
        for location, product, owner, qty in Quant._read_group(
            [
                ("location_id", "child_of", locations.ids),
                ("product_id", "in", products.ids),
                ("owner_id", "!=", False),
            ],
            ["location_id", "product_id", "owner_id"],
            ["quantity:sum"],
        ):
            # Shelves count on their VMI location (``vmi_location_id``, stored).
            on_hand[
                location.vmi_location_id.id or location.id, product.id, owner.commercial_partner_id.id
            ] += qty
        incoming = defaultdict(float)
        for location, product, qty in (
            self.env["stock.move"]
            .sudo()
            ._read_group(
                [
                    ("location_dest_id", "child_of", locations.ids),
                    ("product_id", "in", products.ids),
                    ("state", "not in", ("draft", "cancel", "done")),
                    ("location_id.usage", "not in", ("internal", "transit")),
                ],
                ["location_dest_id", "product_id"],
                ["product_qty:sum"],
            )
        ):
            incoming[location.vmi_location_id.id or location.id, product.id] += qty
        for line in lines:
            product = line.product_id
            base_on_hand = on_hand[line.location_id.id, product.id, line.partner_id.commercial_partner_id.id]
            base_incoming = incoming[line.location_id.id, product.id]
            to_line_uom = product.uom_id._compute_quantity
            result[line.id] = (
                to_line_uom(base_on_hand, line.product_uom_id, round=False),
                to_line_uom(base_incoming, line.product_uom_id, round=False),
            )
        return result

    @api.depends("product_id", "product_uom_id", "agreement_id.location_id")
    def _compute_quantities(self):
        quantities = self._get_quantities()
        for line in self:
            line.qty_on_hand, line.qty_incoming = quantities[line.id]

    @api.depends("product_id", "product_uom_id", "agreement_id.location_id", "reorder_point", "max_qty")
    def _compute_stock_status(self):
        quantities = self._get_quantities()
        for line in self:
            on_hand, incoming = quantities[line.id]
            line.stock_status = rules.stock_status(on_hand, line.reorder_point, line.max_qty, incoming)

    @api.model
    def _vmi_refresh_stock_status(self, location_ids, product_ids):
        """Stock of ``product_ids`` moved into or out of (or is on its way to)
        the VMI locations ``location_ids`` (or their shelves): recompute the
        stored status of their agreement lines (at the next flush, in one
        batch). One query."""
        vmi_roots = self.env["stock.location"].sudo().browse(location_ids).vmi_location_id
        if not vmi_roots or not product_ids:
            return
        lines = self.sudo().search(
            [("location_id", "in", vmi_roots.ids), ("product_id", "in", list(product_ids))]
        )
        if lines:
            self.env.add_to_compute(self._fields["stock_status"], lines)

    def _vmi_consumption_3m(self, today=None):
        """``{line id: quantity}`` consumed in the last 3 months
        (``rules.consumption_window_start``), read from the consumption
        records (not the lines' cached computed fields). One grouped query."""
        today = today or fields.Date.context_today(self)
        since = datetime.combine(rules.consumption_window_start(today, 3), time.min)
        totals = defaultdict(float)
        real_lines = self.filtered("id")
        if real_lines:
            for line, qty in (
                self.env["vmi.consumption"]
                .sudo()
                ._read_group(
                    [("agreement_line_id", "in", real_lines.ids), ("date", ">=", since)],
                    ["agreement_line_id"],
                    ["quantity:sum"],
                )
            ):
                totals[line.id] = qty
        return totals

    def _vmi_usual_daily_demand(self, today=None):
        """``{line id: quantity a day}``: the consumption of the last 3
        months spread over their days (the usual demand the agreed levels
        were set for), read by the review and the projected stock. One
        grouped query."""
        today = today or fields.Date.context_today(self)
        window_days = (today - rules.consumption_window_start(today, 3)).days + 1
        consumed = self._vmi_consumption_3m(today)
        return {line.id: consumed.get(line.id, 0.0) / window_days for line in self}

    @api.depends("product_id", "product_uom_id", "agreement_id")
    def _compute_consumption(self):
        totals = self._vmi_consumption_3m()
        for line in self:
            total = totals.get(line.id, 0.0)
            line.consumption_3m = total
            line.consumption_monthly_avg = rules.monthly_average(total, 3)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def _vmi_quants_action(self, domain, name):
        """Read-only list of the supplier-owned quants of ``domain`` (with
        on hand, reserved and available), not Odoo's editable count list."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "stock.quant",
            "view_mode": "list,pivot",
            "views": [(self.env.ref("stock.view_stock_quant_tree_simple").id, "list"), (False, "pivot")],
            "domain": domain,
            "context": {"search_default_productgroup": 1, "create": 0, "edit": 0, "delete": 0},
        }

    def action_view_quants(self):
        """Smart button: the supplier-owned stock of this product in the VMI location."""
        self.ensure_one()
        return self._vmi_quants_action(
            [
                ("location_id", "child_of", self.location_id.id),
                ("product_id", "=", self.product_id.id),
                ("owner_id", "!=", False),
            ],
            self.env._("Supplier-owned stock: %s", self.product_id.display_name),
        )

    def action_view_moves(self):
        """Smart button: the done moves of this product into and out of the VMI location."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.stock_move_line_action")
        action["domain"] = [
            ("product_id", "=", self.product_id.id),
            "|",
            ("location_id", "child_of", self.location_id.id),
            ("location_dest_id", "child_of", self.location_id.id),
        ]
        action["context"] = {"search_default_done": 1, "create": 0}
        return action

    def action_view_consumption(self):
        """Smart button: this line's consumption records."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_consumption")
        action["domain"] = [("agreement_line_id", "=", self.id)]
        action["context"] = {"create": 0}
        return action

    def _vmi_next_month_demand(self):
        """Extension point: ``{line id: quantity}`` of next month's demand
        where the customer's plan gives it (shown on the supplier's agreement
        page). Without a demand plan nothing is known: an empty dict, and the
        page leaves the column out."""
        return {}

    def _get_open_proposal_line_ids(self):
        """Agreement lines that already have an open proposal (waiting for the
        supplier or the buyer, or approved but waiting for the purchase
        manager's approval under double validation: no receipt yet, so not
        incoming either): they are not proposed again."""
        if not self:
            return set()
        groups = (
            self.env["purchase.order.line"]
            .sudo()
            ._read_group(
                [
                    ("vmi_agreement_line_id", "in", self.ids),
                    (
                        "order_id",
                        "any",
                        self.env["purchase.order"]._get_vmi_open_proposals_domain(),
                    ),
                ],
                ["vmi_agreement_line_id"],
            )
        )
        return {line.id for (line,) in groups}

    def _vmi_expected_demand(self, today=None):
        """``{line id: (expected, usual, source, days)}``: the demand
        expected over the next ``days`` days
        (:func:`stock_vmi.logic.rules.cover_days`: the agreement's review
        interval plus its lead time, from tomorrow), in the line's unit, and
        the usual demand of those days (the consumption of the last 3
        months spread over their days), which the agreed levels were set
        for. ``source`` is ``"plan"`` when the customer's published demand
        plan covers every one of those days (``_vmi_planned_demand``), else
        ``"average"`` (expected = usual). One planned-demand lookup per
        distinct number of days, one grouped query for the averages."""
        today = today or fields.Date.context_today(self)
        # Ids first: a recordset union per line is quadratic.
        ids_by_days = defaultdict(list)
        for line in self:
            agreement = line.agreement_id
            ids_by_days[rules.cover_days(agreement.review_interval_days, agreement.lead_days)].append(line.id)
        by_days = {days: self.browse(ids) for days, ids in ids_by_days.items()}
        daily_usual = self._vmi_usual_daily_demand(today)
        result = {}
        for days, lines in by_days.items():
            first = today + timedelta(days=1)
            planned = lines._vmi_planned_demand(first, today + timedelta(days=days))
            for line in lines:
                usual = daily_usual[line.id] * days
                if line.id in planned:
                    result[line.id] = (planned[line.id], usual, "plan", days)
                else:
                    result[line.id] = (usual, usual, "average", days)
        return result

    def _vmi_planned_demand(self, first, last):
        """Extension point: ``{line id: quantity}`` of the customer's planned
        demand from ``first`` to ``last`` (both included), for the lines whose
        published plan covers every day of it. None without demand plans."""
        return {}

    def _compute_proposal_quantities(self, quantities=None, expected=None):
        """``{line id: quantity to propose}`` for the lines of ``self`` that are
        due (see :func:`stock_vmi.logic.rules.forecast_reorder_quantity`:
        the agreed levels, moved by what the published demand plan expects
        beyond the usual demand until an order of the next review could
        arrive). ``quantities`` is
        ``_get_quantities()`` and ``expected`` ``_vmi_expected_demand()``
        when the caller has them."""
        quantities = quantities if quantities is not None else self._get_quantities()
        expected = expected if expected is not None else self._vmi_expected_demand()
        open_ids = self._get_open_proposal_line_ids()
        result = {}
        for line in self:
            if line.id in open_ids or line.agreement_id.state != "active":
                continue
            on_hand, incoming = quantities[line.id]
            demand, usual = expected.get(line.id, (0.0, 0.0, "average", 0))[:2]
            qty = rules.forecast_reorder_quantity(
                on_hand, incoming, line.reorder_point, line.max_qty, demand, usual, line.pack_multiple
            )
            if qty > 0:
                result[line.id] = float_round(qty, precision_rounding=line.product_uom_id.rounding)
        return result

    def _vmi_consumption_by_window(self, windows):
        """``{line id: [quantity per window]}``: what each line consumed in
        each ``(first day, last day)`` of ``windows``
        (:func:`stock_vmi.logic.rules.consumption_windows`), counted like
        the monthly average (``_compute_consumption``), so that the windows of
        the average add up to its total. One grouped query per window."""
        result = {line.id: [0.0] * len(windows) for line in self}
        real_lines = self.filtered("id")
        if not real_lines:
            return result
        Consumption = self.env["vmi.consumption"].sudo()
        for index, (first, last) in enumerate(windows):
            for line, qty in Consumption._read_group(
                [
                    ("agreement_line_id", "in", real_lines.ids),
                    ("date", ">=", datetime.combine(first, time.min)),
                    ("date", "<", datetime.combine(last + timedelta(days=1), time.min)),
                ],
                ["agreement_line_id"],
                ["quantity:sum"],
            ):
                result[line.id][index] = qty
        return result
