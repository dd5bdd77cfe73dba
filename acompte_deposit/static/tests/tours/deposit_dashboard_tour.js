import { registry } from "@web/core/registry";

const overdueTile = ".o_deposit_dashboard_tile[data-kpi='overdue']";

/**
 * Opens the deposit dashboard, reads the overdue tile and clicks through to
 * the deposits it counts: the customer "Tour Overdue Customer" owes 360.00 on
 * one overdue deposit (see test_deposit_dashboard_tour.py).
 */
registry.category("web_tour.tours").add("acompte_deposit_dashboard_tour", {
    url: "/odoo/action-acompte_deposit.deposit_dashboard_action",
    steps: () => [
        {
            content: "The receivables and deposits report can be printed",
            trigger: ".o_control_panel .o_deposit_dashboard_print",
        },
        {
            content: "The DSO trend is drawn",
            trigger: ".o_deposit_dashboard_trend canvas",
        },
        {
            content: "The overdue tile shows the amount and the number of deposits",
            trigger: `${overdueTile} .o_deposit_dashboard_value:contains(360.00)`,
        },
        {
            trigger: `${overdueTile} .o_deposit_dashboard_count:contains(1 invoice)`,
        },
        {
            content: "Open the overdue deposits",
            trigger: overdueTile,
            run: "click",
        },
        {
            content: "The list holds the overdue deposit, and only it",
            trigger: ".o_list_view .o_data_row:contains(Tour Overdue Customer)",
            run() {
                const rows = document.querySelectorAll(".o_list_view .o_data_row");
                if (rows.length !== 1) {
                    throw new Error(`1 overdue deposit expected, ${rows.length} listed`);
                }
            },
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb li:first-child a",
            run: "click",
        },
        {
            trigger: `${overdueTile} .o_deposit_dashboard_value:contains(360.00)`,
        },
    ],
});
