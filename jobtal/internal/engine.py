"""The internal edition's measures (SPEC section 9), computed on DuckDB the way the public
indicators are: each measure is a declarative definition (measures/<id>.yaml) with its words and
its SQL, run over the shared tables of base.sql.

The public engine (jobtal.indicators.engine) is built around months, municipalities and
benefits; here the periods are ISO weeks and the areas are a jobcentre's caseworkers, its teams
and itself. So a measure's SQL works at the finest level only: one row per citizen, caseworker
and week, with the citizen's target group and their value (1 for being counted, or a number
of conversations). The engine adds the rows up to caseworker, team and jobcentre, in total and
per target group, in one GROUPING SETS query: a citizen belongs to one caseworker on a week's
Sunday, so a team's figure is the sum of its caseworkers' (and a share is computed from the
summed counts, never averaged)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import jsonschema
import yaml

from jobtal.log import log
from jobtal.sql import sql_statements
from jobtal.vocabulary import BENEFITS
from jobtal.weeks import monday, sunday, week_range

HERE = Path(__file__).parent
MEASURES = HERE / "measures"
MEASURE_SCHEMA = HERE / "measure.schema.json"
BASE_SQL = HERE / "base.sql"
WHAT_WORKS_SQL = HERE / "what_works.sql"
MEASURE_IDS = ["sagsstamme", "samtaler", "i_tilbud", "afgang"]
FOLLOWING_WEEKS = 4  # afgang: no benefit in the four weeks after the week
RECENT_WEEKS = 26  # the pages' trend
OUTCOME_DAYS = 91  # "Hvad virker": off benefits 13 weeks after the offer started
ALL = "alle"  # the target group of a total
AREA_TYPES = ("jobcenter", "team", "caseworker")


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    description: str
    unit: str
    decimals: int
    kind: str  # "count" or "share"
    by_target_group: bool
    needs_following_weeks: bool
    sql: str


class MeasureError(Exception):
    pass


def load_measures(folder: Path = MEASURES) -> list[Measure]:
    """Every measure of the folder, checked against the schema, in SPEC section 9's order."""
    schema = json.loads(MEASURE_SCHEMA.read_text(encoding="utf-8"))
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            jsonschema.validate(raw, schema)
        except jsonschema.ValidationError as error:
            raise MeasureError(f"{path.name}: {error.message}") from error
        if raw["id"] != path.stem:
            raise MeasureError(f"{path.name}: id {raw['id']!r} must be the file name")
        found[raw["id"]] = Measure(
            needs_following_weeks=raw.pop("needs_following_weeks", False), **raw
        )
    return [found[i] for i in MEASURE_IDS if i in found]


@dataclass(frozen=True)
class EditionWeeks:
    first: str
    reference: str

    @property
    def all(self) -> list[str]:
        return week_range(self.first, self.reference)

    @property
    def recent(self) -> list[str]:
        return self.all[-RECENT_WEEKS:]

    @property
    def reference_sunday(self) -> date:
        return sunday(self.reference)

    def following_complete(self, week: str) -> bool:
        return sunday(week) + timedelta(weeks=FOLLOWING_WEEKS) <= self.reference_sunday

    @property
    def last_known_afgang(self) -> str | None:
        """The latest week whose afgang is known (its four following weeks complete)."""
        known = [w for w in self.all if self.following_complete(w)]
        return known[-1] if known else None


def prepare(con: duckdb.DuckDBPyConnection, jobcentres: list[int], weeks: EditionWeeks) -> None:
    """The vocabulary and calendar tables, then base.sql's shared tables."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE weeks (week VARCHAR, monday DATE, sunday DATE, "
        "following_first DATE, following_last DATE, following_complete BOOLEAN, recent BOOLEAN)"
    )
    recent = set(weeks.recent)
    con.executemany(
        "INSERT INTO weeks VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            [
                week,
                monday(week),
                sunday(week),
                sunday(week) + timedelta(days=1),
                sunday(week) + timedelta(weeks=FOLLOWING_WEEKS),
                weeks.following_complete(week),
                week in recent,
            ]
            for week in weeks.all
        ],
    )
    con.execute("CREATE OR REPLACE TEMP TABLE edition_jobcentres (municipality_code BIGINT)")
    con.executemany("INSERT INTO edition_jobcentres VALUES (?)", [[c] for c in jobcentres])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE edition_info AS SELECT ?::DATE AS reference_sunday",
        [weeks.reference_sunday],
    )
    con.execute("CREATE OR REPLACE TEMP TABLE benefits (benefit VARCHAR, position INTEGER)")
    con.executemany(
        "INSERT INTO benefits VALUES (?, ?)", [[code, i] for i, code in enumerate(BENEFITS)]
    )
    run_script(con, BASE_SQL)
    # every area of the edition, with its name: a team's name carries its jobcentre's, since
    # two jobcentres may both have a "Team 1"
    con.execute("""
        CREATE OR REPLACE TEMP TABLE edition_areas AS
        SELECT 'jobcenter' AS area_type, CAST(m.municipality_code AS VARCHAR) AS area_code,
               m.municipality_name AS area_name, m.municipality_code, NULL AS team
        FROM municipalities AS m
        WHERE m.municipality_code IN (SELECT municipality_code FROM edition_jobcentres)
        UNION ALL
        SELECT DISTINCT 'team', s.team, s.team || ', ' || m.municipality_name,
               s.municipality_code, s.team
        FROM staff AS s JOIN municipalities AS m USING (municipality_code)
        UNION ALL
        SELECT 'caseworker', s.caseworker_id, COALESCE(s.caseworker_name, s.caseworker_id),
               s.municipality_code, s.team
        FROM staff AS s
    """)


def run_script(con: duckdb.DuckDBPyConnection, script: Path) -> None:
    """Each statement of a SQL file, timing the tables it makes."""
    for statement in sql_statements(script):
        started = time.perf_counter()
        con.execute(statement)
        words = statement.split()
        if words[:3] == ["CREATE", "TEMP", "TABLE"]:
            rows = con.execute(f"SELECT count(*) FROM {words[3]}").fetchone()[0]
            log(f"  {words[3]}: {rows:,} rows in {time.perf_counter() - started:.1f} s")


def grouping_sets(measure: Measure) -> str:
    """The areas (caseworker, team, jobcentre), each in total and, where the measure has them,
    per target group."""
    areas = [
        "period, municipality_code, team, caseworker_id",
        "period, municipality_code, team",
        "period, municipality_code",
    ]
    sets = [f"({a}, target_group)" for a in areas] if measure.by_target_group else []
    return ", ".join(sets + [f"({a})" for a in areas])


def compute(con: duckdb.DuckDBPyConnection, measures: list[Measure]) -> int:
    """Every measure into the table internal_values: for each area, every week's total (0 or
    empty where nothing happened) and each target group that occurs in it."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE internal_values (
            measure VARCHAR, target_group VARCHAR, area_type VARCHAR, area_code VARCHAR,
            area_name VARCHAR, period VARCHAR, value DOUBLE, persons BIGINT,
            municipality_code BIGINT, team VARCHAR)
    """)
    for measure in measures:
        started = time.perf_counter()
        if measure.kind == "share":
            value = "100.0 * total / persons"
            fill = "NULL"
        else:
            value, fill = "total", "0"
        target_group = (
            f"CASE WHEN GROUPING(target_group) = 1 THEN '{ALL}' ELSE target_group END"
            if measure.by_target_group
            else f"'{ALL}'"
        )
        known = "WHERE following_complete" if measure.needs_following_weeks else ""
        con.execute(f"""
            INSERT INTO internal_values
            WITH per_caseworker AS (
                -- a citizen has one row per week and caseworker, so the rows are the
                -- citizens behind a figure, and they add up from caseworker to team
                SELECT period, caseworker_id, target_group, sum(value) AS total,
                       count(*) AS persons
                FROM ({measure.sql}) AS f
                GROUP BY period, caseworker_id, target_group
            ),
            facts AS (
                SELECT f.*, s.team, s.municipality_code
                FROM per_caseworker AS f
                JOIN staff AS s USING (caseworker_id)
            ),
            sums AS (
                SELECT period, municipality_code,
                       CASE WHEN GROUPING(team) = 1 THEN 'jobcenter'
                            WHEN GROUPING(caseworker_id) = 1 THEN 'team'
                            ELSE 'caseworker' END AS area_type,
                       CASE WHEN GROUPING(team) = 1 THEN CAST(municipality_code AS VARCHAR)
                            WHEN GROUPING(caseworker_id) = 1 THEN team
                            ELSE caseworker_id END AS area_code,
                       {target_group} AS target_group,
                       sum(total) AS total, sum(persons) AS persons
                FROM facts
                GROUP BY GROUPING SETS ({grouping_sets(measure)})
            ),
            grid AS (
                SELECT a.area_type, a.area_code, a.area_name, a.municipality_code, a.team,
                       w.week AS period, w.following_complete
                FROM edition_areas AS a CROSS JOIN weeks AS w
            )
            -- the totals: every area, every week
            SELECT '{measure.id}', '{ALL}', g.area_type, g.area_code, g.area_name, g.period,
                   CASE WHEN s.persons IS NULL THEN {fill} ELSE {value} END,
                   COALESCE(s.persons, 0), g.municipality_code, g.team
            FROM (SELECT * FROM grid {known}) AS g
            LEFT JOIN (SELECT * FROM sums WHERE target_group = '{ALL}') AS s
                USING (area_type, area_code, municipality_code, period)
            -- the weeks not known yet: a row without a value
            UNION ALL
            SELECT '{measure.id}', '{ALL}', g.area_type, g.area_code, g.area_name, g.period,
                   NULL, 0, g.municipality_code, g.team
            FROM grid AS g
            WHERE {"NOT g.following_complete" if measure.needs_following_weeks else "false"}
            -- each target group where it occurs
            UNION ALL
            SELECT '{measure.id}', s.target_group, a.area_type, a.area_code, a.area_name,
                   s.period, {value}, s.persons, a.municipality_code, a.team
            FROM sums AS s
            JOIN edition_areas AS a USING (area_type, area_code, municipality_code)
            WHERE s.target_group <> '{ALL}'
        """)
        rows = con.execute(
            "SELECT count(*) FROM internal_values WHERE measure = ?", [measure.id]
        ).fetchone()[0]
        log(f"  measure {measure.id}: {rows:,} values in {time.perf_counter() - started:.1f} s")
    return con.execute("SELECT count(*) FROM internal_values").fetchone()[0]


def what_works(con: duckdb.DuckDBPyConnection) -> int:
    """ "Hvad virker" per jobcentre, offer type and target group into the table what_works."""
    run_script(con, WHAT_WORKS_SQL)
    return con.execute("SELECT count(*) FROM what_works").fetchone()[0]
