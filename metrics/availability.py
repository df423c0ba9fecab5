"""What a snapshot's data enables (SPEC §9). A snapshot needs only ``orders`` or
``opportunities``; a metric whose input table is missing is *not available*, with that table as
the reason, never 0. The store records the tables a snapshot holds in ``present_tables``."""

from __future__ import annotations

import duckdb
import pandas as pd

# Each group of metrics and the tables it needs, in the order the Data page lists them.
NEEDS: dict[str, tuple[str, ...]] = {
    "revenue": ("orders",),             # revenue, margin, YoY, order flow, margin alerts
    "targets": ("targets",),            # attainment, pace flags, coverage, scorecard attainment
    "pipeline": ("opportunities",),     # funnel, weighted pipeline, forecast, key opportunities
    "stage_history": ("opportunity_history",),  # stage conversion, days in stage, timelines
    "activities": ("activities",),      # customer coverage, stale deals by activity
    "customer_scores": ("customer_scores",),    # tiers, customer coverage
    "products": ("products",),          # high-margin mix, product names
}
# Every contract table and the groups it enables (for the Data page).
TABLE_GROUPS: dict[str, tuple[str, ...]] = {}
for _group, _tables in NEEDS.items():
    for _table in _tables:
        TABLE_GROUPS.setdefault(_table, ())
        TABLE_GROUPS[_table] += (_group,)


def present_tables(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The contract tables the served snapshot holds."""
    return frozenset(row[0] for row in con.execute("SELECT name FROM present_tables").fetchall())


def unavailable(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    """Each group of metrics the snapshot cannot compute → the missing tables that are why."""
    held = present_tables(con)
    return {group: tuple(t for t in tables if t not in held)
            for group, tables in NEEDS.items() if not set(tables) <= held}


def blank(values: dict, keys, missing: bool) -> dict:
    """``values`` with ``keys`` set to None when their input is ``missing`` (not available)."""
    return {**values, **dict.fromkeys(keys)} if missing else values


def blank_columns(frame: pd.DataFrame, columns, missing: bool) -> pd.DataFrame:
    if not missing:
        return frame
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = None
    return out


def enables(con: duckdb.DuckDBPyConnection, view=None) -> pd.DataFrame:
    """The Data page's "what this data enables": one row per group of metrics with
    ``available`` and the ``missing`` tables (empty when available)."""
    missing = unavailable(con)
    return pd.DataFrame([{"group": group, "available": group not in missing,
                          "missing": ", ".join(missing.get(group, ()))} for group in NEEDS])
