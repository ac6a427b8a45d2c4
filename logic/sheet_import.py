"""The three sheets a small firm exchanges (XLSX), checked row by row.

* the daily stock **count** of the VMI location: product code, counted
  quantity (in the agreement line's unit);
* the **plan**: product code, period (its first day, or its label
  ``2026-04`` / ``2026-W10``), planned quantity;
* the supplier's answer to a **proposal**: product code, quantity, promised
  date.

Each template's first row names what it was made for: cell A1 holds the
kind's marker (``VMI-COUNT``...), B1 the agreement's or the proposal's
reference; row 2 holds the column headers (in the reader's language); the
products start on row 3. Columns are found by position (the headers are for
the reader). A row whose quantity is empty is not imported (a product not
counted, a proposal line left as proposed).

Every row is checked; an error is ``(spreadsheet row number, reason,
params)``, translated by the caller (``vmi.sheet.import``), which imports
nothing when there is any. Nothing here touches the database.
"""

import math
import re
from datetime import date, datetime
from numbers import Real

from . import demand

COUNT = "count"
PLAN = "plan"
PROPOSAL = "proposal"
KINDS = (COUNT, PLAN, PROPOSAL)

MARKERS = {COUNT: "VMI-COUNT", PLAN: "VMI-PLAN", PROPOSAL: "VMI-PROPOSAL"}
HEADER_ROW = 2
FIRST_ROW = 3

# The columns of each sheet, in order (A, B, C...). "product" (its name) is
# for the reader only.
COLUMNS = {
    COUNT: ("code", "product", "unit", "quantity"),
    PLAN: ("code", "product", "unit", "period", "quantity"),
    PROPOSAL: ("code", "product", "unit", "quantity", "date"),
}

# Reasons (translated by the caller, with their params).
WRONG_KIND = "wrong_kind"  # expected, found
WRONG_REFERENCE = "wrong_reference"  # expected, found
ANSWERED = "answered"  # reference
NO_ROWS = "no_rows"
MISSING_CODE = "missing_code"
UNKNOWN_PRODUCT = "unknown_product"  # code
NOT_IN_AGREEMENT = "not_in_agreement"  # code
NOT_NUMERIC = "not_numeric"  # value
NEGATIVE = "negative"  # value
WRONG_UNIT = "wrong_unit"  # unit, expected
DUPLICATE = "duplicate"  # code, first_row
MISSING_DATE = "missing_date"
INVALID_DATE = "invalid_date"  # value
PAST_DATE = "past_date"  # value
OTHER_DATE = "other_date"  # value, first_row
NOT_PERIOD_START = "not_period_start"  # value
TRACKED = "tracked"  # code
REFUSED = "refused"  # message (a check of the model, e.g. the pack multiple)

_WEEK_LABEL = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH_LABEL = re.compile(r"^(\d{4})[-/.](\d{1,2})$")


def text(value):
    """A cell as stripped text ('' for an empty cell); whole numbers lose
    the ``.0`` a spreadsheet gives them (a product code typed as a number), a date its time of midnight.

    >>> text(None), text("  6205 "), text(6205), text(6205.0), text(62.5)
    ('', '6205', '6205', '6205', '62.5')
    >>> text(datetime(2026, 4, 15))
    '2026-04-15'
    """
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_quantity(value):
    """``(quantity, reason)`` of a quantity cell: a number, or its text
    (decimal comma allowed); ``(None, None)`` for an empty cell.

    >>> parse_quantity(12), parse_quantity("7,5"), parse_quantity(" 3 ")
    ((12.0, None), (7.5, None), (3.0, None))
    >>> parse_quantity(None), parse_quantity("  ")
    ((None, None), (None, None))
    >>> parse_quantity("ten"), parse_quantity(-2), parse_quantity(True)
    ((None, 'not_numeric'), (None, 'negative'), (None, 'not_numeric'))
    >>> parse_quantity(float("nan"))
    (None, 'not_numeric')
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, NOT_NUMERIC
    if isinstance(value, Real):
        number = float(value)
    elif isinstance(value, str):
        raw = value.strip().replace(" ", "")
        if raw.count(",") == 1 and "." not in raw:
            raw = raw.replace(",", ".")
        try:
            number = float(raw)
        except ValueError:
            return None, NOT_NUMERIC
    else:
        return None, NOT_NUMERIC
    if not math.isfinite(number):
        return None, NOT_NUMERIC
    if number < 0:
        return None, NEGATIVE
    return number, None


def parse_date(value):
    """A date cell (a spreadsheet date, or ``YYYY-MM-DD`` text), else ``None``.

    >>> parse_date(datetime(2026, 4, 1, 0, 0)), parse_date("2026-04-01"), parse_date(" 2026/4/1 ")
    (datetime.date(2026, 4, 1), datetime.date(2026, 4, 1), datetime.date(2026, 4, 1))
    >>> parse_date("April"), parse_date(45000), parse_date(None)
    (None, None, None)
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        raw = value.strip().replace("/", "-").replace(".", "-")
        match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", raw)
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                return None
    return None


def parse_period(value, period):
    """``(first day, reason)`` of a plan's period cell: its first day (a date)
    or its label as the plan's name has it (``2026-04``, ``2026-W10``).

    >>> parse_period(date(2026, 4, 1), "month"), parse_period("2026-04", "month")
    ((datetime.date(2026, 4, 1), None), (datetime.date(2026, 4, 1), None))
    >>> parse_period("2026-W10", "week"), parse_period("2026-03-02", "week")
    ((datetime.date(2026, 3, 2), None), (datetime.date(2026, 3, 2), None))
    >>> parse_period(date(2026, 4, 15), "month"), parse_period("2026-04", "week")
    ((None, 'not_period_start'), (None, 'invalid_date'))
    >>> parse_period(None, "month"), parse_period("soon", "month")
    ((None, 'missing_date'), (None, 'invalid_date'))
    """
    raw = text(value)
    if not raw:
        return None, MISSING_DATE
    if isinstance(value, str):
        week = _WEEK_LABEL.match(raw)
        month = _MONTH_LABEL.match(raw)
        try:
            if week and period == demand.WEEK:
                return date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1), None
            if month and period == demand.MONTH:
                return date(int(month.group(1)), int(month.group(2)), 1), None
        except ValueError:
            return None, INVALID_DATE
    day = parse_date(value)
    if not day:
        return None, INVALID_DATE
    if not demand.is_period_start(day, period):
        return None, NOT_PERIOD_START
    return day, None


def check_header(rows, kind, reference):
    """Errors of the first row: the sheet is not of ``kind``, or was made
    for another agreement or proposal than ``reference``.

    >>> check_header([("VMI-COUNT", "VMI/0001")], COUNT, "VMI/0001")
    []
    >>> check_header([("VMI-PLAN", "VMI/0001")], COUNT, "VMI/0001")
    [(1, 'wrong_kind', {'expected': 'VMI-COUNT', 'found': 'VMI-PLAN'})]
    >>> check_header([("VMI-COUNT", "VMI/0002")], COUNT, "VMI/0001")
    [(1, 'wrong_reference', {'expected': 'VMI/0001', 'found': 'VMI/0002'})]
    >>> check_header([], COUNT, "VMI/0001")
    [(1, 'wrong_kind', {'expected': 'VMI-COUNT', 'found': ''})]
    """
    first = tuple(rows[0]) + (None, None) if rows else (None, None)
    marker, found = text(first[0]).upper(), text(first[1])
    if marker != MARKERS[kind]:
        return [(1, WRONG_KIND, {"expected": MARKERS[kind], "found": marker})]
    if found != reference:
        return [(1, WRONG_REFERENCE, {"expected": reference, "found": found})]
    return []


def data_rows(rows, kind):
    """``[(row number, {column: value})]`` of the products' rows (from row
    3), wholly empty rows left out.

    >>> rows = [("VMI-COUNT", "X"), ("Code",), ("6205", "Bearing", "Units", 40), (None, None), ("6206",)]
    >>> data_rows(rows, COUNT)
    [(3, {'code': '6205', 'product': 'Bearing', 'unit': 'Units', 'quantity': 40}), \
(5, {'code': '6206', 'product': None, 'unit': None, 'quantity': None})]
    """
    columns = COLUMNS[kind]
    result = []
    for number, row in enumerate(rows[FIRST_ROW - 1 :], start=FIRST_ROW):
        values = tuple(row or ())[: len(columns)]
        if all(text(value) == "" for value in values):
            continue
        values += (None,) * (len(columns) - len(values))
        result.append((number, dict(zip(columns, values, strict=True))))
    return result


def check_rows(kind, rows, lines, known_codes, period=None, today=None):
    """Check the products' rows of a sheet (``data_rows``).

    ``lines``: ``{product code: {"key": line id, "units": set of accepted
    unit names (lower case), "tracked": bool}}`` of the agreement's (or the
    proposal's) products; ``known_codes``: every product code that exists
    (to tell an unknown product from one the agreement does not cover);
    ``period``: the plan's period ("month" or "week"); ``today``: for the
    proposal's promised date.

    Returns ``(good, errors)``: ``good`` is ``[{"row", "code", "key",
    "quantity", "date"}]`` (``date``: the period's first day or the promised
    date; rows without a quantity left out), ``errors`` is ``[(row, reason,
    params)]`` in row order.

    >>> lines = {"6205": {"key": 7, "units": {"units"}, "tracked": False}}
    >>> rows = [(3, {"code": "6205", "unit": "Units", "quantity": 40})]
    >>> check_rows(COUNT, rows, lines, {"6205"})
    ([{'row': 3, 'code': '6205', 'key': 7, 'quantity': 40.0, 'date': None}], [])
    >>> bad = [
    ...     (3, {"code": "9999", "unit": None, "quantity": 1}),
    ...     (4, {"code": "6206", "unit": None, "quantity": 1}),
    ...     (5, {"code": "6205", "unit": "kg", "quantity": "many"}),
    ...     (6, {"code": "6205", "unit": "box", "quantity": 3}),
    ...     (7, {"code": "6205", "unit": None, "quantity": 2}),
    ...     (8, {"code": "6205", "unit": None, "quantity": 5}),
    ...     (9, {"code": None, "unit": None, "quantity": 5}),
    ... ]
    >>> for error in check_rows(COUNT, bad, lines, {"6205", "6206"})[1]:
    ...     print(error)
    (3, 'unknown_product', {'code': '9999'})
    (4, 'not_in_agreement', {'code': '6206'})
    (5, 'not_numeric', {'value': 'many'})
    (5, 'wrong_unit', {'unit': 'kg', 'expected': 'units'})
    (6, 'wrong_unit', {'unit': 'box', 'expected': 'units'})
    (6, 'duplicate', {'code': '6205', 'first_row': 5})
    (7, 'duplicate', {'code': '6205', 'first_row': 5})
    (8, 'duplicate', {'code': '6205', 'first_row': 5})
    (9, 'missing_code', {})

    A plan's rows are keyed by product and period; a proposal's date is one
    for the whole answer:

    >>> plan = [(3, {"code": "6205", "unit": None, "period": "2026-04", "quantity": 90}),
    ...         (4, {"code": "6205", "unit": None, "period": date(2026, 5, 1), "quantity": 80}),
    ...         (5, {"code": "6205", "unit": None, "period": "2026-04", "quantity": 85}),
    ...         (6, {"code": "6205", "unit": None, "period": None, "quantity": 85})]
    >>> good, errors = check_rows(PLAN, plan, lines, {"6205"}, period="month")
    >>> [(g["row"], g["date"].isoformat(), g["quantity"]) for g in good]
    [(3, '2026-04-01', 90.0), (4, '2026-05-01', 80.0)]
    >>> errors
    [(5, 'duplicate', {'code': '6205', 'first_row': 3}), (6, 'missing_date', {})]
    >>> lines["6206"] = {"key": 8, "units": {"units"}, "tracked": False}
    >>> answer = [(3, {"code": "6205", "unit": None, "quantity": 58, "date": "2026-04-10"}),
    ...           (4, {"code": "6206", "unit": None, "quantity": 5, "date": "2026-04-11"}),
    ...           (5, {"code": "6206", "unit": None, "quantity": 5, "date": "2026-03-01"})]
    >>> check_rows(PROPOSAL, answer, lines, {"6205", "6206"}, today=date(2026, 4, 1))[1]
    [(4, 'other_date', {'value': '2026-04-11', 'first_row': 3}), \
(5, 'past_date', {'value': '2026-03-01'}), (5, 'duplicate', {'code': '6206', 'first_row': 4})]
    """
    good, errors = [], []
    seen = {}
    first_date = None
    for number, values in rows:
        row_errors = []
        code = text(values.get("code"))
        line = lines.get(code)
        if not code:
            row_errors.append((MISSING_CODE, {}))
        elif line is None:
            reason = NOT_IN_AGREEMENT if code in known_codes else UNKNOWN_PRODUCT
            row_errors.append((reason, {"code": code}))
        elif line.get("tracked"):
            row_errors.append((TRACKED, {"code": code}))
        quantity, reason = parse_quantity(values.get("quantity"))
        if reason:
            row_errors.append((reason, {"value": text(values.get("quantity"))}))
        unit = text(values.get("unit"))
        if line and unit and unit.lower() not in line["units"]:
            row_errors.append((WRONG_UNIT, {"unit": unit, "expected": ", ".join(sorted(line["units"]))}))
        day = None
        if kind == PLAN:
            day, reason = parse_period(values.get("period"), period)
            if reason:
                row_errors.append(
                    (reason, {"value": text(values.get("period"))} if reason != MISSING_DATE else {})
                )
        elif kind == PROPOSAL:
            day, reason = _check_promised_date(values.get("date"), today, first_date)
            if reason:
                row_errors.append(reason)
            elif first_date is None:
                first_date = (day, number)
        if line and (kind != PLAN or day):
            key = (code, day) if kind == PLAN else code
            if key in seen:
                row_errors.append((DUPLICATE, {"code": code, "first_row": seen[key]}))
            else:
                seen[key] = number
        errors += [(number, reason, params) for reason, params in row_errors]
        if not row_errors and quantity is not None:
            good.append({"row": number, "code": code, "key": line["key"], "quantity": quantity, "date": day})
    if not good and not errors:
        errors.append((FIRST_ROW, NO_ROWS, {}))
    return good, errors


def _check_promised_date(value, today, first_date):
    """``(date, (reason, params) or None)`` of a proposal row's promised
    date: required, a date, not in the past, the same on every row
    (``first_date``: ``(date, row)`` of the first valid one)."""
    raw = text(value)
    if not raw:
        return None, (MISSING_DATE, {})
    day = parse_date(value)
    if not day:
        return None, (INVALID_DATE, {"value": raw})
    if today and day < today:
        return None, (PAST_DATE, {"value": day.isoformat()})
    if first_date and first_date[0] != day:
        return None, (OTHER_DATE, {"value": day.isoformat(), "first_row": first_date[1]})
    return day, None
