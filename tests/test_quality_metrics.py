"""Data page metrics (SPEC §6.6, §3): snapshots, freshness and data-quality checks on fixtures.

Served snapshot as of 2026-11-22, key_opportunity_min ¥1,000,000:

| order | lines (revenue, opportunity)            | key order without opportunity?       |
|-------|-----------------------------------------|--------------------------------------|
| K1    | 600,000 + 500,000, none                 | yes: 1,100,000 together, no line linked |
| K2    | 1,000,000 linked to W1                  | no (linked)                          |
| K3    | 1,000,000, none                         | yes (exactly the minimum)            |
| K4    | 999,999.99, none                        | no (below)                           |
| K5    | 2,000,000 + 10, the small line linked   | no (a line is linked)                |
Orders ≥ 1,000,000 in total: K1, K2, K3, K5 (4); without an opportunity: K1, K3 (2).

Customers C1 (owner AE1, active), C2 (no owner), C3 (owner AE3, inactive): 2 without an active
owner. Scores: C1 all eight, C2 seven of eight (it_spend empty: a score outside 1–10 makes the
snapshot invalid, an empty one only fails this check), C3 none, plus one
row of an unknown criterion for C1: 2 of 3 customers missing scores, 1 score out of range, 1 of an
unknown criterion. Won deals W1 (has an order line) and W2 (none): 1 of 2 without orders. Open
deal W3 owned by the inactive AE3. One order line booked as NB with the PC product. Activities on
as_of (fine) and on as_of + 1 (after as_of); W3's last activity after as_of.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from data import extracts
from data.config import SCORE_CRITERIA
from data.schema import TABLES
from data.store import arrow_schema, discover, validate, write_snapshot
from metrics import quality
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import (CUSTOMERS, REPS, D, build_tables, connect, make_snapshot,
                            opportunity, order)

AS_OF = "2026-11-22"

REPS_WITH_LEAVER = [dict(r, active=r["rep_id"] != "AE3") for r in REPS]
OWNERS = [dict(CUSTOMERS[0]), dict(CUSTOMERS[1], owner_rep_id=None), dict(CUSTOMERS[2])]
SCORES = (
    [{"customer_id": "C1", "criterion": c, "score": 7.0} for c in SCORE_CRITERIA]
    + [{"customer_id": "C1", "criterion": "charisma", "score": 5.0}]
    + [{"customer_id": "C2", "criterion": c, "score": None if c == "it_spend" else 6.0}
       for c in SCORE_CRITERIA[:-1]]
)


def line(order_id, line_no, revenue, opportunity_id=None, **extra):
    money = Decimal(str(revenue))
    return {**order("2026-10-05", money, (money * Decimal("0.9")).quantize(Decimal("0.01")),
                    **extra),
            "order_id": order_id, "line_no": line_no, "opportunity_id": opportunity_id}


ORDERS = [
    line("K1", 1, 600_000), line("K1", 2, 500_000),
    line("K2", 1, 1_000_000, "W1"),
    line("K3", 1, 1_000_000),
    line("K4", 1, 999_999.99),
    line("K5", 1, 2_000_000), line("K5", 2, 10, "W1"),
    line("K6", 1, 100, product_line="NB", product_id="PC1"),
]
OPPORTUNITIES = [
    opportunity("W1", 1_000_000, 5, "2026-10-05", status="won", closed_date=D("2026-10-01")),
    opportunity("W2", 50_000, 5, "2026-10-05", status="won", closed_date=D("2026-10-01")),
    opportunity("W3", 80_000, 2, "2026-12-05", region_id="R3",
                last_activity_date=D("2026-11-23")),
]
ACTIVITIES = [
    {"activity_id": "A1", "activity_date": D(AS_OF), "rep_id": "AE1", "customer_id": "C1",
     "type": "visit", "opportunity_id": None},
    {"activity_id": "A2", "activity_date": D("2026-11-23"), "rep_id": "AE1", "customer_id": "C1",
     "type": "call", "opportunity_id": None},
]


def tables(**overrides):
    return build_tables(reps=REPS_WITH_LEAVER, customers=OWNERS, customer_scores=SCORES,
                        opportunities=OPPORTUNITIES, activities=ACTIVITIES, **overrides)


def _with_orders(rows):
    # build_tables numbers order ids itself; these lines carry their own ids and line numbers.
    built = tables()
    built["orders"] = pa.Table.from_pylist(rows, schema=arrow_schema(TABLES["orders"]))
    return built


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    info = validate(write_snapshot(root, D(AS_OF), _with_orders(ORDERS), source="test"))
    assert info.valid, info.errors
    return info, connect(info)


def view(info) -> View:
    return View(info.snapshot_id, info.as_of, parse_period("FY26Q3"))


def by_check(frame: pd.DataFrame) -> dict:
    return {c: (p, n) for c, p, n in frame.loc[frame["check"] != "orphan_key",
                                               ["check", "problems", "checked"]].itertuples(
        index=False)}


def test_quality_checks_on_a_valid_snapshot(served):
    info, con = served
    checks = quality.checks(con, view(info))
    assert by_check(checks) == {
        "key_order_without_opportunity": (2, 4),      # K1, K3 of K1, K2, K3, K5
        "customer_without_owner": (2, 3),             # C2 none, C3 inactive
        "customer_missing_scores": (2, 3),            # C2 (7 of 8), C3 (none)
        "score_out_of_range": (1, 16),                # C2 it_spend empty; 8 + 1 + 7 rows
        "score_unknown_criterion": (1, 16),           # charisma
        "order_product_line_mismatch": (1, 8),        # K6 booked NB with a PC product; 8 lines
        "won_without_orders": (1, 2),                 # W2
        "open_deal_without_close_date": (0, 1),       # W3 has one
        "open_deal_inactive_owner": (1, 1),           # W3 owned by AE3
        "activity_after_as_of": (1, 2),               # A2 on 11-23; A1 on as_of is fine
        "opportunity_after_as_of": (1, 3),            # W3's last activity on 11-23
    }
    orphans = checks[checks["check"] == "orphan_key"]
    # One row per foreign key of the schema, all zero on a valid snapshot.
    assert len(orphans) == sum(len(t.foreign_keys) for t in TABLES.values())
    assert orphans["problems"].sum() == 0 and (orphans["severity"] == "error").all()
    assert "orders.customer_id → customers.customer_id" in set(orphans["detail"])
    shares = checks.set_index("check")["share"]
    assert shares["key_order_without_opportunity"] == pytest.approx(0.5)


def test_orphan_counts_recorded_by_validation_are_the_checks_counts(served):
    info, con = served
    assert len(info.foreign_keys) == sum(len(t.foreign_keys) for t in TABLES.values())
    counted = quality.checks(con, view(info))
    recorded = quality.checks(con, view(info), info.foreign_keys)
    pd.testing.assert_frame_equal(recorded, counted)
    orders_customer = {detail: checked for _, detail, _, checked in info.foreign_keys}
    assert orders_customer["orders.customer_id → customers.customer_id"] == 8  # every line
    assert orders_customer["orders.opportunity_id → opportunities.opportunity_id"] == 2


def test_quality_report_tiles(served):
    info, con = served
    report = quality.quality_report(con, view(info))
    assert report["orphan_keys"] == 0
    assert report["key_orders_without_opportunity"] == 2
    assert report["customers_without_owner"] == 2
    assert report["failing"] == 10 and report["checks_run"] == len(report["checks"])
    # Flagged checks first, most rows first.
    assert report["checks"]["problems"].tolist()[:2] == [2, 2]
    assert report["checks"]["problems"].is_monotonic_decreasing
    b = report["by_check"].set_index("check")
    assert len(b) == 12 and b.loc["orphan_key", "problems"] == 0 and not b.loc["orphan_key",
                                                                               "flagged"]


def test_orphan_keys_are_counted(served):
    """A snapshot with orphans is never served; the check itself counts them (run here on an
    in-memory copy of the tables, as validation would see them)."""
    built = tables(orders=[order("2026-10-05", 100, 90, customer_id="NOPE"),
                           order("2026-10-06", 100, 90, opportunity_id="GHOST")])
    con = duckdb.connect()
    for name, table in built.items():
        con.register(name, table)
    # The store records which tables a snapshot holds (here: all of them).
    con.execute("CREATE TABLE present_tables AS SELECT unnest($names::VARCHAR[]) AS name",
                {"names": list(built)})
    extracts.create(con, D(AS_OF))
    checks = quality.checks(con, View("2026-W47", D(AS_OF), parse_period("FY26Q3")))
    orphans = checks[checks["check"] == "orphan_key"].set_index("detail")["problems"]
    assert orphans["orders.customer_id → customers.customer_id"] == 1
    assert orphans["orders.opportunity_id → opportunities.opportunity_id"] == 1
    assert orphans.sum() == 2


def test_key_orders_and_ownerless_lists(served):
    info, con = served
    keys = quality.key_orders_without_opportunity(con, view(info))
    assert keys["order_id"].tolist() == ["K1", "K3"]
    assert keys.set_index("order_id").loc["K1", "revenue"] == 1_100_000
    assert keys.set_index("order_id").loc["K1", "lines"] == 2
    owners = quality.customers_without_owner(con, view(info)).set_index("customer_id")
    assert owners["reason"].to_dict() == {"C2": "no_owner", "C3": "inactive_owner"}


def test_key_order_list_is_capped_and_its_count_is_not(served, monkeypatch):
    """The page lists the newest KEY_ORDER_ROWS key orders without an opportunity; the tile and
    the check count every one of them."""
    info, con = served
    monkeypatch.setattr(quality, "KEY_ORDER_ROWS", 1)
    report = quality.quality_report(con, view(info))
    assert report["key_orders"]["order_id"].tolist() == ["K1"]
    assert report["key_orders_without_opportunity"] == 2
    check = report["checks"].set_index("check").loc["key_order_without_opportunity"]
    assert (check["problems"], check["checked"]) == (2, 4)  # K1, K3 of K1, K2, K3, K5


@pytest.mark.parametrize("today, days, stale, future", [
    ("2026-11-22", 0, False, False),
    ("2026-11-30", 8, False, False),   # 8 days: no warning yet
    ("2026-12-01", 9, True, False),    # after 8 days: warning
    ("2026-11-20", -2, False, True),
])
def test_freshness_warning_boundary(today, days, stale, future):
    f = quality.freshness(D(AS_OF), today=D(today))
    assert (f["days"], f["stale"], f["future"]) == (days, stale, future)


def test_freshness_defaults_to_today():
    assert quality.freshness(dt.date.today())["days"] == 0


def test_snapshot_listing_with_an_invalid_snapshot(tmp_path):
    make_snapshot(tmp_path, "2026-11-15", orders=[order("2026-11-02", 100, 80)])
    bad = make_snapshot(tmp_path, "2026-11-22",
                        orders=[order("2026-11-16", 100, 80, customer_id="NOPE")])
    assert not bad.valid
    infos = discover(tmp_path)
    listing = quality.snapshot_list(infos, "2026-W46")
    assert listing["snapshot_id"].tolist() == ["2026-W47", "2026-W46"]
    assert listing["valid"].tolist() == [False, True]
    assert listing["served"].tolist() == [False, True]
    assert listing.loc[0, "errors"] == 1
    assert "orders.customer_id: 1 values not found" in listing.loc[0, "first_error"]
    assert listing["orders"].tolist() == [1, 1] and listing["regions"].tolist() == [3, 3]
    assert quality.snapshot_summary(infos) == {"total": 2, "valid": 1, "invalid": 1}
    errors = quality.validation_errors(infos)
    assert errors["snapshot_id"].tolist() == ["2026-W47"]
    counts = quality.row_count_table(infos).set_index("table")
    assert list(counts.columns) == ["2026-W47", "2026-W46"]
    assert counts.loc["orders"].tolist() == [1, 1] and counts.loc["regions"].tolist() == [3, 3]
    history = quality.row_count_history(infos)
    # Oldest first, the growing tables only.
    assert history["snapshot_id"].tolist()[0] == "2026-W46"
    assert set(history["table"]) == set(quality.GROWING_TABLES)


def test_unreadable_table_has_no_row_count(tmp_path):
    info = make_snapshot(tmp_path, AS_OF)
    (info.path / "activities.parquet").unlink()
    infos = discover(tmp_path)
    counts = quality.row_count_table(infos).set_index("table")
    assert pd.isna(counts.loc["activities", "2026-W47"])
    assert quality.snapshot_list(infos)["activities"].isna().all()
