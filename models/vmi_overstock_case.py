# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The overstock review (SPEC step 1, issue 11 item 6).

Supplier-owned stock above an agreement line's maximum for the agreement's
overstock days (30) opens a case (``_cron_check``, daily): how much is over
the maximum, for how long, its value at the agreed price and a likely cause.
Buyer and supplier resolve it jointly: a return to the supplier (a transfer
out of the VMI location, never billed), a discount (the next settlements
credit the agreed price minus the discount price for up to the agreed units
consumed) or keeping the stock, with a reason. The supplier reads the case,
discusses it and proposes a resolution on the portal; the buyer decides.
One open case per agreement line at a time.
"""

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero, float_round

from ..logic import overstock
from ..logic.arguments import as_number
from .counting import assign_counts
from .locking import lock_rows, lock_rows_or_raise

_logger = logging.getLogger(__name__)

OPEN_STATES = ("open", "proposed")
RESOLUTIONS = [
    (overstock.RESOLUTION_RETURN, "Return to supplier"),
    (overstock.RESOLUTION_DISCOUNT, "Discount"),
    (overstock.RESOLUTION_KEEP, "Keep"),
]


class VmiOverstockCase(models.Model):
    """One joint review of the stock above a line's maximum."""

    _name = "vmi.overstock.case"
    _description = "VMI Overstock Case"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin", "vmi.portal.mixin", "vmi.outbox.mixin"]
    _order = "date_opened desc, id desc"
    _check_company_auto = True
    # The supplier's portal users read cases and discuss them in their thread.
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name", store=True, index="trigram")
    state = fields.Selection(
        [("open", "Open"), ("proposed", "Proposed"), ("resolved", "Resolved"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        help="Open: waiting for buyer and supplier. Proposed: the supplier proposed a resolution, "
        "the buyer decides. Resolved: returned, discounted or kept.",
    )
    agreement_id = fields.Many2one(
        "vmi.agreement", required=True, readonly=True, index=True, ondelete="restrict", check_company=True
    )
    agreement_line_id = fields.Many2one(
        "vmi.agreement.line",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    product_id = fields.Many2one(related="agreement_line_id.product_id", store=True, index=True)
    product_uom_id = fields.Many2one(related="agreement_line_id.product_uom_id", string="Unit")
    partner_id = fields.Many2one(related="agreement_id.partner_id", store=True, index=True, string="Supplier")
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    user_id = fields.Many2one(related="agreement_id.user_id", store=True, string="Responsible Buyer")
    date_opened = fields.Datetime(
        string="Opened On", required=True, readonly=True, default=fields.Datetime.now
    )
    since = fields.Datetime(string="Above Maximum Since", readonly=True)
    days_above = fields.Integer(string="Days Above Maximum", readonly=True, aggregator="max")
    qty_on_hand = fields.Float(string="On Hand", digits="Product Unit of Measure", readonly=True)
    max_qty = fields.Float(string="Maximum", digits="Product Unit of Measure", readonly=True)
    qty_over = fields.Float(
        string="Over Maximum",
        digits="Product Unit of Measure",
        readonly=True,
        help="Supplier-owned stock above the maximum when the case was opened, in the line's unit.",
    )
    price_unit = fields.Float(string="Agreed Price", digits="Product Price", readonly=True, aggregator=None)
    value = fields.Monetary(compute="_compute_value", store=True, help="Over maximum × agreed price.")
    last_consumption_date = fields.Datetime(string="Last Consumed", readonly=True)
    cause = fields.Selection(
        [
            (overstock.CAUSE_BELOW_PLAN, "Consumption below plan"),
            (overstock.CAUSE_QUALITY_HOLD, "Quality hold"),
            (overstock.CAUSE_NO_DEMAND, "No demand"),
            (overstock.CAUSE_OTHER, "Other"),
        ],
        string="Likely Cause",
        default=overstock.CAUSE_OTHER,
        required=True,
        tracking=True,
        help="Consumption below plan: less was consumed over the review window than the customer's "
        "demand plan gave. Quality hold: supplier-owned stock sits in a scrap (quality) location under "
        "the VMI location, or some was returned to the supplier recently. No demand: nothing consumed "
        "and no plan.",
    )
    cause_note = fields.Text(string="Cause Details")
    date_deadline = fields.Date(
        string="Deadline",
        required=True,
        tracking=True,
        help="Buyer and supplier resolve the case by this date.",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    resolution = fields.Selection(RESOLUTIONS, readonly=True, copy=False, tracking=True)
    resolution_note = fields.Text(
        string="Reason / Note",
        help="Why the stock is kept (required to keep it), or a note on the resolution.",
    )
    discount_price = fields.Float(
        digits="Product Price",
        help="Reduced price of the discounted units: below the agreed price, at least 0.",
    )
    qty_resolved = fields.Float(
        string="Quantity",
        digits="Product Unit of Measure",
        help="Units returned or discounted (default: the quantity over the maximum).",
    )
    qty_discounted = fields.Float(
        compute="_compute_qty_discounted",
        digits="Product Unit of Measure",
        compute_sudo=True,
        help="Units already discounted by settlements (a cancelled settlement gives them back).",
    )
    qty_to_discount = fields.Float(
        string="Left to Discount",
        compute="_compute_qty_discounted",
        digits="Product Unit of Measure",
        compute_sudo=True,
    )
    discount_line_ids = fields.One2many(
        "vmi.settlement.line", "vmi_overstock_case_id", string="Discount Lines", readonly=True
    )
    picking_id = fields.Many2one("stock.picking", string="Return Transfer", readonly=True, copy=False)
    date_resolved = fields.Datetime(string="Resolved On", readonly=True, copy=False)
    resolved_by = fields.Many2one("res.users", readonly=True, copy=False)
    proposal_resolution = fields.Selection(
        RESOLUTIONS, string="Proposed Resolution", readonly=True, copy=False, tracking=True
    )
    proposal_discount_price = fields.Float(
        string="Proposed Discount Price", digits="Product Price", readonly=True
    )
    proposal_note = fields.Text(string="Supplier's Note", readonly=True)
    proposed_by = fields.Many2one("res.users", readonly=True, copy=False)
    date_proposed = fields.Datetime(string="Proposed On", readonly=True, copy=False)

    # Written only by the case's own methods (as superuser): its figures at
    # opening, its state and the supplier's proposal.
    _PROTECTED_FIELDS = frozenset(
        {
            "state",
            "agreement_id",
            "agreement_line_id",
            "date_opened",
            "since",
            "days_above",
            "qty_on_hand",
            "max_qty",
            "qty_over",
            "price_unit",
            "last_consumption_date",
            "resolution",
            "picking_id",
            "date_resolved",
            "resolved_by",
            "proposal_resolution",
            "proposal_discount_price",
            "proposal_note",
            "proposed_by",
            "date_proposed",
        }
    )

    def init(self):
        """The database's guarantee of one open case per agreement line (two
        cron runs at once, a double click): a partial unique index.
        ``create`` gives the clear message first."""
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS vmi_overstock_case_open_line_uniq "
                "ON vmi_overstock_case (agreement_line_id) WHERE state IN ('open', 'proposed')"
            )
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("agreement_id.name", "product_id.default_code", "product_id.name", "date_opened")
    def _compute_name(self):
        for case in self:
            code = case.product_id.default_code or case.product_id.name or ""
            day = case.date_opened.date().isoformat() if case.date_opened else ""
            case.name = f"{case.agreement_id.name or ''} · {code} · {day}"

    @api.depends("qty_over", "price_unit")
    def _compute_value(self):
        for case in self:
            case.value = overstock.overstock_value(case.qty_over, case.price_unit)

    @api.depends("date_deadline", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for case in self:
            case.is_overdue = (
                case.state in OPEN_STATES and bool(case.date_deadline) and case.date_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the overdue flag."))
        domain = [("state", "in", OPEN_STATES), ("date_deadline", "<", fields.Date.context_today(self))]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.depends("discount_line_ids.quantity", "qty_resolved", "resolution")
    def _compute_qty_discounted(self):
        """Units discounted by the settlement lines of each case: one grouped
        query. Not stored: a cancelled settlement deletes its lines, and so
        gives its units back to the case."""
        done = {}
        real = self.filtered("id")
        if real:
            for case, qty in self.env["vmi.settlement.line"]._read_group(
                [("vmi_overstock_case_id", "in", real.ids)], ["vmi_overstock_case_id"], ["quantity:sum"]
            ):
                done[case.id] = qty
        for case in self:
            case.qty_discounted = done.get(case.id, 0.0)
            if case.resolution == overstock.RESOLUTION_DISCOUNT and case.state == "resolved":
                case.qty_to_discount = max(case.qty_resolved - case.qty_discounted, 0.0)
            else:
                case.qty_to_discount = 0.0

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._check_one_open_case([vals.get("agreement_line_id") for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        protected = self._PROTECTED_FIELDS.intersection(vals)
        if protected and not self.env.su:
            raise UserError(
                self.env._(
                    "The figures, status and proposal of an overstock case change only with its buttons "
                    "(%(fields)s).",
                    fields=", ".join(sorted(protected)),
                )
            )
        if not self.env.su and any(c.state not in OPEN_STATES for c in self):
            raise UserError(self.env._("A resolved or cancelled overstock case cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Overstock cases cannot be deleted: they record what buyer and supplier decided.")
        )

    def _check_one_open_case(self, line_ids):
        """Refuse a second open case for an agreement line, before the unique
        index does (its error would only be a generic one). One query."""
        line_ids = [line_id for line_id in line_ids if line_id]
        if not line_ids:
            return
        seen = set()
        twice = {line_id for line_id in line_ids if line_id in seen or seen.add(line_id)}
        existing = self.sudo().search_fetch(
            [("agreement_line_id", "in", line_ids), ("state", "in", OPEN_STATES)], ["agreement_line_id"]
        )
        twice |= set(existing.agreement_line_id.ids)
        if twice:
            line = self.env["vmi.agreement.line"].sudo().browse(min(twice))
            raise ValidationError(
                self.env._(
                    "%(product)s of agreement %(agreement)s already has an open overstock case: "
                    "one case per product at a time.",
                    product=line.product_id.display_name,
                    agreement=line.agreement_id.name,
                )
            )

    # ------------------------------------------------------------------
    # Portal and e-mails
    # ------------------------------------------------------------------
    def _vmi_portal_path(self):
        return f"/my/vmi/overstock/{self.id}"

    def _compute_access_url(self):  # pylint: disable=missing-return
        # (missing-return: a compute method returns nothing, it assigns the field)
        super()._compute_access_url()
        for case in self:
            case.access_url = case._vmi_portal_path()

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        """The supplier's button in notification e-mails opens the portal page
        with a signed, expiring token (``vmi.portal.mixin``)."""
        groups = super()._notify_get_recipients_groups(message, model_description, msg_vals=msg_vals)
        if len(self) == 1:
            for group_name, _matcher, data in groups:
                if group_name == "portal_customer" and data.get("has_button_access"):
                    data["button_access"] = {
                        "url": self._vmi_portal_url(),
                        "title": self.env._("View Overstock Case"),
                    }
        return groups

    def _vmi_outbox_agreement(self):
        return self.agreement_id

    def _vmi_outbox_send(self, kind):
        """The outbox's e-mail of a new case (``self`` is sudo, its
        notifications locked), for the cases still open."""
        template = self.env.ref("stock_vmi.mail_template_vmi_overstock_case", raise_if_not_found=False)
        to_send = self.filtered(lambda c: c.state in OPEN_STATES)
        if not template or not to_send:
            return self.browse()
        to_send._vmi_post_template(template)
        return to_send

    def _vmi_env_for(self, partner):
        """The environment in ``partner``'s language: what it reads is in it."""
        return self.with_context(lang=partner.lang or self.env.lang).env

    def _vmi_format(self, quantity):
        return self._vmi_format_quantity(float_round(quantity, precision_digits=6))

    # ------------------------------------------------------------------
    # The daily check
    # ------------------------------------------------------------------
    @api.model
    def _cron_check(self):
        """Daily: open a case for each line of an active agreement that has
        been above its maximum for the agreement's overstock days and has no
        open case (``vmi.agreement.line._vmi_overstock_due``, one search).
        The lines are locked without waiting (``lock_rows``): a concurrent
        run skips what this one holds, and the unique index refuses what it
        would open twice. All cases are opened in one savepoint and one
        ``create``; if that fails, agreement by agreement, each in its own
        savepoint, so that one bad agreement never blocks the others."""
        now = fields.Datetime.now()
        lines = lock_rows(self.env["vmi.agreement.line"]._vmi_overstock_due(now))
        if not lines:
            return self.browse()
        try:
            with self.env.cr.savepoint():
                return self._vmi_open_cases(lines, now)
        except Exception as error:  # noqa: BLE001 - retried agreement by agreement
            _logger.warning(
                "VMI overstock check of %d lines failed (%s); agreement by agreement", len(lines), error
            )
        cases = self.browse()
        by_agreement = defaultdict(lambda: self.env["vmi.agreement.line"])
        for line in lines:
            by_agreement[line.agreement_id] |= line
        for agreement, agreement_lines in by_agreement.items():
            try:
                with self.env.cr.savepoint():
                    cases |= self._vmi_open_cases(agreement_lines, now)
            except psycopg2.IntegrityError:
                _logger.info("VMI overstock cases of %s were opened by another run", agreement.name)
            except Exception:
                _logger.exception("VMI overstock check of %s failed", agreement.name)
        return cases

    @api.model
    def _vmi_open_cases(self, lines, now):
        """Open the cases of ``lines`` (one ``create``), ask each buyer to
        review them (one to-do per case, due on the deadline, one create per
        buyer) and tell the suppliers (the outbox)."""
        vals_list = lines._vmi_prepare_overstock_cases(now)
        if not vals_list:
            return self.browse()
        cases = self.sudo().create(vals_list)
        by_buyer = defaultdict(lambda: self.browse())
        for case in cases:
            by_buyer[case.agreement_id.user_id] |= case
        for buyer, buyer_cases in by_buyer.items():
            if not buyer:
                continue
            for deadline, same_day in self._vmi_group_by_deadline(buyer_cases).items():
                same_day.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=deadline,
                    summary=self._vmi_env_for(buyer.partner_id)._("Resolve the overstock with the supplier"),
                    user_id=buyer.id,
                )
        for agreement, agreement_cases in self._vmi_group_by_agreement(cases).items():
            env = self._vmi_env_for(agreement.user_id.partner_id)
            agreement.sudo().message_post(
                body=env._(
                    "Overstock review opened: %(cases)s.",
                    cases=", ".join(
                        f"{c.product_id.display_name} ({self.with_env(env)._vmi_format(c.qty_over)} "
                        f"{c.product_uom_id.name})"
                        for c in agreement_cases
                    ),
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.env["vmi.notification"]._vmi_queue(cases, "overstock")
        return cases.sudo(False)

    @api.model
    def _vmi_group_by_deadline(self, cases):
        groups = defaultdict(lambda: self.browse())
        for case in cases:
            groups[case.date_deadline] |= case
        return groups

    @api.model
    def _vmi_group_by_agreement(self, cases):
        groups = defaultdict(lambda: self.browse())
        for case in cases:
            groups[case.agreement_id] |= case
        return groups

    # ------------------------------------------------------------------
    # The supplier's proposal
    # ------------------------------------------------------------------
    def action_supplier_propose(self, resolution=None, discount_price=None, note=None):
        """Supplier (portal, or RPC): propose a resolution: ``"return"``,
        ``"discount"`` with ``discount_price`` (below the agreed price, at
        least 0), or ``"keep"`` with a ``note`` (why). The buyer decides;
        the supplier may propose again while the case is open. A VMI user may
        record the supplier's proposal on its behalf."""
        self.check_access("read")
        user = self.env.user
        on_behalf = user._is_internal()
        if on_behalf and not (self.env.is_superuser() or user.has_group("stock_vmi.group_vmi_user")):
            raise AccessError(self.env._("Only VMI users can record a supplier's proposal on its behalf."))
        if not on_behalf and any(not case._vmi_is_supplier_user(user) for case in self):
            raise AccessError(self.env._("You can only answer the overstock cases of your own company."))
        note = self._vmi_text_argument(note)
        for case in self:
            # Read as superuser once access is checked: the supplier's portal
            # users may not read units of measure or products.
            case_sudo = case.sudo()
            price = case_sudo._vmi_check_resolution(
                resolution, discount_price, note, case.qty_over, proposal=True
            )
            lock_rows_or_raise(
                case, self.env._("This overstock case is being answered; try again in a moment.")
            )
            case._vmi_check_open()
            if on_behalf:
                case._vmi_note_on_behalf(
                    self.env._("Proposal recorded on behalf of %(supplier)s by %(user)s.")
                )
            case.sudo().write(
                {
                    "state": "proposed",
                    "proposal_resolution": resolution,
                    "proposal_discount_price": price if resolution == overstock.RESOLUTION_DISCOUNT else 0.0,
                    "proposal_note": note,
                    "proposed_by": user.id,
                    "date_proposed": fields.Datetime.now(),
                }
            )
            case_sudo._vmi_tell_buyer_proposal()
        return True

    def _vmi_tell_buyer_proposal(self):
        """The buyer reads the supplier's proposal on the case (and by
        e-mail), in the buyer's language; the to-do stays until decided."""
        self.ensure_one()
        buyer = self.agreement_id.user_id
        env = self._vmi_env_for(buyer.partner_id)
        body = env._(
            "%(supplier)s proposes: %(proposal)s.",
            supplier=self.partner_id.display_name,
            proposal=self.with_env(env)._vmi_describe(
                self.proposal_resolution, self.proposal_discount_price, self.qty_over, self.proposal_note
            ),
        )
        self.sudo().message_post(
            body=body,
            author_id=self.env.user.partner_id.id,
            partner_ids=buyer.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------
    # Resolutions (VMI users)
    # ------------------------------------------------------------------
    def _vmi_check_open(self):
        for case in self:
            if case.state not in OPEN_STATES:
                raise UserError(self.env._("Overstock case %(case)s is already closed.", case=case.name))

    def _vmi_check_can_resolve(self):
        """VMI users resolve (their write access on cases); the supplier only
        proposes. The cases are locked: a double click resolves once."""
        self.check_access("write")
        if not (self.env.is_superuser() or self.env.user.has_group("stock_vmi.group_vmi_user")):
            raise AccessError(self.env._("Only VMI users can resolve an overstock case."))
        lock_rows_or_raise(self, self.env._("This overstock case is being resolved; try again in a moment."))
        self._vmi_check_open()

    def _vmi_check_resolution(self, resolution, discount_price, note, qty, proposal=False):
        """Check a resolution (a proposal's or the buyer's); returns the
        discount price as a number (0 when not a discount)."""
        self.ensure_one()
        if resolution not in dict(RESOLUTIONS):
            raise ValidationError(self.env._("Choose a resolution: return, discount or keep."))
        rounding = self.product_uom_id.rounding or 0.01
        if (
            resolution != overstock.RESOLUTION_KEEP
            and float_compare(qty, 0.0, precision_rounding=rounding) <= 0
        ):
            raise ValidationError(self.env._("The quantity to return or discount must be greater than zero."))
        if resolution == overstock.RESOLUTION_KEEP and not note:
            raise ValidationError(
                self.env._("Please give the reason for keeping the stock.")
                if not proposal
                else self.env._("Please say why the stock should be kept.")
            )
        if resolution != overstock.RESOLUTION_DISCOUNT:
            return 0.0
        price = as_number(discount_price)
        if price is None:
            raise ValidationError(self.env._("The discount price must be a number."))
        problem = overstock.check_discount_price(price, self.price_unit)
        if problem == "negative":
            raise ValidationError(self.env._("The discount price cannot be negative."))
        if problem == "not_below":
            raise ValidationError(
                self.env._(
                    "The discount price must be below the agreed price (%(price)s).",
                    price=self._vmi_format(self.price_unit),
                )
            )
        return price

    def _vmi_describe(self, resolution, discount_price, qty, note=None):
        """A resolution in words, in the environment's language."""
        self.ensure_one()
        qty_text = f"{self._vmi_format(qty)} {self.product_uom_id.name}"
        if resolution == overstock.RESOLUTION_RETURN:
            text = self.env._("return %(qty)s to the supplier", qty=qty_text)
        elif resolution == overstock.RESOLUTION_DISCOUNT:
            text = self.env._(
                "discount %(qty)s to %(price)s (agreed %(agreed)s)",
                qty=qty_text,
                price=self._vmi_format(discount_price),
                agreed=self._vmi_format(self.price_unit),
            )
        else:
            text = self.env._("keep the stock")
        if note:
            text = f"{text} ({note})"
        return text

    def _vmi_resolution_qty(self, qty):
        self.ensure_one()
        if qty is None or qty is False:
            qty = self.qty_resolved or self.qty_over
        number = as_number(qty)
        if number is None:
            raise ValidationError(self.env._("The quantity must be a number."))
        return number

    def action_resolve_return(self, qty=None, note=None):
        """Return the stock over the maximum (or ``qty``, default the form's
        quantity) to the supplier: a transfer out of the VMI location to the
        supplier's location, confirmed and reserved. Not consumption:
        nothing is billed (``stock.move.line._vmi_is_consumption``)."""
        self._vmi_check_can_resolve()
        stock = self.agreement_line_id._get_quantities()
        for case in self:
            quantity = case._vmi_resolution_qty(qty)
            text = case._vmi_text_argument(note if note is not None else case.resolution_note)
            case._vmi_check_resolution(overstock.RESOLUTION_RETURN, None, text, quantity)
            on_hand = stock[case.agreement_line_id.id][0]
            if float_compare(quantity, on_hand, precision_rounding=case.product_uom_id.rounding) > 0:
                raise ValidationError(
                    self.env._(
                        "Only %(qty)s of %(product)s are in the VMI location: that is the most that can "
                        "be returned.",
                        qty=case._vmi_format(on_hand),
                        product=case.product_id.display_name,
                    )
                )
            picking = case._vmi_create_return(quantity)
            case._vmi_resolve(overstock.RESOLUTION_RETURN, quantity, note=text, picking=picking)
        return True

    def action_resolve_discount(self, discount_price=None, qty=None, note=None):
        """Grant a discount: the next settlements credit (agreed price −
        ``discount_price``) for up to ``qty`` units of this line consumed
        from now on (default: the form's price and quantity)."""
        self._vmi_check_can_resolve()
        for case in self:
            quantity = case._vmi_resolution_qty(qty)
            text = case._vmi_text_argument(note if note is not None else case.resolution_note)
            price = case._vmi_check_resolution(
                overstock.RESOLUTION_DISCOUNT,
                case.discount_price if discount_price is None else discount_price,
                text,
                quantity,
            )
            case._vmi_resolve(overstock.RESOLUTION_DISCOUNT, quantity, note=text, discount_price=price)
        return True

    def action_resolve_keep(self, reason=None):
        """Keep the stock, with a ``reason`` (default: the form's note; required)."""
        self._vmi_check_can_resolve()
        for case in self:
            text = case._vmi_text_argument(
                reason if reason is not None else case.resolution_note,
                missing=self.env._("Please give the reason for keeping the stock."),
            )
            case._vmi_resolve(overstock.RESOLUTION_KEEP, 0.0, note=text)
        return True

    def action_accept_proposal(self):
        """Resolve as the supplier proposed."""
        for case in self:
            if case.state != "proposed":
                raise UserError(self.env._("The supplier has not proposed a resolution for %s.", case.name))
            if case.proposal_resolution == overstock.RESOLUTION_RETURN:
                case.action_resolve_return(qty=case.qty_over, note=case.proposal_note or "")
            elif case.proposal_resolution == overstock.RESOLUTION_DISCOUNT:
                case.action_resolve_discount(
                    discount_price=case.proposal_discount_price,
                    qty=case.qty_over,
                    note=case.proposal_note or "",
                )
            else:
                case.action_resolve_keep(reason=case.proposal_note)
        return True

    def action_cancel(self, reason=None):
        """VMI managers: close the case without a resolution (opened by
        mistake, or the stock was consumed meanwhile)."""
        if not (self.env.is_superuser() or self.env.user.has_group("stock_vmi.group_vmi_manager")):
            raise AccessError(self.env._("Only VMI managers can cancel an overstock case."))
        self._vmi_check_can_resolve()
        text = self._vmi_text_argument(reason)
        for case in self:
            case.sudo().write(
                {"state": "cancelled", "date_resolved": fields.Datetime.now(), "resolved_by": self.env.uid}
            )
            case._vmi_after_close(text, cancelled=True)
        return True

    def _vmi_resolve(self, resolution, qty, note=None, discount_price=0.0, picking=None):
        self.ensure_one()
        self.sudo().write(
            {
                "state": "resolved",
                "resolution": resolution,
                "qty_resolved": qty,
                "discount_price": discount_price,
                "resolution_note": note,
                "picking_id": picking.id if picking else False,
                "date_resolved": fields.Datetime.now(),
                "resolved_by": self.env.uid,
            }
        )
        self._vmi_after_close(note)

    def _vmi_after_close(self, note=None, cancelled=False):
        """After a resolution (or a cancellation): the line may get a new case
        an overstock period later; the buyer's
        to-do is done; the supplier is told on the case (followers get it by
        e-mail) in its language; the agreement's chatter keeps the trace in
        the buyer's language."""
        self.ensure_one()
        case = self.sudo()
        # The review clock restarts: kept, discounted or on its way back, the
        # stock is not reviewed again before another overstock period.
        case.agreement_line_id.overstock_reviewed = fields.Datetime.now()
        supplier_env = self._vmi_env_for(case.partner_id)
        buyer_env = self._vmi_env_for(case.agreement_id.user_id.partner_id)

        def describe(env):
            if cancelled:
                return env._("Overstock case cancelled.") + (f" {note}" if note else "")
            return env._(
                "Overstock of %(product)s resolved: %(resolution)s.",
                product=case.product_id.display_name,
                resolution=case.with_env(env)._vmi_describe(
                    case.resolution, case.discount_price, case.qty_resolved, note
                ),
            )

        todo = self.env.ref("mail.mail_activity_data_todo")
        case.activity_ids.filtered(lambda a: a.activity_type_id == todo and a.automated).action_feedback(
            feedback=describe(buyer_env)
        )
        case.message_post(
            body=describe(supplier_env),
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        case.agreement_id.message_post(body=describe(buyer_env), subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------------
    # The return transfer
    # ------------------------------------------------------------------
    def _vmi_create_return(self, qty):
        """Create, confirm and reserve the return transfer of ``qty`` (line's
        unit) to the supplier, with the VMI user's own stock rights."""
        self.ensure_one()
        picking = self.env["stock.picking"].create(self._prepare_return_picking(qty))
        picking.action_confirm()
        picking.action_assign()
        return picking

    def _vmi_supplier_location(self):
        partner = self.agreement_id.partner_id
        return partner.with_company(self.company_id).property_stock_supplier or self.env.ref(
            "stock.stock_location_suppliers"
        )

    def _prepare_return_picking(self, qty):
        """Extension point: values of the return transfer: from the VMI
        location to the supplier's location, with the warehouse's return type
        of receipts (else its delivery type), the supplier as owner of the
        stock it takes."""
        self.ensure_one()
        agreement = self.agreement_id
        warehouse = agreement.warehouse_id
        picking_type = warehouse.in_type_id.return_picking_type_id or warehouse.out_type_id
        source = agreement.location_id
        dest = self._vmi_supplier_location()
        supplier = agreement.partner_id
        return {
            "picking_type_id": picking_type.id,
            "partner_id": supplier.id,
            "owner_id": supplier.id,
            "location_id": source.id,
            "location_dest_id": dest.id,
            "origin": self.name,
            "company_id": self.company_id.id,
            "move_ids": [
                Command.create(
                    {
                        "name": self.env._("Overstock return: %s", self.product_id.display_name),
                        "product_id": self.product_id.id,
                        "product_uom": self.product_uom_id.id,
                        "product_uom_qty": qty,
                        "location_id": source.id,
                        "location_dest_id": dest.id,
                        "restrict_partner_id": supplier.id,
                        "company_id": self.company_id.id,
                        "picking_type_id": picking_type.id,
                    }
                )
            ],
        }

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_view_picking(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": self.picking_id.id,
            "view_mode": "form",
        }

    def action_view_discount_lines(self):
        self.ensure_one()
        settlements = self.discount_line_ids.settlement_id
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_settlement")
        action["domain"] = [("id", "in", settlements.ids)]
        return action


class VmiAgreementLine(models.Model):
    """The line's overstock tracking: since when it is above the maximum,
    and its open case."""

    _inherit = "vmi.agreement.line"  # pylint: disable=consider-merging-classes-inherited

    overstock_since = fields.Datetime(
        string="Above Maximum Since",
        compute="_compute_overstock_since",
        store=True,
        readonly=True,
        copy=False,
        help="When the supplier-owned stock last went above the maximum (empty when it is not above).",
    )
    overstock_case_ids = fields.One2many("vmi.overstock.case", "agreement_line_id", string="Overstock Cases")
    overstock_case_id = fields.Many2one(
        "vmi.overstock.case",
        string="Open Overstock Case",
        compute="_compute_overstock_case_id",
        store=True,
        index="btree_not_null",
        help="The line's open (or proposed) overstock case: at most one at a time.",
    )
    last_consumption_date = fields.Datetime(
        string="Last Consumed", compute="_compute_last_consumption_date", compute_sudo=True
    )
    overstock_reviewed = fields.Datetime(
        string="Last Overstock Review",
        readonly=True,
        copy=False,
        help="When the line's last overstock case was closed: the next one opens at the earliest an "
        "overstock period later.",
    )

    @api.depends("stock_status")
    def _compute_overstock_since(self):
        """Above the maximum: keep the date it went above (or now); otherwise
        empty. The stored status is recomputed by every stock move into or out
        of the VMI location (``_vmi_refresh_stock_status``)."""
        now = fields.Datetime.now()
        for line in self:
            if line.stock_status == "above":
                line.overstock_since = line.overstock_since or now
            else:
                line.overstock_since = False

    @api.depends("overstock_case_ids.state")
    def _compute_overstock_case_id(self):
        """Stored, so that the daily check finds the lines without an open
        case in its one search; opening a case writes the line's row, so a
        concurrent check that locks it (``lock_rows``) skips it."""
        for line in self:
            line.overstock_case_id = line.overstock_case_ids.filtered(lambda c: c.state in OPEN_STATES)[:1]

    @api.model
    def _vmi_refresh_stock_status(self, location_ids, product_ids):
        """The status is marked to recompute directly (not through its
        dependencies): the date above the maximum follows it."""
        res = super()._vmi_refresh_stock_status(location_ids, product_ids)
        lines = self.env.records_to_compute(self._fields["stock_status"])
        if lines:
            self.env.add_to_compute(self._fields["overstock_since"], lines)
        return res

    def _compute_last_consumption_date(self):
        last = self._vmi_last_consumption()
        for line in self:
            line.last_consumption_date = last.get(line.id, False)

    def _vmi_last_consumption(self):
        """``{line id: date of its last consumption}``: one grouped query."""
        real = self.filtered("id")
        if not real:
            return {}
        groups = (
            self.env["vmi.consumption"]
            .sudo()
            ._read_group(
                [("agreement_line_id", "in", real.ids), ("quantity", ">", 0)],
                ["agreement_line_id"],
                ["date:max"],
            )
        )
        return {line.id: day for line, day in groups}

    @api.model
    def _vmi_overstock_due(self, now):
        """Lines of active agreements above their maximum for at least the
        agreement's overstock days (counted from the last case's closing when
        that is later: ``logic.overstock.review_start``), without an open
        case: one search (the days differ per agreement and are compared in
        Python)."""
        today = now.date()
        lines = self.sudo().search(
            [
                ("state", "=", "active"),
                ("stock_status", "=", "above"),
                ("overstock_since", "!=", False),
                ("overstock_case_id", "=", False),
            ],
            order="agreement_id, id",
        )
        return lines.filtered(
            lambda ln: overstock.is_due(
                overstock.review_start(ln.overstock_since, ln.overstock_reviewed),
                today,
                ln.agreement_id.overstock_days,
            )
        )

    def _vmi_prepare_overstock_cases(self, now):
        """Values of the cases of these lines (sudo): the figures, the likely
        cause and the deadline. A fixed number of queries for any number of
        lines: the quantities, the last consumption, and per distinct
        overstock days the consumption and the plan of the review window,
        and the quality holds."""
        today = now.date()
        quantities = self._get_quantities()
        last = self._vmi_last_consumption()
        causes = self._vmi_overstock_causes(today)
        vals_list = []
        for line in self:
            on_hand = quantities[line.id][0]
            over = overstock.qty_over(on_hand, line.max_qty)
            if float_is_zero(over, precision_rounding=line.product_uom_id.rounding or 0.01):
                continue
            cause, note = causes.get(line.id, (overstock.CAUSE_OTHER, False))
            agreement = line.agreement_id
            vals_list.append(
                {
                    "agreement_id": agreement.id,
                    "agreement_line_id": line.id,
                    "date_opened": now,
                    "since": line.overstock_since,
                    "days_above": overstock.days_above(line.overstock_since, today),
                    "qty_on_hand": on_hand,
                    "max_qty": line.max_qty,
                    "qty_over": over,
                    "qty_resolved": over,
                    "price_unit": line.price_unit,
                    "last_consumption_date": last.get(line.id, False),
                    "cause": cause,
                    "cause_note": note,
                    "date_deadline": overstock.deadline(today, agreement.overstock_deadline_days),
                }
            )
        return vals_list

    def _vmi_overstock_causes(self, today):
        """``{line id: (cause, note)}`` (``logic.overstock.likely_cause``):
        over the review window (the agreement's overstock days up to
        today), the consumption against the published demand plan
        (``_vmi_planned_demand``; no plan covering it: no comparison), and
        quality holds (``_vmi_quality_holds``)."""
        ids_by_days = defaultdict(list)  # ids first: a union per line is quadratic
        for line in self:
            ids_by_days[line.agreement_id.overstock_days].append(line.id)
        by_days = {days: self.browse(ids) for days, ids in ids_by_days.items()}
        holds = self._vmi_quality_holds(today)
        result = {}
        for days, lines in by_days.items():
            first = today - timedelta(days=days - 1)
            planned = lines._vmi_planned_demand(first, today)
            consumed = defaultdict(float)
            for line, qty in (
                self.env["vmi.consumption"]
                .sudo()
                ._read_group(
                    [
                        ("agreement_line_id", "in", lines.ids),
                        ("date", ">=", datetime.combine(first, time.min)),
                        ("date", "<", datetime.combine(today + timedelta(days=1), time.min)),
                    ],
                    ["agreement_line_id"],
                    ["quantity:sum"],
                )
            ):
                consumed[line.id] = qty
            for line in lines:
                plan = planned.get(line.id)
                hold = holds.get(line.id)
                cause = overstock.likely_cause(consumed[line.id], plan, bool(hold))
                env_line = line.with_context(lang=line.agreement_id.user_id.lang or self.env.lang)
                fmt = env_line.agreement_id._vmi_format_quantity
                if cause == overstock.CAUSE_QUALITY_HOLD:
                    note = hold
                elif plan is not None:
                    note = env_line.env._(
                        "Consumed %(consumed)s against a plan of %(planned)s in the last %(days)s days.",
                        consumed=fmt(float_round(consumed[line.id], precision_digits=6)),
                        planned=fmt(float_round(plan, precision_digits=6)),
                        days=days,
                    )
                else:
                    note = env_line.env._(
                        "Consumed %(consumed)s in the last %(days)s days; no demand plan covers them.",
                        consumed=fmt(float_round(consumed[line.id], precision_digits=6)),
                        days=days,
                    )
                result[line.id] = (cause, note)
        return result

    def _vmi_quality_holds(self, today):
        """``{line id: note}`` of the lines whose stock is held for quality:
        supplier-owned stock in a scrap location (``scrap_location``, the
        quality or quarantine bin) under the VMI location, or stock returned
        to the supplier over the review window (a done move out of the VMI
        location to a supplier location). Two grouped queries."""
        if not self:
            return {}
        locations = self.location_id
        products = self.product_id
        lines_by_key = {(line.location_id.id, line.product_id.id): line for line in self}
        holds = {}
        Quant = self.env["stock.quant"].sudo()
        for location, product, qty in Quant._read_group(
            [
                ("location_id", "child_of", locations.ids),
                ("location_id.scrap_location", "=", True),
                ("product_id", "in", products.ids),
                ("owner_id", "!=", False),
                ("quantity", ">", 0),
            ],
            ["location_id", "product_id"],
            ["quantity:sum"],
        ):
            line = lines_by_key.get((location.vmi_location_id.id, product.id))
            if line:
                env = line.with_context(lang=line.agreement_id.user_id.lang or self.env.lang).env
                holds[line.id] = env._(
                    "%(qty)s held in %(location)s.",
                    qty=line.agreement_id._vmi_format_quantity(float_round(qty, precision_digits=6)),
                    location=location.display_name,
                )
        since = today - timedelta(days=max(self.agreement_id.mapped("overstock_days") or [30]))
        MoveLine = self.env["stock.move.line"].sudo()
        for location, product, qty in MoveLine._read_group(
            [
                ("state", "=", "done"),
                ("location_id", "child_of", locations.ids),
                ("location_dest_id.usage", "=", "supplier"),
                ("product_id", "in", products.ids),
                ("date", ">=", datetime.combine(since, time.min)),
            ],
            ["location_id", "product_id"],
            ["quantity:sum"],
        ):
            line = lines_by_key.get((location.vmi_location_id.id, product.id))
            if line and line.id not in holds:
                env = line.with_context(lang=line.agreement_id.user_id.lang or self.env.lang).env
                holds[line.id] = env._(
                    "%(qty)s returned to the supplier recently.",
                    qty=line.agreement_id._vmi_format_quantity(float_round(qty, precision_digits=6)),
                )
        return holds


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    overstock_deadline_days = fields.Integer(
        string="Overstock Case Deadline (days)",
        default=14,
        required=True,
        help="Buyer and supplier resolve an overstock case within this many days of its opening.",
    )
    overstock_case_ids = fields.One2many("vmi.overstock.case", "agreement_id", string="Overstock Cases")
    overstock_case_count = fields.Integer(compute="_compute_overstock_case_count")

    @api.constrains("overstock_deadline_days")
    def _check_overstock_deadline_days(self):
        if any(agreement.overstock_deadline_days < 1 for agreement in self):
            raise ValidationError(self.env._("The overstock case deadline must be at least one day."))

    def _compute_overstock_case_count(self):
        assign_counts(self, "overstock_case_count", "vmi.overstock.case", "agreement_id")

    def action_view_overstock_cases(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_overstock_case")
        action["domain"] = [("agreement_id", "in", self.ids)]
        action["context"] = {"create": False}
        return action


class VmiSettlement(models.Model):
    """A granted overstock discount on the settlement: a negative line."""

    _inherit = "vmi.settlement"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _prepare_settlement(self, agreement, cutoff, consumptions, totals=None):
        vals = super()._prepare_settlement(agreement, cutoff, consumptions, totals=totals)
        vals["line_ids"] = list(vals.get("line_ids") or []) + self._vmi_overstock_discount_lines(
            agreement, consumptions
        )
        return vals

    @api.model
    def _vmi_overstock_discount_lines(self, agreement, consumptions):
        """Commands of the discount lines of ``agreement``'s settlement: for
        each discount still owed (resolved cases, oldest first), the units of
        its line consumed since its resolution among ``consumptions``, up to
        what is left to discount (``logic.overstock.split_discount``), credited
        at (agreed − discount price): quantity positive, price negative, so
        that no consumption is ever matched to it (agreed prices are never
        negative). The cases are read as superuser (the accountant settles;
        the buyer decided the discount) and prefetched for the whole batch of
        agreements; the counter is the discount lines themselves."""
        cases = agreement.sudo().overstock_case_ids.filtered(
            lambda c: (
                c.state == "resolved"
                and c.resolution == overstock.RESOLUTION_DISCOUNT
                and c.qty_to_discount > 0
            )
        )
        if not cases:
            return []
        by_line = defaultdict(list)
        for case in cases.sorted(lambda c: (c.date_resolved, c.id)):
            by_line[case.agreement_line_id.id].append(case)
        commands = []
        for line_id, line_cases in by_line.items():
            start = line_cases[0].date_resolved
            uom = line_cases[0].product_uom_id
            consumed = sum(
                c.uom_id._compute_quantity(c.quantity, uom, round=False)
                for c in consumptions
                if c.agreement_line_id.id == line_id and c.date >= start
            )
            for case, qty in zip(
                line_cases,
                overstock.split_discount(consumed, [c.qty_to_discount for c in line_cases]),
                strict=True,
            ):
                if float_is_zero(qty, precision_rounding=uom.rounding or 0.01):
                    continue
                commands.append(
                    Command.create(
                        {
                            "product_id": case.product_id.id,
                            "uom_id": uom.id,
                            "quantity": qty,
                            "price_unit": -(case.price_unit - case.discount_price),
                            "vmi_overstock_case_id": case.id,
                        }
                    )
                )
        return commands


class VmiSettlementLine(models.Model):
    _inherit = "vmi.settlement.line"  # pylint: disable=consider-merging-classes-inherited

    vmi_overstock_case_id = fields.Many2one(
        "vmi.overstock.case",
        string="Overstock Discount",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The overstock case whose discount this line credits.",
    )

    def _prepare_bill_line(self, sign=1, fiscal_position=None):
        vals = super()._prepare_bill_line(sign=sign, fiscal_position=fiscal_position)
        if self.vmi_overstock_case_id:
            vals["name"] = self.env._(
                "Overstock discount %(case)s: %(product)s",
                case=self.vmi_overstock_case_id.sudo().name,
                product=self.product_id.display_name,
            )
        return vals


class VmiNotification(models.Model):
    _inherit = "vmi.notification"  # pylint: disable=consider-merging-classes-inherited

    kind = fields.Selection(
        selection_add=[("overstock", "Overstock case")], ondelete={"overstock": "cascade"}
    )
