# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The agreement's chat group (issue 12 item 6): small firms run VMI in a
WeCom, DingTalk or Feishu/Lark group shared by buyer and supplier (SPEC Q1).
An optional webhook per agreement posts its events there (the outbox sends
them, ``vmi.notification`` channel ``chat``); its URL and signing secret
are for VMI managers only."""

import json
import logging
import time

import requests

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..logic import chat

_logger = logging.getLogger(__name__)


class VmiChatError(Exception):
    """The robot did not take the message (its answer, a timeout): the
    text says why, without the webhook's URL (it holds the robot's key)."""


class VmiAgreement(models.Model):
    # Extends this module's own model: the chat webhook, one feature per file.
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    # Seconds to wait for the robot's answer; a timeout is a failed attempt.
    _VMI_CHAT_TIMEOUT = 10

    chat_kind = fields.Selection(
        [
            ("wecom", "WeCom group robot"),
            ("dingtalk", "DingTalk robot"),
            ("feishu", "Feishu / Lark bot"),
            ("generic", "Generic JSON"),
        ],
        string="Chat Webhook",
        copy=False,
        tracking=True,
        help="Post this agreement's events (new proposals, answers, emergencies, overstock cases, "
        "statements and disputes) to the chat group that buyer and supplier share, in the "
        "supplier's language. Empty: no chat messages.",
    )
    chat_webhook_url = fields.Char(
        string="Webhook URL",
        copy=False,
        groups="stock_vmi.group_vmi_manager",
        help="The robot's address given by the chat service (https).",
    )
    chat_webhook_secret = fields.Char(
        string="Signing Secret",
        copy=False,
        groups="stock_vmi.group_vmi_manager",
        help="DingTalk: the robot's signing secret (SEC...). Feishu / Lark: the signature "
        "verification secret, if the bot has one. Not used by WeCom and generic JSON.",
    )

    @api.constrains("chat_kind", "chat_webhook_url", "chat_webhook_secret")
    def _check_chat_webhook(self):
        # Read as superuser: the fields are for managers, the check is for everyone.
        for agreement in self.sudo():
            url = (agreement.chat_webhook_url or "").strip()
            if not agreement.chat_kind:
                if url:
                    raise ValidationError(
                        self.env._(
                            "%(agreement)s: choose the kind of chat webhook.", agreement=agreement.name
                        )
                    )
                continue
            if not url:
                raise ValidationError(
                    self.env._("%(agreement)s: give the chat webhook's URL.", agreement=agreement.name)
                )
            if chat.url_problem(url):
                raise ValidationError(
                    self.env._(
                        "%(agreement)s: the chat webhook's URL must start with https:// "
                        "(http:// only for this machine): %(url)s",
                        agreement=agreement.name,
                        url=url,
                    )
                )
            if agreement.chat_kind == "dingtalk" and not agreement.chat_webhook_secret:
                raise ValidationError(
                    self.env._(
                        "%(agreement)s: a DingTalk robot needs its signing secret (SEC...).",
                        agreement=agreement.name,
                    )
                )

    # ------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------
    def _vmi_chat_enabled(self):
        """Whether this agreement posts to a chat group."""
        self.ensure_one()
        agreement = self.sudo()
        return bool(agreement.chat_kind and agreement.chat_webhook_url)

    def _vmi_chat_lang(self):
        """The chat group's language: the supplier's, as its e-mails are
        (``{{ object.partner_id.lang }}``), else the company's."""
        self.ensure_one()
        agreement = self.sudo()
        return agreement.partner_id.lang or agreement.company_id.partner_id.lang or "en_US"

    def _vmi_chat_context(self):
        """The language and time zone the chat group reads: the supplier's
        (its e-mails' language), else the company's; the time zone also
        falls back to the responsible buyer's, else UTC (dates of datetimes,
        such as a proposal's planned delivery, are that zone's day)."""
        self.ensure_one()
        agreement = self.sudo()
        tz = agreement.partner_id.tz or agreement.company_id.partner_id.tz or agreement.user_id.tz or "UTC"
        return {"lang": self._vmi_chat_lang(), "tz": tz}

    def _vmi_chat_message(self, event, record, title, lines, url):
        """A ``chat.ChatMessage`` about ``record`` of this agreement, in the
        context's language: ``lines`` become paragraphs, after a first one
        naming the agreement and its supplier."""
        self.ensure_one()
        agreement = self.sudo()
        head = self.env._(
            "Agreement %(agreement)s, supplier %(supplier)s.",
            agreement=agreement.name,
            supplier=agreement.partner_id.display_name,
        )
        return chat.ChatMessage(
            event=event,
            agreement=agreement.name,
            supplier=agreement.partner_id.display_name,
            record=record.display_name,
            url=url,
            title=title,
            text="\n\n".join([head, *lines]),
            lang=self.env.lang or "en_US",
            link_label=self.env._("Open the record"),
        )

    def _vmi_chat_post(self, message):
        """POST ``message`` (a ``chat.ChatMessage``) to this agreement's
        robot, in its format, now. Raises ``VmiChatError`` when the robot
        does not answer within ``_VMI_CHAT_TIMEOUT`` seconds or refuses the
        message (HTTP status, ``errcode``/``code`` not 0)."""
        self.ensure_one()
        agreement = self.sudo()
        kind = agreement.chat_kind
        url, body = chat.build_request(
            kind,
            agreement.chat_webhook_url.strip(),
            agreement.chat_webhook_secret or "",
            message,
            time.time(),
        )
        timeout = self._VMI_CHAT_TIMEOUT
        try:
            response = requests.post(
                url,
                data=json.dumps(body, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "Odoo stock_vmi"},
                timeout=timeout,
            )
        except requests.Timeout as error:
            raise VmiChatError(f"no answer within {timeout} s") from error
        except requests.RequestException as error:
            raise VmiChatError(type(error).__name__) from error
        try:
            payload = response.json()
        except ValueError:
            payload = None
        problem = chat.answer_problem(kind, response.status_code, payload)
        if problem:
            raise VmiChatError(problem)

    # ------------------------------------------------------------------
    # Button
    # ------------------------------------------------------------------
    def action_chat_test(self):
        """VMI managers: post a test message to the chat group now, and say
        whether the robot took it."""
        self.ensure_one()
        if not self.env.user.has_group("stock_vmi.group_vmi_manager"):
            raise AccessError(self.env._("Only VMI managers can test the chat webhook."))
        self.check_access("write")
        if not self._vmi_chat_enabled():
            raise UserError(self.env._("Set the chat webhook and its URL first."))
        agreement = self.with_context(**self._vmi_chat_context())
        message = agreement._vmi_chat_message(
            "test",
            self,
            agreement.env._("Test message"),
            [agreement.env._("This group will receive the VMI messages of this agreement.")],
            self.get_base_url() + self._vmi_portal_path(),
        )
        try:
            self._vmi_chat_post(message)
        except VmiChatError as error:
            _logger.warning("VMI chat test of %s failed: %s", self.name, error)
            raise UserError(
                self.env._("The chat group did not take the test message: %(error)s", error=error)
            ) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The test message was posted to the chat group."),
                "sticky": False,
            },
        }
