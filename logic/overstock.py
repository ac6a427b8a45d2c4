"""The overstock review (SPEC step 1): stock above the maximum and unused for
the agreement's overstock days (30) is analysed jointly by buyer and
supplier, who settle on a return, a discount or keeping the stock.

Plain Python, no ORM: quantities are floats in one unit (the agreement
line's), dates are ``datetime.date`` or ``datetime.datetime``.
"""

from datetime import datetime, timedelta

CAUSE_BELOW_PLAN = "below_plan"
CAUSE_QUALITY_HOLD = "quality_hold"
CAUSE_NO_DEMAND = "no_demand"
CAUSE_OTHER = "other"

RESOLUTION_RETURN = "return"
RESOLUTION_DISCOUNT = "discount"
RESOLUTION_KEEP = "keep"

_EPSILON = 1e-9


def qty_over(on_hand, max_qty):
    """What is above the maximum (never negative).

    >>> qty_over(130, 100)
    30.0
    >>> qty_over(100, 100)
    0.0
    >>> qty_over(45, 100)
    0.0
    >>> qty_over(100.5, 100)
    0.5
    """
    over = float(on_hand) - float(max_qty)
    return over if over > _EPSILON else 0.0


def overstock_value(quantity, price_unit):
    """The value of ``quantity`` units at the agreed price.

    >>> overstock_value(30, 12.5)
    375.0
    >>> overstock_value(0, 12.5)
    0.0
    """
    return float(quantity) * float(price_unit)


def days_above(since, today):
    """Whole days the stock has been above the maximum, from ``since`` (a
    date or datetime, ``None`` when it is not above) to ``today``.

    >>> from datetime import date
    >>> days_above(date(2026, 3, 1), date(2026, 3, 31))
    30
    >>> days_above(datetime(2026, 3, 1, 18, 0), date(2026, 3, 31))
    30
    >>> days_above(None, date(2026, 3, 31))
    0
    >>> days_above(date(2026, 4, 2), date(2026, 3, 31))
    0
    """
    if not since:
        return 0
    if isinstance(since, datetime):
        since = since.date()
    if isinstance(today, datetime):
        today = today.date()
    return max((today - since).days, 0)


def is_due(since, today, overstock_days):
    """Whether stock above the maximum since ``since`` is due for a review:
    above for at least ``overstock_days`` days (SPEC: 30).

    >>> from datetime import date
    >>> is_due(date(2026, 3, 1), date(2026, 3, 31), 30)
    True
    >>> is_due(date(2026, 3, 2), date(2026, 3, 31), 30)
    False
    >>> is_due(None, date(2026, 3, 31), 30)
    False
    """
    return bool(since) and days_above(since, today) >= overstock_days


def review_start(since, reviewed):
    """From when the overstock counts towards a review: since the stock went
    above the maximum, or since its last case was closed when that is later
    (a kept, discounted or returning overstock is not reviewed again the
    next day). ``None`` when the stock is not above the maximum.

    >>> from datetime import date
    >>> review_start(date(2026, 3, 1), None)
    datetime.date(2026, 3, 1)
    >>> review_start(date(2026, 3, 1), date(2026, 3, 31))
    datetime.date(2026, 3, 31)
    >>> review_start(date(2026, 4, 2), date(2026, 3, 31))
    datetime.date(2026, 4, 2)
    >>> review_start(None, date(2026, 3, 31)) is None
    True
    """
    if not since:
        return None
    if reviewed and reviewed > since:
        return reviewed
    return since


def deadline(opened, days):
    """The date by which buyer and supplier resolve a case opened on
    ``opened``: ``days`` days later.

    >>> from datetime import date
    >>> deadline(date(2026, 3, 31), 14)
    datetime.date(2026, 4, 14)
    >>> deadline(datetime(2026, 3, 31, 9, 0), 14)
    datetime.date(2026, 4, 14)
    """
    if isinstance(opened, datetime):
        opened = opened.date()
    return opened + timedelta(days=days)


def likely_cause(consumed, planned, quality_hold):
    """The likely cause of the overstock, from what was consumed over the
    review window, what the customer's demand plan gave for it (``None``
    without a plan covering it) and whether stock is held for quality.

    A quality hold comes first: the stock is blocked whatever the demand.
    Then consumption below the plan (demand changed after the supplier
    replenished for it); with no consumption and no plan, no demand at all;
    anything else is left to buyer and supplier.

    >>> likely_cause(40, 90, False)
    'below_plan'
    >>> likely_cause(0, 90, False)
    'below_plan'
    >>> likely_cause(40, 90, True)
    'quality_hold'
    >>> likely_cause(0, None, False)
    'no_demand'
    >>> likely_cause(0, 0, False)
    'no_demand'
    >>> likely_cause(95, 90, False)
    'other'
    >>> likely_cause(40, None, False)
    'other'
    """
    if quality_hold:
        return CAUSE_QUALITY_HOLD
    consumed = float(consumed or 0.0)
    if planned is not None and consumed + _EPSILON < float(planned):
        return CAUSE_BELOW_PLAN
    if consumed <= _EPSILON and not planned:
        return CAUSE_NO_DEMAND
    return CAUSE_OTHER


def check_discount_price(discount_price, agreed_price):
    """``None`` when ``discount_price`` is a valid reduced price for units
    agreed at ``agreed_price`` (at least 0, below the agreed price), else the
    reason it is not: ``"negative"``, ``"not_below"``.

    >>> check_discount_price(10, 12.5) is None
    True
    >>> check_discount_price(0, 12.5) is None
    True
    >>> check_discount_price(-1, 12.5)
    'negative'
    >>> check_discount_price(12.5, 12.5)
    'not_below'
    """
    if float(discount_price) < 0:
        return "negative"
    if float(discount_price) >= float(agreed_price) - _EPSILON:
        return "not_below"
    return None


def split_discount(consumed, lefts):
    """Spread ``consumed`` units over the discounts still owed, oldest first
    (``lefts``: the units each discount still covers): the units each one
    discounts now. Never more than what is left, never more than consumed.

    >>> split_discount(25, [30])
    [25.0]
    >>> split_discount(25, [10, 30])
    [10.0, 15.0]
    >>> split_discount(50, [10, 30])
    [10.0, 30.0]
    >>> split_discount(-5, [30])
    [0.0]
    >>> split_discount(5, [0, 30])
    [0.0, 5.0]
    """
    pool = max(float(consumed), 0.0)
    result = []
    for left in lefts:
        take = min(pool, max(float(left), 0.0))
        if take < _EPSILON:
            take = 0.0
        result.append(take)
        pool -= take
    return result
