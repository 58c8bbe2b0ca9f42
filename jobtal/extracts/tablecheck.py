"""Table Schema validation of one CSV resource, column-wise on DuckDB, with frictionless-py's
semantics and vocabulary.

frictionless checks a row at a time in Python; this module lets DuckDB tokenise the file and
checks each column with SQL. Its answers are frictionless's: the same error types
(`type-error`, `constraint-error`, `missing-cell`, `extra-cell`, `blank-row`, `unique-error`,
`primary-key`, `foreign-key`, and the label errors) on the same rows (the header is row 1; an
empty line is a row too), which tests/test_validator_differential.py checks against
frictionless-py itself.

How a cell is read:
- A value in the field's missingValues is missing (None); a cell a short row lacks is missing too.
- Each type has a fast path: a strict pattern that only certainly-valid values match (say
  `-?[0-9]{1,18}` for an integer), cast by DuckDB and checked against the constraints in SQL.
- Every other distinct value is read by frictionless's own cell reader for that field, so the
  odd-but-valid forms ('+7', ' 7 ', '2024-1-5', 'NaN') get frictionless's exact verdict, and a
  column of a million rows costs one Python call per distinct odd value, not per row.

Where jobtal deliberately differs from frictionless, it is stricter and says why: an integer
that does not fit in 64 bits (`integer-out-of-range`); a byte order mark, another encoding or
another separator than the descriptor declares (`encoding-error`, `dialect-error`, reported
instead of being guessed); decimal commas in an undeclared number field (one `decimal-comma`
problem for the field instead of a type error per row).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import mmap
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import numpy as np
from frictionless import Field, Schema
from frictionless.table.label_matching import deduplicate_names

from jobtal.sql import ident, sql_string

EXTRA_COLUMNS = 32  # cells beyond the schema that a row may have before the read is widened
MAX_EXTRA_COLUMNS = 4096
CHUNK = 1 << 24

# A cell DuckDB pads a short row with is NULL; an empty cell must stay '' to be told apart, so
# DuckDB's null string is set to a byte that never occurs in text.
NEVER_NULL = "\x00"

INT64 = (-(2**63), 2**63 - 1)
TABLE_SCHEMA_V2 = "https://datapackage.org/profiles/2.0/tableschema.json"


@dataclass(frozen=True)
class CellError:
    """One error, in frictionless's terms."""

    type: str
    row: int | None  # None for label and file errors
    field: str | None  # the field's name; None for row errors
    field_number: int | None
    value: str | None
    note: str


class UnreadableFile(Exception):
    """The file cannot be read as the descriptor says; the message says what was found."""

    def __init__(self, type_: str, note: str):
        super().__init__(note)
        self.type = type_
        self.note = note


# ----------------------------------------------------------------------------- the file


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    quote: str = '"'
    encoding: str = "utf-8"

    @classmethod
    def of(cls, resource: dict) -> Dialect:
        dialect = resource.get("dialect") or {}
        if isinstance(dialect, dict) and isinstance(dialect.get("csv"), dict):
            dialect = dialect["csv"]  # the frictionless v5 form
        return cls(
            delimiter=dialect.get("delimiter", ","),
            quote=dialect.get("quoteChar", '"'),
            encoding=(resource.get("encoding") or "utf-8").lower().replace("_", "-"),
        )


def check_encoding(path: Path, dialect: Dialect) -> None:
    """UTF-8 unless declared otherwise, and no byte order mark unless declared (utf-8-sig)."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if dialect.encoding == "utf-8" and head.startswith(codecs.BOM_UTF8):
            raise UnreadableFile(
                "encoding-error",
                "the file starts with a UTF-8 byte order mark (BOM); declare "
                "encoding: utf-8-sig for the resource or save the file without it",
            )
        if dialect.encoding not in ("utf-8", "utf-8-sig", "utf8"):
            return
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0
        while chunk := handle.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                position = offset + error.start
                handle.seek(0)
                before = handle.read(position)
                line = before.count(b"\n") + 1
                byte = chunk[error.start]
                guess = bytes([byte]).decode("cp1252", errors="replace")
                raise UnreadableFile(
                    "encoding-error",
                    f"the file is not UTF-8: line {line} has the byte 0x{byte:02X}, which is "
                    f"{guess!r} in Windows-1252; declare encoding: windows-1252 for the resource "
                    "or convert the file to UTF-8",
                ) from error
            offset += len(chunk)


def read_labels(path: Path, dialect: Dialect) -> list[str] | None:
    """The first record of the file as Python's csv module reads it (None if the file is empty)."""
    encoding = "utf-8-sig" if dialect.encoding.startswith("utf") else dialect.encoding
    with path.open(encoding=encoding, newline="", errors="replace") as handle:
        head = handle.read(1 << 20)
    reader = csv.reader(io.StringIO(head), delimiter=dialect.delimiter, quotechar=dialect.quote)
    labels = next(reader, None)
    # frictionless strips the white space around labels before it compares them
    return None if labels is None else [label.strip() for label in labels]


def check_delimiter(labels: list[str], field_names: list[str], dialect: Dialect) -> None:
    """A header that is one label holding the field names with another separator."""
    if len(labels) != 1 or len(field_names) < 2:
        return
    for candidate, name in ((";", "';'"), ("\t", "a tab"), ("|", "'|'"), (",", "','")):
        if candidate != dialect.delimiter and len(labels[0].split(candidate)) >= 2:
            raise UnreadableFile(
                "dialect-error",
                f"the file uses {name} as separator (its header is {labels[0]!r}); declare "
                f"dialect.delimiter: {candidate!r} for the resource or convert the file to "
                f"{dialect.delimiter!r}-separated",
            )


def label_errors(labels: list[str], field_names: list[str]) -> list[CellError]:
    """frictionless's header errors when labels are matched to fields by position."""
    if not labels:
        return [CellError("blank-header", None, None, None, None, "the header is empty")]
    errors = []
    for number, label in enumerate(labels[len(field_names) :], start=len(field_names) + 1):
        errors.append(
            CellError("extra-label", None, None, number, label, "a column the schema does not have")
        )
    for number, name in enumerate(field_names[len(labels) :], start=len(labels) + 1):
        errors.append(
            CellError(
                "missing-label", None, name, number, None, "the file has no column for this field"
            )
        )
    for number, (name, label) in enumerate(zip(field_names, labels, strict=False), start=1):
        if not label:
            errors.append(
                CellError("blank-label", None, name, number, "", "the column has no name")
            )
            continue
        if label in labels[: number - 1]:
            errors.append(
                CellError(
                    "duplicate-label",
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
                    "incorrect-label",
                    None,
                    name,
                    number,
                    label,
                    f"the column is named {label!r}; the schema expects {name!r}",
                )
            )
    return errors


def empty_records(path: Path, quote: str) -> np.ndarray:
    """Indices (0 = the header) of the empty records: lines with nothing on them, which DuckDB
    skips but Python's csv module (and so frictionless) reads as rows. Newlines inside quotes
    do not end a record."""
    size = path.stat().st_size
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        has_empty = (
            data[:1] in (b"\n", b"\r") or data.find(b"\n\n") >= 0 or data.find(b"\n\r\n") >= 0
        )
        if not has_empty:
            return np.zeros(0, dtype=np.int64)
        buffer = np.frombuffer(data, dtype=np.uint8)
        newlines = np.flatnonzero(buffer == 10)
        quotes = np.flatnonzero(buffer == ord(quote))
        # a newline ends a record when an even number of quote characters precede it
        inside = np.searchsorted(quotes, newlines) % 2 == 1
        ends = newlines[~inside]
        starts = np.concatenate(([0], ends[:-1] + 1))
        lengths = ends - starts
        blank = (lengths == 0) | ((lengths == 1) & (buffer[np.maximum(ends - 1, 0)] == 13))
        del buffer
    return np.flatnonzero(blank).astype(np.int64)


# ----------------------------------------------------------------------------- cells


@dataclass(frozen=True)
class FieldPlan:
    """How one field's column is read and checked."""

    name: str
    number: int  # 1-based position
    type: str
    duckdb_type: str
    fast: str | None  # SQL predicate on the cell `$c`: values the fast path reads (None: none)
    cast: str  # SQL expression on `$c` giving the typed value of a fast-path value
    missing: list[str]
    constraints: dict
    frictionless_field: object


FAST_PATHS = {
    # type: (predicate on the cell $c, its typed value, DuckDB type)
    "integer": ("regexp_full_match($c, '-?[0-9]{1,18}')", "CAST($c AS BIGINT)", "BIGINT"),
    "number": (
        "regexp_full_match($c, '-?[0-9]{1,15}(\\.[0-9]{1,15})?') "
        "AND length(regexp_replace(ltrim($c, '-'), '[.]|^0+', '', 'g')) <= 15",
        "CAST($c AS DOUBLE)",
        "DOUBLE",
    ),
    "date": (
        "regexp_full_match($c, '[0-9]{4}-[0-9]{2}-[0-9]{2}') "
        "AND TRY_CAST($c AS DATE) IS NOT NULL AND substr($c, 1, 4) <> '0000'",
        "TRY_CAST($c AS DATE)",
        "DATE",
    ),
    "datetime": (
        "regexp_full_match($c, '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}') "
        "AND TRY_CAST($c AS TIMESTAMP) IS NOT NULL AND substr($c, 1, 4) <> '0000'",
        "TRY_CAST($c AS TIMESTAMP)",
        "TIMESTAMP",
    ),
    "year": ("regexp_full_match($c, '[0-9]{4}')", "TRY_CAST($c AS INTEGER)", "INTEGER"),
    "string": ("TRUE", "$c", "VARCHAR"),
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


def plan_fields(schema: dict, labels: list[str] | None = None) -> list[FieldPlan]:
    """The fields each row is read against. As in frictionless, these follow the header: the
    schema's field at each label's position, an any-typed field named after the label where the
    schema has none, and no field for a schema field the header lacks."""
    # v2's constraints (exclusiveMinimum ...) are read whether or not the schema names v2
    frictionless_schema = Schema.from_descriptor({"$schema": TABLE_SCHEMA_V2, **schema})
    schema_missing = schema.get("missingValues", [""])
    count = len(schema["fields"]) if labels is None else len(labels)
    names = deduplicate_names(
        [
            schema["fields"][i]["name"] if i < len(schema["fields"]) else labels[i]
            for i in range(count)
        ]
    )
    plans = []
    for number in range(1, count + 1):
        if number > len(schema["fields"]):
            any_field = Field.from_descriptor({"name": names[number - 1], "type": "any"})
            plans.append(
                FieldPlan(
                    names[number - 1], number, "any", "VARCHAR", "TRUE", "$c", [""], {}, any_field
                )
            )
            continue
        raw, field = schema["fields"][number - 1], frictionless_schema.fields[number - 1]
        field_type = raw.get("type", "string")
        fast, cast, duckdb_type = FAST_PATHS.get(field_type, (None, "$c", "VARCHAR"))
        plain = set(raw) <= PLAIN_PROPERTIES and raw.get("format", "default") == "default"
        if field_type == "boolean":
            fast, cast, duckdb_type = boolean_path(field)
        elif not plain:
            fast = None  # groupChar, decimalChar, bareNumber, formats: frictionless reads them
        # frictionless checks a cell's own constraints per type; `unique` across the table
        constraints = {
            k: v
            for k, v in (raw.get("constraints") or {}).items()
            if k in field.supported_constraints or k == "unique"
        }
        if fast and not sql_constraints_exact(field_type, constraints):
            fast = None
        missing = raw.get("missingValues", schema_missing)
        plans.append(
            FieldPlan(
                raw["name"],
                number,
                field_type,
                duckdb_type,
                fast,
                cast,
                [str(m) for m in missing],
                constraints,
                field,
            )
        )
    return plans


def boolean_path(field) -> tuple[str, str, str]:
    trues = ", ".join(sql_string(v) for v in field.true_values)
    falses = ", ".join(sql_string(v) for v in field.false_values)
    return f"$c IN ({trues}, {falses})", f"$c IN ({trues})", "BOOLEAN"


def sql_constraints_exact(field_type: str, constraints: dict) -> bool:
    """Whether SQL can check these constraints exactly as Python does on fast-path values."""
    for name, value in constraints.items():
        if name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if field_type == "number" and len(re.sub(r"[^0-9]", "", str(value)).lstrip("0")) > 15:
                return False
        if name == "pattern":
            try:
                duckdb.sql(f"SELECT regexp_full_match('', {sql_string(str(value))})").fetchall()
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
            options = ", ".join(sql_literal(reader(option), plan.duckdb_type) for option in value)
            checks.append((name, f"$v NOT IN ({options})"))
    return checks


def python_verdicts(plan: FieldPlan, values: list[str]) -> list[tuple]:
    """frictionless's own reading of each value: (raw, ok, typed value, failed constraints)."""
    reader = plan.frictionless_field.create_cell_reader()
    rows = []
    for raw in values:
        value, notes = reader(raw)
        notes = dict(notes or {})
        ok = "type" not in notes
        notes.pop("type", None)
        typed = to_duckdb(value, plan.duckdb_type)
        if ok and value is not None and typed is None:
            notes = {"out-of-range": ""}  # read by frictionless, but too large for the column
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
    names = [field["name"] for field in schema["fields"]]
    dialect = Dialect.of(resource)
    check_encoding(path, dialect)
    with as_utf8(path, dialect) as (path, dialect):
        return check_utf8_table(con, name, path, schema, names, dialect, references)


@contextlib.contextmanager
def as_utf8(path: Path, dialect: Dialect):
    """The file as UTF-8: itself, or a transcoded copy when the descriptor declares another
    encoding (DuckDB reads UTF-8)."""
    if dialect.encoding in ("utf-8", "utf8", "utf-8-sig"):
        yield path, dialect
        return
    try:
        codecs.lookup(dialect.encoding)
    except LookupError as error:
        raise UnreadableFile(
            "encoding-error", f"the declared encoding {dialect.encoding!r} is unknown"
        ) from error
    with tempfile.TemporaryDirectory(prefix="jobtal-") as folder:
        copy = Path(folder) / path.name
        with (
            path.open(encoding=dialect.encoding, newline="") as source,
            copy.open("w", encoding="utf-8", newline="") as target,
        ):
            shutil.copyfileobj(source, target, CHUNK)
        yield copy, Dialect(dialect.delimiter, dialect.quote, "utf-8")


def check_utf8_table(
    con,
    name: str,
    path: Path,
    schema: dict,
    names: list[str],
    dialect: Dialect,
    references: dict[str, CheckedTable],
) -> CheckedTable:
    labels = read_labels(path, dialect)
    if labels is None:
        raise UnreadableFile("source-error", "the file is empty: not even a header row")
    check_delimiter(labels, names, dialect)
    errors = label_errors(labels, names)
    plans = plan_fields(schema, labels)

    safe = re.sub(r"\W", "_", name)
    raw = f"raw_{safe}"
    width = load_raw(con, raw, path, dialect, len(plans))
    empties = empty_records(path, dialect.quote)
    number_rows(con, raw, empties)
    fallbacks = read_odd_values(con, raw, plans)
    checked = f"checked_{safe}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {checked} AS SELECT "
        f"{cell_columns(plans, width, fallbacks)} FROM {raw} AS r "
        f"{fallback_joins(plans, fallbacks)} WHERE r._row > 1"
    )
    con.execute(f"DROP TABLE {raw}")
    for table in fallbacks.values():
        con.execute(f"DROP TABLE {table}")

    errors += query_errors(con, cell_error_sql(checked, plans, width, fallbacks), plans)
    errors += [
        CellError("blank-row", int(index) + 1, None, None, None, "the row is empty")
        for index in empties
    ]
    errors += key_errors(con, checked, schema, plans, empties, references)

    # the typed table has every schema field (NULL where the file lacks its column)
    by_name = {p.name: p for p in plans}
    columns = ", ".join(
        f"v{by_name[n].number} AS {ident(n)}" if n in by_name else f"NULL AS {ident(n)}"
        for n in names
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {ident(name)} AS SELECT _row, {columns} FROM {checked} "
        "ORDER BY _row"
    )
    rows = con.execute(f"SELECT count(*) FROM {checked}").fetchone()[0] + len(empties)
    con.execute(f"DROP TABLE {checked}")
    errors.sort(key=lambda e: (e.row or 0, e.field_number or 0, e.type))
    return CheckedTable(
        name, errors, rows, {p.name: p.duckdb_type for p in plans if p.number <= len(names)}
    )


def load_raw(con, table: str, path: Path, dialect: Dialect, fields: int) -> int:
    """Every record as text cells c1..cW (NULL where a short row has no cell); returns W."""
    width = fields + EXTRA_COLUMNS
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        quoted_newlines = data.find(dialect.quote.encode()) >= 0
    while True:
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, width + 1))
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_csv("
            f"{sql_string(str(path))}, header = false, auto_detect = false, "
            f"columns = {{{columns}}}, delim = {sql_string(dialect.delimiter)}, "
            f"quote = {sql_string(dialect.quote)}, escape = {sql_string(dialect.quote)}, "
            f"nullstr = {sql_string(NEVER_NULL)}, null_padding = true, strict_mode = false, "
            f"parallel = {'false' if quoted_newlines else 'true'})"
        )
        overflow = con.execute(f"SELECT count(c{width}) FROM {table}").fetchone()[0]
        if not overflow or width >= MAX_EXTRA_COLUMNS:
            return width
        width *= 4


def number_rows(con, table: str, empties: np.ndarray) -> None:
    """Add `_row`, frictionless's row number (the header is 1): the record's position, counting
    the empty records DuckDB skipped."""
    con.execute(f"ALTER TABLE {table} ADD COLUMN _row BIGINT")
    if len(empties) == 0:
        con.execute(f"UPDATE {table} SET _row = rowid + 1")
        return
    # record k of DuckDB's output is record k + (number of empty records j with e_j - j <= k)
    thresholds = empties - np.arange(len(empties))
    con.execute("CREATE OR REPLACE TEMP TABLE skipped (threshold BIGINT, before BIGINT)")
    con.executemany(
        "INSERT INTO skipped VALUES (?, ?)", [[int(t), i + 1] for i, t in enumerate(thresholds)]
    )
    con.execute(f"""
        UPDATE {table} SET _row = shifted.record + 1 FROM (
            SELECT r.rowid AS k, r.rowid + COALESCE(max(s.before), 0) AS record
            FROM {table} AS r LEFT JOIN skipped AS s ON s.threshold <= r.rowid
            GROUP BY r.rowid
        ) AS shifted WHERE {table}.rowid = shifted.k""")


def cell(plan: FieldPlan) -> str:
    return f"r.c{plan.number}"


def missing_sql(plan: FieldPlan) -> str:
    values = ", ".join(sql_string(v) for v in plan.missing)
    return f"({cell(plan)} IS NULL" + (f" OR {cell(plan)} IN ({values}))" if values else ")")


def read_odd_values(con, raw: str, plans: list[FieldPlan]) -> dict[int, str]:
    """Send every distinct value the fast path does not read through frictionless's reader;
    returns {field number: name of the table of verdicts}."""
    tables = {}
    for plan in plans:
        fast = plan.fast.replace("$c", cell(plan)) if plan.fast else "FALSE"
        odd = [
            row[0]
            for row in con.execute(
                f"SELECT DISTINCT {cell(plan)} FROM {raw} AS r WHERE r._row > 1 "
                f"AND NOT {missing_sql(plan)} AND NOT ({fast})"
            ).fetchall()
        ]
        if not odd:
            continue
        table = f"odd_{raw}_{plan.number}"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} (raw VARCHAR, ok BOOLEAN, "
            f"v {plan.duckdb_type}, notes VARCHAR[])"
        )
        con.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", python_verdicts(plan, odd))
        tables[plan.number] = table
    return tables


def fallback_joins(plans: list[FieldPlan], fallbacks: dict[int, str]) -> str:
    return " ".join(
        f"LEFT JOIN {fallbacks[p.number]} AS o{p.number} ON o{p.number}.raw = {cell(p)}"
        for p in plans
        if p.number in fallbacks
    )


def cell_columns(plans: list[FieldPlan], width: int, fallbacks: dict[int, str]) -> str:
    """Per field i: the raw cell ci, whether it is missing (mi), read by the fast path (fi),
    of the right type (oki), its typed value (vi) and the constraints it fails when frictionless
    read it (ni); then the cells beyond the schema."""
    columns = ["r._row"]
    for p in plans:
        n = p.number
        fast = p.fast.replace("$c", cell(p)) if p.fast else "FALSE"
        odd_value, odd_ok, odd_notes = (
            (f"o{n}.v", f"COALESCE(o{n}.ok, FALSE)", f"o{n}.notes")
            if n in fallbacks
            else (f"CAST(NULL AS {p.duckdb_type})", "FALSE", "CAST(NULL AS VARCHAR[])")
        )
        columns += [
            f"{cell(p)} AS c{n}",
            f"{missing_sql(p)} AS m{n}",
            f"(NOT {missing_sql(p)} AND {fast}) AS f{n}",
            f"CASE WHEN {missing_sql(p)} THEN NULL WHEN {fast} THEN "
            f"{p.cast.replace('$c', cell(p))} ELSE {odd_value} END AS v{n}",
            f"({missing_sql(p)} OR {fast} OR {odd_ok}) AS ok{n}",
            f"{odd_notes} AS n{n}",
        ]
    columns += [f"r.c{i} AS c{i}" for i in range(len(plans) + 1, width + 1)]
    return ", ".join(columns)


def cell_error_sql(
    checked: str, plans: list[FieldPlan], width: int, fallbacks: dict[int, str]
) -> list[str]:
    """Queries that each return (_row, field number, error type, value, note)."""
    blank = " AND ".join(f"m{p.number}" for p in plans) or "FALSE"
    queries = [
        f"SELECT _row, NULL, 'blank-row', NULL, 'the row is empty' FROM {checked} WHERE {blank}"
    ]
    body = f"FROM {checked} WHERE NOT ({blank})"
    for p in plans:
        n = p.number
        queries.append(
            f"SELECT _row, {n}, 'missing-cell', NULL, 'the row has no cell here' "
            f"{body} AND c{n} IS NULL"
        )
        queries.append(
            f"SELECT _row, {n}, 'type-error', c{n}, {sql_string(type_note(p))} {body} AND NOT ok{n}"
        )
        if p.constraints.get("required"):
            queries.append(
                f"SELECT _row, {n}, 'constraint-error', c{n}, 'a value is required' {body} AND m{n}"
            )
        for constraint, failing in constraint_sql(p):
            test = failing.replace("$v", f"v{n}").replace("$c", f"c{n}")
            queries.append(
                f"SELECT _row, {n}, 'constraint-error', c{n}, "
                f"{sql_string(constraint_note(p, constraint))} "
                f"{body} AND f{n} AND ({test})"
            )
        if n in fallbacks:
            notes = " ".join(
                f"WHEN {sql_string(c)} THEN {sql_string(constraint_note(p, c))}"
                for c in p.constraints
            )
            queries.append(
                f"SELECT _row, {n}, CASE WHEN note = 'out-of-range' THEN 'integer-out-of-range' "
                f"ELSE 'constraint-error' END, c{n}, CASE note "
                f"WHEN 'out-of-range' THEN 'the integer does not fit in 64 bits' "
                f"{notes} ELSE note END "
                f"FROM (SELECT _row, c{n}, unnest(n{n}) AS note {body} "
                f"AND ok{n} AND NOT f{n} AND NOT m{n})"
            )
    for i in range(len(plans) + 1, width + 1):
        queries.append(
            f"SELECT _row, {i}, 'extra-cell', c{i}, 'a cell the schema has no field "
            f"for' {body} AND c{i} IS NOT NULL"
        )
    return queries


def query_errors(con, queries: list[str], plans: list[FieldPlan]) -> list[CellError]:
    names = {p.number: p.name for p in plans}
    rows = con.execute(" UNION ALL ".join(f"({q})" for q in queries)).fetchall()
    return [
        CellError(error_type, int(row), names.get(number), number, value, note)
        for row, number, error_type, value, note in rows
    ]


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
    if plan.type == "boolean":
        field = plan.frictionless_field
        words = f"one of {', '.join(field.true_values + field.false_values)}"
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
    }.get(constraint, f"constraint {constraint} is {value}")


def key_errors(
    con,
    checked: str,
    schema: dict,
    plans: list[FieldPlan],
    empties: np.ndarray,
    references: dict[str, CheckedTable],
) -> list[CellError]:
    """unique, primaryKey and foreignKeys, on the typed values (a cell with a type error is
    None, as in frictionless)."""
    by_name = {p.name: p for p in plans}
    errors = []
    for p in plans:
        if p.constraints.get("unique"):
            rows = con.execute(
                f"SELECT _row, c{p.number} FROM (SELECT _row, c{p.number}, row_number() OVER "
                f"(PARTITION BY v{p.number} ORDER BY _row) AS seen FROM {checked} "
                f"WHERE v{p.number} IS NOT NULL) WHERE seen > 1"
            ).fetchall()
            errors += [
                CellError(
                    "unique-error",
                    int(r),
                    p.name,
                    p.number,
                    v,
                    "the same value is in an earlier row",
                )
                for r, v in rows
            ]

    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    if key and all(k in by_name for k in key):
        values = ", ".join(f"v{by_name[k].number}" for k in key)
        all_none = " AND ".join(f"v{by_name[k].number} IS NULL" for k in key)
        rows = con.execute(
            f"SELECT _row, 'all' FROM {checked} WHERE {all_none} UNION ALL "
            f"SELECT _row, 'again' FROM (SELECT _row, row_number() OVER (PARTITION BY {values} "
            f"ORDER BY _row) AS seen FROM {checked} WHERE NOT ({all_none})) WHERE seen > 1"
        ).fetchall()
        errors += [
            CellError(
                "primary-key",
                int(row),
                None,
                None,
                None,
                "the key is empty"
                if kind == "all"
                else f"the key ({', '.join(key)}) is the same as in an earlier row",
            )
            for row, kind in rows
        ]
        errors += [
            CellError("primary-key", int(index) + 1, None, None, None, "the key is empty")
            for index in empties
        ]

    for foreign_key in schema.get("foreignKeys") or []:
        errors += foreign_key_errors(con, checked, foreign_key, by_name, references)
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
    source = [f"s.v{by_name[f].number}" for f in fields]
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
            "foreign-key",
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
