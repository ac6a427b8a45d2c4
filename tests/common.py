# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


class VmiCommon(BaseCommon):
    """Shared fixture: the seed's bearing 6205 under an active VMI agreement.

    Reorder point 50, maximum 100, agreed price 12.5; a supplier with a portal
    contact, a second supplier with its own portal contact, a buyer (VMI
    manager) and an accountant.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The scheduled runs hand their chunks to queue_job jobs; here they run
        # at once, in the test's transaction (tests/test_jobs.py checks the
        # jobs themselves: enqueued once, isolated, retried).
        cls.env = cls.env(context=dict(cls.env.context, queue_job__no_delay=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.uom_unit = cls.env.ref("uom.product_uom_unit")

        cls.supplier = cls.env["res.partner"].create({"name": "Bearing Supplier Ltd", "is_company": True})
        cls.supplier_contact = cls.env["res.partner"].create(
            {"name": "Supplier Sales Rep", "parent_id": cls.supplier.id, "email": "rep@supplier.example.com"}
        )
        cls.supplier_b = cls.env["res.partner"].create({"name": "Other Supplier Inc", "is_company": True})
        cls.supplier_b_contact = cls.env["res.partner"].create(
            {"name": "Other Rep", "parent_id": cls.supplier_b.id, "email": "rep@other.example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env, login="vmi_portal_a", groups="base.group_portal", partner_id=cls.supplier_contact.id
        )
        cls.portal_user_b = new_test_user(
            cls.env, login="vmi_portal_b", groups="base.group_portal", partner_id=cls.supplier_b_contact.id
        )
        cls.buyer = new_test_user(
            cls.env,
            login="vmi_test_buyer",
            groups="stock_vmi.group_vmi_manager,base.group_user",
            email="buyer@customer.example.com",
        )
        cls.accountant = new_test_user(
            cls.env,
            login="vmi_test_accountant",
            groups="account.group_account_invoice,base.group_user",
        )

        cls.product = cls.env["product.product"].create(
            {
                "name": "Deep-groove ball bearing 6205",
                "default_code": "6205",
                "type": "consu",
                "is_storable": True,
                "standard_price": 10.0,
                "supplier_taxes_id": [Command.clear()],
            }
        )
        cls.product_2 = cls.env["product.product"].create(
            {
                "name": "Deep-groove ball bearing 6206",
                "default_code": "6206",
                "type": "consu",
                "is_storable": True,
                "standard_price": 15.0,
                "supplier_taxes_id": [Command.clear()],
            }
        )
        cls.agreement = cls._create_agreement(cls.supplier, [(cls.product, 50, 100, 12.5)])
        cls.vmi_location = cls.agreement.location_id
        cls.production_location = cls.product.property_stock_production

    @classmethod
    def _create_agreement(cls, partner, lines, activate=True, **vals):
        agreement = cls.env["vmi.agreement"].create(
            {
                "partner_id": partner.id,
                "warehouse_id": cls.warehouse.id,
                "user_id": cls.buyer.id,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "reorder_point": rop,
                            "max_qty": max_qty,
                            "price_unit": price,
                        }
                    )
                    for product, rop, max_qty, price in lines
                ],
                **vals,
            }
        )
        if not agreement.location_id:
            agreement.action_create_location()
        if activate:
            agreement.action_activate()
        return agreement

    def _demand_plan(self, months=0, quantity=90, agreement=None, publish=True, **line_vals):
        """The buyer's demand plan of ``agreement`` (the seed's by default)
        for the month ``months`` after this one: ``quantity`` for each of its
        products (plus ``line_vals``: the following periods' estimates),
        published unless told otherwise."""
        agreement = agreement or self.agreement
        first = fields.Date.add(fields.Date.context_today(agreement).replace(day=1), months=months)
        plan = (
            self.env["vmi.demand.plan"]
            .with_user(self.buyer)
            .create(
                {
                    "agreement_id": agreement.id,
                    "date_from": first,
                    "line_ids": [
                        Command.create({"agreement_line_id": line.id, "quantity": quantity, **line_vals})
                        for line in agreement.line_ids
                    ],
                }
            )
        )
        if publish:
            plan.action_publish()
        return plan

    # ------------------------------------------------------------------
    # Stock helpers
    # ------------------------------------------------------------------
    def _move(self, product, qty, source, dest, owner=None, picking_type=None, validate=True, **vals):
        """Create, reserve and (by default) validate a move of ``qty``."""
        move = self.env["stock.move"].create(
            {
                "name": f"test {product.display_name}",
                "product_id": product.id,
                "product_uom_qty": qty,
                "product_uom": product.uom_id.id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "restrict_partner_id": owner.id if owner else False,
                "picking_type_id": picking_type.id if picking_type else False,
                **vals,
            }
        )
        move._action_confirm()
        move._action_assign()
        if validate:
            move.quantity = qty
            move.picked = True
            move._action_done()
        return move

    def _receive(self, qty, product=None, agreement=None, owner=None):
        """Receive ``qty`` from the supplier straight into the VMI location."""
        agreement = agreement or self.agreement
        return self._move(
            product or self.product,
            qty,
            self.supplier_location,
            agreement.location_id,
            owner=owner if owner is not None else agreement.partner_id,
            picking_type=self.warehouse.in_type_id,
        )

    def _consume(self, qty, product=None, dest=None, location=None):
        """Draw ``qty`` from the VMI location (to production by default)."""
        return self._move(
            product or self.product,
            qty,
            location or self.vmi_location,
            dest or self.production_location,
        )

    def _quants(self, location=None, product=None):
        return self.env["stock.quant"].search(
            [
                ("location_id", "=", (location or self.vmi_location).id),
                ("product_id", "=", (product or self.product).id),
            ]
        )

    def _validate_receipt(self, order):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.ensure_one()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        return picking
