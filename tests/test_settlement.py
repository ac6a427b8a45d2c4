# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from contextlib import contextmanager
from datetime import date, datetime
from unittest.mock import patch

import odoo
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

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
        # The tests run in March 2026 (freeze_time); the cron bills only
        # settlement dates from the start date on.
        (cls.agreement | cls.agreement_b).date_start = date(2026, 1, 1)

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

    def _cron_on(self, when):
        with freeze_time(when):
            self.env["vmi.agreement"]._cron_settle()

    def _record_consumption(self, when, qty, agreement=None, product=None):
        """A consumption row recorded late with an earlier date (a backdated move)."""
        agreement = agreement or self.agreement
        line = agreement.line_ids.filtered(lambda ln: ln.product_id == (product or self.product))
        return (
            self.env["vmi.consumption"]
            .sudo()
            .create(
                {
                    "date": when,
                    "agreement_id": agreement.id,
                    "agreement_line_id": line.id,
                    "product_id": line.product_id.id,
                    "quantity": qty,
                    "uom_id": line.product_uom_id.id,
                    "price_unit": line.price_unit,
                    "origin": "late",
                }
            )
        )

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

    def _assert_cutoff_in_shanghai(self):
        in_time = self._consume_on("2026-03-25 15:30:00", 10)  # 23:30 on the 25th in Shanghai
        too_late = self._consume_on("2026-03-25 16:30:00", 7)  # 00:30 on the 26th in Shanghai
        settlement = self._settle_on("2026-03-26 02:00:00", CUTOFF)
        self.assertEqual(settlement.bill_id.invoice_line_ids.quantity, 10)
        consumptions = self.env["vmi.consumption"].search([("move_id", "in", (in_time | too_late).ids)])
        self.assertEqual(consumptions.filtered("settlement_id").move_id, in_time)

    def test_cutoff_ends_at_midnight_in_company_timezone(self):
        """The cut-off date ends at midnight in the company's time zone, whoever settles."""
        self.company.partner_id.tz = "Asia/Shanghai"
        self.buyer.tz = "Europe/Paris"
        self.accountant.tz = "America/New_York"  # 12:30 on the 25th in New York: not counted
        self._assert_cutoff_in_shanghai()

    def test_cutoff_timezone_falls_back_to_responsible(self):
        """Without a company time zone, the agreement's responsible user's time zone counts."""
        self.company.partner_id.tz = False
        self.buyer.tz = "Asia/Shanghai"
        self.accountant.tz = "America/New_York"
        self._assert_cutoff_in_shanghai()

    def test_cron_reads_today_in_company_timezone(self):
        """The cron's "today" is the company's, not OdooBot's: the 25th is over at midnight in Shanghai."""
        self.company.partner_id.tz = "Asia/Shanghai"
        self._consume_on("2026-03-20 10:00:00", 10)
        self._cron_on("2026-03-25 15:00:00")  # 23:00 on the 25th in Shanghai
        self.assertFalse(self.agreement.settlement_ids)
        self._cron_on("2026-03-25 16:30:00")  # 00:30 on the 26th in Shanghai
        self.assertEqual(self.agreement.settlement_ids.date_to, CUTOFF)
        self.assertEqual(self.agreement.settlement_ids.bill_id.invoice_date, CUTOFF)

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

    def test_branch_bills_its_own_taxes(self):
        """In a branch, the bill takes the branch's vendor taxes, not the parent's as well."""
        branch = self.env["res.company"].create(
            {
                "name": "VMI Branch",
                "parent_id": self.company.id,
                "country_id": self.company.country_id.id,
                "account_fiscal_country_id": self.tax.country_id.id,
            }
        )
        self.env.user.company_ids |= branch
        branch_tax = self.env["account.tax"].create(
            {
                "name": "VMI branch tax 5%",
                "amount": 5.0,
                "type_tax_use": "purchase",
                "company_id": branch.id,
                "tax_group_id": self.tax.tax_group_id.id,
                "country_id": self.tax.country_id.id,
            }
        )
        self.product.supplier_taxes_id = self.tax | branch_tax
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", branch.id)], limit=1)
        agreement = (
            self.env["vmi.agreement"]
            .with_company(branch)
            .create(
                {
                    "partner_id": self.supplier.id,
                    "company_id": branch.id,
                    "warehouse_id": warehouse.id,
                    "date_start": date(2026, 1, 1),
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "reorder_point": 5,
                                "max_qty": 10,
                                "price_unit": 12.5,
                            }
                        )
                    ],
                }
            )
        )
        agreement.action_create_location()
        agreement.action_activate()
        settlement = (
            self.env["vmi.settlement"]
            .sudo()
            .create(
                {
                    "agreement_id": agreement.id,
                    "date_from": date(2026, 2, 26),
                    "date_to": CUTOFF,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "uom_id": self.uom_unit.id,
                                "quantity": 4,
                                "price_unit": 12.5,
                            }
                        )
                    ],
                }
            )
        )
        self.assertEqual(settlement.company_id, branch)
        bill_line = settlement.line_ids._prepare_bill_line()
        self.assertEqual(bill_line["tax_ids"], [Command.set(branch_tax.ids)])
        # A branch without taxes of its own takes its parent's.
        self.product.supplier_taxes_id = self.tax
        bill_line = settlement.line_ids._prepare_bill_line()
        self.assertEqual(bill_line["tax_ids"], [Command.set(self.tax.ids)])

    def test_settlement_line_product_company(self):
        """A settlement line's product belongs to the settlement's company (or to none)."""
        company_2 = self.env["res.company"].create({"name": "VMI other company"})
        product = self.env["product.product"].create(
            {"name": "Other company's bearing", "company_id": company_2.id}
        )
        with self.assertRaisesRegex(UserError, "ncompatib"):
            self.env["vmi.settlement"].sudo().create(
                {
                    "agreement_id": self.agreement.id,
                    "date_from": date(2026, 2, 26),
                    "date_to": CUTOFF,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "uom_id": self.uom_unit.id,
                                "quantity": 1,
                                "price_unit": 1,
                            }
                        )
                    ],
                }
            )

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
    # Cancel
    # ------------------------------------------------------------------
    def test_bill_cannot_be_deleted_or_cancelled(self):
        """A settlement's bill cannot be deleted nor cancelled on its own, even with a forged context key."""
        move = self._consume_on("2026-03-20 10:00:00", 10)
        settlement = self._settle_on("2026-03-26 09:00:00", CUTOFF)
        bill = settlement.bill_id.with_user(self.accountant)
        for context in ({}, {"_vmi_settlement_cancel": True}, {"_vmi_settlement_cancel": "1"}):
            with self.subTest(context=context):
                with self.assertRaisesRegex(UserError, "Cancel the settlement instead"):
                    bill.with_context(**context).unlink()
                with self.assertRaisesRegex(UserError, "Cancel the settlement instead"):
                    bill.with_context(**context).button_cancel()
        self.assertEqual(bill.state, "draft")
        self.assertEqual(settlement.bill_id, bill)
        consumption = self.env["vmi.consumption"].search([("move_id", "=", move.id)])
        self.assertEqual(consumption.settlement_id, settlement)

    def test_cancel_settlement_releases_consumption(self):
        """Cancelling a settlement deletes it and its draft bill; the next settlement bills again."""
        self._consume_on("2026-02-20 10:00:00", 5)
        february = self._settle_on("2026-02-26 09:00:00", date(2026, 2, 25))
        move = self._consume_on("2026-03-20 10:00:00", 10)
        settlement = self._settle_on("2026-03-26 09:00:00", CUTOFF)
        bill, lines = settlement.bill_id, settlement.line_ids
        consumption = self.env["vmi.consumption"].search([("move_id", "=", move.id)])
        with freeze_time("2026-03-27 09:00:00"):
            settlement.with_user(self.accountant).action_cancel()
        self.assertFalse(settlement.exists())
        self.assertFalse(lines.exists())
        self.assertFalse(bill.exists())
        self.assertRecordValues(
            consumption, [{"settlement_id": False, "settlement_line_id": False, "billed": False}]
        )
        self.assertTrue(february.exists())
        self.assertEqual(self.agreement.last_settlement_date, date(2026, 2, 25))
        self.assertIn(f"{self.agreement.name}/2026-03", self.agreement.message_ids[0].body)
        # The cron's next run bills it again, with the same period.
        self._cron_on("2026-03-28 01:00:00")
        again = self.agreement.settlement_ids - february
        self.assertRecordValues(again, [{"date_from": date(2026, 2, 26), "date_to": CUTOFF}])
        self.assertEqual(again.bill_id.invoice_line_ids.quantity, 10)
        self.assertEqual(consumption.settlement_id, again)

    def test_cancel_posted_bill_refused(self):
        """A settlement whose bill is posted cannot be cancelled: a credit note corrects it."""
        self._consume_on("2026-03-20 10:00:00", 10)
        settlement = self._settle_on("2026-03-26 09:00:00", CUTOFF)
        settlement.bill_id.with_context(vmi_post_before_answer=True).action_post()
        with self.assertRaisesRegex(UserError, "credit note"):
            settlement.with_user(self.accountant).action_cancel()
        with self.assertRaisesRegex(UserError, "Cancel the settlement instead"):
            settlement.bill_id.with_user(self.accountant).button_cancel()
        self.assertTrue(settlement.exists())
        self.assertEqual(settlement.bill_id.state, "posted")
        self.assertTrue(all(settlement.consumption_ids.mapped("billed")))

    def test_cancel_settlement_bill_posted_once(self):
        """A draft bill that was posted once keeps its number: it is cancelled, not deleted."""
        move = self._consume_on("2026-03-20 10:00:00", 10)
        settlement = self._settle_on("2026-03-26 09:00:00", CUTOFF)
        bill = settlement.bill_id
        bill.with_context(vmi_post_before_answer=True).action_post()
        bill.button_draft()
        settlement.with_user(self.accountant).action_cancel()
        self.assertFalse(settlement.exists())
        self.assertRecordValues(bill, [{"state": "cancel", "vmi_settlement_id": False}])
        self.assertFalse(self.env["vmi.consumption"].search([("move_id", "=", move.id)]).settlement_id)
        # Its consumption is billed again by the next settlement: it can never be posted again.
        with self.assertRaisesRegex(UserError, "cannot be reset to draft"):
            bill.with_user(self.accountant).button_draft()
        self.assertEqual(bill.state, "cancel")

    def test_bill_settlement_link_cannot_be_changed(self):
        """An accountant cannot unlink a bill from its settlement (to delete it) nor link another bill."""
        self._consume_on("2026-03-20 10:00:00", 10)
        settlement = self._settle_on("2026-03-26 09:00:00", CUTOFF)
        bill = settlement.bill_id.with_user(self.accountant)
        with self.assertRaisesRegex(UserError, "cannot be changed by hand"):
            bill.write({"vmi_settlement_id": False})
        with self.assertRaisesRegex(UserError, "cannot be changed by hand"):
            bill.invoice_line_ids.write({"vmi_settlement_line_id": False})
        with self.assertRaisesRegex(UserError, "cannot be changed by hand"):
            self.env["account.move"].with_user(self.accountant).create(
                {
                    "move_type": "in_invoice",
                    "partner_id": self.supplier.id,
                    "vmi_settlement_id": settlement.id,
                }
            )
        self.assertEqual(settlement.bill_id.vmi_settlement_id, settlement)

    def test_cancel_settlement_needs_accountant(self):
        """A VMI user cannot cancel a settlement."""
        self._consume_on("2026-03-20 10:00:00", 10)
        settlement = self._settle_on("2026-03-26 09:00:00", CUTOFF)
        with self.assertRaises(AccessError):
            settlement.with_user(self.buyer).action_cancel()
        self.assertTrue(settlement.bill_id.exists())

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    def test_cron_settles_day_after_settlement_day_once(self):
        """The cron bills a settlement day once it is over (the day after), up to its end, once."""
        self._consume_on("2026-03-05 10:00:00", 10)
        self._consume_on("2026-03-05 10:00:00", 2, product=self.product_2, agreement=self.agreement_b)
        self._cron_on("2026-03-25 09:00:00")
        self.assertFalse(self.agreement.settlement_ids, "the 25th is not over")
        self.assertEqual(len(self.agreement_b.settlement_ids), 1, "agreement B's 10th is over")
        self.assertEqual(self.agreement_b.settlement_ids.date_to, date(2026, 3, 10))
        self.assertEqual(self.agreement_b.settlement_ids.bill_id.invoice_line_ids.quantity, 2)

        later = self._consume_on("2026-03-25 22:00:00", 3)
        self._cron_on("2026-03-26 01:00:00")
        settlement = self.agreement.settlement_ids
        self.assertEqual(len(settlement), 1)
        self.assertEqual(self.agreement.last_settlement_date, CUTOFF)
        self.assertRecordValues(settlement, [{"date_from": date(2026, 2, 26), "date_to": CUTOFF}])
        self.assertEqual(settlement.bill_id.invoice_date, CUTOFF)
        self.assertEqual(settlement.bill_id.invoice_line_ids.quantity, 13, "the whole 25th is billed")
        self.assertEqual(
            self.env["vmi.consumption"].search([("move_id", "=", later.id)]).settlement_id, settlement
        )

        self._consume_on("2026-03-26 11:00:00", 4)
        self._cron_on("2026-03-26 13:00:00")
        self.assertEqual(len(self.agreement.settlement_ids), 1, "already settled up to the 25th")
        self.assertEqual(len(self.agreement_b.settlement_ids), 1)
        self._cron_on("2026-04-26 01:00:00")
        april = self.agreement.settlement_ids.sorted("date_to")[-1]
        self.assertRecordValues(april, [{"date_from": date(2026, 3, 26), "date_to": date(2026, 4, 25)}])
        self.assertEqual(april.bill_id.invoice_line_ids.quantity, 4)

    def test_cron_catches_up_missed_settlement_day(self):
        """If the cron missed the day after the 25th, its next run bills up to the 25th, once;
        after missed months, up to the latest missed 25th."""
        self._consume_on("2026-02-20 10:00:00", 5)
        self._cron_on("2026-02-26 09:00:00")
        self._consume_on("2026-03-20 10:00:00", 10)
        self._consume_on("2026-03-26 10:00:00", 3)
        with freeze_time("2026-03-27 09:00:00"):
            self.env["vmi.agreement"]._cron_settle()
            self.env["vmi.agreement"]._cron_settle()
        settlements = self.agreement.settlement_ids.sorted("date_to")
        self.assertEqual(len(settlements), 2)
        self.assertRecordValues(
            settlements,
            [
                {"date_from": date(2026, 1, 26), "date_to": date(2026, 2, 25)},
                {"date_from": date(2026, 2, 26), "date_to": CUTOFF},
            ],
        )
        self.assertEqual(
            settlements[-1].bill_id.invoice_line_ids.quantity, 10, "the 26th is after the cut-off"
        )
        # The cron is down from April to June: its next run bills up to 25 May.
        self._consume_on("2026-05-20 10:00:00", 4)
        self._cron_on("2026-06-03 09:00:00")
        last = self.agreement.settlement_ids.sorted("date_to")[-1]
        self.assertEqual(len(self.agreement.settlement_ids), 3)
        self.assertRecordValues(last, [{"date_from": date(2026, 3, 26), "date_to": date(2026, 5, 25)}])
        self.assertEqual(last.bill_id.invoice_line_ids.quantity, 7)

    def test_cron_waits_for_start_date(self):
        """The cron bills no settlement date before the agreement's start date."""
        self.agreement.date_start = date(2026, 3, 26)
        self._consume_on("2026-03-20 10:00:00", 10)
        self._cron_on("2026-04-10 09:00:00")
        self.assertFalse(self.agreement.settlement_ids)
        self.assertFalse(self.agreement.last_settlement_date)
        self._cron_on("2026-04-26 09:00:00")
        self.assertRecordValues(
            self.agreement.settlement_ids, [{"date_from": date(2026, 3, 20), "date_to": date(2026, 4, 25)}]
        )

    def test_earlier_cutoff_keeps_last_settlement_date(self):
        """A run with an earlier cut-off does not move the last settlement back (the cron stays safe)."""
        self._consume_on("2026-03-20 10:00:00", 10)
        self._settle_on("2026-03-25 10:00:00", CUTOFF)
        self._consume_on("2026-03-25 11:00:00", 2)
        self.assertFalse(self._settle_on("2026-03-25 12:00:00", date(2026, 3, 20)))
        self.assertEqual(self.agreement.last_settlement_date, CUTOFF)
        self._cron_on("2026-03-26 09:00:00")
        self.assertEqual(len(self.agreement.settlement_ids), 1)
        # What was consumed after the early run goes on the next bill, whose
        # period is not pulled back over the previous one.
        self._cron_on("2026-04-26 09:00:00")
        april = self.agreement.settlement_ids.sorted("date_to")[-1]
        self.assertRecordValues(april, [{"date_from": date(2026, 3, 26), "date_to": date(2026, 4, 25)}])
        self.assertEqual(april.bill_id.invoice_line_ids.quantity, 2)

    def test_second_run_same_cutoff_bills_new_consumption(self):
        """Consumption recorded after a settlement, dated before its cut-off, is billed by a
        second run for the same cut-off: a second settlement, no database error."""
        self._consume_on("2026-03-20 10:00:00", 10)
        first = self._settle_on("2026-03-26 09:00:00", CUTOFF)
        late = self._record_consumption("2026-03-24 10:00:00", 6)
        with freeze_time("2026-03-26 15:00:00"):
            wizard = (
                self.env["vmi.settlement.wizard"]
                .with_user(self.accountant)
                .create({"agreement_ids": [Command.set(self.agreement.ids)], "cutoff_date": CUTOFF})
            )
            action = wizard.action_settle()
        second = self.env["vmi.settlement"].search(action["domain"])
        self.assertEqual(len(second), 1)
        self.assertNotEqual(second, first)
        self.assertEqual(second.date_to, CUTOFF)
        self.assertEqual(late.settlement_id, second)
        self.assertEqual(second.bill_id.invoice_line_ids.quantity, 6)
        self.assertEqual(first.name, f"{self.agreement.name}/2026-03")
        self.assertEqual(second.name, f"{self.agreement.name}/2026-03-2")

    def test_date_from_not_pulled_back(self):
        """Backdated unbilled consumption is billed by the next settlement, whose period still
        starts the day after the previous cut-off."""
        self._consume_on("2026-03-20 10:00:00", 10)
        self._settle_on("2026-03-26 09:00:00", CUTOFF)
        late = self._record_consumption("2026-03-10 10:00:00", 6)
        self._consume_on("2026-04-10 10:00:00", 1)
        settlement = self._settle_on("2026-04-26 09:00:00", date(2026, 4, 25))
        self.assertRecordValues(settlement, [{"date_from": date(2026, 3, 26), "date_to": date(2026, 4, 25)}])
        self.assertEqual(late.settlement_id, settlement)
        self.assertEqual(settlement.bill_id.invoice_line_ids.quantity, 7)

    def test_first_settlement_starts_at_earliest_consumption(self):
        """The first settlement of an agreement covers its earliest consumption."""
        self._consume_on("2026-01-10 10:00:00", 3)
        self._consume_on("2026-03-20 10:00:00", 10)
        settlement = self._settle_on("2026-03-26 09:00:00", CUTOFF)
        self.assertRecordValues(settlement, [{"date_from": date(2026, 1, 10), "date_to": CUTOFF}])
        self.assertEqual(settlement.bill_id.invoice_line_ids.quantity, 13)

    def test_name_is_language_neutral(self):
        """The settlement's name is the agreement and the cut-off month, whatever the language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.accountant.lang = "fr_FR"
        self._consume_on("2026-03-20 10:00:00", 10)
        settlement = self._settle_on("2026-03-26 09:00:00", CUTOFF)
        self.assertEqual(settlement.name, f"{self.agreement.name}/2026-03")
        self.assertIn("2026-02-26", settlement.bill_id.ref)

    def test_cron_failure_does_not_stop_others(self):
        """An agreement whose settlement fails is rolled back and logged; the others are billed."""
        self._consume_on("2026-03-05 10:00:00", 10)
        self._consume_on("2026-03-05 10:00:00", 2, product=self.product_2, agreement=self.agreement_b)
        both = self.agreement | self.agreement_b
        Settlement = type(self.env["vmi.settlement"])
        settle = Settlement._settle_agreements
        failed = self.env["vmi.agreement"]

        def settle_then_fail(settlements, agreements, cutoff, **kwargs):
            nonlocal failed
            result = settle(settlements, agreements, cutoff, **kwargs)
            if agreements in both and not failed:
                failed = agreements
                raise ValueError("unexpected failure")
            return result

        with (
            patch.object(Settlement, "_settle_agreements", settle_then_fail),
            self.assertLogs("odoo.addons.stock_vmi.models.vmi_settlement_run", "ERROR") as logs,
        ):
            self._cron_on("2026-03-26 09:00:00")
        self.assertIn("unexpected failure", "\n".join(logs.output))
        self.assertEqual(len(failed), 1)
        other = both - failed
        self.assertFalse(failed.settlement_ids, "the failed settlement is rolled back")
        self.assertFalse(failed.consumption_ids.settlement_id)
        self.assertFalse(failed.last_settlement_date)
        self.assertEqual(len(other.settlement_ids), 1)
        self.assertTrue(other.settlement_ids.bill_id)

    def test_cron_chunk_failure_settles_the_others_one_by_one(self):
        """Agreements sharing a cut-off settle in one chunk (one bill creation); if the chunk
        fails, each is settled in its own savepoint: only the bad one is skipped."""
        self.agreement_b.settlement_day = 25
        self._consume_on("2026-03-05 10:00:00", 10)
        self._consume_on("2026-03-05 10:00:00", 2, product=self.product_2, agreement=self.agreement_b)
        Settlement = type(self.env["vmi.settlement"])
        settle = Settlement._settle_agreements
        calls = []

        def settle_fail_on_a(settlements, agreements, cutoff, **kwargs):
            calls.append(agreements.ids)
            result = settle(settlements, agreements, cutoff, **kwargs)
            if self.agreement in agreements:
                raise ValueError("agreement A is broken")
            return result

        with (
            patch.object(Settlement, "_settle_agreements", settle_fail_on_a),
            self.assertLogs("odoo.addons.stock_vmi.models.vmi_settlement_run", "WARNING") as logs,
        ):
            self._cron_on("2026-03-26 09:00:00")
        self.assertEqual(len(calls), 3, "the chunk, then each agreement")
        self.assertEqual(sorted(calls[0]), sorted((self.agreement | self.agreement_b).ids))
        self.assertIn("agreement A is broken", "\n".join(logs.output))
        self.assertFalse(self.agreement.settlement_ids)
        self.assertFalse(self.agreement.consumption_ids.settlement_id)
        self.assertFalse(self.agreement.last_settlement_date)
        self.assertEqual(self.agreement_b.settlement_ids.bill_id.invoice_line_ids.quantity, 2)
        self.assertEqual(self.agreement_b.last_settlement_date, CUTOFF)

    def test_settle_several_agreements_one_bill_creation(self):
        """Settling several agreements creates their bills in one ``account.move.create``,
        each bill linked to its own settlement and consumption."""
        self._consume_on("2026-03-05 10:00:00", 10)
        self._consume_on("2026-03-05 10:00:00", 2, product=self.product_2, agreement=self.agreement_b)
        Move = type(self.env["account.move"])
        create = Move.create
        batches = []

        def count_create(moves, vals_list):
            batches.append(len(vals_list) if isinstance(vals_list, list) else 1)
            return create(moves, vals_list)

        with patch.object(Move, "create", count_create):
            settlements = self._settle_on("2026-03-26 09:00:00", CUTOFF, self.agreement | self.agreement_b)
        self.assertEqual(batches, [2])
        self.assertEqual(len(settlements), 2)
        for settlement in settlements:
            self.assertEqual(settlement.bill_id.vmi_settlement_id, settlement)
            self.assertEqual(settlement.consumption_ids.agreement_id, settlement.agreement_id)
            self.assertEqual(settlement.bill_id.partner_id, settlement.agreement_id.partner_id)
        by_agreement = {s.agreement_id: s for s in settlements}
        self.assertEqual(by_agreement[self.agreement].bill_id.invoice_line_ids.quantity, 10)
        self.assertEqual(by_agreement[self.agreement_b].bill_id.invoice_line_ids.quantity, 2)

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
            with self.assertRaisesRegex(AccessError, "Only accountants"):
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
            # A separate connection, not the test cursor: committing is the point.
            cr.commit()  # pylint: disable=invalid-commit
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
            cr.execute("SELECT id FROM purchase_order WHERE vmi_agreement_id = %s", [ids["agreement"]])
            order_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
            records = [
                ("purchase.order", order_ids),
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
            # The outbox's jobs (its notifications go with the agreement).
            cr.execute("SELECT id FROM vmi_notification WHERE agreement_id = %s", [ids["agreement"]])
            notification_ids = {row[0] for row in cr.fetchall()}
            cr.execute("SELECT id, records FROM queue_job WHERE model_name = 'vmi.notification'")
            job_ids = tuple(
                job_id
                for job_id, records in cr.fetchall()
                if notification_ids & set(json.loads(records or "{}").get("ids", []))
            )
            if job_ids:
                cr.execute("DELETE FROM queue_job WHERE id IN %s", [job_ids])
            # Order lines, bill lines, settlement lines and agreement lines go by cascade.
            cr.execute("DELETE FROM purchase_order WHERE id IN %s", [order_ids])
            cr.execute("DELETE FROM account_move WHERE id IN %s", [bill_ids])
            cr.execute("DELETE FROM vmi_consumption WHERE agreement_id = %s", [ids["agreement"]])
            cr.execute("DELETE FROM vmi_settlement WHERE id IN %s", [settlement_ids])
            cr.execute("DELETE FROM vmi_agreement WHERE id = %s", [ids["agreement"]])
            cr.execute("DELETE FROM stock_location WHERE id = %s", [ids["location"]])
            cr.execute("DELETE FROM product_product WHERE id = %s", [ids["product"]])
            cr.execute("DELETE FROM product_template WHERE id = %s", [ids["template"]])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [ids["partner"]])
            # Removes what the concurrent transactions committed (separate connection).
            cr.commit()  # pylint: disable=invalid-commit

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
            with (
                self.assertNoLogs("odoo.sql_db", "ERROR"),
                self.assertRaisesRegex(UserError, "already running"),
            ):
                env_b["vmi.agreement"].browse(ids["agreement"])._settle(CUTOFF)
            env_b.cr.rollback()
            env_a.cr.commit()
            self.assertFalse(env_b["vmi.agreement"].browse(ids["agreement"])._settle(CUTOFF))
            env_b.cr.commit()
        self.assertEqual(self._committed_state(ids), (1, 1, 0))

    def test_concurrent_review_now(self):
        """Review Now clicked twice at once (or with the cron): one proposal, the other click is refused."""
        ids = self._committed_agreement()
        with self._new_env() as env_a, self._new_env() as env_b:
            order = env_a["vmi.agreement"].browse(ids["agreement"]).action_review_now()
            self.assertEqual(order["res_model"], "purchase.order")
            env_a.cr.flush()
            with (
                self.assertNoLogs("odoo.sql_db", "ERROR"),
                self.assertRaisesRegex(UserError, "being reviewed right now"),
            ):
                env_b["vmi.agreement"].browse(ids["agreement"]).action_review_now()
            env_b.cr.rollback()
            env_a.cr.commit()
            # Once the first review is committed its proposal is open: nothing new.
            env_b["vmi.agreement"].browse(ids["agreement"]).action_review_now()
            env_b.cr.commit()
        with self._new_env() as env:
            orders = env["purchase.order"].search([("vmi_agreement_id", "=", ids["agreement"])])
            self.assertEqual(len(orders), 1)
            self.assertEqual(orders.order_line.product_qty, 10)

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
            # Refused with the clear message, not a failed query in the log.
            with (
                self.assertNoLogs("odoo.sql_db", "ERROR"),
                self.assertRaisesRegex(UserError, "already running"),
            ):
                env_b["vmi.agreement"].browse(ids["agreement"])._settle(CUTOFF)
            env_b.cr.rollback()
        self.assertEqual(self._committed_state(ids), (1, 1, 0))

    def test_concurrent_statement_sender(self):
        """Two send jobs of one statement at once: the one that finds its
        notification locked skips it (SKIP LOCKED); one whose snapshot
        predates the other's commit skips it too; it is sent once."""
        ids = self._committed_agreement()
        with self._new_env() as env:
            settlement = env["vmi.agreement"].browse(ids["agreement"])._settle(CUTOFF)
            notification = env["vmi.notification"].search(
                [("res_model", "=", "vmi.settlement"), ("res_id", "=", settlement.id)]
            )
            self.assertEqual(notification.state, "pending", "sent after the settlement commits")
            self.assertFalse(
                settlement.message_ids.filtered(lambda m: "/my/vmi/statement/" in (m.body or ""))
            )
            env.cr.commit()
        with self._new_env() as env_a, self._new_env() as env_b:
            # B's snapshot starts before A sends.
            env_b.cr.execute("SELECT 1 FROM vmi_notification LIMIT 1")
            env_a["vmi.notification"].browse(notification.id)._job_send()
            env_a.cr.flush()
            with self.assertNoLogs("odoo.sql_db", "ERROR"):
                # Locked by A: skipped, not waited for.
                env_b["vmi.notification"].browse(notification.id)._job_send()
                self.assertEqual(env_b["vmi.notification"].browse(notification.id).state, "pending")
                env_a.cr.commit()
                # B's snapshot still sees it pending; the lock fails and B skips it.
                env_b["vmi.notification"].browse(notification.id)._job_send()
            env_b.cr.rollback()
            env_b["vmi.notification"].browse(notification.id)._job_send()  # sent: nothing to do
            env_b.cr.commit()
        with self._new_env() as env:
            notification = env["vmi.notification"].browse(notification.id)
            self.assertEqual((notification.state, notification.attempts), ("sent", 1))
            settlement = env["vmi.settlement"].browse(settlement.id)
            statements = settlement.message_ids.filtered(lambda m: "/my/vmi/statement/" in (m.body or ""))
            self.assertEqual(len(statements), 1)
