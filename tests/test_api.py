# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import xmlrpc.client

from odoo import Command
from odoo.tests import tagged
from odoo.tests.common import Transport, get_db_name

from .test_portal import VmiPortalCommon

# Fault codes of /xmlrpc/2 (odoo.addons.base.controllers.rpc): a UserError
# (ValidationError, MissingError) is a "warning" carrying its message only;
# anything else is an "application error" carrying a traceback.
FAULT_WARNING = 2
FAULT_ACCESS_ERROR = 4


@tagged("post_install", "-at_install")
class TestApiErrors(VmiPortalCommon):
    """The external API (README) and the portal's actions, given wrong types,
    missing arguments, unknown ids, NaN or wrong states over real XML-RPC, as
    the supplier's portal user, a buyer and an accountant: each answers with
    a clear UserError/ValidationError (never a traceback) and changes
    nothing."""

    def setUp(self):
        super().setUp()
        # A statement to answer, then a new proposal (15 left, below 50) to answer.
        self.statement = self._make_statement()
        self.order = self.agreement._run_review()
        self.order_line = self.order.order_line
        self.assertEqual(self.order.vmi_state, "to_confirm")
        self.db = get_db_name()
        self.rpc = xmlrpc.client.ServerProxy(
            f"{self.xmlrpc_url}object", transport=Transport(self.cr), allow_none=True
        )

    def _call(self, login, model, method, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(self.db, login, login, {})
        self.assertTrue(uid, login)
        return self.rpc.execute_kw(self.db, uid, login, model, method, list(args), kwargs)

    def _state(self):
        """What the refused calls must leave as it was."""
        self.env.invalidate_all()
        Order = self.env["purchase.order"]
        return {
            "orders": Order.search_read(
                [("vmi_agreement_id", "!=", False)],
                ["state", "vmi_state", "date_planned", "vmi_supplier_note", "vmi_decline_reason"],
            ),
            "lines": self.env["purchase.order.line"].search_read(
                [("order_id.vmi_agreement_id", "!=", False)], ["product_qty"]
            ),
            "statements": self.env["vmi.settlement"].search_read(
                [], ["supplier_state", "supplier_dispute_reason", "dispute_resolution"]
            ),
            "agreements": self.env["vmi.agreement"].search_count([]),
            "wizards": self.env["vmi.settlement.wizard"].search_count([]),
            "pickings": self.env["stock.picking"].search_count([]),
            "messages": self.env["mail.message"].search_count([]),
            "activities": self.env["mail.activity"].search_count([]),
        }

    def _assert_refused(self, login, model, method, args, kwargs, message, code=FAULT_WARNING):
        before = self._state()
        with self.assertRaises(xmlrpc.client.Fault) as cm:
            self._call(login, model, method, *args, **kwargs)
        fault = cm.exception
        self.assertEqual(fault.faultCode, code, fault.faultString)
        self.assertIn(message, fault.faultString)
        self.assertNotIn("Traceback", fault.faultString)
        self.assertEqual(self._state(), before, f"{method}{args}{kwargs} changed something")

    def test_supplier_answers(self):
        """The supplier's portal user: confirm, adjust and decline a proposal,
        dispute a statement, with wrong types and missing arguments."""
        supplier = "vmi_portal_a"
        po = [self.order.id]
        line = self.order_line.id
        cases = [
            ("action_vmi_supplier_confirm", po, {"note": 42}, "must be text"),
            ("action_vmi_supplier_confirm", po, {"note": ["a", "list"]}, "must be text"),
            ("action_vmi_supplier_confirm", [99999999], {}, "does not exist"),
            ("action_vmi_supplier_adjust", po, {"quantities": "60"}, "list of [line id, quantity] pairs"),
            ("action_vmi_supplier_adjust", po, {"quantities": [line, 60]}, "list of [line id, quantity]"),
            ("action_vmi_supplier_adjust", po, {"quantities": [[line, 60, 1]]}, "[line id, quantity]"),
            ("action_vmi_supplier_adjust", po, {"quantities": {"abc": 60}}, "must be numbers"),
            ("action_vmi_supplier_adjust", po, {"quantities": {str(line): True}}, "must be numbers"),
            ("action_vmi_supplier_adjust", po, {"quantities": {str(line): "nan"}}, "must be numbers"),
            ("action_vmi_supplier_adjust", po, {"quantities": [[line, None]]}, "must be numbers"),
            ("action_vmi_supplier_adjust", po, {"quantities": [[line, -5]]}, "cannot be negative"),
            (
                "action_vmi_supplier_adjust",
                po,
                {"quantities": [[line, 85.5]]},
                "85.5 is not a multiple of the agreed pack of 1 Units",
            ),
            ("action_vmi_supplier_adjust", po, {"quantities": [[99999999, 5]]}, "is not part of proposal"),
            (
                "action_vmi_supplier_adjust",
                po,
                {"quantities": [[line, 60], [str(line), 61]]},
                "give one quantity per line",
            ),
            ("action_vmi_supplier_adjust", po, {"date_planned": "2026-02-30"}, "not a valid date"),
            ("action_vmi_supplier_adjust", po, {"date_planned": 20261201}, "not a valid date"),
            ("action_vmi_supplier_adjust", po, {}, "Change a quantity or the promised date"),
            ("action_vmi_supplier_adjust", [], {"quantities": {str(line): 60}}, "one proposal at a time"),
            ("action_vmi_supplier_decline", po, {}, "give a reason for declining"),
            ("action_vmi_supplier_decline", po, {"reason": "  "}, "give a reason for declining"),
            ("action_vmi_supplier_decline", po, {"reason": 42}, "must be text"),
        ]
        for method, args, kwargs, message in cases:
            with self.subTest(method=method, kwargs=kwargs):
                self._assert_refused(supplier, "purchase.order", method, [args], kwargs, message)
        for kwargs, message in (({}, "give a reason for disputing"), ({"reason": ["x"]}, "must be text")):
            with self.subTest(kwargs=kwargs):
                self._assert_refused(
                    supplier,
                    "vmi.settlement",
                    "action_supplier_dispute",
                    [self.statement.ids],
                    kwargs,
                    message,
                )
        # Another supplier's proposal stays an access error.
        self._assert_refused(
            supplier,
            "purchase.order",
            "action_vmi_supplier_confirm",
            [self.order_b.ids],
            {},
            "",
            code=FAULT_ACCESS_ERROR,
        )
        # A list of pairs is accepted on purpose (XML-RPC keys must be strings).
        self._call(
            supplier, "purchase.order", "action_vmi_supplier_adjust", self.order.ids, quantities=[[line, 86]]
        )
        self.assertEqual(self.order_line.product_qty, 86)

    def test_buyer_and_accountant_calls(self):
        """The buyer approves in the wrong state or a non-VMI order, creates an
        agreement line with NaN; the accountant settles with invalid dates and
        resolves a dispute without a resolution."""
        buyer, accountant = "vmi_test_buyer", "vmi_test_accountant"
        other = self.env["purchase.order"].create(
            {
                "partner_id": self.supplier.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_qty": 1})],
            }
        )
        cases = [
            ("purchase.order", "action_vmi_buyer_approve", [self.order.ids], "can no longer be changed"),
            ("purchase.order", "action_vmi_buyer_approve", [other.ids], "is not a VMI proposal"),
            ("purchase.order", "action_vmi_buyer_reject", [other.ids], "is not a VMI proposal"),
            ("vmi.agreement", "action_review_now", [[99999999]], "does not exist"),
        ]
        for model, method, args, message in cases:
            with self.subTest(method=method, args=args):
                self._assert_refused(buyer, model, method, args, {}, message)
        line = {"product_id": self.product_2.id, "max_qty": 100, "price_unit": 1.0}
        for value in (float("nan"), float("inf"), "fifty"):
            with self.subTest(reorder_point=value):
                vals = {
                    "partner_id": self.supplier_b.id,
                    "warehouse_id": self.warehouse.id,
                    "line_ids": [(0, 0, dict(line, reorder_point=value))],
                }
                self._assert_refused(buyer, "vmi.agreement", "create", [vals], {}, "must be numbers")
        agreements = [(6, 0, self.agreement.ids)]
        for cutoff in ("2026-02-30", 20261125, "soon", False):
            with self.subTest(cutoff=cutoff):
                self._assert_refused(
                    accountant,
                    "vmi.settlement.wizard",
                    "create",
                    [{"agreement_ids": agreements, "cutoff_date": cutoff}],
                    {},
                    "The cut-off date must be a valid date",
                )
        Wizard = self.env["vmi.settlement.wizard"].with_user(self.accountant)
        wizard = Wizard.create({"agreement_ids": agreements})
        self._assert_refused(
            accountant,
            "vmi.settlement.wizard",
            "write",
            [wizard.ids, {"cutoff_date": "2026-13-01"}],
            {},
            "The cut-off date must be a valid date",
        )
        empty = Wizard.create({})
        self._assert_refused(
            accountant, "vmi.settlement.wizard", "action_settle", [empty.ids], {}, "Choose the agreements"
        )
        self.statement.with_user(self.portal_user).action_supplier_dispute("We count 80")
        for kwargs in ({}, {"resolution": 7}):
            with self.subTest(kwargs=kwargs):
                self._assert_refused(
                    accountant,
                    "vmi.settlement",
                    "action_resolve_dispute",
                    [self.statement.ids],
                    kwargs,
                    "must be text" if kwargs else "describe how the dispute was resolved",
                )

    def test_portal_actions(self):
        """The portal's POST routes refuse the same inputs with the same
        messages (page shown again, status 400) and change nothing."""
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        cases = [
            (
                "adjust",
                {f"qty_{self.order_line.id}": "85.5"},
                "85.5 is not a multiple of the agreed pack of 1 Units",
            ),
            ("adjust", {f"qty_{self.order_line.id}": "true"}, "must be numbers"),
            ("adjust", {}, "Change a quantity or the promised date"),
            ("decline", {}, "give a reason for declining"),
        ]
        for action, data, message in cases:
            with self.subTest(action=action, data=data):
                before = self._state()
                res = self._post(f"/my/vmi/proposal/{self.order.id}/{action}", data)
                self.assertEqual(res.status_code, 400)
                self.assertIn(message, res.text)
                self.assertEqual(self._state(), before)
        before = self._state()
        res = self._post(f"/my/vmi/statement/{self.statement.id}/dispute", {})
        self.assertEqual(res.status_code, 400)
        self.assertIn("give a reason for disputing", res.text)
        self.assertEqual(self._state(), before)
