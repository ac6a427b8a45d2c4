# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import freeze_time, tagged

from odoo.addons.queue_job.job import Job

from ..models import vmi_agreement_review, vmi_settlement_run
from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestJobs(VmiCommon):
    """The scheduled review and the monthly settlement run as queue_job jobs:
    the crons only enqueue chunks, once each (identity key), on the VMI
    channels; a chunk isolates each agreement."""

    def setUp(self):
        super().setUp()
        # Jobs are enqueued, not run at once (VmiCommon runs them at once).
        self.env = self.env(context=dict(self.env.context, queue_job__no_delay=False))
        self.Job = self.env["queue.job"]

    def _jobs(self, method):
        return self.Job.search([("method_name", "=", method)])

    def _perform(self, jobs):
        for job in jobs:
            Job.load(self.env, job.uuid).perform()

    def test_review_cron_enqueues_each_chunk_once(self):
        self._receive(45)
        self.agreement.next_review_date = fields.Date.today()
        self.env["vmi.agreement"]._cron_review()
        self.env["vmi.agreement"]._cron_review()  # a second cron run, or a second server
        jobs = self._jobs("_job_review")
        self.assertEqual(len(jobs), 1, "the identity key keeps the chunk from being enqueued twice")
        self.assertEqual(jobs.channel, "root.vmi.review")
        self.assertEqual(jobs.model_name, "vmi.agreement")
        self.assertIn(self.agreement.id, jobs.records.ids)
        self.assertFalse(self.agreement.purchase_ids, "the cron only enqueues")
        self._perform(jobs)
        self.assertEqual(self.agreement.purchase_ids.order_line.product_qty, 55)
        interval = timedelta(days=self.agreement.review_interval_days)
        self.assertEqual(self.agreement.next_review_date, fields.Date.today() + interval)

    def test_review_chunks(self):
        others = self.env["vmi.agreement"]
        for _index in range(4):
            others |= self._create_agreement(self.supplier_b, [(self.product_2, 50, 100, 1.0)])
        (self.agreement | others).next_review_date = fields.Date.today()
        self.env["vmi.agreement"]._cron_review(batch_size=2)
        jobs = self._jobs("_job_review")
        enqueued = [job.records for job in jobs]
        self.assertTrue(all(len(records) <= 2 for records in enqueued), "2 agreements a chunk")
        self.assertGreaterEqual(len(jobs), 3, "5 agreements due, 2 a chunk")
        self.assertLessEqual(self.agreement | others, self.env["vmi.agreement"].union(*enqueued))

    def test_review_job_isolates_a_failing_agreement(self):
        """One agreement whose review fails is noted on it, in its buyer's
        language, and logged; the others of the chunk get their proposals."""
        other = self._create_agreement(self.supplier_b, [(self.product_2, 50, 100, 1.0)])
        self._receive(45)
        Agreement = type(self.env["vmi.agreement"])
        prepare = Agreement._prepare_purchase_order

        def prepare_fail_on_other(agreement, due_lines):
            if agreement == other:
                raise ValueError("broken agreement")
            return prepare(agreement, due_lines)

        chunk = self.agreement | other
        with (
            patch.object(Agreement, "_prepare_purchase_order", prepare_fail_on_other),
            self.assertLogs("odoo.addons.stock_vmi.models.vmi_agreement_review", "ERROR") as logs,
        ):
            orders = chunk._job_review(fields.Date.today())
        self.assertIn("broken agreement", "\n".join(logs.output))
        self.assertEqual(orders.vmi_agreement_id, self.agreement)
        self.assertEqual(self.agreement.purchase_ids.order_line.product_qty, 55)
        self.assertFalse(other.purchase_ids)
        note = other.message_ids.filtered(lambda m: "scheduled replenishment review" in str(m.body))
        self.assertEqual(len(note), 1, "the failure is noted on the agreement")
        self.assertIn("ValueError", str(note.body))

    def test_review_failure_noted_in_buyer_language(self):
        """The note is for the agreement's buyer: in the buyer's language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"], overwrite=True)
        self.agreement.user_id.lang = "zh_CN"
        self._receive(45)
        Agreement = type(self.env["vmi.agreement"])

        def fail(agreement, due_lines):
            raise ValueError("broken agreement")

        with (
            patch.object(Agreement, "_prepare_purchase_order", fail),
            self.assertLogs("odoo.addons.stock_vmi.models.vmi_agreement_review", "ERROR"),
        ):
            self.agreement._job_review(fields.Date.today())
        note = self.agreement.message_ids[0]
        self.assertIn("定期补货检查失败", str(note.body))

    def test_review_job_leaves_locked_agreements(self):
        """An agreement being reviewed by another transaction (Review Now) is
        left to it: the job proposes nothing for it."""
        self._receive(45)
        with patch.object(vmi_agreement_review, "lock_rows", lambda records, *a: records.browse()):
            orders = self.agreement.with_env(self.env)._job_review(fields.Date.today())
        self.assertFalse(orders)
        self.assertFalse(self.agreement.purchase_ids)
        retry = self._jobs("_job_review")
        self.assertEqual(len(retry), 1, "tried again a moment later, in a job of its own")
        self.assertEqual(retry.records, self.agreement)
        self.assertEqual(retry.kwargs, {"attempt": 1})
        self.assertTrue(retry.eta)
        # The retry finds it free: the proposal is made.
        self._perform(retry)
        self.assertEqual(self.agreement.purchase_ids.order_line.product_qty, 55)

    def test_settlement_job_retries_a_busy_agreement(self):
        """An agreement held by another transaction (a review job) is not
        skipped: its settlement is tried again a moment later."""
        self.agreement.date_start = date(2026, 1, 1)
        self._receive(100)
        with freeze_time("2026-03-05 10:00:00"):
            self._consume(10)
        with freeze_time("2026-03-26 09:00:00"):
            with patch.object(vmi_settlement_run, "lock_rows", lambda records, *a: records.browse()):
                self.env["vmi.settlement"]._job_settle(self.agreement.ids, date(2026, 3, 25))
            self.assertFalse(self.agreement.settlement_ids)
            retry = self._jobs("_job_settle")
            self.assertEqual(len(retry), 1)
            self.assertEqual(retry.kwargs, {"attempt": 1})
            self._perform(retry)
        self.assertEqual(len(self.agreement.settlement_ids), 1)

    def test_settlement_cron_enqueues_each_chunk_once(self):
        self.agreement.date_start = date(2026, 1, 1)
        self._receive(100)
        with freeze_time("2026-03-05 10:00:00"):
            self._consume(10)
        with freeze_time("2026-03-26 09:00:00"):
            self.env["vmi.agreement"]._cron_settle()
            self.env["vmi.settlement"]._cron_settle()
            jobs = self._jobs("_job_settle")
            self.assertEqual(len(jobs), 1)
            self.assertEqual(jobs.channel, "root.vmi.settlement")
            self.assertFalse(self.agreement.settlement_ids, "the cron only enqueues")
            self._perform(jobs)
        settlement = self.agreement.settlement_ids
        self.assertEqual(len(settlement), 1)
        self.assertEqual(settlement.date_to, date(2026, 3, 25))
        self.assertEqual(settlement.bill_id.invoice_line_ids.quantity, 10)
        # The same job again (a retry after a lost answer) bills nothing twice.
        self._perform(jobs)
        self.assertEqual(len(self.agreement.settlement_ids), 1)

    def test_settlement_chunks_by_lines_biggest_first(self):
        """Chunks hold at most ``batch_size`` agreements and ``max_lines``
        lines, an agreement with more alone, the biggest enqueued first."""
        self.agreement.date_start = date(2026, 1, 1)
        big = self._create_agreement(
            self.supplier_b,
            [(self.product, 5, 10, 1.0), (self.product_2, 5, 10, 1.0)],
            date_start=date(2026, 1, 1),
        )
        with freeze_time("2026-03-26 09:00:00"):
            self.env["vmi.settlement"]._cron_settle(batch_size=25, max_lines=1)
            jobs = self._jobs("_job_settle").sorted("id")
        self.assertEqual([job.args[0] for job in jobs], [big.ids, self.agreement.ids])
        with freeze_time("2026-03-26 09:00:00"):
            self.Job.search([]).unlink()
            self.env["vmi.settlement"]._cron_settle()
            jobs = self._jobs("_job_settle")
        self.assertEqual(len(jobs), 1, "3 lines in all: one chunk by default")
        self.assertEqual(sorted(jobs.args[0]), sorted((self.agreement | big).ids))

    def test_job_functions(self):
        """The jobs run on the VMI channels with a retry pattern (a company
        sets each channel's capacity)."""
        functions = self.env["queue.job.function"].search([("channel", "like", "root.vmi.%")])
        self.assertEqual(
            {(f.name, f.channel) for f in functions},
            {
                ("<vmi.agreement>._job_review", "root.vmi.review"),
                ("<vmi.settlement>._job_settle", "root.vmi.settlement"),
                ("<vmi.notification>._job_send", "root.vmi.notify"),
            },
        )
        for function in functions:
            self.assertTrue(function.retry_pattern)
