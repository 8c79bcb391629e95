"""The official working calendar: weekends, public holidays and make-up working days (调休).

Deadlines count working days on it. Sources, in order:

1. days an administrator entered (`CalendarDay`), for a year the package does not know yet
   (the State Council publishes next year's schedule each November);
2. the chinese-calendar package;
3. for a year with neither, plain weekends — the calendar page then warns that the year's
   official schedule is missing. Linli never fails for lack of calendar data.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

import chinese_calendar
from django.utils import timezone

from linli.cases.models import CalendarDay


def _package_years() -> range:
    years = sorted({d.year for d in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)


PACKAGE_YEARS = _package_years()


_entered: dict[str, Any] = {}
CACHE_SECONDS = 60


def _entered_days() -> dict[date, bool]:
    """Every day administrators entered (a few dozen a year), read at most once a minute
    per process: every new case asks the calendar for its deadline."""
    now = time.monotonic()
    if _entered.get("until", 0) < now:
        _entered.update(
            days=dict(CalendarDay.objects.values_list("date", "working")),
            until=now + CACHE_SECONDS,
        )
    return _entered["days"]


def calendar_changed() -> None:
    _entered.clear()


def entered_years() -> set[int]:
    return {d.year for d in _entered_days()}


def year_is_known(year: int, entered: set[int] | None = None) -> bool:
    """Whether the official schedule of `year` is known (package or administrator)."""
    if entered is None:
        entered = entered_years()
    return year in PACKAGE_YEARS or year in entered


class WorkingCalendar:
    """Answers "is this a working day?" for a span of dates with one database query."""

    def __init__(self, start: date, end: date) -> None:
        days = _entered_days()
        self.entered = {d: w for d, w in days.items() if start <= d <= end}
        self.entered_years = {d.year for d in days}

    def is_working(self, day: date) -> bool:
        if day in self.entered:
            return self.entered[day]
        if day.year in self.entered_years:
            # An entered year lists its exceptions; other days follow the week.
            return day.weekday() < 5
        if day.year in PACKAGE_YEARS:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start`.

    Steps:
    1. Work in local time (Asia/Shanghai): a working day is a calendar date.
    2. Walk forward one date at a time, counting only working dates, until `days` are
       counted; the deadline is that date at the start's clock time.
    3. The start day itself never counts, working or not: a report on Sunday at 20:00
       with 1 working day is due Monday at 20:00.
    """
    local = timezone.localtime(start) if timezone.is_aware(start) else start
    if days <= 0:
        return start
    # A generous window: even the Spring Festival week and weekends leave 3 working days
    # in 7, so 3 × days + 14 calendar days always contain `days` working days.
    calendar = WorkingCalendar(local.date(), local.date() + timedelta(days=days * 3 + 14))
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_working(day):
            counted += 1
    return datetime.combine(day, clock(local.hour, local.minute, local.second), local.tzinfo)


def month_days(year: int, month: int) -> list[dict[str, object]]:
    """The days of one month for the calendar page: date, working, where the answer came from."""
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    calendar = WorkingCalendar(first, last)
    rows = []
    day = first
    while day <= last:
        name = ""
        if day in calendar.entered or day.year in calendar.entered_years:
            source = "entered"
        elif day.year in PACKAGE_YEARS:
            source = "package"
            _on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
            name = holiday or ""
        else:
            source = "weekend_rule"
        rows.append(
            {"date": day, "working": calendar.is_working(day), "source": source, "name": name}
        )
        day += timedelta(days=1)
    return rows
