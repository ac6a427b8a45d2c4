# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .test_portal import VmiPortalCommon


@tagged("post_install", "-at_install", "is_tour")
class TestPortalTours(VmiPortalCommon):
    """The supplier's portal in headless Chromium (SPEC steps 2, 3 and 5)."""

    def _tour(self, url, tour):
        self.start_tour(url, tour, login="vmi_portal_a")

    def test_agreement_page(self):
        """The supplier opens its agreement from the portal home and reads
        on hand 45, below the reorder point 50."""
        self._tour("/my/home", "stock_vmi_portal_agreement")

    def test_projection_page(self):
        """From the agreement page to its projected stock (30 days, below the
        reorder point from tomorrow) and back."""
        self._tour(f"/my/vmi/agreement/{self.agreement.id}", "stock_vmi_portal_projection")

    def test_confirm_proposal(self):
        self._tour("/my/vmi/proposals", "stock_vmi_portal_confirm")
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order.state, "purchase")
        self.assertEqual(self.order_line.product_qty, 55)
        self.assertEqual(self.order.vmi_confirmed_by, self.portal_user)

    def test_adjust_within_tolerance(self):
        self._tour(f"/my/vmi/proposal/{self.order.id}", "stock_vmi_portal_adjust_within")
        self.assertEqual(self.order.vmi_state, "approved")
        self.assertEqual(self.order_line.product_qty, 58)

    def test_adjust_beyond_tolerance(self):
        self._tour(f"/my/vmi/proposal/{self.order.id}", "stock_vmi_portal_adjust_beyond")
        self.assertEqual(self.order.vmi_state, "to_approve")
        self.assertEqual(self.order_line.product_qty, 80)
        self.assertEqual(self.order.state, "sent", "not confirmed before the buyer approves")

    def test_adjust_invalid(self):
        self._tour(f"/my/vmi/proposal/{self.order.id}", "stock_vmi_portal_adjust_invalid")
        self.assertEqual(self.order.vmi_state, "to_confirm")
        self.assertEqual(self.order_line.product_qty, 55)

    def test_decline_proposal(self):
        self._tour(f"/my/vmi/proposal/{self.order.id}", "stock_vmi_portal_decline")
        self.assertEqual(self.order.vmi_state, "declined")
        self.assertEqual(self.order.vmi_decline_reason, "Production line stopped for maintenance")

    def test_approve_statement(self):
        statement = self._make_statement()
        self._tour("/my/vmi/statements", "stock_vmi_portal_statement_approve")
        self.assertEqual(statement.supplier_state, "approved")

    def test_dispute_statement(self):
        statement = self._make_statement()
        self._tour(f"/my/vmi/statement/{statement.id}", "stock_vmi_portal_statement_dispute")
        self.assertEqual(statement.supplier_state, "disputed")
        self.assertEqual(statement.supplier_dispute_reason, "We count 80 consumed, not 85")
        self.assertTrue(statement.activity_ids, "the accountant is asked to look into it")


@tagged("post_install", "-at_install", "is_tour")
class TestPortalToursMobile(VmiPortalCommon):
    """The supplier's pages on a phone (390 x 844): every figure stays, the
    tables scroll sideways with the product column held, headers on one line."""

    browser_size = "390x844"
    touch_enabled = True

    def _tour(self, url, tour):
        self.start_tour(url, tour, login="vmi_portal_a")

    def test_agreement_page_on_phone(self):
        self._tour(f"/my/vmi/agreement/{self.agreement.id}", "stock_vmi_portal_agreement_mobile")

    def test_projection_page_on_phone(self):
        self._tour(f"/my/vmi/agreement/{self.agreement.id}/projection", "stock_vmi_portal_projection_mobile")

    def test_proposal_page_on_phone(self):
        self._tour(f"/my/vmi/proposal/{self.order.id}", "stock_vmi_portal_proposal_mobile")
        self.assertEqual(self.order.vmi_state, "to_confirm", "typing changes nothing until submitted")

    def test_statement_page_on_phone(self):
        statement = self._make_statement()
        self._tour(f"/my/vmi/statement/{statement.id}", "stock_vmi_portal_statement_mobile")

    def test_home_and_lists_on_phone(self):
        """From the portal home to the agreement, and from the proposals list
        to a confirmed proposal, on a phone."""
        self._tour("/my/home", "stock_vmi_portal_agreement")
        self._tour("/my/vmi/proposals", "stock_vmi_portal_confirm")
        self.assertEqual(self.order.vmi_state, "approved")

    def test_statements_list_on_phone(self):
        statement = self._make_statement()
        self._tour("/my/vmi/statements", "stock_vmi_portal_statement_approve")
        self.assertEqual(statement.supplier_state, "approved")


class ChineseSupplierMixin:
    """The supplier's portal user reads Chinese (the module's zh_CN terms,
    loaded as a language install does)."""

    def setUp(self):
        super().setUp()
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"], overwrite=True)
        self.portal_user.lang = "zh_CN"


@tagged("post_install", "-at_install", "is_tour")
class TestPortalToursChinese(ChineseSupplierMixin, VmiPortalCommon):
    def test_agreement_page(self):
        self.start_tour(
            f"/my/vmi/agreement/{self.agreement.id}", "stock_vmi_portal_agreement_zh", login="vmi_portal_a"
        )

    def test_proposal_page(self):
        self.start_tour(
            f"/my/vmi/proposal/{self.order.id}", "stock_vmi_portal_proposal_zh", login="vmi_portal_a"
        )

    def test_statement_page(self):
        statement = self._make_statement()
        self.start_tour(
            f"/my/vmi/statement/{statement.id}", "stock_vmi_portal_statement_zh", login="vmi_portal_a"
        )

    def test_lists(self):
        self._make_statement()
        self.start_tour("/my/home", "stock_vmi_portal_lists_zh", login="vmi_portal_a")


@tagged("post_install", "-at_install", "is_tour")
class TestPortalToursChineseMobile(ChineseSupplierMixin, VmiPortalCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_agreement_page_on_phone(self):
        self.start_tour(
            f"/my/vmi/agreement/{self.agreement.id}", "stock_vmi_portal_agreement_zh", login="vmi_portal_a"
        )

    def test_proposal_page_on_phone(self):
        self.start_tour(
            f"/my/vmi/proposal/{self.order.id}", "stock_vmi_portal_proposal_zh", login="vmi_portal_a"
        )

    def test_statement_page_on_phone(self):
        statement = self._make_statement()
        self.start_tour(
            f"/my/vmi/statement/{statement.id}", "stock_vmi_portal_statement_zh", login="vmi_portal_a"
        )

    def test_lists_on_phone(self):
        self._make_statement()
        self.start_tour("/my/home", "stock_vmi_portal_lists_zh", login="vmi_portal_a")
