# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The supplier's VMI workplace in the Odoo portal.

Pages (GET): agreements, one agreement (stock, consumption, rules, chatter),
proposals, one proposal, statements, one statement (HTML or PDF).
Actions (POST, CSRF-protected, logged-in only): confirm, adjust or decline a
proposal; approve or dispute a statement.

Access (``_vmi_get_record``):

- a logged-in user sees a record only if the ORM lets it read it (record
  rules: a supplier's contacts see their own commercial partner's records,
  in the companies they deal with). A token in the URL never widens that;
- a visitor who is not logged in may open the one page an e-mail link names,
  read-only, while the link's signed token has not expired
  (``vmi.portal.mixin``); without a token he is sent to the login page;
- every action goes through the model's workflow methods, which check again
  that the user acts for the record's supplier.

Records the user may not read answer 403, records that do not exist 404, so a
supplier learns nothing about another supplier's records.
"""

import logging
from collections import OrderedDict
from datetime import date, datetime, time
from urllib.parse import quote

from babel import dates as babel_dates
from werkzeug.exceptions import Forbidden, NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request
from odoo.tools import babel_locale_parse

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..logic import rules

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_logger = logging.getLogger(__name__)

_MAX_NOTE = 2000
STATUS_BADGE = {
    rules.STATUS_BELOW: "text-bg-danger",
    rules.STATUS_COVERED: "text-bg-info",
    rules.STATUS_OK: "text-bg-success",
    rules.STATUS_ABOVE: "text-bg-warning",
}


class VmiPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Home counters
    # ------------------------------------------------------------------
    def _prepare_portal_layout_values(self):
        """For a supplier with VMI agreements, the portal home always shows
        its proposals and statements entries, with what waits for it (Odoo
        hides an entry whose counter is 0: past proposals and statements
        would have no way in)."""
        values = super()._prepare_portal_layout_values()
        env = request.env
        Agreement = env["vmi.agreement"]
        values["vmi_is_supplier"] = bool(
            not env.user._is_public()
            and Agreement.has_access("read")
            and Agreement.search_count(self._vmi_agreements_domain(), limit=1)
        )
        if values["vmi_is_supplier"]:
            values["vmi_to_confirm"] = env["purchase.order"].search_count(
                self._vmi_proposals_domain("to_confirm")
            )
            values["vmi_to_answer"] = len(self._vmi_statements_to_answer())
        return values

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        env = request.env
        if "vmi_agreement_count" in counters:
            Agreement = env["vmi.agreement"]
            values["vmi_agreement_count"] = (
                Agreement.search_count(self._vmi_agreements_domain()) if Agreement.has_access("read") else 0
            )
        if "vmi_proposal_count" in counters:
            Order = env["purchase.order"]
            values["vmi_proposal_count"] = (
                Order.search_count(self._vmi_proposals_domain("to_confirm"))
                if Order.has_access("read")
                else 0
            )
        if "vmi_statement_count" in counters:
            Settlement = env["vmi.settlement"]
            values["vmi_statement_count"] = (
                len(self._vmi_statements_to_answer()) if Settlement.has_access("read") else 0
            )
        return values

    def _vmi_statements_to_answer(self):
        """Statements the supplier can still approve or dispute: not answered
        (or answered, then the dispute resolved) and their bill still a draft
        (the bill is read as superuser: it is the customer's document)."""
        statements = request.env["vmi.settlement"].search(
            [("bill_id", "!=", False), ("supplier_state", "in", ("pending", "resolved"))]
        )
        return statements.sudo().filtered(lambda s: s.bill_id.state == "draft")

    # ------------------------------------------------------------------
    # Domains (extension points) — record rules restrict them further
    # ------------------------------------------------------------------
    def _vmi_agreements_domain(self):
        return [("state", "!=", "draft")]

    def _vmi_proposals_domain(self, filterby="all"):
        domain = [("vmi_agreement_id", "!=", False)]
        if filterby == "to_confirm":
            domain += [("vmi_state", "=", "to_confirm"), ("state", "in", ("draft", "sent"))]
        elif filterby == "to_approve":
            domain += [("vmi_state", "=", "to_approve")]
        elif filterby == "approved":
            domain += [("vmi_state", "=", "approved")]
        elif filterby == "declined":
            domain += [("vmi_state", "=", "declined")]
        return domain

    def _vmi_statements_domain(self, filterby="all"):
        domain = [("bill_id", "!=", False)]
        if filterby == "pending":
            # Still to answer: not answered yet, or again after a resolved dispute.
            domain += [("supplier_state", "in", ("pending", "resolved"))]
        elif filterby in ("approved", "disputed", "resolved"):
            domain += [("supplier_state", "=", filterby)]
        return domain

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def _vmi_get_record(self, model, record_id, access_token=None):
        """The record to show, as superuser, once access is granted.

        Returns ``(record_sudo, by_token)``. Raises ``NotFound`` (missing
        record), ``Forbidden`` (not readable, invalid or expired token) or
        returns a redirect to the login page (public visitor, no token)."""
        env = request.env
        record = env[model].browse(record_id)
        record_sudo = record.sudo().exists()
        if not record_sudo or not self._vmi_is_vmi_record(record_sudo):
            raise NotFound()
        if not env.user._is_public():
            # Logged in: the ORM decides; a token never widens it.
            try:
                record.check_access("read")
            except (AccessError, MissingError) as e:
                raise Forbidden() from e
            return record_sudo, False
        if access_token and env[model]._vmi_check_portal_token(record_id, access_token):
            return record_sudo, True
        if access_token:
            raise Forbidden(
                request.env._("This link is invalid or has expired: please log in to the portal.")
            )
        return None, False

    def _vmi_is_vmi_record(self, record_sudo):
        """A purchase order reached through the VMI pages must be a VMI
        proposal; a draft agreement is not shared with the supplier yet."""
        if record_sudo._name == "purchase.order":
            return bool(record_sudo.vmi_agreement_id)
        if record_sudo._name == "vmi.agreement":
            return record_sudo.state != "draft"
        if record_sudo._name == "vmi.settlement":
            return bool(record_sudo.bill_id)
        return True

    def _vmi_file_response(self, content, filename, mimetype=XLSX_MIMETYPE):
        """A download of ``content`` (the stock sheet, a review, a sheet
        template) named ``filename``; access is the caller's to check."""
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    def _vmi_login_redirect(self):
        return request.redirect("/web/login?redirect=" + quote(request.httprequest.full_path, safe=""))

    def _vmi_get_for_action(self, model, record_id):
        """Actions: logged-in users only, on records they may read. Returns
        the record in the user's environment (the model methods check that
        the user acts for the supplier)."""
        record = request.env[model].browse(record_id)
        if not record.sudo().exists() or not self._vmi_is_vmi_record(record.sudo()):
            raise NotFound()
        try:
            record.check_access("read")
        except (AccessError, MissingError) as e:
            raise Forbidden() from e
        return record

    # ------------------------------------------------------------------
    # Agreements
    # ------------------------------------------------------------------
    @http.route(
        ["/my/vmi", "/my/vmi/agreements", "/my/vmi/agreements/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_vmi_agreements(self, page=1, sortby=None, **kw):
        sortings = {
            "name": {"label": request.env._("Reference"), "order": "name desc, id desc"},
            "start": {"label": request.env._("Start Date"), "order": "date_start desc, id desc"},
        }
        sortby = sortby if sortby in sortings else "name"
        return self._vmi_render_list(
            "vmi.agreement",
            self._vmi_agreements_domain(),
            page,
            url="/my/vmi/agreements",
            url_args={"sortby": sortby},
            order=sortings[sortby]["order"],
            template="stock_vmi.portal_my_vmi_agreements",
            key="agreements",
            page_name="vmi_agreements",
            values={"searchbar_sortings": sortings, "sortby": sortby},
        )

    def _vmi_render_list(self, model, domain, page, url, url_args, order, template, key, page_name, values):
        """A paged portal list of ``model`` records the user may read
        (``domain`` and record rules), rendered as superuser like Odoo's
        portal lists."""
        Model = request.env[model]
        pager = portal_pager(
            url=url,
            url_args=url_args,
            total=Model.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        records = Model.search(domain, order=order, limit=self._items_per_page, offset=pager["offset"])
        render_values = self._prepare_portal_layout_values()
        render_values.update(values)
        render_values.update(
            {key: records.sudo(), "page_name": page_name, "pager": pager, "default_url": url}
        )
        return request.render(template, render_values)

    @http.route("/my/vmi/agreement/<int:agreement_id>", type="http", auth="public", website=True)
    def portal_my_vmi_agreement(self, agreement_id, access_token=None, **kw):
        agreement, by_token = self._vmi_get_record("vmi.agreement", agreement_id, access_token)
        if agreement is None:
            return self._vmi_login_redirect()
        values = self._prepare_portal_layout_values()
        values.update(self._vmi_agreement_page_values(agreement, by_token))
        values["access_token"] = access_token if by_token else None
        return request.render("stock_vmi.portal_my_vmi_agreement", values)

    def _vmi_number_formatter(self):
        """The number formatter of the pages, in the user's language
        (``vmi.portal.mixin._vmi_number_formatter``)."""
        return request.env["vmi.agreement"]._vmi_number_formatter()

    def _vmi_agreement_page_values(self, agreement, by_token):
        """Values of the agreement page: the figures of
        ``vmi.agreement._vmi_stock_sheet_figures`` (the stock sheet's,
        computed in batches for all lines), formatted for the reader."""
        figures = agreement.sudo()._vmi_stock_sheet_figures()[agreement.id]
        status_labels = dict(agreement.line_ids._fields["stock_status"]._description_selection(request.env))
        number = self._vmi_number_formatter()
        rows = []
        demand = {}
        for figure in figures["lines"]:
            line = figure["line"]
            if figure["next_month_demand"] is not None:
                demand[line.id] = figure["next_month_demand"]
            rows.append(
                {
                    "line": line,
                    "code": figure["code"],
                    "product": figure["product"],
                    "on_hand": number(figure["on_hand"]),
                    "reorder_point": number(figure["reorder_point"]),
                    "max_qty": number(figure["max_qty"]),
                    "status": figure["status"],
                    "status_label": status_labels.get(figure["status"], ""),
                    "status_class": STATUS_BADGE.get(figure["status"], "text-bg-secondary"),
                    "incoming": number(figure["incoming"]),
                    "months": [number(qty) for qty in figure["consumption"]],
                    "average": number(figure["monthly_average"], 1),
                    "demand": number(demand[line.id]) if line.id in demand else None,
                    "uom": figure["uom"],
                }
            )
        return {
            "agreement": agreement,
            "rows": rows,
            "month_labels": [self._vmi_window_label(first, last) for first, last in figures["windows"]],
            "demand": demand,
            "open_proposals": figures["open_proposals"],
            "by_token": by_token,
            "page_name": "vmi_agreement",
            "object": agreement,
            "disable_composer": by_token,
        }

    def _vmi_window_label(self, first, last):
        """The period ``first``-``last`` in the reader's language, with
        CLDR's month-day skeleton: "Sep 3 – Oct 2", "9月3日 – 10月2日"."""
        locale = babel_locale_parse(request.env.lang or "en_US")
        start = babel_dates.format_skeleton("MMMd", first, locale=locale)
        end = babel_dates.format_skeleton("MMMd", last, locale=locale)
        return f"{start} – {end}"

    # ------------------------------------------------------------------
    # Proposals
    # ------------------------------------------------------------------
    def _vmi_proposal_filters(self):
        return OrderedDict(
            [
                ("to_confirm", {"label": request.env._("To Confirm")}),
                ("to_approve", {"label": request.env._("Waiting for Buyer")}),
                ("approved", {"label": request.env._("Approved")}),
                ("declined", {"label": request.env._("Declined")}),
                ("all", {"label": request.env._("All")}),
            ]
        )

    @http.route(
        ["/my/vmi/proposals", "/my/vmi/proposals/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_vmi_proposals(self, page=1, filterby=None, **kw):
        filters = self._vmi_proposal_filters()
        filterby = filterby if filterby in filters else "to_confirm"
        return self._vmi_render_list(
            "purchase.order",
            self._vmi_proposals_domain(filterby),
            page,
            url="/my/vmi/proposals",
            url_args={"filterby": filterby},
            order="date_order desc, id desc",
            template="stock_vmi.portal_my_vmi_proposals",
            key="orders",
            page_name="vmi_proposals",
            values={"searchbar_filters": filters, "filterby": filterby},
        )

    @http.route("/my/vmi/proposal/<int:order_id>", type="http", auth="public", website=True)
    def portal_my_vmi_proposal(self, order_id, access_token=None, message=None, **kw):
        order, by_token = self._vmi_get_record("purchase.order", order_id, access_token)
        if order is None:
            return self._vmi_login_redirect()
        return self._vmi_render_proposal(order, by_token, message=message)

    def _vmi_render_proposal(self, order, by_token=False, message=None, error=None, status=200):
        values = self._prepare_portal_layout_values()
        user = request.env.user
        can_answer = (
            not by_token
            and not user._is_public()
            and order.vmi_state == "to_confirm"
            and order.state in ("draft", "sent")
            and (order._vmi_is_supplier_user(user) or user.has_group("stock_vmi.group_vmi_manager"))
        )
        messages = {
            "confirmed": request.env._("Thank you: the proposal is confirmed."),
            "adjusted": request.env._("Thank you: your adjustment was recorded."),
            "declined": request.env._("The proposal was declined; the buyer is notified."),
        }
        values.update(
            {
                # Not "order": purchase's breadcrumbs would claim the page.
                "proposal": order,
                "agreement": order.vmi_agreement_id,
                "by_token": by_token,
                "can_answer": can_answer,
                "message": messages.get(message),
                "error": error,
                "page_name": "vmi_proposal",
                "tolerance": order.vmi_agreement_id.adjust_tolerance,
                "today": fields.Date.context_today(order),
                "figures": order.with_context(lang=request.env.lang)._vmi_proposal_figures(),
                "number": self._vmi_number_formatter(),
                # Portal chatter: Odoo's purchase access token lets the
                # supplier post on an order it may only read.
                "object": order,
                "token": None if by_token else order._portal_ensure_token(),
                "disable_composer": by_token,
            }
        )
        return request.render("stock_vmi.portal_my_vmi_proposal", values, status=status)

    def _vmi_run_action(self, record, method, *args, **kwargs):
        """Run a workflow method in a savepoint: on a refusal nothing it did
        is kept, and the message is shown to the user."""
        try:
            with request.env.cr.savepoint():
                getattr(record, method)(*args, **kwargs)
        except AccessError as e:
            raise Forbidden() from e
        except (UserError, ValidationError) as e:
            return e.args[0] if e.args else str(e)
        return None

    @http.route(
        "/my/vmi/proposal/<int:order_id>/confirm", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_vmi_proposal_confirm(
        self, order_id, note=None, freight_cost=None, accept_short_notice=None, **kw
    ):
        order = self._vmi_get_for_action("purchase.order", order_id)
        extra = {}
        if order.sudo().vmi_emergency_id:
            # An emergency: the rush freight, and the acceptance of a short notice.
            extra = {"freight_cost": freight_cost or 0, "accept_short_notice": bool(accept_short_notice)}
        error = self._vmi_run_action(
            order, "action_vmi_supplier_confirm", note=self._vmi_clean_text(note), **extra
        )
        if error:
            return self._vmi_render_proposal(order.sudo(), error=error, status=400)
        return request.redirect(f"/my/vmi/proposal/{order_id}?message=confirmed")

    @http.route(
        "/my/vmi/proposal/<int:order_id>/adjust", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_vmi_proposal_adjust(self, order_id, date_planned=None, note=None, **kw):
        order = self._vmi_get_for_action("purchase.order", order_id)
        current = {str(line.id): line.product_qty for line in order.sudo().order_line}
        quantities = {}
        error = None
        for key, value in kw.items():
            if not key.startswith("qty_"):
                continue
            value = (value or "").strip()
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")  # decimal comma
            if not value:
                continue
            # Only what the supplier changed: the form shows every line.
            try:
                unchanged = key[4:] in current and float(value) == current[key[4:]]
            except ValueError:
                unchanged = False
            if not unchanged:
                quantities[key[4:]] = value
        promised = None
        if date_planned and date_planned.strip():
            try:
                promised = date.fromisoformat(date_planned.strip())
            except ValueError:
                error = request.env._("The promised date is not a valid date.")
            if promised and order.sudo().date_planned and promised == order.sudo().date_planned.date():
                promised = None  # the date shown, unchanged
        if not error:
            error = self._vmi_run_action(
                order,
                "action_vmi_supplier_adjust",
                quantities=quantities,
                date_planned=promised and datetime.combine(promised, time(12)),
                note=self._vmi_clean_text(note),
            )
        if error:
            return self._vmi_render_proposal(order.sudo(), error=error, status=400)
        return request.redirect(f"/my/vmi/proposal/{order_id}?message=adjusted")

    @http.route(
        "/my/vmi/proposal/<int:order_id>/decline", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_vmi_proposal_decline(self, order_id, reason=None, **kw):
        order = self._vmi_get_for_action("purchase.order", order_id)
        error = self._vmi_run_action(order, "action_vmi_supplier_decline", self._vmi_clean_text(reason))
        if error:
            return self._vmi_render_proposal(order.sudo(), error=error, status=400)
        return request.redirect(f"/my/vmi/proposal/{order_id}?message=declined")

    @staticmethod
    def _vmi_clean_text(text):
        text = (text or "").strip()
        return text[:_MAX_NOTE] or None

    # ------------------------------------------------------------------
    # Statements
    # ------------------------------------------------------------------
    def _vmi_statement_filters(self):
        return OrderedDict(
            [
                ("all", {"label": request.env._("All")}),
                ("pending", {"label": request.env._("To Approve")}),
                ("approved", {"label": request.env._("Approved")}),
                ("disputed", {"label": request.env._("Disputed")}),
            ]
        )

    @http.route(
        ["/my/vmi/statements", "/my/vmi/statements/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_vmi_statements(self, page=1, filterby=None, **kw):
        filters = self._vmi_statement_filters()
        filterby = filterby if filterby in filters else "all"
        return self._vmi_render_list(
            "vmi.settlement",
            self._vmi_statements_domain(filterby),
            page,
            url="/my/vmi/statements",
            url_args={"filterby": filterby},
            order=None,
            template="stock_vmi.portal_my_vmi_statements",
            key="statements",
            page_name="vmi_statements",
            values={"searchbar_filters": filters, "filterby": filterby},
        )

    @http.route("/my/vmi/statement/<int:settlement_id>", type="http", auth="public", website=True)
    def portal_my_vmi_statement(
        self, settlement_id, access_token=None, report_type=None, download=False, message=None, **kw
    ):
        statement, by_token = self._vmi_get_record("vmi.settlement", settlement_id, access_token)
        if statement is None:
            return self._vmi_login_redirect()
        if report_type in ("pdf", "html", "text"):
            return self._show_report(
                model=statement,
                report_type=report_type,
                report_ref="stock_vmi.action_report_vmi_settlement",
                download=download,
            )
        return self._vmi_render_statement(statement, by_token, access_token=access_token, message=message)

    def _vmi_render_statement(
        self, statement, by_token=False, access_token=None, message=None, error=None, status=200
    ):
        values = self._prepare_portal_layout_values()
        user = request.env.user
        can_answer = (
            not by_token
            and not user._is_public()
            and statement.supplier_state in ("pending", "resolved")
            and statement.bill_id.state == "draft"
            and statement._vmi_is_supplier_user(user)
        )
        messages = {
            "approved": request.env._("Thank you: the statement is approved."),
            "disputed": request.env._(
                "Your dispute was sent to the accountant; the bill will not be posted until it is resolved."
            ),
        }
        pdf_url = f"/my/vmi/statement/{statement.id}?report_type=pdf&download=1"
        if by_token:
            pdf_url += "&access_token=" + quote(access_token, safe="")
        values.update(
            {
                "statement": statement,
                "figures": statement._vmi_statement_figures(),
                "by_token": by_token,
                "object": statement,
                "disable_composer": by_token,
                "can_answer": can_answer,
                "pdf_url": pdf_url,
                "message": messages.get(message),
                "error": error,
                "page_name": "vmi_statement",
            }
        )
        return request.render("stock_vmi.portal_my_vmi_statement", values, status=status)

    @http.route(
        "/my/vmi/statement/<int:settlement_id>/approve",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_vmi_statement_approve(self, settlement_id, **kw):
        statement = self._vmi_get_for_action("vmi.settlement", settlement_id)
        error = self._vmi_run_action(statement, "action_supplier_approve")
        if error:
            return self._vmi_render_statement(statement.sudo(), error=error, status=400)
        return request.redirect(f"/my/vmi/statement/{settlement_id}?message=approved")

    @http.route(
        "/my/vmi/statement/<int:settlement_id>/dispute",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_vmi_statement_dispute(self, settlement_id, reason=None, **kw):
        statement = self._vmi_get_for_action("vmi.settlement", settlement_id)
        error = self._vmi_run_action(statement, "action_supplier_dispute", self._vmi_clean_text(reason))
        if error:
            return self._vmi_render_statement(statement.sudo(), error=error, status=400)
        return request.redirect(f"/my/vmi/statement/{settlement_id}?message=disputed")
