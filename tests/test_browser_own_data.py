"""A company's own data in a real browser (SPEC §9): the CRM-profile demo (USD, calendar fiscal
year, eight open stages, its own product lines, no targets, activities or scores) on every page
in English and Chinese; and an empty data folder that becomes a working cockpit through the
Import page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser_support import SCREENSHOTS, StreamlitServer, wait_for_count, wait_until_idle
from tests.test_browser import Tab, browser  # noqa: F401  (the module's browser fixture)

AS_OF = dt.date(2026, 11, 22)
PAGES = ("/", "/pipeline", "/scorecard", "/alerts", "/customers", "/data", "/importer")
# Text that must never reach the screen for a missing value (SPEC §9).
MISSING = re.compile(r"\b(None|nan|NaN|NaT|undefined)\b")


def _serve(data_dir, log_dir, browser):  # noqa: F811
    srv = StreamlitServer(data_dir, log_dir / "streamlit.log")
    srv.wait_healthy()
    warm = browser.new_page()  # the process's first run: see tests/test_browser.py
    warm.goto(srv.url)
    wait_until_idle(warm)
    warm.close()
    return srv


@pytest.fixture(scope="module")
def crm_server(tmp_path_factory, browser):  # noqa: F811
    from data import demo_crm

    data_dir = tmp_path_factory.mktemp("crm-data")
    demo_crm.generate(data_dir, AS_OF, weeks=2, deals=1_500)
    srv = _serve(data_dir, tmp_path_factory.mktemp("crm-logs"), browser)
    yield srv
    srv.stop()


@pytest.fixture
def tab(browser):  # noqa: F811
    t = Tab(browser)
    yield t
    t.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_works_on_the_crm_data(crm_server, tab, path, lang):
    tab.open(f"{crm_server.url}{path}?lang={lang}")
    page = tab.page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/") or "dashboard"
    page.screenshot(path=str(SCREENSHOTS / f"crm-{name}-{lang}.png"), full_page=True)
    assert page.locator("[data-testid=stException]").count() == 0
    assert tab.errors == []
    text = page.locator("[data-testid=stMain]").inner_text()
    assert not MISSING.search(text), MISSING.search(text)
    assert "¥" not in text


def test_the_crm_dashboard_speaks_its_own_vocabulary(crm_server, tab):
    tab.open(f"{crm_server.url}/")
    wait_for_count(tab.page, "[data-testid=stMetricValue]", 6)
    text = tab.page.locator("[data-testid=stMain]").inner_text()
    assert "$" in text
    assert "FY26Q4" in text  # calendar fiscal year: Oct–Dec 2026 is the fourth quarter
    assert "Not available with this data" in text and "no targets table" in text
    tab.open(f"{crm_server.url}/pipeline")
    wait_for_count(tab.page, "[data-testid=stMetricValue]", 5)
    text = tab.page.locator("[data-testid=stMain]").inner_text()
    assert "Negotiation" in text  # the eighth open stage's own name
    assert "have no expected close date" in text


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory, browser):  # noqa: F811
    data_dir = tmp_path_factory.mktemp("empty-data")
    srv = _serve(data_dir, tmp_path_factory.mktemp("empty-logs"), browser)
    srv.data_dir = data_dir
    yield srv
    srv.stop()


def test_an_empty_folder_becomes_a_cockpit_through_the_import_page(empty_server, tab, tmp_path):
    """A CRM-style export (pipeline, accounts, sales teams, products; stage names, dollars) is
    uploaded, mapped by the pre-filled guess, checked and written; every page then works on it
    in both languages."""
    from tests.test_importer import crm_files

    page = tab.page
    tab.open(f"{empty_server.url}/")
    assert page.get_by_text("Welcome: there is no data here yet").first.is_visible()
    assert page.get_by_text("Create demo data", exact=True).first.is_visible()

    tab.open(f"{empty_server.url}/importer")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        [str(p) for p in crm_files(tmp_path / "export")])
    page.get_by_text("The mapped data passes validation.").wait_for(timeout=60_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Write the snapshot").click()
    page.get_by_text("Written: 2026-W47.").wait_for(timeout=60_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wait_until_idle(page)
    page.screenshot(path=str(SCREENSHOTS / "import-written.png"), full_page=True)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.get_by_text("Open the dashboard").first.is_visible()
    assert (empty_server.data_dir / "snapshots" / "2026-W47" / "opportunities.parquet").is_file()
    assert tab.errors == []

    for path in PAGES:
        for lang in ("en", "zh"):
            tab.open(f"{empty_server.url}{path}?lang={lang}")
            assert page.locator("[data-testid=stException]").count() == 0, (path, lang)
            text = page.locator("[data-testid=stMain]").inner_text()
            assert not MISSING.search(text), (path, lang, MISSING.search(text))
    tab.open(f"{empty_server.url}/pipeline")
    wait_for_count(page, "[data-testid=stMetricValue]", 5)
    # The export has no expected close date: the three open deals (O3, O4, O6) are counted apart.
    assert "3 open deals worth" in page.locator("[data-testid=stMain]").inner_text()
    assert tab.errors == []
