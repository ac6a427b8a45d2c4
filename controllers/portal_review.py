# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The monthly VMI review on the supplier's portal: PDF and XLSX of a
statement's review, beside the statement's own PDF. Access is the
statement page's (``VmiPortal._vmi_get_record``): a logged-in supplier
reads only its own statements; an e-mail link's signed token opens only the
statement it names."""

from odoo import http
from odoo.http import request

from .portal import XLSX_MIMETYPE, VmiPortal

REVIEW_PDF = "stock_vmi.action_report_vmi_review_settlement"
REVIEW_XLSX = "stock_vmi.action_report_vmi_review_settlement_xlsx"


class VmiPortalReview(VmiPortal):
    def _vmi_review_file_name(self, statement, extension):
        name = request.env._("VMI Review %s", statement.name.replace("/", "-"))
        return f"{name}.{extension}"

    @http.route(
        "/my/vmi/statement/<int:settlement_id>/review.<string:file_type>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_vmi_statement_review(self, settlement_id, file_type, access_token=None, **kw):
        if file_type not in ("pdf", "xlsx"):
            raise request.not_found()
        statement, _by_token = self._vmi_get_record("vmi.settlement", settlement_id, access_token)
        if statement is None:
            return self._vmi_login_redirect()
        # Access granted above: the review reads the agreement's figures as
        # superuser, in the supplier's language.
        lang = statement.partner_id.lang or request.env.lang
        Report = request.env["ir.actions.report"].sudo().with_context(lang=lang)
        if file_type == "pdf":
            content, _type = Report._render_qweb_pdf(REVIEW_PDF, statement.ids)
            mimetype = "application/pdf"
        else:
            # Not ``_render_xlsx``: it drops the superuser mode, and a visitor
            # with the e-mail's token may not read the statement himself.
            report = Report._get_report(REVIEW_XLSX)
            content, _type = (
                request.env[f"report.{report.report_name}"]
                .sudo()
                .with_context(active_model=report.model, lang=lang)
                .create_xlsx_report(statement.ids, None)
            )
            mimetype = XLSX_MIMETYPE
        filename = self._vmi_review_file_name(statement.with_context(lang=lang), file_type)
        return self._vmi_file_response(content, filename, mimetype=mimetype)
