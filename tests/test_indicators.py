"""Indicator values on the tiny extract (tests/tiny_extract.py), each worked out by hand."""

from __future__ import annotations

import duckdb
import pytest

from jobtal.comparisons import compare
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
    definitions = load_definitions()
    compute(con, definitions)
    protect(con, package.reference_month, definitions, linked=False)  # as PAGE_TESTS
    compare(con, definitions)
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
        # group 5 and region 1081 are Læsø and Hjørring: L1, L2, H1, H2 on sygedagpenge
        ("kommunegruppe:5", "2024-02", "sygedagpenge", 4),
        # M1 moved from Hjørring to Læsø in January: in both municipalities, once in the region
        ("kommune:825", "2024-01", "alle", 3),
        ("kommune:860", "2024-01", "alle", 5),
        ("kommune:860", "2024-01", "dagpenge", 1),
        ("region:1081", "2024-01", "alle", 7),
        ("region:1081", "2024-01", "dagpenge", 1),
        # February and March: L1, L2, M1 in Læsø; H1, H2, H4 in Hjørring (H3 stopped)
        ("region:1081", "2024-03", "alle", 6),
        # the country: 11 + 5 + 7 in January; 11 + 6 + 6 in February; 10 + 6 + 6 in March
        ("land:DK", "2024-01", "alle", 23),
        ("land:DK", "2024-02", "alle", 23),
        ("land:DK", "2024-03", "alle", 22),
        ("land:DK", "2024-01", "dagpenge", 11),
        ("land:DK", "2024-01", "sygedagpenge", 5),
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
        # M1: 20 January days in Hjørring, 11 in Læsø; one full-time person in the region
        ("kommune:860", "2024-01", "dagpenge", 20 / 31),
        ("kommune:825", "2024-01", "dagpenge", 11 / 31),
        ("region:1081", "2024-01", "dagpenge", 1),
        # København, Frederiksberg, L1 + L2, M1, H1-H4 (all of January)
        ("land:DK", "2024-01", "alle", 10 + 17 / 31 * 0.5 + 5 + 2 + 1 + 4),
        # March: H3 has stopped
        ("land:DK", "2024-03", "alle", 10 + 5 + 1 / 31 + 2 + 1 + 3),
    ],
)
def test_fuldtidspersoner(database, area, period, benefit, expected):
    value, _ = cell(database, "fuldtidspersoner", area, period, benefit)
    assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("area", "period", "benefit", "expected"),
    [
        # population 16-66: 1200 in København, 600 in Frederiksberg, 120 on Læsø, 180 in
        # Hjørring
        ("kommune:101", "2024-01", "alle", 100 * (10 + 17 / 31 * 0.5) / 1200),
        ("kommune:860", "2024-01", "sygedagpenge", 100 * 2 / 180),
        ("kommune:101", "2024-01", "dagpenge", 100 * 10 / 1200),
        ("kommune:147", "2024-02", "alle", 100 * (5 + 1 / 29) / 600),
        ("kommunegruppe:1", "2024-01", "alle", 100 * (10 + 17 / 31 * 0.5 + 5) / 1800),
        ("land:DK", "2024-03", "alle", 100 * (10 + 5 + 1 / 31 + 2 + 1 + 3) / 2100),
        # M1's 11 days on Læsø; nobody there on foertidspension
        ("kommune:825", "2024-01", "dagpenge", 100 * 11 / 31 / 120),
        ("kommune:825", "2024-01", "foertidspension", 0.0),
    ],
)
def test_andel_befolkning(database, area, period, benefit, expected):
    value, _ = cell(database, "andel_befolkning", area, period, benefit)
    assert value == pytest.approx(expected, rel=1e-12)


def test_every_area_month_and_benefit_has_a_value(database):
    # 4 municipalities + 2 groups + 2 regions + the country = 9 areas; 3 months; 12 benefits
    def count(indicator):
        return database.execute(
            "SELECT count(*) FROM indicator_values WHERE indicator = ?", [indicator]
        ).fetchone()[0]

    assert count("andel_befolkning") == 9 * 3 * 12
    # personer: the total, 2 sexes and 6 age groups for each
    assert count("personer") == 9 * 3 * 12 * 9
    # no benefit breakdown: one value per area and month; unge_paa_ydelse by sex too
    assert count("arbejdskraftreserve") == 9 * 3
    assert count("unge_paa_ydelse") == 9 * 3 * 3
    # seven benefits for aktiveringsgrad; afgang for January and February only
    assert count("aktiveringsgrad") == 9 * 3 * 7
    assert count("afgang") == 9 * 2 * 12


@pytest.mark.parametrize(
    ("area", "period", "expected", "persons"),
    [
        # D1-D10 on dagpenge, full-time
        ("kommune:101", "2024-01", 10, 10),
        # March: D10's dagpenge and jobparat kontanthjaelp make one full-time person, not two
        ("kommune:101", "2024-03", 10, 10),
        # M1's 20 dagpenge days of 31, and H3 jobparat on kontanthjaelp; H4 is aktivitetsparat
        ("kommune:860", "2024-01", 1 + 20 / 31, 2),
        ("kommune:825", "2024-01", 11 / 31, 1),
        # the region counts M1 once: 20/31 + 11/31 = 1, plus H3
        ("region:1081", "2024-01", 2, 2),
        ("land:DK", "2024-01", 12, 12),
        # March: D1-D10 and M1
        ("land:DK", "2024-03", 11, 11),
    ],
)
def test_arbejdskraftreserve(database, area, period, expected, persons):
    value, counted = cell(database, "arbejdskraftreserve", area, period)
    assert value == pytest.approx(expected, rel=1e-12)
    assert counted == persons


@pytest.mark.parametrize(
    ("area", "period", "expected"),
    [
        # on 2024-03-31 H2 (from 2023-09-30) has run 183 days: over 26 weeks; H1 (from
        # 2023-10-01) 182 days: not over. On 2024-02-29 they have run 152 and 151 days.
        ("kommune:860", "2024-03", 1),
        ("kommune:860", "2024-02", 0),
        # L1 and L2 started 2024-01-01, S1 ran for a month
        ("kommune:825", "2024-03", 0),
        ("kommune:101", "2024-01", 0),
        ("land:DK", "2024-03", 1),
    ],
)
def test_sygedagpenge_over_26_uger(database, area, period, expected):
    assert cell(database, "sygedagpenge_over_26_uger", area, period) == (expected, expected)


@pytest.mark.parametrize(
    ("area", "period", "sex", "expected"),
    [
        # H4 born 1995 is 29 in 2024; H3 born 1994 is 30 all of 2024 (age = year - birth year)
        ("kommune:860", "2024-01", "alle", 1),
        ("kommune:860", "2024-01", "K", 0),
        # U1 born 2000 from the leap day; nobody young in København
        ("kommune:147", "2024-01", "alle", 0),
        ("kommune:147", "2024-02", "K", 1),
        ("kommune:101", "2024-02", "alle", 0),
        ("land:DK", "2024-02", "alle", 2),
        ("land:DK", "2024-02", "M", 1),
    ],
)
def test_unge_paa_ydelse(database, area, period, sex, expected):
    assert cell(database, "unge_paa_ydelse", area, period, sex=sex)[0] == expected


@pytest.mark.parametrize(
    ("area", "period", "benefit", "days", "persons"),
    [
        # dagpenge from 2023-12-01: 61 days on 2024-01-31
        ("kommune:101", "2024-01", "dagpenge", [61] * 10, 10),
        # plus S1 from 2024-01-15: 16 days
        ("kommune:101", "2024-01", "alle", [61] * 10 + [16], 11),
        # March: the ten dagpenge spells (121 days) and D10's kontanthjaelp (30 days); D10 is
        # one person with two running spells
        ("kommune:101", "2024-03", "alle", [121] * 10 + [30], 10),
        # Hjørring on 2024-01-31: M1's spell there ended on the 20th; H1 122 days, H2 123, and
        # H3 and H4, whose spells end on the 31st, still run that day: 30 days each
        ("kommune:860", "2024-01", "alle", [122, 123, 30, 30], 4),
        ("kommune:860", "2024-01", "kontanthjaelp", [30], 1),
        # the region adds L1, L2 (30 days) and M1's spell in Læsø from the 21st (10 days)
        ("region:1081", "2024-01", "alle", [122, 123, 30, 30, 30, 30, 10], 7),
    ],
)
def test_varighed(database, area, period, benefit, days, persons):
    value, counted = cell(database, "varighed", area, period, benefit)
    assert value == pytest.approx(sum(days) / len(days) / 7, rel=1e-12)
    assert counted == persons


def test_varighed_is_empty_where_no_spell_runs(database):
    # S1 ended on 2024-02-14: no sickness spell runs in København at the end of February
    value, persons = cell(database, "varighed", "kommune:101", "2024-02", "sygedagpenge")
    assert value is None and persons == 0


@pytest.mark.parametrize(
    ("area", "period", "benefit", "leaving", "recipients"),
    [
        # everyone in København goes on into February
        ("kommune:101", "2024-01", "alle", 0, 11),
        # S1's spell ends 2024-02-14 and she has no benefit in March
        ("kommune:101", "2024-02", "alle", 1, 11),
        ("kommune:101", "2024-02", "sygedagpenge", 1, 1),
        # H3 stops on 2024-01-31; H4 goes on to kontanthjaelp and M1 to Læsø: they do not leave
        ("kommune:860", "2024-01", "alle", 1, 5),
        ("kommune:860", "2024-01", "kontanthjaelp", 1, 1),
        ("kommune:860", "2024-01", "uddannelseshjaelp", 0, 1),
        ("kommune:860", "2024-01", "dagpenge", 0, 1),
        ("kommune:825", "2024-01", "alle", 0, 3),
        ("land:DK", "2024-01", "alle", 1, 23),
        ("land:DK", "2024-02", "alle", 1, 23),
    ],
)
def test_afgang(database, area, period, benefit, leaving, recipients):
    value, persons = cell(database, "afgang", area, period, benefit)
    assert value == pytest.approx(100 * leaving / recipients, rel=1e-12)
    assert persons == recipients


def test_afgang_waits_for_the_next_month(database):
    periods = database.execute(
        "SELECT DISTINCT period FROM indicator_values WHERE indicator = 'afgang' ORDER BY 1"
    ).fetchall()
    assert periods == [("2024-01",), ("2024-02",)]  # March is the reference month


@pytest.mark.parametrize(
    ("area", "period", "benefit", "activated", "recipients"),
    [
        # D2's virksomhedspraktik runs 2024-02-01..2024-03-15
        ("kommune:101", "2024-01", "dagpenge", 0, 10),
        ("kommune:101", "2024-02", "dagpenge", 1, 10),
        ("kommune:101", "2024-03", "dagpenge", 1, 10),
        # H4's opkvalificering 2024-01-15..2024-02-01: on uddannelseshjaelp in January and, by
        # one day, on kontanthjaelp in February
        ("kommune:860", "2024-01", "uddannelseshjaelp", 1, 1),
        ("kommune:860", "2024-02", "kontanthjaelp", 1, 1),
        ("kommune:860", "2024-01", "kontanthjaelp", 0, 1),
        # the country: D1-D10 and M1 on dagpenge in February
        ("land:DK", "2024-02", "dagpenge", 1, 11),
        ("land:DK", "2024-03", "kontanthjaelp", 0, 2),
    ],
)
def test_aktiveringsgrad(database, area, period, benefit, activated, recipients):
    value, persons = cell(database, "aktiveringsgrad", area, period, benefit)
    assert value == pytest.approx(100 * activated / recipients, rel=1e-12)
    assert persons == recipients


@pytest.mark.parametrize(
    ("area", "period", "samtaler", "persons"),
    [
        ("kommune:101", "2024-01", 1, 1),  # D1 on the 10th
        ("kommune:101", "2024-02", 2, 2),  # D3 on the 5th, D1 on the leap day
        ("kommune:101", "2024-03", 0, 0),
        # M1: one samtale in Hjørring and one in Læsø; one person in the region
        ("kommune:860", "2024-01", 1, 1),
        ("kommune:825", "2024-01", 1, 1),
        ("region:1081", "2024-01", 2, 1),
        ("land:DK", "2024-01", 3, 2),
    ],
)
def test_samtaler(database, area, period, samtaler, persons):
    assert cell(database, "samtaler", area, period) == (samtaler, persons)


def test_forventet_andel_standardises_on_sex_and_age(database):
    # National sickness full-time persons in January by stratum: women 40-49: S1 (17/62), H1,
    # H2; women 50-59: L1; men 50-59: L2. National strata: 170 persons, but 230 women 40-49.
    # Hjørring has 70 women 40-49 and 10 in each other stratum, 180 in all.
    expected_fulltime = 70 * (2 + 17 / 62) / 230 + 10 * 1 / 170 + 10 * 1 / 170
    expected = 100 * expected_fulltime / 180
    value, _ = cell(database, "forventet_andel", "kommune:860", "2024-01", "sygedagpenge")
    assert value == pytest.approx(expected, rel=1e-9)
    difference, _ = cell(database, "forskel_forventet", "kommune:860", "2024-01", "sygedagpenge")
    assert difference == pytest.approx(100 * 2 / 180 - expected, rel=1e-9)


def test_the_country_is_as_expected_of_itself(database):
    for benefit in ("alle", "sygedagpenge", "dagpenge"):
        actual, _ = cell(database, "andel_befolkning", "land:DK", "2024-02", benefit)
        expected, _ = cell(database, "forventet_andel", "land:DK", "2024-02", benefit)
        assert expected == pytest.approx(actual, rel=1e-9)


def test_jobcentres_compared_on_their_published_values(database):
    # andel_befolkning, all benefits, January, as published (one decimal): København
    # 100 * (10 + 17/62) / 1200 = 0.86 -> 0.9; Frederiksberg 100 * 5 / 600 = 0.8. Læsø's 3
    # recipients are suppressed, so it has no place; Hjørring's full-time persons are suppressed
    # with them (the two make up region Nordjylland), and so is its share 100 * (4 + 20/31) /
    # 180 = 2.6, which times Hjørring's public population would give them back
    rows = database.execute(
        "SELECT municipality_code, value, rank, ranked_of, neighbour_mean, neighbours_published, "
        "group_value, region_value, country_value, change_from_last_year FROM comparisons "
        "WHERE indicator = 'andel_befolkning' AND benefit = 'alle' AND period = '2024-01' "
        "ORDER BY municipality_code"
    ).fetchall()
    as_floats = [tuple(None if v is None else float(v) for v in row) for row in rows]
    # groups: 1 = (10 + 17/62 + 5) / 1800 -> 0.8; 5 = Læsø and Hjørring (2 + 1 + 4) / 300 -> 2.3
    # country: (22 + 17/62) / 2100 -> 1.1; København and Frederiksberg are neighbours. A lower
    # share is better: Frederiksberg first
    assert as_floats == [
        (101, 0.9, 2, 2, 0.8, 1, 0.8, 0.8, 1.1, None),
        (147, 0.8, 1, 2, 0.9, 1, 0.8, 0.8, 1.1, None),
        (825, None, None, 2, None, 0, 2.3, 2.3, 1.1, None),
        (860, None, None, 2, None, 0, 2.3, 2.3, 1.1, None),
    ]
    # counts are not ranked: a big jobcentre has more of everything
    ranks = database.execute(
        "SELECT count(rank) FROM comparisons WHERE indicator = 'personer'"
    ).fetchone()[0]
    assert ranks == 0
