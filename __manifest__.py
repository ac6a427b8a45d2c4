# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Vendor Managed Inventory (VMI) with Consignment",
    "summary": "VMI agreements, supplier-owned stock, supplier-confirmed "
    "replenishment and monthly bills from actual consumption",
    "version": "18.0.1.1.0",
    "category": "Inventory/Purchase",
    "website": "https://github.com/stock-vmi/stock_vmi",
    "author": "stock_vmi contributors",
    "license": "AGPL-3",
    "depends": [
        "purchase_stock",
        "stock_account",
        "portal",
        "queue_job",
    ],
    "external_dependencies": {
        "python": ["xlsxwriter", "openpyxl"],
    },
    "data": [
        "security/stock_vmi_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_template_data.xml",
        "data/mail_template_reminder_data.xml",
        "data/ir_cron_data.xml",
        "data/queue_job_data.xml",
        "wizards/vmi_settlement_wizard_views.xml",
        "wizards/vmi_proposal_decline_wizard_views.xml",
        "wizards/vmi_settlement_resolve_wizard_views.xml",
        "wizards/vmi_post_confirm_wizard_views.xml",
        "views/vmi_agreement_views.xml",
        "views/vmi_overview_views.xml",
        "views/vmi_consumption_views.xml",
        "views/vmi_settlement_views.xml",
        "views/vmi_notification_views.xml",
        "views/purchase_order_views.xml",
        "views/stock_location_views.xml",
        "views/account_move_views.xml",
        "views/stock_vmi_menus.xml",
        "views/portal_templates.xml",
        "views/purchase_portal_templates.xml",
        "report/vmi_statement_figures.xml",
        "report/vmi_settlement_report.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "stock_vmi/static/src/scss/vmi_portal.scss",
            "stock_vmi/static/src/js/vmi_proposal_adjust.js",
        ],
        "web.assets_tests": [
            "stock_vmi/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/stock_vmi_demo.xml",
    ],
}
