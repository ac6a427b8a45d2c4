# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""VMI components in manufacturing orders (runs with ``mrp`` installed only:
tag ``vmi_mrp``; stock_vmi itself does not depend on mrp)."""

import unittest

from odoo import Command, fields
from odoo.tests import Form, tagged

from .common import VmiCommon


@tagged("post_install", "-at_install", "vmi_mrp")
class TestVmiManufacturing(VmiCommon):
    """A gearbox is built from two VMI bearings (agreed price 12.5): the
    manufacturing order's components are consumption, billed once, and their
    agreed value is the finished product's cost."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "mrp.production" not in cls.env:
            raise unittest.SkipTest("mrp is not installed (these tests run with tag vmi_mrp)")
        cls.gearbox = cls.env["product.product"].create(
            {"name": "Gearbox GB-20", "type": "consu", "is_storable": True}
        )
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.gearbox.product_tmpl_id.id,
                "product_qty": 1.0,
                "type": "normal",
                "bom_line_ids": [Command.create({"product_id": cls.product.id, "product_qty": 2.0})],
            }
        )
        # The components location of an order is shown with storage locations.
        cls.env.user.groups_id += cls.env.ref("stock.group_stock_multi_locations")
        cls.Consumption = cls.env["vmi.consumption"]
        cls.Layer = cls.env["stock.valuation.layer"]
        cls.accounts = cls.product.product_tmpl_id.get_product_accounts()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _categories(self, component_cost, finished_cost="average", valuation="real_time"):
        def category(name, cost_method):
            return self.env["product.category"].create(
                {
                    "name": name,
                    "property_cost_method": cost_method,
                    "property_valuation": valuation,
                }
            )

        self.product.categ_id = category(f"VMI bearings {component_cost}", component_cost)
        self.gearbox.categ_id = category(f"Gearboxes {finished_cost}", finished_cost)

    def _mo(self, qty=5, location=None, picking_type=None):
        form = Form(self.env["mrp.production"])
        form.product_id = self.gearbox
        form.bom_id = self.bom
        form.product_qty = qty
        if picking_type:
            form.picking_type_id = picking_type
        if location:
            form.location_src_id = location
        mo = form.save()
        mo.action_confirm()
        return mo

    def _produce(self, mo):
        mo.action_assign()
        form = Form(mo)
        form.qty_producing = mo.product_qty
        mo = form.save()
        mo.move_raw_ids.picked = True
        mo.button_mark_done()
        self.assertEqual(mo.state, "done")
        return mo

    def _build(self, qty=5):
        """Receive 45 bearings into the VMI location, build ``qty`` gearboxes from it."""
        self._receive(45)
        return self._produce(self._mo(qty, location=self.vmi_location))

    def _finished_layer(self, mo):
        return self.Layer.search([("stock_move_id", "in", mo.move_finished_ids.ids)])

    def _settle(self):
        return self.agreement.with_user(self.accountant)._settle(fields.Date.today())

    # ------------------------------------------------------------------
    # Building
    # ------------------------------------------------------------------
    def _check_gearboxes(self, cost_method):
        """5 gearboxes from 10 VMI bearings: one consumption of 10, one bill
        of 125, finished goods valued at 125; the bearing's own valuation and
        cost are where they were."""
        self._categories(cost_method, finished_cost=cost_method)
        mo = self._build()
        consumption = self.Consumption.search([("agreement_id", "=", self.agreement.id)])
        self.assertRecordValues(
            consumption,
            [
                {
                    "quantity": 10.0,
                    "price_unit": 12.5,
                    "amount": 125.0,
                    "origin": mo.name,
                    "move_id": mo.move_raw_ids.id,
                    "is_return": False,
                }
            ],
        )
        self.assertRecordValues(
            self._finished_layer(mo), [{"quantity": 5.0, "unit_cost": 25.0, "value": 125.0}]
        )
        self.assertEqual(self.gearbox.value_svl, 125.0)
        self.assertEqual(self.gearbox.standard_price, 25.0)
        # The component's layers: the move's (to production) and the units'
        # passing to the company: they cancel out.
        self.assertEqual(self.product.quantity_svl, 0.0)
        self.assertEqual(self.product.value_svl, 0.0)
        self.assertEqual(self.product.standard_price, 10.0, "cost unchanged by VMI units")
        self.assertRecordValues(
            self.Layer.search([("stock_move_id", "=", mo.move_raw_ids.id)]),
            [{"quantity": -10.0, "value": -125.0}],
        )
        quants = self._quants()
        self.assertEqual(quants.quantity, 35.0)
        self.assertEqual(quants.owner_id, self.supplier)
        settlement = self._settle()
        self.assertEqual(settlement.bill_id.amount_total, 125.0)
        self.assertEqual(consumption.settlement_id, settlement)
        self.assertFalse(self._settle(), "billed once: nothing left to settle")

    def test_gearbox_avco(self):
        self._check_gearboxes("average")

    def test_gearbox_fifo(self):
        self._check_gearboxes("fifo")

    def test_gearbox_manual_valuation(self):
        """Periodic (manual) valuation: no entries, but the layers still cost the gearboxes."""
        self._categories("fifo", finished_cost="fifo", valuation="manual_periodic")
        mo = self._build()
        self.assertEqual(self._finished_layer(mo).value, 125.0)
        self.assertFalse(self.Layer.search([("product_id", "=", self.product.id)]).account_move_id)

    def test_gearbox_entries_real_time(self):
        """Automated valuation: the bearings enter the stock at the agreed
        price against stock input (cleared by the bill) and leave it to
        production, as the company's own components would."""
        self._categories("fifo")
        mo = self._build()
        raw_move = mo.move_raw_ids
        lines = self.env["account.move.line"].search(
            [("product_id", "=", self.product.id), ("move_id.state", "=", "posted")]
        )
        balance = {}
        for line in lines:
            balance[line.account_id] = balance.get(line.account_id, 0.0) + line.balance
        _journal, _src, dest, _valuation = raw_move._get_accounting_data_for_valuation()
        self.assertAlmostEqual(balance.pop(self.accounts["stock_valuation"]), 0.0)
        self.assertAlmostEqual(balance.pop(self.accounts["stock_input"]), -125.0)
        self.assertAlmostEqual(balance.pop(self.env["account.account"].browse(dest)), 125.0)
        self.assertFalse({a: b for a, b in balance.items() if b}, "no other account moved")
        # The bill clears stock input.
        bill = self._settle().bill_id
        bill.with_context(vmi_post_before_answer=True).action_post()
        stock_input = self.env["account.move.line"].search(
            [("account_id", "=", self.accounts["stock_input"].id), ("parent_state", "=", "posted")]
        )
        self.assertAlmostEqual(sum(stock_input.mapped("balance")), 0.0)

    def test_gearbox_standard_cost_posts_price_difference(self):
        """Standard cost (bearing at 10): the bearings are valued at standard,
        the finished gearboxes cost 100, and the bill posts the 25 of
        difference to the price difference account, as for a purchase."""
        self._categories("standard")
        price_diff = self.env["account.account"].create(
            {"name": "VMI price difference", "code": "VMIPD1", "account_type": "expense"}
        )
        self.product.categ_id.property_account_creditor_price_difference_categ = price_diff
        mo = self._build()
        self.assertRecordValues(
            self.Layer.search([("stock_move_id", "=", mo.move_raw_ids.id)]),
            [{"quantity": -10.0, "unit_cost": 10.0, "value": -100.0}],
        )
        self.assertEqual(self._finished_layer(mo).value, 100.0)
        self.assertEqual(self.Consumption.search([("move_id", "=", mo.move_raw_ids.id)]).amount, 125.0)
        bill = self._settle().bill_id
        self.assertEqual(bill.amount_total, 125.0)
        bill.with_context(vmi_post_before_answer=True).action_post()
        if not self.company.anglo_saxon_accounting:
            return
        diff_lines = bill.line_ids.filtered(lambda ln: ln.account_id == price_diff)
        self.assertAlmostEqual(sum(diff_lines.mapped("balance")), 25.0)
        stock_input = self.env["account.move.line"].search(
            [("account_id", "=", self.accounts["stock_input"].id), ("parent_state", "=", "posted")]
        )
        self.assertAlmostEqual(sum(stock_input.mapped("balance")), 0.0)

    def test_unbuild_returns_consumption(self):
        """Unbuilding the 5 gearboxes into the VMI location gives the 10
        bearings back to the supplier: a return of the consumption at its
        price, nothing left to bill, finished goods and bearing valuation back
        to zero."""
        self._categories("average")
        mo = self._build()
        unbuild = self.env["mrp.unbuild"].create(
            {
                "product_id": self.gearbox.id,
                "mo_id": mo.id,
                "product_qty": 5.0,
                "location_id": mo.location_dest_id.id,
                "location_dest_id": self.vmi_location.id,
            }
        )
        unbuild.action_unbuild()
        consumption = self.Consumption.search([("agreement_id", "=", self.agreement.id)])
        self.assertEqual(sorted(consumption.mapped("quantity")), [-10.0, 10.0])
        self.assertEqual(sum(consumption.mapped("amount")), 0.0)
        quants = self._quants()
        self.assertEqual(quants.quantity, 45.0)
        self.assertEqual(quants.owner_id, self.supplier)
        self.assertEqual(self.gearbox.quantity_svl, 0.0)
        self.assertEqual(self.gearbox.value_svl, 0.0)
        self.assertEqual(self.product.quantity_svl, 0.0)
        self.assertEqual(self.product.value_svl, 0.0)
        # Nothing to bill for the period: consumption and return net out.
        settlement = self._settle()
        self.assertFalse(settlement.bill_id if settlement else False)

    def test_unbuild_after_settlement_is_credited(self):
        """An unbuild after the month was billed lands on the next settlement
        as a credit (credit note) of 125."""
        self._categories("fifo", finished_cost="fifo")
        mo = self._build()
        self.assertEqual(self._settle().bill_id.amount_total, 125.0)
        self.env["mrp.unbuild"].create(
            {
                "product_id": self.gearbox.id,
                "mo_id": mo.id,
                "product_qty": 5.0,
                "location_id": mo.location_dest_id.id,
                "location_dest_id": self.vmi_location.id,
            }
        ).action_unbuild()
        credit = self._settle().bill_id
        self.assertEqual((credit.move_type, credit.amount_total), ("in_refund", 125.0))

    def test_two_step_manufacturing(self):
        """Pick components then manufacture: the bearings picked from the VMI
        location into pre-production are the consumption (company stock at the
        agreed price); the order then consumes company stock and the gearboxes
        cost 125."""
        self._categories("average")
        self.warehouse.manufacture_steps = "pbm"
        self._receive(45)
        mo = self._mo(5)
        pick = mo.picking_ids.filtered(lambda p: p.picking_type_id == self.warehouse.pbm_type_id)
        self.assertEqual(len(pick), 1)
        pick.do_unreserve()
        pick.location_id = self.vmi_location
        pick.move_ids.location_id = self.vmi_location
        pick.action_assign()
        self.assertEqual(pick.move_ids.quantity, 10.0)
        self.assertEqual(pick.move_line_ids.owner_id, self.supplier)
        pick.move_ids.picked = True
        pick.button_validate()
        self.assertEqual(pick.state, "done")
        consumption = self.Consumption.search([("agreement_id", "=", self.agreement.id)])
        self.assertRecordValues(
            consumption, [{"quantity": 10.0, "amount": 125.0, "move_id": pick.move_ids.id}]
        )
        self._produce(mo)
        self.assertEqual(self._finished_layer(mo).value, 125.0)
        self.assertEqual(self._settle().bill_id.amount_total, 125.0)

    def test_scrapped_component_is_consumption(self):
        """A component scrapped from the order's VMI components location is
        consumption, billed with the rest."""
        self._categories("average")
        self._receive(45)
        mo = self._mo(5, location=self.vmi_location)
        mo.action_assign()
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.product.id,
                "scrap_qty": 1.0,
                "production_id": mo.id,
                "location_id": self.vmi_location.id,
            }
        )
        scrap.action_validate()
        self.assertEqual(scrap.state, "done")
        self._produce(mo)
        consumption = self.Consumption.search([("agreement_id", "=", self.agreement.id)])
        self.assertEqual(sorted(consumption.mapped("quantity")), [1.0, 10.0])
        self.assertEqual(self._quants().quantity, 34.0)
        self.assertEqual(self._settle().bill_id.amount_total, 137.5)

    def test_reservation(self):
        """An order whose components location is the VMI location reserves the
        supplier's stock there; one from WH/Stock never does, even with the
        VMI location below WH/Stock."""
        self.vmi_location.location_id = self.stock_location
        self._receive(45)
        from_stock = self._mo(5)
        from_stock.action_assign()
        self.assertEqual(from_stock.move_raw_ids.quantity, 0.0)
        from_vmi = self._mo(5, location=self.vmi_location)
        from_vmi.action_assign()
        self.assertEqual(from_vmi.move_raw_ids.quantity, 10.0)
        self.assertEqual(from_vmi.move_raw_ids.move_line_ids.owner_id, self.supplier)
        self.assertEqual(self._quants().reserved_quantity, 10.0)
