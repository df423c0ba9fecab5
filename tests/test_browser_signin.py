"""Sign-in in a real browser (SPEC §11): st.login against a real OpenID Connect provider.

The provider is oidc-provider-mock, started here on localhost: standard discovery, authorization
code flow, ID tokens and end-session, no network and no accounts (a predefined user signs in with
one click). Streamlit reads ``[auth]`` from a secrets file written for the test. The numbers each
person sees are checked against the report run ``--as`` that person.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright import sync_api as playwright_api

from metrics.report import main as report_main
from pages.ui import fmt
from tests.browser_support import SCREENSHOTS, StreamlitServer, free_port, wait_until_idle
from tests.test_browser import browser  # noqa: F401 - the shared Chromium fixture

AS_OF = dt.date(2026, 11, 22)
ACCESS = """
[people."ceo@example.com"]
role = "executive"

[people."lead.gd@example.com"]
role = "lead"
regions = ["GD"]

[people."gd-ae04@example.com"]
role = "rep"
rep = "GD-AE04"
"""
USERS = [User(sub=email, claims={"email": email, "name": name}) for email, name in (
    ("ceo@example.com", "Zhang Wei"), ("lead.gd@example.com", "Chen Jing"),
    ("gd-ae04@example.com", "Liu Tao"), ("stranger@example.com", "Sun Li"))]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    from data.demo import generate

    root = tmp_path_factory.mktemp("signin-data")
    generate(root, AS_OF, weeks=2, orders=20_000, seed=7)
    (root / "access.toml").write_text(ACCESS, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory, data_dir):
    with run_server_in_thread(port=0, user_claims=USERS) as provider:
        port = free_port()
        secrets = tmp_path_factory.mktemp("secrets") / "secrets.toml"
        secrets.write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a cookie secret for the sign-in tests"
client_id = "sales-cockpit"
client_secret = "not-a-secret"
server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"
""", encoding="utf-8")
        srv = StreamlitServer(data_dir, tmp_path_factory.mktemp("logs") / "streamlit.log",
                              port=port, args=("--secrets.files", str(secrets)))
        with srv:
            yield srv


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1400}, accept_downloads=True)
    yield context.new_page()
    context.close()


def sign_in(page, server, email: str) -> None:
    """Through the provider's own authorization page, as the app's visitor would."""
    page.goto(server.url)
    wait_until_idle(page)
    page.get_by_role("button", name="Sign in").click()
    try:
        page.locator(f"button[name=sub][value='{email}']").click(timeout=60_000)
    except playwright_api.TimeoutError:
        page.screenshot(path=str(SCREENSHOTS / "signin-failed.png"))
        raise
    page.get_by_text("Signed in as").or_(page.get_by_text("access list does not name you")) \
        .first.wait_for(timeout=60_000)
    wait_until_idle(page)


def open_page(page, server, path: str) -> None:
    page.goto(server.url + path)
    wait_until_idle(page)


def report(data_dir, capsys, *args) -> dict:
    assert report_main(["--data-dir", str(data_dir), *args]) == 0
    return json.loads(capsys.readouterr().out)


def tile(page, label: str) -> str:
    metric = page.locator("[data-testid=stMetric]").filter(has_text=label).first
    return metric.locator("[data-testid=stMetricValue]").inner_text()


def sidebar(page) -> str:
    return page.locator("[data-testid=stSidebar]").inner_text()


def test_signed_out_there_is_a_sign_in_and_no_numbers(server, page):
    open_page(page, server, "/")
    assert page.get_by_role("button", name="Sign in").is_visible()
    assert page.locator("[data-testid=stMetricValue]").count() == 0
    assert page.locator("[data-testid=stSidebar]").count() == 0


def test_an_executive_sees_the_whole_business(server, page, data_dir, capsys):
    sign_in(page, server, "ceo@example.com")
    assert "Signed in as Zhang Wei · Executive · all regions" in sidebar(page)
    whole = report(data_dir, capsys, "--section", "dashboard")
    assert tile(page, "Revenue") == fmt.money_short(whole["revenue"], "en")
    assert tile(page, "Forecast") == fmt.money_short(whole["forecast"], "en")


def test_a_regional_lead_sees_their_region_only(server, page, data_dir, capsys):
    sign_in(page, server, "lead.gd@example.com")
    assert "Signed in as Chen Jing · Regional lead · Guangdong" in sidebar(page)
    mine = report(data_dir, capsys, "--section", "dashboard", "--as", "lead.gd@example.com")
    gd = report(data_dir, capsys, "--section", "dashboard", "--region", "GD")
    assert mine == gd
    assert tile(page, "Revenue") == fmt.money_short(mine["revenue"], "en")

    # A link asking for another region is narrowed, with a notice.
    open_page(page, server, "/?region=ZJ")
    assert "This link asks for ZJ, outside what you may see" in page.inner_text("body")
    assert "region=ZJ" not in page.url
    assert tile(page, "Revenue") == fmt.money_short(mine["revenue"], "en")
    page.screenshot(path=str(SCREENSHOTS / "signin-lead-narrowed.png"))

    # The alerts export holds GD's alerts only.
    open_page(page, server, "/alerts")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").first.click()
    rows = list(csv.DictReader(io.StringIO(
        download.value.path().read_text(encoding="utf-8-sig"))))
    alerts = report(data_dir, capsys, "--section", "alerts", "--as", "lead.gd@example.com")
    assert len(rows) == len(alerts) > 0
    assert {row["Region"] for row in rows} == {"Guangdong"}

    # The scorecard publishes every region's rank; the details are the lead's own.
    open_page(page, server, "/scorecard")
    assert "Ranking" in page.inner_text("body")
    assert tile(page, "Met both targets").endswith("of 1")


def test_a_rep_sees_their_own_deals_and_orders(server, page, data_dir, capsys):
    sign_in(page, server, "gd-ae04@example.com")
    assert "Signed in as Liu Tao · Rep GD-AE04" in sidebar(page)
    mine = report(data_dir, capsys, "--section", "dashboard", "--as", "gd-ae04@example.com")
    gd = report(data_dir, capsys, "--section", "dashboard", "--region", "GD")
    assert 0 < mine["revenue"] < gd["revenue"] and 0 < mine["forecast"] < gd["forecast"]
    assert tile(page, "Revenue") == fmt.money_short(mine["revenue"], "en")
    assert tile(page, "Forecast") == fmt.money_short(mine["forecast"], "en")
    # Importing data is an administrator's: no link to it, and its address says so.
    assert "Import" not in sidebar(page)
    open_page(page, server, "/importer")
    assert "Importing data is for administrators." in page.inner_text("body")
    assert page.locator("[data-testid=stFileUploader]").count() == 0


def test_an_unknown_identity_sees_no_numbers_and_can_sign_out(server, page):
    sign_in(page, server, "stranger@example.com")
    body = page.inner_text("body")
    assert "You are signed in as stranger@example.com, but the access list does not name you" \
        in body
    assert page.locator("[data-testid=stMetricValue]").count() == 0
    sign_out(page, server)


def sign_out(page, server) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    end_session = page.get_by_role("button", name="End session")
    end_session.or_(page.get_by_role("button", name="Sign in")).first.wait_for(timeout=60_000)
    if end_session.count():  # the provider confirms ending its session, then sends us back
        end_session.click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)


def test_sign_out_ends_the_session(server, page):
    sign_in(page, server, "lead.gd@example.com")
    sign_out(page, server)
    open_page(page, server, "/")
    assert page.get_by_role("button", name="Sign in").is_visible()
    assert page.locator("[data-testid=stMetricValue]").count() == 0
