"""Load the indicator definitions and run them on DuckDB.

A definition (definitions/<id>.yaml) holds an indicator's words and its SQL. The SQL reads the
tables of base.sql (mostly `cells`) and returns one row per published cell with the columns of
RESULT_COLUMNS. `persons` is the number of people the value describes (for a share: its
denominator) and `subset_persons`, for a share, the people in its numerator; the small-number
protection needs both. The engine fills in the cells with no recipients, so every area has every
month, benefit and breakdown."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jsonschema
import yaml

from jobtal import paths
from jobtal.log import log
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


def prepare(con: duckdb.DuckDBPyConnection, reference_month: str) -> None:
    """Make the vocabulary tables and the shared views of base.sql."""
    con.execute("CREATE TEMP TABLE extract_info AS SELECT ? AS reference_month", [reference_month])
    con.execute("CREATE TEMP TABLE benefits (benefit VARCHAR, position INTEGER)")
    con.executemany(
        "INSERT INTO benefits VALUES (?, ?)", [[code, i] for i, code in enumerate(BENEFITS)]
    )
    con.execute(
        "CREATE TEMP TABLE age_groups (age_group VARCHAR, min_age INTEGER, max_age INTEGER)"
    )
    con.executemany(
        "INSERT INTO age_groups VALUES (?, ?, ?)",
        [[group, *AGE_BOUNDS[group]] for group in AGE_GROUPS],
    )
    # every age in whole years that has an age group, so that spell-months find theirs by an
    # equality join (the cheap kind at national scale)
    con.execute("CREATE TEMP TABLE ages (age INTEGER, age_group VARCHAR)")
    con.executemany(
        "INSERT INTO ages VALUES (?, ?)",
        [[age, group] for group, (low, high) in AGE_BOUNDS.items() for age in range(low, high + 1)],
    )
    con.execute(
        "CREATE TEMP TABLE municipality_group_names (municipality_group BIGINT, group_name VARCHAR)"
    )
    con.executemany(
        "INSERT INTO municipality_group_names VALUES (?, ?)",
        [[number, name] for number, name in MUNICIPALITY_GROUPS.items()],
    )
    for statement in BASE_SQL.read_text(encoding="utf-8").split(";"):
        code = [
            line
            for line in statement.splitlines()
            if line.strip() and not line.strip().startswith("--")
        ]
        if not code:
            continue
        started = time.perf_counter()
        con.execute(statement)
        kind, name = code[0].split()[2:4]  # CREATE TEMP TABLE|VIEW <name> AS
        if kind == "TABLE":
            rows = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            log(f"  {name}: {rows:,} rows in {time.perf_counter() - started:.1f} s")


def breakdown_cells(definition: Definition) -> list[tuple[str, str]]:
    """The (sex, age_group) cells an indicator is published for: the total and the marginals."""
    cells = [("alle", "alle")]
    if "sex" in definition.breakdowns:
        cells += [(sex, "alle") for sex in SEXES]
    if "age_group" in definition.breakdowns:
        cells += [("alle", group) for group in AGE_GROUPS]
    return cells


def compute(con: duckdb.DuckDBPyConnection, definitions: list[Definition]) -> int:
    """Run every definition into the table indicator_values; return its number of rows."""
    con.execute(
        "CREATE OR REPLACE TABLE indicator_values (indicator VARCHAR, area_type VARCHAR, "
        "area_code VARCHAR, period VARCHAR, benefit VARCHAR, sex VARCHAR, age_group VARCHAR, "
        "value DOUBLE, persons BIGINT, subset_persons BIGINT)"
    )
    for definition in definitions:
        started = time.perf_counter()
        con.execute("CREATE OR REPLACE TEMP TABLE breakdowns (sex VARCHAR, age_group VARCHAR)")
        con.executemany("INSERT INTO breakdowns VALUES (?, ?)", breakdown_cells(definition))
        benefit_list = ", ".join(f"'{code}'" for code in definition.benefits)
        fill = "NULL" if definition.fill is None else repr(float(definition.fill))
        months = "WHERE next_month_complete" if definition.needs_next_month else ""
        con.execute(f"""
            INSERT INTO indicator_values
            SELECT '{definition.id}', grid.area_type, grid.area_code, grid.period, grid.benefit,
                   grid.sex, grid.age_group,
                   COALESCE(result.value, {fill}), COALESCE(result.persons, 0),
                   result.subset_persons
            FROM (
                SELECT a.area_type, a.area_code, m.month AS period, b.benefit, c.sex, c.age_group
                FROM (SELECT DISTINCT area_type, area_code FROM areas) AS a
                CROSS JOIN (SELECT month FROM months {months}) AS m
                CROSS JOIN (SELECT benefit FROM benefits WHERE benefit IN ({benefit_list})) AS b
                CROSS JOIN breakdowns AS c
            ) AS grid
            LEFT JOIN ({definition.sql}) AS result
            USING (area_type, area_code, period, benefit, sex, age_group)
        """)
        rows = con.execute(
            "SELECT count(*) FROM indicator_values WHERE indicator = ?", [definition.id]
        ).fetchone()[0]
        log(
            f"  indicator {definition.id}: {rows:,} values in {time.perf_counter() - started:.1f} s"
        )
    return con.execute("SELECT count(*) FROM indicator_values").fetchone()[0]
