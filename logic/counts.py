"""Stock counts of a VMI location: what a counted difference means.

A count *below* the recorded supplier-owned quantity is a loss: the units were
used (or lost) at the customer, which is consumption, billed as usual.

A count *above* it is not a return: nothing came back from the company. It
first undoes the count losses of the same product and location that no
settlement has billed yet (a miscount corrected: 45 -> 40 -> 45 nets to no
consumption); the rest is stock the supplier owns that was never recorded (the
first count at go-live, a receipt booked short): it is added to the
supplier's stock with no consumption and no credit.

Quantities are floats in one unit (the agreement line's). Nothing here touches
the database.
"""

_EPSILON = 1e-9


def split_count_gain(gain, unbilled_loss):
    """Split a counted gain into ``(reversed, added)``.

    ``reversed`` undoes unbilled count losses (a negative consumption);
    ``added`` becomes supplier-owned stock with no consumption and no credit.
    ``unbilled_loss`` is the net of the unbilled count losses and their
    reversals (never below 0 in effect).

    >>> split_count_gain(40, 0)       # first count at go-live: 40 on an empty location
    (0.0, 40.0)
    >>> split_count_gain(5, 5)        # 45 -> 40 (a loss of 5) -> 45
    (5.0, 0.0)
    >>> split_count_gain(8, 5)        # 45 -> 40 -> 48: 5 reversed, 3 more found
    (5.0, 3.0)
    >>> split_count_gain(3, 5)        # 45 -> 40 -> 43: 3 of the 5 reversed
    (3.0, 0.0)
    >>> split_count_gain(4, -2)       # more reversed than lost cannot happen: nothing to reverse
    (0.0, 4.0)
    """
    gain = float(gain)
    reversed_qty = min(gain, max(float(unbilled_loss), 0.0))
    if reversed_qty < _EPSILON:
        reversed_qty = 0.0
    added = gain - reversed_qty
    if abs(added) < _EPSILON:
        added = 0.0
    return reversed_qty, added


def split_count_gains(gains, unbilled_loss):
    """Split several gains of the same product and location (one count's
    move lines, e.g. per lot or bin), in order: each one reverses what the
    previous ones left of ``unbilled_loss``.

    >>> split_count_gains([3, 4], 5)
    [(3.0, 0.0), (2.0, 2.0)]
    >>> split_count_gains([], 5)
    []
    """
    result = []
    left = float(unbilled_loss)
    for gain in gains:
        reversed_qty, added = split_count_gain(gain, left)
        left -= reversed_qty
        result.append((reversed_qty, added))
    return result
