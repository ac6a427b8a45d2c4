# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import VmiCommon

CUTOFF = date(2026, 3, 25)
NOW = "2026-03-26 09:00:00"


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestStatement(VmiCommon):
    """Consumption statements: e-mailed to the supplier with a signed,
    expiring portal link, approved or disputed by the supplier before the bill
    is posted, a dispute blocking the bill until an accountant resolves it,
    and printed as PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement.date_start = date(2026, 1, 1)

    def setUp(self):
        super().setUp()
        self._receive(100)
        with freeze_time("2026-03-20 10:00:00"):
            self._consume(12)
        self.settlement = self.agreement.with_user(self.accountant)._settle(CUTOFF)
        self.bill = self.settlement.bill_id
        self.assertTrue(self.bill)
        self.assertEqual(self.settlement.supplier_state, "pending")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _as(self, user):
        return self.settlement.with_user(user)

    def _dispute_activities(self):
        return self.settlement.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )

    def _statement_message(self):
        return self.settlement.message_ids.filtered(lambda m: "/my/vmi/statement/" in (m.body or ""))

    def _messages_with(self, text):
        return self.settlement.message_ids.filtered(lambda m: text in (m.body or ""))

    # ------------------------------------------------------------------
    # Supplier approves or disputes
    # ------------------------------------------------------------------
    def test_supplier_approves(self):
        """The supplier's portal user approves: recorded with who and when, told in the chatter."""
        self._as(self.portal_user).action_supplier_approve()
        self.assertRecordValues(
            self.settlement,
            [{"supplier_state": "approved", "supplier_answer_uid": self.portal_user.id}],
        )
        self.assertTrue(self.settlement.supplier_answer_date)
        message = self._messages_with("approved by the supplier")
        self.assertEqual(message.author_id, self.supplier_contact)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        with self.assertRaisesRegex(UserError, "cannot be answered again"):
            self._as(self.portal_user).action_supplier_dispute("Too late")
        self.assertEqual(self.settlement.supplier_state, "approved")

    def test_other_supplier_cannot_answer(self):
        """Supplier B's portal user can neither approve nor dispute supplier A's statement."""
        as_b = self._as(self.portal_user_b)
        with self.assertRaises(AccessError):
            as_b.action_supplier_approve()
        with self.assertRaises(AccessError):
            as_b.action_supplier_dispute("Not ours")
        self.assertEqual(self.settlement.supplier_state, "pending")
        self.assertFalse(self._dispute_activities())

    def test_only_accountant_answers_on_behalf(self):
        """An accountant records the supplier's approval (noted in the chatter); a buyer may not."""
        with self.assertRaises(AccessError):
            self._as(self.buyer).action_supplier_approve()
        self.assertEqual(self.settlement.supplier_state, "pending")
        self._as(self.accountant).action_supplier_approve()
        self.assertRecordValues(
            self.settlement, [{"supplier_state": "approved", "supplier_answer_uid": self.accountant.id}]
        )
        note = self._messages_with(f"Approved on behalf of {self.supplier.name} by {self.accountant.name}")
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))

    def test_dispute_requires_reason(self):
        """A dispute without a reason is refused and changes nothing."""
        for reason in ("", "   ", None):
            with self.subTest(reason=reason), self.assertRaisesRegex(ValidationError, "give a reason"):
                self._as(self.portal_user).action_supplier_dispute(reason)
        self.assertEqual(self.settlement.supplier_state, "pending")
        self.assertFalse(self.settlement.supplier_dispute_reason)
        self.assertFalse(self._dispute_activities())

    def test_dispute_reason_with_markup_shown_as_text(self):
        """A reason is text: markup in it reaches the accountant's to-do, the
        chatter, the statement PDF and the resolution escaped, never stripped
        (the to-do's HTML note used to keep nothing of it)."""
        reason = "<b>late</b> & <script>alert(1)</script>"
        escaped = "&lt;b&gt;late&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"
        self._as(self.portal_user).action_supplier_dispute(reason)
        self.assertEqual(self.settlement.supplier_dispute_reason, reason)
        self.assertIn(escaped, str(self._dispute_activities().note))
        self.assertIn(escaped, str(self._messages_with("disputed by the supplier").body))
        html = str(
            self.env["ir.actions.report"]._render_qweb_html(
                "stock_vmi.report_vmi_settlement", self.settlement.ids
            )[0]
        )
        self.assertIn(escaped, html)
        self.assertNotIn("<script>", html)
        self._as(self.accountant).action_resolve_dispute("<i>credit</i> note & done")
        resolved = self._messages_with("is resolved")
        self.assertIn("&lt;i&gt;credit&lt;/i&gt; note &amp; done", str(resolved.body))
        done = self.settlement.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_activities")
        )
        self.assertIn(escaped, str(done.body))

    def test_dispute_blocks_posting_until_resolved(self):
        """A dispute gives the accountant a to-do and blocks the bill; once resolved the bill posts."""
        self._as(self.portal_user).action_supplier_dispute("  We counted 10 bearings, not 12.  ")
        self.assertRecordValues(
            self.settlement,
            [
                {
                    "supplier_state": "disputed",
                    "supplier_dispute_reason": "We counted 10 bearings, not 12.",
                    "supplier_answer_uid": self.portal_user.id,
                }
            ],
        )
        activity = self._dispute_activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.accountant)
        self.assertIn("We counted 10 bearings", str(activity.note))
        message = self._messages_with("We counted 10 bearings")
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"), "the supplier sees it")

        with self.assertRaisesRegex(UserError, "disputed by the supplier"):
            self.bill.with_user(self.accountant).action_post()
        self.assertEqual(self.bill.state, "draft")

        self._as(self.accountant).action_resolve_dispute("Recounted: 12 were drawn on 20 March.")
        self.assertRecordValues(
            self.settlement,
            [{"supplier_state": "resolved", "dispute_resolution": "Recounted: 12 were drawn on 20 March."}],
        )
        self.assertFalse(self._dispute_activities(), "the accountant's to-do is done")
        resolved = self._messages_with("Recounted: 12 were drawn")
        self.assertIn(self.env.ref("mail.mt_comment"), resolved.subtype_id)

        self.bill.with_user(self.accountant).action_post()
        self.assertEqual(self.bill.state, "posted")

    def test_dispute_again_after_resolution(self):
        """After a resolution the supplier may approve, or dispute again."""
        as_supplier = self._as(self.portal_user)
        as_supplier.action_supplier_dispute("Wrong price")
        self.settlement.with_user(self.accountant).action_resolve_dispute("Price as agreed")
        as_supplier.action_supplier_dispute("Still the wrong price")
        self.assertEqual(self.settlement.supplier_state, "disputed")
        self.assertFalse(self.settlement.dispute_resolution)
        self.assertEqual(len(self._dispute_activities()), 1)
        self.settlement.with_user(self.accountant).action_resolve_dispute("Credit note issued")
        as_supplier.action_supplier_approve()
        self.assertEqual(self.settlement.supplier_state, "approved")

    def test_resolve_needs_accountant_and_dispute(self):
        """Only accountants resolve, only a dispute, and with a resolution."""
        with self.assertRaisesRegex(UserError, "not disputed"):
            self._as(self.accountant).action_resolve_dispute("Nothing to do")
        self._as(self.portal_user).action_supplier_dispute("Wrong quantity")
        for user in (self.buyer, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._as(user).action_resolve_dispute("I say it is fine")
        with self.assertRaisesRegex(ValidationError, "how the dispute was resolved"):
            self._as(self.accountant).action_resolve_dispute("  ")
        self.assertEqual(self.settlement.supplier_state, "disputed")
        self.assertEqual(len(self._dispute_activities()), 1)

    def test_resolve_wizard(self):
        """The accountant resolves the dispute from the settlement form's wizard."""
        self._as(self.portal_user).action_supplier_dispute("Wrong quantity")
        Wizard = self.env["vmi.settlement.resolve.wizard"].with_user(self.accountant)
        form = Form(Wizard.with_context(default_settlement_id=self.settlement.id))
        self.assertEqual(form.dispute_reason, "Wrong quantity")
        form.resolution = "Explained by phone"
        form.save().action_resolve()
        self.assertEqual(self.settlement.supplier_state, "resolved")
        self.assertEqual(self.settlement.dispute_resolution, "Explained by phone")

    def test_posted_early_cannot_be_answered(self):
        """Posted before the supplier's answer was due (confirmed by the
        accountant), the statement is closed and says so."""
        self.bill.with_user(self.accountant).with_context(vmi_post_before_answer=True).action_post()
        self.assertEqual(self.bill.state, "posted")
        as_supplier = self._as(self.portal_user)
        with self.assertRaisesRegex(UserError, "is posted: it can no longer be approved"):
            as_supplier.action_supplier_approve()
        with self.assertRaisesRegex(UserError, "is posted"):
            as_supplier.action_supplier_dispute("Too late?")
        self.assertEqual(self.settlement.supplier_state, "unanswered")

    def test_dispute_accountant_fallback(self):
        """Settled by the cron (OdooBot), the dispute's to-do goes to someone who can resolve
        it: the agreement's buyer only if an accountant, else an accountant of the company."""
        self._consume(5)
        odoobot = self.env.ref("base.user_root")
        with freeze_time("2026-04-26 09:00:00"):
            settlement = self.agreement.with_user(odoobot)._settle(date(2026, 4, 25))
        self.assertEqual(settlement.create_uid, odoobot)
        settlement.with_user(self.portal_user).action_supplier_dispute("Wrong quantity")
        assignee = settlement.activity_ids.user_id
        self.assertEqual(len(assignee), 1)
        self.assertNotEqual(assignee, self.buyer, "the buyer (no accounting rights) cannot resolve it")
        self.assertTrue(assignee.has_group("account.group_account_invoice"))
        # The assignee can indeed resolve it.
        settlement.with_user(assignee).action_resolve_dispute("Recounted: 5 is right")
        self.assertEqual(settlement.supplier_state, "resolved")

    def test_dispute_goes_to_buyer_who_is_accountant(self):
        self.buyer.groups_id += self.env.ref("account.group_account_invoice")
        self._consume(5)
        odoobot = self.env.ref("base.user_root")
        with freeze_time("2026-04-26 09:00:00"):
            settlement = self.agreement.with_user(odoobot)._settle(date(2026, 4, 25))
        settlement.with_user(self.portal_user).action_supplier_dispute("Wrong quantity")
        self.assertEqual(settlement.activity_ids.user_id, self.buyer)

    # ------------------------------------------------------------------
    # E-mail and signed links
    # ------------------------------------------------------------------
    def test_statement_email_with_signed_link(self):
        """The supplier's portal contact follows the statement and gets it by e-mail, with a
        signed link to its portal page that opens this statement only, and not for ever."""
        message = self._statement_message()
        self.assertEqual(len(message), 1)
        self.assertEqual(message.message_type, "comment")
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertIn(self.supplier_contact, self.settlement.message_partner_ids)
        self.assertIn(self.supplier_contact, message.notification_ids.res_partner_id)
        self.assertIn(self.settlement.name, message.subject)
        match = re.search(r"/my/vmi/statement/(\d+)\?access_token=([\w-]+)", str(message.body))
        self.assertTrue(match, "the e-mail links the statement's portal page")
        self.assertEqual(int(match[1]), self.settlement.id)
        token = match[2]

        Settlement = self.env["vmi.settlement"]
        self.assertTrue(Settlement._vmi_check_portal_token(self.settlement.id, token))
        self.assertFalse(Settlement._vmi_check_portal_token(self.settlement.id + 1, token))
        self.assertFalse(self.env["purchase.order"]._vmi_check_portal_token(self.settlement.id, token))
        with freeze_time("2026-04-08 09:00:00"):
            self.assertTrue(Settlement._vmi_check_portal_token(self.settlement.id, token))
        with freeze_time("2026-04-09 09:00:01"):
            self.assertFalse(Settlement._vmi_check_portal_token(self.settlement.id, token), "expired")

        # The link's lifetime is a setting.
        self.env["ir.config_parameter"].sudo().set_param("stock_vmi.portal_link_days", "2")
        short = self.settlement._vmi_portal_url().split("access_token=")[1]
        with freeze_time("2026-03-27 09:00:00"):
            self.assertTrue(Settlement._vmi_check_portal_token(self.settlement.id, short))
        with freeze_time("2026-03-28 09:00:01"):
            self.assertFalse(Settlement._vmi_check_portal_token(self.settlement.id, short))

    def test_notification_button_uses_signed_link(self):
        """The supplier's "View" button of notification e-mails opens the statement's portal page
        with a signed token, not the static one of portal.mixin."""
        self.assertEqual(self.settlement.access_url, f"/my/vmi/statement/{self.settlement.id}")
        groups = self.settlement._notify_get_recipients_groups(self.env["mail.message"], "Statement")
        customer = next(data for name, _matcher, data in groups if name == "portal_customer")
        url = customer["button_access"]["url"]
        self.assertIn(f"/my/vmi/statement/{self.settlement.id}?access_token=", url)
        token = url.split("access_token=")[1]
        self.assertTrue(self.env["vmi.settlement"]._vmi_check_portal_token(self.settlement.id, token))

    def test_no_email_without_bill(self):
        """A period that nets to zero makes no bill and sends no statement."""
        self.assertTrue(self._statement_message(), "a statement with a bill is sent")
        with freeze_time("2026-04-20 10:00:00"):
            move = self._consume(3)
            self._move(
                move.product_id, 3, move.location_dest_id, move.location_id, origin_returned_move_id=move.id
            )
        with freeze_time("2026-04-26 09:00:00"):
            settlement = self.agreement.with_user(self.accountant)._settle(date(2026, 4, 25))
        self.assertTrue(settlement)
        self.assertFalse(settlement.bill_id)
        self.assertFalse(settlement.message_ids.filtered(lambda m: "/my/vmi/statement/" in (m.body or "")))

    # ------------------------------------------------------------------
    # PDF
    # ------------------------------------------------------------------
    def test_report_renders(self):
        """The statement prints with its products, quantities, total and the supplier's answer."""
        self._as(self.portal_user).action_supplier_dispute("We counted 10 bearings")
        report = self.env["ir.actions.report"]
        html = str(report._render_qweb_html("stock_vmi.report_vmi_settlement", self.settlement.ids)[0])
        self.assertIn(self.product.display_name, html)
        self.assertIn("12.00", html)
        self.assertIn("150.00", html)
        self.assertIn(self.settlement.name, html)
        self.assertIn(self.agreement.name, html)
        self.assertIn("Disputed", html)
        self.assertIn("We counted 10 bearings", html)
        action = self.env.ref("stock_vmi.action_report_vmi_settlement")
        self.assertEqual(action.binding_model_id.model, "vmi.settlement")
