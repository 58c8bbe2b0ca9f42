"""Table Schema validation of one CSV resource, column-wise on DuckDB, with frictionless-py's
semantics and vocabulary.

frictionless checks a row at a time in Python; here DuckDB reads the file as text cells
(csvfile.py) and checks each column with SQL, in one pass that makes a table of the typed
values in the file's order (create_in_file_order), so that a row's number is its rowid + 2.
The answers are frictionless's: the same
error types (`type-error`, `constraint-error`, `missing-cell`, `extra-cell`, `blank-row`,
`unique-error`, `primary-key`, `foreign-key`, and the label errors) on the same rows (the
header is row 1; an empty line is a row too), which tests/test_validator_differential.py
checks against frictionless-py itself.

How a cell is read:
- A value in the field's missingValues is missing (None); a cell a short row lacks is missing too.
- Each type has a fast path: DuckDB's cast of the cell, taken where only a certainly-valid value
  gets through (an integer or date whose cast, written back as text, is the cell itself; a
  number that matches a strict pattern), and checked against the constraints in SQL.
- Every other distinct value is read by frictionless's own cell reader for that field, so the
  odd-but-valid forms ('+7', ' 7 ', '2024-1-5', 'NaN') get frictionless's exact verdict, and a
  column of a million rows costs one Python call per distinct odd value, not per row.

The query is planned from frictionless's reading of the schema. To let DuckDB start before
frictionless is loaded, the plan may first be drafted from the descriptor alone (draft_fields);
a table made from a draft is kept only when frictionless's plan is the same query.

Where jobtal deliberately differs from frictionless, it is stricter and says why: an integer
that does not fit in 64 bits (`integer-out-of-range`); a byte order mark, another encoding or
another separator than the descriptor declares (`encoding-error`, `dialect-error`, reported
instead of being guessed); decimal commas in an undeclared number field (one `decimal-comma`
problem for the field instead of a type error per row).

The plans of the fields (how each is read and checked) are in fieldplans.py, the query built
from them in cellsql.py, the key checks in keys.py; docs/dev/problems.md lists every problem
code (extracts/problems.py).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from jobtal.extracts.cellsql import BOOKKEEPING, typed_select
from jobtal.extracts.csvfile import Dialect, TextCells, UnreadableFile, read_cells
from jobtal.extracts.fieldplans import (
    CellError,
    FieldPlan,
    constraint_note,
    draft_fields,
    plan_fields,
    python_verdicts,
    type_note,
)
from jobtal.extracts.keys import key_errors, primary_key
from jobtal.extracts.problems import Code
from jobtal.extracts.records import Records
from jobtal.sql import columns_of, ident, sql_string


def label_errors(labels: list[str], field_names: list[str]) -> list[CellError]:
    """frictionless's header errors when labels are matched to fields by position (an empty
    header never gets here: csvfile.read_cells refuses it)."""
    errors = []
    for number, label in enumerate(labels[len(field_names) :], start=len(field_names) + 1):
        errors.append(
            CellError(
                Code.EXTRA_LABEL, None, None, number, label, "a column the schema does not have"
            )
        )
    for number, name in enumerate(field_names[len(labels) :], start=len(labels) + 1):
        errors.append(
            CellError(
                Code.MISSING_LABEL,
                None,
                name,
                number,
                None,
                "the file has no column for this field",
            )
        )
    for number, (name, label) in enumerate(zip(field_names, labels, strict=False), start=1):
        if not label:
            errors.append(
                CellError(Code.BLANK_LABEL, None, name, number, "", "the column has no name")
            )
            continue
        if label in labels[: number - 1]:
            errors.append(
                CellError(
                    Code.DUPLICATE_LABEL,
                    None,
                    name,
                    number,
                    label,
                    f"the column name {label!r} is used twice",
                )
            )
            continue
        if label != name:
            errors.append(
                CellError(
                    Code.INCORRECT_LABEL,
                    None,
                    name,
                    number,
                    label,
                    f"the column is named {label!r}; the schema expects {name!r}",
                )
            )
    return errors


# ----------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class CheckedTable:
    """What checking a resource leaves behind: its errors, and a DuckDB table `name` of its
    typed values (a column per field, plus `_row`, the row number) for what comes after."""

    name: str
    errors: list[CellError]
    rows: int
    duckdb_types: dict[str, str]


def check_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    path: Path,
    schema: dict,
    resource: dict,
    references: dict[str, CheckedTable],
) -> CheckedTable:
    """Check one CSV resource. `references` holds the tables already checked, for foreign keys.
    Raises UnreadableFile when the file cannot be read as declared."""
    started = start_table(con, name, path, schema, resource)
    try:
        return check_cells(con, started, schema, references)
    finally:
        started.cells.close()


@dataclass
class StartedTable:
    """A resource whose file has been read as text (`cells`), and whose checked table `table`
    may already have been made from drafted plans, with the query `drafted`."""

    cells: TextCells
    table: str
    drafted: str | None = None


def start_table(
    con: duckdb.DuckDBPyConnection, name: str, path: Path, schema: dict, resource: dict
) -> StartedTable:
    """What checking a resource can do before frictionless is loaded: the file's own checks,
    and, where its fields can be drafted, the checked table. Raises UnreadableFile."""
    cells = read_cells(name, path, [field["name"] for field in schema["fields"]], resource)
    started = StartedTable(cells, checked_table(name))
    drafts = draft_fields(schema, cells.labels)
    if drafts is None:
        return started
    query = typed_select(plan_fields(schema, cells.labels, drafts), cells.source)
    try:
        create_in_file_order(con, started.table, query)
        started.drafted = query
    except duckdb.Error:
        pass  # check_cells makes it again, and reports what went wrong
    return started


def create_view(
    con: duckdb.DuckDBPyConnection, name: str, table: str, names: list[str], read: set[str]
) -> None:
    """The resource's view: its file row (`_row`, the header being row 1), then its fields in
    the schema's order, NULL for a field no column was read for."""
    columns = ", ".join(ident(n) if n in read else f"NULL AS {ident(n)}" for n in names)
    con.execute(
        f"CREATE OR REPLACE VIEW {ident(name)} AS SELECT rowid + 2 AS _row, {columns} FROM {table}"
    )


def checked_table(name: str) -> str:
    """The table a resource's cells are checked into (its view reads it)."""
    return "checked_" + re.sub(r"\W", "_", name)


def drop_resource(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """A checked resource gone from `con`: its view and its table."""
    con.execute(f"DROP VIEW IF EXISTS {ident(name)}")
    con.execute(f"DROP TABLE IF EXISTS {checked_table(name)}")


def drop_field(con: duckdb.DuckDBPyConnection, name: str, field: str) -> bool:
    """`field` gone from a checked resource: from its view and its table (whose rowids, the
    rows' places in the file, stay). Returns whether the resource had it."""
    table = checked_table(name)
    shown = [c for c in columns_of(con, name) if c != "_row"]
    if field not in shown:
        return False
    kept = set(columns_of(con, table)) - {field}
    create_view(con, name, table, [c for c in shown if c != field], kept)
    con.execute(f"ALTER TABLE {table} DROP COLUMN {ident(field)}")
    return True


def create_in_file_order(con: duckdb.DuckDBPyConnection, table: str, query: str) -> None:
    """CREATE TABLE `table` AS `query`, a query of projections over one CSV file, so that the
    table's rowid is the record's place in the file (0 for the first after the header): DuckDB
    keeps the input's order through projections, and the plan it ran says that the insert did
    ("Batch Create Table As"). Where the plan was any other, the table is dropped and this
    raises, rather than numbering the rows wrongly. (EXPLAIN ANALYZE runs the statement and
    returns the plan it ran: one planning, not two.)"""
    profile = con.execute(f"EXPLAIN ANALYZE CREATE OR REPLACE TABLE {table} AS {query}").fetchall()
    plan = " ".join(str(row[-1]) for row in profile)
    if "BATCH_CREATE_TABLE_AS" not in re.sub(r"[\s_]+", "_", plan.upper()):
        con.execute(f"DROP TABLE IF EXISTS {table}")
        raise RuntimeError(
            f"DuckDB {duckdb.__version__} would not keep the file's order while making {table}; "
            "jobtal cannot number its rows"
        )


def csv_error_note(error: duckdb.Error) -> str:
    """What DuckDB's CSV reader says about a file it cannot read (a line over its maximum
    size, ...), without the line itself and the reader's settings that follow."""
    lines = [line.strip() for line in str(error).splitlines()]
    said = [
        line
        for line in lines[: lines.index("") if "" in lines else None]
        if line and not line.startswith("Original Line")
    ]
    return "DuckDB cannot read the file as CSV: " + " ".join(said).removeprefix(
        "Invalid Input Error: "
    )


def check_cells(
    con: duckdb.DuckDBPyConnection,
    started: StartedTable,
    schema: dict,
    references: dict[str, CheckedTable],
) -> CheckedTable:
    """Check a started resource against its schema, as frictionless reads it."""
    cells, table = started.cells, started.table
    name, labels, dialect, records = cells.name, cells.labels, cells.dialect, cells.records
    names = [field["name"] for field in schema["fields"]]
    errors = label_errors(labels, names)
    plans = plan_fields(schema, labels)

    # --- one pass over the cells: the typed values, with each row's cell errors and the cells
    # no fast path read beside them; made already when the drafted plans were these (the
    # header is row 1, rowid 0 row 2; empty lines are counted in later)
    query = typed_select(plans, cells.source)
    if query != started.drafted:
        try:
            create_in_file_order(con, table, query)
        except duckdb.InvalidInputException as error:  # DuckDB's reader stopped on the file
            raise UnreadableFile(Code.SOURCE_ERROR, csv_error_note(error)) from error
    by_name = {p.name: p for p in plans}
    create_view(con, name, table, names, set(by_name))

    # --- frictionless reads the cells no fast path read; their rows get its verdicts
    found = odd_cell_errors(con, table, plans)
    rows_read = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    empties = records.empty(rows_read)
    found += row_errors(con, table, plans)
    types = {p.name: p.duckdb_type for p in plans if p.number <= len(names)}
    itself = CheckedTable(name, [], rows_read, types)  # a foreign key may refer to itself
    references = {**references, name: itself, "": itself}
    found += key_errors(con, ident(name), schema, plans, references)
    found += extra_cell_errors(con, table, plans, records, dialect)
    # the rows' verdicts are read: their columns would only hold memory, which a build's
    # computation needs (at national scale 0.4 GB that it otherwise spills to disk for)
    for column in BOOKKEEPING:
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")

    # --- row numbers: DuckDB skipped the empty lines, which frictionless counts as rows
    errors += renumber(found, empties)
    errors += [
        CellError(Code.BLANK_ROW, int(index) + 1, None, None, None, "the row is empty")
        for index in empties
    ]
    if schema.get("primaryKey") and all(k in {p.name for p in plans} for k in primary_key(schema)):
        errors += [
            CellError(Code.PRIMARY_KEY, int(index) + 1, None, None, None, "the key is empty")
            for index in empties
        ]
    rows = rows_read + len(empties)
    errors.sort(key=lambda e: (e.row or 0, e.field_number or 0, e.type))
    return CheckedTable(name, errors, rows, types)


def odd_cell_errors(con, table: str, plans: list[FieldPlan]) -> list[CellError]:
    """Read every distinct cell no fast path read with frictionless's own reader, set the
    typed values of the valid ones, and return the errors of the others."""
    odd = con.execute(
        f"SELECT _row, o.n, o.c FROM (SELECT rowid + 2 AS _row, unnest(_odd) AS o FROM {table} "
        "WHERE _odd IS NOT NULL)"
    ).fetchall()
    by_number = {p.number: p for p in plans}
    cells: dict[int, list[tuple[int, str]]] = {}
    for row, number, value in odd:
        cells.setdefault(number, []).append((int(row), value))
    errors = []
    for number, row_values in cells.items():
        plan = by_number[number]
        verdicts = {v[0]: v for v in python_verdicts(plan, sorted({v for _, v in row_values}))}
        valid = [
            (row, verdicts[value][2])
            for row, value in row_values
            if verdicts[value][1] and verdicts[value][2] is not None
        ]
        if valid:
            # one statement with two lists, not a statement per row: a column of a million
            # odd but valid cells (' 7', '+7') is common in fixed-width exports
            rows, values = zip(*valid, strict=True)
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE odd_values AS SELECT unnest(?::BIGINT[]) AS _row, "
                f"unnest(?::{plan.duckdb_type}[]) AS v",
                [list(rows), list(values)],
            )
            con.execute(
                f"UPDATE {table} SET {ident(plan.name)} = odd_values.v "
                f"FROM odd_values WHERE {table}.rowid + 2 = odd_values._row"
            )
        for row, value in row_values:
            _, ok, _, notes = verdicts[value]
            if not ok:
                errors.append(
                    CellError(Code.TYPE_ERROR, row, plan.name, number, value, type_note(plan))
                )
            for note in notes:
                if note == Code.OUT_OF_RANGE:
                    errors.append(
                        CellError(
                            Code.INTEGER_OUT_OF_RANGE,
                            row,
                            plan.name,
                            number,
                            value,
                            "the integer does not fit in 64 bits",
                        )
                    )
                else:
                    errors.append(
                        CellError(
                            Code.CONSTRAINT_ERROR,
                            row,
                            plan.name,
                            number,
                            value,
                            constraint_note(plan, note),
                        )
                    )
    return errors


def row_errors(con, table: str, plans: list[FieldPlan]) -> list[CellError]:
    names = {p.number: p.name for p in plans}
    rows = con.execute(
        f"SELECT _row, e.n, e.t, e.v, e.note FROM (SELECT rowid + 2 AS _row, unnest(_errors) AS e "
        f"FROM {table} WHERE _errors IS NOT NULL)"
    ).fetchall()
    return [CellError(t, int(row), names.get(n), n or None, v, note) for row, n, t, v, note in rows]


def extra_cell_errors(
    con, table: str, plans: list[FieldPlan], records: Records, dialect: Dialect
) -> list[CellError]:
    """An error for every cell beyond the fields, in rows that are not blank. DuckDB read one
    cell more than the fields; the few rows that have one are read again in full."""
    rows = [
        int(row)
        for (row,) in con.execute(
            f"SELECT rowid + 2 AS _row FROM {table} WHERE _extra AND (_errors IS NULL OR "
            f"_errors[1].t <> {sql_string(Code.BLANK_ROW)}) ORDER BY _row"
        ).fetchall()
    ]
    if not rows:
        return []
    empties = records.empty()
    record = record_numbering(empties)
    where = {row: record(row - 1) for row in rows}
    cells = records.cells(list(where.values()), dialect)
    return [
        CellError(Code.EXTRA_CELL, row, None, number, value, "a cell the schema has no field for")
        for row in rows
        for number, value in enumerate(cells[where[row]][len(plans) :], start=len(plans) + 1)
    ]


def record_numbering(empties: list[int]) -> Callable[[int], int]:
    """A function from DuckDB's row k to the file's record index, counting in the empty records
    DuckDB skipped (`empties`, ascending). Row k is record k + j, where j empty records come
    before it: the first j with empties[j] - j > k, found by bisection since empties[j] - j
    never decreases (so a file of many empty lines and many errors is not numbered in
    quadratic time)."""
    shifted = [empty - j for j, empty in enumerate(empties)]
    return lambda k: k + bisect.bisect_right(shifted, k)


def renumber(errors: list[CellError], empties: list[int]) -> list[CellError]:
    """Errors found on DuckDB's rows, renumbered as frictionless numbers rows."""
    if not empties:
        return errors
    record = record_numbering(empties)
    return [e if e.row is None else e._replace(row=record(e.row - 1) + 1) for e in errors]
