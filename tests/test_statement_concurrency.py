# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import errors as pg_errors

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import VmiCommon
from .test_settlement import CUTOFF, TestSettlement


@tagged("post_install", "-at_install")
class TestStatementConcurrency(VmiCommon):
    """A supplier's dispute and the accountant's posting of the bill, at the
    same moment, on two real connections: the bill is never posted past a
    dispute (the supplier was told a dispute blocks it)."""

    # The committed-data helpers of the settlement concurrency tests.
    _new_env = TestSettlement._new_env
    _committed_agreement = TestSettlement._committed_agreement
    _delete_committed = TestSettlement._delete_committed

    def _committed_statement(self):
        ids = self._committed_agreement()
        with self._new_env() as env:
            settlement = env["vmi.agreement"].browse(ids["agreement"])._settle(CUTOFF)
            env.cr.commit()
            result = ids, settlement.id, settlement.bill_id.id
        self.addCleanup(self._delete_activities, settlement.id)
        return result

    def _delete_activities(self, settlement_id):
        with self._new_env() as env:
            env.cr.execute(
                "DELETE FROM mail_activity WHERE res_model = 'vmi.settlement' AND res_id = %s",
                [settlement_id],
            )
            env.cr.commit()

    def _committed(self, settlement_id, bill_id):
        with self._new_env() as env:
            return (
                env["vmi.settlement"].browse(settlement_id).supplier_state,
                env["account.move"].browse(bill_id).state,
            )

    def test_dispute_committed_while_posting(self):
        """The accountant's transaction started before the dispute was
        committed: posting fails (and Odoo retries it, then sees the dispute)."""
        _ids, settlement_id, bill_id = self._committed_statement()
        with self._new_env() as env_a, self._new_env() as env_b:
            # B (the accountant) starts: its snapshot sees no dispute.
            env_b.cr.execute("SELECT supplier_state FROM vmi_settlement WHERE id = %s", [settlement_id])
            self.assertEqual(env_b.cr.fetchone()[0], "pending")
            env_a["vmi.settlement"].browse(settlement_id).action_supplier_dispute("We count 8, not 10")
            env_a.cr.commit()
            with mute_logger("odoo.sql_db"), self.assertRaises(pg_errors.SerializationFailure):
                env_b["account.move"].browse(bill_id).with_context(vmi_post_before_answer=True).action_post()
            env_b.cr.rollback()
            # The retry sees the dispute.
            with self.assertRaisesRegex(UserError, "disputed by the supplier"):
                env_b["account.move"].browse(bill_id).with_context(vmi_post_before_answer=True).action_post()
            env_b.cr.rollback()
        self.assertEqual(self._committed(settlement_id, bill_id), ("disputed", "draft"))

    def test_dispute_while_posting(self):
        """A dispute arriving while the bill is being posted waits for the
        posting, then is refused: the bill is posted."""
        _ids, settlement_id, bill_id = self._committed_statement()
        with self._new_env() as env_a, self._new_env() as env_b:
            env_a["account.move"].browse(bill_id).with_context(vmi_post_before_answer=True).action_post()
            env_a.cr.flush()
            env_b.cr.execute("SET lock_timeout = '1s'")
            # The dispute waits for the posting (here: gives up after 1 s).
            with mute_logger("odoo.sql_db"), self.assertRaises(pg_errors.LockNotAvailable):
                env_b["vmi.settlement"].browse(settlement_id).action_supplier_dispute("Too late")
            env_b.cr.rollback()
            env_a.cr.commit()
            with self.assertRaisesRegex(UserError, "is posted"):
                env_b["vmi.settlement"].browse(settlement_id).action_supplier_dispute("Too late")
            env_b.cr.rollback()
        self.assertEqual(self._committed(settlement_id, bill_id), ("unanswered", "posted"))
