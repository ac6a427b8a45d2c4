# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class _SettlementCancelToken:
    """Marker that lets ``vmi.settlement.action_cancel`` delete or cancel the
    bill of a settlement it cancels (see ``settlement_cancel_context``).

    It is set in the context in Python, just before the call, and checked by
    identity. A client's context arrives as JSON: it can carry the key, with
    any JSON value, but never this object, so no RPC call can bypass the block.
    """

    __slots__ = ()

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __repr__(self):
        return "<VMI settlement cancel>"


_SETTLEMENT_CANCEL_KEY = "_vmi_settlement_cancel"
_SETTLEMENT_CANCEL = _SettlementCancelToken()


def settlement_cancel_context():
    """Context values that ``vmi.settlement.action_cancel`` (only) sets to
    delete or cancel its settlements and their bills."""
    return {_SETTLEMENT_CANCEL_KEY: _SETTLEMENT_CANCEL}


def is_settlement_cancel(env):
    """True when ``env`` was set by ``vmi.settlement.action_cancel``."""
    return env.context.get(_SETTLEMENT_CANCEL_KEY) is _SETTLEMENT_CANCEL


_SETTLEMENT_LINK_KEY = "_vmi_settlement_link"
_SETTLEMENT_LINK = _SettlementCancelToken()


def settlement_link_context():
    """Context values that ``vmi.settlement._create_bill`` (only) sets to
    create a bill linked to its settlement, with the accountant's own rights."""
    return {_SETTLEMENT_LINK_KEY: _SETTLEMENT_LINK}


def _check_settlement_link_write(env):
    """The links between bills and VMI settlements are written by the
    settlement (``vmi.settlement._create_bill``, as superuser) and its
    cancellation only: an accountant unlinking a bill could then delete it and
    leave its consumption claimed by a settlement that bills nothing."""
    if not (env.su or is_settlement_cancel(env) or env.context.get(_SETTLEMENT_LINK_KEY) is _SETTLEMENT_LINK):
        # env._: a module-level function has no record whose language _() could find.
        raise UserError(
            env._("The link between a vendor bill and its VMI settlement cannot be changed by hand.")
        )


class AccountMove(models.Model):
    _inherit = "account.move"

    vmi_settlement_id = fields.Many2one(
        "vmi.settlement", string="VMI Settlement", readonly=True, copy=False, index="btree_not_null"
    )
    vmi_settlement_cancelled = fields.Boolean(
        string="Cancelled VMI Settlement",
        readonly=True,
        copy=False,
        help="This bill belonged to a VMI settlement that was cancelled: its consumption is billed "
        "again by a later settlement, so this bill can never be posted again.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("vmi_settlement_id") for vals in vals_list):
            _check_settlement_link_write(self.env)
        for vals in vals_list:
            for command in vals.get("invoice_line_ids", []) + vals.get("line_ids", []):
                values = command[2] if isinstance(command, (list, tuple)) and len(command) > 2 else None
                if isinstance(values, dict) and values.get("vmi_settlement_line_id"):
                    _check_settlement_link_write(self.env)
        return super().create(vals_list)

    def write(self, vals):
        if "vmi_settlement_id" in vals or "vmi_settlement_cancelled" in vals:
            _check_settlement_link_write(self.env)
        return super().write(vals)

    vmi_supplier_state = fields.Selection(
        related="vmi_settlement_id.supplier_state", string="VMI Statement Approval"
    )
    vmi_supplier_deadline = fields.Date(
        related="vmi_settlement_id.supplier_deadline", string="Supplier Answer By"
    )

    def action_view_vmi_settlement(self):
        """Smart button: the VMI settlement this bill belongs to."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "vmi.settlement",
            "res_id": self.vmi_settlement_id.id,
            "view_mode": "form",
        }

    def action_post(self):
        """Posting a bill whose supplier may still answer its statement (tacit
        approval, delay not over) asks for confirmation first."""
        if not self.env.context.get("vmi_post_before_answer"):
            _required, early = self.sudo().vmi_settlement_id._vmi_waiting_for_supplier()
            if early:
                return {
                    "type": "ir.actions.act_window",
                    "name": self.env._("Post Before the Supplier's Answer?"),
                    "res_model": "vmi.post.confirm.wizard",
                    "view_mode": "form",
                    "target": "new",
                    "context": {"default_move_ids": self.ids},
                }
        return super().action_post()

    def button_draft(self):
        self.sudo().vmi_settlement_id._vmi_bill_reset()
        cancelled = self.filtered("vmi_settlement_cancelled")
        if cancelled:
            raise UserError(
                self.env._(
                    "%(bills)s belonged to a cancelled VMI settlement whose consumption is billed again: "
                    "it cannot be reset to draft.",
                    bills=", ".join(cancelled.mapped("display_name")),
                )
            )
        return super().button_draft()

    def _post(self, soft=True):
        """Refuse to post the bill of a statement its supplier disputes until
        an accountant resolves the dispute. Checked here rather than in
        ``action_post`` so that every way of posting (the button, "Post
        entries" on a selection, the auto-post cron) is blocked. A statement
        the supplier has not answered blocks as its agreement says
        (``models/vmi_statement_approval.py``): until the tacit delay is over
        (unless the accountant confirmed posting early), or until approved.

        The statements are locked first: a dispute committed meanwhile makes
        this transaction fail and retry (and see the dispute), and a dispute
        arriving meanwhile waits, then fails on the posted bill. A bill is
        never posted past a dispute the supplier was told blocks it."""
        settlements = self.sudo().vmi_settlement_id
        if settlements:
            self.env.cr.execute(
                "SELECT id FROM vmi_settlement WHERE id IN %s FOR NO KEY UPDATE", [tuple(settlements.ids)]
            )
            settlements.invalidate_recordset(["supplier_state"])
        disputed = settlements.filtered(lambda s: s.supplier_state == "disputed")
        if disputed:
            raise UserError(
                self.env._(
                    "VMI statement %(statements)s is disputed by the supplier: resolve the dispute "
                    "before posting the bill.",
                    statements=", ".join(disputed.mapped("name")),
                )
            )
        required, early = settlements._vmi_waiting_for_supplier()
        if required:
            raise UserError(
                self.env._(
                    "The agreement of VMI statement %(statements)s requires the supplier's approval "
                    "before the bill is posted: the supplier has not approved it yet.",
                    statements=", ".join(required.mapped("name")),
                )
            )
        if early and not self.env.context.get("vmi_post_before_answer"):
            raise UserError(
                self.env._(
                    "The supplier may still answer VMI statement %(statements)s (until %(deadline)s): "
                    "post its bill with the Confirm button to post it before.",
                    statements=", ".join(early.mapped("name")),
                    deadline=", ".join(fields.Date.to_string(d) for d in early.mapped("supplier_deadline")),
                )
            )
        posted = super()._post(soft=soft)
        posted.sudo().vmi_settlement_id._vmi_bill_posted(early)
        return posted

    def _vmi_check_settlement_bill(self):
        """Refuse to delete or cancel the bill of a VMI settlement: its
        consumption would stay claimed by a settlement that bills nothing.
        ``vmi.settlement.action_cancel`` releases the consumption and may."""
        if is_settlement_cancel(self.env):
            return
        bills = self.filtered("vmi_settlement_id")
        if bills:
            raise UserError(
                self.env._(
                    "%(bills)s bills VMI consumption (settlement %(settlements)s). Cancel the "
                    "settlement instead (Cancel on the settlement): it deletes its draft bill and "
                    "releases the consumption for the next settlement. A posted bill is corrected "
                    "with a credit note.",
                    bills=", ".join(bills.mapped("display_name")),
                    settlements=", ".join(bills.vmi_settlement_id.sudo().mapped("name")),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_vmi_settlement(self):
        self._vmi_check_settlement_bill()

    def button_cancel(self):
        self._vmi_check_settlement_bill()
        return super().button_cancel()


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    vmi_settlement_line_id = fields.Many2one(
        "vmi.settlement.line", readonly=True, copy=False, index="btree_not_null"
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("vmi_settlement_line_id") for vals in vals_list):
            _check_settlement_link_write(self.env)
        return super().create(vals_list)

    def write(self, vals):
        if "vmi_settlement_line_id" in vals:
            _check_settlement_link_write(self.env)
        return super().write(vals)
