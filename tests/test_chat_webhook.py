# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib
import hmac
import json
import logging
import threading
import time
import xmlrpc.client
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, common, freeze_time, new_test_user, tagged
from odoo.tests.common import Transport, get_db_name

from odoo.addons.queue_job.job import Job

from ..models.vmi_agreement_chat import VmiAgreement, VmiChatError
from ..models.vmi_notification import VmiNotification
from .common import VmiCommon

ANSWERS = {
    "wecom": {"errcode": 0, "errmsg": "ok"},
    "dingtalk": {"errcode": 0, "errmsg": "ok"},
    "feishu": {"code": 0, "msg": "success", "data": {}},
    "generic": {"ok": True},
}
DING_SECRET = "SEC0123456789abcdef"
FAULT_ACCESS_ERROR = 4
FEISHU_SECRET = "feishu-signing-secret"


class _Robot(BaseHTTPRequestHandler):
    """A chat robot: records each POST, answers as the test says (status,
    JSON body, after a delay)."""

    def do_POST(self):
        robot = self.server
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with robot.lock:
            robot.received.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers.items()),
                    "raw": raw,
                    "body": json.loads(raw),
                }
            )
        if robot.delay:
            time.sleep(robot.delay)
        data = json.dumps(robot.answer).encode()
        try:
            self.send_response(robot.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (timeout)
            self.close_connection = True

    def log_message(self, *args):
        pass


class _RobotServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


class ChatRobotMixin:
    """A local robot server for the class, on 127.0.0.1 port 0."""

    @classmethod
    def _start_robot(cls):
        cls.robot = _RobotServer(("127.0.0.1", 0), _Robot)
        cls.robot.lock = threading.Lock()
        cls.robot.received = []
        cls.robot.status, cls.robot.answer, cls.robot.delay = 200, {}, 0
        thread = threading.Thread(target=cls.robot.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.robot.server_close)
        cls.addClassCleanup(cls.robot.shutdown)
        cls.robot_url = f"http://127.0.0.1:{cls.robot.server_address[1]}/hook"

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        """The test robot is on this machine: let its requests through with
        their own timeout (Odoo's tests raise short timeouts to 10 s)."""
        if urlsplit(r.url).hostname == "127.0.0.1":
            return common._super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)


@tagged("post_install", "-at_install")
class TestChatWebhook(ChatRobotMixin, VmiCommon):
    """The agreement's chat group: each event of the agreement is one
    message, in the robot's format, in the supplier's language, posted by
    the outbox after the transaction commits; a robot that times out or
    fails is retried, then noted on the agreement, and the business
    operation stands."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_robot()
        cls.vmi_user = new_test_user(
            cls.env, login="vmi_chat_user", groups="stock_vmi.group_vmi_user,base.group_user"
        )

    def setUp(self):
        super().setUp()
        self.robot.received.clear()
        self.robot.status, self.robot.answer, self.robot.delay = 200, ANSWERS["generic"], 0
        self._hook("generic")

    def _hook(self, kind, secret=False, agreement=None):
        (agreement or self.agreement).with_user(self.buyer).write(
            {"chat_kind": kind, "chat_webhook_url": self.robot_url, "chat_webhook_secret": secret}
        )
        self.robot.answer = ANSWERS[kind]

    def _propose(self):
        self._receive(45)
        agreement = self.agreement.with_env(self.env)
        agreement.with_user(self.buyer).action_review_now()
        order = agreement.purchase_ids.filtered(lambda po: po.vmi_state == "to_confirm")
        self.assertEqual(order.order_line.product_qty, 55)
        return order

    def _events(self):
        return [request["body"]["event"] for request in self.robot.received]

    def _chats(self, record=None):
        domain = [("channel", "=", "chat"), ("agreement_id", "=", self.agreement.id)]
        if record:
            domain += [("res_model", "=", record._name), ("res_id", "=", record.id)]
        return self.env["vmi.notification"].search(domain)

    # ------------------------------------------------------------------
    # Formats
    # ------------------------------------------------------------------
    def test_generic_json(self):
        order = self._propose()
        self.assertEqual(len(self.robot.received), 1)
        request = self.robot.received[0]
        self.assertEqual(request["path"], "/hook")
        self.assertEqual(request["headers"]["Content-Type"], "application/json; charset=utf-8")
        body = request["body"]
        self.assertEqual(
            set(body), {"event", "agreement", "supplier", "record", "url", "title", "text", "lang"}
        )
        self.assertEqual(body["event"], "proposal")
        self.assertEqual(body["agreement"], self.agreement.name)
        self.assertEqual(body["supplier"], "Bearing Supplier Ltd")
        self.assertEqual(body["record"], order.name)
        self.assertEqual(body["lang"], "en_US")
        self.assertEqual(body["url"], f"{order.get_base_url()}/my/vmi/proposal/{order.id}")
        self.assertNotIn("access_token", body["url"], "no token in a chat: the supplier logs in")
        self.assertEqual(body["title"], f"New replenishment proposal {order.name}")
        self.assertIn("Deep-groove ball bearing 6205: 55 Units", body["text"])
        self.assertIn("please confirm, adjust or decline", body["text"])
        chat = self._chats(order)
        self.assertEqual((chat.kind, chat.state, chat.attempts), ("proposal", "sent", 1))
        # The supplier's e-mail goes as before, through its own notification.
        email = self.env["vmi.notification"].search(
            [("channel", "=", "email"), ("res_model", "=", "purchase.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual((email.kind, email.state), ("proposal", "sent"))
        self.assertIn(self.supplier_contact, email.recipient_ids)

    def test_wecom(self):
        self._hook("wecom")
        order = self._propose()
        self.assertEqual(self.robot.received[0]["headers"]["Content-Type"], "application/json; charset=utf-8")
        body = self.robot.received[0]["body"]
        self.assertEqual(set(body), {"msgtype", "markdown"})
        self.assertEqual(body["msgtype"], "markdown")
        content = body["markdown"]["content"]
        self.assertTrue(content.startswith(f"**New replenishment proposal {order.name}**"))
        self.assertIn(f"[Open the record]({order.get_base_url()}/my/vmi/proposal/{order.id})", content)
        self.assertEqual(self._chats(order).state, "sent")

    def test_dingtalk_signed(self):
        self._hook("dingtalk", DING_SECRET)
        before = int(time.time() * 1000)
        order = self._propose()
        request = self.robot.received[0]
        self.assertEqual(request["headers"]["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(urlsplit(request["path"]).path, "/hook")
        query = parse_qs(urlsplit(request["path"]).query)
        timestamp = query["timestamp"][0]
        self.assertLessEqual(before, int(timestamp))
        self.assertLessEqual(int(timestamp), int(time.time() * 1000))
        # DingTalk's documented signature, recomputed.
        expected = base64.b64encode(
            hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
        ).decode()
        self.assertEqual(query["sign"][0], expected)
        body = request["body"]
        self.assertEqual(body["msgtype"], "markdown")
        self.assertEqual(body["markdown"]["title"], f"New replenishment proposal {order.name}")
        self.assertIn("55 Units", body["markdown"]["text"])
        self.assertEqual(self._chats(order).state, "sent")

    def test_dingtalk_needs_secret(self):
        with self.assertRaisesRegex(ValidationError, "signing secret"):
            self._hook("dingtalk")

    def test_feishu_signed_and_unsigned(self):
        self._hook("feishu", FEISHU_SECRET)
        order = self._propose()
        self.assertEqual(self.robot.received[0]["headers"]["Content-Type"], "application/json; charset=utf-8")
        body = self.robot.received[0]["body"]
        self.assertEqual(set(body), {"msg_type", "card", "timestamp", "sign"})
        self.assertEqual(body["msg_type"], "interactive")
        timestamp = body["timestamp"]
        self.assertLess(abs(int(timestamp) - time.time()), 60, "seconds, not milliseconds")
        # Feishu's documented signature: the key is "timestamp\nsecret", the message empty.
        expected = base64.b64encode(
            hmac.new(f"{timestamp}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256).digest()
        ).decode()
        self.assertEqual(body["sign"], expected)
        card = body["card"]
        self.assertEqual(card["header"]["title"]["content"], f"New replenishment proposal {order.name}")
        self.assertIn("55 Units", card["elements"][0]["text"]["content"])
        button = card["elements"][1]["actions"][0]
        self.assertEqual(button["url"], f"{order.get_base_url()}/my/vmi/proposal/{order.id}")
        # Without a secret: no signature fields.
        self._hook("feishu")
        self.agreement.with_user(self.buyer).action_chat_test()
        body = self.robot.received[-1]["body"]
        self.assertEqual(body["msg_type"], "interactive")
        self.assertNotIn("sign", body)
        self.assertNotIn("timestamp", body)

    def test_robot_refusal_is_a_failure(self):
        """errcode / code not 0 with HTTP 200 is a refusal."""
        for kind, answer in (
            ("wecom", {"errcode": 93000, "errmsg": "invalid webhook url"}),
            ("dingtalk", {"errcode": 310000, "errmsg": "sign not match"}),
            ("feishu", {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}),
        ):
            with self.subTest(kind=kind):
                self._hook(kind, DING_SECRET if kind == "dingtalk" else False)
                self.robot.answer = answer
                with self.assertRaisesRegex(UserError, str(answer.get("errcode", answer.get("code")))):
                    self.agreement.with_user(self.buyer).action_chat_test()

    def test_url_validation(self):
        for url in ("http://example.com/hook", "ftp://example.com/hook", "example.com/hook"):
            with self.subTest(url=url), self.assertRaisesRegex(ValidationError, "https://"):
                self.agreement.with_user(self.buyer).chat_webhook_url = url
        with self.assertRaisesRegex(ValidationError, "URL"):
            self.agreement.with_user(self.buyer).write({"chat_webhook_url": False})
        self.agreement.with_user(
            self.buyer
        ).chat_webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
        # In the user's language.
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"], overwrite=True)
        self.buyer.lang = "zh_CN"
        # (the web client sends the user's language in the context)
        buyer_env = self.env(user=self.buyer, context=dict(self.env.context, lang="zh_CN"))
        with self.assertRaisesRegex(ValidationError, "https://") as refused:
            self.agreement.with_env(buyer_env).chat_webhook_url = "http://example.com/hook"
        self.assertIn("网址", str(refused.exception))

    # ------------------------------------------------------------------
    # Events: one message each
    # ------------------------------------------------------------------
    def test_proposal_confirmation(self):
        order = self._propose()
        order.with_user(self.portal_user).action_vmi_supplier_confirm(note="OK")
        self.assertEqual(order.vmi_state, "approved")
        self.assertEqual(self._events(), ["proposal", "confirmation"])
        body = self.robot.received[1]["body"]
        self.assertEqual(body["title"], f"Proposal {order.name} confirmed by the supplier")
        self.assertEqual(body["url"], f"{order.get_base_url()}/odoo/purchase.order/{order.id}")

    def test_dates_in_the_groups_time_zone(self):
        """A proposal due at 20:00 UTC is due the next day in Shanghai: the
        group reads the day of the supplier's time zone."""
        self.supplier.tz = "Asia/Shanghai"
        order = self._propose()
        order.sudo().date_planned = fields.Datetime.to_datetime("2026-12-10 20:00:00")
        order.with_user(self.portal_user).action_vmi_supplier_confirm(note="OK")
        text = self.robot.received[1]["body"]["text"]
        self.assertIn("12/11/2026", text)
        self.assertNotIn("12/10/2026", text)

    def test_adjustment_beyond_tolerance(self):
        order = self._propose()
        order.with_user(self.portal_user).action_vmi_supplier_adjust({order.order_line.id: 80})
        self.assertEqual(order.vmi_state, "to_approve")
        self.assertEqual(self._events(), ["proposal", "adjustment"])
        self.assertIn("80 Units", self.robot.received[1]["body"]["text"])
        self.assertIn("more than 10 %", self.robot.received[1]["body"]["text"])

    def test_adjustment_within_tolerance_is_a_confirmation(self):
        order = self._propose()
        order.with_user(self.portal_user).action_vmi_supplier_adjust({order.order_line.id: 58})
        self.assertEqual(order.vmi_state, "approved")
        self.assertEqual(self._events(), ["proposal", "confirmation"])

    def test_decline(self):
        order = self._propose()
        order.with_user(self.portal_user).action_vmi_supplier_decline("No stock until May")
        self.assertEqual(self._events(), ["proposal", "decline"])
        self.assertIn("Reason: No stock until May", self.robot.received[1]["body"]["text"])

    def test_emergency(self):
        emergency = (
            self.env["vmi.emergency.request"]
            .with_user(self.buyer)
            .create(
                {
                    "agreement_id": self.agreement.id,
                    "agreement_line_id": self.agreement.line_ids.id,
                    "qty_raised": 120,
                    "date_needed": fields.Datetime.now() + timedelta(days=3),
                    "reason": "Rush order from a customer",
                }
            )
        )
        emergency.with_user(self.buyer).action_request()
        self.assertEqual(emergency.state, "requested")
        self.assertEqual(self._events(), ["emergency"], "the urgent proposal is told by the emergency")
        body = self.robot.received[0]["body"]
        self.assertEqual(body["title"], "Emergency demand: [6205] Deep-groove ball bearing 6205")
        self.assertIn(f"urgent proposal {emergency.order_id.name} of 120 Units", body["text"])
        self.assertEqual(body["url"], f"{emergency.get_base_url()}/my/vmi/proposal/{emergency.order_id.id}")

    def test_overstock_case(self):
        self._receive(145)
        line = self.agreement.line_ids
        line.flush_recordset()
        line.sudo().write({"overstock_since": fields.Datetime.now() - timedelta(days=30)})
        case = self.env["vmi.overstock.case"]._cron_check()
        self.assertEqual(len(case), 1)
        self.assertEqual(self._events(), ["overstock"])
        body = self.robot.received[0]["body"]
        self.assertIn("45 Units above the maximum of 100", body["text"])
        self.assertEqual(body["url"], f"{case.get_base_url()}/my/vmi/overstock/{case.id}")

    def test_statement_and_dispute(self):
        self.agreement.date_start = date(2026, 1, 1)
        self._receive(100)
        with freeze_time("2026-03-20 10:00:00"):
            self._consume(12)
        with freeze_time("2026-03-26 09:00:00"):
            settlement = self.agreement.with_user(self.accountant)._settle(date(2026, 3, 25))
            self.assertEqual(self._events(), ["statement"])
            body = self.robot.received[0]["body"]
            self.assertEqual(body["title"], f"Statement {settlement.name}")
            self.assertIn("150.00", body["text"])  # 12 x 12.5
            self.assertIn("by 03/31/2026", body["text"])
            self.assertEqual(body["url"], f"{settlement.get_base_url()}/my/vmi/statement/{settlement.id}")
            settlement.with_user(self.portal_user).action_supplier_dispute("12 is 10")
        self.assertEqual(settlement.supplier_state, "disputed")
        self.assertEqual(self._events(), ["statement", "dispute"])
        self.assertIn("Reason: 12 is 10", self.robot.received[1]["body"]["text"])

    def test_no_webhook_no_message(self):
        self.agreement.with_user(self.buyer).write({"chat_kind": False, "chat_webhook_url": False})
        order = self._propose()
        order.with_user(self.portal_user).action_vmi_supplier_confirm()
        self.assertFalse(self.robot.received)
        self.assertFalse(self._chats())

    def test_message_in_supplier_language_zh_cn(self):
        """The group shares the supplier's language: a zh_CN supplier's
        group reads Chinese, whatever the buyer's language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"], overwrite=True)
        self.supplier.lang = "zh_CN"
        order = self._propose()
        body = self.robot.received[0]["body"]
        self.assertEqual(body["lang"], "zh_CN")
        self.assertEqual(body["title"], f"新补货建议 {order.name}")
        self.assertIn("供应商", body["text"])
        self.assertIn("请确认、调整或拒绝", body["text"])

    # ------------------------------------------------------------------
    # After the commit, once
    # ------------------------------------------------------------------
    def test_sent_by_a_job_after_commit(self):
        """The event only enqueues: nothing reaches the robot until the job
        runs (queue_job runs it once the transaction committed); the same
        job again (a retry, a second worker) posts nothing twice; a
        transaction that rolls back leaves neither message nor job."""
        env = self.env(context=dict(self.env.context, queue_job__no_delay=False))
        self.env = env
        Job_ = self.env["queue.job"]
        before = Job_.search([]).ids
        # Rolled back: no chat notification, no job, nothing posted.
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            self._propose()
            self.assertTrue(self._chats())
            raise RuntimeError("the business transaction fails")
        self.env.invalidate_all()
        self.assertFalse(self._chats())
        self.assertFalse(Job_.search([("id", "not in", before)]))
        self.assertFalse(self.robot.received)
        # Committed: one job for the chat message, which posts it.
        order = self._propose()
        chat = self._chats(order)
        self.assertEqual(chat.state, "pending")
        self.assertFalse(self.robot.received, "nothing posted inside the business transaction")
        jobs = Job_.search([("id", "not in", before), ("method_name", "=", "_job_send")])
        chat_job = jobs.filtered(lambda job: chat in job.records)
        self.assertEqual(len(chat_job), 1)
        self.assertEqual(chat_job.channel, "root.vmi.notify")
        Job.load(self.env, chat_job.uuid).perform()
        self.assertEqual(chat.state, "sent")
        self.assertEqual(self._events(), ["proposal"])
        Job.load(self.env, chat_job.uuid).perform()
        self.env["vmi.notification"]._cron_send()
        self.assertEqual(len(self.robot.received), 1, "posted once")

    def test_locked_message_is_not_posted(self):
        """A chat message another worker holds (its row locked) is left to it."""
        self.env = self.env(context=dict(self.env.context, queue_job__no_delay=False))
        order = self._propose()
        chat = self._chats(order)
        with patch(
            "odoo.addons.stock_vmi.models.vmi_notification.lock_rows", lambda records, *a: records.browse()
        ):
            chat._job_send()
        self.assertFalse(self.robot.received)
        self.assertEqual(chat.state, "pending")

    # ------------------------------------------------------------------
    # Failures
    # ------------------------------------------------------------------
    def _assert_failed_after_retries(self, expected_error):
        """Attempt 1 runs with the event (jobs run at once here); attempt 2
        is the retry's job. Then failed, noted once on the agreement, logged
        as warnings only; the proposal stands."""
        with (
            patch.object(VmiNotification, "_VMI_RETRY_DELAYS", (60,)),
            self.assertLogs(level="WARNING") as logs,
        ):
            order = self._propose()
            chat = self._chats(order)
            self.assertEqual((chat.state, chat.attempts), ("pending", 1))
            self.assertTrue(chat.next_try)
            self.assertIn(expected_error, chat.last_error)
            chat._job_send()
            self.assertEqual((chat.state, chat.attempts), ("failed", 2))
            chat._job_send()  # nothing more: failed
        self.assertEqual(len(self.robot.received), 2)
        self.assertEqual(chat.attempts, 2)
        self.assertFalse([record for record in logs.records if record.levelno >= logging.ERROR], logs.output)
        self.assertTrue(any("failed after 2 attempts" in line for line in logs.output))
        # The business operation stands.
        self.assertEqual((order.vmi_state, order.state), ("to_confirm", "sent"))
        self.assertEqual(order.order_line.product_qty, 55)
        notes = self.agreement.message_ids.filtered(lambda m: "could not be posted" in str(m.body))
        self.assertEqual(len(notes), 1, "noted once on the agreement")
        self.assertIn(expected_error, str(notes.body))
        self.assertIn(order.name, str(notes.body))
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
        self.assertNotIn("127.0.0.1", str(notes.body), "the webhook's URL (its key) is not shown")
        self.assertIn(self.buyer.partner_id, notes.partner_ids)
        # The supplier's e-mail went as usual.
        email = self.env["vmi.notification"].search(
            [("channel", "=", "email"), ("res_model", "=", "purchase.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(email.state, "sent")
        return chat

    def test_server_error_retried_then_failed(self):
        self.robot.status = 500
        self._assert_failed_after_retries("HTTP 500")

    def test_timeout_retried_then_failed(self):
        self.robot.delay = 1.0
        with patch.object(VmiAgreement, "_VMI_CHAT_TIMEOUT", 0.2):
            self._assert_failed_after_retries("no answer within 0.2 s")

    def test_failure_noted_in_buyer_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"], overwrite=True)
        self.buyer.lang = "zh_CN"
        self.robot.status = 500
        with patch.object(VmiNotification, "_VMI_RETRY_DELAYS", ()), self.assertLogs(level="WARNING"):
            order = self._propose()
        self.assertEqual(self._chats(order).state, "failed")
        note = self.agreement.message_ids[0]
        self.assertIn("无法发送到聊天群", str(note.body))

    def test_robot_errcode_through_the_outbox(self):
        """A WeCom robot answering HTTP 200 with errcode 93000 did not post
        the message: failed (no retry left here), noted on the agreement."""
        self._hook("wecom")
        self.robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
        with patch.object(VmiNotification, "_VMI_RETRY_DELAYS", ()), self.assertLogs(level="WARNING") as logs:
            order = self._propose()
        self.assertFalse([record for record in logs.records if record.levelno >= logging.ERROR], logs.output)
        chat = self._chats(order)
        self.assertEqual((chat.state, chat.last_error), ("failed", "errcode 93000: invalid webhook url"))
        self.assertIn("errcode 93000", str(self.agreement.message_ids[0].body))
        self.assertEqual(order.vmi_state, "to_confirm")
        # Retried by hand once the robot is fixed: posted.
        self.robot.answer = ANSWERS["wecom"]
        chat.with_user(self.buyer).action_retry()
        self.assertEqual(chat.state, "sent")
        self.assertEqual(len(self.robot.received), 2)

    def test_chat_post_error_hides_url(self):
        self.robot.status = 500
        with self.assertRaises(VmiChatError) as failed:
            self.agreement._vmi_chat_post(
                self.agreement._vmi_chat_message("test", self.agreement, "T", ["x"], "")
            )
        self.assertEqual(str(failed.exception), "HTTP 500")

    def test_test_button(self):
        action = self.agreement.with_user(self.buyer).action_chat_test()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self._events(), ["test"])
        self.robot.status = 500
        with self.assertRaisesRegex(UserError, "HTTP 500"), self.assertLogs(level="WARNING"):
            self.agreement.with_user(self.buyer).action_chat_test()
        with self.assertRaises(AccessError):
            self.agreement.with_user(self.vmi_user).action_chat_test()

    # ------------------------------------------------------------------
    # Secrets
    # ------------------------------------------------------------------
    def test_secret_for_managers_only(self):
        self._hook("dingtalk", DING_SECRET)
        agreement = self.agreement.with_user(self.vmi_user)
        self.assertEqual(agreement.chat_kind, "dingtalk", "the kind is no secret")
        for field in ("chat_webhook_url", "chat_webhook_secret"):
            with self.subTest(field=field):
                with self.assertRaises(AccessError):
                    agreement.read([field])
                self.assertNotIn(field, agreement.fields_get())
                self.assertNotIn(field, agreement.read()[0])
        for user in (self.accountant, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.agreement.with_user(user).read(["chat_webhook_secret"])
        self.assertEqual(self.agreement.with_user(self.buyer).chat_webhook_secret, DING_SECRET)

        # The form: the secret a password field for managers, absent for others.
        def form(user):
            return (
                self.env["vmi.agreement"]
                .with_user(user)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )

        self.assertRegex(form(self.buyer), r'<field name="chat_webhook_secret"[^>]*password="True"')
        self.assertNotIn("chat_webhook_secret", form(self.vmi_user))
        self.assertNotIn("chat_webhook_url", form(self.vmi_user))
        self.assertIn('name="chat_kind"', form(self.vmi_user))


@tagged("post_install", "-at_install")
class TestChatWebhookRpc(VmiCommon, HttpCase):
    """Over real XML-RPC, a VMI user (not a manager) reads the agreement but
    not its webhook's URL and secret."""

    def test_rpc_read_refused(self):
        self.agreement.with_user(self.buyer).write(
            {
                "chat_kind": "dingtalk",
                "chat_webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=t",
                "chat_webhook_secret": DING_SECRET,
            }
        )
        new_test_user(self.env, login="vmi_chat_rpc", groups="stock_vmi.group_vmi_user,base.group_user")
        db = get_db_name()
        rpc = xmlrpc.client.ServerProxy(
            f"{self.xmlrpc_url}object", transport=Transport(self.cr), allow_none=True
        )

        def call(login, *args, **kwargs):
            uid = self.xmlrpc_common.authenticate(db, login, login, {})
            return rpc.execute_kw(
                db, uid, login, "vmi.agreement", "read", [self.agreement.ids, *args], kwargs
            )

        [row] = call("vmi_chat_rpc", ["name", "chat_kind"])
        self.assertEqual(row["chat_kind"], "dingtalk")
        for field in ("chat_webhook_url", "chat_webhook_secret"):
            with self.subTest(field=field), self.assertRaises(xmlrpc.client.Fault) as refused:
                call("vmi_chat_rpc", [field])
            self.assertEqual(refused.exception.faultCode, FAULT_ACCESS_ERROR)
            self.assertIn(field, refused.exception.faultString)
        [row] = call("vmi_chat_rpc")
        self.assertNotIn("chat_webhook_secret", row)
        self.assertNotIn(DING_SECRET, json.dumps(row, default=str))
        [row] = call("vmi_test_buyer", ["chat_webhook_secret"])
        self.assertEqual(row["chat_webhook_secret"], DING_SECRET)
