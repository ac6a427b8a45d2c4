# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The outbox: every message stock_vmi sends to a supplier (a new proposal, a
reminder, a statement) is a ``vmi.notification`` record, sent by a
``queue_job`` job on the channel ``root.vmi.notify`` after the business
transaction that made it commits, once, retried with back-off when it fails,
and visible on the record it is about."""

import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
from lxml import html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, safe_eval

from odoo.addons.queue_job.job import identity_exact

from .locking import lock_rows

_logger = logging.getLogger(__name__)


class VmiNotification(models.Model):
    _name = "vmi.notification"
    _description = "VMI Notification"
    _order = "id desc"

    # Seconds to wait before the 2nd, 3rd, ... attempt; after the last one the
    # notification is failed (and its buyer told).
    _VMI_RETRY_DELAYS = (60, 300, 900, 3600)
    # A chunk that met another transaction's update is sent again this soon.
    _VMI_CONFLICT_DELAY = 15
    _VMI_BATCH_SIZE = 50

    name = fields.Char(compute="_compute_name")
    kind = fields.Selection(
        [("proposal", "New proposal"), ("reminder", "Proposal reminder"), ("statement", "Statement")],
        required=True,
        readonly=True,
        index=True,
    )
    channel = fields.Selection(
        [("email", "E-mail")],
        required=True,
        default="email",
        readonly=True,
        help="How the message reaches the supplier.",
    )
    res_model = fields.Char(string="Document Model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", required=True, readonly=True, index=True
    )
    agreement_id = fields.Many2one(
        "vmi.agreement", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Supplier", related="agreement_id.partner_id", store=True, index=True
    )
    recipient_ids = fields.Many2many(
        "res.partner",
        string="Recipients",
        readonly=True,
        help="Who the message is for: the supplier and those of its contacts who have a portal user "
        "and an e-mail address.",
    )
    state = fields.Selection(
        [
            ("pending", "To Send"),
            ("sent", "Sent"),
            ("skipped", "Not Needed"),
            ("failed", "Failed"),
        ],
        required=True,
        default="pending",
        readonly=True,
        index=True,
        help="Not Needed: the document no longer needed it when its turn came "
        "(a proposal answered or cancelled before its e-mail left).",
    )
    attempts = fields.Integer(readonly=True)
    next_try = fields.Datetime(string="Next Attempt", readonly=True, index=True)
    last_error = fields.Text(readonly=True)
    date_sent = fields.Datetime(string="Sent On", readonly=True)

    @api.depends("kind", "res_model", "res_id")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        ids_by_model = defaultdict(set)
        for notification in self:
            if notification.res_model in self.env:
                ids_by_model[notification.res_model].add(notification.res_id)
        names = {}
        for model, ids in ids_by_model.items():
            for document in self.env[model].sudo().browse(ids).exists():
                names[model, document.id] = document.display_name
        for notification in self:
            document = names.get((notification.res_model, notification.res_id), "")
            notification.name = f"{labels.get(notification.kind, '')}: {document}"

    def _vmi_document(self):
        """The proposal or statement the notification is about (may be gone)."""
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists()

    # ------------------------------------------------------------------
    # Queueing
    # ------------------------------------------------------------------
    @api.model
    def _vmi_queue(self, records, kind):
        """Put one notification of ``kind`` per record of ``records`` (the
        proposals or statements) in the outbox and hand them to jobs. Sent
        after this transaction commits (queue_job only sees its jobs then);
        at once when jobs run at once (``queue_job__no_delay``, tests)."""
        if not records:
            return self.browse()
        notifications = (
            self.sudo()
            .create(
                [
                    {
                        "kind": kind,
                        "res_model": record._name,
                        "res_id": record.id,
                        "agreement_id": record._vmi_outbox_agreement().id,
                        "recipient_ids": [fields.Command.set(record._vmi_supplier_recipients().ids)],
                    }
                    for record in records
                ]
            )
            .with_env(self.env)
        )
        if not self.env.context.get("vmi_notify_defer"):
            notifications.sudo()._vmi_enqueue()
        return notifications

    def _vmi_enqueue(self, eta=None, attempt=0):
        """One job per chunk of ``_VMI_BATCH_SIZE`` notifications on
        ``root.vmi.notify``; the identity key (the chunk and the attempt) keeps
        the sweeper cron from enqueueing a waiting chunk twice."""
        for start in range(0, len(self), self._VMI_BATCH_SIZE):
            chunk = self[start : start + self._VMI_BATCH_SIZE]
            chunk.with_delay(
                channel="root.vmi.notify",
                identity_key=identity_exact,
                eta=eta,
                description=self.env._("VMI: send %(count)s notifications", count=len(chunk)),
            )._job_send(attempt=attempt)

    @api.model
    def _cron_send(self):
        """The sweeper (``ir_cron_vmi_notify``): hand the notifications still
        to send and due to jobs, in case their job was lost (cancelled by
        hand, a database restored). The jobs lock what they send, so a
        notification that is also in another job is sent once."""
        due = self.search(
            [
                ("state", "=", "pending"),
                "|",
                ("next_try", "=", False),
                ("next_try", "<=", fields.Datetime.now()),
            ],
            order="id",
        )
        due._vmi_enqueue()
        return True

    # ------------------------------------------------------------------
    # Sending (the job)
    # ------------------------------------------------------------------
    def _job_send(self, attempt=0):
        """Send these notifications (a job). Each is locked first (``FOR NO
        KEY UPDATE SKIP LOCKED``) and its state read under the lock: one that
        another job holds or has sent is left alone, so two workers never
        send one twice. The notifications of one kind are sent together in a
        savepoint; if that fails, one by one, each failure counted on the
        notification (``_vmi_record_failure``); the state is written in the
        transaction that posts the message. ``attempt`` only keys the job."""
        records = self.exists()
        records.flush_recordset(["state"])
        locked = lock_rows(records, SQL("state = 'pending'"))
        records.invalidate_recordset(["state"])
        groups = defaultdict(lambda: self.browse())
        for notification in locked:
            groups[notification.res_model, notification.kind] |= notification
        for notifications in groups.values():
            notifications._vmi_send_group()
        return True

    def _vmi_send_group(self):
        """Send notifications of one kind in one savepoint, else one by one."""
        try:
            with self.env.cr.savepoint():
                self._vmi_send()
            return
        except psycopg2.errors.SerializationFailure:
            self._vmi_defer()
            return
        except Exception as error:  # noqa: BLE001 - counted on the notifications, retried
            if len(self) == 1:
                self._vmi_record_failure(error)
                return
            _logger.warning(
                "VMI notifications %s failed together (%s); sending them one by one", self.ids, error
            )
        self._vmi_send_each("_vmi_send")

    def _vmi_send_each(self, method):
        """Send the notifications one by one with ``method``, each in its
        savepoint: a conflict defers one, a failure is counted on it (and
        retried), neither touches the others."""
        for notification in self:
            try:
                with self.env.cr.savepoint():
                    getattr(notification, method)()
            except psycopg2.errors.SerializationFailure:
                notification._vmi_defer()
            except Exception as error:  # noqa: BLE001 - counted on the notification, retried
                notification._vmi_record_failure(error)

    def _vmi_send(self):
        """Post the messages of these notifications (one kind, locked) and
        mark them sent, or not needed when their document no longer needs
        them (``_vmi_outbox_send`` of the document's model decides)."""
        kind = self[0].kind
        Document = self.env[self[0].res_model].sudo()
        documents = Document.browse(self.mapped("res_id")).exists()
        sent = documents._vmi_outbox_send(kind)
        done = self.filtered(lambda n: n.res_id in sent.ids)
        by_attempts = defaultdict(lambda: self.browse())
        for notification in done:
            by_attempts[notification.attempts] |= notification
        now = fields.Datetime.now()
        for attempts, notifications in by_attempts.items():
            notifications.write(
                {
                    "state": "sent",
                    "date_sent": now,
                    "attempts": attempts + 1,
                    "next_try": False,
                    "last_error": False,
                }
            )
        (self - done).write({"state": "skipped", "next_try": False})

    def _vmi_defer(self):
        """Another transaction changed a row these messages touch (a
        serialization failure under REPEATABLE READ): expected with several
        workers, not a failure. Sent again in a moment, attempt not counted."""
        _logger.warning("VMI notifications %s met a concurrent update; sent again in a moment", self.ids)
        if not self.env.context.get("queue_job__no_delay"):
            self._vmi_enqueue(eta=self._VMI_CONFLICT_DELAY, attempt=self[0].attempts)

    def _vmi_record_failure(self, error):
        """Count a failed attempt on the notification: tried again after
        ``_VMI_RETRY_DELAYS``, then failed, and its buyer told on the
        document (in the buyer's language)."""
        self.ensure_one()
        attempts = self.attempts + 1
        message = str(error) or type(error).__name__
        vals = {"attempts": attempts, "last_error": message}
        if attempts > len(self._VMI_RETRY_DELAYS):
            vals.update(state="failed", next_try=False)
            _logger.warning("VMI notification %s failed after %s attempts: %s", self.id, attempts, message)
        else:
            delay = self._VMI_RETRY_DELAYS[attempts - 1]
            vals["next_try"] = fields.Datetime.now() + timedelta(seconds=delay)
            _logger.warning(
                "VMI notification %s failed (attempt %s, tried again in %s s): %s",
                self.id,
                attempts,
                delay,
                message,
            )
        self.write(vals)
        if self.state == "failed":
            self._vmi_tell_buyer()
        elif not self.env.context.get("queue_job__no_delay"):
            self._vmi_enqueue(eta=vals["next_try"], attempt=attempts)

    def _vmi_tell_buyer(self):
        """Note on the document, for the agreement's buyer in the buyer's
        language, that its message could not be sent."""
        document = self._vmi_document()
        if not document:
            return
        buyer = self.agreement_id.user_id
        env = self.with_context(lang=buyer.lang or self.env.lang).env
        body = env._(
            "The message to the supplier (%(kind)s) could not be sent after %(attempts)s attempts: "
            "%(error)s. Send it again from its notification once the cause is fixed.",
            kind=dict(self._fields["kind"]._description_selection(env))[self.kind],
            attempts=self.attempts,
            error=self.last_error,
        )
        document.sudo().message_post(
            body=body,
            partner_ids=buyer.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_retry(self):
        """Send failed notifications again (VMI users, accountants)."""
        user = self.env.user
        if not (
            user.has_group("stock_vmi.group_vmi_user") or user.has_group("account.group_account_invoice")
        ):
            raise AccessError(self.env._("Only VMI users and accountants can send a notification again."))
        self.check_access("read")
        if any(n.state != "failed" for n in self):
            raise UserError(self.env._("Only failed notifications can be sent again."))
        self.sudo().write({"state": "pending", "attempts": 0, "next_try": False, "last_error": False})
        self.sudo()._vmi_enqueue()
        return True

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        """With ``vmi_render_once`` in the context (the outbox's batches),
        the QWeb body is compiled once for all the records: Odoo parses and
        compiles it again for each record (an inline template is not
        cached), which was a sixth of a batch of proposal e-mails. Any
        failure renders the batch again Odoo's way, which reports it."""
        if (
            not self.env.context.get("vmi_render_once")
            or len(res_ids) < 2
            or not template_src
            or not self._has_unsafe_expression_template_qweb(template_src, model)
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        try:
            return self._vmi_render_qweb_once(template_src, model, res_ids, add_context, options)
        except Exception:  # noqa: BLE001 - Odoo's own rendering raises the proper error
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )

    @api.model
    def _vmi_render_qweb_once(self, template_src, model, res_ids, add_context, options):
        """``_render_template_qweb`` with one compile (same variables, same
        restrictions for users who may not edit templates)."""
        variables = self._render_eval_context()
        if add_context:
            variables.update(**add_context)
        options = dict(options or {})
        is_restricted = (
            not self._unrestricted_rendering
            and not self.env.is_admin()
            and not self.env.user.has_group("mail.group_mail_template_editor")
        )
        if is_restricted:
            options["raise_on_forbidden_code_for_model"] = model
        QWeb = self.env["ir.qweb"].with_context(**options)
        functions, def_name = QWeb._compile(html.fragment_fromstring(template_src, create_parent="div"))
        render = functions[def_name]
        results = {}
        for record in self.env[model].browse(res_ids):
            values = dict(variables, object=record)
            qweb = QWeb._prepare_environment(values)
            safe_eval.check_values(values)
            # without the <div> wrapping the template's nodes, as Odoo does
            results[record.id] = Markup("".join(render(qweb, values)))[5:-6]
        return results


class VmiOutboxMixin(models.AbstractModel):
    """The documents the outbox sends (proposals, statements): their
    notifications, shown on the document."""

    _name = "vmi.outbox.mixin"
    _description = "VMI Notifications of a Document"

    vmi_notification_count = fields.Integer(compute="_compute_vmi_notification_count", string="Notifications")
    vmi_notification_failed = fields.Boolean(
        compute="_compute_vmi_notification_count", string="Notification Failed"
    )

    def _compute_vmi_notification_count(self):
        groups = self.env["vmi.notification"]._read_group(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)],
            ["res_id", "state"],
            ["__count"],
        )
        counts = defaultdict(int)
        failed = set()
        for res_id, state, count in groups:
            counts[res_id] += count
            if state == "failed":
                failed.add(res_id)
        for record in self:
            record.vmi_notification_count = counts[record.id]
            record.vmi_notification_failed = record.id in failed

    def _vmi_outbox_agreement(self):
        """The agreement of the document (extension point)."""
        raise NotImplementedError

    def _vmi_outbox_send(self, kind):
        """Post the message of ``kind`` for those of ``self`` (sudo, locked
        notifications) that still need it; return them."""
        raise NotImplementedError

    def _vmi_post_template(self, template, subscribe=True):
        """Post ``template`` on each of these documents as a message to its
        supplier (``mail.mt_comment``: the followers get it by e-mail), all
        in one composer. Odoo's ``message_post_with_source`` makes a
        composer per record, which renders and compiles the template record
        by record; one composer on all of them (the "mass post" of Odoo's
        list views) renders each field once for the whole batch, each
        record in its own language. ``subscribe``: the supplier's recipients
        (``_vmi_supplier_recipients``) follow the document first, so that
        they receive this message and the answers that follow. Returns the
        messages."""
        if not self or not template:
            return self.env["mail.message"]
        if subscribe:
            self._vmi_subscribe_suppliers()
        composer = (
            self.env["mail.compose.message"]
            .with_context(
                # One compile of the body for the batch (mail.render.mixin).
                vmi_render_once=True,
                default_composition_mode="comment",
                default_model=self._name,
                default_res_ids=self.ids,
                default_template_id=template.id,
            )
            .create(
                {
                    "message_type": "comment",
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment"),
                }
            )
        )
        _mails, messages = composer._action_send_mail()
        return messages

    def _vmi_subscribe_suppliers(self):
        """Make each document's supplier recipients (``_vmi_supplier_recipients``)
        follow it, as ``message_subscribe`` does (write access checked,
        inactive partners left out, existing followers untouched, Odoo's
        default subtypes: the external ones for portal and customer
        partners), for the whole batch in a few queries instead of about ten
        a document."""
        wanted = {record.id: record._vmi_supplier_recipients().ids for record in self}
        partner_ids = sorted({pid for ids in wanted.values() for pid in ids})
        if not partner_ids:
            return
        self.check_access("write")
        active = self.env["res.partner"].sudo().search([("id", "in", partner_ids), ("active", "=", True)])
        customers = set(active.filtered("partner_share").ids)
        default, _internal, external = self.env["mail.message.subtype"].default_subtypes(self._name)
        Followers = self.env["mail.followers"].sudo().with_context(default_partner_id=False)
        existing = {
            (res_id, partner_id)
            for _fid, res_id, partner_id, _sids in Followers._get_subscription_data(
                [(self._name, self.ids)], partner_ids
            )
        }
        vals_list = [
            {
                "res_model": self._name,
                "res_id": res_id,
                "partner_id": partner_id,
                "subtype_ids": [fields.Command.set(external.ids if partner_id in customers else default.ids)],
            }
            for res_id, ids in wanted.items()
            for partner_id in dict.fromkeys(ids)
            if partner_id in active.ids and (res_id, partner_id) not in existing
        ]
        if vals_list:
            Followers.create(vals_list)

    def action_view_vmi_notifications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_notification")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
