"""One rounding for every published form of a number (CSV, Excel, pages, charts, reports).

A value is rounded once, to its indicator's decimals, half away from zero, as a decimal number:
110.5 -> 111, 0.15 -> 0.2, 12.35 -> 12.4, -2.25 -> -2.3. (The computed value is a binary
floating-point number, in which 12.35 is a hair below 12.35; it is read to 12 decimals first,
so it rounds as the decimal number a reader would write down.) Every later form shows that
rounded number with the same decimals, so no two forms of a value can differ."""

from __future__ import annotations

MOST_DECIMALS = 3  # indicators/definition.schema.json: decimals 0..3


def rounded(column: str, decimals: int | str) -> str:
    """SQL: `column` (DOUBLE) rounded to `decimals`, a number or a column holding one."""
    if isinstance(decimals, int):
        return f"CAST(round(CAST({column} AS DECIMAL(38, 12)), {decimals}) AS DOUBLE)"
    # DuckDB's round takes a constant number of decimals
    cases = " ".join(f"WHEN {d} THEN {rounded(column, d)}" for d in range(MOST_DECIMALS + 1))
    return f"CASE {decimals} {cases} END"
