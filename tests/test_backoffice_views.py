# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestBackofficeViews(VmiCommon):
    """The VMI menus open views that know VMI: their own search views with the
    VMI filters (the default one applied), lists with the VMI status."""

    def _views(self, xmlid):
        action = self.env.ref(xmlid)
        model = self.env[action.res_model].with_user(self.buyer)
        views = [(view_id or False, mode) for view_id, mode in action.views]
        result = model.get_views([*views, (action.search_view_id.id, "search")])["views"]
        return action, {mode: etree.fromstring(view["arch"]) for mode, view in result.items()}

    def _filter_domain(self, search_arch, name):
        node = search_arch.xpath(f"//filter[@name='{name}']")
        self.assertTrue(node, f"filter {name} in the search view")
        return safe_eval(node[0].get("domain"), {"uid": self.buyer.id})

    def test_proposals_menu(self):
        """Replenishment Proposals: the default filter "Waiting for Supplier
        or Buyer" exists in its search view and keeps approved orders out; the
        list shows the VMI status, not Odoo's "RFQ Sent"."""
        action, arch = self._views("stock_vmi.action_vmi_proposals")
        context = safe_eval(action.context)
        self.assertEqual(context.get("search_default_vmi_open"), 1)
        for name in ("vmi_open", "vmi_to_confirm", "vmi_to_approve", "vmi_to_approve_po", "vmi_declined"):
            self._filter_domain(arch["search"], name)
        self.assertTrue(arch["search"].xpath("//filter[@name='group_vmi_state']"))
        self.assertTrue(arch["list"].xpath("//field[@name='vmi_state']"))
        self.assertFalse(arch["list"].xpath("//field[@name='state']"), "Odoo's RFQ status is not shown")

        self._receive(45)
        waiting = self.agreement._run_review()
        waiting_domain = safe_eval(action.domain) + self._filter_domain(arch["search"], "vmi_open")
        found = self.env["purchase.order"].search(waiting_domain)
        self.assertIn(waiting, found)
        waiting.with_user(self.portal_user).action_vmi_supplier_confirm()
        self.assertNotIn(waiting, self.env["purchase.order"].search(waiting_domain))

    def test_products_menu(self):
        """Products and Stock: its search view filters and groups by status,
        and a row opens the line's form (with its smart buttons)."""
        action, arch = self._views("stock_vmi.action_vmi_agreement_line")
        self.assertIn("form", action.view_mode)
        self.assertEqual(self._filter_domain(arch["search"], "below"), [("stock_status", "=", "below")])
        self.assertTrue(arch["search"].xpath("//filter[@name='group_status']"))
        buttons = {b.get("name") for b in arch["form"].xpath("//div[@name='button_box']/button")}
        self.assertEqual(buttons, {"action_view_quants", "action_view_moves", "action_view_consumption"})
