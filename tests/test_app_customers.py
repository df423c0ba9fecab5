"""The Customers page under AppTest: both languages, an empty selection, a bad configuration."""

from __future__ import annotations

import pytest

from data import config
from tests.builders import CUSTOMERS, INDUSTRIES, REGIONS, D, make_snapshot, order
from tests.test_app import plain, run_page, texts

PAGE = "pages/views/customers.py"
CRITERIA_SCORES = {
    # C1 tier 1 (7, 7); C2 tier 3 (8, 4); C3 has no scores.
    "C1": [7] * 8,
    "C2": [8, 8, 8, 8, 4, 4, 4, 4],
}
EMPTY_REGION = {"region_id": "R4", "name_en": "Far Four", "name_zh": "远四", "region_group": "West"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    from data.config import SCORE_CRITERIA

    root = tmp_path_factory.mktemp("customers-app")
    scores = [{"customer_id": cid, "criterion": c, "score": s}
              for cid, values in CRITERIA_SCORES.items() for c, s in zip(SCORE_CRITERIA, values)]
    info = make_snapshot(
        root, "2026-11-22", customers=CUSTOMERS, customer_scores=scores,
        regions=[*REGIONS, EMPTY_REGION], industries=INDUSTRIES,
        orders=[order("2026-10-02", 9_000, 8_000), order("2026-09-01", 1_000, 900, region_id="R2",
                                                         industry_id="EDU"),
                order("2025-06-01", 500, 450, region_id="R3")],
        activities=[{"activity_id": "A1", "activity_date": D("2026-10-05"), "rep_id": "AE1",
                     "customer_id": "C1", "type": "visit", "opportunity_id": None}])
    assert info.valid, info.errors
    return root


@pytest.mark.parametrize("lang, title, tile, matrix", [
    ("en", "Customers", "Tier 1 · focus", "Prioritisation matrix"),
    ("zh", "客户", "一级 · 重点", "客户优先级矩阵"),
])
def test_customers_page_renders_in_both_languages(data_dir, monkeypatch, lang, title, tile,
                                                  matrix):
    at = run_page(data_dir, monkeypatch, PAGE, lang=lang)
    assert not at.exception
    assert title in [t.value for t in at.title]
    assert len(at.metric) == 6
    assert at.metric[1].label == tile
    # C1 and C3 in R1 / R3, C2 in R2: tier 1 is C1 only; 3 customers in all.
    assert at.metric[0].value == "3" and at.metric[1].value == "1"
    # Matrix, Pareto, and a tier and a lifecycle heatmap for regions and for industries.
    assert len(at.get("vega_lite_chart")) == 6
    assert matrix in texts(at)
    assert len(at.dataframe) >= 3  # top accounts, dormant, missing scores (idle list is empty)


def test_weights_in_use_are_shown(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, PAGE)
    assert any("financial performance 40" in c.value and "tier threshold 6" in c.value
               for c in at.caption)


def test_unscored_customer_is_listed_with_what_it_lacks(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, PAGE)
    missing = next(df.value for df in at.dataframe if "Missing criteria" in df.value.columns)
    assert missing["Customer"].tolist() == ["Chengdu Bureau"]          # C3
    assert missing["Missing criteria"].tolist() == ["all: not scored yet"]


def test_empty_selection_explains_itself(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, PAGE, region="R4", lang="zh")
    assert not at.exception
    assert any("当前筛选下没有客户" in i.value for i in at.info)
    assert len(at.metric) == 0


def test_product_line_filter_is_said_not_to_apply(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, PAGE, product_line="NB")
    assert not at.exception
    assert any("Product line and channel filters do not apply" in c.value for c in at.caption)
    assert at.metric[0].value == "3"


def test_invalid_configuration_is_an_error_message_not_a_crash(data_dir, monkeypatch, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[customers]\ntier_threshold = 11\n", encoding="utf-8")
    monkeypatch.setenv(config.CONFIG_ENV, str(bad))
    config.reset()
    try:
        at = run_page(data_dir, monkeypatch, PAGE)
    finally:
        config.reset()
    assert not at.exception
    assert any("tier_threshold = 11" in plain(e.value) for e in at.error)
