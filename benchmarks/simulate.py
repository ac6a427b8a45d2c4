#!/usr/bin/env python3
# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Policy simulation: traditional replenishment vs VMI, beside SPEC's claims.

Plain Python (no Odoo, no database): the policies and demand profiles are in
``logic/simulation.py``; the VMI policies order with the module's own rule
(``logic.rules.reorder_quantity``). Usage::

    python3 benchmarks/simulate.py                 # full run, writes docs/simulation_inventory.png
    python3 benchmarks/simulate.py --quick         # small run (CI), no plot unless --plot
    python3 benchmarks/simulate.py --seed 7 --items 500 --lead-time 5

Everything is reproducible from ``--seed``. The plot needs matplotlib; without
it the tables are printed and the plot is skipped with a message.
"""

import argparse
import os
import random
import statistics
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from logic import simulation as sim

DEFAULT_PLOT = os.path.join(REPO, "docs", "simulation_inventory.png")

#: SPEC.md "Results the article reports": (label, before, after).
SEED_CLAIMS = {
    "stockout": ("15 % -> below 5 %", 0.15, 0.05),
    "capital": ("-30 % to -50 %", -0.50, -0.30),
    "total": ("-20 % to -30 %", -0.30, -0.20),
    "rush": ("fewer rush shipments", None, None),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--runs", type=int, default=200, help="simulated years of the seed's item per profile"
    )
    parser.add_argument("--items", type=int, default=500, help="items in the mixed portfolio")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--lead-time", type=int, default=3, help="regular shipment lead time (days)")
    parser.add_argument("--rush-lead-time", type=int, default=1, help="rush shipment lead time (days)")
    parser.add_argument("--review-days", type=int, default=3, help="VMI review interval (days)")
    parser.add_argument("--holding-rate", type=float, default=sim.CostModel.holding_rate)
    parser.add_argument("--order-cost", type=float, default=sim.CostModel.regular_order)
    parser.add_argument("--rush-cost", type=float, default=sim.CostModel.rush_order)
    parser.add_argument("--stockout-cost", type=float, default=sim.CostModel.stockout_day)
    parser.add_argument("--plot", default=None, help=f"PNG to write (default {DEFAULT_PLOT})")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--quick", action="store_true", help="20 runs, 50 items, no plot unless --plot")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.items = min(args.runs, 20), min(args.items, 50)
        args.no_plot = args.no_plot or args.plot is None
    args.plot = args.plot or DEFAULT_PLOT
    return args


def seed_item_runs(args, profile):
    """``runs`` independent years of the seed's item under ``profile``:
    ``{policy: [Result]}`` and the first year's results (for the plot)."""
    rng = random.Random(f"{args.seed}:{profile}")
    by_policy, first = {}, None
    for _run in range(args.runs):
        demand = sim.PROFILES[profile](random.Random(rng.random()), args.months)
        results = sim.compare(sim.SEED_ITEM, demand, args.lead_time, args.review_days, args.rush_lead_time)
        first = first or results
        for result in results:
            by_policy.setdefault(result.policy, []).append(result)
    return by_policy, first


def calibration_runs(args, history_factor, notice_days):
    """The seed's demand of ``seed_item_runs`` (the same years) under the
    traditional supply as the seed describes it
    (:class:`logic.simulation.SeedMechanismsPolicy`)."""
    rng = random.Random(f"{args.seed}:seed")
    results = []
    for _run in range(args.runs):
        demand = sim.PROFILES["seed"](random.Random(rng.random()), args.months)
        policy = sim.SeedMechanismsPolicy.from_seed(sim.SEED_ITEM, history_factor, notice_days)
        results.append(sim.simulate(sim.SEED_ITEM, demand, policy, args.lead_time, args.rush_lead_time))
    return results


#: Cachon & Fisher (1997), Campbell Soup's continuous replenishment (VMI):
#: retailer inventories -66 %, fill rates held.
CACHON_FISHER = ("Cachon & Fisher 1997 (Campbell Soup CRP)", "-", "held", "-66% (retailer inventory)", "-")


def calibration(args, model, seed_summaries):
    """Issue 11, item 9: the traditional baseline built from the seed's own
    mechanisms, over a grid of how far the order history lags the demand and
    how late a shortage is noticed; then each VMI policy against the cell
    nearest the seed's 15 % stock-out days, and against Cachon & Fisher."""
    grid, nearest = [], None
    for factor in (1.0, 0.9, 0.8, 0.7, 0.6):
        for notice in (1, 3, 7, 14):
            summary = sim.summarize(calibration_runs(args, factor, notice), model)
            grid.append(
                [
                    f"{factor:.0%}",
                    f"{notice} d",
                    f"{summary['stockout_rate']:.2%}",
                    f"{summary['fill_rate']:.2%}",
                    f"{summary['avg_inventory'] / args.runs:.1f}",
                    f"{summary['rush'] / args.runs:.1f}",
                    fmt_money(summary["total"] / args.runs),
                ]
            )
            if nearest is None or abs(summary["stockout_rate"] - 0.15) < abs(
                nearest[2]["stockout_rate"] - 0.15
            ):
                nearest = (factor, notice, summary)
    print_table(
        "Traditional baseline from the seed's mechanisms (fixed monthly shipments = history x factor, "
        "no stock check, rush back to the safety stock once a shortage is noticed), seed's item and demand",
        [
            "shipped / demand",
            "noticed after",
            "stock-out days",
            "fill rate",
            "avg stock",
            "rush/year",
            "total cost/year",
        ],
        grid,
    )
    factor, notice, base = nearest
    rows = []
    for policy in ("VMI min/max", "VMI + forecast"):
        vmi = seed_summaries[policy]
        rows.append(
            [
                policy,
                f"{base['stockout_rate']:.1%} -> {vmi['stockout_rate']:.1%}",
                f"{base['fill_rate']:.1%} -> {vmi['fill_rate']:.1%}",
                f"{change(base['capital'], vmi['capital']):+.0%}",
                f"{change(base['total'], vmi['total']):+.0%}",
            ]
        )
    rows.append(["seed's claims", "15% -> below 5%", "-", "-30% to -50%", "-20% to -30%"])
    rows.append(list(CACHON_FISHER))
    print_table(
        f"Against the calibrated baseline ({factor:.0%} of the demand shipped, shortages noticed after "
        f"{notice} d: {base['stockout_rate']:.1%} stock-out days)",
        ["", "stock-out days", "fill rate", "capital", "total cost"],
        rows,
    )


#: Target cycle service levels of the level advice table.
ADVICE_TARGETS = (90.0, 95.0, 98.0)


def level_advice(args, model):
    """Issue 12, item 4: the VMI min/max policy with the levels of the level
    advice (``logic.levels``, re-advised every month from the last 90 days
    of consumption, as the buyer applies it at the monthly review) at each
    target; the achieved cycle service level (review cycles without a
    stock-out) beside the target, for every profile at the run's lead time
    and for the seed's demand at longer ones. Returns the rows."""
    rows = []
    cases = [(profile, args.lead_time, args.rush_lead_time) for profile in sim.PROFILES]
    cases += [("seed", lead, rush) for lead, rush in ((7, 2), (14, 3)) if lead != args.lead_time]
    for profile, lead, rush in cases:
        for target in ADVICE_TARGETS:
            results = sim.advice_runs(
                target,
                args.seed,
                args.runs,
                args.months,
                profile,
                lead_time=lead,
                review_days=args.review_days,
                rush_lead_time=rush,
            )
            achieved = sim.achieved_cycle_service_level(results, args.review_days)
            advice = [a for r in results for a in r.advice]
            s = sim.summarize(results, model)
            rows.append(
                [
                    profile,
                    f"{lead} d",
                    f"{target:g} %",
                    f"{achieved:.1%}",
                    "yes" if achieved >= target / 100 else f"no ({(achieved - target / 100) * 100:+.1f})",
                    f"{statistics.mean(a.reorder_point for a in advice):.1f}",
                    f"{statistics.mean(a.max_qty for a in advice):.1f}",
                    f"{s['avg_inventory'] / args.runs:.1f}",
                    f"{s['stockout_rate']:.2%}",
                    f"{s['rush'] / args.runs:.1f}",
                    fmt_money(s["total"] / args.runs),
                ]
            )
    print_table(
        f"Level advice: VMI min/max with the advised levels (re-advised monthly from 90 days of "
        f"consumption), review every {args.review_days} d, mean of {args.runs} years",
        [
            "profile",
            "lead time",
            "target",
            "achieved",
            "held",
            "reorder point",
            "maximum",
            "avg stock",
            "stock-out days",
            "rush/year",
            "total cost/year",
        ],
        rows,
    )
    return rows


def fmt_money(value):
    return f"{value:,.0f}"


def print_table(title, header, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    print(
        "  ".join(
            str(h).ljust(w) if i == 0 else str(h).rjust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def policy_rows(by_policy, model, per):
    """Rows of the detailed table; money per item-year (``per`` = runs)."""
    rows = []
    for policy, results in by_policy.items():
        s = sim.summarize(results, model)
        rows.append(
            [
                policy,
                f"{s['stockout_rate']:.2%}",
                f"{s['fill_rate']:.2%}",
                f"{s['avg_inventory'] / per:.1f}",
                fmt_money(s["capital"] / per),
                f"{s['regular'] / per:.1f}",
                f"{s['rush'] / per:.1f}",
                fmt_money(s["holding"] / per),
                fmt_money(s["ordering"] / per),
                fmt_money(s["rush_freight"] / per),
                fmt_money(s["stockout"] / per),
                fmt_money(s["total"] / per),
            ]
        )
    return rows


DETAIL_HEADER = [
    "policy",
    "stock-out days",
    "fill rate",
    "avg stock",
    "capital",
    "shipments",
    "rush",
    "holding",
    "ordering",
    "rush freight",
    "stock-out",
    "total cost",
]


def change(before, after):
    return (after - before) / before if before else 0.0


def claims_rows(summaries, per=1):
    """Seed's claims beside the simulation: traditional -> each VMI policy
    (rush shipments per year: ``per`` simulated years)."""
    base = summaries["traditional"]
    rows = []
    for policy in ("VMI min/max", "VMI + forecast"):
        s = summaries[policy]
        rows.append(
            [
                policy,
                f"{base['stockout_rate']:.1%} -> {s['stockout_rate']:.1%}",
                f"{change(base['capital'], s['capital']):+.0%}",
                f"{change(base['total'], s['total']):+.0%}",
                f"{base['rush'] / per:.1f} -> {s['rush'] / per:.1f} a year",
            ]
        )
    rows.append(["seed's claims", "15% -> below 5%", "-30% to -50%", "-20% to -30%", "fewer"])
    return rows


CLAIMS_HEADER = ["", "stock-out days", "capital", "total cost", "rush shipments"]


def plot(first_results, path):
    """Inventory over the first simulated year of the seed's item, one line
    per policy."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"\nmatplotlib is not installed: plot {path} skipped")
        return False
    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=100)
    for result in first_results:
        ax.step(
            range(1, len(result.inventory) + 1), result.inventory, where="post", label=result.policy, lw=1.2
        )
    item = first_results[0].item
    ax.axhline(item.reorder_point, color="grey", ls=":", lw=0.8, label=f"reorder point {item.reorder_point}")
    ax.axhline(item.max_qty, color="grey", ls="--", lw=0.8, label=f"maximum {item.max_qty}")
    ax.set_xlabel("day")
    ax.set_ylabel("units on hand (end of day)")
    ax.set_title(f"Bearing {item.name}: inventory over 12 months (seed demand, one simulated year)")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    print(f"\nplot written: {os.path.relpath(path, os.getcwd())}")
    return True


def main(argv=None):
    args = parse_args(argv)
    model = sim.CostModel(args.holding_rate, args.order_cost, args.rush_cost, args.stockout_cost)
    print(
        f"Policy simulation: seed {args.seed}, {args.months} months of {sim.DAYS_PER_MONTH} days, "
        f"lead time {args.lead_time} d (rush {args.rush_lead_time} d), VMI review every "
        f"{args.review_days} d; costs: holding {args.holding_rate:.0%}/year, shipment {args.order_cost:g}, "
        f"rush {args.rush_cost:g}, stock-out day {args.stockout_cost:g}"
    )
    item = sim.SEED_ITEM
    trad = sim.TraditionalPolicy.from_seed(item)
    print(
        f"Seed's item {item.name}: reorder point {item.reorder_point}, maximum {item.max_qty}, price "
        f"{item.price:g}, history {item.monthly_demand:g}/month, plan {item.monthly_plan:g}; traditional: "
        f"safety stock {trad.safety_stock}, {trad.monthly_qty} shipped a month (the seed's 300/200 scaled "
        f"to {item.monthly_demand:g} a month)"
    )

    seed_first = None
    overview = []
    seed_summaries = None
    for profile in sim.PROFILES:
        by_policy, first = seed_item_runs(args, profile)
        if profile == "seed":
            seed_first = first
            seed_summaries = {p: sim.summarize(r, model) for p, r in by_policy.items()}
            print_table(
                f"Seed's item, seed demand (~80/month, plan 90, surges): mean of {args.runs} "
                "simulated years, money per year",
                DETAIL_HEADER,
                policy_rows(by_policy, model, args.runs),
            )
        for policy, results in by_policy.items():
            s = sim.summarize(results, model)
            overview.append(
                [
                    profile,
                    policy,
                    f"{s['stockout_rate']:.2%}",
                    f"{s['avg_inventory'] / args.runs:.1f}",
                    f"{s['rush'] / args.runs:.1f}",
                    fmt_money(s["total"] / args.runs),
                    f"{statistics.mean(r.demand for r in results):.0f}",
                ]
            )
    print_table(
        f"Seed's item under each demand profile (mean of {args.runs} years)",
        ["profile", "policy", "stock-out days", "avg stock", "rush/year", "total cost/year", "demand/year"],
        overview,
    )

    sensitivity = []
    for lead, rush in ((args.lead_time, args.rush_lead_time), (7, 2), (14, 3)):
        lead_args = argparse.Namespace(**{**vars(args), "lead_time": lead, "rush_lead_time": rush})
        for policy, results in seed_item_runs(lead_args, "seed")[0].items():
            s = sim.summarize(results, model)
            sensitivity.append(
                [
                    f"{lead} d (rush {rush} d)",
                    policy,
                    f"{s['stockout_rate']:.2%}",
                    f"{s['avg_inventory'] / args.runs:.1f}",
                    f"{s['rush'] / args.runs:.1f}",
                    fmt_money(s["total"] / args.runs),
                ]
            )
    print_table(
        "Seed's item, seed demand: lead time sensitivity (levels unchanged: 50/100, safety stock 120)",
        ["lead time", "policy", "stock-out days", "avg stock", "rush/year", "total cost/year"],
        sensitivity,
    )

    calibration(args, model, seed_summaries)

    level_advice(args, model)

    by_policy = sim.portfolio(
        args.seed,
        args.items,
        args.months,
        lead_time=args.lead_time,
        review_days=args.review_days,
        rush_lead_time=args.rush_lead_time,
    )
    portfolio_summaries = {p: sim.summarize(r, model) for p, r in by_policy.items()}
    print_table(
        f"Portfolio: {args.items} items (20-200 a month, price 2-80, all profiles in turn), totals per year",
        DETAIL_HEADER,
        policy_rows(by_policy, model, 1),
    )

    print_table(
        "Against the seed's claims: seed's item, seed demand",
        CLAIMS_HEADER,
        claims_rows(seed_summaries, args.runs),
    )
    print_table("Against the seed's claims: portfolio", CLAIMS_HEADER, claims_rows(portfolio_summaries))

    if not args.no_plot:
        plot(seed_first, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
