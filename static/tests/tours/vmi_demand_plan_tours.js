/** @odoo-module **/
// Tour of the customer's demand plan on the supplier's portal (tests/test_demand_plan_portal.py).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("stock_vmi_portal_plan_acknowledge", {
    steps: () => [
        {
            content: "Open the published plan from the list",
            trigger: "tr.o_vmi_plan_row a",
            run: "click",
        },
        {
            content: "6205: 90 planned this period, 80 and 70 after",
            trigger: "tr.o_vmi_plan_line[data-product='6205'] .o_vmi_plan_qty:contains(90)",
        },
        {
            content: "The estimate of the period after",
            trigger: "tr.o_vmi_plan_line[data-product='6205'] .o_vmi_plan_next2:contains(70)",
        },
        {
            content: "The revision is listed: 80 -> 85",
            trigger: "tr.o_vmi_plan_revision .o_vmi_revision_new:contains(85)",
        },
        {
            content: "Acknowledge the plan",
            trigger: "button.o_vmi_acknowledge",
            run: "click",
        },
        {
            content: "Acknowledged",
            trigger: ".o_vmi_message",
        },
        {
            content: "The status says so",
            trigger: ".o_vmi_plan_state[data-state='acknowledged']",
        },
    ],
});
