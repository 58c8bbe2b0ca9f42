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
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

import duckdb

from jobtal.extracts.csvfile import Dialect, Records, TextCells, UnreadableFile, read_cells
from jobtal.extracts.problems import Code
from jobtal.sql import ident, sql_string

INT64 = (-(2**63), 2**63 - 1)
TABLE_SCHEMA_V2 = "https://datapackage.org/profiles/2.0/tableschema.json"


class CellError(NamedTuple):
    """One error, in frictionless's terms. (A named tuple: a file may have a million, and a
    tuple is made several times faster than a frozen dataclass.)"""

    type: str
    row: int | None  # None for label and file errors
    field: str | None  # the field's name; None for row errors
    field_number: int | None
    value: str | None
    note: str


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


# ----------------------------------------------------------------------------- cells


@dataclass(frozen=True)
class FieldPlan:
    """How one field's column is read and checked."""

    name: str
    number: int  # 1-based position
    type: str
    duckdb_type: str
    cast: str  # SQL on the cell `$c`: DuckDB's reading of it, NULL where it has none
    fast: str | None  # SQL on `$c` and that reading `$t`: TRUE where it is frictionless's too
    missing: list[str]
    constraints: dict
    frictionless_field: object


FAST_PATHS = {
    # type: (the cell $c cast by DuckDB, NULL where it cannot be; a predicate on $c and that
    # value $t, TRUE only where frictionless certainly reads $c as $t; DuckDB type). Where the
    # cast written back as text is the cell itself, the cell is in the type's one canonical
    # form, which every reader takes the same way.
    "integer": ("TRY_CAST($c AS BIGINT)", "CAST($t AS VARCHAR) = $c", "BIGINT"),
    "number": (
        "TRY_CAST($c AS DOUBLE)",
        # at most 15 characters, so at most 15 digits: a double holds those exactly, and SQL
        # compares them as Python compares decimals
        "length($c) <= 15 AND regexp_full_match($c, '-?[0-9]+(\\.[0-9]+)?')",
        "DOUBLE",
    ),
    # 10 characters: DuckDB also reads and writes years beyond 9999, which Python does not
    "date": ("TRY_CAST($c AS DATE)", "length($c) = 10 AND CAST($t AS VARCHAR) = $c", "DATE"),
    "datetime": (
        "TRY_CAST($c AS TIMESTAMP)",
        "regexp_full_match($c, '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}') "
        "AND $t IS NOT NULL AND substr($c, 1, 4) <> '0000'",
        "TIMESTAMP",
    ),
    "year": ("TRY_CAST($c AS INTEGER)", "regexp_full_match($c, '[0-9]{4}')", "INTEGER"),
    "string": ("$c", "TRUE", "VARCHAR"),
}
PLAIN_PROPERTIES = {
    "name",
    "type",
    "format",
    "constraints",
    "description",
    "title",
    "example",
    "missingValues",
    "rdfType",
}


def plan_fields(
    schema: dict, labels: list[str] | None = None, fields: list | None = None
) -> list[FieldPlan]:
    """The fields each row is read against. As in frictionless, these follow the header: the
    schema's field at each label's position, an any-typed field named after the label where the
    schema has none, and no field for a schema field the header lacks. `fields` are the schema's
    fields as frictionless reads them, or drafts of them (draft_fields)."""
    if fields is None:
        from frictionless import Schema  # here, not above: see draft_fields

        # v2's constraints (exclusiveMinimum ...) are read whether or not the schema names v2
        fields = Schema.from_descriptor({"$schema": TABLE_SCHEMA_V2, **schema}).fields
    schema_missing = schema.get("missingValues", [""])
    count = len(schema["fields"]) if labels is None else len(labels)
    names = [
        schema["fields"][i]["name"] if i < len(schema["fields"]) else labels[i]
        for i in range(count)
    ]
    if count > len(schema["fields"]) or len(set(names)) < len(names):
        from frictionless.table.label_matching import deduplicate_names

        names = deduplicate_names(names)
    plans = []
    for number in range(1, count + 1):
        if number > len(schema["fields"]):
            from frictionless import Field

            any_field = Field.from_descriptor({"name": names[number - 1], "type": "any"})
            plans.append(
                FieldPlan(
                    names[number - 1], number, "any", "VARCHAR", "$c", "TRUE", [""], {}, any_field
                )
            )
            continue
        raw, field = schema["fields"][number - 1], fields[number - 1]
        field_type = raw.get("type", "string")
        cast, fast, duckdb_type = FAST_PATHS.get(field_type, ("$c", None, "VARCHAR"))
        plain = set(raw) <= PLAIN_PROPERTIES and raw.get("format", "default") == "default"
        if field_type == "boolean":
            cast, fast, duckdb_type = boolean_path(field)
        elif not plain:
            fast = None  # groupChar, decimalChar, bareNumber, formats: frictionless reads them
        # frictionless checks a cell's own constraints per type; `unique` across the table
        constraints = {
            k: v
            for k, v in (raw.get("constraints") or {}).items()
            if k in field.supported_constraints or k == "unique"
        }
        if fast and not sql_constraints_exact(field_type, constraints, field):
            fast = None
        missing = raw.get("missingValues", schema_missing)
        plans.append(
            FieldPlan(
                raw["name"],
                number,
                field_type,
                duckdb_type,
                cast,
                fast,
                [str(m) for m in missing],
                constraints,
                field,
            )
        )
    return plans


# What planning needs to know of frictionless's field types (its fields/*.py), for drafts.
DRAFT_CONSTRAINTS = {
    "string": {"required", "minLength", "maxLength", "pattern", "enum"},
    "boolean": {"required", "enum"},
    **{
        kind: {"required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"}
        for kind in ("integer", "number", "date", "datetime", "year")
    },
}


@dataclass(frozen=True)
class DraftField:
    """A stand-in for a frictionless field, made without importing frictionless (a third of a
    second), so that DuckDB can start on a table while frictionless loads. A draft is only ever
    a guess: check_cells keeps what was made from it only when frictionless's own fields give
    the very same query."""

    type: str
    supported_constraints: frozenset[str]
    true_values: tuple[str, ...] = ("true", "True", "TRUE", "1")
    false_values: tuple[str, ...] = ("false", "False", "FALSE", "0")

    def create_value_reader(self):
        def read(value):
            if isinstance(value, bool):
                return None
            if self.type == "integer" and isinstance(value, int):
                return value
            if self.type == "number" and isinstance(value, (int, float)):
                return Decimal(str(value))
            if self.type == "date" and isinstance(value, str) and len(value) == 10:
                with contextlib.suppress(ValueError):
                    return date.fromisoformat(value)
            if self.type == "string" and isinstance(value, str):
                return value
            return None

        return read


def draft_fields(schema: dict, labels: list[str]) -> list[DraftField] | None:
    """Drafts of the schema's fields, or None where a header or field is beyond what a draft
    covers (frictionless plans those)."""
    names = [f.get("name") for f in schema["fields"]]
    if len(labels) > len(names) or len(set(names)) < len(names):
        return None
    drafts = []
    for raw in schema["fields"]:
        kind = raw.get("type", "string")
        if kind not in DRAFT_CONSTRAINTS:
            return None
        truths = {}
        if "trueValues" in raw or "falseValues" in raw:
            truths = {
                "true_values": tuple(raw.get("trueValues", DraftField.true_values)),
                "false_values": tuple(raw.get("falseValues", DraftField.false_values)),
            }
        drafts.append(DraftField(kind, frozenset(DRAFT_CONSTRAINTS[kind]), **truths))
    return drafts


def boolean_path(field) -> tuple[str, str, str]:
    trues = [sql_string(v) for v in field.true_values]
    falses = [sql_string(v) for v in field.false_values]
    return one_of("$c", trues), one_of("$c", trues + falses), "BOOLEAN"


def one_of(expression: str, literals: list[str]) -> str:
    """TRUE when the expression equals one of the SQL literals. Not `IN (...)`: DuckDB makes a
    long list a join, which loses the file's order (see create_in_file_order)."""
    return "(" + (" OR ".join(f"{expression} = {x}" for x in literals) or "FALSE") + ")"


COLUMN_RANGES = {"BIGINT": INT64, "INTEGER": (-(2**31), 2**31 - 1)}


def sql_constraints_exact(field_type: str, constraints: dict, field) -> bool:
    """Whether SQL can check these constraints exactly as Python does on fast-path values:
    their values fit the column (a bound beyond 64 bits does not), and a pattern is one that
    DuckDB's regular expressions (RE2) take."""
    reader = field.create_value_reader()
    column_range = COLUMN_RANGES.get(FAST_PATHS.get(field_type, ("", "", ""))[2])
    for name, value in constraints.items():
        if name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"):
            for bound in value if name == "enum" and isinstance(value, list) else [value]:
                typed = reader(bound)
                digits = re.sub(r"[^0-9]", "", str(bound)).lstrip("0")
                if field_type == "number" and len(digits) > 15:
                    return False  # beyond a double's exact digits
                if (
                    column_range
                    and isinstance(typed, int)
                    and not (column_range[0] <= typed <= column_range[1])
                ):
                    return False
        if name == "pattern":
            with duckdb.connect() as check:  # its own: planning may run in several threads
                try:
                    check.execute(f"SELECT regexp_full_match('', {sql_string(str(value))})")
                except duckdb.Error:
                    return False
    return True


def sql_literal(value, duckdb_type: str) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, (int, float, Decimal)):
        return f"CAST({sql_string(str(value))} AS {duckdb_type})"
    return sql_string(str(value))


def constraint_sql(plan: FieldPlan) -> list[tuple[str, str]]:
    """(constraint name, SQL predicate on the typed value `$v` and the raw cell `$c` that is TRUE
    when the constraint fails), for fast-path values. `required` is checked apart."""
    reader = plan.frictionless_field.create_value_reader()
    checks = []
    bounds = {"minimum": "<", "maximum": ">", "exclusiveMinimum": "<=", "exclusiveMaximum": ">="}
    for name, value in plan.constraints.items():
        if name == "unique":
            continue  # checked across rows, in key_errors
        if name in bounds:
            bound = sql_literal(reader(value), plan.duckdb_type)
            checks.append((name, f"$v {bounds[name]} {bound}"))
        elif name == "minLength":
            checks.append((name, f"length($c) < {int(value)}"))
        elif name == "maxLength":
            checks.append((name, f"length($c) > {int(value)}"))
        elif name == "pattern":
            # Python's re.match('^pattern$') also matches before one final newline
            pattern = sql_string(f"^(?:^{value}$)")
            checks.append(
                (
                    name,
                    f"NOT (regexp_matches($c, {pattern}) OR (suffix($c, chr(10)) "
                    f"AND regexp_matches($c[:-2], {pattern})))",
                )
            )
        elif name == "enum":
            options = [sql_literal(reader(option), plan.duckdb_type) for option in value]
            checks.append((name, f"NOT {one_of('$v', options)}"))
    return checks


def python_verdicts(plan: FieldPlan, values: list[str]) -> list[tuple]:
    """frictionless's own reading of each value: (raw, ok, typed value, failed constraints)."""
    reader = plan.frictionless_field.create_cell_reader()
    rows = []
    for raw in values:
        try:
            value, notes = reader(raw)
        except (TypeError, ValueError, ArithmeticError):
            # frictionless fails on the value itself when a bound cannot be compared with it
            # (a time zone on one side only): the value as read, and no bound checked
            value = plan.frictionless_field.create_value_reader()(raw)
            notes = {"type": ""} if value is None else {"uncomparable": ""}
        notes = dict(notes or {})
        ok = "type" not in notes
        notes.pop("type", None)
        typed = to_duckdb(value, plan.duckdb_type)
        if ok and value is not None and typed is None:
            notes[Code.OUT_OF_RANGE] = ""  # read by frictionless, but too large for the column
        rows.append((raw, ok, typed, sorted(notes)))
    return rows


def to_duckdb(value, duckdb_type: str):
    """A Python value frictionless read, as the column's DuckDB type (None if it cannot be)."""
    if value is None:
        return None
    if duckdb_type == "BIGINT":
        return value if INT64[0] <= value <= INT64[1] else None
    if duckdb_type == "DOUBLE":
        try:
            return float(value)
        except (InvalidOperation, ValueError, OverflowError):
            return None
    if duckdb_type == "VARCHAR":
        return value if isinstance(value, str) else str(value)
    return value


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
    started = StartedTable(cells, "checked_" + re.sub(r"\W", "_", name))
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
    columns = ", ".join(ident(n) if n in by_name else f"NULL AS {ident(n)}" for n in names)
    con.execute(
        f"CREATE OR REPLACE VIEW {ident(name)} AS SELECT rowid + 2 AS _row, {columns} FROM {table}"
    )

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


def missing_sql(plan: FieldPlan) -> str:
    cell = f"r.c{plan.number}"
    return f"({cell} IS NULL OR {one_of(cell, [sql_string(v) for v in plan.missing])})"


def fast_sql(plan: FieldPlan) -> str:
    """TRUE when the cell c<n> is not missing and the fast path reads it as t<n>; FALSE, never
    NULL, otherwise (a failed cast is NULL)."""
    n = plan.number
    fast = plan.fast.replace("$c", f"c{n}").replace("$t", f"t{n}") if plan.fast else "FALSE"
    return f"(NOT m{n} AND coalesce({fast}, FALSE))"


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


def typed_select(plans: list[FieldPlan], source: str) -> str:
    """The checked table's query over the text cells `source` (csvfile.csv_source), in the
    file's order: each field's typed value (NULL for now where no fast path read the cell),
    _errors (the row's cell errors, NULL when none), _odd (the cells no fast path read, NULL
    when none) and _extra (whether the row has a cell beyond the fields).
    In layers, so that each cell is tested and cast once: the cells, whether each is missing
    and DuckDB's cast of it; whether the fast path reads it; the typed values; the errors."""
    cells = [f"r.c{len(plans) + 1} IS NOT NULL AS _extra"]
    for p in plans:
        # where no fast path reads the field, every value comes from frictionless's reading (of
        # the type's column: a bare NULL would make a column of no type)
        cast = p.cast.replace("$c", f"r.c{p.number}") if p.fast else f"NULL::{p.duckdb_type}"
        cells += [f"r.c{p.number} AS c{p.number}", f"{missing_sql(p)} AS m{p.number}"]
        cells += [f"{cast} AS t{p.number}"]
    tested = ["*", *(f"{fast_sql(p)} AS f{p.number}" for p in plans)]
    values = ["*", *(f"CASE WHEN f{p.number} THEN t{p.number} END AS v{p.number}" for p in plans)]
    # (a column beyond the schema's fields may have a blank label, which SQL cannot name)
    typed = [f"v{p.number} AS {ident(p.name or f'_field{p.number}')}" for p in plans]
    odd = [
        f"CASE WHEN NOT m{p.number} AND NOT f{p.number} THEN {{'n': {p.number}, "
        f"'c': c{p.number}}} END"
        for p in plans
    ]
    any_odd = " OR ".join(f"(NOT m{p.number} AND NOT f{p.number})" for p in plans) or "FALSE"
    odd_sql = (
        f"CASE WHEN {any_odd} THEN list_filter([{', '.join(odd)}], lambda x: x IS NOT NULL) END"
    )
    return (
        f"SELECT {', '.join(typed)}, {errors_sql(plans)} AS _errors, {odd_sql} AS _odd, "
        f"_extra FROM (SELECT {', '.join(values)} FROM (SELECT {', '.join(tested)} FROM "
        f"(SELECT {', '.join(cells)} FROM {source} AS r)))"
    )


def errors_sql(plans: list[FieldPlan]) -> str:
    """A list of the row's cell errors {n: field number, t: type, v: value, note}, or NULL.
    Cells no fast path read are left to odd_cell_errors."""
    conditions = []

    def error(condition: str, number: int, error_type: str, note: str, value: str) -> str:
        conditions.append(condition)
        return (
            f"CASE WHEN {condition} THEN {{'n': {number}, 't': {sql_string(error_type)}, "
            f"'v': {value}, 'note': {note}}} END"
        )

    blank = " AND ".join(f"m{p.number}" for p in plans) or "FALSE"
    row_error = error(blank, 0, Code.BLANK_ROW, "'the row is empty'", "NULL")
    cell_errors = []
    for p in plans:
        n, c = p.number, f"c{p.number}"
        cell_errors.append(
            error(f"{c} IS NULL", n, Code.MISSING_CELL, "'the row has no cell here'", "NULL")
        )
        if p.constraints.get("required"):
            cell_errors.append(error(f"m{n}", n, Code.CONSTRAINT_ERROR, "'a value is required'", c))
        # constraints in SQL only for cells a fast path read (frictionless checks the others):
        # a field without one may have constraints SQL cannot even state
        for constraint, failing in constraint_sql(p) if p.fast else []:
            test = failing.replace("$v", f"v{n}").replace("$c", c)
            cell_errors.append(
                error(
                    f"f{n} AND ({test})",
                    n,
                    Code.CONSTRAINT_ERROR,
                    sql_string(constraint_note(p, constraint)),
                    c,
                )
            )
    # the lists are only built for rows that have an error: most rows have none
    any_error = " OR ".join(f"({c})" for c in conditions[1:]) or "FALSE"
    listed = f"list_filter([{', '.join(cell_errors)}], lambda x: x IS NOT NULL)"
    return f"CASE WHEN {blank} THEN [{row_error}] WHEN {any_error} THEN {listed} END"


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


TYPE_WORDS = {
    "integer": "a whole number such as 42",
    "number": "a number with '.' as decimal mark, such as 0.5",
    "date": "a date as YYYY-MM-DD",
    "datetime": "a date and time as YYYY-MM-DDThh:mm:ss",
    "year": "a year as YYYY",
    "boolean": "true or false",
    "string": "text",
}


def type_note(plan: FieldPlan) -> str:
    words = TYPE_WORDS.get(plan.type, plan.type)
    field = plan.frictionless_field
    if plan.type == "boolean":
        words = f"one of {', '.join(field.true_values + field.false_values)}"
    elif plan.type == "number" and getattr(field, "decimal_char", ".") != ".":
        words = f"a number with {field.decimal_char!r} as decimal mark"
    elif plan.type in ("date", "datetime") and getattr(field, "format", "default") != "default":
        words = f"a {'date' if plan.type == 'date' else 'date and time'} as {field.format}"
    return f"expected {words}"


def constraint_note(plan: FieldPlan, constraint: str) -> str:
    value = plan.constraints.get(constraint)
    return {
        "required": "a value is required",
        "minimum": f"must be at least {value}",
        "maximum": f"must be at most {value}",
        "exclusiveMinimum": f"must be more than {value}",
        "exclusiveMaximum": f"must be less than {value}",
        "minLength": f"must be at least {value} characters long",
        "maxLength": f"must be at most {value} characters long",
        "pattern": f"must match the pattern {value}",
        "enum": "must be one of "
        + (", ".join(map(str, value)) if isinstance(value, list) else str(value)),
        "unique": "must be unique",
        "uncomparable": "cannot be compared with the field's minimum or maximum, such as a "
        "time with a time zone against a bound without one",
    }.get(constraint, f"constraint {constraint} is {value}")


def primary_key(schema: dict) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else key


def repeated_rows(con, table: str, columns: list[str]) -> list[tuple[int, str]]:
    """(row, key) of every row whose key (not all NULL) an earlier row already had. Empty cells
    are equal, as None is in the tuples frictionless compares: (1, None) repeats (1, None). A
    hash aggregate finds the repeated keys first, so only their rows are ordered."""
    key = ", ".join(ident(c) for c in columns)
    not_all_null = " OR ".join(f"{ident(c)} IS NOT NULL" for c in columns)
    same = " AND ".join(f"t.{ident(c)} IS NOT DISTINCT FROM r.{ident(c)}" for c in columns)
    text = "concat_ws(', ', " + ", ".join(f"CAST(t.{ident(c)} AS VARCHAR)" for c in columns) + ")"
    return con.execute(
        f"WITH repeated AS (SELECT {key} FROM {table} WHERE {not_all_null} GROUP BY {key} "
        f"HAVING count(*) > 1) "
        f"SELECT _row, shown FROM (SELECT _row, {text} AS shown, row_number() OVER "
        f"(PARTITION BY {', '.join(f't.{ident(c)}' for c in columns)} ORDER BY _row) AS seen "
        f"FROM {table} AS t SEMI JOIN repeated AS r ON ({same})) WHERE seen > 1 ORDER BY _row"
    ).fetchall()


def key_errors(
    con, table: str, schema: dict, plans: list[FieldPlan], references: dict[str, CheckedTable]
) -> list[CellError]:
    """unique, primaryKey and foreignKeys, on the typed values (a cell with a type error is
    None, as in frictionless)."""
    by_name = {p.name: p for p in plans}
    errors = []
    for p in plans:
        if p.constraints.get("unique"):
            errors += [
                CellError(
                    Code.UNIQUE_ERROR,
                    int(row),
                    p.name,
                    p.number,
                    value,
                    "the same value is in an earlier row",
                )
                for row, value in repeated_rows(con, table, [p.name])
            ]
    key = primary_key(schema)
    if key and all(k in by_name for k in key):
        all_none = " AND ".join(f"{ident(k)} IS NULL" for k in key)
        empty = con.execute(f"SELECT _row FROM {table} WHERE {all_none}").fetchall()
        errors += [
            CellError(Code.PRIMARY_KEY, int(row), None, None, None, "the key is empty")
            for (row,) in empty
        ]
        errors += [
            CellError(
                Code.PRIMARY_KEY,
                int(row),
                None,
                None,
                value,
                f"the key ({', '.join(key)}) = {value} is the same as in an earlier row",
            )
            for row, value in repeated_rows(con, table, key)
        ]
    for foreign_key in schema.get("foreignKeys") or []:
        errors += foreign_key_errors(con, table, foreign_key, by_name, references)
    return errors


def foreign_key_errors(
    con,
    checked: str,
    foreign_key: dict,
    by_name: dict[str, FieldPlan],
    references: dict[str, CheckedTable],
) -> list[CellError]:
    fields = foreign_key["fields"]
    fields = [fields] if isinstance(fields, str) else fields
    reference = foreign_key["reference"]
    target_fields = reference["fields"]
    target_fields = [target_fields] if isinstance(target_fields, str) else target_fields
    target = references.get(reference.get("resource") or "")
    if target is None or not all(f in by_name for f in fields):
        return []  # the referenced table could not be read: its own error says why
    source = [f"s.{ident(f)}" for f in fields]
    not_all_none = " OR ".join(f"{column} IS NOT NULL" for column in source)
    same_types = all(
        family(by_name[f].duckdb_type) == family(target.duckdb_types.get(t, ""))
        for f, t in zip(fields, target_fields, strict=True)
    )
    if same_types:
        match = " AND ".join(
            f'{column} IS NOT DISTINCT FROM t."{t}"'
            for column, t in zip(source, target_fields, strict=True)
        )
        keys = " OR ".join(f't."{t}" IS NOT NULL' for t in target_fields)
        missing = f"NOT EXISTS (SELECT 1 FROM {ident(target.name)} AS t WHERE ({keys}) AND {match})"
    else:
        missing = "TRUE"  # values of different types never match, as in Python
    rows = con.execute(
        f"SELECT s._row, concat_ws(', ', {', '.join(f'CAST({c} AS VARCHAR)' for c in source)}) "
        f"FROM {checked} AS s WHERE ({not_all_none}) AND {missing}"
    ).fetchall()
    where = f"{target.name} ({', '.join(target_fields)})"
    return [
        CellError(
            Code.FOREIGN_KEY,
            int(row),
            None,
            None,
            value,
            f"{', '.join(fields)} = {value} is not in {where}",
        )
        for row, value in rows
    ]


def family(duckdb_type: str) -> str:
    if duckdb_type in ("BIGINT", "INTEGER", "DOUBLE"):
        return "number"
    return duckdb_type
