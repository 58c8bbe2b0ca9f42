"""The disclosure tests' harness: small tables protected the way the build protects them, and an
attacker written apart from jobtal's own audit (scipy's linprog over every additive set) to check
what the protection leaves a reader."""

from __future__ import annotations

import math

import duckdb
import numpy as np
from hypothesis import strategies as st
from scipy.optimize import linprog

from jobtal.disclosure import protect
from jobtal.indicators.engine import load_definitions
from jobtal.vocabulary import AGE_BOUNDS, AGE_GROUPS

DEFINITIONS = load_definitions()


REFERENCE_MONTH = "2024-03"


def database(municipalities: dict[int, tuple[int, int]]) -> duckdb.DuckDBPyConnection:
    """A connection with the tables protect() reads besides the values: `areas` for
    municipalities {code: (region, group)}, and `age_groups`."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE areas (municipality_code INTEGER, area_type VARCHAR, area_code VARCHAR)"
    )
    for code, (region, group) in municipalities.items():
        con.executemany(
            "INSERT INTO areas VALUES (?, ?, ?)",
            [
                [code, "kommune", str(code)],
                [code, "region", str(region)],
                [code, "kommunegruppe", str(group)],
                [code, "land", "DK"],
            ],
        )
    con.execute("CREATE TABLE age_groups (age_group VARCHAR, min_age INTEGER, max_age INTEGER)")
    con.executemany(
        "INSERT INTO age_groups VALUES (?, ?, ?)", [[g, *AGE_BOUNDS[g]] for g in AGE_GROUPS]
    )
    con.execute(
        "CREATE TABLE indicator_values (indicator VARCHAR, area_type VARCHAR, area_code VARCHAR, "
        "period VARCHAR, benefit VARCHAR, sex VARCHAR, age_group VARCHAR, value DOUBLE, "
        "persons BIGINT, subset_persons BIGINT)"
    )
    return con


def add_counts(con, indicator: str, counts: dict[tuple[str, str, str, str], int]) -> None:
    """Counts of persons {(area_type, area_code, sex, age_group): n}, for January."""
    con.executemany(
        "INSERT INTO indicator_values VALUES (?, ?, ?, '2024-01', 'alle', ?, ?, ?, ?, NULL)",
        [[indicator, *key, n, n] for key, n in counts.items()],
    )


def published(con) -> dict[tuple[str, str, str, str], float | None]:
    rows = con.execute(
        "SELECT area_type, area_code, sex, age_group, value FROM protected_values"
    ).fetchall()
    return {tuple(row[:4]): row[4] for row in rows}


geographies = st.lists(st.tuples(st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=7).map(
    lambda places: {100 + i: place for i, place in enumerate(places)}
)


@st.composite
def random_tables(draw):
    """Joint counts per municipality, sex and age group (small, so that suppression bites),
    published as the additive marginals every area has."""
    municipalities = draw(geographies)
    small = st.integers(0, 9) | st.integers(0, 60)
    joint = {
        (code, sex, group): draw(small)
        for code in municipalities
        for sex in ("K", "M")
        for group in AGE_GROUPS
    }
    return municipalities, marginals(municipalities, joint)


def marginals(municipalities, joint) -> dict[tuple[str, str, str, str], int]:
    """The published cells of joint counts {(municipality, sex, age group): n}: each area's
    total, sexes and age groups, as (area_type, area_code, sex, age_group) -> n."""
    counts: dict[tuple[str, str, str, str], int] = {}
    for (code, sex, group), n in joint.items():
        region, group_number = municipalities[code]
        for area in (
            ("kommune", str(code)),
            ("region", str(region)),
            ("kommunegruppe", str(group_number)),
            ("land", "DK"),
        ):
            for key in ((*area, "alle", "alle"), (*area, sex, "alle"), (*area, "alle", group)):
                counts[key] = counts.get(key, 0) + n
    return counts


def additive_sets(municipalities, counts):
    """Every (total, members) equation among the published cells, worked out here from the
    geography, independently of the SQL in jobtal.disclosure."""
    areas = {key[:2] for key in counts}
    breakdowns = (
        [("alle", "alle")] + [(s, "alle") for s in "KM"] + [("alle", g) for g in AGE_GROUPS]
    )
    sets = []
    for area in areas:
        sets.append(((*area, "alle", "alle"), [(*area, s, "alle") for s in "KM"]))
        sets.append(((*area, "alle", "alle"), [(*area, "alle", g) for g in AGE_GROUPS]))
    regions = {region for region, _ in municipalities.values()}
    groups = {group for _, group in municipalities.values()}
    for sex, age in breakdowns:
        for region in regions:
            members = [c for c, (r, _) in municipalities.items() if r == region]
            sets.append(
                (
                    ("region", str(region), sex, age),
                    [("kommune", str(c), sex, age) for c in members],
                )
            )
        for group in groups:
            members = [c for c, (_, g) in municipalities.items() if g == group]
            sets.append(
                (
                    ("kommunegruppe", str(group), sex, age),
                    [("kommune", str(c), sex, age) for c in members],
                )
            )
        sets.append((("land", "DK", sex, age), [("region", str(r), sex, age) for r in regions]))
        sets.append(
            (("land", "DK", sex, age), [("kommunegruppe", str(g), sex, age) for g in groups])
        )
    return sets


def protect_table(
    municipalities, counts, linked: bool = True
) -> dict[tuple[str, str, str, str], float | None]:
    """The published person counts (None where suppressed) of a random table."""
    con = database(municipalities)
    add_counts(con, "personer", counts)
    protect(con, REFERENCE_MONTH, DEFINITIONS, linked=linked)
    values = published(con)
    con.close()
    return values


def independent_attack(municipalities, values):
    """Bounds of every suppressed cell by linear programming over the additive sets (all
    equations: the reader has seen them add up in a fully published month), x >= 0; then the
    integer bounds. Returns {cell: (low, high)}."""
    unknown = sorted(key for key, value in values.items() if value is None)
    position = {key: i for i, key in enumerate(unknown)}
    equations, constants = [], []
    for total, members in additive_sets(municipalities, values):
        row = np.zeros(len(unknown))
        constant = 0.0
        for cell, sign in [(total, -1.0)] + [(m, 1.0) for m in members]:
            if values[cell] is None:
                row[position[cell]] += sign
            else:
                constant -= sign * values[cell]
        if row.any():
            equations.append(row)
            constants.append(constant)
    bounds = {}
    for key, i in position.items():
        ends = []
        for sign in (1, -1):
            cost = np.zeros(len(unknown))
            cost[i] = sign
            solution = linprog(
                cost,
                A_eq=np.array(equations) if equations else None,
                b_eq=np.array(constants) if equations else None,
                bounds=[(0, 10_000)] * len(unknown),
                method="highs",
            )
            ends.append(sign * solution.fun)
        bounds[key] = (math.ceil(ends[0] - 1e-6), math.floor(ends[1] + 1e-6))
    return bounds
