"""The internal edition's data files (SPEC section 9): data/intern.csv with every value, and one
CSV per team with the team's rows and its caseworkers'. Both with the columns of CSV_COLUMNS,
sorted by them from left to right, written straight from DuckDB.

A value is its number rounded to the measure's decimals (a point for the decimal), empty for a
share of no citizens and for afgang in the last four weeks, which are not known yet. Text cells
that a spreadsheet would read as a formula get a ' before them, as on the public site."""

from __future__ import annotations

from pathlib import Path

import duckdb

from jobtal.internal.engine import Measure
from jobtal.sql import spreadsheet_safe, sql_string

CSV_COLUMNS = [
    "measure", "target_group", "area_type", "area_code", "area_name", "period", "value", "unit",
]  # fmt: skip
INTERN_CSV = "data/intern.csv"


def csv_values(measures: list[Measure]) -> str:
    """internal_values as the CSV's rows: the value as text, the unit beside it."""
    decimals = " ".join(f"WHEN '{m.id}' THEN {m.decimals}" for m in measures)
    units = " ".join(f"WHEN '{m.id}' THEN {sql_string(m.unit)}" for m in measures)
    return f"""
        SELECT measure, target_group, area_type, area_code, area_name, period,
               CASE WHEN value IS NULL THEN NULL
                    ELSE printf('%.' || (CASE measure {decimals} END) || 'f',
                                round(value, CASE measure {decimals} END)) END AS value,
               CASE measure {units} END AS unit,
               municipality_code, team
        FROM internal_values
    """


def write_csv(con: duckdb.DuckDBPyConnection, table: str, where: str, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    order = ", ".join(CSV_COLUMNS)
    con.execute(
        f"COPY (SELECT {spreadsheet_safe(CSV_COLUMNS)} FROM {table} WHERE {where} "
        f"ORDER BY {order}) TO {sql_string(str(path))} (HEADER, DELIMITER ',')"
    )
    return con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


def jobcentre_csv(jobcentre, jobcentres: list) -> str:
    """A jobcentre's own CSV; intern.csv itself when the edition has one jobcentre."""
    if len(jobcentres) == 1:
        return INTERN_CSV
    return f"data/jobcenter/{jobcentre.municipality_code}.csv"


def team_csv(team) -> str:
    return f"data/team/{team.municipality_code}-{team.folder}.csv"


WHAT_WORKS_CSV = "data/hvad-virker.csv"
WHAT_WORKS_COLUMNS = [
    "municipality_code", "offer", "target_group", "offer_persons", "offer_share",
    "comparison_persons", "comparison_share",
]  # fmt: skip


def write_data_files(
    con: duckdb.DuckDBPyConnection, site: Path, measures: list[Measure], jobcentres: list,
    teams: list,
) -> dict[str, int]:  # fmt: skip
    """intern.csv, each jobcentre's and each team's CSV, and "Hvad virker"'s; returns the
    rows of each, by path."""
    # the rows as text once, kept in the order of the jobcentres and teams, so that each file
    # reads only its own stretch of the table (DuckDB skips the rest by its min/max per block)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE internal_csv AS {csv_values(measures)} "
        "ORDER BY municipality_code, team"
    )
    table = "internal_csv"
    written = {INTERN_CSV: write_csv(con, table, "true", site / INTERN_CSV)}
    for jobcentre in jobcentres if len(jobcentres) > 1 else []:
        where = f"municipality_code = {int(jobcentre.municipality_code)}"
        path = jobcentre_csv(jobcentre, jobcentres)
        written[path] = write_csv(con, table, where, site / path)
    for team in teams:
        where = (
            f"municipality_code = {int(team.municipality_code)} "
            f"AND team = {sql_string(team.code)} AND area_type IN ('team', 'caseworker')"
        )
        path = team_csv(team)
        written[path] = write_csv(con, table, where, site / path)
    what_works = """
        SELECT municipality_code, offer, target_group, offer_persons,
               printf('%.1f', round(offer_share, 1)) AS offer_share, comparison_persons,
               printf('%.1f', round(comparison_share, 1)) AS comparison_share
        FROM what_works
    """
    con.execute(
        f"COPY (SELECT {', '.join(WHAT_WORKS_COLUMNS)} FROM ({what_works}) "
        f"ORDER BY municipality_code, offer, target_group) "
        f"TO {sql_string(str(site / WHAT_WORKS_CSV))} (HEADER, DELIMITER ',')"
    )
    written[WHAT_WORKS_CSV] = con.execute("SELECT count(*) FROM what_works").fetchone()[0]
    return written
