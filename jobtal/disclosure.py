"""Stage 3: protect small numbers (diskretionering, SPEC section 6).

Primary suppression: no value computed from 1 to 4 persons is published; its value is emptied and
its flag is 'suppressed'. A value from 0 persons (nobody on the benefit) is a true zero and stays.
The latest month is 'provisional': later data may revise it.

Secondary suppression across the additive sets (sexes, age groups, the municipalities of a group
or a region, the regions of the country) is not done yet: it comes with the full indicator set."""

from __future__ import annotations

import duckdb

SMALLEST_PUBLISHED = 5


def protect(con: duckdb.DuckDBPyConnection, reference_month: str) -> dict[str, int]:
    """indicator_values -> protected_values, with `flag`; return the number of rows per flag."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE protected_values AS
        SELECT indicator, area_type, area_code, period, benefit, sex, age_group,
               CASE WHEN persons BETWEEN 1 AND {SMALLEST_PUBLISHED - 1} THEN NULL
                    ELSE value END AS value,
               CASE WHEN persons BETWEEN 1 AND {SMALLEST_PUBLISHED - 1} THEN 'suppressed'
                    WHEN period = ? THEN 'provisional' END AS flag
        FROM indicator_values
        """,
        [reference_month],
    )
    counts = con.execute(
        "SELECT COALESCE(flag, 'published'), count(*) FROM protected_values GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return dict(counts)
