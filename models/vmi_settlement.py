# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from collections import defaultdict

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_round, plaintext2html

from .account_move import is_settlement_cancel, settlement_cancel_context, settlement_link_context


class VmiSettlement(models.Model):
    """The consumption statement of one agreement for one period, and the
    draft vendor bill made from it (SPEC step 5: settle what was consumed).

    Returns consumed before the settlement are netted in its quantities; a
    return after the settlement lands on the next settlement as a negative
    quantity (a negative bill line). When a whole period nets negative, the
    settlement produces a vendor credit note (refund) instead of a bill.

    Settlements are written only by ``vmi.agreement._settle`` (accountants
    read them). Their bill cannot be deleted or cancelled on its own
    (``account.move._vmi_check_settlement_bill``): an accountant cancels the
    settlement instead (``action_cancel``), which **deletes** the settlement
    (no "cancelled" state: the agreement's chatter keeps the trace), deletes its
    draft bill (or cancels it, if it was posted once) and releases its
    consumption for the next settlement. A posted bill is corrected with a
    credit note.

    ``name`` is language-neutral: ``<agreement>/<YYYY-MM of the cut-off>``,
    with a ``-2``, ``-3``... suffix when several settlements of the agreement
    share the month.

    The supplier receives the statement by e-mail (a signed, expiring portal
    link, ``vmi.portal.mixin``) and approves or disputes it before the bill is
    posted (``supplier_state``). A dispute blocks posting the bill
    (``account.move._post``) until an accountant resolves it; a statement the
    supplier never answers does not block anything.
    """

    _name = "vmi.settlement"
    _description = "VMI Settlement"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin", "vmi.portal.mixin", "vmi.outbox.mixin"]
    _order = "date_to desc, id desc"
    # Accountants and buyers only read settlements (they change through their
    # buttons), but answer a dispute in its thread.
    _mail_post_access = "read"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    agreement_id = fields.Many2one(
        "vmi.agreement", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="agreement_id.partner_id", store=True, index=True, string="Supplier")
    currency_id = fields.Many2one(related="agreement_id.currency_id", store=True)
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="Cut-off", required=True, readonly=True)
    line_ids = fields.One2many("vmi.settlement.line", "settlement_id", readonly=True)
    consumption_ids = fields.One2many("vmi.consumption", "settlement_id", readonly=True)
    bill_id = fields.Many2one(
        "account.move",
        string="Vendor Bill",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    bill_state = fields.Selection(related="bill_id.state", string="Bill Status")
    amount_untaxed = fields.Monetary(compute="_compute_amount", store=True)
    state = fields.Selection(
        [("draft", "Draft"), ("billed", "Billed"), ("posted", "Bill Posted")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    supplier_state = fields.Selection(
        [
            ("pending", "Awaiting Supplier"),
            ("approved", "Approved by Supplier"),
            ("disputed", "Disputed"),
            ("resolved", "Dispute Resolved"),
            ("tacit", "Tacitly Approved"),
            ("unanswered", "Posted Before Answer"),
        ],
        string="Supplier Approval",
        default="pending",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    supplier_dispute_reason = fields.Text(string="Dispute Reason", readonly=True, copy=False)
    supplier_answer_uid = fields.Many2one("res.users", string="Answered By", readonly=True, copy=False)
    supplier_answer_date = fields.Datetime(string="Answered On", readonly=True, copy=False)
    dispute_resolution = fields.Text(readonly=True, copy=False)
    # No UNIQUE(agreement_id, date_to): a second run for the same cut-off bills
    # the consumption recorded since (a second settlement). Billing exactly once
    # rests on the agreement lock and the ``settlement_id IS NULL`` claim
    # (``vmi.agreement._settle``, ``_claim_consumptions``).

    @api.model_create_multi
    def create(self, vals_list):
        taken = {}
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                agreement = self.env["vmi.agreement"].browse(vals["agreement_id"])
                date_to = fields.Date.to_date(vals["date_to"])
                vals["name"] = self._get_free_name(agreement, date_to, taken)
        return super().create(vals_list)

    @api.model
    def _get_free_name(self, agreement, date_to, taken):
        """``<agreement>/<YYYY-MM>``, suffixed ``-2``, ``-3``... when the
        agreement already has a settlement of that name; ``taken`` collects the
        names given in the same ``create``."""
        base = f"{agreement.name}/{date_to:%Y-%m}"
        if base not in taken:
            taken[base] = set(
                self.sudo()
                .search([("agreement_id", "=", agreement.id), ("name", "=like", f"{base}%")])
                .mapped("name")
            )
        names = taken[base]
        name, number = base, 1
        while name in names:
            number += 1
            name = f"{base}-{number}"
        names.add(name)
        return name

    @api.depends("line_ids.amount")
    def _compute_amount(self):
        for settlement in self:
            settlement.amount_untaxed = sum(settlement.line_ids.mapped("amount"))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if is_settlement_cancel(self.env):
            return
        raise UserError(
            self.env._(
                "Settlements cannot be deleted: they are the record of what was billed. Cancel a "
                "settlement whose bill is still a draft instead."
            )
        )

    def _claim_consumptions(self, consumptions):
        """Link ``consumptions`` to this settlement, in SQL, only where they are
        still unbilled. If any row was billed meanwhile (a concurrent
        settlement), fail: the whole settlement rolls back."""
        self.ensure_one()
        if not consumptions:
            return
        lines_by_key = {
            (line.product_id.id, line.uom_id.id, line.price_unit): line.id for line in self.line_ids
        }
        consumptions.flush_recordset(
            ["product_id", "uom_id", "price_unit", "settlement_id", "settlement_line_id"]
        )
        ids = list(dict.fromkeys(consumptions.ids))
        self.env.cr.execute(
            "SELECT id, product_id, uom_id, price_unit FROM vmi_consumption WHERE id IN %s",
            [tuple(ids)],
        )
        # price_unit as the ORM reads it (Float.convert_to_cache: rounded to
        # the field's digits), as the lines' keys were.
        digits = consumptions._fields["price_unit"].get_digits(self.env)
        line_of = {}
        for consumption_id, product_id, uom_id, price_unit in self.env.cr.fetchall():
            price = float(price_unit or 0.0)
            if digits:
                price = float_round(price, precision_digits=digits[1])
            # None: a product whose consumption nets to zero has no line.
            line_of[consumption_id] = lines_by_key.get((product_id, uom_id, price))
        # One statement, each row written once: its settlement and its line.
        self.env.cr.execute(
            """
            UPDATE vmi_consumption c
               SET settlement_id = %s, settlement_line_id = v.line_id
              FROM unnest(%s::int[], %s::int[]) AS v(id, line_id)
             WHERE c.id = v.id AND c.settlement_id IS NULL
            RETURNING c.id
            """,
            [self.id, ids, [line_of.get(cid) for cid in ids]],
        )
        if len(self.env.cr.fetchall()) != len(ids):
            raise UserError(
                self.env._(
                    "Some consumption of %s was billed by another settlement meanwhile; nothing was billed.",
                    self.agreement_id.name,
                )
            )
        consumptions.invalidate_recordset(["settlement_id", "settlement_line_id"])

    def _create_bill(self):
        """Create the draft vendor bill of this settlement (``_create_bills``)."""
        self.ensure_one()
        return self._create_bills()

    def _create_bills(self):
        """Create the draft vendor bills (or refunds, when a period nets
        negative) of these settlements, with the current user's own rights (the
        settlements themselves are written with ``sudo``): one
        ``account.move.create`` per company, because accounting syncs the
        dynamic tax and payable lines of a whole batch at once (bill by bill,
        that was three quarters of the monthly settlement's time). A
        settlement whose products all net to zero is marked billed, without
        a bill.

        The statements are e-mailed to the suppliers through the outbox
        (``vmi.notification``), once this transaction commits. Returns the
        moves."""
        Move = self.env["account.move"]
        to_bill = self.filtered("line_ids")
        (self - to_bill).sudo().state = "billed"
        if not to_bill:
            return Move
        by_company = defaultdict(lambda: self.browse())
        for settlement in to_bill:
            by_company[settlement.company_id] |= settlement
        bills = Move
        for company, settlements in by_company.items():
            vals_list = []
            for settlement in settlements:
                move_type = "in_refund" if sum(settlement.line_ids.mapped("amount")) < 0 else "in_invoice"
                vals_list.append(settlement._prepare_bill(move_type))
            company_bills = (
                Move.with_company(company).with_context(**settlement_link_context()).create(vals_list)
            )
            for settlement, bill in zip(settlements, company_bills, strict=True):
                settlement.sudo().write({"bill_id": bill.id, "state": "billed"})
            bills |= company_bills.with_env(self.env)
        self.env["vmi.notification"]._vmi_queue(to_bill, "statement")
        return bills

    def _prepare_bill(self, move_type):
        """Extension point: values of the vendor bill of this settlement."""
        self.ensure_one()
        agreement = self.agreement_id
        sign = -1 if move_type == "in_refund" else 1
        fiscal_position = (
            self.env["account.fiscal.position"]
            .with_company(self.company_id)
            ._get_fiscal_position(agreement.partner_id)
        )
        return {
            "move_type": move_type,
            "partner_id": agreement.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": self.date_to,
            "ref": self.env._(
                "VMI consumption %(agreement)s %(start)s - %(end)s",
                agreement=agreement.name,
                start=self.date_from,
                end=self.date_to,
            ),
            "invoice_origin": agreement.name,
            "vmi_settlement_id": self.id,
            "fiscal_position_id": fiscal_position.id,
            "invoice_line_ids": [
                fields.Command.create(line._prepare_bill_line(sign, fiscal_position))
                for line in self.line_ids
            ],
        }

    # ------------------------------------------------------------------
    # Cancel
    # ------------------------------------------------------------------
    def action_cancel(self):
        """Accountants: cancel settlements whose bill is still a draft (or was
        cancelled). The draft bill is deleted (cancelled instead if it was
        posted once: its number stays in the sequence), the consumption is
        released for the next settlement, the settlements are deleted and the
        agreement's last settlement date goes back to the previous cut-off, so
        the next settlement (the wizard, or the cron's next run) bills that
        consumption again. A posted bill is corrected with a credit note."""
        if not self:
            return True
        if not (self.env.is_superuser() or self.env.user.has_group("account.group_account_invoice")):
            raise AccessError(
                self.env._("Only accountants (Invoicing: Billing) can cancel a VMI settlement.")
            )
        self.check_access("read")
        posted = self.filtered(lambda s: s.bill_id.state == "posted")
        if posted:
            raise UserError(
                self.env._(
                    "The bill of %(settlements)s is posted: the settlement cannot be cancelled. "
                    "Issue a credit note for the bill instead.",
                    settlements=", ".join(posted.mapped("name")),
                )
            )
        agreements = self.agreement_id
        agreements._lock_for_settlement()
        # The only place that sets this context: it lets the bill and the
        # settlement go (see ``account_move._SettlementCancelToken``).
        cancel_ctx = settlement_cancel_context()
        for settlement in self:
            bill = settlement.bill_id
            if bill.state == "draft" and not bill.posted_before:
                bill.with_context(**cancel_ctx).unlink()
                continue
            if bill.state == "draft":
                bill.with_context(**cancel_ctx).button_cancel()
            if bill:
                # Marked so that it can never be reset to draft and posted again.
                bill.with_context(**cancel_ctx).write({"vmi_settlement_cancelled": True})
                bill.message_post(
                    body=self.env._(
                        "VMI settlement %(settlement)s was cancelled: its consumption will be billed "
                        "again by a later settlement; this bill cannot be reset to draft.",
                        settlement=settlement.name,
                    )
                )
        for agreement in agreements:
            cancelled = self.filtered(lambda s, a=agreement: s.agreement_id == a)
            agreement.sudo().message_post(
                body=self.env._(
                    "Settlement %(settlements)s cancelled; its consumption will be billed again.",
                    settlements=", ".join(f"{s.name} ({s.date_from} - {s.date_to})" for s in cancelled),
                )
            )
            last = agreement.last_settlement_date
            if last and last <= max(cancelled.mapped("date_to")):
                remaining = agreement.sudo().settlement_ids - cancelled
                agreement.sudo().write(
                    {"last_settlement_date": max(remaining.mapped("date_to"), default=False)}
                )
        self._release_consumptions()
        self.sudo().with_context(**cancel_ctx).unlink()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_settlement")
        action["domain"] = [("agreement_id", "in", agreements.ids)]
        return action

    def _release_consumptions(self):
        """Unlink the consumption of ``self`` from it, in one SQL statement, so
        that the next settlement bills it."""
        if not self:
            return
        Consumption = self.env["vmi.consumption"]
        Consumption.flush_model(["settlement_id", "settlement_line_id"])
        self.env.cr.execute(
            """
            UPDATE vmi_consumption
               SET settlement_id = NULL, settlement_line_id = NULL
             WHERE settlement_id IN %s
            """,
            [tuple(self.ids)],
        )
        Consumption.invalidate_model(["settlement_id", "settlement_line_id"])
        self.invalidate_recordset(["consumption_ids"])
        self.line_ids.invalidate_recordset(["consumption_ids"])

    # ------------------------------------------------------------------
    # Portal: statement e-mail and links
    # ------------------------------------------------------------------
    def _vmi_portal_path(self):
        return f"/my/vmi/statement/{self.id}"

    def _compute_access_url(self):  # pylint: disable=missing-return
        # (missing-return: a compute method returns nothing, it assigns the field)
        # portal.mixin's default ("#") would make the "View" button of the
        # notification e-mails (and ``_get_access_action``) lead nowhere.
        super()._compute_access_url()
        for settlement in self:
            settlement.access_url = settlement._vmi_portal_path()

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        """The supplier's button in notification e-mails carries the signed,
        expiring token of ``vmi.portal.mixin`` rather than portal.mixin's
        static ``access_token``: a forwarded e-mail must not open the
        statement forever."""
        groups = super()._notify_get_recipients_groups(message, model_description, msg_vals=msg_vals)
        if len(self) == 1:
            for group_name, _matcher, data in groups:
                if group_name == "portal_customer" and data.get("button_access"):
                    data["button_access"]["url"] = self._vmi_portal_url()
        return groups

    def _vmi_outbox_agreement(self):
        return self.agreement_id

    def _vmi_outbox_send(self, kind):
        """The outbox's statement e-mails (``vmi.notification``; ``self`` is
        sudo, its notifications locked). A cancelled settlement is deleted,
        so it is never found here; one without a bill (nothing to bill) is
        not e-mailed."""
        to_send = self.filtered("bill_id")
        to_send._vmi_send_statement()
        return to_send

    def _vmi_send_statement(self):
        """E-mail each statement to its supplier, who follows it from then on
        (answers and the resolution of a dispute reach it).

        Written with ``sudo``: the accountant who settles only reads
        settlements; the message's author stays the current user."""
        template = self.env.ref("stock_vmi.mail_template_vmi_statement", raise_if_not_found=False)
        self.sudo()._vmi_post_template(template)

    # ------------------------------------------------------------------
    # Supplier approval
    # ------------------------------------------------------------------
    @api.model
    def _vmi_is_accountant(self, user):
        return user.has_group("account.group_account_invoice")

    def _vmi_check_statement_supplier(self):
        """The current user must be a contact of the statement's supplier
        (portal) or an accountant recording the supplier's answer given by
        phone or e-mail. Portal users reach this through RPC or the portal:
        record rules restrict what they read; this also checks they answer for
        their own company.

        Returns whether the user acts on behalf of the supplier (an internal
        user): the answer is then noted in the chatter."""
        self.check_access("read")
        user = self.env.user
        on_behalf = user._is_internal()
        if on_behalf:
            if not (self.env.is_superuser() or self._vmi_is_accountant(user)):
                raise AccessError(
                    self.env._(
                        "Only accountants (Invoicing: Billing) can record a supplier's answer on its behalf."
                    )
                )
            return True
        for settlement in self:
            if not settlement._vmi_is_supplier_user(user):
                raise AccessError(self.env._("You can only answer the statements of your own company."))
        return False

    def _vmi_check_supplier_can_answer(self):
        """A statement is answered before its bill is posted, once (again
        after a dispute was resolved).

        The statements are locked first, as ``account.move._post`` does: an
        answer and the posting of the bill never both go through (the later
        one waits, then fails and is retried by Odoo, and sees the other)."""
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM vmi_settlement WHERE id IN %s FOR NO KEY UPDATE", [tuple(self.ids)]
            )
        for settlement in self.sudo():
            if settlement.bill_id.state == "posted":
                raise UserError(
                    self.env._(
                        "The bill of statement %(statement)s is posted: it can no longer be approved or "
                        "disputed; contact the accountant.",
                        statement=settlement.name,
                    )
                )
            if settlement.bill_id.state == "cancel":
                raise UserError(
                    self.env._(
                        "The bill of statement %(statement)s is cancelled: there is nothing to approve "
                        "or dispute.",
                        statement=settlement.name,
                    )
                )
            if settlement.supplier_state not in ("pending", "resolved"):
                raise UserError(
                    self.env._(
                        "Statement %(statement)s is already “%(state)s”: it cannot be answered again.",
                        statement=settlement.name,
                        state=settlement._vmi_supplier_state_label(),
                    )
                )

    def _vmi_supplier_state_label(self):
        self.ensure_one()
        return dict(self._fields["supplier_state"]._description_selection(self.env))[self.supplier_state]

    def _vmi_post_to_supplier(self, body):
        """A message the supplier's followers see (and receive)."""
        self.ensure_one()
        self.sudo().message_post(
            body=body,
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _vmi_answer_vals(self, state):
        return {
            "supplier_state": state,
            "supplier_answer_uid": self.env.uid,
            "supplier_answer_date": fields.Datetime.now(),
        }

    def action_supplier_approve(self):
        """Supplier: approve the statement (its quantities and bill). An
        accountant may record the supplier's approval on its behalf."""
        on_behalf = self._vmi_check_statement_supplier()
        self._vmi_check_supplier_can_answer()
        if on_behalf:
            self._vmi_note_on_behalf(self.env._("Approved on behalf of %(supplier)s by %(user)s."))
        self.sudo().write(self._vmi_answer_vals("approved"))
        for settlement in self:
            settlement._vmi_post_to_supplier(
                self.env._("Statement %(statement)s approved by the supplier.", statement=settlement.name)
            )
        return True

    def action_supplier_dispute(self, reason=None):
        """Supplier: dispute the statement, with a ``reason`` (text, required).
        Posting its bill is blocked until an accountant resolves the dispute;
        the accountant gets a to-do. An accountant may record the supplier's
        dispute on its behalf."""
        reason = self._vmi_text_argument(
            reason, missing=self.env._("Please give a reason for disputing the statement.")
        )
        on_behalf = self._vmi_check_statement_supplier()
        self._vmi_check_supplier_can_answer()
        if on_behalf:
            self._vmi_note_on_behalf(self.env._("Disputed on behalf of %(supplier)s by %(user)s."))
        vals = self._vmi_answer_vals("disputed")
        vals.update(supplier_dispute_reason=reason, dispute_resolution=False)
        self.sudo().write(vals)
        for settlement in self:
            settlement._vmi_post_to_supplier(
                self.env._(
                    "Statement %(statement)s disputed by the supplier: %(reason)s",
                    statement=settlement.name,
                    reason=reason,
                )
            )
            accountant = settlement._vmi_get_accountant()
            if accountant:
                settlement.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Resolve the supplier's dispute"),
                    # The reason is text: an HTML note would lose its markup.
                    note=plaintext2html(reason),
                    user_id=accountant.id,
                )
        return True

    def _vmi_get_accountant(self):
        """Extension point: who resolves a dispute of this statement. The
        accountant who settled it (when still an active accountant of the
        company; not the cron's OdooBot), else the agreement's responsible
        buyer if an accountant, else the company's first accounting manager,
        else its first accountant: only accountants can resolve a dispute."""
        self.ensure_one()
        settlement = self.sudo()
        company = settlement.company_id

        def fits(user):
            return (
                user
                and user.active
                and user.id != SUPERUSER_ID
                and user._is_internal()
                and company in user.company_ids
            )

        creator = settlement.create_uid
        if fits(creator) and self._vmi_is_accountant(creator):
            return creator
        buyer = settlement.agreement_id.user_id
        if fits(buyer) and self._vmi_is_accountant(buyer):
            return buyer
        # Only an accountant can resolve the dispute (``action_resolve_dispute``).
        for group in ("account.group_account_manager", "account.group_account_invoice"):
            accountants = self.env.ref(group).sudo().users.filtered(fits).sorted("id")
            if accountants:
                return accountants[:1]
        return self.env["res.users"]

    def action_resolve_dispute(self, resolution=None):
        """Accountants: close the supplier's dispute with what was done (a
        credit note, a corrected bill, an explanation). The bill may then be
        posted; the supplier reads the resolution and may approve or dispute
        the statement again."""
        if not (self.env.is_superuser() or self._vmi_is_accountant(self.env.user)):
            raise AccessError(
                self.env._("Only accountants (Invoicing: Billing) can resolve a supplier's dispute.")
            )
        self.check_access("read")
        not_disputed = self.filtered(lambda s: s.supplier_state != "disputed")
        if not_disputed:
            raise UserError(
                self.env._(
                    "%(statements)s is not disputed: there is nothing to resolve.",
                    statements=", ".join(not_disputed.mapped("name")),
                )
            )
        resolution = self._vmi_text_argument(
            resolution, missing=self.env._("Please describe how the dispute was resolved.")
        )
        self.sudo().write({"supplier_state": "resolved", "dispute_resolution": resolution})
        todo = self.env.ref("mail.mail_activity_data_todo")
        for settlement in self:
            # Only the code schedules automated to-dos on a statement: the dispute's.
            settlement.sudo().activity_ids.filtered(
                lambda a, t=todo: a.activity_type_id == t and a.automated
            ).action_feedback(feedback=resolution)
            settlement._vmi_post_to_supplier(
                self.env._(
                    "The dispute of statement %(statement)s is resolved: %(resolution)s",
                    statement=settlement.name,
                    resolution=resolution,
                )
            )
        return True

    def action_view_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.bill_id.id,
            "view_mode": "form",
        }
