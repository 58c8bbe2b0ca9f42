"""Small-number protection (SPEC section 6): primary and secondary suppression, worked by hand
on tiny tables, and as properties over random ones."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from jobtal.disclosure import protect
from jobtal.vocabulary import AGE_GROUPS
from tests.attacker import (
    DEFINITIONS,
    REFERENCE_MONTH,
    add_counts,
    additive_sets,
    database,
    independent_attack,
    marginals,
    protect_table,
    published,
    random_tables,
)
from tests.helpers import all_values_rows


def test_one_small_municipality_is_hidden_in_the_cheapest_hypercube_of_its_areas():
    # Region 1 holds municipalities 11 (3 persons), 12 (9) and 13 (20): 32 in all. Region 2
    # holds 21 (40) alone. Group 1 holds 11 and 21, group 2 holds 12 and 13.
    con = database({11: (1, 1), 12: (1, 2), 13: (1, 2), 21: (2, 1)})
    add_counts(
        con,
        "samtaler",
        {
            ("kommune", "11", "alle", "alle"): 3,
            ("kommune", "12", "alle", "alle"): 9,
            ("kommune", "13", "alle", "alle"): 20,
            ("kommune", "21", "alle", "alle"): 40,
            ("region", "1", "alle", "alle"): 32,
            ("region", "2", "alle", "alle"): 40,
            ("kommunegruppe", "1", "alle", "alle"): 43,
            ("kommunegruppe", "2", "alle", "alle"): 29,
            ("land", "DK", "alle", "alle"): 72,
        },
    )
    protect(con, REFERENCE_MONTH, DEFINITIONS)
    values = published(con)
    # 11 is primary. Hidden with only the other cell of one set (12 in region 1, say), it
    # would come back through group 1 (43 - 40), so every set through 11 needs a second
    # unknown at once. The ways to do that with four cells, 11 +t and three more:
    #   11 - 21 + region 1 - region 2   (same group)   new cells 40 + 32 + 40 = 112
    #   11 - 12 + group 1 - group 2     (same region)  new cells  9 + 43 + 29 =  81
    #   11 - 13 + group 1 - group 2     (same region)  new cells 20 + 43 + 29 =  92
    #   11 + region 1 + group 1 + DK                   new cells 32 + 43 + 72 = 147
    # All move 11 down to 0 (every + cell holds at least 3); the smallest is the second.
    suppressed = {key[:2] for key, value in values.items() if value is None}
    assert suppressed == {
        ("kommune", "11"),
        ("kommune", "12"),
        ("kommunegruppe", "1"),
        ("kommunegruppe", "2"),
    }
    # and the reader's four equations (regions and groups to DK, municipalities to both)
    # are satisfied by 11 = 0, 12 = 12, group 1 = 40, group 2 = 32 as well
    moved = {"11": 0, "12": 12, "13": 20, "21": 40}
    assert moved["11"] + moved["21"] == 40 and moved["12"] + moved["13"] == 32
    assert moved["11"] + moved["12"] + moved["13"] == values[("region", "1", "alle", "alle")]
    assert 40 + 32 == values[("land", "DK", "alle", "alle")]


def test_a_revised_value_is_protected_by_revised_cells_and_an_unrevised_one_is_known(tmp_path):
    # The same places. An earlier release published January with 11 = 6 (region 1 = 35, group
    # 1 = 46, DK = 75). Late registrations take 11 down to 3, and the totals above it with it.
    # The reader still holds the earlier values, and the unrevised ones (12, 13, 21, region 2,
    # group 2) are as good as published: no hypercube may use them. The revised ones are not
    # known: 11 can hide among them (11, region 1, group 1, DK: all move by the same t).
    con = database({11: (1, 1), 12: (1, 2), 13: (1, 2), 21: (2, 1)})
    counts = {
        ("kommune", "11"): 3,
        ("kommune", "12"): 9,
        ("kommune", "13"): 20,
        ("kommune", "21"): 40,
        ("region", "1"): 32,
        ("region", "2"): 40,
        ("kommunegruppe", "1"): 43,
        ("kommunegruppe", "2"): 29,
        ("land", "DK"): 72,
    }
    add_counts(con, "samtaler", {(*area, "alle", "alle"): n for area, n in counts.items()})
    earlier = dict(counts)
    for area in (("kommune", "11"), ("region", "1"), ("kommunegruppe", "1"), ("land", "DK")):
        earlier[area] += 3
    con.execute(
        "CREATE TABLE earlier (indicator VARCHAR, benefit VARCHAR, area_type VARCHAR, "
        "area_code VARCHAR, period VARCHAR, sex VARCHAR, age_group VARCHAR, value DOUBLE, "
        "flag VARCHAR)"
    )
    con.executemany(
        "INSERT INTO earlier VALUES ('samtaler', 'alle', ?, ?, '2024-01', 'alle', 'alle', ?, "
        "'provisional')",
        [[*area, n] for area, n in earlier.items()],
    )
    archive = tmp_path / "jobtal.parquet"
    con.execute(f"COPY earlier TO '{archive}' (FORMAT parquet)")
    protect(con, REFERENCE_MONTH, DEFINITIONS, [("2024-01", archive)])
    suppressed = {key[:2] for key, value in published(con).items() if value is None}
    assert suppressed == {
        ("kommune", "11"),
        ("region", "1"),
        ("kommunegruppe", "1"),
        ("land", "DK"),
    }


def test_a_suppressed_sex_takes_the_other_along_and_zero_is_chosen_last():
    con = database({11: (1, 1)})
    # the municipality is all of its region, group and country: the same counts for each
    for area_type, code in (
        ("kommune", "11"),
        ("region", "1"),
        ("kommunegruppe", "1"),
        ("land", "DK"),
    ):
        add_counts(
            con,
            "personer",
            {
                (area_type, code, "alle", "alle"): 30,
                (area_type, code, "K", "alle"): 2,
                (area_type, code, "M", "alle"): 28,
                # the age groups: 16-24 has 4 (primary); the zero in 25-29 protects nothing,
                # so the smallest non-zero group (30-39, 6) is suppressed with it
                **{
                    (area_type, code, "alle", group): n
                    for group, n in zip(AGE_GROUPS, [4, 0, 6, 7, 8, 9], strict=True)
                },
            },
        )
    protect(con, REFERENCE_MONTH, DEFINITIONS)
    values = published(con)
    for area_type, code in (("kommune", "11"), ("region", "1"), ("land", "DK")):
        assert values[(area_type, code, "K", "alle")] is None
        assert values[(area_type, code, "M", "alle")] is None
        assert values[(area_type, code, "alle", "16-24")] is None
        assert values[(area_type, code, "alle", "30-39")] is None
        assert values[(area_type, code, "alle", "25-29")] == 0
        assert values[(area_type, code, "alle", "60-66")] == 9
        assert values[(area_type, code, "alle", "alle")] == 30


def test_shares_are_suppressed_by_their_numerator_too():
    con = database({11: (1, 1)})
    con.executemany(
        "INSERT INTO indicator_values VALUES "
        "('afgang', 'kommune', '11', ?, 'alle', 'alle', 'alle', ?, ?, ?)",
        [
            ["2024-01", 2.0, 100, 2],  # 2 of 100 left: the two are few enough to be known
            ["2024-02", 0.0, 100, 0],  # nobody left: a true zero
            ["2024-03", 50.0, 4, 2],  # 4 recipients
        ],
    )
    protect(con, REFERENCE_MONTH, DEFINITIONS)
    rows = con.execute("SELECT period, value, flag FROM protected_values ORDER BY 1").fetchall()
    assert rows == [
        ("2024-01", None, "suppressed"),
        ("2024-02", 0.0, None),
        ("2024-03", None, "suppressed"),
    ]


# --- properties over random tables ------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tables())
def test_no_small_count_is_published_and_no_suppressed_cell_can_be_recovered(table):
    municipalities, counts = table
    values = protect_table(municipalities, counts)
    assert set(values) == set(counts)
    for key, n in counts.items():
        if 1 <= n <= 4:
            assert values[key] is None, key
        elif values[key] is not None:
            assert values[key] == n
    for total, members in additive_sets(municipalities, counts):
        unknown = [cell for cell in [total, *members] if values[cell] is None]
        assert len(unknown) != 1, (total, members, unknown)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tables())
def test_an_attacker_who_solves_every_set_at_once_pins_nothing_and_proves_no_count_small(table):
    municipalities, counts = table
    values = protect_table(municipalities, counts)
    for cell, (low, high) in independent_attack(municipalities, values).items():
        assert low < high, (cell, counts[cell], low, high)
        assert low == 0 or high >= 5, (cell, counts[cell], low, high)


def test_every_cell_of_a_set_is_counted_once_in_the_property_test():
    # a sanity check of the helper: the sets of a one-municipality country
    sets = additive_sets({101: (1, 1)}, {("kommune", "101", "alle", "alle"): 0})
    kinds = {(total[0], members[0][0]) for total, members in sets}
    assert kinds == {
        ("kommune", "kommune"),
        ("region", "kommune"),
        ("kommunegruppe", "kommune"),
        ("land", "region"),
        ("land", "kommunegruppe"),
    }
    assert all(len(set(members)) == len(members) for _, members in sets)
    assert len(list(itertools.chain.from_iterable(m for _, m in sets))) > 0


@pytest.mark.parametrize(
    ("share", "count"),
    [("andel_befolkning", "fuldtidspersoner"), ("forskel_forventet", "andel_befolkning")],
)
def test_a_share_of_the_public_population_never_reveals_a_hidden_count(tiny_site, share, count):
    """andel_befolkning x the (public) population gives back fuldtidspersoner, and
    forskel_forventet + forventet_andel gives back andel_befolkning: wherever the count is
    suppressed, so is the share."""
    rows = all_values_rows(tiny_site)
    key = ("area_type", "area_code", "period", "benefit", "sex", "age_group")
    hidden = {tuple(r[k] for k in key) for r in rows if r["indicator"] == count and not r["value"]}
    shares = [r for r in rows if r["indicator"] == share]
    assert hidden and shares
    revealing = [r for r in shares if r["value"] and tuple(r[k] for k in key) in hidden]
    assert revealing == []


def three_municipalities_of_one_region():
    """Found by hypothesis against the per-set rule: municipalities 100, 101 and 102 all in
    region 1 and group 1; 100 has nobody, 101 has 6 men (1 aged 40-49, 5 aged 50-59), 102 one
    man aged 60-66."""
    municipalities = {100: (1, 1), 101: (1, 1), 102: (1, 1)}
    joint = {(101, "M", "40-49"): 1, (101, "M", "50-59"): 5, (102, "M", "60-66"): 1}
    counts: dict[tuple[str, str, str, str], int] = {}
    for code in municipalities:
        for area in (
            ("kommune", str(code)),
            ("region", "1"),
            ("kommunegruppe", "1"),
            ("land", "DK"),
        ):
            keys = [(*area, "alle", "alle"), *((*area, s, "alle") for s in "KM")]
            keys += [(*area, "alle", g) for g in AGE_GROUPS]
            for key in keys:
                counts.setdefault(key, 0)
    for (code, sex, group), n in joint.items():
        for area in (
            ("kommune", str(code)),
            ("region", "1"),
            ("kommunegruppe", "1"),
            ("land", "DK"),
        ):
            for key in ((*area, "alle", "alle"), (*area, sex, "alle"), (*area, "alle", group)):
                counts[key] += n
    return municipalities, counts


def test_what_the_per_set_rule_gives_away_here_the_linked_protection_keeps():
    municipalities, counts = three_municipalities_of_one_region()
    per_set = protect_table(municipalities, counts, linked=False)
    found = independent_attack(municipalities, per_set)
    leaks = {c for c, (low, high) in found.items() if low == high or (low >= 1 and high <= 4)}
    assert leaks  # the per-set rule leaves at least one cell to the attacker
    for cell in leaks:  # and what the attacker finds is true
        low, high = found[cell]
        assert low <= counts[cell] <= high
    linked = protect_table(municipalities, counts)
    for cell, (low, high) in independent_attack(municipalities, linked).items():
        assert low < high and (low == 0 or high >= 5), cell
    # the small counts are hidden, and what is published is the truth
    for cell, n in counts.items():
        assert linked[cell] is None if 1 <= n <= 4 else linked[cell] in (None, n)


def test_months_protected_on_every_core_are_protected_as_one_by_one(monkeypatch):
    # four months of random tables, protected in this process, then spread over two processes
    # (as a build of many months is): the same cells suppressed
    import jobtal.linked_tables

    rng = np.random.default_rng(7)
    municipalities = {101: (1, 1), 102: (1, 2), 103: (2, 1), 104: (2, 2), 105: (1, 1)}

    def run() -> list[tuple]:
        con = database(municipalities)
        for month in ("2024-01", "2024-02", "2024-03", "2024-04"):
            draws = rng.integers(0, 12, size=(len(municipalities), 2, len(AGE_GROUPS)))
            joint = {
                (code, "KM"[sex], AGE_GROUPS[age]): int(draws[i, sex, age])
                for (i, code), sex, age in itertools.product(
                    enumerate(municipalities), range(2), range(len(AGE_GROUPS))
                )
            }
            rows = marginals(municipalities, joint)
            con.executemany(
                "INSERT INTO indicator_values VALUES "
                "('personer', ?, ?, ?, 'alle', ?, ?, ?, ?, NULL)",
                [[a, c, month, s, g, n, n] for (a, c, s, g), n in rows.items()],
            )
        protect(con, REFERENCE_MONTH, DEFINITIONS)
        return con.execute("SELECT * FROM protected_values ORDER BY ALL").fetchall()

    one_by_one = run()
    rng = np.random.default_rng(7)
    monkeypatch.setattr(jobtal.linked_tables, "PARALLEL_SEARCHES", 0)
    monkeypatch.setenv("JOBTAL_WORKERS", "2")
    on_every_core = run()
    assert on_every_core == one_by_one
    assert sum(row[-1] == "suppressed" for row in one_by_one) > 4  # secondary cells as well


def test_cells_are_numbered_in_the_order_of_their_keys_whatever_order_they_came_in():
    # protect numbers the cells by sorting them into a table (its rowids); the numbers must be
    # what ROW_NUMBER() over the keys gives, here for rows inserted in a shuffled order
    rng = np.random.default_rng(11)
    municipalities = {101: (1, 1), 102: (1, 2), 103: (2, 1)}
    con = database(municipalities)
    rows = []
    for month in ("2024-02", "2024-01"):
        joint = {
            (code, sex, age): int(rng.integers(0, 30))
            for code in municipalities
            for sex in "KM"
            for age in AGE_GROUPS
        }
        rows += [
            [a, c, month, s, g, n, n]
            for (a, c, s, g), n in marginals(municipalities, joint).items()
        ]
    rng.shuffle(rows)
    con.executemany(
        "INSERT INTO indicator_values VALUES ('personer', ?, ?, ?, 'alle', ?, ?, ?, ?, NULL)",
        rows,
    )
    protect(con, REFERENCE_MONTH, DEFINITIONS)
    keys = "indicator, area_type, area_code, period, benefit, sex, age_group"
    numbered = con.execute(
        f"SELECT cell_id, {keys} FROM disclosure_cells ORDER BY cell_id"
    ).fetchall()
    expected = con.execute(
        f"SELECT ROW_NUMBER() OVER (ORDER BY {keys}), {keys} FROM indicator_values ORDER BY 1"
    ).fetchall()
    assert numbered == expected
    assert len(rows) > 100


def test_benefits_add_up_to_more_than_alle_only_where_the_reader_can_see_it():
    from jobtal.hypercube import Table
    from jobtal.linked_tables import over_slack
    from jobtal.null_vectors import single

    def table(values: list[float]) -> Table:
        # 'alle' and two benefits, in the country only
        shape = (3, 1, 1)
        return Table(
            value=np.array(values, float).reshape(shape),
            hidden=np.zeros(shape, bool),
            fixed=np.zeros(shape, bool),
            void=np.zeros(shape, bool),
            floor=np.zeros(shape),
            ceiling=np.full(shape, np.inf),
            integer=False,
            dimensions=(single, single, single),
            all_benefits=0,
        )

    # counts, published exactly: one person on both benefits is plain to see
    assert over_slack(table([9, 5, 5]))[0, 0] == 1
    assert over_slack(table([10, 5, 5])) is None
    # rounded to whole units: 10.4 + 10.4 against 19.6 shows as 10 + 10 against 20, which
    # looks exact; an excess is certain only beyond 2 x 3 half units
    assert over_slack(table([19.6, 10.4, 10.4]), half_unit=0.5) is None
    assert over_slack(table([20, 13.1, 10]), half_unit=0.5)[0, 0] == pytest.approx(3.1)
    # a numerator, known only through its share: never
    assert over_slack(table([9, 5, 5]), half_unit=np.inf) is None
    # nor where the country's line is not all published
    hidden = table([9, 5, 5])
    hidden.hidden[1, 0, 0] = True
    assert over_slack(hidden) is None


def test_a_withheld_revision_publishes_the_month_as_the_latest_earlier_release_did():
    import duckdb

    from jobtal.revisions import withhold_revisions

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE protected_values (indicator VARCHAR, area_type VARCHAR, "
        "area_code VARCHAR, period VARCHAR, benefit VARCHAR, sex VARCHAR, age_group VARCHAR, "
        "value DOUBLE, flag VARCHAR)"
    )
    con.execute(
        "CREATE TABLE earlier_values (indicator VARCHAR, benefit VARCHAR, area_type VARCHAR, "
        "area_code VARCHAR, period VARCHAR, sex VARCHAR, age_group VARCHAR, value DOUBLE, "
        "suppressed BOOLEAN, release_order INTEGER)"
    )

    def cell(code, month):
        return ("samtaler", "kommune", code, month, "alle", "alle", "alle")

    # this build: January revised (11: 3, 12: 9, 13: 20 new), February new; and another
    # publisher's series, which is published as it is
    con.executemany(
        "INSERT INTO protected_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [*cell("11", "2024-01"), None, "suppressed"],
            [*cell("12", "2024-01"), 9.0, None],
            [*cell("13", "2024-01"), 20.0, None],
            [*cell("11", "2024-02"), 7.0, "provisional"],
            ["auk01", "land", "DK", "2024-01", "alle", "alle", "alle", 99.0, None],
        ],
    )
    con.execute("CREATE TABLE disclosure_cells AS SELECT 'samtaler' AS indicator")
    # release 0 published January with 11 = 5, 12 = 8; release 1 with 11 = 6, 12 suppressed
    con.executemany(
        "INSERT INTO earlier_values VALUES (?, 'alle', ?, ?, ?, 'alle', 'alle', ?, ?, ?)",
        [
            ["samtaler", "kommune", "11", "2024-01", 5.0, False, 0],
            ["samtaler", "kommune", "12", "2024-01", 8.0, False, 0],
            ["samtaler", "kommune", "11", "2024-01", 6.0, False, 1],
            ["samtaler", "kommune", "12", "2024-01", None, True, 1],
        ],
    )
    assert withhold_revisions(con, {"2024-01", "2024-02"}, "2024-02") == ["2024-01"]
    rows = con.execute(
        "SELECT area_code, period, value, flag FROM protected_values "
        "ORDER BY indicator = 'auk01', period, area_code"
    ).fetchall()
    assert rows == [
        ("11", "2024-01", 6.0, None),  # as release 1 published it
        ("12", "2024-01", None, "suppressed"),  # release 1 suppressed it
        ("13", "2024-01", None, "suppressed"),  # no earlier release published it
        ("11", "2024-02", 7.0, "provisional"),  # a new month: nothing to withhold
        ("DK", "2024-01", 99.0, None),  # not jobtal's own: as it is
    ]


def linked_table(people: np.ndarray, kommune: dict[int, tuple[int, int]], integer: bool = True):
    """A month of one table from the cells of its municipalities, `people` over (benefit,
    municipality, sex, age group): on the benefit axis 'alle' and each benefit, on the area
    axis the country (0), the regions and groups `kommune` names and the municipalities
    (`kommune`'s positions, in order), on the breakdown axis the total, the sexes and the age
    groups; every sum written out. The small values are hidden (below 5, or 1.5 unrounded)."""
    from jobtal import hypercube
    from jobtal.null_vectors import area_dimension, benefit_dimension, breakdown_dimension

    benefits, municipalities, sexes, ages = people.shape
    positions = sorted(kommune)
    value = np.zeros((1 + benefits, positions[-1] + 1, 1 + sexes + ages))
    for benefit, municipality, sex, age in itertools.product(*map(range, people.shape)):
        position = positions[municipality]
        for b in (0, 1 + benefit):
            for a in (0, *kommune[position], position):
                for d in (0, 1 + sex, 1 + sexes + age):
                    value[b, a, d] += people[benefit, municipality, sex, age]
    shape = value.shape
    return hypercube.Table(
        value=value,
        hidden=(value > 0) & (value < 5) if integer else (value > 0) & (value < 1.5),
        fixed=np.zeros(shape, bool),
        void=np.zeros(shape, bool),
        floor=np.zeros(shape),
        ceiling=np.full(shape, np.inf),
        integer=integer,
        dimensions=(
            benefit_dimension(0, 1 + benefits),
            area_dimension(kommune, country=0),
            breakdown_dimension(0, list(range(1, 1 + sexes)), list(range(1 + sexes, shape[2]))),
        ),
        all_benefits=0,
        over_slack=None if integer else np.zeros(shape[1:]),
    )


def test_the_hypercube_search_charges_each_cell_as_it_stands_at_every_search(monkeypatch):
    """The search weighs hypercubes by charges kept up to date as cells are hidden and
    published again (jobtal.hypercube.Charges): before every search, they must be what the
    table's cells say then, worked out afresh."""
    from jobtal import hypercube

    # 'alle' and two benefits; the country, two regions, two groups, four municipalities (one
    # of each region and group); the total, two sexes, two age groups
    rng = np.random.default_rng(7)
    people = rng.integers(0, 6, size=(2, 4, 2, 2))  # benefit x municipality x sex x age
    table = linked_table(people, {5: (1, 3), 6: (1, 4), 7: (2, 3), 8: (2, 4)})
    table.fixed[1, 0, 0] = True  # one cell the reader knows anyway
    searches = []
    search = hypercube.Hypercubes.search

    def checked_search(self, target, free_only=False):
        afresh = hypercube.Charges(self.table, self.prices).padded
        np.testing.assert_array_equal(self.charges.padded, afresh)
        searches.append(free_only)
        return search(self, target, free_only)

    monkeypatch.setattr(hypercube.Hypercubes, "search", checked_search)
    outcome = hypercube.protect_table(table)
    # the check ran while cells were hidden, and while hidden ones were tried for publishing
    assert outcome.added > 0 and outcome.searched > 0
    assert False in searches and True in searches


@pytest.mark.parametrize("integer", [True, False])
def test_hypercubes_that_cost_alike_are_chosen_by_the_sum_over_all_their_corners(
    monkeypatch, integer
):
    """The search adds up what each combination of null vectors charges line by line
    (Charges.summed), in another order of addition than over all its corners at once, which
    gives other last bits. Among hypercubes that cost alike to within those bits it must
    choose as the sums over all corners order them (what builds have always chosen): the same
    cells hidden, whatever the last bits of the quick sums, as with the sums over all corners
    everywhere (worked out here by gathering every corner)."""
    from jobtal import hypercube

    def over_all_corners(charges, vb, va, vd):
        b, a, d = (
            np.where(v.signs != 0, v.positions, n)
            for v, n in zip((vb, va, vd), charges.table.value.shape, strict=True)
        )
        corners = charges.padded[
            b[:, None, None, :, None, None], a[None, :, None, None, :, None],
            d[None, None, :, None, None, :],
        ]  # fmt: skip
        return corners.sum(axis=(3, 4, 5))

    line_by_line = hypercube.Charges.summed
    noise = np.random.default_rng(3)
    ties = []

    def other_last_bits(charges, vb, va, vd):
        exact = over_all_corners(charges, vb, va, vd)
        np.testing.assert_allclose(line_by_line(charges, vb, va, vd), exact, rtol=1e-12)
        finite = exact[np.isfinite(exact) & (exact > 0)]
        ties.append(len(finite) > len(np.unique(finite)))
        # as another order of addition might have rounded them (zero and infinity stay)
        return exact * (1 + noise.uniform(-1e-12, 1e-12, exact.shape))

    def protected(table):
        hidden, outcome = hypercube.protect_table_copy(table)
        return hidden, dataclasses.astuple(outcome)

    # 'alle' and three benefits; two regions, three groups, twelve municipalities; the total,
    # two sexes and three age groups; full-time persons with one decimal
    tables = []
    for seed in range(4):
        rng = np.random.default_rng(seed)
        people = rng.integers(0, 9, size=(3, 12, 2, 3)).astype(float)
        if not integer:
            people = np.round(people * rng.uniform(0.2, 1.0, size=people.shape), 1)
        kommune = {6 + m: (1 + m % 2, 3 + m % 3) for m in range(12)}
        tables.append(linked_table(people, kommune, integer))
    monkeypatch.setattr(hypercube.Charges, "summed", other_last_bits)
    found = [protected(t) for t in tables]
    monkeypatch.setattr(hypercube.Charges, "summed", over_all_corners)
    expected = [protected(t) for t in tables]
    for (hidden, outcome), (hidden_expected, outcome_expected) in zip(found, expected, strict=True):
        np.testing.assert_array_equal(hidden, hidden_expected)
        assert outcome == outcome_expected
    assert sum(ties) > 10  # hypercubes that cost exactly alike were there to choose among
    assert sum(outcome[0] for _, outcome in found) > 0  # cells were added
