"""Small helpers for writing SQL text safely, and the database connection every stage uses."""

import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import duckdb

from jobtal.parallel import workers


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


def columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    """The columns of the table or view `relation`, in their order ([] if there is none)."""
    return [
        name
        for (name,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [relation],
        ).fetchall()
    ]


def spreadsheet_safe(columns: list[str], numbers: tuple[str, ...] = ()) -> str:
    """A SELECT list of `columns` for a published CSV, the text ones neutralised."""
    return ", ".join(
        column
        if column in numbers
        else f"CASE WHEN regexp_matches(CAST({ident(column)} AS VARCHAR), '{FORMULA_START}') "
        f"THEN '''' || {ident(column)} ELSE {ident(column)} END AS {ident(column)}"
        for column in columns
    )


# DuckDB may use this much memory before it spills to disk (`--memory-limit`, or
# $JOBTAL_MEMORY_LIMIT): a national build's whole process, Python and the site generator
# included, then stays under 4 GB. On a machine with less, a lower limit makes DuckDB spill more
# to the temporary folder and take longer; what cannot spill (a sort's or join's least working
# set) fails with DuckDB's out-of-memory error, which the commands report as such.
MEMORY_LIMIT = "3GB"
_memory_limit = MEMORY_LIMIT


def set_memory_limit(limit: str) -> str:
    """Every later connection's memory limit, in DuckDB's words (e.g. "2GB", "1500MB", "50%");
    raises ValueError for one DuckDB does not read, or one too small for it to work in."""
    global _memory_limit
    try:
        probe = duckdb.connect(config={"memory_limit": limit})
    except duckdb.Error as error:
        raise ValueError(
            f"{limit!r} is not a memory size DuckDB reads, e.g. 2GB or 1500MB"
        ) from error
    try:
        # a small hash table: under about 2 MB, DuckDB cannot do even that
        probe.execute("SELECT count(DISTINCT i) FROM range(100000) AS t(i)").fetchall()
    except duckdb.OutOfMemoryException as error:
        raise ValueError(f"{limit!r} is too little memory for DuckDB to work in") from error
    finally:
        probe.close()
    _memory_limit = limit
    return limit


NO_AUTOMATIC_CHECKPOINT = "1000GB"  # more than any build writes


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database with jobtal's memory limit, and at least two threads:
    with one, DuckDB plans a table's insert without the batches that keep the file's order,
    which the validator needs to number rows (tablecheck.create_in_file_order)."""
    # DuckDB spills what exceeds the limit to `.tmp` in the working directory unless told
    # otherwise: a build writes only beside its output, so to the system's temporary folder
    spill = os.path.join(tempfile.gettempdir(), f"jobtal-duckdb-{os.getpid()}")
    con = duckdb.connect(config={"memory_limit": _memory_limit, "temp_directory": spill})
    # its bar on the terminal would fill a build's log with carriage returns
    con.execute("SET enable_progress_bar = false")
    # Since DuckDB 1.4 an in-memory database checkpoints its tables too, whenever 16 MiB have
    # been written since the last time: each took about 7 s at national scale (the ninth
    # indicator's 91,560 values took 8.4 s to insert, 0.5 s without). The build checkpoints
    # once, where it drops the microdata (stages.release_microdata), to give their memory back.
    con.execute(f"SET checkpoint_threshold = '{NO_AUTOMATIC_CHECKPOINT}'")
    if con.execute("SELECT current_setting('threads')").fetchone()[0] < 2:
        con.execute("SET threads = 2")
    return con


Item = TypeVar("Item")
Result = TypeVar("Result")


def on_cursors(
    con: duckdb.DuckDBPyConnection,
    work: Callable[[duckdb.DuckDBPyConnection, Item], Result],
    items: Sequence[Item],
) -> list[Result]:
    """[work(cursor, item) for item in items], in order, on a thread per core, each with a
    cursor of its own (a connection to the same database, which sees its tables but not the
    temporary ones of `con`). For many small statements, such as a COPY per file: DuckDB runs
    each without the interpreter's lock, and each costs more in its own setting up than in
    the rows it reads, which one thread at a time would do one after another."""
    local = threading.local()

    def on_own_cursor(item: Item) -> Result:
        if not hasattr(local, "cursor"):
            local.cursor = con.cursor()
        return work(local.cursor, item)

    with ThreadPoolExecutor(max_workers=workers()) as pool:
        return list(pool.map(on_own_cursor, items))


def sql_statements(path: Path) -> list[str]:
    """The statements of a SQL file, in order: its comment lines left out (so a comment may
    hold a ';'), split at each ';'."""
    text = "\n".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.strip().startswith("--")
    )
    return [part.strip() for part in text.split(";") if part.strip()]
