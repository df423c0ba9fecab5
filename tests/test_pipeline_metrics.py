"""Pipeline metrics (SPEC §5.2, §5.3) on a hand-built pair of weekly snapshots.

Period FY26Q3 = 2026-10-01 … 2026-12-31; S0 as of 2026-11-15, S1 as of 2026-11-22.

| id | S0 (in period?)              | S1                                  | movement        |
|----|------------------------------|-------------------------------------|-----------------|
| A  | 100 st2 12-10 (in)           | won 11-20                           | won −100        |
| B  | 200 st3 11-30 (in)           | lost 11-19                          | lost −200       |
| C  | 300 st1 12-20 (in)           | open, close 2027-01-15              | slipped −300    |
| D  | 400 st2 12-01 (in)           | absent                              | removed −400    |
| E  | 500 st2 12-05 (in)           | 650 st3 12-05                       | amount +150, advanced |
| F  | 600 st3 12-05 (in)           | 600 st2 12-05                       | unchanged, regressed |
| G  | 700 st2 2027-02-01 (out)     | 700 st2 12-15                       | pulled in +700  |
| H  | absent                       | 800 st1 12-31                       | new +800        |
| I  | absent                       | 900 st1 2027-03-01 (out)            | —               |
| J  | 1000 st2 12-01 (in, R2)      | 1000 st2 12-01 (R2)                 | unchanged       |
Start (R1) 2,100; end (R1) 2,750; Σ movements +650. With R2: 3,100 → 3,750.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from data.store import SnapshotDatabase
from metrics import pipeline
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import D, connect, make_snapshot, opportunity


def opp(oid, amount, stage, close, *, activity="2026-11-20", **extra):
    return opportunity(oid, amount, stage, close, last_activity_date=D(activity), **extra)


def history(*rows):
    return [{"opportunity_id": oid, "stage": stage, "entered_date": D(day)}
            for oid, stage, day in rows]


S0_OPPS = [
    opp("A", 100, 2, "2026-12-10"), opp("B", 200, 3, "2026-11-30"),
    opp("C", 300, 1, "2026-12-20"), opp("D", 400, 2, "2026-12-01"),
    opp("E", 500, 2, "2026-12-05"), opp("F", 600, 3, "2026-12-05"),
    opp("G", 700, 2, "2027-02-01"),
    opp("J", 1000, 2, "2026-12-01", region_id="R2", industry_id="EDU"),
]
S1_OPPS = [
    opp("A", 100, 5, "2026-12-10", status="won", closed_date=D("2026-11-20")),
    opp("B", 200, 3, "2026-11-30", status="lost", closed_date=D("2026-11-19")),
    opp("C", 300, 1, "2027-01-15"),
    opp("E", 650, 3, "2026-12-05"),
    opp("F", 600, 2, "2026-12-05", activity="2026-10-01"),      # stale: 52 days idle
    opp("G", 700, 2, "2026-12-15", activity="2026-11-21"),      # stale: 113 days in stage 2
    opp("H", 800, 1, "2026-12-31", activity="2026-11-21"),
    opp("I", 900, 1, "2027-03-01"),
    opp("J", 1000, 2, "2026-12-01", region_id="R2", industry_id="EDU"),
    # For conversion, win rate and past due:
    opp("K", 50, 3, "2026-09-30", activity="2026-11-15"),       # past due by 53 days
    opp("L", 50, 1, "2026-11-30", status="lost", closed_date=D("2026-10-25")),
    opp("M", 1000, 5, "2026-12-20", status="won", closed_date=D("2026-11-20"),
        created_date=D("2026-08-01")),
]
S1_HISTORY = history(
    ("A", 1, "2026-01-05"), ("A", 2, "2026-03-01"), ("A", 5, "2026-11-20"),
    ("B", 3, "2026-01-05"), ("C", 1, "2026-11-01"),
    ("E", 2, "2026-01-05"), ("E", 3, "2026-11-18"),
    ("F", 2, "2026-01-05"), ("F", 3, "2026-06-01"), ("F", 2, "2026-11-17"),
    ("G", 2, "2026-08-01"), ("H", 1, "2026-11-21"), ("I", 1, "2026-11-01"),
    ("J", 2, "2026-11-01"),
    ("K", 1, "2026-10-05"), ("K", 2, "2026-10-20"), ("K", 3, "2026-11-10"),
    ("L", 1, "2026-10-10"),
    ("M", 2, "2026-09-01"), ("M", 3, "2026-10-15"), ("M", 4, "2026-11-01"), ("M", 5, "2026-11-20"),
)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    s0 = make_snapshot(root, "2026-11-15", opportunities=S0_OPPS)
    s1 = make_snapshot(root, "2026-11-22", opportunities=S1_OPPS, opportunity_history=S1_HISTORY)
    assert s0.valid and s1.valid, (s0.errors, s1.errors)
    con = SnapshotDatabase().cursor(s1, also=(s0,))
    return s0, s1, con


def view(s1, compare="2026-W46", period="FY26Q3", **filters):
    return View(s1.snapshot_id, s1.as_of, parse_period(period), compare=compare, **filters)


def test_movement_classifies_every_opportunity(snapshots):
    _, s1, con = snapshots
    lines = pipeline.movement_lines(con, view(s1, regions=("R1",))).set_index("opportunity_id")
    assert lines["movement"].to_dict() == {
        "A": "won", "B": "lost", "C": "slipped", "D": "removed", "E": "amount_change",
        "F": "unchanged", "G": "pulled_in", "H": "new"}
    assert lines["signed_amount"].to_dict() == {
        "A": -100, "B": -200, "C": -300, "D": -400, "E": 150, "F": 0, "G": 700, "H": 800}
    assert lines.loc["E", "advanced"] and lines.loc["F", "regressed"]


def test_movement_waterfall(snapshots):
    _, s1, con = snapshots
    assert pipeline.movement(con, view(s1, regions=("R1",))) == {
        "start": 2100, "new": 800, "pulled_in": 700, "won": -100, "lost": -200, "slipped": -300,
        "removed": -400, "amount_change": 150, "end": 2750, "advanced": 1, "regressed": 1}


def test_movement_after_a_restart_reads_the_kept_pairs(snapshots):
    # Another database (a restarted app) reads the two weeks' deals kept beside the record
    # (their S0 filter columns are a struct): the same waterfall, filtered on either week.
    s0, s1, con = snapshots
    pipeline.movement(con, view(s1, regions=("R1",)))
    record = (s1.stored or next(iter(s1.extracts.values()))).parent
    assert len(list((record / "derived").glob("movement_pairs_*.parquet"))) == 1
    again = SnapshotDatabase().cursor(s1, also=(s0,))
    assert pipeline.movement(again, view(s1, regions=("R1",))) == {
        "start": 2100, "new": 800, "pulled_in": 700, "won": -100, "lost": -200, "slipped": -300,
        "removed": -400, "amount_change": 150, "end": 2750, "advanced": 1, "regressed": 1}


@pytest.mark.parametrize("filters", [{}, {"regions": ("R1",)}, {"regions": ("R2",)},
                                     {"industries": ("EDU",)}, {"product_lines": ("NB",)},
                                     {"channel": "partner"}])
def test_waterfall_reconciles_exactly_for_any_filter(snapshots, filters):
    _, s1, con = snapshots
    exact = pipeline.movement_exact(con, view(s1, **filters))
    assert exact["start"] + sum(exact[m] for m in pipeline.MOVEMENTS) == exact["end"]
    assert all(isinstance(exact[k], Decimal) for k in ("start", "end", *pipeline.MOVEMENTS))


@pytest.mark.parametrize("filters", [{}, {"regions": ("R1",)}, {"industries": ("EDU",)},
                                     {"channel": "partner"}])
def test_movement_overview_is_the_three_movement_metrics_at_once(snapshots, filters):
    _, s1, con = snapshots
    v = view(s1, **filters)
    shown = pipeline.movement_overview(con, v)
    assert shown["movement"] == pipeline.movement(con, v)
    pd.testing.assert_frame_equal(shown["waterfall"], pipeline.movement_waterfall(con, v))
    pd.testing.assert_frame_equal(shown["slipped"], pipeline.slipped_deals(con, v))
    # The temporary table is gone: the cursor can compute the next view afresh.
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0] == 0


def test_movement_needs_a_comparison_snapshot(snapshots):
    _, s1, con = snapshots
    with pytest.raises(ValueError, match="comparison"):
        pipeline.movement(con, view(s1, compare=None))


def test_funnel(snapshots):
    _, s1, con = snapshots
    f = pipeline.funnel(con, view(s1, regions=("R1",))).set_index("stage")
    assert f["count"].tolist() == [1, 2, 1, 0]
    assert f["amount"].tolist() == [800, 1300, 650, 0]
    assert f["weighted_amount"].tolist() == pytest.approx([80, 325, 325, 0])
    assert f["amount"].sum() == pipeline.movement(con, view(s1, regions=("R1",)))["end"]


def test_stage_conversion(snapshots):
    _, s1, con = snapshots
    c = pipeline.stage_conversion(con, view(s1)).set_index("from_stage")
    # Entered in the window (Oct 1 – Nov 22): stage 1 {C, H, I, K, L}; 2 {F (again, 11-17), J, K}
    # (M entered 2 in September); 3 {E, K, M}; 4 {M}. Later entered the next stage: 1 {K};
    # 2 {K} (F's stage 3 came before its re-entry to 2); 3 {M}; 4 {M}.
    assert c["entered"].tolist() == [5, 3, 3, 1]
    assert c["converted"].tolist() == [1, 1, 1, 1]
    assert c["conversion"].tolist() == pytest.approx([1 / 5, 1 / 3, 1 / 3, 1.0])


def test_stage_conversion_first_entries_in_the_window(tmp_path):
    # October 2026 (10-01 … 10-31), as of 2026-11-22. T (rep) entered stage 1 on 09-01, again on
    # 10-03 (its first entry in the window: the one before came before the window) and 10-20
    # (not a first entry); stage 2 on 10-02, before its first stage-1 entry in the window: not
    # converted. U (partner) entered stage 1 on 10-05 and stage 2 on as_of, after the window but
    # by as_of: converted. Stage 1: entered T, U, converted U. Stage 2: entered T, converted none.
    # Channel direct: T alone.
    info = make_snapshot(
        tmp_path, "2026-11-22",
        opportunities=[opp("T", 100, 2, "2026-12-10"),
                       opp("U", 100, 2, "2026-12-10", source="partner")],
        opportunity_history=history(
            ("T", 1, "2026-09-01"), ("T", 1, "2026-10-03"), ("T", 1, "2026-10-20"),
            ("T", 2, "2026-10-02"), ("U", 1, "2026-10-05"), ("U", 2, "2026-11-22")))
    con = SnapshotDatabase().cursor(info)
    every = pipeline.stage_conversion(con, view(info, compare=None, period="2026-10"))
    assert every["entered"].tolist() == [2, 1, 0, 0]
    assert every["converted"].tolist() == [1, 0, 0, 0]
    direct = pipeline.stage_conversion(
        con, view(info, compare=None, period="2026-10", channel="direct"))
    assert direct["entered"].tolist() == [1, 1, 0, 0]
    assert direct["converted"].tolist() == [0, 0, 0, 0]


def test_win_rate_and_cycle(snapshots):
    _, s1, con = snapshots
    w = pipeline.win_rate(con, view(s1))
    # Closed in the window: A won 100, M won 1,000, B lost 200, L lost 50.
    assert (w["won_count"], w["lost_count"]) == (2, 2)
    assert w["win_rate_count"] == 0.5
    assert w["win_rate_amount"] == pytest.approx(1100 / 1350)
    # Cycles: A 2026-01-05 → 11-20 = 319 days; M 2026-08-01 → 11-20 = 111 days.
    assert w["median_cycle_days"] == 215


def test_win_rate_with_nothing_closed_is_null(snapshots):
    _, s1, con = snapshots
    w = pipeline.win_rate(con, view(s1, period="FY26Q4"))
    assert w["win_rate_count"] is None and w["win_rate_amount"] is None
    assert w["median_cycle_days"] is None


def test_stale_and_past_due(snapshots):
    _, s1, con = snapshots
    stale = pipeline.stale_deals(con, view(s1))
    # The most money at risk first: G 700 before F 600 (though F has been idle longer).
    assert stale["opportunity_id"].tolist() == ["G", "F"]
    deals = pipeline.open_deals(con, view(s1)).set_index("opportunity_id")
    assert deals.loc["F", "days_since_activity"] == 52
    assert deals.loc["G", "days_in_stage"] == 113
    assert deals.loc["F", "days_in_stage"] == 5       # re-entered stage 2 on 11-17
    past_due = pipeline.past_due_deals(con, view(s1))
    assert past_due["opportunity_id"].tolist() == ["K"]
    assert past_due.iloc[0]["days_past_due"] == 53


def test_attention_deals_are_the_stale_and_past_due_open_deals(snapshots):
    """What the pipeline page lists: the open deals stale or past due, most money first, with
    the same columns as every open deal; the view's filters apply."""
    _, s1, con = snapshots
    attention = pipeline.attention_deals(con, view(s1))
    # Stale: G 700, F 600; past due: K 50. The other open deals (C, E, H, I, J) are neither.
    assert attention["opportunity_id"].tolist() == ["G", "F", "K"]
    assert list(attention.columns) == list(pipeline.open_deals(con, view(s1)).columns)
    assert pipeline.attention_deals(con, view(s1, regions=("R2",))).empty  # J is neither
    # Asked again (another view, another session): the same rows.
    assert pipeline.attention_deals(con, view(s1))["opportunity_id"].tolist() == ["G", "F", "K"]


def test_deal_detail_timeline(snapshots):
    _, s1, con = snapshots
    detail = pipeline.deal_detail(con, "M", s1.as_of)
    assert detail["deal"]["status"] == "won"
    h = detail["history"]
    assert h["stage"].tolist() == [2, 3, 4, 5]
    assert h["days"].tolist() == [44, 17, 19, 0]
    assert pipeline.deal_detail(con, "NOPE", s1.as_of) is None


def test_waterfall_bars_climb_from_start_to_end(snapshots):
    _, s1, con = snapshots
    w = pipeline.movement_waterfall(con, view(s1, regions=("R1",)))
    assert w["step"].tolist() == ["start", *pipeline.MOVEMENTS, "end"]
    steps = w.iloc[1:-1]
    assert steps["base"].tolist() == [2100, 2900, 3600, 3500, 3300, 3000, 2600]
    assert steps.iloc[-1]["top"] == w.iloc[-1]["top"] == 2750
    assert steps["kind"].tolist() == ["increase", "increase", "decrease", "decrease", "decrease",
                                      "decrease", "increase"]


def test_summary_and_slipped(snapshots):
    _, s1, con = snapshots
    s = pipeline.summary(con, view(s1, regions=("R1",)))
    assert (s["open_count"], s["open_amount"], s["weighted_amount"]) == (4, 2750, 730)
    assert s["win_rate_count"] == 0.5
    assert s["funnel"]["count"].tolist() == [1, 2, 1, 0]  # the funnel the tiles sum
    slipped = pipeline.slipped_deals(con, view(s1, regions=("R1",)))
    assert slipped["opportunity_id"].tolist() == ["C"]
    assert str(slipped.iloc[0]["expected_close_1"])[:10] == "2027-01-15"


@pytest.fixture(scope="module")
def demo_weeks(tmp_path_factory):
    from data.demo import generate
    from data.store import discover

    root = tmp_path_factory.mktemp("demo-movement")
    generate(root, D("2026-11-22"), weeks=3, orders=20_000, seed=11)
    s2, s1, s0 = discover(root)
    assert s0.valid and s1.valid and s2.valid
    return s2, s1, SnapshotDatabase().cursor(s2, also=(s1, s0))


def _demo_views(info, regions, lines):
    for period in ("FY26Q3", "2026-11", "2026-W47", "FY26"):
        yield View(info.snapshot_id, info.as_of, parse_period(period), compare="2026-W46")
        for region in regions:
            yield View(info.snapshot_id, info.as_of, parse_period(period), regions=(region,),
                       compare="2026-W46")
        for line in lines:
            yield View(info.snapshot_id, info.as_of, parse_period(period), product_lines=(line,),
                       compare="2026-W46")


def test_waterfall_reconciles_for_every_region_and_product_line_of_the_demo(demo_weeks):
    from data.demo import PRODUCT_LINES

    s2, _, con = demo_weeks
    regions = [r for (r,) in con.execute("SELECT region_id FROM regions ORDER BY 1").fetchall()]
    assert len(regions) == 18
    moved_any = False
    for v in _demo_views(s2, regions, PRODUCT_LINES):
        exact = pipeline.movement_exact(con, v)
        assert exact["start"] + sum(exact[m] for m in pipeline.MOVEMENTS) == exact["end"], v
        moved_any |= any(exact[m] != 0 for m in pipeline.MOVEMENTS)
    assert moved_any, "the demo weeks should move the pipeline"


def test_funnel_calculator_from_four_quarters_of_conversion(tmp_path):
    """SPEC §10.6. As of 2026-11-22 the last four fiscal quarters run from FY25Q4 (Jan 2026).
    Stage entries: A 1→2→3→4→won, B 1→2, C 1, D 1 (lost). Conversion 1→2 = 2/4, 2→3 = 1/2,
    3→4 = 1/1, 4→won = 1/1; for 3 wins: stage 4 needs 3, stage 3 needs 3, stage 2 needs
    3 ÷ 0.5 = 6, stage 1 needs 3 ÷ (0.5 × 0.5) = 12."""
    from metrics.report import main

    won = {"status": "won", "closed_date": D("2026-04-01")}
    lost = {"status": "lost", "closed_date": D("2026-06-01")}
    deals = [{**opportunity("A", 10, 5, "2026-12-15"), **won},
             opportunity("B", 10, 2, "2026-12-15"), opportunity("C", 10, 1, "2026-12-15"),
             {**opportunity("D", 10, 1, "2026-12-15"), **lost}]
    entries = [("A", 1, "2026-02-01"), ("A", 2, "2026-02-10"), ("A", 3, "2026-03-01"),
               ("A", 4, "2026-03-10"), ("A", 5, "2026-04-01"), ("B", 1, "2026-02-01"),
               ("B", 2, "2026-02-15"), ("C", 1, "2026-03-01"), ("D", 1, "2026-05-01")]
    history = [{"opportunity_id": o, "stage": s, "entered_date": D(d)} for o, s, d in entries]
    info = make_snapshot(tmp_path, "2026-11-22", opportunities=deals, opportunity_history=history)
    assert info.valid, info.errors
    con = connect(info)
    v = View(info.snapshot_id, info.as_of, parse_period("FY26Q3"))
    calc = pipeline.funnel_calculator(con, v, 3)
    assert calc["stage"].tolist() == [1, 2, 3, 4]
    assert calc["conversion_to_next"].tolist() == [0.5, 0.5, 1.0, 1.0]
    assert calc["needed"].tolist() == [12.0, 6.0, 3.0, 3.0]
    # Filtered to R2 nothing was measured: every stage is n/a.
    assert pipeline.funnel_calculator(con, View(info.snapshot_id, info.as_of, v.period,
                                                regions=("R2",)), 3)["needed"].isna().all()
    assert main(["--data-dir", str(tmp_path), "--section", "funnel_calculator"]) == 2
