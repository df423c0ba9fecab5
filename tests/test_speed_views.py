"""Long lists at 10M order lines (issue 16): a table shows its largest ``export.SCREEN_ROWS`` rows
with a note saying so, and its downloads still hold every row (built on click). Tested with a
screen of 2 rows on small hand-built snapshots.

Market order, November 2026 (every line special price without an opportunity; O1 also a partner
line discounted 30% > 25%), in the metric's order (region, rep, order, line):

| line | region | revenue | reasons                                             |
|------|--------|---------|-----------------------------------------------------|
| O1/1 | R1     | 1,000   | special price without an opportunity; partner discount |
| O2/1 | R1     | 5,000   | special price without an opportunity                 |
| O3/1 | R1     | 300     | special price without an opportunity                 |
| O4/1 | R2     | 2,000   | special price without an opportunity                 |

The two largest by revenue: O2/1 and O4/1; the three largest: O1/1, O2/1, O4/1 (metric order).
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.delta_generator import DeltaGenerator

from metrics import alerts, market_order
from metrics.periods import parse_period
from metrics.view import View
from pages.ui import export
from pages.ui import tables_review
from pages.ui.i18n import t
from tests.builders import REGIONS, connect, make_snapshot, order
from tests.test_app import plain, run_page

NAMES = {r["region_id"]: r["name_en"] for r in REGIONS}
SPECIAL = {"special_price": True}
MARKET_ORDERS = [
    order("2026-11-03", 1_000, 800, channel="partner", discount_pct=0.30, **SPECIAL),
    order("2026-11-04", 5_000, 4_000, **SPECIAL),
    order("2026-11-05", 300, 240, **SPECIAL),
    order("2026-11-06", 2_000, 1_600, region_id="R2", **SPECIAL),
]
# FY26Q3 to 2026-11-22: three order lines below the PC floor of 8% (gross margin 5%), at stake
# 0.03 × revenue: O2 600, O1 300, O3 150; region R1 also sells no high-margin product.
ALERT_ORDERS = [
    order("2026-10-05", 10_000, 9_500),
    order("2026-10-06", 20_000, 19_000),
    order("2026-10-07", 5_000, 4_750),
]


@pytest.fixture(scope="module")
def market_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("market-cap")
    info = make_snapshot(root, "2026-11-22", orders=MARKET_ORDERS)
    assert info.valid, info.errors
    return root


@pytest.fixture(scope="module")
def alerts_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("alerts-cap")
    info = make_snapshot(root, "2026-11-22", orders=ALERT_ORDERS)
    assert info.valid, info.errors
    return root


@pytest.fixture
def two_rows(monkeypatch):
    """A screen of two rows, and every download's data kept (file name → data) to read back."""
    monkeypatch.setattr(export, "SCREEN_ROWS", 2)
    downloads = {}
    original = DeltaGenerator.download_button

    def keep(self, label, data, file_name=None, *args, **kwargs):
        downloads[file_name] = data
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", keep)
    return downloads


def csv_rows(downloads: dict, stem: str) -> pd.DataFrame:
    name = next(n for n in downloads if n.startswith(stem) and n.endswith(".csv"))
    data = downloads[name]
    return pd.read_csv(io.BytesIO(data() if callable(data) else data), encoding="utf-8-sig")


def test_suspect_lines_limit_keeps_the_largest_lines_in_the_metrics_order(market_dir):
    from data.store import discover
    info = discover(market_dir)[0]
    found = market_order.suspect_lines(connect(info), View(info.snapshot_id, info.as_of,
                                                           parse_period("2026-11")))
    order_col, reasons = t("col.order", "en"), t("col.reasons", "en")
    full = tables_review.suspect_lines(found, "en", NAMES.get).frame
    assert full[order_col].tolist() == ["O1/1", "O2/1", "O3/1", "O4/1"]
    two = tables_review.suspect_lines(found, "en", NAMES.get, limit=2).frame
    assert two[order_col].tolist() == ["O2/1", "O4/1"]
    three = tables_review.suspect_lines(found, "zh", NAMES.get, limit=3).frame
    assert three[t("col.order", "zh")].tolist() == ["O1/1", "O2/1", "O4/1"]
    # Every reason of a kept line stays with it.
    assert three[t("col.reasons", "zh")].iloc[0] == "; ".join(
        t(f"market.reason.{r}", "zh")
        for r in ("special_price_no_opportunity", "partner_deep_discount"))
    assert full[reasons].iloc[0] == "; ".join(
        t(f"market.reason.{r}", "en")
        for r in ("special_price_no_opportunity", "partner_deep_discount"))
    assert len(tables_review.suspect_lines(found, "en", NAMES.get, limit=10).frame) == 4


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_market_order_page_shows_the_largest_lines_and_downloads_all(market_dir, monkeypatch,
                                                                       two_rows, lang):
    at = run_page(market_dir, monkeypatch, "pages/views/market_order.py", lang=lang,
                  period="2026-11")
    assert not at.exception
    assert at.metric[0].value == "4"  # the tiles count every line
    listing = at.dataframe[-1].value
    assert listing[t("col.order", lang)].tolist() == ["O2/1", "O4/1"]
    note = t("export.capped", lang, shown=2, total=4, measure=t("export.by.revenue", lang))
    assert note in [plain(c.value) for c in at.caption]
    download = csv_rows(two_rows, "market-order")
    assert download[t("col.order", lang)].tolist() == ["O1/1", "O2/1", "O3/1", "O4/1"]
    assert download[t("col.revenue", lang)].tolist() == [1_000, 5_000, 300, 2_000]


def test_a_short_list_has_no_note(market_dir, monkeypatch, two_rows):
    monkeypatch.setattr(export, "SCREEN_ROWS", 4)
    at = run_page(market_dir, monkeypatch, "pages/views/market_order.py", period="2026-11")
    assert len(at.dataframe[-1].value) == 4
    assert not any("largest by" in c.value for c in at.caption)


def test_alerts_page_shows_the_most_at_stake_and_downloads_every_alert(alerts_dir, monkeypatch,
                                                                         two_rows):
    from data.store import discover
    info = discover(alerts_dir)[0]
    every = alerts.alerts(connect(info), View(info.snapshot_id, info.as_of,
                                              parse_period("FY26Q3")))
    assert len(every) >= 4  # three order lines below the floor and R1's high-margin mix
    at = run_page(alerts_dir, monkeypatch, "pages/views/alerts.py")
    assert not at.exception
    ids = t("alerts.col.entity_id", "en")
    table = at.dataframe[0].value
    assert table[ids].tolist() == every["entity_id"].head(2).tolist()
    assert any(f"The 2 alerts with the most margin at stake of {len(every)}; the CSV and Excel "
               f"downloads hold all {len(every)}." in plain(c.value) for c in at.caption)
    download = csv_rows(two_rows, "alerts")
    assert download[ids].astype(str).tolist() == every["entity_id"].tolist()
    # Only margin_floor: the three order lines, the two largest on screen, all three downloaded.
    at.multiselect(key="alerts_rule").set_value(["margin_floor"]).run()
    assert at.dataframe[0].value[ids].tolist() == ["O2/1", "O1/1"]
    assert any(f"The 2 alerts with the most margin at stake of the 3 chosen ({len(every)} in all)"
               in plain(c.value) for c in at.caption)
    assert csv_rows(two_rows, "alerts")[ids].tolist() == ["O2/1", "O1/1", "O3/1"]


@pytest.fixture(scope="module")
def dormant_dir(tmp_path_factory):
    """Three dormant customers (last order more than a year before 2026-11-22): C2 800,
    C1 500, C3 200 in the year before."""
    root = tmp_path_factory.mktemp("dormant-cap")
    info = make_snapshot(root, "2026-11-22", orders=[
        order("2025-06-01", 500, 450), order("2025-06-02", 800, 700, region_id="R2"),
        order("2025-06-03", 200, 150, region_id="R3")])
    assert info.valid, info.errors
    return root


def test_customer_lists_show_the_largest_and_download_all(dormant_dir, monkeypatch, two_rows):
    at = run_page(dormant_dir, monkeypatch, "pages/views/customers.py")
    assert not at.exception
    customer = t("col.customer", "en")
    dormant = next(df.value for df in at.dataframe
                   if t("customers.col.revenue_prior_12m", "en") in df.value.columns)
    assert dormant[customer].tolist() == ["Guangzhou School", "Harbin Power"]
    note = t("export.capped", "en", shown=2, total=3,
             measure=t("export.by.revenue_prior_12m", "en"))
    assert note in [plain(c.value) for c in at.caption]
    download = csv_rows(two_rows, "dormant-customers")
    assert download[customer].tolist() == ["Guangzhou School", "Harbin Power", "Chengdu Bureau"]


def test_a_chart_drawn_from_its_cached_spec_is_the_chart_altair_draws():
    """pages.ui.chart_specs keeps what st.altair_chart sends (a Streamlit upgrade that changes
    that conversion fails here), and builds a chart once per key."""
    from streamlit.testing.v1 import AppTest

    def script():
        import altair as alt
        import pandas as pd
        import streamlit as st

        from pages.ui import chart_specs

        frame = pd.DataFrame({"region": ["北一", "South Two"], "revenue": [3.5, 4.0]})

        def build():
            return alt.Chart(frame).mark_bar().encode(x="revenue:Q", y="region:N")

        st.altair_chart(build(), width="stretch")
        chart_specs.draw(("test.chart", 1), build)
        chart_specs.draw(("test.chart", 1), lambda: 1 / 0)  # the same key: not built again

    at = AppTest.from_function(script).run()
    assert not at.exception
    drawn = [chart.proto for chart in at.get("vega_lite_chart")]
    assert len(drawn) == 3
    assert drawn[0].spec == drawn[1].spec == drawn[2].spec
    assert [d.data.data for d in drawn[0].datasets] == [d.data.data for d in drawn[2].datasets]
    assert drawn[0].datasets and drawn[0].datasets[0].data.data


def test_a_coloured_table_sent_again_is_the_same_message():
    """A table with coloured cells (a pandas Styler) is named by what it shows, not at random, so
    the browser matches a table it has already been sent (a rerun, a page switch) instead of
    receiving and drawing it again; other colours, another name."""
    from streamlit.testing.v1 import AppTest

    def script():
        from pages.ui import grid

        def coloured(css):
            return grid.table([grid.Col("Region", ["North", "South"]),
                               grid.Col("Revenue", [1_000.0, 2_500.0], "money")],
                              {"Revenue": [css, ""]})

        grid.show(coloured("background-color: #ffebee"), "en")
        grid.show(coloured("background-color: #ffebee"), "en")
        grid.show(coloured("background-color: #e8f5e9"), "en")

    def sent(at):
        return [frame.proto.arrow_data.SerializeToString() for frame in at.dataframe]

    at = AppTest.from_function(script).run()
    assert not at.exception
    first = sent(at)
    assert len(first) == 3 and all(at.dataframe[i].proto.arrow_data.styler.styles
                                   for i in range(3))
    assert first[0] == first[1]
    assert first[2] != first[0]
    assert sent(at.run()) == first  # the next run sends the same bytes


def test_a_restart_prepares_what_every_view_of_the_served_snapshot_shares(tmp_path, monkeypatch):
    """``state.warm`` (before the server listens) computes the snapshot tables the pages share:
    the alert rules' candidate lines, every customer's rows (and the national view's, ranked),
    the scorecard's key customers and hygiene, the open deals, the deals' stage entries, the
    product lines and the order lines' daily sums (``metrics.view.prepare``), and the two weeks' open deals the movement reads,
    so no page's first run does."""
    from data.store import DATA_DIR_ENV, SnapshotDatabase
    from pages.ui import state

    make_snapshot(tmp_path, "2026-11-15", orders=[order("2026-11-02", 100, 95)])
    newest = make_snapshot(tmp_path, "2026-11-22", orders=[order("2026-11-02", 100, 95)])
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    database = SnapshotDatabase()
    # The app's one database, as st.cache_resource keeps it.
    monkeypatch.setattr(state, "_database", lambda: database)
    state.warm()
    made = {row[0].rsplit("_", 1)[0] for row in database.cursor(newest).execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 's_2026_w47' "
        "AND starts_with(table_name, 'derived_')").fetchall()}
    assert made == {"derived_alert_candidates", "derived_region_days",
                    "derived_customer_base", "derived_customer_rows",
                    "derived_scorecard_key_customers", "derived_scorecard_hygiene",
                    "derived_open_deals_base", "derived_conversion_entries",
                    "derived_product_line_ids", "derived_movement_pairs"}


def test_the_served_caches_have_a_byte_budget():
    """Cached results (every page's metrics, the chart specs) are bounded by bytes, not only by
    entries: the committed server config sets Streamlit's process-wide budget, read here as the
    server reads it (its config files, from the app's folder), between one national alerts view
    many times over and an eighth of the 2 GiB a server may hold (SPEC §8)."""
    import subprocess
    import sys
    from pathlib import Path

    from streamlit.byte_util import config_max_cache_data_size_to_bytes

    read = ("from streamlit import config; config.get_config_options(force_reparse=True); "
            "print(config.get_option('server.maxCacheDataSize'))")
    out = subprocess.run([sys.executable, "-c", read], cwd=Path(__file__).resolve().parents[1],
                         capture_output=True, text=True, check=True).stdout.strip()
    budget = config_max_cache_data_size_to_bytes(out)
    assert budget is not None, out
    assert 64 * 2**20 <= budget <= 256 * 2**20
