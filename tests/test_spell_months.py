"""base.sql counts a spell's whole months without expanding them (interior_cells: steps summed
over the months). Here the same cells are counted the plain way, one row per spell and month
of its unshared middle, written out in this test from the definitions (SPEC section 4) rather
than taken from base.sql, on a small demo whose spells cross two new years (ages and age groups
change), run on and end, and include long sickness and the labour reserve."""

from __future__ import annotations

import duckdb
import pytest

from jobtal.defaults import DemoSettings
from jobtal.demo import write_demo
from jobtal.extracts.package import load_package
from jobtal.extracts.validate import validate_into
from jobtal.indicators.engine import prepare

SPANNING_TWO_NEW_YEARS = DemoSettings(start="2023-10", end="2025-03", scale=0.004, seed=11)

# Each spell's unshared middle (spells.middle_first .. middle_last, which base.sql's comments
# define), one row per published month, with each count worked out from the spell's dates.
MONTH_BY_MONTH = """
WITH spell_month AS (
    SELECT s.municipality_code, m.month_index, s.benefit, s.sex, ages.age_group,
           (CAST(LEAST(COALESCE(s.end_date, m.last_day), m.last_day)
                 - GREATEST(s.start_date, m.first_day) AS BIGINT) + 1)
               * s.fte_millionths AS fte_days,
           s.in_labour_reserve,
           s.end_date IS NULL OR s.end_date >= m.last_day AS running,
           CAST(m.last_day - s.start_date AS BIGINT) AS days_run,
           s.long_sick_from IS NOT NULL AND m.last_day >= s.long_sick_from AS long_sick,
           m.next_month_complete AND m.month_index = s.leaving_month_index AS leaving
    FROM spells AS s
    JOIN months AS m ON m.month_index BETWEEN s.middle_first AND s.middle_last
    LEFT JOIN ages ON ages.age = m.year - s.birth_year
)
SELECT municipality_code, month_index, benefit, sex, age_group,
       count(*) AS persons,
       sum(fte_days) AS fte_days,
       sum(CASE WHEN in_labour_reserve THEN fte_days ELSE 0 END) AS reserve_fte_days,
       count(*) FILTER (WHERE in_labour_reserve AND fte_days > 0) AS reserve_persons,
       count(*) FILTER (WHERE running) AS running_spells,
       sum(CASE WHEN running THEN days_run ELSE 0 END) AS running_days,
       count(*) FILTER (WHERE running) AS running_persons,
       count(*) FILTER (WHERE running AND long_sick) AS long_sick,
       count(*) FILTER (WHERE leaving) AS leaving
FROM spell_month
GROUP BY ALL
"""
COLUMNS = (
    "municipality_code, month_index, benefit, sex, age_group, persons, fte_days, "
    "reserve_fte_days, reserve_persons, running_spells, running_days, running_persons, "
    "long_sick, leaving"
)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spell-months") / "extracts"
    write_demo(folder, SPANNING_TWO_NEW_YEARS)
    package, problems = load_package(folder)
    assert problems == []
    con = duckdb.connect()
    assert validate_into(con, package).valid
    prepare(con, package.reference_month)
    con.execute(f"CREATE TABLE month_by_month AS {MONTH_BY_MONTH}")
    yield con
    con.close()


def test_the_demo_exercises_what_the_steps_count(con):
    spells, new_years, running_on, long_sick, reserve, changed_group = con.execute("""
        SELECT count(*),
               count(*) FILTER (WHERE middle_last - middle_first >= 2
                                AND middle_first // 12 <> least(middle_last, last_index) // 12),
               count(*) FILTER (WHERE end_date IS NULL AND middle_last - middle_first >= 2),
               count(*) FILTER (WHERE long_sick_from IS NOT NULL),
               count(*) FILTER (WHERE in_labour_reserve),
               (SELECT count(*) FROM (
                   SELECT s.birth_year FROM spells AS s JOIN ages ON
                       ages.age BETWEEN 2023 - s.birth_year AND 2025 - s.birth_year
                   GROUP BY s.birth_year HAVING count(DISTINCT ages.age_group) > 1))
        FROM spells, (SELECT max(month_index) AS last_index FROM months)
    """).fetchone()
    assert spells > 1000
    assert new_years > 100  # whole months on both sides of a new year
    assert running_on > 100
    assert long_sick > 10
    assert reserve > 100
    assert changed_group > 0
    long_sick_cells = con.execute(
        "SELECT count(*) FROM month_by_month WHERE long_sick > 0"
    ).fetchone()[0]
    assert long_sick_cells > 10


def test_the_steps_give_the_month_by_month_counts(con):
    rows = con.execute("SELECT count(*) FROM month_by_month").fetchone()[0]
    assert rows > 1000
    only_plain, only_steps = (
        con.execute(
            f"SELECT count(*) FROM (SELECT {COLUMNS} FROM {one} EXCEPT ALL "
            f"SELECT {COLUMNS} FROM {other})"
        ).fetchone()[0]
        for one, other in (
            ("month_by_month", "municipality_benefit_cells"),
            ("municipality_benefit_cells", "month_by_month"),
        )
    )
    assert (only_plain, only_steps) == (0, 0)
