"""Forecast accuracy (SPEC §10.3) against hand-computed fixtures: each week's §5.1 forecast,
computed on that week's snapshot, against the period's revenue on the served snapshot.

Stage probabilities are the defaults: 1 → 10%, 2 → 25%, 3 → 50%, 4 → 75%. The period is FY26Q3
(Oct–Dec 2026, fiscal years starting in April).
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pyarrow as pa
import pytest

from data.schema import TABLES
from data.store import SnapshotDatabase, SnapshotInfo, arrow_schema, validate, write_snapshot
from metrics import dashboard
from metrics import forecast_accuracy as fa
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import D, make_snapshot, opportunity, order, target


def view(info, period: str = "FY26Q3", **filters) -> View:
    return View(info.snapshot_id, info.as_of, parse_period(period), **filters)


def pairs(*infos) -> tuple:
    return tuple((i.snapshot_id, i.as_of) for i in infos)


def is_null(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --- three weekly snapshots of FY26Q3, one before it and one after the served week -------------
# Order lines (each snapshot is a full extract up to its as_of):
#   O1 2026-10-05  1,000 R1          O4 2026-11-20  1,200 R2
#   O2 2026-11-02    500 R2 (EDU)    O5 2026-11-21    300 R3
#   O3 2026-11-12    800 R1          O6 2026-11-25    100 R1 (only in W48)
# Opportunities move between the weeks (see each snapshot).

O1 = order("2026-10-05", 1_000, 800)
O2 = order("2026-11-02", 500, 400, region_id="R2", industry_id="EDU")
O3 = order("2026-11-12", 800, 600)
O4 = order("2026-11-20", 1_200, 1_000, region_id="R2", industry_id="EDU")
O5 = order("2026-11-21", 300, 250, region_id="R3")
O6 = order("2026-11-25", 100, 90)
TARGETS = [target("2026-10", 3_000, 300), target("2026-11", 3_000, 300),
           target("2026-12", 3_000, 300)]
OPD = opportunity("OPd", 1_000, 3, "2026-12-05", region_id="R3")
OPA_WON = opportunity("OPa", 2_000, 5, "2026-12-10", status="won", closed_date=D("2026-11-20"))
OPB_2 = opportunity("OPb", 4_000, 2, "2026-11-30", region_id="R2", industry_id="EDU")


@pytest.fixture(scope="module")
def weeks(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("weeks")
    # W39, as of 2026-09-27: in FY26Q2, before the period.
    w39 = make_snapshot(data_dir, "2026-09-27", orders=[order("2026-09-10", 9_000, 8_000)],
                        targets=TARGETS,
                        opportunities=[opportunity("OPa", 2_000, 1, "2026-12-10")])
    # W45, as of 2026-11-08: revenue to date O1 + O2 = 1,500 (R1 1,000, R2 500).
    # Pipeline closing in (11-08, 12-31]: OPa 2,000 × 50% = 1,000 (R1), OPb 4,000 × 10% = 400
    # (R2); OPc closes after the quarter. Forecast 1,500 + 1,400 = 2,900.
    w45 = make_snapshot(data_dir, "2026-11-08", orders=[O1, O2], targets=TARGETS,
                        opportunities=[
                            opportunity("OPa", 2_000, 3, "2026-12-10"),
                            opportunity("OPb", 4_000, 1, "2026-11-30", region_id="R2",
                                        industry_id="EDU"),
                            opportunity("OPc", 10_000, 4, "2027-01-15")])
    # W46, as of 2026-11-15: revenue O1 + O2 + O3 = 2,300 (R1 1,800, R2 500). OPa at stage 4:
    # 2,000 × 75% = 1,500; OPb at stage 2: 4,000 × 25% = 1,000. Forecast 2,300 + 2,500 = 4,800.
    w46 = make_snapshot(data_dir, "2026-11-15", orders=[O1, O2, O3], targets=TARGETS,
                        opportunities=[opportunity("OPa", 2_000, 4, "2026-12-10"), OPB_2])
    # W47, as of 2026-11-22, the served snapshot: revenue O1…O5 = 3,800 (R1 1,800, R2 1,700,
    # R3 300). OPa is won (no pipeline); OPb 1,000 (R2); OPd 1,000 × 50% = 500 (R3).
    # Forecast 3,800 + 1,500 = 5,300.
    w47 = make_snapshot(data_dir, "2026-11-22", orders=[O1, O2, O3, O4, O5], targets=TARGETS,
                        opportunities=[OPA_WON, OPB_2, OPD])
    # W48, as of 2026-11-29: newer than the served week. Revenue 3,800 + 100 = 3,900; pipeline
    # OPd 500 (OPb closes 11-30 > 11-29: still in) + OPb 1,000. Forecast 5,400.
    w48 = make_snapshot(data_dir, "2026-11-29", orders=[O1, O2, O3, O4, O5, O6],
                        targets=TARGETS, opportunities=[OPA_WON, OPB_2, OPD])
    infos = {"w39": w39, "w45": w45, "w46": w46, "w47": w47, "w48": w48}
    for info in infos.values():
        assert info.valid, info.errors
    db = SnapshotDatabase()
    infos["con"] = db.cursor(w47, also=(w39, w45, w46, w48))
    infos["db"] = db
    yield infos
    db.close()


def every(weeks) -> tuple:
    return pairs(weeks["w39"], weeks["w45"], weeks["w46"], weeks["w47"], weeks["w48"])


def test_forecast_per_snapshot_against_the_served_actual(weeks):
    frame = fa.forecast_accuracy(weeks["con"], view(weeks["w47"]), every(weeks))
    assert list(frame.columns) == ["snapshot_id", "as_of", "forecast", "actual", "error"]
    # W39 lies before the period, W48 after the served week: neither counts.
    assert list(frame["snapshot_id"]) == ["2026-W45", "2026-W46", "2026-W47"]
    assert list(frame["as_of"]) == [D("2026-11-08"), D("2026-11-15"), D("2026-11-22")]
    assert list(frame["forecast"]) == pytest.approx([2_900, 4_800, 5_300])
    assert list(frame["actual"]) == pytest.approx([3_800] * 3)
    assert list(frame["error"]) == pytest.approx(
        [2_900 / 3_800 - 1, 4_800 / 3_800 - 1, 5_300 / 3_800 - 1])


def test_overview_holds_both_tables_and_the_served_numbers(weeks):
    con, served = weeks["con"], view(weeks["w47"])
    both = fa.overview(con, served, every(weeks))
    assert list(both["national"]["forecast"]) == pytest.approx([2_900, 4_800, 5_300])
    w47 = both["by_region"][both["by_region"]["snapshot_id"] == "2026-W47"]
    # W47 by region: R1 1,800 + 0; R2 1,700 + 1,000; R3 300 + 500.
    assert dict(zip(w47["region_id"], w47["forecast"])) == pytest.approx(
        {"R1": 1_800, "R2": 2_700, "R3": 800})
    # The served snapshot's tiles and regional report, as the dashboard computes them.
    assert both["served"]["kpis"]["forecast"] == pytest.approx(5_300)
    assert both["served"]["kpis"] == dashboard.kpis(con, served)
    pd.testing.assert_frame_equal(both["served"]["regional_report"],
                                  dashboard.regional_report(con, served))


def test_order_of_the_snapshots_given_does_not_matter(weeks):
    shuffled = tuple(reversed(every(weeks))) + pairs(weeks["w45"])  # and a duplicate
    frame = fa.forecast_accuracy(weeks["con"], view(weeks["w47"]), shuffled)
    assert list(frame["snapshot_id"]) == ["2026-W45", "2026-W46", "2026-W47"]


def test_serving_the_newer_week_compares_it_too(weeks):
    w48 = weeks["w48"]
    con = weeks["db"].cursor(w48, also=(weeks["w39"], weeks["w45"], weeks["w46"], weeks["w47"]))
    frame = fa.forecast_accuracy(con, view(w48), every(weeks))
    assert list(frame["snapshot_id"]) == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    # The actual is now W48's revenue, 3,900; the forecasts are each week's own.
    assert list(frame["forecast"]) == pytest.approx([2_900, 4_800, 5_300, 5_400])
    assert list(frame["actual"]) == pytest.approx([3_900] * 4)
    assert frame["error"].iloc[0] == pytest.approx(2_900 / 3_900 - 1)
    assert frame["error"].iloc[3] == pytest.approx(5_400 / 3_900 - 1)


def test_the_served_week_outside_the_period_is_not_compared(weeks):
    # 2026-W46 is Mon 11-09 … Sun 11-15: only W46's as_of lies in it. Actual on W47: O3 = 800.
    # W46's forecast: revenue 11-09 … 11-15 = 800, nothing closes in (11-15, 11-15]: 800.
    frame = fa.forecast_accuracy(weeks["con"], view(weeks["w47"], "2026-W46"), every(weeks))
    assert list(frame["snapshot_id"]) == ["2026-W46"]
    assert frame["forecast"].iloc[0] == pytest.approx(800)
    assert frame["actual"].iloc[0] == pytest.approx(800)
    assert frame["error"].iloc[0] == pytest.approx(0)


def test_a_region_filter_applies_to_every_snapshot(weeks):
    frame = fa.forecast_accuracy(weeks["con"], view(weeks["w47"], regions=("R1",)),
                                 every(weeks))
    # R1: W45 1,000 + OPa 1,000; W46 1,800 + OPa 1,500; W47 1,800 (OPa won). Actual 1,800.
    assert list(frame["forecast"]) == pytest.approx([2_000, 3_300, 1_800])
    assert list(frame["actual"]) == pytest.approx([1_800] * 3)
    assert list(frame["error"]) == pytest.approx([2_000 / 1_800 - 1, 3_300 / 1_800 - 1, 0])


def test_an_industry_filter_applies_too(weeks):
    frame = fa.forecast_accuracy(weeks["con"], view(weeks["w47"], industries=("EDU",)),
                                 every(weeks))
    # EDU is R2's O2, O4 and OPb: W45 500 + 400; W46 500 + 1,000; W47 1,700 + 1,000.
    assert list(frame["forecast"]) == pytest.approx([900, 1_500, 2_700])
    assert list(frame["actual"]) == pytest.approx([1_700] * 3)


def test_by_region(weeks):
    frame = fa.forecast_accuracy(weeks["con"], view(weeks["w47"]), every(weeks), by_region=True)
    assert list(frame.columns) == ["snapshot_id", "as_of", "region_id", "forecast", "actual",
                                   "error"]
    assert list(zip(frame["snapshot_id"], frame["region_id"])) == [
        (s, r) for s in ("2026-W45", "2026-W46", "2026-W47") for r in ("R1", "R2", "R3")]
    # Forecast per region:  W45: R1 1,000 + 1,000; R2 500 + 400; R3 nothing.
    #                       W46: R1 1,800 + 1,500; R2 500 + 1,000; R3 nothing.
    #                       W47: R1 1,800; R2 1,700 + 1,000; R3 300 + 500.
    assert list(frame["forecast"]) == pytest.approx(
        [2_000, 900, 0, 3_300, 1_500, 0, 1_800, 2_700, 800])
    # Actual per region on W47: R1 1,800, R2 1,700, R3 300.
    assert list(frame["actual"]) == pytest.approx([1_800, 1_700, 300] * 3)
    assert list(frame["error"]) == pytest.approx([
        2_000 / 1_800 - 1, 900 / 1_700 - 1, -1,
        3_300 / 1_800 - 1, 1_500 / 1_700 - 1, -1,
        0, 2_700 / 1_700 - 1, 800 / 300 - 1])


def test_by_region_keeps_the_region_filter(weeks):
    frame = fa.forecast_accuracy(weeks["con"], view(weeks["w47"], regions=("R2",)),
                                 every(weeks), by_region=True)
    assert list(frame["region_id"]) == ["R2"] * 3
    assert list(frame["forecast"]) == pytest.approx([900, 1_500, 2_700])


def test_search_path_is_the_served_snapshots_afterwards(weeks):
    con = weeks["con"]
    fa.forecast_accuracy(con, view(weeks["w47"]), every(weeks))
    fa.forecast_accuracy(con, view(weeks["w47"]), every(weeks), by_region=True)
    assert con.execute("SELECT current_setting('search_path')").fetchone() == ("s_2026_w47",)
    # W47 holds five order lines (W46 three, W48 six).
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (5,)


def test_search_path_is_restored_when_a_forecast_fails(weeks, monkeypatch):
    con = weeks["con"]
    forecasts = dashboard.forecasts

    def failing(con, v):
        if v.snapshot_id == "2026-W46":
            raise RuntimeError("boom")
        return forecasts(con, v)

    monkeypatch.setattr(dashboard, "forecasts", failing)
    with pytest.raises(RuntimeError, match="boom"):
        fa.forecast_accuracy(con, view(weeks["w47"]), every(weeks))
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (5,)


def test_a_snapshot_not_attached_is_a_clear_error(weeks):
    con = weeks["db"].cursor(weeks["w47"])  # the same database: attached schemas are shared
    ghost = (("2026-W44", D("2026-11-01")),)
    with pytest.raises(ValueError, match="2026-W44 is not attached"):
        fa.forecast_accuracy(con, view(weeks["w47"]), ghost)
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (5,)


def test_no_snapshot_in_the_period_gives_an_empty_frame(weeks):
    frame = fa.forecast_accuracy(weeks["con"], view(weeks["w47"]), pairs(weeks["w39"]))
    assert frame.empty and list(frame.columns) == list(fa.COLUMNS)
    assert fa.report_forecast_accuracy(weeks["con"], view(weeks["w47"]), ()) == []


def test_compare_in_the_view_is_ignored(weeks):
    v = dataclasses.replace(view(weeks["w47"]), compare="2026-W46")
    frame = fa.forecast_accuracy(weeks["con"], v, every(weeks))
    assert list(frame["forecast"]) == pytest.approx([2_900, 4_800, 5_300])


def test_report_shape(weeks):
    rows = fa.report_forecast_accuracy(weeks["con"], view(weeks["w47"]), every(weeks))
    assert [tuple(r) for r in rows] == [fa.REPORT_KEYS] * 3
    assert rows[0] == {"snapshot_id": "2026-W45", "as_of": "2026-11-08",
                       "forecast": pytest.approx(2_900), "actual": pytest.approx(3_800),
                       "error": pytest.approx(2_900 / 3_800 - 1)}
    assert [r["as_of"] for r in rows] == ["2026-11-08", "2026-11-15", "2026-11-22"]
    assert all(type(r[k]) is float for r in rows for k in ("forecast", "actual", "error"))


# --- which snapshots count (no database) -------------------------------------------------------

def info(snapshot_id: str, as_of: str | None, valid: bool = True) -> SnapshotInfo:
    return SnapshotInfo(snapshot_id, None, D(as_of) if as_of else None, valid,
                        () if valid else ("broken",))


def test_snapshots_in_the_period_up_to_the_served_week_oldest_first():
    served = info("2026-W47", "2026-11-22")
    infos = [info("2026-W48", "2026-11-29"),                 # newer than the served week
             served,
             info("2026-W46", "2026-11-15", valid=False),    # invalid
             info("2026-W45", "2026-11-08"),
             info("2026-W40", "2026-10-04"),                 # first Sunday of the quarter
             info("2026-W39", "2026-09-27"),                 # before the quarter
             info("2026-W43", None, valid=False)]            # no manifest
    assert fa.snapshots_in(view(served), infos) == (
        ("2026-W40", D("2026-10-04")), ("2026-W45", D("2026-11-08")),
        ("2026-W47", D("2026-11-22")))


def test_snapshots_in_bounds_are_inclusive():
    # 2026-11 runs 11-01 … 11-30; 2026-11-01 and 2026-11-29 are Sundays.
    served = info("2027-W01", "2027-01-03")
    infos = [info("2026-W44", "2026-11-01"), info("2026-W48", "2026-11-29"),
             info("2026-W43", "2026-10-25"), info("2026-W49", "2026-12-06")]
    assert fa.snapshots_in(view(served, "2026-11"), infos) == (
        ("2026-W44", D("2026-11-01")), ("2026-W48", D("2026-11-29")))
    # The served week's own as_of is the last one that counts.
    served = info("2026-W48", "2026-11-29")
    assert [s for s, _ in fa.snapshots_in(view(served, "2026-11"), infos)] == [
        "2026-W44", "2026-W48"]
    served = info("2026-W47", "2026-11-28")  # a day before W48's as_of
    assert [s for s, _ in fa.snapshots_in(view(served, "2026-11"), infos)] == ["2026-W44"]


# --- not available: null, never 0 (SPEC §9) ---------------------------------------------------

def write_partial(data_dir, as_of: str, **rows) -> SnapshotInfo:
    tables = {name: pa.Table.from_pylist(list(r), schema=arrow_schema(TABLES[name]))
              for name, r in rows.items()}
    return validate(write_snapshot(data_dir, D(as_of), tables, source="partial test"))


def numbered(*lines) -> list[dict]:
    return [{"order_id": f"O{i + 1}", "line_no": 1, **line} for i, line in enumerate(lines)]


@pytest.fixture(scope="module")
def without_opportunities(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("partial")
    # W45 holds order lines only: its forecast is not available.
    w45 = write_partial(data_dir, "2026-11-08", orders=numbered(order("2026-10-05", 1_000, 800)))
    # W46 (served) is complete: revenue 1,000 + 500 = 1,500; pipeline OP1 2,000 × 50% = 1,000
    # (R1) + OP2 1,000 × 10% = 100 (R3, which books nothing). Forecast 2,600.
    w46 = make_snapshot(data_dir, "2026-11-15",
                        orders=[order("2026-10-05", 1_000, 800),
                                order("2026-11-10", 500, 400, region_id="R2")],
                        opportunities=[opportunity("OP1", 2_000, 3, "2026-12-10"),
                                       opportunity("OP2", 1_000, 1, "2026-12-20",
                                                   region_id="R3")])
    assert w45.valid, w45.errors
    assert w46.valid, w46.errors
    return w45, w46, SnapshotDatabase().cursor(w46, also=(w45,))


def test_a_snapshot_without_opportunities_has_no_forecast(without_opportunities):
    w45, w46, con = without_opportunities
    frame = fa.forecast_accuracy(con, view(w46), pairs(w45, w46))
    assert is_null(frame["forecast"].iloc[0]) and is_null(frame["error"].iloc[0])
    assert frame["actual"].iloc[0] == pytest.approx(1_500)
    assert frame["forecast"].iloc[1] == pytest.approx(2_600)
    assert frame["error"].iloc[1] == pytest.approx(2_600 / 1_500 - 1)
    rows = fa.report_forecast_accuracy(con, view(w46), pairs(w45, w46))
    assert rows[0]["forecast"] is None and rows[0]["error"] is None
    assert rows[0]["actual"] == pytest.approx(1_500)


def test_an_actual_of_zero_gives_no_error(without_opportunities):
    w45, w46, con = without_opportunities
    # R3 books nothing in the period: actual 0, so no ratio, even against a forecast of 100.
    frame = fa.forecast_accuracy(con, view(w46, regions=("R3",)), pairs(w45, w46))
    assert list(frame["actual"]) == [0, 0]
    assert is_null(frame["forecast"].iloc[0])
    assert frame["forecast"].iloc[1] == pytest.approx(100)
    assert frame["error"].isna().all()
    rows = fa.report_forecast_accuracy(con, view(w46, regions=("R3",)), pairs(w45, w46))
    assert [r["error"] for r in rows] == [None, None]
    assert rows[1]["actual"] == 0


def test_by_region_without_opportunities_and_with_a_zero_actual(without_opportunities):
    w45, w46, con = without_opportunities
    frame = fa.forecast_accuracy(con, view(w46), pairs(w45, w46), by_region=True)
    # W45's regions are derived from its order lines (R1 only); W46 lists R1, R2, R3.
    rows = {(r["snapshot_id"], r["region_id"]): r for r in frame.to_dict("records")}
    assert set(rows) == {("2026-W45", r) for r in ("R1", "R2", "R3")} | {
        ("2026-W46", r) for r in ("R1", "R2", "R3")}
    assert all(is_null(rows[("2026-W45", r)]["forecast"]) for r in ("R1", "R2", "R3"))
    assert all(is_null(rows[("2026-W45", r)]["error"]) for r in ("R1", "R2", "R3"))
    # W46: R1 1,000 + 1,000 against 1,000; R2 500 against 500; R3 0 + 100 against 0.
    assert rows[("2026-W46", "R1")]["error"] == pytest.approx(2_000 / 1_000 - 1)
    assert rows[("2026-W46", "R2")]["error"] == pytest.approx(0)
    assert rows[("2026-W46", "R3")]["forecast"] == pytest.approx(100)
    assert rows[("2026-W46", "R3")]["actual"] == 0 and is_null(rows[("2026-W46", "R3")]["error"])


def test_without_order_lines_on_the_served_snapshot_the_actual_is_null(tmp_path):
    # W45 is complete: forecast 1,000 + OP1 2,000 × 50% = 2,000. W46 (served) holds
    # opportunities only: no actual, so no error; its own forecast needs revenue, so it is null.
    w45 = make_snapshot(tmp_path, "2026-11-08", orders=[order("2026-10-05", 1_000, 800)],
                        opportunities=[opportunity("OP1", 2_000, 3, "2026-12-10")])
    w46 = write_partial(tmp_path, "2026-11-15",
                        opportunities=[opportunity("OP1", 2_000, 4, "2026-12-10")])
    assert w46.valid, w46.errors
    con = SnapshotDatabase().cursor(w46, also=(w45,))
    frame = fa.forecast_accuracy(con, view(w46), pairs(w45, w46))
    assert frame["forecast"].iloc[0] == pytest.approx(2_000)
    assert is_null(frame["forecast"].iloc[1])
    assert frame["actual"].isna().all() and frame["error"].isna().all()
    rows = fa.report_forecast_accuracy(con, view(w46), pairs(w45, w46))
    assert [(r["actual"], r["error"]) for r in rows] == [(None, None), (None, None)]


def test_report_section_reads_every_week_of_the_period(weeks):
    """``--section forecast_accuracy`` attaches the period's stored weeks itself."""
    from metrics import report
    data_dir = str(weeks["w47"].path.parent.parent)
    rows, _ = report.run(["--data-dir", data_dir, "--snapshot", "2026-W47", "--section",
                          "forecast_accuracy", "--period", "FY26Q3"])
    assert [(r["snapshot_id"], r["forecast"], r["actual"]) for r in rows] == [
        ("2026-W45", 2_900, 3_800), ("2026-W46", 4_800, 3_800), ("2026-W47", 5_300, 3_800)]
    assert rows[0]["error"] == pytest.approx(2_900 / 3_800 - 1)
