"""Gross-margin alerts (SPEC §5.5) on hand-built snapshots, expected values computed by hand.

Snapshot as of 2026-11-22, period FY26Q3 (2026-10-01 … 2026-12-31, to date 11-22). Default
thresholds (data/config.py defaults): floors PC 8%, NB 10%, Server 15%, Service 30%; deep discount
25%; special-price share 15%; erosion 2 points; high-margin mix 30%; critical at a gap of 5
points or ¥500,000 at stake. Builder products: PC1 (PC, list 5,000), NB1 (NB, high-margin),
SV1 (Server, high-margin).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from metrics import alerts, dashboard
from data import config as configuration
from data.config import ConfigError
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import D, PRODUCTS, REPS, connect, make_snapshot, opportunity, order

DEFAULT_CONFIG = configuration.defaults_toml()


def snapshot(tmp_path, **tables):
    info = make_snapshot(tmp_path, "2026-11-22", **tables)
    assert info.valid, info.errors
    return info, connect(info)


def view(info, period: str = "FY26Q3", **filters) -> View:
    return View(info.snapshot_id, info.as_of, parse_period(period), **filters)


def rows(frame: pd.DataFrame) -> dict:
    return frame.set_index("entity_id").to_dict("index")


@pytest.fixture
def config(tmp_path, monkeypatch):
    """Point COCKPIT_CONFIG at a TOML text: ``config(text)``."""
    def use(text: str) -> None:
        path = tmp_path / "cockpit.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("COCKPIT_CONFIG", str(path))
        configuration.reset()
    yield use
    configuration.reset()


# --- margin_floor ---------------------------------------------------------------------------------

def test_margin_floor_fires_below_the_floor_only(tmp_path):
    info, con = snapshot(tmp_path, orders=[
        order("2026-10-05", 1_000, 930),                         # O1 PC 7%: 1 pt below 8%
        order("2026-10-06", 100, 92),                            # O2 PC exactly 8%: no alert
        order("2026-10-07", 2_000, 1_900, product_line="NB"),    # O3 NB 5%: 5 pts below 10%
        order("2026-10-08", 2_000, 1_790, product_line="NB"),    # O4 NB 10.5%: above
        order("2026-10-09", -500, -490, quantity=-1),            # O5 return: not checked
        order("2026-10-10", 0, 50),                              # O6 zero revenue: not checked
        order("2026-09-15", 1_000, 990),                         # O7 before the period
        order("2026-11-22", 1_000, 925, region_id="R2"),         # O8 R2 PC 7.5%, on as_of
    ])
    found = rows(alerts.margin_floor(con, view(info)))
    assert sorted(found) == ["O1/1", "O3/1", "O8/1"]
    # O1: (0.08 − 0.07) × 1,000 = 10; gap 1 pt → warning.
    assert found["O1/1"]["at_stake"] == pytest.approx(10)
    assert found["O1/1"]["value"] == pytest.approx(0.07)
    assert found["O1/1"]["threshold"] == 0.08
    assert found["O1/1"]["severity"] == "warning"
    # O3: (0.10 − 0.05) × 2,000 = 100; a gap of exactly 5 points is critical.
    assert found["O3/1"]["at_stake"] == pytest.approx(100)
    assert found["O3/1"]["severity"] == "critical"
    # O8: (0.08 − 0.075) × 1,000 = 5.
    assert found["O8/1"]["at_stake"] == pytest.approx(5)
    assert list(alerts.margin_floor(con, view(info))["entity_id"]) == ["O3/1", "O1/1", "O8/1"]
    assert list(alerts.margin_floor(con, view(info, regions=("R2",)))["entity_id"]) == ["O8/1"]
    assert alerts.margin_floor(con, view(info, "FY26Q2"))["entity_id"].tolist() == ["O7/1"]


def test_line_alerts_of_equal_stake_are_in_entity_id_order(tmp_path):
    # Three PC lines at 7% on ¥1,000: ¥10 at stake each. Ties go by the entity id as text:
    # "O1/10" < "O1/2" < "O9/1" (not by order and line number).
    info, con = snapshot(tmp_path, orders=[
        order("2026-10-05", 1_000, 930, order_id="O1", line_no=2),
        order("2026-10-05", 1_000, 930, order_id="O9", line_no=1),
        order("2026-10-05", 1_000, 930, order_id="O1", line_no=10),
    ])
    found = alerts.margin_floor(con, view(info))
    assert found["at_stake"].tolist() == pytest.approx([10, 10, 10])
    assert found["entity_id"].tolist() == ["O1/10", "O1/2", "O9/1"]


def test_critical_at_exactly_500k_at_stake(tmp_path):
    info, con = snapshot(tmp_path, orders=[
        # Server floor 15%, revenue 25,000,000: 15% would be 3,750,000 of margin.
        order("2026-10-05", 25_000_000, 21_750_000, product_line="Server"),     # 13%: 500,000.00
        order("2026-10-06", 25_000_000, Decimal("21749999.99"),
              product_line="Server"),                                             # 499,999.99
    ])
    found = rows(alerts.margin_floor(con, view(info)))
    assert found["O1/1"]["at_stake"] == 500_000 and found["O1/1"]["severity"] == "critical"
    assert found["O2/1"]["at_stake"] == pytest.approx(499_999.99)
    assert found["O2/1"]["severity"] == "warning"  # gap 2 pts, just under ¥500,000


def test_line_owner_is_its_rep_or_the_regional_lead_when_the_rep_left(tmp_path):
    reps = [
        {"rep_id": "L1", "name": "Lead One", "role": "AE", "region_id": "R1", "manager_id": None,
         "active": True},
        {**REPS[0], "manager_id": "L1"},
        {"rep_id": "X1", "name": "Gone Rep", "role": "ISR", "region_id": "R1",
         "manager_id": "L1", "active": False},
        *REPS[1:],
    ]
    info, con = snapshot(tmp_path, reps=reps, orders=[
        order("2026-10-05", 1_000, 950),
        order("2026-10-05", 1_000, 960, rep_id="X1"),
    ])
    found = rows(alerts.margin_floor(con, view(info)))
    assert (found["O1/1"]["owner_id"], found["O1/1"]["owner_name"]) == ("AE1", "Li Na")
    assert (found["O2/1"]["owner_id"], found["O2/1"]["owner_name"]) == ("L1", "Lead One")


# --- deep_discount --------------------------------------------------------------------------------

def test_deep_discount(tmp_path):
    info, con = snapshot(tmp_path, orders=[
        order("2026-10-05", 7_000, 4_000, discount_pct=0.30),            # O1 list 10,000
        order("2026-10-05", 7_500, 4_000, discount_pct=0.25),            # O2 at the limit
        order("2026-10-05", 740, 600, discount_pct=0.26),                # O3 list 1,000
        order("2026-10-05", 0, 8_800, discount_pct=1.0, quantity=2),     # O4 given away
        order("2026-10-05", -600, -440, discount_pct=0.40, quantity=-1),  # O5 return
        order("2026-10-05", 500, 300, discount_pct=0.5, order_id="SO9", line_no=2),
    ])
    found = rows(alerts.deep_discount(con, view(info)))
    assert sorted(found) == ["O1/1", "O3/1", "O4/1", "SO9/2"]
    # O1: (0.30 − 0.25) × 7,000 ÷ 0.70 = 500; gap 5 pts → critical.
    assert found["O1/1"]["at_stake"] == pytest.approx(500)
    assert found["O1/1"]["severity"] == "critical"
    # O3: (0.26 − 0.25) × 740 ÷ 0.74 = 10; gap 1 pt → warning.
    assert found["O3/1"]["at_stake"] == pytest.approx(10)
    assert found["O3/1"]["severity"] == "warning"
    # O4: no revenue to gross up: list value = 2 × 5,000 list price; 0.75 × 10,000 = 7,500.
    assert found["O4/1"]["at_stake"] == pytest.approx(7_500)
    # SO9/2: (0.5 − 0.25) × 500 ÷ 0.5 = 250.
    assert found["SO9/2"]["at_stake"] == pytest.approx(250)
    assert found["SO9/2"]["entity_type"] == "order_line"


# --- special_price_share --------------------------------------------------------------------------

def test_special_price_share(tmp_path):
    info, con = snapshot(tmp_path, orders=[
        order("2026-10-05", 800, 640),                                       # R1 regular 20%
        order("2026-10-06", 200, 180, special_price=True),                   # R1 special 10%
        order("2026-10-05", 850, 800, region_id="R2"),
        order("2026-10-06", 150, 140, region_id="R2", special_price=True),   # R2 exactly 15%
        order("2026-10-05", 100, 90, region_id="R3", special_price=True),
        order("2026-10-09", -100, -90, region_id="R3", special_price=True, quantity=-1),
    ])
    found = rows(alerts.special_price_share(con, view(info)))
    # R1: 200 ÷ 1,000 = 20% > 15%. R2 at the limit; R3 nets to zero revenue: no share.
    assert list(found) == ["R1"]
    r1 = found["R1"]
    assert (r1["value"], r1["threshold"]) == (pytest.approx(0.20), 0.15)
    # Excess special revenue (0.20 − 0.15) × 1,000 = 50, sold at 10% instead of 20%: 5.
    assert r1["at_stake"] == pytest.approx(5)
    assert r1["severity"] == "critical"  # gap 5 points
    assert (r1["entity_type"], r1["entity_name"]) == ("region", "North One")
    assert r1["owner_id"] == "AE1"  # the region's only rep, without manager


def test_special_price_share_of_a_region_selling_only_special_prices(tmp_path):
    info, con = snapshot(tmp_path, orders=[
        order("2026-10-05", 1_000, 950, special_price=True),   # R1: all special, 5%
        order("2026-10-05", 1_000, 800, region_id="R2"),       # R2: all regular, 20%
    ])
    found = rows(alerts.special_price_share(con, view(info)))
    assert list(found) == ["R1"]
    # R1 has no regular lines: the view's regular gm_pct (20%) stands in.
    # (1.00 − 0.15) × 1,000 × (0.20 − 0.05) = 127.5.
    assert found["R1"]["at_stake"] == pytest.approx(127.5)


@pytest.mark.parametrize("filters, share, at_stake", [
    # R1 in all: 1,200 special of 2,000 = 60%; special gm (20 + 50) ÷ 1,200, regular 20%:
    # (0.60 − 0.15) × 2,000 × (0.20 − 70/1,200) = 127.5.
    ({}, 0.60, 127.5),
    # Government (or the direct channel): 200 of 1,000 = 20%, at 10% against 20%:
    # 0.05 × 1,000 × 0.10 = 5.
    ({"industries": ("GOV",)}, 0.20, 5.0),
    ({"channel": "direct"}, 0.20, 5.0),
    # The partner channel: all special, no regular line in the view to compare with: nothing
    # at stake.
    ({"channel": "partner"}, 1.00, 0.0),
])
def test_region_rules_under_industry_and_channel_filters(tmp_path, filters, share, at_stake):
    """The region rules' sums of a view that filters industries or a channel count only the
    lines of that industry or channel (the unfiltered sums come from a table without those
    columns)."""
    info, con = snapshot(tmp_path, orders=[
        order("2026-10-05", 800, 640),                                        # GOV direct 20%
        order("2026-10-06", 200, 180, special_price=True),                    # GOV direct 10%
        order("2026-10-07", 1_000, 950, industry_id="EDU", channel="partner",
              special_price=True),                                            # EDU partner 5%
    ])
    v = view(info, **filters)
    found = rows(alerts.special_price_share(con, v))
    assert list(found) == ["R1"]
    assert found["R1"]["value"] == pytest.approx(share)
    assert found["R1"]["at_stake"] == pytest.approx(at_stake)
    assert alerts.overview(con, v)["summary"]["by_rule"].set_index("rule").loc[
        "special_price_share", "at_stake"] == pytest.approx(at_stake)


# --- margin_erosion -------------------------------------------------------------------------------

def test_margin_erosion_against_the_13_weeks_before_the_period(tmp_path):
    # Baseline of FY26Q3: 2026-07-02 … 2026-09-30 (91 days before 10-01).
    assert alerts.erosion_baseline(parse_period("FY26Q3")) == (D("2026-07-02"), D("2026-09-30"))
    info, con = snapshot(tmp_path, orders=[
        order("2026-08-10", 1_000, 850),                                    # R1 PC base 15%
        order("2026-10-10", 2_000, 1_800),                                  # R1 PC now 10%
        order("2026-09-30", 1_000, 880, product_line="NB"),                 # R1 NB base 12%
        order("2026-11-20", 1_000, 900, product_line="NB"),                 # R1 NB now 10%
        order("2026-07-02", 1_000, 880, region_id="R2"),                    # R2 PC base 12%
        order("2026-10-01", 1_000, 901, region_id="R2"),                    # R2 PC now 9.9%
        order("2026-10-01", 1_000, 990, region_id="R2", product_line="NB"),  # no baseline
        order("2026-07-01", 1_000, 500, region_id="R3"),       # before the baseline window
        order("2026-07-02", 1_000, 880, region_id="R3"),       # R3 PC base 12%
        order("2026-10-01", 1_000, 870, region_id="R3"),       # R3 PC now 13%: better
    ])
    frame = alerts.margin_erosion(con, view(info))
    # R1 PC: 15% → 10%, 5 points: (0.15 − 0.10) × 2,000 = 100, critical.
    # R1 NB: 12% → 10%, exactly 2 points: not more than 2, no alert.
    # R2 PC: 12% → 9.9%, 2.1 points: 0.021 × 1,000 = 21, warning.
    assert frame["entity_id"].tolist() == ["R1/PC", "R2/PC"]
    found = rows(frame)
    assert found["R1/PC"]["at_stake"] == pytest.approx(100)
    assert (found["R1/PC"]["value"], found["R1/PC"]["threshold"]) == (
        pytest.approx(0.10), pytest.approx(0.15))
    assert found["R1/PC"]["severity"] == "critical"
    assert found["R2/PC"]["at_stake"] == pytest.approx(21)
    assert found["R2/PC"]["severity"] == "warning"
    assert found["R2/PC"]["entity_name"] == "South Two · PC"
    assert found["R2/PC"]["entity_type"] == "region_product_line"


def test_margin_erosion_counts_returns_in_the_totals(tmp_path):
    info, con = snapshot(tmp_path, orders=[
        order("2026-08-10", 1_000, 800),                      # base 20%
        order("2026-10-10", 1_000, 800),
        order("2026-10-12", -500, -300, quantity=-1),         # return of a 40% line
    ])
    # Now: revenue 500, margin 200 − 200 = 0 → 0%: 20 points below; 0.20 × 500 = 100.
    found = rows(alerts.margin_erosion(con, view(info)))
    assert found["R1/PC"]["value"] == pytest.approx(0.0)
    assert found["R1/PC"]["at_stake"] == pytest.approx(100)


# --- at_risk_deal ---------------------------------------------------------------------------------

def test_at_risk_deal(tmp_path):
    info, con = snapshot(tmp_path, opportunities=[
        opportunity("OP1", 2_000_000, 3, "2026-12-15", expected_margin_pct=0.05),
        opportunity("OP2", 1_000_000, 2, "2027-02-15", product_line="Server",
                    expected_margin_pct=0.10),
        opportunity("OP3", 999_999, 2, "2026-12-15", product_line="NB", expected_margin_pct=0.01),
        opportunity("OP4", 3_000_000, 2, "2026-12-15", expected_margin_pct=0.08),
        opportunity("OP5", 5_000_000, 5, "2026-11-01", status="won",
                    closed_date=D("2026-11-01"), expected_margin_pct=0.01),
        opportunity("OP6", 20_000_000, 1, "2027-03-31", product_line="NB",
                    expected_margin_pct=0.075, region_id="R2"),
    ])
    frame = alerts.at_risk_deal(con, view(info))
    # OP6: (0.10 − 0.075) × 20,000,000 = 500,000 → critical by money (gap 2.5 points).
    # OP1: (0.08 − 0.05) × 2,000,000 = 60,000, gap 3 → warning.
    # OP2: exactly the key minimum; (0.15 − 0.10) × 1,000,000 = 50,000, gap 5 → critical.
    # OP3 is under ¥1,000,000, OP4 exactly at its floor, OP5 already won.
    assert frame["entity_id"].tolist() == ["OP6", "OP1", "OP2"]
    found = rows(frame)
    assert found["OP6"]["at_stake"] == 500_000 and found["OP6"]["severity"] == "critical"
    assert found["OP1"]["at_stake"] == pytest.approx(60_000)
    assert found["OP1"]["severity"] == "warning"
    assert found["OP2"]["at_stake"] == pytest.approx(50_000)
    assert found["OP2"]["severity"] == "critical"
    assert (found["OP1"]["entity_name"], found["OP1"]["owner_id"]) == ("Deal OP1", "AE1")
    assert alerts.at_risk_deal(con, view(info, regions=("R2",)))["entity_id"].tolist() == ["OP6"]


# --- high_margin_mix ------------------------------------------------------------------------------

MIX_ORDERS = [
    order("2026-10-05", 200, 140, product_line="NB"),                       # R1 high-margin 30%
    order("2026-10-05", 800, 720),                                          # R1 rest 10%
    order("2026-10-05", 300, 210, region_id="R2", product_line="Server"),   # R2 high-margin
    order("2026-10-05", 700, 630, region_id="R2"),
    order("2026-10-05", 1_000, 900, region_id="R3"),                        # R3 none
]


def test_high_margin_mix(tmp_path):
    info, con = snapshot(tmp_path, orders=MIX_ORDERS)
    frame = alerts.high_margin_mix(con, view(info))
    # Shares: R1 200 ÷ 1,000 = 20%, R2 300 ÷ 1,000 = 30% (at target: no alert), R3 0%.
    # Uplift over the view: high-margin (60 + 90) ÷ 500 = 30%, rest (80 + 70 + 100) ÷ 2,500 =
    # 10%: 20 points. R3: (0.30 − 0) × 1,000 × 0.20 = 60; R1: 0.10 × 1,000 × 0.20 = 20.
    assert frame["entity_id"].tolist() == ["R3", "R1"]
    found = rows(frame)
    assert found["R3"]["at_stake"] == pytest.approx(60)
    assert found["R1"]["at_stake"] == pytest.approx(20)
    assert found["R1"]["value"] == pytest.approx(0.20) and found["R1"]["threshold"] == 0.30
    assert found["R1"]["severity"] == "critical"  # 10 points below target
    mix = alerts.high_margin_mix_by_region(con, view(info))
    assert mix["region_id"].tolist() == ["R3", "R1", "R2"]
    assert mix["share"].tolist() == pytest.approx([0.0, 0.2, 0.3])
    assert mix["below_target"].tolist() == [True, True, False]


def test_regional_lead_is_the_top_of_the_regions_chain(tmp_path):
    reps = [
        *REPS[:1],
        {**REPS[1], "active": False},                 # R2's old lead left
        {"rep_id": "M2", "name": "Ma Two", "role": "AE", "region_id": "R2", "manager_id": "AE1",
         "active": True},                             # reports to R1's lead: top of R2's chain
        {"rep_id": "S2", "name": "Su Two", "role": "ISR", "region_id": "R2", "manager_id": "M2",
         "active": True},
        *REPS[2:],
    ]
    info, con = snapshot(tmp_path, reps=reps, orders=MIX_ORDERS)
    found = rows(alerts.alerts(con, view(info)))
    assert (found["R3"]["owner_id"], found["R3"]["owner_name"]) == ("AE3", "Zhao Lei")
    info2, con2 = snapshot(tmp_path / "r2", reps=reps, orders=[
        order("2026-10-05", 1_000, 900, region_id="R2")])
    assert rows(alerts.high_margin_mix(con2, view(info2)))["R2"]["owner_id"] == "M2"


# --- every rule together --------------------------------------------------------------------------

ALL_RULES_ORDERS = [
    order("2026-10-05", 1_000, 950, discount_pct=0.30),              # O1 floor + discount
    order("2026-10-05", 4_000, 3_000, product_line="NB", special_price=True),  # O2
    order("2026-08-01", 1_000, 800),                                 # O3 R1 PC baseline 20%
]


def test_alerts_are_every_rule_sorted_by_at_stake(tmp_path):
    info, con = snapshot(tmp_path, orders=ALL_RULES_ORDERS, opportunities=[
        opportunity("OP1", 2_000_000, 3, "2026-12-15", expected_margin_pct=0.07)])
    frame = alerts.alerts(con, view(info))
    # R1 in the period: O1 PC 1,000 at 5% and O2 NB 4,000 at 25% (special, high-margin).
    # margin_floor O1: (0.08 − 0.05) × 1,000 = 30.
    # deep_discount O1: (0.30 − 0.25) × 1,000 ÷ 0.70 = 71.43.
    # special_price_share R1: 4,000 ÷ 5,000 = 80%; no regular gm_pct in the view except O1
    #   (5%), special 25%: special sells above regular → 0 at stake.
    # margin_erosion R1/PC: 20% → 5%: 0.15 × 1,000 = 150.
    # at_risk_deal OP1: (0.08 − 0.07) × 2,000,000 = 20,000.
    # high_margin_mix R1: 80% high-margin, above target: no alert.
    assert list(zip(frame["rule"], frame["entity_id"])) == [
        ("at_risk_deal", "OP1"), ("margin_erosion", "R1/PC"), ("deep_discount", "O1/1"),
        ("margin_floor", "O1/1"), ("special_price_share", "R1")]
    assert frame["at_stake"].tolist() == pytest.approx([20_000, 150, 71.43, 30, 0])
    assert set(frame.columns) >= {"rule", "severity", "entity_type", "entity_id", "entity_name",
                                  "value", "threshold", "at_stake", "owner_id", "owner_name"}


def test_report_alerts_is_the_spec_shape(tmp_path):
    info, con = snapshot(tmp_path, orders=ALL_RULES_ORDERS, opportunities=[
        opportunity("OP1", 2_000_000, 3, "2026-12-15", expected_margin_pct=0.07)])
    report = alerts.report_alerts(con, view(info))
    assert json.loads(json.dumps(report)) == report  # plain JSON values
    assert [list(r) for r in report] == [list(alerts.REPORT_KEYS)] * 5
    first = report[0]
    assert first == {"rule": "at_risk_deal", "severity": "warning", "entity_type": "opportunity",
                     "entity_id": "OP1", "entity_name": "Deal OP1", "value": 0.07,
                     "threshold": 0.08, "at_stake": 20_000.0, "owner": "AE1",
                     "owner_name": "Li Na"}
    assert report[-1]["at_stake"] == 0.0
    assert alerts.report_alerts(con, view(info, regions=("R3",))) == []


def test_nothing_in_the_view_gives_no_alerts(tmp_path):
    info, con = snapshot(tmp_path, orders=ALL_RULES_ORDERS)
    assert alerts.alerts(con, view(info, regions=("R3",))).empty
    assert alerts.alerts(con, view(info, "FY26Q4")).empty  # after as_of: nothing to date
    s = alerts.summary(con, view(info, regions=("R3",)))
    assert (s["count"], s["at_stake_booked"], s["gm_pct"]) == (0, 0.0, None)


# --- summary, trend, product lines without a floor ------------------------------------------------

def test_summary(tmp_path):
    info, con = snapshot(tmp_path, orders=[
        *ALL_RULES_ORDERS,
        order("2026-09-10", 1_000, 850, product_line="NB"),   # FY26Q2 (with O3): 2,000 at 17.5%
    ], opportunities=[opportunity("OP1", 2_000_000, 3, "2026-12-15", expected_margin_pct=0.07)])
    s = alerts.summary(con, view(info))
    # Alerts as in test_alerts_are_every_rule_sorted_by_at_stake; critical: margin_erosion
    # (15 pts), deep discount (5 pts), special_price_share (65 pts).
    assert (s["critical"], s["warning"], s["count"]) == (3, 2, 5)
    assert s["at_stake_booked"] == pytest.approx(150 + 71.43 + 30 + 0)
    assert (s["at_stake_deals"], s["deals_at_risk"]) == (pytest.approx(20_000), 1)
    # FY26Q3 to date: (50 + 1,000) ÷ 5,000 = 21%; FY26Q2: (200 + 150) ÷ 2,000 = 17.5%.
    assert s["gm_pct"] == pytest.approx(0.21)
    assert (s["last_quarter"], s["last_quarter_gm_pct"]) == ("FY26Q2", pytest.approx(0.175))
    assert s["gm_change"] == pytest.approx(0.035)
    by_rule = s["by_rule"].set_index("rule")
    assert by_rule.loc["margin_erosion", "at_stake"] == pytest.approx(150)
    assert by_rule["rule_count"].sum() == 5
    assert s["unchecked_product_lines"] == []
    # The page's overview: the same alerts and summary from one run of the rules.
    shown = alerts.overview(con, view(info))
    pd.testing.assert_frame_equal(shown["alerts"], alerts.alerts(con, view(info)))
    assert shown["summary"]["count"] == 5
    assert shown["summary"]["at_stake_booked"] == s["at_stake_booked"]
    pd.testing.assert_frame_equal(shown["summary"]["by_rule"], s["by_rule"])


def test_month_baseline_and_last_quarter_are_different_windows(tmp_path):
    # Period 2026-11 (to date 11-22): erosion baseline 2026-08-02 … 10-31, last quarter FY26Q2
    # (2026-07-01 … 09-30): one scan reads both, each sum keeps to its own window.
    assert alerts.erosion_baseline(parse_period("2026-11")) == (D("2026-08-02"), D("2026-10-31"))
    info, con = snapshot(tmp_path, orders=[
        order("2026-07-10", 1_000, 500),      # last quarter only: 50%
        order("2026-09-10", 1_000, 800),      # both: 20%
        order("2026-10-15", 3_000, 2_400),    # baseline only (FY26Q3, before the period): 20%
        order("2026-11-05", 2_000, 1_900),    # the period: 5%
    ])
    s = alerts.summary(con, view(info, "2026-11"))
    # Last quarter: (500 + 200) ÷ 2,000 = 35%; the period: 100 ÷ 2,000 = 5%.
    assert (s["last_quarter"], s["last_quarter_gm_pct"]) == ("FY26Q2", pytest.approx(0.35))
    assert s["gm_pct"] == pytest.approx(0.05)
    assert s["gm_change"] == pytest.approx(-0.30)
    # Baseline (200 + 600) ÷ 4,000 = 20% → 5%: 15 points × 2,000 = 300 at stake (the July
    # line at 50% would make it 1,300 ÷ 5,000 = 26%).
    erosion = rows(alerts.margin_erosion(con, view(info, "2026-11")))
    assert erosion["R1/PC"]["threshold"] == pytest.approx(0.20)
    assert erosion["R1/PC"]["at_stake"] == pytest.approx(300)


@pytest.mark.parametrize("period, filters", [
    ("FY26Q3", {}), ("2026-11", {}), ("2026-10", {"regions": ("R1",)}),
    ("FY26Q3", {"product_lines": ("NB",)}), ("FY26Q3", {"regions": ("R3",)}), ("FY26Q4", {}),
    ("FY26Q3", {"industries": ("GOV",)}), ("FY26Q3", {"channel": "direct"}),
])
def test_overview_equals_the_single_purpose_functions(tmp_path, period, filters):
    info, con = snapshot(tmp_path, orders=[
        *ALL_RULES_ORDERS,
        order("2026-07-10", 1_000, 500),
        order("2026-09-10", 1_000, 850, product_line="NB"),
        order("2026-11-05", 2_000, 1_900, region_id="R2", product_line="Server"),
        order("2026-11-06", 500, 100, region_id="R2", product_line="NB"),
    ], opportunities=[opportunity("OP1", 2_000_000, 3, "2026-12-15", expected_margin_pct=0.07)])
    v = view(info, period, **filters)
    shown = alerts.overview(con, v)
    pd.testing.assert_frame_equal(shown["alerts"], alerts.alerts(con, v))
    pd.testing.assert_frame_equal(shown["mix"], alerts.high_margin_mix_by_region(con, v))
    expected, got = alerts.summary(con, v), shown["summary"]
    pd.testing.assert_frame_equal(got.pop("by_rule"), expected.pop("by_rule"))
    assert got == expected
    # The temporary tables are gone afterwards.
    assert not con.execute("SELECT * FROM duckdb_tables() WHERE temporary").fetchall()


def test_last_quarter():
    assert alerts.last_quarter(parse_period("FY26Q3")).code == "FY26Q2"
    assert alerts.last_quarter(parse_period("2026-W47")).code == "FY26Q2"
    assert alerts.last_quarter(parse_period("FY26")).code == "FY25Q4"
    assert alerts.last_quarter(parse_period("FY26Q1")).code == "FY25Q4"


def test_gm_trend_has_13_weeks_per_product_line_with_its_floor(tmp_path):
    info, con = snapshot(tmp_path, orders=[
        order("2026-11-16", 1_000, 900),                        # W47 PC 10%
        order("2026-11-20", 1_000, 800),                        # W47 PC: 15% for the week
        order("2026-08-24", 500, 400, product_line="Server"),   # W35 Server 20%
        order("2026-08-23", 500, 100, product_line="NB"),       # W34: before the 13 weeks
    ])
    trend = alerts.gm_trend(con, view(info))
    assert trend["product_line"].unique().tolist() == ["PC", "Server"]
    pc = trend[trend["product_line"] == "PC"]
    assert pc["week"].tolist()[0] == "2026-W35" and pc["week"].tolist()[-1] == "2026-W47"
    assert len(pc) == 13
    assert pc["gm_pct"].iloc[-1] == pytest.approx(0.15)
    assert pc["gm_pct"].iloc[:-1].isna().all()   # no sales: no ratio, not zero
    assert pc["floor"].unique().tolist() == [0.08]
    server = trend[trend["product_line"] == "Server"]
    assert server["gm_pct"].iloc[0] == pytest.approx(0.2) and server["floor"].iloc[0] == 0.15


def test_trends_end_with_the_week_of_as_of(tmp_path):
    # As of Sunday 2026-11-22 (a snapshot's as_of is the Sunday of its week; a midweek one is
    # invalid): the trends' last week is W47, from the weekly_sums extract.
    info = make_snapshot(tmp_path, "2026-11-22", orders=[
        order("2026-08-23", 400, 0),          # Sunday of W34: before the 13 weeks
        order("2026-08-24", 500, 400),        # Monday of W35: the first of them
        order("2026-11-16", 1_000, 900),
        order("2026-11-18", 1_000, 700),
    ])
    con = connect(info)
    v = View(info.snapshot_id, info.as_of, parse_period("FY26Q3"))
    pc = alerts.gm_trend(con, v).query("product_line == 'PC'")
    assert (pc["week"].iloc[0], pc["week"].iloc[-1], len(pc)) == ("2026-W35", "2026-W47", 13)
    assert pc["gm_pct"].iloc[-1] == pytest.approx(0.20) and pc["gm_pct"].iloc[0] == 0.2
    weekly = dashboard.revenue_trend(con, v)
    assert (weekly["week"].iloc[0], weekly["week"].iloc[-1]) == ("2026-W35", "2026-W47")
    assert (weekly["revenue"].iloc[-1], weekly["gross_margin"].iloc[-1]) == (2_000, 400)
    assert weekly["revenue"].sum() == 2_500


def test_a_product_line_without_a_floor_is_not_checked(tmp_path):
    products = [*PRODUCTS, {"product_id": "ST1", "name": "Store 1", "product_line": "Storage",
                            "series": "S", "list_price": 1000, "standard_cost": 900,
                            "high_margin": False}]
    info, con = snapshot(tmp_path, products=products, orders=[
        {**order("2026-10-05", 1_000, 990, product_id="ST1"), "product_line": "Storage"},
        order("2026-10-05", 1_000, 990),
    ], opportunities=[opportunity("OP1", 2_000_000, 3, "2026-12-15", product_line="Storage",
                                  expected_margin_pct=0.01)])
    assert alerts.margin_floor(con, view(info))["entity_id"].tolist() == ["O2/1"]
    assert alerts.at_risk_deal(con, view(info)).empty
    assert alerts.unchecked_product_lines(con, view(info)) == ["Storage"]
    assert alerts.unchecked_product_lines(con, view(info, product_lines=("PC",))) == []
    trend = alerts.gm_trend(con, view(info))
    assert trend.loc[trend["product_line"] == "Storage", "floor"].isna().all()


def test_a_product_line_missing_from_the_configuration_is_not_checked(tmp_path, config):
    config(DEFAULT_CONFIG + '\n[product_lines.GTX]\nname_en = "GTX"\n')
    info, con = snapshot(tmp_path, orders=[
        order("2026-10-05", 1_000, 990, product_line="GTX", product_id="SV1"),
        order("2026-10-05", 1_000, 990)])
    assert alerts.thresholds().floor("GTX") is None
    assert alerts.margin_floor(con, view(info))["entity_id"].tolist() == ["O2/1"]
    assert alerts.unchecked_product_lines(con, view(info)) == ["GTX"]


def test_thresholds_come_from_the_configuration(tmp_path, config):
    config(DEFAULT_CONFIG.replace("deep_discount = 0.25", "deep_discount = 0.35"))
    assert alerts.thresholds().deep_discount == 0.35
    info, con = snapshot(tmp_path, orders=[order("2026-10-05", 700, 400, discount_pct=0.30)])
    assert alerts.deep_discount(con, view(info)).empty


@pytest.mark.parametrize("old, new, message", [
    ("deep_discount = 0.25", 'deep_discount = "25%"', "deep_discount = '25%' must be a number"),
    ("deep_discount = 0.25", "deep_discount = 25", "must be at most 1 (a fraction"),
    ("high_margin_mix = 0.3", "high_margin_mix = true", "high_margin_mix = True must be a number"),
    ("critical_at_stake = 500000", "critical_at_stake = -1", "must be at least 0"),
    ("deep_discount = 0.25", "deep_discont = 0.25",
     "unknown key alerts.deep_discont (did you mean alerts.deep_discount?)"),
    ("margin_floor = 0.08", "margin_floor = -0.08",
     "[product_lines.PC] margin_floor = -0.08 must be at least 0"),
    ("margin_floor = 0.08", 'margin_floor = "8%"',
     "[product_lines.PC] margin_floor = '8%' must be a number"),
    ("high_margin_mix = 0.3", "high_margin_mix = 0.3\nmargin_floor = 0.1",
     "unknown key alerts.margin_floor"),
])
def test_invalid_thresholds_raise_config_error(config, old, new, message):
    assert old in DEFAULT_CONFIG
    config(DEFAULT_CONFIG.replace(old, new))
    with pytest.raises(ConfigError) as raised:
        alerts.thresholds()
    assert message in str(raised.value)
    assert "cockpit.toml" in str(raised.value)  # names the file


def test_a_key_left_out_keeps_its_default(config):
    config("[alerts]\ndeep_discount = 0.3\n")
    assert alerts.thresholds().deep_discount == 0.3
    assert alerts.thresholds().special_price_share == 0.15
    assert alerts.thresholds().floor("Server") == 0.15


def test_invalid_thresholds_stop_every_alert_metric(tmp_path, config):
    info, con = snapshot(tmp_path, orders=[order("2026-10-05", 1_000, 990)])
    config(DEFAULT_CONFIG.replace("critical_points = 0.05", "critical_points = 5"))
    for fn in (alerts.alerts, alerts.summary, alerts.gm_trend, alerts.report_alerts):
        with pytest.raises(ConfigError, match="critical_points"):
            fn(con, view(info))


# --- drill-down -----------------------------------------------------------------------------------

def test_drill_down_to_what_each_alert_is_made_of(tmp_path):
    info, con = snapshot(tmp_path, orders=[
        *ALL_RULES_ORDERS,
        order("2026-10-07", 300, 200, special_price=True),                # O4 R1 special
        order("2026-10-07", 900, 800, special_price=True, region_id="R2"),
    ], opportunities=[opportunity("OP1", 2_000_000, 3, "2026-12-15", expected_margin_pct=0.07)])
    v = view(info)
    line = alerts.drill_down("margin_floor", "O1/1")(con, v)
    assert (line["kind"], line["total_rows"]) == ("lines", 1)
    assert line["frame"][["order_id", "line_no", "gm_pct"]].values.tolist() == [["O1", 1, 0.05]]
    special = alerts.drill_down("special_price_share", "R1")(con, v)
    assert special["frame"]["order_id"].tolist() == ["O2", "O4"]       # largest first
    assert special["total_rows"] == 2
    cell = alerts.drill_down("margin_erosion", "R1/PC")(con, v)
    assert cell["frame"]["order_id"].tolist() == ["O1", "O4"]          # O3 is before the period
    region = alerts.drill_down("high_margin_mix", "R1")(con, v)
    assert region["frame"]["order_id"].tolist() == ["O2", "O1", "O4"]
    assert region["frame"]["high_margin"].tolist() == [True, False, False]
    deal = alerts.drill_down("at_risk_deal", "OP1")(con, v)
    assert deal["kind"] == "deal"
    record = deal["frame"].iloc[0]
    assert (record["opportunity_id"], record["floor"]) == ("OP1", 0.08)
    assert record["margin_short_of_floor"] == pytest.approx(20_000)
    assert alerts.drill_down("at_risk_deal", "NOPE")(con, v)["frame"].empty
    assert alerts.drill_down("margin_floor", "garbage")(con, v)["frame"].empty
    with pytest.raises(ValueError, match="unknown alert rule"):
        alerts.drill_down("no_such_rule", "R1")


def test_drill_down_is_capped_and_counts_every_line(tmp_path, config):
    config("[alerts]\ndrill_down_rows = 2\n")
    info, con = snapshot(tmp_path, orders=[order("2026-10-05", 100 * (i + 1), 90 * (i + 1))
                                           for i in range(4)])
    found = alerts.drill_down("high_margin_mix", "R1")(con, view(info))
    assert found["frame"]["order_id"].tolist() == ["O4", "O3"]
    assert found["total_rows"] == 4
    # Exactly as many lines as the cap: all shown, counted as such.
    found = alerts.drill_down("high_margin_mix", "R1")(con, view(info, "2026-10",
                                                              product_lines=("NB",)))
    assert found["total_rows"] == 0 and found["frame"].empty
    info, con = snapshot(tmp_path / "two", orders=[order("2026-10-05", 100, 90),
                                                    order("2026-10-06", 200, 180)])
    found = alerts.drill_down("high_margin_mix", "R1")(con, view(info))
    assert (found["frame"]["order_id"].tolist(), found["total_rows"]) == (["O2", "O1"], 2)


def test_drill_down_functions_are_named_after_their_alert():
    # The page's metric cache keys on the function's qualified name.
    a = alerts.drill_down("margin_floor", "O1/1")
    b = alerts.drill_down("margin_floor", "O2/1")
    assert a.__qualname__ != b.__qualname__


# --- independent cross-check ----------------------------------------------------------------------

def test_line_rules_match_a_plain_pandas_computation(tmp_path):
    """margin_floor, deep_discount and high_margin_mix recomputed in pandas over a seeded random
    fixture (the rules' definitions, not their SQL)."""
    rng = random.Random(42)
    lines = []
    for _ in range(80):
        region, line = rng.choice(["R1", "R2", "R3"]), rng.choice(["PC", "NB", "Server"])
        revenue = round(rng.uniform(-200, 5_000), 2)
        quantity = -1 if revenue < 0 else rng.randint(0, 5)
        revenue = 0 if quantity == 0 else revenue
        cost = round(revenue * rng.uniform(0.75, 1.0), 2)
        day = D("2026-09-20") + dt.timedelta(days=rng.randint(0, 60))
        lines.append(order(day.isoformat(), Decimal(str(revenue)), Decimal(str(cost)),
                           region_id=region, product_line=line,
                           quantity=quantity, discount_pct=round(rng.uniform(0, 0.35), 2)))
    info, con = snapshot(tmp_path, orders=lines)
    frame = pd.DataFrame([{"order_id": f"O{i + 1}", **o} for i, o in enumerate(lines)])
    frame = frame.astype({"revenue": float, "cost": float})
    frame = frame[frame["order_date"].between(D("2026-10-01"), D("2026-11-22"))]
    floors = {"PC": 0.08, "NB": 0.10, "Server": 0.15}
    high = {"PC": False, "NB": True, "Server": True}

    positive = frame[frame["revenue"] > 0]
    gm = (positive["revenue"] - positive["cost"]) / positive["revenue"]
    below = positive[gm < positive["product_line"].map(floors) - 1e-12]
    expected_floor = {f"{r.order_id}/1": r.product_line_floor * r.revenue - (r.revenue - r.cost)
                      for r in below.assign(product_line_floor=below["product_line"].map(floors))
                      .itertuples()}
    got = alerts.margin_floor(con, view(info)).set_index("entity_id")["at_stake"].to_dict()
    assert got.keys() == expected_floor.keys() and len(got) > 5
    assert got == pytest.approx({k: round(v, 2) for k, v in expected_floor.items()}, abs=0.011)

    sold = frame[(frame["quantity"] > 0) & (frame["discount_pct"] > 0.25)]
    expected_discount = {f"{r.order_id}/1": (r.discount_pct - 0.25) * r.revenue
                         / (1 - r.discount_pct) for r in sold.itertuples()}
    got = alerts.deep_discount(con, view(info)).set_index("entity_id")["at_stake"].to_dict()
    assert got.keys() == expected_discount.keys() and len(got) > 3
    assert got == pytest.approx(expected_discount, abs=0.011)

    frame = frame.assign(high=frame["product_line"].map(high))
    share = (frame[frame["high"]].groupby("region_id")["revenue"].sum()
             / frame.groupby("region_id")["revenue"].sum())
    mix = alerts.high_margin_mix_by_region(con, view(info)).set_index("region_id")["share"]
    assert mix.sort_index().tolist() == pytest.approx(share.sort_index().tolist())
