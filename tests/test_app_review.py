"""The management-review views (SPEC §10) under AppTest: the dashboard's review levels, the region
review, the reps' one-on-one, the market-order check, and the pipeline page's funnel calculator
and forecast accuracy, in both languages and with URL state."""

from __future__ import annotations

import pytest

from pages.ui.i18n import t
from tests.builders import D, make_snapshot, opportunity, order, target
from tests.test_app import plain, run_page, texts

ACTIVITIES = [
    {"activity_id": f"A{i}", "activity_date": D(day), "rep_id": rep, "customer_id": customer,
     "type": kind, "opportunity_id": None}
    for i, (day, rep, customer, kind) in enumerate([
        ("2026-11-02", "AE1", "C1", "visit"), ("2026-11-03", "AE1", "C1", "call"),
        ("2026-11-10", "AE2", "C2", "meeting")])]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    common = {"targets": [target("2026-10", 2_000, 200),
                          target("2026-11", 2_000, 200, region_id="R2", industry_id="EDU")],
              "activities": ACTIVITIES,
              "rep_targets": [{"fiscal_month": "2026-11", "rep_id": "AE1",
                               "revenue_target": 1_500}]}
    make_snapshot(root, "2026-11-15", orders=[order("2026-10-02", 900, 800)],
                  opportunities=[opportunity("OP1", 1_500, 2, "2026-12-15")], **common)
    make_snapshot(
        root, "2026-11-22",
        orders=[order("2026-10-02", 1_000, 880),
                order("2026-11-18", 500, 400, region_id="R2", industry_id="EDU"),
                # A special price without an opportunity: a market-order suspect.
                order("2026-11-20", 300, 290, special_price=True)],
        opportunities=[opportunity("OP1", 2_000, 3, "2026-12-15")], **common)
    return root


@pytest.mark.parametrize("lang, title, first_tile", [("en", "Region review", "Revenue"),
                                                     ("zh", "区域复盘", "收入")])
def test_region_review_shows_the_regions_tiles_first(data_dir, monkeypatch, lang, title,
                                                     first_tile):
    at = run_page(data_dir, monkeypatch, "pages/views/region.py", region="R1", lang=lang)
    assert not at.exception
    assert at.title[0].value == title
    assert at.selectbox(key="w_region_pick").value == "R1"
    # R1's revenue in FY26Q3 to date: 1,000 + 300.
    assert at.metric[0].label == first_tile and at.metric[0].value in ("¥1.30K", "¥1,300")
    assert len(at.dataframe) >= 4  # product lines, industries, scorecard, reps (+ accounts)


def test_region_review_without_one_region_asks_for_it(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, "pages/views/region.py")
    assert not at.exception
    assert at.selectbox(key="w_region_pick").value is None
    assert not at.metric
    at.selectbox(key="w_region_pick").select("R2").run()
    assert not at.exception
    assert at.query_params["region"] in ("R2", ["R2"])
    assert at.metric[0].value == "¥500"


@pytest.mark.parametrize("level, header", [("region_group", "Region group"),
                                           ("industry", "Industry"), ("account", "Account")])
def test_dashboard_review_level_from_the_url(data_dir, monkeypatch, level, header):
    at = run_page(data_dir, monkeypatch, "pages/views/dashboard.py", level=level)
    assert not at.exception
    assert at.get("button_group")[0].value == level
    review = next(d for d in at.dataframe if header in list(d.value.columns))
    assert "Margin target" in list(review.value.columns)


def test_a_bad_level_is_dropped_with_a_notice(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, "pages/views/dashboard.py", level="planet")
    assert not at.exception
    assert any("level=planet" in w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reps_team_and_one_rep(data_dir, monkeypatch, lang):
    at = run_page(data_dir, monkeypatch, "pages/views/reps.py", lang=lang)
    assert not at.exception
    assert len(at.dataframe) == 1 and at.metric[0].value == "3"  # AE1, AE2, AE3
    at = run_page(data_dir, monkeypatch, "pages/views/reps.py", lang=lang, rep="AE1")
    assert not at.exception
    assert "Li Na" in texts(at)
    # AE1: 1,000 + 300 booked to date; 1,300 of the November target 1,500.
    assert at.metric[0].value in ("¥1.30K", "¥1,300")


def test_a_rep_outside_the_view_says_so(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, "pages/views/reps.py", rep="AE1", region="R2")
    assert not at.exception
    assert any("AE1" in plain(w.value) for w in at.warning)


@pytest.mark.parametrize("lang, reason", [
    ("en", "Special price without an opportunity"), ("zh", "特价无商机")])
def test_market_order_lists_the_suspect_line(data_dir, monkeypatch, lang, reason):
    at = run_page(data_dir, monkeypatch, "pages/views/market_order.py", lang=lang,
                  period="2026-11")
    assert not at.exception
    assert at.metric[0].value == "1"
    listing = at.dataframe[-1].value
    assert listing[t("col.reasons", lang)].tolist() == [reason]
    assert listing[t("col.revenue", lang)].tolist() == [300]  # a number, not text
    assert len(at.get("download_button")) >= 1


def test_pipeline_funnel_calculator_and_forecast_accuracy(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, "pages/views/pipeline.py", wins="5")
    assert not at.exception
    assert at.number_input(key="w_wins").value == 5
    assert "Funnel calculator" in texts(at) and "Forecast accuracy" in texts(at)
    at = run_page(data_dir, monkeypatch, "pages/views/pipeline.py", wins="0")
    assert any("wins=0" in w.value for w in at.warning)


def test_filter_chips_match_the_url_and_removing_one_removes_the_filter(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, "pages/views/dashboard.py", region=["R1", "R2"],
                  channel="direct")
    assert not at.exception
    chips = at.get("button_group")[0]
    assert chips.value == ["region=R1", "region=R2", "channel=direct"]
    assert "North One ✕" in chips.proto.options[0].content
    chips.set_value(["region=R2", "channel=direct"]).run()
    assert not at.exception
    assert at.query_params["region"] in ("R2", ["R2"])
    assert at.query_params["channel"] in ("direct", ["direct"])

