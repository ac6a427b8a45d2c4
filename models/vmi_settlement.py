# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class VmiSettlement(models.Model):
    """The consumption statement of one agreement for one period, and the
    draft vendor bill made from it (SPEC step 5: settle what was consumed).

    Returns consumed before the settlement are netted in its quantities; a
    return after the settlement lands on the next settlement as a negative
    quantity (a negative bill line). When a whole period nets negative, the
    settlement produces a vendor credit note (refund) instead of a bill.
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
        "account.move", string="Vendor Bill", readonly=True, copy=False, index="btree_not_null"
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

    _sql_constraints = [
        (
            "period_unique",
            "UNIQUE(agreement_id, date_to)",
            "This agreement already has a settlement with this cut-off date.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                agreement = self.env["vmi.agreement"].browse(vals["agreement_id"])
                vals["name"] = _(
                    "%(agreement)s %(start)s..%(end)s",
                    agreement=agreement.name,
                    start=vals["date_from"],
                    end=vals["date_to"],
                )
        return super().create(vals_list)

    @api.depends("line_ids.amount")
    def _compute_amount(self):
        for settlement in self:
            settlement.amount_untaxed = sum(settlement.line_ids.mapped("amount"))

    def _compute_access_url(self):
        super()._compute_access_url()
        for settlement in self:
            settlement.access_url = f"/my/vmi/statements/{settlement.id}"

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Settlements cannot be deleted: they are the record of what was billed."))

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
               SET settlement_id = %s, billed = TRUE
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
        consumptions.invalidate_recordset(["settlement_id", "settlement_line_id", "billed"])

    def _create_bill(self):
        """Create the draft vendor bill (or refund, when the period nets
        negative) of this settlement. Returns the move, or nothing when every
        product nets to zero."""
        self.ensure_one()
        lines = self.line_ids
        if not lines:
            self.state = "billed"
            return self.env["account.move"]
        move_type = "in_refund" if sum(lines.mapped("amount")) < 0 else "in_invoice"
        bill = self.env["account.move"].with_company(self.company_id).create(self._prepare_bill(move_type))
        self.write({"bill_id": bill.id, "state": "billed"})
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

    def action_view_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.bill_id.id,
            "view_mode": "form",
        }
