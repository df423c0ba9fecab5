"""Tests that kill the boundary mutants ``tests/mutation.py`` (``make mutation``) found alive.

Each test pins a threshold, a date-window edge or a guard of ``metrics/`` at its exact boundary
and names the mutant it kills (``>`` → ``>=`` and the like). Expected values are worked out by
hand in the comments, never by calling the code under test.

Snapshots as of 2026-11-22 (a Sunday) unless said otherwise; FY26Q3 = 2026-10-01 … 2026-12-31.
Default configuration: floors PC 8%, NB 10%, Server 15% (no floor for other product lines); deep
discount 25%; erosion 2 points; high-margin mix 30%; key opportunity ¥1,000,000; stale after
more than 30 days without activity or more than 60 days in a stage; industry cap 1.2. Builder
products: PC1 (PC), NB1 (NB, high-margin), SV1 (Server, high-margin).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.store import SnapshotDatabase
from metrics import alerts, customers, dashboard, pipeline, quality, scorecard
from metrics.periods import month_of, parse_period, quarter_of
from metrics.report import main as report_main
from metrics.view import View, filters
from tests.builders import (CUSTOMERS, D, REGIONS, REPS, connect, make_snapshot, opportunity,
                            order, target)

AS_OF = "2026-11-22"


def snapshot(tmp_path, as_of: str = AS_OF, **tables):
    info = make_snapshot(tmp_path, as_of, **tables)
    assert info.valid, info.errors
    return info, connect(info)


def view(info, period: str = "FY26Q3", **filters) -> View:
    return View(info.snapshot_id, info.as_of, parse_period(period), **filters)


def ids(frame: pd.DataFrame) -> list[str]:
    return frame["entity_id"].tolist()


def returned(day: str, revenue: float, cost: float, **extra) -> dict:
    """A return line: negative revenue and cost, quantity −1."""
    return order(day, revenue, cost, quantity=-1, **extra)


# --- alerts: the line rules at their thresholds --------------------------------------------------

def test_line_rules_apply_their_own_exact_test_to_every_line_the_prefilter_lets_through(tmp_path):
    # The ``lines`` pre-filter lets a line through when it is below its floor OR above the
    # discount limit; each rule then applies its own rounded test. These lines pass the
    # pre-filter through the *other* rule's branch, so only the rule's own test keeps them out.
    info, con = snapshot(tmp_path, orders=[
        # O1: PC exactly at its floor (8.00 on 100.00) but discounted 30%: in through the
        # discount branch. margin_floor: gap round(0.08 − 0.08, 9) = 0, not > 0 → no alert
        # (kills ``round(l.floor - l.gm_pct, 9) > 0`` → ``>= 0``).
        order("2026-10-05", 100, 92, discount_pct=0.30),
        # O2: quantity 0 (a price correction), 5% margin, discounted 30%: in through the floor
        # branch. deep_discount needs quantity > 0 → no alert (kills ``l.quantity > 0`` →
        # ``>= 0``); margin_floor fires: (0.08 − 0.05) × 1,000 = 30.
        order("2026-10-06", 1_000, 950, quantity=0, discount_pct=0.30),
        # O3: discount exactly at the 25% limit, 5% margin: in through the floor branch.
        # deep_discount: round(0.25 − 0.25, 9) = 0, not > 0 → no alert (kills ``> 0`` →
        # ``>= 0``); margin_floor fires: 30.
        order("2026-10-07", 1_000, 950, discount_pct=0.25),
    ])
    v = view(info)
    assert ids(alerts.margin_floor(con, v)) == ["O2/1", "O3/1"]   # at_stake 30 each, id order
    assert alerts.margin_floor(con, v)["at_stake"].tolist() == pytest.approx([30, 30])
    deep = alerts.deep_discount(con, v)
    assert ids(deep) == ["O1/1"]
    # O1: (0.30 − 0.25) × list value 100 ÷ (1 − 0.30) = 0.05 × 142.857… = 7.14.
    assert deep["at_stake"].iloc[0] == pytest.approx(7.14)


# --- alerts: ratios over zero revenue are null and fire nothing ----------------------------------

ZERO_REVENUE_ORDERS = [
    order("2026-08-10", 1_000, 800),                        # O1 R1 PC baseline: 20%
    order("2026-11-16", 1_000, 900),                        # O2 R1 PC, W47
    returned("2026-11-17", -1_000, -850),                   # O3 R1 PC return, W47
    order("2026-11-18", 0, 50),                             # O4 R1 PC given away, W47
    order("2026-08-10", 1_000, 800, region_id="R2"),        # O5 R2 PC baseline sale …
    returned("2026-08-11", -1_000, -900, region_id="R2"),   # O6 … and its return
    order("2026-10-05", 1_000, 950, region_id="R2"),        # O7 R2 PC now: 5%
    order("2026-10-05", 500, 400, region_id="R3", product_line="NB"),       # O8 R3 NB …
    returned("2026-10-06", -500, -400, region_id="R3", product_line="NB"),  # O9 … returned
]
# R1 PC in FY26Q3 to date: revenue 1,000 − 1,000 + 0 = 0, margin 100 − 150 − 50 = −100.
# R2 PC baseline (07-02 … 09-30): revenue 1,000 − 1,000 = 0, margin 200 − 100 = 100.
# R3 in the period: revenue 500 − 500 = 0. Only R2 has positive revenue (1,000, none of it
# high-margin). DuckDB divides by zero to ±inf or NaN, so only the guards keep these ratios null.


@pytest.fixture(scope="module")
def zero_revenue(tmp_path_factory):
    info = make_snapshot(tmp_path_factory.mktemp("zero-revenue"), AS_OF,
                         orders=ZERO_REVENUE_ORDERS)
    assert info.valid, info.errors
    return info, connect(info)


def test_margin_erosion_needs_positive_revenue_now_and_in_the_baseline(zero_revenue):
    info, con = zero_revenue
    # R1 PC: current gm_pct null (revenue 0), so no alert; with ``sum(revenue) >= 0`` it would be
    # −100 ÷ 0 = −inf, 20 − (−inf) points below the baseline. R2 PC: baseline null (revenue 0);
    # with ``base_revenue >= 0`` it would be 100 ÷ 0 = +inf, infinitely above 5%.
    assert alerts.margin_erosion(con, view(info)).empty


def test_high_margin_mix_leaves_out_regions_without_positive_revenue(zero_revenue):
    info, con = zero_revenue
    # R1 and R3 sold for 0 net: share null, not listed and no alert; with ``> 0`` → ``>= 0`` the
    # share would be 0 ÷ 0 = NaN, which DuckDB ranks above every number, so the alert would fire.
    mix = alerts.high_margin_mix_by_region(con, view(info))
    assert mix["region_id"].tolist() == ["R2"]
    assert mix["share"].tolist() == [0.0]                      # 0 ÷ 1,000
    assert ids(alerts.high_margin_mix(con, view(info))) == ["R2"]


def test_gm_trend_of_a_week_that_sold_for_zero_is_null(zero_revenue):
    info, con = zero_revenue
    pc = alerts.gm_trend(con, view(info)).query("product_line == 'PC'").set_index("week")
    # W47: revenue 0, margin −100: no ratio (not −100 ÷ 0 = −inf).
    assert pc.loc["2026-W47", "revenue"] == 0
    assert pd.isna(pc.loc["2026-W47", "gm_pct"])


def test_drill_down_gm_pct_of_a_zero_revenue_line_is_null(zero_revenue):
    info, con = zero_revenue
    lines = alerts.drill_down("margin_erosion", "R1/PC")(con, view(info))["frame"]
    lines = lines.set_index("order_id")
    assert sorted(lines.index) == ["O2", "O3", "O4"]
    assert lines.loc["O2", "gm_pct"] == pytest.approx(0.10)   # 100 ÷ 1,000
    assert pd.isna(lines.loc["O3", "gm_pct"])                  # a return: no ratio
    assert pd.isna(lines.loc["O4", "gm_pct"])                  # 0 revenue: not −50 ÷ 0 = −inf


# --- alerts: what the floor rules do not check ----------------------------------------------------

def test_unchecked_product_lines_count_positive_lines_and_key_deals_from_the_minimum(tmp_path):
    info, con = snapshot(tmp_path, orders=[
        order("2026-10-05", 0, 10, product_line="Storage"),       # given away: no positive line
        returned("2026-10-06", -100, -90, product_line="Tape"),   # a return only
        order("2026-10-07", 1_000, 900),                          # PC has a floor
    ], opportunities=[
        # Open, exactly the ¥1,000,000 key minimum, a product line without a floor.
        opportunity("OP1", 1_000_000, 2, "2026-12-15", product_line="Disk"),
        opportunity("OP2", 999_999, 2, "2026-12-15", product_line="Film"),
    ])
    # Storage and Tape have no line with revenue > 0 (kills ``o.revenue > 0`` → ``>= 0`` in
    # positive_lines and ``positive_lines > 0`` → ``>= 0``); Disk's deal is key at exactly the
    # minimum (kills ``o.amount >= $key_min`` → ``>``); Film's is not key.
    assert alerts.unchecked_product_lines(con, view(info)) == ["Disk"]


# --- customers ------------------------------------------------------------------------------------

def test_tier_params_leave_out_criteria_weighted_zero():
    # An explicit Prioritisation may carry zero weights; they are not criteria (kills
    # ``weight > 0`` → ``>= 0`` and ``> -1`` in tier_params).
    chosen = customers.Prioritisation(
        attractiveness={"financial_performance": 1.0, "location": 0.0},
        feasibility={"existing_relationship": 2.0, "attitude_to_us": 0.0},
        tier_threshold=6.0)
    params = customers.tier_params(chosen)
    assert params["tier_axes"] == ["attractiveness", "feasibility"]
    assert params["tier_criteria"] == ["financial_performance", "existing_relationship"]
    assert params["tier_weights"] == [1.0, 2.0]


def test_an_activity_on_as_of_counts(tmp_path):
    info, con = snapshot(tmp_path, activities=[
        {"activity_id": "A1", "activity_date": D(AS_OF), "rep_id": "AE1", "customer_id": "C1",
         "type": "visit", "opportunity_id": None}])
    c1 = customers.customer_list(con, view(info)).set_index("customer_id").loc["C1"]
    # ``activity_date <= $as_of``: the visit on as_of is the last activity and one this quarter.
    assert pd.Timestamp(c1["last_activity_date"]) == pd.Timestamp(AS_OF)
    assert c1["activities_this_quarter"] == 1


# --- dashboard ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dashboard_snapshot(tmp_path_factory):
    info = make_snapshot(
        tmp_path_factory.mktemp("dashboard"), AS_OF,
        orders=[order("2026-10-10", 1_000, 900)],
        targets=[target("2026-10", 1_000, 100)],
        opportunities=[
            opportunity("KA", 1_000_000, 2, AS_OF),          # key at the minimum, closes on as_of
            opportunity("KB", 500, 1, "2026-12-31"),         # closes on FY26Q3's last day
        ])
    assert info.valid, info.errors
    return info, connect(info)


def test_on_track_and_target_met_at_exactly_the_target(dashboard_snapshot):
    info, con = dashboard_snapshot
    # 2026-10 is complete as of 11-22: pace 31 ÷ 31 = 1.0; target 1,000 × 31/31 = 1,000;
    # revenue 1,000: attainment 1.0 ≥ pace 1.0 (kills ``>= $pace`` → ``>``) and target − revenue
    # = 0 ≤ 0 (kills ``<= 0`` → ``< 0``).
    k = dashboard.kpis(con, view(info, "2026-10"))
    assert (k["pace"], k["revenue_attainment"], k["target_gap"]) == (1.0, 1.0, 0.0)
    assert k["on_track"] is True and k["target_met"] is True


def test_open_pipeline_includes_the_periods_last_day_but_not_as_of(dashboard_snapshot):
    info, con = dashboard_snapshot
    # expected_close_date > as_of AND <= period end: KB (12-31, the last day) counts (kills
    # ``<= $end`` → ``<``); KA closes on as_of itself and does not.
    assert dashboard.kpis(con, view(info))["open_pipeline"] == 500


def test_key_opportunity_at_the_minimum_closing_on_as_of_is_not_past_due(dashboard_snapshot):
    info, con = dashboard_snapshot
    keys = dashboard.key_opportunities(con, view(info))
    # amount ≥ ¥1,000,000 (kills ``>=`` → ``>``); close date = as_of is not before it (kills
    # ``expected_close_date < $as_of`` → ``<=``).
    assert keys["opportunity_id"].tolist() == ["KA"]
    assert not keys["past_due"].iloc[0]


# --- pipeline -------------------------------------------------------------------------------------
# S0 as of 2026-11-15: P1 ¥1,000 stage 2. S1 as of 2026-11-22: P1 ¥999 stage 2 (amount −1), and
# new: Q ¥100 (entered stages 1 and 2 on the same day, 10-05), R ¥200 (stage 1 on 10-10, stage 2
# on as_of), S ¥300 (stage 2 since 09-23 = exactly 60 days; last activity 10-23 = exactly 30
# days; closes on as_of). All close in FY26Q3.

def _opp(oid, amount, stage, close, activity="2026-11-20", **extra):
    return opportunity(oid, amount, stage, close, last_activity_date=D(activity), **extra)


@pytest.fixture(scope="module")
def pipeline_pair(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline-edges")
    s0 = make_snapshot(root, "2026-11-15", opportunities=[_opp("P1", 1_000, 2, "2026-12-10")])
    s1 = make_snapshot(
        root, AS_OF,
        opportunities=[_opp("P1", 999, 2, "2026-12-10"), _opp("Q", 100, 2, "2026-12-15"),
                       _opp("R", 200, 2, "2026-12-20"),
                       _opp("S", 300, 2, AS_OF, activity="2026-10-23")],
        opportunity_history=[
            {"opportunity_id": oid, "stage": stage, "entered_date": D(day)}
            for oid, stage, day in (("P1", 2, "2026-01-05"), ("Q", 1, "2026-10-05"),
                                    ("Q", 2, "2026-10-05"), ("R", 1, "2026-10-10"),
                                    ("R", 2, AS_OF), ("S", 2, "2026-09-23"))])
    assert s0.valid and s1.valid, (s0.errors, s1.errors)
    return s1, SnapshotDatabase().cursor(s1, also=(s0,))


def test_stage_conversion_counts_the_same_day_and_as_of(pipeline_pair):
    s1, con = pipeline_pair
    c = pipeline.stage_conversion(con, view(s1)).set_index("from_stage")
    # Entered stage 1 in the window (10-01 … 11-22): Q, R. Both entered stage 2 later or the
    # same day: Q on 10-05 itself (kills ``next_entered >= entered_date`` → ``>``), R on
    # as_of (kills ``<= $as_of`` → ``<``). Stage 2 entered in the window: Q, R; none reached 3.
    assert c["entered"].tolist() == [2, 2, 0, 0]
    assert c["converted"].tolist() == [2, 0, 0, 0]
    assert c.loc[1, "conversion"] == 1.0


def test_aging_stale_and_past_due_at_their_limits(pipeline_pair):
    s1, con = pipeline_pair
    deals = pipeline.open_deals(con, view(s1)).set_index("opportunity_id")
    # S: 30 days idle and 60 days in stage 2 are not *more than* 30 and 60 (kills both
    # ``> $stale_…_days`` → ``>=``); closing on as_of is not past due (kills ``< $as_of`` →
    # ``<=``).
    assert (deals.loc["S", "days_since_activity"], deals.loc["S", "days_in_stage"]) == (30, 60)
    assert not deals.loc["S", "stale"] and not deals.loc["S", "past_due"]
    # R entered its stage on as_of: 0 days in it (kills ``h.entered_date <= $as_of`` → ``<``,
    # which would fall back to its created date 2026-01-05, 321 days).
    assert deals.loc["R", "days_in_stage"] == 0
    # Only P1 is stale: in stage 2 since 2026-01-05, 321 days.
    assert pipeline.stale_deals(con, view(s1))["opportunity_id"].tolist() == ["P1"]


def test_movement_same_stage_is_neither_advanced_nor_regressed(pipeline_pair):
    s1, con = pipeline_pair
    moved = pipeline.movement(con, view(s1, compare="2026-W46"))
    # P1 stays in stage 2 (kills ``stage_1 > stage_0`` → ``>=`` and ``<`` → ``<=``).
    # start 1,000; new Q + R + S = 600; amount_change 999 − 1,000 = −1; end 999 + 600 = 1,599.
    assert moved == {"start": 1_000, "new": 600, "pulled_in": 0, "won": 0, "lost": 0,
                     "slipped": 0, "removed": 0, "amount_change": -1, "end": 1_599,
                     "advanced": 0, "regressed": 0}


def test_waterfall_zero_is_an_increase_and_minus_one_a_decrease(pipeline_pair):
    s1, con = pipeline_pair
    w = pipeline.movement_waterfall(con, view(s1, compare="2026-W46")).set_index("step")
    # ``amount >= 0``: a step of 0 is drawn as an increase (kills ``>`` and ``>= 1``), a step of
    # −1 as a decrease (kills ``>= -1``).
    assert w["kind"].to_dict() == {
        "start": "total", "new": "increase", "pulled_in": "increase", "won": "increase",
        "lost": "increase", "slipped": "increase", "removed": "increase",
        "amount_change": "decrease", "end": "total"}


def test_funnel_calculator_needs_no_deals_behind_a_zero_rate(tmp_path):
    # Conversion window as of 2026-11-22: FY25Q4 … FY26Q3 to date (2026-01-01 … 11-22). Z entered
    # stage 4 on 10-01 and has not been won: stage 4's rate is 0 ÷ 1 = 0, stages 1–3 unmeasured.
    # 2 wins ÷ 0 is no number of deals: null (kills ``rate == 0`` → ``rate == -1``, which would
    # divide by zero).
    info, con = snapshot(tmp_path, opportunities=[
        opportunity("Z", 100, 4, "2026-12-15", created_date=D("2026-10-01"))])
    calc = pipeline.funnel_calculator(con, view(info), 2).set_index("stage")
    assert calc.loc[4, "conversion_to_next"] == 0.0
    assert calc["needed"].isna().all()


# --- quality --------------------------------------------------------------------------------------

def test_freshness_a_day_in_the_future():
    # as_of one day after today: days = −1 < 0 (kills ``days < 0`` → ``days < -1``).
    f = quality.freshness(D("2026-11-23"), today=D("2026-11-22"))
    assert (f["days"], f["future"], f["stale"]) == (-1, True, False)


@pytest.fixture(scope="module")
def quality_snapshot(tmp_path_factory):
    reps = [dict(r, active=r["rep_id"] != "AE1") for r in REPS]     # AE1 has left
    info = make_snapshot(tmp_path_factory.mktemp("quality-edges"), AS_OF, reps=reps, opportunities=[
        # Q1 open, owned by the departed AE1, created and last touched on as_of itself.
        opportunity("Q1", 100, 2, "2026-12-15", created_date=D(AS_OF),
                    last_activity_date=D(AS_OF)),
        # Q2 lost on as_of itself.
        opportunity("Q2", 100, 2, "2026-12-15", status="lost", closed_date=D(AS_OF),
                    region_id="R2"),
    ])
    assert info.valid, info.errors
    return info, connect(info)


def test_dates_on_as_of_are_not_after_it(quality_snapshot):
    info, con = quality_snapshot
    checks = quality.checks(con, view(info)).set_index("check")
    # created, last activity and closed on as_of: none is > as_of (kills each of the three
    # ``> $as_of`` → ``>=``).
    assert (checks.loc["opportunity_after_as_of", "problems"],
            checks.loc["opportunity_after_as_of", "checked"]) == (0, 2)


def test_a_check_of_one_row_has_a_share_and_one_problem_flags_it(quality_snapshot):
    info, con = quality_snapshot
    checks = quality.checks(con, view(info)).set_index("check")
    # open_deal_inactive_owner: Q1 of the one open deal → 1 ÷ 1 = 1.0 (kills
    # ``checked > 0`` → ``checked > 1``); open_deal_without_close_date: 0 ÷ 1 = 0.0.
    assert (checks.loc["open_deal_inactive_owner", "problems"],
            checks.loc["open_deal_inactive_owner", "checked"]) == (1, 1)
    assert checks.loc["open_deal_inactive_owner", "share"] == 1.0
    assert checks.loc["open_deal_without_close_date", "share"] == 0.0
    report = quality.quality_report(con, view(info))
    b = report["by_check"].set_index("check")
    # The same per check id; one problem flags it (kills ``problems > 0`` → ``> 1``).
    assert b.loc["open_deal_inactive_owner", "share"] == 1.0
    assert b.loc["open_deal_without_close_date", "share"] == 0.0
    assert bool(b.loc["open_deal_inactive_owner", "flagged"])
    assert not bool(b.loc["open_deal_without_close_date", "flagged"])


# --- scorecard ------------------------------------------------------------------------------------
# October 2026 (complete), cap 1.2, weights default:
# | region | targets rev/margin           | orders revenue (cost)                   |
# | R1     | GOV 1000/100, EDU 500/50     | GOV 1200 (1080), EDU 300 (270)          |
# | R2     | GOV 2000/200, EDU 0/0        | GOV 1000 (900), EDU return −100 (−90)   |
# | R3     | GOV 400/40                   | none                                    |
# | R4     | GOV 0/0                      | GOV 100 (90)                            |
# September: R1 GOV +100 (90) and its return −100 (−90): national revenue exactly 0.
# Customer C1 (R1) scores 8 on every criterion: tier 1, visited on as_of.

SC_REGIONS = [*REGIONS, {"region_id": "R4", "name_en": "East Four", "name_zh": "东四",
                         "region_group": "East"}]
SC_REPS = [*REPS, {"rep_id": "AE4", "name": "Wu Min", "role": "AE", "region_id": "R4",
                   "manager_id": None, "active": True}]
SC_CUSTOMERS = [*CUSTOMERS, {"customer_id": "C4", "name": "Customer C4", "industry_id": "GOV",
                             "region_id": "R4", "owner_rep_id": "AE4",
                             "created_date": D("2020-01-01")}]
SC_SCORES = [{"customer_id": "C1", "criterion": c, "score": 8.0}
             for c in ("financial_performance", "it_spend", "reputation_management", "location",
                       "existing_relationship", "competitor_relationship", "attitude_to_us",
                       "execution_capability")]


def _r4(row: dict) -> dict:
    return dict(row, region_id="R4", customer_id="C4", rep_id="AE4")


@pytest.fixture(scope="module")
def scorecard_snapshot(tmp_path_factory):
    info = make_snapshot(
        tmp_path_factory.mktemp("scorecard-edges"), AS_OF,
        regions=SC_REGIONS, reps=SC_REPS, customers=SC_CUSTOMERS, customer_scores=SC_SCORES,
        activities=[{"activity_id": "A1", "activity_date": D(AS_OF), "rep_id": "AE1",
                     "customer_id": "C1", "type": "visit", "opportunity_id": None}],
        orders=[
            order("2026-10-03", 1_200, 1_080), order("2026-10-04", 300, 270, industry_id="EDU"),
            order("2026-10-05", 1_000, 900, region_id="R2"),
            returned("2026-10-06", -100, -90, region_id="R2", industry_id="EDU"),
            _r4(order("2026-10-07", 100, 90)),
            order("2026-09-10", 100, 90), returned("2026-09-11", -100, -90),
        ],
        targets=[
            target("2026-10", 1_000, 100), target("2026-10", 500, 50, industry_id="EDU"),
            target("2026-10", 2_000, 200, region_id="R2"),
            target("2026-10", 0, 0, region_id="R2", industry_id="EDU"),
            target("2026-10", 400, 40, region_id="R3"),
            {**target("2026-10", 0, 0), "region_id": "R4"},
        ])
    assert info.valid, info.errors
    return info, connect(info)


def test_scorecard_industry_scores_ignore_zero_targets(scorecard_snapshot):
    info, con = scorecard_snapshot
    card = scorecard.scorecard(con, view(info, "2026-10")).set_index("region_id")
    r2 = card.loc["R2"]
    # Only GOV has a target > 0 (EDU's 0 is none): 1 industry (kills ``revenue_target > 0`` →
    # ``>= 0`` in industries_with_target); capped revenue min(1000, 1.2 × 2000) = 1000, not
    # 1000 + min(−100, 0) = 900; attainment 1000 ÷ 2000 = 0.5 on its own, σ 0, not with
    # −100 ÷ 0 = −inf beside it.
    assert r2["industries_with_target"] == 1
    assert (r2["capped_revenue"], r2["industry_target"]) == (1_000, 2_000)
    assert (r2["attainment_mean"], r2["attainment_sigma"]) == (0.5, 0.0)
    assert r2["industry_attainment"] == pytest.approx(50)      # 100 × 1000 ÷ 2000
    assert r2["industry_balance"] == pytest.approx(100)        # 100 × (1 − 0 ÷ 0.5)
    # R3: a target but no revenue: mean attainment 0 → balance 0, not 100 × (1 − 0 ÷ 0) = NaN
    # (kills ``attainment_mean > 0`` → ``>= 0``).
    assert card.loc["R3", "attainment_mean"] == 0 and card.loc["R3", "industry_balance"] == 0


def test_scorecard_region_with_only_zero_targets_has_no_target(scorecard_snapshot):
    info, con = scorecard_snapshot
    card = scorecard.scorecard(con, view(info, "2026-10")).set_index("region_id")
    r4 = card.loc["R4"]
    # R4's only target is 0: no industry target (not 0), no margin attainment (not
    # 100 × min(1, 10 ÷ 0) = 100), met flags null (not 100 ≥ 0): kills ``> 0`` → ``>= 0`` in
    # industry_target, margin_attainment, met_revenue and met_margin.
    assert pd.isna(r4["industry_target"]) and pd.isna(r4["margin_attainment"])
    assert pd.isna(r4["met_revenue"]) and pd.isna(r4["met_margin"])
    assert pd.isna(r4["rank"])
    # R1: revenue 1200 + 300 = 1500 = its target 1500 → met (kills ``revenue >= revenue_target``
    # → ``>``); margin 120 + 30 = 150 = 100 + 50.
    assert bool(card.loc["R1", "met_revenue"]) and bool(card.loc["R1", "met_margin"])


def test_resource_productivity_needs_positive_national_revenue(scorecard_snapshot):
    info, con = scorecard_snapshot
    card = scorecard.scorecard(con, view(info, "2026-09"))
    # September's national revenue is 100 − 100 = 0: revenue per AE over 0 per AE is no score
    # (kills ``national_revenue_per_ae > 0`` → ``>= 0``: 0 ÷ 0 = NaN, least(1, NaN) = 1 → 100).
    assert card["resource_productivity"].isna().all()


def test_industry_attainment_is_capped_only_above_the_cap(scorecard_snapshot):
    info, con = scorecard_snapshot
    frame = scorecard.industry_attainment(con, view(info, "2026-10", regions=("R1",)))
    capped = frame.set_index("industry_id")["capped"].to_dict()
    # GOV: 1200 is exactly 1.2 × 1000, not above it (kills ``>`` → ``>=``); EDU 300 < 600.
    assert capped == {"GOV": False, "EDU": False}


def test_a_qualifying_visit_on_as_of_covers_the_customer(scorecard_snapshot):
    info, con = scorecard_snapshot
    # C1 (tier 1) visited on as_of = the last day of 2026-11 to date (kills
    # ``activity_date <= $as_of`` → ``<``, which would list C1 as uncovered).
    assert scorecard.uncovered_customers(con, view(info, "2026-11")).empty


def test_comparison_of_a_complete_period_is_the_whole_previous_period():
    # As of 2026-11-30, November is complete (to date = its end): compared with all of October,
    # 31 days, not the first 30 (kills ``to_date_end >= period.end`` → ``>``).
    v = View("2026-W48", D("2026-11-30"), parse_period("2026-11"))
    assert scorecard.comparison(v) == (parse_period("2026-10"), D("2026-10-31"))


def test_weights_of_at_most_one_still_count():
    # Weights 0.1 each: every dimension counts (weight > 0) and the basis 0.6 is > 0 (kills
    # ``weight > 0`` → ``> 1`` and ``basis > 0`` → ``> 1``): total = Σ 0.1 × 60 ÷ 0.6 = 60.
    scores = pd.DataFrame([{d: 60.0 for d in scorecard.DIMENSIONS}])
    w = {d: 0.1 for d in scorecard.DIMENSIONS}
    assert scorecard.total(scores, w).tolist() == pytest.approx([60.0])
    assert scorecard.weighted_shares(scores, w).iloc[0].tolist() == pytest.approx([10.0] * 6)


def _card(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["region_id", "rank", "rank_change", "total",
                                        "met_revenue", "met_margin"])
    return frame.astype({"rank": "Int64", "rank_change": "Int64"})


def test_headline_climber_moved_up_at_least_one_rank():
    # Nobody moved: no climber (kills ``rank_change > 0`` → ``>= 0`` and ``> -1``).
    still = scorecard.headline(_card([("R1", 1, 0, 80.0, True, True),
                                      ("R2", 2, 0, 70.0, False, False)]))
    assert still["climber_region"] is None and still["climber_ranks"] is None
    # R2 moved up exactly one rank (kills ``> 0`` → ``> 1``).
    up = scorecard.headline(_card([("R1", 2, -1, 70.0, False, False),
                                   ("R2", 1, 1, 80.0, True, True)]))
    assert (up["climber_region"], up["climber_ranks"]) == ("R2", 1)


def test_headline_met_counts_need_one_ranked_region():
    # No ranked region: the met counts are not available (kills ``len(ranked) > 0`` → ``>= 0``
    # and ``> -1``).
    none = scorecard.headline(_card([("R1", None, None, 50.0, None, None)]))
    assert (none["ranked"], none["met_revenue"], none["met_both"]) == (0, None, None)
    # Exactly one ranked region: counted (kills ``> 0`` → ``> 1``).
    one = scorecard.headline(_card([("R1", 1, None, 80.0, True, False),
                                    ("R2", None, None, 50.0, None, None)]))
    assert (one["ranked"], one["met_revenue"], one["met_margin"], one["met_both"]) == (1, 1, 0, 0)


# --- periods --------------------------------------------------------------------------------------

def test_actuals_start_on_the_periods_first_day():
    q3 = parse_period("FY26Q3")
    # as_of = the first day: one day of actuals (kills ``as_of < self.start`` → ``<=``).
    assert q3.to_date_end(D("2026-10-01")) == D("2026-10-01")
    assert q3.elapsed_days(D("2026-10-01")) == 1
    assert q3.to_date_end(D("2026-09-30")) is None


def test_months_are_those_that_start_inside_the_period():
    # FY26Q3: all three (kills ``day.day == 1`` → ``!=``, ``== 0``, ``== 2``).
    assert [m.code for m in parse_period("FY26Q3").months()] == ["2026-10", "2026-11", "2026-12"]
    # 2026-W05 = Mon 2026-01-26 … Sun 2026-02-01: February starts on its last day (kills
    # ``while day <= self.end`` → ``<``).
    assert [m.code for m in parse_period("2026-W05").months()] == ["2026-02"]
    assert parse_period("2026-W47").months() == []          # 11-16 … 11-22: none starts


def test_like_for_like_range_from_the_first_day():
    q3 = parse_period("FY26Q3")
    # Not started: nothing to compare (kills ``elapsed == 0`` → ``== -1``); first day: one day a
    # year earlier (kills ``== 0`` → ``== 1``).
    assert q3.like_for_like_range(D("2026-09-30")) is None
    assert q3.like_for_like_range(D("2026-10-01")) == (D("2025-10-01"), D("2025-10-01"))


@pytest.mark.parametrize("text", ["2026-00", "2026-13"])
def test_month_numbers_outside_1_to_12_are_refused_by_name(text):
    # Kills ``1 <= month <= 12`` → ``0 <= month`` and ``month <= 13`` (Python's own date error
    # would say "month must be in 1..12").
    with pytest.raises(ValueError, match="month must be 01–12"):
        parse_period(text)


# --- view filters ---------------------------------------------------------------------------------

def test_regions_take_no_industry_or_product_line_filter():
    v = View("2026-W47", D(AS_OF), parse_period("FY26Q3"), industries=("GOV",),
             product_lines=("PC",))
    # Regions have neither column (kills ``table != "regions"`` → ``==`` twice).
    assert filters(v, "r", table="regions") == ("true", {})
    sql, params = filters(v, "o", table="orders")
    assert sql == ("list_contains($f_industries, o.industry_id) AND "
                   "list_contains($f_product_lines, o.product_line)")
    assert params == {"f_industries": ["GOV"], "f_product_lines": ["PC"]}


def test_channel_of_an_opportunity_is_its_source():
    v = View("2026-W47", D(AS_OF), parse_period("FY26Q3"), channel="partner")
    # Orders have a channel column; opportunities derive it (kills ``table == "orders"`` →
    # ``!=``).
    assert filters(v, "o", table="orders")[0] == "o.channel = $f_channel"
    assert filters(v, "o", table="opportunities")[0] == (
        "CASE WHEN o.source = 'partner' THEN 'partner' ELSE 'direct' END = $f_channel")


def test_fiscal_periods_at_the_ends_of_pythons_dates():
    # The first and last years Python holds are real years (kills both
    # ``dt.MINYEAR <= year <= dt.MAXYEAR`` → ``<``): FY01Q1 = 0001-04-01 … 0001-06-30 and the
    # quarter of 9999-12-01 = 9999-10-01 … 9999-12-31.
    first = quarter_of(dt.date(1, 5, 1))
    assert (first.start, first.end) == (dt.date(1, 4, 1), dt.date(1, 6, 30))
    last = quarter_of(dt.date(9999, 12, 1))
    assert (last.start, last.end) == (dt.date(9999, 10, 1), dt.date(9999, 12, 31))
    # A month ending on 9999-12-31 is whole; the loop stops at its end without stepping past
    # the last date (kills ``month_end >= self.end`` → ``>``).
    assert month_of(dt.date(9999, 12, 1)).month_fractions() == [("9999-12", 1.0)]


def test_stepping_before_the_first_date_names_the_step():
    # 0001-01-01 − 1 day does not exist; the message says "− 1 days" (kills ``days >= 0`` →
    # ``days >= -1``, which would print "+ 1 days").
    with pytest.raises(ValueError, match="0001-01-01 − 1 days is outside the supported years"):
        month_of(dt.date(1, 1, 1)).previous()


@pytest.mark.parametrize("text, start", [
    ("2026-01", dt.date(2026, 1, 1)), ("2026-12", dt.date(2026, 12, 1)),
    ("0003-01", dt.date(3, 1, 1)), ("9997-12", dt.date(9997, 12, 1)),
    ("0003-W02", dt.date(3, 1, 6)), ("9997-W52", dt.date(9997, 12, 22)),
])
def test_first_and_last_months_and_supported_years_parse(text, start):
    # Months 01 and 12 (kills ``1 <= month <= 12`` → ``2 <=``, ``1 <``, ``< 12``, ``<= 11``) and
    # the years 0003 and 9997 of weeks and months (kills ``MIN_YEAR <= year <= MAX_YEAR`` →
    # ``<`` at either end). 0003-01-01 is a Wednesday of ISO week 1 (which starts on Monday
    # 0002-12-30), so week 2 starts on 0003-01-06; 9997-12-31 is a Wednesday, so 12-29 … 31
    # belong to 9998-W01 and 9997-W52 runs from Monday 12-22 to Sunday 12-28.
    assert parse_period(text).start == start


# --- report ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("report-edges")
    assert make_snapshot(root, AS_OF, orders=[order("2026-10-02", 1_000, 880)]).valid
    # A newer snapshot that fails validation (a discount of 200%).
    newer = make_snapshot(root, "2026-11-29",
                          orders=[order("2026-11-25", 100, 90, discount_pct=2.0)])
    assert not newer.valid
    return root


def test_report_notes_a_newer_invalid_snapshot_when_serving_the_latest(report_dir, capsys):
    # ``--snapshot latest`` (the default) serves 2026-W47 and says why not W48 (kills
    # ``args.snapshot == "latest"`` → ``!=``).
    code = report_main(["--data-dir", str(report_dir), "--section", "dashboard"])
    err = capsys.readouterr().err
    assert code == 0
    assert "note: newest snapshot 2026-W48 is invalid" in err and "serving 2026-W47" in err


def test_report_compare_must_be_older_than_the_served_snapshot(report_dir, capsys):
    # Comparing the served snapshot with itself: its as_of is not older (kills
    # ``compare.as_of >= info.as_of`` → ``>``).
    code = report_main(["--data-dir", str(report_dir), "--section", "pipeline_movement",
                        "--compare", "2026-W47"])
    assert code == 2
    assert "--compare: 2026-W47 (as_of 2026-11-22) is not older than the served snapshot " \
           "2026-W47" in capsys.readouterr().err


@pytest.mark.parametrize("wins, code", [("1", 0), ("0", 2)])
def test_report_funnel_calculator_needs_at_least_one_win(report_dir, capsys, wins, code):
    # 1 win is a plan (kills ``args.wins < 1`` → ``<= 1`` and ``< 2``); 0 is refused (kills
    # ``< 1`` → ``< 0``).
    assert report_main(["--data-dir", str(report_dir), "--section", "funnel_calculator",
                        "--wins", wins]) == code
    err = capsys.readouterr().err
    assert ("--wins: funnel_calculator needs the number of wins, 1 or more" in err) == (code == 2)
