"""Secondary suppression that holds against a reader who combines every published relation.

Suppressing "the next smallest cell of each set" (SPEC section 6) protects each additive set on
its own; the sets interlock (a municipality is in a region and a municipality group, a cell is
in the sex set and the age set, in its benefit's table and in 'alle'), and a reader who solves
them together can pin cells that every set alone leaves open. This module follows the hypercube
method of Repsilber (GHMITER, used by tau-ARGUS and by sdcTable's `HYPERCUBE`): a suppressed cell
is safe when it is a corner of a *hypercube* of suppressed cells, a set of cells with signs +1 and
-1 such that adding t to every + corner and subtracting t from every - corner leaves every
published relation true. Then the published files are equally consistent with the true values
and with the moved ones, and no reader, however clever, can tell them apart.

A table here has three dimensions, benefit x area x breakdown, and every relation among its
cells is a sum along one dimension (benefits into 'alle', municipalities into their region and
group and those into the country, sexes and age groups into the total). A hypercube is then the
tensor product of one *null vector* per dimension: signed positions whose relation sums are
zero, such as a swap between two benefits, two municipalities of the same region and group, two
sexes; a municipality with its region, group and the country all moved alike; four
municipalities in a cycle through two regions and two groups. Any product of null vectors keeps
every sum of the table, so the search is for the cheapest product through each cell that must
move, where cheap means few cells that are published today.

A cell must move far enough: a count of 1 to 4 persons must be consistent with 0 or with 5 or
more (else the reader proves it small); any other suppressed cell must move at all (else the
reader pins it). Moves stay within what the reader knows: no cell below 0 (or below a count that
depends on it, such as a share's numerator), no benefit above 'alle', no numerator above its
denominator. Cells published in an earlier release are known and never move.

Each month is its own set of tables (no relation links two months), so the tables are solved
month by month.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

SMALLEST_PUBLISHED = 5
# how many null vectors per dimension the search combines, the cheapest on the target's lines
CHOICES = 12
WIDER_CHOICES = 40  # when none of those combinations is feasible
CONFIRMED = 8  # feasible combinations checked one by one, cheapest first
INFINITY = np.inf


@dataclass(frozen=True)
class NullVector:
    """Positions along one dimension and their signs; the relations of that dimension sum to
    zero over them."""

    positions: np.ndarray
    signs: np.ndarray


def vector(signed: dict[int, int]) -> NullVector:
    items = sorted((p, s) for p, s in signed.items() if s)
    return NullVector(np.array([p for p, _ in items]), np.array([s for _, s in items]))


# a dimension: (position, price of each position on the target's line) -> the null vectors
# through the position (+1 there), in no order
Dimension = Callable[[int, np.ndarray], list[NullVector]]


def single(position: int, price: np.ndarray | None = None) -> list[NullVector]:
    """A dimension of one position (a table without that breakdown)."""
    return [vector({position: 1})]


def benefit_dimension(all_benefits: int, count: int) -> Dimension:
    """Benefits add up (at least) to 'alle', position `all_benefits`: swap two benefits, or
    move a benefit together with 'alle'; or, where people on two benefits make the benefits
    add up to more than 'alle', move one alone within that excess (Table.over_slack)."""
    others = [p for p in range(count) if p != all_benefits]

    def vectors(position: int, price: np.ndarray) -> list[NullVector]:
        alone = vector({position: 1})
        if position == all_benefits:
            return [alone, *(vector({position: 1, other: 1}) for other in others)]
        return [
            alone,
            *(vector({position: 1, other: -1}) for other in others if other != position),
            vector({position: 1, all_benefits: 1}),
        ]

    return vectors


def area_dimension(kommune: dict[int, tuple[int, int]], country: int | None) -> Dimension:
    """Municipalities add up to their region and to their municipality group; regions and
    groups add up to the country. `kommune` maps a municipality's position to the positions of
    its region and group. Where a vector may pass through any municipality of a region and
    group, it takes the cheapest one on the target's line (`price`)."""
    cell: dict[tuple[int, int], list[int]] = {}
    for position, (region, group) in sorted(kommune.items()):
        cell.setdefault((region, group), []).append(position)
    regions = sorted({r for r, _ in cell})
    groups = sorted({g for _, g in cell})
    region_positions, group_positions = set(regions), set(groups)

    def cheapest(region: int, group: int, price: np.ndarray, but: int = -1) -> int | None:
        members = [p for p in cell.get((region, group), ()) if p != but]
        return min(members, key=lambda p: (price[p], p)) if members else None

    def up(municipality: int) -> NullVector:
        """A municipality moved with its region, its group and the country."""
        region, group = kommune[municipality]
        moved = {municipality: 1, region: 1, group: 1}
        if country is not None:
            moved[country] = 1
        return vector(moved)

    def from_municipality(a: int, price: np.ndarray) -> list[NullVector]:
        r, g = kommune[a]
        found = [vector({a: 1, b: -1}) for b in cell[(r, g)] if b != a]
        for r2 in regions:
            b = cheapest(r2, g, price) if r2 != r else None
            if b is not None:  # the same group, another region
                found.append(vector({a: 1, b: -1, r: 1, r2: -1}))
        for g2 in groups:
            b = cheapest(r, g2, price) if g2 != g else None
            if b is not None:  # the same region, another group
                found.append(vector({a: 1, b: -1, g: 1, g2: -1}))
        for r2, g2 in itertools.product(regions, groups):
            if r2 == r or g2 == g:
                continue
            cycle = (cheapest(r, g2, price), cheapest(r2, g2, price), cheapest(r2, g, price))
            if None not in cycle:  # round two regions and two groups
                b, c, e = cycle
                found.append(vector({a: 1, b: -1, c: 1, e: -1}))
            b = cheapest(r2, g2, price)
            if b is not None:  # across: another region and another group, with all four
                found.append(vector({a: 1, b: -1, r: 1, r2: -1, g: 1, g2: -1}))
        if country is not None:
            found.append(up(a))
        return found

    def from_parent(parent: int, is_group: bool, price: np.ndarray) -> list[NullVector]:
        """A region (or group) against another, through two municipalities of one group (or
        region), or of two groups that move as well; or moved with a municipality of it and
        the country."""
        found = []
        crossing = regions if is_group else groups
        for across in crossing:

            def key(other: int, across: int = across) -> tuple[int, int]:
                return (across, other) if is_group else (other, across)

            a = cheapest(*key(parent), price)
            if a is None:
                continue
            for other in group_positions if is_group else region_positions:
                b = cheapest(*key(other), price) if other != parent else None
                if b is not None:
                    found.append(vector({parent: 1, other: -1, a: 1, b: -1}))
            for other, across2 in itertools.product(
                group_positions if is_group else region_positions, crossing
            ):
                if other == parent or across2 == across:
                    continue
                b = cheapest(*key(other, across2), price)
                if b is not None:  # across: through the other kind of area as well
                    found.append(
                        vector({parent: 1, other: -1, across: 1, across2: -1, a: 1, b: -1})
                    )
            if country is not None:
                found.append(up(a))
        return found

    def vectors(position: int, price: np.ndarray) -> list[NullVector]:
        if position in kommune:
            return from_municipality(position, price)
        if position in region_positions:
            return from_parent(position, False, price)
        if position in group_positions:
            return from_parent(position, True, price)
        if position == country:
            return [up(cheapest(r, g, price)) for r, g in sorted(cell)]
        return single(position, price)

    return vectors


def breakdown_dimension(
    total: int,
    sexes: list[int],
    ages: list[int],
    young: list[int] = (),
    young_total: int | None = None,
    young_sexes: list[int] = (),
) -> Dimension:
    """The sexes add up to the total, and so do the age groups. Where the young people's
    count is a cell of its own (`young_total`, the unge_paa_ydelse of the area, with its sexes),
    it is the sum of the `young` age groups, and a vector that changes that sum moves it too."""
    plain: list[dict[int, int]] = []
    plain += [{a: 1, b: -1} for a, b in itertools.permutations(sexes, 2)]
    plain += [{a: 1, b: -1} for a, b in itertools.permutations(ages, 2)]
    plain += [{total: 1, s: 1, a: 1} for s in sexes for a in ages]
    plain += [{a: 1, b: -1} for a, b in itertools.permutations(young_sexes, 2)]
    signed: list[dict[int, int]] = []
    for moved in plain:
        change = sum(moved.get(a, 0) for a in young)
        if change and young_total is not None:
            for s in young_sexes:
                signed.append({**moved, young_total: change, s: change})
        else:
            signed.append(moved)
    by_position: dict[int, list[NullVector]] = {}
    for moved in signed:
        for position, sign in moved.items():
            # seen from each of its positions, with +1 there
            by_position.setdefault(position, []).append(
                vector({p: s * sign for p, s in moved.items()})
            )
    return lambda position, price: by_position.get(position, single(position))


@dataclass
class Table:
    """One month of one table: arrays over benefit x area x breakdown positions.

    value    the true value (0 where void)
    hidden   suppressed now
    fixed    known to the reader whatever we do (published in an earlier release, or a cell
             that is missing from the published files but sits in a relation)
    void     not a cell (e.g. the young people's count of one benefit): no relation holds it
    floor    the least the value can move down to (0, or a count that depends on it)
    ceiling  the most it can move up to (its denominator)
    integer  whether values are counts (moves in whole units, the 1-4 rule) or rounded
    """

    value: np.ndarray
    hidden: np.ndarray
    fixed: np.ndarray
    void: np.ndarray
    floor: np.ndarray
    ceiling: np.ndarray
    integer: bool
    dimensions: tuple[Dimension, Dimension, Dimension]
    # position of 'alle' on the benefit axis: a benefit that moves without it stays below it
    all_benefits: int | None = None
    # area x breakdown: by how much the benefits add up to more than 'alle' (people on two
    # benefits in a month); None where they add up exactly
    over_slack: np.ndarray | None = None
    # what hiding a cell costs, beyond its _price: more for the totals most readers look for
    weight: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.weight is None:
            self.weight = np.ones(self.value.shape)


@dataclass
class Outcome:
    added: int = 0  # cells newly suppressed
    unprotected: int = 0  # cells no hypercube could protect
    searched: int = 0
    published_again: int = 0  # cells hidden by a hypercube, then found unnecessary


def _requirement_met(value, down, up, integer: bool):
    """Whether a cell of `value` that can move `down` and `up` is protected (arrays or
    scalars)."""
    if not integer:  # a rounded value pinned to within one unit is as good as published
        return down + up > 1 + 1e-6
    small = (value >= 1) & (value <= SMALLEST_PUBLISHED - 1)
    moves = (down >= 1) | (up >= 1)
    return np.where(small, (down >= value) | (up >= SMALLEST_PUBLISHED - value), moves)


Cell = tuple[int, int, int]


class Hypercubes:
    """The hypercubes chosen so far, and which one protects each hidden cell."""

    def __init__(self, table: Table):
        self.table = table
        self.corners: dict[int, list[Cell]] = {}
        self.containing: dict[Cell, set[int]] = {}
        self.protector: dict[Cell, int] = {}
        self.protects: dict[int, set[Cell]] = {}
        self.next_id = 0

    def protect(self, cell: Cell, cube: int) -> None:
        old = self.protector.get(cell)
        if old is not None:
            self.protects.get(old, set()).discard(cell)
        self.protector[cell] = cube
        self.protects.setdefault(cube, set()).add(cell)

    def add(self, chosen, target: Cell) -> int:
        """Hide the corners of `chosen`; it protects the target and every corner it moves
        far enough that has no protector yet. Returns the number of cells newly hidden."""
        table = self.table
        grid, live, signs, down, up = chosen
        shape = table.value[grid].shape
        corners = tuple(np.broadcast_to(g, shape)[live] for g in grid)
        added = int((~table.hidden[corners]).sum())
        table.hidden[corners] = True
        own_down = np.where(signs > 0, down, up)
        own_up = np.where(signs > 0, up, down)
        met = _requirement_met(table.value[corners], own_down, own_up, table.integer)
        cube = self.next_id
        self.next_id += 1
        cells = [tuple(int(i) for i in cell) for cell in zip(*corners, strict=True)]
        self.corners[cube] = cells
        for cell, moved_enough in zip(cells, met, strict=True):
            self.containing.setdefault(cell, set()).add(cube)
            if moved_enough and cell not in self.protector:
                self.protect(cell, cube)
        self.protect(target, cube)  # met by construction
        return added

    def drop(self, cube: int) -> None:
        """Forget a hypercube; the cells it protected must have found another."""
        for cell in self.corners.pop(cube):
            self.containing[cell].discard(cube)
        self.protects.pop(cube, None)

    def try_to_publish(self, cell: Cell) -> bool:
        """Publish a cell that only hypercubes hid, if every cell its hypercubes protected
        finds another hypercube among the cells hidden anyway."""
        table = self.table
        cubes = self.containing.get(cell, set())
        affected = sorted({c for cube in cubes for c in self.protects.get(cube, ())} - {cell})
        table.hidden[cell] = False
        table.fixed[cell] = True  # as the reader will then know it
        replacements = {}
        for other in affected:
            chosen = _search(table, other, free_only=True)
            if chosen is None:
                break
            replacements[other] = chosen
        table.fixed[cell] = False
        if len(replacements) < len(affected):
            table.hidden[cell] = True
            return False
        for cube in list(cubes):
            self.drop(cube)
        old = self.protector.pop(cell, None)
        if old is not None:
            self.protects.get(old, set()).discard(cell)
        for other, chosen in replacements.items():
            self.add(chosen, other)
        return True


def protect_table(table: Table) -> Outcome:
    """Suppress cells of `table` (in place, in `hidden`) until every hidden cell that is not
    known anyway is a corner of a hypercube that moves it far enough; then publish again
    every cell that the hypercubes chosen later made unnecessary."""
    outcome = Outcome()
    hidden_before = table.hidden.copy()
    needs = table.hidden & ~(table.fixed | table.void)
    small = (table.value >= 1) & (table.value <= SMALLEST_PUBLISHED - 1) & table.integer
    # the small counts first, smallest first: their hypercubes protect most other cells on the
    # way (of the orders tried on the demo, this one suppressed the least)
    order = sorted(
        (tuple(int(i) for i in cell) for cell in zip(*np.nonzero(needs), strict=True)),
        key=lambda c: (not small[c], table.value[c], c),
    )
    cubes = Hypercubes(table)
    for target in order:
        if target in cubes.protector:
            continue
        outcome.searched += 1
        chosen = _search(table, target)
        if chosen is None:
            outcome.unprotected += 1
            continue
        outcome.added += cubes.add(chosen, target)
    # the greedy choice hid cells early that later hypercubes made unnecessary: the largest
    # first, publish each again where every cell it protected has another hypercube
    extra = np.nonzero(table.hidden & ~hidden_before)
    for cell in sorted(
        (tuple(int(i) for i in c) for c in zip(*extra, strict=True)),
        key=lambda c: (-table.value[c], c),
    ):
        if cubes.try_to_publish(cell):
            outcome.added -= 1
            outcome.published_again += 1
    return outcome


# A published cell that a hypercube suppresses costs about 1, a little more the larger it is
# (by a tenth per factor e): the fewest cells, and among as many the smaller, so that totals
# that many readers look for (a whole municipality, a region, the country) are hidden last. A
# true zero costs as much as a cell of about 7: SPEC section 6 prefers non-zero cells, yet
# two zeros are better hidden than one municipality's total. (On the 3-month demo, weighing
# the value ten times less saved 0.3 % of the cells, and hid the tiny site's totals.)
ZERO_PRICE = 1.2
VALUE_WEIGHT = 0.1


def _price(value: np.ndarray) -> np.ndarray:
    return np.where(value == 0, ZERO_PRICE, 1.0 + VALUE_WEIGHT * np.log1p(np.maximum(value, 0)))


def _ranked(
    table: Table, target: tuple, axis: int, free_only: bool = False
) -> list[tuple[float, NullVector]]:
    """The null vectors through the target along `axis`, cheapest first: a position costs
    nothing if hidden or void, its _price if published, and prohibitively much if the reader
    knows it anyway."""
    line = tuple(slice(None) if i == axis else target[i] for i in range(3))
    void = table.void[line]
    price = np.where(table.hidden[line] | void, 0.0, _price(table.value[line]) * table.weight[line])
    price = np.where(table.fixed[line] & ~void, 1e9, price)
    ranked = [
        (float(price[candidate.positions].sum()), candidate)
        for candidate in table.dimensions[axis](target[axis], price)
    ]
    if free_only:
        ranked = [pair for pair in ranked if pair[0] == 0]
    ranked.sort(key=lambda pair: (pair[0], pair[1].positions.tolist(), pair[1].signs.tolist()))
    return ranked


def _padded(vectors: list[NullVector]) -> tuple[np.ndarray, np.ndarray]:
    """(positions, signs) of equal length, sign 0 where a shorter vector is padded."""
    width = max(len(v.positions) for v in vectors)
    positions = np.zeros((len(vectors), width), dtype=np.int64)
    signs = np.zeros((len(vectors), width), dtype=np.int64)
    for i, v in enumerate(vectors):
        positions[i, : len(v.positions)] = v.positions
        signs[i, : len(v.signs)] = v.signs
    return positions, signs


def _search(table: Table, target: tuple, free_only: bool = False):
    """The cheapest feasible hypercube through `target` among the products of the CHOICES
    cheapest null vectors per axis, or among many more where none of those is feasible."""
    found = _search_among(table, target, CHOICES, free_only)
    if found is None and not free_only:
        found = _search_among(table, target, WIDER_CHOICES, free_only)
    if found is None and not free_only:  # the last resort: every combination
        found = _search_among(table, target, None, free_only)
    return found


def _search_among(table: Table, target: tuple, choices: int | None, free_only: bool):
    """The cheapest feasible hypercube through `target` among the products of the `choices`
    cheapest null vectors per axis, or None; with `free_only`, only one of cells hidden
    already. All products are weighed at once, as arrays over (vector of each axis, corner
    of each axis); ties go to the cheapest on the target's own lines."""
    ranked = [_ranked(table, target, axis, free_only)[:choices] for axis in range(3)]
    if not all(ranked):
        return None
    (pb, sb), (pa, sa), (pd, sd) = (_padded([v for _, v in r]) for r in ranked)
    # index arrays of shape (benefit vector, area vector, breakdown vector, corner b, a, d)
    ib = pb[:, None, None, :, None, None]
    ia = pa[None, :, None, None, :, None]
    id_ = pd[None, None, :, None, None, :]
    signs = sb[:, None, None, :, None, None] * sa[None, :, None, None, :, None]
    signs = signs * sd[None, None, :, None, None, :]
    corners = (ib, ia, id_)
    live = (signs != 0) & ~table.void[corners]
    corner_axes = (3, 4, 5)
    feasible = ~(table.fixed[corners] & live).any(axis=corner_axes)
    new = live & ~table.hidden[corners]
    if free_only:
        feasible &= ~new.any(axis=corner_axes)
    value = table.value[corners]
    room_down = value - table.floor[corners]
    room_up = table.ceiling[corners] - value
    down = np.full(feasible.shape, INFINITY)
    up = np.full(feasible.shape, INFINITY)
    alle = table.all_benefits
    if alle is not None:
        on_alle = ((pb == alle) & (sb != 0)).any(axis=1)  # per benefit vector
        lines = (pa[:, None, :, None], pd[None, :, None, :])  # area vec, bd vec, corner a, d
        value_alle = table.value[alle][lines][None, :, :, None, :, :]
        # benefits that move without 'alle' stay within it
        without = ~on_alle[:, None, None, None, None, None]
        room_up = np.where(without, np.minimum(room_up, value_alle - value), room_up)
        # 'alle' moving down stays above every benefit that does not move with it
        if on_alle.any():
            moving = np.zeros((len(pb), table.value.shape[0]), bool)
            for i in range(len(pb)):
                moving[i, pb[i][sb[i] != 0]] = True
            others = np.where(table.void, -INFINITY, table.value)[:, lines[0], lines[1]]
            highest = np.stack(
                [others[~moving[i]].max(axis=0, initial=-INFINITY) for i in range(len(pb))]
            )[:, :, :, None, :, :]
            is_alle = (pb == alle)[:, None, None, :, None, None]
            room_down = np.where(
                is_alle & on_alle[:, None, None, None, None, None],
                np.minimum(room_down, value_alle - highest),
                room_down,
            )
        # the benefits add up to 'alle' or more: a benefit vector that does not keep that sum
        # changes the excess of every line it crosses, which must stay >= 0
        excess = (np.where(pb == alle, -sb, sb)).sum(axis=1)  # per benefit vector
        if excess.any():
            line_signs = sa[:, None, :, None] * sd[None, :, None, :]  # area vec, bd vec, a, d
            if table.over_slack is None:
                feasible &= (excess == 0)[:, None, None]
            else:
                slack = table.over_slack[lines]
                change = excess[:, None, None, None, None] * line_signs[None]
                down = np.minimum(down, np.where(change > 0, slack, INFINITY).min(axis=(3, 4)))
                up = np.minimum(up, np.where(change < 0, slack, INFINITY).min(axis=(3, 4)))
    plus, minus = live & (signs > 0), live & (signs < 0)
    # t < 0 moves the + corners down and the - corners up; t > 0 the other way
    down = np.minimum(down, np.where(plus, room_down, INFINITY).min(axis=corner_axes))
    down = np.minimum(down, np.where(minus, room_up, INFINITY).min(axis=corner_axes))
    up = np.minimum(up, np.where(plus, room_up, INFINITY).min(axis=corner_axes))
    up = np.minimum(up, np.where(minus, room_down, INFINITY).min(axis=corner_axes))
    feasible &= _requirement_met(table.value[target], down, up, table.integer)
    if not feasible.any():
        return None
    cost = np.where(new, _price(value) * table.weight[corners], 0.0).sum(axis=corner_axes)
    prices = [np.array([price for price, _ in r]) for r in ranked]
    on_lines = np.add.outer(np.add.outer(prices[0], prices[1]), prices[2])
    # the least cost, then the least price on the target's lines, then the first in order
    key = np.where(feasible, cost, INFINITY)
    order = np.lexsort((np.arange(key.size), on_lines.ravel(), key.ravel()))
    # the arrays weigh every combination at once; the one chosen is checked cell by cell
    for best in order[: min(int(feasible.sum()), CONFIRMED)]:
        i, j, k = np.unravel_index(best, key.shape)
        vectors = [ranked[0][i][1], ranked[1][j][1], ranked[2][k][1]]
        found = _evaluate(table, vectors, table.value[target], free_only)
        if found is not None:
            return found[1]
    return None


def _evaluate(
    table: Table, vectors: list[NullVector], value_at_target: float, free_only: bool = False
):
    """The hypercube of three vectors: (cost, (grid, live, signs, down, up)) if it can move
    the target far enough, else None. `down` and `up` are how far the + corners can move."""
    benefits, areas, breakdowns = vectors
    grid = np.ix_(benefits.positions, areas.positions, breakdowns.positions)
    live = ~table.void[grid]
    if (table.fixed[grid] & live).any():
        return None
    if free_only and (~table.hidden[grid] & live).any():
        return None
    line_signs = np.multiply.outer(areas.signs, breakdowns.signs)
    signs = np.multiply.outer(benefits.signs, line_signs)[live]
    value = table.value[grid][live]
    room_down = value - table.floor[grid][live]
    room_up = table.ceiling[grid][live] - value
    down = up = INFINITY
    alle = table.all_benefits
    if alle is not None:
        lines = np.ix_(areas.positions, breakdowns.positions)
        on_alle = benefits.positions == alle
        if not on_alle.any():
            # benefits that move without 'alle' stay within it
            room_up = np.minimum(room_up, (table.value[alle][lines] - table.value[grid])[live])
        elif len(benefits.positions) < table.value.shape[0]:
            # 'alle' moving down stays above every benefit that does not move
            still = np.ones(table.value.shape[0], bool)
            still[benefits.positions] = False
            highest = np.where(table.void[still], -INFINITY, table.value[still]).max(axis=0)
            above = np.broadcast_to(
                table.value[alle][lines] - highest[lines], table.value[grid].shape
            )
            on_alle_grid = np.broadcast_to(on_alle[:, None, None], live.shape)
            room_down = np.where(on_alle_grid[live], np.minimum(room_down, above[live]), room_down)
        # the benefits add up to 'alle' or more: a vector that is not a null vector along the
        # benefits changes the excess of every line it crosses, which must stay >= 0
        excess = benefits.signs[~on_alle].sum() - benefits.signs[on_alle].sum()
        if excess:
            slack = table.over_slack[lines] if table.over_slack is not None else None
            if slack is None:
                return None
            change = excess * line_signs
            down = min(down, slack[change > 0].min(initial=INFINITY))
            up = min(up, slack[change < 0].min(initial=INFINITY))
    plus, minus = signs > 0, signs < 0
    # t < 0 moves the + corners down and the - corners up; t > 0 the other way
    down = min(down, room_down[plus].min(initial=INFINITY), room_up[minus].min(initial=INFINITY))
    up = min(up, room_up[plus].min(initial=INFINITY), room_down[minus].min(initial=INFINITY))
    if not _requirement_met(value_at_target, down, up, table.integer):
        return None
    new = ~table.hidden[grid][live]
    cost = float((_price(value[new]) * table.weight[grid][live][new]).sum())
    return cost, (grid, live, signs, down, up)
