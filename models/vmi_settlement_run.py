# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Settling agreements (SPEC step 5): the monthly cron as ``queue_job``
jobs, one chunk of agreements at a time, and the settlement of a set of
agreements up to a cut-off (one settlement and one draft bill each)."""

import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_is_zero

from odoo.addons.queue_job.job import identity_exact

from ..logic import rules
from .locking import lock_rows

_logger = logging.getLogger(__name__)


class VmiSettlement(models.Model):
    _inherit = "vmi.settlement"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_settle(self, batch_size=25, max_lines=500):
        """Monthly settlement: bill each agreement's settlement day once that
        day is over (the day after, up to the end of the settlement day), and
        catch up the latest missed settlement day if the cron was down
        (``rules.settlement_cutoff_due``). "Today" is read in the agreement's
        settlement time zone (``vmi.consumption._get_settlement_tz``).

        The cron only finds what is due: agreements sharing a cut-off go to
        ``queue_job`` jobs of at most ``batch_size`` agreements and
        ``max_lines`` agreement lines (an agreement with more is a job of its
        own), biggest first (``rules.pack_chunks``: two workers finish
        together), on the channel
        ``root.vmi.settlement`` (its capacity: how many chunks are billed at
        once, in every Odoo server of the database), each keyed by its
        agreements and cut-off (``identity_exact``): a second cron run, or a
        double click, never enqueues the same chunk twice. Billing exactly
        once does not rest on that alone: each chunk locks its agreements
        and claims the consumption rows with ``settlement_id IS NULL``
        (``_settle_agreements``)."""
        Consumption = self.env["vmi.consumption"]
        agreements = self.env["vmi.agreement"].search([("state", "in", ("active", "closed"))])
        ids_by_cutoff = defaultdict(list)
        for agreement in agreements:
            cutoff = rules.settlement_cutoff_due(
                Consumption._get_settlement_today(agreement),
                agreement.settlement_day,
                agreement.last_settlement_date,
                agreement.date_start,
            )
            if cutoff:
                ids_by_cutoff[cutoff].append(agreement.id)
        line_counts = {
            agreement.id: count
            for agreement, count in self.env["vmi.agreement.line"]._read_group(
                [("agreement_id", "in", agreements.ids)], ["agreement_id"], ["__count"]
            )
        }
        for cutoff, agreement_ids in sorted(ids_by_cutoff.items()):
            sizes = [(agreement_id, line_counts.get(agreement_id, 0)) for agreement_id in agreement_ids]
            for chunk_ids in rules.pack_chunks(sizes, batch_size, max_lines):
                self.with_delay(
                    channel="root.vmi.settlement",
                    identity_key=identity_exact,
                    description=self.env._(
                        "VMI settlement of %(count)s agreements, cut-off %(cutoff)s",
                        count=len(chunk_ids),
                        cutoff=cutoff,
                    ),
                )._job_settle(chunk_ids, cutoff)
        return True

    @api.model
    def _job_settle(self, agreement_ids, cutoff, attempt=0):
        """One chunk of the monthly settlement (a job): the agreements of
        ``agreement_ids`` for ``cutoff``; the statements go to the outbox
        (``vmi.notification``), e-mailed once the job commits. Agreements that
        another transaction holds (a review job, the accountant's wizard,
        another worker) are not waited for: they get a job of their own a
        moment later (``vmi.agreement._vmi_retry_busy``)."""
        records = self.env["vmi.agreement"].browse(agreement_ids).exists()
        agreements = lock_rows(records)
        self.env["vmi.agreement"]._vmi_retry_busy(
            records - agreements, "_job_settle", cutoff, attempt=attempt
        )
        if not agreements:
            return self.browse()
        return self._settle_chunk(agreements, cutoff)

    @api.model
    def _settle_chunk(self, agreements, cutoff):
        """Settle ``agreements`` in one savepoint and one
        ``account.move.create`` (accounting syncs the dynamic lines of a whole
        batch of bills at once); if that fails, settle each agreement in its
        own savepoint so that one bad agreement does not block the others.
        Returns the settlements made."""
        try:
            with self.env.cr.savepoint():
                return self._settle_agreements(agreements, cutoff)
        except Exception as e:  # noqa: BLE001 - logged; retried agreement by agreement
            if len(agreements) == 1:
                self._log_settle_failure(agreements, e)
                return self.browse()
            _logger.warning(
                "VMI settlement of %d agreements failed (%s); settling them one by one", len(agreements), e
            )
        settlements = self.browse()
        for agreement in agreements:
            try:
                with self.env.cr.savepoint():
                    settlements |= self._settle_agreements(agreement, cutoff)
            except Exception as e:  # noqa: BLE001 - logged, the other agreements go on
                self._log_settle_failure(agreement, e)
        return settlements

    @api.model
    def _log_settle_failure(self, agreements, error):
        """A refused settlement (``UserError``: busy, already billed) is a
        warning; anything else is an error with its traceback."""
        names = ", ".join(agreements.mapped("name"))
        if isinstance(error, UserError):
            _logger.warning("VMI settlement of %s skipped: %s", names, error)
        else:
            _logger.error("VMI settlement of %s failed", names, exc_info=error)

    @api.model
    def _settle_agreements(self, agreements, cutoff):
        """Settle the unbilled consumption of ``agreements`` up to ``cutoff`` (a date,
        inclusive, ending at midnight in each agreement's settlement time zone):
        one settlement and one draft vendor bill per agreement, all created in
        one ``create`` each (settlements, then bills).

        Only accountants (``account.group_account_invoice``) or the superuser
        (the cron) settle. They only read settlements: the settlement records
        are written here with ``sudo()``, while the vendor bills are created
        with the caller's own rights (account access rules apply).

        Billing exactly once is enforced by the database: the agreement rows are
        locked first (``_lock_for_settlement``: a concurrent settlement is
        refused at once with a clear message), then each consumption row is linked to its settlement
        with ``settlement_id IS NULL`` in the ``WHERE`` clause, so a row billed
        by a transaction that committed meanwhile is never billed again (under
        Odoo's REPEATABLE READ isolation the second transaction gets a
        serialization error and rolls back whole). A second run for the same
        cut-off bills only what was recorded since (a second settlement).

        The statements go to the outbox (``vmi.notification``): e-mailed by a
        job once this transaction commits.
        """
        if not agreements:
            return self.browse()
        if not (self.env.is_superuser() or self.env.user.has_group("account.group_account_invoice")):
            raise AccessError(
                self.env._(
                    "Only accountants (Invoicing: Billing) can settle VMI consumption into vendor bills."
                )
            )
        agreements.check_access("read")
        agreements._lock_for_settlement()
        Consumption = self.env["vmi.consumption"]
        ids_by_end = defaultdict(list)
        for agreement in agreements:
            ids_by_end[Consumption._get_cutoff_end(cutoff, agreement)].append(agreement.id)
        Consumption.flush_model()
        groups = []
        # What each agreement consumed, per product, unit and agreed price:
        # summed by the database, not row by row in Python.
        totals = defaultdict(dict)
        for cutoff_end, agreement_ids in ids_by_end.items():  # two queries per time zone
            domain = [
                ("agreement_id", "in", agreement_ids),
                ("settlement_id", "=", False),
                ("date", "<", cutoff_end),
            ]
            groups += Consumption._read_group(domain, ["agreement_id"], ["id:array_agg"])
            for agreement, product, uom, price_unit, quantity in Consumption._read_group(
                domain, ["agreement_id", "product_id", "uom_id", "price_unit"], ["quantity:sum"]
            ):
                totals[agreement.id][product.id, uom.id, price_unit] = quantity
        # One prefetch for all the consumption rows of the batch.
        consumptions_all = Consumption.browse([cid for _agreement, ids in groups for cid in ids])
        to_settle = [
            (agreement, Consumption.browse(ids).with_prefetch(consumptions_all._prefetch_ids))
            for agreement, ids in groups
        ]
        settlements = self.browse()
        if to_settle:
            # Settlements are read-only for accountants: only this method writes them.
            settlements_sudo = settlements.sudo().create(
                [
                    self._prepare_settlement(agreement, cutoff, consumptions, totals=totals[agreement.id])
                    for agreement, consumptions in to_settle
                ]
            )
            for settlement_sudo, (_agreement, consumptions) in zip(settlements_sudo, to_settle, strict=True):
                settlement_sudo._claim_consumptions(consumptions)
            settlements = settlements_sudo.sudo(False)
            settlements._create_bills()
        # Accountants settle without the right to edit agreements. An earlier
        # cut-off never moves the date back (the cron would settle it again).
        agreements.filtered(
            lambda a: not a.last_settlement_date or a.last_settlement_date < cutoff
        ).sudo().write({"last_settlement_date": cutoff})
        return settlements

    @api.model
    def _prepare_settlement(self, agreement, cutoff, consumptions, totals=None):
        """Extension point: values of the settlement of ``agreement``'s
        ``consumptions``; ``totals``, when given, is their quantity per
        ``(product id, unit id, agreed price)`` (``_settle_agreements`` sums
        them in one query for all agreements).

        The period ends on ``cutoff`` and starts the day after the previous
        cut-off (the last settlement date before ``cutoff``), so periods never
        overlap: unbilled consumption dated before that (a backdated move, or
        consumption released by a cancelled settlement) is billed here all the
        same, without moving the start back. Only the first settlement of an
        agreement starts at its earliest consumption when that is before the
        regular period (settlement day of the previous month + 1).
        """
        agreement.ensure_one()
        previous = agreement.last_settlement_date
        if not previous or previous >= cutoff:
            # A supplementary run for an already settled cut-off: the period
            # follows the last settlement before it, if any.
            previous = max(
                (s.date_to for s in agreement.settlement_ids if s.date_to < cutoff),
                default=False,
            )
        if previous:
            start = previous + timedelta(days=1)
        else:
            start = rules.settlement_period(cutoff, agreement.settlement_day)[0]
            first = self.env["vmi.consumption"]._get_settlement_date(
                agreement, min(consumptions.mapped("date"))
            )
            start = min(start, first)
        if totals is None:
            totals = defaultdict(float)
            for consumption in consumptions:
                key = (consumption.product_id.id, consumption.uom_id.id, consumption.price_unit)
                totals[key] += consumption.quantity
        line_vals = []
        for (product_id, uom_id, price_unit), qty in totals.items():
            rounding = self.env["uom.uom"].browse(uom_id).rounding
            if float_is_zero(qty, precision_rounding=rounding):
                continue
            line_vals.append(
                fields.Command.create(
                    {
                        "product_id": product_id,
                        "uom_id": uom_id,
                        "quantity": qty,
                        "price_unit": price_unit,
                    }
                )
            )
        return {
            "agreement_id": agreement.id,
            "date_from": start,
            "date_to": cutoff,
            "line_ids": line_vals,
        }
