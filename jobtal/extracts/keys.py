"""The key checks of a checked table: primary keys, unique fields and foreign keys, in SQL over
the typed tables, reported as frictionless reports them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobtal.extracts.fieldplans import CellError, FieldPlan, family
from jobtal.extracts.problems import Code
from jobtal.sql import ident

if TYPE_CHECKING:  # the table it checks (tablecheck runs these checks)
    from jobtal.extracts.tablecheck import CheckedTable


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
