"""One rounding for every published form of a number (CSV, Excel, pages, charts, reports).

A value is rounded once, to its indicator's decimals, half away from zero (110.5 -> 111,
-2.25 -> -2.3), by DuckDB's `round` on the computed value; every later form shows that rounded
number with the same decimals, so no two forms of a value can differ."""

from __future__ import annotations


def rounded(column: str, decimals: int | str) -> str:
    """SQL: `column` rounded to `decimals` (a number, or a column holding it)."""
    return f"round({column}, {decimals})"
