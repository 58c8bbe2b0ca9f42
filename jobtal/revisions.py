"""Protection across releases (SPEC section 6: "between the releases of the same month").

Every release stays published, so a reader holds every earlier release's values of the months
this build publishes again. What an earlier release suppressed stays suppressed (publishing it
now would give its old value away). What it published is known where this build would publish
the same value; a value the data have since revised is not (the old one is no certain guide to
it), and is protected like any other. Should the build's audit still find a value given away in
a revised month (the two releases' relations together can bound more than either alone), that
month is published as the latest earlier release published it: its revisions are withheld,
and it adds nothing to what the earlier releases, each audited when published, hold together."""

from __future__ import annotations

from pathlib import Path

import duckdb

from jobtal.linked_tables import SHARES
from jobtal.publish.releases import KEYS, published_values_sql
from jobtal.rounding import rounded


def load_earlier_releases(
    con: duckdb.DuckDBPyConnection, earlier_releases: list[tuple[str, Path]]
) -> None:
    """earlier_suppressed and earlier_published: the cells the earlier releases suppressed, and
    those they published, of the months this build publishes too."""
    keys = ", ".join(KEYS)
    selects = [
        f"SELECT *, {order} AS release_order FROM ({published_values_sql(name, path)})"
        for order, (name, path) in enumerate(earlier_releases)
    ]
    # with no earlier release, an empty table of the same columns
    earlier = (
        " UNION ALL ".join(selects)
        or f"SELECT {keys}, value, suppressed, 0 AS release_order FROM disclosure_cells LIMIT 0"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE earlier_values AS
        SELECT {keys}, value, suppressed, release_order FROM ({earlier}) AS earlier
        WHERE period IN (SELECT DISTINCT period FROM disclosure_cells);
        CREATE OR REPLACE TEMP TABLE earlier_suppressed AS
        SELECT DISTINCT {keys} FROM earlier_values WHERE suppressed;
        CREATE OR REPLACE TEMP TABLE earlier_published AS
        SELECT DISTINCT {keys}, value FROM earlier_values WHERE NOT suppressed;
        """
    )


def keep_earlier_suppression(con: duckdb.DuckDBPyConnection) -> None:
    """A value an earlier release suppressed is never published later: that would give its old
    value away, and with it what its suppression protected."""
    con.execute(
        f"""
        UPDATE disclosure_cells AS d SET suppressed = TRUE
        FROM earlier_suppressed AS e
        WHERE NOT d.suppressed AND {" AND ".join(f"e.{c} = d.{c}" for c in KEYS)}
        """
    )


def published_earlier(con: duckdb.DuckDBPyConnection, months: set[str]) -> set[str]:
    """Those of `months` that an earlier release published."""
    return {
        row[0]
        for row in con.execute(
            "SELECT DISTINCT period FROM earlier_values WHERE period IN (SELECT unnest(?))",
            [sorted(months)],
        ).fetchall()
    }


def withhold_revisions(
    con: duckdb.DuckDBPyConnection, months: set[str], reference_month: str
) -> list[str]:
    """Publish jobtal's own values of `months` as the latest earlier release published them,
    where one did (the build does this for the months in which its audit found a revised value
    given away, then builds the site again). Withheld, a month adds nothing to what the earlier
    releases, each audited when it was published, hold together; a cell none of them published
    is suppressed. Return the months withheld."""
    withheld = sorted(published_earlier(con, months))
    if not withheld:
        return []
    keys = ", ".join(KEYS)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE protected_values AS
        WITH latest AS (
            SELECT {keys}, value, suppressed FROM earlier_values
            QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY release_order DESC) = 1
        ), own AS (
            SELECT DISTINCT indicator FROM disclosure_cells
        )
        SELECT * FROM protected_values
        WHERE period NOT IN (SELECT unnest($months)) OR indicator NOT IN (SELECT * FROM own)
        UNION ALL
        SELECT p.indicator, p.area_type, p.area_code, p.period, p.benefit, p.sex, p.age_group,
               CASE WHEN COALESCE(NOT e.suppressed, FALSE) THEN e.value END AS value,
               CASE WHEN NOT COALESCE(NOT e.suppressed, FALSE) THEN 'suppressed'
                    WHEN p.period = $reference THEN 'provisional' END AS flag
        FROM protected_values AS p
        LEFT JOIN latest AS e USING ({keys})
        WHERE p.period IN (SELECT unnest($months)) AND p.indicator IN (SELECT * FROM own)
        """,
        {"months": withheld, "reference": reference_month},
    )
    return withheld


def find_known_earlier(con: duckdb.DuckDBPyConnection, decimals: dict[str, int]) -> None:
    """known_earlier: the cells whose value a reader already knows from an earlier release,
    which no suppression can hide: published there with the value this build would publish (a
    share also with its denominator's). A value the data have since revised is not known: the
    old one is no certain guide to it, and it is protected like any other (the audit models the
    reader alike, relations.build_relations)."""
    con.execute("CREATE OR REPLACE TEMP TABLE cell_decimals (indicator VARCHAR, decimals INTEGER)")
    con.executemany("INSERT INTO cell_decimals VALUES (?, ?)", list(decimals.items()))
    same_keys = " AND ".join(f"e.{k} = c.{k}" for k in KEYS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE known_earlier AS
        WITH unchanged AS (
            SELECT c.cell_id, c.indicator, c.area_type, c.area_code, c.period, c.benefit,
                   c.sex, c.age_group
            FROM disclosure_cells AS c
            JOIN cell_decimals AS m USING (indicator)
            JOIN earlier_published AS e
              ON {same_keys} AND e.value IS NOT DISTINCT FROM {rounded("c.value", "m.decimals")}
        )
        SELECT u.cell_id FROM unchanged AS u
        WHERE u.indicator NOT IN {SHARES}
           OR EXISTS (SELECT 1 FROM unchanged AS d
                      WHERE d.indicator = 'personer' AND d.area_type = u.area_type
                        AND d.area_code = u.area_code AND d.period = u.period
                        AND d.benefit = u.benefit AND d.sex = u.sex
                        AND d.age_group = u.age_group)
        """
    )
