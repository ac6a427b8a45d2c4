# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's demand plans on the supplier's portal (issue 11, item
1): the list, one plan (its period and the two following ones per product,
its revisions, its discussion) and the supplier's acknowledgment. Access as
on the other VMI pages (``VmiPortal._vmi_get_record``): another supplier's
plan answers 403, a missing one 404, a draft is not shown."""

from collections import OrderedDict

from odoo import http
from odoo.http import request

from ..logic import demand
from .portal import VmiPortal


class VmiPortalDemandPlan(VmiPortal):
    def _vmi_is_vmi_record(self, record_sudo):
        if record_sudo._name == "vmi.demand.plan":
            return record_sudo.state != "draft"
        return super()._vmi_is_vmi_record(record_sudo)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "vmi_plan_count" in counters:
            Plan = request.env["vmi.demand.plan"]
            values["vmi_plan_count"] = (
                Plan.search_count(self._vmi_plans_domain("to_acknowledge")) if Plan.has_access("read") else 0
            )
        return values

    def _vmi_plans_domain(self, filterby="all"):
        """Extension point; record rules restrict it to the supplier's
        published plans."""
        if filterby == "to_acknowledge":
            return [("state", "=", "published")]
        return [("state", "!=", "draft")]

    def _vmi_plan_filters(self):
        return OrderedDict(
            [
                ("all", {"label": request.env._("All")}),
                ("to_acknowledge", {"label": request.env._("To Acknowledge")}),
            ]
        )

    @http.route(["/my/vmi/plans", "/my/vmi/plans/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_vmi_plans(self, page=1, filterby=None, **kw):
        filters = self._vmi_plan_filters()
        filterby = filterby if filterby in filters else "all"
        return self._vmi_render_list(
            "vmi.demand.plan",
            self._vmi_plans_domain(filterby),
            page,
            url="/my/vmi/plans",
            url_args={"filterby": filterby},
            order="date_from desc, id desc",
            template="stock_vmi.portal_my_vmi_plans",
            key="plans",
            page_name="vmi_plans",
            values={"searchbar_filters": filters, "filterby": filterby},
        )

    @http.route("/my/vmi/plan/<int:plan_id>", type="http", auth="public", website=True)
    def portal_my_vmi_plan(self, plan_id, access_token=None, message=None, **kw):
        plan, by_token = self._vmi_get_record("vmi.demand.plan", plan_id, access_token)
        if plan is None:
            return self._vmi_login_redirect()
        return self._vmi_render_plan(plan, by_token, message=message)

    def _vmi_render_plan(self, plan, by_token=False, message=None, error=None, status=200):
        values = self._prepare_portal_layout_values()
        user = request.env.user
        periods = demand.following_periods(plan.date_from, plan.period_type, 3)
        messages = {"acknowledged": request.env._("Thank you: the buyer knows you have the plan.")}
        values.update(
            {
                "plan": plan,
                "periods": [self._vmi_window_label(first, last) for first, last in periods],
                "number": self._vmi_number_formatter(),
                "by_token": by_token,
                "can_acknowledge": not by_token
                and not user._is_public()
                and plan.state == "published"
                and plan._vmi_is_supplier_user(user),
                "message": messages.get(message),
                "error": error,
                "page_name": "vmi_plan",
                "object": plan,
                "disable_composer": by_token,
            }
        )
        return request.render("stock_vmi.portal_my_vmi_plan", values, status=status)

    @http.route(
        "/my/vmi/plan/<int:plan_id>/acknowledge", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_vmi_plan_acknowledge(self, plan_id, **kw):
        plan = self._vmi_get_for_action("vmi.demand.plan", plan_id)
        error = self._vmi_run_action(plan, "action_acknowledge")
        if error:
            return self._vmi_render_plan(plan.sudo(), error=error, status=400)
        return request.redirect(f"/my/vmi/plan/{plan_id}?message=acknowledged")
