"""ISO weeks for the internal edition (SPEC section 9), worked out from a calendar by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from jobtal.weeks import monday, reference_week, sunday, week_of, week_range


def test_week_1_of_2025_starts_on_30_december_2024():
    assert week_of(date(2024, 12, 30)) == "2025-W01"
    assert week_of(date(2024, 12, 29)) == "2024-W52"  # a Sunday: 2024 has 52 weeks
    assert monday("2025-W01") == date(2024, 12, 30)
    assert sunday("2025-W01") == date(2025, 1, 5)


def test_a_week_that_spans_two_months():
    # Monday 28 April to Sunday 4 May 2025: it belongs to the caseworker of 4 May
    assert [week_of(date(2025, 4, 28)), week_of(date(2025, 5, 4))] == ["2025-W18"] * 2
    assert sunday("2025-W18") == date(2025, 5, 4)


def test_the_reference_week_is_the_last_complete_one_before_the_extract():
    # Wednesday 8 January 2025: the week of 30 December to 5 January is the last complete one
    assert reference_week(datetime(2025, 1, 8, 6, tzinfo=UTC)) == "2025-W01"
    # made on a Monday morning: the week that ended the day before
    assert reference_week(date(2025, 1, 13)) == "2025-W02"
    # made on a Sunday: that week is not complete yet
    assert reference_week(date(2025, 1, 12)) == "2025-W01"


def test_week_ranges_cross_the_year_and_53_week_years():
    assert week_range("2020-W52", "2021-W02") == ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]
    assert week_range("2024-W52", "2025-W01") == ["2024-W52", "2025-W01"]
    with pytest.raises(ValueError):
        monday("2025-W53")  # 2025 has 52 weeks
    with pytest.raises(ValueError):
        week_range("2025-W02", "2025-W01")
