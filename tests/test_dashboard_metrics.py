"""Dashboard metrics (SPEC §5.1) against hand-computed fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import dashboard
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import D, connect, make_snapshot, opportunity, order, target


def view(snapshot, period: str, **filters) -> View:
    return View(snapshot.snapshot_id, snapshot.as_of, parse_period(period), **filters)


# --- SPEC §5.1 worked example --------------------------------------------------------------------
# A year with revenue targets PC 46,175 and NB 6,361 and actuals PC 46,993, NB 7,177; margin targets
# PC 6,433, NB 822 and actual margins PC 6,906, NB 947. PC includes a return line (negative revenue).

@pytest.fixture(scope="module")
def worked_example(tmp_path_factory):
    info = make_snapshot(
        tmp_path_factory.mktemp("worked"), "2026-04-05",
        orders=[
            order("2025-05-10", 48_000, 40_900, product_line="PC"),
            order("2025-06-02", -1_007, -813, product_line="PC", quantity=-2),
            order("2025-09-15", 7_177, 6_230, product_line="NB"),
        ],
        targets=[
            target("2025-05", 30_000, 4_000, product_line="PC"),
            target("2025-11", 16_175, 2_433, product_line="PC"),
            target("2025-08", 6_361, 822, product_line="NB"),
        ],
    )
    assert info.valid, info.errors
    return info, connect(info)


@pytest.mark.parametrize("lines, revenue_pct, margin_pct", [
    (("PC",), 102, 107),
    (("NB",), 113, 115),
    ((), 103, 108),
])
def test_worked_example_attainment(worked_example, lines, revenue_pct, margin_pct):
    info, con = worked_example
    k = dashboard.kpis(con, view(info, "FY25", product_lines=lines))
    assert round(k["revenue_attainment"] * 100) == revenue_pct
    assert round(k["margin_attainment"] * 100) == margin_pct


def test_worked_example_money(worked_example):
    info, con = worked_example
    k = dashboard.kpis(con, view(info, "FY25"))
    assert k["revenue"] == pytest.approx(54_170)
    assert k["cost"] == pytest.approx(54_170 - 7_853)
    assert k["gross_margin"] == pytest.approx(7_853)
    assert k["gm_pct"] == pytest.approx(7_853 / 54_170)
    assert k["revenue_target"] == pytest.approx(52_536)
    assert k["margin_target"] == pytest.approx(7_255)
    assert k["pace"] == 1.0  # the fiscal year is over at as_of
    assert k["on_track"] is True


def test_return_line_reduces_revenue_and_cost(worked_example):
    info, con = worked_example
    k = dashboard.kpis(con, view(info, "2025-06"))  # only the return line falls in June
    assert k["revenue"] == pytest.approx(-1_007)
    assert k["cost"] == pytest.approx(-813)
    assert k["gross_margin"] == pytest.approx(-194)


def test_kpis_cross_check_plain_sql(worked_example):
    """Independent check: the same totals straight from the Parquet files."""
    info, con = worked_example
    revenue, margin = con.execute(
        "SELECT sum(revenue)::DOUBLE, sum(revenue - cost)::DOUBLE FROM read_parquet($f) "
        "WHERE order_date BETWEEN DATE '2025-04-01' AND DATE '2026-03-31'",
        {"f": str(info.path / "orders.parquet")}).fetchone()
    k = dashboard.kpis(con, view(info, "FY25"))
    assert (k["revenue"], k["gross_margin"]) == (pytest.approx(revenue), pytest.approx(margin))


# --- to date, pace, YoY, proration, pipeline ----------------------------------------------------

@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    """FY26Q3 (Oct–Dec 2026) as of Sunday 2026-11-22, with last year's orders for YoY."""
    info = make_snapshot(
        tmp_path_factory.mktemp("quarter"), "2026-11-22",
        orders=[
            order("2025-10-01", 400, 300),                  # prior year, day 1
            order("2025-11-22", 100, 80),                   # prior year, day 53: counts
            order("2025-11-23", 9_999, 0),                  # prior year, day 54: not like-for-like
            order("2026-10-01", 300, 240),
            order("2026-11-16", 200, 150),                  # in the snapshot's week
            order("2026-11-22", 100, 70),                   # as_of itself
            order("2026-10-05", 500, 400, region_id="R3"),  # R3 has no target
            order("2026-10-06", 50, 40, channel="partner"),
            order("2026-10-10", 1_200, 1_000, region_id="R2", industry_id="EDU",
                  product_line="NB"),                       # beats R2's October target
        ],
        targets=[
            target("2026-10", 3_100, 310),
            target("2026-11", 3_000, 300),
            target("2026-12", 3_100, 310),
            target("2026-10", 1_000, 100, region_id="R2", industry_id="EDU"),
        ],
        opportunities=[
            opportunity("OP1", 1_000, 3, "2026-12-15"),                   # 50% → 500
            opportunity("OP2", 2_000, 1, "2026-11-30"),                   # 10% → 200
            opportunity("OP3", 4_000, 4, "2026-11-22"),                   # closes on as_of: out
            opportunity("OP4", 8_000, 4, "2027-01-10"),                   # after the period: out
            opportunity("OP5", 1_500_000, 2, "2026-12-01", region_id="R2",
                        industry_id="EDU"),                               # key opportunity
            opportunity("OP6", 3_000, 5, "2026-12-01", status="won",
                        closed_date=D("2026-11-20")),                     # won: not pipeline
            opportunity("OP7", 700, 2, "2026-12-20", source="partner"),   # partner-registered
        ],
    )
    assert info.valid, info.errors
    return info, connect(info)


def test_pace_fy26q3(quarter):
    info, con = quarter
    assert dashboard.kpis(con, view(info, "FY26Q3"))["pace"] == pytest.approx(53 / 92)


def test_to_date_revenue_and_yoy_like_for_like(quarter):
    info, con = quarter
    k = dashboard.kpis(con, view(info, "FY26Q3", regions=("R1",)))
    assert k["revenue"] == pytest.approx(300 + 200 + 100 + 50)
    assert k["prior_revenue"] == pytest.approx(400 + 100)
    assert k["yoy_growth"] == pytest.approx(650 / 500 - 1)


def test_week_revenue_is_the_snapshot_week(quarter):
    info, con = quarter
    assert dashboard.kpis(con, view(info, "FY26Q3"))["week_revenue"] == pytest.approx(300)


def test_weighted_pipeline_forecast_and_coverage(quarter):
    info, con = quarter
    k = dashboard.kpis(con, view(info, "FY26Q3", regions=("R1",)))
    assert k["weighted_pipeline"] == pytest.approx(500 + 200 + 700 * 0.25)
    assert k["open_pipeline"] == pytest.approx(1_000 + 2_000 + 700)
    assert k["forecast"] == pytest.approx(650 + 875)
    assert k["revenue_target"] == pytest.approx(9_200)
    assert k["coverage"] == pytest.approx(3_700 / (9_200 - 650))
    assert k["revenue_attainment"] == pytest.approx(650 / 9_200)
    assert k["pace_gap"] == pytest.approx(650 / 9_200 - 53 / 92)
    assert k["forecast_attainment"] == pytest.approx((650 + 875) / 9_200)
    assert k["on_track"] is False


def test_channel_filter_applies_to_orders_and_deal_source_not_targets(quarter):
    info, con = quarter
    k = dashboard.kpis(con, view(info, "FY26Q3", regions=("R1",), channel="partner"))
    assert k["revenue"] == pytest.approx(50)
    assert k["weighted_pipeline"] == pytest.approx(175)
    assert k["revenue_target"] == pytest.approx(9_200)


def test_week_target_prorated_across_two_months(quarter):
    # 2026-W44 is Mon 26 Oct – Sun 1 Nov: 6 of October's 31 days and 1 of November's 30.
    info, con = quarter
    k = dashboard.kpis(con, view(info, "2026-W44", regions=("R1",)))
    assert k["revenue_target"] == pytest.approx(3_100 * 6 / 31 + 3_000 * 1 / 30)
    assert k["pace"] == 1.0


def test_coverage_null_when_target_met_and_zero_without_pipeline(quarter):
    info, con = quarter
    k = dashboard.kpis(con, view(info, "FY26Q3", regions=("R2",)))
    assert (k["revenue"], k["revenue_target"]) == (pytest.approx(1_200), pytest.approx(1_000))
    assert k["target_gap"] == pytest.approx(-200) and k["target_met"] is True
    assert k["coverage"] is None  # target met: the page says so instead of a ratio
    k = dashboard.kpis(con, view(info, "2026-10", regions=("R1",)))
    assert k["coverage"] == 0  # gap of 3,100 − 350 and nothing closes after as_of in October
    assert k["target_met"] is False


def test_region_without_target_is_listed_with_null_attainment(quarter):
    info, con = quarter
    report = dashboard.regional_report(con, view(info, "FY26Q3"))
    assert list(report["region_id"].sort_values()) == ["R1", "R2", "R3"]
    r3 = report.set_index("region_id").loc["R3"]
    assert r3["revenue"] == pytest.approx(500)
    assert r3["revenue_target"] != r3["revenue_target"]  # NaN: no target
    assert r3["revenue_attainment"] != r3["revenue_attainment"]
    assert pd.isna(r3["target_met"])  # no target: neither met nor missed
    # The rows add up to the national total.
    total = dashboard.kpis(con, view(info, "FY26Q3"))
    assert report["revenue"].sum() == pytest.approx(total["revenue"])
    assert report["weighted_pipeline"].sum() == pytest.approx(total["weighted_pipeline"])


def test_kpis_and_regions_from_the_same_scans(quarter):
    info, con = quarter
    both = dashboard.kpis_and_regions(con, view(info, "FY26Q3"))
    k = both["kpis"]
    # FY26Q3 to date: 300 + 200 + 100 + 500 (R3) + 50 + 1,200 (R2); last year like-for-like
    # 400 + 100; targets 3,100 + 3,000 + 3,100 + 1,000 (R2); weighted pipeline 500 + 200 + 175
    # + 1,500,000 × 25 %.
    assert k["revenue"] == pytest.approx(2_350)
    assert k["prior_revenue"] == pytest.approx(500)
    assert k["revenue_target"] == pytest.approx(10_200)
    assert k["weighted_pipeline"] == pytest.approx(375_875)
    assert k == dashboard.kpis(con, view(info, "FY26Q3"))
    pd.testing.assert_frame_equal(both["regional_report"],
                                  dashboard.regional_report(con, view(info, "FY26Q3")))
    # Filtered: the total is the filter's (R1: 650 revenue, 875 weighted), one region listed.
    r1 = dashboard.kpis_and_regions(con, view(info, "FY26Q3", regions=("R1",)))
    assert (r1["kpis"]["revenue"], r1["kpis"]["weighted_pipeline"]) == (650, 875)
    assert r1["regional_report"]["region_id"].tolist() == ["R1"]
    # The forecasts alone: 2,350 + 375,875; by region R1 650 + 875, R2 1,200 + 375,000, R3 500.
    lean = dashboard.forecasts(con, view(info, "FY26Q3"))
    assert lean["kpis"] == {"revenue": 2_350, "weighted_pipeline": 375_875, "forecast": 378_225}
    regions = lean["regional_report"].set_index("region_id")["forecast"].to_dict()
    assert regions == pytest.approx({"R1": 1_525, "R2": 376_200, "R3": 500})


@pytest.fixture(scope="module")
def one_day(tmp_path_factory):
    """Order lines sharing a day, region and product line but not an industry or a channel (the
    KPIs of most views sum them per day, region and product line: ``region_days``)."""
    info = make_snapshot(
        tmp_path_factory.mktemp("one_day"), "2026-11-22",
        orders=[
            order("2026-11-02", 100, 80),                                  # R1 GOV PC direct
            order("2026-11-02", 40, 30, industry_id="EDU"),                # R1 EDU PC direct
            order("2026-11-02", 25, 20, channel="partner"),                # R1 GOV PC partner
            order("2026-11-02", -10, -8),                                  # a return, same day
            order("2026-11-17", 60, 50, product_line="NB"),                # in the week
            order("2026-11-03", 7, 5, region_id="R2", industry_id="EDU"),  # R2 EDU PC
            order("2025-11-03", 90, 70),                                   # last year
        ],
    )
    assert info.valid, info.errors
    return info, connect(info)


class _Statements:
    """A cursor that keeps the text of every statement it runs."""

    def __init__(self, con):
        self.con, self.sql = con, []

    def execute(self, sql, *args):
        self.sql.append(sql)
        return self.con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.con, name)


@pytest.mark.parametrize("filters, revenue, cost, week, prior, daily", [
    # 100 + 40 + 25 − 10 + 60 + 7; cost 80 + 30 + 20 − 8 + 50 + 5; the week 60; 2025 90.
    ({}, 222, 177, 60, 90, True),
    ({"regions": ("R1",)}, 215, 172, 60, 90, True),
    ({"product_lines": ("PC",)}, 162, 127, 0, 90, True),
    # Industries and channels are not kept per day: these read the order lines.
    ({"industries": ("EDU",)}, 47, 35, 0, 0, False),
    ({"channel": "partner"}, 25, 20, 0, 0, False),
    ({"channel": "direct"}, 197, 157, 60, 90, False),
])
def test_kpis_from_the_daily_sums_are_the_order_lines_sums(one_day, filters, revenue, cost, week,
                                                           prior, daily):
    info, con = one_day
    recorded = _Statements(con)
    k = dashboard.kpis(recorded, view(info, "FY26Q3", **filters))
    assert (k["revenue"], k["cost"], k["week_revenue"], k["prior_revenue"]) == (
        revenue, cost, week, prior)
    kpi_sql = [sql for sql in recorded.sql if "WITH keys" in sql]
    assert len(kpi_sql) == 1 and ("FROM region_days" in kpi_sql[0]) is daily


def test_groupings_from_the_daily_sums(one_day):
    """By region and by product line from the daily sums, by industry from the order lines: the
    same money either way."""
    info, con = one_day
    recorded = _Statements(con)
    regions = dashboard.regional_report(recorded, view(info, "FY26Q3")).set_index("region_id")
    assert regions["revenue"].to_dict() == {"R1": 215, "R2": 7, "R3": 0}
    lines = dashboard.product_lines(recorded, view(info, "FY26Q3")).set_index("product_line")
    assert lines["revenue"].to_dict() == {"PC": 162, "NB": 60, "total": 222}
    industries = dashboard.review_table(recorded, view(info, "FY26Q3"), "industry")
    assert industries.set_index("key")["revenue"].to_dict() == {"GOV": 175, "EDU": 47}
    kpi_sql = [sql for sql in recorded.sql if "WITH keys" in sql]
    assert ["FROM region_days" in sql for sql in kpi_sql] == [True, True, False]

def test_empty_selection_gives_zeros_and_nulls_not_errors(quarter):
    info, con = quarter
    k = dashboard.kpis(con, view(info, "FY26Q3", regions=("R2",), product_lines=("Server",)))
    assert k["revenue"] == 0 and k["weighted_pipeline"] == 0
    assert k["gm_pct"] is None and k["revenue_attainment"] is None and k["yoy_growth"] is None
    assert dashboard.order_flow(con, view(info, "FY26Q3", regions=("R2",),
                                          product_lines=("Server",))).empty


def test_future_period_has_no_actuals_and_zero_pace(quarter):
    info, con = quarter
    k = dashboard.kpis(con, view(info, "FY26Q4", regions=("R1",)))
    assert k["revenue"] == 0 and k["pace"] == 0 and k["yoy_growth"] is None
    assert dashboard.order_flow(con, view(info, "FY26Q4")).empty


def test_key_opportunities(quarter):
    info, con = quarter
    keys = dashboard.key_opportunities(con, view(info, "FY26Q3"))
    assert list(keys["opportunity_id"]) == ["OP5"]
    assert keys.iloc[0]["weighted_amount"] == pytest.approx(1_500_000 * 0.25)


def test_order_flow_newest_first_within_period(quarter):
    info, con = quarter
    flow = dashboard.order_flow(con, view(info, "FY26Q3"))
    assert list(flow["order_date"].astype(str))[:2] == ["2026-11-22", "2026-11-16"]
    assert len(flow) == 6
    assert flow.iloc[0]["gm_pct"] == pytest.approx(0.3)


def test_revenue_trend_has_thirteen_weeks_ending_at_as_of(quarter):
    info, con = quarter
    trend = dashboard.revenue_trend(con, view(info, "FY26Q3", regions=("R1",)))
    assert len(trend) == 13
    assert trend.iloc[-1]["week"] == "2026-W47"
    assert trend.iloc[-1]["revenue"] == pytest.approx(300)
    # The 13 weeks start Mon 2026-08-24, so all of R1's FY26Q3 orders fall inside.
    assert trend["revenue"].sum() == pytest.approx(650)
    assert trend.iloc[0]["week"] == "2026-W35" and trend.iloc[0]["revenue"] == 0


def test_a_period_not_started_counts_only_its_own_pipeline(tmp_path):
    """As of 2026-11-22, FY26Q4 (Jan–Mar 2027) has not started: its pipeline is the deals closing
    in it (OP2 60,000 × 50% = 30,000), not those closing before it (OP1 on 2026-12-15); nothing
    is on or off track at pace 0."""
    info = make_snapshot(tmp_path, "2026-11-22",
                         orders=[order("2026-11-02", 100, 80)],
                         targets=[target("2027-01", 90_000, 9_000)],
                         opportunities=[opportunity("OP1", 40_000, 2, "2026-12-15"),
                                        opportunity("OP2", 60_000, 3, "2027-02-10"),
                                        opportunity("OP3", 10_000, 3, "2027-04-02")])
    k = dashboard.kpis(connect(info), view(info, "FY26Q4"))
    assert k["pace"] == 0 and k["revenue"] == 0
    assert k["weighted_pipeline"] == pytest.approx(30_000)
    assert k["open_pipeline"] == pytest.approx(60_000)
    assert k["forecast"] == pytest.approx(30_000)
    assert k["on_track"] is None
    # The running quarter still counts from as_of: OP1 (40,000 × 25%).
    assert dashboard.kpis(connect(info), view(info, "FY26Q3"))["weighted_pipeline"] == \
        pytest.approx(10_000)


def test_worked_example_through_the_product_line_table(worked_example):
    """SPEC §5.1's worked example is SPEC §10.1's table: PC, NB and total, exactly."""
    info, con = worked_example
    table = dashboard.product_lines(con, view(info, "FY25")).set_index("product_line")
    assert list(table.index) == ["PC", "NB", "total"]
    assert table["revenue_target"].tolist() == [46_175, 6_361, 52_536]
    assert table["revenue"].tolist() == [46_993, 7_177, 54_170]
    assert table["margin_target"].tolist() == [6_433, 822, 7_255]
    assert table["gross_margin"].tolist() == [6_906, 947, 7_853]
    assert [round(v * 100) for v in table["revenue_attainment"]] == [102, 113, 103]
    assert [round(v * 100) for v in table["margin_attainment"]] == [107, 115, 108]
    assert table.loc["total", "gm_pct"] == pytest.approx(7_853 / 54_170)


def test_product_line_table_report_section(worked_example, capsys):
    import json

    from metrics.report import main

    info, _ = worked_example
    assert main(["--data-dir", str(info.path.parent.parent), "--section", "product_lines",
                 "--period", "FY25", "--product-line", "NB"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["product_line"] for r in rows] == ["NB", "total"]
    assert rows[0]["revenue"] == 7_177 and rows[1]["revenue"] == 7_177  # the total is the view's
    assert set(rows[0]) == set(dashboard.PRODUCT_LINE_KEYS)
