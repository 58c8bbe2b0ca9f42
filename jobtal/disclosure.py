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

from jobtal.audit import audit_published
from jobtal.audit.published import RELATED
from jobtal.audit.relations import NUMERATOR, SHARES, IndicatorKnowledge
from jobtal.indicators.engine import Definition
from jobtal.log import log
from jobtal.rounding import rounded
from jobtal.sql import sql_string

SMALLEST_PUBLISHED = 5
CELL_KEY_COLUMNS = ("indicator", "benefit", "area_type", "area_code", "period", "sex", "age_group")
CELL_KEY = ", ".join(CELL_KEY_COLUMNS)

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
) -> dict[str, int]:
    """indicator_values -> protected_values, with `flag`; return the number of rows per flag.

    `earlier_releases` are the (name, archived jobtal.csv.gz) of every release already
    published: what they suppressed stays suppressed, and what they published is public."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE disclosure_cells AS
        SELECT ROW_NUMBER() OVER (ORDER BY indicator, area_type, area_code, period, benefit,
                                           sex, age_group) AS cell_id,
               *,
               persons BETWEEN 1 AND {SMALLEST_PUBLISHED - 1}
                   OR COALESCE(subset_persons BETWEEN 1 AND {SMALLEST_PUBLISHED - 1}, FALSE)
                   AS suppressed
        FROM indicator_values
        """
    )
    primary = count_suppressed(con)
    load_earlier_releases(con, earlier_releases)
    keep_earlier_suppression(con)
    additive = [d.id for d in definitions if d.additive]
    if additive:
        suppress_secondary(con, additive)
    tie_suppression(con, definitions)
    by_sets = count_suppressed(con)
    rounds, repaired = protect_against_attack(con, definitions)
    total = con.execute("SELECT count(*) FROM disclosure_cells").fetchone()[0]
    log(
        f"  suppressed: {primary:,} primary, {by_sets:,} after the additive sets, "
        f"{count_suppressed(con):,} after {rounds} rounds of the attacker's audit "
        f"({repaired:,} more) of {total:,} values"
    )
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


def count_suppressed(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM disclosure_cells WHERE suppressed").fetchone()[0]


def tie_suppression(con: duckdb.DuckDBPyConnection, definitions: list[Definition]) -> None:
    for definition in definitions:  # in published order: a share before its difference
        for other in definition.suppressed_with:
            suppress_with(con, definition.id, other)


def load_earlier_releases(
    con: duckdb.DuckDBPyConnection, earlier_releases: list[tuple[str, Path]]
) -> None:
    """earlier_values: every value the earlier releases published (or suppressed), of the
    months this build publishes too."""
    selects = [
        f"""SELECT {sql_string(name)} AS release, {CELL_KEY},
                   TRY_CAST(value AS DOUBLE) AS value,
                   COALESCE(flag = 'suppressed', FALSE) AS suppressed
            FROM read_csv({sql_string(str(path))}, all_varchar = true, header = true)"""
        for name, path in earlier_releases
    ]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE earlier_values AS
        SELECT * FROM ({" UNION ALL ".join(selects)}) AS earlier
        WHERE period IN (SELECT DISTINCT period FROM disclosure_cells)
        """
        if selects
        else f"""CREATE OR REPLACE TEMP TABLE earlier_values AS
        SELECT '' AS release, {CELL_KEY}, value, suppressed FROM disclosure_cells LIMIT 0"""
    )


def keep_earlier_suppression(con: duckdb.DuckDBPyConnection) -> None:
    """A value an earlier release suppressed is never published later: that would give its old
    value away, and with it what its suppression protected."""
    con.execute(
        f"""
        UPDATE disclosure_cells AS d SET suppressed = TRUE
        FROM (SELECT DISTINCT {CELL_KEY} FROM earlier_values WHERE suppressed) AS e
        WHERE NOT d.suppressed AND {" AND ".join(f"e.{c} = d.{c}" for c in CELL_KEY_COLUMNS)}
        """
    )


def protect_against_attack(
    con: duckdb.DuckDBPyConnection, definitions: list[Definition]
) -> tuple[int, int]:
    """Run the attacker's audit on what would be published (with every earlier release), and
    suppress more where it finds a value it can work out, until it finds none; return the
    rounds and the values suppressed on the way.

    The audit runs quick (intervals.bound, not exact): whatever its witnesses do not clear is
    treated as given away, so this never stops while a value can still be worked out. For each
    such value, one published value sharing a relation with it is suppressed: the smallest
    (non-zero first) that this build alone publishes (a value an earlier release published is
    public already). Months never share a relation, so after the first round only the months
    that changed are audited again."""
    knowledge = IndicatorKnowledge({d.id: d.decimals for d in definitions})
    decimals = {d.id: d.decimals for d in definitions}
    con.execute(
        "CREATE OR REPLACE TEMP TABLE audit_areas AS "
        "SELECT CAST(municipality_code AS VARCHAR) AS kommune, "
        "max(area_code) FILTER (WHERE area_type = 'region') AS region, "
        "max(area_code) FILTER (WHERE area_type = 'kommunegruppe') AS kommunegruppe "
        "FROM areas GROUP BY 1"
    )
    related = ", ".join(sql_string(i) for i in RELATED)
    shares = ", ".join(sql_string(i) for i in SHARES)
    rounding = " ".join(
        f"WHEN {sql_string(i)} THEN {rounded('value', d)}" for i, d in decimals.items()
    )
    months = "SELECT DISTINCT period FROM disclosure_cells"
    rounds = added_total = 0
    while True:
        rounds += 1
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE audit_values AS
            SELECT '' AS release, {CELL_KEY},
                   CASE WHEN suppressed THEN NULL ELSE CASE indicator {rounding} END END AS value,
                   suppressed,
                   -- what only the publisher knows: the unrounded value, a share's numerator
                   CASE WHEN indicator IN ({shares}) THEN COALESCE(subset_persons, 0)
                        ELSE value END AS truth
            FROM disclosure_cells
            WHERE indicator IN ({related}) AND period IN ({months})
            UNION ALL
            SELECT release, {CELL_KEY}, value, suppressed, NULL FROM earlier_values
            WHERE indicator IN ({related}) AND period IN ({months})
            """
        )
        result = audit_published(con, knowledge, exact=False, repair=True)
        leaks = result.leaks
        if leaks.empty:
            return rounds, added_total
        con.register("leaks_found", leaks[["var_id", "period"]])
        con.execute(
            "CREATE OR REPLACE TEMP TABLE chosen_vars AS SELECT unnest(?) AS var_id",
            [result.to_suppress.tolist()],
        )
        added = con.execute(
            f"""
            UPDATE disclosure_cells AS d SET suppressed = TRUE
            FROM audit_cells AS c
            WHERE c.var_id IN (SELECT var_id FROM chosen_vars) AND c.release = ''
              AND d.indicator = replace(c.indicator, '{NUMERATOR}', '')
              AND {" AND ".join(f"d.{k} = c.{k}" for k in CELL_KEY_COLUMNS[1:])}
              AND NOT d.suppressed
            """
        ).fetchone()[0]
        # where the LP found nothing to move, the smallest value beside each open one
        con.execute("CREATE OR REPLACE TEMP TABLE open_vars AS SELECT var_id FROM leaks_found")
        added += (
            0
            if added
            else con.execute(
                f"""
            WITH candidates AS (
                SELECT o.var_id AS open_var, d.cell_id,
                       CASE WHEN c.indicator LIKE '%{NUMERATOR}' THEN d.subset_persons
                            ELSE d.value END AS size
                FROM open_vars AS o
                JOIN audit_terms AS mine ON mine.var_id = o.var_id AND mine.release = ''
                JOIN audit_terms AS other
                  ON other.instance = mine.instance AND other.kind = mine.kind
                 AND other.indicator = mine.indicator AND other.var_id <> o.var_id
                JOIN audit_vars AS v ON v.var_id = other.var_id
                JOIN audit_cells AS c ON c.var_id = other.var_id AND c.release = ''
                JOIN disclosure_cells AS d
                  ON d.indicator = replace(c.indicator, '{NUMERATOR}', '')
                 AND {" AND ".join(f"d.{k} = c.{k}" for k in CELL_KEY_COLUMNS[1:])}
                WHERE NOT v.unknown AND v.published_in = '' AND NOT d.suppressed
            ), chosen AS (
                SELECT cell_id, ROW_NUMBER() OVER (
                           PARTITION BY open_var
                           ORDER BY CASE WHEN size > 0 THEN 0 ELSE 1 END, size, cell_id)
                       AS choice
                FROM candidates
            )
            UPDATE disclosure_cells SET suppressed = TRUE
            WHERE cell_id IN (SELECT cell_id FROM chosen WHERE choice = 1)
            """
            ).fetchone()[0]
        )
        if not added:
            log(
                f"  {len(leaks):,} values the audit may work out have nothing left to suppress "
                "beside them"
            )
            return rounds, added_total
        added_total += added
        tie_suppression(con, definitions)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE changed_months AS SELECT DISTINCT period FROM leaks_found"
        )
        con.unregister("leaks_found")
        months = "SELECT period FROM changed_months"
        log(f"  audit round {rounds}: {len(leaks):,} values open, {added:,} more suppressed")


def suppress_with(con: duckdb.DuckDBPyConnection, indicator: str, other: str) -> None:
    """Suppress `indicator` wherever `other` is suppressed in the same cell (area, month,
    benefit, sex, age group): a share of the public population would otherwise give back the
    count that primary or secondary suppression hid."""
    con.execute(
        """
        UPDATE disclosure_cells AS d SET suppressed = TRUE
        FROM disclosure_cells AS o
        WHERE d.indicator = ? AND o.indicator = ? AND o.suppressed AND NOT d.suppressed
          AND o.area_type = d.area_type AND o.area_code = d.area_code AND o.period = d.period
          AND o.benefit = d.benefit AND o.sex = d.sex AND o.age_group = d.age_group
        """,
        [indicator, other],
    )


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
