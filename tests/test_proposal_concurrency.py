# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import VmiCommon
from .test_settlement import TestSettlement

BUSY = "being answered by someone else right now, or was answered meanwhile"


@tagged("post_install", "-at_install")
class TestProposalConcurrency(VmiCommon):
    """Two answers to one proposal at the same moment, on two real
    connections (a double click, the supplier on the portal and the buyer
    recording a phone call): one goes through, the other gets a clear message
    at once, nothing is done twice (order, receipt, message, follower), and
    the refusal writes no ERROR line in the server log."""

    _new_env = TestSettlement._new_env
    _committed_agreement = TestSettlement._committed_agreement
    _delete_committed = TestSettlement._delete_committed

    def _committed_proposal(self):
        """A committed proposal of 10 waiting for the supplier; cleaned up after the test."""
        ids = self._committed_agreement()
        self.addCleanup(self._delete_committed_receipts, ids)
        with self._new_env() as env:
            order = env["vmi.agreement"].browse(ids["agreement"])._run_review()
            self.assertEqual(order.vmi_state, "to_confirm")
            env.cr.commit()
            return order.id

    def _delete_committed_receipts(self, ids):
        """The receipts of the committed proposals go before the agreement's cleanup
        (``TestSettlement._delete_committed``, registered earlier, runs after this)."""
        with self._new_env() as env:
            cr = env.cr
            cr.execute("SELECT id, picking_id FROM stock_move WHERE product_id = %s", [ids["product"]])
            rows = cr.fetchall()
            move_ids = tuple(row[0] for row in rows) or (0,)
            picking_ids = tuple({row[1] for row in rows if row[1]}) or (0,)
            cr.execute("SELECT group_id FROM purchase_order WHERE vmi_agreement_id = %s", [ids["agreement"]])
            group_ids = tuple(row[0] for row in cr.fetchall() if row[0]) or (0,)
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'stock.picking' AND res_id IN %s", [picking_ids]
            )
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = 'stock.picking' AND res_id IN %s", [picking_ids]
            )
            cr.execute("DELETE FROM stock_move_line WHERE move_id IN %s", [move_ids])
            cr.execute("DELETE FROM stock_move WHERE id IN %s", [move_ids])
            cr.execute("DELETE FROM stock_picking WHERE id IN %s", [picking_ids])
            cr.execute("UPDATE purchase_order SET group_id = NULL WHERE group_id IN %s", [group_ids])
            cr.execute("DELETE FROM procurement_group WHERE id IN %s", [group_ids])
            cr.execute("DELETE FROM product_supplierinfo WHERE product_tmpl_id = %s", [ids["template"]])
            # Removes what the concurrent transactions committed (separate connection).
            cr.commit()  # pylint: disable=invalid-commit

    def _committed_outcome(self, order_id):
        """``(vmi_state, state, receipts, approval messages, duplicate followers)`` as committed."""
        with self._new_env() as env:
            order = env["purchase.order"].browse(order_id)
            self.assertEqual(
                env["purchase.order"].search_count([("vmi_agreement_id", "=", order.vmi_agreement_id.id)]),
                1,
                "no second proposal",
            )
            env.cr.execute(
                """SELECT count(*) FROM (SELECT partner_id FROM mail_followers
                    WHERE res_model = 'purchase.order' AND res_id = %s
                    GROUP BY partner_id HAVING count(*) > 1) d""",
                [order_id],
            )
            duplicate_followers = env.cr.fetchone()[0]
            approvals = order.message_ids.filtered(lambda m: "was approved" in (m.body or ""))
            return order.vmi_state, order.state, len(order.picking_ids), len(approvals), duplicate_followers

    def _race(self, order_id, first, second, retry_message):
        """``first`` answers and holds its lock; ``second`` is refused at once
        (no ERROR logged); once ``first`` is committed, ``second`` tried again
        reads the outcome: ``retry_message``."""
        with self._new_env() as env_a, self._new_env() as env_b:
            first(env_a["purchase.order"].browse(order_id))
            env_a.cr.flush()
            with self.assertNoLogs("odoo.sql_db", "ERROR"), self.assertRaisesRegex(UserError, BUSY):
                second(env_b["purchase.order"].browse(order_id))
            env_b.cr.rollback()
            env_a.cr.commit()
            with self.assertRaisesRegex(UserError, retry_message):
                second(env_b["purchase.order"].browse(order_id))
            env_b.cr.rollback()

    def test_confirm_while_confirming(self):
        """Confirm clicked twice at once: one confirmation, one receipt, one message."""
        order_id = self._committed_proposal()

        def confirm(order):
            order.action_vmi_supplier_confirm()

        self._race(order_id, confirm, confirm, "is Approved: it can no longer be changed")
        self.assertEqual(self._committed_outcome(order_id), ("approved", "purchase", 1, 1, 0))

    def test_decline_while_confirming(self):
        """The supplier declines while the buyer records its confirmation: the
        decline is refused; the proposal is confirmed once."""
        order_id = self._committed_proposal()
        self._race(
            order_id,
            lambda order: order.action_vmi_supplier_confirm(),
            lambda order: order.action_vmi_supplier_decline("Out of stock"),
            "is Approved: it can no longer be changed",
        )
        self.assertEqual(self._committed_outcome(order_id), ("approved", "purchase", 1, 1, 0))

    def test_adjust_after_concurrent_confirm_committed(self):
        """An adjustment whose transaction began before a confirmation was
        committed cannot see it: refused with the clear message (no serialization
        error in the log); tried again, it reads that the proposal is approved."""
        order_id = self._committed_proposal()
        with self._new_env() as env_a, self._new_env() as env_b:
            # B's snapshot starts before A's confirmation.
            order_b = env_b["purchase.order"].browse(order_id)
            self.assertEqual(order_b.vmi_state, "to_confirm")
            line_id = order_b.order_line.id
            env_a["purchase.order"].browse(order_id).action_vmi_supplier_confirm()
            env_a.cr.commit()
            with self.assertNoLogs("odoo.sql_db", "ERROR"), self.assertRaisesRegex(UserError, BUSY):
                order_b.action_vmi_supplier_adjust({line_id: 9})
            env_b.cr.rollback()
            with self.assertRaisesRegex(UserError, "is Approved: it can no longer be changed"):
                env_b["purchase.order"].browse(order_id).action_vmi_supplier_adjust({line_id: 9})
            env_b.cr.rollback()
        self.assertEqual(self._committed_outcome(order_id), ("approved", "purchase", 1, 1, 0))
        with self._new_env() as env:
            self.assertEqual(env["purchase.order"].browse(order_id).order_line.product_qty, 10)
