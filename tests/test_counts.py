# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo.tests import tagged

from ..logic import counts
from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestCountRules(VmiCommon):
    """``logic/counts.py``: what a counted difference means (plain Python)."""

    def test_split_count_gain(self):
        self.assertEqual(counts.split_count_gain(40, 0), (0.0, 40.0))
        self.assertEqual(counts.split_count_gain(5, 5), (5.0, 0.0))
        self.assertEqual(counts.split_count_gain(8, 5), (5.0, 3.0))
        self.assertEqual(counts.split_count_gain(3, 5), (3.0, 0.0))
        self.assertEqual(counts.split_count_gain(4, -2), (0.0, 4.0))
        reversed_qty, added = counts.split_count_gain(0.1 + 0.2, 0.3)
        self.assertAlmostEqual(reversed_qty, 0.3)
        self.assertEqual(added, 0.0, "float noise is not stock found")

    def test_split_count_gains_in_order(self):
        self.assertEqual(counts.split_count_gains([3, 4, 1], 5), [(3.0, 0.0), (2.0, 2.0), (0.0, 1.0)])


@tagged("post_install", "-at_install")
class TestStockCounts(VmiCommon):
    """Stock counts of the VMI location: a count below the records is
    consumption; a count above first reverses unbilled count losses, and the
    rest is the supplier's stock with no consumption and no credit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Consumption = cls.env["vmi.consumption"]

    def _count(self, qty, product=None):
        """Count ``qty`` of the bearing in the VMI location (Odoo's physical
        inventory: set the counted quantity, apply)."""
        product = product or self.product
        quant = self._quants(product=product)
        if quant:
            quant = quant.with_context(inventory_mode=True)
            quant.inventory_quantity = qty
        else:
            quant = (
                self.env["stock.quant"]
                .with_context(inventory_mode=True)
                .create(
                    {
                        "product_id": product.id,
                        "location_id": self.vmi_location.id,
                        "inventory_quantity": qty,
                    }
                )
            )
        quant.action_apply_inventory()

    def _consumptions(self):
        return self.Consumption.search([("agreement_id", "=", self.agreement.id)], order="id")

    def _settle(self):
        return self.agreement.with_user(self.accountant)._settle(fields.Date.today())

    def _notes(self):
        return self.agreement.message_ids.filtered(lambda m: "stock count found more" in (m.body or ""))

    def test_first_count_on_empty_location(self):
        """Go-live: 40 counted in an empty VMI location -> 40 supplier-owned,
        nothing billed, nothing credited, a note on the agreement."""
        self._count(40)
        quants = self._quants().filtered("quantity")  # the counting quant (0) aside
        self.assertEqual(quants.quantity, 40.0)
        self.assertEqual(quants.owner_id, self.supplier)
        self.assertFalse(self._consumptions())
        self.assertFalse(self._settle(), "nothing to bill or credit")
        note = self._notes()
        self.assertEqual(len(note), 1)
        self.assertIn("40", note.body)
        self.assertIn(self.product.display_name, note.body)
        self.assertEqual(self.agreement.line_ids.qty_on_hand, 40.0)

    def test_miscount_corrected_nets_to_nothing(self):
        """45 -> 40 -> 45: the loss of 5 is reversed by the recount; nothing
        is billed, nothing credited."""
        self._receive(45)
        self._count(40)
        self.assertEqual(self._consumptions().mapped("quantity"), [5.0])
        self._count(45)
        consumptions = self._consumptions()
        self.assertEqual(consumptions.mapped("quantity"), [5.0, -5.0])
        self.assertEqual(consumptions.mapped("is_count"), [True, True])
        self.assertEqual(sum(consumptions.mapped("amount")), 0.0)
        self.assertEqual(self._quants().quantity, 45.0)
        self.assertEqual(self._quants().owner_id, self.supplier)
        self.assertFalse(self._notes(), "nothing was found beyond the losses")
        settlement = self._settle()
        self.assertFalse(settlement.bill_id if settlement else False)

    def test_recount_beyond_losses(self):
        """45 -> 40 -> 48: 5 reversed, 3 added to the supplier's stock (noted)."""
        self._receive(45)
        self._count(40)
        self._count(48)
        self.assertEqual(self._consumptions().mapped("quantity"), [5.0, -5.0])
        self.assertEqual(self._quants().quantity, 48.0)
        self.assertEqual(len(self._notes()), 1)
        self.assertIn("3", self._notes().body)

    def test_billed_loss_is_not_reversed(self):
        """A loss already billed stays billed: a later count above the records
        only adds the supplier's stock, it does not credit the supplier."""
        self._receive(45)
        self._count(40)
        self.assertEqual(self._settle().bill_id.amount_total, 62.5)
        self._count(45)
        self.assertEqual(self._consumptions().mapped("quantity"), [5.0])
        self.assertEqual(self._quants().quantity, 45.0)
        self.assertFalse(self._settle())
        self.assertEqual(len(self._notes()), 1)

    def test_partial_recount_and_consumption_between(self):
        """45 -> 40 (loss 5), 10 drawn to production, 30 -> 33: 3 of the 5
        reversed; production's 10 is untouched and billed."""
        self._receive(45)
        self._count(40)
        self._consume(10)
        self._count(33)
        self.assertEqual(self._consumptions().mapped("quantity"), [5.0, 10.0, -3.0])
        self.assertEqual(self._settle().bill_id.amount_total, 150.0)

    def test_count_below_is_consumption(self):
        """A count below the records is consumption, as before."""
        self._receive(45)
        self._count(42)
        self.assertRecordValues(
            self._consumptions(), [{"quantity": 3.0, "is_count": True, "is_return": False}]
        )
        self.assertEqual(self._settle().bill_id.amount_total, 37.5)

    def test_note_in_buyer_language(self):
        """The note is written in the responsible buyer's language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.buyer.lang = "zh_CN"
        self._count(40)
        note = self.agreement.message_ids.filtered(lambda m: "盘点" in (m.body or ""))
        self.assertEqual(len(note), 1)
