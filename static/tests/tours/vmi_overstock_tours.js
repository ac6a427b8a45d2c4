/** @odoo-module **/
// Tours of the supplier's overstock cases (run by tests/test_overstock.py).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("stock_vmi_portal_overstock_discount", {
    steps: () => [
        {
            content: "The list shows the case of 6205",
            trigger: "tr.o_vmi_overstock_row[data-product='6205'] .o_vmi_qty_over:contains(45)",
        },
        {
            content: "Open the case",
            trigger: "tr.o_vmi_overstock_row[data-product='6205'] a",
            run: "click",
        },
        {
            content: "45 over the maximum",
            trigger: ".o_vmi_portal_overstock .o_vmi_qty_over:contains(45)",
        },
        {
            content: "The likely cause is given",
            trigger: ".o_vmi_portal_overstock .o_vmi_cause[data-cause]",
        },
        {
            content: "The discussion is there",
            trigger: "#discussion",
        },
        {
            content: "Choose a discount",
            trigger: "#vmi_res_discount",
            run: "click",
        },
        {
            content: "Type the discount price",
            trigger: "#vmi_discount_price",
            run: "edit 11",
        },
        {
            content: "Say why",
            trigger: "#vmi_propose_note",
            run: "edit Slow mover, we share the cost",
        },
        {
            content: "Send the proposal",
            trigger: "button.o_vmi_propose",
            run: "click",
        },
        {
            content: "The proposal is recorded",
            trigger: ".o_vmi_message",
        },
        {
            content: "The case now waits for the buyer",
            trigger: ".o_vmi_overstock_state[data-state='proposed']",
        },
    ],
});
