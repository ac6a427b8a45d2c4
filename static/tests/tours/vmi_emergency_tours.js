/** @odoo-module **/
// Tour of an emergency proposal on the supplier's portal (tests/test_emergency.py).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("stock_vmi_portal_emergency", {
    steps: () => [
        {
            content: "The emergency is explained: 20 to send",
            trigger: ".o_vmi_emergency .o_vmi_emergency_extra:contains(20)",
        },
        {
            content: "Less notice than agreed",
            trigger: ".o_vmi_emergency .o_vmi_short_notice",
        },
        {
            content: "No adjustment form for an emergency",
            trigger: "body:not(:has(.o_vmi_adjust_form))",
        },
        {
            content: "Confirming without accepting the short notice is refused",
            trigger: ".o_vmi_emergency_form button.o_vmi_confirm",
            run: "click",
        },
        {
            content: "The refusal says why",
            trigger: ".o_vmi_error:contains(accept the short notice)",
        },
        {
            content: "Enter the rush freight",
            trigger: ".o_vmi_emergency_form input[name='freight_cost']",
            run: "edit 200",
        },
        {
            content: "Accept the short notice",
            trigger: ".o_vmi_emergency_form input[name='accept_short_notice']",
            run: "click",
        },
        {
            content: "Confirm the emergency",
            trigger: ".o_vmi_emergency_form button.o_vmi_confirm",
            run: "click",
        },
        {
            content: "Confirmed",
            trigger: ".o_vmi_message",
        },
    ],
});
