"""Fiscal calendar and period parsing (SPEC §2, §4)."""

from __future__ import annotations

import pytest

from metrics.periods import (default_period, fiscal_quarter, fiscal_year, parse_period,
                             period_choices)
from tests.builders import D


@pytest.mark.parametrize("code, kind, start, end", [
    ("2026-W47", "week", "2026-11-16", "2026-11-22"),
    ("2026-11", "month", "2026-11-01", "2026-11-30"),
    ("FY26Q3", "quarter", "2026-10-01", "2026-12-31"),
    ("FY26Q4", "quarter", "2027-01-01", "2027-03-31"),
    ("FY26Q1", "quarter", "2026-04-01", "2026-06-30"),
    ("FY26", "year", "2026-04-01", "2027-03-31"),
    ("2026-W53", "week", "2026-12-28", "2027-01-03"),  # 2026 has an ISO week 53
    ("2028-02", "month", "2028-02-01", "2028-02-29"),
])
def test_parse_period(code, kind, start, end):
    p = parse_period(code)
    assert (p.code, p.kind, p.start, p.end) == (code, kind, D(start), D(end))


@pytest.mark.parametrize("bad", ["", "garbage", "2025-W53", "2026-W00", "2026-13", "FY26Q5",
                                 "fy26", "2026-11-01", "FY2026"])
def test_bad_periods_raise_value_error(bad):
    with pytest.raises(ValueError):
        parse_period(bad)


def test_fiscal_year_boundary_in_april():
    assert fiscal_year(D("2026-03-31")) == 2025 and fiscal_quarter(D("2026-03-31")) == 4
    assert fiscal_year(D("2026-04-01")) == 2026 and fiscal_quarter(D("2026-04-01")) == 1
    assert default_period(D("2026-11-22")).code == "FY26Q3"
    assert default_period(D("2027-01-03")).code == "FY26Q4"


def test_pace_is_inclusive_elapsed_over_days():
    q = parse_period("FY26Q3")
    assert q.days == 92
    assert q.elapsed_days(D("2026-11-22")) == 53
    assert q.pace(D("2026-11-22")) == pytest.approx(53 / 92)
    assert q.pace(D("2026-09-30")) == 0 and q.pace(D("2027-02-01")) == 1
    assert q.to_date_end(D("2026-09-30")) is None
    assert q.to_date_end(D("2027-02-01")) == D("2026-12-31")


def test_week_spanning_two_months_prorates_targets():
    w = parse_period("2026-W44")  # Mon 26 Oct – Sun 1 Nov
    assert w.month_fractions() == [("2026-10", pytest.approx(6 / 31)),
                                   ("2026-11", pytest.approx(1 / 30))]
    assert parse_period("FY26Q3").month_fractions() == [("2026-10", 1.0), ("2026-11", 1.0),
                                                        ("2026-12", 1.0)]


@pytest.mark.parametrize("code, as_of, prior_start, prior_end", [
    ("FY26Q3", "2026-11-22", "2025-10-01", "2025-11-22"),
    ("FY26", "2026-11-22", "2025-04-01", "2025-11-22"),
    ("2026-11", "2026-11-22", "2025-11-01", "2025-11-22"),
    ("2026-W47", "2026-11-22", "2025-11-17", "2025-11-23"),  # 2025-W47
    ("2026-W53", "2027-01-03", "2025-12-29", "2026-01-04"),  # no 2025-W53: 52 weeks back
    # 91 elapsed days including 29 Feb 2028; the same 91 days from 2027-01-01 end on 1 April.
    ("FY27Q4", "2028-03-31", "2027-01-01", "2027-04-01"),
])
def test_like_for_like_range(code, as_of, prior_start, prior_end):
    p = parse_period(code)
    start, end = p.like_for_like_range(D(as_of))
    assert (start, end) == (D(prior_start), D(prior_end))
    assert (end - start).days + 1 == p.elapsed_days(D(as_of))


def test_period_choices_start_with_the_default_and_are_all_valid():
    choices = period_choices(D("2026-11-22"))
    assert choices[0] == "FY26Q3"
    assert {"2026-W47", "2026-11", "FY26", "FY25"} <= set(choices)
    assert len(choices) == len(set(choices))
    for code in choices:
        assert parse_period(code).code == code
