import {
    Component,
    onWillStart,
    onWillUnmount,
    toRaw,
    useEffect,
    useRef,
    useState,
} from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { getColor } from "@web/core/colors/colors";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";

// Odoo's danger red: above the target line, the DSO tiles turn red too.
const TARGET_COLOR = "#d44c59";

/**
 * The accountant's deposit dashboard: tiles that open the records they count,
 * and the DSO trend of the last 12 months against the target.
 */
export class DepositDashboard extends Component {
    static template = "acompte_deposit.DepositDashboard";
    static components = { Layout };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.trendRef = useRef("trend");
        this.chart = null;
        this.state = useState({ data: null, loading: false });

        onWillStart(async () => {
            await Promise.all([loadBundle("web.chartjs_lib"), this.load()]);
        });
        useEffect(
            () => this.renderTrend(),
            () => [this.state.data]
        );
        onWillUnmount(() => this.destroyTrend());
    }

    get sections() {
        const kpis = Object.fromEntries(
            this.state.data.kpis.map((kpi) => [kpi.key, kpi])
        );
        const pick = (keys) => keys.map((key) => kpis[key]).filter(Boolean);
        return [
            {
                key: "deposits",
                title: _t("Deposits"),
                kpis: pick([
                    "awaiting",
                    "overdue",
                    "collected_month",
                    "avg_days_to_collect",
                ]),
            },
            {
                key: "dso",
                title: _t("DSO against the Target"),
                kpis: pick(["dso_standard", "dso_countback"]),
            },
            {
                key: "risk",
                title: _t("Active Customers by Risk Level"),
                kpis: pick(["risk_low", "risk_medium", "risk_high"]),
            },
            {
                key: "reminders",
                title: _t("Reminders"),
                kpis: pick(["reminders_failed"]),
            },
        ].filter((section) => section.kpis.length);
    }

    get hasTrend() {
        return Boolean(this.state.data.dso_trend?.length);
    }

    async load() {
        this.state.loading = true;
        try {
            this.state.data = await this.orm.call(
                "res.company",
                "get_deposit_dashboard_data",
                []
            );
        } finally {
            this.state.loading = false;
        }
    }

    onRefresh() {
        return this.load();
    }

    async onPrint() {
        const action = await this.orm.call(
            "res.company",
            "action_print_deposit_receivables",
            [[this.state.data.company_id]]
        );
        return this.actionService.doAction(action);
    }

    openKpi(kpi) {
        if (kpi.action) {
            return this.actionService.doAction(toRaw(kpi.action));
        }
    }

    tileClass(kpi) {
        return `o_deposit_dashboard_tile_${kpi.tone}`;
    }

    destroyTrend() {
        if (this.chart) {
            this.chart.destroy();
            this.chart = null;
        }
    }

    renderTrend() {
        this.destroyTrend();
        if (!this.trendRef.el || !this.hasTrend) {
            return;
        }
        const trend = toRaw(this.state.data.dso_trend);
        const line = (label, key, color, extra = {}) => ({
            label,
            data: trend.map((point) => point[key]),
            borderColor: color,
            backgroundColor: color,
            tension: 0.2,
            spanGaps: true,
            ...extra,
        });
        this.chart = new Chart(this.trendRef.el, {
            type: "line",
            data: {
                labels: trend.map((point) => point.label),
                datasets: [
                    line(
                        _t("DSO, standard method"),
                        "standard",
                        getColor(0, "light", "odoo")
                    ),
                    line(
                        _t("DSO, count-back method"),
                        "countback",
                        getColor(1, "light", "odoo")
                    ),
                    line(_t("DSO target"), "target", TARGET_COLOR, {
                        borderDash: [6, 4],
                        pointRadius: 0,
                        tension: 0,
                    }),
                ],
            },
            options: {
                maintainAspectRatio: false,
                interaction: { mode: "index", intersect: false },
                scales: {
                    y: {
                        beginAtZero: true,
                        title: { display: true, text: _t("Days") },
                    },
                },
                plugins: { legend: { position: "bottom" } },
            },
        });
    }
}

registry.category("actions").add("acompte_deposit.deposit_dashboard", DepositDashboard);
