"""How each field of a Table Schema is read and checked: a plan per field (its DuckDB type, its
fast path, its constraints as SQL, frictionless's own reader for odd values) and the words a
problem uses for it. tablecheck.py runs the plans."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import duckdb

from jobtal.extracts.problems import Code
from jobtal.sql import sql_string

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


def family(duckdb_type: str) -> str:
    if duckdb_type in ("BIGINT", "INTEGER", "DOUBLE"):
        return "number"
    return duckdb_type
