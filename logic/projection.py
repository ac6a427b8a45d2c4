"""Projected supplier-owned stock, day by day (issue 11, item 4).

Plain Python: quantities are floats in one unit, days are indexes from 0
(tomorrow) to ``len(demand) - 1``. The model method
``vmi.agreement.line._vmi_projected_stock`` feeds it with what the database
knows (on hand, receipts by planned date, the planned or average demand of
each day) and every view reads its result.
"""

from dataclasses import dataclass

from .rules import STATUS_ABOVE, STATUS_BELOW, STATUS_OK

STATUS_OUT = "out"

_EPSILON = 1e-9


@dataclass
class Projection:
    """What :func:`project_stock` returns.

    * ``levels``: the stock at the end of each day (never below 0: what is
      missing is ``shortage``);
    * ``statuses``: per day ``"out"`` (nothing left, or demand not served),
      ``"below"`` (under the reorder point), ``"above"`` (over the maximum)
      or ``"ok"``;
    * ``below_day`` / ``out_day``: the first day below the reorder point /
      out of stock, ``None`` when it does not happen within the horizon;
    * ``days_of_cover``: how many days the stock on hand and on its way
      serves the demand: the day it runs out, or beyond the horizon the
      stock left over the average daily demand (``None`` without demand);
    * ``shortage``: demand the projected stock cannot serve.
    """

    levels: list
    statuses: list
    below_day: int | None
    out_day: int | None
    days_of_cover: float | None
    shortage: float


def project_stock(on_hand, arrivals, demand, reorder_point, maximum):
    """Project the stock over ``len(demand)`` days: each day what arrives
    (``arrivals[day]``) comes in, then the day's ``demand[day]`` goes out.

    >>> p = project_stock(45, [0, 0, 55, 0], [3, 3, 3, 3], 50, 100)
    >>> p.levels
    [42, 39, 91, 88]
    >>> p.statuses
    ['below', 'below', 'ok', 'ok']
    >>> p.below_day, p.out_day, round(p.days_of_cover, 1)
    (0, None, 33.3)

    Out of stock on day 2 (6 asked, 5 left), covered for 2 days:

    >>> p = project_stock(11, [0, 0, 0], [3, 3, 6], 5, 20)
    >>> p.levels, p.statuses, p.out_day, p.days_of_cover, p.shortage
    ([8, 5, 0], ['ok', 'ok', 'out'], 2, 2, 1)

    Above the maximum, and no demand at all:

    >>> p = project_stock(120, [], [0, 0], 50, 100)
    >>> p.statuses, p.below_day, p.days_of_cover
    (['above', 'above'], None, None)
    """
    level = on_hand
    levels, statuses = [], []
    below_day = out_day = None
    shortage = 0
    for day, wanted in enumerate(demand):
        level += arrivals[day] if day < len(arrivals) else 0
        served = min(max(level, 0), wanted)
        short = wanted - served
        level -= served
        if short > _EPSILON:
            shortage += short
        if short > _EPSILON or (level <= _EPSILON and wanted > _EPSILON):
            status = STATUS_OUT
            if out_day is None:
                out_day = day
        elif level < reorder_point - _EPSILON:
            status = STATUS_BELOW
        elif level > maximum + _EPSILON:
            status = STATUS_ABOVE
        else:
            status = STATUS_OK
        if status in (STATUS_OUT, STATUS_BELOW) and below_day is None:
            below_day = day
        levels.append(level)
        statuses.append(status)
    total = sum(demand)
    if out_day is not None:
        cover = out_day
    elif total > _EPSILON:
        cover = len(demand) + level / (total / len(demand))
    else:
        cover = None
    return Projection(levels, statuses, below_day, out_day, cover, shortage)
