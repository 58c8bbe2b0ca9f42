"""Which SQL runs the same on DuckDB and on Spark SQL (issue 23): the checks tests apply to
base.sql and every definition, so that a new definition cannot quietly work on one engine only.

Each rule is a pattern and the reason it is refused; the checks read the SQL with its comments
and string literals blanked out, so neither can trip them. They are deliberately strict
(written for this project's SQL, not for SQL in general): what they refuse has a portable
spelling, given with each."""

from __future__ import annotations

import re

RULES = [
    (
        re.compile(r"\b\w*(?:date|day)\s*-\s*\w*(?:date|day)\b(?!\s*\()", re.IGNORECASE),
        "date minus date: an interval in Spark, a number of days in DuckDB; use "
        "days_between(first, last)",
    ),
    (
        re.compile(r"\b\w*(?:_date|_day)\s*[-+]\s*\d", re.IGNORECASE),
        "a date plus or minus a number: use add_days(day, n)",
    ),
    (
        re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])"),
        "a decimal literal: Spark computes with it in DECIMAL, DuckDB in DOUBLE; write "
        "CAST(n AS DOUBLE)",
    ),
    (
        re.compile(r"\bWINDOW\s+\w+\s+AS\b", re.IGNORECASE),
        "a named window: Spark does not add a frame to one; write the window out in OVER (...)",
    ),
    (
        re.compile(r"\bHAVING\b[^;]*?\bGROUPING\s*\(", re.IGNORECASE | re.DOTALL),
        "GROUPING() in HAVING: Spark reads its column as the output column of the same name; "
        "filter the grouped rows in an outer query",
    ),
    (
        re.compile(r"\bVARCHAR\b(?!\s*\()", re.IGNORECASE),
        "VARCHAR without a length: Spark needs one; write STRING",
    ),
    (
        re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?TEMP(?:ORARY)?\b", re.IGNORECASE),
        "a temporary table or view: how a table is kept is the engine's (CREATE TABLE|VIEW)",
    ),
    (re.compile(r"::"), "a :: cast: write CAST(x AS type)"),
    (
        re.compile(r"\bGROUP\s+BY\s+ALL\b|\bQUALIFY\b|\bEXCLUDE\s*\(", re.IGNORECASE),
        "DuckDB's own syntax (GROUP BY ALL, QUALIFY, EXCLUDE): write the columns out",
    ),
    (
        re.compile(
            r"\b(?:arg_min|arg_max|list|string_agg|list_agg|date_diff|datediff|date_sub|"
            r"date_add|strftime|strptime|epoch|regexp_matches|printf|format|struct_pack|"
            r"unnest|explode|nvl|ifnull|iff|to_date|make_date)\s*\(",
            re.IGNORECASE,
        ),
        "a function one engine lacks or spells differently: use the shared SQL functions, "
        "days_between or add_days",
    ),
]

COMMENT = re.compile(r"--[^\n]*")
STRING = re.compile(r"'(?:[^']|'')*'")


def blanked(sql: str) -> str:
    """The SQL with its comments and string literals replaced by spaces."""
    return STRING.sub(lambda m: "''", COMMENT.sub("", sql))


def problems(sql: str) -> list[str]:
    """Every non-portable construct in `sql`, each with the text that has it."""
    text = blanked(sql)
    found = []
    for pattern, reason in RULES:
        for match in pattern.finditer(text):
            found.append(f"{match.group(0).strip()!r}: {reason}")
    return found
