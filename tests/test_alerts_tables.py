"""The alert page's tables and exports: a CSV or Excel download holds exactly the table's rows."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from metrics import alerts
from metrics.periods import parse_period
from metrics.view import View
from pages.ui import export
from pages.ui import tables_alerts as tables
from pages.ui.i18n import t
from tests.builders import REGIONS, connect, make_snapshot, opportunity, order

NAMES = {r["region_id"]: r["name_zh"] for r in REGIONS}


@pytest.fixture(scope="module")
def fired(tmp_path_factory):
    info = make_snapshot(
        tmp_path_factory.mktemp("alerttables"), "2026-11-22",
        orders=[order("2026-08-03", 10_000, 8_000),
                order("2026-10-05", 10_000, 9_500, discount_pct=0.30),
                order("2026-10-06", 4_000, 3_000, product_line="NB", special_price=True),
                order("2026-10-07", 1_000, 990, region_id="R2", product_line="Server")],
        opportunities=[opportunity("OP1", 2_000_000, 3, "2026-12-15", expected_margin_pct=0.07)])
    con = connect(info)
    view = View(info.snapshot_id, info.as_of, parse_period("FY26Q3"))
    return con, view, alerts.alerts(con, view)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_alert_exports_have_the_tables_rows(fired, lang):
    _, _, frame = fired
    table = tables.alerts(frame, lang, NAMES.get).frame
    assert len(table) == len(frame) > 5
    ids = t("alerts.col.entity_id", lang)
    assert table[ids].tolist() == frame["entity_id"].tolist()

    csv = pd.read_csv(io.BytesIO(export.to_csv(table)), encoding="utf-8-sig")
    assert list(csv.columns) == list(table.columns)
    assert csv[ids].tolist() == table[ids].tolist()
    at_stake = t("alerts.col.at_stake", lang)
    assert csv[at_stake].tolist() == pytest.approx(table[at_stake].tolist())

    percent = (t("alerts.col.value", lang), t("alerts.col.threshold", lang))
    data = export.to_excel(table, "alerts", percent=percent, money=(at_stake,))
    excel = pd.read_excel(io.BytesIO(data), sheet_name="alerts")
    assert list(excel.columns) == list(table.columns)
    assert excel[ids].tolist() == table[ids].tolist()
    assert excel[at_stake].tolist() == pytest.approx(table[at_stake].tolist())
    assert excel[percent[0]].tolist() == pytest.approx(table[percent[0]].tolist())
    sheet = openpyxl.load_workbook(io.BytesIO(data))["alerts"]
    assert sheet.max_row == len(table) + 1
    value_column = list(table.columns).index(percent[0]) + 1
    assert sheet.cell(row=2, column=value_column).number_format == "0.0%"


def test_region_alerts_read_in_the_pages_language(fired):
    _, _, frame = fired
    table = tables.alerts(frame, "zh", NAMES.get).frame
    where = dict(zip(frame["entity_id"], table[t("alerts.col.entity", "zh")]))
    assert where["R1/PC"] == "北一 · 台式机 (PC)"
    assert where["O2/1"] == "Harbin Power · Desk 100"
    assert set(table[t("alerts.col.rule", "zh")]) >= {"低于毛利底线", "毛利下滑"}
    assert table[t("alerts.col.gap", "zh")].iloc[0] == pytest.approx(frame["gap"].iloc[0] * 100)


def test_drill_down_exports(fired):
    con, view, _ = fired
    lines = alerts.drill_down("high_margin_mix", "R1")(con, view)["frame"]
    table = tables.drill_lines(lines, "en", NAMES.get).frame
    assert table["Order"].tolist() == ["O2/1", "O3/1"]
    excel = pd.read_excel(io.BytesIO(export.to_excel(table, "order-lines")))
    assert excel["Order"].tolist() == ["O2/1", "O3/1"]
    assert excel["High-margin"].tolist() == [False, True]
    deal = tables.drill_deal(alerts.drill_down("at_risk_deal", "OP1")(con, view)["frame"], "en",
                             NAMES.get).frame
    csv = pd.read_csv(io.BytesIO(export.to_csv(deal)), encoding="utf-8-sig")
    assert csv["ID"].tolist() == ["OP1"]
    assert csv["Margin short of floor"].tolist() == [pytest.approx(20_000)]


def test_rules_table_states_the_thresholds_in_use():
    limits = alerts.thresholds()
    table = tables.rules(limits, "en", alerts.erosion_baseline(parse_period("FY26Q3")),
                         1_000_000, ("PC", "NB", "Server", "Service", "Storage"))
    fires = dict(zip(table["Rule"], table["Fires when"]))
    assert fires["Below margin floor"] == (
        "An order line's gross margin % is below its product line's floor: Desktop (PC) 8% · "
        "Notebook (NB) 10% · Server 15% · Services 30% · Storage: no floor (not checked).")
    assert fires["Deep discount"] == "An order line's discount is above 25%."
    assert "2026-07-02 – 2026-09-30" in fires["Margin erosion"]
    assert "more than 2 points" in fires["Margin erosion"]
    assert "¥1,000,000" in fires["Deal below floor"]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3",
                                  "@SUM(A1)", "\t=1+1"])
def test_exports_never_carry_a_live_formula(name):
    """A name from data that begins like a formula is exported as text, in CSV and in Excel."""
    table = pd.DataFrame({"Customer": [name, "Plain Co."], "Amount": [-5.0, 10.0]})
    csv = pd.read_csv(io.BytesIO(export.to_csv(table)), encoding="utf-8-sig",
                      keep_default_na=False)
    assert csv["Customer"].tolist() == ["'" + name, "Plain Co."]
    assert csv["Amount"].tolist() == [-5.0, 10.0]  # numbers stay numbers
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_excel(table, "x"))).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == name
    assert sheet["B2"].value == -5.0
