# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

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
    """

    _name = "vmi.settlement"
    _description = "VMI Settlement"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin"]
    _order = "date_to desc, id desc"
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
        [("draft", "Draft"), ("billed", "Billed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )

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
            _(
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
        self.env.cr.execute(
            """
            UPDATE vmi_consumption
               SET settlement_id = %s
             WHERE id IN %s AND settlement_id IS NULL
            RETURNING id
            """,
            [self.id, tuple(consumptions.ids)],
        )
        claimed = {row[0] for row in self.env.cr.fetchall()}
        if claimed != set(consumptions.ids):
            raise UserError(
                _(
                    "Some consumption of %s was billed by another settlement meanwhile; nothing was billed.",
                    self.agreement_id.name,
                )
            )
        consumption_ids, line_ids = [], []
        for consumption in consumptions:
            line_id = lines_by_key.get(
                (consumption.product_id.id, consumption.uom_id.id, consumption.price_unit)
            )
            if line_id:
                consumption_ids.append(consumption.id)
                line_ids.append(line_id)
        if consumption_ids:
            # One statement for all the settlement lines.
            self.env.cr.execute(
                """
                UPDATE vmi_consumption c
                   SET settlement_line_id = v.line_id
                  FROM unnest(%s::int[], %s::int[]) AS v(id, line_id)
                 WHERE c.id = v.id
                """,
                [consumption_ids, line_ids],
            )
        consumptions.invalidate_recordset(["settlement_id", "settlement_line_id"])

    def _create_bill(self):
        """Create the draft vendor bill (or refund, when the period nets
        negative) of this settlement, with the current user's own rights (the
        settlement itself is written with ``sudo``). Returns the move, or
        nothing when every product nets to zero."""
        self.ensure_one()
        lines = self.line_ids
        if not lines:
            self.sudo().state = "billed"
            return self.env["account.move"]
        move_type = "in_refund" if sum(lines.mapped("amount")) < 0 else "in_invoice"
        bill = (
            self.env["account.move"]
            .with_company(self.company_id)
            .with_context(**settlement_link_context())
            .create(self._prepare_bill(move_type))
        )
        self.sudo().write({"bill_id": bill.id, "state": "billed"})
        return bill

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
            "ref": _(
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
            raise AccessError(_("Only accountants (Invoicing: Billing) can cancel a VMI settlement."))
        self.check_access("read")
        posted = self.filtered(lambda s: s.bill_id.state == "posted")
        if posted:
            raise UserError(
                _(
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
                    body=_(
                        "VMI settlement %(settlement)s was cancelled: its consumption will be billed "
                        "again by a later settlement; this bill cannot be reset to draft.",
                        settlement=settlement.name,
                    )
                )
        for agreement in agreements:
            cancelled = self.filtered(lambda s, a=agreement: s.agreement_id == a)
            agreement.sudo().message_post(
                body=_(
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

    def action_view_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.bill_id.id,
            "view_mode": "form",
        }
