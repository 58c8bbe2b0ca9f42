"""The workbooks' published totals, shared out column-wise to the jobs and sorted into sheets in
the workers (jobtal.publish.workbooks.Totals), against the plain way: one pass over the rows in
published order, each put into its sheet's dict. The sheets' cells, and the order of every
dict (which is the order of the workbooks' columns and sheets), must be the same."""

from __future__ import annotations

import math
import pickle

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobtal.publish.workbooks import Totals, indicator_benefits, jobcentre_areas

AREAS = [
    ("kommune", "101"),
    ("kommune", "147"),
    ("kommune", "999"),
    ("kommunegruppe", "1"),
    ("region", "1084"),
    ("land", "DK"),
]
NAMES = {area: f"name of {area[1]}" for area in AREAS}

published_row = st.tuples(
    st.sampled_from(["personer", "afgang", "varighed"]),  # indicator
    st.sampled_from(["alle", "dagpenge", "kontanthjaelp"]),  # benefit
    st.sampled_from(AREAS),
    st.sampled_from(["2024-01", "2024-02", "2023-12"]),  # period
    st.sampled_from(["alle", "alle", "alle", "K"]),  # sex: a row not among the totals too
    st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=32)),
    st.sampled_from([None, "", "suppressed", "provisional"]),  # flag
)


def published_table(rows) -> duckdb.DuckDBPyConnection:
    """A `published` table of these rows, in this order, one row per key as the build's."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE published (indicator VARCHAR, benefit VARCHAR, area_type VARCHAR, "
        "area_code VARCHAR, area_name VARCHAR, period VARCHAR, sex VARCHAR, age_group VARCHAR, "
        "value DOUBLE, flag VARCHAR)"
    )
    seen = set()
    for indicator, benefit, (area_type, code), period, sex, value, flag in rows:
        key = (indicator, benefit, area_type, code, period, sex)
        if key in seen:
            continue
        seen.add(key)
        con.execute(
            "INSERT INTO published VALUES (?, ?, ?, ?, ?, ?, ?, 'alle', ?, ?)",
            [indicator, benefit, area_type, code, NAMES[area_type, code], period, sex, value, flag],
        )
    return con


def sorted_plainly(con):
    """The sheets' cells as a pass over the rows makes them."""
    by_indicator, own, compared = {}, {}, {}
    for indicator, benefit, area_type, code, period, value, flag in con.execute(
        "SELECT indicator, benefit, area_type, area_code, period, value, coalesce(flag, '') "
        "FROM published WHERE sex = 'alle' AND age_group = 'alle' ORDER BY rowid"
    ).fetchall():
        cell = (value, flag)
        by_indicator.setdefault(indicator, {}).setdefault(benefit, {})
        by_indicator[indicator][benefit][period, (area_type, code)] = cell
        if area_type == "kommune":
            sheet = own.setdefault(code, {}).setdefault(indicator, {})
            sheet[period, (area_type, code, benefit)] = cell
        elif benefit == "alle":
            sheet = compared.setdefault((area_type, code), {}).setdefault(indicator, {})
            sheet[period, (area_type, code, benefit)] = cell
    return by_indicator, own, compared


def in_order(nested):
    """A dict of dicts as lists of items, so that comparing them compares the order too."""
    if isinstance(nested, dict):
        return [(key, in_order(value)) for key, value in nested.items()]
    return nested


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(published_row, max_size=60))
def test_totals_sorted_in_the_workers_are_the_plain_sorting(rows):
    con = published_table(rows)
    by_indicator, own, compared = sorted_plainly(con)
    totals = pickle.loads(pickle.dumps(Totals.read(con)))  # as a worker gets them

    assert totals.words["indicator"] == list(by_indicator)  # the indicator workbooks' order
    for indicator, benefits in by_indicator.items():
        rows_of = totals.take(totals.where(indicator=indicator))
        assert in_order(indicator_benefits(rows_of)) == in_order(benefits)
    for area_type, code in AREAS:
        if area_type == "kommune":
            chosen = totals.where(area_type=area_type, area_code=code)
            expected = own.get(code, {})
        else:
            chosen = totals.where(area_type=area_type, area_code=code, benefit="alle")
            expected = compared.get((area_type, code), {})
        [sorted_area] = jobcentre_areas([totals.take(chosen)])
        assert in_order(sorted_area) == in_order(expected)


def test_a_missing_value_is_none_and_a_word_no_row_holds_chooses_nothing():
    con = published_table(
        [
            ("personer", "alle", ("kommune", "101"), "2024-01", "alle", None, "suppressed"),
            ("personer", "alle", ("kommune", "101"), "2024-02", "alle", 2.5, None),
        ]
    )
    totals = Totals.read(con)
    [area] = jobcentre_areas([totals.take(totals.where(area_code="101"))])
    assert area == {
        "personer": {
            ("2024-01", ("kommune", "101", "alle")): (None, "suppressed"),
            ("2024-02", ("kommune", "101", "alle")): (2.5, ""),
        }
    }
    assert not math.isnan(area["personer"]["2024-02", ("kommune", "101", "alle")][0])
    assert len(totals.where(area_code="147")) == 0
    assert jobcentre_areas([totals.take(totals.where(area_code="147"))]) == [{}]
    assert indicator_benefits(totals.take(totals.where(indicator="afgang"))) == {}
