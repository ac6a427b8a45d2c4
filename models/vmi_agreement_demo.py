# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models


class VmiAgreement(models.Model):
    # Extends this module's own model: the demo data's history loader, kept apart from the agreement's logic.
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_load_history(self, agreement_xmlid, history):
        """Demo data only: give an agreement a realistic past.

        ``history`` is a list of ``(product xmlid, received, [(days ago,
        consumed), ...])``: the quantity is received from the supplier (owned by
        it) and consumed to production on those days, through real stock moves,
        so the consumption records, quants and averages are the module's own.
        """
        agreement = self.env.ref(agreement_xmlid)
        if agreement.consumption_ids:
            return
        if not agreement.location_id:
            agreement.action_create_location()
        if agreement.state == "draft":
            agreement.action_activate()
        supplier_location = self.env.ref("stock.stock_location_suppliers")
        now = fields.Datetime.now()
        for product_xmlid, received, draws in history:
            product = self.env.ref(product_xmlid)
            self._demo_move(
                product,
                received,
                supplier_location,
                agreement.location_id,
                agreement.partner_id,
                agreement.warehouse_id.in_type_id,
            )
            for days_ago, qty in draws:
                move = self._demo_move(product, qty, agreement.location_id, product.property_stock_production)
                when = now - timedelta(days=days_ago)
                move.write({"date": when})
                move.move_line_ids.write({"date": when})
                self.env["vmi.consumption"].search([("move_id", "=", move.id)]).write({"date": when})

    def _demo_move(self, product, qty, source, dest, owner=None, picking_type=None):
        move = self.env["stock.move"].create(
            {
                "name": product.display_name,
                "product_id": product.id,
                "product_uom_qty": qty,
                "product_uom": product.uom_id.id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "restrict_partner_id": owner.id if owner else False,
                "picking_type_id": picking_type.id if picking_type else False,
                "origin": "VMI demo history",
            }
        )
        move._action_confirm()
        move._action_assign()
        move.quantity = qty
        move.picked = True
        move._action_done()
        return move
