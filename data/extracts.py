"""Snapshot extracts: small tables derived once from a snapshot's order lines and deals.

Some questions are asked of every order line of a snapshot whatever the view: each order's total
(key orders without an opportunity, on the Data page; with the lines per product and the
opportunities ordered, its checks), each customer's buying history as of the snapshot (lifecycle
and 12-month revenue, on the Customers page and the scorecard's coverage), daily sums for period
totals and weekly sums for the trend charts; and of every open deal's stage history (when it entered its stage). At 10 million
lines each reads millions of rows, so the store computes them once, when it first validates a
snapshot, keeps them beside its validation record
(``<data dir>/cache/<snapshot_id>-<key>/<name>.parquet``), and serves them as tables of the
snapshot's schema next to the contract's tables. They depend on nothing but the snapshot (its
as_of included), so they never go stale; a changed snapshot file gets a new record.
"""

from __future__ import annotations

import datetime as dt


def year_before(day: dt.date, years: int = 1) -> dt.date:
    """The same calendar day ``years`` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# name → SELECT over the snapshot's tables (bound parameters from ``params``).
EXTRACTS: dict[str, str] = {
    # One row per order (all its lines together): when, who, revenue, lines and how many of them
    # are linked to an opportunity. Largest first, so "revenue ≥ a threshold" (key orders) reads
    # only the first row groups of millions of orders.
    "order_totals": """
        SELECT order_id, min(order_date) AS order_date, any_value(customer_id) AS customer_id,
               any_value(rep_id) AS rep_id, any_value(region_id) AS region_id,
               sum(revenue) AS revenue, count(*)::INTEGER AS lines,
               count(opportunity_id)::INTEGER AS linked_lines
        FROM orders GROUP BY order_id
        ORDER BY revenue DESC, order_id
    """,
    # Order lines per product id and the product line they carry (the Data page's check that
    # a line's product line is its product's), and the opportunities order lines are linked to
    # (its check of won deals without orders): a few thousand rows instead of every line.
    "order_product_lines": """
        SELECT product_id, product_line, count(*) AS lines
        FROM orders GROUP BY ALL ORDER BY ALL
    """,
    "ordered_opportunities": """
        SELECT DISTINCT opportunity_id FROM orders WHERE opportunity_id IS NOT NULL ORDER BY ALL
    """,
    # When each open deal entered its current stage (the last time, up to as_of): its days in
    # stage, for the stale deals of the pipeline, the scorecard's hygiene and the rep reviews.
    "open_deal_stages": """
        SELECT h.opportunity_id, max(h.entered_date) AS stage_entered
        FROM opportunity_history h JOIN opportunities o
          ON o.opportunity_id = h.opportunity_id AND o.stage = h.stage AND o.status = 'open'
        WHERE h.entered_date <= $as_of
        GROUP BY ALL
        ORDER BY ALL
    """,
    # One row per customer who has order lines up to as_of: first and last order (returns are not
    # orders), revenue in the 12 months to as_of, in the 12 months before those, and ever.
    "customer_orders": """
        SELECT customer_id,
               min(order_date) FILTER (WHERE quantity > 0) AS first_order_date,
               max(order_date) FILTER (WHERE quantity > 0) AS last_order_date,
               sum(revenue) FILTER (WHERE order_date > $year_ago) AS revenue_12m,
               sum(revenue) FILTER (WHERE order_date > $two_years_ago
                                      AND order_date <= $year_ago) AS revenue_prior_12m,
               sum(revenue) AS revenue_lifetime
        FROM orders
        WHERE order_date <= $as_of
        GROUP BY customer_id
    """,
    # Revenue, cost, margin, lines and lines with positive revenue per day and every column a
    # view filters or a metric groups order lines by (the product's high-margin flag included):
    # the scorecard's period sums, the alert rules' sums over regions and product lines and the
    # line counts of their drill-downs read about a sixth of the rows of the order lines (exact
    # decimal sums, so their sums are the lines').
    # Sorted by day, so a period reads only its row groups.
    "daily_sums": """
        SELECT o.order_date, o.region_id, o.industry_id, o.product_line, o.channel,
               o.special_price, p.high_margin, sum(o.revenue) AS revenue, sum(o.cost) AS cost,
               -- Per line, as the metrics sum it: a line without a cost has no margin.
               sum(o.revenue - o.cost) AS gross_margin, count(*) AS lines,
               count(*) FILTER (WHERE o.revenue > 0) AS positive_lines
        FROM orders o LEFT JOIN products p USING (product_id)
        GROUP BY ALL
        ORDER BY ALL
    """,
    # Revenue and cost per ISO week (its Monday) and every filterable column of an order line, up
    # to as_of: the weekly trends of the dashboard and the alerts page read a few thousand rows
    # instead of a quarter's order lines. Sorted by week, so a trend reads only its row groups.
    "weekly_sums": """
        SELECT date_trunc('week', order_date)::DATE AS week_start, region_id, industry_id,
               product_line, channel, sum(revenue) AS revenue, sum(cost) AS cost
        FROM orders
        WHERE order_date <= $as_of
        GROUP BY ALL
        ORDER BY ALL
    """,
}


def params(as_of: dt.date) -> dict:
    """The bound parameters of the extracts for a snapshot as of ``as_of``."""
    return {"as_of": as_of, "year_ago": year_before(as_of),
            "two_years_ago": year_before(as_of, 2)}


def create(con, as_of: dt.date, schema: str | None = None) -> None:
    """Compute every extract as a table of ``schema`` (default: the cursor's current schema),
    from the snapshot tables the cursor sees by their plain names."""
    values = params(as_of)
    for name, sql in EXTRACTS.items():
        target = f'"{schema}"."{name}"' if schema else f'"{name}"'
        con.execute(f"CREATE OR REPLACE TABLE {target} AS {sql}", used(sql, values))


def used(sql: str, values: dict) -> dict:
    # DuckDB rejects named parameters a statement does not use.
    return {name: value for name, value in values.items() if f"${name}" in sql}
