# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The outbox's chat channel: a message to the agreement's chat group is a
``vmi.notification`` of channel ``chat``, sent by the outbox's jobs after
the business transaction commits, locked and sent once, retried with the
outbox's back-off; a chat message that finally fails is noted on the
agreement for its buyer. The business operation never waits for, nor
depends on, the chat service."""

from odoo import api, fields, models


class VmiNotification(models.Model):
    # Extends this module's own model: the chat channel, one feature per file.
    _inherit = "vmi.notification"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(
        selection_add=[
            ("confirmation", "Proposal confirmed"),
            ("adjustment", "Adjustment beyond tolerance"),
            ("decline", "Proposal declined"),
            ("emergency", "Emergency demand raised"),
            ("dispute", "Statement disputed"),
        ],
        ondelete={
            "confirmation": "cascade",
            "adjustment": "cascade",
            "decline": "cascade",
            "emergency": "cascade",
            "dispute": "cascade",
        },
    )
    channel = fields.Selection(selection_add=[("chat", "Chat group")], ondelete={"chat": "cascade"})

    # Events the e-mail outbox queues that the chat group hears of too.
    _VMI_CHAT_WITH_EMAIL = ("proposal", "overstock", "statement")

    @api.model
    def _vmi_queue(self, records, kind):
        """The supplier's e-mails of ``kind``, and for the events of
        ``_VMI_CHAT_WITH_EMAIL`` a message to the chat group of those
        agreements that have one. An emergency's urgent proposal is told
        by the emergency's own message."""
        notifications = super()._vmi_queue(records, kind)
        if kind in self._VMI_CHAT_WITH_EMAIL and records:
            if kind == "proposal":
                records = records.filtered(lambda order: not order.sudo().vmi_emergency_id)
            self._vmi_chat_queue(records, kind)
        return notifications

    @api.model
    def _vmi_chat_queue(self, records, kind):
        """Put one chat message of ``kind`` per record of ``records`` whose
        agreement has a chat webhook in the outbox, sent by a job once this
        transaction commits (nothing is posted if it rolls back). Any user
        may cause one (a supplier answering on the portal): written as
        superuser. Returns the notifications."""
        if not records:
            return self.browse()
        vals_list = []
        for record in records.sudo():
            agreement = record._vmi_outbox_agreement()
            if agreement and agreement._vmi_chat_enabled():
                vals_list.append(
                    {
                        "kind": kind,
                        "channel": "chat",
                        "res_model": record._name,
                        "res_id": record.id,
                        "agreement_id": agreement.id,
                    }
                )
        if not vals_list:
            return self.browse()
        notifications = self.sudo().create(vals_list)
        if not self.env.context.get("vmi_notify_defer"):
            notifications._vmi_enqueue()
        return notifications.with_env(self.env)

    # ------------------------------------------------------------------
    # Sending (in the outbox's job)
    # ------------------------------------------------------------------
    def _vmi_send_group(self):
        """Chat messages are posted one by one, each in its savepoint: a
        message posted to a chat cannot be taken back, so one failing never
        sends the others of its batch again."""
        chats = self.filtered(lambda n: n.channel == "chat")
        result = None
        if self - chats:
            result = super(VmiNotification, self - chats)._vmi_send_group()
        chats._vmi_send_each("_vmi_chat_send")
        return result

    def _vmi_chat_send(self):
        """Post this (locked, pending) chat message, rendered now in the chat
        group's language, and mark it sent; not needed when its document is
        gone or the agreement's webhook was removed meanwhile."""
        self.ensure_one()
        agreement = self.agreement_id.sudo()
        document = self._vmi_document()
        if not document or not agreement._vmi_chat_enabled():
            self.write({"state": "skipped", "next_try": False})
            return
        message = document.sudo().with_context(**agreement._vmi_chat_context())._vmi_chat_message(self.kind)
        agreement._vmi_chat_post(message)
        self.write(
            {
                "state": "sent",
                "date_sent": fields.Datetime.now(),
                "attempts": self.attempts + 1,
                "next_try": False,
                "last_error": False,
            }
        )

    def _vmi_tell_buyer(self):
        """A chat message that finally failed is noted on its agreement, for
        its buyer, in the buyer's language (the document itself is done)."""
        if self.channel != "chat":
            return super()._vmi_tell_buyer()
        agreement = self.agreement_id.sudo()
        buyer = agreement.user_id
        env = self.with_context(lang=buyer.lang or self.env.lang).env
        document = self._vmi_document()
        body = env._(
            "The chat group message (%(kind)s, %(document)s) could not be posted after %(attempts)s "
            "attempts: %(error)s. The operation itself is done; check the agreement's chat webhook, "
            "then send the message again from its notification.",
            kind=dict(self._fields["kind"]._description_selection(env))[self.kind],
            document=document.display_name if document else self.res_model,
            attempts=self.attempts,
            error=self.last_error,
        )
        agreement.message_post(
            body=body,
            partner_ids=buyer.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return None
