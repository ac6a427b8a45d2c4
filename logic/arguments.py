# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Values given over RPC or in a form, read once (no ORM).

Each returns ``None`` for a value that is not what it should be, so that the
caller refuses it with a clear, translated message rather than a traceback.

>>> as_id(7), as_id("7"), as_id(True), as_id(7.5), as_id("x")
(7, 7, None, None, None)
>>> as_number(55), as_number("85.5"), as_number(True), as_number("nan"), as_number([1])
(55.0, 85.5, None, None, None)
"""

import math
from numbers import Real


def as_id(value):
    """A record id: a whole number, or its digits as text (XML-RPC keys)."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def as_number(value):
    """A finite number, or its text: booleans, NaN and infinities are not."""
    if isinstance(value, bool) or not isinstance(value, (Real, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
