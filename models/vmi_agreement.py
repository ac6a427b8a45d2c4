# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_is_zero

from ..logic import rules
from .locking import lock_rows, lock_rows_or_raise

_logger = logging.getLogger(__name__)


class VmiAgreement(models.Model):
    """A VMI agreement between the company and one supplier for one warehouse.

    It holds the rules both sides signed (SPEC step 1): which products, their
    reorder point and maximum, how often stock is reviewed, when the demand
    plan is due, when consumption is settled, and the overstock and emergency
    rules. Stock in its VMI location stays owned by the supplier until it is
    consumed; the monthly settlement bills what was consumed.
    """

    _name = "vmi.agreement"
    _description = "VMI Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin", "vmi.portal.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # VMI users read agreements without editing them, but discuss them.
    _mail_post_access = "read"

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/", index="trigram"
    )
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Supplier",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
        check_company=True,
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        default=lambda self: self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    location_id = fields.Many2one(
        "stock.location",
        string="VMI Location",
        check_company=True,
        tracking=True,
        index=True,
        domain="[('usage', '=', 'internal'), ('company_id', '=', company_id)]",
        help="Internal location that holds the supplier-owned (consignment) stock.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible Buyer",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    date_start = fields.Date(default=fields.Date.context_today, tracking=True)
    date_end = fields.Date(tracking=True)
    review_interval_days = fields.Integer(
        string="Review Interval (days)",
        default=3,
        required=True,
        help="The supplier reviews stock every N days (SPEC: every 3 days).",
    )
    next_review_date = fields.Date(
        default=fields.Date.context_today,
        tracking=True,
        index=True,
        help="Date of the next scheduled reorder check.",
    )
    forecast_due_day = fields.Integer(
        default=5,
        required=True,
        help="Day of the month before which the customer sends next month's demand plan.",
    )
    settlement_day = fields.Integer(
        default=25,
        required=True,
        help="Day of the month on which the consumption is settled and billed.",
    )
    overstock_days = fields.Integer(
        default=30,
        required=True,
        help="Stock above the maximum and unused for this many days triggers a joint review.",
    )
    emergency_notice_hours = fields.Integer(
        default=24,
        required=True,
        help="Minimum notice, in hours, for an emergency demand increase.",
    )
    emergency_freight_share = fields.Float(
        string="Customer Share of Rush Freight (%)",
        default=50.0,
        required=True,
    )
    adjust_tolerance = fields.Float(
        string="Adjustment Tolerance (%)",
        default=10.0,
        required=True,
        help="A supplier adjustment of a proposal within this percentage of the "
        "proposed quantity is approved automatically; beyond it the buyer approves.",
    )
    line_ids = fields.One2many("vmi.agreement.line", "agreement_id", string="Products", copy=True)
    line_count = fields.Integer(compute="_compute_counts")
    purchase_ids = fields.One2many("purchase.order", "vmi_agreement_id", string="Replenishments")
    purchase_count = fields.Integer(compute="_compute_counts")
    consumption_ids = fields.One2many("vmi.consumption", "agreement_id")
    consumption_count = fields.Integer(compute="_compute_counts")
    settlement_ids = fields.One2many("vmi.settlement", "agreement_id")
    settlement_count = fields.Integer(compute="_compute_counts")
    last_review_date = fields.Datetime(readonly=True, copy=False)
    last_settlement_date = fields.Date(readonly=True, copy=False, help="Cut-off date of the last settlement.")
    notes = fields.Html(string="Terms")

    # The agreed rules are checked in Python (``_check_rules``) rather than by
    # SQL CHECK constraints: an INSERT refused by the database would pre-empt
    # the clear message with a generic one, and no concurrency is at stake.

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("state", "draft") != "draft" for vals in vals_list):
            raise UserError(self.env._("A VMI agreement starts as a draft: activate it with its button."))
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("vmi.agreement") or "/"
                )
        return super().create(vals_list)

    # Signed terms that cannot change once the agreement is in force: the
    # supplier owns stock in that location, priced in that currency.
    _LOCKED_WHEN_SIGNED = frozenset(
        {"partner_id", "location_id", "company_id", "warehouse_id", "currency_id"}
    )

    def write(self, vals):
        if "state" in vals and not self.env.su:
            raise UserError(
                self.env._(
                    "The status of a VMI agreement changes only with its buttons: "
                    "Activate, Close, Reset to Draft."
                )
            )
        locked = self._LOCKED_WHEN_SIGNED.intersection(vals)
        if locked:
            for agreement in self.filtered(lambda a: a.state != "draft"):
                changed = [f for f in locked if agreement[f].id != vals[f]]
                if changed:
                    raise UserError(
                        self.env._(
                            "%(agreement)s is in force: %(fields)s cannot change. Close it and sign "
                            "a new agreement.",
                            agreement=agreement.name,
                            fields=", ".join(
                                agreement._fields[f].get_description(self.env)["string"] for f in changed
                            ),
                        )
                    )
        return super().write(vals)

    def _vmi_portal_path(self):
        return f"/my/vmi/agreement/{self.id}"

    def _compute_access_url(self):  # pylint: disable=missing-return
        # (missing-return: a compute method returns nothing, it assigns the field)
        super()._compute_access_url()
        for agreement in self:
            agreement.access_url = agreement._vmi_portal_path()

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        """The supplier's button in notification e-mails of the agreement's
        chatter opens the portal page with a signed, expiring token, not
        portal.mixin's permanent token (which would also open the chatter to
        whoever the e-mail is forwarded to, for ever)."""
        groups = super()._notify_get_recipients_groups(message, model_description, msg_vals=msg_vals)
        if len(self) == 1:
            for group_name, _matcher, data in groups:
                if group_name == "portal_customer" and data.get("has_button_access"):
                    data["button_access"] = {
                        "url": self._vmi_portal_url(),
                        "title": self.env._("View Agreement"),
                    }
        return groups

    def _compute_counts(self):
        """Smart-button counters: one ``_read_group`` per related model."""
        counts = {}
        for field, model, link in (
            ("line_count", "vmi.agreement.line", "agreement_id"),
            ("purchase_count", "purchase.order", "vmi_agreement_id"),
            ("consumption_count", "vmi.consumption", "agreement_id"),
            ("settlement_count", "vmi.settlement", "agreement_id"),
        ):
            groups = self.env[model]._read_group([(link, "in", self.ids)], [link], ["__count"])
            counts[field] = {agreement.id: count for agreement, count in groups}
        for agreement in self:
            for field, by_agreement in counts.items():
                agreement[field] = by_agreement.get(agreement.id, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(a.state != "draft" for a in self):
            raise UserError(self.env._("Only draft VMI agreements can be deleted; close it instead."))

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("location_id", "warehouse_id")
    def _check_location(self):
        """The VMI location is a dedicated internal location: never a
        warehouse's stock location (or one of its parents), where the company
        keeps its own stock and every receipt and delivery passes."""
        if not self.location_id:
            return
        # Every warehouse's stock location (of every company): a handful of records.
        stock_locations = self.env["stock.warehouse"].sudo().search([]).lot_stock_id  # pylint: disable=no-search-all
        for agreement in self.filtered("location_id"):
            location = agreement.location_id
            if location.usage != "internal":
                raise ValidationError(
                    self.env._(
                        "The VMI location %(location)s of agreement %(agreement)s must be "
                        "an internal location.",
                        location=location.display_name,
                        agreement=agreement.name,
                    )
                )
            if any(stock.parent_path.startswith(location.parent_path) for stock in stock_locations):
                raise ValidationError(
                    self.env._(
                        "%(location)s holds the warehouse's own stock and cannot be a VMI location: "
                        "use a dedicated location (button Create VMI Location).",
                        location=location.display_name,
                    )
                )

    @api.constrains("state", "line_ids", "location_id")
    def _check_active_requirements(self):
        for agreement in self.filtered(lambda a: a.state == "active"):
            if not agreement.location_id:
                raise ValidationError(
                    self.env._(
                        "Agreement %s needs a VMI location before it can be activated.", agreement.name
                    )
                )
            if not agreement.line_ids:
                raise ValidationError(
                    self.env._(
                        "Agreement %s needs at least one product before it can be activated.", agreement.name
                    )
                )
        self.line_ids._check_unique_active_product()

    @api.constrains(
        "review_interval_days",
        "forecast_due_day",
        "settlement_day",
        "overstock_days",
        "emergency_notice_hours",
        "emergency_freight_share",
        "adjust_tolerance",
    )
    def _check_rules(self):
        """The rules signed in the agreement must make sense (SPEC step 1)."""
        for agreement in self:
            errors = []
            if agreement.review_interval_days < 1:
                errors.append(self.env._("The review interval must be at least one day."))
            if not 1 <= agreement.forecast_due_day <= 31:
                errors.append(self.env._("The forecast due day must be a day of the month (1-31)."))
            if not 1 <= agreement.settlement_day <= 31:
                errors.append(self.env._("The settlement day must be a day of the month (1-31)."))
            if agreement.overstock_days < 1:
                errors.append(self.env._("The overstock period must be at least one day."))
            if agreement.emergency_notice_hours < 0:
                errors.append(self.env._("The emergency notice cannot be negative."))
            if not 0 <= agreement.emergency_freight_share <= 100:
                errors.append(self.env._("The customer's share of rush freight must be between 0 and 100 %."))
            if not 0 <= agreement.adjust_tolerance <= 100:
                errors.append(self.env._("The adjustment tolerance must be between 0 and 100 %."))
            if errors:
                raise ValidationError(
                    self.env._(
                        "Agreement %(agreement)s:\n%(errors)s",
                        agreement=agreement.name,
                        errors="\n".join(errors),
                    )
                )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for agreement in self:
            if agreement.date_start and agreement.date_end and agreement.date_end < agreement.date_start:
                raise ValidationError(
                    self.env._("The end date of an agreement cannot be before its start date.")
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_activate(self):
        for agreement in self:
            if agreement.state != "draft":
                raise UserError(self.env._("Only draft agreements can be activated."))
        self.check_access("write")
        self._check_location_holds_no_company_stock()
        self.sudo().write({"state": "active"})
        return True

    def _check_location_holds_no_company_stock(self):
        """Every unit in a VMI location belongs to a supplier: a location that
        already holds company-owned (or unassigned) stock cannot become one."""
        groups = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("location_id", "child_of", self.location_id.ids),
                    ("owner_id", "=", False),
                    ("quantity", "!=", 0),
                ],
                ["location_id"],
            )
        )
        if groups:
            raise UserError(
                self.env._(
                    "%(location)s holds company-owned stock: move it out, or use a dedicated "
                    "location (button Create VMI Location).",
                    location=groups[0][0].display_name,
                )
            )

    def action_close(self):
        """Close the agreement: no new reviews; open proposals are declined.
        The supplier keeps owning the stock left in the location until it is
        consumed (billed as usual) or returned."""
        if any(a.state != "active" for a in self):
            raise UserError(self.env._("Only active agreements can be closed."))
        self.check_access("write")
        self.sudo().write({"state": "closed"})
        Order = self.env["purchase.order"].sudo()
        open_orders = Order.search(
            [("vmi_agreement_id", "in", self.ids), *Order._get_vmi_open_proposals_domain()]
        )
        if open_orders:
            open_orders.write(
                {"vmi_state": "declined", "vmi_decline_reason": self.env._("The agreement was closed.")}
            )
            open_orders.button_cancel()
        return True

    def action_reset_draft(self):
        if any(a.state != "closed" for a in self):
            raise UserError(self.env._("Only closed agreements can be set back to draft."))
        self.check_access("write")
        with_stock = self.filtered(lambda a: any(a.line_ids.mapped("qty_on_hand")))
        if with_stock:
            raise UserError(
                self.env._(
                    "%s still has supplier-owned stock in its location: consume or return it "
                    "before setting the agreement back to draft.",
                    with_stock[0].name,
                )
            )
        # A draft agreement is neither settled nor a VMI location, and its
        # supplier can be changed: nothing may still be owed or on its way.
        unbilled = (
            self.env["vmi.consumption"]
            .sudo()
            ._read_group([("agreement_id", "in", self.ids), ("settlement_id", "=", False)], ["agreement_id"])
        )
        if unbilled:
            raise UserError(
                self.env._(
                    "%s has consumption not yet settled: settle it before setting the agreement "
                    "back to draft.",
                    unbilled[0][0].name,
                )
            )
        incoming = self.filtered(lambda a: any(a.line_ids.mapped("qty_incoming")))
        if incoming:
            raise UserError(
                self.env._(
                    "%s has replenishments on their way: receive or cancel them before setting the "
                    "agreement back to draft.",
                    incoming[0].name,
                )
            )
        self.sudo().write({"state": "draft"})
        return True

    def action_create_location(self):
        """Create the dedicated VMI location under the warehouse (not under its
        stock location, so that ordinary operations never pick from it)."""
        self.check_access("write")
        for agreement in self.filtered(lambda a: not a.location_id):
            # A VMI manager need not be a stock manager to create the one
            # location its agreement requires: only that creation is sudo.
            agreement.location_id = (
                self.env["stock.location"].sudo().create(agreement._prepare_location_vals())
            )
        return True

    def _prepare_location_vals(self):
        """Extension point: values of the VMI location created for this agreement."""
        self.ensure_one()
        return {
            "name": self.env._("VMI %s", self.partner_id.commercial_partner_id.name),
            "usage": "internal",
            "location_id": self.warehouse_id.view_location_id.id,
            "company_id": self.company_id.id,
        }

    def action_invite_supplier_contacts(self):
        """One click: grant portal access to the supplier's contacts (Odoo's
        portal wizard, which creates their portal users and sends the
        invitation e-mails), so that they can confirm proposals and follow
        stock and statements on the portal.

        The wizard runs as superuser, scoped to this supplier's own contacts:
        buyers need not be contact managers. Contacts without an e-mail, or
        whose invitation fails (an e-mail already used by another user), are
        reported; those who already have access are left as they are."""
        self.ensure_one()
        if not self.env.user.has_group("stock_vmi.group_vmi_manager"):
            raise AccessError(
                self.env._("Only VMI managers can invite the supplier's contacts to the portal.")
            )
        self.check_access("write")
        supplier = self.partner_id.commercial_partner_id
        contacts = supplier.child_ids.filtered(lambda p: p.type in ("contact", "other") and not p.is_company)
        if not contacts:
            raise UserError(
                self.env._(
                    "%(supplier)s has no contacts: add the people who will use the portal (with their "
                    "e-mail) to the supplier first.",
                    supplier=supplier.display_name,
                )
            )
        wizard = self.env["portal.wizard"].sudo().create({"partner_ids": [Command.set(contacts.ids)]})
        invited, already, failed = [], [], []
        for wizard_user in wizard.user_ids:
            name = wizard_user.partner_id.name
            if wizard_user.is_portal or wizard_user.is_internal:
                already.append(name)
            elif not wizard_user.email:
                failed.append(self.env._("%(name)s (no e-mail)", name=name))
            else:
                try:
                    with self.env.cr.savepoint():
                        wizard_user.action_grant_access()
                    invited.append(name)
                except UserError as e:
                    failed.append(f"{name} ({e.args[0]})")
        if invited:
            self.message_post(
                body=self.env._("Portal access granted to %(contacts)s.", contacts=", ".join(invited)),
                subtype_xmlid="mail.mt_note",
            )
        parts = []
        if invited:
            parts.append(self.env._("Invited: %s.", ", ".join(invited)))
        if already:
            parts.append(self.env._("Already on the portal: %s.", ", ".join(already)))
        if failed:
            parts.append(self.env._("Not invited: %s.", "; ".join(failed)))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Supplier portal access"),
                "message": " ".join(parts),
                "type": "warning" if failed else "success",
                "sticky": bool(failed),
            },
        }

    def action_view_purchases(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("purchase.purchase_rfq")
        action["domain"] = [("vmi_agreement_id", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    def action_view_consumption(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_consumption")
        action["domain"] = [("agreement_id", "in", self.ids)]
        return action

    def action_view_settlements(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_vmi.action_vmi_settlement")
        action["domain"] = [("agreement_id", "in", self.ids)]
        return action

    def action_view_stock(self):
        """Smart button: the supplier-owned stock in the VMI location, per product."""
        return self.env["vmi.agreement.line"]._vmi_quants_action(
            [("location_id", "child_of", self.location_id.ids), ("owner_id", "!=", False)],
            self.env._("VMI stock"),
        )

    # ------------------------------------------------------------------
    # Reorder check (SPEC step 3)
    # ------------------------------------------------------------------
    def action_review_now(self):
        """Button: run the reorder check for these agreements now (VMI users)."""
        if not self.env.user.has_group("stock_vmi.group_vmi_user"):
            raise AccessError(self.env._("Only VMI users can run the reorder check."))
        self.check_access("read")
        if any(a.state != "active" for a in self):
            raise UserError(self.env._("Only active agreements can be reviewed."))
        # A double click, or the cron reviewing the same agreement right now:
        # the second one is refused at once instead of proposing twice.
        lock_rows_or_raise(
            self, self.env._("This agreement is being reviewed right now; try again in a moment.")
        )
        orders = self._run_review()
        if len(orders) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "purchase.order",
                "res_id": orders.id,
                "view_mode": "form",
            }
        if not orders:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._("No product is below its reorder point: nothing to propose."),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return self.action_view_purchases()

    @api.model
    def _cron_review(self, batch_size=200):
        """Scheduled reorder check: every active agreement whose review is due.

        Works in chunks of ``batch_size`` agreements, committing after each
        chunk when run by the cron, so that a large company does not hold one
        long transaction. Agreements already locked by another worker are left
        to it (``locking.lock_rows``): two cron workers never propose twice.

        The proposals are flagged for the supplier's e-mail rather than sent
        here: rendering and posting one e-mail per RFQ was more than half of
        the review's time, inside its transaction. The sender
        (``_cron_vmi_notify``) is triggered at the end and sends them in
        chunks of its own.
        """
        today = fields.Date.context_today(self)
        domain = [("next_review_date", "<=", today), *self._in_force_domain(today)]
        agreements = self.search(domain, order="next_review_date, id")
        auto_commit = not self.env.registry.in_test_mode() and self.env.context.get("cron_id")
        proposed = False
        for start in range(0, len(agreements), batch_size):
            chunk = lock_rows(agreements[start : start + batch_size])
            if chunk:
                proposed |= bool(chunk._run_review(notify="later"))
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if proposed:
            self._vmi_trigger_notify()
        return True

    @api.model
    def _in_force_domain(self, day):
        """Agreements in force on ``day``: active and within their validity
        dates. Only then does the supplier replenish and may proposals be
        confirmed (an expired agreement proposes nothing)."""
        return [
            ("state", "=", "active"),
            "|",
            ("date_start", "=", False),
            ("date_start", "<=", day),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", day),
        ]

    def _is_in_force(self, day):
        """Whether this agreement is in force on ``day`` (``_in_force_domain``)."""
        self.ensure_one()
        return bool(self.filtered_domain(self._in_force_domain(day)))

    def _lock_for_settlement(self):
        """Lock these agreements for a settlement or its cancellation: a
        concurrent one (a cron worker, a second accountant) is refused at once
        with a clear message (``locking.lock_rows_or_raise``), as is a
        transaction whose snapshot predates another's committed settlement."""
        lock_rows_or_raise(
            self,
            self.env._("A settlement of these VMI agreements is already running; try again in a moment."),
        )

    def _run_review(self, notify="now"):
        """Reorder check of ``self``: one proposal (RFQ) per agreement with all
        its due lines. Returns the purchase orders created.

        ``notify="now"`` (Review Now, direct calls) e-mails each proposal to
        its supplier at once; ``"later"`` (the cron) only flags them
        (``vmi_to_notify``) for ``_cron_vmi_notify``.

        The proposals are created without mail.thread's "Purchase Order
        created" log line (``mail_create_nolog``): the supplier's e-mail
        posted on the RFQ says as much, and purchase creates orders one by
        one, so each log line is a message of its own. Followers and field
        tracking are unchanged (``tracking_disable`` would also drop the
        followers; ``mail_notrack`` skips nothing here: purchase has no
        tracking template)."""
        today = fields.Date.context_today(self)
        self = self.filtered(lambda a: a._is_in_force(today))  # noqa: PLW0642
        if not self:
            return self.env["purchase.order"]
        lines = self.line_ids
        stock = lines._get_quantities()
        quantities = lines._compute_proposal_quantities(stock)
        order_vals = []
        for agreement in self:
            due = [
                (line, quantities[line.id]) for line in agreement.line_ids if quantities.get(line.id, 0.0) > 0
            ]
            if due:
                vals = agreement._prepare_purchase_order(due)
                self.env["purchase.order"]._vmi_add_review_figures(vals, lines, stock)
                order_vals.append(vals)
        if notify == "later":
            for vals in order_vals:
                vals["vmi_to_notify"] = True
        Order = self.env["purchase.order"]
        orders = (
            Order.with_context(mail_create_nolog=True).create(order_vals).with_env(self.env)
            if order_vals
            else Order
        )
        # The review's bookkeeping is written as superuser: VMI users run
        # reviews but may not edit agreements. One write per review interval.
        now = fields.Datetime.now()
        by_interval = defaultdict(list)
        for agreement in self:
            by_interval[agreement.review_interval_days].append(agreement.id)
        for interval, agreement_ids in by_interval.items():
            self.browse(agreement_ids).sudo().write(
                {"last_review_date": now, "next_review_date": rules.next_review_date(today, interval, today)}
            )
        if orders and notify == "now":
            orders._vmi_notify_new_proposal()
        return orders

    def _prepare_purchase_order(self, due_lines):
        """Extension point: values of the proposal (RFQ) for ``due_lines``, a
        list of ``(agreement line, quantity in line UoM)``."""
        self.ensure_one()
        picking_type = self.warehouse_id.in_type_id
        partner = self.partner_id
        fpos = self.env["account.fiscal.position"].with_company(self.company_id)._get_fiscal_position(partner)
        date_planned = fields.Datetime.now() + timedelta(days=max(self.review_interval_days, 1))
        return {
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "user_id": self.user_id.id,
            "picking_type_id": picking_type.id,
            "fiscal_position_id": fpos.id,
            "origin": self.name,
            "vmi_agreement_id": self.id,
            "vmi_state": "to_confirm",
            "date_planned": date_planned,
            "order_line": [
                fields.Command.create(self._prepare_purchase_order_line(line, qty, fpos, date_planned))
                for line, qty in due_lines
            ],
        }

    def _prepare_purchase_order_line(self, agreement_line, quantity, fpos, date_planned):
        """Extension point: values of one proposal line, at the agreed price."""
        product = agreement_line.product_id
        taxes = product.supplier_taxes_id._filter_taxes_by_company(self.company_id)
        return {
            "product_id": product.id,
            "name": product.display_name,
            "product_qty": quantity,
            "product_uom": agreement_line.product_uom_id.id,
            "price_unit": agreement_line.price_unit,
            "taxes_id": [fields.Command.set(fpos.map_tax(taxes).ids)],
            "date_planned": date_planned,
            "vmi_agreement_line_id": agreement_line.id,
            "vmi_proposed_qty": quantity,
        }

    # ------------------------------------------------------------------
    # Settlement (SPEC step 5)
    # ------------------------------------------------------------------
    @api.model
    def _cron_settle(self, batch_size=50):
        """Monthly settlement: bill each agreement's settlement day once that
        day is over (the day after, up to the end of the settlement day), and
        catch up the latest missed settlement day if the cron was down
        (``rules.settlement_cutoff_due``). "Today" is read in the agreement's
        settlement time zone (``vmi.consumption._get_settlement_tz``).

        Agreements sharing a cut-off are settled ``batch_size`` at a time, in
        one savepoint and one ``account.move.create`` (accounting syncs the
        dynamic lines of a whole batch of bills at once: per bill, that was
        three quarters of the settlement's time). If a chunk fails, it is
        settled again agreement by agreement, each in its own savepoint: one
        that fails is logged and skipped, the others are billed. Commits after
        each chunk when run by the cron. The statements are e-mailed
        afterwards by ``_cron_vmi_notify``, which is triggered here."""
        Consumption = self.env["vmi.consumption"]
        agreements = self.search([("state", "in", ("active", "closed"))])
        auto_commit = not self.env.registry.in_test_mode() and self.env.context.get("cron_id")
        ids_by_cutoff = defaultdict(list)
        for agreement in agreements:
            cutoff = rules.settlement_cutoff_due(
                Consumption._get_settlement_today(agreement),
                agreement.settlement_day,
                agreement.last_settlement_date,
                agreement.date_start,
            )
            if cutoff:
                ids_by_cutoff[cutoff].append(agreement.id)
        settled = False
        for cutoff, agreement_ids in sorted(ids_by_cutoff.items()):
            for start in range(0, len(agreement_ids), batch_size):
                chunk = self.browse(agreement_ids[start : start + batch_size])
                settled |= bool(chunk._settle_chunk(cutoff))
                if auto_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        if settled:
            self._vmi_trigger_notify()
        return True

    def _settle_chunk(self, cutoff):
        """Settle ``self`` for the cron in one savepoint; if that fails, settle
        each agreement in its own savepoint so that one bad agreement does not
        block the others. Returns the settlements made."""
        try:
            with self.env.cr.savepoint():
                return self._settle(cutoff, notify="later")
        except Exception as e:  # noqa: BLE001 - logged; retried agreement by agreement
            if len(self) == 1:
                self._log_settle_failure(e)
                return self.env["vmi.settlement"]
            _logger.warning(
                "VMI settlement of %d agreements failed (%s); settling them one by one", len(self), e
            )
        settlements = self.env["vmi.settlement"]
        for agreement in self:
            try:
                with self.env.cr.savepoint():
                    settlements |= agreement._settle(cutoff, notify="later")
            except Exception as e:  # noqa: BLE001 - logged, the other agreements go on
                agreement._log_settle_failure(e)
        return settlements

    def _log_settle_failure(self, error):
        """A refused settlement (``UserError``: busy, already billed) is a
        warning; anything else is an error with its traceback."""
        names = ", ".join(self.mapped("name"))
        if isinstance(error, UserError):
            _logger.warning("VMI settlement of %s skipped: %s", names, error)
        else:
            _logger.error("VMI settlement of %s failed", names, exc_info=error)

    def _settle(self, cutoff, notify="now"):
        """Settle the unbilled consumption of ``self`` up to ``cutoff`` (a date,
        inclusive, ending at midnight in each agreement's settlement time zone):
        one settlement and one draft vendor bill per agreement, all created in
        one ``create`` each (settlements, then bills).

        Only accountants (``account.group_account_invoice``) or the superuser
        (the cron) settle. They only read settlements: the settlement records
        are written here with ``sudo()``, while the vendor bills are created
        with the caller's own rights (account access rules apply).

        Billing exactly once is enforced by the database: the agreement rows are
        locked first (``_lock_for_settlement``: a concurrent settlement is
        refused at once with a clear message), then each consumption row is linked to its settlement
        with ``settlement_id IS NULL`` in the ``WHERE`` clause, so a row billed
        by a transaction that committed meanwhile is never billed again (under
        Odoo's REPEATABLE READ isolation the second transaction gets a
        serialization error and rolls back whole). A second run for the same
        cut-off bills only what was recorded since (a second settlement).

        ``notify="now"`` (the accountant's wizard, direct calls) e-mails the
        statements at once; ``"later"`` (the cron) flags them for
        ``_cron_vmi_notify``.
        """
        if not self:
            return self.env["vmi.settlement"]
        if not (self.env.is_superuser() or self.env.user.has_group("account.group_account_invoice")):
            raise AccessError(
                self.env._(
                    "Only accountants (Invoicing: Billing) can settle VMI consumption into vendor bills."
                )
            )
        self.check_access("read")
        self._lock_for_settlement()
        Consumption = self.env["vmi.consumption"]
        ids_by_end = defaultdict(list)
        for agreement in self:
            ids_by_end[Consumption._get_cutoff_end(cutoff, agreement)].append(agreement.id)
        Consumption.flush_model()
        groups = []
        for cutoff_end, agreement_ids in ids_by_end.items():  # one query per time zone
            groups += Consumption._read_group(
                [
                    ("agreement_id", "in", agreement_ids),
                    ("settlement_id", "=", False),
                    ("date", "<", cutoff_end),
                ],
                ["agreement_id"],
                ["id:array_agg"],
            )
        # One prefetch for all the consumption rows of the batch.
        consumptions_all = Consumption.browse([cid for _agreement, ids in groups for cid in ids])
        to_settle = [
            (agreement, Consumption.browse(ids).with_prefetch(consumptions_all._prefetch_ids))
            for agreement, ids in groups
        ]
        settlements = self.env["vmi.settlement"]
        if to_settle:
            # Settlements are read-only for accountants: only this method writes them.
            settlements_sudo = settlements.sudo().create(
                [agreement._prepare_settlement(cutoff, consumptions) for agreement, consumptions in to_settle]
            )
            for settlement_sudo, (_agreement, consumptions) in zip(settlements_sudo, to_settle, strict=True):
                settlement_sudo._claim_consumptions(consumptions)
            settlements = settlements_sudo.sudo(False)
            settlements._create_bills(notify=notify)
        # Accountants settle without the right to edit agreements. An earlier
        # cut-off never moves the date back (the cron would settle it again).
        self.filtered(lambda a: not a.last_settlement_date or a.last_settlement_date < cutoff).sudo().write(
            {"last_settlement_date": cutoff}
        )
        return settlements

    def _prepare_settlement(self, cutoff, consumptions):
        """Extension point: values of the settlement of ``consumptions``.

        The period ends on ``cutoff`` and starts the day after the previous
        cut-off (the last settlement date before ``cutoff``), so periods never
        overlap: unbilled consumption dated before that (a backdated move, or
        consumption released by a cancelled settlement) is billed here all the
        same, without moving the start back. Only the first settlement of an
        agreement starts at its earliest consumption when that is before the
        regular period (settlement day of the previous month + 1).
        """
        self.ensure_one()
        previous = self.last_settlement_date
        if not previous or previous >= cutoff:
            # A supplementary run for an already settled cut-off: the period
            # follows the last settlement before it, if any.
            previous = max(
                (s.date_to for s in self.settlement_ids if s.date_to < cutoff),
                default=False,
            )
        if previous:
            start = previous + timedelta(days=1)
        else:
            start = rules.settlement_period(cutoff, self.settlement_day)[0]
            first = self.env["vmi.consumption"]._get_settlement_date(self, min(consumptions.mapped("date")))
            start = min(start, first)
        totals = defaultdict(float)
        for consumption in consumptions:
            key = (consumption.product_id.id, consumption.uom_id.id, consumption.price_unit)
            totals[key] += consumption.quantity
        line_vals = []
        for (product_id, uom_id, price_unit), qty in totals.items():
            rounding = self.env["uom.uom"].browse(uom_id).rounding
            if float_is_zero(qty, precision_rounding=rounding):
                continue
            line_vals.append(
                fields.Command.create(
                    {
                        "product_id": product_id,
                        "uom_id": uom_id,
                        "quantity": qty,
                        "price_unit": price_unit,
                    }
                )
            )
        return {
            "agreement_id": self.id,
            "date_from": start,
            "date_to": cutoff,
            "line_ids": line_vals,
        }

    # ------------------------------------------------------------------
    # Deferred e-mails of the scheduled review and settlement
    # ------------------------------------------------------------------
    # Models whose records the crons flag (``vmi_to_notify``) instead of
    # e-mailing them in their own transaction; each implements
    # ``_vmi_send_flagged()`` (send what still applies, clear the flag).
    _VMI_NOTIFY_MODELS = ("purchase.order", "vmi.settlement")

    @api.model
    def _vmi_trigger_notify(self):
        """Run the sender (``ir_cron_vmi_notify``) as soon as a cron worker is
        free, rather than at its next hourly call."""
        cron = self.env.ref("stock_vmi.ir_cron_vmi_notify", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _cron_vmi_notify(self, batch_size=50):
        """Send the proposals and statements flagged by the scheduled review
        and settlement, ``batch_size`` records at a time, committing after
        each chunk when run by the cron: a slow mail template or a large
        month no longer holds the review's or the settlement's transaction,
        and a failure costs one chunk, not the month's bills.

        Each chunk is locked with ``FOR NO KEY UPDATE SKIP LOCKED`` and its
        flags re-read under the lock (``_vmi_lock_flagged``), and a record's
        flag is cleared in the transaction that posts its e-mail: two workers
        (or a rerun) never send twice. A chunk that fails is retried record by
        record; a record that still fails stays flagged for the next run.
        """
        auto_commit = not self.env.registry.in_test_mode() and self.env.context.get("cron_id")
        for model in self._VMI_NOTIFY_MODELS:
            records = self.env[model].sudo().search([("vmi_to_notify", "=", True)], order="id")
            for start in range(0, len(records), batch_size):
                chunk = self._vmi_lock_flagged(records[start : start + batch_size])
                if chunk:
                    self._vmi_send_chunk(chunk)
                if auto_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    @api.model
    def _vmi_lock_flagged(self, records):
        """Lock those of ``records`` (proposals or statements) that are still
        flagged and not locked by another transaction; return them.

        Under REPEATABLE READ, a row another worker changed (sent) and
        committed after this transaction's snapshot cannot be locked
        (``locking.lock_rows``): the chunk is then left alone (its e-mails
        were sent, or stay flagged for the next run)."""
        if not records:
            return records
        records.flush_recordset(["vmi_to_notify"])
        locked = lock_rows(records, SQL("vmi_to_notify"))
        records.invalidate_recordset(["vmi_to_notify"])
        return locked

    @api.model
    def _vmi_send_chunk(self, records):
        """Send a locked chunk in one savepoint; if it fails, record by record,
        so that one bad e-mail does not hold back the others."""
        try:
            with self.env.cr.savepoint():
                records._vmi_send_flagged()
            return
        except Exception:
            if len(records) == 1:
                _logger.exception("VMI e-mail of %s %s failed; retried next run", records._name, records.ids)
                return
            _logger.warning(
                "VMI e-mails of %s %s failed; sending them one by one", records._name, records.ids
            )
        for record in records:
            try:
                with self.env.cr.savepoint():
                    record._vmi_send_flagged()
            except Exception:
                _logger.exception("VMI e-mail of %s %s failed; retried next run", record._name, record.id)

    # ------------------------------------------------------------------
    # Helpers for other models
    # ------------------------------------------------------------------
    @api.model
    def _get_active_lines_map(self, location_ids, product_ids):
        """``{(VMI location id, product id): agreement lines}`` of the
        agreements that own stock in those locations, the active one first,
        then closed ones, newest first (a closed agreement's stock stays its
        supplier's until consumed or returned, and is still billed). Several
        suppliers can own the same product in one location after a change of
        supplier: callers pick the line of the stock's owner
        (``stock.move.line._vmi_line``).

        One query for a whole batch of move lines.
        """
        if not location_ids or not product_ids:
            return {}
        lines = (
            self.env["vmi.agreement.line"]
            .sudo()
            .search_fetch(
                [
                    ("agreement_id.state", "in", ("active", "closed")),
                    ("agreement_id.location_id", "in", list(location_ids)),
                    ("product_id", "in", list(product_ids)),
                ],
                [
                    "agreement_id",
                    "product_id",
                    "product_uom_id",
                    "price_unit",
                    "location_id",
                    "partner_id",
                    "state",
                ],
                order="id desc",
            )
        )
        result = defaultdict(lambda: self.env["vmi.agreement.line"].sudo())
        for line in lines.sorted(lambda ln: ln.state != "active"):
            result[line.location_id.id, line.product_id.id] |= line
        return dict(result)
