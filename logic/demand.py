# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demand plan's calendar and arithmetic (SPEC step 1: the customer sends
next month's demand plan before the 5th; the Q&A: a weekly message for small
firms). Plain Python, no ORM: the plan model and the agreement line call it.

A plan covers one *period* (a calendar month, or a week from Monday to
Sunday) and gives a quantity for it, with optional estimates for the two
periods that follow (a rolling three-period horizon).
"""

from calendar import monthrange
from datetime import timedelta

MONTH = "month"
WEEK = "week"

# Days of a month in the monthly average, to turn it into a week's demand.
DAYS_PER_MONTH = 30


def period_bounds(day, period):
    """``(first day, last day)`` of the ``period`` ("month" or "week", from
    Monday to Sunday) that contains ``day``.

    >>> from datetime import date
    >>> period_bounds(date(2026, 2, 14), "month")
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    >>> period_bounds(date(2026, 3, 5), "week")  # a Thursday
    (datetime.date(2026, 3, 2), datetime.date(2026, 3, 8))
    """
    if period == WEEK:
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    return day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1])


def next_period(day, period):
    """The period after the one that contains ``day``.

    >>> from datetime import date
    >>> next_period(date(2026, 12, 1), "month")
    (datetime.date(2027, 1, 1), datetime.date(2027, 1, 31))
    >>> next_period(date(2026, 3, 2), "week")  # a Monday: the next Monday
    (datetime.date(2026, 3, 9), datetime.date(2026, 3, 15))
    """
    return period_bounds(period_bounds(day, period)[1] + timedelta(days=1), period)


def following_periods(first, period, count):
    """``count`` consecutive periods, the first one containing ``first``.

    >>> from datetime import date
    >>> [p[0].isoformat() for p in following_periods(date(2026, 11, 1), "month", 3)]
    ['2026-11-01', '2026-12-01', '2027-01-01']
    """
    periods = [period_bounds(first, period)]
    while len(periods) < count:
        periods.append(period_bounds(periods[-1][1] + timedelta(days=1), period))
    return periods


def is_period_start(day, period):
    """Whether a plan may start on ``day``: the 1st of a month, or a Monday.

    >>> from datetime import date
    >>> is_period_start(date(2026, 3, 1), "month"), is_period_start(date(2026, 3, 1), "week")
    (True, False)
    """
    return period_bounds(day, period)[0] == day


def due_date(first, period, due_day):
    """Day before which the plan of the period starting ``first`` is due:
    day ``due_day`` of the month before a monthly period (the last day of
    that month when it is shorter), a week before a weekly one.

    >>> from datetime import date
    >>> due_date(date(2026, 4, 1), "month", 5)
    datetime.date(2026, 3, 5)
    >>> due_date(date(2026, 3, 1), "month", 31)
    datetime.date(2026, 2, 28)
    >>> due_date(date(2026, 3, 9), "week", 5)
    datetime.date(2026, 3, 2)
    """
    if period == WEEK:
        return first - timedelta(days=7)
    previous_last = first.replace(day=1) - timedelta(days=1)
    return previous_last.replace(day=max(1, min(due_day, previous_last.day)))


def period_label(first, period):
    """Language-neutral label of a period, for the plan's name.

    >>> from datetime import date
    >>> period_label(date(2026, 4, 1), "month"), period_label(date(2026, 3, 2), "week")
    ('2026-04', '2026-W10')
    """
    if period == WEEK:
        year, week, _weekday = first.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{first:%Y-%m}"


def average_for_period(monthly_average, period):
    """The monthly average consumption as a demand for one ``period``.

    >>> average_for_period(90.0, "month"), average_for_period(90.0, "week")
    (90.0, 21.0)
    """
    if period == WEEK:
        return monthly_average * 7 / DAYS_PER_MONTH
    return monthly_average


def plan_periods(plans):
    """The ``(first, last, quantity)`` periods of published plans, in
    increasing priority for :func:`planned_demand_between`.

    ``plans`` are ``(first day, period, (quantity, next, next after))``.
    A plan's own quantity comes first (it overrides any estimate); among
    estimates of the same days, the latest plan's wins. An estimate of 0 is
    no estimate (the plan left it empty); a quantity of 0 is a demand of 0.

    >>> from datetime import date
    >>> plans = [(date(2026, 3, 1), "month", (90, 60, 0)), (date(2026, 4, 1), "month", (75, 0, 0))]
    >>> [(p[0].isoformat(), p[2]) for p in plan_periods(plans)]
    [('2026-04-01', 60), ('2026-03-01', 90), ('2026-04-01', 75)]
    """
    estimates, own = [], []
    for first, period, quantities in plans:
        for index, (p_first, p_last) in enumerate(following_periods(first, period, len(quantities))):
            quantity = quantities[index]
            if index == 0:
                own.append((first, (p_first, p_last, quantity)))
            elif quantity:
                estimates.append((first, (p_first, p_last, quantity)))
    return [period for _key, period in sorted(estimates, key=lambda e: e[0])] + [
        period for _key, period in sorted(own, key=lambda e: e[0])
    ]


def planned_daily_demand(periods, first, days):
    """The demand planned on each of ``days`` days from ``first``: a list
    with each day's share of the period that covers it (the period's
    quantity spread evenly over its days), ``None`` on a day no period
    covers. ``periods`` are ``(first day, last day, quantity)``, in
    increasing priority: a later one overrides an earlier one on the days
    they share.

    >>> from datetime import date
    >>> april = (date(2026, 4, 1), date(2026, 4, 30), 90)
    >>> planned_daily_demand([april], date(2026, 4, 29), 3)
    [3.0, 3.0, None]
    """
    last = first + timedelta(days=days - 1)
    rates = [None] * max(days, 0)
    for p_first, p_last, quantity in periods:
        length = (p_last - p_first).days + 1
        start, end = max(p_first, first), min(p_last, last)
        if length <= 0 or end < start:
            continue
        rate = quantity / length
        for offset in range((start - first).days, (end - first).days + 1):
            rates[offset] = rate
    return rates


def planned_demand_between(periods, first, last):
    """Demand planned from ``first`` to ``last`` (both included), each
    period's quantity spread evenly over its days; ``None`` when a day of
    the range is covered by no period (the caller falls back on the
    average). ``periods`` are ``(first day, last day, quantity)``, in
    increasing priority: a later one overrides an earlier one on the days
    they share.

    A period of 30 days with 90 gives 3 a day:

    >>> from datetime import date
    >>> april = (date(2026, 4, 1), date(2026, 4, 30), 90)
    >>> planned_demand_between([april], date(2026, 4, 1), date(2026, 4, 10))
    30.0

    Across two periods, each at its own rate (May: 31 days, 62, 2 a day):

    >>> may = (date(2026, 5, 1), date(2026, 5, 31), 62)
    >>> planned_demand_between([april, may], date(2026, 4, 21), date(2026, 5, 5))
    40.0

    A day without a plan, or an empty range:

    >>> planned_demand_between([april], date(2026, 4, 21), date(2026, 5, 5)) is None
    True
    >>> planned_demand_between([april], date(2026, 4, 2), date(2026, 4, 1))
    0.0

    A later period overrides an earlier one (a week's plan over the month's
    estimate: 7 days at 4 instead of 3):

    >>> week = (date(2026, 4, 6), date(2026, 4, 12), 28)
    >>> planned_demand_between([april, week], date(2026, 4, 1), date(2026, 4, 30))
    97.0
    """
    if last < first:
        return 0.0
    rates = planned_daily_demand(periods, first, (last - first).days + 1)
    if None in rates:
        return None
    return round(sum(rates), 6)
