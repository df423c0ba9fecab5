"""Regional scorecard (SPEC §5.4): every region scored 0–100 on six dimensions and ranked.

- industry_attainment = 100 × min(1, Σᵢ min(Aᵢ, 1.2·Tᵢ) ÷ Σᵢ Tᵢ) over the industries i with a target
- industry_balance = 100 × max(0, 1 − σ(aᵢ) ÷ μ(aᵢ)), aᵢ = Aᵢ ÷ Tᵢ, population σ; 0 when μ ≤ 0
- margin_attainment = 100 × min(1, gross_margin ÷ margin_target)
- customer_coverage = 100 × share of the region's tier-1/2 customers (§5.6) with a visit, meeting
  or workshop in the period to date
- pipeline_hygiene = 100 × share of the region's open opportunities neither stale nor past due, as
  of the snapshot (the flags of ``metrics.pipeline.open_deals``)
- resource_productivity = 100 × min(1, revenue per active AE in the region ÷ nationally)
- total = Σ wᵈ·scoreᵈ ÷ Σ wᵈ over the dimensions with a basis; rank 1 = best among the regions with
  a revenue target (ties broken by revenue); met_revenue / met_margin: attainment ≥ 100% of the
  whole period's target.

A score is defined on a region's whole business, so the scorecard ignores the view's industry,
product-line and channel filters; its region filter selects the regions to highlight and drill
into, never the regions ranked. Actuals follow the to-date rule; targets are the whole period's.
The trend compares with the previous period of the same kind (the previous month for a monthly
scorecard) over the same number of elapsed days while the period is still running.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import duckdb
import pandas as pd

from data import config
from metrics import customers, pipeline
from metrics.periods import Period
from metrics.view import View, snapshot_parts, snapshot_tables, used

DIMENSIONS = ("industry_attainment", "industry_balance", "margin_attainment",
              "customer_coverage", "pipeline_hygiene", "resource_productivity")
QUALIFYING_ACTIVITIES = ("visit", "meeting", "workshop")  # calls do not count as coverage
TIER_AXES = ("attractiveness", "feasibility")
REPORT_KEYS = ("region_id", *DIMENSIONS, "total", "rank", "met_revenue", "met_margin")


# ----------------------------------------------------------------------------------- configuration

def industry_cap() -> float:
    """Over-achievement in one industry counts at most this multiple of its target."""
    return float(config.setting("scorecard.industry_cap"))


def weights() -> dict[str, float]:
    """The dimension weights in force ([scorecard.weights] of the configuration model)."""
    values = config.current().section("scorecard.weights")
    return {name: float(values[name]) for name in DIMENSIONS}


def customer_tiers_sql() -> tuple[str, dict]:
    """SPEC §5.6 tiering as a query to nest in other SQL (customer_id, region_id, industry_id,
    attractiveness, feasibility, tier, …): the customers page's own query and configuration,
    so a tier means the same on both pages."""
    return customers.TIERS_SQL, customers.tier_params()


# -------------------------------------------------------------------------------------- windows

def whole_business(view: View, regions: tuple[str, ...] = ()) -> View:
    """The view a score is computed on: the region's whole business (no industry, product-line or
    channel filter), for ``regions`` (all when empty)."""
    return replace(view, regions=tuple(regions), industries=(), product_lines=(), channel=None)


def comparison(view: View) -> tuple[Period, dt.date | None]:
    """The period the trend compares with and the last day of its actuals: the previous period
    of the same kind, over as many days as have elapsed of this one while it is running (the
    whole previous period once this one is complete)."""
    previous = view.period.previous()
    if view.to_date_end is None:
        return previous, None
    if view.to_date_end >= view.period.end:
        return previous, previous.end
    elapsed = view.period.elapsed_days(view.as_of)
    return previous, min(previous.end, previous.start + dt.timedelta(days=elapsed - 1))


def _window(period: Period, to_date: dt.date | None) -> dict:
    months = period.month_fractions()
    return {"start": period.start, "to_date": to_date or period.start - dt.timedelta(days=1),
            "months": [m for m, _ in months], "fractions": [f for _, f in months]}


def _windows(windows: list[tuple[Period, dt.date | None]]) -> dict:
    """The bound parameters of ``_SCORES_SQL`` for the windows (period, last day of actuals):
    window i is ``_window`` of its period and day, its targets its period's months, each with the
    fraction of it the period covers."""
    each = [_window(period, to_date) for period, to_date in windows]
    return {"w_ids": list(range(len(each))), "w_starts": [w["start"] for w in each],
            "w_ends": [w["to_date"] for w in each],
            "first_day": min(w["start"] for w in each), "last_day": max(w["to_date"] for w in each),
            "share_ids": [i for i, w in enumerate(each) for _ in w["months"]],
            "share_months": [m for w in each for m in w["months"]],
            "share_fractions": [f for w in each for f in w["fractions"]]}


# ----------------------------------------------------------------------------------------- scores

# Every region's bases and scores for several windows at once (``w``: the window's index), so a
# page that scores a period, the one before it and a quarter's months plans one statement.
_SCORES_SQL = """
WITH windows AS (
    SELECT unnest($w_ids) AS w, unnest($w_starts) AS start, unnest($w_ends) AS to_date
),
month_share AS (
    SELECT unnest($share_ids) AS w, unnest($share_months) AS fiscal_month,
           unnest($share_fractions) AS fraction
),
target AS (
    SELECT m.w, region_id, industry_id,
           sum(revenue_target * fraction)::DOUBLE AS revenue_target,
           sum(margin_target * fraction)::DOUBLE AS margin_target
    FROM targets JOIN month_share m USING (fiscal_month)
    GROUP BY ALL
),
actual AS (
    -- The snapshot's daily sums (data/extracts.py): exact decimal sums of the order lines.
    SELECT w.w, d.region_id, d.industry_id, sum(d.revenue)::DOUBLE AS revenue,
           sum(d.gross_margin)::DOUBLE AS gross_margin
    FROM daily_sums d JOIN windows w ON d.order_date BETWEEN w.start AND w.to_date
    WHERE d.order_date BETWEEN $first_day AND $last_day
    GROUP BY ALL
),
by_industry AS (
    SELECT coalesce(t.w, a.w) AS w, coalesce(t.region_id, a.region_id) AS region_id,
           coalesce(a.revenue, 0) AS revenue, coalesce(a.gross_margin, 0) AS gross_margin,
           t.revenue_target, t.margin_target
    FROM target t
    FULL JOIN actual a
           ON a.w = t.w AND a.region_id = t.region_id AND a.industry_id = t.industry_id
),
by_region AS (
    SELECT w, region_id,
           sum(revenue) AS revenue, sum(gross_margin) AS gross_margin,
           sum(revenue_target) AS revenue_target, sum(margin_target) AS margin_target,
           count(*) FILTER (WHERE revenue_target > 0) AS industries_with_target,
           sum(least(revenue, $cap * revenue_target)) FILTER (WHERE revenue_target > 0)
               AS capped_revenue,
           sum(revenue_target) FILTER (WHERE revenue_target > 0) AS industry_target,
           avg(revenue / revenue_target) FILTER (WHERE revenue_target > 0) AS attainment_mean,
           stddev_pop(revenue / revenue_target) FILTER (WHERE revenue_target > 0)
               AS attainment_sigma
    FROM by_industry
    GROUP BY w, region_id
),
key_customers AS ({key_customers}),
visited AS (
    SELECT DISTINCT w.w, a.customer_id
    FROM activities a JOIN windows w ON a.activity_date BETWEEN w.start AND w.to_date
    WHERE a.activity_date BETWEEN $first_day AND $last_day
      AND list_contains($qualifying, a.type)
),
coverage AS (
    SELECT w.w, k.region_id, count(*) AS key_customers, count(v.customer_id) AS covered_customers
    FROM windows w CROSS JOIN key_customers k
    LEFT JOIN visited v ON v.w = w.w AND v.customer_id = k.customer_id
    GROUP BY ALL
),
hygiene AS ({hygiene}),
staff AS (
    SELECT region_id, count(*) AS active_aes FROM reps WHERE role = 'AE' AND active GROUP BY ALL
),
national AS (
    SELECT w.w, t.revenue / nullif((SELECT count(*) FROM reps WHERE role = 'AE' AND active), 0)
               AS revenue_per_ae
    FROM windows w LEFT JOIN (SELECT w, sum(revenue) AS revenue FROM actual GROUP BY w) t
         USING (w)
),
bases AS (
    SELECT w.w, r.region_id, r.name_en, r.name_zh,
           coalesce(b.revenue, 0) AS revenue, coalesce(b.gross_margin, 0) AS gross_margin,
           b.revenue_target, b.margin_target, coalesce(b.industries_with_target, 0)
               AS industries_with_target,
           b.capped_revenue, b.industry_target, b.attainment_mean, b.attainment_sigma,
           coalesce(c.key_customers, 0) AS key_customers,
           coalesce(c.covered_customers, 0) AS covered_customers,
           coalesce(h.open_deals, 0) AS open_deals, coalesce(h.clean_deals, 0) AS clean_deals,
           coalesce(s.active_aes, 0) AS active_aes,
           coalesce(b.revenue, 0) / nullif(s.active_aes, 0) AS revenue_per_ae,
           national.revenue_per_ae AS national_revenue_per_ae
    FROM windows w CROSS JOIN regions r
    LEFT JOIN by_region b ON b.w = w.w AND b.region_id = r.region_id
    LEFT JOIN coverage c ON c.w = w.w AND c.region_id = r.region_id
    LEFT JOIN hygiene h ON h.region_id = r.region_id
    LEFT JOIN staff s ON s.region_id = r.region_id
    LEFT JOIN national ON national.w = w.w
)
SELECT *,
       CASE WHEN industry_target > 0
            THEN 100 * greatest(0, least(1, capped_revenue / industry_target)) END
           AS industry_attainment,
       CASE WHEN industry_target > 0
            THEN CASE WHEN attainment_mean > 0
                      THEN 100 * greatest(0, 1 - attainment_sigma / attainment_mean)
                      ELSE 0 END END AS industry_balance,
       CASE WHEN margin_target > 0
            THEN 100 * greatest(0, least(1, gross_margin / margin_target)) END
           AS margin_attainment,
       100 * covered_customers / nullif(key_customers, 0) AS customer_coverage,
       100 * clean_deals / nullif(open_deals, 0) AS pipeline_hygiene,
       CASE WHEN active_aes > 0 AND national_revenue_per_ae > 0
            THEN 100 * greatest(0, least(1, revenue_per_ae / national_revenue_per_ae)) END
           AS resource_productivity,
       revenue / nullif(revenue_target, 0) AS revenue_attainment,
       gross_margin / nullif(margin_target, 0) AS margin_target_attainment,
       CASE WHEN revenue_target > 0 THEN revenue >= revenue_target END AS met_revenue,
       CASE WHEN margin_target > 0 THEN gross_margin >= margin_target END AS met_margin
FROM bases
ORDER BY w, region_id
"""


# The parts of the scores no period changes, computed once per served snapshot
# (``snapshot_tables``): the tier 1/2 customers and each region's open deals (pipeline hygiene as
# of the snapshot).
_KEY_CUSTOMERS_SQL = """
    SELECT c.customer_id, c.region_id
    FROM customers c JOIN ({tiers}) tiers USING (customer_id)
    WHERE tiers.tier IN (1, 2)"""

_HYGIENE_SQL = """
    SELECT region_id, count(*) AS open_deals,
           count(*) FILTER (WHERE NOT stale AND NOT past_due) AS clean_deals
    FROM ({open_deals}) deals
    GROUP BY ALL"""

# The tables of the cursor holding those parts while periods are scored.
_SHARED_TABLES = {"key_customers": "scorecard_key_customers", "hygiene": "scorecard_hygiene"}


@snapshot_parts
def _shared_parts(view: View) -> dict[str, tuple[str, dict]]:
    tiers, tier_params = customer_tiers_sql()
    deals, deal_params = pipeline.open_deals_query(whole_business(view))
    return {
        _SHARED_TABLES["key_customers"]: (_KEY_CUSTOMERS_SQL.format(tiers=tiers), tier_params),
        _SHARED_TABLES["hygiene"]: (_HYGIENE_SQL.format(open_deals=deals), deal_params)}


def _shared(con: duckdb.DuckDBPyConnection, view: View):
    """Within the block, ``_scores`` reads the shared parts (``_SHARED_TABLES``)."""
    return snapshot_tables(con, _shared_parts(view))


def _scores(con: duckdb.DuckDBPyConnection, windows: list[tuple[Period, dt.date | None]]
            ) -> list[pd.DataFrame]:
    """For each window (period, last day of actuals), every region's bases, six scores, total and
    rank (pipeline hygiene as of the view's snapshot), from one statement; inside
    ``_shared(con, view)``."""
    params = {**_windows(windows), "cap": industry_cap(),
              "qualifying": list(QUALIFYING_ACTIVITIES)}
    sql = _SCORES_SQL.format(**{name: f"SELECT * FROM temp.{table}"
                                for name, table in _SHARED_TABLES.items()})
    frame = con.execute(sql, used(sql, params)).df()
    w = weights()
    return [rank(frame[frame["w"] == i].drop(columns="w").reset_index(drop=True), w)
            for i in range(len(windows))]


def weighted_shares(scores: pd.DataFrame, w: dict[str, float]) -> pd.DataFrame:
    """Per row and dimension wᵈ·scoreᵈ ÷ Σw, Σw over the dimensions with a score in that row: a
    dimension without one adds 0; a row with no scored dimension is null throughout."""
    values = scores[list(DIMENSIONS)].astype(float)
    weight = pd.Series(w)[list(DIMENSIONS)]
    present = values.notna() & (weight > 0)
    basis = (present * weight).sum(axis=1)
    return (values.fillna(0) * weight).where(present, 0).div(basis.where(basis > 0), axis=0)


def total(scores: pd.DataFrame, w: dict[str, float]) -> pd.Series:
    """Σ wᵈ·scoreᵈ ÷ Σ wᵈ over the dimensions with a score (null when none has)."""
    return weighted_shares(scores, w).sum(axis=1, min_count=1)


def rank(frame: pd.DataFrame, w: dict[str, float]) -> pd.DataFrame:
    """Add ``total`` and ``rank``: 1 = best total, ties broken by revenue (then region id);
    regions without a revenue target get no rank."""
    out = frame.assign(total=total(frame, w))
    ranked = out[out["revenue_target"].fillna(0) > 0].assign(
        _key=lambda f: f["total"].round(9))
    order = ranked.sort_values(["_key", "revenue", "region_id"],
                               ascending=[False, False, True], na_position="last").index
    out["rank"] = pd.Series(range(1, len(order) + 1), index=order, dtype="Int64")
    return out


# -------------------------------------------------------------------------------- the scorecard

def scorecard(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """One row per region for the view's period: bases, six scores, total, rank, met flags, and
    the trend against the comparison period: ``previous_total``, ``previous_rank``,
    ``rank_change`` (positive = moved up), ``total_change`` and, per dimension,
    ``previous_<dimension>`` and ``contribution_<dimension>`` (see ``contribution``). Rows in
    rank order, unranked regions last."""
    with _shared(con, view):
        now, before = _scores(con, [(view.period, view.to_date_end), comparison(view)])
    return _card(now, before)


def _card(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """The scorecard from the period's scores and the comparison period's."""
    w = weights()
    before = before.set_index("region_id").reindex(now["region_id"]).reset_index()
    out = now.assign(previous_total=before["total"], previous_rank=before["rank"],
                     total_change=now["total"] - before["total"],
                     rank_change=(before["rank"] - now["rank"]).astype("Int64"))
    moved = contribution(now, before, w)
    for d in DIMENSIONS:
        out[f"previous_{d}"] = before[d]
        out[f"contribution_{d}"] = moved[d]
    return out.sort_values(["rank", "region_id"], na_position="last").reset_index(drop=True)


def contribution(now: pd.DataFrame, before: pd.DataFrame, w: dict[str, float]) -> pd.DataFrame:
    """Why a total moved, per row and dimension: wᵈ·scoreᵈ_now ÷ Σw_now − wᵈ·scoreᵈ_prev ÷ Σw_prev,
    each Σw over the dimensions with a score in that period (a dimension without one adds nothing
    on that side), so a row's contributions add up exactly to its change of total. Null where
    either total is null (rows of ``now`` and ``before`` correspond)."""
    now, before = now.reset_index(drop=True), before.reset_index(drop=True)
    both = now["total"].notna() & before["total"].notna()
    return (weighted_shares(now, w) - weighted_shares(before, w).fillna(0)).where(both, axis=0)


def headline(card: pd.DataFrame, counted: tuple[str, ...] | None = None) -> dict:
    """The headline and tiles of a scorecard frame: regions listed and ranked, how many met the
    revenue target, the margin target and both, the median total, the best region and the region
    that gained most ranks; the met counts are None when no region has a revenue target.
    ``counted``: the regions whose targets are counted (a lead's own, whose published ranking
    does not say whether other regions met theirs; ``regions`` is then their number)."""
    ranked = card[card["rank"].notna()]
    mine = card if counted is None else card[card["region_id"].isin(counted)]
    met_revenue = mine["met_revenue"].astype(object).fillna(False).astype(bool)
    met_margin = mine["met_margin"].astype(object).fillna(False).astype(bool)
    best = ranked.sort_values("rank").iloc[0] if len(ranked) else None
    climbers = ranked[ranked["rank_change"].fillna(0) > 0].sort_values(
        ["rank_change", "rank"], ascending=[False, True])
    climber = climbers.iloc[0] if len(climbers) else None
    # Without any revenue target no region can have met one: the counts are not available.
    counted = len(ranked) > 0
    return {
        "regions": len(mine), "ranked": len(ranked),
        "met_revenue": int(met_revenue.sum()) if counted else None,
        "met_margin": int(met_margin.sum()) if counted else None,
        "met_both": int((met_revenue & met_margin).sum()) if counted else None,
        "median_total": _plain(ranked["total"].median()) if len(ranked) else None,
        "best_region": best["region_id"] if best is not None else None,
        "best_total": _plain(best["total"]) if best is not None else None,
        "climber_region": climber["region_id"] if climber is not None else None,
        "climber_ranks": _plain(climber["rank_change"]) if climber is not None else None,
    }


def why_moved(card: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """One region's dimensions in order: score, previous_score, contribution to the change of
    total, the median score of all regions and whether the region is below it (a weak
    dimension)."""
    row = card.set_index("region_id").loc[region_id]
    median = card[list(DIMENSIONS)].astype(float).median()
    return pd.DataFrame({
        "dimension": list(DIMENSIONS),
        "score": [_plain(row[d]) for d in DIMENSIONS],
        "previous_score": [_plain(row[f"previous_{d}"]) for d in DIMENSIONS],
        "contribution": [_plain(row[f"contribution_{d}"]) for d in DIMENSIONS],
        "median_score": [_plain(median[d]) for d in DIMENSIONS],
        "below_median": [bool(pd.notna(row[d]) and row[d] < median[d]) for d in DIMENSIONS],
    })


def quarter_review(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """For a fiscal-quarter view: each of its months that has started (to date) side by side with
    the quarter as a whole: one row per region and period with total, rank and the met flags.
    Empty for other periods."""
    with _shared(con, view):
        reviewed = _reviewed(view)
        return _review(reviewed, _scores(con, reviewed) if reviewed else [])


_REVIEW_COLUMNS = ["period", "kind", "region_id", "total", "rank", "met_revenue", "met_margin"]


def _reviewed(view: View) -> list[tuple[Period, dt.date]]:
    """The windows of ``quarter_review``: a quarter's months that have started and the quarter
    itself, each to date (none for other periods, or a quarter not started yet)."""
    if view.period.kind != "quarter":
        return []
    windows = [(period, period.to_date_end(view.as_of))
               for period in [*view.period.months(), view.period]]
    return [(period, to_date) for period, to_date in windows if to_date is not None]


def _review(reviewed: list[tuple[Period, dt.date]], scores: list[pd.DataFrame]) -> pd.DataFrame:
    """``quarter_review`` from the scores of its windows."""
    frames = [pd.DataFrame(columns=_REVIEW_COLUMNS)]  # nothing to show: no row
    for (period, _), frame in zip(reviewed, scores):
        frames.append(frame.assign(period=period.code, kind=period.kind)[_REVIEW_COLUMNS])
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def overview(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """The scorecard page's ranking and quarter review together (``scorecard`` and
    ``quarter_review``): the period's scores, the comparison period's and the quarter's months'
    come from one statement, and the parts of them no period changes (key customers, pipeline
    hygiene) are computed once per served snapshot."""
    now_window = (view.period, view.to_date_end)
    reviewed = _reviewed(view)
    others = [window for window in reviewed if window != now_window]
    with _shared(con, view):
        now, before, *scored = _scores(con, [now_window, comparison(view), *others])
    by_window = dict(zip(others, scored))
    review = _review(reviewed, [now if window == now_window else by_window[window]
                                for window in reviewed])
    return {"scorecard": _card(now, before), "quarter_review": review}


# Published to every regional lead (SPEC §11): the ranking — which region, its total and rank and
# how they moved — of every region; everything else only for the lead's own regions.
PUBLISHED_COLUMNS = ("region_id", "name_en", "name_zh", "region_group", "total", "rank",
                     "previous_total", "previous_rank", "rank_change", "total_change", "period",
                     "kind")


def published_overview(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """``overview`` as a lead may see it: the ranking of every region computed over the whole
    business (the full snapshot, not the lead's rows) with every column but the published ones
    blanked for regions outside the lead's scope. Any other scope: ``overview`` itself (a rep's
    is computed over their own rows)."""
    return _as_published(con, view, overview)


def _as_published(con: duckdb.DuckDBPyConnection, view: View, fn) -> dict[str, pd.DataFrame]:
    """``fn(con, view)`` (a dict of frames by region) as published to a lead (see
    ``published_overview``)."""
    scope = view.scope
    if scope is None or scope.role != "lead":
        return fn(con, view)
    from data.store import schema_name  # the store imports metrics' view module
    # SET takes no bound parameters; schema_name allow-lists the ISO week id and the scope key.
    con.execute("SET search_path = '" + schema_name(view.snapshot_id) + "'")
    try:
        result = fn(con, replace(view, scope=None))
    finally:
        con.execute("SET search_path = '" + schema_name(view.snapshot_id, scope) + "'")
    return {name: _published(frame, scope.regions) for name, frame in result.items()}


def _published(frame: pd.DataFrame, regions: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    other = ~out["region_id"].isin(regions)
    for column in out.columns:
        if column not in PUBLISHED_COLUMNS:
            out[column] = out[column].astype(object).where(~other, None) \
                if out[column].dtype == bool else out[column].mask(other)
    return out


# ------------------------------------------------------------------------------------ drill-down

_INDUSTRY_SQL = """
WITH month_share AS (
    SELECT unnest($months) AS fiscal_month, unnest($fractions) AS fraction
),
target AS (
    SELECT region_id, industry_id, sum(revenue_target * fraction)::DOUBLE AS revenue_target
    FROM targets JOIN month_share USING (fiscal_month)
    WHERE {region_filter}
    GROUP BY ALL
),
actual AS (
    SELECT region_id, industry_id, sum(revenue)::DOUBLE AS revenue
    FROM orders
    WHERE order_date BETWEEN $start AND $to_date AND {region_filter}
    GROUP BY ALL
)
SELECT r.region_id, i.industry_id, i.name_en, i.name_zh,
       coalesce(a.revenue, 0) AS revenue, t.revenue_target,
       coalesce(a.revenue, 0) / nullif(t.revenue_target, 0) AS attainment,
       coalesce(a.revenue, 0) > $cap * t.revenue_target AS capped
FROM regions r CROSS JOIN industries i
LEFT JOIN target t ON t.region_id = r.region_id AND t.industry_id = i.industry_id
LEFT JOIN actual a ON a.region_id = r.region_id AND a.industry_id = i.industry_id
WHERE {region_filter_r}
ORDER BY r.region_id, i.industry_id
"""


def _region_filter(view: View, alias: str = "") -> tuple[str, dict]:
    if not view.regions:
        return "true", {}
    a = f"{alias}." if alias else ""
    return f"list_contains($regions, {a}region_id)", {"regions": list(view.regions)}


def industry_attainment(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Per region of the view (all when none is selected) and every industry: revenue to date,
    the period's revenue target and attainment Aᵢ ÷ Tᵢ (null without a target), and whether it is
    above the 120% that the attainment score counts."""
    region_filter, params = _region_filter(view)
    region_filter_r, _ = _region_filter(view, "r")
    sql = _INDUSTRY_SQL.format(region_filter=region_filter, region_filter_r=region_filter_r)
    return con.execute(sql, {**_window(view.period, view.to_date_end), "cap": industry_cap(),
                             **params}).df()


_UNCOVERED_SQL = """
WITH visited AS (
    SELECT DISTINCT customer_id FROM activities
    WHERE list_contains($qualifying, type) AND activity_date BETWEEN $start AND $to_date
      AND activity_date <= $as_of
)
SELECT c.customer_id, c.name AS customer, c.region_id, c.industry_id, t.tier,
       t.attractiveness, t.feasibility, r.name AS owner, r.role AS owner_role,
       q.last_qualifying_activity
FROM customers c
JOIN customer_tiers t USING (customer_id)
LEFT JOIN reps r ON r.rep_id = c.owner_rep_id
LEFT JOIN last_qualifying q USING (customer_id)
LEFT JOIN visited v USING (customer_id)
WHERE t.tier IN (1, 2) AND v.customer_id IS NULL AND {region_filter}
ORDER BY t.tier, q.last_qualifying_activity NULLS FIRST, c.customer_id
"""

# Each customer's last qualifying activity up to as_of (once per served snapshot).
_LAST_QUALIFYING_SQL = """
    SELECT customer_id, max(activity_date) AS last_qualifying_activity
    FROM activities
    WHERE list_contains($qualifying, type) AND activity_date <= $as_of
    GROUP BY ALL"""


def uncovered_customers(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """The tier-1/2 customers of the view's regions with no visit, meeting or workshop in the
    period to date (what customer coverage misses), tier 1 first, longest unvisited first."""
    tiers, tier_params = customer_tiers_sql()
    region_filter, params = _region_filter(view, "c")
    sql = _UNCOVERED_SQL.format(region_filter=region_filter)
    window = _window(view.period, view.to_date_end)
    qualifying = {"qualifying": list(QUALIFYING_ACTIVITIES), "as_of": view.as_of}
    with snapshot_tables(con, {"customer_tiers": (tiers, tier_params),
                               "last_qualifying": (_LAST_QUALIFYING_SQL, qualifying)}):
        return con.execute(sql, {"start": window["start"], "to_date": window["to_date"],
                                 **qualifying, **params}).df()


def attention_deals(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """The open deals of the view's regions that pipeline hygiene counts against them (stale or
    past due), largest first."""
    return pipeline.attention_deals(con, whole_business(view, view.regions))


# ---------------------------------------------------------------------------------------- report

def report_scorecard(con: duckdb.DuckDBPyConnection, view: View) -> list[dict]:
    """SPEC §7 ``scorecard``: one object per region in rank order (scores 0–100 or null). Ranks
    are always over every region; ``--region`` only narrows the rows listed. A lead gets the
    published ranking (``published_overview``)."""
    card = _as_published(con, view, lambda c, v: {"card": scorecard(c, v)})["card"]
    if view.regions:
        card = card[card["region_id"].isin(view.regions)]
    return [{key: _plain(row[key]) for key in REPORT_KEYS} for _, row in card.iterrows()]


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value
