# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The supplier's sheet imports on the portal (issue 12, item 2): the stock
count of its agreement's VMI location and its answer to a proposal, each
with its template (``vmi.sheet.import``). Logged-in users only, on records
they may read (``VmiPortal._vmi_get_for_action``): another supplier's
agreement or proposal answers 403, a missing one 404. The demand plan is the
customer's: it is imported in the back office."""

from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from ..logic import sheet_import as sheet
from .portal import VmiPortal

# What the supplier may import on the portal, and for which record.
PORTAL_KINDS = {sheet.COUNT: "vmi.agreement", sheet.PROPOSAL: "purchase.order"}


class VmiPortalImport(VmiPortal):
    def _vmi_import_record(self, kind, record_id):
        model = PORTAL_KINDS.get(kind)
        if not model:
            raise NotFound()
        record = self._vmi_get_for_action(model, record_id)
        if not record.sudo()._vmi_is_supplier_user(request.env.user) and request.env.user.share:
            raise Forbidden()
        return record

    def _vmi_import_back_url(self, kind, record):
        if kind == sheet.PROPOSAL:
            return f"/my/vmi/proposal/{record.id}"
        return f"/my/vmi/agreement/{record.id}"

    def _vmi_render_import(self, kind, record, errors=None, error=None, message=None, status=200):
        values = self._prepare_portal_layout_values()
        record_sudo = record.sudo()
        titles = {
            sheet.COUNT: request.env._("Import a stock count"),
            sheet.PROPOSAL: request.env._("Import your answer to the proposal"),
        }
        values.update(
            {
                "kind": kind,
                "record": record_sudo,
                "title": titles[kind],
                "back_url": self._vmi_import_back_url(kind, record),
                "errors": errors or [],
                "error": error,
                "message": message,
                "page_name": "vmi_import",
                "by_token": False,
            }
        )
        return request.render("stock_vmi.portal_my_vmi_import", values, status=status)

    @http.route("/my/vmi/import/<string:kind>/<int:record_id>", type="http", auth="user", website=True)
    def portal_vmi_import(self, kind, record_id, **kw):
        record = self._vmi_import_record(kind, record_id)
        if request.httprequest.method != "POST":
            return self._vmi_render_import(kind, record)
        upload = request.httprequest.files.get("file")
        data = upload.read() if upload else b""
        try:
            result = request.env["vmi.sheet.import"]._vmi_sheet_import(kind, record, data)
        except AccessError as e:
            raise Forbidden() from e
        except UserError as e:
            return self._vmi_render_import(kind, record, error=e.args[0], status=400)
        if result["errors"]:
            return self._vmi_render_import(kind, record, errors=result["errors"], status=400)
        return self._vmi_render_import(kind, record.exists(), message=result["message"])

    @http.route(
        "/my/vmi/import/<string:kind>/<int:record_id>/template", type="http", auth="user", website=True
    )
    def portal_vmi_import_template(self, kind, record_id, **kw):
        record = self._vmi_import_record(kind, record_id)
        try:
            filename, data = request.env["vmi.sheet.import"]._vmi_sheet_template(kind, record)
        except AccessError as e:
            raise Forbidden() from e
        return self._vmi_file_response(data, filename)
