"""Pipeline metrics (SPEC §5.2, §5.3).

- funnel: open opportunities expected to close in the period (past-due ones in it included), by
  stage: count, amount, weighted amount (fixed stage probabilities)
- stage conversion k→k+1: of the opportunities that entered stage k in the window (period to
  date), the share that later entered k+1
- win rate = won ÷ (won + lost) by count and by amount, for opportunities closed in the window
- sales cycle = median days created → closed, for those won in the window
- aging = days in the current stage; stale = open and (no activity for > 30 days or > 60 days in
  the current stage); past due = open with expected close before as_of
- movement: week-over-week change of the period's open pipeline between two snapshots, per
  opportunity, reconciling start + Σ movements = end exactly
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal

import duckdb
import pandas as pd

from data import config
from data.store import schema_name
from data.config import setting
from metrics.periods import Period, quarter_of
from metrics.view import View, filters, snapshot_parts, snapshot_tables, text_frame, used

def stage_params() -> dict:
    """The stage vocabulary in force as bound parameters: ``$open_stages`` (1…N), ``$won_stage``
    (N + 1) and ``$probabilities`` (index = stage − 1, won = 1.0)."""
    stages = config.current().stages
    return {"open_stages": list(range(1, stages.won)), "won_stage": stages.won,
            "probabilities": stages.all_probabilities}


def _window(view: View) -> tuple[dt.date, dt.date]:
    """The period to date; an empty range (end before start) for a period after as_of."""
    start = view.period.start
    return start, view.to_date_end or start - dt.timedelta(days=1)


_FUNNEL_SQL = """
WITH stages AS (SELECT unnest($open_stages) AS stage)
SELECT stages.stage, count(o.opportunity_id) AS count,
       coalesce(sum(o.amount), 0)::DOUBLE AS amount,
       coalesce(sum(o.amount * list_extract($probabilities, stages.stage)), 0)::DOUBLE
           AS weighted_amount
FROM stages
LEFT JOIN opportunities o
       ON o.stage = stages.stage AND o.status = 'open'
      AND o.expected_close_date BETWEEN $start AND $end AND {opportunity_filter}
GROUP BY stages.stage
ORDER BY stages.stage
"""


def funnel(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Open opportunities expected to close in the period, by open stage (1…N)."""
    opportunity_filter, params = filters(view, "o", table="opportunities")
    sql = _FUNNEL_SQL.format(opportunity_filter=opportunity_filter)
    return con.execute(sql, used(sql, {"start": view.period.start, "end": view.period.end,
                                       **stage_params(), **params})).df()


_UNDATED_SQL = """
SELECT count(*) AS count, coalesce(sum(amount), 0)::DOUBLE AS amount
FROM opportunities o
WHERE o.status = 'open' AND o.expected_close_date IS NULL AND {opportunity_filter}
"""


def undated_open(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """Open opportunities without an expected close date (count, amount): no period can hold
    them, so the funnel, forecast and coverage leave them out and the page says how many."""
    opportunity_filter, params = filters(view, "o", table="opportunities")
    count, amount = con.execute(_UNDATED_SQL.format(opportunity_filter=opportunity_filter),
                                params).fetchone()
    return {"count": int(count), "amount": float(amount)}


# Every stage entry of the history up to as_of (open stages only), once per served snapshot:
# the entry before it into the same stage (``prev_entered``; none for a deal's first), the last
# entry into the next stage up to as_of (``next_entered``) and the deal's filter columns (every
# deal of the history is an opportunity: data.store validates it).
_CONVERSION_ENTRIES_SQL = """
WITH next_stage AS (
    SELECT opportunity_id, stage - 1 AS stage, max(entered_date) AS next_entered
    FROM opportunity_history
    WHERE entered_date <= $as_of
    GROUP BY ALL
)
SELECT h.stage, h.entered_date,
       lag(h.entered_date) OVER (PARTITION BY h.opportunity_id, h.stage
                                 ORDER BY h.entered_date) AS prev_entered,
       n.next_entered, o.region_id, o.industry_id, o.product_line, o.source
FROM opportunity_history h
LEFT JOIN next_stage n USING (opportunity_id, stage)
LEFT JOIN opportunities o USING (opportunity_id)
WHERE h.stage < $won_stage AND h.entered_date <= $as_of
ORDER BY h.entered_date
"""

# A deal entered stage k in the window when its first entry into k there is in the window (the
# entry before it, if any, came before the window's start); it converted when it entered k+1 on
# or after that entry, up to as_of: its last entry into k+1 up to as_of is on or after it (the
# history holds one row per deal, stage and day).
_CONVERSION_SQL = """
SELECT stage AS from_stage, stage + 1 AS to_stage,
       count(*) AS entered,
       count(*) FILTER (WHERE next_entered >= entered_date) AS converted
FROM conversion_entries o
WHERE entered_date BETWEEN $start AND $to_date
  AND (prev_entered IS NULL OR prev_entered < $start) AND {opportunity_filter}
GROUP BY ALL
ORDER BY from_stage
"""


@snapshot_parts
def _conversion_parts(view: View) -> dict[str, tuple[str, dict]]:
    return {"conversion_entries": (_CONVERSION_ENTRIES_SQL,
                                   {"as_of": view.as_of, "won_stage": config.current().stages.won})}


def stage_conversion(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """For each open stage k: opportunities that entered k in the window, how many later entered
    k+1 (the last open stage converts to won)."""
    opportunity_filter, params = filters(view, "o", table="opportunities")
    start, to_date = _window(view)
    with snapshot_tables(con, _conversion_parts(view)):
        found = con.execute(_CONVERSION_SQL.format(opportunity_filter=opportunity_filter),
                            {"start": start, "to_date": to_date,
                             **params}).df().set_index("from_stage")
    frame = pd.DataFrame({"from_stage": stage_params()["open_stages"]}).assign(to_stage=lambda f: f["from_stage"] + 1)
    frame["entered"] = frame["from_stage"].map(found["entered"]).fillna(0).astype(int)
    frame["converted"] = frame["from_stage"].map(found["converted"]).fillna(0).astype(int)
    frame["conversion"] = frame["converted"] / frame["entered"].where(frame["entered"] > 0)
    return frame


def conversion_window(as_of: dt.date) -> Period:
    """The last four fiscal quarters (the current one to date and the three before it): where
    the funnel calculator measures stage conversion (SPEC §10.6)."""
    current = quarter_of(as_of)
    first = current
    for _ in range(3):
        first = first.previous()
    return Period(f"{first.code}–{current.code}", "window", first.start, current.end)


def funnel_calculator(con: duckdb.DuckDBPyConnection, view: View, wins: int) -> pd.DataFrame:
    """SPEC §10.6: for ``wins`` W, the deals needed in each open stage k = W ÷ the product of the
    measured conversion rates from k to won (stage conversion over the last four fiscal quarters,
    with the view's filters); null where a rate on the way is unmeasured or zero. Columns:
    stage, conversion_to_next, needed."""
    window = replace(view, period=conversion_window(view.as_of))
    conversion = stage_conversion(con, window)
    rates = conversion["conversion"].tolist()
    needed = []
    for k in range(len(rates)):
        product = 1.0
        for rate in rates[k:]:
            product = None if product is None or pd.isna(rate) or rate == 0 else product * rate
        needed.append(None if product is None else wins / product)
    return pd.DataFrame({"stage": conversion["from_stage"],
                         "conversion_to_next": conversion["conversion"], "needed": needed})


_WIN_RATE_SQL = """
SELECT count(*) FILTER (WHERE status = 'won') AS won_count,
       count(*) FILTER (WHERE status = 'lost') AS lost_count,
       coalesce(sum(amount) FILTER (WHERE status = 'won'), 0)::DOUBLE AS won_amount,
       coalesce(sum(amount) FILTER (WHERE status = 'lost'), 0)::DOUBLE AS lost_amount,
       median(date_diff('day', created_date, closed_date)) FILTER (WHERE status = 'won')
           AS median_cycle_days
FROM opportunities o
WHERE status IN ('won', 'lost') AND closed_date BETWEEN $start AND $to_date
  AND {opportunity_filter}
"""


def win_rate(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """Win rate by count and by amount, and the median sales cycle, for deals closed in the
    window."""
    opportunity_filter, params = filters(view, "o", table="opportunities")
    start, to_date = _window(view)
    row = con.execute(_WIN_RATE_SQL.format(opportunity_filter=opportunity_filter),
                      {"start": start, "to_date": to_date, **params}).fetchone()
    won_count, lost_count, won_amount, lost_amount, cycle = row
    return {
        "won_count": won_count, "lost_count": lost_count,
        "won_amount": won_amount, "lost_amount": lost_amount,
        "win_rate_count": won_count / (won_count + lost_count) if won_count + lost_count else None,
        "win_rate_amount": (won_amount / (won_amount + lost_amount)
                            if won_amount + lost_amount else None),
        "median_cycle_days": float(cycle) if cycle is not None else None,
    }


_OPEN_DEALS_SQL = """
WITH current_stage AS (
    -- When each open deal last entered its stage, up to as_of: the snapshot's open_deal_stages
    -- extract (data/extracts.py), computed once per snapshot.
    SELECT * FROM open_deal_stages
)
SELECT o.opportunity_id, o.name, c.name AS customer, r.name AS rep, o.rep_id,
       o.region_id, o.industry_id, o.product_line, o.stage,
       o.amount::DOUBLE AS amount, o.expected_close_date, o.last_activity_date,
       date_diff('day', coalesce(cs.stage_entered, o.created_date), $as_of) AS days_in_stage,
       date_diff('day', o.last_activity_date, $as_of) AS days_since_activity,
       date_diff('day', o.expected_close_date, $as_of) AS days_past_due,
       -- A deal without a last activity or an expected close date is judged on what is known.
       coalesce(date_diff('day', o.last_activity_date, $as_of) > $stale_activity_days
                OR date_diff('day', coalesce(cs.stage_entered, o.created_date), $as_of)
                   > $stale_stage_days, false) AS stale,
       coalesce(o.expected_close_date < $as_of, false) AS past_due{source}
FROM opportunities o
LEFT JOIN current_stage cs USING (opportunity_id)
LEFT JOIN customers c ON c.customer_id = o.customer_id
LEFT JOIN reps r ON r.rep_id = o.rep_id
WHERE o.status = 'open' AND {opportunity_filter}
ORDER BY o.amount DESC, o.opportunity_id
"""


def _open_deals_params(view: View) -> dict:
    return {"as_of": view.as_of, "stale_activity_days": setting("pipeline.stale_activity_days"),
            "stale_stage_days": setting("pipeline.stale_stage_days")}


def open_deals_query(view: View) -> tuple[str, dict]:
    """The SQL and parameters of ``open_deals``, for queries that aggregate over it (the
    scorecard's pipeline hygiene)."""
    opportunity_filter, params = filters(view, "o", table="opportunities")
    return (_OPEN_DEALS_SQL.format(opportunity_filter=opportunity_filter, source=""),
            {**_open_deals_params(view), **params})


# Every open deal of the snapshot with its flags (and the deal's source, which the channel
# filter reads), once per served snapshot; a view's deals are a select over it.
_OPEN_DEALS_SELECT = """
SELECT * EXCLUDE (source) FROM open_deals_base o
WHERE {where} AND {opportunity_filter}
ORDER BY o.amount DESC, o.opportunity_id
"""


@snapshot_parts
def _deals_parts(view: View) -> dict[str, tuple[str, dict]]:
    return {"open_deals_base": (_OPEN_DEALS_SQL.format(opportunity_filter="true",
                                                       source=", o.source"),
                                _open_deals_params(view))}


def _deals(con: duckdb.DuckDBPyConnection, view: View, where: str) -> pd.DataFrame:
    opportunity_filter, params = filters(view, "o", table="opportunities")
    with snapshot_tables(con, _deals_parts(view)):
        return text_frame(con, _OPEN_DEALS_SELECT.format(
            where=where, opportunity_filter=opportunity_filter), params)


def open_deals(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Every open opportunity in the filters with its aging, stale and past-due flags."""
    return _deals(con, view, "true")


def attention_deals(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """The open deals that need attention (stale or past due; ``open_deals``' rows and order):
    what the pipeline page lists and the scorecard counts against pipeline hygiene."""
    return _deals(con, view, "(o.stale OR o.past_due)")


def stale_of(deals: pd.DataFrame) -> pd.DataFrame:
    """The stale ones of ``open_deals``: open and (no activity for > 30 days or > 60 days in the
    current stage), the most money at risk first (then the longest idle)."""
    return deals[deals["stale"]].sort_values(
        ["amount", "days_since_activity", "opportunity_id"],
        ascending=[False, False, True]).reset_index(drop=True)


def past_due_of(deals: pd.DataFrame) -> pd.DataFrame:
    """The past-due ones of ``open_deals``: expected close before as_of, the most money at risk
    first (then the most overdue)."""
    return deals[deals["past_due"]].sort_values(
        ["amount", "days_past_due", "opportunity_id"],
        ascending=[False, False, True]).reset_index(drop=True)


def stale_deals(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Open and (no activity for > 30 days or > 60 days in the current stage)."""
    return stale_of(attention_deals(con, view))


def past_due_deals(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Open with expected close before as_of."""
    return past_due_of(attention_deals(con, view))


_HISTORY_SQL = """
SELECT h.stage, h.entered_date,
       lead(h.entered_date) OVER (ORDER BY h.entered_date, h.stage) AS left_date
FROM opportunity_history h
WHERE h.opportunity_id = $opportunity_id
ORDER BY h.entered_date, h.stage
"""

_DEAL_SQL = """
SELECT o.opportunity_id, o.name, c.name AS customer, r.name AS rep, o.region_id, o.industry_id,
       o.product_line, o.stage, o.status, o.amount::DOUBLE AS amount, o.expected_margin_pct,
       o.created_date, o.expected_close_date, o.closed_date, o.source, o.last_activity_date
FROM opportunities o
LEFT JOIN customers c ON c.customer_id = o.customer_id
LEFT JOIN reps r ON r.rep_id = o.rep_id
WHERE o.opportunity_id = $opportunity_id
"""


def deal_detail(con: duckdb.DuckDBPyConnection, opportunity_id: str,
                as_of: dt.date) -> dict | None:
    """One opportunity and its stage history as a timeline (each stage until the next entry,
    the open stage until as_of or the close date)."""
    deal = con.execute(_DEAL_SQL, {"opportunity_id": opportunity_id}).df()
    if deal.empty:
        return None
    history = con.execute(_HISTORY_SQL, {"opportunity_id": opportunity_id}).df()
    record = deal.iloc[0].to_dict()
    end = record["closed_date"] if pd.notna(record["closed_date"]) else as_of
    history["left_date"] = history["left_date"].fillna(pd.Timestamp(end)).astype("datetime64[ns]")
    history["days"] = (pd.to_datetime(history["left_date"])
                       - pd.to_datetime(history["entered_date"])).dt.days
    return {"deal": record, "history": history}


# ------------------------------------------------------------------- week-over-week movement

MOVEMENTS = ("new", "pulled_in", "won", "lost", "slipped", "removed", "amount_change")
# Counted per opportunity but moving no money: still in the period with the same amount.
CLASSES = (*MOVEMENTS, "unchanged")

# Every opportunity open in either snapshot (only these can move a period's open pipeline) with
# both snapshots' amount, stage, status and expected close date; its name, owner and filter
# columns are the served snapshot's (S1), S0's filter columns are the struct ``s0``. Once per
# served snapshot and comparison snapshot.
_MOVEMENT_PAIRS_SQL = """
WITH ids AS (
    SELECT opportunity_id FROM {s0}.opportunities WHERE status = 'open'
    UNION
    SELECT opportunity_id FROM opportunities WHERE status = 'open'
),
s0 AS (SELECT * FROM {s0}.opportunities SEMI JOIN ids USING (opportunity_id)),
s1 AS (SELECT * FROM opportunities SEMI JOIN ids USING (opportunity_id))
SELECT coalesce(s1.opportunity_id, s0.opportunity_id) AS opportunity_id, s1.name,
       s1.region_id, s1.rep_id, s1.industry_id, s1.product_line, s1.source,
       s0.amount AS amount_0, s1.amount AS amount_1, s0.stage AS stage_0, s1.stage AS stage_1,
       s0.status AS status_0, s1.status AS status_1,
       s0.expected_close_date AS expected_close_0, s1.expected_close_date AS expected_close_1,
       struct_pack(region_id := s0.region_id, industry_id := s0.industry_id,
                   product_line := s0.product_line, source := s0.source) AS s0,
       s0.opportunity_id IS NOT NULL AS present_0, s1.opportunity_id IS NOT NULL AS present_1
FROM s0 FULL OUTER JOIN s1 USING (opportunity_id)
"""

# Per opportunity open in the period in either snapshot (in the view's filters there): how it
# moved the period's open pipeline.
_MOVEMENT_SQL = """
WITH joined AS (
    SELECT o.*,
           coalesce(o.status_0 = 'open' AND o.expected_close_0 BETWEEN $start AND $end
                    AND {filter_0}, false) AS in_0,
           coalesce(o.status_1 = 'open' AND o.expected_close_1 BETWEEN $start AND $end
                    AND {filter_1}, false) AS in_1
    FROM movement_pairs o
)
SELECT opportunity_id, name, region_id, rep_id, amount_0, amount_1, stage_0, stage_1,
       expected_close_1,
       CASE
           WHEN NOT in_0 AND NOT present_0 THEN 'new'
           WHEN NOT in_0 THEN 'pulled_in'
           WHEN NOT present_1 THEN 'removed'
           WHEN status_1 = 'won' THEN 'won'
           WHEN status_1 = 'lost' THEN 'lost'
           WHEN NOT in_1 THEN 'slipped'
           WHEN amount_1 <> amount_0 THEN 'amount_change'
           ELSE 'unchanged'
       END AS movement,
       CASE
           WHEN NOT in_0 THEN amount_1
           WHEN NOT in_1 THEN -amount_0
           ELSE amount_1 - amount_0
       END AS signed_amount,
       in_0 AND in_1 AND stage_1 > stage_0 AS advanced,
       in_0 AND in_1 AND stage_1 < stage_0 AS regressed
FROM joined
WHERE in_0 OR in_1
"""


@contextmanager
def _movement_pairs(con: duckdb.DuckDBPyConnection, view: View) -> Iterator[None]:
    """Within the block, ``movement_pairs`` holds the view's snapshot and comparison snapshot's
    pairs (a snapshot table of the two)."""
    if not view.compare:
        raise ValueError("movement needs a comparison snapshot (view.compare)")
    s0 = schema_name(view.compare, view.scope)
    with snapshot_tables(con, {"movement_pairs": (_MOVEMENT_PAIRS_SQL.format(s0=s0), {})},
                         reads=(s0,)):
        yield


def _movement_sql(view: View, select: str) -> tuple[str, dict]:
    """``select`` over the view's movement ``lines``; within ``_movement_pairs``."""
    opportunity_filter_0, params = filters(view, "o.s0", table="opportunities")
    opportunity_filter_1, _ = filters(view, "o", table="opportunities")
    lines = _MOVEMENT_SQL.format(filter_0=opportunity_filter_0, filter_1=opportunity_filter_1)
    sql = f"WITH lines AS ({lines}) {select}"
    params = {"start": view.period.start, "end": view.period.end, **params}
    return sql, used(sql, params)


_LINES_SELECT = """
    SELECT l.* REPLACE (amount_0::DOUBLE AS amount_0, amount_1::DOUBLE AS amount_1,
                        signed_amount::DOUBLE AS signed_amount),
           r.name AS rep
    FROM lines l LEFT JOIN reps r ON r.rep_id = l.rep_id
    {where} ORDER BY abs(l.signed_amount) DESC, l.opportunity_id"""


_SLIPPED = "WHERE movement = 'slipped'"


def movement_lines(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Per opportunity: how it moved the period's open pipeline from the comparison snapshot
    (S0) to the served one (S1), largest movement first."""
    sql, params = _movement_sql(view, _LINES_SELECT.format(where=""))
    with _movement_pairs(con, view):
        return con.execute(sql, params).df()


# Every line was in the period in S0 (in_0) unless it is new or pulled in, and is in it in S1
# (in_1) when it is new, pulled in, changed its amount or is unchanged (see _MOVEMENT_SQL): the
# start is S0's open pipeline in the period and the end S1's, summed over the lines.
_MOVEMENT_TOTALS = """
SELECT coalesce(sum(amount_0) FILTER (WHERE movement NOT IN ('new', 'pulled_in')), 0) AS start,
    {sums},
    coalesce(sum(amount_1) FILTER (
        WHERE movement IN ('new', 'pulled_in', 'amount_change', 'unchanged')), 0) AS "end",
    count(*) FILTER (WHERE advanced) AS advanced,
    count(*) FILTER (WHERE regressed) AS regressed
FROM lines
"""


def movement_exact(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """The waterfall in exact money (Decimal): start, each movement's signed total, end; and the
    counts of advanced and regressed opportunities."""
    sums = ",\n    ".join(
        f"coalesce(sum(signed_amount) FILTER (WHERE movement = '{name}'), 0) AS {name}"
        for name in MOVEMENTS)  # names from the fixed MOVEMENTS tuple
    sql, params = _movement_sql(view, _MOVEMENT_TOTALS.format(sums=sums))
    with _movement_pairs(con, view):
        cursor = con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone()))


def movement(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """The waterfall from last week's open pipeline in the period to this week's: start, the
    signed contribution of each movement, end (money as numbers); advanced / regressed counts."""
    return _as_numbers(movement_exact(con, view))


def _as_numbers(exact: dict) -> dict:
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in exact.items()}


def movement_waterfall(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """The waterfall's bars in order: start, each movement, end; each bar runs from ``base`` to
    ``top`` on the running pipeline level (totals start at zero)."""
    return _waterfall(movement(con, view))


def movement_overview(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """The pipeline page's movement parts: ``movement`` (as ``movement``), ``waterfall`` (as
    ``movement_waterfall``) and ``slipped`` (as ``slipped_deals``)."""
    moved = _as_numbers(movement_exact(con, view))
    return {"movement": moved, "waterfall": _waterfall(moved), "slipped": slipped_deals(con, view)}


def _waterfall(moved: dict) -> pd.DataFrame:
    rows = [{"step": "start", "amount": moved["start"], "base": 0.0, "top": moved["start"],
             "kind": "total"}]
    level = moved["start"]
    for name in MOVEMENTS:
        amount = moved[name]
        rows.append({"step": name, "amount": amount, "base": level, "top": level + amount,
                     "kind": "increase" if amount >= 0 else "decrease"})
        level += amount
    rows.append({"step": "end", "amount": moved["end"], "base": 0.0, "top": moved["end"],
                 "kind": "total"})
    return pd.DataFrame(rows)


def summary(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """The pipeline tiles: open deals expected to close in the period, their amount and weighted
    amount, with the window's win rate; and the ``funnel`` they sum (as ``funnel``)."""
    stages = funnel(con, view)
    return {"open_count": int(stages["count"].sum()),
            "open_amount": float(stages["amount"].sum()),
            "weighted_amount": float(stages["weighted_amount"].sum()),
            **win_rate(con, view), "funnel": stages}


def slipped_deals(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Opportunities that were open in the period last week and are now dated after it."""
    sql, params = _movement_sql(view, _LINES_SELECT.format(where=_SLIPPED))
    with _movement_pairs(con, view):
        return con.execute(sql, params).df()
