"""Fiscal calendar and periods (SPEC §2, §4, §9).

The fiscal year starts on the first of ``business.fiscal_year_start_month`` (default April: FY26 =
2026-04-01 … 2027-03-31, FY26Q3 = Oct–Dec 2026) and is named by the calendar year it starts in, or
ends in with ``business.fiscal_year_named_by = "end"``. Weeks are
ISO weeks (Mon–Sun) written ``2026-W47``; months ``2026-11``. Actuals run to date: from the period
start to min(period end, as_of). Pace = elapsed days ÷ days in period, both inclusive.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from data import config



def _start_month() -> int:
    return int(config.setting("business.fiscal_year_start_month"))


def _name_offset() -> int:
    """Years between the calendar year a fiscal year starts in and the year in its name."""
    named_by_end = config.setting("business.fiscal_year_named_by") == "end"
    return 1 if named_by_end and _start_month() != 1 else 0

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^FY(\d{2})Q([1-4])$")
_YEAR = re.compile(r"^FY(\d{2})$")

KINDS = ("week", "month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    """A reporting period: its canonical code, kind and inclusive date range."""

    code: str
    kind: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def to_date_end(self, as_of: dt.date) -> dt.date | None:
        """Last day of actuals under the to-date rule; None when as_of is before the period."""
        if as_of < self.start:
            return None
        return min(self.end, as_of)

    def elapsed_days(self, as_of: dt.date) -> int:
        end = self.to_date_end(as_of)
        return 0 if end is None else (end - self.start).days + 1

    def pace(self, as_of: dt.date) -> float:
        """Elapsed days ÷ days in period, both inclusive (FY26Q3 as of 2026-11-22: 53 ÷ 92)."""
        return self.elapsed_days(as_of) / self.days

    def previous(self) -> Period:
        """The period of the same kind just before this one (2026-11 → 2026-10, FY26Q1 →
        FY25Q4, 2026-W01 → 2025-W53)."""
        day = self.start - dt.timedelta(days=1)
        return {"week": week_of, "month": month_of, "quarter": quarter_of, "year": year_of}[
            self.kind](day)

    def months(self) -> list[Period]:
        """The calendar months that start inside the period (a quarter's three months)."""
        out, day = [], self.start
        while day <= self.end:
            if day.day == 1:
                out.append(month_of(day))
            day = month_of(day).end + dt.timedelta(days=1)
        return out

    def previous_year(self) -> Period:
        """The same period one fiscal year earlier (a week: the ISO week 52 weeks earlier)."""
        if self.kind == "week":
            return week_of(self.start - dt.timedelta(weeks=52))
        if self.kind == "month":
            return month_of(dt.date(self.start.year - 1, self.start.month, 1))
        if self.kind == "quarter":
            return quarter_of(dt.date(self.start.year - 1, self.start.month, 1))
        return year_of(dt.date(self.start.year - 1, self.start.month, 1))

    def like_for_like_range(self, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
        """The same number of elapsed days from the start of the period one year earlier."""
        elapsed = self.elapsed_days(as_of)
        if elapsed == 0:
            return None
        prior = self.previous_year()
        return prior.start, prior.start + dt.timedelta(days=elapsed - 1)

    def month_fractions(self) -> list[tuple[str, float]]:
        """Each calendar month the period touches, with the share of that month's days inside the
        period: a week's target is each month's target prorated by the week's days in it."""
        out = []
        month_start = self.start.replace(day=1)
        while month_start <= self.end:
            last = calendar.monthrange(month_start.year, month_start.month)[1]
            month_end = month_start.replace(day=last)
            overlap = (min(month_end, self.end) - max(month_start, self.start)).days + 1
            out.append((month_start.strftime("%Y-%m"), overlap / last))
            month_start = month_end + dt.timedelta(days=1)
        return out


def fiscal_year(day: dt.date) -> int:
    """The calendar year in which the fiscal year containing ``day`` starts (FY26 → 2026 with
    the default April start)."""
    return day.year if day.month >= _start_month() else day.year - 1


def fiscal_quarter(day: dt.date) -> int:
    return (day.month - _start_month()) % 12 // 3 + 1


def _fy_name(start_year: int) -> str:
    return f"FY{(start_year + _name_offset()) % 100:02d}"


def week_of(day: dt.date) -> Period:
    year, week, weekday = day.isocalendar()
    start = day - dt.timedelta(days=weekday - 1)
    return Period(f"{year}-W{week:02d}", "week", start, start + dt.timedelta(days=6))


def month_of(day: dt.date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period(f"{day.year}-{day.month:02d}", "month", day.replace(day=1), day.replace(day=last))


def quarter_of(day: dt.date) -> Period:
    first = _add_months(dt.date(fiscal_year(day), _start_month(), 1), 3 * (fiscal_quarter(day) - 1))
    return Period(f"{_fy_name(fiscal_year(day))}Q{fiscal_quarter(day)}", "quarter", first,
                  month_of(_add_months(first, 2)).end)


def year_of(day: dt.date) -> Period:
    start = dt.date(fiscal_year(day), _start_month(), 1)
    return Period(_fy_name(start.year), "year", start,
                  _add_months(start, 12) - dt.timedelta(days=1))


def parse_period(text: str) -> Period:
    """Parse ``2026-W47``, ``2026-11``, ``FY26Q3`` or ``FY26``; ValueError otherwise."""
    text = (text or "").strip()
    if m := _WEEK.match(text):
        year, week = int(m[1]), int(m[2])
        try:
            start = dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{text!r}: {year} has no ISO week {week}") from None
        return Period(text, "week", start, start + dt.timedelta(days=6))
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r}: month must be 01–12")
        return month_of(dt.date(year, month, 1))
    if m := _QUARTER.match(text):
        start_year, quarter = 2000 + int(m[1]) - _name_offset(), int(m[2])
        return quarter_of(_add_months(dt.date(start_year, _start_month(), 1), 3 * (quarter - 1)))
    if m := _YEAR.match(text):
        return year_of(dt.date(2000 + int(m[1]) - _name_offset(), _start_month(), 1))
    raise ValueError(f"{text!r} is not a period (2026-W47, 2026-11, FY26Q3 or FY26)")


def default_period(as_of: dt.date) -> Period:
    """The fiscal quarter containing the snapshot date: what the weekly review looks at."""
    return quarter_of(as_of)


def period_choices(as_of: dt.date) -> list[str]:
    """Periods offered in the filter: recent weeks, months, quarters and fiscal years."""
    weeks = [week_of(as_of - dt.timedelta(weeks=i)).code for i in range(13)]
    months = []
    day = as_of.replace(day=1)
    for _ in range(12):
        months.append(month_of(day).code)
        day = (day - dt.timedelta(days=1)).replace(day=1)
    quarters = []
    q = quarter_of(as_of)
    for _ in range(8):
        quarters.append(q.code)
        q = quarter_of(q.start - dt.timedelta(days=1))
    years = [year_of(as_of).code, year_of(year_of(as_of).start - dt.timedelta(days=1)).code]
    return quarters[:1] + weeks + months + quarters[1:] + years


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
