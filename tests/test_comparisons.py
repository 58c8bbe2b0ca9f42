"""The change from a year earlier and the neighbour mean, on a hand-made table of values."""

from __future__ import annotations

import duckdb

from jobtal.comparisons import compare
from jobtal.indicators.engine import load_definitions


def test_change_from_the_same_month_a_year_earlier_and_the_neighbours():
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE areas AS SELECT * FROM (VALUES "
        "(11, 'kommune', '11'), (11, 'region', '1'), (11, 'kommunegruppe', '1'), "
        "(11, 'land', 'DK'), (12, 'kommune', '12'), (12, 'region', '1'), "
        "(12, 'kommunegruppe', '1'), (12, 'land', 'DK'), (13, 'kommune', '13'), "
        "(13, 'region', '1'), (13, 'kommunegruppe', '1'), (13, 'land', 'DK')) "
        "AS t(municipality_code, area_type, area_code)"
    )
    con.execute(
        "CREATE TABLE neighbours AS SELECT * FROM (VALUES (11, 12), (11, 13), (12, 11), (13, 11))"
        " AS t(municipality_code, neighbour_code)"
    )
    values = [
        # (area, period, value); 13 is suppressed in 2025-01
        ("kommune", "11", "2024-01", 2.04),
        ("kommune", "11", "2024-02", 9.9),
        ("kommune", "11", "2025-01", 2.56),
        ("kommune", "12", "2025-01", 3.0),
        ("kommune", "13", "2025-01", None),
        ("region", "1", "2025-01", 2.8),
        ("kommunegruppe", "1", "2025-01", 2.8),
        ("land", "DK", "2025-01", 2.5),
    ]
    con.execute(
        "CREATE TABLE protected_values (indicator VARCHAR, area_type VARCHAR, area_code VARCHAR, "
        "period VARCHAR, benefit VARCHAR, sex VARCHAR, age_group VARCHAR, value DOUBLE, "
        "flag VARCHAR)"
    )
    con.executemany(
        "INSERT INTO protected_values VALUES "
        "('andel_befolkning', ?, ?, ?, 'alle', 'alle', 'alle', ?, NULL)",
        values,
    )
    compare(con, load_definitions())
    row = con.execute(
        "SELECT value, change_from_last_year, rank, ranked_of, neighbour_mean, "
        "neighbours_published, region_value, country_value FROM comparisons "
        "WHERE municipality_code = 11 AND period = '2025-01'"
    ).fetchone()
    # as published, to one decimal: 2.6 - 2.0 (January 2024, not February); the neighbours
    # 12 (3.0) and 13 (suppressed): a mean of one; 12 ranks above 11, 13 is not ranked
    assert [None if v is None else float(v) for v in row] == [
        2.6,
        0.6,
        2,
        2,
        3.0,
        1,
        2.8,
        2.5,
    ]
