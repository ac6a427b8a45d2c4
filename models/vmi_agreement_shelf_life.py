# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shelf life under VMI (SPEC Q2, issue 11 item 7): an agreement cannot
manage a product that keeps for less than its replenishment cycle, a line
warns when its maximum covers more days of consumption than the product
keeps, and the VMI location takes the lots that expire first (FEFO) where
lots carry expiry dates.

The shelf life is the line's own (``shelf_life_days``) or, with Odoo's
optional ``product_expiry`` installed, the product's expiration time when
it uses expiration dates. stock_vmi does not depend on ``product_expiry``."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..logic import rules


class VmiAgreementLine(models.Model):
    _inherit = "vmi.agreement.line"  # pylint: disable=consider-merging-classes-inherited

    shelf_life_days = fields.Integer(
        string="Shelf Life (days)",
        default=0,
        help="Days the product keeps once received. 0: the product's expiration time when it uses "
        "expiration dates (Odoo's Product Expiry), else no limit.",
    )
    effective_shelf_life_days = fields.Integer(
        string="Keeps (days)",
        compute="_compute_shelf_life",
        help="The line's shelf life, else the product's expiration time (0: no limit).",
    )
    cover_days_at_max = fields.Float(
        string="Days Covered at Maximum",
        compute="_compute_shelf_life",
        digits=(16, 1),
        help="The maximum over the average daily consumption of the last 3 months: how long a "
        "full stock lasts (0: no consumption yet).",
    )
    shelf_life_warning = fields.Char(
        compute="_compute_shelf_life",
        help="Set when a full stock lasts longer than the product keeps: lower the maximum.",
    )

    @api.model
    def _vmi_product_shelf_life(self, product):
        """The product's expiration time when ``product_expiry`` is installed
        and the product uses expiration dates, else 0."""
        if "expiration_time" not in product._fields or not product.use_expiration_date:
            return 0
        return product.expiration_time or 0

    @api.depends("shelf_life_days", "max_qty", "product_id", "consumption_monthly_avg")
    def _compute_shelf_life(self):
        for line in self:
            keeps = line.shelf_life_days or self._vmi_product_shelf_life(line.product_id)
            daily = line.consumption_monthly_avg / 30.0
            cover = line.max_qty / daily if daily > 0 else 0.0
            line.effective_shelf_life_days = keeps
            line.cover_days_at_max = cover
            line.shelf_life_warning = (
                self.env._(
                    "A full stock of %(max)s lasts %(cover)s days of consumption, longer than the %(keeps)s "
                    "days the product keeps: lower the maximum.",
                    max=line.max_qty,
                    cover=round(cover),
                    keeps=keeps,
                )
                if keeps and cover > keeps
                else False
            )

    @api.constrains("shelf_life_days", "product_id")
    def _check_shelf_life_days(self):
        for line in self:
            if line.shelf_life_days < 0:
                raise ValidationError(
                    self.env._("%s: the shelf life cannot be negative.", line.product_id.display_name)
                )
        self.agreement_id._check_shelf_life_cycle()


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    @api.constrains("state", "review_interval_days", "lead_days")
    def _check_shelf_life_cycle(self):
        """An active agreement cannot manage a product that keeps for less
        than its replenishment cycle (review interval + lead time, SPEC
        Q2): what arrives would expire before the next replenishment."""
        for agreement in self.filtered(lambda a: a.state == "active"):
            cycle = rules.cover_days(agreement.review_interval_days, agreement.lead_days)
            short = agreement.line_ids.filtered(
                lambda ln, cycle=cycle: 0 < ln.effective_shelf_life_days < cycle
            )
            if short:
                raise ValidationError(
                    self.env._(
                        "Agreement %(agreement)s: %(products)s keeps fewer days than the replenishment "
                        "cycle of %(cycle)s days (review every %(review)s days + lead time of %(lead)s "
                        "days): what arrives would expire before the next replenishment. Shorten the "
                        "review interval or the lead time, or leave the product out.",
                        agreement=agreement.name,
                        products=", ".join(
                            f"{ln.product_id.display_name} ({ln.effective_shelf_life_days})" for ln in short
                        ),
                        cycle=cycle,
                        review=agreement.review_interval_days,
                        lead=agreement.lead_days,
                    )
                )

    def _vmi_fefo_strategy(self):
        """Odoo's "First Expiry First Out" removal strategy, when
        ``product_expiry`` is installed."""
        return self.env.ref("product_expiry.removal_fefo", raise_if_not_found=False)

    def _prepare_location_vals(self):
        vals = super()._prepare_location_vals()
        fefo = self._vmi_fefo_strategy()
        if fefo:
            vals["removal_strategy_id"] = fefo.id
        return vals

    def action_activate(self):
        """Where lots carry expiry dates, the VMI location hands out the lots
        that expire first (FEFO), unless it has a removal strategy of its own."""
        result = super().action_activate()
        fefo = self._vmi_fefo_strategy()
        if fefo:
            locations = self.filtered(
                lambda a: any(
                    "use_expiration_date" in p._fields and p.use_expiration_date
                    for p in a.line_ids.product_id
                )
            ).location_id.filtered(lambda loc: not loc.removal_strategy_id)
            if locations:
                locations.sudo().removal_strategy_id = fefo
        return result
