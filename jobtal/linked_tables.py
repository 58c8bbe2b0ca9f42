"""Secondary suppression across linked tables (jobtal.hypercube does the search): the
tables of one month (benefit x area x breakdown), which share their cells, protected together,
with what earlier releases published held fixed (jobtal.revisions)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from jobtal import hypercube, hypercube_kernels, null_vectors
from jobtal.cache import ContentCache
from jobtal.hypercube import Outcome, Table, protect_table_copy
from jobtal.indicators.engine import Definition
from jobtal.log import log, stage
from jobtal.null_vectors import area_dimension, benefit_dimension, breakdown_dimension, single
from jobtal.parallel import map_in_processes
from jobtal.vocabulary import BENEFITS, SEXES


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


# The tables of the hypercube search (jobtal.hypercube): benefit x area x breakdown, one
# month at a time. `personer` and `unge_paa_ydelse` are one table, because unge_paa_ydelse is
# personer aged 16-24 plus 25-29: its cells are three more breakdown positions, at 'alle'.
YOUNG_POSITIONS = {"alle": "unge", "K": "unge K", "M": "unge M"}
# share -> what hides its numerator besides the share itself: the denominator (personer)
SHARES = ("afgang", "aktiveringsgrad")


def suppress_linked(
    con: duckdb.DuckDBPyConnection,
    indicators: dict[str, Definition],
    cache_folder: Path | None = None,
) -> None:
    """Secondary suppression across linked tables (jobtal.hypercube): every suppressed cell of
    an additive indicator, and every share numerator hidden by suppression, becomes a corner of
    a hypercube of suppressed cells that moves it far enough. The month-tables' protections
    are kept in `cache_folder` (jobtal.cache), and not searched again while their tables stay
    the same."""
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW linked_cells AS
        SELECT c.cell_id, c.indicator, c.area_type, c.area_code, c.period, c.benefit, c.sex,
               c.age_group, COALESCE(c.value, 0) AS value, c.persons, c.subset_persons,
               c.suppressed, k.cell_id IS NOT NULL AS known_earlier
        FROM disclosure_cells AS c
        LEFT JOIN known_earlier AS k USING (cell_id)
        """
    )
    axes = LinkedAxes(con)
    cache = protection_cache(cache_folder)
    searched = added = unprotected = published_again = 0

    def run(any_of: set[str], frame_sql: str, table_kwargs: dict) -> None:
        nonlocal searched, added, unprotected, published_again
        if not any_of & indicators.keys():
            return
        with stage(f"  linked tables of {' and '.join(sorted(any_of))}") as step:
            hits, misses = cache.hits, cache.misses
            outcome, newly = axes.protect(con.execute(frame_sql).df(), cache=cache, **table_kwargs)
            step.summary = f"{outcome.searched:,} cells searched, {outcome.added:,} more suppressed"
            if cache.hits > hits:
                kept = f"{cache.hits - hits:,} of {cache.hits + cache.misses - hits - misses:,}"
                step.summary += f" ({kept} month-tables' protections kept)"
        searched += outcome.searched
        added += outcome.added
        unprotected += outcome.unprotected
        published_again += outcome.published_again
        con.execute(
            "UPDATE disclosure_cells SET suppressed = TRUE "
            "WHERE cell_id IN (SELECT unnest(?::BIGINT[]))",
            [newly.tolist()],
        )

    run({"personer", "unge_paa_ydelse"}, PERSONS_SQL, dict(young=True))
    for share in SHARES:
        if share in indicators and "personer" in indicators:
            suppress_with(con, share, "personer")
    if "fuldtidspersoner" in indicators and "personer" in indicators:
        suppress_with(con, "fuldtidspersoner", "personer")
    if "fuldtidspersoner" in indicators:
        run(
            {"fuldtidspersoner"},
            BREAKDOWN_SQL.format(indicator="fuldtidspersoner"),
            dict(
                integer=False,
                over_benefits=True,
                half_unit=0.5 * 10 ** -indicators["fuldtidspersoner"].decimals,
            ),
        )
    # a numerator is known to the reader only to within the share's rounding: an excess of
    # its benefits over 'alle' is never certain to them
    run(
        {"afgang"},
        NUMERATOR_SQL.format(share="afgang"),
        dict(over_benefits=True, half_unit=np.inf),
    )
    run({"aktiveringsgrad"}, NUMERATOR_SQL.format(share="aktiveringsgrad"), {})
    for indicator, integer in (
        ("sygedagpenge_over_26_uger", True),
        ("samtaler", True),
        ("arbejdskraftreserve", False),
    ):
        run({indicator}, AREA_SQL.format(indicator=indicator), dict(integer=integer))
    log(
        f"  linked tables: {searched:,} cells searched, {added:,} more suppressed "
        f"({published_again:,} found unnecessary and published again)"
        + (f", {unprotected:,} NOT PROTECTED" if unprotected else "")
    )
    if cache_folder is not None:
        kept = f"{cache.hits:,} of {cache.hits + cache.misses:,}"
        log(f"  linked tables: {kept} month-tables' protections kept from an earlier build")


# Each frame: cell_id, period, benefit, area_type, area_code, position (on the breakdown
# axis), value, suppressed, known_earlier, floor, ceiling.
YOUNG_CASES = " ".join(f"WHEN '{s}' THEN '{p}'" for s, p in YOUNG_POSITIONS.items())
PERSONS_SQL = f"""
    WITH depends AS (
        -- counts that cannot exceed a personer cell: shares' numerators, long sickness
        SELECT area_type, area_code, period, benefit, max(n) AS floor FROM (
            SELECT area_type, area_code, period, benefit, subset_persons AS n
            FROM linked_cells WHERE indicator IN {SHARES}
            UNION ALL
            SELECT area_type, area_code, period, 'sygedagpenge', value
            FROM linked_cells WHERE indicator = 'sygedagpenge_over_26_uger'
        ) GROUP BY ALL
    )
    SELECT c.cell_id, c.period, c.benefit, c.area_type, c.area_code,
           CASE WHEN c.indicator = 'unge_paa_ydelse'
                THEN CASE c.sex {YOUNG_CASES} END
                WHEN c.sex <> 'alle' THEN 'sex ' || c.sex
                WHEN c.age_group <> 'alle' THEN 'age ' || c.age_group
                ELSE 'alle' END AS position,
           c.value, c.suppressed, c.known_earlier,
           CASE WHEN c.sex = 'alle' AND c.age_group = 'alle' THEN COALESCE(d.floor, 0)
                ELSE 0 END AS floor,
           'Infinity'::DOUBLE AS ceiling
    FROM linked_cells AS c
    LEFT JOIN depends AS d
      ON c.indicator = 'personer' AND d.area_type = c.area_type
     AND d.area_code = c.area_code AND d.period = c.period AND d.benefit = c.benefit
    WHERE c.indicator IN ('personer', 'unge_paa_ydelse')
"""
BREAKDOWN_SQL = """
    SELECT cell_id, period, benefit, area_type, area_code,
           CASE WHEN sex <> 'alle' THEN 'sex ' || sex
                WHEN age_group <> 'alle' THEN 'age ' || age_group ELSE 'alle' END AS position,
           value, suppressed, known_earlier, 0.0 AS floor, 'Infinity'::DOUBLE AS ceiling
    FROM linked_cells WHERE indicator = '{indicator}'
"""
# A share's numerator, hidden where the share is suppressed; never above its denominator.
# A denominator of nobody that is suppressed itself is a corner of a hypercube of personer
# that moves it up by one or more, so its numerator may rise by one with it.
NUMERATOR_SQL = """
    SELECT s.cell_id, s.period, s.benefit, s.area_type, s.area_code, 'alle' AS position,
           COALESCE(s.subset_persons, 0)::DOUBLE AS value, s.suppressed, s.known_earlier,
           0.0 AS floor,
           CASE WHEN COALESCE(s.persons, 0) = 0 AND COALESCE(p.suppressed, FALSE) THEN 1.0
                ELSE COALESCE(s.persons, 0)::DOUBLE END AS ceiling
    FROM linked_cells AS s
    LEFT JOIN linked_cells AS p
      ON p.indicator = 'personer' AND p.sex = 'alle' AND p.age_group = 'alle'
     AND p.area_type = s.area_type AND p.area_code = s.area_code AND p.period = s.period
     AND p.benefit = s.benefit
    WHERE s.indicator = '{share}'
"""
AREA_SQL = """
    SELECT c.cell_id, c.period, 'alle' AS benefit, c.area_type, c.area_code,
           'alle' AS position, c.value, c.suppressed, c.known_earlier, 0.0 AS floor,
           COALESCE(p.value, 'Infinity'::DOUBLE) AS ceiling
    FROM linked_cells AS c
    LEFT JOIN linked_cells AS p
      ON '{indicator}' = 'sygedagpenge_over_26_uger' AND p.indicator = 'personer'
     AND p.benefit = 'sygedagpenge' AND p.sex = 'alle' AND p.age_group = 'alle'
     AND p.area_type = c.area_type AND p.area_code = c.area_code AND p.period = c.period
    WHERE c.indicator = '{indicator}'
"""


def over_slack(table: Table, half_unit: float = 0.0) -> np.ndarray | None:
    """Area x breakdown: how much more the benefits add up to than 'alle' (people on two
    benefits in one month count once in 'alle'); infinite where no benefit has the cell.

    Only where a reader can see that they may add up to more: the country's totals (position
    0 on both axes) are published and add up to more than their rounding (each published
    value within `half_unit` of the true one) can explain. Otherwise a reader takes the
    benefits to add up exactly, and a move within the excess would leave them a (wrong) value
    that looks certain; None, then: the benefits are protected as adding up exactly, which
    holds whichever way the reader takes them."""
    alle = table.all_benefits
    others = np.ones(table.value.shape[0], bool)
    others[alle] = False
    excess = np.where(table.void[others], 0, table.value[others]).sum(axis=0) - table.value[alle]
    # counts add up exactly or not at all; rounded values only to within floating point
    excess = np.where(excess < 1e-6, 0.0, excess)
    country_total = (slice(None), 0, 0)
    # the published values differ from the true ones by up to a half unit each: the excess
    # the reader computes from them is certain only beyond twice their sum
    if np.isinf(half_unit):  # known only through a rounded share: never certain
        return None
    rounding = 2 * half_unit * (~table.void[country_total]).sum()
    if not excess[0, 0] > rounding or table.hidden[country_total].any():
        return None
    return np.where(table.void[others].all(axis=0), np.inf, excess)


TOTAL_WEIGHT = 2.0
HEADLINE_WEIGHT = 25.0
# cells to search, over all months, from which the months are protected on every core (a
# month of the default demo has about 2,000; starting the processes costs about a second)
PARALLEL_SEARCHES = 4_000


class LinkedAxes:
    """The positions of the three axes, and the hypercube dimensions over them."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        places = con.execute(
            """
            SELECT DISTINCT k.area_code, r.area_code, g.area_code
            FROM areas AS k
            JOIN areas AS r ON r.municipality_code = k.municipality_code
                           AND r.area_type = 'region'
            JOIN areas AS g ON g.municipality_code = k.municipality_code
                           AND g.area_type = 'kommunegruppe'
            WHERE k.area_type = 'kommune'
            ORDER BY 1
            """
        ).fetchall()
        # the country first and the total first: over_slack reads their line at (0, 0)
        self.areas = [("land", "DK")]
        self.areas += [("region", r) for r in sorted({r for _, r, _ in places})]
        self.areas += [("kommunegruppe", g) for g in sorted({g for _, _, g in places})]
        self.areas += [("kommune", k) for k, _, _ in places]
        index = {area: i for i, area in enumerate(self.areas)}
        self.area_index = pd.MultiIndex.from_tuples(self.areas)
        self.area_dimension = area_dimension(
            {
                index[("kommune", k)]: (index[("region", r)], index[("kommunegruppe", g)])
                for k, r, g in places
            },
            index[("land", "DK")],
        )
        self.benefits = ["alle", *(b for b in BENEFITS if b != "alle")]
        ages = [
            row[0]
            for row in con.execute("SELECT age_group FROM age_groups ORDER BY min_age").fetchall()
        ]
        young = [
            row[0]
            for row in con.execute(
                "SELECT age_group FROM age_groups WHERE max_age <= 29 ORDER BY min_age"
            ).fetchall()
        ]
        self.breakdown = ["alle", *(f"sex {s}" for s in SEXES), *(f"age {a}" for a in ages)]
        self.breakdown += list(YOUNG_POSITIONS.values())
        at = {p: i for i, p in enumerate(self.breakdown)}
        sexes = [at[f"sex {s}"] for s in SEXES]
        age_positions = [at[f"age {a}"] for a in ages]
        self.plain_breakdown = breakdown_dimension(at["alle"], sexes, age_positions)
        self.young_breakdown = breakdown_dimension(
            at["alle"],
            sexes,
            age_positions,
            young=[at[f"age {a}"] for a in young],
            young_total=at["unge"],
            young_sexes=[at["unge K"], at["unge M"]],
        )

    def protect(
        self,
        frame,
        integer: bool = True,
        young: bool = False,
        over_benefits: bool = False,
        half_unit: float = 0.0,
        cache: ContentCache | None = None,
    ) -> tuple[Outcome, np.ndarray]:
        """Protect the cells of `frame` (see PERSONS_SQL) in every month: the outcome, and
        the cell_id of every cell newly suppressed. Months whose table `cache` holds are not
        searched again (and their searches not counted in the outcome)."""
        outcome = Outcome()
        shape = (len(self.benefits), len(self.areas), len(self.breakdown))
        # each row's position on the three axes, -1 where it is not on the axis (one lookup
        # for all rows: a loop over the rows took 6 s of the national build's personer table)
        b = pd.Index(self.benefits).get_indexer(frame.benefit)
        a = self.area_index.get_indexer(
            pd.MultiIndex.from_arrays([frame.area_type, frame.area_code])
        )
        d = pd.Index(self.breakdown).get_indexer(frame.position)
        keep = (b >= 0) & (a >= 0) & (d >= 0)
        frame = frame[keep].reset_index(drop=True)
        b, a, d = b[keep], a[keep], d[keep]
        dimensions = (
            benefit_dimension(0, len(self.benefits)) if over_benefits or young else single,
            self.area_dimension,
            (self.young_breakdown if young else self.plain_breakdown),
        )
        tables, cells = [], []
        for _period, rows in frame.groupby("period", sort=True):
            ix = (b[rows.index], a[rows.index], d[rows.index])
            table = Table(
                value=np.zeros(shape),
                hidden=np.zeros(shape, bool),
                fixed=np.zeros(shape, bool),
                void=np.ones(shape, bool),
                floor=np.zeros(shape),
                ceiling=np.full(shape, np.inf),
                integer=integer,
                dimensions=dimensions,
                all_benefits=0 if (over_benefits or young) else None,
            )
            table.value[ix] = rows.value.to_numpy(float)
            table.hidden[ix] = rows.suppressed.to_numpy(bool)
            table.fixed[ix] = rows.known_earlier.to_numpy(bool)
            table.void[ix] = False
            table.floor[ix] = rows.floor.to_numpy(float)
            table.ceiling[ix] = rows.ceiling.to_numpy(float)
            if table.all_benefits is not None:
                table.over_slack = over_slack(table, half_unit)
            # all benefits and everyone (the totals of the benefit and breakdown axes) are
            # what most readers look for: hidden last
            table.weight[0] *= TOTAL_WEIGHT
            table.weight[:, :, 0] *= TOTAL_WEIGHT
            # the country's total of each benefit is the headline of the home page and every
            # national trend: hidden only where nothing else protects (in the default build's
            # 2023-01 the fte total of all benefits was, for the price of 0.1 % of the cells)
            table.weight[:, 0, 0] *= HEADLINE_WEIGHT
            cell_ids = np.full(shape, -1, dtype=np.int64)
            cell_ids[ix] = rows.cell_id.to_numpy(np.int64)
            tables.append(table)
            cells.append(cell_ids)
        protected = protect_months(tables, cache)
        newly = []
        for table, cell_ids, (hidden, found, kept) in zip(tables, cells, protected, strict=True):
            outcome.searched += 0 if kept else found.searched
            outcome.added += found.added
            outcome.unprotected += found.unprotected
            outcome.published_again += found.published_again
            newly.append(cell_ids[hidden & ~table.hidden])
        ids = np.concatenate(newly) if newly else np.array([], dtype=np.int64)
        return outcome, ids[ids >= 0]


OUTCOME_FIELDS = ("added", "unprotected", "searched", "published_again")


def protection_cache(folder: Path | None) -> ContentCache:
    """The month-tables' protections kept under `folder` (None: none kept), by the content of
    the table and of the search's code."""
    return ContentCache(folder, [hypercube, hypercube_kernels, null_vectors])


def protect_months(
    tables: list[Table], cache: ContentCache | None = None
) -> list[tuple[np.ndarray, Outcome, bool]]:
    """protect_table_copy of each table, and whether it was kept: from `cache` where it holds
    the table, else searched (the months are independent: on every core where there is much
    to search) and kept."""
    cache = cache or protection_cache(None)
    keys = [cache.key(table) for table in tables]
    kept = [kept_protection(cache, key, table) for key, table in zip(keys, tables, strict=True)]
    results = [None if found is None else (*found, True) for found in kept]
    missing = [i for i, result in enumerate(results) if result is None]
    searches = [int((t.hidden & ~(t.fixed | t.void)).sum()) for t in (tables[i] for i in missing)]
    searched = map_in_processes(
        protect_table_copy,
        [tables[i] for i in missing],
        worth_it=sum(searches) >= PARALLEL_SEARCHES,
        sizes=searches,
    )
    for i, (hidden, outcome) in zip(missing, searched, strict=True):
        cache.store(
            keys[i],
            {"hidden": hidden, "outcome": np.array([getattr(outcome, f) for f in OUTCOME_FIELDS])},
        )
        results[i] = (hidden, outcome, False)
    return results


def kept_protection(cache: ContentCache, key: str, table: Table) -> tuple | None:
    """The table's protection as `cache` keeps it under `key`, or None."""
    arrays = cache.load(key, lambda arrays: _fits(arrays, table))
    if arrays is None:
        return None
    outcome = Outcome(**dict(zip(OUTCOME_FIELDS, arrays["outcome"].tolist(), strict=True)))
    return arrays["hidden"], outcome


def _fits(arrays: dict[str, np.ndarray], table: Table) -> bool:
    """Whether a kept protection can be the table's: its shape, and every cell hidden that
    the table hides already (a protection only adds suppressions)."""
    hidden, outcome = arrays.get("hidden"), arrays.get("outcome")
    return (
        hidden is not None
        and hidden.dtype == bool
        and hidden.shape == table.hidden.shape
        and bool((hidden | ~table.hidden).all())
        and outcome is not None
        and outcome.shape == (len(OUTCOME_FIELDS),)
        and outcome.dtype.kind == "i"
    )
