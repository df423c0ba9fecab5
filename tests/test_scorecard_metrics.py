"""Regional scorecard (SPEC §5.4) on a hand-built snapshot as of 2026-11-22.

Period 2026-10 (complete; compared with 2026-09). Default weights 30/15/20/15/10/10.

| region | October: targets rev/margin          | October orders rev (cost)          | AEs      |
|--------|--------------------------------------|------------------------------------|----------|
| R1     | GOV 1000/100, EDU 500/50             | GOV 1500 (1380), EDU 200 (170)     | 1 (+1 inactive) |
| R2     | GOV 2000/300, no EDU target          | GOV 1000 (850), EDU 600 (500)      | 2 (+1 ISR) |
| R3     | GOV 400/40, EDU 400/40               | GOV 400 (300)                      | 0 (AE3 inactive) |
| R4     | none at all (listed, not ranked)     | GOV 100 (90)                       | 1        |

National revenue per active AE: 3,800 ÷ 4 = 950.

- R1: attainment (min(1500, 1200) + 200) ÷ 1500 = 93.33; balance a = (1.5, 0.4), 1 − 0.55 ÷ 0.95
  = 42.11; margin 150 ÷ 150 = 100; coverage: tier-1 C1 visited, tier-2 C1b only called = 50;
  hygiene: O1, O5 clean, O2 stale (idle 43 d), O3 past due, O4 stale (82 d in stage) = 40;
  productivity 1700 ÷ 950 > 1 = 100. Total 7,581.58 ÷ 100 = 75.82.
- R2: attainment 1000 ÷ 2000 = 50 (EDU has no target); balance one industry = 100; margin
  250 ÷ 300 = 83.33; coverage C2 workshop, C2c visit on 10-31, C2b's meeting was 09-30 = 66.67;
  hygiene 1 of 1 = 100; productivity 800 ÷ 950 = 84.21. Total 75.09.
- R3: attainment 400 ÷ 800 = 50; balance a = (1, 0) = 0; margin 100 ÷ 80 → 100; no tier-1/2
  customer, no open deal, no active AE: null. Total 3,500 ÷ 65 = 53.85.
- R4: no target: attainment, balance, margin null; coverage 0 (C4 unvisited); hygiene 0 (O9 past
  due); productivity 100 ÷ 950 = 10.53. Total 105.26 ÷ 35 = 3.01, not ranked.

September (the comparison): R1 57.33, R2 90.00, R4 66.82 (it had a target then), R3 none.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from data.store import discover, newest_valid
from data import config
from data.config import ConfigError
from metrics import dashboard, scorecard
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import (CUSTOMERS, D, INDUSTRIES, REGIONS, REPS, connect, make_snapshot,
                            opportunity, order, target)

AS_OF = "2026-11-22"
REGIONS_4 = [*REGIONS, {"region_id": "R4", "name_en": "East Four", "name_zh": "东四",
                        "region_group": "East"}]
REPS_4 = [
    *[dict(r, active=r["rep_id"] != "AE3") for r in REPS],
    {"rep_id": "AE1B", "name": "Sun Li", "role": "AE", "region_id": "R1", "manager_id": None,
     "active": False},
    {"rep_id": "AE2B", "name": "Qian Yu", "role": "AE", "region_id": "R2", "manager_id": None,
     "active": True},
    {"rep_id": "ISR2", "name": "Zhou Jie", "role": "ISR", "region_id": "R2", "manager_id": None,
     "active": True},
    {"rep_id": "AE4", "name": "Wu Min", "role": "AE", "region_id": "R4", "manager_id": None,
     "active": True},
]


def customer(cid, region_id, rep_id, industry_id="GOV"):
    return {"customer_id": cid, "name": f"Customer {cid}", "industry_id": industry_id,
            "region_id": region_id, "owner_rep_id": rep_id, "created_date": D("2020-01-01")}


CUSTOMERS_4 = [
    *CUSTOMERS,
    customer("C1B", "R1", "AE1"), customer("C1C", "R1", "AE1"), customer("C1D", "R1", "AE1"),
    customer("C2B", "R2", "AE2"), customer("C2C", "R2", "AE2B"), customer("C4", "R4", "AE4"),
    customer("X", "R3", "AE3"), customer("Y", "R3", "AE3"),
]
ATTRACTIVENESS = ("financial_performance", "it_spend", "reputation_management", "location")
FEASIBILITY = ("existing_relationship", "competitor_relationship", "attitude_to_us",
               "execution_capability")


def scores(cid, attractiveness, feasibility):
    """Score rows: one value (or four) per axis."""
    a = attractiveness if isinstance(attractiveness, tuple) else (attractiveness,) * 4
    f = feasibility if isinstance(feasibility, tuple) else (feasibility,) * 4
    return [{"customer_id": cid, "criterion": c, "score": float(s)}
            for c, s in [*zip(ATTRACTIVENESS, a), *zip(FEASIBILITY, f)]]


CUSTOMER_SCORES = [
    *scores("C1", 8, 8),      # tier 1
    *scores("C1B", 4, 7),     # tier 2
    *scores("C1C", 8, 3),     # tier 3
    *scores("C1D", 2, 2),     # not pursued
    *scores("C2", 9, 9), *scores("C2B", 5, 6), *scores("C2C", 6, 6),
    *scores("C3", 7, 2),      # R3's only scored customer: tier 3
    # Weighted means: (9·40 + 4·30 + 5·20 + 2·10) ÷ 100 = 6.0, (6·30 + 6·30 + 6·30 + 5·10) ÷ 100 = 5.9
    *scores("X", (9, 4, 5, 2), (6, 6, 6, 5)),
    *scores("C4", 7, 7),
    # Fully scored but for one criterion: not tiered (never a mean of fewer criteria).
    *scores("Y", 9, 9)[:-1],
]


def activity(aid, day, customer_id, rep_id, kind):
    return {"activity_id": aid, "activity_date": D(day), "rep_id": rep_id,
            "customer_id": customer_id, "type": kind, "opportunity_id": None}


ACTIVITIES = [
    activity("A1", "2026-10-05", "C1", "AE1", "visit"),
    activity("A2", "2026-10-06", "C1B", "AE1", "call"),        # a call does not count
    activity("A3", "2026-10-07", "C1C", "AE1", "meeting"),     # tier 3: not a key customer
    activity("A4", "2026-10-10", "C2", "AE2", "workshop"),
    activity("A5", "2026-09-30", "C2B", "AE2", "meeting"),     # the month before
    activity("A6", "2026-10-31", "C2C", "AE2B", "visit"),
]


def r4(row: dict, customer_id="C4") -> dict:
    return dict(row, region_id="R4", customer_id=customer_id, rep_id="AE4")


ORDERS = [
    order("2026-10-03", 1500, 1380), order("2026-10-04", 200, 170, industry_id="EDU"),
    order("2026-10-05", 1000, 850, region_id="R2"),
    order("2026-10-06", 600, 500, region_id="R2", industry_id="EDU"),
    order("2026-10-07", 400, 300, region_id="R3"),
    r4(order("2026-10-08", 100, 90)),
    # September
    order("2026-09-03", 500, 450), order("2026-09-04", 500, 450, industry_id="EDU"),
    order("2026-09-05", 1000, 880, region_id="R2"),
    order("2026-09-06", 100, 90, region_id="R2", industry_id="EDU"),
    r4(order("2026-09-08", 100, 90)),
]
TARGETS = [
    target("2026-10", 1000, 100), target("2026-10", 500, 50, industry_id="EDU"),
    target("2026-10", 2000, 300, region_id="R2"),
    target("2026-10", 400, 40, region_id="R3"),
    target("2026-10", 400, 40, region_id="R3", industry_id="EDU"),
    target("2026-09", 1000, 100), target("2026-09", 500, 50, industry_id="EDU"),
    target("2026-09", 1000, 100, region_id="R2"),
    {**target("2026-09", 100, 10), "region_id": "R4"},
]


def deal(oid, close, *, stage=2, activity_day="2026-11-20", stage_since="2026-11-01", **extra):
    return opportunity(oid, 1000, stage, close, last_activity_date=D(activity_day),
                       created_date=D(stage_since), **extra)


OPPORTUNITIES = [
    deal("O1", "2026-12-15"),
    deal("O2", "2026-12-15", activity_day="2026-10-10"),    # idle 43 days: stale
    deal("O3", "2026-11-01"),                               # past due
    deal("O4", "2026-12-15", stage_since="2026-09-01"),     # 82 days in stage: stale
    deal("O5", "2026-11-22", activity_day="2026-10-23"),    # due today, idle 30 days: clean
    deal("O7", "2026-12-15", region_id="R2"),
    deal("O8", "2026-12-15", region_id="R2", status="won", stage=5,
         closed_date=D("2026-11-02")),
    r4(deal("O9", "2026-10-31")),
]


@pytest.fixture(scope="module")
def snap(tmp_path_factory):
    info = make_snapshot(
        tmp_path_factory.mktemp("scorecard"), AS_OF, orders=ORDERS, targets=TARGETS,
        opportunities=OPPORTUNITIES, regions=REGIONS_4, reps=REPS_4, customers=CUSTOMERS_4,
        customer_scores=CUSTOMER_SCORES, activities=ACTIVITIES, industries=INDUSTRIES)
    assert info.valid, info.errors
    return info, connect(info)


def view(info, period="2026-10", **filters) -> View:
    return View(info.snapshot_id, info.as_of, parse_period(period), **filters)


@pytest.fixture(scope="module")
def card(snap):
    info, con = snap
    return scorecard.scorecard(con, view(info)).set_index("region_id")


EXPECTED = {
    "R1": {"industry_attainment": 1400 / 1500 * 100, "industry_balance": (1 - 0.55 / 0.95) * 100,
           "margin_attainment": 100, "customer_coverage": 50, "pipeline_hygiene": 40,
           "resource_productivity": 100},
    "R2": {"industry_attainment": 50, "industry_balance": 100, "margin_attainment": 250 / 3,
           "customer_coverage": 200 / 3, "pipeline_hygiene": 100,
           "resource_productivity": 800 / 950 * 100},
    "R3": {"industry_attainment": 50, "industry_balance": 0, "margin_attainment": 100,
           "customer_coverage": None, "pipeline_hygiene": None, "resource_productivity": None},
    "R4": {"industry_attainment": None, "industry_balance": None, "margin_attainment": None,
           "customer_coverage": 0, "pipeline_hygiene": 0,
           "resource_productivity": 100 / 950 * 100},
}


@pytest.mark.parametrize("region", sorted(EXPECTED))
@pytest.mark.parametrize("dimension", scorecard.DIMENSIONS)
def test_each_dimension_by_hand(card, region, dimension):
    expected = EXPECTED[region][dimension]
    actual = card.at[region, dimension]
    if expected is None:
        assert pd.isna(actual)
    else:
        assert actual == pytest.approx(expected)


def test_total_over_dimensions_with_a_basis(card):
    assert card.at["R1", "total"] == pytest.approx(
        (30 * 1400 / 15 + 15 * (1 - 0.55 / 0.95) * 100 + 2000 + 750 + 400 + 1000) / 100)
    assert card.at["R2", "total"] == pytest.approx(
        (1500 + 1500 + 20 * 250 / 3 + 1000 + 1000 + 10 * 800 / 9.5) / 100)
    assert card.at["R3", "total"] == pytest.approx(3500 / 65)
    assert card.at["R4", "total"] == pytest.approx(10 * 100 / 9.5 / 35)


def test_rank_and_unranked_region_without_target(snap, card):
    assert [card.at[r, "rank"] for r in ("R1", "R2", "R3")] == [1, 2, 3]
    assert pd.isna(card.at["R4", "rank"])
    info, con = snap
    ordered = scorecard.scorecard(con, view(info))
    assert list(ordered["region_id"]) == ["R1", "R2", "R3", "R4"]  # unranked last


def test_met_flags_against_the_whole_period_target(card):
    assert card.at["R1", "met_revenue"] and card.at["R1", "met_margin"]  # margin exactly 100%
    assert not card.at["R2", "met_revenue"] and not card.at["R2", "met_margin"]
    assert not card.at["R3", "met_revenue"] and card.at["R3", "met_margin"]
    assert pd.isna(card.at["R4", "met_revenue"]) and pd.isna(card.at["R4", "met_margin"])
    assert scorecard.headline(card.reset_index()) == {
        "regions": 4, "ranked": 3, "met_revenue": 1, "met_margin": 2, "met_both": 1,
        "median_total": pytest.approx(card.at["R2", "total"]), "best_region": "R1",
        "best_total": pytest.approx(card.at["R1", "total"]),
        "climber_region": "R1", "climber_ranks": 2}


def test_attainment_cross_checks_with_the_dashboard(snap, card):
    """Revenue and margin attainment agree with the weekly regional report (independent SQL)."""
    info, con = snap
    report = dashboard.regional_report(con, view(info)).set_index("region_id")
    for region in ("R1", "R2", "R3"):
        assert card.at[region, "revenue_attainment"] == pytest.approx(
            report.at[region, "revenue_attainment"])
        assert card.at[region, "margin_target_attainment"] == pytest.approx(
            report.at[region, "margin_attainment"])


def test_trend_against_the_previous_month(card):
    assert card.at["R1", "previous_total"] == pytest.approx(
        (2000 + 1000 + 20 * 200 / 3 + 0 + 400 + 1000) / 100)
    assert card.at["R2", "previous_total"] == pytest.approx(90)
    assert card.at["R4", "previous_total"] == pytest.approx((6500 + 10 * 100 / 5.5) / 100)
    assert pd.isna(card.at["R3", "previous_total"])  # nothing to score in September
    # September: R2 1st, R4 2nd, R1 3rd.
    assert card.at["R1", "rank_change"] == 2 and card.at["R2", "rank_change"] == -1
    assert pd.isna(card.at["R3", "rank_change"]) and pd.isna(card.at["R4", "rank_change"])


@pytest.mark.parametrize("region", ["R1", "R2", "R4"])
def test_contributions_sum_exactly_to_the_change(card, region):
    moved = sum(card.at[region, f"contribution_{d}"] for d in scorecard.DIMENSIONS)
    assert moved == pytest.approx(card.at[region, "total_change"], abs=1e-9)


def test_contribution_of_a_dimension_null_in_one_month(card):
    # R4 had a target in September only: its attainment dimensions drop out of October.
    assert card.at["R4", "contribution_industry_attainment"] == pytest.approx(-30)
    assert card.at["R4", "contribution_industry_balance"] == pytest.approx(-15)
    assert card.at["R4", "contribution_margin_attainment"] == pytest.approx(-20)
    assert card.at["R4", "contribution_resource_productivity"] == pytest.approx(
        10 * (100 / 9.5) / 35 - 10 * (100 / 5.5) / 100)
    # R1: only the scores that changed move the total (same dimensions, same Σw).
    assert card.at["R1", "contribution_industry_attainment"] == pytest.approx(
        0.3 * (1400 / 15 - 200 / 3))
    assert card.at["R1", "contribution_pipeline_hygiene"] == pytest.approx(0)
    # R3 has no September total: nothing to explain.
    assert all(pd.isna(card.at["R3", f"contribution_{d}"]) for d in scorecard.DIMENSIONS)


def test_why_moved_for_one_region(card):
    rows = scorecard.why_moved(card.reset_index(), "R1")
    assert list(rows["dimension"]) == list(scorecard.DIMENSIONS)
    assert rows["contribution"].sum() == pytest.approx(card.at["R1", "total_change"])
    # R1 is at or above the regions' median everywhere (equal is not below: hygiene 40 is the
    # median of 40, 100 and 0); R2's margin 83.3 is below the median 100.
    assert not rows["below_median"].any()
    r2 = scorecard.why_moved(card.reset_index(), "R2").set_index("dimension")["below_median"]
    assert [d for d, weak in r2.items() if weak] == ["margin_attainment"]


def test_ties_are_broken_by_revenue_and_regions_without_target_not_ranked():
    frame = pd.DataFrame({
        "region_id": ["A", "B", "C", "D", "E"],
        "revenue": [100.0, 300.0, 200.0, 999.0, 50.0],
        "revenue_target": [1.0, 1.0, 1.0, None, 0.0],
        **{d: [80.0, 80.0, 90.0, 100.0, 100.0] for d in scorecard.DIMENSIONS},
    })
    ranked = scorecard.rank(frame, scorecard.weights()).set_index("region_id")
    assert [ranked.at[r, "rank"] for r in ("C", "B", "A")] == [1, 2, 3]
    assert pd.isna(ranked.at["D", "rank"]) and pd.isna(ranked.at["E", "rank"])


def test_total_drops_null_dimensions_with_their_weight():
    frame = pd.DataFrame({d: [None] for d in scorecard.DIMENSIONS}, dtype=float)
    assert pd.isna(scorecard.total(frame, scorecard.weights()).iloc[0])
    frame["pipeline_hygiene"] = 50.0
    frame["customer_coverage"] = 80.0
    assert scorecard.total(frame, scorecard.weights()).iloc[0] == pytest.approx(
        (10 * 50 + 15 * 80) / 25)
    only = dict.fromkeys(scorecard.DIMENSIONS, 0.0) | {"pipeline_hygiene": 1.0}
    frame["pipeline_hygiene"] = None
    assert pd.isna(scorecard.total(frame, only).iloc[0])  # the one weighted dimension is null


def test_customer_tiers(snap):
    _, con = snap
    sql, params = scorecard.customer_tiers_sql()
    tiers = con.execute(sql, params).df().set_index("customer_id")
    assert tiers.at["X", "attractiveness"] == pytest.approx(6.0)
    assert tiers.at["X", "feasibility"] == pytest.approx(5.9)
    assert {c: None if pd.isna(t) else int(t) for c, t in tiers["tier"].items()} == {
        "C1": 1, "C1B": 2, "C1C": 3, "C1D": None, "C2": 1, "C2B": 2, "C2C": 1, "C3": 3, "X": 3,
        "C4": 1, "Y": None}
    assert pd.isna(tiers.at["Y", "feasibility"]) and tiers.at["Y", "attractiveness"] == 9


def test_drill_down_lists(snap):
    info, con = snap
    r1 = view(info, regions=("R1",))
    uncovered = scorecard.uncovered_customers(con, r1)
    assert list(uncovered["customer_id"]) == ["C1B"] and uncovered.at[0, "tier"] == 2
    assert pd.isna(uncovered.at[0, "last_qualifying_activity"])
    r2 = scorecard.uncovered_customers(con, view(info, regions=("R2",)))
    assert list(r2["customer_id"]) == ["C2B"]
    assert str(r2.at[0, "last_qualifying_activity"])[:10] == "2026-09-30"
    deals = scorecard.attention_deals(con, r1)
    assert sorted(deals["opportunity_id"]) == ["O2", "O3", "O4"]
    industries = scorecard.industry_attainment(con, view(info, regions=("R1", "R2")))
    by = industries.set_index(["region_id", "industry_id"])
    assert by.at[("R1", "GOV"), "attainment"] == pytest.approx(1.5)
    assert bool(by.at[("R1", "GOV"), "capped"])
    assert pd.isna(by.at[("R2", "EDU"), "revenue_target"])
    assert by.at[("R2", "EDU"), "revenue"] == 600
    assert len(industries) == 4  # every industry of each selected region


def test_filters_do_not_change_the_scores(snap, card):
    info, con = snap
    filtered = scorecard.scorecard(con, view(info, regions=("R2",), industries=("EDU",),
                                             product_lines=("NB",), channel="partner"))
    assert filtered.set_index("region_id")["total"].to_dict() == pytest.approx(
        card["total"].to_dict(), nan_ok=True)


def test_report_shape_and_region_rows(snap):
    info, con = snap
    rows = scorecard.report_scorecard(con, view(info))
    assert [r["region_id"] for r in rows] == ["R1", "R2", "R3", "R4"]
    assert list(rows[0]) == list(scorecard.REPORT_KEYS)
    assert rows[0]["rank"] == 1 and rows[0]["met_revenue"] is True
    assert rows[3]["rank"] is None and rows[3]["industry_attainment"] is None
    assert rows[2]["customer_coverage"] is None
    only = scorecard.report_scorecard(con, view(info, regions=("R2",)))
    assert [(r["region_id"], r["rank"]) for r in only] == [("R2", 2)]


def test_quarter_review_lists_the_started_months_and_the_quarter(snap):
    info, con = snap
    review = scorecard.quarter_review(con, view(info, "FY26Q3"))
    assert sorted(review["period"].unique()) == ["2026-10", "2026-11", "FY26Q3"]
    october = review[review["period"] == "2026-10"].set_index("region_id")
    assert october.at["R1", "rank"] == 1
    assert scorecard.quarter_review(con, view(info, "2026-10")).empty


@pytest.mark.parametrize("period", ["FY26Q3", "2026-10"])
def test_overview_is_the_scorecard_and_the_quarter_review_at_once(snap, period):
    info, con = snap
    shown = scorecard.overview(con, view(info, period))
    pd.testing.assert_frame_equal(shown["scorecard"], scorecard.scorecard(con, view(info, period)))
    pd.testing.assert_frame_equal(shown["quarter_review"],
                                  scorecard.quarter_review(con, view(info, period)))
    # Its temporary tables are gone afterwards.
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0] == 0


def test_comparison_is_like_for_like_while_the_period_runs(snap):
    info, _ = snap
    assert scorecard.comparison(view(info, "2026-10")) == (parse_period("2026-09"), D("2026-09-30"))
    assert scorecard.comparison(view(info, "2026-11")) == (parse_period("2026-10"), D("2026-10-22"))
    assert scorecard.comparison(view(info, "FY26Q3")) == (parse_period("FY26Q2"), D("2026-08-22"))
    assert scorecard.comparison(view(info, "2026-12")) == (parse_period("2026-11"), None)


# --- weights ---------------------------------------------------------------------------------------

def test_default_weights_are_the_spec_defaults():
    assert scorecard.weights() == {"industry_attainment": 30, "industry_balance": 15,
                                   "margin_attainment": 20, "customer_coverage": 15,
                                   "pipeline_hygiene": 10, "resource_productivity": 10}


def _weights_file(tmp_path, monkeypatch, text: str):
    path = tmp_path / "weights.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(config.CONFIG_ENV, str(path))
    return path


def test_partial_weights_keep_the_other_defaults(tmp_path, monkeypatch):
    _weights_file(tmp_path, monkeypatch,
                  "[scorecard.weights]\npipeline_hygiene = 0\ncustomer_coverage = 2.5\n")
    w = scorecard.weights()
    assert w["pipeline_hygiene"] == 0 and w["customer_coverage"] == 2.5
    assert w["industry_attainment"] == 30


@pytest.mark.parametrize("text, message", [
    ("industry_attainment = -1", "industry_attainment = -1 must be at least 0"),
    ("\n".join(f"{d} = 0" for d in scorecard.DIMENSIONS), "every weight is zero"),
    ("win_rate = 10", "unknown key scorecard.weights.win_rate"),
    ('margin_attainment = "twenty"', "margin_attainment = 'twenty' must be a number"),
    ("margin_attainment = true", "margin_attainment = True must be a number"),
    ("margin_attainment = nan", "margin_attainment = nan must be a finite number"),
    ("margin_attainment = 1e308", "margin_attainment = 1e+308 must be at most"),
])
def test_invalid_weights_raise_a_clear_config_error(tmp_path, monkeypatch, text, message):
    path = _weights_file(tmp_path, monkeypatch, f"[scorecard.weights]\n{text}\n")
    with pytest.raises(ConfigError) as error:
        scorecard.weights()
    assert message in str(error.value) and str(path) in str(error.value)


def test_weights_from_a_config_file(snap, tmp_path, monkeypatch):
    info, con = snap
    path = tmp_path / "only_margin.toml"
    path.write_text(config.defaults_toml().replace(
        "industry_attainment = 30", "industry_attainment = 0").replace(
        "industry_balance = 15", "industry_balance = 0").replace(
        "customer_coverage = 15", "customer_coverage = 0").replace(
        "pipeline_hygiene = 10", "pipeline_hygiene = 0").replace(
        "resource_productivity = 10", "resource_productivity = 0"))
    monkeypatch.setenv(config.CONFIG_ENV, str(path))
    card = scorecard.scorecard(con, view(info)).set_index("region_id")
    assert card.at["R2", "total"] == pytest.approx(250 / 3)
    assert pd.isna(card.at["R4", "total"])
    bad = tmp_path / "bad.toml"
    bad.write_text("[scorecard.weights]\nindustry_attainment = -5\n")
    monkeypatch.setenv(config.CONFIG_ENV, str(bad))
    with pytest.raises(ConfigError, match="bad.toml"):
        scorecard.scorecard(con, view(info))


# --- headless report and demo data --------------------------------------------------------------

def test_report_section_and_a_bad_configuration(snap, tmp_path, monkeypatch, capsys):
    from metrics.report import main

    info, _ = snap
    data_dir = str(info.path.parent.parent)
    assert main(["--data-dir", data_dir, "--section", "scorecard", "--period", "2026-10",
                 "--region", "R1", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [{"region_id": "R1", **{d: pytest.approx(EXPECTED["R1"][d])
                                           for d in scorecard.DIMENSIONS},
                     "total": pytest.approx(7581.578947 / 100), "rank": 1,
                     "met_revenue": True, "met_margin": True}]
    bad = tmp_path / "bad.toml"
    bad.write_text("[scorecard.weights]\nwin_rate = 5\n")
    monkeypatch.setenv(config.CONFIG_ENV, str(bad))
    assert main(["--data-dir", data_dir, "--section", "scorecard", "--period", "2026-10"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown key scorecard.weights.win_rate" in err


def test_demo_data_gives_a_spread_of_scores(tmp_path):
    """The generated demo's monthly scorecard is neither all 100 nor all 0, and tells its story:
    the regions above target (GD, ZJ, JA) rank above the ones behind (XJ, HJ, NW)."""
    from data.demo import generate

    generate(tmp_path, D(AS_OF), weeks=1, orders=60_000, seed=42)
    info = newest_valid(discover(tmp_path))
    card = scorecard.scorecard(connect(info), view(info, "2026-10")).set_index("region_id")
    totals = card["total"]
    assert totals.notna().all() and card["rank"].notna().sum() == 18
    assert 30 < totals.min() and totals.max() < 100 and totals.std() > 3
    for d in scorecard.DIMENSIONS:
        assert card[d].notna().all(), d
        assert card[d].nunique() > 1, d  # not one value for every region
    assert (card[list(scorecard.DIMENSIONS)] < 100).any().all()
    assert max(card.loc[["XJ", "HJ", "NW"], "rank"]) > min(card.loc[["GD", "ZJ", "JA"], "rank"])
    assert card.loc[["GD", "ZJ", "JA"], "total"].mean() > card.loc[["XJ", "HJ", "NW"],
                                                                   "total"].mean() + 5


def test_the_configuration_checks_the_customer_criteria_too(tmp_path, monkeypatch):
    bad = tmp_path / "criteria.toml"
    bad.write_text("[customers.feasibility]\nluck = 10\n")
    monkeypatch.setenv(config.CONFIG_ENV, str(bad))
    with pytest.raises(ConfigError, match=r"unknown key customers.feasibility.luck"):
        scorecard.weights()
