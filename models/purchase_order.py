# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, plaintext2html

from ..logic import rules
from ..logic.arguments import as_id, as_number
from .locking import lock_rows, lock_rows_or_raise

# Where a replenishment proposal stands (also the replenishment analysis').
VMI_STATES = [
    ("to_confirm", "Waiting for Supplier"),
    ("to_approve", "Waiting for Buyer"),
    ("approved", "Approved"),
    ("declined", "Declined"),
]


class PurchaseOrder(models.Model):
    """A VMI replenishment proposal is a request for quotation linked to an
    agreement. It waits for the supplier (confirm, adjust, decline); an
    adjustment beyond the agreed tolerance waits for the buyer; approval
    confirms the order, whose receipt goes into the VMI location owned by the
    supplier and creates nothing to bill (billing follows consumption).
    """

    _name = "purchase.order"
    _inherit = ["purchase.order", "vmi.portal.mixin", "vmi.outbox.mixin"]

    vmi_agreement_id = fields.Many2one(
        "vmi.agreement",
        string="VMI Agreement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    vmi_state = fields.Selection(
        VMI_STATES,
        string="VMI Status",
        copy=False,
        readonly=True,
        tracking=True,
        index="btree_not_null",
    )
    vmi_decline_reason = fields.Text(readonly=True, copy=False)
    vmi_supplier_note = fields.Text(readonly=True, copy=False)
    vmi_confirmed_by = fields.Many2one("res.users", readonly=True, copy=False)
    vmi_confirmed_date = fields.Datetime(readonly=True, copy=False)

    # Changed only by the proposal's workflow methods (as superuser, after
    # their own checks): a buyer writing ``vmi_state`` through RPC would
    # otherwise confirm a proposal the supplier never confirmed.
    _VMI_WORKFLOW_FIELDS = frozenset(
        {
            "vmi_agreement_id",
            "vmi_state",
            "vmi_decline_reason",
            "vmi_supplier_note",
            "vmi_confirmed_by",
            "vmi_confirmed_date",
            "vmi_reminder_date",
        }
    )

    vmi_reminder_date = fields.Datetime(
        string="Last Reminder",
        readonly=True,
        copy=False,
        help="When the supplier was last reminded of this proposal.",
    )

    def _vmi_portal_path(self):
        return f"/my/vmi/proposal/{self.id}"

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        """The supplier's button in a VMI proposal's notification e-mails
        opens the VMI page with a signed, expiring token, instead of Odoo's
        RFQ acknowledgement link (which would not answer the proposal)."""
        groups = super()._notify_get_recipients_groups(message, model_description, msg_vals=msg_vals)
        if len(self) != 1 or not self.vmi_agreement_id:
            return groups
        for group_name, _matcher, data in groups:
            if group_name == "portal_customer":
                data["button_access"] = {
                    "url": self._vmi_portal_url(),
                    "title": self.env._("Open the Proposal"),
                }
                data.pop("actions", None)
        return groups

    @api.constrains("company_id", "vmi_agreement_id")
    def _check_vmi_agreement_company(self):
        """A proposal belongs to its agreement's company. ``check_company``
        alone only sets the field's domain: purchase orders do not check
        their companies automatically (no ``_check_company_auto``)."""
        self.filtered("vmi_agreement_id")._check_company(["vmi_agreement_id"])

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("vmi_state") not in (None, False, "to_confirm") for vals in vals_list
        ):
            raise AccessError(self.env._("A VMI proposal starts waiting for the supplier's confirmation."))
        return super().create(vals_list)

    @api.model
    def _vmi_create_proposals(self, vals_list):
        """Create the review's proposals from ``vals_list`` (values of
        ``vmi.agreement._prepare_purchase_order``): the orders first, then
        all their lines in one ``purchase.order.line.create``. Purchase
        creates orders one by one, each with its lines: for hundreds of
        proposals, that was most of the review's time.

        Without mail.thread's "Purchase Order created" log line
        (``mail_create_nolog``): the supplier's e-mail says as much."""
        if not vals_list:
            return self.browse()
        lines_of_order = []
        headers = []
        for vals in vals_list:
            vals = dict(vals)
            commands = vals.pop("order_line", [])
            if any(command[0] != fields.Command.CREATE for command in commands):
                raise ValueError("VMI proposals are created with new lines only")
            lines_of_order.append([command[2] for command in commands])
            headers.append(vals)
        orders = self.with_context(mail_create_nolog=True).create(headers)
        line_vals = [
            dict(line, order_id=order.id)
            for order, lines in zip(orders, lines_of_order, strict=True)
            for line in lines
        ]
        if line_vals:
            self.env["purchase.order.line"].create(line_vals)
        return orders.with_env(self.env)

    def _vmi_workflow_fields(self):
        """The fields only the workflow writes (``_VMI_WORKFLOW_FIELDS``);
        the modules' files that add such fields extend it (super())."""
        return self._VMI_WORKFLOW_FIELDS

    def write(self, vals):
        if not self.env.su and self._vmi_workflow_fields().intersection(vals):
            raise AccessError(
                self.env._(
                    "The status of a VMI proposal changes only through its workflow: supplier "
                    "confirmation, adjustment or decline, and buyer approval."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Stock: VMI orders deliver into the VMI location, owned by the supplier
    # ------------------------------------------------------------------
    # The agreement is read as superuser here: a purchase manager approving a
    # VMI order (double validation) need not be a VMI user.
    def _get_destination_location(self):
        self.ensure_one()
        location = self.sudo().vmi_agreement_id.location_id
        if location:
            return location.id
        return super()._get_destination_location()

    def _get_final_location_record(self):
        self.ensure_one()
        location = self.sudo().vmi_agreement_id.location_id
        if location:
            return location.with_env(self.env)
        return super()._get_final_location_record()

    def _prepare_picking(self):
        vals = super()._prepare_picking()
        if self.vmi_agreement_id:
            vals["owner_id"] = self.sudo().vmi_agreement_id.partner_id.id
        return vals

    # ------------------------------------------------------------------
    # Billing: nothing to bill from a VMI order
    # ------------------------------------------------------------------
    def action_create_invoice(self):
        if any(self.mapped("vmi_agreement_id")):
            raise UserError(
                self.env._(
                    "VMI orders are not billed from receipts: the monthly settlement bills what was consumed."
                )
            )
        return super().action_create_invoice()

    # ------------------------------------------------------------------
    # Workflow of a proposal
    # ------------------------------------------------------------------
    def button_confirm(self):
        """A VMI proposal is confirmed only once approved (supplier confirmation,
        or buyer approval of an adjustment). No context key can bypass this:
        the context comes from the client."""
        if any(po.vmi_agreement_id and po.vmi_state != "approved" for po in self):
            raise UserError(
                self.env._("A VMI proposal is confirmed by the supplier first; the buyer then approves it.")
            )
        return super().button_confirm()

    def button_approve(self, force=False):
        """Double validation: the purchase manager's approval of a VMI order
        (approved by the supplier, waiting "To Approve") still needs its
        agreement in force."""
        self.filtered("vmi_agreement_id")._vmi_check_agreement_in_force()
        return super().button_approve(force=force)

    def button_draft(self):
        """A cancelled VMI proposal set back to draft waits for the supplier
        again: what the supplier confirmed before no longer holds."""
        self.filtered("vmi_agreement_id")._vmi_check_agreement_in_force()
        res = super().button_draft()
        self.filtered("vmi_agreement_id").sudo().write(
            {"vmi_state": "to_confirm", "vmi_confirmed_by": False, "vmi_confirmed_date": False}
        )
        return res

    def _vmi_check_supplier(self):
        """The current user must be the supplier of these proposals (one of
        its contacts) or a VMI manager of the company recording the supplier's
        answer (given by phone or chat). Portal users reach this method through
        RPC or the portal: record rules already restrict what they can read;
        this also checks that they act for the right supplier.

        Returns whether the user acts on behalf of the supplier (internal
        user): the action is then noted in the chatter."""
        self.check_access("read")
        user = self.env.user
        if not self:
            return False
        on_behalf = user._is_internal()
        for order in self:
            if not order.vmi_agreement_id:
                raise UserError(self.env._("%s is not a VMI proposal.", order.name))
            if on_behalf:
                if not user.has_group("stock_vmi.group_vmi_manager"):
                    raise AccessError(
                        self.env._("Only VMI managers can record a supplier's answer on its behalf.")
                    )
                continue
            if not order._vmi_is_supplier_user(user):
                raise AccessError(self.env._("You can only act on the proposals made to your company."))
        if on_behalf:
            self.check_access("write")
        return on_behalf

    def _vmi_check_agreement_in_force(self):
        """Refuse to confirm or approve a proposal whose agreement is not in
        force (``vmi.agreement._in_force_domain``): closed, or outside its
        validity dates. Declining or rejecting it stays possible."""
        today = fields.Date.context_today(self)
        for order in self:
            agreement = order.sudo().vmi_agreement_id
            if not agreement._is_in_force(today):
                raise UserError(
                    self.env._(
                        "Proposal %(order)s cannot be confirmed or approved: agreement "
                        "%(agreement)s is no longer in force (closed or past its end date).",
                        order=order.name,
                        agreement=agreement.name,
                    )
                )

    def _vmi_check_state(self, states):
        """Lock these proposals' rows, then check under the lock that each is
        a VMI proposal in one of ``states`` and still open: the first step of
        every answer, the supplier's or the buyer's. Two answers to one
        proposal at the same moment never both go through: the second is
        refused at once with a clear message, whether the first is still
        running or committed after the second began (which cannot see it);
        tried again, it reads the first one's outcome ("approved")."""
        not_vmi = self.filtered(lambda po: not po.vmi_agreement_id)
        if not_vmi:
            raise UserError(self.env._("%s is not a VMI proposal.", ", ".join(not_vmi.mapped("name"))))
        lock_rows_or_raise(
            self,
            self.env._(
                "Proposal %s is being answered by someone else right now, or was answered meanwhile: "
                "reload it in a moment to see its status.",
                ", ".join(self.mapped("name")),
            ),
        )
        for order in self:
            if order.vmi_state not in states or order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._(
                        "Proposal %(order)s is %(state)s: it can no longer be changed.",
                        order=order.name,
                        state=dict(order._fields["vmi_state"]._description_selection(self.env)).get(
                            order.vmi_state, order.state
                        ),
                    )
                )

    def action_vmi_supplier_confirm(self, note=None):
        """Supplier: confirm the proposal as proposed, with an optional
        ``note`` (text). It is then approved. A VMI manager may record the
        supplier's confirmation on its behalf."""
        note = self._vmi_text_argument(note)
        on_behalf = self._vmi_check_supplier()
        self._vmi_check_state(("to_confirm",))
        self._vmi_check_agreement_in_force()
        if on_behalf:
            self._vmi_note_on_behalf(self.env._("Confirmed on behalf of %(supplier)s by %(user)s."))
        orders = self.sudo()
        orders.write(self._vmi_confirmation_vals(note))
        orders._vmi_approve()
        return True

    def action_vmi_supplier_adjust(self, quantities=None, date_planned=None, note=None):
        """Supplier: change quantities and/or the promised date of one
        proposal, with an optional ``note``. ``quantities`` is a dict
        ``{purchase line id: quantity}`` (ids as numbers or strings, as
        XML-RPC keys must be) or a list of ``[line id, quantity]`` pairs; each
        quantity must respect its line's unit and pack multiple
        (``purchase.order.line._vmi_check_adjusted_qty``). ``date_planned`` is
        a datetime or ``"YYYY-MM-DD HH:MM:SS"``, today or later. Within the
        agreement's tolerance the proposal is approved at once; beyond it, it
        waits for the buyer. A VMI manager may record the supplier's
        adjustment on its behalf. Anything invalid is refused with a
        ``ValidationError`` and changes nothing."""
        if len(self) != 1:
            raise UserError(self.env._("Adjust one proposal at a time."))
        note = self._vmi_text_argument(note)
        on_behalf = self._vmi_check_supplier()
        self._vmi_check_state(("to_confirm",))
        self._vmi_check_agreement_in_force()
        order = self.sudo()
        clean = order._vmi_adjusted_quantities(quantities)
        date_planned = self._vmi_promised_date(date_planned)
        if not clean and not date_planned:
            raise ValidationError(
                self.env._("Change a quantity or the promised date, or confirm the proposal as it is.")
            )
        tolerance = order.vmi_agreement_id.adjust_tolerance
        within = all(
            rules.within_tolerance(line.vmi_proposed_qty, qty, tolerance) for line, qty in clean.items()
        )
        for line, qty in clean.items():
            line.product_qty = qty
        if date_planned:
            order.order_line.date_planned = date_planned
            order.date_planned = date_planned
        if on_behalf:
            order._vmi_note_on_behalf(self.env._("Adjusted on behalf of %(supplier)s by %(user)s."))
        vals = self._vmi_confirmation_vals(note)
        if within:
            order.write(vals)
            order._vmi_approve()
        else:
            vals["vmi_state"] = "to_approve"
            # The status change is tracked for the buyer: in the buyer's language.
            order.with_context(lang=order._vmi_buyer_lang()).write(vals)
            order._vmi_notify_buyer(
                lambda env: env._(
                    "The supplier adjusted proposal %(order)s beyond the agreed tolerance: "
                    "please approve or reject it.",
                    order=order.name,
                )
            )
        return True

    def _vmi_adjusted_quantities(self, quantities):
        """``{purchase line: quantity}`` from the supplier's ``quantities``
        (see ``action_vmi_supplier_adjust``), every line of this proposal and
        given once, every quantity checked by its line. Raises
        ``ValidationError`` on the first invalid one."""
        self.ensure_one()
        if not quantities:
            return {}
        if isinstance(quantities, dict):
            pairs = list(quantities.items())
        elif isinstance(quantities, (list, tuple)) and all(
            isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in quantities
        ):
            pairs = [tuple(pair) for pair in quantities]
        else:
            raise ValidationError(
                self.env._(
                    "Quantities must be given as {line id: quantity} or as a list of "
                    "[line id, quantity] pairs."
                )
            )
        lines_by_id = {line.id: line for line in self.order_line}
        clean = {}
        for line_id, qty in pairs:
            line_id, qty = as_id(line_id), as_number(qty)
            if line_id is None or qty is None:
                raise ValidationError(self.env._("Quantities must be numbers."))
            line = lines_by_id.get(line_id)
            if not line:
                raise ValidationError(
                    self.env._(
                        "Line %(line)s is not part of proposal %(order)s.", line=line_id, order=self.name
                    )
                )
            if line in clean:
                raise ValidationError(
                    self.env._(
                        "%(product)s: give one quantity per line.", product=line.product_id.display_name
                    )
                )
            line._vmi_check_adjusted_qty(qty)
            clean[line] = qty
        return clean

    def _vmi_promised_date(self, value):
        """The supplier's promised date (a datetime), or ``None`` when not
        given; refused when not a date, or in the past."""
        if not value:
            return None
        try:
            promised = fields.Datetime.to_datetime(value)
        except (TypeError, ValueError):
            promised = None
        if not promised:
            raise ValidationError(self.env._("The promised date is not a valid date."))
        if promised.date() < fields.Date.context_today(self):
            raise ValidationError(self.env._("The promised date cannot be in the past."))
        return promised

    def action_vmi_supplier_decline(self, reason=None):
        """Supplier: decline the proposal, with a ``reason`` (text, required).
        The RFQ is cancelled. A VMI manager may record the supplier's decline
        on its behalf."""
        reason = self._vmi_text_argument(
            reason, missing=self.env._("Please give a reason for declining the proposal.")
        )
        on_behalf = self._vmi_check_supplier()
        self._vmi_check_state(("to_confirm",))
        if on_behalf:
            self._vmi_note_on_behalf(self.env._("Declined on behalf of %(supplier)s by %(user)s."))
        orders = self.sudo()
        orders.write({"vmi_state": "declined", "vmi_decline_reason": reason})
        orders.button_cancel()
        for order in orders:
            order._vmi_notify_buyer(
                lambda env, order=order: env._(
                    "The supplier declined proposal %(order)s: %(reason)s", order=order.name, reason=reason
                )
            )
        return True

    def action_vmi_buyer_approve(self):
        """Buyer: approve a proposal that the supplier adjusted beyond tolerance."""
        if not self.env.user.has_group("stock_vmi.group_vmi_user"):
            raise AccessError(self.env._("Only VMI users can approve VMI proposals."))
        # Record rules (multi-company): what follows writes as superuser.
        self.check_access("write")
        self._vmi_check_state(("to_approve",))
        self._vmi_check_agreement_in_force()
        self._vmi_close_approval_activity(self.env._("Approved"))
        self._vmi_approve()
        return True

    def action_vmi_buyer_reject(self):
        """Buyer: reject the supplier's adjustment; the proposal is cancelled."""
        if not self.env.user.has_group("stock_vmi.group_vmi_user"):
            raise AccessError(self.env._("Only VMI users can reject VMI proposals."))
        # Record rules (multi-company): what follows writes as superuser.
        self.check_access("write")
        self._vmi_check_state(("to_approve", "to_confirm"))
        self._vmi_close_approval_activity(self.env._("Rejected"))
        self.sudo().write({"vmi_state": "declined"})
        self.button_cancel()
        return True

    def _vmi_close_approval_activity(self, feedback):
        """Mark the buyer's "Approve VMI proposal" to-do as done."""
        for order in self.filtered(lambda po: po.vmi_state == "to_approve"):
            order.activity_feedback(
                ["mail.mail_activity_data_todo"], user_id=order.vmi_agreement_id.user_id.id, feedback=feedback
            )

    def _vmi_confirmation_vals(self, note):
        vals = {"vmi_confirmed_by": self.env.uid, "vmi_confirmed_date": fields.Datetime.now()}
        if note:
            vals["vmi_supplier_note"] = note
        return vals

    def _vmi_approve(self):
        """Approve and confirm: the purchase order is confirmed (receipt
        created into the VMI location). Lines set to 0 are removed first.

        With the company's purchase double validation, an order above the
        amount waits for a purchase manager ("To Approve"): it stays an open
        proposal until then, and the buyer is told so."""
        zero = self.order_line.filtered(
            lambda ln: float_compare(ln.product_qty, 0, precision_rounding=ln.product_uom.rounding) <= 0
        )
        zero.unlink()
        empty = self.filtered(lambda po: not po.order_line)
        if empty:
            empty.sudo().write(
                {"vmi_state": "declined", "vmi_decline_reason": self.env._("All quantities set to zero.")}
            )
            empty.button_cancel()
        to_confirm = self - empty
        to_confirm.sudo().write({"vmi_state": "approved"})
        to_confirm.button_confirm()
        for order in to_confirm:
            if order.state == "to approve":
                order._vmi_notify_buyer(
                    lambda env, order=order: env._(
                        "Proposal %(order)s was approved; the purchase order now waits for the purchase "
                        "manager's approval before the receipt is created.",
                        order=order.name,
                    )
                )
            else:
                order._vmi_notify_buyer(
                    lambda env, order=order: env._(
                        "Proposal %(order)s was approved and confirmed.", order=order.name
                    )
                )
        return True

    def _vmi_buyer_lang(self):
        """Language of the agreement's responsible buyer (who reads the notes
        and to-dos about the supplier's answers), else the current one."""
        self.ensure_one()
        buyer = self.vmi_agreement_id.sudo().user_id
        return buyer.lang or self.env.lang

    def _vmi_notify_buyer(self, message):
        """Note (and to-do when the buyer must approve) for the buyer, written
        in the buyer's language whoever answered (a zh_CN supplier's answer
        reads in English for an English buyer). ``message(env)`` returns the
        text translated in ``env``'s language."""
        self.ensure_one()
        buyer = self.vmi_agreement_id.sudo().user_id
        env = self.with_context(lang=self._vmi_buyer_lang()).env
        body = message(env)
        self.message_post(body=body, partner_ids=buyer.partner_id.ids, subtype_xmlid="mail.mt_note")
        if self.vmi_state == "to_approve" and buyer:
            self.with_env(env).activity_schedule(
                "mail.mail_activity_data_todo",
                summary=env._("Approve VMI proposal"),
                note=plaintext2html(body),
                user_id=buyer.id,
            )

    def _vmi_notify_new_proposal(self):
        """Send each new proposal to its supplier (e-mail with a portal link)."""
        template = self.env.ref("stock_vmi.mail_template_vmi_proposal", raise_if_not_found=False)
        self._vmi_post_template(template)
        self.filtered(lambda po: po.state == "draft").write({"state": "sent"})

    def _vmi_outbox_agreement(self):
        return self.vmi_agreement_id

    def _vmi_outbox_send(self, kind):
        """The outbox's e-mails (``vmi.notification``; ``self`` is sudo, its
        notifications locked): a new proposal or a reminder, for the
        proposals still waiting for their supplier. One answered, declined or
        cancelled before its turn is not e-mailed any more."""
        to_send = self.filtered(lambda po: po.vmi_state == "to_confirm" and po.state in ("draft", "sent"))
        if kind == "reminder":
            template = self.env.ref("stock_vmi.mail_template_vmi_proposal_reminder", raise_if_not_found=False)
            if not template:
                return self.browse()
            to_send._vmi_post_template(template, subscribe=False)
            return to_send
        # No "RFQ → RFQ Sent" tracking line: the e-mail says it (and it
        # would cost a notification and about six queries a proposal).
        to_send._track_discard()
        to_send._vmi_notify_new_proposal()
        return to_send

    @api.model
    def _vmi_reminder_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param("stock_vmi.proposal_reminder_days")
        try:
            return max(int(value), 1) if value else 2
        except ValueError:
            return 2

    @api.model
    def _cron_vmi_remind_proposals(self):
        """Remind suppliers of the proposals still waiting for their answer
        ``stock_vmi.proposal_reminder_days`` days (2 by default) after they
        were sent or last reminded: one reminder per proposal in the outbox
        (``vmi.notification``, sent by its jobs; the e-mail links to the
        proposal's portal page with a fresh expiring token). The proposals
        are locked (``SKIP LOCKED``) and their reminder date written in the
        transaction that queues the reminder: two runs at once, or a
        supplier answering meanwhile, never remind twice."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=self._vmi_reminder_days())
        domain = [
            ("vmi_state", "=", "to_confirm"),
            ("state", "in", ("draft", "sent")),
            "|",
            ("vmi_reminder_date", "<=", limit),
            "&",
            ("vmi_reminder_date", "=", False),
            ("create_date", "<=", limit),
        ]
        orders = self.search(domain, order="id")
        if not orders:
            return True
        orders.flush_recordset(["vmi_reminder_date", "vmi_state"])
        locked = lock_rows(orders, SQL("vmi_state = 'to_confirm'"))
        if locked:
            locked.sudo().write({"vmi_reminder_date": fields.Datetime.now()})
            self.env["vmi.notification"]._vmi_queue(locked, "reminder")
        return True

    @api.model
    def _get_vmi_open_proposals_domain(self):
        """Proposals still open: waiting for the supplier or the buyer, or
        approved but waiting for the purchase manager (double validation)."""
        return [
            "|",
            "&",
            ("vmi_state", "in", ("to_confirm", "to_approve")),
            ("state", "!=", "cancel"),
            "&",
            ("vmi_state", "=", "approved"),
            ("state", "=", "to approve"),
        ]
