# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The overstock review (SPEC step 1, issue 11 item 6): the daily check opens
a case for stock above the maximum for 30 days; buyer and supplier resolve it
by a return (never billed), a discount (credited by the next settlements) or
keeping it; the supplier proposes on the portal."""

import json
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import psycopg2
from lxml import etree

import odoo
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import VmiCommon
from .test_portal import VmiPortalCommon

# Keep the committed records of the concurrency test free of chatter.
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}


class OverstockMixin:
    def _line(self, agreement=None):
        return (agreement or self.agreement).line_ids[:1]

    def _age(self, days, line=None):
        """The line has been above its maximum for ``days`` days."""
        line = line or self._line()
        line.flush_recordset()
        line.sudo().write({"overstock_since": fields.Datetime.now() - timedelta(days=days)})

    def _check(self):
        return self.env["vmi.overstock.case"]._cron_check()

    def _open_case(self, days=30):
        self._age(days)
        cases = self._check()
        self.assertEqual(len(cases), 1)
        return cases.with_env(self.env)


@tagged("post_install", "-at_install")
class TestOverstock(OverstockMixin, VmiCommon):
    """Seed: 6205, maximum 100, agreed price 12.5; 130 received: 30 over."""

    def setUp(self):
        super().setUp()
        self._receive(130)
        self.line = self._line()
        self.Case = self.env["vmi.overstock.case"]

    # ------------------------------------------------------------------
    # Tracking and the daily check
    # ------------------------------------------------------------------
    def test_since_follows_the_status(self):
        self.assertEqual(self.line.stock_status, "above")
        self.assertTrue(self.line.overstock_since, "above the maximum since the receipt")
        since = self.line.overstock_since
        self._consume(10)  # 120: still above, the date stays
        self.assertEqual(self.line.stock_status, "above")
        self.assertEqual(self.line.overstock_since, since)
        self._consume(25)  # 95: back under the maximum
        self.assertEqual(self.line.stock_status, "ok")
        self.assertFalse(self.line.overstock_since)
        self.assertEqual(self.line.last_consumption_date.date(), fields.Date.today())

    def test_cron_opens_after_the_overstock_days(self):
        self._age(29)
        self.assertFalse(self._check(), "29 days above the maximum: not yet")
        self.assertFalse(self.Case.search([("agreement_line_id", "=", self.line.id)]))
        case = self._open_case(30)
        self.assertEqual(case.state, "open")
        self.assertEqual(case.agreement_line_id, self.line)
        self.assertEqual(case.partner_id, self.supplier)
        self.assertEqual(case.qty_on_hand, 130)
        self.assertEqual(case.qty_over, 30)
        self.assertEqual(case.price_unit, 12.5)
        self.assertEqual(case.value, 375)
        self.assertEqual(case.days_above, 30)
        self.assertEqual(case.date_deadline, fields.Date.today() + timedelta(days=14))
        self.assertEqual(case.cause, "no_demand", "nothing consumed and no plan")
        self.assertEqual(self.line.overstock_case_id, case)
        activity = case.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.buyer)
        self.assertEqual(activity.date_deadline, case.date_deadline)
        notification = self.env["vmi.notification"].search(
            [("res_model", "=", case._name), ("res_id", "=", case.id)]
        )
        self.assertEqual(notification.kind, "overstock")
        self.assertEqual(notification.state, "sent")
        self.assertIn(self.supplier_contact, case.message_partner_ids, "the supplier follows the case")
        self.assertEqual(self.agreement.overstock_case_count, 1)

    def test_configurable_deadline_and_days(self):
        self.agreement.write({"overstock_days": 10, "overstock_deadline_days": 7})
        case = self._open_case(10)
        self.assertEqual(case.date_deadline, fields.Date.today() + timedelta(days=7))
        with self.assertRaises(ValidationError):
            self.agreement.overstock_deadline_days = 0

    def test_not_twice(self):
        case = self._open_case()
        self.assertFalse(self._check(), "a second run opens nothing")
        self.assertEqual(self.Case.search_count([("agreement_line_id", "=", self.line.id)]), 1)
        vals = {
            "agreement_id": self.agreement.id,
            "agreement_line_id": self.line.id,
            "date_deadline": fields.Date.today(),
        }
        with self.assertRaises(ValidationError):
            self.Case.with_user(self.buyer).create(vals)
        # The database refuses it too (two runs at once).
        with (
            patch.object(type(self.Case), "_check_one_open_case", lambda self, ids: None),
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.Case.sudo().create(vals)
        # Resolved, a new case may open later.
        case.with_user(self.buyer).action_resolve_keep(reason="Season starts next month")
        self.assertFalse(self.line.overstock_case_id)
        self.assertFalse(self._check(), "kept: not reviewed again the next day")
        self.line.sudo().overstock_reviewed = fields.Datetime.now() - timedelta(days=30)
        self.assertEqual(len(self._check()), 1, "still above 30 days after the last review: a new case")

    def test_inactive_agreement_not_checked(self):
        self._age(40)
        self.agreement.action_close()
        self.assertFalse(self._check())

    # ------------------------------------------------------------------
    # Causes
    # ------------------------------------------------------------------
    def test_cause_below_plan(self):
        self._consume(40)  # 90: under the maximum
        self._receive(40)  # 130: above again, 40 consumed in the window
        line = self.line
        with patch.object(
            type(self.env["vmi.agreement.line"]),
            "_vmi_planned_demand",
            lambda lines, first, last: {ln.id: 90.0 for ln in lines},
        ):
            case = self._open_case()
        self.assertEqual(case.cause, "below_plan")
        self.assertIn("40", case.cause_note)
        self.assertIn("90", case.cause_note)
        self.assertEqual(case.agreement_line_id, line)

    def test_cause_other_without_plan(self):
        self._consume(10)
        self._receive(10)
        case = self._open_case()
        self.assertEqual(case.cause, "other", "consumed, but no plan to compare with")

    def test_cause_quality_hold(self):
        quarantine = self.env["stock.location"].create(
            {
                "name": "Quarantine",
                "location_id": self.vmi_location.id,
                "usage": "internal",
                "scrap_location": True,
            }
        )
        self._move(self.product, 10, self.vmi_location, quarantine, owner=self.supplier)
        self.assertFalse(self.env["vmi.consumption"].search([("agreement_id", "=", self.agreement.id)]))
        case = self._open_case()
        self.assertEqual(case.cause, "quality_hold")
        self.assertIn("Quarantine", case.cause_note)

    # ------------------------------------------------------------------
    # Resolutions
    # ------------------------------------------------------------------
    def test_return_to_supplier(self):
        case = self._open_case().with_user(self.buyer)
        case.action_resolve_return()
        self.assertEqual(case.state, "resolved")
        self.assertEqual(case.resolution, "return")
        picking = case.picking_id
        self.assertTrue(picking)
        self.assertEqual(picking.location_id, self.vmi_location)
        self.assertEqual(picking.location_dest_id.usage, "supplier")
        self.assertEqual(picking.owner_id, self.supplier)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.move_ids.product_uom_qty, 30)
        self.assertFalse(case.activity_ids, "the buyer's to-do is done")
        self.assertIn("return", self.agreement.message_ids[0].body.lower())
        # Validated: the supplier's stock goes back to the maximum, nothing is billed.
        picking.move_ids.quantity = 30
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertFalse(self.env["vmi.consumption"].search([("agreement_id", "=", self.agreement.id)]))
        self.line.invalidate_recordset()
        self.assertEqual(self.line.qty_on_hand, 100)
        self.assertEqual(self.line.stock_status, "ok")
        self.assertFalse(self.line.overstock_since)

    def test_return_more_than_on_hand_refused(self):
        case = self._open_case().with_user(self.buyer)
        with self.assertRaises(ValidationError):
            case.action_resolve_return(qty=500)
        self.assertEqual(case.state, "open")

    def _bill_discount_lines(self, settlement):
        return settlement.bill_id.invoice_line_ids.filtered(
            lambda ln: "Overstock discount" in (ln.name or "")
        )

    def test_discount_settled_up_to_the_agreed_units(self):
        case = self._open_case().with_user(self.buyer)
        case.action_resolve_discount(discount_price=10.0)
        self.assertEqual(case.state, "resolved")
        self.assertEqual(case.qty_resolved, 30)
        self.assertEqual(case.qty_to_discount, 30)
        self._consume(20)
        settlement = self.agreement.with_user(self.accountant)._settle(fields.Date.today())
        lines = self._bill_discount_lines(settlement)
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines.quantity, 20)
        self.assertEqual(lines.price_unit, -2.5)
        self.assertEqual(settlement.amount_untaxed, 20 * 12.5 - 20 * 2.5)
        # The supplier's statement shows the discount under the consumption,
        # as a negative amount, and its totals include it.
        figures = settlement._vmi_statement_figures()
        self.assertEqual([round(e["amount"], 2) for e in figures["extras"]], [-50.0])
        self.assertIn("Overstock discount", figures["extras"][0]["name"])
        self.assertEqual(figures["untaxed"], 200.0)
        case.invalidate_recordset()
        self.assertEqual(case.qty_discounted, 20)
        # The second settlement continues the counter: 10 left of 15 consumed.
        self._consume(15)
        second = self.agreement.with_user(self.accountant)._settle(fields.Date.today())
        self.assertEqual(self._bill_discount_lines(second).quantity, 10)
        self.assertEqual(second.amount_untaxed, 15 * 12.5 - 10 * 2.5)
        case.invalidate_recordset()
        self.assertEqual(case.qty_discounted, 30)
        self.assertEqual(case.qty_to_discount, 0)
        # Never more than agreed.
        self._consume(5)
        third = self.agreement.with_user(self.accountant)._settle(fields.Date.today())
        self.assertFalse(self._bill_discount_lines(third))
        self.assertEqual(third.amount_untaxed, 5 * 12.5)

    def test_discount_given_back_by_a_cancelled_settlement(self):
        case = self._open_case().with_user(self.buyer)
        case.action_resolve_discount(discount_price=10.0, qty=20)
        self._consume(20)
        settlement = self.agreement.with_user(self.accountant)._settle(fields.Date.today())
        self.assertEqual(self._bill_discount_lines(settlement).quantity, 20)
        settlement.with_user(self.accountant).action_cancel()
        case.invalidate_recordset()
        self.assertEqual(case.qty_discounted, 0)
        again = self.agreement.with_user(self.accountant)._settle(fields.Date.today())
        self.assertEqual(self._bill_discount_lines(again).quantity, 20, "discounted once, not twice")

    def test_discount_price_checked(self):
        case = self._open_case().with_user(self.buyer)
        for price in (12.5, 13, -1, "abc"):
            with self.subTest(price=price), self.assertRaises(ValidationError):
                case.action_resolve_discount(discount_price=price)
        self.assertEqual(case.state, "open")

    def test_keep_needs_a_reason(self):
        case = self._open_case().with_user(self.buyer)
        with self.assertRaises(ValidationError):
            case.action_resolve_keep()
        with self.assertRaises(ValidationError):
            case.action_resolve_keep(reason="   ")
        self.assertEqual(case.state, "open")
        case.action_resolve_keep(reason="Needed for the spring campaign")
        self.assertEqual(case.state, "resolved")
        self.assertEqual(case.resolution, "keep")
        self.assertEqual(case.resolution_note, "Needed for the spring campaign")
        with self.assertRaises(UserError):
            case.action_resolve_keep(reason="again")

    def test_cancel_by_managers_only(self):
        user = new_test_user(
            self.env, login="vmi_plain_user", groups="stock_vmi.group_vmi_user,base.group_user"
        )
        case = self._open_case()
        with self.assertRaises(AccessError):
            case.with_user(user).action_cancel()
        case.with_user(self.buyer).action_cancel(reason="Opened by mistake")
        self.assertEqual(case.state, "cancelled")
        self.assertFalse(case.activity_ids)
        self.assertFalse(self.line.overstock_case_id)
        self.assertIn("Opened by mistake", str(case.message_ids[0].body))

    def test_vmi_user_resolves(self):
        user = new_test_user(
            self.env, login="vmi_plain_user", groups="stock_vmi.group_vmi_user,base.group_user"
        )
        case = self._open_case().with_user(user)
        case.action_resolve_return(qty=10)
        self.assertEqual(case.picking_id.move_ids.product_uom_qty, 10)
        self.assertEqual(case.qty_resolved, 10)

    def test_figures_and_status_only_by_buttons(self):
        case = self._open_case().with_user(self.buyer)
        with self.assertRaises(UserError):
            case.write({"state": "resolved"})
        with self.assertRaises(UserError):
            case.write({"qty_over": 1})
        case.write({"resolution_note": "Talking to them", "discount_price": 11})
        self.assertEqual(case.discount_price, 11)

    # ------------------------------------------------------------------
    # The supplier
    # ------------------------------------------------------------------
    def test_supplier_proposes_the_buyer_decides(self):
        case = self._open_case()
        as_supplier = case.with_user(self.portal_user)
        as_supplier.action_supplier_propose("discount", discount_price=11.0, note="Slow mover")
        self.assertEqual(case.state, "proposed")
        self.assertEqual(case.proposal_resolution, "discount")
        self.assertEqual(case.proposal_discount_price, 11)
        self.assertEqual(case.proposed_by, self.portal_user)
        self.assertIn(self.buyer.partner_id, case.message_ids[0].partner_ids, "the buyer is told")
        with self.assertRaises(ValidationError):
            as_supplier.action_supplier_propose("keep")
        with self.assertRaises(ValidationError):
            as_supplier.action_supplier_propose("discount", discount_price=20)
        with self.assertRaises(AccessError):
            as_supplier.action_resolve_discount(discount_price=1.0)
        with self.assertRaises(AccessError):
            as_supplier.action_resolve_keep(reason="mine")
        with self.assertRaises(AccessError):
            as_supplier.write({"resolution_note": "x"})
        self.assertEqual(case.state, "proposed")
        # Another supplier cannot read it, nor propose.
        with self.assertRaises(AccessError):
            case.with_user(self.portal_user_b).read(["qty_over"])
        with self.assertRaises(AccessError):
            case.with_user(self.portal_user_b).action_supplier_propose("return")
        case.with_user(self.buyer).action_accept_proposal()
        self.assertEqual(case.state, "resolved")
        self.assertEqual(case.resolution, "discount")
        self.assertEqual(case.discount_price, 11)
        self.assertEqual(case.qty_resolved, 30)
        with self.assertRaises(UserError):
            as_supplier.action_supplier_propose("return")

    def test_supplier_reads_only_its_cases(self):
        case = self._open_case()
        Case = self.env["vmi.overstock.case"]
        self.assertEqual(Case.with_user(self.portal_user).search([]), case)
        self.assertFalse(Case.with_user(self.portal_user_b).search([]))

    # ------------------------------------------------------------------
    # Back office
    # ------------------------------------------------------------------
    def test_backoffice_views(self):
        """The menu opens the module's list, kanban, pivot and form; the
        filters To Resolve and Overdue find the right cases; the agreement's
        smart button opens its cases."""
        case = self._open_case()
        action = self.env.ref("stock_vmi.action_vmi_overstock_case")
        Case = self.Case.with_user(self.buyer)
        views = [(view_id or False, mode) for view_id, mode in action.views]
        result = Case.get_views([*views, (action.search_view_id.id, "search")])["views"]
        self.assertLessEqual({"list", "kanban", "pivot", "form", "search"}, set(result))
        search = etree.fromstring(result["search"]["arch"])
        pivot = etree.fromstring(result["pivot"]["arch"])
        for name in (n.get("name") for n in pivot.xpath("//field[@type='measure']")):
            self.assertTrue(Case._fields[name].store, f"{name} is stored: a pivot measure")

        def found(name):
            domain = search.xpath(f"//filter[@name='{name}']")[0].get("domain")
            return Case.search(safe_eval(domain, {"uid": self.buyer.id}))

        self.assertEqual(found("to_resolve"), case)
        self.assertFalse(found("overdue"))
        case.sudo().date_deadline = fields.Date.today() - timedelta(days=1)
        self.assertEqual(found("overdue"), case)
        self.assertTrue(case.is_overdue)
        for group_by in ("group_agreement", "group_partner", "group_cause", "group_state"):
            self.assertTrue(search.xpath(f"//filter[@name='{group_by}']"))
        form = etree.fromstring(result["form"]["arch"])
        for button in ("action_resolve_return", "action_resolve_discount", "action_resolve_keep"):
            self.assertTrue(form.xpath(f"//button[@name='{button}']"))
        self.assertTrue(form.xpath("//chatter"))
        with Form(case.with_user(self.buyer)) as edit:
            edit.discount_price = 9.5
            edit.resolution_note = "Offer from the buyer"
        self.assertEqual(case.discount_price, 9.5)
        agreement = self.agreement.with_user(self.buyer)
        self.assertEqual(agreement.overstock_case_count, 1)
        self.assertEqual(Case.search(agreement.action_view_overstock_cases()["domain"]), case)
        agreement_form = self.env["vmi.agreement"].with_user(self.buyer).get_views([(False, "form")])
        self.assertIn("overstock_deadline_days", agreement_form["views"]["form"]["arch"])
        self.assertIn("action_view_overstock_cases", agreement_form["views"]["form"]["arch"])

    # ------------------------------------------------------------------
    # Concurrency: two daily checks at once, on committed data
    # ------------------------------------------------------------------
    @contextmanager
    def _new_env(self):
        """An environment on a separate database connection (not the test
        cursor); the caller commits or it is rolled back on exit."""
        cr = odoo.sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            cr.execute("SET lock_timeout = '10s'")
            # A separate connection, not the test cursor: committing is the point.
            cr.commit()  # pylint: disable=invalid-commit
            yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, QUIET)
        finally:
            cr.close()

    def _committed_overstock(self):
        """Commit an agreement whose line has been 15 over its maximum for 40 days."""
        with self._new_env() as env:
            supplier = env["res.partner"].create({"name": "VMI overstock concurrency", "is_company": True})
            product = env["product.product"].create({"name": "VMI overstock bearing", "is_storable": True})
            warehouse = env["stock.warehouse"].browse(self.warehouse.id)
            location = env["stock.location"].create(
                {"name": "VMI overstock", "usage": "internal", "location_id": warehouse.view_location_id.id}
            )
            agreement = env["vmi.agreement"].create(
                {
                    "name": "VMI/OVERSTOCK-CONCURRENCY",
                    "partner_id": supplier.id,
                    "warehouse_id": warehouse.id,
                    "location_id": location.id,
                    "user_id": False,
                    "line_ids": [
                        Command.create(
                            {"product_id": product.id, "reorder_point": 5, "max_qty": 10, "price_unit": 2}
                        )
                    ],
                }
            )
            agreement.action_activate()
            env["stock.quant"]._update_available_quantity(product, location, 25, owner_id=supplier)
            env.flush_all()
            env.cr.execute(
                "UPDATE vmi_agreement_line SET stock_status = 'above', "
                "overstock_since = now() at time zone 'UTC' - interval '40 days' WHERE agreement_id = %s",
                [agreement.id],
            )
            ids = {
                "partner": supplier.id,
                "product": product.id,
                "template": product.product_tmpl_id.id,
                "location": location.id,
                "agreement": agreement.id,
            }
            env.cr.commit()
        self.addCleanup(self._delete_committed, ids)
        return ids

    def _delete_committed(self, ids):
        """Delete, and commit, everything the concurrency test created."""
        with self._new_env() as env:
            cr = env.cr
            cr.execute("SELECT id FROM vmi_overstock_case WHERE agreement_id = %s", [ids["agreement"]])
            case_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
            for model, res_ids in (("vmi.overstock.case", case_ids), ("vmi.agreement", (ids["agreement"],))):
                cr.execute("DELETE FROM mail_message WHERE model = %s AND res_id IN %s", [model, res_ids])
                cr.execute(
                    "DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s", [model, res_ids]
                )
                cr.execute(
                    "DELETE FROM mail_activity WHERE res_model = %s AND res_id IN %s", [model, res_ids]
                )
            cr.execute("SELECT id FROM vmi_notification WHERE agreement_id = %s", [ids["agreement"]])
            notification_ids = {row[0] for row in cr.fetchall()}
            cr.execute("SELECT id, records FROM queue_job WHERE model_name = 'vmi.notification'")
            job_ids = tuple(
                job_id
                for job_id, records in cr.fetchall()
                if notification_ids & set(json.loads(records or "{}").get("ids", []))
            )
            if job_ids:
                cr.execute("DELETE FROM queue_job WHERE id IN %s", [job_ids])
            cr.execute("DELETE FROM vmi_overstock_case WHERE id IN %s", [case_ids])
            cr.execute("DELETE FROM stock_quant WHERE location_id = %s", [ids["location"]])
            cr.execute("DELETE FROM vmi_agreement WHERE id = %s", [ids["agreement"]])
            cr.execute("DELETE FROM stock_location WHERE id = %s", [ids["location"]])
            cr.execute("DELETE FROM product_product WHERE id = %s", [ids["product"]])
            cr.execute("DELETE FROM product_template WHERE id = %s", [ids["template"]])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [ids["partner"]])
            # Removes what the concurrent transactions committed (separate connection).
            cr.commit()  # pylint: disable=invalid-commit

    def test_concurrent_checks_open_one_case(self):
        """Two daily checks at once: the second skips the line the first
        holds; one whose snapshot predates the first's commit skips it too;
        a later run finds nothing to open. Never an error in the log."""
        ids = self._committed_overstock()
        with self._new_env() as env_a, self._new_env() as env_b, self._new_env() as env_c:
            # C's snapshot is taken before A commits.
            env_c.cr.execute("SELECT count(*) FROM vmi_overstock_case")
            cases = env_a["vmi.overstock.case"]._cron_check()
            self.assertEqual(len(cases), 1)
            self.assertEqual(cases.qty_over, 15)
            env_a.flush_all()
            with self.assertNoLogs("odoo.sql_db", "ERROR"):
                self.assertFalse(env_b["vmi.overstock.case"]._cron_check(), "the line is held: skipped")
            env_b.cr.rollback()
            env_a.cr.commit()
            with self.assertNoLogs("odoo.sql_db", "ERROR"):
                self.assertFalse(env_c["vmi.overstock.case"]._cron_check(), "changed since its snapshot")
            env_c.cr.rollback()
            self.assertFalse(env_b["vmi.overstock.case"]._cron_check(), "the open case is seen")
            env_b.cr.commit()
        with self._new_env() as env:
            self.assertEqual(
                env["vmi.overstock.case"].search_count([("agreement_id", "=", ids["agreement"])]), 1
            )


@tagged("post_install", "-at_install", "is_tour")
class TestOverstockTour(OverstockMixin, VmiPortalCommon):
    """The supplier's overstock pages: 45 on hand + 100 received = 145 above
    the maximum 100 for 30 days: a case of 45 over."""

    def setUp(self):
        super().setUp()
        self._receive(100)
        self.case = self._open_case()

    def test_tour_propose_discount(self):
        self.start_tour("/my/vmi/overstock", "stock_vmi_portal_overstock_discount", login="vmi_portal_a")
        self.assertEqual(self.case.state, "proposed")
        self.assertEqual(self.case.proposal_resolution, "discount")
        self.assertEqual(self.case.proposal_discount_price, 11)
        self.assertEqual(self.case.proposal_note, "Slow mover, we share the cost")

    def test_pages_and_access(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self._get("/my/vmi/overstock")
        self.assertEqual(page.status_code, 200)
        self.assertIn('data-product="6205"', page.text)
        page = self._get(f"/my/vmi/overstock/{self.case.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_vmi_propose_form", page.text)
        self.assertIn('id="discussion"', page.text)
        self.assertRegex(page.text, r'o_vmi_qty_over">\s*45 Units')
        self.assertRegex(page.text, r'o_vmi_value"[\s\S]{0,300}?562\.50')
        self.assertIn('data-cause="no_demand"', page.text)
        self.assertIn(str(self.case.date_deadline.year), page.text)
        self.assertEqual(self._get("/my/vmi/overstock/999999").status_code, 404)
        res = self.make_jsonrpc_request("/my/counters", {"counters": ["vmi_overstock_count"]})
        self.assertEqual(res["vmi_overstock_count"], 1)
        self.authenticate("vmi_portal_b", "vmi_portal_b")
        self.assertEqual(self._get(f"/my/vmi/overstock/{self.case.id}").status_code, 403)
        self.assertNotIn('data-product="6205"', self._get("/my/vmi/overstock").text)
        res = self._post(f"/my/vmi/overstock/{self.case.id}/propose", {"resolution": "return"})
        self.assertEqual(res.status_code, 403)
        self.assertEqual(self.case.state, "open")

    def test_signed_link(self):
        """The e-mail's signed link opens the case read-only without a login;
        without a token the visitor is sent to log in."""
        token = self.case._vmi_portal_token()
        page = self._get(f"/my/vmi/overstock/{self.case.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_vmi_token_notice", page.text)
        self.assertNotIn("o_vmi_propose_form", page.text)
        res = self._get(f"/my/vmi/overstock/{self.case.id}")
        self.assertEqual(res.status_code, 303)
        self.assertIn("/web/login", res.headers["Location"])
        self.assertEqual(self._get(f"/my/vmi/overstock/{self.case.id}?access_token=forged").status_code, 403)

    def test_invalid_proposal_changes_nothing(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        url = f"/my/vmi/overstock/{self.case.id}/propose"
        for data, error in (
            ({"resolution": "discount", "discount_price": "abc"}, "not a valid number"),
            ({"resolution": "discount", "discount_price": "12,5"}, "below the agreed price"),
            ({"resolution": "keep", "note": ""}, "say why"),
            ({"resolution": "nothing"}, "Choose a resolution"),
        ):
            with self.subTest(data=data):
                res = self._post(url, data)
                self.assertEqual(res.status_code, 400)
                self.assertIn(error, res.text)
                self.assertIn("o_vmi_error", res.text)
                self.assertEqual(self.case.state, "open")
        res = self._post(url, {"resolution": "discount", "discount_price": "10,5"})
        self.assertEqual(res.status_code, 303)
        self.assertEqual(self.case.state, "proposed")
        self.assertEqual(self.case.proposal_discount_price, 10.5)

    def test_supplier_comments(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "vmi.overstock.case",
                "thread_id": self.case.id,
                "post_data": {"body": "We can take 30 back next week", "message_type": "comment"},
            },
        )
        self.assertIn("take 30 back", str(self.case.message_ids[0].body))
        self.assertEqual(self.case.message_ids[0].author_id, self.portal_user.partner_id)
