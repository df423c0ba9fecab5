"""Weekly dashboard metrics (SPEC §5.1).

- revenue = Σ revenue; cost = Σ cost; gross_margin = revenue − cost; gm_pct = gross_margin ÷ revenue
- revenue_attainment = revenue ÷ revenue_target; margin_attainment = gross_margin ÷ margin_target
- yoy_growth = revenue ÷ revenue of the same period a fiscal year earlier over the same number of
  elapsed days, − 1
- weighted_pipeline = Σ amount × stage probability, open opportunities closing in (as_of, end]
  (in the period itself for a period that starts after as_of)
- forecast = revenue + weighted_pipeline
- coverage = open pipeline closing in (as_of, end] ÷ max(target − revenue, 0); null when met

Actuals follow the to-date rule; targets are the whole period's (a week's prorated by its days in
each month), so attainment is read against pace.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

import duckdb
import pandas as pd

from data import config
from metrics import availability
from data.config import setting
from metrics.view import (REGION_DAYS, View, filters, reads_region_days, snapshot_parts,
                          snapshot_tables, used)

DASHBOARD_KEYS = (
    "revenue", "cost", "gross_margin", "gm_pct", "revenue_target", "margin_target",
    "revenue_attainment", "margin_attainment", "pace", "yoy_growth", "weighted_pipeline",
    "forecast", "coverage",
)

# Groupings the KPI query can break down by: the key expression of each fact table (targets have
# no account, so an account's targets are null) and the list of keys with their names.
_GROUPINGS = {
    None: {"key": "'total'", "keys": "SELECT 'total' AS k, NULL AS name_en, NULL AS name_zh"},
    "region": {
        "key": "region_id",
        "keys": "SELECT region_id AS k, name_en, name_zh FROM regions WHERE {region_filter}",
    },
    # A region's group, looked up in bound lists (no join over the order lines); regions without
    # a group form the group null ("no group").
    "region_group": {
        "key": "list_extract($group_of::VARCHAR[], list_position($grouped_regions::VARCHAR[], "
               "region_id))",
        "keys": """SELECT DISTINCT region_group AS k, region_group AS name_en, NULL AS name_zh
                   FROM regions WHERE {region_filter}""",
    },
    "industry": {
        "key": "industry_id",
        "keys": """SELECT industry_id AS k, name_en, name_zh FROM industries
                   WHERE {industry_filter}""",
    },
    # Every product line the data uses (SPEC §9: no fixed list; ``product_line_ids``), within the
    # view's filter.
    "product_line": {
        "key": "product_line",
        "keys": """SELECT product_line AS k, NULL AS name_en, NULL AS name_zh
                   FROM product_line_ids WHERE {product_line_filter}""",
    },
    # The top accounts by revenue in the period to date, within the view's filters.
    "account": {
        "key": "customer_id",
        "target_key": "NULL::VARCHAR",
        "keys": """SELECT o.customer_id AS k, any_value(c.name) AS name_en, NULL AS name_zh
                   FROM orders o LEFT JOIN customers c USING (customer_id)
                   WHERE o.order_date BETWEEN $start AND $to_date AND {order_filter_o}
                   GROUP BY o.customer_id
                   ORDER BY sum(o.revenue) DESC, o.customer_id LIMIT $top_accounts""",
    },
}

# Every product line the snapshot's products, order lines, targets and opportunities name, once
# per served snapshot (a distinct over every order line).
_PRODUCT_LINE_IDS_SQL = """
SELECT product_line FROM (
    SELECT product_line FROM products UNION SELECT product_line FROM orders
    UNION SELECT product_line FROM targets UNION SELECT product_line FROM opportunities)
WHERE product_line IS NOT NULL
"""


@snapshot_parts
def _snapshot_parts(view: View) -> dict[str, tuple[str, dict]]:
    return {"product_line_ids": (_PRODUCT_LINE_IDS_SQL, {}), **REGION_DAYS}


# The review ladder of SPEC §10.2, bottom-up: account → industry → product line → region → group.
LEVELS = ("region_group", "region", "industry", "product_line", "account")

# Each part is summed per key; with ``{grouped}`` GROUPING SETS it also sums every row into the
# key's total (``total``: its key is null), which a row of ``keys`` of its own stands for.
_KPI_SQL = """
WITH keys AS ({keys}),
actual AS (
    SELECT {key} AS k, {total} AS total,
           sum(revenue) FILTER (WHERE order_date BETWEEN $start AND $to_date) AS revenue,
           sum(cost) FILTER (WHERE order_date BETWEEN $start AND $to_date) AS cost,
           sum(revenue) FILTER (WHERE order_date BETWEEN $week_start AND $as_of) AS week_revenue
    FROM {order_rows}
    WHERE (order_date BETWEEN $start AND $to_date OR order_date BETWEEN $week_start AND $as_of)
      AND {order_filter}
    {grouped}
),
prior AS (
    SELECT {key} AS k, {total} AS total, sum(revenue) AS revenue
    FROM {order_rows}
    WHERE order_date BETWEEN $prior_start AND $prior_end AND {order_filter} AND {all_parts}
    {grouped}
),
month_share AS (
    SELECT unnest($months) AS fiscal_month, unnest($fractions) AS fraction
),
target AS (
    SELECT {target_key} AS k, {total} AS total,
           sum(revenue_target * fraction) AS revenue_target,
           sum(margin_target * fraction) AS margin_target
    FROM targets JOIN month_share USING (fiscal_month)
    WHERE {target_filter} AND {all_parts}
    {grouped}
),
pipeline AS (
    SELECT {key} AS k, {total} AS total,
           sum(amount) AS open_pipeline,
           sum(amount * list_extract($probabilities, stage)) AS weighted_pipeline
    FROM opportunities
    WHERE status = 'open' AND expected_close_date > $pipeline_from AND expected_close_date <= $end
      AND {opportunity_filter}
    {grouped}
),
money AS (
    SELECT keys.k AS key, keys.total, keys.name_en, keys.name_zh,
           coalesce(actual.revenue, 0)::DOUBLE AS revenue,
           coalesce(actual.cost, 0)::DOUBLE AS cost,
           coalesce(actual.week_revenue, 0)::DOUBLE AS week_revenue,
           CASE WHEN $has_prior THEN coalesce(prior.revenue, 0)::DOUBLE END AS prior_revenue,
           target.revenue_target::DOUBLE AS revenue_target,
           target.margin_target::DOUBLE AS margin_target,
           coalesce(pipeline.open_pipeline, 0)::DOUBLE AS open_pipeline,
           coalesce(pipeline.weighted_pipeline, 0)::DOUBLE AS weighted_pipeline
    FROM keys
    LEFT JOIN actual ON actual.k IS NOT DISTINCT FROM keys.k AND actual.total = keys.total
    LEFT JOIN prior ON prior.k IS NOT DISTINCT FROM keys.k AND prior.total = keys.total
    LEFT JOIN target ON target.k IS NOT DISTINCT FROM keys.k AND target.total = keys.total
    LEFT JOIN pipeline ON pipeline.k IS NOT DISTINCT FROM keys.k AND pipeline.total = keys.total
)
SELECT key, total, name_en, name_zh, week_revenue, revenue, cost,
       revenue - cost AS gross_margin,
       (revenue - cost) / nullif(revenue, 0) AS gm_pct,
       revenue_target, margin_target,
       revenue / nullif(revenue_target, 0) AS revenue_attainment,
       (revenue - cost) / nullif(margin_target, 0) AS margin_attainment,
       $pace AS pace,
       -- Nothing is on or off track before a period starts (pace 0).
       CASE WHEN $pace > 0 THEN revenue / nullif(revenue_target, 0) >= $pace END AS on_track,
       revenue / nullif(revenue_target, 0) - $pace AS pace_gap,
       revenue / nullif(prior_revenue, 0) - 1 AS yoy_growth,
       prior_revenue,
       weighted_pipeline,
       revenue + weighted_pipeline AS forecast,
       (revenue + weighted_pipeline) / nullif(revenue_target, 0) AS forecast_attainment,
       open_pipeline,
       revenue_target - revenue AS target_gap,
       revenue_target - revenue <= 0 AS target_met,
       open_pipeline / nullif(greatest(revenue_target - revenue, 0), 0) AS coverage
FROM money
ORDER BY total, key
"""


def _kpi_params(view: View) -> dict:
    period = view.period
    to_date = view.to_date_end
    empty_end = period.start - dt.timedelta(days=1)
    prior = period.like_for_like_range(view.as_of)
    months = period.month_fractions()
    return {
        "start": period.start,
        "to_date": to_date or empty_end,
        "end": period.end,
        "as_of": view.as_of,
        # Pipeline still to close in the period: after as_of, and for a period that has not
        # started yet, within the period (not the deals closing before it starts).
        "pipeline_from": max(view.as_of, period.start - dt.timedelta(days=1)),
        "week_start": view.as_of - dt.timedelta(days=view.as_of.isoweekday() - 1),
        "prior_start": prior[0] if prior else period.start,
        "prior_end": prior[1] if prior else empty_end,
        "has_prior": prior is not None,
        "months": [m for m, _ in months],
        "fractions": [f for _, f in months],
        "probabilities": config.current().stages.all_probabilities,
        "pace": period.pace(view.as_of),
    }


# What a forecast is computed from (SPEC §5.1): revenue to date and the weighted pipeline.
FORECAST_KEYS = ("revenue", "weighted_pipeline", "forecast")


def _kpi_frame(con: duckdb.DuckDBPyConnection, view: View, by: str | None,
               total: bool = False, forecast_only: bool = False) -> pd.DataFrame:
    """The KPI columns per key of grouping ``by`` (None: the one row "total"); with ``total``
    also the row of all of the view's data (``total`` true, key null) from the same scans. With
    ``forecast_only`` only ``FORECAST_KEYS`` (last year's orders and the targets are not read)."""
    grouping = _GROUPINGS[by]
    keys = f"SELECT *, false AS total FROM ({grouping['keys']})" + (
        " UNION ALL SELECT NULL, NULL, NULL, true" if total else "")
    order_filter, order_params = filters(view, table="orders")
    target_filter, target_params = filters(view, table="targets")
    opportunity_filter, opportunity_params = filters(view, table="opportunities")
    region_filter, region_params = filters(view, table="regions")
    product_line_filter = ("list_contains($f_product_lines, product_line)" if view.product_lines
                           else "true")
    industry_filter = ("list_contains($f_industries, industry_id)" if view.industries
                       else "true")
    order_filter_o, order_params_o = filters(view, "o", table="orders")
    # The period, the week and last year summed per day, region and product line (once per
    # served snapshot) instead of over every order line, unless the filters or the keys need an
    # industry, channel or account.
    daily = reads_region_days(view) and by not in ("industry", "account")
    sql = _KPI_SQL.format(
        keys=keys.format(region_filter=region_filter, product_line_filter=product_line_filter,
                         industry_filter=industry_filter, order_filter_o=order_filter_o),
        key=grouping["key"],
        target_key=grouping.get("target_key", grouping["key"]),
        total="grouping(k) = 1" if total else "false",
        order_rows="region_days" if daily else "orders",
        all_parts="false" if forecast_only else "true",
        grouped="GROUP BY GROUPING SETS ((k), ())" if total else "GROUP BY ALL",
        order_filter=order_filter,
        target_filter=target_filter,
        opportunity_filter=opportunity_filter,
    )
    params = {**_kpi_params(view), **order_params, **target_params, **opportunity_params,
              **region_params, **order_params_o,
              "top_accounts": setting("customers.top_accounts")}
    if by == "region_group":
        groups = con.execute("SELECT region_id, region_group FROM regions").fetchall()
        params["grouped_regions"] = [region for region, _ in groups]
        params["group_of"] = [group for _, group in groups]
    parts = _snapshot_parts(view)
    shared = {name: parts[name] for name, needed in
              (("product_line_ids", by == "product_line"), ("region_days", daily)) if needed}
    with snapshot_tables(con, shared) if shared else nullcontext():
        frame = con.execute(sql, used(sql, params)).df()
    if forecast_only:
        frame = frame[["key", "total", *FORECAST_KEYS]]
    return frame if total else frame.drop(columns="total")


# What is not available without order lines or without opportunities (SPEC §9): null, not 0.
_NEEDS_ORDERS = ("revenue", "cost", "gross_margin", "gm_pct", "revenue_attainment",
                 "margin_attainment", "yoy_growth", "forecast", "coverage", "target_gap",
                 "target_met", "on_track", "pace_gap", "forecast_attainment", "week_revenue",
                 "prior_revenue")
_NEEDS_OPPORTUNITIES = ("weighted_pipeline", "forecast", "coverage", "open_pipeline",
                        "forecast_attainment")


def _without_missing_inputs(con, frame: pd.DataFrame) -> pd.DataFrame:
    missing = availability.unavailable(con)
    frame = availability.blank_columns(frame, _NEEDS_ORDERS, "revenue" in missing)
    return availability.blank_columns(frame, _NEEDS_OPPORTUNITIES, "pipeline" in missing)


def kpis(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """The dashboard's KPI tiles for the view: every SPEC §5.1 metric as one dict."""
    return _kpis_of(_without_missing_inputs(con, _kpi_frame(con, view, None)).iloc[0])


def _kpis_of(row: pd.Series) -> dict:
    out = {key: _clean(row[key]) for key in DASHBOARD_KEYS}
    extra = ("open_pipeline", "target_gap", "target_met", "on_track", "pace_gap", "forecast_attainment",
             "week_revenue", "prior_revenue")
    out.update({key: _clean(row[key]) for key in extra})
    return out


PRODUCT_LINE_KEYS = ("product_line", "revenue_target", "revenue", "revenue_attainment",
                     "margin_target", "gross_margin", "margin_attainment", "gm_pct")


def product_lines(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """SPEC §10.1, the weekly pack's own table: per product line and in total (``product_line``
    = "total"), for the period to date, revenue target, revenue, revenue attainment, margin
    target, gross margin, margin attainment and gm_pct; targets are the whole period's. Product
    lines with a target or a booking in the period, in the configuration's order, then by id."""
    frame = _without_missing_inputs(con, _kpi_frame(con, view, "product_line", total=True))
    lines, total = frame[~frame["total"]], frame[frame["total"]].assign(key="total")
    # A line with neither a target nor a booking in the period is not part of the review.
    lines = lines[lines["revenue_target"].notna() | lines["margin_target"].notna()
                  | (lines["revenue"].fillna(0) != 0) | (lines["cost"].fillna(0) != 0)]
    order = {line: i for i, line in enumerate(config.current().product_lines)}
    lines = lines.assign(_order=lines["key"].map(lambda k: order.get(k, len(order)))) \
        .sort_values(["_order", "key"]).drop(columns="_order")
    frame = pd.concat([lines, total], ignore_index=True).rename(columns={"key": "product_line"})
    return frame[list(PRODUCT_LINE_KEYS)].reset_index(drop=True)


def regional_report(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Weekly regional report: one row per region with week revenue, period-to-date revenue,
    target, attainment, pace flag, gm_pct, yoy, weighted pipeline and coverage."""
    return _regional_of(_without_missing_inputs(con, _kpi_frame(con, view, "region")))


def _regional_of(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.rename(columns={"key": "region_id"})
    return frame.sort_values(["revenue_attainment", "region_id"], ascending=[False, True],
                             na_position="last").reset_index(drop=True)


def kpis_and_regions(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """``kpis`` (as ``kpis``) and ``regional_report`` (as ``regional_report``) from the same
    scans, for the pages that show both."""
    frame = _without_missing_inputs(con, _kpi_frame(con, view, "region", total=True))
    return {"kpis": _kpis_of(frame[frame["total"]].iloc[0]),
            "regional_report": _regional_of(frame[~frame["total"]].drop(columns="total"))}


def forecasts(con: duckdb.DuckDBPyConnection, view: View) -> dict:
    """``kpis_and_regions`` with only ``FORECAST_KEYS``: ``kpis`` a dict of them, and
    ``regional_report`` a frame of them by ``region_id``, in ``regional_report``'s regions."""
    frame = _without_missing_inputs(
        con, _kpi_frame(con, view, "region", total=True, forecast_only=True))
    row = frame[frame["total"]].iloc[0]
    regions = frame[~frame["total"]].drop(columns="total").rename(columns={"key": "region_id"})
    return {"kpis": {key: _clean(row[key]) for key in FORECAST_KEYS},
            "regional_report": regions.sort_values("region_id").reset_index(drop=True)}


REVIEW_COLUMNS = ("key", "name_en", "name_zh", "week_revenue", "revenue", "cost", "revenue_target",
                  "revenue_attainment", "on_track", "pace", "gross_margin", "margin_target",
                  "margin_attainment", "gm_pct", "yoy_growth", "weighted_pipeline", "forecast",
                  "coverage", "target_met")


def review_table(con: duckdb.DuckDBPyConnection, view: View, level: str) -> pd.DataFrame:
    """SPEC §10.2: the regional report at one level of the review ladder (``LEVELS``), one row
    per region group, region, industry, product line or top account (``customers.top_accounts``
    by revenue in the period to date), with the dashboard's columns including margin target and
    margin attainment. ``key`` is the level's id (null for regions without a group); names are
    the data's (an account's name in ``name_en``). Accounts have no targets: their target and
    attainment columns are null. Rows with a target by attainment, best first; accounts by
    revenue."""
    if level not in LEVELS:
        raise ValueError(f"unknown review level {level!r}; one of {', '.join(LEVELS)}")
    frame = _without_missing_inputs(con, _kpi_frame(con, view, level))
    if level == "account":
        frame = frame.sort_values(["revenue", "key"], ascending=[False, True])
    else:
        if level == "product_line":
            frame = frame[frame["revenue_target"].notna() | frame["margin_target"].notna()
                          | (frame["revenue"].fillna(0) != 0)
                          | (frame["open_pipeline"].fillna(0) != 0)]
        frame = frame.sort_values(["revenue_attainment", "revenue", "key"],
                                  ascending=[False, False, True], na_position="last")
    return frame[list(REVIEW_COLUMNS)].reset_index(drop=True)


_TREND_SQL = """
WITH weeks AS (
    SELECT unnest(generate_series($first_week, $last_week, INTERVAL 7 DAY))::DATE AS week_start
),
weekly AS (
    -- The snapshot's weekly_sums extract (data/extracts.py): order lines up to as_of by week.
    SELECT week_start, sum(revenue) AS revenue, sum(cost) AS cost
    FROM weekly_sums
    WHERE week_start BETWEEN $first_week AND $last_week AND {order_filter}
    GROUP BY ALL
)
SELECT strftime(weeks.week_start, '%G-W%V') AS week, weeks.week_start,
       coalesce(revenue, 0)::DOUBLE AS revenue,
       coalesce(revenue - cost, 0)::DOUBLE AS gross_margin,
       ((revenue - cost) / nullif(revenue, 0))::DOUBLE AS gm_pct
FROM weeks LEFT JOIN weekly USING (week_start)
ORDER BY weeks.week_start
"""


def revenue_trend(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Revenue, gross margin and gm_pct for each of the last ``trend_weeks`` ISO weeks ending with
    the snapshot's week (period filter not applied: the trend gives the context)."""
    last_week = view.as_of - dt.timedelta(days=view.as_of.isoweekday() - 1)
    first_week = last_week - dt.timedelta(weeks=setting("dashboard.trend_weeks") - 1)
    order_filter, params = filters(view, table="orders")
    sql = _TREND_SQL.format(order_filter=order_filter)
    frame = con.execute(sql, {"first_week": first_week, "last_week": last_week, **params}).df()
    # Without order lines the weeks' revenue is unknown, not 0.
    return availability.blank_columns(frame, ("revenue", "gross_margin", "gm_pct"),
                                      "revenue" in availability.unavailable(con))


_KEY_OPPORTUNITIES_SQL = """
SELECT o.opportunity_id, o.name, c.name AS customer, r.name AS rep,
       o.region_id, o.industry_id, o.product_line, o.stage,
       o.amount::DOUBLE AS amount,
       (o.amount * list_extract($probabilities, o.stage))::DOUBLE AS weighted_amount,
       o.expected_margin_pct, o.expected_close_date,
       coalesce(o.expected_close_date < $as_of, false) AS past_due,
       date_diff('day', o.last_activity_date, $as_of) AS days_since_activity
FROM opportunities o
LEFT JOIN customers c ON c.customer_id = o.customer_id
LEFT JOIN reps r ON r.rep_id = o.rep_id
WHERE o.status = 'open' AND o.amount >= $key_min AND {opportunity_filter}
ORDER BY o.amount DESC, o.opportunity_id
"""


def key_opportunities(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """Open opportunities with amount ≥ key_opportunity_min (default ¥1,000,000), largest first."""
    opportunity_filter, params = filters(view, "o", table="opportunities")
    sql = _KEY_OPPORTUNITIES_SQL.format(opportunity_filter=opportunity_filter)
    return con.execute(sql, {"as_of": view.as_of, "probabilities": config.current().stages.all_probabilities,
                             "key_min": setting("business.key_opportunity_min"), **params}).df()


# The newest lines are picked before the names are joined to them (joining first named every line
# of the period: twice the time at 10M lines).
_ORDER_FLOW_SQL = """
WITH latest AS (
    SELECT * FROM orders o
    WHERE o.order_date BETWEEN $start AND $to_date AND {order_filter}
    ORDER BY o.order_date DESC, o.order_id DESC, o.line_no
    LIMIT $rows
)
SELECT o.order_date, o.order_id, o.line_no, c.name AS customer, r.name AS rep,
       p.name AS product, o.product_line, o.region_id, o.channel, o.quantity,
       o.revenue::DOUBLE AS revenue, (o.revenue - o.cost)::DOUBLE AS gross_margin,
       ((o.revenue - o.cost) / nullif(o.revenue, 0))::DOUBLE AS gm_pct,
       o.discount_pct, o.special_price
FROM latest o
LEFT JOIN customers c ON c.customer_id = o.customer_id
LEFT JOIN reps r ON r.rep_id = o.rep_id
LEFT JOIN products p ON p.product_id = o.product_id
ORDER BY o.order_date DESC, o.order_id DESC, o.line_no
"""


def order_flow(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """The most recent order lines of the period to date, newest first."""
    if view.to_date_end is None:
        return con.execute(_ORDER_FLOW_SQL.format(order_filter="false"),
                           {"start": view.period.start, "to_date": view.period.start,
                            "rows": 0}).df()
    order_filter, params = filters(view, "o", table="orders")
    sql = _ORDER_FLOW_SQL.format(order_filter=order_filter)
    return con.execute(sql, {"start": view.period.start, "to_date": view.to_date_end,
                             "rows": setting("dashboard.order_flow_rows"), **params}).df()


def dimensions(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Regions and industries with their English and Chinese names, and the product lines the
    data uses (in the configuration's order, then by id), for filters and labels."""
    lines = con.execute(_PRODUCT_LINES_SQL,
                        {"configured": list(config.current().product_lines)}).df()
    return {
        "regions": con.execute(
            "SELECT region_id, name_en, name_zh, region_group FROM regions ORDER BY region_id").df(),
        "industries": con.execute(
            "SELECT industry_id, name_en, name_zh FROM industries ORDER BY industry_id").df(),
        "product_lines": lines,
    }


_PRODUCT_LINES_SQL = """
SELECT product_line
FROM (SELECT product_line FROM products UNION SELECT product_line FROM orders
      UNION SELECT product_line FROM opportunities UNION SELECT product_line FROM targets)
WHERE product_line IS NOT NULL
ORDER BY coalesce(list_position($configured, product_line), 1e9), product_line
"""


def _clean(value):
    """A plain Python value for JSON: NaN/NA become None, numpy scalars become Python ones."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value
