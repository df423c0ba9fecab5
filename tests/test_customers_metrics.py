"""Customer prioritisation, lifecycle and Pareto (SPEC §5.6) on a hand-built snapshot.

As of 2026-11-22 (a Sunday): as_of − 90 days = 2026-08-24, as_of − 1 year = 2025-11-22; the fiscal
quarter containing as_of is FY26Q3, from 2026-10-01. Default weights: attractiveness
financial_performance 40, it_spend 30, reputation_management 20, location 10; feasibility
existing_relationship 30, competitor_relationship 30, attitude_to_us 30, execution_capability 10;
threshold 6.

| id | region/ind. | scores (attractiveness · feasibility)  | a    | f    | tier         |
|----|-------------|-----------------------------------------|------|------|--------------|
| K1 | R1 GOV      | 6 6 6 6 · 6 6 6 6                       | 6.0  | 6.0  | 1 (exactly 6)|
| K2 | R1 EDU      | 6 6 6 6 · 6 6 6 5                       | 6.0  | 5.9  | 3            |
| K3 | R2 GOV      | 6 6 6 5 · 6 6 6 6                       | 5.9  | 6.0  | 2            |
| K4 | R2 EDU      | 5 5 5 10 · 9 1 5 5                      | 5.5  | 5.0  | null (not pursued) |
| K5 | R3 GOV      | 10 10 10 10 · (none)                    | 10.0 | null | null, unscored |
| K6 | R3 EDU      | 7 × 8                                   | 7.0  | 7.0  | 1            |
| K7 | R1 GOV      | 8 8 8 (no location) · 8 8 8 8           | null | 8.0  | null, unscored |

K4: a = (200 + 150 + 100 + 100) ÷ 100 = 5.5; f = (270 + 30 + 150 + 50) ÷ 100 = 5.0.
K2: f = (180 + 180 + 180 + 50) ÷ 100 = 5.9; K3: a = (240 + 180 + 120 + 50) ÷ 100 = 5.9.

| id | orders (date revenue)                             | lifecycle     | rev_12m | ABC    |
|----|---------------------------------------------------|---------------|---------|--------|
| K1 | 2026-08-24 8,000 (first order exactly 90 days)    | D (not A)     | 8,000   | A (80%) |
| K2 | 2026-08-25 1,500 (89 days)                        | A             | 1,500   | B (95%) |
| K3 | 2025-01-10 700, 2025-11-22 300 (exactly 1 year),  | R (a return   | −50     | null   |
|    | return 2026-10-01 −50                             | is no order)  |         |        |
| K4 | 2025-11-23 500 (1 year − 1 day)                   | D             | 500     | C      |
| K6 | return 2026-11-01 −20 only                        | P             | −20     | null   |
| K5, K7 | none                                          | P             | 0       | null   |
Positive revenue_12m: 8,000 + 1,500 + 500 = 10,000. Activities: K1 on 2026-09-30 (before the
quarter), K6 on 2026-10-01 (the quarter's first day): K1 is the only idle tier-1 customer.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from data.extracts import year_before
from data.config import SCORE_CRITERIA
from data import config
from data.config import ConfigError
from metrics import customers
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import D, connect, make_snapshot, order

A_CRITERIA = SCORE_CRITERIA[:4]
F_CRITERIA = SCORE_CRITERIA[4:]
AS_OF = "2026-11-22"


def customer(cid, region, industry, owner="AE1"):
    return {"customer_id": cid, "name": f"Customer {cid}", "region_id": region,
            "industry_id": industry, "owner_rep_id": owner, "created_date": D("2020-01-01")}


def scores(cid, attractiveness, feasibility):
    """Score rows for the given criteria values; None leaves a criterion unscored."""
    rows = []
    for criteria, values in ((A_CRITERIA, attractiveness), (F_CRITERIA, feasibility)):
        for criterion, value in zip(criteria, values):
            if value is not None:
                rows.append({"customer_id": cid, "criterion": criterion, "score": value})
    return rows


CUSTOMERS = [customer("K1", "R1", "GOV"), customer("K2", "R1", "EDU", "AE1"),
             customer("K3", "R2", "GOV", "AE2"), customer("K4", "R2", "EDU", "AE2"),
             customer("K5", "R3", "GOV", "AE3"), customer("K6", "R3", "EDU", "AE3"),
             customer("K7", "R1", "GOV")]
SCORES = [
    *scores("K1", [6, 6, 6, 6], [6, 6, 6, 6]),
    *scores("K2", [6, 6, 6, 6], [6, 6, 6, 5]),
    *scores("K3", [6, 6, 6, 5], [6, 6, 6, 6]),
    *scores("K4", [5, 5, 5, 10], [9, 1, 5, 5]),
    *scores("K5", [10, 10, 10, 10], [None] * 4),
    *scores("K6", [7] * 4, [7] * 4),
    *scores("K7", [8, 8, 8, None], [8] * 4),
]


def line(day, revenue, cid, region, industry, **extra):
    return order(day, revenue, revenue * 9 // 10, region_id=region, industry_id=industry,
                 customer_id=cid, **extra)


ORDERS = [
    line("2026-08-24", 8_000, "K1", "R1", "GOV"),
    line("2026-08-25", 1_500, "K2", "R1", "EDU"),
    line("2025-01-10", 700, "K3", "R2", "GOV"),
    line("2025-11-22", 300, "K3", "R2", "GOV"),
    line("2026-10-01", -50, "K3", "R2", "GOV", quantity=-1),
    line("2025-11-23", 500, "K4", "R2", "EDU"),
    line("2026-11-01", -20, "K6", "R3", "EDU", quantity=-1),
]
ACTIVITIES = [
    {"activity_id": "A1", "activity_date": D("2026-09-30"), "rep_id": "AE1", "customer_id": "K1",
     "type": "visit", "opportunity_id": None},
    {"activity_id": "A2", "activity_date": D("2026-10-01"), "rep_id": "AE3", "customer_id": "K6",
     "type": "call", "opportunity_id": None},
]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    info = make_snapshot(tmp_path_factory.mktemp("customers"), AS_OF, orders=ORDERS,
                         customers=CUSTOMERS, customer_scores=SCORES, activities=ACTIVITIES)
    assert info.valid, info.errors
    return info, connect(info)


def view(info, **filters) -> View:
    return View(info.snapshot_id, info.as_of, parse_period("FY26Q3"), **filters)


@pytest.fixture
def toml(tmp_path, monkeypatch):
    """Point COCKPIT_CONFIG at a temporary TOML file with the given text."""
    def write(text: str):
        path = tmp_path / "cockpit.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv(config.CONFIG_ENV, str(path))
        config.reset()
        return path
    config.reset()
    yield write
    config.reset()


def rows(frame):
    return frame.set_index("customer_id")


# --- tiers ----------------------------------------------------------------------------------------

def test_weighted_scores_and_tiers(snapshot):
    info, con = snapshot
    c = rows(customers.customer_list(con, view(info)))
    assert c["attractiveness"].dropna().to_dict() == {
        "K1": 6.0, "K2": 6.0, "K3": 5.9, "K4": 5.5, "K5": 10.0, "K6": 7.0}
    assert c["feasibility"].dropna().to_dict() == {
        "K1": 6.0, "K2": 5.9, "K3": 6.0, "K4": 5.0, "K6": 7.0, "K7": 8.0}
    # Tier null for K4 (not pursued) and for the unscored K5, K7.
    assert c["tier"].dropna().astype(int).to_dict() == {"K1": 1, "K2": 3, "K3": 2, "K6": 1}


def test_exactly_the_threshold_is_tier_1(snapshot):
    info, con = snapshot
    k1 = rows(customers.customer_list(con, view(info))).loc["K1"]
    # 6·40 + 6·30 + 6·20 + 6·10 = 600; ÷ 100 = 6.0, which is ≥ 6 on both axes.
    assert (k1["attractiveness"], k1["feasibility"], k1["tier"]) == (6.0, 6.0, 1)


def test_missing_scores_are_listed_not_dropped(snapshot):
    info, con = snapshot
    c = rows(customers.customer_list(con, view(info)))
    assert len(c) == 7
    assert not c.loc["K5", "scored"] and not c.loc["K7", "scored"]
    # A partly scored axis is null, never a mean over fewer criteria.
    assert c.loc["K5", "attractiveness"] == 10.0 and pd.isna(c.loc["K5", "feasibility"])
    assert c.loc["K7", "feasibility"] == 8.0 and pd.isna(c.loc["K7", "attractiveness"])
    assert pd.isna(c.loc["K5", "tier"]) and pd.isna(c.loc["K7", "tier"])
    assert c.loc["K5", "tier_group"] == "unscored" and c.loc["K4", "tier_group"] == "not_pursued"
    missing = rows(customers.missing_scores(con, view(info)))
    assert list(missing.index) == ["K5", "K7"]
    # In SCORE_CRITERIA order, with how many weighted criteria are scored (of 8).
    assert list(missing.loc["K5", "missing_criteria"]) == list(F_CRITERIA)
    assert list(missing.loc["K7", "missing_criteria"]) == ["location"]
    assert missing["criteria_scored"].to_dict() == {"K5": 4, "K7": 7}


def test_fractional_weights_keep_exactly_6_on_the_threshold(snapshot, toml):
    # 0.4·6 + 0.3·6 + 0.2·6 + 0.1·6 is 6.000000000000001 in floating point; K2's feasibility
    # 0.3·6·3 + 0.1·5 = 5.9 stays below.
    toml("[customers.attractiveness]\nfinancial_performance = 0.4\nit_spend = 0.3\n"
         "reputation_management = 0.2\nlocation = 0.1\n"
         "[customers.feasibility]\nexisting_relationship = 0.3\ncompetitor_relationship = 0.3\n"
         "attitude_to_us = 0.3\nexecution_capability = 0.1\n")
    info, con = snapshot
    c = rows(customers.customer_list(con, view(info)))
    assert (c.loc["K1", "attractiveness"], c.loc["K1", "feasibility"]) == (6.0, 6.0)
    assert c.loc["K1", "tier"] == 1 and c.loc["K2", "tier"] == 3


def test_configured_weights_and_threshold(snapshot, toml):
    # Only financial_performance and existing_relationship count; location has weight 0, so K7's
    # missing location no longer unscores it. Threshold 5.9: K2 (6, 6) and K3 (6, 6) are tier 1,
    # K4 (5, 9) tier 2, K5 still has no feasibility score.
    toml("[customers]\ntier_threshold = 5.9\n"
         "[customers.attractiveness]\nfinancial_performance = 2\nlocation = 0\n"
         "it_spend = 0\nreputation_management = 0\n"
         "[customers.feasibility]\nexisting_relationship = 1\ncompetitor_relationship = 0\n"
         "attitude_to_us = 0\nexecution_capability = 0\n")
    info, con = snapshot
    c = rows(customers.customer_list(con, view(info)))
    assert c["attractiveness"].dropna().to_dict() == {
        "K1": 6.0, "K2": 6.0, "K3": 6.0, "K4": 5.0, "K5": 10.0, "K6": 7.0, "K7": 8.0}
    assert c.loc["K4", "feasibility"] == 9.0
    assert [c.loc[k, "tier"] for k in ("K1", "K2", "K3", "K4", "K6", "K7")] == [1, 1, 1, 2, 1, 1]
    assert not c.loc["K5", "scored"]


def test_customer_tiers_sql_is_reusable(snapshot):
    info, con = snapshot
    tiers = customers.customer_tiers(con).set_index("customer_id")
    assert tiers["tier"].dropna().astype(int).to_dict() == {"K1": 1, "K2": 3, "K3": 2, "K6": 1}
    # The scorecard's question: tier-1 and tier-2 customers of a region.
    sql = (f"WITH tiers AS ({customers.TIERS_SQL}) SELECT customer_id FROM tiers "
           "WHERE tier IN (1, 2) AND region_id = $region ORDER BY customer_id")
    for region, expected in (("R1", ["K1"]), ("R2", ["K3"]), ("R3", ["K6"])):
        found = con.execute(sql, {**customers.tier_params(), "region": region}).fetchall()
        assert [r[0] for r in found] == expected


# --- lifecycle, revenue, ABC ----------------------------------------------------------------------

def test_lifecycle_boundaries(snapshot):
    info, con = snapshot
    c = rows(customers.customer_list(con, view(info)))
    assert c["lifecycle"].to_dict() == {
        "K1": "D",  # first order exactly 90 days before as_of: not within 90 days
        "K2": "A",  # first order 89 days before
        "K3": "R",  # last order exactly one year before; the later return is not an order
        "K4": "D",  # last order one year minus a day before
        "K5": "P", "K7": "P",
        "K6": "P"}  # a return only: still never ordered


def test_revenue_12m_and_abc_cut_offs(snapshot):
    info, con = snapshot
    c = rows(customers.customer_list(con, view(info)))
    assert c["revenue_12m"].to_dict() == {"K1": 8_000, "K2": 1_500, "K3": -50, "K4": 500,
                                          "K5": 0, "K6": -20, "K7": 0}
    # Cumulative shares of 10,000: K1 0.80 → A (exactly 80%), K2 0.95 → B (exactly 95%), K4 1.0 → C.
    assert c["abc_class"].dropna().to_dict() == {"K1": "A", "K2": "B", "K4": "C"}
    assert c["cumulative_share"].dropna().to_dict() == pytest.approx(
        {"K1": 0.8, "K2": 0.95, "K4": 1.0})
    assert c.loc["K3", "revenue_prior_12m"] == 1_000 and c.loc["K3", "revenue_lifetime"] == 950


def test_abc_is_recomputed_within_the_selection(snapshot):
    info, con = snapshot
    c = rows(customers.customer_list(con, view(info, regions=("R1",))))
    assert sorted(c.index) == ["K1", "K2", "K7"]
    # R1 alone: K1 8,000 of 9,500 = 84% → B; K2 100% → C.
    assert c["abc_class"].dropna().to_dict() == {"K1": "B", "K2": "C"}


def test_the_national_rows_are_computed_once_per_snapshot_and_a_filtered_view_its_own(snapshot):
    """The national view's rows (no region or industry filter) are a snapshot table, made once
    for the configuration in force; a filtered view after it still ranks its own customers (R1
    alone: K1 → B, as above)."""
    info, con = snapshot

    def national_tables():
        return {row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND "
            "starts_with(table_name, 'derived_customer_rows')").fetchall()}

    before = national_tables()
    first = rows(customers.customer_list(con, view(info)))
    assert first["abc_class"].dropna().to_dict() == {"K1": "A", "K2": "B", "K4": "C"}
    made = national_tables()
    assert len(made - before) <= 1 and len(made) >= 1
    # Another period of the national view reads the same table.
    again = rows(customers.overview(con, View(info.snapshot_id, info.as_of,
                                              parse_period("FY26Q2")))["dormant"])
    assert again.index.tolist() == ["K3"]
    assert rows(customers.customer_list(con, view(info, regions=("R1",))))[
        "abc_class"].dropna().to_dict() == {"K1": "B", "K2": "C"}
    assert national_tables() == made


def test_filters_select_customers_by_their_own_region_and_industry(snapshot):
    info, con = snapshot

    def ids(**filters):
        return sorted(customers.customer_list(con, view(info, **filters))["customer_id"])

    assert ids(industries=("GOV",)) == ["K1", "K3", "K5", "K7"]
    assert ids(regions=("R2", "R3"), industries=("EDU",)) == ["K4", "K6"]
    # Product line and channel describe orders, not customers: no effect.
    assert ids(product_lines=("NB",), channel="partner") == [f"K{i}" for i in range(1, 8)]


def test_summary_tiles(snapshot):
    info, con = snapshot
    s = customers.summary(con, view(info))
    assert {k: s[k] for k in ("customers", "scored", "unscored", "tier_1", "tier_2", "tier_3",
                              "not_pursued")} == {
        "customers": 7, "scored": 5, "unscored": 2, "tier_1": 2, "tier_2": 1, "tier_3": 1,
        "not_pursued": 1}
    assert (s["lifecycle_p"], s["lifecycle_a"], s["lifecycle_d"], s["lifecycle_r"]) == (3, 1, 2, 1)
    assert (s["with_revenue"], s["abc_a"], s["abc_b"], s["abc_c"]) == (3, 1, 1, 1)
    assert s["abc_a_revenue_share"] == pytest.approx(0.8)       # 8,000 ÷ 10,000
    assert s["abc_a_customer_share"] == pytest.approx(1 / 3)    # 1 of 3 buyers
    assert s["dormant_prior_revenue"] == 1_000                  # K3: 700 + 300
    assert s["tier_1_idle"] == 1                                # K1 (K6 touched on 10-01)


def test_empty_selection_gives_zeros_and_nulls(snapshot):
    info, con = snapshot
    s = customers.summary(con, view(info, regions=("R9",)))
    assert s["customers"] == 0 and s["tier_1"] == 0
    assert s["abc_a_revenue_share"] is None and s["abc_a_customer_share"] is None
    assert customers.pareto(con, view(info, regions=("R9",))).empty


def test_dormant_idle_and_top_lists(snapshot):
    info, con = snapshot
    dormant = customers.dormant(con, view(info))
    assert dormant["customer_id"].tolist() == ["K3"]
    assert str(dormant.iloc[0]["last_order_date"])[:10] == "2025-11-22"
    assert dormant.iloc[0]["days_since_order"] == 365
    idle = customers.tier_1_idle(con, view(info))
    assert idle["customer_id"].tolist() == ["K1"]
    assert str(idle.iloc[0]["last_activity_date"])[:10] == "2026-09-30"
    top = customers.top_accounts(con, view(info))
    assert top["customer_id"].tolist() == ["K1", "K2", "K4"]
    assert top["revenue_share"].tolist() == pytest.approx([0.8, 0.15, 0.05])


def test_pareto_curve(snapshot):
    info, con = snapshot
    p = customers.pareto(con, view(info))
    assert p["customer_id"].tolist() == ["K1", "K2", "K4"]
    assert p["customer_share"].tolist() == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert p["cumulative_share"].tolist() == pytest.approx([0.8, 0.95, 1.0])


def test_pareto_is_thinned_but_keeps_class_boundaries(tmp_path):
    # 1,000 buyers with revenue 1,000 … 1 (customer i buys 1,001 − i): thinned to every 3rd
    # (ceil(1,000 / 400) = 3) plus the first, the last and each class's last customer.
    people = [customer(f"C{i:04d}", "R1", "GOV") for i in range(1, 1001)]
    lines = [line("2026-10-05", 1001 - i, f"C{i:04d}", "R1", "GOV") for i in range(1, 1001)]
    info = make_snapshot(tmp_path, AS_OF, orders=lines, customers=people)
    con = connect(info)
    p = customers.pareto(con, view(info))
    full = rows(customers.customer_list(con, view(info)))
    assert len(p) < 400
    assert p["pareto_rank"].iloc[0] == 1 and p["pareto_rank"].iloc[-1] == 1000
    last_of_class = full.groupby("abc_class")["pareto_rank"].max().tolist()
    assert set(last_of_class) <= set(p["pareto_rank"])


def test_overview_matches_the_single_functions(snapshot):
    info, con = snapshot
    v = view(info, industries=("GOV",))
    o = customers.overview(con, v)
    assert set(o) == set(customers.OVERVIEW_PARTS)
    assert o["summary"] == customers.summary(con, v)
    assert o["matrix_cells"].equals(customers.matrix_cells(con, v))
    assert o["dormant"].equals(customers.dormant(con, v))
    # The temporary table is private to the cursor and gone afterwards.
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone() == (0,)


def test_segment_counts_cover_every_cell(snapshot):
    info, con = snapshot
    seg = customers.segment_counts(con, view(info))
    # 3 regions + 2 industries, each × (5 tier groups + 4 lifecycle classes).
    assert len(seg) == 5 * 9
    r1 = seg[(seg["dimension"] == "region") & (seg["key"] == "R1")]
    tiers = r1[r1["measure"] == "tier"].set_index("category")["customers"].to_dict()
    assert tiers == {"tier1": 1, "tier2": 0, "tier3": 1, "not_pursued": 0, "unscored": 1}
    life = r1[r1["measure"] == "lifecycle"].set_index("category")["customers"].to_dict()
    assert life == {"P": 1, "A": 1, "D": 1, "R": 0}
    gov = seg[(seg["dimension"] == "industry") & (seg["key"] == "GOV")
              & (seg["measure"] == "lifecycle")].set_index("category")["customers"].to_dict()
    assert gov == {"P": 2, "A": 0, "D": 1, "R": 1}            # K5, K7 · K1 · K3
    only_r2 = customers.segment_counts(con, view(info, regions=("R2",)))
    assert sorted(only_r2.loc[only_r2["dimension"] == "region", "key"].unique()) == ["R2"]


def test_report_customers(snapshot):
    info, con = snapshot
    report = customers.report_customers(con, view(info))
    assert [r["customer_id"] for r in report] == [f"K{i}" for i in range(1, 8)]
    assert report[0] == {"customer_id": "K1", "attractiveness": 6.0, "feasibility": 6.0,
                         "tier": 1, "lifecycle": "D", "revenue_12m": 8000.0, "abc_class": "A"}
    assert report[2] == {"customer_id": "K3", "attractiveness": 5.9, "feasibility": 6.0,
                         "tier": 2, "lifecycle": "R", "revenue_12m": -50.0, "abc_class": None}
    assert report[4] == {"customer_id": "K5", "attractiveness": 10.0, "feasibility": None,
                         "tier": None, "lifecycle": "P", "revenue_12m": 0.0, "abc_class": None}
    assert isinstance(report[0]["tier"], int)
    assert json.loads(json.dumps(report)) == report  # plain JSON values only


def test_year_before_a_leap_day():
    assert year_before(dt.date(2032, 2, 29)) == dt.date(2031, 2, 28)
    assert year_before(dt.date(2026, 11, 22), 2) == dt.date(2024, 11, 22)


# --- configuration --------------------------------------------------------------------------------

def test_default_configuration_is_the_spec(toml):
    toml("[alerts]\ndeep_discount = 0.25\n")  # no [customers]: the SPEC defaults
    p = customers.prioritisation()
    assert p.attractiveness == {"financial_performance": 40, "it_spend": 30,
                                "reputation_management": 20, "location": 10}
    assert p.feasibility == {"existing_relationship": 30, "competitor_relationship": 30,
                             "attitude_to_us": 30, "execution_capability": 10}
    assert p.tier_threshold == 6


def test_shipped_configuration_is_valid():
    config.reset()
    p = customers.prioritisation()
    assert p.attractiveness == {"financial_performance": 40, "it_spend": 30,
                                "reputation_management": 20, "location": 10}
    assert p.feasibility["execution_capability"] == 10 and p.tier_threshold == 6


@pytest.mark.parametrize("text, message", [
    ("[customers.attractiveness]\nfinancial_performance = -1\n",
     r"\[customers.attractiveness\] financial_performance = -1 must be at least 0"),
    ("[customers.attractiveness]\nfinancial_performance = \"forty\"\n",
     "financial_performance = 'forty' must be a number"),
    ("[customers.feasibility]\nattitude_to_us = true\n",
     "attitude_to_us = True must be a number"),
    ("[customers.feasibility]\ncharisma = 10\n",
     r"unknown key customers.feasibility.charisma"),
    ("[customers.feasibility]\nexisting_relationship = 0\nattitude_to_us = 0\n"
     "competitor_relationship = 0\nexecution_capability = 0\n",
     r"\[customers.feasibility\] every weight is zero"),
    ("[customers]\ntier_threshold = 0\n", "tier_threshold = 0 must be at least 1"),
    ("[customers]\ntier_threshold = \"6\"\n", "tier_threshold = '6' must be a number"),
    ("[customers]\ntier_treshold = 6\n",
     r"unknown key customers.tier_treshold \(did you mean customers.tier_threshold\?\)"),
    ("[customers]\nattractiveness = 5\n", r"unknown key customers.attractiveness"),
])
def test_invalid_configuration_is_a_clear_error(toml, text, message):
    path = toml(text)
    with pytest.raises(ConfigError, match=message) as error:
        customers.prioritisation()
    assert str(path) in str(error.value)
