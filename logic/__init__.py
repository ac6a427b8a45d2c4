"""ORM-free business rules of stock_vmi.

Everything in this package is plain Python: no Odoo import, no database. The
models call these functions, and the policy simulator (benchmarks/) reuses them,
so a rule is written once and tested on its own (tests/test_rules.py).
"""

from .counts import split_count_gain, split_count_gains
from .rules import (
    STATUS_ABOVE,
    STATUS_BELOW,
    STATUS_COVERED,
    STATUS_OK,
    add_months,
    consumption_window_start,
    cover_days,
    demand_reason,
    due_settlement_day,
    forecast_reorder_quantity,
    is_settlement_day,
    monthly_average,
    next_review_date,
    reorder_quantity,
    round_to_pack,
    settlement_cutoff_due,
    settlement_period,
    stock_status,
    within_tolerance,
)
