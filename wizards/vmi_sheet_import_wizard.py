# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..logic import sheet_import as sheet

KINDS = [
    (sheet.COUNT, "Stock count of the VMI location"),
    (sheet.PLAN, "Demand plan"),
    (sheet.PROPOSAL, "Supplier's answer to the proposal"),
]


class VmiSheetImportWizard(models.TransientModel):
    """Import a sheet (XLSX) into an agreement or a proposal: its template,
    the file, and the rows that are wrong (nothing is imported then)."""

    _name = "vmi.sheet.import.wizard"
    _description = "Import a VMI Sheet (XLSX)"

    agreement_id = fields.Many2one("vmi.agreement", readonly=True)
    purchase_id = fields.Many2one("purchase.order", string="Proposal", readonly=True)
    kind = fields.Selection(KINDS, required=True, default=sheet.COUNT)
    file = fields.Binary(string="File (XLSX)", attachment=False)
    filename = fields.Char()
    template_file = fields.Binary(readonly=True, attachment=False)
    template_filename = fields.Char(readonly=True)
    state = fields.Selection([("new", "New"), ("error", "Errors")], default="new", readonly=True)
    error_ids = fields.One2many(
        "vmi.sheet.import.wizard.error", "wizard_id", string="Rows to correct", readonly=True
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if values.get("purchase_id"):
            values["kind"] = sheet.PROPOSAL
        return values

    def _vmi_record(self):
        self.ensure_one()
        if self.kind == sheet.PROPOSAL and not self.purchase_id:
            raise UserError(
                self.env._("To import the supplier's answer, open the proposal and use its Import button.")
            )
        return self.purchase_id if self.kind == sheet.PROPOSAL else self.agreement_id

    def _vmi_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Import a Sheet (XLSX)"),
        }

    def action_download_template(self):
        self.ensure_one()
        filename, data = self.env["vmi.sheet.import"]._vmi_sheet_template(self.kind, self._vmi_record())
        self.write({"template_file": base64.b64encode(data), "template_filename": filename})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/template_file/{filename}?download=true",
            "target": "self",
        }

    def action_import(self):
        self.ensure_one()
        data = base64.b64decode(self.file) if self.file else b""
        result = self.env["vmi.sheet.import"]._vmi_sheet_import(self.kind, self._vmi_record(), data)
        self.error_ids.unlink()
        if result["errors"]:
            self.write(
                {
                    "state": "error",
                    "error_ids": [fields.Command.create(error) for error in result["errors"]],
                }
            )
            return self._vmi_reopen()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Sheet imported"),
                "message": result["message"],
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


class VmiSheetImportWizardError(models.TransientModel):
    """A wrong row of the file: its spreadsheet row number and why."""

    _name = "vmi.sheet.import.wizard.error"
    _description = "Wrong Row of a VMI Sheet"
    _order = "row, id"

    wizard_id = fields.Many2one("vmi.sheet.import.wizard", required=True, ondelete="cascade")
    row = fields.Integer()
    reason = fields.Char(required=True)
