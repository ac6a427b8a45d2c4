# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import freeze_time, tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestMailContent(VmiCommon):
    """The supplier's e-mails read as a person writes: whole pieces without
    decimals, no "scheduled" review for one the buyer ran by hand; in the
    supplier's language."""

    def _proposal_body(self):
        self._receive(45)
        self.agreement.with_user(self.buyer).action_review_now()
        order = self.agreement.purchase_ids
        message = order.message_ids.filtered(lambda m: "/my/vmi/proposal/" in (m.body or ""))
        self.assertEqual(len(message), 1)
        return message.body

    def test_proposal_quantities_and_wording(self):
        body = self._proposal_body()
        self.assertIn("55 Units", body)
        self.assertNotIn("55.0", body)
        self.assertNotIn("scheduled", body)

    def test_proposal_in_supplier_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"], overwrite=True)
        self.supplier.lang = "zh_CN"
        body = self._proposal_body()
        self.assertIn("尊敬的", body)
        self.assertIn("55", body)
        self.assertNotIn("55.0", body)

    def test_statement_quantities(self):
        self.agreement.date_start = date(2026, 1, 1)
        self._receive(100)
        with freeze_time("2026-03-20 10:00:00"):
            self._consume(12)
        with freeze_time("2026-03-26 09:00:00"):
            settlement = self.agreement.with_user(self.accountant)._settle(date(2026, 3, 25))
        message = settlement.message_ids.filtered(lambda m: "/my/vmi/statement/" in (m.body or ""))
        self.assertIn("12 Units", message.body)
        self.assertNotIn("12.0", message.body)
        self.assertEqual(settlement._vmi_format_quantity(85.5), "85.5")
        self.assertEqual(settlement._vmi_format_quantity(1250), "1,250")
