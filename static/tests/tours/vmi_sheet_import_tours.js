/** @odoo-module **/
// Tour of the supplier's sheet import on the portal (tests/test_sheet_import_portal.py).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("stock_vmi_portal_sheet_import", {
    steps: () => [
        {
            content: "From the agreement page to the stock count import",
            trigger: "a.o_vmi_import_count_link",
            run: "click",
        },
        {
            content: "The template to download",
            trigger: ".o_vmi_portal_import[data-kind='count'] a.o_vmi_import_template",
        },
        {
            content: "The file field of the form",
            trigger: "form.o_vmi_import_form input.o_vmi_import_file[type='file']",
        },
        {
            content: "Import without choosing a file",
            trigger: "button.o_vmi_import_submit",
            run: "click",
        },
        {
            content: "The supplier is asked for the file, nothing imported",
            trigger: ".o_vmi_error:contains(Choose the XLSX file to import)",
        },
        {
            content: "Back to the agreement",
            trigger: "a.o_vmi_import_back",
            run: "click",
        },
        {
            content: "The agreement page again",
            trigger: ".o_vmi_portal_agreement",
        },
    ],
});
