# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestSecurity(VmiCommon):
    """Who sees and does what: access rights per group, suppliers' portal
    users limited to their own records, companies kept apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement_b = cls._create_agreement(cls.supplier_b, [(cls.product_2, 20, 40, 3.0)])
        cls.draft_a = cls._create_agreement(cls.supplier, [(cls.product_2, 20, 40, 3.0)], activate=False)
        cls.consumption_a = cls._create_consumption(cls.agreement)
        cls.consumption_b = cls._create_consumption(cls.agreement_b)
        cls.settlement_a = cls._create_settlement(cls.agreement)
        cls.settlement_b = cls._create_settlement(cls.agreement_b)
        cls.vmi_user = new_test_user(
            cls.env, login="vmi_test_user", groups="stock_vmi.group_vmi_user,base.group_user"
        )
        cls.stock_user = new_test_user(
            cls.env, login="vmi_test_stock_user", groups="stock.group_stock_user,base.group_user"
        )

    @classmethod
    def _create_consumption(cls, agreement):
        line = agreement.line_ids[0]
        return cls.env["vmi.consumption"].create(
            {
                "agreement_id": agreement.id,
                "agreement_line_id": line.id,
                "product_id": line.product_id.id,
                "uom_id": line.product_uom_id.id,
                "quantity": 10,
                "price_unit": line.price_unit,
            }
        )

    @classmethod
    def _create_settlement(cls, agreement):
        line = agreement.line_ids[0]
        today = fields.Date.today()
        return cls.env["vmi.settlement"].create(
            {
                "agreement_id": agreement.id,
                "date_from": today - timedelta(days=30),
                "date_to": today,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "uom_id": line.product_uom_id.id,
                            "quantity": 10,
                            "price_unit": line.price_unit,
                        }
                    )
                ],
            }
        )

    def _records(self, supplier):
        """Every VMI record of one supplier, model by model."""
        if supplier == "a":
            agreement, consumption, settlement = self.agreement, self.consumption_a, self.settlement_a
        else:
            agreement, consumption, settlement = self.agreement_b, self.consumption_b, self.settlement_b
        return [agreement, agreement.line_ids, consumption, settlement, settlement.line_ids]

    # ------------------------------------------------------------------
    # Access rights
    # ------------------------------------------------------------------
    def test_every_model_has_access_rights(self):
        """Every model of the module has access rights, and each group gets exactly what it needs."""
        model_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "stock_vmi"), ("model", "=", "ir.model")])
            .mapped("res_id")
        )
        # Abstract models (the portal-link mixin) hold no records, hence no rights.
        models = self.env["ir.model"].browse(model_ids).filtered(lambda m: not self.env[m.model]._abstract)
        self.assertGreaterEqual(
            set(models.mapped("model")),
            {
                "vmi.agreement",
                "vmi.agreement.line",
                "vmi.consumption",
                "vmi.settlement",
                "vmi.settlement.line",
                "vmi.settlement.wizard",
                "vmi.proposal.decline.wizard",
            },
        )
        for model in models:
            with self.subTest(model=model.model):
                self.assertTrue(
                    self.env["ir.model.access"].search_count([("model_id", "=", model.id)]),
                    f"{model.model} has no access rights",
                )

        def ops(user, model):
            records = self.env[model].with_user(user)
            return "".join(
                letter
                for letter, operation in zip("rwcu", ("read", "write", "create", "unlink"), strict=True)
                if records.has_access(operation)
            )

        expected = {
            # model: (VMI manager, VMI user, accountant, stock user, portal)
            "vmi.agreement": ("rwcu", "r", "r", "", "r"),
            "vmi.agreement.line": ("rwcu", "r", "r", "", "r"),
            "vmi.consumption": ("r", "r", "r", "r", "r"),
            # Settlements are written by ``_settle`` only (sudo): accountants read.
            "vmi.settlement": ("r", "r", "r", "", "r"),
            "vmi.settlement.line": ("r", "r", "r", "", "r"),
            "vmi.settlement.wizard": ("", "", "rwcu", "", ""),
            "vmi.proposal.decline.wizard": ("rwcu", "", "", "", ""),
        }
        users = (self.buyer, self.vmi_user, self.accountant, self.stock_user, self.portal_user)
        for model, rights in expected.items():
            for user, right in zip(users, rights, strict=True):
                with self.subTest(model=model, user=user.login):
                    self.assertEqual(ops(user, model), right)

    # ------------------------------------------------------------------
    # Portal: each supplier sees its own records only
    # ------------------------------------------------------------------
    def test_portal_reads_own_records(self):
        """Supplier A's portal user reads its agreement, lines, consumption and settlements."""
        for records in self._records("a"):
            with self.subTest(model=records._name):
                as_portal = records.with_user(self.portal_user)
                as_portal.check_access("read")
                self.assertEqual(as_portal.search([]), records)
                self.assertTrue(as_portal.read(["display_name"]))
        agreement = self.agreement.with_user(self.portal_user)
        self.assertEqual(agreement.line_ids.qty_on_hand, 0)
        self.assertEqual(agreement.line_ids.product_id, self.product)

    def test_portal_cannot_read_other_supplier(self):
        """Supplier A's portal user cannot read or find supplier B's records nor its own draft."""
        for records in self._records("b") + [self.draft_a, self.draft_a.line_ids]:
            with self.subTest(model=records._name, ids=records.ids):
                as_portal = records.with_user(self.portal_user)
                with self.assertRaises(AccessError):
                    as_portal.check_access("read")
                with self.assertRaises(AccessError):
                    as_portal.read(["display_name"])
                self.assertFalse(as_portal.search([("id", "in", records.ids)]))

    def test_portal_cannot_change_agreements(self):
        """A portal user cannot create or change agreements, lines or settlements, nor run actions."""
        Agreement = self.env["vmi.agreement"].with_user(self.portal_user)
        with self.assertRaises(AccessError):
            Agreement.create({"partner_id": self.supplier.id})
        agreement = self.agreement.with_user(self.portal_user)
        with self.assertRaises(AccessError):
            agreement.write({"adjust_tolerance": 100})
        with self.assertRaises(AccessError):
            agreement.line_ids.write({"price_unit": 50})
        with self.assertRaises(AccessError):
            self.env["vmi.agreement.line"].with_user(self.portal_user).create(
                {
                    "agreement_id": self.agreement.id,
                    "product_id": self.product_2.id,
                    "reorder_point": 1,
                    "max_qty": 2,
                }
            )
        with self.assertRaises(AccessError):
            agreement.action_close()
        with self.assertRaises(AccessError):
            agreement.action_review_now()
        with self.assertRaises(AccessError):
            self.settlement_a.with_user(self.portal_user).write({"state": "draft"})
        self.agreement.invalidate_recordset()
        self.assertEqual(self.agreement.adjust_tolerance, 10)
        self.assertEqual(self.agreement.state, "active")
        self.assertFalse(self.agreement.purchase_ids)

    # ------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------
    def test_multi_company(self):
        """A second company's agreement is invisible to a first-company user, visible in both companies."""
        company_2 = self.env["res.company"].create({"name": "VMI Plant 2"})
        warehouse_2 = self.env["stock.warehouse"].search([("company_id", "=", company_2.id)], limit=1)
        self.assertTrue(warehouse_2, "stock creates the warehouse of a new company")
        agreement_2 = (
            self.env["vmi.agreement"]
            .with_company(company_2)
            .create(
                {
                    "partner_id": self.supplier.id,
                    "company_id": company_2.id,
                    "warehouse_id": warehouse_2.id,
                    "line_ids": [
                        Command.create({"product_id": self.product.id, "reorder_point": 5, "max_qty": 10})
                    ],
                }
            )
        )
        agreement_2.action_create_location()
        agreement_2.action_activate()
        self.assertEqual(agreement_2.location_id.company_id, company_2)
        self.assertEqual(agreement_2.line_ids.company_id, company_2)

        both = new_test_user(
            self.env,
            login="vmi_two_companies",
            groups="stock_vmi.group_vmi_user,base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | company_2).ids)],
        )
        for user in (self.vmi_user, both):
            with self.subTest(user=user.login):
                env = self.env(user=user, context={"allowed_company_ids": [self.company.id]})
                Agreement = env["vmi.agreement"]
                self.assertNotIn(agreement_2, Agreement.search([]))
                self.assertIn(self.agreement, Agreement.search([]))
                with self.assertRaises(AccessError):
                    agreement_2.with_env(env).check_access("read")
                with self.assertRaises(AccessError):
                    agreement_2.line_ids.with_env(env).check_access("read")
        in_both = (
            self.env["vmi.agreement"]
            .with_user(both)
            .with_context(allowed_company_ids=(self.company | company_2).ids)
        )
        self.assertIn(agreement_2, in_both.search([]))
        self.assertEqual(agreement_2.line_ids.with_env(in_both.env).product_id, self.product)
        # The first company's user cannot pick company 2 even when asking for it.
        with self.assertRaises(AccessError):
            self.env["vmi.agreement"].with_user(self.vmi_user).with_context(
                allowed_company_ids=[company_2.id]
            ).search([])

    # ------------------------------------------------------------------
    # Internal users
    # ------------------------------------------------------------------
    def test_vmi_user_runs_review(self):
        """A VMI user (not manager) runs the reorder check of an agreement."""
        action = self.agreement.with_user(self.vmi_user).action_review_now()
        order = self.agreement.purchase_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(action["res_id"], order.id)
        self.assertEqual(order.create_uid, self.vmi_user)
        self.assertEqual(self.agreement.next_review_date, fields.Date.today() + timedelta(days=3))

    def test_vmi_user_cannot_change_agreement(self):
        """A VMI user (not manager) cannot activate, close or change an agreement's rules."""
        draft = self.draft_a.with_user(self.vmi_user)
        with self.assertRaises(AccessError):
            draft.action_activate()
        with self.assertRaises(AccessError):
            self.agreement.with_user(self.vmi_user).write({"adjust_tolerance": 100})
        with self.assertRaises(AccessError):
            self.agreement.with_user(self.vmi_user).action_close()
        self.draft_a.invalidate_recordset()
        self.assertEqual(self.draft_a.state, "draft")
        self.assertEqual(self.agreement.adjust_tolerance, 10)

    def test_stock_user_cannot_activate(self):
        """A stock user without the VMI group can neither activate an agreement nor run the review."""
        with self.assertRaises(AccessError):
            self.draft_a.with_user(self.stock_user).action_activate()
        with self.assertRaises(AccessError):
            self.agreement.with_user(self.stock_user).action_review_now()
        self.draft_a.invalidate_recordset()
        self.assertEqual(self.draft_a.state, "draft")
        self.assertFalse(self.agreement.purchase_ids)

    def test_manager_signs_agreement(self):
        """A VMI manager (not stock manager) creates the agreement and location, activates and closes it."""
        agreement = (
            self.env["vmi.agreement"]
            .with_user(self.buyer)
            .create(
                {
                    "partner_id": self.supplier_b.id,
                    "line_ids": [
                        Command.create({"product_id": self.product.id, "reorder_point": 5, "max_qty": 10})
                    ],
                }
            )
        )
        agreement.action_create_location()
        self.assertTrue(agreement.location_id)
        agreement.action_activate()
        self.assertEqual(agreement.state, "active")
        self.assertTrue(agreement.location_id.vmi_location)
        agreement.action_close()
        self.assertEqual(agreement.state, "closed")

    def test_accountant_cannot_forge_settlements(self):
        """An accountant cannot change, create or delete settlements over RPC: only ``_settle`` does."""
        line = self.settlement_a.line_ids.with_user(self.accountant)
        with self.assertRaises(AccessError):
            line.write({"quantity": 1000})
        with self.assertRaises(AccessError):
            self.settlement_a.with_user(self.accountant).write({"state": "draft"})
        with self.assertRaises(AccessError):
            self.env["vmi.settlement.line"].with_user(self.accountant).create(
                {
                    "settlement_id": self.settlement_a.id,
                    "product_id": self.product.id,
                    "uom_id": self.uom_unit.id,
                    "quantity": 1000,
                    "price_unit": 12.5,
                }
            )
        with self.assertRaises(AccessError):
            self.env["vmi.settlement"].with_user(self.accountant).create(
                {
                    "agreement_id": self.agreement.id,
                    "date_from": fields.Date.today() - timedelta(days=60),
                    "date_to": fields.Date.today() - timedelta(days=31),
                }
            )
        with self.assertRaises(AccessError):
            self.settlement_a.line_ids.with_user(self.accountant).unlink()
        self.settlement_a.invalidate_recordset()
        self.assertEqual(self.settlement_a.line_ids.quantity, 10)
        self.assertEqual(len(self.settlement_a.line_ids), 1)

    def test_vmi_user_posts_on_agreement(self):
        """A VMI user without write access can still discuss an agreement in its chatter."""
        message = self.agreement.with_user(self.vmi_user).message_post(body="Demand up next month")
        self.assertEqual(message.author_id, self.vmi_user.partner_id)
