"""The hypercube search's compiled kernels (jobtal.hypercube_kernels), each checked against
what it stands for: how far a hypercube moves against what a move does (for random tables and
every combination of null vectors, the cells moved exactly as far as the kernel says keep
every relation the reader knows, and a little further breaks one); the vectors' prices and
order against numpy's sum and lexsort; the summed charges and corners by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numba
import numpy as np
import pytest

from jobtal import hypercube_kernels
from jobtal.null_vectors import Vectors, benefit_dimension, stacked

BENEFITS, AREAS, BREAKDOWNS = 4, 5, 4
ALLE = 0
TOLERANCE = 1e-9
TIE_MARGIN = 1e-9


def random_table(rng, integer: bool, with_slack: bool):
    """Values where every benefit is within 'alle' and 'alle' within their sum (people on two
    benefits count once in 'alle'), some cells void, floors and ceilings around the values."""
    others = rng.integers(0, 12, size=(BENEFITS - 1, AREAS, BREAKDOWNS)).astype(float)
    if not integer:
        others += rng.choice([0.0, 0.25, 0.5], size=others.shape)
    void = rng.random((BENEFITS, AREAS, BREAKDOWNS)) < 0.15
    void[ALLE] = False
    others = np.where(void[1:], 0.0, others)
    highest, total = others.max(axis=0), others.sum(axis=0)
    alle = highest + np.floor(rng.random((AREAS, BREAKDOWNS)) * (total - highest + 1))
    alle = np.minimum(alle, total)
    value = np.concatenate([alle[None], others])
    floor = np.where(rng.random(value.shape) < 0.3, np.floor(value * rng.random(value.shape)), 0)
    ceiling = np.where(
        rng.random(value.shape) < 0.3, value + rng.integers(0, 4, value.shape), np.inf
    )
    slack = None
    if with_slack:
        slack = np.where(void[1:].all(axis=0), np.inf, total - alle)
    return value, floor, ceiling, void, slack


def random_vectors(rng, size: int, count: int, width: int) -> Vectors:
    """Signed positions along an area or breakdown axis (distinct positions in each)."""
    rows = []
    for _ in range(count):
        positions = rng.choice(size, size=rng.integers(1, width + 1), replace=False)
        rows.append({int(p): int(rng.choice([-1, 1])) for p in positions})
    return stacked(rows)


def moved_keeps_every_relation(value, floor, ceiling, void, slack, corners, t) -> bool:
    """Whether the table with each corner (b, a, d, sign) moved by sign * t is still one the
    reader cannot rule out: within floors and ceilings, every benefit within 'alle', and the
    benefits' excess over 'alle' not below zero (exactly zero where it is not known to be
    there)."""
    moved = value.copy()
    for b, a, d, sign in corners:
        moved[b, a, d] += sign * t
    change = moved - value
    live = ~void
    if (moved[live] < floor[live] - TOLERANCE).any() or (
        moved[live] > ceiling[live] + TOLERANCE
    ).any():
        return False
    if (np.where(void[1:], -np.inf, moved[1:]) > moved[ALLE] + TOLERANCE).any():
        return False
    excess_change = change[1:].sum(axis=0) - change[ALLE]
    if slack is None:
        return bool((np.abs(excess_change) <= TOLERANCE).all())
    return bool((slack + excess_change >= -TOLERANCE).all())


def corners_of(vb_row, va_row, vd_row, void):
    return [
        (b, a, d, sb * sa * sd)
        for b, sb in vb_row
        for a, sa in va_row
        for d, sd in vd_row
        if not void[b, a, d]
    ]


def rows(vectors: Vectors) -> list[list[tuple[int, int]]]:
    return [
        [(int(p), int(s)) for p, s in zip(pos, sig, strict=True) if s]
        for pos, sig in zip(vectors.positions, vectors.signs, strict=True)
    ]


def walked_in_order(cost, lines, met, tie_margin):
    """What cheapest_met stands for, with numpy's lexsort: every combination of finite cost in
    the order of cost, then price on the target's lines, then index; the first that moves far
    enough, then those that do within `tie_margin` of its cost (none if negative)."""
    on_lines = np.add.outer(np.add.outer(lines[0], lines[1]), lines[2]).ravel()
    key = cost.ravel()
    order = np.lexsort((np.arange(key.size), on_lines, key))[: int(np.isfinite(key).sum())]
    feasible = [int(n) for n in order if met[n]]
    if feasible and tie_margin >= 0:
        limit = key[feasible[0]] * (1 + tie_margin)
        feasible = [n for n in feasible if key[n] <= limit]
    chosen = feasible[:1] if tie_margin < 0 else feasible
    return chosen, [float(on_lines[n]) for n in chosen]


@pytest.mark.parametrize("seed", range(12))
def test_a_hypercube_moves_exactly_as_far_as_the_relations_allow(seed):
    rng = np.random.default_rng(seed)
    integer, with_slack = bool(seed % 2), bool(seed // 2 % 2)
    value, floor, ceiling, void, slack = random_table(rng, integer, with_slack)
    benefits = benefit_dimension(ALLE, BENEFITS)
    vb = Vectors(
        *(np.concatenate(parts) for parts in zip(*(
            (v.positions, v.signs) for v in (benefits(p) for p in range(BENEFITS))
        ), strict=True))
    )  # fmt: skip
    va = random_vectors(rng, AREAS, 6, 3)
    vd = random_vectors(rng, BREAKDOWNS, 5, 3)
    shape = (len(vb), len(va), len(vd))
    target_value = float(rng.integers(0, 8))
    table = SimpleNamespace(value=value, floor=floor, ceiling=ceiling, void=void,
                            all_benefits=ALLE, over_slack=slack, integer=integer)  # fmt: skip
    arguments = hypercube_kernels.search_of((vb, va, vd), table, target_value)
    # what a void cell (not a cell: no relation holds it) holds does not matter
    scrambled = hypercube_kernels.search_of(
        (vb, va, vd),
        SimpleNamespace(
            **{
                **vars(table),
                **{
                    name: np.where(void, rng.random(value.shape) * 50, getattr(table, name))
                    for name in ("value", "floor", "ceiling")
                },
            }
        ),
        target_value,
    )
    checked = {"finite": 0, "not allowed": 0}
    met = []
    for n, (rb, ra, rd) in enumerate(np.ndindex(*shape)):
        down, up, allowed = hypercube_kernels.reach(n, shape, arguments)
        assert (down, up, allowed) == hypercube_kernels.reach(n, shape, scrambled)
        met.append(allowed and hypercube_kernels.requirement_met(target_value, down, up, integer))
        corners = corners_of(rows(vb)[rb], rows(va)[ra], rows(vd)[rd], void)
        if len(corners) < len(rows(vb)[rb]) * len(rows(va)[ra]) * len(rows(vd)[rd]):
            continue  # a void corner does not move, and the walk holds its lines as if it did
        if not allowed:
            # the benefits add up exactly as far as the reader knows: no move keeps that
            assert slack is None
            assert not moved_keeps_every_relation(value, floor, ceiling, void, slack, corners, 1)
            checked["not allowed"] += 1
            continue
        for room, direction in ((down, -1), (up, 1)):
            if np.isinf(room):
                assert moved_keeps_every_relation(
                    value, floor, ceiling, void, slack, corners, direction * 1e6
                )
                continue
            checked["finite"] += 1
            assert room >= 0
            assert moved_keeps_every_relation(
                value, floor, ceiling, void, slack, corners, direction * room
            )
            assert not moved_keeps_every_relation(
                value, floor, ceiling, void, slack, corners, direction * (room + 0.25)
            )
    assert checked["finite"] > 50
    if slack is None:
        assert checked["not allowed"] > 0
    # the search's walk in cost order: prices with many ties, some combinations not
    # allowed at all (infinitely dear)
    cost = rng.choice([0.0, 1.0, 2.0, 2.0 + 1e-12, 3.0, np.inf], size=shape)
    lines = [rng.choice([0.0, 0.5, 1.0], size=n) for n in shape]
    for margin in (TIE_MARGIN, -1.0):
        chosen, on_lines = hypercube_kernels.cheapest_met(cost, *lines, margin, arguments)
        assert (chosen.tolist(), on_lines.tolist()) == walked_in_order(cost, lines, met, margin)


@pytest.mark.parametrize(
    ("value", "down", "up", "integer", "met"),
    [
        (3, 3, 0, True, True),  # consistent with 0
        (3, 2, 1, True, False),  # 1 to 4: a small count whatever the true one
        (3, 0, 2, True, True),  # consistent with 5
        (1, 0, 3, True, False),
        (4, 0, 1, True, True),
        (0, 0, 1, True, True),  # not small: moving at all is enough
        (7, 0, 0, True, False),
        (7, 1, 0, True, True),
        (2.5, 0.5, 0.5, False, False),  # a rounded value pinned to within one unit
        (2.5, 0.5, 0.6, False, True),
    ],
)
def test_a_count_of_one_to_four_must_be_consistent_with_none_or_with_five(
    value, down, up, integer, met
):
    assert hypercube_kernels.requirement_met(float(value), float(down), float(up), integer) is met
    many = hypercube_kernels.each_requirement_met(
        np.array([float(value)]), np.array([float(down)]), np.array([float(up)]), integer
    )
    assert many.tolist() == [met]


@pytest.mark.parametrize("width", range(1, hypercube_kernels.SEQUENTIAL_WIDTH))
def test_vectors_are_ranked_as_numpy_sums_and_sorts_them(width):
    rng = np.random.default_rng(width)
    for _ in range(40):
        count = int(rng.integers(1, 60))
        positions = np.sort(rng.integers(0, 9, size=(count, width)), axis=1)
        signs = rng.choice([-1, 0, 1], size=(count, width))
        positions[rng.integers(0, count, size=count // 3)] = positions[0]  # ties on positions
        # prices as the search sees them: some free (hidden), some prohibitive, the rest apart
        # by their last bits
        price = np.where(rng.random(9) < 0.3, 0.0, 1 + 0.1 * np.log1p(rng.integers(0, 50, 9)))
        price[rng.random(9) < 0.1] = 1e9
        cost = np.where(signs != 0, price[positions], 0.0).sum(axis=1)
        assert hypercube_kernels.line_costs(positions, signs, price).tolist() == cost.tolist()
        order = np.lexsort((*signs.T[::-1], *positions.T[::-1], cost))
        free = [r for r in order if cost[r] == 0]
        for free_only, expected in ((False, order), (True, free)):
            for most in (count, 5):
                got = hypercube_kernels.ranked(cost, positions, signs, free_only, most)
                taken = expected[:most]
                assert [a.tolist() for a in got] == [
                    cost[taken].tolist(),
                    positions[taken].tolist(),
                    signs[taken].tolist(),
                ]


def test_a_cell_charges_its_price_nothing_if_hidden_or_void_and_infinitely_much_if_known():
    rng = np.random.default_rng(3)
    shape = (BENEFITS, AREAS, BREAKDOWNS)
    hidden, fixed, void = (rng.random(shape) < 0.3 for _ in range(3))
    prices = 1 + rng.random(shape)
    padded = np.full(tuple(n + 1 for n in shape), -1.0)
    some = rng.choice(hidden.size, size=30, replace=False)
    hypercube_kernels.charge(padded, some, hidden, fixed, void, prices)
    for cell in np.ndindex(*shape):
        if np.ravel_multi_index(cell, shape) not in some:
            expected = -1.0  # not asked for: left alone
        elif fixed[cell] and not void[cell]:
            expected = np.inf
        elif hidden[cell] or void[cell]:
            expected = 0.0
        else:
            expected = prices[cell]
        assert padded[cell] == expected, cell
    assert (padded[-1] == -1).all() and (padded[:, -1] == -1).all()  # the padding too


def test_a_combination_charges_the_sum_over_its_corners_and_has_the_corners_it_names():
    rng = np.random.default_rng(7)
    padded = rng.random((BENEFITS + 1, AREAS + 1, BREAKDOWNS + 1)) * 3
    padded[rng.random(padded.shape) < 0.2] = 0.0
    padded[rng.random(padded.shape) < 0.05] = np.inf  # known to the reader
    padded[-1], padded[:, -1], padded[:, :, -1] = 0.0, 0.0, 0.0  # where padding points
    void = rng.random((BENEFITS, AREAS, BREAKDOWNS)) < 0.2
    vb = random_vectors(rng, BENEFITS, 4, 2)
    va = random_vectors(rng, AREAS, 6, 3)
    vd = random_vectors(rng, BREAKDOWNS, 5, 3)
    arrays = (vb.positions, vb.signs, va.positions, va.signs, vd.positions, vd.signs)
    charged = hypercube_kernels.summed_charges(padded, *arrays)
    table = SimpleNamespace(value=np.zeros(void.shape), floor=np.zeros(void.shape),
                            ceiling=np.full(void.shape, np.inf), void=void, all_benefits=None,
                            over_slack=None, integer=True)  # fmt: skip
    search = hypercube_kernels.search_of((vb, va, vd), table, 0.0)
    shape = (len(vb), len(va), len(vd))
    for n, (i, j, k) in enumerate(np.ndindex(*shape)):
        by_hand = corners_of(rows(vb)[i], rows(va)[j], rows(vd)[k], np.zeros_like(void))
        expected = sum(padded[b, a, d] for b, a, d, _ in by_hand)
        assert charged[i, j, k] == pytest.approx(expected, rel=1e-12)
        cells, signs = hypercube_kernels.corners(n, shape, search)
        live = [(b, a, d, s) for b, a, d, s in by_hand if not void[b, a, d]]
        assert [np.unravel_index(c, void.shape) for c in cells] == [c[:3] for c in live]
        assert signs.tolist() == [c[3] for c in live]


def test_the_compiled_search_takes_the_vectors_each_dimension_gives_and_ranks_them_so():
    """ranked_through (each axis's vectors through a target, laid out by along_axis) must give
    what each dimension itself gives through the target's position, priced on the target's
    line (the charge, at most 1e9), added up and ranked as numpy adds and sorts them; as wide
    as the dimension gives them, with nothing beyond but padding."""
    from jobtal.hypercube import EVERY
    from jobtal.null_vectors import (
        along_axis,
        area_dimension,
        benefit_dimension,
        breakdown_dimension,
        single,
    )

    rng = np.random.default_rng(11)
    # the country (0), regions 1-2, groups 3-5, municipalities 6-17 (one cell empty)
    kommune = {6 + m: (1 + m % 2, 3 + m % 3) for m in range(12) if m != 5}
    dimension_sets = [
        (benefit_dimension(0, 4), area_dimension(kommune, country=0),
         breakdown_dimension(0, [1, 2], [3, 4, 5], young=[3], young_total=6, young_sexes=[7, 8])),
        (single, area_dimension(kommune, country=None), single),
    ]  # fmt: skip
    for dimensions, shape in zip(dimension_sets, [(4, 18, 9), (1, 18, 1)], strict=True):
        along = [along_axis(d, n) for d, n in zip(dimensions, shape, strict=True)]
        arrays = [a.arrays for a in along]
        padded_shape = tuple(n + 1 for n in shape)
        for _ in range(25):
            prices = 1 + 0.1 * np.log1p(rng.integers(0, 40, padded_shape))
            padded = np.where(rng.random(padded_shape) < 0.3, 0.0, prices)
            padded[rng.random(padded.shape) < 0.1] = np.inf
            target = tuple(int(rng.integers(0, n)) for n in shape)
            for free_only, most in ((False, 12), (False, EVERY), (True, 12)):
                found = hypercube_kernels.ranked_through(padded, *target, *arrays, free_only, most)
                for axis in range(3):
                    line = list(target)
                    line[axis] = slice(0, shape[axis])
                    price = np.minimum(padded[tuple(line)], 1e9)
                    own = dimensions[axis](target[axis], price)
                    cost = np.where(own.signs != 0, price[own.positions], 0.0).sum(axis=1)
                    order = np.lexsort((*own.signs.T[::-1], *own.positions.T[::-1], cost))
                    if free_only:
                        order = order[cost[order] == 0]
                    order = order[:most]
                    got_cost, got_positions, got_signs = found[axis]
                    width = along[axis].widths[target[axis]]
                    assert width == own.positions.shape[1]
                    assert got_cost.tolist() == cost[order].tolist()
                    assert got_positions[:, :width].tolist() == own.positions[order].tolist()
                    assert got_signs[:, :width].tolist() == own.signs[order].tolist()
                    assert not got_signs[:, width:].any()


def test_along_axis_takes_only_the_dimensions_it_knows_and_vectors_it_can_rank():
    from jobtal.null_vectors import FixedVectors, along_axis

    with pytest.raises(TypeError, match="not a dimension"):
        along_axis(lambda position, price: None, 3)
    wide = FixedVectors({0: [{p: 1 for p in range(hypercube_kernels.SEQUENTIAL_WIDTH)}]})
    with pytest.raises(ValueError, match="too wide"):
        along_axis(wide, 9)


@pytest.mark.parametrize("widths", [(1, 1, 1), (1, 3, 2), (2, 4, 1), (2, 6, 5), (2, 2, 2),
                                    (1, 7, 3), (2, 4, 8), (4, 4, 8)])  # fmt: skip
def test_exact_charges_are_numpys_sums_over_all_corners_to_the_last_bit(widths):
    """Charges.exact's sums decide among hypercubes that cost alike: exact_charges must give
    what numpy's sum over the gathered corners gives, bit for bit, for runs of corners below
    8, of whole blocks of 8 and between (up to MOST_CORNERS)."""
    wb, wa, wd = widths
    assert wb * wa * wd <= hypercube_kernels.MOST_CORNERS
    rng = np.random.default_rng(sum(widths))
    shape = (5, 30, 9)
    padded = 1 + 0.1 * np.log1p(rng.integers(0, 10_000, tuple(n + 1 for n in shape)))
    padded *= rng.uniform(0.5, 3.0, padded.shape)  # all their last bits apart
    padded[rng.random(padded.shape) < 0.2] = 0.0
    padded[rng.random(padded.shape) < 0.02] = np.inf
    padded[-1], padded[:, -1], padded[:, :, -1] = 0.0, 0.0, 0.0  # where padding points
    vectors = []
    for size, width in zip(shape, widths, strict=True):
        positions = rng.integers(0, size, size=(7, width))
        signs = rng.choice([-1, 0, 1], size=(7, width))
        vectors.append((positions, signs, size))
    rows = [rng.integers(0, 7, size=200) for _ in range(3)]
    got = hypercube_kernels.exact_charges(
        padded, vectors[0][0], vectors[0][1], rows[0], wb, vectors[1][0], vectors[1][1],
        rows[1], wa, vectors[2][0], vectors[2][1], rows[2], wd,
    )  # fmt: skip
    b, a, d = (np.where(s != 0, p, size)[r] for (p, s, size), r in zip(vectors, rows, strict=True))
    gathered = padded[b[:, :, None, None], a[:, None, :, None], d[:, None, None, :]]
    expected = gathered.sum(axis=(1, 2, 3))
    assert got.tobytes() == expected.tobytes()


def test_the_kernels_compile_where_numba_can_keep_no_cache(monkeypatch):
    from numba.core import caching

    monkeypatch.setattr(caching.CacheImpl, "_locator_classes", [])  # nowhere to write one

    def add_one(x):
        return x + 1

    with pytest.raises(RuntimeError, match="no locator"):  # what numba does on its own
        numba.njit(cache=True)(add_one)
    assert hypercube_kernels.compiled(add_one)(1) == 2
