"""Rep one-on-one (SPEC §10.4) on a hand-built snapshot.

Period FY26Q3 = 2026-10-01 … 2026-12-31, as of 2026-11-22 (Sunday): 31 + 22 = 53 elapsed days,
pace 53 ÷ 92, elapsed weeks 53 ÷ 7. Pipeline window (2026-11-22, 2026-12-31]; win-rate window
2026-10-01 … 2026-11-22 (closed dates, both ends inclusive).

| rep | role | region | active | owns        | notes                                         |
|-----|------|--------|--------|-------------|-----------------------------------------------|
| AE1 | AE   | R1     | yes    | K1 … K8     | the busy one                                  |
| IS1 | ISR  | R1     | yes    | K9, K10     | manager AE1                                   |
| X1  | —    | R2     | yes    | K11         | no role: no accounts norm; no deals           |
| AE8 | AE   | R1     | no     | —           | inactive with an open deal: listed            |
| AE9 | AE   | R2     | no     | —           | inactive, nothing: not listed                 |

Tiers (§5.6, threshold 6): attractiveness / feasibility 8/8 → 1, 4/8 → 2, 8/4 → 3, 4/4 → not
pursued; no scores → unscored. Contact cadence 30 / 90 / 180 days; "within N days" = after
as_of − N, so an account last touched exactly N days before as_of IS overdue (SPEC §4).

| account | owner | tier | last contact on or before as_of | days | overdue        |
|---------|-------|------|---------------------------------|------|----------------|
| K1      | AE1   | 1    | 2026-10-24 visit                | 29   | no             |
| K2      | AE1   | 1    | 2026-10-23 meeting (a)          | 30   | yes            |
| K3      | AE1   | 2    | 2026-08-24 visit                | 90   | yes            |
| K4      | AE1   | 2    | 2026-08-25 call                 | 89   | no             |
| K5      | AE1   | 3    | 2026-05-26 meeting              | 180  | yes            |
| K6      | AE1   | 3    | 2026-05-27 visit                | 179  | no             |
| K7      | AE1   | —    | (not pursued)                   |      | not counted    |
| K8      | AE1   | —    | (unscored)                      |      | not counted    |
| K9      | IS1   | 1    | never                           |      | yes            |
| K10     | IS1   | 2    | 2026-11-01 visit by AE1         | 21   | no (anyone's contact counts) |
| K11     | X1    | 3    | 2026-06-01 visit                | 174  | no             |
| K12     | —     | 1    | 2026-11-20                      |      | no owner       |

(a) and a visit by IS1 on 2026-11-23, after as_of: not a contact yet.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest

from data.store import validate, write_snapshot
from metrics import reps
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import D, build_tables, connect, opportunity, order

AS_OF = "2026-11-22"
PACE = 53 / 92

REP_ROWS = [
    {"rep_id": "AE1", "name": "Li Na", "role": "AE", "region_id": "R1", "manager_id": None,
     "active": True},
    {"rep_id": "IS1", "name": "Chen Jie", "role": "ISR", "region_id": "R1",
     "manager_id": "AE1", "active": True},
    {"rep_id": "X1", "name": "Sun Yue", "role": None, "region_id": "R2", "manager_id": None,
     "active": True},
    {"rep_id": "AE8", "name": "Old Eight", "role": "AE", "region_id": "R1", "manager_id": None,
     "active": False},
    {"rep_id": "AE9", "name": "Old Nine", "role": "AE", "region_id": "R2", "manager_id": None,
     "active": False},
]


def customer(cid, owner, region_id="R1"):
    return {"customer_id": cid, "name": f"Account {cid}", "industry_id": "GOV",
            "region_id": region_id, "owner_rep_id": owner, "created_date": D("2020-01-01")}


CUSTOMER_ROWS = [*(customer(f"K{i}", "AE1") for i in range(1, 9)),
                 customer("K9", "IS1"), customer("K10", "IS1"),
                 customer("K11", "X1", "R2"), customer("K12", None, "R2")]

ATTRACTIVENESS = ("financial_performance", "it_spend", "reputation_management", "location")
FEASIBILITY = ("existing_relationship", "competitor_relationship", "attitude_to_us",
               "execution_capability")


def scores(cid, attractiveness, feasibility):
    return ([{"customer_id": cid, "criterion": c, "score": attractiveness}
             for c in ATTRACTIVENESS]
            + [{"customer_id": cid, "criterion": c, "score": feasibility} for c in FEASIBILITY])


SCORE_ROWS = [*scores("K1", 8, 8), *scores("K2", 8, 8), *scores("K3", 4, 8),
              *scores("K4", 4, 8), *scores("K5", 8, 4), *scores("K6", 8, 4),
              *scores("K7", 4, 4), *scores("K9", 8, 8), *scores("K10", 4, 8),
              *scores("K11", 8, 4), *scores("K12", 8, 8)]


def activity(aid, day, rep_id, customer_id, kind):
    return {"activity_id": aid, "activity_date": D(day), "rep_id": rep_id,
            "customer_id": customer_id, "type": kind, "opportunity_id": None}


ACTIVITY_ROWS = [
    # AE1 face-to-face in the period: A1, A2, A3, A5 = 4 (A4 is a call, A6 before the period).
    activity("A1", "2026-10-24", "AE1", "K1", "visit"),
    activity("A2", "2026-10-23", "AE1", "K2", "meeting"),
    activity("A3", "2026-11-02", "AE1", "K7", "workshop"),
    activity("A4", "2026-11-10", "AE1", "K7", "call"),
    activity("A5", "2026-11-01", "AE1", "K10", "visit"),
    activity("A6", "2026-09-30", "AE1", "K7", "visit"),
    activity("A7", "2026-08-24", "AE1", "K3", "visit"),
    activity("A8", "2026-08-25", "AE1", "K4", "call"),
    activity("A9", "2026-05-26", "AE1", "K5", "meeting"),
    activity("A10", "2026-05-27", "AE1", "K6", "visit"),
    # IS1: a call (not face-to-face), a meeting on as_of (counted), a visit after as_of (not).
    activity("B1", "2026-10-15", "IS1", "K10", "call"),
    activity("B2", "2026-11-22", "IS1", "K12", "meeting"),
    activity("B3", "2026-11-23", "IS1", "K2", "visit"),
    # X1: a workshop on the period's first day and a visit (2); K11's visit is before it.
    activity("C1", "2026-06-01", "X1", "K11", "visit"),
    activity("C2", "2026-10-01", "X1", "K12", "workshop"),
    activity("C3", "2026-11-20", "X1", "K12", "visit"),
]

ORDER_ROWS = [
    # AE1: 10,000 − 8,000 + 5,000 − 3,500 → revenue 15,000, margin 3,500 (09-30 is outside).
    order("2026-10-05", 10_000, 8_000, rep_id="AE1", customer_id="K1"),
    order("2026-11-20", 5_000, 3_500, product_line="NB", rep_id="AE1", customer_id="K2"),
    order("2026-09-30", 99_999, 0, rep_id="AE1", customer_id="K1"),
    # IS1: 4,000 − 3,000 + 1,000 − 900 (on as_of) → revenue 5,000, margin 1,100.
    order("2026-11-01", 4_000, 3_000, industry_id="EDU", rep_id="IS1", customer_id="K9"),
    order("2026-11-22", 1_000, 900, rep_id="IS1", customer_id="K10"),
    # X1: 8,000 − 6,000 and a return −500 − (−400) → revenue 7,500, margin 1,900.
    order("2026-10-10", 8_000, 6_000, region_id="R2", rep_id="X1", customer_id="K11"),
    order("2026-11-15", -500, -400, region_id="R2", rep_id="X1", customer_id="K11"),
]


def deal(oid, amount, stage, close, rep_id, *, created="2026-11-01", activity="2026-11-20",
         **extra):
    return opportunity(oid, amount, stage, close, rep_id=rep_id, customer_id="K1",
                       created_date=D(created), last_activity_date=D(activity), **extra)


def closed(oid, amount, status, closed_on, rep_id):
    stage = 5 if status == "won" else 2
    return deal(oid, amount, stage, closed_on, rep_id, created="2026-06-01", status=status,
                closed_date=D(closed_on))


OPPORTUNITY_ROWS = [
    # AE1 open. In the window: P1 100,000 × 25% + P2 40,000 × 75% = 25,000 + 30,000 = 55,000.
    deal("P1", 100_000, 2, "2026-12-15", "AE1"),
    # P2: 30 days idle (not > 30) and 52 days in stage (not > 60): not stale.
    deal("P2", 40_000, 4, "2026-11-23", "AE1", created="2026-10-01", activity="2026-10-23"),
    # P3 closes on as_of: neither in the window nor past due; 82 days in stage 1: stale.
    deal("P3", 30_000, 1, "2026-11-22", "AE1", created="2026-09-01"),
    deal("P4", 50_000, 3, "2026-11-10", "AE1", activity="2026-11-15"),   # past due
    deal("P5", 20_000, 2, "2027-01-15", "AE1", activity="2026-10-01"),   # 52 days idle: stale
    # AE1 closed: W1 won, L1 lost on the window's first day, L2 lost on as_of → 1 ÷ 3; W2 before.
    closed("W1", 10_000, "won", "2026-11-05", "AE1"),
    closed("W2", 10_000, "won", "2026-09-30", "AE1"),
    closed("L1", 10_000, "lost", "2026-10-01", "AE1"),
    closed("L2", 10_000, "lost", "2026-11-22", "AE1"),
    # IS1: Q1 closes on the period's last day: 8,000 × 50% = 4,000; Q2 after the period.
    deal("Q1", 8_000, 3, "2026-12-31", "IS1", created="2026-11-10", activity="2026-11-21"),
    deal("Q2", 6_000, 1, "2027-01-01", "IS1", created="2026-11-10", activity="2026-11-21"),
    closed("WQ1", 5_000, "won", "2026-10-20", "IS1"),
    closed("WQ2", 5_000, "won", "2026-11-01", "IS1"),                    # 2 ÷ 2 = 1
    # AE8 (inactive): an open deal after the period keeps them on the team.
    deal("Z1", 2_000, 1, "2027-02-01", "AE8"),
]

REP_TARGET_ROWS = [
    # FY26Q3 = three whole months (fraction 1 each). AE1 10,000 × 3 = 30,000.
    *({"fiscal_month": m, "rep_id": "AE1", "revenue_target": 10_000}
      for m in ("2026-10", "2026-11", "2026-12")),
    {"fiscal_month": "2027-01", "rep_id": "AE1", "revenue_target": 99_999},
    # IS1: 3,000 + 3,000 + 2,000 = 8,000.
    {"fiscal_month": "2026-10", "rep_id": "IS1", "revenue_target": 3_000},
    {"fiscal_month": "2026-11", "rep_id": "IS1", "revenue_target": 3_000},
    {"fiscal_month": "2026-12", "rep_id": "IS1", "revenue_target": 2_000},
]


def snapshot(data_dir, *, without=()):
    """The fixture snapshot, written without the tables named in ``without`` (SPEC §9)."""
    tables = build_tables(orders=ORDER_ROWS, opportunities=OPPORTUNITY_ROWS, reps=REP_ROWS,
                          customers=CUSTOMER_ROWS, customer_scores=SCORE_ROWS,
                          activities=ACTIVITY_ROWS, rep_targets=REP_TARGET_ROWS)
    for name in without:
        del tables[name]
    info = validate(write_snapshot(data_dir, D(AS_OF), tables, source="reps test"))
    assert info.valid, info.errors
    return info, connect(info)


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    return snapshot(tmp_path_factory.mktemp("reps"))


def view_of(info, period="FY26Q3", **filters):
    return View(info.snapshot_id, info.as_of, parse_period(period), **filters)


def rows_by_rep(frame):
    return {row["rep_id"]: row for row in frame.to_dict("records")}


# Every report key by hand (see the module docstring and the fixture comments).
EXPECTED = {
    "AE1": {"rep_id": "AE1", "role": "AE", "region_id": "R1", "revenue": 15_000.0,
            "gross_margin": 3_500.0, "open_pipeline": 140_000.0,       # 100,000 + 40,000
            "weighted_pipeline": 55_000.0, "win_rate_count": 1 / 3, "face_to_face": 4,
            "face_to_face_per_week": 4 * 7 / 53, "accounts_owned": 8,  # K1 … K8
            "overdue_contacts": 3},                                    # K2, K3, K5
    "X1": {"rep_id": "X1", "role": None, "region_id": "R2", "revenue": 7_500.0,
           "gross_margin": 1_900.0, "open_pipeline": 0.0, "weighted_pipeline": 0.0,
           "win_rate_count": None,                                     # nothing closed
           "face_to_face": 2, "face_to_face_per_week": 2 * 7 / 53, "accounts_owned": 1,
           "overdue_contacts": 0},
    "IS1": {"rep_id": "IS1", "role": "ISR", "region_id": "R1", "revenue": 5_000.0,
            "gross_margin": 1_100.0, "open_pipeline": 8_000.0, "weighted_pipeline": 4_000.0,
            "win_rate_count": 1.0, "face_to_face": 1, "face_to_face_per_week": 1 * 7 / 53,
            "accounts_owned": 2, "overdue_contacts": 1},               # K9, never touched
    "AE8": {"rep_id": "AE8", "role": "AE", "region_id": "R1", "revenue": 0.0,
            "gross_margin": 0.0, "open_pipeline": 0.0, "weighted_pipeline": 0.0,
            "win_rate_count": None, "face_to_face": 0, "face_to_face_per_week": 0.0,
            "accounts_owned": 0, "overdue_contacts": 0},
}


def assert_record(actual: dict, expected: dict):
    assert set(actual) == set(expected)
    for key, value in expected.items():
        if isinstance(value, float):
            assert actual[key] == pytest.approx(value), key
        else:
            assert actual[key] == value, key


def test_report_has_every_key_by_hand_ordered_by_revenue(full):
    info, con = full
    report = reps.report_reps(con, view_of(info))
    # Revenue 15,000 > 7,500 > 5,000 > 0; AE9 (inactive, nothing in scope) is not listed.
    assert [r["rep_id"] for r in report] == ["AE1", "X1", "IS1", "AE8"]
    for record in report:
        assert tuple(record) == reps.REPORT_KEYS
        assert_record(record, EXPECTED[record["rep_id"]])
    # Plain JSON types: money floats, counts ints.
    assert isinstance(report[0]["revenue"], float) and isinstance(report[0]["face_to_face"], int)
    json.dumps(report)


def test_team_adds_norms_hygiene_and_attainment(full):
    info, con = full
    team = rows_by_rep(reps.team(con, view_of(info)))
    ae1, is1, x1, ae8 = team["AE1"], team["IS1"], team["X1"], team["AE8"]
    assert (ae1["name"], is1["manager_id"], bool(ae8["active"])) == ("Li Na", "AE1", False)
    # Stale: P3 (82 days in stage), P5 (52 days idle); past due: P4.
    assert (ae1["stale_deals"], ae1["past_due_deals"]) == (2, 1)
    assert (is1["stale_deals"], is1["past_due_deals"]) == (0, 0)
    # The ISR sells by phone: no face-to-face norm; a rep without a role has the field norm.
    assert (ae1["face_to_face_norm"], x1["face_to_face_norm"], ae8["face_to_face_norm"]) == (
        12.0, 12.0, 12.0)
    assert pd.isna(is1["face_to_face_norm"])
    assert (ae1["accounts_norm"], is1["accounts_norm"], ae8["accounts_norm"]) == (20, 200, 20)
    assert pd.isna(x1["accounts_norm"])
    # AE1 15,000 ÷ 30,000 = 0.5 < 53/92 ≈ 0.576: behind; IS1 5,000 ÷ 8,000 = 0.625: on track.
    assert ae1["revenue_target"] == pytest.approx(30_000)
    assert ae1["revenue_attainment"] == pytest.approx(0.5)
    assert ae1["pace"] == pytest.approx(PACE) and not ae1["on_track"]
    assert is1["revenue_target"] == pytest.approx(8_000)
    assert is1["revenue_attainment"] == pytest.approx(0.625)
    assert is1["pace"] == pytest.approx(PACE) and is1["on_track"]
    # No target: no attainment, no pace shown, not judged.
    for key in ("revenue_target", "revenue_attainment", "pace", "on_track"):
        assert pd.isna(x1[key]), key


def test_revenue_cross_checks_with_pandas_over_the_fixture(full):
    info, con = full
    lines = pd.DataFrame(ORDER_ROWS)
    lines = lines[(lines["order_date"] >= dt.date(2026, 10, 1))
                  & (lines["order_date"] <= dt.date(2026, 11, 22))]
    expected = (lines.assign(gm=lines["revenue"] - lines["cost"])
                .groupby("rep_id")[["revenue", "gm"]].sum())
    team = reps.team(con, view_of(info)).set_index("rep_id")
    for rep_id, row in expected.iterrows():
        assert team.loc[rep_id, "revenue"] == pytest.approx(row["revenue"])
        assert team.loc[rep_id, "gross_margin"] == pytest.approx(row["gm"])


def test_overdue_accounts_boundaries_on_both_sides(full):
    info, con = full
    overdue = reps.overdue_accounts(con, view_of(info), "AE1")
    # By tier; exactly 30 / 90 / 180 days is overdue, 29 / 89 / 179 is not (K1, K4, K6).
    assert overdue["customer_id"].tolist() == ["K2", "K3", "K5"]
    assert overdue["tier"].tolist() == [1, 2, 3]
    assert overdue["days_since"].tolist() == [30, 90, 180]
    assert overdue["limit_days"].tolist() == [30, 90, 180]
    assert overdue["last_activity"].tolist() == [pd.Timestamp(d) for d in
                                                 ("2026-10-23", "2026-08-24", "2026-05-26")]
    assert overdue["name"].iloc[0] == "Account K2"
    never = reps.overdue_accounts(con, view_of(info), "IS1")
    assert never["customer_id"].tolist() == ["K9"]
    assert pd.isna(never["last_activity"].iloc[0]) and pd.isna(never["days_since"].iloc[0])
    assert reps.overdue_accounts(con, view_of(info), "X1").empty


def test_contact_cadence_follows_the_configuration(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text("[reps]\ncontact_days_tier1 = 31\n")
    monkeypatch.setenv("COCKPIT_CONFIG", str(tmp_path / "config.toml"))
    info, con = snapshot(tmp_path / "data")
    # K2 (30 days) is now within 31: only K3 and K5 remain.
    assert reps.overdue_accounts(con, view_of(info), "AE1")["customer_id"].tolist() == [
        "K3", "K5"]


def test_rep_deals_are_the_reps_open_deals_with_flags(full):
    info, con = full
    deals = reps.rep_deals(con, view_of(info), "AE1")
    assert deals["opportunity_id"].tolist() == ["P1", "P4", "P2", "P3", "P5"]   # largest first
    flags = deals.set_index("opportunity_id")[["stale", "past_due"]]
    assert flags["stale"].to_dict() == {"P1": False, "P4": False, "P2": False, "P3": True,
                                        "P5": True}
    assert flags["past_due"].to_dict() == {"P1": False, "P4": True, "P2": False, "P3": False,
                                           "P5": False}
    assert reps.rep_deals(con, view_of(info), "X1").empty


def test_region_filter_narrows_the_team(full):
    info, con = full
    r2 = reps.report_reps(con, view_of(info, regions=("R2",)))
    assert [r["rep_id"] for r in r2] == ["X1"]            # AE9 inactive without work
    assert_record(r2[0], EXPECTED["X1"])
    r1 = reps.report_reps(con, view_of(info, regions=("R1",)))
    assert [r["rep_id"] for r in r1] == ["AE1", "IS1", "AE8"]
    assert_record(r1[0], EXPECTED["AE1"])


def test_other_filters_narrow_orders_and_deals_not_the_book(full):
    info, con = full
    # EDU: only IS1's 4,000 − 3,000 order line; no EDU deals; activities and accounts unchanged.
    team = rows_by_rep(reps.team(con, view_of(info, industries=("EDU",))))
    assert set(team) == {"AE1", "IS1", "X1"}              # AE8's deal is GOV: out of scope
    assert (team["IS1"]["revenue"], team["IS1"]["gross_margin"]) == (4_000, 1_000)
    assert (team["AE1"]["revenue"], team["AE1"]["open_pipeline"]) == (0, 0)
    assert pd.isna(team["AE1"]["win_rate_count"])
    assert (team["AE1"]["face_to_face"], team["AE1"]["accounts_owned"],
            team["AE1"]["overdue_contacts"]) == (4, 8, 3)


def test_a_week_prorates_targets_and_counts_one_week(full):
    info, con = full
    # 2026-W44 = 10-26 … 11-01: 6 of October's 31 days, 1 of November's 30; complete (pace 1).
    team = rows_by_rep(reps.team(con, view_of(info, "2026-W44")))
    ae1, is1 = team["AE1"], team["IS1"]
    assert ae1["revenue_target"] == pytest.approx(10_000 * 6 / 31 + 10_000 / 30)
    assert is1["revenue_target"] == pytest.approx(3_000 * 6 / 31 + 3_000 / 30)
    # IS1's 11-01 order: 4,000 ÷ 680.65 ≈ 5.88 ≥ 1.
    assert is1["revenue"] == 4_000 and is1["on_track"] and is1["pace"] == 1
    # AE1's one face-to-face in the week (A5, 11-01) over 7 ÷ 7 = 1 week.
    assert (ae1["face_to_face"], ae1["face_to_face_per_week"]) == (1, 1.0)


def test_a_period_not_started_has_no_rate_per_week(full):
    info, con = full
    # FY26Q4 = 2027-01-01 … 03-31, after as_of: no elapsed week, no actuals, no closed window.
    team = rows_by_rep(reps.team(con, view_of(info, "FY26Q4")))
    ae1, is1 = team["AE1"], team["IS1"]
    assert ae1["face_to_face"] == 0 and pd.isna(ae1["face_to_face_per_week"])
    assert ae1["revenue"] == 0 and pd.isna(ae1["win_rate_count"])
    # Pipeline closing in the period itself: P5 20,000 × 25%; Q2 6,000 × 10%; Z1 2,000 × 10%.
    assert (ae1["open_pipeline"], ae1["weighted_pipeline"]) == (20_000, 5_000)
    assert is1["weighted_pipeline"] == pytest.approx(600)
    assert team["AE8"]["weighted_pipeline"] == pytest.approx(200)
    # January's 99,999 is the quarter's target; attainment 0 at pace 0: not judged yet.
    assert ae1["revenue_target"] == pytest.approx(99_999)
    assert ae1["revenue_attainment"] == 0 and ae1["pace"] == 0 and pd.isna(ae1["on_track"])
    assert reps.report_reps(con, view_of(info, "FY26Q4"))[0]["face_to_face_per_week"] is None


# Each missing table → the columns that become null (never 0); the rest keep their values.
MISSING = {
    "activities": ("face_to_face", "face_to_face_per_week", "overdue_contacts"),
    "customer_scores": ("overdue_contacts",),
    "rep_targets": (),
    "orders": ("revenue", "gross_margin"),
    "opportunities": ("open_pipeline", "weighted_pipeline", "win_rate_count"),
}


@pytest.mark.parametrize("table", MISSING)
def test_a_missing_table_blanks_exactly_its_columns(tmp_path, table):
    info, con = snapshot(tmp_path, without=(table,))
    report = {r["rep_id"]: r for r in reps.report_reps(con, view_of(info))}
    for rep_id in ("AE1", "IS1", "X1"):
        expected = {**EXPECTED[rep_id], **dict.fromkeys(MISSING[table])}
        assert_record(report[rep_id], expected)


def test_without_rep_targets_attainment_is_not_available(tmp_path):
    info, con = snapshot(tmp_path, without=("rep_targets",))
    team = rows_by_rep(reps.team(con, view_of(info)))
    for key in ("revenue_target", "revenue_attainment", "pace", "on_track"):
        assert team["AE1"][key] is None, key
    assert reps.unavailable(con) == {"rep_targets": ("rep_targets",)}


def test_without_orders_or_deals_their_team_columns_are_null(tmp_path):
    info, con = snapshot(tmp_path / "a", without=("orders",))
    ae1 = rows_by_rep(reps.team(con, view_of(info)))["AE1"]
    for key in ("revenue", "gross_margin", "revenue_attainment", "on_track"):
        assert ae1[key] is None, key
    # The target and pace are still known; only the attainment needs the orders.
    assert ae1["revenue_target"] == pytest.approx(30_000) and ae1["pace"] == pytest.approx(PACE)
    info, con = snapshot(tmp_path / "b", without=("opportunities",))
    team = rows_by_rep(reps.team(con, view_of(info)))
    assert "AE8" not in team                      # no deals known: nothing keeps AE8 listed
    for key in ("stale_deals", "past_due_deals", "open_pipeline"):
        assert team["AE1"][key] is None, key
    assert team["AE1"]["revenue"] == 15_000


def test_without_activities_contacts_are_not_listed_as_none_overdue(tmp_path):
    info, con = snapshot(tmp_path, without=("activities",))
    assert reps.unavailable(con)["contacts"] == ("activities",)
    assert reps.unavailable(con)["face_to_face"] == ("activities",)
    team = rows_by_rep(reps.team(con, view_of(info)))
    assert team["AE1"]["accounts_owned"] == 8
    # Not available is None in the report, never NaN.
    for record in reps.report_reps(con, view_of(info)):
        assert record["overdue_contacts"] is None and record["face_to_face_per_week"] is None
        assert not any(isinstance(v, float) and math.isnan(v) for v in record.values())
