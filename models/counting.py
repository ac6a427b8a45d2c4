# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Smart-button counters: how many records of a model point at each of a set
of records, in one grouped query (the agreement's replenishments, demand
plans, emergencies, overstock cases; a plan's revisions)."""


def count_by(records, model, link):
    """``{record id: count}`` of the ``model`` records whose ``link`` field
    points at one of ``records`` (those with none left out), in the
    environment of ``records`` (its access rules apply)."""
    if not records.ids:
        return {}
    groups = records.env[model]._read_group([(link, "in", records.ids)], [link], ["__count"])
    return {record.id: count for record, count in groups}


def assign_counts(records, field, model, link):
    """Set ``field`` of each of ``records`` to its count (``count_by``)."""
    counts = count_by(records, model, link)
    for record in records:
        record[field] = counts.get(record.id, 0)
