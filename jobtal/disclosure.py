"""Stage 3: protect small numbers (diskretionering, SPEC section 6).

Primary suppression: no value computed from 1 to 4 persons is published, nor a share whose
numerator counts 1 to 4 persons; the value is emptied and its flag is 'suppressed'. A value from
0 persons (nobody on the benefit) is a true zero and stays.

Secondary suppression: wherever published cells add up to a published total, no suppressed cell
may be recoverable by subtraction. Each such equation is an "additive set": a total and the cells
that add up to it. A set with exactly one unknown (suppressed) cell gives that cell away, so the
smallest other cell of the set (non-zero first; the total only when no other cell is left) is
suppressed too, and so on until no set has exactly one unknown. The sets, for every additive
indicator and every month and benefit:
  sex    the sexes of an area add up to its total
  age    the age groups of an area add up to its total
  region / group
         the municipalities of a region or municipality group add up to it
  regions / groups
         the regions, and the municipality groups, add up to the country
  young  unge_paa_ydelse is personer (all benefits) aged 16-24 plus 25-29
Sets are counted conservatively: a person outside 16-66 is in the total but in no age group, and
a person in two municipalities in a month counts once above them, yet the sets are protected as
if they added up exactly.

The latest month is 'provisional': later data may revise it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from jobtal.indicators.engine import Definition
from jobtal.linked_tables import suppress_linked, suppress_with
from jobtal.log import log
from jobtal.revisions import (
    find_known_earlier,
    keep_earlier_suppression,
    load_earlier_releases,
)
from jobtal.sql import sql_string

SMALLEST_PUBLISHED = 5

SAME_CELL_OF_AREA = (
    "p.indicator = c.indicator AND p.area_type = c.area_type AND p.area_code = c.area_code "
    "AND p.period = c.period AND p.benefit = c.benefit"
)
SAME_CELL_ABOVE = (
    "p.indicator = c.indicator AND p.period = c.period AND p.benefit = c.benefit "
    "AND p.sex = c.sex AND p.age_group = c.age_group "
    "AND p.area_type = up.parent_type AND p.area_code = up.parent_code"
)
# kind -> the join that pairs each total p with its members c
SETS = {
    "sex": f"""disclosure_cells AS c JOIN disclosure_cells AS p ON {SAME_CELL_OF_AREA}
        WHERE p.sex = 'alle' AND p.age_group = 'alle' AND c.sex <> 'alle'
          AND c.age_group = 'alle'""",
    "age": f"""disclosure_cells AS c JOIN disclosure_cells AS p ON {SAME_CELL_OF_AREA}
        WHERE p.sex = 'alle' AND p.age_group = 'alle' AND c.sex = 'alle'
          AND c.age_group <> 'alle'""",
    **{
        kind: f"""disclosure_cells AS c
        JOIN area_parents AS up
          ON up.kind = '{kind}' AND up.child_type = c.area_type AND up.child_code = c.area_code
        JOIN disclosure_cells AS p ON {SAME_CELL_ABOVE}"""
        for kind in ("region", "group", "regions", "groups")
    },
    "young": """disclosure_cells AS c JOIN disclosure_cells AS p
          ON p.area_type = c.area_type AND p.area_code = c.area_code AND p.period = c.period
        WHERE p.indicator = 'unge_paa_ydelse' AND p.sex = 'alle'
          AND c.indicator = 'personer' AND c.benefit = 'alle' AND c.sex = 'alle'
          AND c.age_group IN (SELECT age_group FROM age_groups WHERE max_age <= 29)""",
}
# Which area adds up to which, from the table `areas` (municipality -> each area it is in).
AREA_PARENTS = """
CREATE OR REPLACE TEMP TABLE area_parents AS
SELECT DISTINCT CASE WHEN up.area_type = 'region' THEN 'region' ELSE 'group' END AS kind,
       'kommune' AS child_type, k.area_code AS child_code,
       up.area_type AS parent_type, up.area_code AS parent_code
FROM areas AS k JOIN areas AS up USING (municipality_code)
WHERE k.area_type = 'kommune' AND up.area_type IN ('region', 'kommunegruppe')
UNION ALL
SELECT DISTINCT CASE WHEN area_type = 'region' THEN 'regions' ELSE 'groups' END,
       area_type, area_code, 'land', 'DK'
FROM areas
WHERE area_type IN ('region', 'kommunegruppe')
"""


def protect(
    con: duckdb.DuckDBPyConnection,
    reference_month: str,
    definitions: list[Definition],
    earlier_releases: list[tuple[str, Path]] = (),
    linked: bool = True,
    cache_folder: Path | None = None,
) -> dict[str, int]:
    """indicator_values -> protected_values, with `flag`; return the number of rows per flag.

    `earlier_releases` are the (name, archived jobtal.csv.gz) of every release already
    published: what they suppressed stays suppressed, and what they published is public.
    `linked=False` protects each additive set on its own (SPEC section 6's rule, which a
    reader who combines the sets undoes): for comparison, never for publishing.
    `cache_folder` keeps the linked tables' protections (jobtal.linked_tables.protect_months)."""
    # cell_id numbers the cells in the order of their keys (1, 2, ...): sorted into a table
    # whose rowids follow the order (DuckDB keeps an ORDER BY's order in the rows it inserts),
    # where ROW_NUMBER() over the whole table took 8 s at national scale against 5.4 s
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE cells_in_key_order AS
        SELECT * FROM indicator_values
        ORDER BY indicator, area_type, area_code, period, benefit, sex, age_group
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE disclosure_cells AS
        SELECT rowid + 1 AS cell_id,
               *,
               persons BETWEEN 1 AND {SMALLEST_PUBLISHED - 1}
                   OR COALESCE(subset_persons BETWEEN 1 AND {SMALLEST_PUBLISHED - 1}, FALSE)
                   AS suppressed
        FROM cells_in_key_order
        """
    )
    con.execute("DROP TABLE cells_in_key_order")
    load_earlier_releases(con, earlier_releases)
    keep_earlier_suppression(con)
    find_known_earlier(con, {d.id: d.decimals for d in definitions})
    if linked:
        suppress_linked(con, {d.id: d for d in definitions}, cache_folder)
    else:
        additive = [d.id for d in definitions if d.additive]
        if additive:
            suppress_secondary(con, additive)
    for definition in definitions:  # in published order: a share before its difference
        for other in definition.suppressed_with:
            suppress_with(con, definition.id, other)
    con.execute(
        """
        CREATE OR REPLACE TABLE protected_values AS
        SELECT indicator, area_type, area_code, period, benefit, sex, age_group,
               CASE WHEN suppressed THEN NULL ELSE value END AS value,
               CASE WHEN suppressed THEN 'suppressed'
                    WHEN period = ? THEN 'provisional' END AS flag
        FROM disclosure_cells
        """,
        [reference_month],
    )
    counts = con.execute(
        "SELECT COALESCE(flag, 'published'), count(*) FROM protected_values GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return dict(counts)


def build_additive_sets(con: duckdb.DuckDBPyConnection, additive: list[str]) -> int:
    """The table additive_sets: one row per member of a set (its total included), the set
    being named by its kind and its total's cell_id."""
    con.execute(AREA_PARENTS)
    indicators = ", ".join(sql_string(i) for i in additive)
    members = [
        f"""
        SELECT * FROM (
            SELECT '{kind}' AS kind, p.cell_id AS total_id, c.cell_id AS member_id,
                   FALSE AS is_total, p.indicator AS total_indicator,
                   c.indicator AS member_indicator
            FROM {pairs}
        ) AS pairs_{kind}
        WHERE total_indicator IN ({indicators}) AND member_indicator IN ({indicators})"""
        for kind, pairs in SETS.items()
    ]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE additive_sets AS
        WITH members AS ({" UNION ALL ".join(members)})
        SELECT kind, total_id, member_id, is_total FROM members
        UNION ALL
        SELECT DISTINCT kind, total_id, total_id, TRUE FROM members
        """
    )
    return con.execute("SELECT count(DISTINCT (kind, total_id)) FROM additive_sets").fetchone()[0]


def suppress_secondary(con: duckdb.DuckDBPyConnection, additive: list[str]) -> None:
    sets = build_additive_sets(con, additive)
    rounds = 0
    while True:
        added = con.execute(
            """
            WITH giving_away AS (
                SELECT s.kind, s.total_id
                FROM additive_sets AS s JOIN disclosure_cells AS c ON c.cell_id = s.member_id
                GROUP BY s.kind, s.total_id
                HAVING SUM(CASE WHEN c.suppressed THEN 1 ELSE 0 END) = 1
            ), candidates AS (
                SELECT s.member_id,
                       ROW_NUMBER() OVER (
                           PARTITION BY s.kind, s.total_id
                           ORDER BY s.is_total, CASE WHEN c.value > 0 THEN 0 ELSE 1 END,
                                    c.value, s.member_id) AS choice
                FROM giving_away AS g
                JOIN additive_sets AS s USING (kind, total_id)
                JOIN disclosure_cells AS c ON c.cell_id = s.member_id
                WHERE NOT c.suppressed
            )
            UPDATE disclosure_cells SET suppressed = TRUE
            WHERE cell_id IN (SELECT member_id FROM candidates WHERE choice = 1)
            """
        ).fetchone()[0]
        if not added:
            break
        rounds += 1
    log(f"  secondary suppression: {sets:,} additive sets, stable after {rounds} rounds")
