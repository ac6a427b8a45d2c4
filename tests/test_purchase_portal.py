# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestPurchasePortal(VmiCommon, HttpCase):
    """Odoo's purchase portal pages with VMI orders: no 500, and the VMI
    proposal opened from the ordinary RFQ list lands on its VMI page."""

    def test_vmi_order_from_rfq_list_opens_vmi_page(self):
        self._receive(45)
        order = self.agreement._run_review()
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        response = self.url_open(f"/my/purchase/{order.id}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith(f"/my/vmi/proposal/{order.id}"))
        page = self.url_open(f"/my/purchase/{order.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("55", page.text)
        # The PDF of Odoo's report is still Odoo's.
        pdf = self.url_open(f"/my/purchase/{order.id}?report_type=pdf", allow_redirects=False)
        self.assertEqual(pdf.status_code, 200)

    def test_other_supplier_is_not_redirected(self):
        """Supplier B gets Odoo's answer for an order it may not read (back to /my), not the VMI page."""
        self._receive(45)
        order = self.agreement._run_review()
        self.authenticate("vmi_portal_b", "vmi_portal_b")
        response = self.url_open(f"/my/purchase/{order.id}", allow_redirects=False)
        self.assertNotIn("/my/vmi/proposal/", response.headers.get("Location", ""))

    def test_purchase_page_product_without_image(self):
        """An ordinary purchase order of a product without an image opens (Odoo's page failed with a 500)."""
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.supplier.id,
                "order_line": [
                    Command.create({"product_id": self.product_2.id, "product_qty": 3, "price_unit": 2})
                ],
            }
        )
        order.action_rfq_send()
        order.write({"state": "sent"})
        self.assertFalse(self.product_2.image_128)
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        page = self.url_open(f"/my/purchase/{order.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.product_2.name, page.text)
