# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The replenishment review of an agreement (SPEC step 3): Review Now, the
scheduled review as ``queue_job`` jobs, and the proposal it makes."""

import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.queue_job.job import identity_exact

from ..logic import rules
from .locking import lock_rows, lock_rows_or_raise

_logger = logging.getLogger(__name__)


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Reorder check (SPEC step 3)
    # ------------------------------------------------------------------
    def action_review_now(self):
        """Button: run the reorder check for these agreements now (VMI users)."""
        if not self.env.user.has_group("stock_vmi.group_vmi_user"):
            raise AccessError(self.env._("Only VMI users can run the reorder check."))
        self.check_access("read")
        if any(a.state != "active" for a in self):
            raise UserError(self.env._("Only active agreements can be reviewed."))
        # A double click, or the cron reviewing the same agreement right now:
        # the second one is refused at once instead of proposing twice.
        lock_rows_or_raise(
            self, self.env._("This agreement is being reviewed right now; try again in a moment.")
        )
        orders = self._run_review()
        if len(orders) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "purchase.order",
                "res_id": orders.id,
                "view_mode": "form",
            }
        if not orders:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._("No product is below its reorder point: nothing to propose."),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return self.action_view_purchases()

    @api.model
    def _cron_review(self, batch_size=200):
        """Scheduled reorder check: hands every agreement whose review is due
        to a ``queue_job`` job, ``batch_size`` agreements a job, on the channel
        ``root.vmi.review`` (its capacity says how many run at once, in any
        Odoo server of the database). The identity key (the chunk's
        agreements and the day) keeps two crons, or a cron and a rerun, from
        enqueueing the same chunk twice while it waits or runs.

        The unit of work is ``_job_review`` (one chunk), then ``_run_review``
        (overridable, as OCA ddmrp's ``cron_actions``)."""
        today = fields.Date.context_today(self)
        domain = [("next_review_date", "<=", today), *self._in_force_domain(today)]
        agreements = self.search(domain, order="next_review_date, id")
        for start in range(0, len(agreements), batch_size):
            chunk = agreements[start : start + batch_size]
            chunk.with_delay(
                channel="root.vmi.review",
                identity_key=identity_exact,
                description=self.env._("VMI review of %(count)s agreements", count=len(chunk)),
            )._job_review(today)
        return True

    def _job_review(self, day, attempt=0):
        """One chunk of the scheduled review (a job). Agreements locked by
        another transaction (Review Now, a settlement job, another worker)
        are not waited for (``locking.lock_rows``): they get a job of their
        own a moment later (``_vmi_retry_busy``), and are never proposed
        twice. The chunk is reviewed
        in one savepoint (one ``create`` of all its proposals); if that fails,
        agreement by agreement, each in its own savepoint, so that one bad
        agreement never blocks the others: its failure is noted on it, in
        its buyer's language, and logged. ``day`` only keys the job (the
        review of another day is another job).

        The proposals' e-mails go to the outbox (``vmi.notification``), sent
        by jobs of their own once this one commits."""
        records = self.exists()
        agreements = lock_rows(records)
        self._vmi_retry_busy(records - agreements, "_job_review", day, attempt=attempt)
        if not agreements:
            return self.env["purchase.order"]
        try:
            with self.env.cr.savepoint():
                orders = agreements._run_review()
        except Exception as error:  # noqa: BLE001 - retried agreement by agreement
            if len(agreements) == 1:
                agreements._vmi_report_review_failure(error)
                return self.env["purchase.order"]
            _logger.warning(
                "VMI review of %d agreements failed (%s); reviewing them one by one", len(agreements), error
            )
            orders = self.env["purchase.order"]
            for agreement in agreements:
                try:
                    with self.env.cr.savepoint():
                        orders |= agreement._run_review()
                except Exception as agreement_error:  # noqa: BLE001 - noted, the others go on
                    agreement._vmi_report_review_failure(agreement_error)
        return orders

    # A busy agreement's chunk is tried again this many seconds later, at most
    # this many times (then the next cron run takes it up).
    _VMI_BUSY_RETRY_SECONDS = 15
    _VMI_BUSY_RETRY_MAX = 20

    @api.model
    def _vmi_retry_busy(self, agreements, method, *args, attempt=0):
        """Enqueue ``method`` (``_job_review`` or ``vmi.settlement._job_settle``)
        again, a moment later, for ``agreements`` that another transaction
        holds. Not when jobs run at once (``queue_job__no_delay``: nothing
        would have changed) nor past ``_VMI_BUSY_RETRY_MAX`` attempts."""
        if not agreements:
            return
        if self.env.context.get("queue_job__no_delay") or attempt >= self._VMI_BUSY_RETRY_MAX:
            _logger.info("VMI %s of %s left to the next run: busy", method, agreements.mapped("name"))
            return
        options = {"eta": self._VMI_BUSY_RETRY_SECONDS, "identity_key": identity_exact}
        if method == "_job_review":
            agreements.with_delay(channel="root.vmi.review", **options)._job_review(
                *args, attempt=attempt + 1
            )
        else:
            self.env["vmi.settlement"].with_delay(channel="root.vmi.settlement", **options)._job_settle(
                agreements.ids, *args, attempt=attempt + 1
            )

    def _vmi_report_review_failure(self, error):
        """Note on the agreement why its scheduled review failed, for its
        buyer (in the buyer's language), and log it: a refusal
        (``UserError``) as a warning, anything else as an error with its
        traceback."""
        self.ensure_one()
        if isinstance(error, UserError):
            _logger.warning("VMI review of %s skipped: %s", self.name, error)
        else:
            _logger.error("VMI review of %s failed", self.name, exc_info=error)
        reason = error.args[0] if isinstance(error, UserError) and error.args else type(error).__name__
        lang = self.user_id.lang or self.env.lang
        body = self.with_context(lang=lang).env._(
            "The scheduled replenishment review of this agreement failed: %(reason)s. "
            "The other agreements were reviewed; this one is reviewed again at the next run.",
            reason=reason,
        )
        self.sudo().message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")

    def _run_review(self):
        """Reorder check of ``self``: one proposal (RFQ) per agreement with all
        its due lines. Returns the purchase orders created.

        Each proposal is e-mailed to its supplier through the outbox
        (``vmi.notification``): by a job, once this transaction commits.

        The proposals are created without mail.thread's "Purchase Order
        created" log line (``mail_create_nolog``): the supplier's e-mail
        posted on the RFQ says as much, and purchase creates orders one by
        one, so each log line is a message of its own. Followers and field
        tracking are unchanged (``tracking_disable`` would also drop the
        followers; ``mail_notrack`` skips nothing here: purchase has no
        tracking template)."""
        today = fields.Date.context_today(self)
        self = self.filtered(lambda a: a._is_in_force(today))  # noqa: PLW0642
        if not self:
            return self.env["purchase.order"]
        lines = self.line_ids
        stock = lines._get_quantities()
        expected = lines._vmi_expected_demand(today)
        quantities = lines._compute_proposal_quantities(stock, expected)
        order_vals = []
        for agreement in self:
            due = [
                (line, quantities[line.id]) for line in agreement.line_ids if quantities.get(line.id, 0.0) > 0
            ]
            if due:
                vals = agreement._prepare_purchase_order(due)
                # The agreement's own lines: all the review's lines, for each
                # of hundreds of agreements, made this quadratic.
                self.env["purchase.order"]._vmi_add_review_figures(vals, agreement.line_ids, stock, expected)
                order_vals.append(vals)
        orders = self.env["purchase.order"]._vmi_create_proposals(order_vals)
        # The review's bookkeeping is written as superuser: VMI users run
        # reviews but may not edit agreements. One write per review interval.
        now = fields.Datetime.now()
        by_interval = defaultdict(list)
        for agreement in self:
            by_interval[agreement.review_interval_days].append(agreement.id)
        for interval, agreement_ids in by_interval.items():
            self.browse(agreement_ids).sudo().write(
                {"last_review_date": now, "next_review_date": rules.next_review_date(today, interval, today)}
            )
        self.env["vmi.notification"]._vmi_queue(orders, "proposal")
        return orders

    def _prepare_purchase_order(self, due_lines):
        """Extension point: values of the proposal (RFQ) for ``due_lines``, a
        list of ``(agreement line, quantity in line UoM)``."""
        self.ensure_one()
        picking_type = self.warehouse_id.in_type_id
        partner = self.partner_id
        fpos = self.env["account.fiscal.position"].with_company(self.company_id)._get_fiscal_position(partner)
        # The supplier's lead time, not the review interval (SPEC step 3).
        date_planned = fields.Datetime.now() + timedelta(days=max(self.lead_days, 0))
        return {
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "user_id": self.user_id.id,
            "picking_type_id": picking_type.id,
            "fiscal_position_id": fpos.id,
            "origin": self.name,
            "vmi_agreement_id": self.id,
            "vmi_state": "to_confirm",
            "date_planned": date_planned,
            "order_line": [
                fields.Command.create(self._prepare_purchase_order_line(line, qty, fpos, date_planned))
                for line, qty in due_lines
            ],
        }

    def _prepare_purchase_order_line(self, agreement_line, quantity, fpos, date_planned):
        """Extension point: values of one proposal line, at the agreed price."""
        product = agreement_line.product_id
        taxes = product.supplier_taxes_id._filter_taxes_by_company(self.company_id)
        return {
            "product_id": product.id,
            "name": product.display_name,
            "product_qty": quantity,
            "product_uom": agreement_line.product_uom_id.id,
            "price_unit": agreement_line.price_unit,
            "taxes_id": [fields.Command.set(fpos.map_tax(taxes).ids)],
            "date_planned": date_planned,
            "vmi_agreement_line_id": agreement_line.id,
            "vmi_proposed_qty": quantity,
        }
