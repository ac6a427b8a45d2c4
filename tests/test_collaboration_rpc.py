# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import xmlrpc.client
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import Transport, get_db_name

from .test_portal import VmiPortalCommon

FAULT_ACCESS_ERROR = 4


@tagged("post_install", "-at_install")
class TestCollaborationRpc(VmiPortalCommon):
    """Over real XML-RPC, a supplier's portal user reads its own demand
    plans, overstock cases and emergencies, and never another supplier's."""

    def setUp(self):
        super().setUp()
        self.plan = self._demand_plan()
        self.emergency = (
            self.env["vmi.emergency.request"]
            .with_user(self.buyer)
            .create(
                {
                    "agreement_id": self.agreement.id,
                    "agreement_line_id": self.agreement.line_ids.id,
                    "qty_raised": 120,
                    "date_needed": fields.Datetime.now() + timedelta(days=3),
                }
            )
        )
        self.emergency.action_request()
        self._receive(100)  # 145 on hand: 45 over the maximum
        line = self.agreement.line_ids
        line.flush_recordset()
        line.sudo().write({"overstock_since": fields.Datetime.now() - timedelta(days=30)})
        self.case = self.env["vmi.overstock.case"]._cron_check()
        self.assertEqual(len(self.case), 1)
        self.db = get_db_name()
        self.rpc = xmlrpc.client.ServerProxy(
            f"{self.xmlrpc_url}object", transport=Transport(self.cr), allow_none=True
        )

    def _call(self, login, model, method, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(self.db, login, login, {})
        return self.rpc.execute_kw(self.db, uid, login, model, method, list(args), kwargs)

    def test_own_records_only(self):
        for model, record in (
            ("vmi.demand.plan", self.plan),
            ("vmi.overstock.case", self.case),
            ("vmi.emergency.request", self.emergency),
        ):
            with self.subTest(model=model):
                own = self._call("vmi_portal_a", model, "search_read", [], fields=["id"])
                self.assertEqual([r["id"] for r in own], record.ids)
                self.assertEqual(self._call("vmi_portal_b", model, "search_read", [], fields=["id"]), [])
                with self.assertRaises(xmlrpc.client.Fault) as caught:
                    self._call("vmi_portal_b", model, "read", record.ids, fields=["id"])
                self.assertEqual(caught.exception.faultCode, FAULT_ACCESS_ERROR)
                with self.assertRaises(xmlrpc.client.Fault) as caught:
                    self._call("vmi_portal_a", model, "write", record.ids, {"name": "x"})
                self.assertEqual(caught.exception.faultCode, FAULT_ACCESS_ERROR)

    def test_acknowledge_over_rpc(self):
        with self.assertRaises(xmlrpc.client.Fault):
            self._call("vmi_portal_b", "vmi.demand.plan", "action_acknowledge", self.plan.ids)
        self._call("vmi_portal_a", "vmi.demand.plan", "action_acknowledge", self.plan.ids)
        self.assertEqual(self.plan.state, "acknowledged")
