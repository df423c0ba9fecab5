"""The review ladder (SPEC §10.2): the regional report per region group, region, industry, product
line and top account, against a hand-computed fixture."""

from __future__ import annotations

import pytest

from metrics import dashboard
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import CUSTOMERS, REGIONS, connect, make_snapshot, opportunity, order, target

# FY26Q3 = October–December 2026, seen on Sunday 2026-11-22.
# R4 has no region group. Orders in the quarter to date:
#   O1 R1 GOV PC  C1  1,000 (cost   800)      O2 R2 EDU NB  C2  3,000 (cost 2,000)
#   O3 R3 GOV PC  C3  2,000 (cost 1,500)      O4 R4 EDU PC  C1    500 (cost   400)
# and one in September (outside the period). Targets (revenue / margin):
#   2026-10 R1 GOV PC 2,000 / 400;  2026-11 R2 EDU NB 4,000 / 1,000;  2026-12 R3 GOV PC 1,000 / 200.
# One open deal in R1 (GOV, PC, C1): 1,000 at stage 2 (25%) closing 2026-12-10 → weighted 250.
REGIONS_4 = [*REGIONS, {"region_id": "R4", "name_en": "Island", "name_zh": "岛",
                        "region_group": None}]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    info = make_snapshot(
        tmp_path_factory.mktemp("levels"), "2026-11-22",
        regions=REGIONS_4,
        orders=[
            order("2026-10-05", 1_000, 800),
            order("2026-11-10", 3_000, 2_000, region_id="R2", industry_id="EDU",
                  product_line="NB"),
            order("2026-11-20", 2_000, 1_500, region_id="R3"),
            order("2026-10-15", 500, 400, region_id="R1", industry_id="EDU") | {
                "region_id": "R4"},
            order("2026-09-30", 9_999, 1),
        ],
        targets=[
            target("2026-10", 2_000, 400),
            target("2026-11", 4_000, 1_000, region_id="R2", industry_id="EDU",
                   product_line="NB"),
            target("2026-12", 1_000, 200, region_id="R3"),
        ],
        opportunities=[opportunity("D1", 1_000, 2, "2026-12-10")],
    )
    assert info.valid, info.errors
    return info, connect(info)


def _table(served, level, **filters):
    info, con = served
    view = View(info.snapshot_id, info.as_of, parse_period("FY26Q3"), **filters)
    frame = dashboard.review_table(con, view, level)
    return frame.astype(object).where(frame.notna(), None)


def _column(frame, column):
    return dict(zip(frame["key"], frame[column]))


def test_region_groups_with_margin_columns(served):
    frame = _table(served, "region_group")
    # By attainment: West 2,000 / 1,000 = 2.0; South 3,000 / 4,000 = 0.75; North 1,000 / 2,000 =
    # 0.5; then R4's null group without a target.
    assert list(frame["key"]) == ["West", "South", "North", None]
    assert _column(frame, "revenue") == pytest.approx(
        {"West": 2_000, "South": 3_000, "North": 1_000, None: 500})
    assert _column(frame, "revenue_attainment")["North"] == pytest.approx(0.5)
    # Margin: West 500 / 200 = 2.5; South 1,000 / 1,000 = 1.0; North 200 / 400 = 0.5.
    assert _column(frame, "margin_target")["West"] == pytest.approx(200)
    margin = _column(frame, "margin_attainment")
    assert margin["West"] == pytest.approx(2.5) and margin["South"] == pytest.approx(1.0)
    assert margin["North"] == pytest.approx(0.5) and margin[None] is None
    # North's forecast: 1,000 booked + 250 weighted.
    assert _column(frame, "forecast")["North"] == pytest.approx(1_250)


def test_industries(served):
    frame = _table(served, "industry")
    # GOV: 1,000 + 2,000 = 3,000 of 2,000 + 1,000 → 1.0; margin 200 + 500 = 700 of 600.
    # EDU: 3,000 + 500 = 3,500 of 4,000 → 0.875; margin 1,000 + 100 = 1,100 of 1,000.
    assert list(frame["key"]) == ["GOV", "EDU"]
    assert _column(frame, "revenue_attainment") == pytest.approx({"GOV": 1.0, "EDU": 0.875})
    assert _column(frame, "margin_attainment") == pytest.approx({"GOV": 700 / 600,
                                                                 "EDU": 1_100 / 1_000})
    assert _column(frame, "name_zh") == {"GOV": "政府", "EDU": "教育"}


def test_product_lines(served):
    frame = _table(served, "product_line")
    # PC: 1,000 + 2,000 + 500 = 3,500 of 3,000; NB: 3,000 of 4,000. Server has nothing.
    assert list(frame["key"]) == ["PC", "NB"]
    assert _column(frame, "revenue_attainment") == pytest.approx({"PC": 3_500 / 3_000,
                                                                  "NB": 0.75})


def test_accounts_by_revenue_without_targets(served):
    frame = _table(served, "account")
    # C2 3,000; C3 2,000; C1 1,000 + 500 = 1,500.
    assert list(frame["key"]) == ["C2", "C3", "C1"]
    assert _column(frame, "revenue") == pytest.approx({"C2": 3_000, "C3": 2_000, "C1": 1_500})
    names = {c["customer_id"]: c["name"] for c in CUSTOMERS}
    assert _column(frame, "name_en") == {k: names[k] for k in ("C2", "C3", "C1")}
    assert frame["revenue_target"].isna().all() and frame["revenue_attainment"].isna().all()
    assert frame["margin_attainment"].isna().all()


def test_filters_narrow_every_level(served):
    assert list(_table(served, "region_group", regions=("R2",))["key"]) == ["South"]
    assert list(_table(served, "account", regions=("R2",))["key"]) == ["C2"]
    assert list(_table(served, "industry", industries=("EDU",))["key"]) == ["EDU"]
    region = _table(served, "region", industries=("EDU",))
    # EDU only: R2 3,000 of 4,000; R4 500 without a target; R1 and R3 nothing booked.
    assert _column(region, "revenue") == pytest.approx({"R2": 3_000, "R4": 500, "R1": 0,
                                                        "R3": 0})


def test_unknown_level_is_refused(served):
    info, con = served
    view = View(info.snapshot_id, info.as_of, parse_period("FY26Q3"))
    with pytest.raises(ValueError, match="unknown review level"):
        dashboard.review_table(con, view, "planet")


def test_report_regional_report_per_level(served):
    from metrics import report
    info, _ = served
    data_dir = str(info.path.parent.parent)
    rows, _ = report.run(["--data-dir", data_dir, "--section", "regional_report",
                          "--period", "FY26Q3", "--level", "industry"])
    assert [r["industry_id"] for r in rows] == ["GOV", "EDU"]
    gov = rows[0]
    assert (gov["revenue"], gov["cost"], gov["revenue_target"], gov["margin_target"]) == (
        3_000, 2_300, 3_000, 600)
    assert set(gov) == {"industry_id", *dashboard.DASHBOARD_KEYS, "week_revenue", "on_track"}
    accounts, _ = report.run(["--data-dir", data_dir, "--section", "regional_report",
                              "--period", "FY26Q3", "--level", "account", "--region", "R3"])
    assert [(r["customer_id"], r["revenue"], r["revenue_attainment"]) for r in accounts] == [
        ("C3", 2_000, None)]
