# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Level advice (SPEC Q3: purchasing tunes the rules, e.g. the safety stock).

A recommended reorder point and maximum for an agreement line, from the
variability of its daily demand, the supplier's lead time, the review
interval and a target cycle service level (the share of review cycles
without a stock-out). Plain Python: the agreement line
(``vmi.agreement.line._vmi_level_advice``) and the simulator
(``logic/simulation.py``, ``VmiAdvicePolicy``) call the same functions.

The review (:func:`rules.reorder_quantity`) looks at the stock every ``R``
days; a line whose position is at or above its reorder point orders
nothing, and the next order can only arrive ``R + L`` days later (the next
review plus the lead time ``L``: :func:`rules.cover_days`). So the reorder
point must cover the demand of ``N = R + L`` days with the target
probability::

    sigma_N       = max(sigma_d * sqrt(N), standard deviation of the N-day demand)
    safety stock  = z * sigma_N                  z = NormalDist().inv_cdf(service level)
    reorder point = mean_d * N + safety stock    (rounded up to whole packs)
    maximum       = reorder point + max(mean_d * R, one pack)   (rounded up)

``mean_d`` and ``sigma_d`` are the mean and the (sample) standard deviation
of the daily demand over the history window, days without consumption
counting as zero demand; the N-day demand is that of every run of N
consecutive days of the window. Independent days make both terms of
``sigma_N`` about equal; demand that comes in runs (the seed's surges of a
week) makes the second larger, and the simulator shows that the target is
missed without it (README, "Level advice").
"""

import math
from dataclasses import dataclass
from statistics import NormalDist

from . import rules

#: Bounds of the target service level, in percent (the agreement's
#: ``service_level`` is checked against them).
SERVICE_LEVEL_MIN = 50.0
SERVICE_LEVEL_MAX = 99.9

#: Days of history below which no advice is given (too few to estimate a
#: standard deviation).
MIN_HISTORY_DAYS = 14

#: Why a line gets no advice.
NO_HISTORY = "no_history"  # fewer than MIN_HISTORY_DAYS days in the window
NO_DEMAND = "no_demand"  # nothing consumed in the window

_EPSILON = 1e-9


def daily_demand_stats(daily):
    """``(mean, standard deviation)`` of the daily demand ``daily`` (one
    quantity a day, the days without consumption as 0). A day's net demand
    below zero (more returned than consumed) counts as zero. The standard
    deviation is the sample one (``n - 1``); 0.0 for fewer than two days.

    Ten days, 4 on two of them: mean 0.8, sigma 1.6865...

    >>> mean, sigma = daily_demand_stats([4, 0, 0, 0, 4, 0, 0, 0, 0, 0])
    >>> round(mean, 4), round(sigma, 4)
    (0.8, 1.6865)
    >>> daily_demand_stats([3, 3, 3])
    (3.0, 0.0)
    >>> daily_demand_stats([])
    (0.0, 0.0)
    >>> daily_demand_stats([5, -2, 0, 0])
    (1.25, 2.5)
    """
    values = [max(float(q), 0.0) for q in daily]
    if not values:
        return 0.0, 0.0
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, 0.0
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def cover_demand_sigma(daily, cover_days):
    """Standard deviation of the demand of ``cover_days`` consecutive days
    in ``daily`` (the sums of every run of that many days): it sees what
    the daily figure cannot, days of high demand that come together (a
    surge of a week). 0.0 when ``daily`` has fewer than ``cover_days + 1``
    days.

    Independent days give about ``sigma_d * sqrt(N)``; a surge of 3 days
    gives more:

    >>> round(cover_demand_sigma([2, 4, 2, 4, 2, 4, 2, 4], 2), 4)
    0.0
    >>> round(cover_demand_sigma([0, 0, 0, 9, 9, 9, 0, 0, 0, 0], 3), 2)
    10.13
    >>> round(daily_demand_stats([0, 0, 0, 9, 9, 9, 0, 0, 0, 0])[1] * math.sqrt(3), 2)
    7.53
    """
    cover = max(int(cover_days), 1)
    values = [max(float(q), 0.0) for q in daily]
    if len(values) <= cover:
        return 0.0
    total = sum(values[:cover])
    sums = [total]
    for day in range(cover, len(values)):
        total += values[day] - values[day - cover]
        sums.append(total)
    mean = sum(sums) / len(sums)
    return math.sqrt(sum((v - mean) ** 2 for v in sums) / (len(sums) - 1))


def service_level_z(service_level):
    """The standard normal quantile of a cycle service level in percent
    (``statistics.NormalDist().inv_cdf``).

    >>> round(service_level_z(95), 4)
    1.6449
    >>> service_level_z(50)
    0.0
    >>> service_level_z(100)
    Traceback (most recent call last):
    ...
    ValueError: the service level must be above 0 % and below 100 % (100)
    """
    if not 0 < service_level < 100:
        raise ValueError(f"the service level must be above 0 % and below 100 % ({service_level:g})")
    return NormalDist().inv_cdf(service_level / 100.0)


@dataclass(frozen=True)
class LevelAdvice:
    """Advised levels of one line and the figures behind them."""

    reorder_point: float
    max_qty: float
    safety_stock: float
    service_level: float
    mean_daily: float
    sigma_daily: float
    sigma_cover: float  # of the demand over the cover days, as used
    days: int
    cover_days: int


def advise_levels(
    mean_daily,
    sigma_daily,
    lead_days,
    review_days,
    service_level,
    pack_multiple=1.0,
    days=0,
    sigma_cover=0.0,
):
    """Advised reorder point and maximum (a :class:`LevelAdvice`) for the
    daily demand ``mean_daily`` / ``sigma_daily``, the supplier's
    ``lead_days``, the review every ``review_days`` and the target cycle
    ``service_level`` in percent, rounded up to whole ``pack_multiple``
    (to whole units without one). ``sigma_cover`` is the standard
    deviation of the demand over the cover days measured in the history
    (:func:`cover_demand_sigma`): the larger of it and
    ``sigma_daily * sqrt(N)`` is used. ``days`` is only reported (the
    history used).

    The seed (80 a month, 2.667 a day with a daily standard deviation of
    2, review every 3 days, lead time 3, 95 %): 6 days of cover, safety
    stock 1.645 * 2 * sqrt(6) = 8.06, reorder point 16 + 8.06 = 24.06 -> 25,
    maximum 25 + 8 = 33:

    >>> advice = advise_levels(80 / 30, 2.0, 3, 3, 95)
    >>> advice.reorder_point, advice.max_qty, round(advice.safety_stock, 2), advice.cover_days
    (25.0, 33.0, 8.06, 6)

    Demand that comes in runs (a 6-day standard deviation of 7 instead of
    2 * sqrt(6) = 4.9) needs more safety stock:

    >>> advice = advise_levels(80 / 30, 2.0, 3, 3, 95, sigma_cover=7.0)
    >>> advice.reorder_point, advice.max_qty, round(advice.safety_stock, 2)
    (28.0, 36.0, 11.51)

    Packs of 10 round both up; a maximum is at least one pack above the
    reorder point; steady demand needs no safety stock:

    >>> advice = advise_levels(80 / 30, 2.0, 3, 3, 95, pack_multiple=10)
    >>> advice.reorder_point, advice.max_qty
    (30.0, 40.0)
    >>> advice = advise_levels(2.0, 0.0, 3, 3, 99.9)
    >>> advice.reorder_point, advice.max_qty, advice.safety_stock
    (12.0, 18.0, 0.0)

    A higher target holds more; 50 % holds no safety stock:

    >>> [advise_levels(80 / 30, 2.0, 3, 3, level).reorder_point for level in (50, 90, 95, 98)]
    [16.0, 23.0, 25.0, 27.0]
    """
    cover = rules.cover_days(review_days, lead_days)
    review = cover - max(int(lead_days), 0)
    z = service_level_z(service_level)
    mean = max(float(mean_daily), 0.0)
    sigma = max(float(sigma_daily), 0.0)
    spread = max(sigma * math.sqrt(cover), float(sigma_cover or 0.0))
    safety = max(z, 0.0) * spread
    reorder_point = _round_up(mean * cover + safety, pack_multiple)
    step = max(mean * review, pack_multiple if pack_multiple > 0 else 0.0)
    max_qty = _round_up(reorder_point + step, pack_multiple)
    if max_qty <= reorder_point:  # no demand and no pack: keep a maximum above 0
        max_qty = reorder_point + max(float(pack_multiple), 1.0)
    return LevelAdvice(
        reorder_point=reorder_point,
        max_qty=max_qty,
        safety_stock=safety,
        service_level=float(service_level),
        mean_daily=mean,
        sigma_daily=sigma,
        sigma_cover=spread,
        days=int(days),
        cover_days=cover,
    )


def _round_up(quantity, pack_multiple):
    """``quantity`` up to whole packs, or to a whole unit without a pack
    (the rules' pack rounding, :func:`rules.round_to_pack`).

    >>> _round_up(24.06, 1), _round_up(24.06, 10), _round_up(24.06, 0)
    (25.0, 30.0, 25.0)
    """
    return float(rules.round_to_pack(quantity, pack_multiple if pack_multiple > 0 else 1, up=True))


def advise_from_history(daily, lead_days, review_days, service_level, pack_multiple=1.0):
    """The advice for a line whose history window had the daily demands
    ``daily`` (one a day, oldest first, 0 for a day without consumption):
    ``(LevelAdvice, None)``, or ``(None, reason)`` when there is too little
    to go on (fewer than :data:`MIN_HISTORY_DAYS` days: :data:`NO_HISTORY`;
    nothing consumed: :data:`NO_DEMAND`).

    >>> advise_from_history([0] * 90, 3, 3, 95)
    (None, 'no_demand')
    >>> advise_from_history([5] * 7, 3, 3, 95)
    (None, 'no_history')
    >>> advice, reason = advise_from_history([6, 0] * 45, 3, 3, 95)
    >>> advice.reorder_point, advice.max_qty, round(advice.sigma_daily, 3), advice.days
    (31.0, 40.0, 3.017, 90)
    """
    days = len(daily)
    if days < MIN_HISTORY_DAYS:
        return None, NO_HISTORY
    mean, sigma = daily_demand_stats(daily)
    if mean <= _EPSILON:
        return None, NO_DEMAND
    cover = rules.cover_days(review_days, lead_days)
    advice = advise_levels(
        mean,
        sigma,
        lead_days,
        review_days,
        service_level,
        pack_multiple,
        days,
        sigma_cover=cover_demand_sigma(daily, cover),
    )
    return advice, None


def cycle_service_level(stockout_days, days, review_days):
    """The achieved cycle service level: the share of review cycles (the
    ``review_days`` days from one review to the next, day 0 to
    ``review_days - 1`` first) without a stock-out, from the list of days
    that had one (``stockout_days``, day numbers) over ``days`` days.

    >>> cycle_service_level([4, 5, 20], 30, 3)
    0.8
    >>> cycle_service_level([], 30, 3)
    1.0
    """
    review = max(int(review_days), 1)
    cycles = math.ceil(days / review) if days else 0
    if not cycles:
        return 1.0
    short = {day // review for day in stockout_days}
    return 1 - len(short) / cycles
