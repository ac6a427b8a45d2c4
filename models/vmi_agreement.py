# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .counting import assign_counts
from .locking import lock_rows_or_raise

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
        for field, model, link in (
            ("line_count", "vmi.agreement.line", "agreement_id"),
            ("purchase_count", "purchase.order", "vmi_agreement_id"),
            ("consumption_count", "vmi.consumption", "agreement_id"),
            ("settlement_count", "vmi.settlement", "agreement_id"),
        ):
            assign_counts(self, field, model, link)

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
        "lead_days",
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
            if agreement.lead_days < 0:
                errors.append(self.env._("The lead time cannot be negative."))
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
    # Validity and locks (used by the review and the settlement)
    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    # Settlement (SPEC step 5): vmi.settlement settles (models/vmi_settlement_run.py)
    # ------------------------------------------------------------------
    @api.model
    def _cron_settle(self, batch_size=25, max_lines=500):
        """The monthly settlement's cron (``vmi.settlement._cron_settle``)."""
        return self.env["vmi.settlement"]._cron_settle(batch_size=batch_size, max_lines=max_lines)

    def _settle(self, cutoff):
        """Settle these agreements up to ``cutoff``
        (``vmi.settlement._settle_agreements``); returns the settlements."""
        return self.env["vmi.settlement"]._settle_agreements(self, cutoff)

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
