# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools.safe_eval import safe_eval

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestBackofficeViews(VmiCommon):
    """The VMI menus open views that know VMI: their own search views with the
    VMI filters (the default one applied), lists with the VMI status."""

    def _views(self, xmlid):
        action = self.env.ref(xmlid)
        model = self.env[action.res_model].with_user(self.buyer)
        views = [(view_id or False, mode) for view_id, mode in action.views]
        result = model.get_views([*views, (action.search_view_id.id, "search")])["views"]
        return action, {mode: etree.fromstring(view["arch"]) for mode, view in result.items()}

    def _filter_domain(self, search_arch, name):
        """The domain of filter ``name``, evaluated as the web client does
        (``uid``, ``context_today``, ``relativedelta``)."""
        node = search_arch.xpath(f"//filter[@name='{name}']")
        self.assertTrue(node, f"filter {name} in the search view")
        return safe_eval(
            node[0].get("domain"),
            {"uid": self.buyer.id, "context_today": fields.Date.today, "relativedelta": relativedelta},
        )

    def _group_by(self, search_arch, name):
        node = search_arch.xpath(f"//filter[@name='{name}']")
        self.assertTrue(node, f"group-by {name} in the search view")
        return safe_eval(node[0].get("context"))["group_by"]

    def _fields(self, arch):
        return {node.get("name") for node in arch.xpath("//field")}

    def _assert_views(self, action, modes):
        """``action`` offers each of ``modes`` with a view of the module (not
        one Odoo would generate or pick from another module)."""
        View = self.env["ir.ui.view"]
        view_ids = {mode: view_id for view_id, mode in action.views}
        for mode in modes:
            self.assertIn(mode, action.view_mode.split(","), f"{action.name} offers {mode}")
            view = View.browse(view_ids.get(mode) or View.default_view(action.res_model, mode))
            self.assertTrue(view, f"{action.name}: a {mode} view")
            self.assertEqual(view.model_data_id.module, "stock_vmi", f"{action.name}: its own {mode} view")

    def _assert_stored_measures(self, model, arch):
        """Pivot and graph aggregate in SQL: only stored fields are measures."""
        measures = [node.get("name") for node in arch.xpath("//field[@type='measure']")]
        for name in measures:
            self.assertTrue(self.env[model]._fields[name].store, f"{name} is stored")
        return measures

    def test_proposals_menu(self):
        """Replenishment Proposals: the default filter "Waiting for Supplier
        or Buyer" exists in its search view and keeps approved orders out; the
        list shows the VMI status, not Odoo's "RFQ Sent"."""
        action, arch = self._views("stock_vmi.action_vmi_proposals")
        context = safe_eval(action.context)
        self.assertEqual(context.get("search_default_vmi_open"), 1)
        for name in ("vmi_open", "vmi_to_confirm", "vmi_to_approve", "vmi_to_approve_po", "vmi_declined"):
            self._filter_domain(arch["search"], name)
        self.assertTrue(arch["search"].xpath("//filter[@name='group_vmi_state']"))
        self.assertTrue(arch["list"].xpath("//field[@name='vmi_state']"))
        self.assertFalse(arch["list"].xpath("//field[@name='state']"), "Odoo's RFQ status is not shown")

        self._receive(45)
        waiting = self.agreement._run_review()
        waiting_domain = safe_eval(action.domain) + self._filter_domain(arch["search"], "vmi_open")
        found = self.env["purchase.order"].search(waiting_domain)
        self.assertIn(waiting, found)
        waiting.with_user(self.portal_user).action_vmi_supplier_confirm()
        self.assertNotIn(waiting, self.env["purchase.order"].search(waiting_domain))

    def test_products_menu(self):
        """Products and Stock: its search view filters and groups by status,
        and a row opens the line's form (with its smart buttons)."""
        action, arch = self._views("stock_vmi.action_vmi_agreement_line")
        self.assertIn("form", action.view_mode)
        self.assertEqual(self._filter_domain(arch["search"], "below"), [("stock_status", "=", "below")])
        self.assertTrue(arch["search"].xpath("//filter[@name='group_status']"))
        buttons = {b.get("name") for b in arch["form"].xpath("//div[@name='button_box']/button")}
        self.assertEqual(buttons, {"action_view_quants", "action_view_moves", "action_view_consumption"})

    def _open(self, kind, agreement=None):
        action = (agreement or self.agreement).with_context(attention=kind).action_open_attention()
        return self.env[action["res_model"]].search(action["domain"])

    def test_overview_counters(self):
        """The buyer's overview counts, per agreement, what needs attention
        today, and each counter opens those records."""
        agreement = self.agreement.with_user(self.buyer)
        self._receive(45)
        # 45 below 50, nothing incoming, no proposal: red.
        self.assertEqual((agreement.attention_below_count, agreement.attention_color), (1, 1))
        self.assertEqual(self._open("below"), self.agreement.line_ids)
        # A proposal is open: the line is in hand; the proposal is not late yet.
        order = self.agreement._run_review()
        agreement.invalidate_recordset()
        self.assertEqual(agreement.attention_below_count, 0)
        self.assertEqual(agreement.attention_late_count, 0)
        # Three days later, still unanswered: late.
        self.env.cr.execute(
            "UPDATE purchase_order SET create_date = now() - interval '3 days' WHERE id = %s", [order.id]
        )
        order.invalidate_recordset()
        agreement.invalidate_recordset()
        self.assertEqual(agreement.attention_late_count, 1)
        self.assertEqual(self._open("late"), order)
        self.assertEqual(agreement.attention_color, 2, "orange: late, nothing urgent")
        # The supplier adjusts beyond the tolerance: the buyer approves.
        order.with_user(self.portal_user).action_vmi_supplier_adjust(
            quantities={str(order.order_line.id): 80}
        )
        agreement.invalidate_recordset()
        self.assertEqual((agreement.attention_to_approve_count, agreement.attention_late_count), (1, 0))
        self.assertEqual(self._open("to_approve"), order)
        self.assertEqual(agreement.attention_color, 1)
        # Another agreement's figures stay its own.
        other = self._create_agreement(self.supplier_b, [(self.product_2, 0, 10, 1.0)])
        self.assertEqual(other.attention_count, 0)
        self.assertEqual(other.attention_color, 0)
        with self.assertRaises(UserError):
            agreement.with_context(attention="nonsense").action_open_attention()

    def test_overview_action(self):
        """VMI > Overview opens the agreements' kanban."""
        action, arch = self._views("stock_vmi.action_vmi_overview")
        self.assertEqual(action.res_model, "vmi.agreement")
        self.assertTrue(arch["kanban"].xpath("//a[@name='action_open_attention']"))

    def test_settlement_thread_open_to_readers(self):
        """The accountant (who only reads settlements) answers a dispute in
        the settlement's thread; so does the buyer."""
        self._receive(20)
        self._consume(4)
        settlement = self.agreement.with_user(self.accountant)._settle(fields.Date.today())
        for user in (self.accountant, self.buyer):
            message = settlement.with_user(user).message_post(
                body="We checked the counts.", message_type="comment"
            )
            self.assertEqual(message.author_id, user.partner_id)
        with self.assertRaises(AccessError):
            settlement.with_user(self.accountant).write({"date_to": fields.Date.today()})

    def test_settlement_wizard_defaults(self):
        """From the menu the wizard proposes the agreements whose settlement is
        due and their agreed settlement day as cut-off, not today; from an
        agreement, that agreement."""
        self.agreement.date_start = date(2026, 1, 1)
        other = self._create_agreement(self.supplier_b, [(self.product_2, 0, 10, 1.0)])
        other.date_start = date(2026, 3, 27)  # nothing due yet
        Wizard = self.env["vmi.settlement.wizard"].with_user(self.accountant)
        with freeze_time("2026-03-27 10:00:00"):
            form = Form(Wizard)
            self.assertEqual(form.cutoff_date, date(2026, 3, 25))
            self.assertEqual([r.id for r in form.agreement_ids], self.agreement.ids)
            form = Form(Wizard.with_context(active_model="vmi.agreement", active_ids=other.ids))
            self.assertEqual([r.id for r in form.agreement_ids], other.ids)
            self.assertEqual(form.cutoff_date, date(2026, 3, 25), "its last settlement day that is over")
            action = self.agreement.action_open_settlement_wizard()
            form = Form(Wizard.with_context(**action["context"]))
            self.assertEqual([r.id for r in form.agreement_ids], self.agreement.ids)
            self.assertEqual(form.cutoff_date, date(2026, 3, 25))

    def test_agreement_views(self):
        """Agreements: a kanban (supplier, status, attention counters) and an
        activity view; the filters To Review, Expiring and My Activities find
        the right agreements; group-bys by supplier, status and company."""
        self.buyer.groups_id += self.env.ref("base.group_multi_company")
        action, arch = self._views("stock_vmi.action_vmi_agreement")
        self._assert_views(action, ["list", "kanban", "form", "activity"])
        self.assertEqual(action.view_mode.split(",")[0], "list")
        self.assertLessEqual(
            {"partner_id", "state", "attention_count", "attention_below_count", "activity_ids"},
            self._fields(arch["kanban"]),
        )
        self.assertEqual(arch["kanban"].get("highlight_color"), "attention_color")
        self.assertNotEqual(
            {m: v for v, m in action.views}["kanban"],
            self.env.ref("stock_vmi.vmi_agreement_view_kanban_overview").id,
            "the agreements' own kanban, not the overview's",
        )
        self.assertIn("partner_id", self._fields(arch["activity"]))
        search = arch["search"]
        self.assertEqual(self._group_by(search, "group_partner"), "partner_id")
        self.assertEqual(self._group_by(search, "group_state"), "state")
        self.assertEqual(self._group_by(search, "group_company"), "company_id")

        Agreement = self.env["vmi.agreement"].with_user(self.buyer)
        other = self._create_agreement(self.supplier_b, [(self.product_2, 0, 10, 1.0)])
        draft = self._create_agreement(self.supplier_b, [(self.product_2, 0, 10, 1.0)], activate=False)
        mine = self.agreement | other | draft
        with freeze_time("2026-03-10 10:00:00"):
            today = fields.Date.today()
            mine.date_start = today - timedelta(days=60)
            self.agreement.write({"next_review_date": today, "date_end": today + timedelta(days=30)})
            other.write(
                {"next_review_date": today + timedelta(days=1), "date_end": today + timedelta(days=31)}
            )
            draft.write(
                {"next_review_date": today - timedelta(days=5), "date_end": today + timedelta(days=3)}
            )
            to_review = Agreement.search(self._filter_domain(search, "to_review")) & mine
            self.assertEqual(to_review, self.agreement, "due today, active; not tomorrow, not a draft")
            expiring = Agreement.search(self._filter_domain(search, "expiring")) & mine
            self.assertEqual(expiring, self.agreement, "ends within 30 days; not in 31, not a draft")
            other.date_end = today - timedelta(days=1)
            self.assertNotIn(other, Agreement.search(self._filter_domain(search, "expiring")), "already over")

        self.assertFalse(Agreement.search(self._filter_domain(search, "my_activities")) & mine)
        other.activity_schedule("mail.mail_activity_data_todo", user_id=self.buyer.id)
        self.assertEqual(Agreement.search(self._filter_domain(search, "my_activities")) & mine, other)

    def test_products_views(self):
        """Products and Stock: kanban, pivot and graph; the pivot's measures
        are stored fields (reorder point, maximum), the graph counts the lines
        by status."""
        action, arch = self._views("stock_vmi.action_vmi_agreement_line")
        self._assert_views(action, ["list", "kanban", "form", "pivot", "graph"])
        self.assertLessEqual(
            {
                "product_id",
                "partner_id",
                "stock_status",
                "qty_on_hand",
                "qty_incoming",
                "reorder_point",
                "max_qty",
            },
            self._fields(arch["kanban"]),
        )
        measures = self._assert_stored_measures("vmi.agreement.line", arch["pivot"])
        self.assertEqual(measures, ["reorder_point", "max_qty"])
        self.assertIn("stock_status", self._fields(arch["pivot"]))
        self._assert_stored_measures("vmi.agreement.line", arch["graph"])
        self.assertIn("stock_status", self._fields(arch["graph"]))

    def _settlement(self, date_to, **vals):
        return self.env["vmi.settlement"].create(
            {
                "agreement_id": self.agreement.id,
                "date_from": date_to - relativedelta(months=1),
                "date_to": date_to,
                **vals,
            }
        )

    def test_settlement_views(self):
        """Settlements: kanban, calendar on the cut-off, pivot, graph and
        activities; the filters Draft, Cut-off This Month and Cut-off Last
        Month find the right settlements (also on the 31st, when last month
        is shorter); group-bys by supplier, agreement and status."""
        action, arch = self._views("stock_vmi.action_vmi_settlement")
        self._assert_views(action, ["list", "kanban", "form", "calendar", "pivot", "graph", "activity"])
        self.assertEqual(arch["calendar"].get("date_start"), "date_to")
        self.assertLessEqual(
            {"partner_id", "agreement_id", "state", "amount_untaxed"}, self._fields(arch["kanban"])
        )
        self.assertEqual(self._assert_stored_measures("vmi.settlement", arch["pivot"]), ["amount_untaxed"])
        self.assertEqual(self._assert_stored_measures("vmi.settlement", arch["graph"]), ["amount_untaxed"])
        self.assertIn("name", self._fields(arch["activity"]))
        search = arch["search"]
        self.assertEqual(self._group_by(search, "group_partner"), "partner_id")
        self.assertEqual(self._group_by(search, "group_agreement"), "agreement_id")
        self.assertEqual(self._group_by(search, "group_state"), "state")

        january = self._settlement(date(2026, 1, 25))
        february = self._settlement(date(2026, 2, 28))
        march = self._settlement(date(2026, 3, 1), state="billed")
        april = self._settlement(date(2026, 4, 1))
        Settlement = self.env["vmi.settlement"].with_user(self.buyer)

        def found(name):
            return Settlement.search(
                [("agreement_id", "=", self.agreement.id), *self._filter_domain(search, name)]
            )

        self.assertEqual(found("draft"), january | february | april)
        for now in ("2026-03-15 10:00:00", "2026-03-31 10:00:00"):
            with self.subTest(now=now), freeze_time(now):
                self.assertEqual(found("date_to_this_month"), march)
                self.assertEqual(found("date_to_last_month"), february)
        with freeze_time("2026-01-31 10:00:00"):
            self.assertEqual(found("date_to_this_month"), january)
            self.assertFalse(found("date_to_last_month"))

    def test_proposals_views(self):
        """Replenishment Proposals: their own kanban, calendar on the planned
        delivery, pivot and graph by VMI status, and activities, not Odoo's
        purchase views (which show the RFQ status)."""
        action, arch = self._views("stock_vmi.action_vmi_proposals")
        # The form is Odoo's purchase form, with the VMI additions (purchase_order_form_vmi).
        self._assert_views(action, ["list", "kanban", "calendar", "pivot", "graph", "activity"])
        for mode in ("kanban", "calendar", "pivot", "graph", "activity"):
            with self.subTest(mode=mode):
                self.assertIn("vmi_state", self._fields(arch[mode]))
                self.assertNotIn("state", self._fields(arch[mode]), "Odoo's RFQ status is not shown")
        self.assertEqual(arch["calendar"].get("date_start"), "date_planned")
        self._assert_stored_measures("purchase.order", arch["pivot"])
        self.assertEqual([n.get("name") for n in arch["pivot"].xpath("//field[@type='col']")], ["vmi_state"])
        self.assertIn("vmi_state", [n.get("name") for n in arch["graph"].xpath("//field[not(@type)]")])

    def test_consumption_group_by_supplier(self):
        """Consumption groups by supplier too."""
        _action, arch = self._views("stock_vmi.action_vmi_consumption")
        self.assertEqual(self._group_by(arch["search"], "group_partner"), "partner_id")
