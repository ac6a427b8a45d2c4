# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang, hash_sign, verify_hash_signed

# Scope of the signed links: a token made for a VMI page is worth nothing
# elsewhere (other modules sign with their own scope).
TOKEN_SCOPE = "stock_vmi.portal"
DEFAULT_LINK_DAYS = 14


class VmiPortalMixin(models.AbstractModel):
    """Links to the supplier's VMI portal pages, for e-mails.

    A link carries a **signed, expiring** token (``hash_sign``): a reader who
    is not logged in may open the page it names, read-only, until the token
    expires (``stock_vmi.portal_link_days``, 14 days by default). The token
    names one record of one model; it never widens what a logged-in user may
    see (``controllers.portal``), and it never allows an action: confirming,
    adjusting, declining or approving needs the supplier's portal login.
    Unlike ``portal.mixin``'s static ``access_token``, such a link cannot be
    used forever once it has been forwarded.
    """

    _name = "vmi.portal.mixin"
    _description = "VMI portal links"

    def _vmi_portal_path(self):
        """Extension point: the portal path of this record (``/my/vmi/...``)."""
        raise NotImplementedError

    @api.model
    def _vmi_format_quantity(self, quantity):
        """A quantity as the reader writes it (separators of the context's
        language): whole pieces without decimals (55, not 55.0 or 55.00),
        others with their significant decimals. For e-mails and pages."""
        quantity = quantity or 0.0
        if float(quantity).is_integer():
            return formatLang(self.env, quantity, digits=0)
        return formatLang(self.env, quantity, digits=6).rstrip("0")

    @api.model
    def _vmi_link_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param("stock_vmi.portal_link_days")
        try:
            days = int(value) if value else DEFAULT_LINK_DAYS
        except ValueError:
            days = DEFAULT_LINK_DAYS
        return max(days, 1)

    def _vmi_portal_token(self):
        """A token for this record, valid ``_vmi_link_days`` days."""
        self.ensure_one()
        return hash_sign(
            self.sudo().env,
            TOKEN_SCOPE,
            [self._name, self.id],
            expiration=timedelta(days=self._vmi_link_days()),
        )

    def _vmi_portal_url(self, with_token=True):
        """Absolute URL of this record's portal page, with a signed token."""
        self.ensure_one()
        url = self.get_base_url() + self._vmi_portal_path()
        if with_token:
            url += "?access_token=" + self._vmi_portal_token()
        return url

    # ------------------------------------------------------------------
    # The supplier of the record (``partner_id``): who it is, who is told
    # ------------------------------------------------------------------
    def _vmi_is_supplier_user(self, user=None):
        """True when ``user`` (default: the current user) is one of the
        record's supplier's contacts (same commercial partner)."""
        self.ensure_one()
        user = user or self.env.user
        return user.partner_id.commercial_partner_id == self.partner_id.commercial_partner_id

    @api.model
    def _vmi_number_formatter(self):
        """A fast number formatter in the environment's language (separators
        of ``res.lang``), for the supplier's pages and the sentences that
        quote figures: the agreement page shows thousands of figures, and
        QWeb's float widget costs a field converter call per cell. Whole
        numbers are shown without decimals (50, not 50.00)."""
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        table = str.maketrans({",": lang.thousands_sep or "", ".": lang.decimal_point or "."})

        def number(value, digits=2):
            value = value or 0.0
            if value == int(value):
                return f"{int(value):,}".translate(table)
            return f"{value:,.{digits}f}".rstrip("0").rstrip(".").translate(table)

        return number

    def _vmi_supplier_recipients(self):
        """Who receives the record's e-mails: the supplier and those of its
        contacts who have a user (they answer on the portal) and an e-mail
        address (the company record often has none of its own)."""
        self.ensure_one()
        contacts = self.partner_id.commercial_partner_id.sudo().child_ids.filtered(
            lambda p: p.user_ids and p.email
        )
        return self.partner_id | contacts.sudo(False)

    def _vmi_note_on_behalf(self, message):
        """Internal note on each record: the current (internal) user recorded
        the supplier's answer on its behalf. ``message`` is translated and
        has ``%(supplier)s`` and ``%(user)s`` placeholders."""
        user = self.env.user
        for record in self:
            body = message % {
                "supplier": record.partner_id.commercial_partner_id.display_name,
                "user": user.name,
            }
            record.sudo().message_post(
                body=body,
                author_id=user.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _vmi_text_argument(self, value, missing=None):
        """A note or reason of an answer, as given over RPC or the portal:
        text (stripped), ``None`` when empty. Anything else is refused with a
        clear message, and so is an empty value when ``missing`` (the message
        asking for it) is given."""
        if value is None or value is False:
            value = ""
        if not isinstance(value, str):
            raise ValidationError(self.env._("A note or reason must be text."))
        value = value.strip()
        if not value and missing:
            raise ValidationError(missing)
        return value or None

    def _get_report_base_filename(self):
        """Name of the PDF the portal serves (``CustomerPortal._show_report``)."""
        self.ensure_one()
        return self.display_name

    @api.model
    def _vmi_check_portal_token(self, record_id, token):
        """True when ``token`` is a valid, unexpired token for the record
        ``record_id`` of this model."""
        if not token or not isinstance(token, str):
            return False
        try:
            payload = verify_hash_signed(self.sudo().env, TOKEN_SCOPE, token)
        except Exception:  # noqa: BLE001 - a malformed token is just invalid
            return False
        return payload == [self._name, record_id]
