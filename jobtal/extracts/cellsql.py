"""The SQL of a table check (jobtal.extracts.tablecheck): the one query that reads a CSV
resource's text cells into typed columns in the file's order, with each row's cell errors and
the cells no fast path could read (left to frictionless's own reader)."""

from __future__ import annotations

from jobtal.extracts.fieldplans import FieldPlan, constraint_note, constraint_sql, one_of
from jobtal.extracts.problems import Code
from jobtal.sql import ident, sql_string


def missing_sql(plan: FieldPlan) -> str:
    cell = f"r.c{plan.number}"
    return f"({cell} IS NULL OR {one_of(cell, [sql_string(v) for v in plan.missing])})"


def cast_operand(plan: FieldPlan) -> str:
    """What the field's cast reads: the cell, or NULL where it is missing. A missing cell's
    reading is never used (a fast path takes only cells that are not missing), and DuckDB's
    TRY_CAST is slow exactly where it fails: counted over the national activities (22.1
    million rows), casting the end dates, 21.1 million of them empty (the samtaler), added
    7.3 s, and casting the start dates 0.5 s; with the empty cells left out, nothing."""
    cell = f"r.c{plan.number}"
    if plan.cast == "$c":  # read as it is: nothing to spare
        return cell
    return f"CASE WHEN {missing_sql(plan)} THEN NULL ELSE {cell} END"


def fast_sql(plan: FieldPlan) -> str:
    """TRUE when the cell c<n> is not missing and the fast path reads it as t<n>; FALSE, never
    NULL, otherwise (a failed cast is NULL)."""
    n = plan.number
    fast = plan.fast.replace("$c", f"c{n}").replace("$t", f"t{n}") if plan.fast else "FALSE"
    return f"(NOT m{n} AND coalesce({fast}, FALSE))"


# the checked table's columns beside the fields: what checking the rows reads, and nothing after
BOOKKEEPING = ("_errors", "_odd", "_extra")


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
        cast = p.cast.replace("$c", cast_operand(p)) if p.fast else f"NULL::{p.duckdb_type}"
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
