"""Every page in a real browser (headless Chromium), in English and Chinese, plus shared links.

AppTest does not run the front end: a Vega-Lite spec that fails in the browser, a missing CJK font
or a query string the front end rewrites only shows here. One server serves every test.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse

import pytest
from playwright import sync_api as playwright_api

from tests.browser_support import (CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, StreamlitServer,
                                   wait_for_count, wait_until_idle)

AS_OF = dt.date(2026, 11, 22)

# Every page: its URL path, the number of KPI tiles and charts, and a translated label per language.
PAGES = [
    {"name": "dashboard", "path": "/", "metrics": 10, "charts": 2,
     "label": {"en": "Weekly dashboard", "zh": "每周仪表盘"},
     "text": {"en": "Weekly regional report", "zh": "分区周报"}},
    # A regional lead's link: the region's tiles first (SPEC §10.2).
    {"name": "region", "path": "/region?region=GD", "metrics": 12, "charts": 0,
     "label": {"en": "Region review", "zh": "区域复盘"},
     "text": {"en": "Top accounts", "zh": "重点客户"}},
    {"name": "pipeline", "path": "/pipeline", "metrics": 5, "charts": 5,
     "label": {"en": "Pipeline", "zh": "商机管道"},
     "text": {"en": "Deals that need attention", "zh": "需要关注的商机"}},
    {"name": "scorecard", "path": "/scorecard", "metrics": 4, "charts": 1,
     "label": {"en": "Regional scorecard", "zh": "区域记分卡"},
     "text": {"en": "What each dimension measures", "zh": "各维度说明"}},
    {"name": "alerts", "path": "/alerts", "metrics": 5, "charts": 3,
     "label": {"en": "Margin alerts", "zh": "毛利预警"},
     "text": {"en": "Rules and thresholds in use", "zh": "预警规则与阈值"}},
    {"name": "reps", "path": "/reps", "metrics": 4, "charts": 0,
     "label": {"en": "Reps", "zh": "销售一对一"},
     "text": {"en": "Team", "zh": "团队"}},
    {"name": "market_order", "path": "/market_order?period=2026-11", "metrics": 4, "charts": 0,
     "label": {"en": "Market order", "zh": "市场秩序"},
     "text": {"en": "Suspect order lines", "zh": "可疑订单行明细"}},
    {"name": "customers", "path": "/customers", "metrics": 6, "charts": 6,
     "label": {"en": "Customers", "zh": "客户"},
     "text": {"en": "Accounts to act on", "zh": "需要行动的客户"}},
    {"name": "data", "path": "/data", "metrics": 6, "charts": 2,
     "label": {"en": "Data", "zh": "数据"},
     "text": {"en": "Data-quality report", "zh": "数据质量报告"}},
    {"name": "importer", "path": "/importer", "metrics": 0, "charts": 0,
     "label": {"en": "Import", "zh": "导入数据"},
     "text": {"en": "Export files (CSV or Excel)", "zh": "导出文件（CSV 或 Excel）"}},
]


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def browser_data(tmp_path_factory):
    from data.demo import generate

    data_dir = tmp_path_factory.mktemp("browser-data")
    generate(data_dir, AS_OF, weeks=2, orders=20_000, seed=7)
    return data_dir


@pytest.fixture(scope="module")
def server(tmp_path_factory, browser_data):
    with StreamlitServer(browser_data, tmp_path_factory.mktemp("logs") / "streamlit.log") as srv:
        yield srv


# Opened on a page's own path (/pipeline), Streamlit's front end first looks for its server under
# that path and falls back to the root: those two 404s are its base-path discovery, not a fault.
_BASE_PATH_PROBE = re.compile(r"/[a-z_]+/_stcore/(health|host-config)$")


class Tab:
    """A page in a fresh browser context that records console errors, page errors and failed
    requests (a failed request is judged by its URL, not by the console line it causes)."""

    def __init__(self, browser) -> None:
        # Tall viewport: Streamlit scrolls inside its own container, so this shows every element.
        self.context = browser.new_context(viewport={"width": 1500, "height": 2600})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _response(self, response) -> None:
        if response.status >= 400 and not _BASE_PATH_PROBE.search(response.url):
            self.errors.append(f"{response.status} {response.url}")

    def open(self, url: str) -> None:
        self.page.goto(url)
        wait_until_idle(self.page)

    def metric_values(self) -> list[str]:
        return self.page.locator("[data-testid=stMetricValue]").all_inner_texts()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser):
    t = Tab(browser)
    yield t
    t.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("spec", PAGES, ids=[p["name"] for p in PAGES])
def test_page_renders(server, tab, spec, lang):
    joiner = "&" if "?" in spec["path"] else "?"
    tab.open(f"{server.url}{spec['path']}{joiner}lang={lang}")
    page = tab.page
    wait_for_count(page, "[data-testid=stMetric]", spec["metrics"])
    wait_for_count(page, "[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg",
                   spec["charts"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{spec['name']}-{lang}.png"))
    assert page.locator("[data-testid=stException]").count() == 0
    assert tab.errors == []
    assert page.locator("[data-testid=stMetric]").count() == spec["metrics"]
    charts = page.locator("[data-testid=stVegaLiteChart]")
    assert charts.count() == spec["charts"]
    assert page.locator("[data-testid=stVegaLiteChart] canvas, "
                        "[data-testid=stVegaLiteChart] svg").count() >= spec["charts"]
    assert page.get_by_role("heading", name=spec["label"][lang]).first.is_visible()
    assert page.get_by_text(spec["text"][lang], exact=True).first.is_visible()


def test_first_visit_after_a_restart_opens_the_deep_link(browser_data, browser, tmp_path):
    """The server is started by pages/ui/serve.py, which readies the app before it listens:
    the very first visitor of a new process, arriving on a page's own address, gets that page —
    not Streamlit's "page not found" of its pages-folder mode — and a first click that counts."""
    srv = StreamlitServer(browser_data, tmp_path / "streamlit.log")
    try:
        srv.wait_healthy()
        tab = Tab(browser)
        tab.open(f"{srv.url}/alerts?lang=zh")
        page = tab.page
        assert page.get_by_role("heading", name="毛利预警").first.is_visible()
        assert page.locator("[data-testid=stDialog]").count() == 0
        assert "/alerts" in page.url and tab.errors == []
        page.locator("[data-testid=stSidebar] a[href^=pipeline]").first.click()
        wait_until_idle(page)
        assert page.get_by_role("heading", name="商机管道").first.is_visible()
        tab.close()
    finally:
        srv.stop()
    assert "ready to serve" in (tmp_path / "streamlit.log").read_text()


@pytest.mark.parametrize("lang, heading", [("en", "Guangdong: rank"), ("zh", "广东：排名")])
def test_scorecard_region_link_opens_the_drill_down(server, tab, lang, heading):
    """A regional lead's link: their region highlighted, its drill-down below the ranking."""
    tab.open(f"{server.url}/scorecard?region=GD&period=2026-10&lang={lang}")
    page = tab.page
    wait_for_count(page, "[data-testid=stMetric]", 8)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"scorecard-GD-{lang}.png"), full_page=True)
    assert page.locator("[data-testid=stException]").count() == 0
    assert tab.errors == []
    # Four tiles, four drill-down figures; total by region, why it moved, industry attainment.
    assert page.locator("[data-testid=stMetric]").count() == 8
    assert page.locator("[data-testid=stVegaLiteChart]").count() == 3
    assert page.get_by_role("heading", name=heading).first.is_visible()
    assert "region=GD" in page.url


def test_chinese_text_is_rendered_with_a_cjk_font(server, browser, tab):
    """Chromium reports which platform fonts drew a node's glyphs: the Chinese title must use a
    CJK font, not a fallback that draws empty boxes."""
    tab.open(f"{server.url}/?lang=zh")
    cdp = tab.context.new_cdp_session(tab.page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    heading = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-testid=stMain] h1"})
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": heading["nodeId"]})["fonts"]
    families = {f["familyName"] for f in fonts if f["glyphCount"]}
    assert any("CJK" in family for family in families), families


def selected_chips(page) -> list[str]:
    """The labels of the options selected in the sidebar's multiselects, in order."""
    tags = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelectTagsContainer] [data-tag]")
    return [text.strip() for text in tags.all_inner_texts()]


def _choose(page, widget, text: str) -> None:
    """Open a sidebar select widget, type to filter, pick the first matching option."""
    widget.click()
    page.keyboard.type(text)
    page.get_by_role("option").filter(has_text=text).first.click()
    page.keyboard.press("Escape")


def test_shared_link_reproduces_the_view(server, browser, tab):
    tab.open(f"{server.url}/")
    page, sidebar = tab.page, tab.page.locator("[data-testid=stSidebar]")
    steps = [
        (lambda: _choose(page, sidebar.locator("[data-testid=stMultiSelect]").nth(0), "Guangdong"),
         "region=GD"),
        (lambda: _choose(page, sidebar.locator("[data-testid=stMultiSelect]").nth(1), "Government"),
         "industry=GOV"),
        (lambda: _choose(page, sidebar.locator("[data-testid=stSelectbox]").nth(1), "2026-11"),
         "period=2026-11"),
        (lambda: sidebar.get_by_text("中文", exact=True).click(), "lang=zh"),
    ]
    for act, expected in steps:
        act()
        page.wait_for_function("s => location.search.includes(s)", arg=expected)
        wait_until_idle(page)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query == {"region": ["GD"], "industry": ["GOV"], "period": ["2026-11"], "lang": ["zh"]}
    wait_for_count(page, "[data-testid=stMetricValue]", PAGES[0]["metrics"])
    values = tab.metric_values()
    chips = selected_chips(page)
    assert chips == ["广东", "政府"]

    fresh = Tab(browser)
    try:
        fresh.open(page.url)
        wait_for_count(fresh.page, "[data-testid=stMetricValue]", len(values))
        assert fresh.metric_values() == values
        assert selected_chips(fresh.page) == chips
        assert fresh.page.get_by_role("heading", name="每周仪表盘").first.is_visible()
        assert fresh.errors == []
    finally:
        fresh.close()
    assert tab.errors == []


def test_junk_parameters_give_a_notice_and_a_working_page(server, tab):
    tab.open(f"{server.url}/?region=NOPE&period=garbage")
    page = tab.page
    wait_for_count(page, "[data-testid=stMetric]", PAGES[0]["metrics"])
    notice = page.get_by_text("region=NOPE", exact=False).first
    assert notice.is_visible() and "period=garbage" in notice.inner_text()
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("[data-testid=stMetric]").count() == PAGES[0]["metrics"]
    assert "NOPE" not in page.url and "garbage" not in page.url


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_regional_leads_link_shows_the_regions_tiles_first(server, browser, lang):
    """``/region?region=GD&period=2026-10`` on a laptop: GD's KPI tiles are the first thing in
    view, above every table, and the tiles are GD's (the region picker says so)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/region?region=GD&period=2026-10&lang={lang}")
        wait_until_idle(page)
        wait_for_count(page, "[data-testid=stMetric]", PAGES[1]["metrics"])
        first_tile = page.locator("[data-testid=stMetric]").first.bounding_box()
        first_table = page.locator("[data-testid=stDataFrame]").first.bounding_box()
        assert first_tile["y"] + first_tile["height"] <= 900
        assert first_tile["y"] < first_table["y"]
        caption = "广东（South）" if lang == "zh" else "Guangdong (South)"
        assert page.locator("[data-testid=stMain]").get_by_text(caption).first.is_visible()
        page.screenshot(path=str(SCREENSHOTS / f"region-gd-1440-{lang}.png"))
    finally:
        context.close()


def _sidebar_link(page, name: str) -> None:
    """Go to page ``name`` by its sidebar link, as a person does, and wait for it to finish."""
    page.locator("[data-testid=stSidebar] a").filter(has_text=name).first.click()
    wait_until_idle(page)


def test_going_back_to_a_page_reuses_what_the_browser_was_sent(server, tab):
    """The browser keeps the large elements it was sent (a table's rows, a chart's data) for
    ``global.maxCachedMessageAge`` page runs: back on the alerts page after four other pages,
    the server sends references instead of the alert table and the charts' data again."""
    received: list[int] = []
    tab.page.on("websocket", lambda ws: ws.on("framereceived",
                                              lambda frame: received.append(len(frame))))
    tab.open(f"{server.url}/alerts")
    first = sum(received)
    for name in ("Pipeline", "Customers", "Regional scorecard", "Data"):
        _sidebar_link(tab.page, name)
    received.clear()
    _sidebar_link(tab.page, "Margin alerts")
    assert tab.page.locator("[data-testid=stMain] h1").first.inner_text() == "Margin alerts"
    assert first > 100_000, first  # the alert table and the charts: worth keeping
    assert sum(received) < first / 4, (sum(received), first)
    assert not tab.errors
