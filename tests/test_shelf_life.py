# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shelf life under VMI (SPEC Q2, issue 11 item 7). The FEFO test needs
Odoo's ``product_expiry``: it runs in the test phase that installs it with
``mrp`` (tag ``vmi_mrp``, tools/test.sh); stock_vmi does not depend on it."""

import unittest
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestShelfLife(VmiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.line = cls.agreement.line_ids

    def _draft(self, shelf_life, **vals):
        agreement = self._create_agreement(
            self.supplier_b, [(self.product_2, 10, 40, 15.0)], activate=False, **vals
        )
        agreement.line_ids.shelf_life_days = shelf_life
        return agreement

    def test_activation_refused_when_the_product_keeps_less_than_the_cycle(self):
        """Review every 3 days + lead time 3 days: a product that keeps 5 days
        would expire before the next replenishment."""
        agreement = self._draft(5)
        with self.assertRaises(ValidationError) as caught:
            agreement.action_activate()
        self.assertRegex(
            str(caught.exception), r"6206 \(5\) keeps fewer days than the replenishment cycle of 6"
        )
        self.env.invalidate_all()
        self.assertEqual(agreement.state, "draft", "nothing changed")
        agreement.line_ids.shelf_life_days = 6
        agreement.action_activate()
        self.assertEqual(agreement.state, "active")

    def test_longer_cycle_refused_on_an_active_agreement(self):
        self.line.shelf_life_days = 10
        with self.assertRaises(ValidationError) as caught:
            self.agreement.lead_days = 9
        self.assertRegex(str(caught.exception), "cycle of 12 days")
        with self.assertRaises(ValidationError) as caught:
            self.line.shelf_life_days = 4
        self.assertRegex(str(caught.exception), "cycle of 6 days")
        with self.assertRaises(ValidationError) as caught:
            self.line.shelf_life_days = -1
        self.assertRegex(str(caught.exception), "cannot be negative")

    def test_warning_when_a_full_stock_outlives_the_product(self):
        """240 consumed in 3 months (80 a month): the maximum of 100 lasts
        37.5 days; a product that keeps 30 days is warned about, one that
        keeps 40 days is not."""
        self._receive(300)
        self._consume(240)
        self.line.shelf_life_days = 30
        self.assertAlmostEqual(self.line.cover_days_at_max, 37.5)
        self.assertIn("lasts 38 days of consumption, longer than the 30 days", self.line.shelf_life_warning)
        self.line.shelf_life_days = 40
        self.assertFalse(self.line.shelf_life_warning)
        self.line.shelf_life_days = 0
        self.assertFalse(self.line.shelf_life_warning, "no shelf life: no limit")


@tagged("post_install", "-at_install", "vmi_mrp")
class TestShelfLifeExpiry(VmiCommon):
    """With ``product_expiry``: the product's expiration time is the shelf
    life, and the VMI location hands out the lots that expire first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "expiration_time" not in cls.env["product.product"]._fields:
            raise unittest.SkipTest("product_expiry is not installed (these tests run with tag vmi_mrp)")
        cls.milk = cls.env["product.product"].create(
            {
                "name": "Coolant concentrate",
                "default_code": "CC-1",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "expiration_time": 20,
            }
        )

    def test_product_expiry_gives_the_shelf_life_and_fefo(self):
        agreement = self._create_agreement(self.supplier_b, [(self.milk, 10, 40, 3.0)])
        line = agreement.line_ids
        self.assertEqual(line.effective_shelf_life_days, 20)
        fefo = self.env.ref("product_expiry.removal_fefo")
        self.assertEqual(agreement.location_id.removal_strategy_id, fefo)
        today = fields.Datetime.now()
        late = self.env["stock.lot"].create(
            {"name": "LATE", "product_id": self.milk.id, "expiration_date": today + timedelta(days=60)}
        )
        soon = self.env["stock.lot"].create(
            {"name": "SOON", "product_id": self.milk.id, "expiration_date": today + timedelta(days=10)}
        )
        for lot in (late, soon):  # the lot that expires last arrives first
            move = self._move(
                self.milk,
                10,
                self.supplier_location,
                agreement.location_id,
                owner=self.supplier_b,
                picking_type=self.warehouse.in_type_id,
                validate=False,
            )
            move.move_line_ids.unlink()
            move.move_line_ids = [
                Command.create(
                    {
                        "product_id": self.milk.id,
                        "lot_id": lot.id,
                        "quantity": 10,
                        "location_id": self.supplier_location.id,
                        "location_dest_id": agreement.location_id.id,
                        "owner_id": self.supplier_b.id,
                    }
                )
            ]
            move.picked = True
            move._action_done()
        consumption = self._move(
            self.milk, 4, agreement.location_id, self.production_location, validate=False
        )
        self.assertEqual(consumption.move_line_ids.lot_id, soon, "first expiry, first out")

    def test_product_shelf_life_shorter_than_the_cycle_refused(self):
        self.milk.expiration_time = 4
        agreement = self._create_agreement(self.supplier_b, [(self.milk, 10, 40, 3.0)], activate=False)
        with self.assertRaises(ValidationError) as caught:
            agreement.action_activate()
        self.assertRegex(str(caught.exception), r"Coolant concentrate \(4\)")
