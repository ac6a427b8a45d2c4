# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from unittest.mock import patch

import psycopg2

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestNotify(VmiCommon):
    """The scheduled review and settlement flag their proposals and statements
    (``vmi_to_notify``); the sender cron e-mails them afterwards, in chunks,
    once. Interactive paths (Review Now, the settlement wizard) still send at
    once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement.date_start = date(2026, 1, 1)
        cls.Agreement = cls.env["vmi.agreement"]
        cls.notify_cron = cls.env.ref("stock_vmi.ir_cron_vmi_notify")

    def _proposal_messages(self, order):
        return order.message_ids.filtered(lambda m: m.subject and "VMI replenishment proposal" in m.subject)

    def _statement_messages(self, settlement):
        return settlement.message_ids.filtered(lambda m: "/my/vmi/statement/" in (m.body or ""))

    def _triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.notify_cron.id)])

    def _cron_review(self):
        """45 on hand, review due: the cron proposes 55."""
        self._receive(45)
        self.agreement.next_review_date = fields.Date.today()
        triggers = self._triggers()
        self.Agreement._cron_review()
        self.assertTrue(self._triggers() - triggers, "the sender is triggered")
        order = self.agreement.purchase_ids
        self.assertEqual(len(order), 1)
        return order

    # ------------------------------------------------------------------
    # Proposals
    # ------------------------------------------------------------------
    def test_cron_review_flags_without_sending(self):
        order = self._cron_review()
        self.assertTrue(order.vmi_to_notify)
        self.assertEqual(order.state, "draft")
        self.assertFalse(self._proposal_messages(order))
        self.assertNotIn(self.supplier, order.message_partner_ids)

    def test_sender_sends_once_and_clears_flag(self):
        order = self._cron_review()
        self.Agreement._cron_vmi_notify()
        self.assertFalse(order.vmi_to_notify)
        self.assertEqual(order.state, "sent")
        self.assertEqual(len(self._proposal_messages(order)), 1)
        self.assertIn(self.supplier, order.message_partner_ids)
        self.assertIn(self.supplier_contact, order.message_partner_ids)
        count = len(order.message_ids)
        self.Agreement._cron_vmi_notify()
        self.assertEqual(len(order.message_ids), count, "nothing sent twice")

    def test_sender_skips_answered_proposal(self):
        """A proposal declined before the sender ran is not e-mailed; its flag is cleared."""
        order = self._cron_review()
        order.with_user(self.portal_user).action_vmi_supplier_decline("Not now")
        self.assertEqual(order.state, "cancel")
        self.Agreement._cron_vmi_notify()
        self.assertFalse(order.vmi_to_notify)
        self.assertFalse(self._proposal_messages(order))

    def test_sender_in_chunks_and_failure_keeps_flag(self):
        """Chunks of ``batch_size``; a proposal whose e-mail fails stays flagged (logged),
        the others of its chunk are sent."""
        self._receive(45)
        other = self._create_agreement(self.supplier_b, [(self.product_2, 50, 100, 1.0)])
        orders = (self.agreement | other)._run_review(notify="later")
        self.assertEqual(len(orders), 2)
        self.assertTrue(all(orders.mapped("vmi_to_notify")))
        bad = orders.filtered(lambda o: o.vmi_agreement_id == self.agreement)
        Order = type(self.env["purchase.order"])
        notify = Order._vmi_notify_new_proposal

        def notify_or_fail(records):
            if bad in records:
                raise ValueError("template broken")
            return notify(records)

        with (
            patch.object(Order, "_vmi_notify_new_proposal", notify_or_fail),
            self.assertLogs("odoo.addons.stock_vmi.models.vmi_agreement", "WARNING") as logs,
        ):
            self.Agreement._cron_vmi_notify(batch_size=2)
        self.assertIn("template broken", "\n".join(logs.output))
        good = orders - bad
        self.assertTrue(bad.vmi_to_notify, "retried at the next run")
        self.assertFalse(self._proposal_messages(bad))
        self.assertFalse(good.vmi_to_notify)
        self.assertEqual(len(self._proposal_messages(good)), 1)
        # Next run: sent.
        self.Agreement._cron_vmi_notify(batch_size=1)
        self.assertFalse(bad.vmi_to_notify)
        self.assertEqual(len(self._proposal_messages(bad)), 1)
        self.assertEqual(len(self._proposal_messages(good)), 1)

    def test_sender_concurrent_update_is_a_warning(self):
        """A chunk that meets another worker's committed update (a
        serialization failure) stays flagged and the sender is triggered
        again: a warning, no ERROR, nothing sent twice."""
        self._receive(45)
        order = self.agreement._run_review(notify="later")
        Order = type(self.env["purchase.order"])

        def conflict(records):
            raise psycopg2.errors.SerializationFailure("could not serialize access due to concurrent update")

        triggers = self._triggers()
        with (
            patch.object(Order, "_vmi_send_flagged", conflict),
            self.assertLogs("odoo.addons.stock_vmi.models.vmi_agreement", "WARNING") as logs,
        ):
            self.Agreement._cron_vmi_notify()
        self.assertTrue(all(record.levelname == "WARNING" for record in logs.records), logs.output)
        self.assertIn("concurrent update", "\n".join(logs.output))
        self.assertTrue(order.vmi_to_notify)
        self.assertTrue(self._triggers() - triggers, "the sender runs again soon")
        self.Agreement._cron_vmi_notify()
        self.assertFalse(order.vmi_to_notify)
        self.assertEqual(len(self._proposal_messages(order)), 1)

    def test_review_now_sends_at_once(self):
        self._receive(45)
        self.agreement.with_user(self.buyer).action_review_now()
        order = self.agreement.purchase_ids
        self.assertFalse(order.vmi_to_notify)
        self.assertEqual(order.state, "sent")
        self.assertEqual(len(self._proposal_messages(order)), 1)

    def test_proposal_has_no_creation_log(self):
        """The supplier's e-mail replaces the "Purchase Order created" log line."""
        self._receive(45)
        order = self.agreement._run_review()
        self.assertFalse(order.message_ids.filtered(lambda m: "created" in (m.body or "")))
        self.assertEqual(len(self._proposal_messages(order)), 1)

    def test_buyer_cannot_flag(self):
        self._receive(45)
        order = self.agreement._run_review()
        with self.assertRaises(AccessError):
            order.with_user(self.buyer).write({"vmi_to_notify": True})

    # ------------------------------------------------------------------
    # Statements
    # ------------------------------------------------------------------
    def _cron_settle(self):
        self._receive(100)
        with freeze_time("2026-03-20 10:00:00"):
            self._consume(12)
        with freeze_time("2026-03-26 09:00:00"):
            self.Agreement._cron_settle()
        settlement = self.agreement.settlement_ids
        self.assertEqual(len(settlement), 1)
        self.assertTrue(settlement.bill_id)
        return settlement

    def test_cron_settle_flags_statement_sender_sends_once(self):
        triggers = self._triggers()
        settlement = self._cron_settle()
        self.assertTrue(self._triggers() - triggers, "the sender is triggered")
        self.assertTrue(settlement.vmi_to_notify)
        self.assertFalse(self._statement_messages(settlement))
        self.Agreement._cron_vmi_notify()
        self.assertFalse(settlement.vmi_to_notify)
        self.assertEqual(len(self._statement_messages(settlement)), 1)
        self.assertIn(self.supplier_contact, settlement.message_partner_ids)
        self.Agreement._cron_vmi_notify()
        self.assertEqual(len(self._statement_messages(settlement)), 1)

    def test_cancelled_settlement_not_sent(self):
        settlement = self._cron_settle()
        with freeze_time("2026-03-27 09:00:00"):
            settlement.with_user(self.accountant).action_cancel()
        self.assertFalse(settlement.exists())
        self.Agreement._cron_vmi_notify()  # nothing left to send, no error

    def test_wizard_sends_statement_at_once(self):
        self._receive(100)
        with freeze_time("2026-03-20 10:00:00"):
            self._consume(12)
        with freeze_time("2026-03-26 09:00:00"):
            settlement = self.agreement.with_user(self.accountant)._settle(date(2026, 3, 25))
        self.assertFalse(settlement.vmi_to_notify)
        self.assertEqual(len(self._statement_messages(settlement)), 1)
