"""The scorecard page under AppTest: both languages, a regional lead's region= link, the quarter
review, and a broken weights configuration. Data: the hand-built snapshot of
tests/test_scorecard_metrics.py (R1 1st with 75.8, R2 2nd, R3 3rd, R4 listed but not ranked)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import config
from tests import test_scorecard_metrics as fixture
from tests.builders import make_snapshot
from tests.test_app import plain, run_page

PAGE = "pages/views/scorecard.py"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("scorecard-app")
    info = make_snapshot(
        root, fixture.AS_OF, orders=fixture.ORDERS, targets=fixture.TARGETS,
        opportunities=fixture.OPPORTUNITIES, regions=fixture.REGIONS_4, reps=fixture.REPS_4,
        customers=fixture.CUSTOMERS_4, customer_scores=fixture.CUSTOMER_SCORES,
        activities=fixture.ACTIVITIES)
    assert info.valid, info.errors
    return root


def open_page(data_dir: Path, monkeypatch, **params) -> AppTest:
    return run_page(data_dir, monkeypatch, PAGE, **params)


def texts(at: AppTest) -> str:
    parts = [plain(m.value) for m in at.markdown] + [plain(c.value) for c in at.caption]
    parts += [plain(s.value) for s in at.subheader] + [plain(h.value) for h in at.header]
    parts += [plain(t.value) for t in at.title] + [plain(i.value) for i in at.info]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang, title, headline, dimension", [
    ("en", "Regional scorecard", "1 of 4 regions met both revenue and margin targets",
     "Customer coverage"),
    ("zh", "区域记分卡", "4 个区域中有 1 个同时达成收入和毛利目标", "客户覆盖"),
])
def test_scorecard_renders_in_both_languages(data_dir, monkeypatch, lang, title, headline,
                                             dimension):
    at = open_page(data_dir, monkeypatch, lang=lang, period="2026-10")
    assert not at.exception
    assert title in [t.value for t in at.title]
    assert headline in [s.value for s in at.subheader]
    assert len(at.metric) == 4
    assert len(at.get("vega_lite_chart")) == 1  # total score by region; no region selected
    page = texts(at)
    assert "East Four" in page or "东四" in page  # listed, not ranked
    assert len(at.dataframe) == 1 and len(at.table) == 1  # the ranking; the dimension legend
    legend = at.table[0].value
    assert dimension in set(legend.iloc[:, 0]) and len(legend) == 6
    ranking = at.dataframe[0].value
    assert list(ranking.iloc[:, 2]) == (["North One", "South Two", "West Three", "East Four"]
                                        if lang == "en" else ["北一", "南二", "西三", "东四"])


@pytest.mark.parametrize("lang, tile, value, drill", [
    ("en", "North One: rank", "1 of 3", "North One: rank 1, total 75.8"),
    ("zh", "北一：排名", "第 1 / 3", "北一：排名 1，总分 75.8"),
])
def test_region_link_highlights_and_drills_in(data_dir, monkeypatch, lang, tile, value, drill):
    at = open_page(data_dir, monkeypatch, lang=lang, period="2026-10", region="R1")
    assert not at.exception
    assert at.metric[3].label == tile and at.metric[3].value == value
    assert drill in [h.value for h in at.header]
    # Total by region, why the total moved, industry attainment.
    assert len(at.get("vega_lite_chart")) == 3
    page = texts(at)
    assert "57.3 → 75.8 (+18.5" in page or "57.3 → 75.8（+18.5" in page
    frames = [df.value for df in at.dataframe]
    customers = next(f for f in frames if "C1B" in " ".join(map(str, f.iloc[:, 0])) or
                     "Customer C1B" in set(f.iloc[:, 0]))
    assert len(customers) == 1
    deals = next(f for f in frames if "Deal O2" in set(f.iloc[:, 0]))
    assert sorted(deals.iloc[:, 0]) == ["Deal O2", "Deal O3", "Deal O4"]



def test_the_ranking_is_scored_once_for_every_region_chosen(data_dir, monkeypatch):
    """The ranking is every region's whole business, so choosing a region (a link, a click on the
    ranking, the sidebar) or opening the region review reads the one cached result instead of
    scoring every region again."""
    import streamlit as st

    from metrics import scorecard

    views = []
    overview = scorecard.overview
    monkeypatch.setattr(scorecard, "overview",
                        lambda con, view: views.append(view) or overview(con, view))
    st.cache_data.clear()
    for regions in ({}, {"region": "R1"}, {"region": ["R2", "R4"]}):
        assert not open_page(data_dir, monkeypatch, period="2026-10", **regions).exception
    review = run_page(data_dir, monkeypatch, "pages/views/region.py", period="2026-10",
                      region="R3")
    assert not review.exception
    assert len(views) == 1 and views[0].regions == ()

def test_several_regions_highlight_and_one_is_drilled(data_dir, monkeypatch):
    at = open_page(data_dir, monkeypatch, period="2026-10", region=["R2", "R4"])
    assert not at.exception
    assert at.metric[3].label == "Biggest climber"
    assert at.main.selectbox[0].value == "R2"
    assert "South Two: rank 2" in texts(at)
    at.main.selectbox[0].select("R4").run()
    assert not at.exception
    assert "East Four: rank n/a" in texts(at)


def test_quarter_review_shows_the_months_and_the_quarter(data_dir, monkeypatch):
    at = open_page(data_dir, monkeypatch, period="FY26Q3")
    assert not at.exception
    assert "Quarter review: FY26Q3 month by month" in [s.value for s in at.subheader]
    review = at.dataframe[1].value
    assert list(review.columns) == ["Region", "2026-10 total", "2026-10 rank", "2026-11 total",
                                    "2026-11 rank", "FY26Q3 total", "FY26Q3 rank"]
    assert any("elapsed" in i.value for i in at.info)  # the quarter is still running


def test_invalid_weights_show_a_clear_message(data_dir, monkeypatch, tmp_path):
    bad = tmp_path / "weights.toml"
    bad.write_text("[scorecard.weights]\nindustry_attainment = 'thirty'\n")
    monkeypatch.setenv(config.CONFIG_ENV, str(bad))
    at = open_page(data_dir, monkeypatch, period="2026-10")
    assert not at.exception
    assert any("industry_attainment = 'thirty' must be a number" in plain(e.value)
               for e in at.error)


def test_a_quarter_not_started_yet_shows_an_empty_review(data_dir, monkeypatch):
    at = open_page(data_dir, monkeypatch, period="FY26Q4")
    assert not at.exception
    assert any("FY26Q4 starts on 2027-01-01" in plain(w.value) for w in at.warning)
    assert "Quarter review: FY26Q4 month by month" in [plain(s.value) for s in at.subheader]
