# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import Command
from odoo.tests import tagged

from ..logic import sheet_import as sheet
from .common import VmiCommon
from .test_sheet_import import make_xlsx

_logger = logging.getLogger(__name__)

PRODUCTS = 60
ON_HAND = 50.0


class _RollBack(Exception):
    pass


@tagged("post_install", "-at_install")
class TestCountQueries(VmiCommon):
    """A stock count imported from a sheet costs what Odoo's own count of
    the same differences costs, plus a constant: stock_vmi's share (reading
    and checking the file, the consumption of the losses, the reversal and
    the note of the gains, the agreement lines' status) must not grow with
    the number of differences. Measured against Odoo's apply of the same
    differences on consigned quants of a plain stock location (owned by a
    vendor, so outside the valuation as the VMI location's stock is)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        products = cls.env["product.product"].create(
            [
                {
                    "name": f"Count part {i:03d}",
                    "default_code": f"CQ{i:03d}",
                    "type": "consu",
                    "is_storable": True,
                    "standard_price": 10.0,
                    "supplier_taxes_id": [Command.clear()],
                }
                for i in range(PRODUCTS)
            ]
        )
        supplier = cls.env["res.partner"].create({"name": "Count Supplier", "is_company": True})
        vendor = cls.env["res.partner"].create({"name": "Consignment Vendor", "is_company": True})
        cls.count_agreement = cls._create_agreement(supplier, [(p, 20, 80, 5.0) for p in products])
        cls.plain_location = cls.env["stock.location"].create(
            {"name": "Plain count", "location_id": cls.warehouse.lot_stock_id.id, "usage": "internal"}
        )
        Quant = cls.env["stock.quant"]
        for product in products:
            Quant._update_available_quantity(
                product, cls.count_agreement.location_id, ON_HAND, owner_id=supplier
            )
            Quant._update_available_quantity(product, cls.plain_location, ON_HAND, owner_id=vendor)
        cls.count_products = products

    @staticmethod
    def _counted(index, differences):
        """The first ``differences`` products differ (one in five 2 over,
        the others 5 short), the rest are counted as recorded."""
        if index >= differences:
            return ON_HAND
        return ON_HAND + 2 if index % 5 == 0 else ON_HAND - 5

    def _queries(self, func, check):
        """Queries of ``func()`` from a cold cache, flush included; then
        ``check()``; rolled back."""
        count = None
        # assertRaises rolls its savepoint back: the count leaves nothing behind.
        with self.assertRaises(_RollBack), self.env.cr.savepoint():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            func()
            self.env.flush_all()
            count = self.env.cr.sql_log_count - before
            check()
            raise _RollBack
        self.env.invalidate_all()
        return count

    def _file(self, differences):
        rows = [
            (product.default_code, None, None, self._counted(i, differences))
            for i, product in enumerate(self.count_products)
        ]
        return make_xlsx(sheet.MARKERS[sheet.COUNT], self.count_agreement.name, rows)

    def _import(self, data):
        agreement = self.env["vmi.agreement"].browse(self.count_agreement.id)
        result = self.env["vmi.sheet.import"]._vmi_sheet_import(sheet.COUNT, agreement, data)
        self.assertFalse(result["errors"])

    def _check_import(self, differences):
        consumption = self.env["vmi.consumption"].search([("agreement_id", "=", self.count_agreement.id)])
        self.assertEqual(len(consumption), differences - len(range(0, differences, 5)), "one per loss")
        self.assertEqual(self.count_agreement.line_ids[0].qty_on_hand, ON_HAND + 2)

    def _check_odoo(self, differences):
        moves = self.env["stock.move"].search(
            [
                "|",
                ("location_id", "=", self.plain_location.id),
                ("location_dest_id", "=", self.plain_location.id),
            ]
        )
        self.assertEqual(len(moves), differences)

    def _odoo_apply(self, differences):
        """Odoo's own count: ``inventory_quantity`` per counted value, one apply."""
        Quant = self.env["stock.quant"].with_context(inventory_mode=True)
        product_ids = self.count_products.ids
        quants = Quant.search(
            [("location_id", "=", self.plain_location.id), ("product_id", "in", product_ids)]
        )
        quant_of = {quant.product_id.id: quant.id for quant in quants}
        by_quantity = {}
        for i, product_id in enumerate(product_ids[:differences]):
            by_quantity.setdefault(self._counted(i, differences), []).append(quant_of[product_id])
        counted = Quant
        for qty, ids in by_quantity.items():
            Quant.browse(ids).write({"inventory_quantity": qty})
            counted |= Quant.browse(ids)
        counted.with_context(set_inventory_quantity_auto_apply=True).action_apply_inventory()

    def test_added_queries_do_not_grow_with_differences(self):
        """5 and 50 differences in a 60-row file: the import's queries above
        Odoo's own apply stay the same (a few for the rows' check, the note,
        the status), whatever the number of differences."""
        added = {}
        for differences in (5, 50):
            data = self._file(differences)
            ours = self._queries(lambda d=data: self._import(d), lambda n=differences: self._check_import(n))
            odoo = self._queries(
                lambda n=differences: self._odoo_apply(n), lambda n=differences: self._check_odoo(n)
            )
            added[differences] = ours - odoo
            _logger.info("count of %s differences: %s queries, Odoo's apply %s", differences, ours, odoo)
        self.assertLessEqual(
            added[50],
            added[5] + 5,
            f"stock_vmi's queries grow with the differences: {added[5]} above Odoo's apply for 5, "
            f"{added[50]} for 50",
        )
        self.assertLessEqual(added[5], 80, "a constant share: the file's check, the note, the status")
