"""Fiscal calendar and periods (SPEC §2, §4, §9).

The fiscal year starts on the first of ``business.fiscal_year_start_month`` (default April: FY26 =
2026-04-01 … 2027-03-31, FY26Q3 = Oct–Dec 2026) and is named by the calendar year it starts in, or
ends in with ``business.fiscal_year_named_by = "end"``. Weeks are
ISO weeks (Mon–Sun) written ``2026-W47``; months ``2026-11``. Actuals run to date: from the period
start to min(period end, as_of). Pace = elapsed days ÷ days in period, both inclusive.

Supported years (SPEC §8: any period from year 1 to 9999 gives a message, never a traceback):
``parse_period`` accepts weeks and months of the years ``MIN_YEAR`` … ``MAX_YEAR`` (3 … 9997) and
raises ``ValueError("… outside the supported years 0003–9997")`` for the others. The margin of two
years at either end of Python's date range (0001-01-01 … 9999-12-31) keeps every ``Period`` method
and the arithmetic the metrics do around a period (the previous period, the same period a fiscal
year earlier, the fiscal quarter before the one it starts in, a 13-week baseline, the fiscal year
that contains it for any fiscal start month) inside that range. Fiscal names are two digits,
FY00 … FY99 = 2000 … 2099 (named by their start or end year), always inside it. Every function
here raises only ``ValueError`` for a date it cannot place: a fiscal quarter or year that would
begin before 0001-01-01 or end after 9999-12-31 (``quarter_of``, ``year_of``); ``default_period``
and ``period_choices`` never raise for any date (see there).
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

MIN_YEAR = 3
MAX_YEAR = 9997


def _outside(what: str) -> ValueError:
    return ValueError(f"{what} is outside the supported years {MIN_YEAR:04d}–{MAX_YEAR:04d}")


def _plus_days(day: dt.date, days: int) -> dt.date:
    """``day`` + ``days``; ValueError (not OverflowError) past Python's date range."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        raise _outside(f"{day.isoformat()} {'+' if days >= 0 else '−'} {abs(days)} days") from None


def _first_of_month(year: int, month: int) -> dt.date:
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise _outside(f"the month {year}-{month:02d}")
    return dt.date(year, month, 1)


# ASCII digits only (``\d`` would also read "２０２６-11"); \Z: no trailing line break either.
_WEEK = re.compile(r"^([0-9]{4})-W([0-9]{2})\Z")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})\Z")
_QUARTER = re.compile(r"^FY([0-9]{2})Q([1-4])\Z")
_YEAR = re.compile(r"^FY([0-9]{2})\Z")

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
        day = _plus_days(self.start, -1)
        return {"week": week_of, "month": month_of, "quarter": quarter_of, "year": year_of}[
            self.kind](day)

    def months(self) -> list[Period]:
        """The calendar months that start inside the period (a quarter's three months)."""
        out, day = [], self.start
        while day <= self.end:
            if day.day == 1:
                out.append(month_of(day))
            day = _plus_days(month_of(day).end, 1)
        return out

    def previous_year(self) -> Period:
        """The same period one fiscal year earlier (a week: the ISO week 52 weeks earlier)."""
        if self.kind == "week":
            return week_of(_plus_days(self.start, -7 * 52))
        earlier = _first_of_month(self.start.year - 1, self.start.month)
        return {"month": month_of, "quarter": quarter_of, "year": year_of}[self.kind](earlier)

    def like_for_like_range(self, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
        """The same number of elapsed days from the start of the period one year earlier."""
        elapsed = self.elapsed_days(as_of)
        if elapsed == 0:
            return None
        prior = self.previous_year()
        return prior.start, _plus_days(prior.start, elapsed - 1)

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
            if month_end >= self.end:
                break
            month_start = _plus_days(month_end, 1)
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
    """The ISO week containing ``day`` (ValueError for the two partial weeks at the very ends of
    Python's date range)."""
    year, week, weekday = day.isocalendar()
    start = _plus_days(day, 1 - weekday)
    return Period(f"{year:04d}-W{week:02d}", "week", start, _plus_days(start, 6))


def month_of(day: dt.date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period(f"{day.year:04d}-{day.month:02d}", "month", day.replace(day=1),
                  day.replace(day=last))


def quarter_of(day: dt.date) -> Period:
    """The fiscal quarter containing ``day``; ValueError when its fiscal year is not made of real
    dates (it would begin before 0001-01-01)."""
    start_year = fiscal_year(day)
    try:
        first = _add_months(_first_of_month(start_year, _start_month()),
                            3 * (fiscal_quarter(day) - 1))
        end = month_of(_add_months(first, 2)).end
    except ValueError:
        raise _outside(f"the fiscal quarter containing {day.isoformat()}") from None
    return Period(f"{_fy_name(start_year)}Q{fiscal_quarter(day)}", "quarter", first, end)


def year_of(day: dt.date) -> Period:
    """The fiscal year containing ``day``; ValueError when it would begin before 0001-01-01 or end
    after 9999-12-31."""
    try:
        start = _first_of_month(fiscal_year(day), _start_month())
        end = _plus_days(_add_months(start, 12), -1)
    except ValueError:
        raise _outside(f"the fiscal year containing {day.isoformat()}") from None
    return Period(_fy_name(start.year), "year", start, end)


def parse_period(text: str) -> Period:
    """Parse ``2026-W47``, ``2026-11``, ``FY26Q3`` or ``FY26``; ValueError otherwise, also for a
    week or month outside the supported years ``MIN_YEAR`` … ``MAX_YEAR``."""
    text = (text or "").strip()
    if m := _WEEK.match(text):
        year, week = int(m[1]), int(m[2])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise _outside(f"{text!r}: the year {year}")
        try:
            start = dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{text!r}: {year} has no ISO week {week}") from None
        return Period(f"{year:04d}-W{week:02d}", "week", start, _plus_days(start, 6))
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r}: month must be 01–12")
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise _outside(f"{text!r}: the year {year}")
        return month_of(dt.date(year, month, 1))
    if m := _QUARTER.match(text):
        start_year, quarter = 2000 + int(m[1]) - _name_offset(), int(m[2])
        return quarter_of(_add_months(dt.date(start_year, _start_month(), 1), 3 * (quarter - 1)))
    if m := _YEAR.match(text):
        return year_of(dt.date(2000 + int(m[1]) - _name_offset(), _start_month(), 1))
    raise ValueError(f"{text!r} is not a period (2026-W47, 2026-11, FY26Q3 or FY26)")


_FIRST_SUPPORTED = dt.date(MIN_YEAR, 1, 1)
_LAST_SUPPORTED = dt.date(MAX_YEAR, 12, 31)


def default_period(as_of: dt.date) -> Period:
    """The fiscal quarter containing the snapshot date: what the weekly review looks at. Never
    raises: a date outside the supported years takes the quarter of the nearest supported day."""
    return quarter_of(min(max(as_of, _FIRST_SUPPORTED), _LAST_SUPPORTED))


def period_choices(as_of: dt.date) -> list[str]:
    """Periods offered in the filter: recent weeks, months, quarters and fiscal years. Never
    raises; only codes ``parse_period`` reads back as the same dates are offered (near the ends of
    the supported years, and for fiscal periods outside FY00–FY99 = 2000–2099, fewer)."""
    def chain(first, step, count: int) -> list[Period]:
        out = []
        try:
            period = first()
            for _ in range(count):
                out.append(period)
                period = step(period)
        except ValueError:  # ran past the dates Python can hold
            pass
        return out

    before = lambda of: lambda p: of(_plus_days(p.start, -1))  # noqa: E731
    weeks = chain(lambda: week_of(as_of), before(week_of), 13)
    months = chain(lambda: month_of(as_of), before(month_of), 12)
    quarters = chain(lambda: quarter_of(as_of), before(quarter_of), 8)
    years = chain(lambda: year_of(as_of), before(year_of), 2)
    return [p.code for p in quarters[:1] + weeks + months + quarters[1:] + years
            if _reads_back(p)]


def _reads_back(period: Period) -> bool:
    try:
        parsed = parse_period(period.code)
    except ValueError:
        return False
    return (parsed.start, parsed.end) == (period.start, period.end)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return _first_of_month(index // 12, index % 12 + 1)
