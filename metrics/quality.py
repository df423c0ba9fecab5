"""Data page (SPEC §6.6, §3): snapshots, freshness and the data quality of the served snapshot.

- snapshots: every snapshot folder with its as_of, validity, validation errors and row counts
  (SnapshotInfo from ``data.store.discover``; row counts as read when validating)
- freshness: days from the served snapshot's as_of to today; a warning after
  ``data.freshness_warning_days`` of the configuration (8: a weekly snapshot plus a day's slack)
- quality checks over the whole served snapshot (filters do not apply: this is about the data):
  orphan keys (foreign keys that do not resolve; a valid snapshot has none; counted by
  validation and recorded with it), key orders without
  an opportunity (an order, all of its lines together, with revenue ≥ key_opportunity_min and no
  line linked to an opportunity), customers without an owner (owner_rep_id null, unknown or not
  an active rep), and a few cheap consistency checks
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from data.config import SCORE_CRITERIA
from data.schema import TABLES
from data.store import SnapshotInfo, foreign_key_counts
from data.config import setting
from metrics import availability
from metrics.view import View, used

# Tables drawn in the row-count history: the ones that grow week by week.
GROWING_TABLES = ("customers", "opportunities", "activities", "orders", "opportunity_history")
KEY_ORDER_ROWS = 200

# --------------------------------------------------------------------------------- snapshots

def snapshot_list(infos: list[SnapshotInfo], served_id: str | None = None) -> pd.DataFrame:
    """Every snapshot, newest first: snapshot_id, as_of, valid, served, error count, first error
    and the row count of each table (None where a table could not be read)."""
    rows = []
    for info in infos:
        row = {"snapshot_id": info.snapshot_id, "as_of": info.as_of, "valid": info.valid,
               "served": info.snapshot_id == served_id, "errors": len(info.errors),
               "first_error": info.errors[0] if info.errors else None}
        row.update({name: info.row_counts.get(name) for name in TABLES})
        rows.append(row)
    columns = ["snapshot_id", "as_of", "valid", "served", "errors", "first_error", *TABLES]
    frame = pd.DataFrame(rows, columns=columns)
    for name in TABLES:
        frame[name] = frame[name].astype("Int64")
    return frame


def row_count_table(infos: list[SnapshotInfo]) -> pd.DataFrame:
    """Rows per table (one row per table of the contract) and snapshot (one column per snapshot,
    newest first); None where the snapshot's table could not be read."""
    frame = pd.DataFrame({"table": list(TABLES)})
    for info in infos:
        frame[info.snapshot_id] = pd.array([info.row_counts.get(name) for name in TABLES],
                                           dtype="Int64")
    return frame


def snapshot_summary(infos: list[SnapshotInfo]) -> dict:
    """How many snapshot folders there are, how many are valid and how many invalid."""
    valid = sum(1 for info in infos if info.valid)
    return {"total": len(infos), "valid": valid, "invalid": len(infos) - valid}


def validation_errors(infos: list[SnapshotInfo]) -> pd.DataFrame:
    """One row per validation error of every invalid snapshot: snapshot_id, as_of, error."""
    rows = [{"snapshot_id": info.snapshot_id, "as_of": info.as_of, "error": error}
            for info in infos for error in info.errors]
    return pd.DataFrame(rows, columns=["snapshot_id", "as_of", "error"])


def row_count_history(infos: list[SnapshotInfo]) -> pd.DataFrame:
    """Rows of the growing tables per snapshot, oldest first (long: snapshot_id, as_of, table,
    rows); snapshots whose table could not be read are left out for that table."""
    rows = [{"snapshot_id": info.snapshot_id, "as_of": info.as_of, "table": name,
             "rows": info.row_counts[name], "valid": info.valid}
            for info in reversed(infos) for name in GROWING_TABLES if name in info.row_counts]
    return pd.DataFrame(rows, columns=["snapshot_id", "as_of", "table", "rows", "valid"])


def freshness(as_of: dt.date | None, today: dt.date | None = None) -> dict:
    """Days since the served snapshot's as_of (today − as_of); ``stale`` after
    ``data.freshness_warning_days`` (default 8: a weekly snapshot plus a day's slack)."""
    today = today or dt.date.today()
    limit = setting("data.freshness_warning_days")
    if as_of is None:
        return {"days": None, "stale": True, "future": False, "limit": limit,
                "today": today}
    days = (today - as_of).days
    return {"days": days, "stale": days > limit, "future": days < 0,
            "limit": limit, "today": today}


# ---------------------------------------------------------------------------- quality checks

# Each check: (check id, table, SQL returning (problems, rows checked)); severity "warning".
_OWNERLESS_SQL = """
SELECT count(*) FILTER (WHERE r.rep_id IS NULL OR NOT r.active), count(*)
FROM customers c LEFT JOIN reps r ON r.rep_id = c.owner_rep_id
"""

_CHECKS = (
    ("customer_without_owner", "customers", _OWNERLESS_SQL),
    ("customer_missing_scores", "customer_scores", """
        SELECT count(*) FILTER (WHERE coalesce(n, 0) < $criteria_count), count(*)
        FROM customers c LEFT JOIN (
            SELECT customer_id, count(DISTINCT criterion) AS n FROM customer_scores
            WHERE list_contains($criteria, criterion) AND score IS NOT NULL GROUP BY ALL
        ) s USING (customer_id)"""),
    ("score_out_of_range", "customer_scores", """
        SELECT count(*) FILTER (WHERE score IS NULL OR score NOT BETWEEN 1 AND 10), count(*)
        FROM customer_scores"""),
    ("score_unknown_criterion", "customer_scores", """
        SELECT count(*) FILTER (WHERE NOT list_contains($criteria, criterion)), count(*)
        FROM customer_scores"""),
    # The order-line checks read the snapshot's extracts (data/extracts.py), not every line.
    ("order_product_line_mismatch", "orders", """
        SELECT coalesce(sum(o.lines) FILTER (WHERE o.product_line IS DISTINCT FROM p.product_line),
                        0),
               coalesce(sum(o.lines), 0)
        FROM order_product_lines o LEFT JOIN products p USING (product_id)"""),
    ("won_without_orders", "opportunities", """
        SELECT count(*) FILTER (WHERE x.opportunity_id IS NULL), count(*)
        FROM opportunities o LEFT JOIN ordered_opportunities x USING (opportunity_id)
        WHERE o.status = 'won'"""),
    ("open_deal_without_close_date", "opportunities", """
        SELECT count(*) FILTER (WHERE expected_close_date IS NULL), count(*)
        FROM opportunities WHERE status = 'open'"""),
    ("open_deal_inactive_owner", "opportunities", """
        SELECT count(*) FILTER (WHERE r.rep_id IS NULL OR NOT r.active), count(*)
        FROM opportunities o LEFT JOIN reps r USING (rep_id) WHERE o.status = 'open'"""),
    ("activity_after_as_of", "activities", """
        SELECT count(*) FILTER (WHERE activity_date > $as_of), count(*) FROM activities"""),
    ("opportunity_after_as_of", "opportunities", """
        SELECT count(*) FILTER (WHERE created_date > $as_of OR last_activity_date > $as_of
                                   OR closed_date > $as_of),
               count(*)
        FROM opportunities"""),
)


# Key orders are counted, and only the newest of those without an opportunity are listed, in
# SQL: the order totals hold every order (5.9 million at 10M order lines), stored largest first,
# so both read only the first row groups.
_KEY_ORDER_COUNTS_SQL = """
SELECT count(*) FILTER (WHERE linked_lines = 0), count(*)
FROM order_totals WHERE revenue >= $key_min
"""

_KEY_ORDERS_SQL = """
SELECT t.order_id, t.order_date, t.customer_id, c.name AS customer, t.region_id,
       r.name AS rep, t.lines, t.revenue::DOUBLE AS revenue
FROM (SELECT * FROM order_totals WHERE revenue >= $key_min AND linked_lines = 0
      ORDER BY order_date DESC, order_id LIMIT $rows) t
LEFT JOIN customers c USING (customer_id)
LEFT JOIN reps r ON r.rep_id = t.rep_id
ORDER BY t.order_date DESC, t.order_id
"""


def _key_order_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(key orders without an opportunity, key orders): orders (all lines together) with revenue
    ≥ key_opportunity_min, from the snapshot's ``order_totals`` extract (data/extracts.py), so
    the order lines are not scanned again."""
    without, total = con.execute(_KEY_ORDER_COUNTS_SQL, {"key_min": _key_min()}).fetchone()
    return int(without), int(total)


def _key_min() -> float:
    return setting("business.key_opportunity_min")


ForeignKeyCounts = Sequence[tuple[str, str, int, int]]


def _checks(con: duckdb.DuckDBPyConnection, view: View,
            foreign_keys: ForeignKeyCounts | None) -> pd.DataFrame:
    params = {"as_of": view.as_of, "criteria": list(SCORE_CRITERIA),
              "criteria_count": len(SCORE_CRITERIA)}
    if foreign_keys is None:
        foreign_keys = foreign_key_counts(con)
    rows = [("orphan_key", table, detail, "error", orphans, checked)
            for table, detail, orphans, checked in foreign_keys]
    held = availability.present_tables(con)
    if "orders" in held:
        rows.append(("key_order_without_opportunity", "orders", "", "warning",
                     *_key_order_counts(con)))
    for check, table, sql in _CHECKS:
        if table not in held:  # a table the snapshot lacks is not checked (SPEC §9)
            continue
        problems, checked = con.execute(sql, used(sql, params)).fetchone()
        rows.append((check, table, "", "warning", problems, checked))
    frame = pd.DataFrame(rows, columns=["check", "table", "detail", "severity", "problems",
                                        "checked"])
    frame["share"] = frame["problems"] / frame["checked"].where(frame["checked"] > 0)
    return frame


def checks(con: duckdb.DuckDBPyConnection, view: View,
           foreign_keys: ForeignKeyCounts | None = None) -> pd.DataFrame:
    """Every data-quality check of the served snapshot (filters do not apply): check id, table,
    detail, severity (error for orphan keys, which make a snapshot invalid; else warning),
    problems (rows that fail), checked (rows the check looked at) and share = problems ÷ checked
    (None when nothing was checked). Orphan keys are validation's counts: ``foreign_keys`` as
    recorded (``SnapshotInfo.foreign_keys``), or counted here when not given."""
    return _checks(con, view, foreign_keys)


def _flagged_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Checks that flag rows first (most rows first), the rest in their fixed order."""
    return frame.sort_values("problems", ascending=False, kind="stable").reset_index(drop=True)


def quality_report(con: duckdb.DuckDBPyConnection, view: View,
                   foreign_keys: ForeignKeyCounts | None = None) -> dict:
    """The checks (``checks``, those that flag rows first), the same summed per check id
    (``by_check``: the orphan keys of every foreign key together), the key orders without an
    opportunity (``key_orders``, at most KEY_ORDER_ROWS) and the tiles: checks run, checks with
    problems, orphan keys in total, key orders without an opportunity and customers without an
    owner. ``foreign_keys``: as for ``checks``."""
    frame = _checks(con, view, foreign_keys)
    by_check = (frame.groupby("check", sort=False)[["problems", "checked"]].sum()
                .reset_index())
    by_check["share"] = by_check["problems"] / by_check["checked"].where(by_check["checked"] > 0)
    by_check["flagged"] = by_check["problems"] > 0
    problems = by_check.set_index("check")["problems"]
    return {"checks": _flagged_first(frame),
            "by_check": by_check,
            "key_orders": key_orders_without_opportunity(con, view),
            "checks_run": len(frame),
            "failing": int((frame["problems"] > 0).sum()),
            "orphan_keys": int(problems.get("orphan_key", 0)),
            "key_orders_without_opportunity": int(problems.get("key_order_without_opportunity",
                                                                0)),
            "customers_without_owner": int(problems.get("customer_without_owner", 0))}


def key_orders_without_opportunity(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Orders (all lines together) with revenue ≥ key_opportunity_min and no line linked to an
    opportunity, newest first (at most KEY_ORDER_ROWS)."""
    return con.execute(_KEY_ORDERS_SQL, {"key_min": _key_min(), "rows": KEY_ORDER_ROWS}).df()


_OWNERLESS_LIST_SQL = """
SELECT c.customer_id, c.name, c.region_id, c.industry_id, c.owner_rep_id, r.name AS owner,
       CASE WHEN c.owner_rep_id IS NULL THEN 'no_owner'
            WHEN r.rep_id IS NULL THEN 'unknown_owner'
            ELSE 'inactive_owner' END AS reason
FROM customers c LEFT JOIN reps r ON r.rep_id = c.owner_rep_id
WHERE r.rep_id IS NULL OR NOT r.active
ORDER BY c.region_id, c.customer_id
"""


def customers_without_owner(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Customers whose owner_rep_id is null, not a rep, or a rep who is no longer active, with
    the reason (no_owner / unknown_owner / inactive_owner)."""
    return con.execute(_OWNERLESS_LIST_SQL).df()
