"""Customer prioritisation, lifecycle and Pareto (SPEC §5.6).

- attractiveness = weighted mean of the scores financial_performance 40, it_spend 30,
  reputation_management 20, location 10; feasibility = existing_relationship 30,
  competitor_relationship 30, attitude_to_us 30, execution_capability 10 (scores 1–10; weights and
  threshold configurable in [customers] of metrics/config.toml)
- tier 1 "focus": both ≥ threshold (6); tier 3 "invest to develop": attractiveness ≥ threshold,
  feasibility < threshold; tier 2 "serve with existing resources": attractiveness < threshold,
  feasibility ≥ threshold; otherwise not pursued (null)
- lifecycle as of the snapshot: P never ordered; A first order within 90 days; D not A, ordered
  within 12 months; R ordered before, nothing within 12 months ("within" = after as_of − N days /
  − 1 year, strictly, and on or before as_of)
- revenue_12m = Σ revenue of the last 12 months; ABC over the customers with revenue_12m > 0,
  largest first: cumulative share (including itself) ≤ 80% → A, ≤ 95% → B, else C

Choices where the SPEC is silent:
- A customer is *scored* on an axis only when every criterion with a positive weight on that axis
  has a score; a partly scored axis is null (never a mean of fewer criteria), and an unscored
  customer has tier null with ``scored = false``: listed, not dropped.
- An *order* is an order line with quantity > 0 (a return is not an order); revenue_12m is net,
  returns included.
- The view's region and industry filters select customers by the customer's own region_id /
  industry_id; period, product line and channel describe orders and do not apply here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from data.extracts import year_before
from data import config
from metrics import availability
from data.config import SCORE_CRITERIA
from metrics.periods import quarter_of
from metrics.view import View, snapshot_parts, snapshot_tables, temporary_tables, used

AXES = ("attractiveness", "feasibility")
# The SPEC's names of the tiers, for anyone labelling tier numbers.
TIERS = {1: "focus", 2: "serve with existing resources", 3: "invest to develop"}

LIFECYCLES = ("P", "A", "D", "R")
# Tier groups for counts: the three tiers, not pursued (scored, no tier) and unscored.
TIER_GROUPS = ("tier1", "tier2", "tier3", "not_pursued", "unscored")


# ------------------------------------------------------------------------------- configuration

@dataclass(frozen=True)
class Prioritisation:
    """The weights (criterion → weight per axis) and the tier threshold in use."""

    attractiveness: dict
    feasibility: dict
    tier_threshold: float

    def weights(self, axis: str) -> dict:
        return getattr(self, axis)


def prioritisation() -> Prioritisation:
    """The [customers] weights (criteria with a positive weight, per axis) and tier threshold in
    force, from the configuration model."""
    current = config.current()
    weights = {axis: {criterion: float(weight)
                      for criterion, weight in current.section(f"customers.{axis}").items()
                      if weight > 0}
               for axis in AXES}
    return Prioritisation(weights["attractiveness"], weights["feasibility"],
                          float(current["customers.tier_threshold"]))


# ----------------------------------------------------------------------------- tiers (reusable)

TIERS_SQL = """
WITH tier_weights AS (
    SELECT unnest($tier_axes) AS axis, unnest($tier_criteria) AS criterion,
           unnest($tier_weights)::DOUBLE AS weight, unnest($tier_positions) AS position
),
tier_scores AS (
    -- Each customer's scores of the weighted criteria, summed per axis (a criterion weighted on
    -- both axes counts on each).
    SELECT s.customer_id,
           count(*) FILTER (WHERE w.axis = 'attractiveness') AS attractiveness_scored,
           sum(w.weight * s.score) FILTER (WHERE w.axis = 'attractiveness')
               AS attractiveness_points,
           count(*) FILTER (WHERE w.axis = 'feasibility') AS feasibility_scored,
           sum(w.weight * s.score) FILTER (WHERE w.axis = 'feasibility') AS feasibility_points,
           list(s.criterion) AS scored_criteria,
           count(*) AS criteria_scored
    FROM customer_scores s JOIN tier_weights w USING (criterion)
    WHERE s.score IS NOT NULL
    GROUP BY s.customer_id
),
tier_totals AS (
    SELECT count(*) FILTER (WHERE axis = 'attractiveness') AS attractiveness_criteria,
           sum(weight) FILTER (WHERE axis = 'attractiveness') AS attractiveness_weight,
           count(*) FILTER (WHERE axis = 'feasibility') AS feasibility_criteria,
           sum(weight) FILTER (WHERE axis = 'feasibility') AS feasibility_weight,
           list(criterion ORDER BY position) AS criteria
    FROM tier_weights
),
tier_axes AS (
    SELECT c.customer_id,
           -- An axis is scored only when all its weighted criteria are; rounding keeps a mean of
           -- exactly the threshold (e.g. 0.4·6 + 0.3·6 + … in floating point) on the threshold.
           CASE WHEN s.attractiveness_scored = w.attractiveness_criteria
                THEN round(s.attractiveness_points / w.attractiveness_weight, 6)
           END AS attractiveness,
           CASE WHEN s.feasibility_scored = w.feasibility_criteria
                THEN round(s.feasibility_points / w.feasibility_weight, 6)
           END AS feasibility,
           CASE WHEN s.criteria_scored = len(w.criteria) THEN []::VARCHAR[]
                ELSE list_filter(w.criteria, lambda criterion: NOT list_contains(
                         coalesce(s.scored_criteria, []::VARCHAR[]), criterion))
           END AS missing_criteria,
           coalesce(s.criteria_scored, 0) AS criteria_scored
    FROM customers c
    CROSS JOIN tier_totals w
    LEFT JOIN tier_scores s USING (customer_id)
)
SELECT c.customer_id, c.region_id, c.industry_id, t.attractiveness, t.feasibility,
       t.attractiveness IS NOT NULL AND t.feasibility IS NOT NULL AS scored,
       CASE WHEN t.attractiveness >= $tier_threshold AND t.feasibility >= $tier_threshold THEN 1
            WHEN t.attractiveness < $tier_threshold AND t.feasibility >= $tier_threshold THEN 2
            WHEN t.attractiveness >= $tier_threshold AND t.feasibility < $tier_threshold THEN 3
       END AS tier,
       t.missing_criteria, t.criteria_scored
FROM customers c JOIN tier_axes t USING (customer_id)
"""
"""One row per customer of the snapshot: customer_id, region_id, industry_id, attractiveness,
feasibility, scored, tier (1, 2, 3; null = not pursued or not scored), missing_criteria (weighted
criteria without a score, in SCORE_CRITERIA order), criteria_scored (how many have one). Bind
``tier_params()``. Example (tier-1 and tier-2 customers of a region)::

    sql = f"WITH tiers AS ({TIERS_SQL}) SELECT customer_id FROM tiers "
          "WHERE tier IN (1, 2) AND region_id = $region"
    con.execute(sql, {**tier_params(), "region": "GD"})
"""


def tier_params(config: Prioritisation | None = None) -> dict:
    """The bound parameters of ``TIERS_SQL`` (all named ``tier_*``) for the configuration."""
    config = config or prioritisation()
    rows = [(axis, criterion, float(weight), SCORE_CRITERIA.index(criterion))
            for axis in AXES for criterion, weight in config.weights(axis).items() if weight > 0]
    return {"tier_axes": [r[0] for r in rows], "tier_criteria": [r[1] for r in rows],
            "tier_weights": [r[2] for r in rows], "tier_positions": [r[3] for r in rows],
            "tier_threshold": float(config.tier_threshold)}


_ALL_TIERS_SQL = "SELECT * FROM (" + TIERS_SQL + ") ORDER BY customer_id"


def customer_tiers(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tier of every customer of the snapshot: tier 1 focus (both ≥ threshold), 2 serve
    (feasibility only), 3 develop (attractiveness only), null otherwise or when not scored."""
    return con.execute(_ALL_TIERS_SQL, tier_params()).df()


# ------------------------------------------------------------------------- one row per customer

# Every customer of the snapshot with tier, lifecycle, revenue and last activity: depends on the
# snapshot, its as-of day and the configuration only, so a served snapshot computes it once
# (``snapshot_tables``) for every view of the customers page.
_BASE_SQL = """
WITH tiers AS ({tiers}),
-- First and last order, revenue in the 12 months to as_of, the 12 before and ever: the
-- snapshot's customer_orders extract (data/extracts.py), computed once per snapshot.
bought AS (SELECT * FROM customer_orders),
touched AS (
    SELECT customer_id, max(activity_date) AS last_activity_date,
           count(*) FILTER (WHERE activity_date >= $quarter_start) AS activities_this_quarter
    FROM activities
    WHERE activity_date <= $as_of
    GROUP BY customer_id
),
base AS (
    SELECT c.customer_id, c.name, c.region_id, c.industry_id, c.owner_rep_id, r.name AS owner,
           t.attractiveness, t.feasibility, coalesce(t.scored, false) AS scored, t.tier,
           coalesce(t.missing_criteria, []::VARCHAR[]) AS missing_criteria,
           coalesce(t.criteria_scored, 0) AS criteria_scored,
           CASE WHEN b.first_order_date IS NULL THEN 'P'
                WHEN b.first_order_date > $new_since THEN 'A'
                WHEN b.last_order_date > $year_ago THEN 'D'
                ELSE 'R'
           END AS lifecycle,
           b.first_order_date, b.last_order_date,
           coalesce(b.revenue_12m, 0) AS revenue_12m,
           coalesce(b.revenue_prior_12m, 0) AS revenue_prior_12m,
           coalesce(b.revenue_lifetime, 0) AS revenue_lifetime,
           a.last_activity_date,
           coalesce(a.activities_this_quarter, 0) AS activities_this_quarter
    FROM customers c
    LEFT JOIN tiers t USING (customer_id)
    LEFT JOIN bought b USING (customer_id)
    LEFT JOIN touched a USING (customer_id)
    LEFT JOIN reps r ON r.rep_id = c.owner_rep_id
)
SELECT * FROM base
"""

# The view's customers (its region and industry filters) with their Pareto rank and ABC class.
_CUSTOMERS_SQL = """
WITH base AS (SELECT * FROM customer_base c WHERE {customer_filter}),
pareto AS (
    SELECT customer_id,
           row_number() OVER (ORDER BY revenue_12m DESC, customer_id) AS pareto_rank,
           sum(revenue_12m) OVER (ORDER BY revenue_12m DESC, customer_id
                                  ROWS UNBOUNDED PRECEDING) AS cumulative_revenue,
           sum(revenue_12m) OVER () AS positive_revenue,
           count(*) OVER () AS positive_customers
    FROM base
    WHERE revenue_12m > 0
)
SELECT base.* REPLACE (revenue_12m::DOUBLE AS revenue_12m,
                       revenue_prior_12m::DOUBLE AS revenue_prior_12m,
                       revenue_lifetime::DOUBLE AS revenue_lifetime),
       CASE WHEN NOT base.scored THEN 'unscored' WHEN base.tier IS NULL THEN 'not_pursued'
            ELSE 'tier' || base.tier END AS tier_group,
       p.pareto_rank,
       p.pareto_rank / p.positive_customers AS customer_share,
       (base.revenue_12m / p.positive_revenue)::DOUBLE AS revenue_share,
       (p.cumulative_revenue / p.positive_revenue)::DOUBLE AS cumulative_share,
       -- Exact decimal comparison: a cumulative share of exactly 80% is A.
       CASE WHEN p.customer_id IS NULL THEN NULL
            WHEN p.cumulative_revenue * 100 <= p.positive_revenue * $abc_a_pct THEN 'A'
            WHEN p.cumulative_revenue * 100 <= p.positive_revenue * $abc_b_pct THEN 'B'
            ELSE 'C'
       END AS abc_class,
       date_diff('day', base.last_order_date, $as_of) AS days_since_order
FROM base LEFT JOIN pareto p USING (customer_id)
"""


def customer_filter(view: View, alias: str = "c") -> tuple[str, dict]:
    """The view's region and industry filters applied to customers (their own region_id and
    industry_id); product line, channel and period describe orders, not customers."""
    parts, params = [], {}
    if view.regions:
        parts.append(f"list_contains($f_regions, {alias}.region_id)")
        params["f_regions"] = list(view.regions)
    if view.industries:
        parts.append(f"list_contains($f_industries, {alias}.industry_id)")
        params["f_industries"] = list(view.industries)
    return (" AND ".join(parts) or "true"), params


def _params(view: View) -> dict:
    return {
        **tier_params(),
        "as_of": view.as_of,
        "year_ago": year_before(view.as_of),
        "new_since": view.as_of - dt.timedelta(days=config.setting("customers.new_customer_days")),
        "quarter_start": quarter_of(view.as_of).start,
        "abc_a_pct": 100 * config.setting("customers.abc_a"),
        "abc_b_pct": 100 * config.setting("customers.abc_b"),
    }


def _customer_rows_sql(view: View) -> tuple[str, dict]:
    """The statement of ``customer_rows``, to run inside ``_base(con, view)``."""
    where, params = customer_filter(view)
    return _CUSTOMERS_SQL.format(customer_filter=where), {**_params(view), **params}


@snapshot_parts
def _base_parts(view: View) -> dict[str, tuple[str, dict]]:
    return {"customer_base": (_BASE_SQL.format(tiers=TIERS_SQL), _params(view))}


def _base(con: duckdb.DuckDBPyConnection, view: View):
    """Within the block the cursor reads ``customer_base``: every customer of the snapshot."""
    return snapshot_tables(con, _base_parts(view))


@snapshot_parts
def _national_rows_parts(view: View) -> dict[str, tuple[str, dict]]:
    """``customer_rows`` of a view without region and industry filters (the national view, every
    customer): the same for every such view of a snapshot, so a snapshot table. Its statement
    holds customer_base's own (a snapshot table reads the snapshot's tables only)."""
    base, params = _base_parts(view)["customer_base"]
    rows = _CUSTOMERS_SQL.format(customer_filter="true")
    return {"customer_rows": (f"WITH customer_base AS ({base}) SELECT * FROM ({rows})", params)}


def _rows(con: duckdb.DuckDBPyConnection, view: View):
    """Within the block (inside ``_base``) the cursor reads ``customer_rows``: one row per
    customer in the view's region and industry filters, with its Pareto rank and ABC class."""
    if customer_filter(view)[0] == "true":
        return snapshot_tables(con, _national_rows_parts(view))
    return temporary_tables(con, {"customer_rows": _customer_rows_sql(view)})


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pd.DataFrame:
    return con.execute(sql, used(sql, params)).df()


def _query(con: duckdb.DuckDBPyConnection, view: View, name: str) -> pd.DataFrame:
    """The named select over ``customer_rows`` (one row per customer in the view's filters)."""
    select, extra = _select(view, name)
    with _base(con, view), _rows(con, view):
        return _run(con, select, {**_customer_rows_sql(view)[1], **extra})


_SUMMARY_SELECT = """
SELECT count(*) AS customers,
       count(*) FILTER (WHERE scored) AS scored,
       count(*) FILTER (WHERE NOT scored) AS unscored,
       count(*) FILTER (WHERE tier = 1) AS tier_1,
       count(*) FILTER (WHERE tier = 2) AS tier_2,
       count(*) FILTER (WHERE tier = 3) AS tier_3,
       count(*) FILTER (WHERE scored AND tier IS NULL) AS not_pursued,
       count(*) FILTER (WHERE lifecycle = 'P') AS lifecycle_p,
       count(*) FILTER (WHERE lifecycle = 'A') AS lifecycle_a,
       count(*) FILTER (WHERE lifecycle = 'D') AS lifecycle_d,
       count(*) FILTER (WHERE lifecycle = 'R') AS lifecycle_r,
       count(*) FILTER (WHERE revenue_12m > 0) AS with_revenue,
       count(*) FILTER (WHERE abc_class = 'A') AS abc_a,
       count(*) FILTER (WHERE abc_class = 'B') AS abc_b,
       count(*) FILTER (WHERE abc_class = 'C') AS abc_c,
       count(*) FILTER (WHERE abc_class = 'A')
           / nullif(count(*) FILTER (WHERE revenue_12m > 0), 0) AS abc_a_customer_share,
       coalesce(sum(revenue_12m), 0) AS revenue_12m,
       sum(revenue_12m) FILTER (WHERE abc_class = 'A')
           / nullif(sum(revenue_12m) FILTER (WHERE revenue_12m > 0), 0) AS abc_a_revenue_share,
       coalesce(sum(revenue_prior_12m) FILTER (WHERE lifecycle = 'R'), 0)
           AS dormant_prior_revenue,
       count(*) FILTER (WHERE tier = 1 AND activities_this_quarter = 0) AS tier_1_idle
FROM customer_rows
"""

_SEGMENT_SELECT = """
WITH keys AS (
    SELECT 'region' AS dimension, region_id AS key FROM regions r WHERE {region_filter}
    UNION ALL
    SELECT 'industry', industry_id FROM industries i WHERE {industry_filter}
),
categories AS (
    SELECT 'tier' AS measure, unnest($tier_groups) AS category
    UNION ALL
    SELECT 'lifecycle', unnest($lifecycles)
),
counted AS (
    SELECT 'region' AS dimension, region_id AS key, 'tier' AS measure, tier_group AS category,
           count(*) AS customers FROM customer_rows GROUP BY ALL
    UNION ALL
    SELECT 'region', region_id, 'lifecycle', lifecycle, count(*) FROM customer_rows GROUP BY ALL
    UNION ALL
    SELECT 'industry', industry_id, 'tier', tier_group, count(*) FROM customer_rows GROUP BY ALL
    UNION ALL
    SELECT 'industry', industry_id, 'lifecycle', lifecycle, count(*)
    FROM customer_rows GROUP BY ALL
)
SELECT k.dimension, k.key, c.measure, c.category, coalesce(n.customers, 0) AS customers
FROM keys k CROSS JOIN categories c
LEFT JOIN counted n USING (dimension, key, measure, category)
ORDER BY k.dimension, k.key, c.measure, c.category
"""

# The curve is drawn from at most about this many points: every k-th customer plus the first,
# the last and each class's last customer (the curve between them is indistinguishable).
PARETO_POINTS = 400

_PARETO_SELECT = """
SELECT pareto_rank, customer_id, name, revenue_12m, customer_share, revenue_share,
       cumulative_share, abc_class
FROM customer_rows
WHERE pareto_rank IS NOT NULL
QUALIFY pareto_rank % greatest(1, ceil(count(*) OVER () / $points))::BIGINT = 0
     OR pareto_rank = 1 OR pareto_rank = count(*) OVER ()
     OR abc_class IS DISTINCT FROM lead(abc_class) OVER (ORDER BY pareto_rank)
ORDER BY pareto_rank
"""

# The matrix is drawn from cells of this many score points on each axis, with edges on the tier
# threshold (so every customer of a cell is in the same tier), and the largest scored accounts on
# top: thousands of customers in a few hundred cells instead of a dot each.
MATRIX_CELL_POINTS = 0.5
MATRIX_ACCOUNTS = 100
# The highest score (SPEC §5.6: scores 1–10).
_SCORE_MAX = 10

_MATRIX_CELLS_SELECT = """
WITH placed AS (
    -- Cell k of an axis spans threshold + k·width to threshold + (k + 1)·width. A score of 10 on
    -- the last cell's upper edge counts in the cell below it (never across the threshold), so no
    -- cell lies past 10; rounding keeps a score on an edge in the cell that starts there.
    SELECT tier_group, revenue_12m,
           least(floor(round((attractiveness - $tier_threshold) / $cell, 6)), last_cell)
               AS a_cell,
           least(floor(round((feasibility - $tier_threshold) / $cell, 6)), last_cell) AS f_cell
    FROM customer_rows, (
        SELECT greatest(ceil(round(($score_max - $tier_threshold) / $cell, 6)) - 1, 0)
            AS last_cell)
    WHERE scored
)
SELECT round($tier_threshold + a_cell * $cell, 6) AS attractiveness_low,
       round($tier_threshold + (a_cell + 1) * $cell, 6) AS attractiveness_high,
       round($tier_threshold + f_cell * $cell, 6) AS feasibility_low,
       round($tier_threshold + (f_cell + 1) * $cell, 6) AS feasibility_high,
       tier_group, count(*) AS customers, sum(revenue_12m)::DOUBLE AS revenue_12m
FROM placed
GROUP BY ALL
ORDER BY attractiveness_low, feasibility_low
"""

_MATRIX_ACCOUNTS_SELECT = """
SELECT customer_id, name, region_id, tier_group, attractiveness, feasibility, revenue_12m
FROM customer_rows
WHERE scored AND revenue_12m > 0
ORDER BY revenue_12m DESC, customer_id
LIMIT $accounts
"""

_SELECTS = {
    "customers": ("SELECT * FROM customer_rows ORDER BY revenue_12m DESC, customer_id", {}),
    "matrix_cells": (_MATRIX_CELLS_SELECT, {"cell": MATRIX_CELL_POINTS,
                                            "score_max": _SCORE_MAX}),
    "matrix_accounts": (_MATRIX_ACCOUNTS_SELECT, {"accounts": MATRIX_ACCOUNTS}),
    "summary": (_SUMMARY_SELECT, {}),
    "pareto": (_PARETO_SELECT, {"points": PARETO_POINTS}),
    "top_accounts": ("SELECT * FROM customer_rows WHERE pareto_rank IS NOT NULL "
                     "ORDER BY pareto_rank LIMIT $top", {"top": config.setting("customers.top_accounts")}),
    "dormant": ("SELECT * FROM customer_rows WHERE lifecycle = 'R' "
                "ORDER BY revenue_prior_12m DESC, revenue_lifetime DESC, customer_id", {}),
    "tier_1_idle": ("SELECT * FROM customer_rows WHERE tier = 1 AND activities_this_quarter = 0 "
                    "ORDER BY revenue_12m DESC, customer_id", {}),
    "missing_scores": ("SELECT * FROM customer_rows WHERE NOT scored "
                       "ORDER BY revenue_12m DESC, customer_id", {}),
    "report": ("SELECT * FROM customer_rows ORDER BY customer_id", {}),
}


def _select(view: View, name: str) -> tuple[str, dict]:
    if name == "segments":
        # The keys follow the filters: a region filter lists only those regions, and so on.
        sql = _SEGMENT_SELECT.format(
            region_filter="list_contains($f_regions, r.region_id)" if view.regions else "true",
            industry_filter="list_contains($f_industries, i.industry_id)" if view.industries
            else "true")
        return sql, {"tier_groups": list(TIER_GROUPS), "lifecycles": list(LIFECYCLES)}
    return _SELECTS[name]


def customer_list(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Every customer in the filters with attractiveness, feasibility, tier, lifecycle (P/A/D/R),
    revenue_12m and ABC class (SPEC §5.6), largest revenue_12m first."""
    return _query(con, view, "customers")


# Tiles that need a table the snapshot may lack (SPEC §9): not available, never 0.
_NEEDS = {
    "customer_scores": ("scored", "unscored", "tier_1", "tier_2", "tier_3", "not_pursued",
                        "tier_1_idle"),
    "activities": ("tier_1_idle",),
    "revenue": ("lifecycle_p", "lifecycle_a", "lifecycle_d", "lifecycle_r", "with_revenue",
                "abc_a", "abc_b", "abc_c", "abc_a_customer_share", "revenue_12m",
                "abc_a_revenue_share", "dormant_prior_revenue"),
}


def _summary(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> dict:
    values = {key: _clean(value) for key, value in frame.to_dict("records")[0].items()}
    missing = availability.unavailable(con)
    for group, keys in _NEEDS.items():
        values = availability.blank(values, keys, group in missing)
    return values


def summary(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """The customer tiles: customers, tiers (1 focus, 2 serve, 3 develop, not pursued, unscored),
    lifecycle counts P/A/D/R, ABC counts and the A customers' share of revenue_12m."""
    return _summary(con, _query(con, view, "summary"))


def segment_counts(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Customers per region and per industry by tier group (tier1/2/3, not_pursued, unscored) and
    by lifecycle class (P/A/D/R); every combination, zero counts included. Long format:
    dimension, key, measure (tier | lifecycle), category, customers."""
    return _query(con, view, "segments")


def matrix_cells(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """The prioritisation matrix (SPEC §5.6) as counts: scored customers per cell of
    ``MATRIX_CELL_POINTS`` attractiveness × feasibility points, cell edges on the tier threshold
    (a score of 10 counts in the cell below 10). Columns: attractiveness_low, attractiveness_high,
    feasibility_low, feasibility_high (a cell holds low ≤ score < high), tier_group, customers,
    revenue_12m (their sum); by attractiveness, then feasibility."""
    return _query(con, view, "matrix_cells")


def matrix_accounts(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """The ``MATRIX_ACCOUNTS`` scored customers with the largest positive revenue_12m, to name on
    the matrix: customer_id, name, region_id, tier_group, attractiveness, feasibility,
    revenue_12m; largest first."""
    return _query(con, view, "matrix_accounts")


def pareto(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """The Pareto curve: customers with revenue_12m > 0, largest first, with their share of the
    customers and the cumulative share of revenue_12m (≤ 80% A, ≤ 95% B, else C); thinned to
    about ``PARETO_POINTS`` points, keeping each class's last customer."""
    return _query(con, view, "pareto")


def top_accounts(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """The ``TOP_ACCOUNTS`` customers with the largest revenue_12m, with tier, lifecycle and
    ABC class."""
    return _query(con, view, "top_accounts")


def dormant(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Dormant customers to win back (lifecycle R: ordered before, nothing within 12 months) with
    their last order and past revenue, largest revenue of the year before first."""
    return _query(con, view, "dormant")


def tier_1_idle(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Tier-1 (focus) customers with no activity of any type in the fiscal quarter containing
    as_of (quarter start to as_of), largest revenue_12m first."""
    return _query(con, view, "tier_1_idle")


def missing_scores(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Customers without a score on every weighted criterion (scored = false, tier null), with
    the criteria missing, largest revenue_12m first."""
    return _query(con, view, "missing_scores")


OVERVIEW_PARTS = ("summary", "matrix_cells", "matrix_accounts", "segments", "pareto",
                  "top_accounts", "dormant", "tier_1_idle", "missing_scores")


def overview(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """Everything the customers page shows: the view's customer rows (``_rows``: a snapshot
    table for the national view, else computed once into a temporary table of this cursor from
    the snapshot's ``customer_base``), then each part a select over them. Keys:
    ``OVERVIEW_PARTS``."""
    params = _customer_rows_sql(view)[1]
    with _base(con, view), _rows(con, view):
        out = {}
        for name in OVERVIEW_PARTS:
            select, extra = _select(view, name)
            out[name] = _run(con, select, {**params, **extra})
    out["summary"] = _summary(con, out["summary"])
    return out


REPORT_COLUMNS = ("customer_id", "attractiveness", "feasibility", "tier", "lifecycle",
                  "revenue_12m", "abc_class")


def report_customers(con: duckdb.DuckDBPyConnection, view: View) -> list[dict]:
    """SPEC §7 ``customers``: customer_id, attractiveness, feasibility, tier (1, 2, 3, or null =
    not pursued), lifecycle (P/A/D/R), revenue_12m, abc_class (A/B/C, null without revenue)."""
    frame = _query(con, view, "report")
    return [{key: _clean(row[key]) for key in REPORT_COLUMNS}
            for row in frame.to_dict("records")]


def _clean(value):
    """A plain Python value for JSON: NaN/NA become None, numpy scalars Python ones, whole-number
    tiers ints."""
    if value is None or (not isinstance(value, (str, list)) and pd.isna(value)):
        return None
    value = value.item() if hasattr(value, "item") else value
    return value
