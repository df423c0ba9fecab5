"""Gross-margin alerts (SPEC §5.5): where margin leaks, how much money is at stake, who acts.

Each rule yields rows ``(rule, severity, entity_type, entity_id, entity_name, value, threshold,
at_stake, owner)``; ``at_stake`` is money, the margin that would have been earned at the threshold.
Thresholds come from ``[alerts]`` and ``[alerts.margin_floor]`` of the configuration.

- margin_floor: an order line (revenue > 0, period to date) with gm_pct below its product line's
  floor; at_stake = (floor − gm_pct) × revenue
- deep_discount: an order line (not a return) with discount_pct above the limit; at_stake =
  (discount − limit) × list value, list value = revenue ÷ (1 − discount) (quantity × list price
  for a line given away at 100%): the revenue, hence margin, the line would have kept at the limit
- special_price_share: a region's special-price revenue ÷ revenue above the limit; at_stake =
  excess special-price revenue (share − limit) × revenue × (gm_pct of the region's other lines −
  gm_pct of its special-price lines, at least 0): the margin lost on the excess by selling it at
  special prices instead of regular ones (a region with no regular lines: the view's regular
  gm_pct)
- margin_erosion: a region × product line whose gm_pct in the period to date is more than the
  configured points below its trailing baseline, the 13 weeks (91 days) right before the period
  starts; at_stake = (baseline − current) × current revenue
- at_risk_deal: an open key opportunity (amount ≥ key_opportunity_min) whose expected_margin_pct
  is below its product line's floor, whatever its close date; at_stake = (floor − expected) × amount
- high_margin_mix: a region's high-margin product revenue share below the target; at_stake =
  (target − share) × revenue × (gm_pct of high-margin products − gm_pct of the rest, at least 0),
  both measured over the whole view so a region that sold no high-margin product still gets a number

Severity: ``critical`` when the gap is ≥ critical_points (5 points) or at_stake ≥ critical_at_stake
(¥500,000), else ``warning``. The gap is in ratio points, positive when worse than the threshold.
Owner: the rep of an order line or deal (the regional lead when that rep is inactive); for a
region, its lead: the top of the region's manager chain.

A product line without a floor is not checked by the floor rules (``unchecked_product_lines``
names those that have lines or key deals in the view). Returns (negative revenue) count in the
region and product-line totals; a line's own rules skip them. A ratio over zero revenue is null
and fires nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, fields

import duckdb
import pandas as pd

from data import config
from metrics.periods import Period, quarter_of
from data.config import setting
from metrics.view import (REGION_DAYS, View, filters, reads_region_days, snapshot_parts,
                          snapshot_tables, temporary_tables, text_frame, used)

RULES = ("margin_floor", "deep_discount", "special_price_share", "margin_erosion",
         "at_risk_deal", "high_margin_mix")
SEVERITIES = ("critical", "warning")
ENTITY_TYPES = {"margin_floor": "order_line", "deep_discount": "order_line",
                "special_price_share": "region", "margin_erosion": "region_product_line",
                "at_risk_deal": "opportunity", "high_margin_mix": "region"}
# The SPEC §7 keys of the headless report, plus the owner's name beside the owner's rep_id.
REPORT_KEYS = ("rule", "severity", "entity_type", "entity_id", "entity_name", "value",
               "threshold", "at_stake", "owner", "owner_name")

# The trailing baseline of margin_erosion: the 13 weeks right before the period's first day, so
# "this period" is compared with what came before it and never with itself. Counted in days, not
# ISO weeks, because a fiscal quarter may start mid-week (FY26Q3 starts on a Thursday).
EROSION_BASELINE_DAYS = 13 * 7

# ----------------------------------------------------------------------------------- thresholds

@dataclass(frozen=True)
class Thresholds:
    """The ``[alerts]`` settings and the product lines' floors in force. Ratios are fractions
    (0.08 = 8%)."""

    margin_floor: tuple[tuple[str, float], ...]  # (product_line, floor), product lines with one
    deep_discount: float
    special_price_share: float
    margin_erosion_points: float
    high_margin_mix: float
    critical_points: float
    critical_at_stake: float

    def floor(self, product_line: str) -> float | None:
        return dict(self.margin_floor).get(product_line)


def thresholds() -> Thresholds:
    """The alert thresholds in force (the configuration model checked them)."""
    current = config.current()
    values = current.section("alerts")
    return Thresholds(margin_floor=tuple(sorted(current.margin_floors.items())),
                      **{f.name: float(values[f.name]) for f in fields(Thresholds)
                         if f.name != "margin_floor"})


# ------------------------------------------------------------------------------------- queries

def _window(view: View) -> tuple[dt.date, dt.date]:
    """The period to date; an empty range (end before start) for a period after as_of."""
    start = view.period.start
    return start, view.to_date_end or start - dt.timedelta(days=1)


def erosion_baseline(period: Period) -> tuple[dt.date, dt.date]:
    """The trailing baseline margin_erosion compares the period with: the 13 weeks (91 days)
    right before the period's first day."""
    return (period.start - dt.timedelta(days=EROSION_BASELINE_DAYS),
            period.start - dt.timedelta(days=1))


def _params(view: View, limits: Thresholds) -> dict:
    start, to_date = _window(view)
    base_start, base_end = erosion_baseline(view.period)
    previous = last_quarter(view.period)
    last_end = min(previous.end, view.as_of)
    return {
        "start": start, "to_date": to_date, "base_start": base_start, "base_end": base_end,
        "last_start": previous.start, "last_end": last_end,
        "sums_first": min(start, base_start, previous.start),
        "sums_last": max(to_date, base_end, last_end),
        "floor_lines": [line for line, _ in limits.margin_floor],
        "floor_values": [value for _, value in limits.margin_floor],
        "discount_limit": limits.deep_discount,
        "special_limit": limits.special_price_share,
        "erosion_points": limits.margin_erosion_points,
        "mix_target": limits.high_margin_mix,
        "critical_points": limits.critical_points,
        "critical_at_stake": limits.critical_at_stake,
        "key_min": setting("business.key_opportunity_min"),
    }


# Shared CTEs. Gaps are rounded to 1e-9 before any comparison: a line priced exactly at its floor
# (8.00 margin on 100.00 revenue) must not fire because of binary floating point.
_COMMON_CTES = """
floors AS (
    SELECT unnest($floor_lines::VARCHAR[]) AS product_line,
           unnest($floor_values::DOUBLE[]) AS floor
),
reports AS (
    SELECT manager_id AS rep_id, count(*) AS direct_reports
    FROM reps WHERE manager_id IS NOT NULL GROUP BY ALL
),
leads AS (
    -- A region's lead: the top of its manager chain (no manager, or a manager outside the
    -- region); active reps first, then the one with most direct reports.
    SELECT r.region_id, r.rep_id, r.name
    FROM reps r
    LEFT JOIN reps m ON m.rep_id = r.manager_id
    LEFT JOIN reports d ON d.rep_id = r.rep_id
    WHERE m.rep_id IS NULL OR m.region_id <> r.region_id
    QUALIFY row_number() OVER (PARTITION BY r.region_id
                               ORDER BY r.active DESC, coalesce(d.direct_reports, 0) DESC,
                                        r.rep_id) = 1
),
lines AS (
    -- The view's order lines to date that may fire a line rule: below the floor or above the
    -- discount limit by any amount (a cheap superset; each rule applies its exact test), so the
    -- rules never hold the period's other lines.
    SELECT * FROM alert_candidates o
    WHERE o.order_date BETWEEN $start AND $to_date AND {order_filter}
),
region_sums AS ({region_sums}),
sums AS (
    SELECT region_id, product_line, special_price, high_margin, revenue, gross_margin,
           positive_lines
    FROM region_sums WHERE period_rows > 0
),
history AS (
    SELECT region_id, product_line, sum(base_revenue) AS base_revenue,
           sum(base_gross_margin) AS base_gross_margin, sum(last_revenue) AS last_revenue,
           sum(last_gross_margin) AS last_gross_margin
    FROM region_sums WHERE history_rows > 0
    GROUP BY ALL
)"""

# The sums the region rules, the gm tiles, the mix chart and the unchecked product lines read:
# the view's order lines to date (``sums``) and before the period (``history``: the erosion
# baseline and the last fiscal quarter to date), both from ``region_sums``, one scan of the
# snapshot's daily sums (data/extracts.py; ``region_days`` when the view filters neither
# industries nor a channel). Exact decimal sums, so sums of these equal sums over the lines.
# ``overview`` computes ``region_sums`` once into a temporary table of its cursor.
_SUMS_SQL = {
    # One scan of the daily sums over the days of the period and of the history: per region,
    # product line, special price and high-margin flag, each window's sums and how many days'
    # rows it has (a group without any is not in that window).
    "region_sums": """
    SELECT o.region_id, o.product_line, o.special_price, o.high_margin,
           sum(o.revenue) FILTER (WHERE o.order_date BETWEEN $start AND $to_date) AS revenue,
           sum(o.gross_margin) FILTER (WHERE o.order_date BETWEEN $start AND $to_date)
               AS gross_margin,
           sum(o.positive_lines) FILTER (WHERE o.order_date BETWEEN $start AND $to_date)
               AS positive_lines,
           count(*) FILTER (WHERE o.order_date BETWEEN $start AND $to_date) AS period_rows,
           sum(o.revenue) FILTER (WHERE o.order_date BETWEEN $base_start AND $base_end)
               AS base_revenue,
           sum(o.gross_margin) FILTER (WHERE o.order_date BETWEEN $base_start AND $base_end)
               AS base_gross_margin,
           sum(o.revenue) FILTER (WHERE o.order_date BETWEEN $last_start AND $last_end)
               AS last_revenue,
           sum(o.gross_margin) FILTER (WHERE o.order_date BETWEEN $last_start AND $last_end)
               AS last_gross_margin,
           count(*) FILTER (WHERE o.order_date BETWEEN $base_start AND $base_end
                              OR o.order_date BETWEEN $last_start AND $last_end) AS history_rows
    FROM {daily_sums} o
    WHERE o.order_date BETWEEN $sums_first AND $sums_last
      AND (o.order_date BETWEEN $start AND $to_date
           OR o.order_date BETWEEN $base_start AND $base_end
           OR o.order_date BETWEEN $last_start AND $last_end)
      AND {order_filter}
    GROUP BY ALL
""",
}
_SHARED_TABLES = {"region_sums": "alert_region_sums"}

# Over the revenue of products whose high_margin flag is known: a snapshot without a products
# table (SPEC §9: derived, flags unknown) has no share, so the rule cannot fire on it.
_MIX_CTE = """
mix AS (
    SELECT region_id, sum(revenue) FILTER (WHERE high_margin IS NOT NULL) AS revenue,
           coalesce(sum(revenue) FILTER (WHERE high_margin), 0) AS high_margin_revenue,
           CASE WHEN sum(revenue) FILTER (WHERE high_margin IS NOT NULL) > 0
                THEN (coalesce(sum(revenue) FILTER (WHERE high_margin), 0)
                      / sum(revenue) FILTER (WHERE high_margin IS NOT NULL))::DOUBLE
           END AS share
    FROM sums GROUP BY ALL
)"""

_RULE_SQL = {
    "margin_floor": """
SELECT 'margin_floor' AS rule, 'order_line' AS entity_type, l.entity_id, l.entity_rank,
       l.entity_name, l.region_id, l.product_line, l.gm_pct AS value, l.floor AS threshold,
       round(l.floor - l.gm_pct, 9) AS gap,
       l.floor * l.revenue - l.gross_margin AS at_stake,
       l.revenue AS amount, l.rep_id AS line_rep_id
FROM lines l
WHERE l.revenue > 0 AND round(l.floor - l.gm_pct, 9) > 0""",
    "deep_discount": """
SELECT 'deep_discount' AS rule, 'order_line' AS entity_type, l.entity_id, l.entity_rank,
       l.entity_name, l.region_id, l.product_line, l.discount_pct AS value, $discount_limit AS threshold,
       round(l.discount_pct - $discount_limit, 9) AS gap,
       (l.discount_pct - $discount_limit)
           * coalesce(l.revenue / nullif(1 - l.discount_pct, 0), l.quantity * l.list_price)
           AS at_stake,
       l.revenue AS amount, l.rep_id AS line_rep_id
FROM lines l
WHERE l.quantity > 0 AND l.revenue >= 0 AND round(l.discount_pct - $discount_limit, 9) > 0""",
    "special_price_share": """
SELECT 'special_price_share' AS rule, 'region' AS entity_type, s.region_id AS entity_id,
       g.name_en AS entity_name, s.region_id, NULL::VARCHAR AS product_line,
       s.share AS value, $special_limit AS threshold,
       round(s.share - $special_limit, 9) AS gap,
       (s.share - $special_limit) * s.revenue
           * greatest(coalesce(coalesce(s.regular_gm, v.regular_gm) - s.special_gm, 0), 0)
           AS at_stake,
       s.revenue AS amount, NULL::VARCHAR AS line_rep_id
FROM (
    SELECT region_id, sum(revenue) AS revenue,
           CASE WHEN sum(revenue) > 0 THEN (coalesce(sum(revenue) FILTER (WHERE special_price), 0)
                                            / sum(revenue))::DOUBLE END AS share,
           (sum(gross_margin) FILTER (WHERE special_price)
            / nullif(sum(revenue) FILTER (WHERE special_price), 0))::DOUBLE AS special_gm,
           (sum(gross_margin) FILTER (WHERE NOT special_price)
            / nullif(sum(revenue) FILTER (WHERE NOT special_price), 0))::DOUBLE AS regular_gm
    FROM sums GROUP BY ALL
) s
CROSS JOIN (
    SELECT (sum(gross_margin) FILTER (WHERE NOT special_price)
            / nullif(sum(revenue) FILTER (WHERE NOT special_price), 0))::DOUBLE AS regular_gm
    FROM sums
) v
LEFT JOIN regions g USING (region_id)
WHERE round(s.share - $special_limit, 9) > 0""",
    "margin_erosion": """
SELECT 'margin_erosion' AS rule, 'region_product_line' AS entity_type,
       cur.region_id || '/' || cur.product_line AS entity_id,
       g.name_en || ' · ' || cur.product_line AS entity_name,
       cur.region_id, cur.product_line, cur.gm_pct AS value, base.gm_pct AS threshold,
       round(base.gm_pct - cur.gm_pct, 9) AS gap,
       (base.gm_pct - cur.gm_pct) * cur.revenue AS at_stake,
       cur.revenue AS amount, NULL::VARCHAR AS line_rep_id
FROM (
    SELECT region_id, product_line, sum(revenue) AS revenue,
           CASE WHEN sum(revenue) > 0 THEN (sum(gross_margin) / sum(revenue))::DOUBLE END AS gm_pct
    FROM sums GROUP BY ALL
) cur
JOIN (
    SELECT region_id, product_line,
           CASE WHEN base_revenue > 0 THEN (base_gross_margin / base_revenue)::DOUBLE END AS gm_pct
    FROM history
) base USING (region_id, product_line)
LEFT JOIN regions g USING (region_id)
WHERE round(base.gm_pct - cur.gm_pct, 9) > $erosion_points""",
    "at_risk_deal": """
SELECT 'at_risk_deal' AS rule, 'opportunity' AS entity_type, o.opportunity_id AS entity_id,
       o.name AS entity_name, o.region_id, o.product_line,
       o.expected_margin_pct AS value, f.floor AS threshold,
       round(f.floor - o.expected_margin_pct, 9) AS gap,
       (f.floor - o.expected_margin_pct) * o.amount AS at_stake,
       o.amount, o.rep_id AS line_rep_id
FROM opportunities o
JOIN floors f USING (product_line)
WHERE o.status = 'open' AND o.amount >= $key_min
  AND round(f.floor - o.expected_margin_pct, 9) > 0 AND {opportunity_filter}""",
    "high_margin_mix": """
SELECT 'high_margin_mix' AS rule, 'region' AS entity_type, m.region_id AS entity_id,
       g.name_en AS entity_name, m.region_id, NULL::VARCHAR AS product_line,
       m.share AS value, $mix_target AS threshold,
       round($mix_target - m.share, 9) AS gap,
       ($mix_target - m.share) * m.revenue * greatest(coalesce(u.uplift, 0), 0) AS at_stake,
       m.revenue AS amount, NULL::VARCHAR AS line_rep_id
FROM mix m
CROSS JOIN (
    SELECT (sum(gross_margin) FILTER (WHERE high_margin)
            / nullif(sum(revenue) FILTER (WHERE high_margin), 0)
            - sum(gross_margin) FILTER (WHERE NOT high_margin)
            / nullif(sum(revenue) FILTER (WHERE NOT high_margin), 0))::DOUBLE AS uplift
    FROM sums
) u
LEFT JOIN regions g USING (region_id)
WHERE round($mix_target - m.share, 9) > 0""",
}

_LINE_RULES = {"margin_floor", "deep_discount"}

_ALERTS_SQL = """
SELECT f.rule,
       CASE WHEN f.gap >= $critical_points OR round(f.at_stake, 2) >= $critical_at_stake
            THEN 'critical' ELSE 'warning' END AS severity,
       f.entity_type, f.entity_id, f.entity_name, f.value, f.threshold,
       round(f.at_stake, 2)::DOUBLE AS at_stake,
       coalesce(CASE WHEN rep.active THEN rep.rep_id END, lead.rep_id, rep.rep_id) AS owner_id,
       coalesce(CASE WHEN rep.active THEN rep.name END, lead.name, rep.name) AS owner_name,
       f.region_id, f.product_line, f.gap, f.amount::DOUBLE AS amount
FROM (
{rules}
) f
LEFT JOIN reps rep ON rep.rep_id = f.line_rep_id
LEFT JOIN leads lead ON lead.region_id = f.region_id
ORDER BY at_stake DESC NULLS LAST, f.rule, {rank}f.entity_id
"""


def _split_ctes(text: str) -> dict[str, str]:
    """``name AS (body)`` items of a WITH list (each starting a line) as name → body."""
    items = re.split(r"^(\w+) AS \(", text.strip(), flags=re.MULTILINE)[1:]
    return {name: body.rstrip().rstrip(",").rstrip()[:-1]
            for name, body in zip(items[::2], items[1::2])}


_CTES = _split_ctes(f"{_COMMON_CTES},\n{_MIX_CTE}")


def _with(select: str) -> str:
    """``select`` after the shared CTEs it reads, directly or through another (DuckDB plans
    every CTE of a statement's text; the small statements read two or three of seven)."""
    needed: set[str] = set()
    pending = [select]
    while pending:
        text = pending.pop()
        for name in _CTES:
            if name not in needed and re.search(rf"\b{name}\b", text):
                needed.add(name)
                pending.append(_CTES[name])
    ctes = ",\n".join(f"{name} AS ({body})" for name, body in _CTES.items() if name in needed)
    return f"WITH {ctes}\n{select}" if ctes else select


def _statement(view: View, select: str, shared: bool) -> tuple[str, dict]:
    """``WITH <the shared CTEs it reads> <select>`` and its parameters, the view's filters bound.
    ``shared``: ``region_sums`` reads the temporary table ``_shared`` made."""
    order_filter, order_params = filters(view, "o", table="orders")
    opportunity_filter, opportunity_params = filters(view, "o", table="opportunities")
    parts = {name: (f"SELECT * FROM temp.{_SHARED_TABLES[name]}" if shared else sql)
             for name, sql in _SUMS_SQL.items()}
    daily_sums = "region_days" if reads_region_days(view) else "daily_sums"
    sql = _with(select)
    # The sums' placeholders first: their SQL names the filters and the daily sums.
    for name, text in {**parts, "daily_sums": daily_sums, "order_filter": order_filter,
                       "opportunity_filter": opportunity_filter}.items():
        sql = sql.replace("{" + name + "}", text)
    params = {**_params(view, thresholds()), **order_params, **opportunity_params}
    return sql, used(sql, params)


def _shared(con: duckdb.DuckDBPyConnection, view: View):
    """Within the block, statements built with ``shared=True`` read ``region_sums`` (and so
    ``sums`` and ``history``) from a temporary table of this cursor, computed once here."""
    return temporary_tables(con, {
        _SHARED_TABLES[name]: _statement(view, f"SELECT * FROM {name}", shared=False)
        for name in _SUMS_SQL})


# Every order line of the snapshot that may fire a line rule under the thresholds in force
# (4% of the lines at 10M), in date order, with its alert's entity id and name and the rank of
# the id among them: computed once per served snapshot and configuration (``snapshot_tables``),
# so a view's line rules read its days of these instead of a quarter's order lines.
_CANDIDATES_SELECT = """
SELECT *, row_number() OVER (ORDER BY entity_id) AS entity_rank
FROM (
    SELECT o.order_id, o.line_no, o.order_date, o.customer_id, o.rep_id, o.region_id,
           o.industry_id, o.product_line, o.channel, o.quantity, o.revenue, o.discount_pct,
           p.list_price, p.name AS product_name, (o.revenue - o.cost) AS gross_margin, f.floor,
           CASE WHEN o.revenue > 0 THEN ((o.revenue - o.cost) / o.revenue)::DOUBLE END AS gm_pct,
           o.order_id || '/' || o.line_no AS entity_id,
           concat_ws(' · ', c.name, p.name) AS entity_name
    FROM orders o
    LEFT JOIN products p USING (product_id)
    LEFT JOIN customers c USING (customer_id)
    LEFT JOIN floors f ON f.product_line = o.product_line
    WHERE (o.revenue > 0 AND (o.revenue - o.cost)::DOUBLE < f.floor * o.revenue::DOUBLE)
       OR (o.quantity > 0 AND o.revenue >= 0 AND o.discount_pct > $discount_limit)
)
ORDER BY order_date
"""

@snapshot_parts
def _snapshot_parts(view: View) -> dict[str, tuple[str, dict]]:
    return {"alert_candidates": (_with(_CANDIDATES_SELECT), _params(view, thresholds())),
            **REGION_DAYS}


def _snapshot_rows(con: duckdb.DuckDBPyConnection, view: View):
    """Within the block the cursor reads ``alert_candidates`` (``_CANDIDATES_SELECT``) and
    ``region_days`` (``metrics.view.REGION_DAYS``), which every statement of the rules may
    read."""
    return snapshot_tables(con, _snapshot_parts(view))


def _fired(con: duckdb.DuckDBPyConnection, view: View, rules: tuple[str, ...]) -> pd.DataFrame:
    with _snapshot_rows(con, view):
        return _alerts(con, view, rules)


def _alerts(con: duckdb.DuckDBPyConnection, view: View, rules: tuple[str, ...],
            shared: bool = False) -> pd.DataFrame:
    """The alerts of ``rules``; within ``_snapshot_rows``."""
    fired = "\nUNION ALL BY NAME\n".join(_RULE_SQL[rule] for rule in rules)  # fixed allow-list
    # A line rule's entity_rank orders its entity ids as entity_id does, as a number (the other
    # rules have none: UNION BY NAME makes it null there).
    rank = "f.entity_rank, " if _LINE_RULES & set(rules) else ""
    sql, params = _statement(view, _ALERTS_SQL.format(rules=fired, rank=rank), shared)
    # Mostly text: tens of thousands of line alerts at national scale.
    return text_frame(con, sql, params)


def margin_floor(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """An order line (revenue > 0, in the period) whose gm_pct is below its product line's floor."""
    return _fired(con, view, ("margin_floor",))


def deep_discount(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """An order line with discount_pct above the limit (default 25%)."""
    return _fired(con, view, ("deep_discount",))


def special_price_share(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """A region's special-price revenue share above the limit (default 15%)."""
    return _fired(con, view, ("special_price_share",))


def margin_erosion(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """A region × product line gm_pct this period below its trailing 13-week gm_pct by more than
    the configured points (default 2)."""
    return _fired(con, view, ("margin_erosion",))


def at_risk_deal(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """An open key opportunity whose expected_margin_pct is below its floor (warn before it is
    booked)."""
    return _fired(con, view, ("at_risk_deal",))


def high_margin_mix(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """A region's high-margin product revenue share below target (default 30%)."""
    return _fired(con, view, ("high_margin_mix",))


def alerts(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Every rule's alerts ``(rule, severity, entity_type, entity_id, entity_name, value,
    threshold, at_stake, owner)``, sorted by at_stake, largest first."""
    return _fired(con, view, RULES)


def report_alerts(con: duckdb.DuckDBPyConnection, view: View) -> list[dict]:
    """SPEC §7 ``alerts``: rule, severity, entity_type, entity_id, entity_name, value, threshold,
    at_stake, owner (the rep_id to route to; its name as ``owner_name``); largest at_stake first."""
    frame = alerts(con, view).rename(columns={"owner_id": "owner"})
    return [{key: _clean(row[key]) for key in REPORT_KEYS}
            for row in frame.to_dict("records")]


# ------------------------------------------------------------------------------ page summaries

def last_quarter(period: Period) -> Period:
    """The fiscal quarter before the one the period starts in (FY26Q3 → FY26Q2)."""
    return quarter_of(quarter_of(period.start).start - dt.timedelta(days=1))


_GM_SQL = """
SELECT (sum(gross_margin) / nullif(sum(revenue), 0))::DOUBLE AS gm_pct,
       (SELECT (sum(last_gross_margin) / nullif(sum(last_revenue), 0))::DOUBLE FROM history)
           AS last_quarter_gm_pct
FROM sums
"""

_UNCHECKED_SQL = """
SELECT DISTINCT product_line FROM (
    SELECT product_line FROM sums WHERE positive_lines > 0
    UNION ALL
    SELECT product_line FROM opportunities o
    WHERE o.status = 'open' AND o.amount >= $key_min AND {opportunity_filter}
)
WHERE NOT list_contains($floor_lines::VARCHAR[], product_line)
ORDER BY product_line
"""


def unchecked_product_lines(con: duckdb.DuckDBPyConnection, view: View) -> list[str]:
    """Product lines with order lines or open key deals in the view but no margin floor: the
    floor rules (margin_floor, at_risk_deal) do not check them."""
    with _snapshot_rows(con, view):
        return _unchecked(con, view, shared=False)


def _unchecked(con: duckdb.DuckDBPyConnection, view: View, shared: bool) -> list[str]:
    return [row[0] for row in con.execute(*_statement(view, _UNCHECKED_SQL, shared)).fetchall()]


def overview(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """What the alerts page shows above its trend chart, from one computation of the period's
    sums and one run of the rules: ``alerts`` (the frame of ``alerts``), ``summary`` (``summary``
    of that frame) and ``mix`` (``high_margin_mix_by_region``)."""
    with _snapshot_rows(con, view), _shared(con, view):
        frame = _alerts(con, view, RULES, shared=True)
        return {"alerts": frame, "summary": _summary(con, view, frame, shared=True),
                "mix": _mix(con, view, shared=True)}


def summary(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """The page's tiles: alerts by severity, margin at stake on booked orders (every rule but
    at_risk_deal) and in open deals, at_stake by rule and severity (``by_rule``, with each rule's
    totals), gm_pct of the period to date and of the last fiscal quarter, and the product lines
    no floor checks."""
    with _snapshot_rows(con, view):
        return _summary(con, view, _alerts(con, view, RULES), shared=False)


def _summary(con: duckdb.DuckDBPyConnection, view: View, frame: pd.DataFrame,
             shared: bool) -> dict:
    booked = frame["rule"] != "at_risk_deal"
    # One column's size and sum: half the time of named aggregations over the frame (43k alerts
    # at national scale).
    by_rule = (frame.groupby(["rule", "severity"])["at_stake"]
               .agg(count="size", at_stake="sum").reset_index())
    by_rule["rule_count"] = by_rule.groupby("rule")["count"].transform("sum")
    by_rule["rule_at_stake"] = by_rule.groupby("rule")["at_stake"].transform("sum")
    by_rule["order"] = by_rule["rule"].map(RULES.index)
    by_rule = by_rule.sort_values(["order", "severity"]).drop(columns="order")
    gm, last_gm = con.execute(*_statement(view, _GM_SQL, shared)).fetchone()
    return {
        "critical": int((frame["severity"] == "critical").sum()),
        "warning": int((frame["severity"] == "warning").sum()),
        "count": len(frame),
        "at_stake_booked": float(frame.loc[booked, "at_stake"].sum()),
        "at_stake_deals": float(frame.loc[~booked, "at_stake"].sum()),
        "deals_at_risk": int((~booked).sum()),
        "by_rule": by_rule.reset_index(drop=True),
        "gm_pct": gm,
        "last_quarter": last_quarter(view.period).code,
        "last_quarter_gm_pct": last_gm,
        "gm_change": gm - last_gm if gm is not None and last_gm is not None else None,
        "unchecked_product_lines": _unchecked(con, view, shared),
    }


_TREND_SQL = """
WITH floors AS (
    SELECT unnest($floor_lines::VARCHAR[]) AS product_line,
           unnest($floor_values::DOUBLE[]) AS floor
),
weeks AS (
    SELECT unnest(generate_series($first_week, $last_week, INTERVAL 7 DAY))::DATE AS week_start
),
weekly AS (
    -- The snapshot's weekly_sums extract (data/extracts.py): order lines up to as_of by week.
    SELECT week_start, product_line, sum(revenue) AS revenue, sum(revenue - cost) AS gross_margin
    FROM weekly_sums o
    WHERE o.week_start BETWEEN $first_week AND $last_week AND {order_filter}
    GROUP BY ALL
),
lines AS (SELECT DISTINCT product_line FROM weekly)
SELECT strftime(weeks.week_start, '%G-W%V') AS week, weeks.week_start, lines.product_line,
       coalesce(weekly.revenue, 0)::DOUBLE AS revenue,
       CASE WHEN weekly.revenue > 0 THEN (weekly.gross_margin / weekly.revenue)::DOUBLE END
           AS gm_pct,
       floors.floor
FROM weeks CROSS JOIN lines
LEFT JOIN weekly USING (week_start, product_line)
LEFT JOIN floors USING (product_line)
ORDER BY coalesce(list_position($line_order, lines.product_line), 99), lines.product_line,
         weeks.week_start
"""


def gm_trend(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """gm_pct by product line for each of the last ``trend_weeks`` ISO weeks ending with the
    snapshot's week, with the line's floor (null without one); the period filter does not apply."""
    limits = thresholds()
    last_week = view.as_of - dt.timedelta(days=view.as_of.isoweekday() - 1)
    first_week = last_week - dt.timedelta(weeks=setting("dashboard.trend_weeks") - 1)
    order_filter, params = filters(view, "o", table="orders")
    return con.execute(_TREND_SQL.format(order_filter=order_filter), {
        "first_week": first_week, "last_week": last_week,
        "floor_lines": [line for line, _ in limits.margin_floor],
        "floor_values": [value for _, value in limits.margin_floor],
        "line_order": list(config.current().product_lines), **params}).df()


_MIX_SQL = """
SELECT m.region_id, m.revenue::DOUBLE AS revenue,
       m.high_margin_revenue::DOUBLE AS high_margin_revenue, m.share,
       $mix_target AS target, round($mix_target - m.share, 9) > 0 AS below_target
FROM mix m
WHERE m.share IS NOT NULL
ORDER BY m.share, m.region_id
"""


def high_margin_mix_by_region(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Each region's high-margin product revenue share in the period to date against the target,
    lowest first (regions without positive revenue are left out)."""
    with _snapshot_rows(con, view):
        return _mix(con, view, shared=False)


def _mix(con: duckdb.DuckDBPyConnection, view: View, shared: bool) -> pd.DataFrame:
    return con.execute(*_statement(view, _MIX_SQL, shared)).df()


# ---------------------------------------------------------------------------------- drill-down

_LINES_SQL = """
SELECT o.order_date, o.order_id, o.line_no, c.name AS customer, r.name AS rep, o.rep_id,
       p.name AS product, p.high_margin, o.product_line, o.region_id, o.industry_id, o.channel,
       o.quantity, o.revenue::DOUBLE AS revenue, o.cost::DOUBLE AS cost,
       (o.revenue - o.cost)::DOUBLE AS gross_margin,
       CASE WHEN o.revenue > 0 THEN ((o.revenue - o.cost) / o.revenue)::DOUBLE END AS gm_pct,
       o.discount_pct, o.special_price, o.opportunity_id
FROM orders o
LEFT JOIN customers c USING (customer_id)
LEFT JOIN reps r ON r.rep_id = o.rep_id
LEFT JOIN products p USING (product_id)
WHERE {where}
ORDER BY o.revenue DESC, o.order_date DESC, o.order_id, o.line_no
LIMIT $rows
"""
# Counted apart, and only when the list is full: a count(*) OVER () beside the list would make
# DuckDB hold every matching line with its names before keeping the top ones. A region alert's
# lines are counted from the snapshot's daily sums (data/extracts.py), which carry every column
# they are chosen by.
_COUNT_SQL = {"order_line": "SELECT count(*) FROM orders o WHERE {where}",
              "region": "SELECT coalesce(sum(o.lines), 0) FROM daily_sums o WHERE {where}"}

_IN_VIEW = "o.order_date BETWEEN $start AND $to_date AND {order_filter}"
# What each rule's entity covers, as a fixed predicate on order lines.
_DRILL_WHERE = {
    "order_line": "o.order_id = $order_id AND o.line_no = $line_no",
    "special_price_share": f"{_IN_VIEW} AND o.region_id = $region_id AND o.special_price",
    "high_margin_mix": f"{_IN_VIEW} AND o.region_id = $region_id",
    "margin_erosion": f"{_IN_VIEW} AND o.region_id = $region_id AND o.product_line = $line",
}

_DEAL_SQL = """
WITH floors AS (
    SELECT unnest($floor_lines::VARCHAR[]) AS product_line,
           unnest($floor_values::DOUBLE[]) AS floor
)
SELECT o.opportunity_id, o.name, c.name AS customer, r.name AS rep, o.rep_id, o.region_id,
       o.industry_id, o.product_line, o.stage, o.status, o.amount::DOUBLE AS amount,
       o.expected_margin_pct, f.floor,
       ((f.floor - o.expected_margin_pct) * o.amount)::DOUBLE AS margin_short_of_floor,
       o.expected_close_date, o.last_activity_date, o.source
FROM opportunities o
LEFT JOIN floors f USING (product_line)
LEFT JOIN customers c USING (customer_id)
LEFT JOIN reps r ON r.rep_id = o.rep_id
WHERE o.opportunity_id = $opportunity_id
"""


def _drill(con: duckdb.DuckDBPyConnection, view: View, rule: str, entity_id: str) -> dict:
    limits = thresholds()
    if rule == "at_risk_deal":
        frame = con.execute(_DEAL_SQL, {
            "opportunity_id": entity_id,
            "floor_lines": [line for line, _ in limits.margin_floor],
            "floor_values": [value for _, value in limits.margin_floor]}).df()
    else:
        key = "order_line" if ENTITY_TYPES[rule] == "order_line" else rule
        order_filter, filter_params = filters(view, "o", table="orders")
        where = _DRILL_WHERE[key].replace("{order_filter}", order_filter)
        start, to_date = _window(view)
        head, _, tail = entity_id.rpartition("/")
        rows = config.setting("alerts.drill_down_rows")
        params = {"start": start, "to_date": to_date, "rows": rows, **filter_params}
        if key == "order_line":
            if not tail.isdigit():
                return {"kind": "lines", "frame": _empty_lines(con), "total_rows": 0}
            params.update(order_id=head, line_no=int(tail))
        elif key == "margin_erosion":
            params.update(region_id=head, line=tail)
        else:
            params.update(region_id=entity_id)
        sql = _LINES_SQL.format(where=where)
        frame = con.execute(sql, used(sql, params)).df()
        if len(frame) >= rows:
            sql = _COUNT_SQL["order_line" if key == "order_line" else "region"].format(
                where=where)
            total = con.execute(sql, used(sql, params)).fetchone()[0]
            return {"kind": "lines", "frame": frame, "total_rows": int(total)}
    return {"kind": "deal" if rule == "at_risk_deal" else "lines", "frame": frame,
            "total_rows": len(frame)}


def _empty_lines(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    sql = _LINES_SQL.format(where="false")
    return con.execute(sql, {"rows": 0}).df()


def drill_down(rule: str, entity_id: str) -> Callable[[duckdb.DuckDBPyConnection, View], dict]:
    """``f(con, view)`` giving what an alert is made of: the order line of a line alert, the
    region's (special-price) lines or the region × product line's lines in the period to date
    (largest first, at most the alerts.drill_down_rows setting, with the total count), or the deal of at_risk_deal.
    Returns ``{"kind": "lines" | "deal", "frame", "total_rows"}``. Its name names the alert, so
    the page's metric cache keys on it."""
    if rule not in RULES:
        raise ValueError(f"unknown alert rule {rule!r}")

    def alert_drill_down(con: duckdb.DuckDBPyConnection, view: View) -> dict:
        return _drill(con, view, rule, entity_id)
    alert_drill_down.__qualname__ = f"drill_down[{rule}:{entity_id}]"
    return alert_drill_down


def _clean(value):
    """A plain Python value for JSON: NaN/NA become None, numpy scalars become Python ones."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value
