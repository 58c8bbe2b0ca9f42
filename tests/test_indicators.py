"""Indicator values on the tiny extract (tests/tiny_extract.py), each worked out by hand."""

from __future__ import annotations

import duckdb
import pytest

from jobtal.disclosure import protect
from jobtal.extracts.package import load_package
from jobtal.extracts.validate import validate_into
from jobtal.indicators.engine import compute, load_definitions, prepare


@pytest.fixture(scope="module")
def database(tiny_package):
    package, problems = load_package(tiny_package)
    assert problems == []
    con = duckdb.connect()
    assert validate_into(con, package).valid
    prepare(con, package.reference_month)
    compute(con, load_definitions())
    protect(con, package.reference_month)
    yield con
    con.close()


def cell(con, indicator, area, period, benefit="alle", sex="alle", age_group="alle"):
    area_type, area_code = area.split(":")
    rows = con.execute(
        "SELECT value, persons FROM indicator_values WHERE indicator = ? AND area_type = ? "
        "AND area_code = ? AND period = ? AND benefit = ? AND sex = ? AND age_group = ?",
        [indicator, area_type, area_code, period, benefit, sex, age_group],
    ).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_reference_month_comes_from_the_extract_date(tiny_package):
    package, _ = load_package(tiny_package)
    assert package.reference_month == "2024-03"  # created 2024-04-10: March is the last full month


@pytest.mark.parametrize(
    ("area", "period", "benefit", "expected"),
    [
        # January: D1-D10 on dagpenge, S1 on sygedagpenge (from the 15th)
        ("kommune:101", "2024-01", "dagpenge", 10),
        ("kommune:101", "2024-01", "sygedagpenge", 1),
        ("kommune:101", "2024-01", "alle", 11),
        # X1 starts after the reference month and X2 ended before January: never counted
        ("kommune:101", "2024-03", "sygedagpenge", 0),
        # March: D10 on dagpenge and kontanthjaelp counts once in alle
        ("kommune:101", "2024-03", "kontanthjaelp", 1),
        ("kommune:101", "2024-03", "alle", 10),
        # U1 starts on the leap day, so Frederiksberg has 6 recipients in February and March
        ("kommune:147", "2024-01", "alle", 5),
        ("kommune:147", "2024-02", "uddannelseshjaelp", 1),
        ("kommune:147", "2024-03", "alle", 6),
        # areas above the municipality: group 1 and region 1084 are 101 + 147
        ("kommunegruppe:1", "2024-01", "alle", 16),
        ("region:1084", "2024-02", "alle", 17),
        ("kommunegruppe:5", "2024-02", "sygedagpenge", 2),
        ("region:1081", "2024-03", "alle", 2),
        # the country: 11 + 5 + 2 in January; 11 + 6 + 2 in February; 10 + 6 + 2 in March
        ("land:DK", "2024-01", "alle", 18),
        ("land:DK", "2024-02", "alle", 19),
        ("land:DK", "2024-03", "alle", 18),
        ("land:DK", "2024-01", "sygedagpenge", 3),
        ("land:DK", "2024-02", "foertidspension", 5),
    ],
)
def test_personer(database, area, period, benefit, expected):
    value, persons = cell(database, "personer", area, period, benefit)
    assert value == expected
    assert persons == expected


def test_personer_by_sex_and_age(database):
    # January in København: women D1-D5 and S1, men D6-D10
    assert cell(database, "personer", "kommune:101", "2024-01", sex="K")[0] == 6
    assert cell(database, "personer", "kommune:101", "2024-01", sex="M")[0] == 5
    assert cell(database, "personer", "kommune:101", "2024-01", "dagpenge", sex="K")[0] == 5
    # born 1990 -> 34 in 2024 (30-39); S1 born 1980 -> 44 (40-49); nobody else
    assert cell(database, "personer", "kommune:101", "2024-01", age_group="30-39")[0] == 10
    assert cell(database, "personer", "kommune:101", "2024-01", age_group="40-49")[0] == 1
    assert cell(database, "personer", "kommune:101", "2024-01", age_group="16-24")[0] == 0
    # F1-F5 born 1960 are 64 in 2024 (60-66); U1 born 2000 is 24 (16-24)
    assert cell(database, "personer", "kommune:147", "2024-02", age_group="60-66")[0] == 5
    assert cell(database, "personer", "kommune:147", "2024-02", age_group="16-24")[0] == 1


@pytest.mark.parametrize(
    ("area", "period", "benefit", "expected"),
    [
        # S1 at half time: 17 of January's 31 days (15th-31st), 14 of February's 29 days
        ("kommune:101", "2024-01", "sygedagpenge", 17 / 31 * 0.5),
        ("kommune:101", "2024-02", "sygedagpenge", 14 / 29 * 0.5),
        ("kommune:101", "2024-01", "alle", 10 + 17 / 31 * 0.5),
        # D10's 31 dagpenge days and 31 kontanthjaelp days in March are capped at one person
        ("kommune:101", "2024-03", "alle", 10),
        ("kommune:101", "2024-03", "kontanthjaelp", 1),
        # U1: one day in February (29 days), one in March (31 days)
        ("kommune:147", "2024-02", "uddannelseshjaelp", 1 / 29),
        ("kommune:147", "2024-03", "alle", 5 + 1 / 31),
        ("land:DK", "2024-01", "alle", 10 + 17 / 31 * 0.5 + 5 + 2),
        ("land:DK", "2024-03", "alle", 10 + 5 + 1 / 31 + 2),
    ],
)
def test_fuldtidspersoner(database, area, period, benefit, expected):
    value, _ = cell(database, "fuldtidspersoner", area, period, benefit)
    assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("area", "period", "benefit", "expected"),
    [
        # population 16-66: 1200 in København, 600 in Frederiksberg, 120 on Læsø
        ("kommune:101", "2024-01", "alle", 100 * (10 + 17 / 31 * 0.5) / 1200),
        ("kommune:101", "2024-01", "dagpenge", 100 * 10 / 1200),
        ("kommune:147", "2024-02", "alle", 100 * (5 + 1 / 29) / 600),
        ("kommunegruppe:1", "2024-01", "alle", 100 * (10 + 17 / 31 * 0.5 + 5) / 1800),
        ("land:DK", "2024-03", "alle", 100 * (10 + 5 + 1 / 31 + 2) / 1920),
        ("kommune:825", "2024-01", "dagpenge", 0.0),
    ],
)
def test_andel_befolkning(database, area, period, benefit, expected):
    value, _ = cell(database, "andel_befolkning", area, period, benefit)
    assert value == pytest.approx(expected, rel=1e-12)


def test_every_area_month_and_benefit_has_a_value(database):
    # 3 municipalities + 2 groups + 2 regions + the country = 8 areas; 3 months; 12 benefits
    count = database.execute(
        "SELECT count(*) FROM indicator_values WHERE indicator = 'andel_befolkning'"
    ).fetchone()[0]
    assert count == 8 * 3 * 12
    # personer: the total, 2 sexes and 6 age groups for each
    count = database.execute(
        "SELECT count(*) FROM indicator_values WHERE indicator = 'personer'"
    ).fetchone()[0]
    assert count == 8 * 3 * 12 * 9


def test_primary_suppression_and_flags(database):
    def protected(indicator, area, period, benefit="alle"):
        area_type, area_code = area.split(":")
        return database.execute(
            "SELECT value, flag FROM protected_values WHERE indicator = ? AND area_type = ? "
            "AND area_code = ? AND period = ? AND benefit = ? AND sex = 'alle' "
            "AND age_group = 'alle'",
            [indicator, area_type, area_code, period, benefit],
        ).fetchone()

    assert protected("personer", "kommune:101", "2024-01", "sygedagpenge") == (None, "suppressed")
    assert protected("fuldtidspersoner", "kommune:101", "2024-01", "sygedagpenge") == (
        None,
        "suppressed",
    )
    assert protected("personer", "kommune:825", "2024-01") == (None, "suppressed")  # 2 persons
    assert protected("andel_befolkning", "land:DK", "2024-01", "uddannelseshjaelp") == (0.0, None)
    assert protected("personer", "kommune:147", "2024-01") == (5, None)  # 5 is published
    assert protected("personer", "kommune:101", "2024-01", "dagpenge") == (10, None)
    # the reference month is provisional; a suppressed cell stays suppressed
    assert protected("personer", "kommune:101", "2024-03") == (10, "provisional")
    assert protected("personer", "kommune:101", "2024-03", "kontanthjaelp") == (None, "suppressed")
