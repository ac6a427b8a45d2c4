# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import date, datetime

from psycopg2 import errors as pg_errors

import odoo
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools import mute_logger

from .common import VmiCommon

CUTOFF = date(2026, 3, 25)

# Keep the committed records of the concurrency tests free of chatter.
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}


@tagged("post_install", "-at_install")
class TestSettlement(VmiCommon):
    """Settlement of consumption into draft vendor bills, each consumption billed once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.env["account.tax"].create(
            {"name": "VMI purchase tax 15%", "amount": 15.0, "type_tax_use": "purchase"}
        )
        cls.product.supplier_taxes_id = cls.tax
        cls.agreement.line_ids = [
            Command.create(
                {"product_id": cls.product_2.id, "reorder_point": 10, "max_qty": 50, "price_unit": 20.0}
            )
        ]
        cls.agreement_b = cls._create_agreement(
            cls.supplier_b, [(cls.product_2, 10, 100, 30.0)], settlement_day=10
        )

    def setUp(self):
        super().setUp()
        self._receive(100)
        self._receive(100, product=self.product_2)
        self._receive(100, product=self.product_2, agreement=self.agreement_b)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _consume_on(self, when, qty, product=None, agreement=None):
        """Consume ``qty`` at ``when`` (frozen time); return the stock move."""
        agreement = agreement or self.agreement
        with freeze_time(when):
            return self._consume(qty, product=product, location=agreement.location_id)

    def _return_on(self, when, move, qty):
        """Return ``qty`` of consumption ``move`` into the VMI location at ``when``."""
        with freeze_time(when):
            return self._move(
                move.product_id, qty, move.location_dest_id, move.location_id, origin_returned_move_id=move.id
            )

    def _settle_on(self, when, cutoff, agreements=None):
        with freeze_time(when):
            return (agreements or self.agreement).with_user(self.accountant)._settle(cutoff)

    def _bill_lines(self, bill):
        return {line.product_id: line for line in bill.invoice_line_ids}

    # ------------------------------------------------------------------
    # Settlement contents
    # ------------------------------------------------------------------
    def test_wizard_bills_each_agreement(self):
        """The wizard makes one draft bill per agreement, one line per product, linked both ways."""
        first = self._consume_on("2026-03-20 10:00:00", 10)
        second = self._consume_on("2026-03-21 10:00:00", 5)
        self._consume_on("2026-03-21 11:00:00", 3, product=self.product_2)
        self._consume_on("2026-03-22 10:00:00", 4, product=self.product_2, agreement=self.agreement_b)
        with freeze_time("2026-03-25 18:00:00"):
            form = Form(self.env["vmi.settlement.wizard"].with_user(self.accountant))
            form.agreement_ids.add(self.agreement)
            form.agreement_ids.add(self.agreement_b)
            form.cutoff_date = CUTOFF
            action = form.save().action_settle()
        settlements = self.env["vmi.settlement"].search(action["domain"])
        self.assertEqual(settlements.agreement_id, self.agreement | self.agreement_b)
        settlement_a = settlements.filtered(lambda s: s.agreement_id == self.agreement)
        settlement_b = settlements - settlement_a

        bill = settlement_a.bill_id
        self.assertRecordValues(
            bill,
            [
                {
                    "move_type": "in_invoice",
                    "state": "draft",
                    "partner_id": self.supplier.id,
                    "vmi_settlement_id": settlement_a.id,
                    "invoice_date": CUTOFF,
                    "amount_untaxed": 15 * 12.5 + 3 * 20.0,
                    "amount_tax": 28.13,
                }
            ],
        )
        self.assertEqual(settlement_a.date_from, date(2026, 2, 26))
        self.assertEqual(settlement_a.date_to, CUTOFF)
        self.assertIn(self.agreement.name, bill.ref)
        self.assertIn("2026-02-26", bill.ref)
        self.assertIn("2026-03-25", bill.ref)
        lines = self._bill_lines(bill)
        self.assertEqual(len(bill.invoice_line_ids), 2)
        self.assertRecordValues(
            lines[self.product],
            [
                {
                    "quantity": 15.0,
                    "price_unit": 12.5,
                    "tax_ids": self.tax.ids,
                    "product_uom_id": self.uom_unit.id,
                }
            ],
        )
        self.assertRecordValues(lines[self.product_2], [{"quantity": 3.0, "price_unit": 20.0, "tax_ids": []}])
        settlement_line = settlement_a.line_ids.filtered(lambda sl: sl.product_id == self.product)
        self.assertEqual(lines[self.product].vmi_settlement_line_id, settlement_line)
        consumed = self.env["vmi.consumption"].search([("move_id", "in", (first | second).ids)])
        self.assertEqual(consumed.settlement_id, settlement_a)
        self.assertEqual(consumed.settlement_line_id, settlement_line)
        self.assertEqual(settlement_line.consumption_ids, consumed)
        self.assertTrue(all(consumed.mapped("billed")))

        self.assertRecordValues(
            settlement_b.bill_id.invoice_line_ids,
            [{"product_id": self.product_2.id, "quantity": 4.0, "price_unit": 30.0}],
        )
        self.assertEqual(settlement_b.bill_id.partner_id, self.supplier_b)

    def test_consumption_after_cutoff_not_billed(self):
        """Consumption after the cut-off waits for the next settlement."""
        self._consume_on("2026-03-24 10:00:00", 10)
        late = self._consume_on("2026-03-26 10:00:00", 7)
        settlement = self._settle_on("2026-03-27 09:00:00", CUTOFF)
        self.assertEqual(settlement.bill_id.invoice_line_ids.quantity, 10)
        late_consumption = self.env["vmi.consumption"].search([("move_id", "=", late.id)])
        self.assertFalse(late_consumption.settlement_id)

        next_settlement = self._settle_on("2026-04-25 18:00:00", date(2026, 4, 25))
        self.assertEqual(next_settlement.date_from, date(2026, 3, 26))
        self.assertEqual(next_settlement.bill_id.invoice_line_ids.quantity, 7)
        self.assertEqual(late_consumption.settlement_id, next_settlement)

    def test_second_run_creates_nothing(self):
        """Settling again the same period creates no settlement and no bill."""
        self._consume_on("2026-03-20 10:00:00", 10)
        self.assertTrue(self._settle_on("2026-03-25 18:00:00", CUTOFF))
        with freeze_time("2026-03-25 19:00:00"):
            wizard = (
                self.env["vmi.settlement.wizard"]
                .with_user(self.accountant)
                .create({"agreement_ids": [Command.set(self.agreement.ids)], "cutoff_date": CUTOFF})
            )
            action = wizard.action_settle()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            self.env["vmi.settlement"].search_count([("agreement_id", "=", self.agreement.id)]), 1
        )
        self.assertEqual(
            self.env["account.move"].search_count(
                [("vmi_settlement_id.agreement_id", "=", self.agreement.id)]
            ),
            1,
        )

    def test_cutoff_ends_at_midnight_in_user_timezone(self):
        """The cut-off date ends at midnight in the accountant's time zone, not in UTC."""
        self.accountant.tz = "Asia/Shanghai"
        in_time = self._consume_on("2026-03-25 15:30:00", 10)  # 23:30 on the 25th in Shanghai
        too_late = self._consume_on("2026-03-25 16:30:00", 7)  # 00:30 on the 26th in Shanghai
        settlement = self._settle_on("2026-03-26 02:00:00", CUTOFF)
        self.assertEqual(settlement.bill_id.invoice_line_ids.quantity, 10)
        consumptions = self.env["vmi.consumption"].search([("move_id", "in", (in_time | too_late).ids)])
        self.assertEqual(consumptions.filtered("settlement_id").move_id, in_time)

    def test_vendor_taxes_follow_fiscal_position(self):
        """The supplier's fiscal position maps the product's vendor taxes on the bill."""
        tax_exempt = self.env["account.tax"].create(
            {"name": "VMI import 0%", "amount": 0.0, "type_tax_use": "purchase"}
        )
        fiscal_position = self.env["account.fiscal.position"].create(
            {
                "name": "VMI foreign supplier",
                "tax_ids": [Command.create({"tax_src_id": self.tax.id, "tax_dest_id": tax_exempt.id})],
            }
        )
        self.supplier.property_account_position_id = fiscal_position
        self._consume_on("2026-03-20 10:00:00", 10)
        bill = self._settle_on("2026-03-25 18:00:00", CUTOFF).bill_id
        self.assertEqual(bill.fiscal_position_id, fiscal_position)
        self.assertEqual(bill.invoice_line_ids.tax_ids, tax_exempt)
        self.assertEqual(bill.amount_tax, 0.0)

    # ------------------------------------------------------------------
    # Returns
    # ------------------------------------------------------------------
    def test_return_before_settlement_reduces_quantity(self):
        """A return in the period nets the billed quantity."""
        move = self._consume_on("2026-03-20 10:00:00", 10)
        self._return_on("2026-03-22 10:00:00", move, 4)
        settlement = self._settle_on("2026-03-25 18:00:00", CUTOFF)
        self.assertRecordValues(settlement.bill_id.invoice_line_ids, [{"quantity": 6.0, "price_unit": 12.5}])
        self.assertEqual(len(settlement.consumption_ids), 2)

    def test_return_after_settlement_is_negative_line(self):
        """A return of billed consumption goes on the next bill as a negative line."""
        move = self._consume_on("2026-03-20 10:00:00", 10)
        self._settle_on("2026-03-25 18:00:00", CUTOFF)
        self._return_on("2026-04-02 10:00:00", move, 4)
        self._consume_on("2026-04-03 10:00:00", 5, product=self.product_2)
        settlement = self._settle_on("2026-04-25 18:00:00", date(2026, 4, 25))
        bill = settlement.bill_id
        self.assertEqual(bill.move_type, "in_invoice")
        lines = self._bill_lines(bill)
        self.assertRecordValues(
            lines[self.product], [{"quantity": -4.0, "price_unit": 12.5, "price_subtotal": -50.0}]
        )
        self.assertRecordValues(lines[self.product_2], [{"quantity": 5.0, "price_subtotal": 100.0}])
        self.assertEqual(bill.amount_untaxed, 50.0)

    def test_negative_period_is_refund(self):
        """A period with only returns produces a vendor credit note."""
        move = self._consume_on("2026-03-20 10:00:00", 10)
        self._settle_on("2026-03-25 18:00:00", CUTOFF)
        self._return_on("2026-04-02 10:00:00", move, 4)
        settlement = self._settle_on("2026-04-25 18:00:00", date(2026, 4, 25))
        self.assertEqual(settlement.line_ids.quantity, -4)
        refund = settlement.bill_id
        self.assertRecordValues(
            refund,
            [
                {
                    "move_type": "in_refund",
                    "state": "draft",
                    "partner_id": self.supplier.id,
                    "amount_untaxed": 50.0,
                }
            ],
        )
        self.assertRecordValues(refund.invoice_line_ids, [{"quantity": 4.0, "price_unit": 12.5}])

    def test_return_credited_at_consumed_price(self):
        """A return is credited at the price its consumption was billed, even after a price change."""
        line = self.agreement.line_ids.filtered(lambda ln: ln.product_id == self.product)
        move = self._consume_on("2026-03-20 10:00:00", 10)
        self._settle_on("2026-03-25 18:00:00", CUTOFF)
        line.price_unit = 13.0
        self._return_on("2026-04-02 10:00:00", move, 4)
        self._consume_on("2026-04-03 10:00:00", 6)
        settlement = self._settle_on("2026-04-25 18:00:00", date(2026, 4, 25))
        self.assertRecordValues(
            settlement.line_ids.sorted("price_unit"),
            [{"quantity": -4.0, "price_unit": 12.5}, {"quantity": 6.0, "price_unit": 13.0}],
        )
        self.assertEqual(settlement.bill_id.amount_untaxed, 6 * 13.0 - 4 * 12.5)

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    def test_cron_settles_on_settlement_day_once(self):
        """The cron bills agreements whose settlement day is today, once a day."""
        self._consume_on("2026-03-05 10:00:00", 10)
        self._consume_on("2026-03-05 10:00:00", 2, product=self.product_2, agreement=self.agreement_b)
        with freeze_time("2026-03-25 09:00:00"):
            self.env["vmi.agreement"]._cron_settle()
        self.assertEqual(len(self.agreement.settlement_ids), 1)
        self.assertEqual(self.agreement.last_settlement_date, CUTOFF)
        self.assertFalse(self.agreement_b.settlement_ids, "agreement B settles on the 10th")

        later = self._consume_on("2026-03-25 11:00:00", 3)
        with freeze_time("2026-03-25 13:00:00"):
            self.env["vmi.agreement"]._cron_settle()
        self.assertEqual(len(self.agreement.settlement_ids), 1, "already settled today")
        self.assertFalse(self.env["vmi.consumption"].search([("move_id", "=", later.id)]).settlement_id)

        with freeze_time("2026-04-10 09:00:00"):
            self.env["vmi.agreement"]._cron_settle()
        self.assertEqual(len(self.agreement_b.settlement_ids), 1)
        self.assertEqual(self.agreement_b.settlement_ids.bill_id.invoice_line_ids.quantity, 2)
        self.assertEqual(len(self.agreement.settlement_ids), 1, "agreement A waits for the 25th")

    def test_cron_catches_up_missed_settlement_day(self):
        """If the cron missed the 25th, its next run bills up to the 25th, once."""
        self._consume_on("2026-02-20 10:00:00", 5)
        with freeze_time("2026-02-25 09:00:00"):
            self.env["vmi.agreement"]._cron_settle()
        self._consume_on("2026-03-20 10:00:00", 10)
        self._consume_on("2026-03-26 10:00:00", 3)
        with freeze_time("2026-03-27 09:00:00"):
            self.env["vmi.agreement"]._cron_settle()
            self.env["vmi.agreement"]._cron_settle()
        settlements = self.agreement.settlement_ids.sorted("date_to")
        self.assertEqual(len(settlements), 2)
        self.assertEqual(settlements[-1].date_to, CUTOFF)
        self.assertEqual(
            settlements[-1].bill_id.invoice_line_ids.quantity, 10, "the 26th is after the cut-off"
        )

    def test_earlier_cutoff_keeps_last_settlement_date(self):
        """A run with an earlier cut-off does not move the last settlement back (the cron stays safe)."""
        self._consume_on("2026-03-20 10:00:00", 10)
        self._settle_on("2026-03-25 10:00:00", CUTOFF)
        self._consume_on("2026-03-25 11:00:00", 2)
        self.assertFalse(self._settle_on("2026-03-25 12:00:00", date(2026, 3, 20)))
        self.assertEqual(self.agreement.last_settlement_date, CUTOFF)
        with freeze_time("2026-03-25 14:00:00"):
            self.env["vmi.agreement"]._cron_settle()
        self.assertEqual(len(self.agreement.settlement_ids), 1)

    # ------------------------------------------------------------------
    # Rights and checks
    # ------------------------------------------------------------------
    def test_vmi_user_cannot_settle(self):
        """A VMI user without accounting rights can neither open the wizard nor settle."""
        self._consume_on("2026-03-20 10:00:00", 10)
        with freeze_time("2026-03-25 18:00:00"):
            with self.assertRaises(AccessError):
                self.env["vmi.settlement.wizard"].with_user(self.buyer).create(
                    {"agreement_ids": [Command.set(self.agreement.ids)], "cutoff_date": CUTOFF}
                )
            with self.assertRaises(AccessError):
                self.agreement.with_user(self.buyer)._settle(CUTOFF)
        self.assertFalse(self.agreement.settlement_ids)
        self.assertFalse(self.agreement.consumption_ids.settlement_id)

    def test_future_cutoff_refused(self):
        """The wizard refuses a cut-off in the future."""
        self._consume_on("2026-03-20 10:00:00", 10)
        with freeze_time("2026-03-25 18:00:00"):
            wizard = (
                self.env["vmi.settlement.wizard"]
                .with_user(self.accountant)
                .create(
                    {"agreement_ids": [Command.set(self.agreement.ids)], "cutoff_date": date(2026, 3, 26)}
                )
            )
            with self.assertRaisesRegex(UserError, "future"):
                wizard.action_settle()
        self.assertFalse(self.agreement.settlement_ids)

    # ------------------------------------------------------------------
    # Concurrency: two real transactions on committed data
    # ------------------------------------------------------------------
    @contextmanager
    def _new_env(self):
        """An environment on a new, separate database connection (not the
        test cursor); the caller commits or it is rolled back on exit."""
        cr = odoo.sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            # Never hang the test suite on a lock held by another transaction
            # (committed at once so that a rollback keeps the setting).
            cr.execute("SET lock_timeout = '10s'")
            cr.commit()
            yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, QUIET)
        finally:
            cr.close()

    def _committed_agreement(self):
        """Commit an agreement with two unbilled consumptions; clean up after the test."""
        with self._new_env() as env:
            supplier = env["res.partner"].create({"name": "VMI concurrency supplier", "is_company": True})
            product = env["product.product"].create(
                {
                    "name": "VMI concurrency bearing",
                    "is_storable": True,
                    "supplier_taxes_id": [Command.clear()],
                }
            )
            warehouse = env["stock.warehouse"].browse(self.warehouse.id)
            location = env["stock.location"].create(
                {"name": "VMI concurrency", "usage": "internal", "location_id": warehouse.view_location_id.id}
            )
            agreement = env["vmi.agreement"].create(
                {
                    "name": "VMI/CONCURRENCY",
                    "partner_id": supplier.id,
                    "warehouse_id": warehouse.id,
                    "location_id": location.id,
                    "line_ids": [
                        Command.create(
                            {"product_id": product.id, "reorder_point": 1, "max_qty": 10, "price_unit": 12.5}
                        )
                    ],
                }
            )
            agreement.action_activate()
            env["vmi.consumption"].sudo().create(
                [
                    {
                        "date": datetime(2026, 3, day, 10, 0),
                        "agreement_id": agreement.id,
                        "agreement_line_id": agreement.line_ids.id,
                        "product_id": product.id,
                        "quantity": qty,
                        "uom_id": product.uom_id.id,
                        "price_unit": 12.5,
                        "origin": "concurrency test",
                    }
                    for day, qty in ((10, 4.0), (12, 6.0))
                ]
            )
            ids = {
                "partner": supplier.id,
                "product": product.id,
                "template": product.product_tmpl_id.id,
                "location": location.id,
                "agreement": agreement.id,
            }
            env.cr.commit()
        self.addCleanup(self._delete_committed, ids)
        return ids

    def _delete_committed(self, ids):
        """Delete, and commit, everything the concurrency test created."""
        with self._new_env() as env:
            cr = env.cr
            cr.execute("SELECT id FROM vmi_settlement WHERE agreement_id = %s", [ids["agreement"]])
            settlement_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
            cr.execute("SELECT id FROM account_move WHERE vmi_settlement_id IN %s", [settlement_ids])
            bill_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
            records = [
                ("account.move", bill_ids),
                ("vmi.settlement", settlement_ids),
                ("vmi.agreement", (ids["agreement"],)),
                ("res.partner", (ids["partner"],)),
                ("product.product", (ids["product"],)),
                ("product.template", (ids["template"],)),
                ("stock.location", (ids["location"],)),
            ]
            for model, res_ids in records:
                cr.execute("DELETE FROM mail_message WHERE model = %s AND res_id IN %s", [model, res_ids])
                cr.execute(
                    "DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s", [model, res_ids]
                )
            # Bill lines, settlement lines and agreement lines go by cascade.
            cr.execute("DELETE FROM account_move WHERE id IN %s", [bill_ids])
            cr.execute("DELETE FROM vmi_consumption WHERE agreement_id = %s", [ids["agreement"]])
            cr.execute("DELETE FROM vmi_settlement WHERE id IN %s", [settlement_ids])
            cr.execute("DELETE FROM vmi_agreement WHERE id = %s", [ids["agreement"]])
            cr.execute("DELETE FROM stock_location WHERE id = %s", [ids["location"]])
            cr.execute("DELETE FROM product_product WHERE id = %s", [ids["product"]])
            cr.execute("DELETE FROM product_template WHERE id = %s", [ids["template"]])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [ids["partner"]])
            cr.commit()

    def _committed_state(self, ids):
        """``(settlement count, bill count, unbilled consumption count)`` as committed."""
        with self._new_env() as env:
            agreement = env["vmi.agreement"].browse(ids["agreement"])
            return (
                len(agreement.settlement_ids),
                len(agreement.settlement_ids.bill_id),
                len(agreement.consumption_ids.filtered(lambda c: not c.settlement_id)),
            )

    def test_concurrent_settlement_while_running(self):
        """While one transaction settles another is refused; after it commits a rerun bills nothing."""
        ids = self._committed_agreement()
        with self._new_env() as env_a, self._new_env() as env_b:
            self.assertNotEqual(env_a.cr._cnx, env_b.cr._cnx)
            settlement = env_a["vmi.agreement"].browse(ids["agreement"])._settle(CUTOFF)
            self.assertEqual(settlement.line_ids.quantity, 10)
            env_a.cr.flush()
            with mute_logger("odoo.sql_db"), self.assertRaisesRegex(UserError, "already running"):
                env_b["vmi.agreement"].browse(ids["agreement"])._settle(CUTOFF)
            env_b.cr.rollback()
            env_a.cr.commit()
            self.assertFalse(env_b["vmi.agreement"].browse(ids["agreement"])._settle(CUTOFF))
            env_b.cr.commit()
        self.assertEqual(self._committed_state(ids), (1, 1, 0))

    def test_concurrent_settlement_stale_snapshot(self):
        """A transaction whose snapshot predates another's committed settlement fails and bills nothing."""
        ids = self._committed_agreement()
        with self._new_env() as env_a, self._new_env() as env_b:
            # B starts first: its snapshot still sees the consumption unbilled.
            env_b.cr.execute(
                "SELECT count(*) FROM vmi_consumption WHERE settlement_id IS NULL AND agreement_id = %s",
                [ids["agreement"]],
            )
            self.assertEqual(env_b.cr.fetchone()[0], 2)
            env_a["vmi.agreement"].browse(ids["agreement"])._settle(CUTOFF)
            env_a.cr.commit()
            failure = None
            try:
                with mute_logger("odoo.sql_db"):
                    env_b["vmi.agreement"].browse(ids["agreement"])._settle(CUTOFF)
            except (UserError, pg_errors.SerializationFailure) as e:
                failure = e
            self.assertTrue(failure, "the stale transaction must not settle")
            env_b.cr.rollback()
        self.assertEqual(self._committed_state(ids), (1, 1, 0))
