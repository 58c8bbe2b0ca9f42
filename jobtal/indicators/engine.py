"""Load the indicator definitions and run them on DuckDB.

A definition (definitions/<id>.yaml) holds an indicator's words and its SQL. The SQL reads the
tables of base.sql (mostly `cells`) and returns one row per published cell with the columns of
RESULT_COLUMNS. `persons` is the number of people the value describes (for a share: its
denominator) and `subset_persons`, for a share, the people in its numerator; the small-number
protection needs both. The engine fills in the cells with no recipients, so every area has every
month, benefit and breakdown."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jsonschema
import yaml

from jobtal import paths
from jobtal.log import log
from jobtal.sql import sql_statements
from jobtal.vocabulary import (
    AGE_BOUNDS,
    AGE_GROUPS,
    BENEFITS,
    INDICATOR_IDS,
    MUNICIPALITY_GROUPS,
    SEXES,
)

RESULT_COLUMNS = [
    "area_type",
    "area_code",
    "period",
    "benefit",
    "sex",
    "age_group",
    "value",
    "persons",
    "subset_persons",
]
BASE_SQL = Path(__file__).with_name("base.sql")
DEFINITION_SCHEMA = Path(__file__).with_name("definition.schema.json")


@dataclass(frozen=True)
class Text:
    da: str
    en: str


@dataclass(frozen=True)
class Definition:
    id: str
    title: Text
    description: Text
    unit: Text
    decimals: int
    breakdowns: tuple[str, ...]
    benefits: tuple[str, ...]
    additive: bool
    rank: bool
    better: str | None  # "lower", "higher" or None: which way is good
    compare_per_1000: bool  # compared per 1,000 inhabitants aged 16-66
    relative_change: bool  # a change is also told in per cent of the value a year before
    needs_next_month: bool
    suppressed_with: tuple[str, ...]
    fill: float | None
    sql: str


class DefinitionError(Exception):
    pass


def load_definitions(folder: Path = paths.INDICATOR_DEFINITIONS) -> list[Definition]:
    """Every definition in the folder, checked against the schema, in the published order."""
    schema = json.loads(DEFINITION_SCHEMA.read_text(encoding="utf-8"))
    definitions = {}
    for path in sorted(folder.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            jsonschema.validate(raw, schema)
        except jsonschema.ValidationError as error:
            raise DefinitionError(f"{path.name}: {error.message}") from error
        if raw["id"] != path.stem or raw["id"] not in INDICATOR_IDS:
            raise DefinitionError(
                f"{path.name}: id {raw['id']!r} must be the file name and an "
                "indicator of the contract"
            )
        benefits = tuple(raw.get("benefits", BENEFITS))
        unknown = set(benefits) - set(BENEFITS)
        if unknown:
            raise DefinitionError(f"{path.name}: unknown benefits {sorted(unknown)}")
        definitions[raw["id"]] = Definition(
            id=raw["id"],
            title=Text(**raw["title"]),
            description=Text(**raw["description"]),
            unit=Text(**raw["unit"]),
            decimals=raw["decimals"],
            breakdowns=tuple(raw["breakdowns"]),
            benefits=benefits if "benefit" in raw["breakdowns"] else ("alle",),
            additive=raw.get("additive", False),
            rank=raw.get("rank", False),
            better=raw.get("better"),
            compare_per_1000=raw.get("compare_per_1000", False),
            relative_change=raw.get("relative_change", True),
            needs_next_month=raw.get("needs_next_month", False),
            suppressed_with=tuple(raw.get("suppressed_with", ())),
            fill=raw.get("fill"),
            sql=raw["sql"],
        )
    return [definitions[i] for i in INDICATOR_IDS if i in definitions]


# The functions base.sql may call besides the SQL both engines share, each defined on each
# engine (issue 23): DuckDB subtracts dates with `-` and Spark with datediff, and so on.
DUCKDB_PRELUDE = [
    "CREATE OR REPLACE TEMP MACRO days_between(first_day, last_day) AS "
    "CAST(last_day - first_day AS BIGINT)",
    "CREATE OR REPLACE TEMP MACRO add_days(day, days) AS CAST(day + days AS DATE)",
]
SPARK_PRELUDE = [
    "CREATE OR REPLACE TEMPORARY FUNCTION days_between(first_day DATE, last_day DATE) "
    "RETURNS BIGINT RETURN CAST(datediff(last_day, first_day) AS BIGINT)",
    "CREATE OR REPLACE TEMPORARY FUNCTION add_days(day DATE, days INT) "
    "RETURNS DATE RETURN date_add(day, days)",
]


@dataclass(frozen=True)
class Statement:
    """One statement of base.sql: `CREATE TABLE|VIEW name AS query`. How a table is kept is
    the engine's business (DuckDB: a temporary table; Spark: a cached view)."""

    kind: str  # "TABLE" or "VIEW"
    name: str
    query: str


STATEMENT = re.compile(r"^\s*CREATE\s+(TABLE|VIEW)\s+(\w+)\s+AS\s+(.*)$", re.DOTALL)


def base_statements(path: Path = BASE_SQL) -> list[Statement]:
    """base.sql's statements in order."""
    statements = []
    for part in sql_statements(path):
        match = STATEMENT.match(part)
        if not match:
            raise DefinitionError(f"{path.name}: not CREATE TABLE|VIEW name AS ...: {part[:80]!r}")
        statements.append(Statement(match[1], match[2], match[3].strip()))
    return statements


@dataclass(frozen=True)
class VocabularyTable:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, SQL type)
    rows: tuple[tuple, ...]


def vocabulary_tables(reference_month: str) -> list[VocabularyTable]:
    """The tables made from the contract's vocabulary, which base.sql reads beside the
    extracts."""
    return [
        VocabularyTable("extract_info", (("reference_month", "STRING"),), ((reference_month,),)),
        VocabularyTable(
            "benefits",
            (("benefit", "STRING"), ("position", "INTEGER")),
            tuple((code, i) for i, code in enumerate(BENEFITS)),
        ),
        VocabularyTable(
            "age_groups",
            (("age_group", "STRING"), ("min_age", "INTEGER"), ("max_age", "INTEGER")),
            tuple((group, *AGE_BOUNDS[group]) for group in AGE_GROUPS),
        ),
        # every age in whole years that has an age group, so that spell-months find theirs by
        # an equality join (the cheap kind at national scale)
        VocabularyTable(
            "ages",
            (("age", "INTEGER"), ("age_group", "STRING")),
            tuple(
                (age, group)
                for group, (low, high) in AGE_BOUNDS.items()
                for age in range(low, high + 1)
            ),
        ),
        VocabularyTable(
            "municipality_group_names",
            (("municipality_group", "BIGINT"), ("group_name", "STRING")),
            tuple(MUNICIPALITY_GROUPS.items()),
        ),
    ]


def make_vocabulary(con: duckdb.DuckDBPyConnection, reference_month: str) -> None:
    """The vocabulary tables on DuckDB (the later stages read some of them on either engine)."""
    for table in vocabulary_tables(reference_month):
        columns = ", ".join(f"{name} {kind}" for name, kind in table.columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table.name} ({columns})")
        marks = ", ".join("?" for _ in table.columns)
        con.executemany(f"INSERT INTO {table.name} VALUES ({marks})", [list(r) for r in table.rows])


def prepare(con: duckdb.DuckDBPyConnection, reference_month: str) -> None:
    """Make the vocabulary tables and the shared tables of base.sql on DuckDB."""
    make_vocabulary(con, reference_month)
    for statement in DUCKDB_PRELUDE:
        con.execute(statement)
    for statement in base_statements():
        started = time.perf_counter()
        con.execute(
            f"CREATE OR REPLACE TEMP {statement.kind} {statement.name} AS {statement.query}"
        )
        if statement.kind == "TABLE":
            rows = con.execute(f"SELECT count(*) FROM {statement.name}").fetchone()[0]
            log(f"  {statement.name}: {rows:,} rows in {time.perf_counter() - started:.1f} s")


def breakdown_cells(definition: Definition) -> list[tuple[str, str]]:
    """The (sex, age_group) cells an indicator is published for: the total and the marginals."""
    cells = [("alle", "alle")]
    if "sex" in definition.breakdowns:
        cells += [(sex, "alle") for sex in SEXES]
    if "age_group" in definition.breakdowns:
        cells += [("alle", group) for group in AGE_GROUPS]
    return cells


def definition_query(definition: Definition) -> str:
    """The definition's SQL with every cell of its grid (area, month, benefit, breakdown), the
    cells without recipients filled in: one query both engines run."""
    cells = ", ".join(f"('{sex}', '{age_group}')" for sex, age_group in breakdown_cells(definition))
    benefit_list = ", ".join(f"'{code}'" for code in definition.benefits)
    fill = "NULL" if definition.fill is None else f"CAST({int(definition.fill)} AS DOUBLE)"
    if definition.fill is not None and definition.fill != int(definition.fill):
        raise DefinitionError(f"{definition.id}: fill must be a whole number")
    months = "WHERE next_month_complete" if definition.needs_next_month else ""
    return f"""
        SELECT '{definition.id}' AS indicator, grid.area_type, grid.area_code, grid.period,
               grid.benefit, grid.sex, grid.age_group,
               CAST(COALESCE(result.value, {fill}) AS DOUBLE) AS value,
               CAST(COALESCE(result.persons, 0) AS BIGINT) AS persons,
               CAST(result.subset_persons AS BIGINT) AS subset_persons
        FROM (
            SELECT a.area_type, a.area_code, m.month AS period, b.benefit, c.sex, c.age_group
            FROM (SELECT DISTINCT area_type, area_code FROM areas) AS a
            CROSS JOIN (SELECT month FROM months {months}) AS m
            CROSS JOIN (SELECT benefit FROM benefits WHERE benefit IN ({benefit_list})) AS b
            CROSS JOIN (VALUES {cells}) AS c (sex, age_group)
        ) AS grid
        LEFT JOIN ({definition.sql}) AS result
        USING (area_type, area_code, period, benefit, sex, age_group)
    """


INDICATOR_VALUES_COLUMNS = (
    "indicator VARCHAR, area_type VARCHAR, area_code VARCHAR, period VARCHAR, benefit VARCHAR, "
    "sex VARCHAR, age_group VARCHAR, value DOUBLE, persons BIGINT, subset_persons BIGINT"
)


def compute(con: duckdb.DuckDBPyConnection, definitions: list[Definition]) -> int:
    """Run every definition into the table indicator_values; return its number of rows."""
    con.execute(f"CREATE OR REPLACE TABLE indicator_values ({INDICATOR_VALUES_COLUMNS})")
    for definition in definitions:
        started = time.perf_counter()
        con.execute(f"INSERT INTO indicator_values {definition_query(definition)}")
        rows = con.execute(
            "SELECT count(*) FROM indicator_values WHERE indicator = ?", [definition.id]
        ).fetchone()[0]
        log(
            f"  indicator {definition.id}: {rows:,} values in {time.perf_counter() - started:.1f} s"
        )
    return con.execute("SELECT count(*) FROM indicator_values").fetchone()[0]
