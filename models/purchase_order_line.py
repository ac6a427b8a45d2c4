# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import float_compare, float_repr, float_round


def _number(value):
    """``value`` as text for a message, without trailing zeros (85.5, 10)."""
    return float_repr(value, 6).rstrip("0").rstrip(".")


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    vmi_agreement_line_id = fields.Many2one(
        "vmi.agreement.line", readonly=True, copy=False, index="btree_not_null", ondelete="set null"
    )
    vmi_proposed_qty = fields.Float(
        string="Proposed Quantity", digits="Product Unit of Measure", readonly=True, copy=False
    )
    # What the review saw when it proposed the line (in the line's unit): the
    # supplier's proposal page and the buyer's form explain the quantity with
    # them, whatever the stock did since.
    vmi_review_on_hand = fields.Float(
        string="On Hand at Review", digits="Product Unit of Measure", readonly=True, copy=False
    )
    vmi_review_incoming = fields.Float(
        string="Incoming at Review", digits="Product Unit of Measure", readonly=True, copy=False
    )
    vmi_review_reorder_point = fields.Float(
        string="Reorder Point at Review", digits="Product Unit of Measure", readonly=True, copy=False
    )
    vmi_review_max_qty = fields.Float(
        string="Maximum at Review", digits="Product Unit of Measure", readonly=True, copy=False
    )
    vmi_review_monthly_avg = fields.Float(
        string="Monthly Average at Review", digits="Product Unit of Measure", readonly=True, copy=False
    )
    vmi_review_expected = fields.Float(
        string="Expected Demand at Review",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="Demand the review expected until an order of the next review could arrive "
        "(review interval + lead time): the demand plan's, else the 3-month average.",
    )
    vmi_review_usual = fields.Float(
        string="Usual Demand at Review",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="The 3-month average over the same days: the demand the agreed levels were set for.",
    )
    vmi_review_cover_days = fields.Integer(string="Days Covered at Review", readonly=True, copy=False)
    vmi_review_demand_source = fields.Selection(
        [("plan", "Demand plan"), ("average", "3-month average")],
        string="Demand Source at Review",
        readonly=True,
        copy=False,
    )

    @api.depends("order_id.vmi_agreement_id")
    def _compute_qty_invoiced(self):
        """A VMI order line is never "to bill": its goods stay the supplier's
        until consumed, and consumption is billed by the settlement."""
        res = super()._compute_qty_invoiced()
        for line in self:
            if line.order_id.vmi_agreement_id:
                line.qty_to_invoice = 0.0
        return res

    @api.depends("product_qty", "product_uom", "company_id", "order_id.partner_id")
    def _compute_price_unit_and_date_planned_and_name(self):  # pylint: disable=missing-return
        """A VMI line keeps the agreed price, the planned date and the
        description of the proposal: the vendor pricelist does not apply (the
        price was signed in the agreement), not even when the supplier adjusts
        the quantity. Other lines are computed as usual."""
        # (missing-return: a compute method returns nothing, it assigns the fields)
        vmi_lines = self.filtered("vmi_agreement_line_id")
        super(PurchaseOrderLine, self - vmi_lines)._compute_price_unit_and_date_planned_and_name()
        for line in vmi_lines:
            line.price_unit = line.price_unit
            line.date_planned = line.date_planned
            line.name = line.name
            line.discount = line.discount or 0.0

    @api.depends("product_id", "order_id.partner_id")
    def _compute_analytic_distribution(self):
        """Batched for VMI lines: purchase searches the analytic distribution
        models once per line, so a proposal of 100 products would cost 100
        queries. Here one query finds the candidate models of all lines; each
        line's applicable models are then selected in memory with the same
        domain, and the distribution is computed once per distinct set of
        applicable models (no query at all when none applies)."""
        vmi_lines = self.filtered(lambda line: line.vmi_agreement_line_id and not line.display_type)
        super(PurchaseOrderLine, self - vmi_lines)._compute_analytic_distribution()
        if not vmi_lines:
            return
        Model = self.env["account.analytic.distribution.model"]
        if not Model.search_count([], limit=1):
            # No distribution model at all (most companies): nothing applies,
            # no domain to build per line.
            for line in vmi_lines:
                line.analytic_distribution = line.analytic_distribution
            return
        defaults = Model._get_default_search_domain_vals()
        per_line = {}
        for line in vmi_lines:
            vals = line._vmi_analytic_distribution_vals()
            domain = expression.AND(
                [
                    Model._create_domain(fname, list(value) if isinstance(value, list) else value)
                    for fname, value in (defaults | vals).items()
                ]
            )
            per_line[line] = (vals, domain)
        candidates = Model.search(expression.OR([domain for _vals, domain in per_line.values()]))
        by_models = {}
        for line, (vals, domain) in per_line.items():
            applicable = candidates.filtered_domain(domain) if candidates else candidates
            distribution = {}
            if applicable:
                key = frozenset(applicable.ids)
                if key not in by_models:
                    # Same applicable models, same distribution: computed once.
                    by_models[key] = Model._get_distribution(vals)
                distribution = by_models[key]
            line.analytic_distribution = distribution or line.analytic_distribution

    def _vmi_check_adjusted_qty(self, qty):
        """Refuse (``ValidationError``) a supplier's adjusted quantity for
        this proposal line: negative, far above what the agreement allows,
        finer than the line's unit counts (85.5 Units), or not a whole number
        of the agreement line's packs. Refused rather than rounded: the
        supplier is told what it may promise instead of shipping a quantity it
        did not type. Zero (remove the line) is always allowed."""
        self.ensure_one()
        product = self.product_id.display_name
        if qty < 0:
            raise ValidationError(self.env._("%(product)s: a quantity cannot be negative.", product=product))
        agreement_line = self.vmi_agreement_line_id
        if qty > max(self.vmi_proposed_qty, agreement_line.max_qty) * 10:
            raise ValidationError(
                self.env._(
                    "%(product)s: %(qty)s is far above what the agreement allows.", product=product, qty=qty
                )
            )
        uom = self.product_uom
        # Finer than the unit's rounding (float noise below a millionth aside).
        if float_compare(float_round(qty, precision_rounding=uom.rounding), qty, precision_digits=6):
            raise ValidationError(
                self.env._(
                    "%(product)s: %(qty)s is not a quantity in %(uom)s, which count in steps of %(step)s.",
                    product=product,
                    qty=_number(qty),
                    uom=uom.name,
                    step=_number(uom.rounding),
                )
            )
        pack = agreement_line.product_uom_id._compute_quantity(agreement_line.pack_multiple, uom, round=False)
        packs = float_round(qty / pack, precision_digits=0) if pack > 0 else 0
        if pack > 0 and float_compare(qty, packs * pack, precision_rounding=uom.rounding):
            raise ValidationError(
                self.env._(
                    "%(product)s: %(qty)s is not a multiple of the agreed pack of %(pack)s %(uom)s.",
                    product=product,
                    qty=_number(qty),
                    pack=_number(pack),
                    uom=uom.name,
                )
            )

    def _vmi_analytic_distribution_vals(self):
        """The criteria purchase uses to pick analytic distribution models."""
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "product_categ_id": self.product_id.categ_id.id,
            "partner_id": self.order_id.partner_id.id,
            "partner_category_id": self.order_id.partner_id.category_id.ids,
            "company_id": self.company_id.id,
        }

    def _prepare_stock_move_vals(self, picking, price_unit, product_uom_qty, product_uom):
        vals = super()._prepare_stock_move_vals(picking, price_unit, product_uom_qty, product_uom)
        if self.order_id.vmi_agreement_id:
            # As superuser: a purchase manager approving the order need not be a VMI user.
            vals["restrict_partner_id"] = self.order_id.sudo().vmi_agreement_id.partner_id.id
        return vals
