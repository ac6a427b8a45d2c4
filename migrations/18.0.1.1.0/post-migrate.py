# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.1.0: the outbox (``vmi.notification``) replaces the flags
``vmi_to_notify`` of proposals and statements.

The sender cron (a ``noupdate`` record) now calls the outbox's sweeper, and
what was still flagged goes to the outbox, so nothing flagged before the
upgrade is left unsent."""

from odoo import SUPERUSER_ID, api
from odoo.tools.sql import column_exists


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("stock_vmi.ir_cron_vmi_notify", raise_if_not_found=False)
    if cron:
        cron.write(
            {
                "model_id": env.ref("stock_vmi.model_vmi_notification").id,
                "code": "model._cron_send()",
                "name": "VMI: send pending notifications to suppliers",
            }
        )
    Notification = env["vmi.notification"]
    for table, model, kind in (
        ("purchase_order", "purchase.order", "proposal"),
        ("vmi_settlement", "vmi.settlement", "statement"),
    ):
        if not column_exists(cr, table, "vmi_to_notify"):
            continue
        cr.execute(f"SELECT id FROM {table} WHERE vmi_to_notify")
        ids = [row[0] for row in cr.fetchall()]
        Notification._vmi_queue(env[model].browse(ids), kind)
        cr.execute(f"ALTER TABLE {table} DROP COLUMN vmi_to_notify")
