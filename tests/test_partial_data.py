"""SPEC §9 partial data: a snapshot with only some tables validates, derives its dimensions, and
every metric without its input is not available (null with the reason), never 0."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from data.schema import TABLES
from data.store import SnapshotDatabase, arrow_schema, validate, write_snapshot
from metrics import alerts, availability, dashboard, pipeline, quality
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import D, opportunity, order

AS_OF = "2026-11-22"


def write(tmp_path, **rows):
    tables = {name: pa.Table.from_pylist(list(r), schema=arrow_schema(TABLES[name]))
              for name, r in rows.items()}
    return validate(write_snapshot(tmp_path, D(AS_OF), tables, source="partial test"))


def view(info, **filters):
    return View(info.snapshot_id, info.as_of, parse_period("FY26Q3"), **filters)


@pytest.fixture
def opportunities_only(tmp_path):
    deals = [opportunity("OP1", 100_000, 2, "2026-12-15"),
             opportunity("OP2", 40_000, 4, "2026-12-20", region_id="R2"),
             {**opportunity("OP3", 7_000, 1, "2026-12-01"), "expected_close_date": None},
             {**opportunity("OP4", 3_000, 3, "2026-12-01", region_id="R2"),
              "expected_close_date": None}]
    info = write(tmp_path, opportunities=deals)
    assert info.valid, info.errors
    return info, SnapshotDatabase().cursor(info)


def test_a_snapshot_needs_orders_or_opportunities(tmp_path):
    with pytest.raises(ValueError, match="orders or opportunities"):
        write_snapshot(tmp_path, D(AS_OF), {"regions": pa.table({"region_id": ["R1"]})}, "x")


def test_dimensions_are_derived_from_the_ids_the_facts_use(opportunities_only):
    info, con = opportunities_only
    assert info.tables == {"opportunities"}
    assert con.execute("SELECT region_id, name_en, name_zh, region_group FROM regions "
                       "ORDER BY 1").fetchall() == [("R1", "R1", None, None),
                                                    ("R2", "R2", None, None)]
    assert con.execute("SELECT customer_id, region_id, owner_rep_id FROM customers ORDER BY 1"
                       ).fetchall() == [("C1", "R1", "AE1"), ("C2", "R2", "AE2")]
    assert con.execute("SELECT count(*) FROM targets").fetchone() == (0,)


def test_metrics_without_their_table_are_null_not_zero(opportunities_only):
    info, con = opportunities_only
    k = dashboard.kpis(con, view(info))
    # No orders: revenue and everything made of it is unknown; no targets: attainment unknown.
    for key in ("revenue", "gross_margin", "gm_pct", "yoy_growth", "revenue_target",
                "revenue_attainment", "forecast", "coverage"):
        assert k[key] is None, key
    # The pipeline is known: 100,000 × 25% + 40,000 × 75% (OP3, OP4 have no close date).
    assert k["weighted_pipeline"] == pytest.approx(55_000)
    assert k["pace"] == pytest.approx(53 / 92)
    assert set(availability.unavailable(con)) == {
        "revenue", "targets", "stage_history", "activities", "customer_scores", "products"}
    assert availability.unavailable(con)["targets"] == ("targets",)


def test_deals_without_a_close_date_are_counted_not_dropped(opportunities_only):
    info, con = opportunities_only
    assert pipeline.undated_open(con, view(info)) == {"count": 2, "amount": 10_000.0}
    assert pipeline.undated_open(con, view(info, regions=("R2",))) == {"count": 1,
                                                                       "amount": 3_000.0}
    assert pipeline.funnel(con, view(info))["count"].sum() == 2
    checks = quality.checks(con, view(info)).set_index("check")
    assert tuple(checks.loc["open_deal_without_close_date", ["problems", "checked"]]) == (2, 4)


def test_orders_without_products_do_not_fire_the_high_margin_mix(tmp_path):
    info = write(tmp_path, orders=[{"order_id": "O1", "line_no": 1, **order("2026-10-05",
                                                                           1_000, 500)}])
    assert info.valid, info.errors
    con = SnapshotDatabase().cursor(info)
    assert alerts.high_margin_mix(con, view(info)).empty
    assert alerts.high_margin_mix_by_region(con, view(info)).empty
    assert dashboard.kpis(con, view(info))["revenue"] == 1_000
    assert dashboard.kpis(con, view(info))["weighted_pipeline"] is None


def test_a_scorecard_without_targets_counts_no_region_as_meeting_them(opportunities_only):
    from metrics import scorecard

    info, con = opportunities_only
    card = scorecard.overview(con, view(info))["scorecard"]
    head = scorecard.headline(card)
    assert head["ranked"] == 0 and head["regions"] == 2
    assert head["met_both"] is None and head["met_revenue"] is None
    assert card["industry_attainment"].isna().all() and card["rank"].isna().all()


EIGHT_STAGES = """
[business]
currency = "USD"
fiscal_year_start_month = 1
key_opportunity_min = 50000

[stages]
names_en = ["Prospecting", "Qualification", "Needs analysis", "Value proposition",
            "Decision makers", "Perception analysis", "Proposal", "Negotiation"]
probabilities = [0.05, 0.10, 0.20, 0.30, 0.40, 0.55, 0.70, 0.85]
"""


def test_usd_calendar_year_and_eight_stages(tmp_path):
    """SPEC §9 vocabulary end to end: a calendar fiscal year (as of 2026-11-22 the default
    quarter is FY26Q4, Oct–Dec, 53 of 92 days elapsed), eight open stages with their own
    probabilities (won = 9), and money in dollars."""
    from data import config
    from metrics.periods import default_period
    from pages.ui import fmt, vocab

    (tmp_path / "config.toml").write_text(EIGHT_STAGES, encoding="utf-8")
    config.use_data_dir(tmp_path)
    deals = [opportunity("D1", 10_000, 1, "2026-12-01"),
             opportunity("D2", 20_000, 7, "2026-12-10"),
             opportunity("D3", 40_000, 8, "2026-12-31", region_id="R2"),
             opportunity("D4", 99_000, 8, "2027-01-15"),  # after the quarter
             {**opportunity("D5", 5_000, 9, "2026-11-02", status="won"),
              "closed_date": D("2026-11-02")}]
    info = write(tmp_path, opportunities=deals)
    assert info.valid, info.errors
    con = SnapshotDatabase().cursor(info)
    period = default_period(info.as_of)
    assert (period.code, period.start, period.end) == ("FY26Q4", D("2026-10-01"), D("2026-12-31"))
    v = View(info.snapshot_id, info.as_of, period)
    funnel = pipeline.funnel(con, v).set_index("stage")
    assert list(funnel.index) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert funnel["count"].tolist() == [1, 0, 0, 0, 0, 0, 1, 1]
    assert funnel.loc[7, "weighted_amount"] == pytest.approx(14_000)   # 20,000 × 70%
    assert funnel.loc[8, "weighted_amount"] == pytest.approx(34_000)   # 40,000 × 85%
    k = dashboard.kpis(con, v)
    assert k["pace"] == pytest.approx(53 / 92)
    assert k["weighted_pipeline"] == pytest.approx(500 + 14_000 + 34_000)
    conversion = pipeline.stage_conversion(con, v)
    assert conversion["from_stage"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8]
    assert fmt.money(1_234_567, "en") == "$1,234,567"
    assert fmt.money_short(1_234_567, "zh") == "$123.5万"  # 123.46万: one decimal from 100
    assert vocab.stage(8, "zh") == "Negotiation" and vocab.stage(9, "en") == "Won"
    # A table's column: each row named as vocab.stage names it, a missing one "n/a".
    column = pd.Series([8, 9, 8, None, 12, 1])
    assert vocab.stages(column, "en").tolist() == [
        "Negotiation", "Won", "Negotiation", "n/a", "Stage 12", "Prospecting"]
    key = dashboard.key_opportunities(con, v)
    assert key["opportunity_id"].tolist() == ["D4"]  # ≥ 50,000 dollars


def test_keys_into_a_table_the_snapshot_lacks_are_not_orphans(tmp_path):
    """An ERP export's order lines name opportunities the snapshot has no table for: valid (the
    key cannot be checked), while a key into a table it does hold still must resolve."""
    lines = [{"order_id": "O1", "line_no": 1,
              **order("2026-10-05", 1_000, 500, opportunity_id="CRM-42")}]
    assert write(tmp_path / "a", orders=lines).valid
    from tests.builders import PRODUCTS
    bad = write(tmp_path / "b", orders=lines,
                products=[p for p in PRODUCTS if p["product_id"] != "PC1"])
    assert not bad.valid and any("orders.product_id" in e for e in bad.errors)


def test_customer_tiles_and_quality_checks_without_their_tables(opportunities_only):
    """No scores, activities or orders: the tier and lifecycle tiles are not available (not 0),
    and no quality check reports a missing table's rows as problems."""
    from metrics import customers

    info, con = opportunities_only
    s = customers.overview(con, view(info))["summary"]
    assert s["customers"] == 2
    for key in ("tier_1", "unscored", "tier_1_idle", "lifecycle_p", "abc_a", "revenue_12m"):
        assert s[key] is None, key
    checked = set(quality.checks(con, view(info))["check"])
    assert "customer_missing_scores" not in checked and "activity_after_as_of" not in checked
    assert "key_order_without_opportunity" not in checked
    assert "open_deal_without_close_date" in checked
