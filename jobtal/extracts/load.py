"""Load the extracts into DuckDB tables typed by their Table Schemas.

Each table keeps the file's row order, so a table's rowid + 2 is the row number frictionless
reports (the header is row 1)."""

from __future__ import annotations

import duckdb

from jobtal.extracts.package import ExtractPackage

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "year": "INTEGER",
}


def duckdb_type(field: dict) -> str:
    return DUCKDB_TYPES.get(field.get("type", "string"), "VARCHAR")


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def open_database(package: ExtractPackage, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    for resource in package.resources.values():
        columns = ", ".join(
            f"{sql_string(spec['name'])}: {sql_string(duckdb_type(spec))}"
            for spec in resource.schema["fields"]
        )
        source = sql_string(str(resource.path))
        con.execute(
            f"CREATE TABLE {resource.name} AS SELECT * FROM read_csv({source}, "
            f"header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            f"nullstr = '', columns = {{{columns}}})"
        )
    return con
