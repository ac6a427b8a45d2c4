# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestOwnership(VmiCommon):
    """Supplier ownership of VMI stock, and consumption when it leaves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.scrap_location = cls.env["stock.location"].search(
            [("scrap_location", "=", True), ("company_id", "in", (cls.company.id, False))], limit=1
        )
        cls.uom_dozen = cls.env.ref("uom.product_uom_dozen")
        cls.Consumption = cls.env["vmi.consumption"]
        cls.Layer = cls.env["stock.valuation.layer"]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _set_company_stock(self, qty, location=None, product=None):
        """Company-owned stock through an inventory adjustment."""
        quant = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                {
                    "product_id": (product or self.product).id,
                    "location_id": (location or self.stock_location).id,
                    "inventory_quantity": qty,
                }
            )
        )
        quant.action_apply_inventory()
        return quant

    def _set_category(self, cost_method, valuation):
        self.product.categ_id = self.env["product.category"].create(
            {
                "name": f"VMI {cost_method} {valuation}",
                "property_cost_method": cost_method,
                "property_valuation": valuation,
            }
        )

    def _picking(self, qty, source, dest, picking_type=None):
        """A validated transfer of ``qty`` of the bearing."""
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": (picking_type or self.warehouse.int_type_id).id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.display_name,
                            "product_id": self.product.id,
                            "product_uom_qty": qty,
                            "product_uom": self.product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": dest.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.quantity = qty
        picking.move_ids.picked = True
        self.assertIs(picking.button_validate(), True)
        return picking

    def _return_picking(self, picking, qty):
        """A return of ``qty`` of ``picking`` (Odoo's return wizard), not validated yet."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_ids=picking.ids, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = qty
        return self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])

    def _supplier_quants_outside_vmi(self):
        """Quants the supplier owns at the company (its own vendor location aside)."""
        return self.env["stock.quant"].search(
            [
                ("product_id", "=", self.product.id),
                ("owner_id", "=", self.supplier.id),
                ("location_id.vmi_location", "=", False),
                ("location_id.usage", "!=", "supplier"),
            ]
        )

    # ------------------------------------------------------------------
    # Entering the VMI location
    # ------------------------------------------------------------------
    def test_receipt_without_owner_is_owned_by_supplier(self):
        """A receipt with no owner lands as the supplier's stock, not valued."""
        self._set_category("fifo", "real_time")
        move = self._receive(30, owner=self.env["res.partner"])
        self.assertEqual(move.state, "done")
        quant = self._quants()
        self.assertEqual(quant.quantity, 30)
        self.assertEqual(quant.owner_id, self.supplier)
        self.assertFalse(self.Layer.search([("stock_move_id", "=", move.id)]))
        self.assertEqual(self.product.quantity_svl, 0)
        self.assertFalse(self.Consumption.search([("product_id", "=", self.product.id)]))

    def test_company_stock_cannot_enter(self):
        """Company-owned stock moved into the VMI location is refused; nothing moves."""
        self._set_company_stock(20)
        self._receive(30)
        with self.assertRaisesRegex(UserError, "Only stock owned by"):
            self._move(self.product, 5, self.stock_location, self.vmi_location)
        self.env.invalidate_all()
        company_quant = self._quants(self.stock_location)
        self.assertEqual(company_quant.quantity, 20)
        self.assertFalse(company_quant.owner_id)
        self.assertEqual(self._quants().quantity, 30)
        self.assertEqual(self._quants().owner_id, self.supplier)

    def test_other_supplier_stock_cannot_enter(self):
        """A receipt owned by another supplier is refused (move owner or picking owner)."""
        with self.assertRaisesRegex(UserError, "Other Supplier Inc"):
            self._receive(10, owner=self.supplier_b)
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "partner_id": self.supplier_b.id,
                "owner_id": self.supplier_b.id,
                "location_id": self.supplier_location.id,
                "location_dest_id": self.vmi_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.display_name,
                            "product_id": self.product.id,
                            "product_uom_qty": 10,
                            "product_uom": self.product.uom_id.id,
                            "location_id": self.supplier_location.id,
                            "location_dest_id": self.vmi_location.id,
                            "quantity": 10,
                            "picked": True,
                        }
                    )
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "Other Supplier Inc"):
            receipt.button_validate()
        self.assertFalse(self._quants())

    def test_product_outside_agreement_cannot_enter(self):
        """A product that no active agreement covers cannot enter the VMI location."""
        with self.assertRaisesRegex(UserError, "no active VMI agreement covers it"):
            self._receive(10, product=self.product_2)
        self.assertFalse(self._quants(product=self.product_2))

    # ------------------------------------------------------------------
    # Consumption
    # ------------------------------------------------------------------
    def test_closed_agreement_stock_still_consumed_and_billed(self):
        """Stock left after an agreement is closed stays the supplier's; drawing it is consumption."""
        self._receive(30)
        self.agreement.action_close()
        move = self._consume(10)
        consumption = self.Consumption.search([("move_id", "=", move.id)])
        self.assertEqual(consumption.quantity, 10)
        self.assertEqual(consumption.agreement_id, self.agreement)
        self.assertEqual(self._quants().owner_id, self.supplier)
        self.assertFalse(self._supplier_quants_outside_vmi())

    def test_supplier_change_bills_each_supplier_its_own_units(self):
        """After a change of supplier on one location, units of the old supplier are billed to it."""
        self._receive(10)
        self.agreement.action_close()
        new = self._create_agreement(
            self.supplier_b, [(self.product, 50, 100, 11.0)], location_id=self.vmi_location.id
        )
        self._receive(20, agreement=new)
        self.assertEqual(
            sorted(self._quants().mapped(lambda q: (q.owner_id.id, q.quantity))),
            sorted([(self.supplier.id, 10.0), (self.supplier_b.id, 20.0)]),
        )
        # Units are drawn oldest first (the old supplier's), whoever the
        # active agreement's supplier is: each unit is billed to its owner.
        first = self._consume(8)
        second = self._consume(6)
        self.assertRecordValues(
            self.Consumption.search([("move_id", "=", first.id)]),
            [{"agreement_id": self.agreement.id, "quantity": 8.0, "price_unit": 12.5}],
        )
        self.assertEqual(
            sorted(
                self.Consumption.search([("move_id", "=", second.id)]).mapped(
                    lambda c: (c.agreement_id.id, c.quantity, c.price_unit)
                )
            ),
            sorted([(self.agreement.id, 2.0, 12.5), (new.id, 4.0, 11.0)]),
        )
        self.assertEqual(self._quants().filtered("quantity").owner_id, self.supplier_b)

    def test_return_after_supplier_change_goes_back_to_original_supplier(self):
        """Returned after a change of supplier, a consumption is the old supplier's again (and credited)."""
        self._receive(10)
        picking = self._picking(4, self.vmi_location, self.stock_location)
        self.agreement.action_close()
        new = self._create_agreement(
            self.supplier_b, [(self.product, 50, 100, 11.0)], location_id=self.vmi_location.id
        )
        back = self._return_picking(picking, 4)
        back.move_ids.quantity = 4
        back.move_ids.picked = True
        back.button_validate()
        credit = self.Consumption.search([("move_id", "=", back.move_ids.id)])
        self.assertRecordValues(
            credit, [{"agreement_id": self.agreement.id, "quantity": -4.0, "price_unit": 12.5}]
        )
        returned = self._quants().filtered(lambda q: q.quantity == 10)
        self.assertEqual(returned.owner_id, self.supplier)
        self.assertFalse(new.consumption_ids)

    def test_other_vendor_receipt_refused(self):
        """Another vendor's receipt (e.g. its purchase order delivered here) cannot enter the VMI location."""
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "partner_id": self.supplier_b.id,
                "location_id": self.supplier_location.id,
                "location_dest_id": self.vmi_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "other vendor",
                            "product_id": self.product.id,
                            "product_uom_qty": 5,
                            "product_uom": self.product.uom_id.id,
                            "location_id": self.supplier_location.id,
                            "location_dest_id": self.vmi_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.quantity = 5
        picking.move_ids.picked = True
        with self.assertRaisesRegex(UserError, "only stock owned by"):
            picking.button_validate()
        self.assertFalse(self._quants())

    def test_return_of_return_to_supplier_is_not_a_return_of_consumption(self):
        """Undoing a return to the supplier is a receipt again, not a (credited) return of consumption."""
        self._receive(30)
        picking = self._picking(5, self.vmi_location, self.supplier_location)
        self.assertFalse(self.Consumption.search([]))
        back = self._return_picking(picking, 5)
        back.move_ids.quantity = 5
        back.move_ids.picked = True
        back.button_validate()
        self.assertEqual(back.state, "done")
        self.assertFalse(self.Consumption.search([]), "no negative consumption: nothing was consumed")
        self.assertEqual(self._quants().quantity, 30)
        self.assertEqual(self._quants().owner_id, self.supplier)

    def test_consumption_to_production(self):
        """Drawing to production records the consumption and ends the supplier's ownership."""
        self._receive(30)
        with freeze_time("2026-03-10 09:30:00"):
            move = self._move(
                self.product, 10, self.vmi_location, self.production_location, origin="MO/00042"
            )
        consumption = self.Consumption.search([("move_id", "=", move.id)])
        self.assertRecordValues(
            consumption,
            [
                {
                    "date": datetime(2026, 3, 10, 9, 30),
                    "agreement_id": self.agreement.id,
                    "agreement_line_id": self.agreement.line_ids.id,
                    "partner_id": self.supplier.id,
                    "product_id": self.product.id,
                    "quantity": 10.0,
                    "uom_id": self.uom_unit.id,
                    "price_unit": 12.5,
                    "amount": 125.0,
                    "origin": "MO/00042",
                    "location_dest_id": self.production_location.id,
                    "is_return": False,
                    "billed": False,
                }
            ],
        )
        self.assertEqual(self._quants().quantity, 20)
        self.assertFalse(self._supplier_quants_outside_vmi())

    def test_consumption_to_stock_fifo_real_time(self):
        """Into WH/Stock the company owns the goods, valued at the agreed price with an entry."""
        self._set_category("fifo", "real_time")
        self._receive(30)
        move = self._consume(10, dest=self.stock_location)
        dest_quant = self._quants(self.stock_location)
        self.assertEqual(dest_quant.quantity, 10)
        self.assertFalse(dest_quant.owner_id)
        layer = self.Layer.search([("stock_move_id", "=", move.id)])
        self.assertRecordValues(
            layer, [{"quantity": 10.0, "unit_cost": 12.5, "value": 125.0, "remaining_qty": 10.0}]
        )
        entry = layer.account_move_id
        self.assertEqual(entry.state, "posted")
        accounts = self.product.product_tmpl_id.get_product_accounts()
        self.assertRecordValues(
            entry.line_ids.sorted("debit"),
            [
                {"account_id": accounts["stock_input"].id, "debit": 0.0, "credit": 125.0},
                {"account_id": accounts["stock_valuation"].id, "debit": 125.0, "credit": 0.0},
            ],
        )
        self.assertEqual(self.product.value_svl, 125.0)
        self.assertEqual(self.Consumption.search([("move_id", "=", move.id)]).quantity, 10)

    def test_consumption_to_production_real_time(self):
        """Automated valuation: consumed to production, the units enter the
        stock at the agreed price against stock input (which the bill clears)
        and leave it to production on the move, as the company's own
        components would: the move's layer is what production costing reads."""
        self._set_category("fifo", "real_time")
        self._receive(30)
        move = self._consume(10)
        move_layer = self.Layer.search([("stock_move_id", "=", move.id)])
        self.assertRecordValues(move_layer, [{"quantity": -10.0, "unit_cost": 12.5, "value": -125.0}])
        own_layer = self.Layer.search([("product_id", "=", self.product.id), ("stock_move_id", "=", False)])
        self.assertRecordValues(
            own_layer, [{"quantity": 10.0, "unit_cost": 12.5, "value": 125.0, "remaining_qty": 0.0}]
        )
        self.assertEqual(self.product.quantity_svl, 0.0)
        self.assertEqual(self.product.value_svl, 0.0)
        accounts = self.product.product_tmpl_id.get_product_accounts()
        self.assertRecordValues(
            own_layer.account_move_id.line_ids.sorted("debit"),
            [
                {"account_id": accounts["stock_input"].id, "debit": 0.0, "credit": 125.0},
                {"account_id": accounts["stock_valuation"].id, "debit": 125.0, "credit": 0.0},
            ],
        )
        _journal, _src, dest, _valuation = move._get_accounting_data_for_valuation()
        self.assertRecordValues(
            move_layer.account_move_id.line_ids.sorted("debit"),
            [
                {"account_id": accounts["stock_valuation"].id, "debit": 0.0, "credit": 125.0},
                {"account_id": dest, "debit": 125.0, "credit": 0.0},
            ],
        )

    def test_consumption_to_scrap_real_time_expenses_stock_input(self):
        """Automated valuation: scrapped, the agreed value is expensed against
        stock input, without a valuation layer."""
        self._set_category("fifo", "real_time")
        self._receive(30)
        move = self._consume(10, dest=self.scrap_location)
        self.assertFalse(
            self.Layer.search([("product_id", "=", self.product.id)]), "nothing enters the stock value"
        )
        entry = self.env["account.move"].search([("stock_move_id", "=", move.id)])
        self.assertEqual(entry.state, "posted")
        accounts = self.product.product_tmpl_id.get_product_accounts()
        expense = self.scrap_location.valuation_in_account_id or accounts["expense"]
        self.assertRecordValues(
            entry.line_ids.sorted("debit"),
            [
                {"account_id": accounts["stock_input"].id, "debit": 0.0, "credit": 125.0},
                {"account_id": expense.id, "debit": 125.0, "credit": 0.0},
            ],
        )

    def test_consumption_from_sublocation(self):
        """A shelf under the VMI location is VMI too: drawing from it consumes the supplier's stock."""
        shelf = self.env["stock.location"].create(
            {"name": "Shelf B", "usage": "internal", "location_id": self.vmi_location.id}
        )
        self.assertTrue(shelf.vmi_location)
        self.assertEqual(shelf.vmi_location_id, self.vmi_location)
        self._receive(30)
        self._move(self.product, 12, self.vmi_location, shelf)
        self.assertFalse(self.Consumption.search([]), "moving inside the VMI area is not consumption")
        self.assertEqual(self._quants(shelf).owner_id, self.supplier)
        move = self._consume(5, location=shelf)
        self.assertEqual(self.Consumption.search([("move_id", "=", move.id)]).quantity, 5)
        self.assertFalse(self._supplier_quants_outside_vmi())
        self.assertEqual(self.agreement.line_ids.qty_on_hand, 25)

    def test_move_between_two_vmi_locations_refused(self):
        """Stock cannot move from one agreement's VMI location into another's."""
        other = self._create_agreement(self.supplier_b, [(self.product_2, 5, 10, 3.0)])
        self._receive(10)
        with self.assertRaisesRegex(UserError, "another VMI location"):
            self._move(self.product, 5, self.vmi_location, other.location_id)
        self.assertEqual(self._quants().quantity, 10)

    def test_consumption_to_stock_avco_updates_cost(self):
        """AVCO: the consumed units enter the average cost at the agreed price."""
        self._set_category("average", "real_time")
        self._set_company_stock(10)  # valued at the standard price 10.0
        self._receive(30)
        self._consume(10, dest=self.stock_location)
        self.assertEqual(self.product.quantity_svl, 20)
        self.assertEqual(self.product.value_svl, 225.0)
        self.assertAlmostEqual(self.product.standard_price, 11.25)

    def test_consumption_to_stock_standard_cost(self):
        """A standard-cost product enters the stock at its standard price (10),
        whatever the agreed price: the bill posts the difference, as for a
        purchase. The consumption is still billed at the agreed price."""
        self._set_category("standard", "real_time")
        self._receive(30)
        move = self._consume(10, dest=self.stock_location)
        self.assertRecordValues(
            self.Layer.search([("stock_move_id", "=", move.id)]),
            [{"quantity": 10.0, "unit_cost": 10.0, "value": 100.0}],
        )
        self.assertEqual(self.product.standard_price, 10.0)
        self.assertEqual(self.Consumption.search([("move_id", "=", move.id)]).amount, 125.0)

    def test_consumption_to_stock_manual_valuation(self):
        """Manual valuation: the layer at the agreed price exists, no journal entry."""
        self._set_category("average", "manual_periodic")
        self._receive(30)
        move = self._consume(10, dest=self.stock_location)
        layer = self.Layer.search([("stock_move_id", "=", move.id)])
        self.assertRecordValues(layer, [{"quantity": 10.0, "value": 125.0}])
        self.assertFalse(layer.account_move_id)

    def test_consumption_in_agreement_unit(self):
        """Consumption is recorded in the agreement line's unit (24 units = 2 dozens)."""
        self.agreement.line_ids.product_uom_id = self.uom_dozen
        self._receive(36)
        move = self._consume(24)
        consumption = self.Consumption.search([("move_id", "=", move.id)])
        self.assertRecordValues(consumption, [{"quantity": 2.0, "uom_id": self.uom_dozen.id, "amount": 25.0}])

    def test_scrap_is_consumption(self):
        """Scrapping from the VMI location is a consumption (the owner defaults to the supplier)."""
        self._receive(30)
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.product.id,
                "scrap_qty": 3,
                "location_id": self.vmi_location.id,
                "scrap_location_id": self.scrap_location.id,
            }
        )
        result = scrap.action_validate()
        self.assertIs(result, True, "no 'insufficient quantity' warning: the supplier's stock is available")
        self.assertEqual(scrap.owner_id, self.supplier)
        self.assertEqual(scrap.state, "done")
        consumption = self.Consumption.search([("move_id", "=", scrap.move_ids.id)])
        self.assertRecordValues(
            consumption,
            [{"quantity": 3.0, "location_dest_id": self.scrap_location.id, "origin": scrap.name}],
        )
        self.assertEqual(self._quants().quantity, 27)
        self.assertFalse(self._supplier_quants_outside_vmi())

    def test_return_of_consumption(self):
        """Returning consumed goods writes a negative consumption; the supplier owns them again."""
        self._set_category("fifo", "real_time")
        self._receive(30)
        picking = self._picking(10, self.vmi_location, self.stock_location)
        return_picking = self._return_picking(picking, 4)
        self.assertEqual(return_picking.location_dest_id, self.vmi_location)
        return_picking.move_ids.quantity = 4
        return_picking.move_ids.picked = True
        self.assertIs(return_picking.button_validate(), True)

        consumptions = self.Consumption.search([("agreement_id", "=", self.agreement.id)], order="id")
        self.assertRecordValues(
            consumptions,
            [
                {"quantity": 10.0, "is_return": False, "move_id": picking.move_ids.id},
                {"quantity": -4.0, "is_return": True, "move_id": return_picking.move_ids.id},
            ],
        )
        self.assertEqual(self._quants().quantity, 24)
        self.assertEqual(self._quants().owner_id, self.supplier)
        self.assertEqual(self._quants(self.stock_location).quantity, 6)
        self.assertFalse(self._supplier_quants_outside_vmi())
        # The returned units left the company's valuation.
        self.assertEqual(self.product.quantity_svl, 6)
        self.assertEqual(self.product.value_svl, 75.0)
        # ... and the return's entry reverses the consumption's: stock input is debited back.
        accounts = self.product.product_tmpl_id.get_product_accounts()
        return_layer = self.Layer.search([("stock_move_id", "=", return_picking.move_ids.id)])
        self.assertRecordValues(
            return_layer.account_move_id.line_ids.sorted("debit"),
            [
                {"account_id": accounts["stock_valuation"].id, "debit": 0.0, "credit": 50.0},
                {"account_id": accounts["stock_input"].id, "debit": 50.0, "credit": 0.0},
            ],
        )

    def test_return_to_supplier_is_not_consumption(self):
        """Sending stock back to the supplier is not consumption and is never billed."""
        self._receive(30)
        self._move(self.product, 5, self.vmi_location, self.supplier_location)
        self.assertEqual(self._quants().quantity, 25)
        self.assertFalse(self.Consumption.search([("agreement_id", "=", self.agreement.id)]))
        self.assertFalse(self.agreement._settle(fields.Date.today()))

    def test_delivery_does_not_reserve_supplier_stock(self):
        """With the VMI location under WH/Stock, a delivery reserves only company stock."""
        self.vmi_location.location_id = self.stock_location
        self._receive(20)
        self._set_company_stock(5)
        delivery = self._move(
            self.product,
            10,
            self.stock_location,
            self.customer_location,
            picking_type=self.warehouse.out_type_id,
            validate=False,
        )
        self.assertEqual(delivery.quantity, 5)
        self.assertEqual(delivery.move_line_ids.location_id, self.stock_location)
        self.assertEqual(self._quants().reserved_quantity, 0)
        delivery.picked = True
        delivery._action_done(cancel_backorder=True)
        self.assertEqual(self._quants().quantity, 20)
        self.assertEqual(self._quants().owner_id, self.supplier)
        self.assertFalse(self.Consumption.search([("agreement_id", "=", self.agreement.id)]))

    def test_inventory_loss_is_consumption(self):
        """An inventory loss counted in the VMI location is consumption; the rest stays the supplier's."""
        self._receive(30)
        quant = self._quants()
        quant.with_context(inventory_mode=True).inventory_quantity = 27
        quant.action_apply_inventory()
        consumption = self.Consumption.search([("agreement_id", "=", self.agreement.id)])
        self.assertRecordValues(
            consumption,
            [
                {
                    "quantity": 3.0,
                    "is_return": False,
                    "location_dest_id": self.product.property_stock_inventory.id,
                }
            ],
        )
        self.assertEqual(self._quants().quantity, 27)
        self.assertEqual(self._quants().owner_id, self.supplier)
        self.assertFalse(self._supplier_quants_outside_vmi())
