"""The change from a year earlier, the neighbour mean, the rank's direction and the minister's
targets per 1,000 inhabitants, on hand-made tables of values."""

from __future__ import annotations

import duckdb

from jobtal.comparisons import compare
from jobtal.indicators.engine import load_definitions


def three_jobcentres(population: list[tuple] = ()) -> duckdb.DuckDBPyConnection:
    """Jobcentres 11, 12 and 13 in region 1, group 1 and the country; 11 neighbours 12 and 13.
    population: (area_type, area_code, month, persons aged 16-66)."""
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
    con.execute(
        "CREATE TABLE population_cells (area_type VARCHAR, area_code VARCHAR, month VARCHAR, "
        "sex VARCHAR, age_group VARCHAR, persons BIGINT)"
    )
    for row in population:
        con.execute("INSERT INTO population_cells VALUES (?, ?, ?, 'k', '16-24', ?)", row)
    con.execute(
        "CREATE TABLE protected_values (indicator VARCHAR, area_type VARCHAR, area_code VARCHAR, "
        "period VARCHAR, benefit VARCHAR, sex VARCHAR, age_group VARCHAR, value DOUBLE, "
        "flag VARCHAR)"
    )
    return con


def test_change_from_the_same_month_a_year_earlier_and_the_neighbours():
    con = three_jobcentres()
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
    # 12 (3.0) and 13 (suppressed): a mean of one; a lower share is better, so 11 ranks first,
    # above 12; 13 is not ranked
    assert [None if v is None else float(v) for v in row] == [
        2.6,
        0.6,
        1,
        2,
        3.0,
        1,
        2.8,
        2.5,
    ]


def test_the_targets_are_compared_per_1000_inhabitants_with_the_lowest_first():
    population = [
        ("kommune", "11", "2024-01", 1000),
        ("kommune", "11", "2025-01", 1000),
        ("kommune", "12", "2025-01", 2500),
        ("kommune", "13", "2025-01", 300),
        ("region", "1", "2025-01", 3800),
        ("kommunegruppe", "1", "2025-01", 3800),
        ("land", "DK", "2025-01", 3800),
    ]
    con = three_jobcentres(population)
    # the labour reserve in full-time persons, published to whole numbers (7.4 as 7)
    values = [
        ("kommune", "11", "2024-01", 33.0),
        ("kommune", "11", "2025-01", 30.0),
        ("kommune", "12", "2025-01", 50.0),
        ("kommune", "13", "2025-01", 7.4),
        ("region", "1", "2025-01", 87.4),
        ("kommunegruppe", "1", "2025-01", 87.4),
        ("land", "DK", "2025-01", 87.4),
    ]
    con.executemany(
        "INSERT INTO protected_values VALUES "
        "('arbejdskraftreserve', ?, ?, ?, 'alle', 'alle', 'alle', ?, NULL)",
        values,
    )
    compare(con, load_definitions())
    rows = con.execute(
        "SELECT municipality_code, value, compared_as, compared_value, rank, ranked_of, "
        "change_from_last_year, country_value FROM comparisons "
        "WHERE period = '2025-01' ORDER BY municipality_code"
    ).fetchall()
    numbers = [tuple(v if isinstance(v, str) or v is None else float(v) for v in r) for r in rows]
    # per 1,000: 11 30 / 1000 = 30.0 (a year before 33.0, so -3.0); 12 50 / 2500 = 20.0;
    # 13 7 / 300 = 23.3; the country 87 / 3800 = 22.9. Fewer is better: 12, 13, 11
    assert numbers == [
        (11, 30.0, "per_1000", 30.0, 3, 3, -3.0, 22.9),
        (12, 50.0, "per_1000", 20.0, 1, 3, None, 22.9),
        (13, 7.0, "per_1000", 23.3, 2, 3, None, 22.9),
    ]


def test_a_suppressed_count_has_no_rate_and_no_rank():
    con = three_jobcentres([("kommune", "11", "2025-01", 1000), ("land", "DK", "2025-01", 1000)])
    con.executemany(
        "INSERT INTO protected_values VALUES "
        "('unge_paa_ydelse', ?, ?, '2025-01', 'alle', 'alle', 'alle', ?, ?)",
        [("kommune", "11", None, "suppressed"), ("region", "1", 40.0, None),
         ("kommunegruppe", "1", 40.0, None), ("land", "DK", 40.0, None)],
    )  # fmt: skip
    compare(con, load_definitions())
    row = con.execute(
        "SELECT compared_value, rank, country_value FROM comparisons WHERE municipality_code = 11"
    ).fetchone()
    assert row[0] is None and row[1] is None
    assert float(row[2]) == 40.0  # the country: 40 per 1,000 of its 1,000
