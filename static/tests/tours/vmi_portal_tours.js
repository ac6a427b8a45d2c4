/** @odoo-module **/
// Tours of the supplier's VMI portal (run by tests/test_portal_tour.py).
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

tours.add("stock_vmi_portal_agreement", {
    steps: () => [
        {
            content: "The portal home shows the VMI agreements entry",
            trigger: "a[href='/my/vmi/agreements']",
            run: "click",
        },
        {
            content: "Open the agreement",
            trigger: "tr.o_vmi_agreement_row a",
            run: "click",
        },
        {
            content: "6205: 45 on hand",
            trigger: "tr.o_vmi_line[data-product='6205'] .o_vmi_on_hand:contains(45)",
        },
        {
            content: "6205: reorder point 50",
            trigger: "tr.o_vmi_line[data-product='6205'] .o_vmi_reorder_point:contains(50)",
        },
        {
            content: "6205: below the reorder point, in red",
            trigger: "tr.o_vmi_line[data-product='6205'] .o_vmi_status.text-bg-danger[data-status='below']",
        },
        {
            content: "The agreed rules are shown",
            trigger: ".o_vmi_rules dd:contains(25)",
        },
        {
            content: "The discussion is there",
            trigger: "#discussion",
        },
    ],
});

tours.add("stock_vmi_portal_agreement_mobile", {
    steps: () => [
        {
            content: "6205: 45 on hand",
            trigger: "tr.o_vmi_line[data-product='6205'] .o_vmi_on_hand:contains(45)",
        },
        {
            content: "6205: below the reorder point",
            trigger: "tr.o_vmi_line[data-product='6205'] .o_vmi_status[data-status='below']",
        },
    ],
});

tours.add("stock_vmi_portal_confirm", {
    steps: () => [
        {
            content: "Open the proposal waiting for confirmation",
            trigger: "tr.o_vmi_proposal_row a",
            run: "click",
        },
        {
            content: "55 proposed for 6205",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] .o_vmi_proposed:contains(55)",
        },
        {
            content: "Confirm as proposed",
            trigger: "button.o_vmi_confirm",
            run: "click",
        },
        {
            content: "Confirmed",
            trigger: ".o_vmi_message",
        },
        {
            content: "Approved",
            trigger: ".o_vmi_proposal_state[data-state='approved']",
        },
    ],
});

tours.add("stock_vmi_portal_adjust_within", {
    steps: () => [
        {
            content: "Change 55 to 58 (within 10 %)",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] input[name^='qty_']",
            run: "edit 58",
        },
        {
            content: "Submit the adjustment",
            trigger: "button.o_vmi_adjust",
            run: "click",
        },
        {
            content: "Recorded",
            trigger: ".o_vmi_message",
        },
        {
            content: "Approved at once",
            trigger: ".o_vmi_proposal_state[data-state='approved']",
        },
        {
            content: "58 ordered",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] .o_vmi_ordered:contains(58)",
        },
    ],
});

tours.add("stock_vmi_portal_adjust_beyond", {
    steps: () => [
        {
            content: "Change 55 to 80 (beyond 10 %)",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] input[name^='qty_']",
            run: "edit 80",
        },
        {
            content: "Submit the adjustment",
            trigger: "button.o_vmi_adjust",
            run: "click",
        },
        {
            content: "Recorded",
            trigger: ".o_vmi_message",
        },
        {
            content: "Waits for the buyer",
            trigger: ".o_vmi_proposal_state[data-state='to_approve']",
        },
    ],
});

tours.add("stock_vmi_portal_adjust_invalid", {
    steps: () => [
        {
            content: "Type an absurd quantity",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] input[name^='qty_']",
            run: "edit 999999",
        },
        {
            content: "Submit the adjustment",
            trigger: "button.o_vmi_adjust",
            run: "click",
        },
        {
            content: "A clear message",
            trigger: ".o_vmi_error:contains(far above)",
        },
        {
            content: "Still waiting for the supplier",
            trigger: ".o_vmi_proposal_state[data-state='to_confirm']",
        },
    ],
});

tours.add("stock_vmi_portal_decline", {
    steps: () => [
        {
            content: "Open the decline form",
            trigger: "button.o_vmi_show_decline",
            run: "click",
        },
        {
            content: "Give a reason",
            trigger: "textarea[name='reason']",
            run: "edit Production line stopped for maintenance",
        },
        {
            content: "Decline",
            trigger: "button.o_vmi_decline",
            run: "click",
        },
        {
            content: "Declined",
            trigger: ".o_vmi_proposal_state[data-state='declined']",
        },
        {
            content: "The reason is shown",
            trigger: ".o_vmi_decline_reason:contains(maintenance)",
        },
    ],
});

tours.add("stock_vmi_portal_statement_approve", {
    steps: () => [
        {
            content: "Open the statement",
            trigger: "tr.o_vmi_statement_row a",
            run: "click",
        },
        {
            content: "85 consumed",
            trigger: "tr.o_vmi_statement_line[data-product='6205'] .o_vmi_consumed:contains(85)",
        },
        {
            content: "The PDF can be downloaded",
            trigger: "a.o_vmi_pdf[href*='report_type=pdf']",
        },
        {
            content: "Approve",
            trigger: "button.o_vmi_approve",
            run: "click",
        },
        {
            content: "Approved",
            trigger: ".o_vmi_statement_state[data-state='approved']",
        },
    ],
});

tours.add("stock_vmi_portal_statement_dispute", {
    steps: () => [
        {
            content: "Open the dispute form",
            trigger: "button.o_vmi_show_dispute",
            run: "click",
        },
        {
            content: "Give a reason",
            trigger: "textarea[name='reason']",
            run: "edit We count 80 consumed, not 85",
        },
        {
            content: "Dispute",
            trigger: "button.o_vmi_dispute",
            run: "click",
        },
        {
            content: "Disputed",
            trigger: ".o_vmi_statement_state[data-state='disputed']",
        },
        {
            content: "The reason is shown",
            trigger: ".o_vmi_dispute_reason:contains(80 consumed)",
        },
    ],
});
