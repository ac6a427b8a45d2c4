/** @odoo-module **/
// The supplier's proposal page: while the supplier types a quantity, the line
// says whether on hand + incoming + that quantity passes the maximum or stays
// short of the reorder point (the same rule as the page rendered on the
// server: stock_vmi.logic.rules.level_warning).
import publicWidget from "@web/legacy/js/public/public_widget";

const EPSILON = 1e-9;

export function levelWarning(onHand, incoming, quantity, reorderPoint, maximum) {
    const after = onHand + incoming + quantity;
    if (after > maximum + EPSILON) {
        return "above";
    }
    if (after < reorderPoint - EPSILON) {
        return "below";
    }
    return "";
}

publicWidget.registry.VmiProposalAdjust = publicWidget.Widget.extend({
    selector: ".o_vmi_adjust_form",
    events: {
        "input .o_vmi_qty_input": "_onQuantityInput",
    },

    _onQuantityInput(ev) {
        const row = ev.currentTarget.closest(".o_vmi_proposal_line");
        if (!row || row.dataset.hasLevels !== "1") {
            return;
        }
        const text = (ev.currentTarget.value || "").replace(",", ".");
        const quantity = parseFloat(text);
        const warning = Number.isNaN(quantity)
            ? ""
            : levelWarning(
                  parseFloat(row.dataset.onHand) || 0,
                  parseFloat(row.dataset.incoming) || 0,
                  quantity,
                  parseFloat(row.dataset.reorderPoint) || 0,
                  parseFloat(row.dataset.max) || 0
              );
        row.dataset.warning = warning;
        row.querySelector(".o_vmi_warn_above").classList.toggle("d-none", warning !== "above");
        row.querySelector(".o_vmi_warn_below").classList.toggle("d-none", warning !== "below");
    },
});
