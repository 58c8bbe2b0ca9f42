"""`jobtal demo`: valid, deterministic, and shaped like the real thing."""

from __future__ import annotations

import re
from dataclasses import replace

import duckdb
import pytest

from jobtal import paths
from jobtal.defaults import DemoSettings
from jobtal.demo import write_demo
from jobtal.extracts.validate import check_extracts

SMALL = DemoSettings(start="2025-07", end="2025-12", scale=0.004, seed=7)


@pytest.fixture(scope="module")
def demo_package(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    rows = write_demo(folder, SMALL)
    return folder, rows


def query(folder, sql):
    return duckdb.sql(
        sql.replace("SPELLS", f"'{folder / 'benefit_spells.csv'}'").replace(
            "ACTIVITIES", f"'{folder / 'activities.csv'}'"
        )
    ).fetchall()


def test_demo_package_is_valid(demo_package):
    folder, rows = demo_package
    package, report = check_extracts(folder)
    assert report.valid, report.to_text()
    assert package.reference_month == "2025-12"
    assert package.synthetic
    assert report.rows == rows


def test_same_seed_same_bytes(demo_package, tmp_path):
    folder, _ = demo_package
    write_demo(tmp_path, SMALL)
    for name in ("benefit_spells", "activities", "population", "datapackage"):
        suffix = ".json" if name == "datapackage" else ".csv"
        assert (tmp_path / f"{name}{suffix}").read_bytes() == (
            folder / f"{name}{suffix}"
        ).read_bytes()


def test_another_seed_other_data(demo_package, tmp_path):
    folder, _ = demo_package
    write_demo(tmp_path, DemoSettings(start=SMALL.start, end=SMALL.end, scale=SMALL.scale, seed=8))
    assert (tmp_path / "benefit_spells.csv").read_bytes() != (
        folder / "benefit_spells.csv"
    ).read_bytes()


def test_every_municipality_and_benefit_occurs(demo_package):
    folder, _ = demo_package
    assert query(folder, "SELECT count(DISTINCT municipality_code) FROM SPELLS") == [(98,)]
    assert query(folder, "SELECT count(DISTINCT benefit) FROM SPELLS") == [(11,)]


def test_durations_differ_by_benefit(demo_package):
    folder, _ = demo_package
    medians = dict(
        query(
            folder,
            """
        SELECT benefit, median(coalesce(end_date, DATE '2026-01-05') - start_date)
        FROM SPELLS GROUP BY benefit""",
        )
    )
    assert medians["sygedagpenge"] < 120  # mostly weeks
    assert medians["foertidspension"] > 5 * 365  # years
    assert medians["dagpenge"] < medians["kontanthjaelp"]


def test_ages_readiness_and_degrees_fit_each_benefit(demo_package):
    folder, _ = demo_package
    # uddannelseshjaelp is for people under 30, at the end of every spell
    assert (
        query(
            folder,
            """SELECT max(year(coalesce(end_date, DATE '2025-12-31')) - birth_year)
                            FROM SPELLS WHERE benefit = 'uddannelseshjaelp'""",
        )[0][0]
        <= 29
    )
    older = dict(query(folder, "SELECT benefit, avg(2025 - birth_year) FROM SPELLS GROUP BY 1"))
    assert older["foertidspension"] > older["uddannelseshjaelp"] + 20
    readiness = dict(
        query(
            folder,
            """SELECT benefit, count(readiness) FROM SPELLS
                                       GROUP BY benefit""",
        )
    )
    assert readiness["kontanthjaelp"] > 0
    assert readiness["dagpenge"] == 0
    part_time = dict(
        query(
            folder,
            """SELECT benefit, avg(CASE WHEN fte < 1 THEN 1 ELSE 0 END)
                                       FROM SPELLS GROUP BY benefit""",
        )
    )
    assert 0.1 < part_time["sygedagpenge"] < 0.5
    assert part_time["fleksjob"] > 0.5
    assert part_time["foertidspension"] == 0
    sexes = dict(query(folder, "SELECT sex, count(*) FROM SPELLS GROUP BY sex"))
    assert set(sexes) == {"K", "M"}


def test_conversations_and_offers(demo_package):
    folder, _ = demo_package
    kinds = dict(query(folder, "SELECT activity, count(*) FROM ACTIVITIES GROUP BY 1"))
    assert set(kinds) == {"samtale", "virksomhedspraktik", "loentilskud", "opkvalificering"}
    # about one conversation a month: people on dagpenge for all of December had about one each
    (ratio,) = query(
        folder,
        """
        WITH whole_month AS (
            SELECT DISTINCT person_id FROM SPELLS WHERE benefit = 'dagpenge'
               AND start_date <= DATE '2025-11-15'
               AND coalesce(end_date, DATE '2026-01-05') >= DATE '2025-12-31')
        SELECT (SELECT count(*) FROM ACTIVITIES JOIN whole_month USING (person_id)
                WHERE activity = 'samtale'
                  AND start_date BETWEEN DATE '2025-12-01' AND DATE '2025-12-31')
             / (SELECT count(*) FROM whole_month)""",
    )[0]
    assert 0.5 < ratio < 1.5


def test_levels_follow_the_real_shares(tmp_path):
    """At a larger scale, Lolland's share on the kontanthjælp groups is above the national one and
    Rudersdal's below, as in the real Y30R21 figures (6.2 % and 1.4 %) they are calibrated to."""
    write_demo(tmp_path, DemoSettings(start="2025-12", end="2025-12", scale=0.05, seed=1))
    shares = dict(
        query(
            tmp_path,
            f"""
        WITH pop AS (SELECT municipality_code, sum(persons) AS persons
                     FROM '{tmp_path / "population.csv"}' GROUP BY 1),
             k AS (SELECT municipality_code, count(DISTINCT person_id) AS persons FROM SPELLS
                   WHERE benefit IN ('kontanthjaelp', 'uddannelseshjaelp', 'selvforsoergelse')
                     AND start_date <= DATE '2025-12-15'
                     AND coalesce(end_date, DATE '2026-01-05') >= DATE '2025-12-15'
                   GROUP BY 1)
        SELECT CAST(municipality_code AS VARCHAR), 100.0 * k.persons / pop.persons
        FROM pop JOIN k USING (municipality_code)
        UNION ALL
        SELECT 'DK', 100.0 * (SELECT sum(persons) FROM k) / (SELECT sum(persons) FROM pop)""",
        )
    )
    assert shares["360"] > 1.5 * shares["DK"] > 3 * shares["230"]
    # the national level is near the real 3.2 % of the 16-66-year-olds (Y30R21, 2022)
    assert 2.0 < shares["DK"] < 4.5


def test_the_default_demo_has_every_municipalitys_real_population(tmp_path):
    """The default demo is at full scale: its population aged 16-66 is, for every municipality,
    the share of Statistics Denmark's whole population (FOLK1AM, all ages) that the modelled split
    by sex and age gives that age band (63-69 % in the reference data), not a quarter of it (a
    page said 1,893 full-time persons made 15.7 %, i.e. 12,000 people aged 16-66 in Holbæk, where
    DST counts 75,009 inhabitants)."""
    settings = replace(DemoSettings(), start="2025-12", end="2025-12")
    assert settings.scale == 1
    write_demo(tmp_path, settings)
    ratios = dict(
        duckdb.sql(
            f"""
            WITH demo AS (SELECT CAST(municipality_code AS VARCHAR) AS code, sum(persons) AS n
                          FROM '{tmp_path / "population.csv"}' WHERE month = '2025-12'
                          GROUP BY 1),
                 dst AS (SELECT area_code AS code, value AS n
                         FROM '{paths.EMBEDDED_SERIES / "statbank" / "folk1am.csv"}'
                         WHERE area_type = 'kommune' AND period = '2025-12')
            SELECT code, demo.n / dst.n FROM demo JOIN dst USING (code)"""
        ).fetchall()
    )
    assert len(ratios) == 98
    assert all(0.6 < ratio < 0.72 for ratio in ratios.values()), ratios
    assert 0.6 < ratios["316"] < 0.72  # Holbæk


# --- the internal edition's demo data (issue 22): on a larger sample, three months
STAFFED = DemoSettings(start="2025-10", end="2025-12", scale=0.3, seed=3)
LAST_DAY = "DATE '2025-12-31'"


@pytest.fixture(scope="module")
def staffed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("staffed")
    write_demo(folder, STAFFED)
    con = duckdb.connect()
    for name in ("caseworkers", "caseload", "activities"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_csv('{folder / name}.csv')")
    return folder, con


def test_the_staffed_demo_is_valid(staffed):
    _, report = check_extracts(staffed[0])
    assert report.valid, report.to_text()  # one caseworker per citizen at a time, among others


def test_caseworkers_work_in_teams_of_at_most_ten_and_five_where_there_are_five(staffed):
    con = staffed[1]
    teams = con.execute(
        "SELECT municipality_code, count(*) AS size, sum(count(*)) OVER (PARTITION BY "
        "municipality_code) AS staff FROM caseworkers GROUP BY municipality_code, team"
    ).fetchall()
    assert all(size <= 10 for _, size, _ in teams)
    assert all(5 <= size for _, size, staff in teams if staff >= 5)
    names = con.execute("SELECT caseworker_name FROM caseworkers").fetchall()
    assert all(re.fullmatch(r"Sagsbehandler \d{4}-\d{3}", name) for (name,) in names)


def test_a_caseworker_has_30_to_70_citizens_on_a_day(staffed):
    low, high = (
        staffed[1]
        .execute(
            "SELECT quantile_cont(n, 0.05), quantile_cont(n, 0.95) FROM (SELECT caseworker_id, "
            f"count(*) AS n FROM caseload WHERE start_date <= {LAST_DAY} AND "
            f"coalesce(end_date, {LAST_DAY}) >= {LAST_DAY} GROUP BY 1)"
        )
        .fetchone()
    )
    assert 25 <= low and high <= 75, (low, high)


def test_some_citizens_change_caseworker_and_some_conversations_are_a_colleagues(staffed):
    con = staffed[1]
    moved, assigned = con.execute(
        "SELECT count(*) FILTER (WHERE n = 2), count(*) FROM "
        "(SELECT person_id, count(*) AS n FROM caseload GROUP BY 1)"
    ).fetchone()
    assert 0.03 < moved / assigned < 0.2, moved / assigned
    # each activity's caseworker against the citizen's on its first day
    same, colleague, elsewhere = con.execute(
        "SELECT count(*) FILTER (WHERE a.caseworker_id = l.caseworker_id), "
        "count(*) FILTER (WHERE a.caseworker_id <> l.caseworker_id AND mine.team = theirs.team "
        "AND mine.municipality_code = theirs.municipality_code), "
        "count(*) FILTER (WHERE mine.municipality_code <> theirs.municipality_code) "
        "FROM activities a JOIN caseload l ON a.person_id = l.person_id "
        "AND a.start_date BETWEEN l.start_date AND coalesce(l.end_date, DATE '2999-12-31') "
        "JOIN caseworkers mine ON mine.caseworker_id = l.caseworker_id "
        "JOIN caseworkers theirs ON theirs.caseworker_id = a.caseworker_id "
        "WHERE a.activity = 'samtale'"
    ).fetchone()
    assert elsewhere == 0
    assert 0.04 < colleague / (same + colleague) < 0.12, colleague / (same + colleague)


def test_caseworkers_differ_in_how_often_they_call_citizens_in_and_arrange_offers(staffed):
    per_citizen = (
        staffed[1]
        .execute(
            "WITH load AS (SELECT caseworker_id, count(DISTINCT person_id) AS citizens "
            "FROM caseload GROUP BY 1), held AS (SELECT caseworker_id, "
            "count(*) FILTER (WHERE activity = 'samtale') AS talks, "
            "count(*) FILTER (WHERE activity <> 'samtale') AS offers "
            "FROM activities WHERE caseworker_id IS NOT NULL GROUP BY 1) "
            "SELECT quantile_cont(talks / citizens, [0.1, 0.9]), "
            "quantile_cont(offers / citizens, [0.1, 0.9]) "
            "FROM load JOIN held USING (caseworker_id) WHERE citizens >= 30"
        )
        .fetchone()
    )
    (talk_low, talk_high), (offer_low, offer_high) = per_citizen
    assert talk_high / talk_low > 1.3 and offer_high / offer_low > 1.5, per_citizen


def test_offers_work_for_some_target_groups_and_hardly_for_others(tmp_path):
    """Off benefits 13 weeks after an offer's start (no spell running that day), by target
    group: in the demo readiness does not change how long a spell lasts, so what jobparat
    kontanthjælp recipients gain over aktivitetsparat ones after a wage subsidy or an
    internship is the offers' doing; for dagpenge the offer type hardly matters."""
    write_demo(tmp_path, DemoSettings(start="2025-01", end="2025-12", scale=0.1, seed=5))
    shares = dict(
        query(
            tmp_path,
            """
            WITH offers AS (
                SELECT a.person_id, a.activity, a.start_date,
                       s.benefit || coalesce(':' || s.readiness, '') AS target_group
                FROM ACTIVITIES a JOIN SPELLS s ON a.person_id = s.person_id
                 AND a.start_date BETWEEN s.start_date
                                      AND coalesce(s.end_date, DATE '2999-12-31')
                WHERE a.activity <> 'samtale' AND a.start_date <= DATE '2025-09-30')
            SELECT target_group || '/' || CASE WHEN activity = 'opkvalificering'
                   THEN activity ELSE 'i_virksomhed' END,
                   avg(CASE WHEN EXISTS (SELECT 1 FROM SPELLS s WHERE s.person_id = o.person_id
                       AND o.start_date + 91 BETWEEN s.start_date
                                                 AND coalesce(s.end_date, DATE '2999-12-31'))
                       THEN 0 ELSE 1 END)
            FROM offers o GROUP BY 1""",
        )
    )
    at_work = "/i_virksomhed"
    gain = (
        shares["kontanthjaelp:jobparat" + at_work]
        - shares["kontanthjaelp:aktivitetsparat" + at_work]
    )
    assert gain > 0.08, shares
    assert abs(shares["dagpenge" + at_work] - shares["dagpenge/opkvalificering"]) < 0.05, shares
