# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The monthly VMI review's rules (SPEC step 5: plan against reality).

Plain functions, no ORM: ``vmi.agreement._vmi_review_figures`` reads the
database once and hands the numbers here; the PDF, the XLSX and the KPI
panel all show what these functions return.

Forecast figures, for a consumption ``c`` against a plan ``p`` (SPEC: 85
consumed against a plan of 90):

* bias = c - p (units; negative: less was consumed than planned), and
  bias % = (c - p) / p x 100;
* accuracy % = max(0, 1 - |c - p| / p) x 100; over several products,
  1 - sum |c - p| / sum p (a weighted error: big products weigh more).

>>> forecast_bias(85, 90)
-5.0
>>> round(forecast_bias_pct(85, 90), 1)
-5.6
>>> round(forecast_accuracy(85, 90), 1)
94.4
"""

from datetime import timedelta

from markupsafe import Markup, escape


def forecast_bias(consumed, planned):
    """Units consumed above (positive) or below (negative) the plan.

    >>> forecast_bias(95, 90)
    5.0
    """
    return float(consumed) - float(planned)


def forecast_bias_pct(consumed, planned):
    """The bias as a percentage of the plan; ``None`` without a plan.

    >>> forecast_bias_pct(95, 90) > 5.5
    True
    >>> forecast_bias_pct(10, 0) is None
    True
    """
    if not planned:
        return None
    return (float(consumed) - float(planned)) / float(planned) * 100.0


def forecast_accuracy(consumed, planned):
    """``max(0, 1 - |c - p| / p) x 100``; ``None`` without a plan.

    >>> forecast_accuracy(90, 90)
    100.0
    >>> forecast_accuracy(300, 90)
    0.0
    >>> forecast_accuracy(5, 0) is None
    True
    """
    if not planned:
        return None
    return max(0.0, 1.0 - abs(float(consumed) - float(planned)) / float(planned)) * 100.0


def total_accuracy(pairs):
    """Accuracy over ``(consumed, planned)`` pairs, each weighed by its plan:
    ``1 - sum |c - p| / sum p``; pairs without a plan are left out.

    >>> round(total_accuracy([(85, 90), (10, 10)]), 1)
    95.0
    >>> total_accuracy([(5, 0)]) is None
    True
    """
    planned = [(c, p) for c, p in pairs if p]
    total = sum(p for _c, p in planned)
    if not total:
        return None
    return max(0.0, 1.0 - sum(abs(c - p) for c, p in planned) / total) * 100.0


def days_between(first, last):
    """The days from ``first`` to ``last``, both included.

    >>> from datetime import date
    >>> [d.day for d in days_between(date(2026, 3, 30), date(2026, 4, 1))]
    [30, 31, 1]
    """
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def daily_closing(current, net_by_day, first, last):
    """``(opening, [closing of each day])`` of a stock from ``first`` to
    ``last``, rebuilt backwards from its ``current`` quantity and the net
    quantity that entered it each day (``net_by_day``: ``{date: quantity}``,
    days after ``last`` included, negative when more left than entered).

    >>> from datetime import date
    >>> flows = {date(2026, 3, 2): 55, date(2026, 3, 3): -10, date(2026, 3, 9): -5}
    >>> daily_closing(85, flows, date(2026, 3, 1), date(2026, 3, 4))
    (45.0, [45.0, 100.0, 90.0, 90.0])
    """
    later = sum(qty for day, qty in net_by_day.items() if day > last)
    closing = float(current) - later
    closings = []
    for day in reversed(days_between(first, last)):
        closings.append(closing)
        closing -= net_by_day.get(day, 0.0)
    closings.reverse()
    return closing, closings


def low_days(opening, closings, threshold, demand, strict=True):
    """Days on which the stock fell to ``threshold`` (``strict``: below it)
    while there was demand: the lower of the day's opening and closing
    stock, on days whose ``demand`` (one figure a day, planned or usual) is
    above 0. Stock-out days: threshold 0, not strict (stock at 0 or less);
    days below the reorder point: the reorder point, strict.

    >>> low_days(10, [5, 0, 0, 20], 0, [1, 1, 0, 1], strict=False)
    2
    >>> low_days(60, [45, 100, 90], 50, [3, 3, 3])
    2
    """
    count = 0
    previous = opening
    for closing, wanted in zip(closings, demand, strict=True):
        low = min(previous, closing)
        if wanted > 0 and (low < threshold if strict else low <= threshold):
            count += 1
        previous = closing
    return count


def average(values):
    """Mean of ``values``; 0 for none.

    >>> average([45, 100, 90, 90])
    81.25
    >>> average([])
    0.0
    """
    values = list(values)
    return float(sum(values)) / len(values) if values else 0.0


def turnover(consumed, average_stock):
    """Times the average stock was consumed in the period; ``None`` without
    stock.

    >>> turnover(85, 85)
    1.0
    >>> turnover(10, 0) is None
    True
    """
    if average_stock <= 0:
        return None
    return float(consumed) / average_stock


def days_of_cover(average_stock, consumed, days):
    """Days the average stock lasts at the period's daily consumption
    (``consumed`` over ``days`` days); ``None`` without consumption.

    >>> days_of_cover(85, 85, 31)
    31.0
    >>> days_of_cover(50, 0, 31) is None
    True
    """
    if consumed <= 0 or days <= 0:
        return None
    return float(average_stock) * days / float(consumed)


def share(part, whole):
    """``part`` as a percentage of ``whole``; ``None`` when ``whole`` is 0.

    >>> share(1, 4)
    25.0
    >>> share(0, 0) is None
    True
    """
    if not whole:
        return None
    return float(part) / whole * 100.0


def over_days(closings, max_qty):
    """Days whose closing stock was above the maximum.

    >>> over_days([90, 105, 120, 100], 100)
    2
    """
    return sum(1 for qty in closings if qty > max_qty)


def stock_chart_svg(closings, reorder_point, max_qty, labels, width=520, height=180):
    """An SVG line chart (markup) of a daily stock: the stock as a line,
    the reorder point and maximum as dashed lines, the first, middle and
    last day's ``labels`` under the axis and the scale on the left. Drawn
    here so that wkhtmltopdf prints it without any outside service.

    >>> svg = stock_chart_svg([45, 100, 90], 50, 100, ["1", "2", "3"])
    >>> svg.startswith("<svg") and "polyline" in svg and ">100<" in svg
    True
    >>> "<svg" in stock_chart_svg([], 50, 100, [])
    True
    """
    left, right, top, bottom = 40, 10, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max([float(max_qty), float(reorder_point), *[float(q) for q in closings], 1.0]) * 1.1
    low_value = min([0.0, *[float(q) for q in closings]])
    span = top_value - low_value

    def y(value):
        return top + plot_h - (float(value) - low_value) / span * plot_h

    def x(index):
        return left + (plot_w * index / (len(closings) - 1) if len(closings) > 1 else plot_w / 2)

    svg_open = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="10">'
    )
    parts = [
        svg_open,
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#555"/>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#555"/>',
    ]
    for value, colour in ((max_qty, "#e67e22"), (reorder_point, "#c0392b")):
        parts.append(
            f'<line x1="{left}" y1="{y(value):.1f}" x2="{left + plot_w}" y2="{y(value):.1f}" '
            f'stroke="{colour}" stroke-dasharray="4,3"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y(value) + 3:.1f}" text-anchor="end" fill="{colour}">{value:g}</text>'
        )
    parts.append(f'<text x="{left - 4}" y="{top + plot_h + 3}" text-anchor="end">{low_value:g}</text>')
    if closings:
        points = " ".join(f"{x(i):.1f},{y(q):.1f}" for i, q in enumerate(closings))
        parts.append(f'<polyline fill="none" stroke="#2c7be5" stroke-width="2" points="{points}"/>')
    if labels:
        last = len(labels) - 1
        for index in sorted({0, len(labels) // 2, last}):
            label = escape(labels[index])
            anchor = "start" if index == 0 and last else "end" if index == last and last else "middle"
            parts.append(f'<text x="{x(index):.1f}" y="{height - 8}" text-anchor="{anchor}">{label}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
