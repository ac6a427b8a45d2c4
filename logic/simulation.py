# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Day-by-day replenishment policy simulation (no Odoo, no database).

SPEC.md promises results (stock-outs from 15 % to below 5 %, inventory capital
30-50 % lower, total supply-chain cost 20-30 % lower). This module lets us test
those claims against the module's own rule: the VMI policies order through
:func:`logic.rules.reorder_quantity`, exactly what the scheduled reorder check
proposes, so a change of the rule changes the simulation too.

Model (kept small on purpose, every assumption is a parameter):

* Time runs in days; a month is :data:`DAYS_PER_MONTH` days (12 months = 360
  days), so monthly plans and daily rates convert without calendars.
* Quantities are integers. Each day: shipments due that day arrive, then the
  day's demand is served from stock; what cannot be served is lost (a line
  stop), not back-ordered. So ``initial + received - consumed == final``
  holds exactly (tests/test_simulation.py checks it).
* A policy decides at the end of each day what to ship. A regular shipment
  arrives after ``lead_time`` days, a rush shipment after ``rush_lead_time``.
* Randomness comes from one ``random.Random(seed)``: the same seed gives the
  same demand and the same results.
"""

import math
import random
from dataclasses import dataclass, field

from . import levels as level_rules
from . import rules

DAYS_PER_MONTH = 30


# ----------------------------------------------------------------------
# Items and demand
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One VMI item: the agreement's levels and price, and its history.

    ``monthly_demand`` is the consumption history's monthly average (what the
    traditional supplier ships from and what the agreed levels were sized
    for); ``monthly_plan`` is the customer's shared demand plan.
    """

    name: str
    price: float
    reorder_point: int
    max_qty: int
    pack_multiple: int = 1
    monthly_demand: float = 80.0
    monthly_plan: float = 90.0


#: The seed's bearing 6205: reorder point 50, maximum 100, agreed price 12.5,
#: 80 a month consumed on average, 90 planned for next month (SPEC steps 1-2).
SEED_ITEM = Item("6205", price=12.5, reorder_point=50, max_qty=100, monthly_demand=80.0, monthly_plan=90.0)


@dataclass(frozen=True)
class Surge:
    """Extra demand of ``extra_rate`` a day on days ``start`` to ``end - 1``.

    The customer announces it ``notice`` days before it starts (SPEC: at
    least 24 hours' notice of emergency demand) when ``announced``; only a
    policy that reads the shared plan can use it.
    """

    start: int
    end: int
    extra_rate: float
    notice: int = 1
    announced: bool = True


@dataclass
class Demand:
    """Daily demand of one item and the customer's plan as it was known.

    ``daily`` is what production really draws each day; ``plan`` the monthly
    plan sent before each month (one value per month); ``surges`` the demand
    jumps, visible in the plan from their announcement on.
    """

    profile: str
    daily: list
    plan: list
    surges: list = field(default_factory=list)

    @property
    def days(self):
        return len(self.daily)

    def monthly_plan(self, day):
        """The plan of the month of ``day`` (sent before that month)."""
        return self.plan[min(day // DAYS_PER_MONTH, len(self.plan) - 1)]

    def announced_extra(self, known_on, day):
        """Extra daily demand on ``day`` from surges announced by ``known_on``
        (no peeking into the future: an unannounced surge counts 0)."""
        return sum(
            s.extra_rate
            for s in self.surges
            if s.announced and s.start <= day < s.end and known_on >= s.start - s.notice
        )

    def announced_on(self, day):
        """Surges announced on ``day`` (the emergency-demand messages)."""
        return [s for s in self.surges if s.announced and s.start - s.notice == day]


def _poisson(rng, mean):
    """Poisson draw from ``rng`` (Knuth's method, fine for small means);
    written here so that only ``random.Random`` is needed (deterministic)."""
    if mean <= 0:
        return 0
    if mean > 30:  # normal approximation for large means
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _draw(rng, rates, surges=()):
    """Daily Poisson demand for the daily ``rates`` plus the surges' extra rate."""
    daily = []
    for day, rate in enumerate(rates):
        extra = sum(s.extra_rate for s in surges if s.start <= day < s.end)
        daily.append(_poisson(rng, rate + extra))
    return daily


#: Surges: chance per month, extra demand as a multiple of the base rate,
#: length in days (5 to 10, 7.5 on average).
SURGE_PROBABILITY = 0.3
SURGE_FACTOR = 1.5
SURGE_EXTRA_DAYS = SURGE_PROBABILITY * 7.5 * SURGE_FACTOR  # expected extra base-days a month


def _random_surges(rng, days, base_rate, probability=SURGE_PROBABILITY, factor=SURGE_FACTOR, notice=1):
    """The seed's "occasional surges": in each month, with ``probability``, a
    5-10 day jump of ``factor`` times the base rate on top of it, announced
    ``notice`` day(s) ahead (SPEC: 90 -> 120 with 24 hours' notice)."""
    surges = []
    for month in range(days // DAYS_PER_MONTH):
        if rng.random() < probability:
            length = rng.randint(5, 10)
            start = month * DAYS_PER_MONTH + rng.randint(notice, DAYS_PER_MONTH - length)
            surges.append(Surge(start, start + length, base_rate * factor, notice))
    return surges


def seed_demand(rng, months=12, monthly=80.0, plan=90.0):
    """The seed's demand: about ``monthly`` a month (Poisson by day), the
    customer plans ``plan`` (SPEC: 80 on average, 90 planned), occasional
    announced surges."""
    days = months * DAYS_PER_MONTH
    # The base rate leaves room for the surges' expected extra, so that a
    # month averages ``monthly``.
    rate = monthly / (DAYS_PER_MONTH + SURGE_EXTRA_DAYS)
    surges = _random_surges(rng, days, rate)
    return Demand("seed", _draw(rng, [rate] * days, surges), [plan] * months, surges)


def seasonal_demand(rng, months=12, monthly=80.0, amplitude=0.5):
    """A season: the monthly mean swings by ``amplitude`` around ``monthly``
    over the year; the plan follows the season (known), plus surges."""
    means = [monthly * (1 + amplitude * math.sin(2 * math.pi * m / 12)) for m in range(months)]
    days = months * DAYS_PER_MONTH
    surges = _random_surges(rng, days, monthly / (DAYS_PER_MONTH + SURGE_EXTRA_DAYS))
    rates = [means[d // DAYS_PER_MONTH] / (DAYS_PER_MONTH + SURGE_EXTRA_DAYS) for d in range(days)]
    return Demand("seasonal", _draw(rng, rates, surges), means, surges)


def trending_demand(rng, months=12, monthly=80.0, growth=1.0):
    """Demand growing linearly from ``monthly`` by ``growth`` (100 %: it
    doubles) over the year; the plan knows the trend."""
    means = [monthly * (1 + growth * m / max(months - 1, 1)) for m in range(months)]
    days = months * DAYS_PER_MONTH
    rates = [means[d // DAYS_PER_MONTH] / DAYS_PER_MONTH for d in range(days)]
    return Demand("trending", _draw(rng, rates), means)


def lumpy_demand(rng, months=12, monthly=80.0, order_days=0.15):
    """Intermittent demand: on about ``order_days`` of the days a batch is
    drawn (geometric size), about ``monthly`` a month on average."""
    days = months * DAYS_PER_MONTH
    mean_batch = monthly / (DAYS_PER_MONTH * order_days)
    daily = []
    for _day in range(days):
        if rng.random() < order_days:
            # geometric batch size with mean ``mean_batch``
            u = 1.0 - rng.random()
            daily.append(1 + int(math.log(u) / math.log(1 - 1 / mean_batch)))
        else:
            daily.append(0)
    return Demand("lumpy", daily, [monthly] * months)


def forecast_error_demand(rng, months=12, monthly=80.0, error=0.3):
    """The seed's demand, but the plan misses each month's real total by a
    normal relative error of ``error`` (30 %) and surges come unannounced."""
    base = seed_demand(rng, months, monthly, monthly)
    plan = []
    for m in range(months):
        actual = sum(base.daily[m * DAYS_PER_MONTH : (m + 1) * DAYS_PER_MONTH])
        plan.append(max(0.0, actual * (1 + rng.gauss(0, error))))
    surges = [Surge(s.start, s.end, s.extra_rate, s.notice, announced=False) for s in base.surges]
    return Demand("forecast error", base.daily, plan, surges)


PROFILES = {
    "seed": seed_demand,
    "seasonal": seasonal_demand,
    "trending": trending_demand,
    "lumpy": lumpy_demand,
    "forecast error": forecast_error_demand,
}


# ----------------------------------------------------------------------
# Policies
# ----------------------------------------------------------------------
class Policy:
    """A replenishment policy: ``decide`` returns the shipments to send at
    the end of a day as ``[(quantity, rush)]``."""

    name = "policy"

    def initial_stock(self, item):
        raise NotImplementedError

    def decide(self, sim, day, unmet):
        raise NotImplementedError


class TraditionalPolicy(Policy):
    """The seed's situation before VMI.

    The supplier cannot see the customer's stock: it ships a fixed quantity
    every month from the order history. The customer keeps a safety stock and
    checks its stock every ``check_days`` days (and on a day it runs short):
    below the safety stock it calls a rush shipment to get back to it (SPEC:
    rush logistics whenever demand jumps).

    The seed's figures are for a larger item (safety stock 300, 200 shipped a
    month): :meth:`from_seed` scales them to the item's history, i.e. a safety
    stock of 1.5 months and one month's average shipped monthly.
    """

    name = "traditional"

    def __init__(self, monthly_qty, safety_stock, check_days=7):
        self.monthly_qty = int(monthly_qty)
        self.safety_stock = int(safety_stock)
        self.check_days = check_days

    @classmethod
    def from_seed(cls, item, seed_safety_stock=300, seed_monthly=200, check_days=7):
        scale = item.monthly_demand / seed_monthly
        return cls(round(seed_monthly * scale), math.ceil(seed_safety_stock * scale), check_days=check_days)

    def initial_stock(self, item):
        return self.safety_stock + self.monthly_qty // 2

    def decide(self, sim, day, unmet):
        orders = []
        if (day + 1) % DAYS_PER_MONTH == 0:  # the monthly shipment, sent at month end
            orders.append((self.monthly_qty, False))
        if unmet or (day + 1) % self.check_days == 0:
            position = sim.position + sum(q for q, _rush in orders)
            if position < self.safety_stock and not sim.rush_in_transit():
                orders.append((self.safety_stock - position, True))
        return orders


class SeedMechanismsPolicy(Policy):
    """The traditional supply as the seed describes it, mechanism by
    mechanism (issue 11, item 9: the calibration of the baseline):

    * fixed monthly shipments from the order history, sent at month end:
      ``history_factor`` times the item's average (1.0: the history is
      today's demand; below 1, the orders lag behind it);
    * no visibility of the customer's stock: nobody watches it between
      shipments, there is no check;
    * surges noticed late: the line stops, and the rush shipment is called
      after ``notice_days`` days of shortage;
    * rush shipments back to the safety stock, at +30 % logistics (the cost
      model's ``rush_order``).

    It starts at the safety stock (the seed's 300 for 200 a month: 1.5
    months, :meth:`from_seed` scales it to the item).
    """

    name = "traditional (seed's mechanisms)"

    def __init__(self, monthly_qty, safety_stock, notice_days=1):
        self.monthly_qty = int(monthly_qty)
        self.safety_stock = int(safety_stock)
        self.notice_days = max(int(notice_days), 1)
        self._short_days = 0

    @classmethod
    def from_seed(cls, item, history_factor=1.0, notice_days=1, seed_safety_stock=300, seed_monthly=200):
        scale = item.monthly_demand / seed_monthly
        return cls(
            round(seed_monthly * scale * history_factor), math.ceil(seed_safety_stock * scale), notice_days
        )

    def initial_stock(self, item):
        self._short_days = 0
        return self.safety_stock

    def decide(self, sim, day, unmet):
        orders = []
        if (day + 1) % DAYS_PER_MONTH == 0:
            orders.append((self.monthly_qty, False))
        if not unmet:
            self._short_days = 0
            return orders
        self._short_days += 1
        if self._short_days >= self.notice_days and not sim.rush_in_transit():
            position = sim.position + sum(q for q, _rush in orders)
            orders.append((max(self.safety_stock - position, 1), True))
            self._short_days = 0
        return orders


class VmiMinMaxPolicy(Policy):
    """VMI with the agreement's fixed levels: every ``review_days`` days the
    supplier proposes :func:`rules.reorder_quantity` (position below the
    reorder point: up to the maximum, pack rounding). On a day the customer
    runs short with nothing on its way, the same quantity goes as a rush."""

    name = "VMI min/max"

    def __init__(self, review_days=3):
        self.review_days = review_days

    def levels(self, sim, day):
        """Reorder point and maximum used on ``day``."""
        return sim.item.reorder_point, sim.item.max_qty

    def initial_stock(self, item):
        return item.max_qty

    def _quantity(self, sim, day):
        rop, maximum = self.levels(sim, day)
        return rules.reorder_quantity(sim.on_hand, sim.incoming, rop, maximum, sim.item.pack_multiple)

    def decide(self, sim, day, unmet):
        if (day + 1) % self.review_days == 0:
            qty = self._quantity(sim, day)
            if qty > 0:
                return [(qty, False)]
        if unmet and not sim.rush_in_transit():
            qty = self._quantity(sim, day)
            if qty > 0:
                return [(qty, True)]
        return []


class VmiForecastPolicy(VmiMinMaxPolicy):
    """VMI with the shared demand plan (SPEC step 2 and the emergency rule).

    The agreed levels stay, sized for the history's monthly average; at each
    review the supplier compares the demand expected until an order of the
    next review could arrive (review interval + lead time,
    :func:`rules.cover_days`: the month's plan spread over its days, plus the
    surges already announced) with the usual demand of those days. The
    quantity is the module's :func:`rules.forecast_reorder_quantity`, the
    review's own function. An announced surge triggers an immediate check:
    whatever is due then ships as a rush (SPEC: the supplier computes the
    extra quantity against current stock and prioritises it).
    """

    name = "VMI + forecast"

    def _horizon(self, sim, day):
        return range(day + 1, day + 1 + rules.cover_days(self.review_days, sim.lead_time))

    def expected(self, sim, day):
        """Demand expected after ``day`` over the review interval and the
        lead time, as known on ``day`` (the plan, announced surges only)."""
        return sum(
            sim.demand.monthly_plan(d) / DAYS_PER_MONTH + sim.demand.announced_extra(day, d)
            for d in self._horizon(sim, day)
        )

    def usual(self, sim, day):
        """The history's demand over the same days (what the levels are for)."""
        return sim.item.monthly_demand / DAYS_PER_MONTH * len(self._horizon(sim, day))

    def _quantity(self, sim, day):
        rop, maximum = self.levels(sim, day)
        return rules.forecast_reorder_quantity(
            sim.on_hand,
            sim.incoming,
            rop,
            maximum,
            self.expected(sim, day),
            self.usual(sim, day),
            sim.item.pack_multiple,
        )

    def decide(self, sim, day, unmet):
        orders = super().decide(sim, day, unmet)
        if not orders and sim.demand.announced_on(day + 1) and not sim.rush_in_transit():
            qty = self._quantity(sim, day)
            if qty > 0:
                orders = [(qty, True)]
        return orders


class VmiAdvicePolicy(VmiMinMaxPolicy):
    """VMI min/max with the levels of the level advice
    (:func:`logic.levels.advise_from_history`, what
    ``vmi.agreement.line._vmi_level_advice`` computes), applied by the buyer
    every ``period`` days (the monthly review): mean and standard deviation
    of the daily consumption of the last ``window`` days, the lead time and
    the review interval, for ``service_level`` percent of the review cycles
    without a stock-out. ``history`` is the consumption of the days before
    the first simulated day (the levels of the first month come from it);
    then the days' consumption (what was served: lost demand is not
    recorded, as in the module) is added day by day."""

    name = "VMI + level advice"

    def __init__(self, service_level, history, review_days=3, lead_time=3, window=90, period=DAYS_PER_MONTH):
        super().__init__(review_days)
        self.service_level = service_level
        self.lead_time = lead_time
        self.window = window
        self.period = period
        self.history = list(history)
        self._levels = None
        self._levels_period = None
        self.advice = []  # the advice of each period, in order

    def _advise(self, pack_multiple):
        advice, _reason = level_rules.advise_from_history(
            self.history[-self.window :], self.lead_time, self.review_days, self.service_level, pack_multiple
        )
        if advice is None:
            return None
        self.advice.append(advice)
        return int(advice.reorder_point), int(advice.max_qty)

    def levels(self, sim, day):
        period = day // self.period
        if period != self._levels_period:
            self._levels = self._advise(sim.item.pack_multiple) or self._levels or super().levels(sim, day)
            self._levels_period = period
        return self._levels

    def initial_stock(self, item):
        self._levels = self._advise(item.pack_multiple) or (item.reorder_point, item.max_qty)
        self._levels_period = 0
        return self._levels[1]

    def decide(self, sim, day, unmet):
        self.history.append(sim.demand.daily[day] - unmet)
        return super().decide(sim, day, unmet)


def seed_policies(item, review_days=3):
    """The three policies compared on ``item``."""
    return [
        TraditionalPolicy.from_seed(item),
        VmiMinMaxPolicy(review_days),
        VmiForecastPolicy(review_days),
    ]


# ----------------------------------------------------------------------
# Simulation
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class CostModel:
    """Cost parameters (per item and year of simulation).

    Defaults: capital costs 25 % a year of the inventory value; a regular
    shipment costs 30 (freight and handling); a rush shipment 30 % more in
    logistics (SPEC) plus the same again for expediting, i.e. ``rush_order``
    = 30 * 1.3 + 30; a day with unmet demand stops a line, which the seed
    puts at over 100k CNY for a whole plant: for one bearing we charge 500
    per stock-out day. Change them on the command line.
    """

    holding_rate: float = 0.25
    regular_order: float = 30.0
    rush_order: float = 69.0
    stockout_day: float = 500.0


@dataclass
class Result:
    """What happened to one item under one policy."""

    policy: str
    profile: str
    item: Item
    days: int
    initial_stock: int
    final_stock: int
    received: int
    consumed: int
    demand: int
    unmet: int
    stockout_days: int
    regular_shipments: int
    rush_shipments: int
    inventory: list  # stock at the end of each day
    shortage_days: list = field(default_factory=list)  # the days with unmet demand
    advice: list = field(default_factory=list)  # VmiAdvicePolicy: the levels advised, month by month

    @property
    def stockout_rate(self):
        """Share of days with unmet demand."""
        return self.stockout_days / self.days if self.days else 0.0

    def cycle_service_level(self, review_days=3):
        """Share of the review cycles (``review_days`` days each) without
        a stock-out (:func:`logic.levels.cycle_service_level`)."""
        return level_rules.cycle_service_level(self.shortage_days, self.days, review_days)

    @property
    def avg_inventory(self):
        return sum(self.inventory) / len(self.inventory) if self.inventory else 0.0

    @property
    def capital(self):
        """Average inventory valued at the agreed price."""
        return self.avg_inventory * self.item.price

    def costs(self, model=CostModel()):
        """``{holding, ordering, rush_freight, stockout, total}`` over the run."""
        years = self.days / (12 * DAYS_PER_MONTH)
        result = {
            "holding": self.capital * model.holding_rate * years,
            "ordering": self.regular_shipments * model.regular_order,
            "rush_freight": self.rush_shipments * model.rush_order,
            "stockout": self.stockout_days * model.stockout_day,
        }
        result["total"] = sum(result.values())
        return result


class Simulation:
    """State of one item under one policy; :meth:`run` plays every day."""

    def __init__(self, item, demand, policy, lead_time=3, rush_lead_time=1):
        self.item = item
        self.demand = demand
        self.policy = policy
        self.lead_time = lead_time
        self.rush_lead_time = rush_lead_time
        self.on_hand = int(policy.initial_stock(item))
        self.pipeline = []  # [arrival day, quantity, rush]

    @property
    def incoming(self):
        return sum(qty for _day, qty, _rush in self.pipeline)

    @property
    def position(self):
        return self.on_hand + self.incoming

    def rush_in_transit(self):
        return any(rush for _day, _qty, rush in self.pipeline)

    def run(self):
        initial = self.on_hand
        received = consumed = unmet_total = stockout_days = regular = rush_count = 0
        inventory, shortage_days = [], []
        for day, wanted in enumerate(self.demand.daily):
            arrived = [entry for entry in self.pipeline if entry[0] <= day]
            self.pipeline = [entry for entry in self.pipeline if entry[0] > day]
            for _arrival, qty, _rush in arrived:
                self.on_hand += qty
                received += qty
            served = min(self.on_hand, wanted)
            self.on_hand -= served
            consumed += served
            unmet = wanted - served
            if unmet:
                unmet_total += unmet
                stockout_days += 1
                shortage_days.append(day)
            for qty, rush in self.policy.decide(self, day, unmet):
                qty = int(qty)
                if qty <= 0:
                    continue
                delay = self.rush_lead_time if rush else self.lead_time
                self.pipeline.append([day + delay, qty, rush])
                if rush:
                    rush_count += 1
                else:
                    regular += 1
            inventory.append(self.on_hand)
        return Result(
            policy=self.policy.name,
            profile=self.demand.profile,
            item=self.item,
            days=len(self.demand.daily),
            initial_stock=initial,
            final_stock=self.on_hand,
            received=received,
            consumed=consumed,
            demand=sum(self.demand.daily),
            unmet=unmet_total,
            stockout_days=stockout_days,
            regular_shipments=regular,
            rush_shipments=rush_count,
            inventory=inventory,
            shortage_days=shortage_days,
        )


def simulate(item, demand, policy, lead_time=3, rush_lead_time=1):
    """Play ``demand`` for ``item`` under ``policy``; return a :class:`Result`."""
    return Simulation(item, demand, policy, lead_time, rush_lead_time).run()


def compare(item, demand, lead_time=3, review_days=3, rush_lead_time=1):
    """The three policies on the same demand of one item."""
    return [
        simulate(item, demand, policy, lead_time, rush_lead_time)
        for policy in seed_policies(item, review_days)
    ]


def random_item(rng, index):
    """An item of a portfolio: 20 to 200 a month, levels sized like the
    seed's (reorder point 5/8 and maximum 10/8 of the monthly average), plan
    within 10 % of history, price 2 to 80, pack 1, 5 or 10."""
    monthly = rng.uniform(20, 200)
    pack = rng.choice((1, 1, 5, 10))
    rop = max(pack, math.ceil(monthly * 50 / 80))
    return Item(
        f"item-{index}",
        price=round(rng.uniform(2, 80), 2),
        reorder_point=rop,
        max_qty=max(rop + pack, math.ceil(monthly * 100 / 80)),
        pack_multiple=pack,
        monthly_demand=monthly,
        monthly_plan=monthly * rng.uniform(0.9, 1.1),
    )


def portfolio(seed, items=100, months=12, profiles=None, lead_time=3, review_days=3, rush_lead_time=1):
    """Simulate ``items`` random items, spread over the demand ``profiles``
    in turn; return ``{policy name: [Result]}``. Reproducible from ``seed``."""
    rng = random.Random(seed)
    profiles = list(profiles or PROFILES)
    by_policy = {}
    for index in range(items):
        item = random_item(rng, index)
        profile = profiles[index % len(profiles)]
        kwargs = {"monthly": item.monthly_demand}
        if profile == "seed":
            kwargs["plan"] = item.monthly_plan
        demand = PROFILES[profile](random.Random(rng.random()), months, **kwargs)
        for result in compare(item, demand, lead_time, review_days, rush_lead_time):
            by_policy.setdefault(result.policy, []).append(result)
    return by_policy


def summarize(results, model=CostModel()):
    """Totals over several results of one policy: stock-out rate (share of
    item-days with unmet demand), average inventory (units) and capital, rush
    shipments, and costs."""
    days = sum(r.days for r in results)
    costs = [r.costs(model) for r in results]
    return {
        "stockout_rate": sum(r.stockout_days for r in results) / days if days else 0.0,
        "avg_inventory": sum(r.avg_inventory for r in results),
        "capital": sum(r.capital for r in results),
        "rush": sum(r.rush_shipments for r in results),
        "regular": sum(r.regular_shipments for r in results),
        "fill_rate": 1 - sum(r.unmet for r in results) / max(sum(r.demand for r in results), 1),
        **{
            key: sum(c[key] for c in costs)
            for key in ("holding", "ordering", "rush_freight", "stockout", "total")
        },
    }


def advice_runs(
    service_level,
    seed,
    runs=50,
    months=12,
    profile="seed",
    item=SEED_ITEM,
    lead_time=3,
    review_days=3,
    rush_lead_time=1,
    window=90,
):
    """``runs`` simulated periods of ``months`` months of ``item`` under
    :class:`VmiAdvicePolicy` at ``service_level`` percent: the demand of
    ``window`` days before each run is its history (the first month's
    advice), the levels are advised again every month. Returns the
    :class:`Result` list; reproducible from ``seed``."""
    rng = random.Random(f"{seed}:advice:{profile}")
    history_months = math.ceil(window / DAYS_PER_MONTH)
    results = []
    for _run in range(runs):
        demand = PROFILES[profile](random.Random(rng.random()), months + history_months)
        split = history_months * DAYS_PER_MONTH
        played = Demand(demand.profile, demand.daily[split:], demand.plan[history_months:])
        policy = VmiAdvicePolicy(service_level, demand.daily[:split], review_days, lead_time, window)
        result = simulate(item, played, policy, lead_time, rush_lead_time)
        result.advice = policy.advice
        results.append(result)
    return results


def achieved_cycle_service_level(results, review_days=3):
    """Share of all review cycles of ``results`` without a stock-out."""
    review = max(int(review_days), 1)
    cycles = sum(math.ceil(r.days / review) for r in results)
    short = sum(len({day // review for day in r.shortage_days}) for r in results)
    return 1 - short / cycles if cycles else 1.0
