# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestVmiReporting(VmiCommon):
    """Reporting (issue 12 item 5): consumption, replenishment and VMI stock
    per supplier, product and month, for the pivot and graph views, from a
    history of two months (moved back to their days with the demo's
    ``_demo_step``): one proposal confirmed as proposed, one adjusted beyond
    the tolerance (the buyer approves), one declined."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Agreement = cls.env["vmi.agreement"]
        first = fields.Date.context_today(cls.agreement).replace(day=1)
        cls.month_2 = first - relativedelta(months=2)
        cls.month_1 = first - relativedelta(months=1)

        def at(month, day, hour):
            return datetime.combine(month, time(hour)) + timedelta(days=day - 1)

        cls.at = staticmethod(at)
        supplier = cls.portal_user

        def step(when, function):
            with Agreement._demo_step(when):
                return function()

        # Month -2: 100 received, 60 used, the review's proposal confirmed 4 h later and received.
        step(at(cls.month_2, 3, 9), lambda: cls._receive_cls(100))
        step(at(cls.month_2, 10, 9), lambda: cls._consume_cls(60))
        cls.p1 = step(at(cls.month_2, 12, 9), lambda: cls.agreement._run_review())
        step(at(cls.month_2, 12, 13), lambda: cls.p1.with_user(supplier).action_vmi_supplier_confirm())
        Agreement._demo_shift(cls.p1, ["vmi_confirmed_date"], at(cls.month_2, 12, 13))
        cls._receive_order(cls.p1, at(cls.month_2, 14, 9))
        # Month -1: 70 used; adjusted +20 two hours later (beyond the tolerance), approved by the buyer.
        step(at(cls.month_1, 3, 9), lambda: cls._consume_cls(70))
        cls.p2 = step(at(cls.month_1, 3, 10), lambda: cls.agreement._run_review())
        line = cls.p2.order_line
        cls.p2_proposed = line.product_qty
        step(
            at(cls.month_1, 3, 12),
            lambda: cls.p2.with_user(supplier).action_vmi_supplier_adjust(
                quantities={line.id: cls.p2_proposed + 20}
            ),
        )
        Agreement._demo_shift(cls.p2, ["vmi_confirmed_date"], at(cls.month_1, 3, 12))
        step(at(cls.month_1, 4, 9), lambda: cls.p2.with_user(cls.buyer).action_vmi_buyer_approve())
        cls._receive_order(cls.p2, at(cls.month_1, 6, 9))
        # 80 used; the next proposal declined 6 h later.
        step(at(cls.month_1, 20, 9), lambda: cls._consume_cls(80))
        cls.p3 = step(at(cls.month_1, 20, 10), lambda: cls.agreement._run_review())
        step(
            at(cls.month_1, 20, 16),
            lambda: cls.p3.with_user(supplier).action_vmi_supplier_decline(reason="No stock this week"),
        )
        Agreement._demo_shift(cls.p3, ["vmi_declined_date"], at(cls.month_1, 20, 16))
        cls.p1_qty = cls.p1.order_line.product_qty
        cls.on_hand = 100 - 60 + cls.p1_qty - 70 + cls.p2_proposed + 20 - 80

    # ------------------------------------------------------------------
    # Helpers (class level: the history is built once)
    # ------------------------------------------------------------------
    @classmethod
    def _stock_move(cls, qty, source, dest, owner=None):
        move = cls.env["stock.move"].create(
            {
                "name": "test reporting",
                "product_id": cls.product.id,
                "product_uom_qty": qty,
                "product_uom": cls.product.uom_id.id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "restrict_partner_id": owner.id if owner else False,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.quantity = qty
        move.picked = True
        move._action_done()
        return move

    @classmethod
    def _receive_cls(cls, qty):
        return cls._stock_move(qty, cls.supplier_location, cls.vmi_location, owner=cls.supplier)

    @classmethod
    def _consume_cls(cls, qty):
        return cls._stock_move(qty, cls.vmi_location, cls.production_location)

    @classmethod
    def _receive_order(cls, order, when):
        """Receive ``order`` at ``when`` (its receipt was created with its approval)."""
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        cls.env["vmi.agreement"]._demo_shift(picking.move_ids.move_line_ids, ["date"], when)

    def _by_month(self, model, domain, measures, groupby=("date:month",)):
        """``{month (a date): (measure, ...)}`` read as the pivot reads it."""
        groups = self.env[model]._read_group(
            [("agreement_id", "=", self.agreement.id), *domain], list(groupby), list(measures)
        )
        return {fields.Date.to_date(month): tuple(values) for month, *values in groups}

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def test_consumption_by_month(self):
        """Consumption analysis: quantity and amount at the agreed price per month."""
        figures = self._by_month("vmi.consumption", [], ["quantity:sum", "amount:sum"])
        self.assertEqual(figures, {self.month_2: (60.0, 750.0), self.month_1: (150.0, 1875.0)})
        by_product = self.env["vmi.consumption"]._read_group(
            [("agreement_id", "=", self.agreement.id)], ["partner_id", "product_id"], ["quantity:sum"]
        )
        self.assertEqual(by_product, [(self.supplier, self.product, 210.0)])

    def test_proposals_by_outcome(self):
        """Replenishment analysis: each proposal counted once, whatever its
        lines; quantities proposed and confirmed; the outcome; auto-approved
        only when no buyer had to act; the supplier's response time."""
        Report = self.env["vmi.proposal.report"]
        domain = [("agreement_id", "=", self.agreement.id)]
        rows = Report._read_group(
            domain,
            ["outcome"],
            ["proposal_count:sum", "qty_proposed:sum", "qty_confirmed:sum", "auto_approved_count:sum"],
        )
        self.assertEqual(
            sorted(rows),
            sorted(
                [
                    ("confirmed", 1, self.p1_qty, self.p1_qty, 1),
                    ("adjusted", 1, self.p2_proposed, self.p2_proposed + 20, 0),
                    ("declined", 1, self.p3.order_line.vmi_proposed_qty, 0.0, 0),
                ]
            ),
        )
        [(count, confirmed, adjusted, declined, hours)] = Report._read_group(
            domain,
            [],
            [
                "proposal_count:sum",
                "confirmed_count:sum",
                "adjusted_count:sum",
                "declined_count:sum",
                "response_hours:avg",
            ],
        )
        self.assertEqual((count, confirmed, adjusted, declined), (3, 1, 1, 1))
        self.assertAlmostEqual(hours, (4 + 2 + 6) / 3, places=2)
        by_month = self._by_month("vmi.proposal.report", [], ["proposal_count:sum", "amount_confirmed:sum"])
        self.assertEqual(
            by_month,
            {
                self.month_2: (1, self.p1_qty * 12.5),
                self.month_1: (2, (self.p2_proposed + 20) * 12.5),
            },
        )
        # Auto-approved: approved without a buyer action (the monthly review's definition).
        self.assertEqual(self.p2.vmi_buyer_touches, 1)
        self.assertEqual(self.p1.vmi_buyer_touches, 0)

    def test_answer_fields_written_by_the_workflow_only(self):
        """What the analysis and the review count (declined on, manual
        touches, adjusted) is the workflow's to write, like the VMI status:
        each file that adds such a field extends ``_vmi_workflow_fields``."""
        for vals in (
            {"vmi_declined_date": fields.Datetime.now()},
            {"vmi_buyer_touches": 0},
            {"vmi_adjusted": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                self.p1.with_user(self.buyer).write(vals)

    def test_stock_by_month(self):
        """VMI stock analysis: received, consumed per month, and the
        supplier-owned stock on hand today at the agreed price."""
        figures = self._by_month(
            "vmi.stock.report",
            [("movement", "!=", "on_hand")],
            ["qty_received:sum", "qty_consumed:sum", "qty_net:sum", "value_consumed:sum"],
        )
        self.assertEqual(
            figures,
            {
                self.month_2: (100 + self.p1_qty, 60.0, 100 + self.p1_qty - 60, 750.0),
                self.month_1: (self.p2_proposed + 20, 150.0, self.p2_proposed + 20 - 150, 1875.0),
            },
        )
        [(on_hand, value)] = self.env["vmi.stock.report"]._read_group(
            [("agreement_id", "=", self.agreement.id), ("movement", "=", "on_hand")],
            [],
            ["qty_on_hand:sum", "value_on_hand:sum"],
        )
        self.assertEqual(on_hand, self.on_hand)
        self.assertEqual(on_hand, sum(self._quants().mapped("quantity")))
        self.assertEqual(value, self.on_hand * 12.5)

    def test_stock_return_to_supplier(self):
        """A return to the supplier is no consumption."""
        self._move(self.product, 5, self.vmi_location, self.supplier_location)
        [(returned, consumed)] = self.env["vmi.stock.report"]._read_group(
            [
                ("agreement_id", "=", self.agreement.id),
                ("date", ">=", fields.Date.context_today(self.agreement)),
            ],
            [],
            ["qty_returned_out:sum", "qty_consumed:sum"],
        )
        self.assertEqual((returned, consumed), (5.0, 0.0))

    # ------------------------------------------------------------------
    # Views and menus
    # ------------------------------------------------------------------
    def test_views_load(self):
        """Each analysis opens in the views its action lists, as a VMI user."""
        user = new_test_user(
            self.env, login="vmi_report_user", groups="stock_vmi.group_vmi_user,base.group_user"
        )
        for xmlid in (
            "stock_vmi.action_vmi_consumption_analysis",
            "stock_vmi.action_vmi_proposal_report",
            "stock_vmi.action_vmi_stock_report",
        ):
            action = self.env.ref(xmlid)
            views = [(view.view_id.id, view.view_mode) for view in action.view_ids]
            modes = {mode for _id, mode in views}
            views += [(False, mode) for mode in action.view_mode.split(",") if mode not in modes]
            views.append((action.search_view_id.id, "search"))
            result = self.env[action.res_model].with_user(user).get_views(views)
            self.assertEqual(set(result["views"]), {"pivot", "graph", "list", "search"}, xmlid)
            self.assertIn("this_month", result["views"]["search"]["arch"])
            self.assertIn("last_month", result["views"]["search"]["arch"])
        pivot = self.env.ref("stock_vmi.vmi_consumption_view_pivot_analysis")
        self.assertIn('name="amount"', pivot.arch)
        menu = self.env.ref("stock_vmi.menu_vmi_reporting")
        self.assertEqual(menu.parent_id, self.env.ref("stock_vmi.menu_vmi_root"))
        self.assertEqual(len(menu.child_id), 3)
        visible = self.env["ir.ui.menu"].with_user(user).search([("id", "child_of", menu.id)])
        self.assertEqual(len(visible), 4)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_other_company_sees_nothing(self):
        """The report rows follow their company: a VMI user of another company
        reads none of this company's figures, one of this company all."""
        company_2 = self.env["res.company"].create({"name": "VMI Reporting Plant 2"})
        other = new_test_user(
            self.env,
            login="vmi_report_other",
            groups="stock_vmi.group_vmi_user,base.group_user",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        mine = new_test_user(
            self.env, login="vmi_report_mine", groups="stock_vmi.group_vmi_user,base.group_user"
        )
        for model in ("vmi.proposal.report", "vmi.stock.report", "vmi.consumption"):
            self.assertFalse(self.env[model].with_user(other).search([]), model)
            self.assertTrue(
                self.env[model].with_user(mine).search([("agreement_id", "=", self.agreement.id)]), model
            )

    def test_portal_refused(self):
        """Portal users, the agreement's supplier's included, have no access to the analyses."""
        for model in ("vmi.proposal.report", "vmi.stock.report"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_user).search([])
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_user)._read_group([], ["product_id"], ["__count"])
