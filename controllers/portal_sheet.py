# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The supplier downloads the shared stock sheet (issue 12, item 1) on the
portal: of one agreement (``/my/vmi/agreement/<id>/sheet.xlsx``, with the
agreement page's access: login or its signed link) or of all its active
agreements (``/my/vmi/sheet.xlsx``, a worksheet each). The workbook is the
back office's report (``report/vmi_stock_sheet.py``), rendered as
superuser once access is granted, in the reader's language."""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from .portal import VmiPortal


class VmiPortalSheet(VmiPortal):
    @http.route("/my/vmi/agreement/<int:agreement_id>/sheet.xlsx", type="http", auth="public", website=True)
    def portal_my_vmi_agreement_sheet(self, agreement_id, access_token=None, **kw):
        agreement, _by_token = self._vmi_get_record("vmi.agreement", agreement_id, access_token)
        if agreement is None:
            return self._vmi_login_redirect()
        return self._vmi_sheet_response(agreement, agreement.name)

    @http.route("/my/vmi/sheet.xlsx", type="http", auth="user", website=True)
    def portal_my_vmi_sheet(self, **kw):
        # The user's environment: record rules keep the supplier to its own.
        agreements = request.env["vmi.agreement"].search(
            self._vmi_agreements_domain() + [("state", "=", "active")], order="name, id"
        )
        if not agreements:
            raise NotFound()
        partner = request.env.user.partner_id.commercial_partner_id
        return self._vmi_sheet_response(agreements.sudo(), partner.name)

    def _vmi_sheet_response(self, agreements_sudo, name):
        """The stock sheet of ``agreements_sudo`` (access already checked)
        as an XLSX download named after ``name``."""
        report = request.env["report.stock_vmi.vmi_stock_sheet"].sudo()
        content, _type = report.with_context(active_model="vmi.agreement").create_xlsx_report(
            agreements_sudo.ids, {}
        )
        filename = request.env._("VMI Stock Sheet - %(name)s.xlsx", name=name)
        return self._vmi_file_response(content, filename)
