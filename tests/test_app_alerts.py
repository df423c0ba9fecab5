"""The margin alerts page (SPEC §6.4) under AppTest: both languages, page-local filters, the
drill-down, empty selections, a bad configuration and a product line without a floor."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from metrics import alerts
from data import config as configuration
from pages.ui.i18n import t
from tests.builders import make_snapshot, opportunity, order, target
from tests.test_app import plain, run_page

PAGE = "pages/views/alerts.py"
DEFAULT_CONFIG = configuration.defaults_toml()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("alertsapp")
    orders = [
        order("2026-08-03", 10_000, 8_000),                                # R1 PC baseline 20%
        order("2026-10-05", 10_000, 9_500, discount_pct=0.30),             # floor, discount
        order("2026-10-06", 4_000, 3_000, product_line="NB", special_price=True),
        order("2026-11-18", 5_000, 4_000, region_id="R2", product_line="Server"),
        order("2026-11-19", 5_000, 4_500, region_id="R2"),
    ]
    make_snapshot(root, "2026-11-15", orders=orders[:2], targets=[target("2026-10", 1, 1)])
    make_snapshot(root, "2026-11-22", orders=orders, targets=[target("2026-10", 20_000, 2_000)],
                  opportunities=[opportunity("OP1", 2_000_000, 3, "2026-12-15",
                                             expected_margin_pct=0.07)])
    return root


@pytest.fixture
def config(tmp_path, monkeypatch):
    """Point COCKPIT_CONFIG at a TOML text. The app reads its configuration once per process, so
    cached metric results are dropped too, before and after."""
    def use(text: str) -> None:
        path = tmp_path / "cockpit.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("COCKPIT_CONFIG", str(path))
        configuration.reset()
        st.cache_data.clear()
    yield use
    configuration.reset()
    st.cache_data.clear()


# The fixture fires every rule in FY26Q3 to date (Oct 1 – Nov 22), largest at stake first:
#   at_risk_deal OP1: (0.08 − 0.07) × 2,000,000 = 20,000, warning;
#   margin_erosion R1/PC: 20% (Aug) → 5%: 0.15 × 10,000 = 1,500, critical;
#   deep_discount O2/1: 0.05 × 10,000 ÷ 0.7 = 714.29, critical (5 points);
#   margin_floor O2/1: (0.08 − 0.05) × 10,000 = 300, warning;
#   high_margin_mix R1: 4,000 ÷ 14,000 = 28.6% < 30%; × (22.2% − 6.7%) uplift: 31.11, warning;
#   special_price_share R1: 28.6% > 15%, but special lines earn more than regular: 0, critical.
EXPECTED_RULES = ["at_risk_deal", "margin_erosion", "deep_discount", "margin_floor",
                  "high_margin_mix", "special_price_share"]


@pytest.mark.parametrize("lang, title, tile, drill", [
    ("en", "Margin alerts", "Critical alerts", "Drill-down: Deal below floor · Deal OP1"),
    ("zh", "毛利预警", "严重预警", "明细：商机低于底线 · Deal OP1"),
])
def test_alerts_page_renders_in_both_languages(data_dir, monkeypatch, lang, title, tile, drill):
    at = run_page(data_dir, monkeypatch, PAGE, lang=lang)
    assert not at.exception
    assert title in [t.value for t in at.title]
    assert len(at.metric) == 5 and at.metric[0].label == tile
    assert [m.value for m in at.metric[:2]] == ["3", "3"]  # critical, warning
    assert len(at.get("vega_lite_chart")) == 3  # gm trend, at stake by rule, high-margin mix
    table = at.dataframe[0].value
    assert table[t("alerts.col.rule", lang)].tolist() == [
        t(f"alerts.rule.{rule}", lang) for rule in EXPECTED_RULES]
    # The top alert is open in the drill-down to start with.
    assert drill in [s.value for s in at.subheader]
    assert not at.error


def test_rule_and_severity_filters_are_page_local(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, PAGE)
    at.multiselect(key="alerts_rule").set_value(["margin_floor", "deep_discount"]).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 2
    assert "Drill-down: Deep discount · Harbin Power · Desk 100" in [s.value for s in at.subheader]
    at.segmented_control(key="alerts_severity").set_value(["warning"]).run()
    assert len(at.dataframe[0].value) == 1  # margin_floor O2: 3 points, ¥300
    assert not any(name in at.query_params for name in ("rule", "severity", "alerts_rule"))
    at.multiselect(key="alerts_rule").set_value(["at_risk_deal"]).run()
    at.segmented_control(key="alerts_severity").set_value(["critical"]).run()
    assert any("No alert matches" in i.value for i in at.info)
    assert len(at.metric) == 5  # the tiles keep counting every alert


def test_deal_drill_down_links_to_its_stage_history(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, PAGE)
    assert any("Open the deal" in str(link.label) for link in at.get("page_link"))
    assert len(at.get("download_button")) == 4  # alerts CSV + Excel, drill-down CSV + Excel


def test_empty_selection_explains_itself(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, PAGE, region="R3")
    assert not at.exception
    assert any("No alerts for this selection" in i.value for i in at.info)
    assert len(at.get("vega_lite_chart")) == 0
    assert len(at.metric) == 5 and at.metric[0].value == "0"


def test_invalid_configuration_is_reported_not_raised(data_dir, monkeypatch, config):
    config(DEFAULT_CONFIG.replace("deep_discount = 0.25", "deep_discount = 2.5"))
    at = run_page(data_dir, monkeypatch, PAGE)
    assert not at.exception
    assert any("deep_discount = 2.5 must be at most 1 (a fraction" in plain(e.value)
               for e in at.error)
    assert len(at.metric) == 0


def test_product_line_without_floor_is_named(data_dir, monkeypatch, config):
    config(DEFAULT_CONFIG.replace("margin_floor = 0.15\n", ""))
    at = run_page(data_dir, monkeypatch, PAGE, lang="zh")
    assert not at.exception
    assert any("服务器 未配置毛利底线" in w.value for w in at.warning)
