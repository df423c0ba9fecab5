"""Property-based tests (hypothesis) of SPEC §8 robustness and the §5.2 waterfall.

- Periods: any period text (the four forms, years 1–9999, and junk) either parses or raises
  ValueError with a message; a parsed period's every method works for any as_of; the date
  functions and the filter's choices never fail on any date — under every fiscal calendar.
- Metrics: random valid snapshots (empty tables, single rows, extreme dates, text that looks like
  Markdown, HTML or a spreadsheet formula, zero and negative money, tables missing per §9) and
  random view states (any period, any filters including unknown ids, any comparison snapshot):
  every metrics function returns, or raises ValueError with a message — nothing else.
- Report: ``metrics.report.main`` with random arguments exits 0 (printing parseable output) or 2
  with one ``error:`` line, never an internal error.
- §5.2: start + Σ signed movements == end exactly (Decimal), for random deals in two snapshots
  and random filters; start and end are also checked against a Python recount.

Snapshots are costly to validate (~0.5 s), so most examples run over a module-scoped pool of
hand-made snapshots; the random-snapshot and movement tests build their own per example in a
``tempfile.TemporaryDirectory`` (the movement one skips validation: its rows are valid by
construction). Example counts keep the file near half a minute on two cores.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tempfile
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from data import config
from data.config import SCORE_CRITERIA
from data.schema import ACTIVITY_TYPES, TABLES
from data.store import (SnapshotDatabase, SnapshotInfo, arrow_schema, discover, iso_week_id,
                        validate, write_snapshot)
from metrics import (alerts, availability, customers, dashboard, pipeline, quality, report,
                     scorecard)
from metrics.periods import (MAX_YEAR, MIN_YEAR, Period, default_period, month_of,
                             parse_period, period_choices, quarter_of, week_of, year_of)
from metrics.view import View

D = dt.date.fromisoformat


# Hypothesis keeps caches (constants, Unicode tables) in ./.hypothesis; not in the work tree.
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "sales-cockpit-hypothesis")

# PROPERTY_TEST_SCALE=10 runs ten times the examples (a deeper search than the suite's default).
SCALE = float(os.environ.get("PROPERTY_TEST_SCALE", "1"))


def fast(examples: int):
    """Hypothesis settings of this file: no deadline (DuckDB timings vary), no example database
    written into the work tree, and the conftest's function-scoped isolation fixture is fine
    (it resets the configuration once per test, and each example sets what it needs)."""
    return settings(max_examples=max(1, round(examples * SCALE)), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# Text a page or an export could mistake for syntax (SPEC §8), and other awkward names.
WEIRD = (
    '=HYPERLINK("http://example.com","x")', "**bold**", "<script>alert(1)</script>",
    "[link](http://example.com)", "| a | b |", "$x$", ":red[x]", "line\nbreak", "北京 🚀 深圳",
    "O'Brien; DROP TABLE orders;--", "-1", "@SUM(A1)", "+1", "None", "NaN", "null", " ",
    "\t=1+1", "a" * 300, "Ünïcödé ß", "#heading", "&amp;", "\\", "%s %d {0}",
)

# ------------------------------------------------------------------------------------ periods

YEARS = st.one_of(st.integers(1, 9999),
                  st.sampled_from([1, 2, MIN_YEAR, MIN_YEAR + 1, MAX_YEAR - 1, MAX_YEAR, 9998,
                                   9999, 2026]))
PERIOD_CODES = st.one_of(
    st.builds(lambda y, w: f"{y:04d}-W{w:02d}", YEARS, st.integers(0, 54)),
    st.builds(lambda y, m: f"{y:04d}-{m:02d}", YEARS, st.integers(0, 13)),
    st.builds(lambda n, q: f"FY{n:02d}Q{q}", st.integers(0, 99), st.integers(0, 5)),
    st.builds(lambda n: f"FY{n:02d}", st.integers(0, 99)),
    st.sampled_from(["0001-W01", "0001-01", "0002-W52", "0003-W01", "0003-01", "9997-W52",
                     "9997-12", "9998-W01", "9999-W52", "9999-12", "FY00", "FY99Q4", "FY00Q1",
                     "2026-W53", "2025-W53", "", " FY26 ", "fy26", "２０２６-11", "2026-W47\n",
                     "10000-01", "-001-01", "2026-1", "FY2026", "FY26Q", "2026-W7"]),
    st.text(max_size=12),
)
FISCAL = st.tuples(st.integers(1, 12), st.sampled_from(["start", "end"]))
ANY_DAY = st.one_of(st.dates(), st.sampled_from([dt.date.min, dt.date.max, D("0001-12-31"),
                                                 D("0002-12-30"), D("9998-01-01"),
                                                 D("9999-12-26"), D("2026-11-22")]))


@pytest.fixture(scope="module")
def fiscal_dirs(tmp_path_factory):
    """One folder per fiscal calendar (start month × named by), holding its config.toml."""
    root = tmp_path_factory.mktemp("fiscal")
    out = {}
    for start in range(1, 13):
        for named_by in ("start", "end"):
            folder = root / f"{start}-{named_by}"
            folder.mkdir()
            (folder / "config.toml").write_text(
                f"[business]\nfiscal_year_start_month = {start}\n"
                f'fiscal_year_named_by = "{named_by}"\n', encoding="utf-8")
            out[start, named_by] = folder
    return out


def use_fiscal(fiscal_dirs, fiscal) -> None:
    config.use_data_dir(fiscal_dirs[fiscal])
    note(f"fiscal calendar: start month {fiscal[0]}, named by {fiscal[1]}")


def value_error_only(call, *args):
    """``call(*args)``, or None when it raised ValueError with a message; anything else fails."""
    try:
        return call(*args)
    except ValueError as exc:
        assert str(exc).strip(), f"{call.__name__} raised ValueError without a message"
        return None


def _exercise(period: Period, as_of: dt.date) -> None:
    """Every Period method, and the period arithmetic the metrics do around a period."""
    assert period.start <= period.end and period.days >= 1
    assert 0 <= period.pace(as_of) <= 1
    period.elapsed_days(as_of)
    period.to_date_end(as_of)
    previous = period.previous()
    assert previous.kind == period.kind and previous.end + dt.timedelta(days=1) == period.start
    prior = period.previous_year()
    assert prior.kind == period.kind and prior.start < period.start
    lfl = period.like_for_like_range(as_of)
    if lfl is not None:
        assert (lfl[1] - lfl[0]).days + 1 == period.elapsed_days(as_of)
    fractions = period.month_fractions()
    assert sum(f * _month_days(m) for m, f in fractions) == pytest.approx(period.days)
    for month in period.months():
        assert month.kind == "month" and period.start <= month.start <= period.end
    alerts.last_quarter(period)
    alerts.erosion_baseline(period)
    scorecard.comparison(View("2026-W47", as_of, period))
    quarter_of(period.start), year_of(period.start), quarter_of(period.end), year_of(period.end)


def _month_days(code: str) -> int:
    year, month = map(int, code.split("-"))
    return month_of(dt.date(year, month, 1)).days


@fast(400)
@given(code=PERIOD_CODES, fiscal=FISCAL, as_of=ANY_DAY)
def test_any_period_text_parses_or_is_a_value_error(fiscal_dirs, code, fiscal, as_of):
    use_fiscal(fiscal_dirs, fiscal)
    try:
        period = parse_period(code)
    except ValueError as exc:
        assert str(exc).strip()
        text = code.strip()
        if text[:4].isascii() and text[:4].isdigit() and not MIN_YEAR <= int(text[:4]) <= MAX_YEAR \
                and len(text) in (7, 8) and text[4] == "-":
            assert "outside the supported years" in str(exc) or "month must be" in str(exc)
        return
    assert parse_period(period.code) == period  # the canonical code reads back
    _exercise(period, as_of)


@fast(150)
@given(fiscal=FISCAL, kind=st.sampled_from(["week", "month"]),
       year=st.sampled_from([MIN_YEAR, MAX_YEAR]), edge=st.sampled_from(["first", "last"]),
       as_of=ANY_DAY)
def test_the_edges_of_the_supported_years_work(fiscal_dirs, fiscal, kind, year, edge, as_of):
    use_fiscal(fiscal_dirs, fiscal)
    if kind == "week":
        code = f"{year:04d}-W01" if edge == "first" else week_of(dt.date(year, 12, 28)).code
    else:
        code = f"{year:04d}-{'01' if edge == 'first' else '12'}"
    period = parse_period(code)
    _exercise(period, as_of)
    for outside in (f"{MIN_YEAR - 1:04d}-12", f"{MAX_YEAR + 1:04d}-01", f"{MIN_YEAR - 1:04d}-W52",
                    f"{MAX_YEAR + 1:04d}-W01"):
        with pytest.raises(ValueError, match="outside the supported years"):
            parse_period(outside)


@fast(300)
@given(day=ANY_DAY, fiscal=FISCAL)
@example(day=D("2000-03-01"), fiscal=(7, "start"))  # in FY1999, whose name FY99 means 2099
@example(day=dt.date.max, fiscal=(12, "start"))
@example(day=dt.date.min, fiscal=(2, "end"))
def test_date_functions_never_fail_but_with_value_error(fiscal_dirs, day, fiscal):
    use_fiscal(fiscal_dirs, fiscal)
    for function in (week_of, month_of, quarter_of, year_of):
        period = value_error_only(function, day)
        if period is not None:
            assert period.start <= day <= period.end
    default = default_period(day)  # never raises
    assert default.kind == "quarter"
    choices = period_choices(day)  # never raises
    assert len(choices) == len(set(choices))
    for code in choices:
        assert parse_period(code).code == code
    try:
        reads_back = parse_period(default.code) == default  # FY00–FY99 name 2000–2099 only
    except ValueError:
        reads_back = False
    if reads_back and D("0004-01-01") <= day <= D("9997-12-31"):
        assert choices[0] == default.code


# ------------------------------------------------------------------------- snapshots: the pool

EXTRA_REGION = '=HYPERLINK("x")'
REGIONS = [
    {"region_id": "R1", "name_en": "**North One**", "name_zh": "北一", "region_group": "North"},
    {"region_id": "R2", "name_en": "<script>alert(2)</script>", "name_zh": None,
     "region_group": None},
    {"region_id": EXTRA_REGION, "name_en": "[x](http://example.com)", "name_zh": "西三 | 🚀",
     "region_group": "West"},
]
INDUSTRIES = [{"industry_id": "GOV", "name_en": "Government", "name_zh": "政府"},
              {"industry_id": "E&D", "name_en": "$Education$", "name_zh": None}]
REPS = [
    {"rep_id": "AE1", "name": "Li Na", "role": "AE", "region_id": "R1", "manager_id": None,
     "active": True},
    {"rep_id": "ISR 2", "name": "=1+1", "role": "ISR", "region_id": "R2", "manager_id": "AE1",
     "active": True},
    {"rep_id": "AE3", "name": "line\nbreak", "role": "AE", "region_id": EXTRA_REGION,
     "manager_id": None, "active": False},
]
PRODUCTS = [
    {"product_id": "PC1", "name": "**Desk**", "product_line": "PC", "series": "D",
     "list_price": 5000, "standard_cost": 4400, "high_margin": False},
    {"product_id": "NB1", "name": "<b>Book</b>", "product_line": "NB", "series": None,
     "list_price": 8000, "standard_cost": 6900, "high_margin": True},
    {"product_id": "SV1", "name": "Rack", "product_line": "Server", "series": "R",
     "list_price": None, "standard_cost": None, "high_margin": None},
    {"product_id": "SE1", "name": "@SUM(A1)", "product_line": "Service", "series": "S",
     "list_price": 100, "standard_cost": 50, "high_margin": True},
]
CUSTOMERS = [
    {"customer_id": "C1", "name": '=HYPERLINK("http://evil","click")', "industry_id": "GOV",
     "region_id": "R1", "owner_rep_id": "AE1", "created_date": D("1970-01-01")},
    {"customer_id": "C2", "name": "**Guangzhou** School", "industry_id": "E&D",
     "region_id": "R2", "owner_rep_id": "ISR 2", "created_date": D("2020-01-01")},
    {"customer_id": "C 3", "name": "<img src=x onerror=alert(1)>", "industry_id": "GOV",
     "region_id": EXTRA_REGION, "owner_rep_id": "AE3", "created_date": None},
]
HOME = {"C1": ("R1", "AE1", "GOV"), "C2": ("R2", "ISR 2", "E&D"),
        "C 3": (EXTRA_REGION, "AE3", "GOV")}
LINE_OF = {p["product_id"]: p["product_line"] for p in PRODUCTS}
DIMENSIONS = {"regions": REGIONS, "industries": INDUSTRIES, "reps": REPS, "products": PRODUCTS,
              "customers": CUSTOMERS}


def order_row(i: int, day: dt.date, revenue: Decimal, cost: Decimal, customer: str = "C1",
              product: str = "PC1", **extra) -> dict:
    region, rep, industry = HOME[customer]
    row = {"order_id": f"O{i}", "line_no": 1, "order_date": day, "customer_id": customer,
           "rep_id": rep, "region_id": region, "industry_id": industry, "product_id": product,
           "product_line": LINE_OF[product], "channel": "direct",
           "quantity": -1 if revenue < 0 else 1, "revenue": revenue, "cost": cost,
           "discount_pct": 0.0, "special_price": False, "opportunity_id": None}
    row.update(extra)
    return row


def opp_row(oid: str, amount: Decimal, stage: int, status: str, close: dt.date | None,
            created: dt.date, customer: str = "C1", line: str = "PC",
            closed: dt.date | None = None, **extra) -> dict:
    region, rep, industry = HOME[customer]
    row = {"opportunity_id": oid, "name": f"Deal {oid} **{oid}** <i>", "customer_id": customer,
           "rep_id": rep, "region_id": region, "industry_id": industry, "product_line": line,
           "stage": stage, "status": status, "amount": amount, "expected_margin_pct": 0.05,
           "created_date": created, "expected_close_date": close,
           "closed_date": closed if status != "open" else None, "source": "rep",
           "last_activity_date": created}
    row.update(extra)
    return row


def history_of(opps: list[dict]) -> list[dict]:
    rows = []
    for o in opps:
        for stage in range(1, o["stage"] + 1):
            rows.append({"opportunity_id": o["opportunity_id"], "stage": stage,
                         "entered_date": o["created_date"] + dt.timedelta(days=stage - 1)})
    return rows


def write(data_dir: Path, as_of: dt.date, tables: dict[str, list[dict]]) -> Path:
    arrow = {name: pa.Table.from_pylist(rows, schema=arrow_schema(TABLES[name]))
             for name, rows in tables.items()}
    return write_snapshot(data_dir, as_of, arrow, source="property tests")


def full(orders=(), opportunities=(), targets=(), activities=(), scores=(), history=None,
         drop=()) -> dict[str, list[dict]]:
    tables = {**DIMENSIONS, "orders": list(orders), "opportunities": list(opportunities),
              "opportunity_history": history_of(opportunities) if history is None else history,
              "targets": list(targets), "activities": list(activities),
              "customer_scores": list(scores)}
    return {name: rows for name, rows in tables.items() if name not in drop}


M = Decimal


def pool_tables() -> dict[str, dict[str, list[dict]]]:
    """as_of → tables of the pool's snapshots (one data folder, so they compare)."""
    scores = [{"customer_id": c, "criterion": k, "score": float(s)}
              for c, s in (("C1", 9), ("C2", 3)) for k in SCORE_CRITERIA]
    w47_opps = [
        opp_row("A", M("1000000.00"), 4, "open", D("2026-12-15"), D("2026-01-05")),
        opp_row("B", M("0.00"), 2, "open", D("2026-11-30"), D("2026-02-01"), customer="C2",
                line="NB", source="partner", last_activity_date=None),
        opp_row("C", M("250000.55"), 5, "won", D("2026-11-20"), D("2026-03-01"),
                closed=D("2026-11-20"), customer="C 3", line="Server"),
        opp_row("D", M("99.99"), 3, "lost", D("2026-11-01"), D("2026-04-01"),
                closed=D("2026-11-02"), line="Service"),
        opp_row("E", M("5000.00"), 1, "open", None, D("2026-05-01"), customer="C2",
                expected_margin_pct=None),
        opp_row("F", M("777.77"), 2, "open", D("2025-01-01"), D("2024-01-01"), customer="C 3",
                line="Server"),
    ]
    w46_opps = [
        opp_row("A", M("900000.00"), 3, "open", D("2026-12-15"), D("2026-01-05")),
        opp_row("C", M("250000.55"), 4, "open", D("2026-11-28"), D("2026-03-01"),
                customer="C 3", line="Server"),
        opp_row("D", M("99.99"), 3, "open", D("2026-11-01"), D("2026-04-01"), line="Service"),
        opp_row("G", M("31415.92"), 2, "open", D("2026-10-10"), D("2026-06-01"), customer="C2"),
        opp_row("F", M("777.77"), 2, "open", D("2027-05-01"), D("2024-01-01"), customer="C 3",
                line="Server"),
    ]
    orders_2026 = [
        order_row(1, D("2026-10-02"), M("5828065.86"), M("5000000.01"), opportunity_id="C"),
        order_row(2, D("2026-11-03"), M("-1234.56"), M("-1000.00"), customer="C2",
                  product="NB1", channel="partner", discount_pct=0.3, special_price=True),
        order_row(3, D("2026-11-22"), M("0.00"), M("0.00"), customer="C 3", product="SV1"),
        order_row(4, D("2026-11-16"), M("0.10"), M("0.20"), product="SE1", discount_pct=1.0),
        order_row(5, D("2025-11-20"), M("1000.00"), M("990.00"), customer="C2"),
        order_row(6, D("1970-01-01"), M("0.01"), M("0.00"), customer="C 3", product="SE1"),
        order_row(7, D("2026-09-30"), M("99999999.99"), M("1.00"), special_price=True),
    ]
    targets = [
        {"fiscal_month": "2026-10", "region_id": "R1", "industry_id": "GOV",
         "product_line": "PC", "revenue_target": M("2000.00"), "margin_target": M("0.00")},
        {"fiscal_month": "2026-11", "region_id": "R2", "industry_id": "E&D",
         "product_line": "NB", "revenue_target": M("0.00"), "margin_target": M("-5.00")},
        {"fiscal_month": "2026-12", "region_id": EXTRA_REGION, "industry_id": "GOV",
         "product_line": "Server", "revenue_target": M("123.45"), "margin_target": M("1.00")},
    ]
    activities = [
        {"activity_id": "X1", "activity_date": D("2026-11-20"), "rep_id": "AE1",
         "customer_id": "C1", "type": "visit", "opportunity_id": "A"},
        {"activity_id": "X2", "activity_date": D("1970-01-01"), "rep_id": "AE3",
         "customer_id": "C 3", "type": "workshop", "opportunity_id": None},
        {"activity_id": "X3", "activity_date": D("2026-10-01"), "rep_id": "ISR 2",
         "customer_id": "C2", "type": "call", "opportunity_id": None},
    ]
    return {
        "1970-01-04": full(orders=[order_row(1, D("1970-01-01"), M("100.00"), M("80.00")),
                                   order_row(2, D("1970-01-02"), M("-100.10"), M("-80.00"),
                                             customer="C2", product="NB1")],
                           opportunities=[opp_row("A", M("1.00"), 1, "open", D("1970-03-31"),
                                                  D("1970-01-01"))],
                           targets=[{**targets[0], "fiscal_month": "1970-01"}]),
        "2026-11-15": full(orders=orders_2026[:2] + orders_2026[4:], opportunities=w46_opps,
                           targets=targets, activities=activities[1:], scores=scores),
        "2026-11-22": full(orders=orders_2026, opportunities=w47_opps, targets=targets,
                           activities=activities, scores=scores),
        "2027-01-03": full(),  # every table empty
        "2030-06-02": {"opportunities": w47_opps[:2]},  # §9: opportunities only
        "2031-06-01": {"orders": orders_2026[:3]},  # §9: orders only
        "2100-01-03": full(orders=[order_row(1, D("2099-12-31"), M("1.00"), M("2.00")),
                                   order_row(2, D("2099-01-01"), M("3.00"), M("1.00"),
                                             customer="C2", product="NB1")],
                           opportunities=[opp_row("Z", M("10.00"), 3, "open", D("2099-12-31"),
                                                  D("2099-01-01"))],
                           drop=("targets", "activities", "customer_scores")),
    }


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """The pool's data folder and its snapshots (all valid), newest first."""
    root = tmp_path_factory.mktemp("pool")
    for as_of, tables in pool_tables().items():
        write(root, D(as_of), tables)
    infos = discover(root)
    bad = {i.snapshot_id: i.errors for i in infos if not i.valid}
    assert not bad, bad
    return root, infos


# --------------------------------------------------------------------------- the metrics battery

def _card(con, view):
    return scorecard.scorecard(con, view)


# name → f(con, view, infos); every public metric function the pages and the report call.
BATTERY = {
    "dashboard.kpis": lambda c, v, i: dashboard.kpis(c, v),
    "dashboard.regional_report": lambda c, v, i: dashboard.regional_report(c, v),
    "dashboard.kpis_and_regions": lambda c, v, i: dashboard.kpis_and_regions(c, v),
    "dashboard.product_lines": lambda c, v, i: dashboard.product_lines(c, v),
    "dashboard.forecasts": lambda c, v, i: dashboard.forecasts(c, v),
    "dashboard.revenue_trend": lambda c, v, i: dashboard.revenue_trend(c, v),
    "dashboard.key_opportunities": lambda c, v, i: dashboard.key_opportunities(c, v),
    "dashboard.order_flow": lambda c, v, i: dashboard.order_flow(c, v),
    "dashboard.dimensions": lambda c, v, i: dashboard.dimensions(c),
    "pipeline.funnel": lambda c, v, i: pipeline.funnel(c, v),
    "pipeline.undated_open": lambda c, v, i: pipeline.undated_open(c, v),
    "pipeline.stage_conversion": lambda c, v, i: pipeline.stage_conversion(c, v),
    "pipeline.funnel_calculator": lambda c, v, i: pipeline.funnel_calculator(c, v, 3),
    "pipeline.win_rate": lambda c, v, i: pipeline.win_rate(c, v),
    "pipeline.open_deals": lambda c, v, i: pipeline.open_deals(c, v),
    "pipeline.stale_deals": lambda c, v, i: pipeline.stale_deals(c, v),
    "pipeline.past_due_deals": lambda c, v, i: pipeline.past_due_deals(c, v),
    "pipeline.summary": lambda c, v, i: pipeline.summary(c, v),
    "pipeline.deal_detail": lambda c, v, i: [pipeline.deal_detail(c, oid, v.as_of)
                                             for oid in ("A", "C", "nope", "'; --")],
    "pipeline.movement": lambda c, v, i: pipeline.movement(c, v),
    "pipeline.movement_lines": lambda c, v, i: pipeline.movement_lines(c, v),
    "pipeline.movement_waterfall": lambda c, v, i: pipeline.movement_waterfall(c, v),
    "pipeline.movement_overview": lambda c, v, i: pipeline.movement_overview(c, v),
    "pipeline.slipped_deals": lambda c, v, i: pipeline.slipped_deals(c, v),
    "scorecard.overview": lambda c, v, i: scorecard.overview(c, v),
    "scorecard.scorecard": lambda c, v, i: _card(c, v),
    "scorecard.quarter_review": lambda c, v, i: scorecard.quarter_review(c, v),
    "scorecard.headline": lambda c, v, i: scorecard.headline(_card(c, v)),
    "scorecard.why_moved": lambda c, v, i: [scorecard.why_moved(card, r) for card in [_card(c, v)]
                                            for r in list(card["region_id"])[:2]],
    "scorecard.industry_attainment": lambda c, v, i: scorecard.industry_attainment(c, v),
    "scorecard.uncovered_customers": lambda c, v, i: scorecard.uncovered_customers(c, v),
    "scorecard.attention_deals": lambda c, v, i: scorecard.attention_deals(c, v),
    "scorecard.report_scorecard": lambda c, v, i: scorecard.report_scorecard(c, v),
    "alerts.overview": lambda c, v, i: alerts.overview(c, v),
    "alerts.alerts": lambda c, v, i: alerts.alerts(c, v),
    "alerts.report_alerts": lambda c, v, i: alerts.report_alerts(c, v),
    "alerts.summary": lambda c, v, i: alerts.summary(c, v),
    "alerts.rules": lambda c, v, i: [f(c, v) for f in (
        alerts.margin_floor, alerts.deep_discount, alerts.special_price_share,
        alerts.margin_erosion, alerts.at_risk_deal, alerts.high_margin_mix)],
    "alerts.gm_trend": lambda c, v, i: alerts.gm_trend(c, v),
    "alerts.high_margin_mix_by_region": lambda c, v, i: alerts.high_margin_mix_by_region(c, v),
    "alerts.unchecked_product_lines": lambda c, v, i: alerts.unchecked_product_lines(c, v),
    "alerts.drill_down": lambda c, v, i: [
        alerts.drill_down(rule, entity)(c, v) for rule, entity in (
            ("margin_floor", "O1/1"), ("margin_floor", "O1/x"), ("deep_discount", "nope/1"),
            ("special_price_share", "R1"), ("margin_erosion", "R1/PC"),
            ("margin_erosion", "no-slash"), ("at_risk_deal", "A"), ("high_margin_mix", "R2"))],
    "customers.overview": lambda c, v, i: customers.overview(c, v),
    "customers.customer_tiers": lambda c, v, i: customers.customer_tiers(c),
    "customers.parts": lambda c, v, i: [f(c, v) for f in (
        customers.customer_list, customers.summary, customers.segment_counts, customers.pareto,
        customers.top_accounts, customers.dormant, customers.tier_1_idle,
        customers.missing_scores)],
    "customers.report_customers": lambda c, v, i: customers.report_customers(c, v),
    "quality.quality_report": lambda c, v, i: quality.quality_report(c, v),
    "quality.checks": lambda c, v, i: quality.checks(c, v),
    "quality.key_orders_without_opportunity":
        lambda c, v, i: quality.key_orders_without_opportunity(c, v),
    "quality.customers_without_owner": lambda c, v, i: quality.customers_without_owner(c, v),
    "quality.snapshots": lambda c, v, i: [
        quality.snapshot_list(i, v.snapshot_id), quality.row_count_table(i),
        quality.snapshot_summary(i), quality.validation_errors(i), quality.row_count_history(i),
        quality.freshness(v.as_of), quality.freshness(None)],
    "availability": lambda c, v, i: [availability.present_tables(c), availability.unavailable(c),
                                     availability.enables(c, v)],
}


def run_battery(db: SnapshotDatabase, served: SnapshotInfo, also: tuple, view: View, infos,
                names) -> None:
    """Each named metric on the view: a result or ValueError with a message, nothing else. Each
    gets a cursor of its own, as on the pages (see test_a_cursor_serves_one_metric_after_another
    for what reusing one does)."""
    for name in names:
        con = db.cursor(served, also=also)
        try:
            BATTERY[name](con, view, infos)
        except ValueError as exc:
            assert str(exc).strip(), f"{name}: ValueError without a message"
        except Exception as exc:
            raise AssertionError(f"{name} raised {type(exc).__name__}: {exc}\n  on {view}") \
                from exc
        finally:
            con.close()


def filter_ids(known: list[str]):
    return st.lists(st.sampled_from([*known, "NOPE", "", "'; DROP TABLE orders;--", "=1+1",
                                     "r1"]), max_size=3, unique=True).map(tuple)


def views(infos, served: SnapshotInfo):
    """A random view state of ``served``: any period, any filters, any comparison snapshot."""
    near = st.sampled_from(period_choices(served.as_of) or ["FY26Q3"])
    period = st.one_of(near, near, PERIOD_CODES)
    others = [i.snapshot_id for i in infos if i.valid and i.snapshot_id != served.snapshot_id]
    return st.fixed_dictionaries({
        "period": period,
        "regions": filter_ids([r["region_id"] for r in REGIONS]),
        "industries": filter_ids([i["industry_id"] for i in INDUSTRIES]),
        "product_lines": filter_ids(["PC", "NB", "Server", "Service"]),
        "channel": st.sampled_from([None, "direct", "partner", "fax"]),
        "compare": st.sampled_from([None, *others]),
    })


def make_view(served: SnapshotInfo, state: dict) -> View | None:
    try:
        period = parse_period(state["period"])
    except ValueError as exc:
        assert str(exc).strip()
        return None
    return View(served.snapshot_id, served.as_of, period, state["regions"], state["industries"],
                state["product_lines"], state["channel"], compare=state["compare"])


@pytest.mark.parametrize("served, period, compare", [
    ("2026-W47", "FY26Q3", "2026-W46"),  # the richest week, with week-over-week movement
    ("2026-W53", f"{MIN_YEAR:04d}-W01", "2026-W47"),  # every table empty; the earliest week
    ("1970-W01", f"{MAX_YEAR:04d}-12", None),  # 1970; the last supported month
    ("2030-W22", "FY99", "2026-W53"),  # opportunities only (SPEC §9)
    ("2031-W22", "2031-05", None),  # orders only (SPEC §9)
    ("2099-W53", "2099-W53", "1970-W01"),  # the far future
])
def test_every_metric_on_the_pool(pool, served, period, compare):
    """The whole battery on a few pool snapshots and periods (the random test below samples)."""
    root, infos = pool
    by_id = {i.snapshot_id: i for i in infos}
    info = by_id[served]
    db = SnapshotDatabase()
    try:
        view = View(info.snapshot_id, info.as_of, parse_period(period), compare=compare)
        run_battery(db, info, (by_id[compare],) if compare else (), view, infos, BATTERY)
    finally:
        db.close()


@fast(30)
@given(data=st.data(), fiscal=FISCAL,
       names=st.lists(st.sampled_from(sorted(BATTERY)), min_size=4, max_size=5, unique=True))
def test_random_view_states_on_the_pool(pool, fiscal_dirs, data, fiscal, names):
    root, infos = pool
    use_fiscal(fiscal_dirs, fiscal)  # before drawing: the period choices follow the calendar
    served = data.draw(st.sampled_from(infos), label="served")
    state = data.draw(views(infos, served), label="view state")
    view = make_view(served, state)
    if view is None:
        return
    also = tuple(i for i in infos if i.snapshot_id == view.compare)
    db = SnapshotDatabase()
    try:
        run_battery(db, served, also, view, infos, names)
    finally:
        db.close()


# Metrics that leave a result of ``con.execute(...).fetchone()`` unfinished on the cursor: the
# alerts that follow on the same cursor must still run (``con.sql(...)``, DuckDB's relational API,
# would refuse while an execute() result is pending).
LEAVE_A_RESULT_OPEN = ("pipeline.undated_open", "pipeline.win_rate", "pipeline.summary",
                       "pipeline.movement", "pipeline.movement_waterfall",
                       "quality.quality_report", "quality.checks")


@pytest.mark.parametrize("first", LEAVE_A_RESULT_OPEN)
def test_a_cursor_serves_one_metric_after_another(pool, first):
    root, infos = pool
    by_id = {i.snapshot_id: i for i in infos}
    db = SnapshotDatabase()
    try:
        con = db.cursor(by_id["2026-W47"], also=(by_id["2026-W46"],))
        view = View("2026-W47", by_id["2026-W47"].as_of, parse_period("FY26Q3"),
                    compare="2026-W46")
        BATTERY[first](con, view, infos)
        try:
            alerts.alerts(con, view)
        except Exception as exc:
            raise AssertionError(f"alerts.alerts after {first}: {type(exc).__name__}") from exc
    finally:
        db.close()


# ----------------------------------------------------------------------- random snapshots

NAMES = st.one_of(st.sampled_from(WEIRD), st.text(max_size=8))
CENTS = st.one_of(st.sampled_from([0, 1, -1, 10**14, -(10**8)]), st.integers(-10**9, 10**11))


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


@st.composite
def random_snapshot(draw):
    """(as_of, tables): a valid snapshot of random rows over the pool's dimension tables, dated
    1970-01-01 … 2099-12-31 (as_of: the Sunday of its week, so up to 2100-01-03)."""
    day = draw(st.one_of(st.sampled_from([D("1970-01-01"), D("2099-12-31"), D("2026-11-22"),
                                          D("2027-03-31")]),
                         st.dates(D("1970-01-01"), D("2099-12-31"))))
    as_of = day + dt.timedelta(days=7 - day.isoweekday())  # the Sunday of its week (SPEC §3)
    # Dates: mostly near as_of (so the metrics see rows), sometimes anywhere up to it.
    days_back = st.one_of(st.integers(0, 400), st.integers(0, (as_of - D("1970-01-01")).days))
    past = days_back.map(lambda n: max(D("1970-01-01"), as_of - dt.timedelta(days=n)))
    anytime = st.one_of(past, st.dates(D("1970-01-01"), D("2099-12-31")))
    customer = st.sampled_from(list(HOME))
    dims = {name: [dict(r) for r in rows] for name, rows in DIMENSIONS.items()}
    dims["customers"][0]["name"] = draw(NAMES, label="customer name")
    dims["regions"][1]["name_en"] = draw(NAMES, label="region name")
    dims["products"][0]["name"] = draw(NAMES, label="product name")

    opps = []
    for k in range(draw(st.integers(0, 5), label="opportunities")):
        stage = draw(st.integers(1, 5))
        status = "won" if stage == 5 else draw(st.sampled_from(["open", "open", "lost"]))
        created = draw(past)
        closed = created + dt.timedelta(days=draw(st.integers(0, max(0, (as_of - created).days))))
        opps.append(opp_row(
            f"P{k}", _money(abs(draw(CENTS))), stage, status,
            draw(st.one_of(st.none(), anytime)), created, customer=draw(customer),
            line=draw(st.sampled_from(["PC", "NB", "Server", "Service"])), closed=closed,
            name=draw(NAMES), source=draw(st.sampled_from(["rep", "partner", "inbound"])),
            expected_margin_pct=draw(st.one_of(st.none(), st.floats(0, 1))),
            last_activity_date=draw(st.one_of(st.none(), past))))
    opp_ids = [o["opportunity_id"] for o in opps]
    maybe_opp = st.one_of(st.none(), st.sampled_from(opp_ids)) if opp_ids else st.none()
    orders = []
    for i in range(draw(st.integers(0, 6), label="order lines")):
        revenue = _money(draw(CENTS))
        orders.append(order_row(
            i, draw(past), revenue, _money(draw(CENTS)), customer=draw(customer),
            product=draw(st.sampled_from(list(LINE_OF))),
            channel=draw(st.sampled_from(["direct", "partner"])),
            discount_pct=draw(st.floats(0, 1)), special_price=draw(st.booleans()),
            opportunity_id=draw(maybe_opp),
            quantity=draw(st.integers(-5, -1)) if revenue < 0 else draw(st.integers(0, 5))))
    month = st.builds(lambda d: f"{d.year:04d}-{d.month:02d}", anytime)
    targets = {}
    for _ in range(draw(st.integers(0, 4), label="targets")):
        region, _, industry = HOME[draw(customer)]
        key = (draw(month), region, industry, draw(st.sampled_from(["PC", "NB", "Server", "X"])))
        targets[key] = {"fiscal_month": key[0], "region_id": region, "industry_id": industry,
                        "product_line": key[3], "revenue_target": _money(abs(draw(CENTS))),
                        "margin_target": _money(draw(CENTS))}
    activities = []
    for n in range(draw(st.integers(0, 4), label="activities")):
        who = draw(customer)
        activities.append({"activity_id": f"X{n}", "activity_date": draw(past),
                           "rep_id": HOME[who][1], "customer_id": who,
                           "type": draw(st.sampled_from(ACTIVITY_TYPES)),
                           "opportunity_id": draw(maybe_opp)})
    scores = [{"customer_id": c, "criterion": k, "score": float(draw(st.integers(1, 10)))}
              for c in draw(st.sets(st.sampled_from(list(HOME))), label="scored customers")
              for k in draw(st.sets(st.sampled_from(SCORE_CRITERIA), min_size=1))]
    tables = {**dims, "orders": orders, "opportunities": opps,
              "opportunity_history": history_of(opps), "targets": list(targets.values()),
              "activities": activities, "customer_scores": scores}
    # Blank cells, as an export with empty cells gives them: any column but the keys.
    for name in ("orders", "opportunities", "targets", "activities", "customers", "reps"):
        rows = tables[name]
        kept = (*TABLES[name].primary_key, "status", "stage", "closed_date")  # validation's
        columns = [c for c in TABLES[name].column_names if c not in kept]
        if rows and draw(st.booleans(), label=f"blanks in {name}"):
            for index, column in draw(st.lists(st.tuples(st.integers(0, len(rows) - 1),
                                                         st.sampled_from(columns)), max_size=4)):
                rows[index] = {**rows[index], column: None}
    # SPEC §9: any optional table may be missing; orders or opportunities stays.
    drop = set(draw(st.sets(st.sampled_from(["regions", "industries", "reps", "products",
                                             "customers", "targets", "activities",
                                             "customer_scores", "opportunity_history"]),
                            max_size=4), label="tables missing"))
    fact = draw(st.sampled_from(["both", "both", "orders", "opportunities"]), label="facts")
    if fact == "orders":
        drop |= {"opportunities", "opportunity_history"}
        for row in orders:
            row["opportunity_id"] = None
        for row in activities:
            row["opportunity_id"] = None
    elif fact == "opportunities":
        drop.add("orders")
    if "customers" in drop:  # derived customers hold only the ones the facts name
        drop |= {"customer_scores", "activities"}
    return as_of, {name: rows for name, rows in tables.items() if name not in drop}


WITHOUT_COMPARISON = sorted(n for n in BATTERY if "movement" not in n and "slipped" not in n)


@fast(8)
@given(snapshot=random_snapshot(), data=st.data(), fiscal=FISCAL,
       names=st.lists(st.sampled_from(WITHOUT_COMPARISON), min_size=8, max_size=10, unique=True))
def test_random_snapshots(fiscal_dirs, snapshot, data, fiscal, names):
    as_of, tables = snapshot
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        info = validate(write(root, as_of, tables))
        assert info.valid, info.errors
        use_fiscal(fiscal_dirs, fiscal)  # after validation, which reads the folder's own
        served_state = data.draw(views([info], info), label="view state")
        view = make_view(info, {**served_state, "compare": None})
        if view is None:
            return
        db = SnapshotDatabase()
        try:
            run_battery(db, info, (), view, [info], names)
        finally:
            db.close()


# ------------------------------------------------------------------------------ the report

SECTIONS = sorted(report.SECTIONS)


@st.composite
def report_args(draw, infos):
    ids = [i.snapshot_id for i in infos]
    args = ["--section", draw(st.sampled_from([*SECTIONS, *SECTIONS, "nope", ""]))]
    if draw(st.booleans()):
        args += ["--snapshot", draw(st.sampled_from(["latest", *ids, "2001-W01", "../x"]))]
    if draw(st.booleans()):
        args += ["--period", draw(st.one_of(st.sampled_from(["FY26Q3", "2026-W47", "2026-11"]),
                                            PERIOD_CODES))]
    for flag, known in (("--region", [r["region_id"] for r in REGIONS]),
                        ("--industry", [i["industry_id"] for i in INDUSTRIES]),
                        ("--product-line", ["PC", "NB", "Server", "Service"])):
        for value in draw(st.lists(st.sampled_from([*known, "NOPE", ""]), max_size=2)):
            args += [flag, value]
    if draw(st.booleans()):
        args += ["--compare", draw(st.sampled_from([*ids, "2001-W01"]))]
    if draw(st.booleans()):
        args += ["--channel", draw(st.sampled_from(["direct", "partner", "fax"]))]
    args += ["--format", draw(st.sampled_from(["json", "json", "csv", "markdown", "xml"]))]
    return args


def check_report_run(code: int, out: str, err: str, args: list[str]) -> None:
    assert code in (0, 2), (code, args)
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.splitlines()
    if code == 2:
        assert out == "" and len(lines) == 1 and lines[0].startswith("error: "), (args, err)
        return
    assert all(line.startswith("note: ") for line in lines) and len(lines) <= 1, err
    if args[args.index("--format") + 1] == "json":
        _check_money(json.loads(out))


def _check_money(value, key=None) -> None:
    """Money is in cents, no number is NaN or infinite."""
    if isinstance(value, dict):
        for k, v in value.items():
            _check_money(v, k)
    elif isinstance(value, list):
        for v in value:
            _check_money(v, key)
    elif isinstance(value, float):
        assert math.isfinite(value)
        if key in report.MONEY:
            assert round(value, 2) == value, (key, value)


@fast(40)
@given(data=st.data())
def test_report_with_random_arguments(pool, capsys, data):
    root, infos = pool
    args = ["--data-dir", str(root), *data.draw(report_args(infos), label="arguments")]
    code = report.main(args)
    out, err = capsys.readouterr()
    check_report_run(code, out, err, args)


@pytest.mark.parametrize("section, fmt", [
    *((section, "json") for section in SECTIONS if section != "pack"),
    ("pack", "pdf"),  # the executive pack is a file (tests/test_pack.py)
    *((section, fmt) for section in ("alerts", "pipeline", "regional_report")
      for fmt in ("csv", "markdown"))])
def test_every_report_section_on_the_usual_week(pool, capsys, tmp_path, section, fmt):
    root, _ = pool
    args = ["--data-dir", str(root), "--section", section, "--snapshot", "2026-W47",
            "--period", "FY26Q3", "--format", fmt,
            *(["--wins", "3"] if section == "funnel_calculator" else []),
            *(["--out", str(tmp_path / "pack.pdf")] if section == "pack" else [])]
    code = report.main(args)
    out, err = capsys.readouterr()
    check_report_run(code, out, err, args)
    assert code == 0, err


# ------------------------------------------------------------------- §5.2 waterfall reconciles

AS_OF_0, AS_OF_1 = D("2026-11-15"), D("2026-11-22")
DEAL_IDS = [f"D{i}" for i in range(8)]


@st.composite
def deal_states(draw, as_of: dt.date):
    """Opportunities of one snapshot: a random subset of DEAL_IDS, each in a random state."""
    close = st.one_of(st.dates(D("2026-08-01"), D("2027-06-30")), st.none())
    rows = []
    for oid in draw(st.lists(st.sampled_from(DEAL_IDS), unique=True, max_size=len(DEAL_IDS))):
        status = draw(st.sampled_from(["open", "open", "open", "won", "lost"]))
        stage = 5 if status == "won" else draw(st.integers(1, 4))
        rows.append(opp_row(
            oid, _money(draw(st.integers(0, 10**10))), stage, status, draw(close),
            D("2026-01-05"), customer=draw(st.sampled_from(list(HOME))),
            line=draw(st.sampled_from(["PC", "NB", "Server"])), closed=as_of,
            source=draw(st.sampled_from(["rep", "partner"]))))
    return rows


def _unvalidated(path: Path, as_of: dt.date, tables: dict) -> SnapshotInfo:
    """The SnapshotInfo validation would give (rows valid by construction), without its cost."""
    return SnapshotInfo(iso_week_id(as_of), path, as_of, True,
                        row_counts={name: len(rows) for name, rows in tables.items()})


def _in_view(row: dict, view: View) -> bool:
    channel = "partner" if row["source"] == "partner" else "direct"
    return (row["status"] == "open" and row["expected_close_date"] is not None
            and view.period.start <= row["expected_close_date"] <= view.period.end
            and (not view.regions or row["region_id"] in view.regions)
            and (not view.industries or row["industry_id"] in view.industries)
            and (not view.product_lines or row["product_line"] in view.product_lines)
            and (view.channel is None or channel == view.channel))


@fast(12)
@given(s0=deal_states(AS_OF_0), s1=deal_states(AS_OF_1),
       period=st.sampled_from(["FY26Q3", "2026-11", "2026-12", "2026-W47", "2026-W48", "FY26",
                               "FY26Q4", "2027-01"]),
       regions=filter_ids([r["region_id"] for r in REGIONS]),
       industries=filter_ids(["GOV", "E&D"]), lines=filter_ids(["PC", "NB", "Server"]),
       channel=st.sampled_from([None, "direct", "partner"]))
def test_movement_waterfall_reconciles_exactly(s0, s1, period, regions, industries, lines,
                                               channel):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        infos = []
        for as_of, rows in ((AS_OF_0, s0), (AS_OF_1, s1)):
            tables = full(opportunities=rows)
            infos.append(_unvalidated(write(root, as_of, tables), as_of, tables))
        before, now = infos
        view = View(now.snapshot_id, now.as_of, parse_period(period), regions, industries,
                    lines, channel, compare=before.snapshot_id)
        db = SnapshotDatabase()
        try:
            con = db.cursor(now, also=(before,))
            exact = pipeline.movement_exact(con, view)
            moved = pipeline.movement(con, view)
        finally:
            db.close()
    signed = sum((exact[name] for name in pipeline.MOVEMENTS), Decimal(0))
    assert exact["start"] + signed == exact["end"]  # exactly: Decimal money
    assert exact["start"] == sum((r["amount"] for r in s0 if _in_view(r, view)), Decimal(0))
    assert exact["end"] == sum((r["amount"] for r in s1 if _in_view(r, view)), Decimal(0))
    assert moved["start"] + sum(moved[n] for n in pipeline.MOVEMENTS) == \
        pytest.approx(moved["end"], abs=0.01)
    advanced = sum(1 for a in s0 for b in s1 if a["opportunity_id"] == b["opportunity_id"]
                   and _in_view(a, view) and _in_view(b, view) and b["stage"] > a["stage"])
    assert exact["advanced"] == advanced
