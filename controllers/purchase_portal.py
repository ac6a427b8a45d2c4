# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's own purchase portal pages, for VMI proposals: a supplier who opens
a VMI order from the ordinary "Requests for Quotation" or "Purchase Orders"
list lands on its VMI page, where it can answer it."""

from odoo import http
from odoo.http import request

from odoo.addons.purchase.controllers.portal import CustomerPortal as PurchasePortal


class VmiPurchasePortal(PurchasePortal):
    @http.route()
    def portal_my_purchase_order(self, order_id=None, access_token=None, **kw):
        """A logged-in user who may read the order and opens a VMI order's
        page (not its report, not a purchase reminder answer) is sent to the
        VMI proposal page. Anyone else gets Odoo's page, untouched."""
        if not kw.get("report_type") and not kw.get("confirm") and not request.env.user._is_public():
            order = request.env["purchase.order"].browse(order_id).exists()
            if order and order.has_access("read") and order.sudo().vmi_agreement_id:
                return request.redirect(order._vmi_portal_path())
        return super().portal_my_purchase_order(order_id=order_id, access_token=access_token, **kw)
