# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The supplier's overstock cases on the portal (SPEC step 1, issue 11 item
6): the list, one case (figures, likely cause, deadline, discussion) and its
form to propose a resolution (return, discount with a price, keep with a
note). Access as on the other VMI pages (``VmiPortal._vmi_get_record``):
another supplier's case answers 403, a missing one 404."""

from collections import OrderedDict

from odoo import http
from odoo.http import request

from .portal import VmiPortal


class VmiPortalOverstock(VmiPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "vmi_overstock_count" in counters:
            Case = request.env["vmi.overstock.case"]
            values["vmi_overstock_count"] = (
                Case.search_count(self._vmi_overstock_domain("open")) if Case.has_access("read") else 0
            )
        return values

    def _vmi_overstock_domain(self, filterby="open"):
        """Extension point; record rules restrict it to the supplier's cases."""
        if filterby == "open":
            return [("state", "in", ("open", "proposed"))]
        if filterby == "closed":
            return [("state", "in", ("resolved", "cancelled"))]
        return []

    def _vmi_overstock_filters(self):
        return OrderedDict(
            [
                ("open", {"label": request.env._("To Resolve")}),
                ("closed", {"label": request.env._("Closed")}),
                ("all", {"label": request.env._("All")}),
            ]
        )

    @http.route(
        ["/my/vmi/overstock", "/my/vmi/overstock/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_vmi_overstock_cases(self, page=1, filterby=None, **kw):
        filters = self._vmi_overstock_filters()
        filterby = filterby if filterby in filters else "open"
        return self._vmi_render_list(
            "vmi.overstock.case",
            self._vmi_overstock_domain(filterby),
            page,
            url="/my/vmi/overstock",
            url_args={"filterby": filterby},
            order="date_deadline, id desc",
            template="stock_vmi.portal_my_vmi_overstock_cases",
            key="cases",
            page_name="vmi_overstock_cases",
            values={
                "searchbar_filters": filters,
                "filterby": filterby,
                "number": self._vmi_number_formatter(),
            },
        )

    @http.route("/my/vmi/overstock/<int:case_id>", type="http", auth="public", website=True)
    def portal_my_vmi_overstock_case(self, case_id, access_token=None, message=None, **kw):
        case, by_token = self._vmi_get_record("vmi.overstock.case", case_id, access_token)
        if case is None:
            return self._vmi_login_redirect()
        return self._vmi_render_overstock_case(case, by_token, message=message)

    def _vmi_render_overstock_case(
        self, case, by_token=False, message=None, error=None, status=200, form=None
    ):
        values = self._prepare_portal_layout_values()
        user = request.env.user
        can_propose = (
            not by_token
            and not user._is_public()
            and case.state in ("open", "proposed")
            and case._vmi_is_supplier_user(user)
        )
        messages = {
            "proposed": request.env._("Thank you: your proposal was sent to the buyer."),
        }
        values.update(
            {
                "case": case,
                "by_token": by_token,
                "can_propose": can_propose,
                "message": messages.get(message),
                "error": error,
                "form": form or {},
                "number": self._vmi_number_formatter(),
                "page_name": "vmi_overstock_case",
                "object": case,
                "disable_composer": by_token,
            }
        )
        return request.render("stock_vmi.portal_my_vmi_overstock_case", values, status=status)

    @staticmethod
    def _vmi_parse_price(value):
        """A price as the supplier types it (decimal comma accepted); ``None``
        when empty, ``False`` when not a number."""
        value = (value or "").strip()
        if not value:
            return None
        if value.count(",") == 1 and "." not in value:
            value = value.replace(",", ".")
        try:
            return float(value)
        except ValueError:
            return False

    @http.route(
        "/my/vmi/overstock/<int:case_id>/propose", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_vmi_overstock_propose(self, case_id, resolution=None, discount_price=None, note=None, **kw):
        case = self._vmi_get_for_action("vmi.overstock.case", case_id)
        form = {"resolution": resolution, "discount_price": discount_price or "", "note": note or ""}
        price = self._vmi_parse_price(discount_price)
        error = None
        if resolution == "discount" and price is None:
            error = request.env._("Please give the discount price you propose.")
        elif resolution == "discount" and price is False:
            error = request.env._("The discount price is not a valid number.")
        if not error:
            error = self._vmi_run_action(
                case,
                "action_supplier_propose",
                resolution=resolution,
                discount_price=price if resolution == "discount" else None,
                note=self._vmi_clean_text(note),
            )
        if error:
            return self._vmi_render_overstock_case(case.sudo(), error=error, status=400, form=form)
        return request.redirect(f"/my/vmi/overstock/{case_id}?message=proposed")
