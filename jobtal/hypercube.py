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
denominator. Cells an earlier release published with the value published now are known and
never move (jobtal.revisions).

The null vectors of each dimension are in jobtal.null_vectors.

Each month is its own set of tables (no relation links two months), so the tables are solved
month by month.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from jobtal.null_vectors import Dimension, Vectors

SMALLEST_PUBLISHED = 5
# how many null vectors per dimension the search combines, the cheapest on the target's lines
CHOICES = 12
WIDER_CHOICES = 40  # when none of those combinations is feasible
# combinations whose moves are worked out at once, cheapest first: the cheapest few are
# usually feasible, so working out the moves of every combination would be wasted
CHUNK = 48
INFINITY = np.inf


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

    def price(self) -> np.ndarray:
        """What suppressing each cell costs (the values do not change while it is protected)."""
        return _price(self.value) * self.weight


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


@dataclass(frozen=True)
class Cube:
    """A hypercube: its cells (flat indices into the table) and their signs, and how far its
    + corners can move down and up (its - corners the other way)."""

    cells: np.ndarray
    signs: np.ndarray
    down: float
    up: float


class Charges:
    """What each cell adds to the cost of a hypercube through it, kept up to date as cells are
    hidden and published: nothing if void or hidden, its price if published, infinitely much
    if the reader knows it anyway. Held with one position more on each axis that charges
    nothing, where a null vector's padding points: a search then weighs every combination
    with one gather and one sum (four gathers and the masks between them took most of a
    search's time). Prices are positive, so a cell charges nothing only if hiding it is free.
    """

    def __init__(self, table: Table, prices: np.ndarray):
        self.table = table
        self.prices = prices
        self.padded = np.zeros(tuple(n + 1 for n in table.value.shape))
        self.update(np.arange(table.value.size))

    def update(self, flat_cells) -> None:
        """Work out the charges of these cells (flat indices into the table) again."""
        table = self.table
        at = np.unravel_index(flat_cells, table.value.shape)
        void, fixed = table.void[at], table.fixed[at]
        charge = np.where(table.hidden[at] | void, 0.0, self.prices[at])
        self.padded[at] = np.where(fixed & ~void, INFINITY, charge)

    def summed(self, vb: Vectors, va: Vectors, vd: Vectors) -> np.ndarray:
        """What each combination of the three axes' vectors charges, over (vector b, vector
        a, vector d): the corners' charges summed over the corners of b and a for each
        breakdown position first (one gather of whole lines), then over the corners of d.
        Three times as quick as a gather per corner; its sums differ from `exact` in the last
        bits (another order of addition), so ties are decided by `exact`."""
        b, a, d = self._padded_positions(vb, va, vd)
        lines = self.padded[b[:, :, None, None], a[None, None, :, :]].sum(axis=(1, 3))
        return lines[:, :, d].sum(axis=-1)

    def exact(self, vb: Vectors, va: Vectors, vd: Vectors) -> np.ndarray:
        """What the combinations vb[i] x va[i] x vd[i] charge, summed over all their corners
        in one reduction: the sums the choice among equally cheap hypercubes has always been
        made on (a different order of addition would choose other hypercubes among ties)."""
        b, a, d = self._padded_positions(vb, va, vd)
        b, a, d = _paired(b, a, d)
        _, areas, breakdowns = self.padded.shape
        return self.padded.reshape(-1)[(b * areas + a) * breakdowns + d].sum(axis=(1, 2, 3))

    def _padded_positions(self, vb: Vectors, va: Vectors, vd: Vectors):
        """Each axis's positions, with its padding pointing at the position that charges
        nothing (32-bit: the largest index arrays of a search, half the memory)."""
        return (
            np.where(v.signs != 0, v.positions, size).astype(np.int32)
            for v, size in zip((vb, va, vd), self.table.value.shape, strict=True)
        )


class Hypercubes:
    """The hypercubes chosen so far, and which one protects each hidden cell."""

    def __init__(self, table: Table):
        self.table = table
        self.prices = table.price()
        self.charges = Charges(table, self.prices)
        self.corners: dict[int, list[Cell]] = {}
        self.containing: dict[Cell, set[int]] = {}
        self.protector: dict[Cell, int] = {}
        self.protects: dict[int, set[Cell]] = {}
        self.next_id = 0

    def search(self, target: Cell, free_only: bool = False) -> Cube | None:
        return _search(self.table, self.charges, target, free_only)

    def protect(self, cell: Cell, cube: int) -> None:
        old = self.protector.get(cell)
        if old is not None:
            self.protects.get(old, set()).discard(cell)
        self.protector[cell] = cube
        self.protects.setdefault(cube, set()).add(cell)

    def add(self, chosen: Cube, target: Cell) -> int:
        """Hide the corners of `chosen`; it protects the target and every corner it moves
        far enough that has no protector yet. Returns the number of cells newly hidden."""
        table = self.table
        hidden = table.hidden.reshape(-1)
        added = int((~hidden[chosen.cells]).sum())
        hidden[chosen.cells] = True
        self.charges.update(chosen.cells)
        own_down = np.where(chosen.signs > 0, chosen.down, chosen.up)
        own_up = np.where(chosen.signs > 0, chosen.up, chosen.down)
        value = table.value.reshape(-1)[chosen.cells]
        met = _requirement_met(value, own_down, own_up, table.integer)
        cube = self.next_id
        self.next_id += 1
        at = np.unravel_index(chosen.cells, table.value.shape)
        cells = list(zip(*(i.tolist() for i in at), strict=True))
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
        at = np.ravel_multi_index(cell, table.value.shape)
        self.charges.update(at)
        replacements = {}
        for other in affected:
            chosen = self.search(other, free_only=True)
            if chosen is None:
                break
            replacements[other] = chosen
        table.fixed[cell] = False
        published = len(replacements) == len(affected)
        table.hidden[cell] = not published
        self.charges.update(at)
        if not published:
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
        chosen = cubes.search(target)
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


def protect_table_copy(table: Table) -> tuple[np.ndarray, Outcome]:
    """protect_table on a copy of `table` (as a process of its own gets it): the cells hidden
    after it, and the outcome. Only `hidden` and `fixed` change while it runs."""
    table = dataclasses.replace(table, hidden=table.hidden.copy(), fixed=table.fixed.copy())
    return table.hidden, protect_table(table)


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
    table: Table, charges: Charges, target: Cell, axis: int, free_only: bool = False
) -> tuple[np.ndarray, Vectors]:
    """The null vectors through the target along `axis` and what each costs on the target's
    line, cheapest first: a position costs its charge, and prohibitively much (a finite
    amount, to rank by) if the reader knows it anyway."""
    size = table.value.shape[axis]
    line = tuple(slice(0, size) if i == axis else target[i] for i in range(3))
    price = np.minimum(charges.padded[line], 1e9)
    found = table.dimensions[axis](target[axis], price)
    cost = np.where(found.signs != 0, price[found.positions], 0.0).sum(axis=1)
    if free_only:
        found, cost = found.take(cost == 0), cost[cost == 0]
    # cheapest first, equals in the order of their positions and signs
    order = np.lexsort((*found.signs.T[::-1], *found.positions.T[::-1], cost))
    return cost[order], found.take(order)


def _search(table: Table, charges: Charges, target: Cell, free_only: bool = False):
    """The cheapest feasible hypercube through `target` among the products of the CHOICES
    cheapest null vectors per axis, or among many more where none of those is feasible."""
    found = _search_among(table, charges, target, CHOICES, free_only)
    if found is None and not free_only:
        found = _search_among(table, charges, target, WIDER_CHOICES, free_only)
    if found is None and not free_only:  # the last resort: every combination
        found = _search_among(table, charges, target, None, free_only)
    return found


def _search_among(
    table: Table, charges: Charges, target: Cell, choices: int | None, free_only: bool
) -> Cube | None:
    """The cheapest feasible hypercube through `target` among the products of the `choices`
    cheapest null vectors per axis, or None; with `free_only`, only one of cells hidden
    already. What each product costs is weighed for all at once, as arrays over (vector of
    each axis, corner of each axis); whether it moves the target far enough, for the
    cheapest few at a time. Ties go to the cheapest on the target's own lines."""
    ranked = []
    for axis in range(3):
        line_cost, vectors = _ranked(table, charges, target, axis, free_only)
        if not len(vectors):
            return None
        ranked.append((line_cost[:choices], vectors.take(slice(choices))))
    (cb, vb), (ca, va), (cd, vd) = ranked
    charged = charges.summed(vb, va, vd)
    # charges are 0 or more: a sum is 0 only where every corner charges nothing, and infinite
    # where a corner is known to the reader
    cost = np.where(charged > 0, INFINITY, 0.0) if free_only else charged
    on_lines = np.add.outer(np.add.outer(cb, ca), cd)
    # the least cost, then the least price on the target's lines, then the first in order
    key = cost.ravel()
    order = np.lexsort((np.arange(key.size), on_lines.ravel(), key))[: int(np.isfinite(key).sum())]
    value_at_target = table.value[target]
    for start in range(0, len(order), CHUNK):
        i, j, k = np.unravel_index(order[start : start + CHUNK], cost.shape)
        moves = _moves(table, vb.take(i), va.take(j), vd.take(k), value_at_target)
        if not moves.met.any():
            continue
        first = int(np.argmax(moves.met))
        if free_only:  # every cost is 0: no ties to decide
            return moves.cube(first)
        # the sums in `cost` are exact to within a few units in their last place: the first
        # feasible hypercube by exact cost is among those not dearer than this one's cost
        # plus that margin, the order's next ones
        last = int(
            np.searchsorted(key[order], key[order[start + first]] * (1 + TIE_MARGIN), "right")
        )
        if last - start <= len(moves.met) and moves.met[: last - start].sum() == 1:
            return moves.cube(first)  # the only feasible one among them
        return _exactly_first(table, charges, (vb, va, vd), order[start:last], cost.shape,
                              on_lines, moves, value_at_target)  # fmt: skip
    return None


# sums of at most a few hundred charges, each 0 or more: their rounding errors are below
# 1e-13 of the sum, so a margin of 1e-9 holds every sum that could be the least
TIE_MARGIN = 1e-9


def _exactly_first(table, charges, vectors, candidates, shape, on_lines, moves, value_at_target):
    """Of the `candidates` (combinations in the order of their summed cost, the first of them
    weighed in `moves`), the feasible one that is cheapest by the exact sums of its corners'
    charges, then by its price on the target's lines, then first in order."""
    vb, va, vd = vectors
    weighed = [(moves, n) for n in range(min(len(moves.met), len(candidates)))]
    for start in range(len(weighed), len(candidates), CHUNK):
        i, j, k = np.unravel_index(candidates[start : start + CHUNK], shape)
        more = _moves(table, vb.take(i), va.take(j), vd.take(k), value_at_target)
        weighed += [(more, n) for n in range(len(more.met))]
    feasible = np.array([n for n, (m, row) in enumerate(weighed) if m.met[row]])
    i, j, k = np.unravel_index(candidates[feasible], shape)
    exact = charges.exact(vb.take(i), va.take(j), vd.take(k))
    found, row = weighed[feasible[np.lexsort((candidates[feasible], on_lines[i, j, k], exact))[0]]]
    return found.cube(row)


def _paired(b: np.ndarray, a: np.ndarray, d: np.ndarray):
    """Arrays over (vectors, width) of each axis, the i-th vectors of the three together, laid
    out for broadcasting over (combination, corner b, corner a, corner d)."""
    return b[:, :, None, None], a[:, None, :, None], d[:, None, None, :]


def _corners(shape, vb: Vectors, va: Vectors, vd: Vectors):
    """The flat index and the sign of every corner of the combinations vb[i] x va[i] x vd[i]
    (sign 0: padding)."""
    _, areas, breakdowns = shape
    b, a, d = _paired(vb.positions, va.positions, vd.positions)
    sb, sa, sd = _paired(vb.signs, va.signs, vd.signs)
    return (b * areas + a) * breakdowns + d, sb * sa * sd


@dataclass(frozen=True)
class Moves:
    """How far the hypercubes vb[i] x va[i] x vd[i] move, and whether that is far enough for
    the target (`met`): over i. Their corners, signs (0: padding) and which are cells."""

    met: np.ndarray
    cells: np.ndarray
    signs: np.ndarray
    live: np.ndarray
    down: np.ndarray
    up: np.ndarray

    def cube(self, i: int) -> Cube:
        corner = self.live[i]
        return Cube(self.cells[i][corner], self.signs[i][corner], float(self.down[i]),
                    float(self.up[i]))  # fmt: skip


def _moves(table: Table, vb: Vectors, va: Vectors, vd: Vectors, value_at_target: float) -> Moves:
    """Whether each of the hypercubes vb[i] x va[i] x vd[i] moves the target far enough
    (their corners known to the reader have been ruled out already).

    How far a hypercube can move is the least room of its corners, in each direction: a +
    corner moves down as far as its floor and up to its ceiling, a - corner the other way;
    a benefit that moves without 'alle' stays below it, 'alle' moving down stays above every
    benefit that does not move with it, and a move that changes by how much the benefits add
    up to more than 'alle' stays within that excess."""
    shape = table.value.shape
    benefits, areas, breakdowns = shape
    cells, signs = _corners(shape, vb, va, vd)
    corner_axes = (1, 2, 3)
    live = (signs != 0) & ~table.void.reshape(-1)[cells]
    value = table.value.reshape(-1)[cells]
    room_down = value - table.floor.reshape(-1)[cells]
    room_up = table.ceiling.reshape(-1)[cells] - value
    down = np.full(len(vb), INFINITY)
    up = np.full(len(vb), INFINITY)
    allowed = np.ones(len(vb), bool)
    alle = table.all_benefits
    if alle is not None:
        moving = vb.signs != 0
        on_alle = (moving & (vb.positions == alle)).any(axis=1)
        # the lines (area, breakdown) the hypercubes cross: (combination, corner a, corner d)
        lines = (va.positions * breakdowns)[:, :, None] + vd.positions[:, None, :]
        by_benefit = table.value.reshape(benefits, -1)
        value_alle = by_benefit[alle][lines][:, None]
        # benefits that move without 'alle' stay within it
        without = ~on_alle[:, None, None, None]
        room_up = np.where(without, np.minimum(room_up, value_alle - value), room_up)
        if on_alle.any():
            # 'alle' moving down stays above every benefit that does not move with it
            still = np.ones((len(vb), benefits), bool)
            rows = np.repeat(np.arange(len(vb)), vb.positions.shape[1])
            still[rows[moving.ravel()], vb.positions[moving]] = False
            others = np.where(table.void, -INFINITY, table.value).reshape(benefits, -1)
            others = np.where(still[:, :, None, None], others[:, lines].swapaxes(0, 1), -INFINITY)
            highest = others.max(axis=1)[:, None]
            is_alle = (vb.positions == alle)[:, :, None, None] & on_alle[:, None, None, None]
            room_down = np.where(is_alle, np.minimum(room_down, value_alle - highest), room_down)
        # the benefits add up to 'alle' or more: a benefit vector that does not keep that sum
        # changes the excess of every line it crosses, which must stay >= 0
        excess = np.where(vb.positions == alle, -vb.signs, vb.signs).sum(axis=1)
        if excess.any():
            if table.over_slack is None:
                allowed &= excess == 0
            else:
                slack = table.over_slack.reshape(-1)[lines]
                change = excess[:, None, None] * va.signs[:, :, None] * vd.signs[:, None, :]
                down = np.minimum(down, np.where(change > 0, slack, INFINITY).min(axis=(1, 2)))
                up = np.minimum(up, np.where(change < 0, slack, INFINITY).min(axis=(1, 2)))
    plus, minus = live & (signs > 0), live & (signs < 0)
    # t < 0 moves the + corners down and the - corners up; t > 0 the other way
    down = np.minimum(down, np.where(plus, room_down, INFINITY).min(axis=corner_axes))
    down = np.minimum(down, np.where(minus, room_up, INFINITY).min(axis=corner_axes))
    up = np.minimum(up, np.where(plus, room_up, INFINITY).min(axis=corner_axes))
    up = np.minimum(up, np.where(minus, room_down, INFINITY).min(axis=corner_axes))
    met = allowed & _requirement_met(value_at_target, down, up, table.integer)
    return Moves(met, cells, signs, live, down, up)
