# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The supplier's lead time of an agreement (issue 11, item 2): a
proposal is planned that many days ahead, and the review covers the demand
until an order of the next review could arrive (review interval + lead
time, ``vmi.agreement.line._vmi_expected_demand``)."""

from collections import defaultdict

from odoo import api, fields, models


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    lead_days = fields.Integer(
        string="Lead Time (days)",
        compute="_compute_lead_days",
        store=True,
        readonly=False,
        tracking=True,
        help="Days from a confirmed replenishment to its arrival in the VMI location. A proposal "
        "is planned this many days ahead, and the review covers the demand expected until the "
        "next review plus this lead time. Defaults to the supplier's delivery lead time on its "
        "vendor pricelists (the longest for the agreement's products), else 3 days.",
    )

    # Lead time when the supplier's vendor pricelists give none (SPEC: 3 days).
    _VMI_DEFAULT_LEAD_DAYS = 3

    @api.depends("partner_id", "line_ids.product_id")
    def _compute_lead_days(self):
        """The supplier's delivery lead time (``product.supplierinfo.delay``):
        the longest of its pricelist lines for the agreement's products, else
        of all its pricelist lines, else 3 days. It follows the supplier and
        the products while the agreement is a draft; once signed (active or
        closed) it is a term that only the buyer changes. One query."""
        signed = self.filtered(lambda a: a.state not in (False, "draft") and a._origin.id)
        for agreement in signed:
            agreement.lead_days = agreement._origin.lead_days or agreement.lead_days
        self = self - signed  # noqa: PLW0642
        partners = self.partner_id.commercial_partner_id
        if not partners:
            for agreement in self:
                agreement.lead_days = agreement.lead_days or self._VMI_DEFAULT_LEAD_DAYS
            return
        Info = self.env["product.supplierinfo"].sudo()
        domain = [("partner_id", "child_of", partners.ids)]
        by_product = defaultdict(int)
        by_partner = defaultdict(int)
        for partner, template, delay in Info._read_group(
            domain, ["partner_id", "product_tmpl_id"], ["delay:max"]
        ):
            key = partner.commercial_partner_id.id
            by_product[key, template.id] = max(by_product[key, template.id], delay or 0)
            by_partner[key] = max(by_partner[key], delay or 0)
        for agreement in self:
            key = agreement.partner_id.commercial_partner_id.id
            templates = agreement.line_ids.product_id.product_tmpl_id
            delays = [by_product[key, t.id] for t in templates if (key, t.id) in by_product]
            if delays:
                agreement.lead_days = max(delays)
            elif key in by_partner:
                agreement.lead_days = by_partner[key]
            else:
                agreement.lead_days = self._VMI_DEFAULT_LEAD_DAYS
