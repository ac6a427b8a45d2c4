# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Row locks that refuse at once, without a failing query.

A refusal by a lock is an expected answer (a double click, a cron worker, a
second person answering the same proposal), not a failure: it must not look
like one in the server log (``odoo.sql_db`` logs every failed query at ERROR),
nor abort the transaction. Hence ``SKIP LOCKED`` rather than ``NOWAIT``: the
rows another transaction holds are simply not returned, and the caller
compares what it locked with what it asked for.
"""

from psycopg2 import errors as pg_errors

from odoo.exceptions import UserError
from odoo.tools import SQL


def lock_rows(records, condition=None):
    """Lock the rows of ``records`` (``FOR NO KEY UPDATE``) for this
    transaction, without waiting; return the records locked.

    Rows held by another transaction are left out (``SKIP LOCKED``). The one
    failure left is a row changed by a transaction that committed after this
    one's snapshot (a serialization error under Odoo's REPEATABLE READ): it is
    caught in a savepoint, not logged, and nothing is returned, since this
    transaction cannot see that change. ``condition`` (an ``SQL`` filter, read
    under the lock) keeps only the rows matching it."""
    if not records:
        return records
    query = SQL(
        "SELECT id FROM %s WHERE id IN %s%s FOR NO KEY UPDATE SKIP LOCKED",
        SQL.identifier(records._table),
        tuple(records.ids),
        SQL(" AND %s", condition) if condition else SQL(),
    )
    cr = records.env.cr
    try:
        with cr.savepoint(flush=False):
            cr.execute(query, log_exceptions=False)
            locked = {row[0] for row in cr.fetchall()}
    except pg_errors.SerializationFailure:
        return records.browse()
    return records.filtered(lambda record: record.id in locked)


def lock_rows_or_raise(records, busy_message):
    """Lock all the rows of ``records`` at once, or raise ``UserError(busy_message)``
    (changing nothing) when another transaction holds one of them or changed
    it since this one began."""
    if lock_rows(records) != records:
        raise UserError(busy_message)
