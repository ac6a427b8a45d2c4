# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import VmiCommon


class RaisesMessageMixin:
    """``assertRaisesRegex`` that also rolls back like Odoo's ``assertRaises``.

    unittest's ``assertRaisesRegex`` does not wrap the block in a savepoint: a
    refused ``write`` would leave its values pending in the cache (and flush
    them later), hiding whether the operation really "changes nothing".
    """

    @contextmanager
    def assertRaisesMessage(self, exception, message):
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), message)


@tagged("post_install", "-at_install")
class TestAgreement(RaisesMessageMixin, VmiCommon):
    """VMI agreement: reference, defaults, validation, computed stock figures
    and life cycle (SPEC step 1 and 2)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.line = cls.agreement.line_ids
        cls.draft = cls._create_agreement(cls.supplier_b, [(cls.product_2, 20, 40, 3.0)], activate=False)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _new_product(self, name, **vals):
        return self.env["product.product"].create(
            {"name": name, "type": "consu", "is_storable": True, **vals}
        )

    def _line_vals(self, agreement, product, **vals):
        return {
            "agreement_id": agreement.id,
            "product_id": product.id,
            "reorder_point": 10,
            "max_qty": 20,
            "price_unit": 1.0,
            **vals,
        }

    def _assert_line_refused(self, vals, message):
        """Writing ``vals`` on the fixture line and creating a line with them
        both raise a ValidationError containing ``message``; nothing changes."""
        before = self.line.read(list(vals))[0]
        with self.assertRaisesMessage(ValidationError, message):
            self.line.write(vals)
        self.line.invalidate_recordset()
        self.assertEqual(self.line.read(list(vals))[0], before, "a refused write changes nothing")
        product = self._new_product("Refused product")
        with self.assertRaisesMessage(ValidationError, message):
            self.env["vmi.agreement.line"].create(self._line_vals(self.draft, product, **vals))
        self.assertFalse(
            self.env["vmi.agreement.line"].search([("product_id", "=", product.id)]),
            "a refused line is not created",
        )

    def _assert_agreement_refused(self, vals, message):
        """Writing ``vals`` on the fixture agreement and creating an agreement
        with them raise a ValidationError containing ``message``; nothing changes."""
        before = self.agreement.read(list(vals))[0]
        with self.assertRaisesMessage(ValidationError, message):
            self.agreement.write(vals)
        self.agreement.invalidate_recordset()
        self.assertEqual(self.agreement.read(list(vals))[0], before, "a refused write changes nothing")
        count = self.env["vmi.agreement"].search_count([])
        with self.assertRaisesMessage(ValidationError, message):
            self.env["vmi.agreement"].create({"partner_id": self.supplier.id, **vals})
        self.assertEqual(
            self.env["vmi.agreement"].search_count([]), count, "a refused agreement is not created"
        )

    # ------------------------------------------------------------------
    # Reference and defaults
    # ------------------------------------------------------------------
    def test_reference_from_sequence(self):
        """A new agreement takes the next reference of the VMI sequence, never twice."""
        sequence = self.env.ref("stock_vmi.seq_vmi_agreement")
        expected = sequence.get_next_char(sequence.number_next_actual)
        first = self.env["vmi.agreement"].create({"partner_id": self.supplier.id})
        second = self.env["vmi.agreement"].create({"partner_id": self.supplier.id})
        self.assertEqual(first.name, expected)
        self.assertRegex(first.name, rf"^VMI/{fields.Date.today().year}/\d{{4}}$")
        self.assertNotEqual(first.name, second.name)

    def test_defaults_from_form(self):
        """The form proposes the article's rules: review 3 days, plan by the 5th, settle on the 25th..."""
        form = Form(self.env["vmi.agreement"].with_user(self.buyer))
        form.partner_id = self.supplier
        with form.line_ids.new() as line:
            line.product_id = self.product_2
            line.reorder_point = 50
            line.max_qty = 100
            line.price_unit = 12.5
        agreement = form.save()
        self.assertEqual(agreement.state, "draft")
        self.assertEqual(agreement.review_interval_days, 3)
        self.assertEqual(agreement.forecast_due_day, 5)
        self.assertEqual(agreement.settlement_day, 25)
        self.assertEqual(agreement.overstock_days, 30)
        self.assertEqual(agreement.emergency_notice_hours, 24)
        self.assertEqual(agreement.emergency_freight_share, 50.0)
        self.assertEqual(agreement.adjust_tolerance, 10.0)
        self.assertEqual(agreement.warehouse_id, self.warehouse)
        self.assertEqual(agreement.company_id, self.company)
        self.assertEqual(agreement.currency_id, self.company.currency_id)
        self.assertEqual(agreement.user_id, self.buyer)
        self.assertEqual(agreement.next_review_date, fields.Date.today())
        self.assertEqual(agreement.line_ids.product_uom_id, self.uom_unit, "unit taken from the product")
        self.assertEqual(agreement.line_ids.pack_multiple, 1.0)
        self.assertNotEqual(agreement.name, "/")

    # ------------------------------------------------------------------
    # Validation of lines
    # ------------------------------------------------------------------
    def test_negative_reorder_point_refused(self):
        """A negative reorder point is refused with a clear message."""
        self._assert_line_refused({"reorder_point": -1}, "cannot be negative")

    def test_negative_maximum_refused(self):
        """A negative maximum is refused with a clear message."""
        self._assert_line_refused({"reorder_point": 0, "max_qty": -5}, "cannot be negative")

    def test_negative_price_refused(self):
        """A negative agreed price is refused with a clear message."""
        self._assert_line_refused({"price_unit": -0.01}, "cannot be negative")

    def test_reorder_point_above_maximum_refused(self):
        """The reorder point cannot be above the maximum."""
        self._assert_line_refused({"reorder_point": 120}, "cannot be above the maximum")

    def test_zero_maximum_refused(self):
        """A maximum of 0 is refused (nothing could ever be replenished)."""
        self._assert_line_refused({"reorder_point": 0, "max_qty": 0}, "maximum must be greater than zero")

    def test_zero_pack_multiple_refused(self):
        """A pack multiple of 0 is refused."""
        self._assert_line_refused({"pack_multiple": 0}, "pack multiple must be greater than zero")

    def test_non_storable_product_refused(self):
        """Only storable products can be managed by the supplier."""
        service = self._new_product("Bearing mounting service", is_storable=False)
        with self.assertRaisesMessage(ValidationError, "not a storable product"):
            self.env["vmi.agreement.line"].create(self._line_vals(self.draft, service))
        with self.assertRaisesMessage(ValidationError, "not a storable product"):
            self.draft.line_ids.product_id = service
        self.draft.invalidate_recordset()
        self.assertEqual(self.draft.line_ids.product_id, self.product_2)

    def test_archived_product_refused(self):
        """An archived product cannot be added to an agreement."""
        archived = self._new_product("Discontinued bearing 6300", active=False)
        with self.assertRaisesMessage(ValidationError, "archived"):
            self.draft.write({"line_ids": [Command.create(self._line_vals(self.draft, archived))]})
        self.draft.invalidate_recordset()
        self.assertEqual(self.draft.line_ids.product_id, self.product_2)

    def test_same_product_twice_in_agreement_refused(self):
        """A product appears only once in an agreement, whether added twice, added again or changed into."""
        message = "appears more than once in agreement"
        with self.assertRaisesMessage(ValidationError, message):
            self._create_agreement(
                self.supplier_b, [(self.product, 10, 20, 1.0), (self.product, 5, 30, 1.0)], activate=False
            )
        with self.assertRaisesMessage(ValidationError, message):
            self.agreement.write(
                {"line_ids": [Command.create(self._line_vals(self.agreement, self.product))]}
            )
        self.draft.write({"line_ids": [Command.create(self._line_vals(self.draft, self.product))]})
        lines = self.draft.line_ids
        with self.assertRaisesMessage(ValidationError, message):
            lines.filtered(lambda ln: ln.product_id == self.product).product_id = self.product_2
        self.draft.invalidate_recordset()
        self.assertEqual(self.agreement.line_ids.product_id, self.product)
        self.assertEqual(
            sorted(self.draft.line_ids.product_id.ids), sorted((self.product | self.product_2).ids)
        )

    def test_same_product_in_two_active_agreements_refused(self):
        """A second active agreement for a product in one VMI location fails to activate and stays draft."""
        second = self._create_agreement(
            self.supplier_b, [(self.product, 10, 20, 1.0)], activate=False, location_id=self.vmi_location.id
        )
        with self.assertRaisesMessage(ValidationError, "already managed by active agreement"):
            second.action_activate()
        second.invalidate_recordset()
        self.assertEqual(second.state, "draft")
        # Once the first agreement is closed, the second may take over.
        self.agreement.action_close()
        second.action_activate()
        self.assertEqual(second.state, "active")

    # ------------------------------------------------------------------
    # Validation of the agreement
    # ------------------------------------------------------------------
    def test_activate_without_lines_refused(self):
        """An agreement without products cannot be activated."""
        agreement = self.env["vmi.agreement"].create({"partner_id": self.supplier_b.id})
        agreement.action_create_location()
        with self.assertRaisesMessage(ValidationError, "at least one product"):
            agreement.action_activate()
        agreement.invalidate_recordset()
        self.assertEqual(agreement.state, "draft")

    def test_activate_without_location_refused(self):
        """An agreement without a VMI location cannot be activated."""
        agreement = self.env["vmi.agreement"].create(
            {
                "partner_id": self.supplier_b.id,
                "line_ids": [
                    Command.create({"product_id": self.product_2.id, "reorder_point": 1, "max_qty": 2})
                ],
            }
        )
        with self.assertRaisesMessage(ValidationError, "needs a VMI location"):
            agreement.action_activate()
        agreement.invalidate_recordset()
        self.assertEqual(agreement.state, "draft")

    def test_activate_twice_refused(self):
        """Only a draft agreement can be activated."""
        with self.assertRaisesMessage(UserError, "Only draft agreements"):
            self.agreement.action_activate()

    def test_review_interval_zero_refused(self):
        """The review interval must be at least one day."""
        self._assert_agreement_refused(
            {"review_interval_days": 0}, "review interval must be at least one day"
        )

    def test_settlement_day_32_refused(self):
        """The settlement day must be a day of the month."""
        self._assert_agreement_refused({"settlement_day": 32}, r"settlement day must be a day of the month")

    def test_forecast_due_day_zero_refused(self):
        """The forecast due day must be a day of the month."""
        self._assert_agreement_refused(
            {"forecast_due_day": 0}, r"forecast due day must be a day of the month"
        )

    def test_freight_share_120_refused(self):
        """The customer's share of rush freight is a percentage (0-100)."""
        self._assert_agreement_refused(
            {"emergency_freight_share": 120}, r"share of rush freight must be between"
        )

    def test_other_rules_refused(self):
        """Overstock period, emergency notice and adjustment tolerance are checked too."""
        self._assert_agreement_refused({"overstock_days": 0}, "overstock period")
        self._assert_agreement_refused({"emergency_notice_hours": -1}, "emergency notice cannot be negative")
        self._assert_agreement_refused({"adjust_tolerance": 150}, "adjustment tolerance")

    def test_end_before_start_refused(self):
        """An agreement cannot end before it starts."""
        today = fields.Date.today()
        self._assert_agreement_refused(
            {"date_start": today, "date_end": today - timedelta(days=1)}, "cannot be before its start date"
        )

    def test_non_internal_location_refused(self):
        """The VMI location must be an internal location."""
        with self.assertRaisesMessage(ValidationError, "must be an internal location"):
            self.draft.location_id = self.supplier_location
        self.draft.invalidate_recordset()
        self.assertEqual(self.draft.location_id.usage, "internal")

    # ------------------------------------------------------------------
    # Computed line figures (SPEC step 2)
    # ------------------------------------------------------------------
    def test_on_hand_and_status(self):
        """On hand counts the supplier's stock; status: 45 below, 60 ok, 120 above (50 / 100)."""
        self.assertEqual(self.line.qty_on_hand, 0)
        self._receive(45)
        self.line.invalidate_recordset()
        self.assertEqual(self.line.qty_on_hand, 45)
        self.assertEqual(self.line.stock_status, "below")
        self._receive(15)
        self.line.invalidate_recordset()
        self.assertEqual(self.line.qty_on_hand, 60)
        self.assertEqual(self.line.stock_status, "ok")
        self._receive(60)
        self.line.invalidate_recordset()
        self.assertEqual(self.line.qty_on_hand, 120)
        self.assertEqual(self.line.stock_status, "above")

    def test_status_counts_incoming_stored_and_searchable(self):
        """45 on hand with 55 on their way is not red: covered by incoming;
        the status is stored (searched and grouped) and follows the moves:
        receipt done -> ok, the receipt cancelled -> below, consumption -> below."""
        Line = self.env["vmi.agreement.line"]
        self._receive(45)
        self.assertEqual(Line.search([("id", "=", self.line.id), ("stock_status", "=", "below")]), self.line)
        receipt = self._move(
            self.product,
            55,
            self.supplier_location,
            self.vmi_location,
            owner=self.supplier,
            picking_type=self.warehouse.in_type_id,
            validate=False,
        )
        self.assertEqual(
            Line.search([("id", "=", self.line.id), ("stock_status", "=", "covered")]), self.line
        )
        groups = Line._read_group([("id", "=", self.line.id)], ["stock_status"], ["__count"])
        self.assertEqual(groups, [("covered", 1)])
        receipt.quantity = 55
        receipt.picked = True
        receipt._action_done()
        self.assertEqual(Line.search([("id", "=", self.line.id), ("stock_status", "=", "ok")]), self.line)
        self._consume(60)
        self.assertEqual(Line.search([("id", "=", self.line.id), ("stock_status", "=", "below")]), self.line)
        other = self._move(
            self.product,
            10,
            self.supplier_location,
            self.vmi_location,
            owner=self.supplier,
            picking_type=self.warehouse.in_type_id,
            validate=False,
        )
        self.assertEqual(self.line.stock_status, "covered")
        other._action_cancel()
        self.assertEqual(Line.search([("id", "=", self.line.id), ("stock_status", "=", "below")]), self.line)

    def test_line_buttons(self):
        """The line opens its supplier-owned quants (read-only list), its moves and its consumption."""
        self._receive(45)
        self._consume(5)
        quants = self.env["stock.quant"].search(self.line.action_view_quants()["domain"])
        self.assertEqual(quants.mapped("quantity"), [40.0])
        self.assertEqual(quants.owner_id, self.supplier)
        action = self.agreement.action_view_stock()
        self.assertEqual(self.env["stock.quant"].search(action["domain"]), quants)
        self.assertEqual(action["res_model"], "stock.quant")
        self.assertNotIn("inventory_mode", action["context"])
        moves = self.env["stock.move.line"].search(self.line.action_view_moves()["domain"])
        self.assertEqual(sorted(moves.mapped("quantity")), [5.0, 45.0])
        consumption = self.env["vmi.consumption"].search(self.line.action_view_consumption()["domain"])
        self.assertEqual(consumption.mapped("quantity"), [5.0])

    def test_on_hand_counts_sublocations_and_only_this_supplier(self):
        """On hand includes VMI sub-locations and excludes company stock elsewhere."""
        shelf = self.env["stock.location"].create(
            {
                "name": "Shelf A",
                "usage": "internal",
                "location_id": self.vmi_location.id,
            }
        )
        self._receive(30)
        self._move(self.product, 10, self.vmi_location, shelf)
        self._move(self.product, 500, self.supplier_location, self.stock_location)
        self.line.invalidate_recordset()
        self.assertEqual(self.line.qty_on_hand, 30)

    def test_incoming(self):
        """Incoming counts open receipts into the VMI location, not done ones."""
        self._move(
            self.product,
            25,
            self.supplier_location,
            self.vmi_location,
            owner=self.supplier,
            picking_type=self.warehouse.in_type_id,
            validate=False,
        )
        self.line.invalidate_recordset()
        self.assertEqual(self.line.qty_incoming, 25)
        self.assertEqual(self.line.qty_on_hand, 0)

    def test_consumption_last_three_months(self):
        """Consumption sums the last 3 months only and gives the monthly average (SPEC step 2)."""
        self._receive(100)
        self._consume(60)
        self._consume(30)
        old = self.env["vmi.consumption"].create(
            {
                "agreement_id": self.agreement.id,
                "agreement_line_id": self.line.id,
                "product_id": self.product.id,
                "uom_id": self.uom_unit.id,
                "quantity": 500,
                "date": fields.Datetime.now() - timedelta(days=100),
            }
        )
        self.assertTrue(old.exists())
        self.line.invalidate_recordset()
        self.assertEqual(self.line.consumption_3m, 90)
        self.assertEqual(self.line.consumption_monthly_avg, 30)

    # ------------------------------------------------------------------
    # Actions and life cycle
    # ------------------------------------------------------------------
    def test_create_location(self):
        """The VMI location is internal, flagged VMI, under the warehouse view location (not its stock)."""
        agreement = self.env["vmi.agreement"].create({"partner_id": self.supplier_b.id})
        self.assertFalse(agreement.location_id)
        agreement.action_create_location()
        location = agreement.location_id
        self.assertEqual(location.usage, "internal")
        self.assertEqual(location.location_id, self.warehouse.view_location_id)
        self.assertFalse(location.vmi_location, "a draft agreement does not make it a VMI location yet")
        self.assertEqual(location.company_id, self.company)
        self.assertIn(self.supplier_b.name, location.name)
        self.assertNotIn(f"/{self.stock_location.id}/", location.parent_path)
        # A second call keeps the location.
        agreement.action_create_location()
        self.assertEqual(agreement.location_id, location)

    def test_close_and_reset_to_draft(self):
        """An active agreement is closed then reset to draft; an active one cannot be reset directly."""
        with self.assertRaisesMessage(UserError, "Only closed agreements"):
            self.agreement.action_reset_draft()
        self.agreement.action_close()
        self.assertEqual(self.agreement.state, "closed")
        self.assertEqual(self.line.state, "closed")
        self.agreement.action_reset_draft()
        self.assertEqual(self.agreement.state, "draft")
        self.agreement.action_activate()
        self.assertEqual(self.agreement.state, "active")

    def test_stock_location_cannot_be_vmi(self):
        """The warehouse's stock location (or a parent) is refused as VMI location: it holds company stock."""
        with self.assertRaisesMessage(ValidationError, "warehouse's own stock"):
            self.draft.location_id = self.stock_location
        # An internal location above the stock location holds its stock too.
        zone = self.env["stock.location"].create(
            {"name": "Zone", "usage": "internal", "location_id": self.warehouse.view_location_id.id}
        )
        self.stock_location.location_id = zone
        with self.assertRaisesMessage(ValidationError, "warehouse's own stock"):
            self.draft.location_id = zone
        self.assertNotIn(self.draft.location_id, self.stock_location | zone)
        self.assertFalse(self.stock_location.vmi_location)

    def test_activation_refused_with_company_stock_in_location(self):
        """A location holding company-owned stock cannot become a VMI location; nothing changes."""
        shelf = self.env["stock.location"].create(
            {"name": "Old shelf", "usage": "internal", "location_id": self.warehouse.view_location_id.id}
        )
        self.env["stock.quant"]._update_available_quantity(self.product_2, shelf, 7)
        agreement = self._create_agreement(
            self.supplier_b, [(self.product_2, 5, 10, 3.0)], activate=False, location_id=shelf.id
        )
        with self.assertRaisesMessage(UserError, "holds company-owned stock"):
            agreement.action_activate()
        self.assertEqual(agreement.state, "draft")
        self.assertFalse(shelf.vmi_location)

    def test_location_flag_follows_agreements(self):
        """Only active or closed agreements make their location VMI; its shelves follow."""
        location = self.draft.location_id
        self.assertFalse(location.vmi_location)
        shelf = self.env["stock.location"].create(
            {"name": "Bin", "usage": "internal", "location_id": location.id}
        )
        self.draft.action_activate()
        self.assertTrue(location.vmi_root)
        self.assertEqual(shelf.vmi_location_id, location)
        self.draft.action_close()
        self.assertTrue(shelf.vmi_location, "a closed agreement's stock is still the supplier's")

    def test_signed_terms_locked(self):
        """Supplier, location, company, warehouse and currency cannot change once the agreement is active."""
        other_location = self.draft.location_id
        for vals in (
            {"partner_id": self.supplier_b.id},
            {"location_id": other_location.id},
            {
                "currency_id": self.env.ref("base.EUR").id
                if self.company.currency_id != self.env.ref("base.EUR")
                else self.env.ref("base.USD").id
            },
        ):
            with self.assertRaisesMessage(UserError, "is in force"):
                self.agreement.write(vals)
        self.assertEqual(self.agreement.partner_id, self.supplier)
        self.assertEqual(self.agreement.location_id, self.vmi_location)
        # rewriting the same value, and other fields, is fine
        self.agreement.write({"partner_id": self.supplier.id, "adjust_tolerance": 15})
        self.assertEqual(self.agreement.adjust_tolerance, 15)

    def test_close_declines_open_proposals(self):
        """Closing an agreement declines its open proposals."""
        self._receive(45)
        order = self.agreement._run_review()
        self.assertEqual(order.vmi_state, "to_confirm")
        self.agreement.action_close()
        self.assertEqual(order.vmi_state, "declined")
        self.assertEqual(order.state, "cancel")
        with self.assertRaisesMessage(UserError, "Only active agreements can be closed"):
            self.agreement.action_close()

    def test_expired_agreement_not_reviewed(self):
        """An agreement past its end date (or not yet started) proposes nothing."""
        self._receive(45)
        today = fields.Date.today()
        self.agreement.write(
            {"date_start": today - timedelta(days=30), "date_end": today - timedelta(days=1)}
        )
        self.agreement.next_review_date = today
        self.env["vmi.agreement"]._cron_review()
        self.assertFalse(self.agreement.purchase_ids)
        self.agreement.write({"date_start": today + timedelta(days=1), "date_end": False})
        self.assertFalse(self.agreement._run_review())
        self.agreement.date_start = today
        self.assertEqual(self.agreement._run_review().order_line.product_qty, 55)

    def test_reset_to_draft_refused_with_supplier_stock(self):
        """A closed agreement whose supplier still owns stock cannot go back to draft."""
        self._receive(10)
        self.agreement.action_close()
        with self.assertRaisesMessage(UserError, "still has supplier-owned stock"):
            self.agreement.action_reset_draft()
        self.assertEqual(self.agreement.state, "closed")

    def test_reset_to_draft_refused_with_unbilled_consumption_or_incoming(self):
        """A closed agreement with consumption not yet settled, or receipts on their way, stays closed."""
        self._receive(10)
        self._consume(10)
        self.agreement.action_close()
        with self.assertRaisesMessage(UserError, "not yet settled"):
            self.agreement.action_reset_draft()
        self.agreement._settle(fields.Date.today())
        self._move(
            self.product,
            5,
            self.supplier_location,
            self.vmi_location,
            owner=self.supplier,
            picking_type=self.warehouse.in_type_id,
            validate=False,
        )
        with self.assertRaisesMessage(UserError, "on their way"):
            self.agreement.action_reset_draft()
        self.assertEqual(self.agreement.state, "closed")

    def test_state_only_through_buttons(self):
        """Users cannot write the status directly (it would skip the checks of the buttons)."""
        as_buyer = self.agreement.with_user(self.buyer)
        with self.assertRaisesMessage(UserError, "changes only with its buttons"):
            as_buyer.write({"state": "draft"})
        with self.assertRaisesMessage(UserError, "starts as a draft"):
            self.env["vmi.agreement"].with_user(self.buyer).create(
                {"partner_id": self.supplier_b.id, "state": "active"}
            )
        self.assertEqual(self.agreement.state, "active")
        as_buyer.action_close()
        self.assertEqual(self.agreement.state, "closed")

    def test_location_with_stock_cannot_leave_vmi_tree(self):
        """A shelf holding supplier stock cannot be moved out of the VMI location (nor company stock in)."""
        shelf = self.env["stock.location"].create(
            {"name": "Shelf D", "usage": "internal", "location_id": self.vmi_location.id}
        )
        self._receive(10)
        self._move(self.product, 4, self.vmi_location, shelf)
        with self.assertRaisesMessage(UserError, "cannot be moved into or out of a VMI location"):
            shelf.location_id = self.warehouse.view_location_id
        self.assertEqual(shelf.vmi_location_id, self.vmi_location)
        bin_ = self.env["stock.location"].create(
            {"name": "Company bin", "usage": "internal", "location_id": self.stock_location.id}
        )
        self.env["stock.quant"]._update_available_quantity(self.product_2, bin_, 3)
        with self.assertRaisesMessage(UserError, "cannot be moved into or out of a VMI location"):
            bin_.location_id = self.vmi_location
        empty = self.env["stock.location"].create(
            {"name": "Empty bin", "usage": "internal", "location_id": self.stock_location.id}
        )
        empty.location_id = self.vmi_location
        self.assertTrue(empty.vmi_location)

    def test_line_with_supplier_stock_cannot_be_removed(self):
        """A product the supplier still owns stock of cannot be removed from an agreement in force."""
        self._receive(10)
        with self.assertRaisesMessage(UserError, "still owns"):
            self.line.unlink()
        self.assertTrue(self.line.exists())

    def test_incoming_into_sublocation(self):
        """Incoming also counts receipts aimed at a shelf of the VMI location."""
        shelf = self.env["stock.location"].create(
            {"name": "Shelf C", "usage": "internal", "location_id": self.vmi_location.id}
        )
        self._move(
            self.product,
            15,
            self.supplier_location,
            shelf,
            owner=self.supplier,
            picking_type=self.warehouse.in_type_id,
            validate=False,
        )
        self.line.invalidate_recordset()
        self.assertEqual(self.line.qty_incoming, 15)

    def test_unlink_only_draft(self):
        """Active and closed agreements cannot be deleted; a draft one can."""
        with self.assertRaisesMessage(UserError, "Only draft VMI agreements can be deleted"):
            self.agreement.unlink()
        self.agreement.action_close()
        with self.assertRaisesMessage(UserError, "Only draft VMI agreements can be deleted"):
            self.agreement.unlink()
        self.assertTrue(self.agreement.exists())
        lines = self.draft.line_ids
        self.draft.unlink()
        self.assertFalse(self.draft.exists())
        self.assertFalse(lines.exists(), "lines go with their agreement")
