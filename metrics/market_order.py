"""Market-order check (市场秩序, SPEC §10.5, monthly): the period's suspect order lines, each with
every reason that applies, grouped by region with the rep who booked it.

- special_price_no_opportunity: a special-price line not linked to an opportunity;
- partner_deep_discount: a partner-channel line with discount_pct above the deep-discount limit
  (``alerts.deep_discount``);
- key_order_no_opportunity: every line of an order whose lines in the view total at least
  ``business.key_opportunity_min`` with none of them linked to an opportunity;
- not_pursued_customer: a special-price line to a customer scored but not pursued (SPEC §5.6: no
  tier).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from data import config
from metrics import customers
from metrics.view import View, filters, used

REASONS = ("special_price_no_opportunity", "partner_deep_discount", "key_order_no_opportunity",
           "not_pursued_customer")
REPORT_KEYS = ("reason", "region_id", "rep_id", "customer_id", "order_id", "line_no", "revenue",
               "discount_pct")

_SQL = """
WITH lines AS (
    SELECT o.order_id, o.line_no, o.order_date, o.region_id, o.rep_id, o.customer_id,
           o.channel, o.revenue, o.discount_pct, o.special_price, o.opportunity_id
    FROM orders o
    WHERE o.order_date BETWEEN $start AND $to_date AND {order_filter}
),
unlinked_key_orders AS (
    SELECT order_id FROM lines GROUP BY order_id
    HAVING sum(revenue) >= $key_min AND count(opportunity_id) = 0
),
tiers AS ({tiers}),
reasons AS (
    SELECT 'special_price_no_opportunity' AS reason, * FROM lines
    WHERE special_price AND opportunity_id IS NULL
    UNION ALL BY NAME
    SELECT 'partner_deep_discount' AS reason, * FROM lines
    WHERE channel = 'partner' AND round(discount_pct - $discount_limit, 9) > 0
    UNION ALL BY NAME
    SELECT 'key_order_no_opportunity' AS reason, * FROM lines
    WHERE order_id IN (SELECT order_id FROM unlinked_key_orders)
    UNION ALL BY NAME
    SELECT 'not_pursued_customer' AS reason, l.* FROM lines l
    JOIN tiers t ON t.customer_id = l.customer_id AND t.scored AND t.tier IS NULL
    WHERE l.special_price
)
SELECT r.reason, r.region_id, r.rep_id, p.name AS rep, r.customer_id, c.name AS customer,
       r.order_id, r.line_no, r.order_date, r.channel, r.revenue::DOUBLE AS revenue,
       r.discount_pct, r.special_price
FROM reasons r
LEFT JOIN reps p ON p.rep_id = r.rep_id
LEFT JOIN customers c ON c.customer_id = r.customer_id
ORDER BY r.region_id, r.rep_id, r.order_id, r.line_no,
         list_position($reasons, r.reason)
"""


def suspect_lines(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """One row per suspect order line and reason in the period to date (see the module
    docstring), by region, rep, order and line."""
    order_filter, params = filters(view, "o", table="orders")
    start = view.period.start
    sql = _SQL.format(order_filter=order_filter, tiers=customers.TIERS_SQL)
    current = config.current()
    return con.execute(sql, used(sql, {
        **params, **customers.tier_params(), "start": start,
        "to_date": view.to_date_end or start - dt.timedelta(days=1),
        "key_min": current["business.key_opportunity_min"],
        "discount_limit": current["alerts.deep_discount"], "reasons": list(REASONS)})).df()


def report_market_order(con: duckdb.DuckDBPyConnection, view: View) -> list[dict]:
    """SPEC §7 ``market_order``: reason, region_id, rep_id, customer_id, order_id, line_no,
    revenue, discount_pct."""
    frame = suspect_lines(con, view)
    return [{key: (None if pd.isna(row[key]) else
                   row[key].item() if hasattr(row[key], "item") else row[key])
             for key in REPORT_KEYS} for row in frame.to_dict("records")]
