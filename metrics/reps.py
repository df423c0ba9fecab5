"""Rep one-on-one (SPEC §10.4): per rep, for the period to date.

- revenue, gross_margin: the rep's order lines (orders.rep_id) in the period to date
- open_pipeline, weighted_pipeline: the rep's open opportunities closing in (as_of, period end]
  (in the period itself for a period that starts after as_of), as on the dashboard (§5.1)
- win_rate_count: won ÷ (won + lost) by count of the rep's deals closed in the window (§5.3)
- stale_deals, past_due_deals: the rep's open deals that are stale / past due (§5.3)
- face_to_face: the rep's activities of a face-to-face type (visit, meeting, workshop) in the
  period to date; face_to_face_per_week = face_to_face ÷ elapsed weeks (elapsed days ÷ 7), against
  the norm ``reps.face_to_face_per_week`` (12); inside-sales roles (``reps.inside_roles``, ISR)
  sell by phone and have no face-to-face norm
- accounts_owned: customers whose owner_rep_id is the rep, against the role's norm (AE 20,
  ISR 200)
- overdue_contacts: owned accounts of tier 1 / 2 / 3 (§5.6) with no activity within 30 / 90 / 180
  days of as_of
- revenue_target (optional ``rep_targets``): the months' targets weighted like the dashboard's
  (a week's prorated by its days in each month); revenue_attainment = revenue ÷ revenue_target,
  on track when attainment ≥ pace

Choices where the SPEC is silent:
- The team is the reps whose own region passes the view's region filter (all reps without one).
  An inactive rep is listed only with order lines in the period to date or open deals in the
  filters: work that still needs an owner.
- Orders and deals follow every filter of the view (a deal booked in another region than the
  rep's is outside a region filter). Activities and owned accounts are the rep's whole book: the
  industry, product-line and channel filters describe orders, not a rep's effort.
- A contact is an activity by anyone (the rep, a colleague, a manager) on the account, on or
  before as_of. "Within N days" is SPEC §4's: after as_of − N days, so an account last touched
  exactly N days ago is overdue; one never touched is overdue.
- pace is shown only beside a target (null for a rep without one); nothing is on or off track
  before the period starts.
- Without the ``customers`` table, owners are only guessed from the fact tables (SPEC §9), so
  accounts_owned and overdue_contacts are not available.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from data.config import setting
from metrics import availability, customers, dashboard, pipeline
from metrics.view import View, filters, used

REPORT_KEYS = ("rep_id", "role", "region_id", "revenue", "gross_margin", "open_pipeline",
               "weighted_pipeline", "win_rate_count", "face_to_face", "face_to_face_per_week",
               "accounts_owned", "overdue_contacts")

# Counts that the report prints as whole numbers.
_COUNTS = ("face_to_face", "accounts_owned", "overdue_contacts", "stale_deals", "past_due_deals")

# Each group of columns and the tables it needs. availability.NEEDS has no group for the optional
# rep_targets table, nor for customers (derived when missing, owners guessed from the facts), so
# they are checked here.
NEEDS: dict[str, tuple[str, ...]] = {
    "revenue": ("orders",),
    "pipeline": ("opportunities",),
    "face_to_face": ("activities",),
    "accounts": ("customers",),
    "contacts": ("customers", "activities", "customer_scores"),
    "rep_targets": ("rep_targets",),
}
_COLUMNS_OF = {
    "revenue": ("revenue", "gross_margin", "revenue_attainment", "on_track"),
    "pipeline": ("open_pipeline", "weighted_pipeline", "win_rate_count", "stale_deals",
                 "past_due_deals"),
    "face_to_face": ("face_to_face", "face_to_face_per_week"),
    "accounts": ("accounts_owned",),
    "contacts": ("overdue_contacts",),
    "rep_targets": ("revenue_target", "revenue_attainment", "pace", "on_track"),
}


def unavailable(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    """Each group of the one-on-one's columns the snapshot cannot compute → the missing tables
    that are why (groups: revenue, pipeline, face_to_face, accounts, contacts, rep_targets)."""
    held = availability.present_tables(con)
    return {group: tuple(t for t in tables if t not in held)
            for group, tables in NEEDS.items() if not set(tables) <= held}


def _without_missing_inputs(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    missing = unavailable(con)
    for group, columns in _COLUMNS_OF.items():
        frame = availability.blank_columns(frame, columns, group in missing)
    return frame


# ----------------------------------------------------------------------------------- contacts

_CONTACTS_SQL = """
WITH tiers AS ({tiers}),
last_contact AS (
    SELECT customer_id, max(activity_date) AS last_activity
    FROM activities
    WHERE activity_date <= $as_of
    GROUP BY customer_id
),
accounts AS (
    SELECT c.owner_rep_id AS rep_id, c.customer_id, c.name, t.tier, l.last_activity,
           date_diff('day', l.last_activity, $as_of) AS days_since,
           list_extract($contact_days, t.tier) AS limit_days
    FROM customers c
    JOIN tiers t USING (customer_id)
    LEFT JOIN last_contact l USING (customer_id)
    WHERE c.owner_rep_id IS NOT NULL AND t.tier IS NOT NULL
)
SELECT *,
       -- Contacted within N days = after as_of − N (SPEC §4): N days ago is already overdue.
       coalesce(days_since >= limit_days, true) AS overdue
FROM accounts
"""


def _contacts_query(view: View) -> tuple[str, dict]:
    """Every owned tier-1/2/3 account with its last contact and whether it is overdue."""
    sql = _CONTACTS_SQL.format(tiers=customers.TIERS_SQL)
    days = [setting(f"reps.contact_days_tier{tier}") for tier in (1, 2, 3)]
    return sql, {**customers.tier_params(), "as_of": view.as_of, "contact_days": days}


_OVERDUE_SQL = """
SELECT customer_id, name, tier, last_activity, days_since, limit_days
FROM ({contacts}) contacts
WHERE rep_id = $rep_id AND overdue
ORDER BY tier, last_activity NULLS FIRST, customer_id
"""


def overdue_accounts(con: duckdb.DuckDBPyConnection, view: View, rep_id: str) -> pd.DataFrame:
    """The rep's overdue contacts: owned accounts of tier 1 / 2 / 3 with no activity (by anyone,
    on or before as_of) within 30 / 90 / 180 days of as_of; by tier, longest untouched first.
    Columns: customer_id, name, tier, last_activity (null: never), days_since, limit_days. Empty
    when not available (``unavailable(con)`` has "contacts")."""
    contacts, params = _contacts_query(view)
    sql = _OVERDUE_SQL.format(contacts=contacts)
    return con.execute(sql, used(sql, {**params, "rep_id": rep_id})).df()


# -------------------------------------------------------------------------------------- deals

_REP_DEALS_SQL = """
SELECT * FROM ({open_deals}) deals
WHERE rep_id = $rep_id
ORDER BY amount DESC, opportunity_id
"""


def rep_deals(con: duckdb.DuckDBPyConnection, view: View, rep_id: str) -> pd.DataFrame:
    """The rep's open deals in the filters, as ``pipeline.open_deals`` lists them (aging, stale
    and past-due flags), largest first."""
    open_deals, params = pipeline.open_deals_query(view)
    sql = _REP_DEALS_SQL.format(open_deals=open_deals)
    return con.execute(sql, used(sql, {**params, "rep_id": rep_id})).df()


# --------------------------------------------------------------------------------------- team

_TEAM_SQL = """
WITH scope AS (
    SELECT rep_id, name, role, region_id, manager_id, active FROM reps r WHERE {rep_filter}
),
sold AS (
    SELECT rep_id, sum(revenue) AS revenue, sum(revenue - cost) AS gross_margin
    FROM orders
    WHERE order_date BETWEEN $start AND $to_date AND {order_filter}
    GROUP BY rep_id
),
pipeline AS (
    SELECT rep_id, sum(amount) AS open_pipeline,
           sum(amount * list_extract($probabilities, stage)) AS weighted_pipeline
    FROM opportunities o
    WHERE status = 'open' AND expected_close_date > $pipeline_from AND expected_close_date <= $end
      AND {opportunity_filter}
    GROUP BY rep_id
),
-- Pipeline's own win-rate query with the rep as one more filter.
closed AS (
    SELECT s.rep_id, w.won_count, w.lost_count
    FROM scope s, LATERAL ({win_rate}) w
),
hygiene AS (
    SELECT rep_id, count(*) AS open_deals,
           count(*) FILTER (WHERE stale) AS stale_deals,
           count(*) FILTER (WHERE past_due) AS past_due_deals
    FROM ({open_deals}) deals
    GROUP BY rep_id
),
met AS (
    SELECT rep_id, count(*) AS face_to_face
    FROM activities
    WHERE activity_date BETWEEN $start AND $to_date
      AND list_contains($face_to_face_types, type)
    GROUP BY rep_id
),
owned AS (
    SELECT owner_rep_id AS rep_id, count(*) AS accounts_owned
    FROM customers
    GROUP BY owner_rep_id
),
overdue AS (
    SELECT rep_id, count(*) FILTER (WHERE overdue) AS overdue_contacts
    FROM ({contacts}) contacts
    GROUP BY rep_id
),
month_share AS (
    SELECT unnest($months) AS fiscal_month, unnest($fractions) AS fraction
),
target AS (
    SELECT rep_id, sum(revenue_target * fraction) AS revenue_target
    FROM rep_targets JOIN month_share USING (fiscal_month)
    GROUP BY rep_id
),
per_rep AS (
    SELECT s.*,
           coalesce(sold.revenue, 0)::DOUBLE AS revenue,
           coalesce(sold.gross_margin, 0)::DOUBLE AS gross_margin,
           coalesce(p.open_pipeline, 0)::DOUBLE AS open_pipeline,
           coalesce(p.weighted_pipeline, 0)::DOUBLE AS weighted_pipeline,
           c.won_count / nullif(c.won_count + c.lost_count, 0) AS win_rate_count,
           coalesce(h.stale_deals, 0) AS stale_deals,
           coalesce(h.past_due_deals, 0) AS past_due_deals,
           coalesce(m.face_to_face, 0) AS face_to_face,
           coalesce(o.accounts_owned, 0) AS accounts_owned,
           coalesce(d.overdue_contacts, 0) AS overdue_contacts,
           t.revenue_target::DOUBLE AS revenue_target,
           sold.rep_id IS NOT NULL OR coalesce(h.open_deals, 0) > 0 AS has_work
    FROM scope s
    LEFT JOIN sold USING (rep_id) LEFT JOIN pipeline p USING (rep_id)
    LEFT JOIN closed c USING (rep_id) LEFT JOIN hygiene h USING (rep_id)
    LEFT JOIN met m USING (rep_id) LEFT JOIN owned o USING (rep_id)
    LEFT JOIN overdue d USING (rep_id) LEFT JOIN target t USING (rep_id)
)
SELECT rep_id, name, role, region_id, manager_id, active,
       revenue, gross_margin, open_pipeline, weighted_pipeline, win_rate_count,
       stale_deals, past_due_deals,
       face_to_face,
       -- Elapsed weeks = elapsed days ÷ 7: none before the period starts.
       face_to_face * 7 / nullif($elapsed_days, 0) AS face_to_face_per_week,
       CASE WHEN NOT list_contains($inside_roles, coalesce(role, ''))
            THEN $face_to_face_norm::DOUBLE END AS face_to_face_norm,
       accounts_owned,
       CASE role WHEN 'AE' THEN $accounts_ae WHEN 'ISR' THEN $accounts_isr END AS accounts_norm,
       overdue_contacts,
       revenue_target,
       revenue / nullif(revenue_target, 0) AS revenue_attainment,
       CASE WHEN revenue_target IS NOT NULL THEN $pace END AS pace,
       -- Nothing is on or off track before a period starts (pace 0).
       CASE WHEN $pace > 0 THEN revenue / nullif(revenue_target, 0) >= $pace END AS on_track
FROM per_rep
WHERE active OR has_work
ORDER BY revenue DESC, rep_id
"""


def _team_query(view: View) -> tuple[str, dict]:
    rep_filter, rep_params = filters(view, "r", table="regions")
    order_filter, order_params = filters(view, table="orders")
    opportunity_filter, opportunity_params = filters(view, "o", table="opportunities")
    # pipeline's and dashboard's own query and parameters (no public names for them yet).
    win_rate = pipeline._WIN_RATE_SQL.format(
        opportunity_filter=f"{opportunity_filter} AND o.rep_id = s.rep_id")
    open_deals, deal_params = pipeline.open_deals_query(view)
    contacts, contact_params = _contacts_query(view)
    sql = _TEAM_SQL.format(rep_filter=rep_filter, order_filter=order_filter,
                           opportunity_filter=opportunity_filter,
                           win_rate=win_rate, open_deals=open_deals, contacts=contacts)
    params = {
        **dashboard._kpi_params(view), **rep_params, **order_params, **opportunity_params,
        **deal_params, **contact_params,
        "elapsed_days": view.period.elapsed_days(view.as_of),
        "face_to_face_types": list(setting("reps.face_to_face_types")),
        "face_to_face_norm": setting("reps.face_to_face_per_week"),
        "inside_roles": list(setting("reps.inside_roles")),
        "accounts_ae": setting("reps.accounts_ae"),
        "accounts_isr": setting("reps.accounts_isr"),
    }
    return sql, used(sql, params)


def team(con: duckdb.DuckDBPyConnection, view: View) -> pd.DataFrame:
    """A manager's table of their reps (SPEC §10.4), one row per rep in scope, largest revenue
    first: revenue, gross margin, open and weighted pipeline closing in the period, win rate by
    count, stale and past-due deals, face-to-face activities and their number per elapsed week
    against the norm, accounts owned against the role's norm, overdue contacts, and with
    ``rep_targets`` revenue target, attainment, pace and on_track. A column whose input table
    the snapshot lacks is null (``unavailable``), never 0."""
    return _without_missing_inputs(con, con.execute(*_team_query(view)).df())


def report_reps(con: duckdb.DuckDBPyConnection, view: View) -> list[dict]:
    """SPEC §7 ``reps``: one object per rep in scope with rep_id, role, region_id, revenue,
    gross_margin, open_pipeline, weighted_pipeline, win_rate_count, face_to_face,
    face_to_face_per_week, accounts_owned, overdue_contacts (null when not available)."""
    frame = team(con, view)
    return [{key: _clean(key, row[key]) for key in REPORT_KEYS}
            for row in frame.to_dict("records")]


def _clean(key: str, value):
    """A plain Python value for JSON: NaN/NA become None, numpy scalars Python ones, counts ints
    and money floats."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    value = value.item() if hasattr(value, "item") else value
    if key in _COUNTS:
        return int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value
