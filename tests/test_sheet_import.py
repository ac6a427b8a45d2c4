# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
from datetime import date, timedelta
from unittest.mock import patch

import openpyxl

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tests.common import new_test_user

from ..logic import sheet_import as sheet
from .common import VmiCommon


def make_xlsx(marker, reference, rows, headers=("Code",)):
    """An XLSX file as a supplier's spreadsheet saves it: A1 the marker, B1
    the reference, row 2 headers, the products from row 3."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([marker, reference])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class SheetImportCommon(VmiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Import = cls.env["vmi.sheet.import"]
        cls.stock_user = new_test_user(
            cls.env, login="vmi_test_stock_user", groups="stock_vmi.group_vmi_user,base.group_user"
        )

    def _import(self, kind, record, rows, user=None, marker=None, reference=None):
        data = make_xlsx(marker or sheet.MARKERS[kind], record.name if reference is None else reference, rows)
        return self.Import.with_user(user or self.buyer)._vmi_sheet_import(kind, record, data)

    def _errors(self, result):
        return [(error["row"], error["reason"]) for error in result["errors"]]

    def _open_template(self, kind, record, user=None):
        filename, data = self.Import.with_user(user or self.buyer)._vmi_sheet_template(kind, record)
        self.assertTrue(filename.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(data))
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


@tagged("post_install", "-at_install")
class TestSheetImportCount(SheetImportCommon):
    """The daily stock count of the VMI location, from a sheet: an inventory
    adjustment of the supplier-owned quants, whose differences become
    consumption (or its reversal) as for a count in Inventory."""

    def setUp(self):
        super().setUp()
        self._receive(45)

    def _consumptions(self):
        return self.env["vmi.consumption"].search([("agreement_id", "=", self.agreement.id)], order="id")

    def _on_hand(self):
        return sum(self._quants().mapped("quantity"))

    def test_template(self):
        rows = self._open_template(sheet.COUNT, self.agreement)
        self.assertEqual(rows[0][:2], ("VMI-COUNT", self.agreement.name))
        self.assertEqual(rows[1], ("Product Code", "Product Name", "Unit of Measure", "Counted Quantity"))
        self.assertEqual(rows[2][:3], ("6205", "Deep-groove ball bearing 6205", "Units"))
        self.assertIsNone(rows[2][3], "the counted quantity is left to the counter")

    def test_count_below_is_consumption(self):
        """45 recorded, 40 counted: 5 consumed, as for a count in Inventory."""
        result = self._import(sheet.COUNT, self.agreement, [("6205", "bearing", "Units", 40)])
        self.assertFalse(result["errors"])
        self.assertEqual(result["count"], 1)
        self.assertEqual(self._on_hand(), 40)
        self.assertEqual(self._quants().filtered("quantity").owner_id, self.supplier)
        consumption = self._consumptions()
        self.assertEqual(consumption.mapped("quantity"), [5.0])
        self.assertTrue(consumption.is_count)
        note = self.agreement.message_ids.filtered(lambda m: "imported a stock count" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.buyer.partner_id)
        # 45 again: the unbilled count loss is reversed, nothing consumed in all.
        result = self._import(sheet.COUNT, self.agreement, [(6205, None, None, 45)])
        self.assertFalse(result["errors"])
        self.assertEqual(self._on_hand(), 45)
        self.assertEqual(sum(self._consumptions().mapped("quantity")), 0)

    def test_unchanged_and_empty_rows(self):
        """A product counted as recorded changes nothing; an empty quantity
        is a product not counted."""
        result = self._import(
            sheet.COUNT, self.agreement, [("6205", None, None, 45), (None, None, None, None)]
        )
        self.assertFalse(result["errors"])
        self.assertFalse(self._consumptions())
        self.assertEqual(self._on_hand(), 45)
        result = self._import(sheet.COUNT, self.agreement, [("6205", None, None, None)])
        self.assertEqual(self._errors(result), [(3, "The file has no product row with a quantity.")])

    def test_every_bad_row_listed_nothing_changed(self):
        self.product_2.default_code = "6206"
        rows = [
            ("6205", None, "Units", 40),  # row 3: good
            ("9999", None, None, 1),  # 4: unknown
            ("6206", None, None, 1),  # 5: not in the agreement
            ("6205", None, None, -3),  # 6: negative, duplicate
            (None, "no code", None, 2),  # 7: missing code
            ("6205", None, "kg", "abc"),  # 8: not numeric, wrong unit, duplicate
        ]
        result = self._import(sheet.COUNT, self.agreement, rows)
        self.assertEqual(
            self._errors(result),
            [
                (4, "Unknown product code 9999."),
                (5, "Product 6206 is not in this agreement (or this proposal)."),
                (6, "The quantity -3 is negative."),
                (6, "Product 6205 appears twice (first on row 3)."),
                (7, "The product code is missing."),
                (8, 'The quantity "abc" is not a number.'),
                (8, 'The unit "kg" is not the product\'s unit in the agreement (units).'),
                (8, "Product 6205 appears twice (first on row 3)."),
            ],
        )
        self.assertEqual(self._on_hand(), 45, "the good row 3 is not imported either")
        self.assertFalse(self._consumptions())
        self.assertFalse(self._quants().filtered("inventory_quantity_set"))

    def test_one_bad_row_among_good_ones(self):
        agreement = self._create_agreement(
            self.supplier_b, [(self.product, 10, 100, 12.5), (self.product_2, 10, 100, 15.0)]
        )
        self._receive(30, agreement=agreement)
        self._receive(20, product=self.product_2, agreement=agreement)
        result = self._import(
            sheet.COUNT,
            agreement,
            [("6205", None, None, 25), ("6206", None, None, 15), ("6207", None, None, 1)],
        )
        self.assertEqual(self._errors(result), [(5, "Unknown product code 6207.")])
        self.assertEqual(self._quants(agreement.location_id).quantity, 30)
        self.assertEqual(self._quants(agreement.location_id, self.product_2).quantity, 20)
        result = self._import(sheet.COUNT, agreement, [("6205", None, None, 25), ("6206", None, None, 15)])
        self.assertFalse(result["errors"])
        consumptions = self.env["vmi.consumption"].search([("agreement_id", "=", agreement.id)])
        self.assertEqual(sorted(consumptions.mapped("quantity")), [5.0, 5.0])

    def test_other_agreement_or_kind(self):
        other = self._create_agreement(self.supplier_b, [(self.product_2, 10, 40, 15.0)])
        rows = [("6205", None, None, 40)]
        result = self._import(sheet.COUNT, self.agreement, rows, reference=other.name)
        self.assertEqual(
            self._errors(result),
            [
                (
                    1,
                    (
                        f"This file was made for {other.name}, not for {self.agreement.name} (cell B1): "
                        f"download the template of {self.agreement.name}."
                    ),
                )
            ],
        )
        result = self._import(sheet.COUNT, self.agreement, rows, marker="VMI-PLAN")
        self.assertEqual(result["errors"][0]["row"], 1)
        self.assertIn("VMI-COUNT", result["errors"][0]["reason"])
        self.assertEqual(self._on_hand(), 45)

    def test_not_xlsx(self):
        for data in (b"product;qty\n6205;40\n", b"", b"PK\x03\x04garbage"):
            with self.subTest(data=data), self.assertRaises(UserError):
                self.Import.with_user(self.buyer)._vmi_sheet_import(sheet.COUNT, self.agreement, data)

    def test_failure_midway_rolls_back(self):
        """The apply fails after the counted quantities were written: nothing
        of the import stays, and the failure is shown as an error."""
        Quant = type(self.env["stock.quant"])

        def fail(self):
            raise UserError("no inventory today")  # pylint: disable=translation-required

        with patch.object(Quant, "action_apply_inventory", fail):
            result = self._import(sheet.COUNT, self.agreement, [("6205", None, None, 40)])
        self.assertEqual(self._errors(result), [(0, "no inventory today")])
        self.env.invalidate_all()
        self.assertFalse(self._quants().filtered("inventory_quantity_set"))
        self.assertEqual(self._on_hand(), 45)

    def test_access(self):
        rows = [("6205", None, None, 40)]
        with self.assertRaises(AccessError):
            self._import(sheet.COUNT, self.agreement, rows, user=self.stock_user)
        with self.assertRaises(AccessError):
            self._import(sheet.COUNT, self.agreement, rows, user=self.portal_user_b)
        with self.assertRaises(AccessError):
            self._import(
                sheet.PLAN, self.agreement, [("6205", None, None, "2026-04", 1)], user=self.portal_user
            )
        # The supplier counts its own stock.
        result = self._import(sheet.COUNT, self.agreement, rows, user=self.portal_user)
        self.assertFalse(result["errors"])
        self.assertEqual(self._on_hand(), 40)

    def test_zh_cn(self):
        """The errors, the refusal of a file that is not XLSX and the
        template's headers in Chinese. (Odoo reads the .po merged with
        i18n/stock_vmi.pot: the terms load once the .pot has them.)"""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.buyer.lang = "zh_CN"
        Import = self.Import.with_user(self.buyer).with_context(lang="zh_CN")
        data = make_xlsx("VMI-COUNT", self.agreement.name, [("9999", None, None, "x")])
        result = Import._vmi_sheet_import(sheet.COUNT, self.agreement, data)
        self.assertEqual(
            [e["reason"] for e in result["errors"]], ["未知的产品编码 9999。", "数量“x”不是数字。"]
        )
        with self.assertRaises(UserError) as cm:
            Import._vmi_sheet_import(sheet.COUNT, self.agreement, b"not a workbook")
        self.assertIn("XLSX", str(cm.exception))
        self.assertNotIn("cannot be read", str(cm.exception))
        _filename, data = Import._vmi_sheet_template(sheet.COUNT, self.agreement)
        headers = next(
            openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(min_row=2, values_only=True)
        )
        self.assertEqual(headers[0], "产品编码")

    def test_wizard(self):
        """The back office's wizard: the template, the errors listed in it
        (row and reason), then the good file imported."""
        wizard = (
            self.env["vmi.sheet.import.wizard"]
            .with_user(self.buyer)
            .with_context(default_agreement_id=self.agreement.id)
            .create({})
        )
        self.assertEqual(wizard.kind, sheet.COUNT)
        action = wizard.action_download_template()
        self.assertIn("/template_file/", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.template_file)))
        self.assertEqual(book.worksheets[0]["A1"].value, "VMI-COUNT")
        wizard.file = base64.b64encode(
            make_xlsx("VMI-COUNT", self.agreement.name, [("6205", None, None, -1)])
        )
        action = wizard.action_import()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.state, "error")
        self.assertEqual(wizard.error_ids.mapped("row"), [3])
        self.assertEqual(wizard.error_ids.reason, "The quantity -1 is negative.")
        wizard.file = base64.b64encode(
            make_xlsx("VMI-COUNT", self.agreement.name, [("6205", None, None, 44)])
        )
        action = wizard.action_import()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self._on_hand(), 44)

    def test_wizard_form_from_agreement(self):
        form = Form(
            self.env["vmi.sheet.import.wizard"]
            .with_user(self.buyer)
            .with_context(default_agreement_id=self.agreement.id)
        )
        form.kind = sheet.PLAN
        wizard = form.save()
        self.assertEqual(wizard.agreement_id, self.agreement)
        wizard.kind = sheet.PROPOSAL
        with self.assertRaises(UserError):
            wizard.action_download_template()


@tagged("post_install", "-at_install")
class TestSheetImportPlan(SheetImportCommon):
    """The demand plan from a sheet: draft plans created per period, or
    their lines updated (a published plan's change is a revision)."""

    def setUp(self):
        super().setUp()
        today = fields.Date.context_today(self.agreement)
        self.first = fields.Date.add(today.replace(day=1), months=1)
        self.second = fields.Date.add(self.first, months=1)

    def _plans(self):
        return self.env["vmi.demand.plan"].search(
            [("agreement_id", "=", self.agreement.id)], order="date_from"
        )

    def test_template(self):
        rows = self._open_template(sheet.PLAN, self.agreement)
        self.assertEqual(rows[0][:2], ("VMI-PLAN", self.agreement.name))
        self.assertEqual(
            rows[1],
            (
                "Product Code",
                "Product Name",
                "Unit of Measure",
                "Period (first day or label)",
                "Planned Quantity",
            ),
        )
        self.assertEqual(rows[2][0], "6205")
        self.assertEqual(rows[2][3].date(), self.first)

    def test_plans_created(self):
        label = f"{self.second:%Y-%m}"
        result = self._import(
            sheet.PLAN,
            self.agreement,
            [("6205", None, "Units", self.first, 90), ("6205", None, None, label, 80)],
        )
        self.assertFalse(result["errors"])
        plans = self._plans()
        self.assertEqual(plans.mapped("date_from"), [self.first, self.second])
        self.assertEqual(plans.mapped("state"), ["draft", "draft"])
        self.assertEqual(plans.line_ids.mapped("quantity"), [90, 80])
        # Imported again with a change: the draft's line is updated.
        result = self._import(sheet.PLAN, self.agreement, [("6205", None, None, self.first, 95)])
        self.assertFalse(result["errors"])
        self.assertEqual(self._plans().line_ids.mapped("quantity"), [95, 80])

    def test_published_plan_revised(self):
        plan = self._demand_plan(months=1, quantity=90)
        self.assertEqual(plan.state, "published")
        result = self._import(sheet.PLAN, self.agreement, [("6205", None, None, self.first.isoformat(), 85)])
        self.assertFalse(result["errors"])
        self.assertEqual(plan.line_ids.quantity, 85)
        revision = plan.revision_ids
        self.assertEqual((revision.old_quantity, revision.new_quantity), (90, 85))

    def test_bad_rows_nothing_created(self):
        middle = self.first + timedelta(days=14)
        rows = [
            ("6205", None, None, self.first, 90),  # 3: good
            ("6205", None, None, middle, 90),  # 4: not a period start
            ("6205", None, None, "someday", 90),  # 5: invalid
            ("6205", None, None, None, 90),  # 6: missing
            ("6205", None, None, self.first, 70),  # 7: duplicate
        ]
        result = self._import(sheet.PLAN, self.agreement, rows)
        self.assertEqual([row for row, _reason in self._errors(result)], [4, 5, 6, 7])
        self.assertEqual(
            self._errors(result)[0][1],
            f"{middle.isoformat()} does not start a period of the plan (the 1st of a month, or a Monday).",
        )
        self.assertEqual(self._errors(result)[2][1], "The date is missing.")
        self.assertFalse(self._plans())


@tagged("post_install", "-at_install")
class TestSheetImportProposal(SheetImportCommon):
    """The supplier's answer to a proposal (55 of 6205) from a sheet, through
    the portal's own methods: tolerance and messages as there."""

    def setUp(self):
        super().setUp()
        self._receive(45)
        self.agreement.next_review_date = fields.Date.today()
        self.order = self.agreement._run_review()
        self.line = self.order.order_line
        self.promised = self.order.date_planned.date()

    def test_template(self):
        rows = self._open_template(sheet.PROPOSAL, self.order, user=self.portal_user)
        self.assertEqual(rows[0][:2], ("VMI-PROPOSAL", self.order.name))
        self.assertEqual(
            rows[1],
            ("Product Code", "Product Name", "Unit of Measure", "Quantity to Deliver", "Promised Date"),
        )
        self.assertEqual(rows[2][0], "6205")
        self.assertEqual(rows[2][3], 55)
        self.assertEqual(rows[2][4].date(), self.promised)

    def test_as_proposed_confirms(self):
        result = self._import(
            sheet.PROPOSAL, self.order, [("6205", None, None, 55, self.promised)], user=self.portal_user
        )
        self.assertFalse(result["errors"])
        self.assertEqual(result["message"], "The proposal is confirmed.")
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order.vmi_confirmed_by, self.portal_user)

    def test_adjusted_within_tolerance(self):
        later = self.promised + timedelta(days=2)
        result = self._import(
            sheet.PROPOSAL, self.order, [("6205", None, None, 58, later)], user=self.portal_user
        )
        self.assertFalse(result["errors"])
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.line.product_qty, 58)
        self.assertEqual(self.order.date_planned.date(), later)

    def test_adjusted_beyond_tolerance_waits_for_buyer(self):
        result = self._import(
            sheet.PROPOSAL, self.order, [("6205", None, None, 80, self.promised)], user=self.portal_user
        )
        self.assertFalse(result["errors"])
        self.assertEqual(self.order.vmi_state, "to_approve")
        self.assertEqual(self.line.product_qty, 80)
        self.assertEqual(self.order.state, "sent")

    def test_on_behalf_by_the_buyer(self):
        result = self._import(sheet.PROPOSAL, self.order, [("6205", None, None, 55, self.promised)])
        self.assertFalse(result["errors"])
        self.assertEqual(self.order.vmi_state, "approved")
        with self.assertRaises(AccessError):
            self._import(
                sheet.PROPOSAL, self.order, [("6205", None, None, 55, self.promised)], user=self.stock_user
            )

    def test_bad_rows_proposal_untouched(self):
        self.product_2.default_code = "6206"
        rows = [
            ("6205", None, None, 58, None),  # 3: missing date
            ("6206", None, None, 5, self.promised),  # 4: not in the proposal
            ("6205", None, None, 58, "tomorrow"),  # 5: invalid date, duplicate
            ("6205", None, None, 58, date(2020, 1, 1)),  # 6: past, duplicate
        ]
        result = self._import(sheet.PROPOSAL, self.order, rows, user=self.portal_user)
        self.assertEqual(
            self._errors(result),
            [
                (3, "The date is missing."),
                (4, "Product 6206 is not in this agreement (or this proposal)."),
                (5, '"tomorrow" is not a valid date (YYYY-MM-DD) or period.'),
                (5, "Product 6205 appears twice (first on row 3)."),
                (6, "The promised date 2020-01-01 is in the past."),
                (6, "Product 6205 appears twice (first on row 3)."),
            ],
        )
        self.assertEqual(self.order.vmi_state, "to_confirm")
        self.assertEqual(self.line.product_qty, 55)

    def test_quantity_the_line_refuses(self):
        result = self._import(
            sheet.PROPOSAL, self.order, [("6205", None, None, 58.5, self.promised)], user=self.portal_user
        )
        self.assertEqual(len(result["errors"]), 1)
        self.assertEqual(result["errors"][0]["row"], 3)
        self.assertIn("58.5", result["errors"][0]["reason"])
        self.assertEqual(self.line.product_qty, 55)

    def test_answered_or_other_proposal(self):
        agreement_b = self._create_agreement(self.supplier_b, [(self.product_2, 10, 40, 15.0)])
        order_b = agreement_b._run_review()
        rows = [("6205", None, None, 55, self.promised)]
        result = self._import(sheet.PROPOSAL, self.order, rows, user=self.portal_user, reference=order_b.name)
        self.assertEqual(self._errors(result)[0][0], 1)
        self.assertIn(order_b.name, self._errors(result)[0][1])
        self.order.with_user(self.portal_user).action_vmi_supplier_confirm()
        result = self._import(
            sheet.PROPOSAL, self.order, [("6205", None, None, 60, self.promised)], user=self.portal_user
        )
        self.assertEqual(
            self._errors(result),
            [(1, f"Proposal {self.order.name} is already answered: it can no longer be changed.")],
        )
        self.assertEqual(self.line.product_qty, 55)
        with self.assertRaises(AccessError):
            self._import(sheet.PROPOSAL, order_b, rows, user=self.portal_user)
