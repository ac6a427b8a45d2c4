# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util
import os
from datetime import date, timedelta
from unittest.mock import patch

import psycopg2

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged
from odoo.tools.sql import column_exists

from odoo.addons.queue_job.job import Job

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestNotify(VmiCommon):
    """The outbox (``vmi.notification``): every e-mail to a supplier is a
    record, sent by a job on ``root.vmi.notify`` after the transaction that
    made it, once, retried with back-off, visible on its document."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement.date_start = date(2026, 1, 1)
        cls.Agreement = cls.env["vmi.agreement"]

    def setUp(self):
        super().setUp()
        # Jobs are enqueued, not run at once (VmiCommon runs them at once).
        self.env = self.env(context=dict(self.env.context, queue_job__no_delay=False))
        self.Notification = self.env["vmi.notification"]

    def _jobs(self):
        return self.env["queue.job"].search([("method_name", "=", "_job_send")], order="id")

    def _perform(self, jobs=None):
        """Run the pending send jobs (as the job runner does, each once)."""
        jobs = self._jobs().filtered(lambda j: j.state == "pending") if jobs is None else jobs
        for job in jobs:
            job.state = "started"
            Job.load(self.env, job.uuid).perform()
            job.state = "done"

    def _notifications(self, record):
        return self.Notification.search([("res_model", "=", record._name), ("res_id", "=", record.id)])

    def _proposal_messages(self, order):
        return order.message_ids.filtered(lambda m: m.subject and "VMI replenishment proposal" in m.subject)

    def _statement_messages(self, settlement):
        return settlement.message_ids.filtered(lambda m: "/my/vmi/statement/" in (m.body or ""))

    def _review(self, agreements=None):
        """45 on hand: the review proposes 55 (the job sends nothing yet)."""
        self._receive(45)
        orders = (agreements or self.agreement).with_env(self.env)._run_review()
        self.assertTrue(orders)
        return orders

    # ------------------------------------------------------------------
    # Proposals
    # ------------------------------------------------------------------
    def test_review_queues_sends_after(self):
        """The review's transaction only queues the e-mail (a notification and
        its job on root.vmi.notify); the job sends it, once."""
        order = self._review()
        notification = self._notifications(order)
        self.assertEqual(
            (notification.kind, notification.state, notification.channel), ("proposal", "pending", "email")
        )
        self.assertEqual(notification.agreement_id, self.agreement)
        self.assertEqual(notification.recipient_ids, self.supplier | self.supplier_contact)
        self.assertEqual(order.state, "draft")
        self.assertFalse(self._proposal_messages(order))
        job = self._jobs()
        self.assertEqual(len(job), 1)
        self.assertEqual(job.channel, "root.vmi.notify")
        self.assertEqual(job.records, notification)
        self._perform()
        self.assertEqual(notification.state, "sent")
        self.assertEqual(notification.attempts, 1)
        self.assertTrue(notification.date_sent)
        self.assertEqual(order.state, "sent")
        self.assertEqual(len(self._proposal_messages(order)), 1)
        self.assertIn(self.supplier_contact, order.message_partner_ids)
        self.assertFalse(
            order.message_ids.filtered(
                lambda m: "RFQ Sent" in str(m.tracking_value_ids.mapped("new_value_char"))
            )
        )
        # The job again (queue_job retrying it, a twin): nothing sent twice.
        count = len(order.message_ids)
        Job.load(self.env, job.uuid).perform()
        self.assertEqual(len(order.message_ids), count)
        self.assertEqual(notification.attempts, 1)

    def test_answered_proposal_not_sent(self):
        """A proposal declined before its e-mail left is not e-mailed."""
        order = self._review()
        order.with_user(self.portal_user).action_vmi_supplier_decline("Not now")
        self._perform()
        self.assertEqual(self._notifications(order).state, "skipped")
        self.assertFalse(self._proposal_messages(order))

    def test_failure_retried_with_backoff_then_failed(self):
        """A failing e-mail is counted on its notification and tried again
        after 1, 5, 15 and 60 minutes (a job with an ETA each); after the
        fifth attempt it is failed and its buyer told on the proposal. The
        other proposals of its job are sent."""
        other = self._create_agreement(self.supplier_b, [(self.product_2, 50, 100, 1.0)])
        orders = self._review(self.agreement | other)
        self.assertEqual(len(orders), 2)
        self.assertEqual(len(self._jobs()), 1, "one job for the chunk")
        bad = orders.filtered(lambda o: o.vmi_agreement_id == self.agreement)
        good = orders - bad
        Order = type(self.env["purchase.order"])
        notify = Order._vmi_notify_new_proposal

        def notify_or_fail(records):
            if bad in records:
                raise ValueError("template broken")
            return notify(records)

        notification = self._notifications(bad)
        with patch.object(Order, "_vmi_notify_new_proposal", notify_or_fail):
            for attempt, delay in enumerate((60, 300, 900, 3600), start=1):
                before = fields.Datetime.now()
                with self.assertLogs("odoo.addons.stock_vmi.models.vmi_notification", "WARNING") as logs:
                    self._perform()
                self.assertTrue(all(r.levelname == "WARNING" for r in logs.records), logs.output)
                self.assertEqual((notification.state, notification.attempts), ("pending", attempt))
                self.assertIn("template broken", notification.last_error)
                self.assertGreaterEqual(notification.next_try, before + timedelta(seconds=delay))
                retry = self._jobs()[-1]
                self.assertEqual((retry.state, retry.records), ("pending", notification))
                self.assertGreaterEqual(retry.eta, before + timedelta(seconds=delay - 1))
            with self.assertLogs("odoo.addons.stock_vmi.models.vmi_notification", "WARNING"):
                self._perform()
        self.assertEqual((notification.state, notification.attempts), ("failed", 5))
        self.assertFalse(self._jobs().filtered(lambda j: j.state == "pending"), "no more retries")
        self.assertFalse(self._proposal_messages(bad))
        note = bad.message_ids[0]
        self.assertIn("could not be sent after 5 attempts", str(note.body))
        self.assertIn(self.buyer.partner_id, note.partner_ids)
        self.assertTrue(bad.vmi_notification_failed)
        self.assertEqual(self._notifications(good).state, "sent")
        self.assertEqual(len(self._proposal_messages(good)), 1)
        self.assertFalse(good.vmi_notification_failed)
        # Fixed: the buyer sends it again.
        notification.with_user(self.buyer).action_retry()
        self.assertEqual((notification.state, notification.attempts), ("pending", 0))
        self._perform()
        self.assertEqual(notification.state, "sent")
        self.assertEqual(len(self._proposal_messages(bad)), 1)
        with self.assertRaisesRegex(UserError, "Only failed"):
            notification.with_user(self.buyer).action_retry()

    def test_failure_note_in_buyer_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"], overwrite=True)
        self.buyer.lang = "zh_CN"
        order = self._review()
        notification = self._notifications(order)
        notification.sudo().attempts = 4
        Order = type(self.env["purchase.order"])
        with (
            patch.object(Order, "_vmi_notify_new_proposal", lambda records: 1 / 0),
            self.assertLogs("odoo.addons.stock_vmi.models.vmi_notification", "WARNING"),
        ):
            self._perform()
        self.assertEqual(notification.state, "failed")
        self.assertIn("无法发送", str(order.message_ids[0].body))

    def test_concurrent_update_is_a_warning(self):
        """A chunk that meets another worker's committed update (a
        serialization failure) is sent again 15 s later by a new job, without
        counting an attempt: a warning, no ERROR, nothing sent twice."""
        order = self._review()
        notification = self._notifications(order)
        Order = type(self.env["purchase.order"])

        def conflict(records, kind):
            raise psycopg2.errors.SerializationFailure("could not serialize access due to concurrent update")

        with (
            patch.object(Order, "_vmi_outbox_send", conflict),
            self.assertLogs("odoo.addons.stock_vmi.models.vmi_notification", "WARNING") as logs,
        ):
            self._perform()
        self.assertTrue(all(record.levelname == "WARNING" for record in logs.records), logs.output)
        self.assertIn("concurrent update", "\n".join(logs.output))
        self.assertEqual((notification.state, notification.attempts), ("pending", 0))
        retry = self._jobs().filtered(lambda j: j.state == "pending")
        self.assertEqual(len(retry), 1)
        self.assertTrue(retry.eta)
        self._perform()
        self.assertEqual(notification.state, "sent")
        self.assertEqual(len(self._proposal_messages(order)), 1)

    def test_sweeper_requeues_lost_notifications(self):
        """The hourly sweeper hands notifications whose job was lost to new
        jobs, once (identity key), and leaves those waiting for a retry."""
        order = self._review()
        notification = self._notifications(order)
        self._jobs().unlink()  # cancelled and deleted by hand
        self.Notification._cron_send()
        self.Notification._cron_send()
        self.assertEqual(len(self._jobs()), 1)
        self._perform()
        self.assertEqual(notification.state, "sent")
        # Waiting for its next attempt: not before it is due.
        order2 = self._review(self._create_agreement(self.supplier_b, [(self.product_2, 50, 100, 1.0)]))
        later = self._notifications(order2)
        later.sudo().next_try = fields.Datetime.now() + timedelta(minutes=5)
        self._jobs().unlink()
        self.Notification._cron_send()
        self.assertFalse(self._jobs())

    def test_review_now_sent_by_its_job(self):
        self._receive(45)
        self.agreement.with_env(self.env).with_user(self.buyer).action_review_now()
        order = self.agreement.purchase_ids
        self.assertEqual(self._notifications(order).state, "pending")
        self._perform()
        self.assertEqual(order.state, "sent")
        self.assertEqual(len(self._proposal_messages(order)), 1)

    def test_proposal_has_no_creation_log(self):
        """The supplier's e-mail replaces the "Purchase Order created" log line."""
        order = self._review()
        self._perform()
        self.assertFalse(order.message_ids.filtered(lambda m: "created" in (m.body or "")))
        self.assertEqual(len(self._proposal_messages(order)), 1)

    def test_visible_on_the_proposal(self):
        order = self._review()
        self.assertEqual(order.vmi_notification_count, 1)
        action = order.action_view_vmi_notifications()
        self.assertEqual(self.Notification.search(action["domain"]), self._notifications(order))
        self.assertEqual(
            self.Notification.with_user(self.buyer).search([("id", "=", self._notifications(order).id)]).name,
            f"New proposal: {order.name}",
        )

    def test_outbox_access(self):
        """Nobody writes the outbox by hand; portal users do not read it; a
        company's notifications are its own."""
        order = self._review()
        notification = self._notifications(order)
        with self.assertRaises(AccessError):
            notification.with_user(self.buyer).write({"state": "sent"})
        with self.assertRaises(AccessError):
            self.Notification.with_user(self.buyer).create(
                {
                    "kind": "proposal",
                    "res_model": "purchase.order",
                    "res_id": order.id,
                    "agreement_id": self.agreement.id,
                }
            )
        with self.assertRaises(AccessError):
            notification.with_user(self.portal_user).read(["state"])
        with self.assertRaises(AccessError):
            notification.with_user(self.portal_user).action_retry()
        other_company = self.env["res.company"].create({"name": "VMI other company"})
        self.buyer.write({"company_ids": [fields.Command.link(other_company.id)]})
        self.assertFalse(
            self.Notification.with_user(self.buyer)
            .with_context(allowed_company_ids=other_company.ids)
            .search([("id", "=", notification.id)])
        )

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    def test_reminder_queued_once(self):
        """The reminder cron queues one reminder per proposal waiting past the
        delay; a second run the same day queues nothing."""
        order = self._review()
        self._perform()
        self.env.cr.execute(
            "UPDATE purchase_order SET create_date = now() - interval '3 days' WHERE id = %s", [order.id]
        )
        order.invalidate_recordset()
        Order = self.env["purchase.order"]
        Order._cron_vmi_remind_proposals()
        Order._cron_vmi_remind_proposals()
        reminder = self.Notification.search([("kind", "=", "reminder"), ("res_id", "=", order.id)])
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.state, "pending")
        self.assertTrue(order.vmi_reminder_date)
        count = len(order.message_ids)
        self._perform()
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(len(order.message_ids), count + 1)
        self.assertIn("reminder", order.message_ids[0].subject)

    def test_reminder_skips_locked_proposal(self):
        """A proposal another transaction holds (its supplier answering) is not reminded now."""
        order = self._review()
        self.env.cr.execute(
            "UPDATE purchase_order SET create_date = now() - interval '3 days' WHERE id = %s", [order.id]
        )
        order.invalidate_recordset()
        from ..models import purchase_order

        with patch.object(purchase_order, "lock_rows", lambda records, *a: records.browse()):
            self.env["purchase.order"]._cron_vmi_remind_proposals()
        self.assertFalse(self.Notification.search([("kind", "=", "reminder")]))
        self.assertFalse(order.vmi_reminder_date)

    # ------------------------------------------------------------------
    # Statements
    # ------------------------------------------------------------------
    def _settle(self):
        self._receive(100)
        with freeze_time("2026-03-20 10:00:00"):
            self._consume(12)
        with freeze_time("2026-03-26 09:00:00"):
            self.env["vmi.agreement"]._cron_settle()
            for job in self.env["queue.job"].search([("method_name", "=", "_job_settle")]):
                Job.load(self.env, job.uuid).perform()
        settlement = self.agreement.settlement_ids
        self.assertEqual(len(settlement), 1)
        self.assertTrue(settlement.bill_id)
        return settlement

    def test_statement_queued_then_sent_once(self):
        settlement = self._settle()
        notification = self._notifications(settlement)
        self.assertEqual((notification.kind, notification.state), ("statement", "pending"))
        self.assertFalse(self._statement_messages(settlement))
        self._perform()
        self.assertEqual(notification.state, "sent")
        self.assertEqual(len(self._statement_messages(settlement)), 1)
        self.assertIn(self.supplier_contact, settlement.message_partner_ids)
        self.assertEqual(settlement.vmi_notification_count, 1)
        # Accountants see the statements' notifications.
        self.assertEqual(
            self.Notification.with_user(self.accountant).search([("id", "=", notification.id)]), notification
        )

    def test_cancelled_settlement_not_sent(self):
        settlement = self._settle()
        notification = self._notifications(settlement)
        with freeze_time("2026-03-27 09:00:00"):
            settlement.with_user(self.accountant).action_cancel()
        self.assertFalse(settlement.exists())
        self._perform()
        self.assertEqual(notification.state, "skipped")

    def test_wizard_statement_sent_by_its_job(self):
        self._receive(100)
        with freeze_time("2026-03-20 10:00:00"):
            self._consume(12)
        with freeze_time("2026-03-26 09:00:00"):
            settlement = (
                self.agreement.with_env(self.env).with_user(self.accountant)._settle(date(2026, 3, 25))
            )
        self.assertFalse(self._statement_messages(settlement))
        self._perform()
        self.assertEqual(len(self._statement_messages(settlement)), 1)

    # ------------------------------------------------------------------
    # Upgrade from the flags (migrations/18.0.1.1.0)
    # ------------------------------------------------------------------
    def test_migration_queues_flagged_records(self):
        """A proposal still flagged ``vmi_to_notify`` before the upgrade goes
        to the outbox; the flag's column goes; the noupdate cron calls the
        outbox's sweeper."""
        order = self._review()
        self._notifications(order).unlink()
        self.env.cr.execute("ALTER TABLE purchase_order ADD COLUMN vmi_to_notify boolean")
        self.env.cr.execute("UPDATE purchase_order SET vmi_to_notify = (id = %s)", [order.id])
        cron = self.env.ref("stock_vmi.ir_cron_vmi_notify")
        cron.write(
            {"model_id": self.env.ref("stock_vmi.model_vmi_agreement").id, "code": "model._cron_vmi_notify()"}
        )
        path = os.path.join(
            os.path.dirname(os.path.dirname(__file__)), "migrations", "18.0.1.1.0", "post-migrate.py"
        )
        spec = importlib.util.spec_from_file_location("stock_vmi_post_migrate_18_0_1_1_0", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.0.0")
        notification = self._notifications(order)
        self.assertEqual((notification.kind, notification.state), ("proposal", "pending"))
        self.assertFalse(column_exists(self.env.cr, "purchase_order", "vmi_to_notify"))
        self.assertEqual((cron.model_id.model, cron.code), ("vmi.notification", "model._cron_send()"))
        self._perform()
        self.assertEqual(len(self._proposal_messages(order)), 1)
