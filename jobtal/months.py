"""Months as the contract writes them: 'YYYY-MM'."""

from __future__ import annotations

import re
from datetime import date, datetime

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> tuple[int, int]:
    match = MONTH_PATTERN.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a month of the form YYYY-MM")
    return int(match[1]), int(match[2])


def next_month(month: str) -> str:
    year, mon = parse_month(month)
    return f"{year + mon // 12}-{mon % 12 + 1:02d}"


def previous_month(month: str) -> str:
    year, mon = parse_month(month)
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from first to last, both included."""
    if parse_month(first) > parse_month(last):
        raise ValueError(f"the month range {first}..{last} is empty")
    months = [first]
    while months[-1] != last:
        months.append(next_month(months[-1]))
    return months


def reference_month(created: datetime | date) -> str:
    """The last complete month before the extract date: the month before the one it falls in."""
    return previous_month(f"{created.year}-{created.month:02d}")
