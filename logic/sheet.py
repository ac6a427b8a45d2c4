# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The shared stock sheet's cell rules (``report/vmi_stock_sheet.py``):
number formats from a unit's precision, worksheet names Excel accepts."""

import math
import re

# Characters Excel refuses in a worksheet name, and its length limit.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31


def uom_decimals(rounding):
    """Decimals of a unit's rounding (its precision on the sheet).

    >>> uom_decimals(1.0), uom_decimals(0.01), uom_decimals(0.001), uom_decimals(0.5)
    (0, 2, 3, 1)
    """
    if not rounding or rounding >= 1:
        return 0
    return max(0, math.ceil(-math.log10(rounding) - 1e-9))


def number_format(decimals):
    """Excel number format of a quantity with ``decimals`` decimals.

    >>> number_format(0), number_format(2)
    ('#,##0', '#,##0.00')
    """
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def sheet_name(name):
    """A worksheet name Excel accepts (no ``[]:*?/\\``, 31 characters).

    >>> sheet_name("VMI/2026/0001")
    'VMI-2026-0001'
    """
    return _SHEET_NAME_BAD.sub("-", name or "-")[:_SHEET_NAME_MAX]
