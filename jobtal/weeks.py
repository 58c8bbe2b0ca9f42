"""ISO weeks as the internal edition writes them (SPEC section 9): 'YYYY-Www', Monday to Sunday,
the year being the ISO year (week 1 is the week with the year's first Thursday, so week 1 of
2025 starts on Monday 30 December 2024). Python's `date.isocalendar` and `date.fromisocalendar`
do the calendar; this module only names weeks and ranges of them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

WEEK_PATTERN = re.compile(r"^(\d{4})-W(0[1-9]|[1-4][0-9]|5[0-3])$")


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday(week: str) -> date:
    """The week's first day; raises ValueError for a week the calendar lacks (2025-W53)."""
    match = WEEK_PATTERN.match(week)
    if not match:
        raise ValueError(f"{week!r} is not a week of the form YYYY-Www")
    return date.fromisocalendar(int(match[1]), int(match[2]), 1)


def sunday(week: str) -> date:
    """The week's last day: the day whose caseworker a citizen belongs to (SPEC section 9)."""
    return monday(week) + timedelta(days=6)


def reference_week(created: datetime | date) -> str:
    """The last complete week before the extract date: the week before the one it falls in
    (an extract made on a Sunday still leaves that week incomplete)."""
    day = created.date() if isinstance(created, datetime) else created
    return week_of(day - timedelta(days=7))


def week_range(first: str, last: str) -> list[str]:
    """Every week from first to last, both included."""
    start, end = monday(first), monday(last)
    if start > end:
        raise ValueError(f"the week range {first}..{last} is empty")
    return [week_of(start + timedelta(weeks=n)) for n in range((end - start).days // 7 + 1)]
