# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .test_portal import VmiPortalCommon


class PlanPortalMixin:
    def _plan(self, publish=True, agreement=None, months=0):
        return self._demand_plan(
            months, 90, agreement=agreement, publish=publish, quantity_next=80, quantity_next2=70
        )


@tagged("post_install", "-at_install")
class TestDemandPlanPortal(PlanPortalMixin, VmiPortalCommon):
    """The supplier reads and acknowledges the customer's plan on the portal;
    another supplier gets 403, a draft or a missing plan 404."""

    def test_plan_page_and_acknowledgment(self):
        plan = self._plan()
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        listing = self._get("/my/vmi/plans")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(f"/my/vmi/plan/{plan.id}", listing.text)
        page = self._get(f"/my/vmi/plan/{plan.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_vmi_acknowledge", page.text)
        answer = self._post(f"/my/vmi/plan/{plan.id}/acknowledge")
        self.assertEqual(answer.status_code, 303)
        self.assertEqual(plan.state, "acknowledged")
        self.assertEqual(plan.acknowledged_by, self.supplier_contact)
        again = self._post(f"/my/vmi/plan/{plan.id}/acknowledge")
        self.assertEqual(again.status_code, 400, "only a published plan is acknowledged")
        self.assertIn("Only published demand plans", again.text)

    def test_other_supplier_draft_and_missing(self):
        plan = self._plan()
        draft = self._plan(publish=False, months=1)
        other = self._plan(agreement=self.agreement_b)
        self.authenticate("vmi_portal_a", "vmi_portal_a")
        self.assertEqual(self._get(f"/my/vmi/plan/{other.id}").status_code, 403)
        self.assertEqual(self._get(f"/my/vmi/plan/{draft.id}").status_code, 404)
        self.assertEqual(self._get("/my/vmi/plan/999999").status_code, 404)
        self.assertNotIn(f"/my/vmi/plan/{other.id}", self._get("/my/vmi/plans").text)
        forbidden = self._post(f"/my/vmi/plan/{other.id}/acknowledge")
        self.assertEqual(forbidden.status_code, 403)
        self.assertEqual(other.state, "published")
        self.assertEqual(plan.state, "published")

    def test_signed_link_reads_without_acknowledging(self):
        plan = self._plan()
        url = plan._vmi_portal_url()
        page = self.url_open(url[url.index("/my/vmi/plan/") :], allow_redirects=False)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_vmi_acknowledge", page.text)


@tagged("post_install", "-at_install", "is_tour")
class TestDemandPlanTour(PlanPortalMixin, VmiPortalCommon):
    def test_acknowledge_on_the_portal(self):
        plan = self._plan()
        plan.line_ids.with_user(self.buyer).write({"quantity_next": 85})
        self.start_tour("/my/vmi/plans", "stock_vmi_portal_plan_acknowledge", login="vmi_portal_a")
        self.assertEqual(plan.state, "acknowledged")
