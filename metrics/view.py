"""The view state every metric is a function of (SPEC §4), and its translation into SQL filters.

Filters become ``(sql_fragment, params)``: values are always bound parameters, identifiers come
only from the fixed column map below.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from data.access import Scope
from data.store import SERVED_MARKER
from metrics.periods import Period


@dataclass(frozen=True)
class View:
    """What a page shows: a snapshot, a period and the filters. Empty filter tuples mean all."""

    snapshot_id: str
    as_of: dt.date
    period: Period
    regions: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    product_lines: tuple[str, ...] = ()
    channel: str | None = None
    # The snapshot a week-over-week comparison starts from (SPEC §5.2); None when not comparing.
    compare: str | None = None
    # Who is looking (SPEC §11): a limited scope is read from a cursor that holds only its rows
    # (``SnapshotDatabase.cursor(…, scope=view.scope)``); None is the full data.
    scope: Scope | None = None

    @property
    def to_date_end(self) -> dt.date | None:
        return self.period.to_date_end(self.as_of)


# Opportunities have no channel; a deal registered by a partner is the partner channel.
_OPPORTUNITY_CHANNEL = "CASE WHEN {a}source = 'partner' THEN 'partner' ELSE 'direct' END"


def filters(view: View, alias: str = "", *, table: str = "orders") -> tuple[str, dict]:
    """SQL predicate and parameters for the view's filters on ``table`` (orders, opportunities,
    targets, regions). Targets carry no channel, so the channel filter does not apply to them."""
    a = f"{alias}." if alias else ""
    parts: list[str] = []
    params: dict = {}
    if view.regions:
        parts.append(f"list_contains($f_regions, {a}region_id)")
        params["f_regions"] = list(view.regions)
    if view.industries and table != "regions":
        parts.append(f"list_contains($f_industries, {a}industry_id)")
        params["f_industries"] = list(view.industries)
    if view.product_lines and table != "regions":
        parts.append(f"list_contains($f_product_lines, {a}product_line)")
        params["f_product_lines"] = list(view.product_lines)
    if view.channel and table in ("orders", "opportunities"):
        column = f"{a}channel" if table == "orders" else _OPPORTUNITY_CHANNEL.format(a=a)
        parts.append(f"{column} = $f_channel")
        params["f_channel"] = view.channel
    return (" AND ".join(parts) or "true"), params


def used(sql: str, params: dict) -> dict:
    """The parameters ``sql`` names (DuckDB rejects named parameters a statement does not use)."""
    return {name: value for name, value in params.items() if f"${name}" in sql}


@contextmanager
def temporary_tables(con, tables: dict[str, tuple[str, dict]]) -> Iterator[None]:
    """Within the block, each ``name`` of ``tables`` is a temporary table holding the rows of its
    ``(sql, params)``, computed once for the several statements that read it; dropped afterwards.
    Temporary tables are private to a cursor, so sessions never see each other's. Names are the
    callers' constants; every value is a bound parameter."""
    try:
        for name, (sql, params) in tables.items():
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", used(sql, params))
        yield
    finally:
        for name in tables:
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")


# One computation at a time of a snapshot table (two sessions asking for the same one wait for
# the first instead of computing it twice); the tables made so far, per attach of a schema and
# name, oldest first (their names carry the attach's id, so a name made once stays valid).
_snapshot_lock = threading.Lock()
_snapshot_made: dict[tuple[str, str], list[str]] = {}
# Tables kept per attach and name: each configuration in force makes its own (new tier weights,
# floors), so the oldest beyond these are dropped (at 10M lines the alert candidates are ~50 MB).
SNAPSHOT_TABLES_KEPT = 4


@contextmanager
def snapshot_tables(con, tables: dict[str, tuple[str, dict]],
                    reads: tuple[str, ...] = ()) -> Iterator[None]:
    """As ``temporary_tables``, for rows that depend only on the snapshot and the bound parameters
    (the configuration, the as-of day), never on what else the cursor holds: on a cursor of a
    served snapshot (``SnapshotDatabase``, whose schemas never change once attached) each is
    computed once into a table of the snapshot's schema, named by a digest of its statement and
    parameters, and every later view, page and session reads that table (a temporary view of the
    cursor under ``name`` points at it). Any other connection gets temporary tables. The
    statement reads the snapshot's own tables and extracts, and of other snapshots only those of
    the served schemas named in ``reads`` (their attach is part of the digest); no temporary
    ones.

    A snapshot with a validation record keeps each table as a Parquet file in the record's
    folder too (``derived/``, named by a digest of the schema, the records read, statement and
    parameters), so a restarted app reads it back instead of computing it again."""
    served = _served(con)
    others = [_served(con, schema) for schema in reads]
    if served is None or None in others:
        with temporary_tables(con, tables):
            yield
        return
    schema, attach_id, record = served
    attach_ids = (attach_id, *(other[1] for other in others))
    records = (record, *(other[2] for other in others))
    try:
        for name, (sql, params) in tables.items():
            bound = used(sql, params)
            key = repr((attach_ids, sql, sorted(bound.items())))
            table = f"derived_{name}_{hashlib.sha256(key.encode()).hexdigest()[:16]}"
            kept = None
            if all(records):
                stable = repr((schema, records, sql, sorted(bound.items())))
                digest = hashlib.sha256(stable.encode()).hexdigest()[:16]
                kept = Path(record) / DERIVED_DIR / f"{name}_{digest}.parquet"
            with _snapshot_lock:
                made = _snapshot_made.setdefault((attach_id, name), [])
                if table not in made:
                    # The schema comes from the store's marker (schema_name's allow-list);
                    # the table name is the caller's constant and a digest.
                    _make(con, f'"{schema}".{table}', sql, bound, kept)
                    made.append(table)
                    _drop_oldest(con, schema, made)
            con.execute(f'CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM "{schema}".{table}')
        yield
    finally:
        for name in tables:
            con.execute(f"DROP VIEW IF EXISTS temp.{name}")


# The folder of a snapshot's record that keeps its snapshot tables.
DERIVED_DIR = "derived"


def _make(con, table: str, sql: str, params: dict, kept: Path | None) -> None:
    """Create ``table`` from the file ``kept`` when one was written, else from ``sql`` (and write
    the file, atomically, when ``kept`` is given; a folder that cannot be written keeps none)."""
    if kept is not None and kept.is_file():
        literal = str(kept).replace("'", "''")  # the record's folder and a digest
        try:
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS "
                        f"SELECT * FROM read_parquet('{literal}')")
            return
        except duckdb.Error:  # unreadable (a disk error): computed and written again
            con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS {sql}", params)
    if kept is None:
        return
    partial = kept.with_name(f".{kept.name}.{uuid.uuid4().hex}")
    try:
        kept.parent.mkdir(exist_ok=True)
        literal = str(partial).replace("'", "''")
        con.execute(f"COPY {table} TO '{literal}' (FORMAT parquet)")
        os.replace(partial, kept)
    except (OSError, duckdb.Error):
        partial.unlink(missing_ok=True)


def _drop_oldest(con, schema: str, made: list[str]) -> None:
    """Drop the tables of ``made`` (one attach of ``schema`` and one name, oldest first) beyond
    ``SNAPSHOT_TABLES_KEPT``."""
    while len(made) > SNAPSHOT_TABLES_KEPT:
        try:
            con.execute(f'DROP TABLE IF EXISTS "{schema}".{made[0]}')
        except duckdb.Error:  # still read by another cursor: it stays, unlisted
            pass
        del made[0]


# The snapshot tables of each metric module, as functions of the view giving ``snapshot_tables``'
# ``{name: (sql, params)}``; each module registers its own (``snapshot_parts``).
_SNAPSHOT_PARTS: list[Callable[[View], dict[str, tuple[str, dict]]]] = []


def snapshot_parts(parts: Callable[[View], dict[str, tuple[str, dict]]]):
    """Register a metric module's snapshot tables (decorator) for ``prepare``."""
    _SNAPSHOT_PARTS.append(parts)
    return parts


# The snapshot's daily sums (data/extracts.py) without their industry and channel columns (at 10M
# order lines 226k rows of 1.8M): what the KPIs and the alert rules of a view that filters neither
# industries nor a channel sum their days, regions and product lines from. Exact decimal sums, so
# sums of these are the order lines' sums. A snapshot table (``snapshot_tables``).
REGION_DAYS = {"region_days": ("""
SELECT order_date, region_id, product_line, special_price, high_margin,
       sum(revenue) AS revenue, sum(cost) AS cost, sum(gross_margin) AS gross_margin,
       sum(positive_lines) AS positive_lines
FROM daily_sums
GROUP BY ALL
ORDER BY ALL
""", {})}


def reads_region_days(view: View) -> bool:
    """Whether ``view`` filters only by columns ``REGION_DAYS`` keeps (days, regions, product
    lines), not by industry or channel."""
    return not view.industries and not view.channel


def prepare(con, view: View) -> None:
    """Compute every registered snapshot table of the cursor's snapshot for ``view`` ahead of the
    pages that read them (``pages.ui.state.warm``)."""
    for parts in _SNAPSHOT_PARTS:
        with snapshot_tables(con, parts(view)):
            pass


def _served(con, schema: str | None = None) -> tuple[str, str, str | None] | None:
    """(schema, attach id, record folder or None) of the served snapshot the cursor reads (or of
    its attached schema ``schema``, allow-listed by the caller), or None."""
    marker = f'"{schema}".{SERVED_MARKER}' if schema else SERVED_MARKER
    try:
        row = con.execute(f"SELECT schema_name, attach_id, record FROM {marker}").fetchall()
    except duckdb.CatalogException:
        return None
    return tuple(row[0]) if len(row) == 1 else None


def text_frame(con, sql: str, params: dict):
    """The rows of ``sql`` as a DataFrame through Arrow, for results of tens of thousands of rows
    that are mostly text (deals, alerts at national scale): Arrow hands text to pandas' string
    columns directly, about twice as fast as ``.df()``; dates come back as ``.df()`` types them
    (datetime64[us]). Columns must be text, numbers (DECIMAL cast to DOUBLE) or dates."""
    # execute(), not sql(): the relational API refuses to run while another metric's result is
    # still open on the same cursor (the report and the pack reuse one cursor). DuckDB warns that
    # this copies the rows once more: tens of thousands of short rows, a few milliseconds.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
        frame = con.execute(sql, params).to_arrow_table().to_pandas(date_as_object=False)
    dates = {name: "datetime64[us]" for name, dtype in frame.dtypes.items() if dtype.kind == "M"}
    return frame.astype(dates) if dates else frame
