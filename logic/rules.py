"""The VMI rules of SPEC.md as pure functions.

Quantities are floats in one unit of measure (the agreement line's); dates are
``datetime.date``. Nothing here touches the database.
"""

import calendar
import math
from datetime import date, timedelta

STATUS_BELOW = "below"
STATUS_COVERED = "covered"
STATUS_OK = "ok"
STATUS_ABOVE = "above"

_EPSILON = 1e-9


def round_to_pack(quantity, pack_multiple, up=True):
    """Round ``quantity`` to a multiple of ``pack_multiple`` (up or down).

    A pack multiple of 0 or less means "no pack constraint".
    """
    if pack_multiple <= 0:
        return quantity
    packs = quantity / pack_multiple
    packs = math.ceil(packs - _EPSILON) if up else math.floor(packs + _EPSILON)
    return packs * pack_multiple


def reorder_quantity(on_hand, incoming, reorder_point, maximum, pack_multiple=1.0):
    """Quantity to propose for one agreement line (0 when nothing is due).

    The stock position is ``on_hand + incoming``. A line is due when its
    position is *below* the reorder point (SPEC step 3: 45 < 50). The raw
    proposal fills the position up to the maximum (100 - 45 = 55).

    Pack rounding rule: the proposal is rounded **down** to the pack multiple so
    that the maximum is not exceeded, unless rounding down would leave the
    position below the reorder point (or propose nothing); then it is rounded
    **up**, and the position may end above the maximum by less than one pack.
    So the line always ends at or above its reorder point.

    >>> reorder_quantity(45, 0, 50, 100)
    55.0
    >>> reorder_quantity(45, 0, 50, 100, 10)
    50
    >>> reorder_quantity(45, 0, 50, 100, 60)
    60
    """
    position = on_hand + incoming
    if position >= reorder_point - _EPSILON:
        return 0.0 if isinstance(position, float) else 0
    raw = maximum - position
    if raw <= _EPSILON:
        return 0.0 if isinstance(position, float) else 0
    down = round_to_pack(raw, pack_multiple, up=False)
    if down > _EPSILON and position + down >= reorder_point - _EPSILON:
        return down
    up = round_to_pack(raw, pack_multiple, up=True)
    # A huge pack could still leave the line short of its reorder point only if
    # maximum < reorder point, which the agreement forbids; be safe anyway.
    while position + up < reorder_point - _EPSILON and pack_multiple > 0:
        up += pack_multiple
    return up


def cover_days(review_days, lead_days):
    """Days an order not placed today takes to arrive at the earliest: until
    the next review, plus the supplier's lead time (SPEC: review every 3
    days, lead time 3 days: 6). Both count at least 0 and the review at
    least 1 (a review every 0 days is a daily one).

    >>> cover_days(3, 3)
    6
    >>> cover_days(0, 0)
    1
    """
    return max(int(review_days), 1) + max(int(lead_days), 0)


def forecast_reorder_quantity(on_hand, incoming, reorder_point, maximum, expected, usual, pack_multiple=1.0):
    """Quantity to propose when the customer's demand plan is known (0 when
    nothing is due).

    The agreed levels were set for the usual demand. ``expected`` is the
    demand the plan expects over :func:`cover_days` (the review interval
    plus the lead time: until an order of the next review could arrive),
    ``usual`` the demand of the 3-month average over the same days (without
    a plan the review passes the average as both: the plain min/max rule).
    With the position ``P = on_hand + incoming`` and the plan's difference
    ``extra = expected - usual`` (negative when the plan expects less):

    * due when ``P - extra < reorder point``: the plan moves the reorder
      point by what it expects beyond the usual demand, so a heavier plan
      orders earlier and a lighter one later;
    * quantity ``max(maximum - P, reorder point + extra - P, expected - P)``:
      up to the maximum, as always, unless the plan expects more than the
      levels hold; then enough to be at the reorder point (and never out of
      stock) when an order of the next review can arrive: the position
      passes the maximum;
    * rounded to whole packs like :func:`reorder_quantity`: down when that
      still covers it, else up.

    The seed (45 on hand, reorder point 50, maximum 100; the plan says 90
    next month, 3 a day over 3 + 3 days: 18, against the usual 80 a month:
    16) stays 55. A plan of 90 makes 51 on hand due now (51 - 2 < 50),
    where min/max waits; a plan of 40 (8 over 6 days) lets 45 on hand wait
    (45 + 8 >= 50); a plan of 600 (120) needs 109, not 55:

    >>> forecast_reorder_quantity(45, 0, 50, 100, 18, 16)
    55.0
    >>> forecast_reorder_quantity(51, 0, 50, 100, 18, 16), reorder_quantity(51, 0, 50, 100)
    (49.0, 0)
    >>> forecast_reorder_quantity(45, 0, 50, 100, 8, 16)
    0
    >>> forecast_reorder_quantity(45, 0, 50, 100, 120, 16)
    109.0
    >>> forecast_reorder_quantity(45, 0, 50, 100, 120, 16, 10)
    110
    >>> forecast_reorder_quantity(45, 0, 50, 100, 16, 16) == reorder_quantity(45, 0, 50, 100)
    True
    """
    position = on_hand + incoming
    extra = max(expected, 0) - max(usual, 0)
    reorder_at = reorder_point + extra
    zero = 0.0 if isinstance(position + extra, float) else 0
    if position >= reorder_at - _EPSILON:
        return zero
    needed = max(reorder_at, expected)
    raw = max(maximum - position, needed - position)
    if raw <= _EPSILON:
        return zero
    down = round_to_pack(raw, pack_multiple, up=False)
    if down > _EPSILON and position + down >= needed - _EPSILON:
        return down
    up = round_to_pack(raw, pack_multiple, up=True)
    while position + up < needed - _EPSILON and pack_multiple > 0:
        up += pack_multiple
    return up


def stock_status(on_hand, reorder_point, maximum, incoming=0.0):
    """Status of an agreement line.

    * below reorder point: the stock position (on hand + incoming) is below
      the reorder point: nothing on its way covers it (needs attention);
    * covered: on hand is below the reorder point, but what is on its way
      brings the position back to it;
    * above maximum: more on hand than the maximum (an overstock candidate);
    * ok otherwise.

    >>> stock_status(45, 50, 100)
    'below'
    >>> stock_status(45, 50, 100, incoming=55)
    'covered'
    >>> stock_status(101, 50, 100)
    'above'
    >>> stock_status(60, 50, 100, incoming=55)
    'ok'
    """
    if on_hand + incoming < reorder_point - _EPSILON:
        return STATUS_BELOW
    if on_hand < reorder_point - _EPSILON:
        return STATUS_COVERED
    if on_hand > maximum + _EPSILON:
        return STATUS_ABOVE
    return STATUS_OK


def within_tolerance(proposed, adjusted, tolerance_percent):
    """True if a supplier's adjusted quantity stays within the agreed tolerance.

    The tolerance is a percentage of the proposed quantity, in both directions
    (55 proposed, 10 % tolerance: 49.5 to 60.5 are accepted automatically).
    A line that was not proposed (0) accepts only 0.
    """
    if proposed <= _EPSILON:
        return adjusted <= _EPSILON
    return abs(adjusted - proposed) <= proposed * tolerance_percent / 100.0 + _EPSILON


def next_review_date(last_review, interval_days, today=None):
    """Next review date after a review made on ``last_review``.

    The date moves by whole intervals and always lands after ``today`` (a cron
    that was down for a week does not leave the date in the past).
    """
    interval = max(int(interval_days), 1)
    today = today or last_review
    nxt = last_review + timedelta(days=interval)
    if nxt <= today:
        missed = (today - nxt).days // interval + 1
        nxt += timedelta(days=missed * interval)
    return nxt


def add_months(day, months):
    """``day`` moved by ``months`` months, clamped to the end of the month."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def due_settlement_day(year, month, settlement_day):
    """The settlement date of a month: ``settlement_day``, or the month's last
    day when the month is shorter (settlement day 31 in February -> 28/29)."""
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(max(int(settlement_day), 1), last))


def is_settlement_day(day, settlement_day):
    """True when ``day`` is the agreement's settlement date for its month."""
    return day == due_settlement_day(day.year, day.month, settlement_day)


def settlement_cutoff_due(today, settlement_day, last_settlement=None, date_start=None):
    """Cut-off date the monthly settlement cron should bill on ``today``, or None.

    A settlement day is billed once it is over: the cut-off is the latest
    settlement date strictly before ``today`` (the day after the 25th bills up to
    the end of the 25th, so nothing consumed on the 25th waits for the next
    bill). It is due only if it is after ``last_settlement`` (the last cut-off
    billed) and, when given, not before the agreement's ``date_start``. A cron
    that missed one or more settlement days catches up with the latest missed
    date only (its bill covers everything unbilled up to that date).

    >>> settlement_cutoff_due(date(2026, 11, 26), 25, date(2026, 10, 25))
    datetime.date(2026, 11, 25)
    >>> settlement_cutoff_due(date(2026, 11, 25), 25, date(2026, 10, 25)) is None
    True
    """
    due = due_settlement_day(today.year, today.month, settlement_day)
    if due >= today:
        previous_month = add_months(date(today.year, today.month, 1), -1)
        due = due_settlement_day(previous_month.year, previous_month.month, settlement_day)
    if last_settlement and last_settlement >= due:
        return None
    if date_start and due < date_start:
        return None
    return due


def settlement_period(cutoff, settlement_day):
    """Settlement period ending on ``cutoff`` (inclusive), as ``(start, end)``.

    The period starts the day after the last settlement date strictly before the
    cut-off: with settlement day 25 and cut-off 2026-11-25 the period is
    2026-10-26 .. 2026-11-25; a cut-off of 2026-11-30 gives 2026-11-26 ..
    2026-11-30.
    """
    previous = due_settlement_day(cutoff.year, cutoff.month, settlement_day)
    if previous >= cutoff:
        prev_month = add_months(date(cutoff.year, cutoff.month, 1), -1)
        previous = due_settlement_day(prev_month.year, prev_month.month, settlement_day)
    return previous + timedelta(days=1), cutoff


def consumption_window_start(today, months=3):
    """First day counted in "consumption of the last ``months`` months"."""
    return add_months(today, -months) + timedelta(days=1)


def monthly_average(total, months=3):
    """Average monthly consumption over ``months`` months."""
    return total / months if months else 0.0


def consumption_windows(today, months=3):
    """The ``months`` consecutive periods that make up "consumption of the
    last ``months`` months" (``consumption_window_start``), oldest first, as
    ``(first day, last day)`` pairs, both included. Shown one by one on the
    supplier's agreement page, they add up to the total that gives the
    monthly average, whatever the day of the month.

    >>> for first, last in consumption_windows(date(2026, 12, 2), 3):
    ...     print(first, last)
    2026-09-03 2026-10-02
    2026-10-03 2026-11-02
    2026-11-03 2026-12-02
    >>> consumption_windows(date(2026, 3, 31), 1)
    [(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))]
    """
    windows = []
    for n in range(months, 0, -1):
        first = add_months(today, -n) + timedelta(days=1)
        last = add_months(today, -(n - 1))
        windows.append((first, last))
    return windows


REASON_BELOW = "below"  # position below the reorder point: fill up to the maximum
REASON_PACK_DOWN = "pack_down"  # ... rounded down to whole packs
REASON_PACK_UP = "pack_up"  # ... rounded up to whole packs (may pass the maximum)


REASON_FORECAST = "forecast"  # position above the reorder point, but not after the expected demand
REASON_DEMAND = "demand"  # the expected demand is more than the levels hold: past the maximum


def demand_reason(on_hand, incoming, reorder_point, maximum, expected, usual):
    """What the demand plan (:func:`forecast_reorder_quantity`) changed:
    ``REASON_FORECAST`` when the line is due only because of it (its
    position is not below the reorder point), ``REASON_DEMAND`` when it
    raised the quantity past the maximum, ``None`` when it changed nothing.

    >>> demand_reason(45, 0, 50, 100, 18, 16) is None
    True
    >>> demand_reason(51, 0, 50, 100, 18, 16)
    'forecast'
    >>> demand_reason(45, 0, 50, 100, 120, 16)
    'demand'
    """
    position = on_hand + incoming
    needed = max(reorder_point + expected - usual, expected)
    if needed > maximum + _EPSILON:
        return REASON_DEMAND
    if position >= reorder_point - _EPSILON and expected > usual + _EPSILON:
        return REASON_FORECAST
    return None


def reorder_reason(
    on_hand, incoming, reorder_point, maximum, pack_multiple, quantity, expected=0.0, usual=0.0
):
    """Why the review proposed ``quantity``: a ``REASON_*`` code and the
    figures the explanation quotes (position, shortfall to the target: the
    maximum, or what the plan's ``expected`` demand needs beyond the
    ``usual`` one, see :func:`forecast_reorder_quantity`).

    >>> reorder_reason(45, 0, 50, 100, 1, 55)
    ('below', 45, 55)
    >>> reorder_reason(45, 0, 50, 100, 10, 50)
    ('pack_down', 45, 55)
    >>> reorder_reason(45, 0, 50, 100, 60, 60)
    ('pack_up', 45, 55)
    >>> reorder_reason(45, 0, 50, 100, 10, 110, expected=120, usual=16)
    ('pack_up', 45, 109)
    """
    position = on_hand + incoming
    needed = max(reorder_point + max(expected, 0) - max(usual, 0), expected)
    raw = max(maximum - position, needed - position)
    if pack_multiple > 1 or abs(quantity - raw) > _EPSILON:
        if quantity < raw - _EPSILON:
            return REASON_PACK_DOWN, position, raw
        if quantity > raw + _EPSILON:
            return REASON_PACK_UP, position, raw
    return REASON_BELOW, position, raw


def level_warning(on_hand, incoming, quantity, reorder_point, maximum):
    """Where ``quantity`` ordered on top of ``on_hand`` and ``incoming``
    leaves the line: ``STATUS_ABOVE`` past the maximum, ``STATUS_BELOW``
    short of the reorder point, ``None`` within the levels. Warns a supplier
    who adjusts a proposal (the portal page repeats it in the browser).

    >>> level_warning(25, 0, 70, 50, 80)
    'above'
    >>> level_warning(25, 0, 20, 50, 80)
    'below'
    >>> level_warning(25, 0, 55, 50, 80) is None
    True
    """
    after = on_hand + incoming + quantity
    if after > maximum + _EPSILON:
        return STATUS_ABOVE
    if after < reorder_point - _EPSILON:
        return STATUS_BELOW
    return None


def pack_chunks(sizes, max_items, max_size):
    """Split work into chunks for parallel workers: ``sizes`` is a list of
    ``(key, size)`` (an agreement and its number of lines), in order. A
    chunk takes the next items while it has fewer than ``max_items`` and
    their sizes add up to at most ``max_size``; an item bigger than that is
    a chunk of its own. The chunks come biggest first, so that workers
    taking them in turn finish at about the same time (the biggest job
    last would keep one worker busy while the others wait).

    >>> pack_chunks([("a", 20), ("b", 20), ("c", 20), ("d", 1000), ("e", 20)], 2, 500)
    [['d'], ['a', 'b'], ['c'], ['e']]
    >>> pack_chunks([("a", 300), ("b", 300), ("c", 100)], 50, 500)
    [['b', 'c'], ['a']]
    >>> pack_chunks([], 50, 500)
    []
    """
    chunks = []
    keys, total = [], 0
    for key, size in sizes:
        if keys and (len(keys) >= max_items or total + size > max_size):
            chunks.append((total, keys))
            keys, total = [], 0
        keys.append(key)
        total += size
    if keys:
        chunks.append((total, keys))
    chunks.sort(key=lambda chunk: -chunk[0])
    return [keys for _total, keys in chunks]


def emergency_extra(raised_demand, on_hand, incoming, pack_multiple=1.0):
    """Extra quantity an emergency needs (SPEC Q4): the raised demand of
    the period against what is on hand and on its way, rounded up to whole
    packs (0 when the stock covers it).

    >>> emergency_extra(120, 100, 0)
    20.0
    >>> emergency_extra(120, 100, 0, 25)
    25
    >>> emergency_extra(120, 90, 40)
    0.0
    """
    missing = raised_demand - (on_hand + incoming)
    if missing <= _EPSILON:
        return 0.0
    return round_to_pack(float(missing), pack_multiple, up=True)


def freight_split(cost, customer_share_percent):
    """Rush freight of an emergency shared as the agreement says (SPEC Q4:
    50 % each): ``(customer's part, supplier's part)``.

    >>> freight_split(200, 50)
    (100.0, 100.0)
    >>> freight_split(150, 30)
    (45.0, 105.0)
    """
    customer = round(cost * customer_share_percent / 100.0, 2)
    return customer, round(cost - customer, 2)
