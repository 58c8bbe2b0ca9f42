"""Small helpers for writing SQL text safely, and the database connection every stage uses."""

import os
import tempfile
from pathlib import Path

import duckdb


def sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


# A cell a spreadsheet would read as a formula starts with one of these (OWASP, "CSV
# injection"); published text cells that do are written with a ' before them, which spreadsheets
# read as "text, not a formula" and do not show. Numbers are not text cells: -3.5 stays.
FORMULA_START = "^[=+@\\t\\r-]"


def spreadsheet_safe(columns: list[str], numbers: tuple[str, ...] = ()) -> str:
    """A SELECT list of `columns` for a published CSV, the text ones neutralised."""
    return ", ".join(
        column
        if column in numbers
        else f"CASE WHEN regexp_matches(CAST({ident(column)} AS VARCHAR), '{FORMULA_START}') "
        f"THEN '''' || {ident(column)} ELSE {ident(column)} END AS {ident(column)}"
        for column in columns
    )


# DuckDB may use this much memory before it spills to disk; the rest of the process (Python,
# the site generator) stays well under the 6 GB a national build is allowed on a 24 GB machine.
MEMORY_LIMIT = "4GB"


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database with jobtal's memory limit, and at least two threads:
    with one, DuckDB plans a table's insert without the batches that keep the file's order,
    which the validator needs to number rows (tablecheck.create_in_file_order)."""
    # DuckDB spills what exceeds the limit to `.tmp` in the working directory unless told
    # otherwise: a build writes only beside its output, so to the system's temporary folder
    spill = os.path.join(tempfile.gettempdir(), f"jobtal-duckdb-{os.getpid()}")
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill})
    if con.execute("SELECT current_setting('threads')").fetchone()[0] < 2:
        con.execute("SET threads = 2")
    return con


def sql_statements(path: Path) -> list[str]:
    """The statements of a SQL file, in order: its comment lines left out (so a comment may
    hold a ';'), split at each ';'."""
    text = "\n".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.strip().startswith("--")
    )
    return [part.strip() for part in text.split(";") if part.strip()]
