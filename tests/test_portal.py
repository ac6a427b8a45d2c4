# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import datetime, time, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from ..logic import rules
from .common import VmiCommon


class VmiPortalCommon(VmiCommon, HttpCase):
    """The seed on the portal: 45 pcs of 6205 in the VMI location (below the
    reorder point 50), a proposal of 55 waiting for the supplier, and a
    statement of 85 pcs consumed, for supplier A; supplier B has its own
    agreement and proposal."""

    def setUp(self):
        super().setUp()
        self._receive(45)
        self.agreement.next_review_date = fields.Date.today()
        self.order = self.agreement._run_review()
        self.order_line = self.order.order_line
        self.agreement_b = self._create_agreement(self.supplier_b, [(self.product_2, 10, 40, 15.0)])
        self.order_b = self.agreement_b._run_review()

    def _make_statement(self, consumed=85):
        """Receive what the proposal brings, consume ``consumed`` and settle:
        the statement (settlement) with its draft bill."""
        self.order.with_user(self.portal_user).action_vmi_supplier_confirm()
        self._validate_receipt(self.order)
        self._consume(consumed)
        return self.agreement.with_user(self.accountant)._settle(fields.Date.today())

    # HTTP helpers
    def _get(self, url, **kw):
        return self.url_open(url, allow_redirects=False, **kw)

    def _csrf(self):
        page = self.url_open("/my/home")  # follows the language redirect, if any
        self.assertEqual(page.status_code, 200)
        return re.search(r'csrf_token: "([^"]+)"', page.text).group(1)

    def _post(self, url, data=None):
        data = dict(data or {}, csrf_token=self._csrf())
        return self.url_open(url, data=data, allow_redirects=False)


@tagged("post_install", "-at_install")
class TestPortalPages(VmiPortalCommon):
    """What the supplier reads, and the answers it gives, over HTTP."""

    def test_home_counters(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        res = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["vmi_agreement_count", "vmi_proposal_count", "vmi_statement_count"]}
        )
        self.assertEqual(res, {"vmi_agreement_count": 1, "vmi_proposal_count": 1, "vmi_statement_count": 0})
        statement = self._make_statement()
        counters = ["vmi_proposal_count", "vmi_statement_count"]
        res = self.make_jsonrpc_request("/my/counters", {"counters": counters})
        self.assertEqual(res["vmi_statement_count"], 1)
        statement.with_user(self.portal_user).action_supplier_approve()
        res = self.make_jsonrpc_request("/my/counters", {"counters": counters})
        self.assertEqual(res["vmi_statement_count"], 0)
        self.assertEqual(res["vmi_proposal_count"], 0, "the confirmed proposal no longer counts")

    def test_agreement_page(self):
        """Seed step 2 on the portal: on hand 45 below the reorder point 50,
        the monthly consumption and the agreed rules."""
        self._consume(5)
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self._get(f"/my/vmi/agreement/{self.agreement.id}")
        self.assertEqual(page.status_code, 200)
        row = re.search(r'<tr class="o_vmi_line" data-product="6205".*?</tr>', page.text, re.DOTALL).group(0)
        self.assertRegex(row, r'o_vmi_on_hand"[^>]*>\s*40\s*<')
        self.assertRegex(row, r'o_vmi_reorder_point"[^>]*>\s*50\s*<')
        self.assertRegex(row, r'o_vmi_max"[^>]*>\s*100\s*<')
        self.assertIn('data-status="below"', row)
        self.assertRegex(row, r'o_vmi_incoming"[^>]*>\s*0\s*<')
        # This month's consumption (5) in the last month column.
        self.assertRegex(row, r'o_vmi_month">\s*5\s*</td>\s*<td class="text-end o_vmi_avg')
        self.assertIn(self.agreement.name, page.text)
        self.assertIn('id="discussion"', page.text, "the chatter is on the page")
        self.assertIn("o_vmi_open_proposals", page.text)
        # Supplier B's product is not on A's page.
        self.assertNotIn("6206", row)
        self.assertNotIn('data-product="6206"', page.text)

    def test_pages_in_chinese(self):
        """A supplier whose language is zh_CN reads the pages in Chinese (the
        module's zh_CN terms, loaded as a language install does)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"], overwrite=True)
        self.portal_user.lang = "zh_CN"
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        # The portal redirects to the user's language prefix (/zh_CN/...).
        page = self.url_open(f"/my/vmi/agreement/{self.agreement.id}").text
        for term in ("库存与消耗", "约定规则", "低于补货线"):
            self.assertIn(term, page)
        self.assertNotIn("Stock and consumption", page)
        page = self.url_open(f"/my/vmi/proposal/{self.order.id}").text
        self.assertIn("按建议确认", page)
        self.assertNotIn("Confirm as Proposed", page)
        # A refusal comes back in Chinese too.
        res = self._post(f"/my/vmi/proposal/{self.order.id}/adjust", {f"qty_{self.order_line.id}": "-5"})
        self.assertEqual(res.status_code, 400)
        self.assertIn("数量不能为负数", res.text)
        self.assertEqual(self.order_line.product_qty, 55)

    def test_agreement_chatter(self):
        """Supplier and buyer discuss on the agreement: the supplier's portal
        user posts from the page (Odoo's portal chatter route); another
        supplier cannot post there."""
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        post = {
            "thread_model": "vmi.agreement",
            "thread_id": self.agreement.id,
            "post_data": {"body": "Can we raise the maximum to 120?", "message_type": "comment"},
        }
        self.make_jsonrpc_request("/mail/message/post", post)
        message = self.agreement.message_ids[0]
        self.assertIn("raise the maximum", str(message.body))
        self.assertEqual(message.author_id, self.portal_user.partner_id)
        self.authenticate("vmi_portal_b", "vmi_portal_b")
        count = len(self.agreement.message_ids)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request("/mail/message/post", post)
        self.assertEqual(len(self.agreement.message_ids), count)

    def _line_row(self, page, product="6205"):
        return re.search(
            rf'<tr class="o_vmi_proposal_line" data-product="{product}".*?</tr>'
            r'\s*(<tr class="o_vmi_reason_row">.*?</tr>)?',
            page.text,
            re.DOTALL,
        ).group(0)

    def test_proposal_page_figures(self):
        """The supplier plans from the proposal page: on hand 45, incoming 0,
        reorder point 50, maximum 100, 55 proposed and why, 12.50 a piece,
        687.50 in all, and a thread to discuss it."""
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self._get(f"/my/vmi/proposal/{self.order.id}")
        self.assertEqual(page.status_code, 200)
        row = self._line_row(page)
        for css, value in (
            ("on_hand", "45"),
            ("incoming", "0"),
            ("reorder_point", "50"),
            ("max", "100"),
            ("proposed", "55"),
        ):
            self.assertRegex(row, rf'o_vmi_{css}"[^>]*>\s*{value}\s*<', css)
        self.assertIn('data-max="100.0"', row)
        self.assertRegex(row, r"o_vmi_price.*?12\.50")
        self.assertRegex(row, r"o_vmi_amount.*?687\.50")
        self.assertIn("below the reorder point of 50: 55 fills it up to the maximum of 100", row)
        self.assertRegex(row, r'o_vmi_warn_above d-none"')
        self.assertRegex(page.text, r"o_vmi_total.*?687\.50")
        self.assertIn('id="discussion"', page.text)
        self.assertRegex(page.text, r'data-token="[0-9a-f-]{36}"', "the supplier may post on the thread")

    def test_proposal_waiting_for_buyer(self):
        """After an adjustment beyond tolerance the page says the quantity is
        the supplier's, not ordered yet, and that 45 + 80 passes the maximum."""
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        self._post(f"/my/vmi/proposal/{self.order.id}/adjust", {f"qty_{self.order_line.id}": "80"})
        page = self._get(f"/my/vmi/proposal/{self.order.id}")
        self.assertIn("o_vmi_waiting_buyer", page.text)
        self.assertIn("Your Quantity", page.text)
        self.assertNotRegex(page.text, r"<th[^>]*>\s*Ordered\s*</th>")
        row = self._line_row(page)
        self.assertRegex(row, r'o_vmi_ordered"[^>]*>\s*80\s*<')
        self.assertRegex(row, r'o_vmi_warn_above "')
        self.assertRegex(row, r"o_vmi_amount.*?1,000\.00")

    def test_proposal_and_statement_chatter(self):
        """The supplier discusses a proposal (with purchase's access token,
        as on the page) and a statement from their portal pages; another
        supplier cannot post on them."""
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self._get(f"/my/vmi/proposal/{self.order.id}")
        token = re.search(r'data-token="([^"]+)"', page.text).group(1)
        post = {
            "thread_model": "purchase.order",
            "thread_id": self.order.id,
            "post_data": {"body": "Can you take 60 instead?", "message_type": "comment"},
            "token": token,
        }
        self.make_jsonrpc_request("/mail/message/post", post)
        message = self.order.message_ids[0]
        self.assertIn("take 60", str(message.body))
        self.assertEqual(message.author_id, self.portal_user.partner_id)
        statement = self._make_statement()
        page = self._get(f"/my/vmi/statement/{statement.id}")
        self.assertIn('id="discussion"', page.text)
        statement_post = {
            "thread_model": "vmi.settlement",
            "thread_id": statement.id,
            "post_data": {"body": "Line 2 counts 80 for us", "message_type": "comment"},
        }
        self.make_jsonrpc_request("/mail/message/post", statement_post)
        self.assertIn("counts 80", str(statement.message_ids[0].body))
        self.authenticate("vmi_portal_b", "vmi_portal_b")
        counts = len(self.order.message_ids), len(statement.message_ids)
        for data in ({**post, "token": None}, statement_post):
            with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                self.make_jsonrpc_request("/mail/message/post", data)
        self.assertEqual((len(self.order.message_ids), len(statement.message_ids)), counts)

    def test_agreement_columns_add_up_to_the_average(self):
        """The three consumption columns are the periods of the monthly
        average: 7 + 11 + 12 = 30, an average of 10."""
        self._receive(100)
        windows = rules.consumption_windows(fields.Date.today(), 3)
        for qty, (first, _last) in zip((7, 11, 12), windows, strict=True):
            self._consume(qty)
            record = self.env["vmi.consumption"].search([], order="id desc", limit=1)
            record.sudo().date = datetime.combine(first, time(0, 0, 1))
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self._get(f"/my/vmi/agreement/{self.agreement.id}")
        row = re.search(r'<tr class="o_vmi_line" data-product="6205".*?</tr>', page.text, re.DOTALL).group(0)
        self.assertEqual(re.findall(r'o_vmi_month">\s*([\d.,]+)\s*<', row), ["7", "11", "12"])
        self.assertRegex(row, r'o_vmi_avg">\s*10\s*<')
        self.assertIn(f"{windows[0][0].day} – ", page.text.replace("\u2009", " "))
        self.assertNotIn("d-none d-sm-table-cell", row, "a phone keeps every figure")

    def test_agreement_page_query_count_does_not_grow_with_lines(self):
        """The page reads all lines' figures in batches: ten more products
        cost no more queries."""
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        url = f"/my/vmi/agreement/{self.agreement.id}"
        self._get(url)  # warm-up (assets, caches)
        self.env.cr.execute("SELECT 1")
        before = self.env.cr.sql_log_count
        self._get(url)
        small = self.env.cr.sql_log_count - before
        products = self.env["product.product"].create(
            [{"name": f"Bearing {n}", "is_storable": True} for n in range(10)]
        )
        self.agreement.sudo().write(
            {
                "line_ids": [
                    Command.create({"product_id": p.id, "reorder_point": 5, "max_qty": 10, "price_unit": 1})
                    for p in products
                ]
            }
        )
        self.env.flush_all()
        self._get(url)  # warm-up again: creating records clears the template caches
        before = self.env.cr.sql_log_count
        page = self._get(url)
        large = self.env.cr.sql_log_count - before
        self.assertEqual(page.text.count('class="o_vmi_line"'), 11)
        self.assertLessEqual(large, small + 3, f"{small} queries for 1 line, {large} for 11")

    def test_confirm(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        res = self._post(f"/my/vmi/proposal/{self.order.id}/confirm")
        self.assertEqual(res.status_code, 303)
        self.assertIn("message=confirmed", res.headers["Location"])
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order.state, "purchase")
        self.assertEqual(self.order.vmi_confirmed_by, self.portal_user)

    def test_adjust_within_tolerance(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        promised = fields.Date.today() + timedelta(days=5)
        res = self._post(
            f"/my/vmi/proposal/{self.order.id}/adjust",
            {f"qty_{self.order_line.id}": "58", "date_planned": promised.isoformat(), "note": "two boxes"},
        )
        self.assertEqual(res.status_code, 303)
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order_line.product_qty, 58)
        self.assertEqual(self.order.date_planned.date(), promised)
        self.assertEqual(self.order.vmi_supplier_note, "two boxes")

    def test_adjust_beyond_tolerance_waits_for_buyer(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        res = self._post(f"/my/vmi/proposal/{self.order.id}/adjust", {f"qty_{self.order_line.id}": "80"})
        self.assertEqual(res.status_code, 303)
        self.assertEqual(self.order.vmi_state, "to_approve")
        self.assertEqual(self.order_line.product_qty, 80)
        self.assertIn(self.buyer, self.order.activity_ids.user_id, "the buyer is asked to approve")

    def _assert_refused(self, data, message):
        res = self._post(f"/my/vmi/proposal/{self.order.id}/adjust", data)
        self.assertEqual(res.status_code, 400)
        self.assertIn(message, res.text)
        self.assertEqual(self.order.vmi_state, "to_confirm")
        self.assertEqual(self.order_line.product_qty, 55)
        self.assertFalse(self.order.vmi_confirmed_by)

    def test_adjust_invalid_quantities_change_nothing(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        line = f"qty_{self.order_line.id}"
        self._assert_refused({line: "-5"}, "cannot be negative")
        self._assert_refused({line: "abc"}, "must be numbers")
        self._assert_refused({line: "nan"}, "must be numbers")
        self._assert_refused({line: "1e12"}, "far above what the agreement allows")
        self._assert_refused({f"qty_{self.order_b.order_line.id}": "10"}, "is not part of proposal")
        self._assert_refused({line: "58", "date_planned": "2026-02-30"}, "not a valid date")
        self._assert_refused({line: "58", "date_planned": "2001-01-01"}, "cannot be in the past")
        self._assert_refused({}, "Change a quantity or the promised date")
        # A valid line with an invalid one: nothing of the valid one is kept.
        self._assert_refused(
            {line: "58", f"qty_{self.order_b.order_line.id}": "10"}, "is not part of proposal"
        )

    def test_answer_twice_refused(self):
        """An approved proposal (double click, second tab) cannot be changed."""
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        self.assertEqual(self._post(f"/my/vmi/proposal/{self.order.id}/confirm").status_code, 303)
        for action, data in (
            ("confirm", {}),
            ("adjust", {f"qty_{self.order_line.id}": "58"}),
            ("decline", {"reason": "too late"}),
        ):
            res = self._post(f"/my/vmi/proposal/{self.order.id}/{action}", data)
            self.assertEqual(res.status_code, 400, action)
            self.assertIn("can no longer be changed", res.text)
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order_line.product_qty, 55)
        self.assertEqual(len(self.order.picking_ids), 1)

    def test_decline(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        res = self._post(f"/my/vmi/proposal/{self.order.id}/decline", {"reason": "   "})
        self.assertEqual(res.status_code, 400)
        self.assertEqual(self.order.vmi_state, "to_confirm")
        res = self._post(f"/my/vmi/proposal/{self.order.id}/decline", {"reason": "Plant closed that week"})
        self.assertEqual(res.status_code, 303)
        self.assertEqual(self.order.vmi_state, "declined")
        self.assertEqual(self.order.state, "cancel")
        self.assertEqual(self.order.vmi_decline_reason, "Plant closed that week")

    def test_post_without_csrf_token_refused(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        res = self.url_open(
            f"/my/vmi/proposal/{self.order.id}/confirm", data={"note": "no token"}, allow_redirects=False
        )
        self.assertEqual(res.status_code, 400)
        self.assertEqual(self.order.vmi_state, "to_confirm")

    def test_get_on_action_route_refused(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        res = self._get(f"/my/vmi/proposal/{self.order.id}/confirm")
        self.assertEqual(res.status_code, 405)
        self.assertEqual(self.order.vmi_state, "to_confirm")

    def test_lists(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self._get("/my/vmi/agreements")
        self.assertIn(self.agreement.name, page.text)
        self.assertNotIn(self.agreement_b.name, page.text)
        page = self._get("/my/vmi/proposals")
        self.assertIn(self.order.name, page.text)
        self.assertNotIn(self.order_b.name, page.text)
        statement = self._make_statement()
        page = self._get("/my/vmi/statements")
        self.assertIn(statement.name, page.text)

    def test_statement_page_and_pdf(self):
        statement = self._make_statement()
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self._get(f"/my/vmi/statement/{statement.id}")
        self.assertEqual(page.status_code, 200)
        row = re.search(
            r'<tr class="o_vmi_statement_line" data-product="6205".*?</tr>', page.text, re.DOTALL
        ).group(0)
        self.assertRegex(row, r'o_vmi_consumed">85<')
        self.assertIn("o_vmi_approve", page.text)
        pdf = self._get(f"/my/vmi/statement/{statement.id}?report_type=pdf&download=1")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", pdf.headers["Content-Disposition"])
        html = self._get(f"/my/vmi/statement/{statement.id}?report_type=html")
        self.assertEqual(html.status_code, 200)
        self.assertIn("6205", html.text)

    def test_statement_approve_and_dispute(self):
        statement = self._make_statement()
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        res = self._post(f"/my/vmi/statement/{statement.id}/dispute", {"reason": ""})
        self.assertEqual(res.status_code, 400)
        self.assertEqual(statement.supplier_state, "pending")
        res = self._post(f"/my/vmi/statement/{statement.id}/dispute", {"reason": "We count 80"})
        self.assertEqual(res.status_code, 303)
        self.assertEqual(statement.supplier_state, "disputed")
        self.assertEqual(statement.supplier_dispute_reason, "We count 80")

    def test_dispute_reason_with_markup_shown_as_text(self):
        """The portal's statement page shows a reason with markup as the text typed."""
        statement = self._make_statement()
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        res = self._post(f"/my/vmi/statement/{statement.id}/dispute", {"reason": "<b>late</b> & <script>"})
        self.assertEqual(res.status_code, 303)
        self.assertEqual(statement.supplier_dispute_reason, "<b>late</b> & <script>")
        page = self._get(f"/my/vmi/statement/{statement.id}")
        self.assertIn("&lt;b&gt;late&lt;/b&gt; &amp; &lt;script&gt;", page.text)
        self.assertNotIn("<b>late</b>", page.text)

    def test_invitation(self):
        """One click grants portal access to the supplier's contacts."""
        contact = self.env["res.partner"].create(
            {"name": "Zhang Wei", "parent_id": self.supplier.id, "email": "zhang@supplier.example.com"}
        )
        no_mail = self.env["res.partner"].create({"name": "No Mail", "parent_id": self.supplier.id})
        action = self.agreement.with_user(self.buyer).action_invite_supplier_contacts()
        self.assertTrue(contact.user_ids._is_portal())
        self.assertFalse(no_mail.user_ids)
        message = action["params"]["message"]
        self.assertIn("Zhang Wei", message)
        self.assertIn("No Mail", message)
        self.assertIn(self.portal_user.partner_id.name, message, "already on the portal")
        self.assertIn("Zhang Wei", self.agreement.message_ids[0].body)
        # A plain VMI user cannot.
        vmi_user = new_test_user(self.env, login="vmi_plain_user", groups="stock_vmi.group_vmi_user")
        with self.assertRaises(AccessError):
            self.agreement.with_user(vmi_user).action_invite_supplier_contacts()


@tagged("post_install", "-at_install")
class TestPortalAccess(VmiPortalCommon):
    """Supplier B reaches none of supplier A's records, on any route, with
    or without a token; visitors need a valid, unexpired token to read, and
    cannot act."""

    def setUp(self):
        super().setUp()
        self.statement = self._make_statement()
        # 100 received, 85 consumed: 15 left, a new proposal waits.
        self.order_open = self.agreement._run_review()
        self.assertTrue(self.order_open)
        self.reads = {
            "agreement": f"/my/vmi/agreement/{self.agreement.id}",
            "proposal": f"/my/vmi/proposal/{self.order.id}",
            "statement": f"/my/vmi/statement/{self.statement.id}",
            "pdf": f"/my/vmi/statement/{self.statement.id}?report_type=pdf&download=1",
        }
        self.tokens = {
            "agreement": self.agreement._vmi_portal_token(),
            "proposal": self.order._vmi_portal_token(),
            "statement": self.statement._vmi_portal_token(),
            "pdf": self.statement._vmi_portal_token(),
        }
        self.actions = {
            f"/my/vmi/proposal/{self.order_b.id}/{verb}": data
            for verb, data in (
                ("confirm", {}),
                ("adjust", {f"qty_{self.order_b.order_line.id}": "41"}),
                ("decline", {"reason": "not mine"}),
            )
        }

    def _with_token(self, url, token):
        return url + ("&" if "?" in url else "?") + "access_token=" + token

    def test_other_supplier_gets_403_on_every_read(self):
        self.authenticate("vmi_portal_b", "vmi_portal_b")
        for name, url in self.reads.items():
            self.assertEqual(self._get(url).status_code, 403, name)
            # A's own (valid) token does not widen B's access.
            self.assertEqual(self._get(self._with_token(url, self.tokens[name])).status_code, 403, name)
        for name, url in self.reads.items():
            missing = re.sub(r"/(\d+)", "/999999", url, count=1)
            self.assertEqual(self._get(missing).status_code, 404, name)

    def test_other_supplier_gets_403_on_every_action(self):
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        for url, data in self.actions.items():
            self.assertEqual(self._post(url, data).status_code, 403, url)
            self.assertEqual(
                self._post(url + f"?access_token={self.order_b._vmi_portal_token()}", data).status_code, 403
            )
        self.assertEqual(self.order_b.vmi_state, "to_confirm")
        self.assertEqual(self.order_b.order_line.product_qty, 40)
        self.authenticate("vmi_portal_b", "vmi_portal_b")
        for verb, data in (("approve", {}), ("dispute", {"reason": "not mine"})):
            res = self._post(f"/my/vmi/statement/{self.statement.id}/{verb}", data)
            self.assertEqual(res.status_code, 403, verb)
        self.assertEqual(self.statement.supplier_state, "pending")
        self.assertEqual(self._post("/my/vmi/proposal/999999/confirm").status_code, 404)

    def test_other_supplier_lists_are_empty(self):
        self.authenticate("vmi_portal_b", "vmi_portal_b")
        for url, name in (
            ("/my/vmi/agreements", self.agreement.name),
            ("/my/vmi/proposals?filterby=all", self.order.name),
            ("/my/vmi/statements", self.statement.name),
        ):
            page = self._get(url)
            self.assertEqual(page.status_code, 200)
            self.assertNotIn(name, page.text, url)

    def test_portal_rpc_access_error(self):
        """The same walls over RPC for a portal user."""
        for model, record in (
            ("vmi.agreement", self.agreement),
            ("purchase.order", self.order),
            ("vmi.settlement", self.statement),
            ("vmi.agreement.line", self.agreement.line_ids),
            ("vmi.settlement.line", self.statement.line_ids),
        ):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.portal_user_b).browse(record.ids).read(["display_name"])
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.portal_user).action_vmi_supplier_confirm()
        with self.assertRaises(AccessError):
            self.statement.with_user(self.portal_user_b).action_supplier_approve()

    def test_visitor_with_valid_token_reads_only(self):
        self.authenticate(None, None)
        for name, url in self.reads.items():
            res = self._get(self._with_token(url, self.tokens[name]))
            self.assertEqual(res.status_code, 200, name)
        page = self._get(self._with_token(self.reads["proposal"], self.tokens["proposal"]))
        self.assertIn("o_vmi_token_notice", page.text)
        self.assertNotIn("o_vmi_confirm", page.text, "no action with a token")
        self.assertNotIn(
            'id="discussion"',
            self._get(self._with_token(self.reads["agreement"], self.tokens["agreement"])).text,
        )
        # Actions need a login; the token does not stand in for it.
        token = self.order_open._vmi_portal_token()
        res = self.url_open(
            f"/my/vmi/proposal/{self.order_open.id}/confirm?access_token={token}",
            data={"note": "visitor"},
            allow_redirects=False,
        )
        self.assertIn(res.status_code, (303, 400))
        self.assertEqual(self.order_open.vmi_state, "to_confirm")

    def test_visitor_without_token_goes_to_login(self):
        self.authenticate(None, None)
        for name, url in self.reads.items():
            res = self._get(url)
            self.assertEqual(res.status_code, 303, name)
            self.assertIn("/web/login", res.headers["Location"])

    def test_visitor_with_wrong_or_expired_token_gets_403(self):
        self.authenticate(None, None)
        # The token of another record, of another model, forged, expired.
        self.assertEqual(
            self._get(self._with_token(self.reads["agreement"], self.tokens["proposal"])).status_code, 403
        )
        other = self.agreement_b._vmi_portal_token()
        self.assertEqual(self._get(self._with_token(self.reads["agreement"], other)).status_code, 403)
        self.assertEqual(self._get(self._with_token(self.reads["agreement"], "forged")).status_code, 403)
        # portal.mixin's static token (it never expires) is not accepted.
        static = self.agreement._portal_ensure_token()
        self.assertEqual(self._get(self._with_token(self.reads["agreement"], static)).status_code, 403)
        self.env["ir.config_parameter"].sudo().set_param("stock_vmi.portal_link_days", "1")
        token = self.agreement._vmi_portal_token()
        self.assertEqual(self._get(self._with_token(self.reads["agreement"], token)).status_code, 200)
        with freeze_time(fields.Datetime.now() + timedelta(days=2)):
            self.assertFalse(self.env["vmi.agreement"]._vmi_check_portal_token(self.agreement.id, token))
            self.assertEqual(self._get(self._with_token(self.reads["agreement"], token)).status_code, 403)
        self.assertTrue(self.env["vmi.agreement"]._vmi_check_portal_token(self.agreement.id, token))


@tagged("post_install", "-at_install")
class TestPortalMails(VmiPortalCommon):
    """E-mails link to the right portal page with an expiring token."""

    def _link(self, message, path):
        match = re.search(rf'href="([^"]*{re.escape(path)}\?access_token=([^"&]+))"', message.body)
        self.assertTrue(match, f"no link to {path} in {message.body}")
        return match.group(1), match.group(2)

    def test_proposal_mail_link(self):
        message = self.order.message_ids.filtered(lambda m: "/my/vmi/proposal/" in (m.body or ""))[:1]
        url, token = self._link(message, f"/my/vmi/proposal/{self.order.id}")
        self.assertTrue(self.env["purchase.order"]._vmi_check_portal_token(self.order.id, token))
        self.assertFalse(self.env["purchase.order"]._vmi_check_portal_token(self.order_b.id, token))
        self.authenticate(None, None)
        self.assertEqual(self._get(url.replace(self.order.get_base_url(), "")).status_code, 200)

    def test_notification_button_opens_vmi_page(self):
        """The "View" button of the notification e-mail a supplier contact
        receives opens the VMI proposal page with an expiring token, not
        Odoo's RFQ acknowledgement link."""
        message = self.order.message_ids.filtered(lambda m: "/my/vmi/proposal/" in (m.body or ""))[:1]
        groups = self.order._notify_get_recipients_groups(message, "Purchase Order")
        portal = next(data for name, _m, data in groups if name == "portal_customer")
        url = portal["button_access"]["url"]
        self.assertIn(f"/my/vmi/proposal/{self.order.id}?access_token=", url)
        self.assertNotIn("actions", portal)
        token = url.split("access_token=")[1]
        self.assertTrue(self.env["purchase.order"]._vmi_check_portal_token(self.order.id, token))

    def test_agreement_notification_button_expires(self):
        """A message to the supplier on the agreement's chatter: its e-mail
        button carries the expiring token, not the permanent one."""
        message = self.agreement.message_post(body="New terms attached", message_type="comment")
        groups = self.agreement._notify_get_recipients_groups(message, "VMI Agreement")
        portal = next((data for name, _m, data in groups if name == "portal_customer"), None)
        self.assertTrue(portal, "the supplier is the agreement's customer partner")
        url = portal["button_access"]["url"]
        self.assertIn(f"/my/vmi/agreement/{self.agreement.id}?access_token=", url)
        self.assertNotIn("hash=", url)
        token = url.split("access_token=")[1]
        self.assertTrue(self.env["vmi.agreement"]._vmi_check_portal_token(self.agreement.id, token))

    def test_reminder(self):
        """Unanswered after 2 days: one reminder, with a link; not again the
        same day; answered proposals are not reminded."""
        self.env.cr.execute(
            "UPDATE purchase_order SET create_date = now() - interval '3 days' WHERE id IN %s",
            [(self.order.id, self.order_b.id)],
        )
        self.order_b.with_user(self.portal_user_b).action_vmi_supplier_confirm()
        self.order.invalidate_recordset()
        count = len(self.order.message_ids)
        self.env["purchase.order"]._cron_vmi_remind_proposals()
        reminders = self.order.message_ids[: len(self.order.message_ids) - count]
        self.assertEqual(len(reminders), 1)
        self._link(reminders, f"/my/vmi/proposal/{self.order.id}")
        self.assertTrue(self.order.vmi_reminder_date)
        self.assertFalse(self.order_b.vmi_reminder_date)
        self.env["purchase.order"]._cron_vmi_remind_proposals()
        self.assertEqual(len(self.order.message_ids), count + 1, "not reminded twice")
