# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The supplier's projected-stock page of an agreement (issue 11, item 4):
each product's supplier-owned stock over the next 30 days, coloured by
status, from ``vmi.agreement._vmi_projection_rows`` (the figures of the
agreement form and of the RPC method ``vmi_projected_stock``)."""

from odoo import http
from odoo.http import request

from .portal import VmiPortal


class VmiPortalProjection(VmiPortal):
    @http.route("/my/vmi/agreement/<int:agreement_id>/projection", type="http", auth="public", website=True)
    def portal_my_vmi_projection(self, agreement_id, access_token=None, **kw):
        agreement, by_token = self._vmi_get_record("vmi.agreement", agreement_id, access_token)
        if agreement is None:
            return self._vmi_login_redirect()
        values = self._prepare_portal_layout_values()
        values.update(agreement.with_env(request.env(su=True))._vmi_projection_rows())
        values.update(
            {
                "agreement": agreement,
                "by_token": by_token,
                "access_token": access_token if by_token else None,
                "number": self._vmi_number_formatter(),
                "page_name": "vmi_projection",
            }
        )
        return request.render("stock_vmi.portal_my_vmi_projection", values)
