"""Every page runs under AppTest without an exception, in both languages, with URL state."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.builders import make_snapshot, opportunity, order, target

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("appdata")
    make_snapshot(root, "2026-11-15", orders=[order("2026-10-02", 900, 800)],
                  targets=[target("2026-10", 1_000, 100)])
    make_snapshot(
        root, "2026-11-22",
        orders=[order("2026-10-02", 1_000, 880), order("2026-11-18", 500, 400, region_id="R2"),
                order("2025-10-03", 800, 700), order("2026-11-20", 300, 290, special_price=True)],
        targets=[target("2026-10", 2_000, 200), target("2026-11", 2_000, 200, region_id="R2")],
        opportunities=[opportunity("OP1", 2_000_000, 3, "2026-12-15")])
    return root


def run(data_dir: Path, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def plain(text) -> str:
    """What a Markdown element shows: the escapes of pages.ui.i18n.escape_markdown removed."""
    return re.sub(r"\\([\\`*_\[\]$:~|<>#+-])", r"\1", str(text))


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [s.value for s in at.subheader] + [t.value for t in at.title]
    parts += [m.label for m in at.metric] + [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(plain(p) for p in parts)


@pytest.mark.parametrize("lang, title, tile, revenue", [
    ("en", "Weekly dashboard", "Revenue", "¥1.80K"),
    ("zh", "每周仪表盘", "收入", "¥1,800"),  # below 1万: not abbreviated
])
def test_dashboard_renders_in_both_languages(data_dir, monkeypatch, lang, title, tile, revenue):
    at = run(data_dir, monkeypatch, lang=lang)
    assert not at.exception
    assert title in [t.value for t in at.title]
    # Six KPI tiles and four "pipeline this week" tiles (the data has a previous week).
    assert len(at.metric) == 10 and at.metric[0].label == tile
    assert at.metric[0].value == revenue  # 1,000 + 500 + 300 in FY26Q3 to date
    assert len(at.get("vega_lite_chart")) == 2


def test_filters_from_url_reach_the_metrics(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, region="R2", period="2026-11")
    assert not at.exception
    assert at.metric[0].value == "¥500"
    assert at.sidebar.multiselect[0].value == ["R2"]
    assert at.sidebar.selectbox[1].value == "2026-11"


def test_junk_parameters_show_a_notice_and_the_page_still_works(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, region="NOPE", period="garbage")
    assert not at.exception
    assert any("region=NOPE" in w.value and "period=garbage" in w.value for w in at.warning)
    assert len(at.metric) == 10
    assert "region" not in at.query_params and "period" not in at.query_params


def test_pinned_older_snapshot_is_served(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, snapshot="2026-W46")
    assert not at.exception
    assert at.metric[0].value == "¥900"
    assert "2026-W46" in texts(at)


def test_changing_a_filter_writes_the_url(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch)
    at.sidebar.multiselect[0].select("R1").run()
    assert not at.exception
    region = at.query_params["region"]
    assert ([region] if isinstance(region, str) else list(region)) == ["R1"]
    assert at.metric[0].value == "¥1.30K"


def test_empty_selection_shows_an_explanation(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, region="R3")
    assert not at.exception
    assert any("No orders match" in i.value for i in at.info)


def test_only_invalid_snapshots_give_a_clear_message(tmp_path, monkeypatch):
    make_snapshot(tmp_path, "2026-11-22", orders=[order("2026-11-20", 1, 1, customer_id="NOPE")])
    at = run(tmp_path, monkeypatch)
    assert not at.exception
    assert any("No valid snapshot" in w.value for w in at.warning)


def test_an_empty_data_folder_is_a_starting_point(tmp_path, monkeypatch):
    """No error: the two ways to start. The demo button writes snapshots with progress and the
    page then shows them."""
    from pages.ui import start

    monkeypatch.setattr(start, "DEMO_WEEKS", 2)
    monkeypatch.setattr(start, "DEMO_ORDERS", 3_000)
    at = run(tmp_path, monkeypatch, lang="zh")
    assert not at.exception and not at.warning
    assert "欢迎：这里还没有数据" in [s.value for s in at.subheader]
    at = run(tmp_path, monkeypatch)
    assert "Welcome: there is no data here yet" in [s.value for s in at.subheader]
    at.button[0].click().run()
    assert not at.exception
    assert len(list((tmp_path / "snapshots").glob("*/manifest.json"))) == 2
    assert at.metric and at.metric[0].label == "Revenue"


def test_pages_folder_compatibility_mode_is_switched_off(data_dir, monkeypatch):
    """app.py turns off Streamlit's auto-discovered multipage mode (a Streamlit upgrade that
    renames the flag makes this fail instead of bringing back "page not found" on deep links)."""
    from streamlit.runtime.pages_manager import PagesManager

    assert hasattr(PagesManager, "uses_pages_directory")
    run(data_dir, monkeypatch)
    assert PagesManager.uses_pages_directory is False


def test_no_page_script_directly_in_pages_folder():
    """Streamlit runs any pages/*.py as a v1 auto-page, bypassing app.py's frame on reruns."""
    pages = Path(APP).parent / "pages"
    assert sorted(p.name for p in pages.glob("*.py")) == ["__init__.py"]


def run_page(data_dir: Path, monkeypatch, page: str, **params) -> AppTest:
    at = run(data_dir, monkeypatch, **params)
    at.switch_page(page)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


@pytest.mark.parametrize("lang, title", [("en", "Pipeline"), ("zh", "商机管道")])
def test_pipeline_page_renders_in_both_languages(data_dir, monkeypatch, lang, title):
    at = run_page(data_dir, monkeypatch, "pages/views/pipeline.py", lang=lang)
    assert not at.exception
    assert title in [t.value for t in at.title]
    assert len(at.metric) == 5
    # funnel, waterfall, conversion, coverage, forecast accuracy (two stored weeks in FY26Q3)
    assert len(at.get("vega_lite_chart")) == 5


def test_pipeline_page_with_one_snapshot_explains_the_missing_movement(tmp_path, monkeypatch):
    make_snapshot(tmp_path, "2026-11-22", orders=[order("2026-10-02", 1_000, 880)],
                  targets=[target("2026-10", 2_000, 200)],
                  opportunities=[opportunity("OP1", 5_000, 2, "2026-12-15")])
    at = run_page(tmp_path, monkeypatch, "pages/views/pipeline.py")
    assert not at.exception
    assert any("No earlier snapshot" in i.value for i in at.info)
    dashboard = run(tmp_path, monkeypatch)
    assert not dashboard.exception
    assert any("No earlier snapshot" in i.value for i in dashboard.info)


def test_deal_link_opens_its_timeline(data_dir, monkeypatch):
    at = run_page(data_dir, monkeypatch, "pages/views/pipeline.py", deal="OP1")
    assert not at.exception
    assert any("Deal OP1" in s.value for s in at.subheader)
    assert len(at.get("vega_lite_chart")) == 6  # the page's five and the deal's timeline
    missing = run_page(data_dir, monkeypatch, "pages/views/pipeline.py", deal="NOPE")
    assert any("NOPE is not in this snapshot" in w.value for w in missing.warning)


def test_report_numbers_match_the_dashboard_tiles(data_dir, monkeypatch, capsys):
    """The headless report and the page show the same numbers for the same view."""
    import json

    from metrics.report import main
    from pages.ui import fmt

    assert main(["--data-dir", str(data_dir), "--section", "dashboard", "--period", "FY26Q3"]) == 0
    k = json.loads(capsys.readouterr().out)
    at = run(data_dir, monkeypatch, period="FY26Q3")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Revenue"] == fmt.money_short(k["revenue"], "en")
    assert tiles["Revenue attainment"] == fmt.pct(k["revenue_attainment"], "en")
    assert tiles["Gross margin %"] == fmt.pct(k["gm_pct"], "en", 1)
    assert tiles["YoY growth"] == fmt.signed_pct(k["yoy_growth"], "en")
    assert tiles["Forecast"] == fmt.money_short(k["forecast"], "en")
    assert tiles["Pipeline coverage"] == fmt.ratio(k["coverage"], "en")


def test_url_values_are_shown_as_text_not_markdown(data_dir, monkeypatch):
    """A link parameter echoed in the notice must not become a link, an image or math."""
    at = run(data_dir, monkeypatch, region="[sign in](http://evil.example)",
             industry="![x](http://evil.example/i.png)", channel="$x$ **bold**")
    assert not at.exception
    notice = next(w.value for w in at.warning if "sign in" in w.value)
    assert r"\[sign in\](http\://evil.example)" in notice
    assert r"!\[x\]" in notice and r"\$x\$ \*\*bold\*\*" in notice
    assert not re.search(r"(?<!\\)[\[\]$*]", notice.split(":", 1)[1])  # every one escaped
    assert "region=[sign in](http://evil.example)" in plain(notice)  # shown as typed


def test_an_unexpected_error_shows_an_id_not_a_trace(data_dir, monkeypatch, caplog):
    """In production (no COCKPIT_SHOW_ERRORS) a bug shows a short message with an error id; the
    trace is logged on the server under that id."""
    from metrics import dashboard

    def broken(con, view):
        raise RuntimeError("secret detail /srv/app/metrics/dashboard.py")

    monkeypatch.delenv("COCKPIT_SHOW_ERRORS")
    monkeypatch.setattr(dashboard, "kpis_and_regions", broken)
    with caplog.at_level("ERROR", logger="cockpit"):
        at = run(data_dir, monkeypatch, region="R2")
    assert not at.exception
    message = next(e.value for e in at.error if "Something went wrong" in e.value)
    error_id = re.search(r"error ([0-9a-f]{8})", message)[1]
    assert "secret detail" not in message and "Traceback" not in message
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)


@pytest.mark.parametrize("params", [{"compare": "2026-W47"},
                                    {"snapshot": "2026-W46", "compare": "2026-W47"}])
def test_a_comparison_snapshot_not_older_than_the_served_one_is_refused(data_dir, monkeypatch,
                                                                         params):
    at = run(data_dir, monkeypatch, **params)
    assert not at.exception
    assert any("Ignored compare=2026-W47" in plain(w.value) for w in at.warning)
    assert "compare" not in at.query_params


def test_a_period_that_has_not_started_says_so(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, period="FY26Q4")
    assert not at.exception
    assert any("FY26Q4 starts on 2027-01-01, after this snapshot (2026-11-22)" in plain(w.value)
               for w in at.warning)


@pytest.mark.parametrize("period", ["FY26Q4", "2027-W01", "2030-01", "FY25"])
def test_the_dashboard_opens_for_periods_before_and_after_the_data(data_dir, monkeypatch, period):
    at = run(data_dir, monkeypatch, period=period)
    assert not at.exception
    assert len(at.metric) >= 6


def test_an_unreadable_data_folder_is_a_message_not_a_trace(data_dir, monkeypatch):
    """Tests run as root, which no permission stops: the folder listing is made to fail as it
    does for another user."""
    import pathlib

    listing = pathlib.Path.iterdir

    def denied(path):
        if path.name == "snapshots":
            raise PermissionError(13, "Permission denied")
        return listing(path)

    import streamlit as st

    monkeypatch.setattr(pathlib.Path, "iterdir", denied)
    st.cache_data.clear()  # the listing is cached for 30 s: read the folder now
    for lang, text in (("en", "The data cannot be read"), ("zh", "无法读取数据")):
        at = run(data_dir, monkeypatch, lang=lang, period="2026-11")
        assert not at.exception
        assert any(text in plain(e.value) and "Permission denied" in plain(e.value)
                   for e in at.error), [e.value for e in at.error]


def test_the_dashboard_shows_the_product_line_table(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, lang="zh")
    assert not at.exception
    table = next(df.value for df in at.dataframe if "收入目标" in df.value.columns)
    # FY26Q3 to date: the three PC lines 1,000 + 500 + 300 (2025-10-03 is last year's).
    assert table["产品线"].tolist() == ["台式机 (PC)", "合计"]
    # Money stays a number (it sorts by value); the column is formatted in the data's currency.
    assert table["收入"].tolist() == [1_800, 1_800]


@pytest.mark.parametrize("lang, said", [("en", "Demo — no sign-in"), ("zh", "演示模式——未启用登录")])
def test_without_sign_in_the_app_is_open_and_says_so(data_dir, monkeypatch, lang, said):
    """No [auth] in the secrets (SPEC §11): every number, and the sidebar says it is a demo."""
    at = run(data_dir, monkeypatch, lang=lang)
    assert not at.exception
    assert any(said in c.value for c in at.sidebar.caption)
    assert at.metric and not [b for b in at.sidebar.button if "Sign out" in b.label]
