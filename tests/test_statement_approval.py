# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import VmiCommon

CUTOFF = date(2026, 3, 25)
NOW = "2026-03-26 09:00:00"


@tagged("post_install", "-at_install")
class TestStatementApproval(VmiCommon):
    """The supplier's approval of the statement is an agreement term: tacit
    after N days (default 5: posting earlier asks for confirmation), or
    required before the bill is posted. The bill links to its settlement, and
    the settlement's status follows its bill."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement.date_start = date(2026, 1, 1)

    def _settle(self):
        self._receive(100)
        with freeze_time("2026-03-20 10:00:00"):
            self._consume(12)
        with freeze_time(NOW):
            settlement = self.agreement.with_user(self.accountant)._settle(CUTOFF)
        return settlement, settlement.bill_id.with_user(self.accountant)

    def _supplier_messages(self, settlement, text):
        return settlement.message_ids.filtered(lambda m: text in (m.body or ""))

    def test_tacit_before_the_delay_asks_for_confirmation(self):
        settlement, bill = self._settle()
        self.assertEqual(self.agreement.statement_approval, "tacit")
        self.assertEqual(settlement.supplier_deadline, date(2026, 3, 31))
        self.assertEqual(
            (bill.vmi_supplier_state, bill.vmi_supplier_deadline), ("pending", date(2026, 3, 31))
        )
        email = self._supplier_messages(settlement, "/my/vmi/statement/")
        self.assertIn("approved tacitly", email.body)
        self.assertIn("2026-03-31", email.body)
        with freeze_time("2026-03-28 10:00:00"):
            action = bill.action_post()
            self.assertEqual(action["res_model"], "vmi.post.confirm.wizard")
            self.assertEqual(bill.state, "draft", "not posted without confirmation")
            # Every other way of posting is refused too.
            with self.assertRaisesRegex(UserError, "may still answer"):
                bill._post()
            wizard = (
                self.env["vmi.post.confirm.wizard"]
                .with_user(self.accountant)
                .create({"move_ids": [(6, 0, bill.ids)]})
            )
            self.assertEqual(wizard.settlement_ids, settlement)
            wizard.action_confirm()
        self.assertEqual(bill.state, "posted")
        self.assertRecordValues(settlement, [{"state": "posted", "supplier_state": "unanswered"}])
        note = self._supplier_messages(settlement, "before your answer")
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_comment"), "the supplier is told")
        with self.assertRaisesRegex(UserError, "is posted"):
            settlement.with_user(self.portal_user).action_supplier_approve()

    def test_tacit_after_the_delay(self):
        settlement, bill = self._settle()
        with freeze_time("2026-03-31 10:00:00"):
            self.assertIsNot(bill.action_post(), None)
        self.assertEqual(bill.state, "posted")
        self.assertRecordValues(settlement, [{"state": "posted", "supplier_state": "tacit"}])
        self.assertTrue(self._supplier_messages(settlement, "approved tacitly"))

    def test_answered_statement_posts_at_once(self):
        settlement, bill = self._settle()
        settlement.with_user(self.portal_user).action_supplier_approve()
        with freeze_time("2026-03-27 10:00:00"):
            bill.action_post()
        self.assertRecordValues(settlement, [{"state": "posted", "supplier_state": "approved"}])
        bill.button_draft()
        self.assertEqual(settlement.state, "billed", "the settlement follows its bill")

    def test_required_approval(self):
        self.agreement.statement_approval = "required"
        settlement, bill = self._settle()
        self.assertFalse(settlement.supplier_deadline)
        email = self._supplier_messages(settlement, "/my/vmi/statement/")
        self.assertIn("once you approve it", email.body)
        with freeze_time("2026-04-30 10:00:00"):
            with self.assertRaisesRegex(UserError, "requires the supplier's approval"):
                bill.action_post()
            with self.assertRaisesRegex(UserError, "requires the supplier's approval"):
                bill.with_context(vmi_post_before_answer=True).action_post()
            self.assertEqual(bill.state, "draft")
            settlement.with_user(self.portal_user).action_supplier_approve()
            bill.action_post()
        self.assertRecordValues(settlement, [{"state": "posted", "supplier_state": "approved"}])

    def test_bill_links_to_settlement(self):
        settlement, bill = self._settle()
        action = bill.action_view_vmi_settlement()
        self.assertEqual((action["res_model"], action["res_id"]), ("vmi.settlement", settlement.id))
        arch = bill.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("action_view_vmi_settlement", arch)

    def test_tacit_days_bounds(self):
        with self.assertRaises(ValidationError):
            self.agreement.statement_tacit_days = -1
        with self.assertRaises(ValidationError):
            self.agreement.statement_tacit_days = 365
