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
            content: "The stock sheet of all the supplier's agreements can be downloaded",
            trigger: "a.o_vmi_sheet_all_link[href='/my/vmi/sheet.xlsx']",
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
            content: "The agreement's stock sheet (XLSX) can be downloaded",
            trigger: "a.o_vmi_sheet_link[href$='/sheet.xlsx']",
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

tours.add("stock_vmi_portal_projection", {
    steps: () => [
        {
            content: "From the agreement page, open the projected stock",
            trigger: "a.o_vmi_projection_link",
            run: "click",
        },
        {
            content: "6205: 45 on hand",
            trigger: ".o_vmi_portal_projection tr.o_vmi_projection_row .o_vmi_on_hand:contains(45)",
        },
        {
            content: "30 days, the first one below the reorder point (orange)",
            trigger: "tr.o_vmi_projection_row span.o_vmi_day:nth-child(30)",
        },
        {
            content: "Tomorrow is below the reorder point",
            trigger: "tr.o_vmi_projection_row span.o_vmi_day:first-child.o_vmi_day_below.bg-warning",
        },
        {
            content: "The date it falls below is given",
            trigger: "tr.o_vmi_projection_row .o_vmi_below_date span",
        },
        {
            content: "Back to the agreement by the breadcrumb",
            trigger: ".o_portal_submenu a[href^='/my/vmi/agreement/']",
            run: "click",
        },
        {
            content: "The agreement page again",
            trigger: ".o_vmi_portal_agreement",
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
            content: "While typing: 45 + 80 passes the maximum of 100",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'][data-warning='above'] .o_vmi_warn_above:not(.d-none)",
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
        {
            content: "The page says the quantity is not ordered yet",
            trigger: ".o_vmi_waiting_buyer",
        },
        {
            content: "80 is the supplier's quantity, still flagged above the maximum",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] .o_vmi_ordered:contains(80)",
        },
        {
            content: "The warning stays on the page",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] .o_vmi_warn_above:not(.d-none)",
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
            content: "The month's VMI review, as PDF and XLSX",
            trigger: "a.o_vmi_review_pdf[href*='/review.pdf']",
        },
        {
            content: "The review as XLSX",
            trigger: "a.o_vmi_review_xlsx[href*='/review.xlsx']",
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

// One line of the agreement page's header: the header row is a single line
// of text (no header broken a word or a character per line).
function assertOneLineHeaders(selector) {
    for (const th of document.querySelectorAll(selector)) {
        const style = getComputedStyle(th);
        const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
        const content = th.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
        if (th.textContent.trim() && content > lineHeight * 1.5) {
            throw new Error(`header "${th.textContent.trim()}" wraps (${content}px for a ${lineHeight}px line)`);
        }
    }
}

// The figures are in the table, reachable by scrolling it sideways, and the
// product column stays in view while scrolling.
function scrollTableRight(selector) {
    const scroller = document.querySelector(selector).closest(".o_vmi_scroll");
    if (scroller.scrollWidth <= scroller.clientWidth) {
        return;
    }
    scroller.scrollLeft = scroller.scrollWidth;
    const sticky = scroller.querySelector("tbody .o_vmi_sticky");
    const left = sticky.getBoundingClientRect().left - scroller.getBoundingClientRect().left;
    if (Math.abs(left) > 2) {
        throw new Error(`the product column scrolled away (${left}px)`);
    }
}

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
        {
            content: "The phone keeps the reorder point, the maximum, incoming and the months",
            trigger: "tr.o_vmi_line[data-product='6205'] .o_vmi_reorder_point:contains(50)",
            run() {
                const row = document.querySelector("tr.o_vmi_line[data-product='6205']");
                for (const css of [".o_vmi_max", ".o_vmi_incoming", ".o_vmi_month", ".o_vmi_avg"]) {
                    const cell = row.querySelector(css);
                    if (!cell || getComputedStyle(cell).display === "none") {
                        throw new Error(`${css} is hidden on a phone`);
                    }
                }
                assertOneLineHeaders(".o_vmi_lines thead th");
                scrollTableRight(".o_vmi_lines");
            },
        },
    ],
});

tours.add("stock_vmi_portal_proposal_mobile", {
    steps: () => [
        {
            content: "6205: 45 on hand at the review, reorder point 50, maximum 100",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] .o_vmi_max:contains(100)",
            run() {
                assertOneLineHeaders(".o_vmi_proposal_lines thead th");
                scrollTableRight(".o_vmi_proposal_lines");
            },
        },
        {
            content: "Why 55",
            trigger: ".o_vmi_reason:contains(55)",
        },
        {
            content: "The total",
            trigger: ".o_vmi_total:contains(687.50)",
        },
        {
            content: "Type 2: 45 + 2 stays short of the reorder point",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] input[name^='qty_']",
            run: "edit 2",
        },
        {
            content: "Short of the reorder point",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] .o_vmi_warn_below:not(.d-none)",
        },
        {
            content: "Back to 55: no warning",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] input[name^='qty_']",
            run: "edit 55",
        },
        {
            content: "No warning",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'][data-warning='']",
        },
        {
            content: "The discussion is on the page",
            trigger: "#discussion",
        },
    ],
});

tours.add("stock_vmi_portal_statement_mobile", {
    steps: () => [
        {
            content: "85 consumed; unit and agreed price kept on a phone",
            trigger: "tr.o_vmi_statement_line[data-product='6205'] .o_vmi_consumed:contains(85)",
            run() {
                const row = document.querySelector("tr.o_vmi_statement_line[data-product='6205']");
                for (const cell of row.querySelectorAll("td")) {
                    if (getComputedStyle(cell).display === "none") {
                        throw new Error(`a statement column is hidden on a phone: ${cell.textContent}`);
                    }
                }
                assertOneLineHeaders(".o_vmi_statement_lines thead th");
                scrollTableRight(".o_vmi_statement_lines");
            },
        },
        {
            content: "Approve is within reach",
            trigger: "button.o_vmi_approve",
        },
        {
            content: "The discussion is on the page",
            trigger: "#discussion",
        },
    ],
});

tours.add("stock_vmi_portal_agreement_zh", {
    steps: () => [
        {
            content: "The page is in Chinese",
            trigger: "h4:contains(库存与消耗)",
        },
        {
            content: "6205: below the reorder point, in Chinese",
            trigger: "tr.o_vmi_line[data-product='6205'] .o_vmi_status:contains(低于补货线)",
        },
        {
            content: "Chinese headers stay on one line",
            trigger: "tr.o_vmi_line[data-product='6205'] .o_vmi_reorder_point:contains(50)",
            run() {
                assertOneLineHeaders(".o_vmi_lines thead th");
                scrollTableRight(".o_vmi_lines");
            },
        },
    ],
});

tours.add("stock_vmi_portal_proposal_zh", {
    steps: () => [
        {
            content: "The reason is in Chinese",
            trigger: ".o_vmi_reason:contains(低于补货线)",
        },
        {
            content: "Chinese headers stay on one line",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] .o_vmi_max:contains(100)",
            run() {
                assertOneLineHeaders(".o_vmi_proposal_lines thead th");
            },
        },
        {
            content: "Type 80: the warning, in Chinese",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] input[name^='qty_']",
            run: "edit 80",
        },
        {
            content: "Passes the maximum",
            trigger: "tr.o_vmi_proposal_line[data-product='6205'] .o_vmi_warn_above:not(.d-none):contains(超过最高库存)",
        },
        {
            content: "Confirm, in Chinese",
            trigger: "button.o_vmi_confirm:contains(按建议确认)",
        },
    ],
});

tours.add("stock_vmi_portal_statement_zh", {
    steps: () => [
        {
            content: "The statement in Chinese: 85 consumed",
            trigger: "tr.o_vmi_statement_line[data-product='6205'] .o_vmi_consumed:contains(85)",
            run() {
                assertOneLineHeaders(".o_vmi_statement_lines thead th");
            },
        },
        {
            content: "Approve, in Chinese",
            trigger: "button.o_vmi_approve:contains(确认对账单)",
        },
        {
            content: "The discussion is on the page",
            trigger: "#discussion",
        },
    ],
});

tours.add("stock_vmi_portal_lists_zh", {
    steps: () => [
        {
            content: "The portal home's VMI entries, in Chinese",
            trigger: "a[href='/my/vmi/agreements']:contains(VMI 协议)",
            run: "click",
        },
        {
            content: "The agreements list, then the proposals list",
            trigger: "tr.o_vmi_agreement_row a",
            run() {
                window.location.href = "/my/vmi/proposals?filterby=all";
            },
        },
        {
            content: "The proposals list, in Chinese",
            trigger: ".o_portal_navbar:contains(VMI 补货建议)",
        },
        {
            content: "Its proposal, then the statements list",
            trigger: "tr.o_vmi_proposal_row a",
            run() {
                window.location.href = "/my/vmi/statements";
            },
        },
        {
            content: "The statements list, in Chinese",
            trigger: ".o_portal_navbar:contains(VMI 对账单)",
        },
        {
            content: "Its statement",
            trigger: "tr.o_vmi_statement_row a",
        },
    ],
});

tours.add("stock_vmi_portal_projection_mobile", {
    steps: () => [
        {
            content: "6205: 45 on hand, 30 days on the strip",
            trigger: "tr.o_vmi_projection_row .o_vmi_on_hand:contains(45)",
        },
        {
            content: "The strip, the dates and the headers fit a phone: the table scrolls sideways",
            trigger: "tr.o_vmi_projection_row span.o_vmi_day:nth-child(30)",
            run() {
                assertOneLineHeaders(".o_vmi_projection_table thead th");
                scrollTableRight(".o_vmi_projection_table");
                if (document.documentElement.scrollWidth > window.innerWidth + 1) {
                    throw new Error("the page is wider than the phone");
                }
            },
        },
        {
            content: "The last day is reachable",
            trigger: "tr.o_vmi_projection_row span.o_vmi_day:nth-child(30)",
            run() {
                const day = document.querySelector("tr.o_vmi_projection_row span.o_vmi_day:nth-child(30)");
                const scroller = day.closest(".o_vmi_scroll").getBoundingClientRect();
                const box = day.getBoundingClientRect();
                if (box.right > scroller.right + 1) {
                    throw new Error(`the last day is out of reach (${box.right} > ${scroller.right})`);
                }
            },
        },
    ],
});
