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

from jobtal import hypercube_kernels
from jobtal.hypercube_kernels import SMALLEST_PUBLISHED
from jobtal.null_vectors import Dimension, Vectors, along_axis

# how many null vectors per dimension the search combines, the cheapest on the target's lines
CHOICES = 12
WIDER_CHOICES = 40  # when none of those combinations is feasible
EVERY = 2**62  # choices: the last resort
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

    def update(self, flat_cells: np.ndarray) -> None:
        """Work out the charges of these cells (flat indices into the table) again."""
        table = self.table
        hypercube_kernels.charge(
            self.padded, flat_cells, table.hidden, table.fixed, table.void, self.prices
        )

    def summed(self, vb: Vectors, va: Vectors, vd: Vectors) -> np.ndarray:
        """What each combination of the three axes' vectors charges, over (vector b, vector
        a, vector d), in compiled code (jobtal.hypercube_kernels.summed_charges: 23 µs for
        the 1,728 combinations where numpy's gathers of whole lines took 223). Its sums may
        differ from `exact` in the last bits (another order of addition), so ties are decided
        by `exact`."""
        return hypercube_kernels.summed_charges(
            self.padded, vb.positions, vb.signs, va.positions, va.signs, vd.positions, vd.signs
        )

    def exact(self, ranked: list[tuple[Vectors, int]], rows: tuple[np.ndarray, ...]) -> np.ndarray:
        """What the combinations of the n-th rows of each axis's vectors charge (`ranked`:
        each axis's vectors and their width at the target), summed over all their corners in
        one reduction as numpy sums them (hypercube_kernels.exact_charges): the sums the
        choice among equally cheap hypercubes has always been made on (a different order of
        addition would choose other hypercubes among ties)."""
        (vb, wb), (va, wa), (vd, wd) = ranked
        i, j, k = rows
        return hypercube_kernels.exact_charges(
            self.padded, vb.positions, vb.signs, i, wb, va.positions, va.signs, j, wa,
            vd.positions, vd.signs, k, wd,
        )  # fmt: skip


class Hypercubes:
    """The hypercubes chosen so far, and which one protects each hidden cell."""

    def __init__(self, table: Table):
        self.table = table
        self.prices = table.price()
        self.charges = Charges(table, self.prices)
        self.axes = Axes(table)
        self.corners: dict[int, list[Cell]] = {}
        self.containing: dict[Cell, set[int]] = {}
        self.protector: dict[Cell, int] = {}
        self.protects: dict[int, set[Cell]] = {}
        self.next_id = 0

    def search(self, target: Cell, free_only: bool = False) -> Cube | None:
        return _search(self.table, self.charges, self.axes, target, free_only)

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
        met = hypercube_kernels.each_requirement_met(value, own_down, own_up, bool(table.integer))
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
        at = np.array([np.ravel_multi_index(cell, table.value.shape)])
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


class Axes:
    """A table's three dimensions laid out for the compiled search, once per table."""

    def __init__(self, table: Table):
        self.along = tuple(
            along_axis(dimension, size)
            for dimension, size in zip(table.dimensions, table.value.shape, strict=True)
        )
        self.arrays = tuple(a.arrays for a in self.along)
        corners = int(np.prod([a.widths.max() for a in self.along]))
        if corners > hypercube_kernels.MOST_CORNERS:
            raise ValueError(f"hypercubes of up to {corners} corners: too many to weigh exactly")

    def ranked(self, charges: Charges, target: Cell, choices: int, free_only: bool):
        """Each axis's `choices` null vectors through the target that cost least on the
        target's line, cheapest first (hypercube_kernels.ranked_through): what each costs
        there, the vectors, and how wide the dimension gives them at the target (what
        `Charges.exact` adds up over; the rest is padding)."""
        found = hypercube_kernels.ranked_through(
            charges.padded, *target, *self.arrays, free_only, choices
        )
        return [
            (cost, Vectors(positions, signs), int(along.widths[at]))
            for (cost, positions, signs), along, at in zip(found, self.along, target, strict=True)
        ]


def _search(table: Table, charges: Charges, axes: Axes, target: Cell, free_only: bool = False):
    """The cheapest feasible hypercube through `target` among the products of the CHOICES
    cheapest null vectors per axis, or among many more where none of those is feasible."""
    found = _search_among(table, charges, axes, target, CHOICES, free_only)
    if found is None and not free_only:
        found = _search_among(table, charges, axes, target, WIDER_CHOICES, free_only)
    if found is None and not free_only:  # the last resort: every combination
        found = _search_among(table, charges, axes, target, None, free_only)
    return found


def _search_among(
    table: Table, charges: Charges, axes: Axes, target: Cell, choices: int | None, free_only: bool
) -> Cube | None:
    """The cheapest feasible hypercube through `target` among the products of the `choices`
    cheapest null vectors per axis, or None; with `free_only`, only one of cells hidden
    already. What each product costs is weighed for all at once; whether it moves the target
    far enough, one at a time in the order of their cost until the first that does (mostly
    among the first few dozen of 1,728). Ties go to the cheapest on the target's own
    lines."""
    ranked = axes.ranked(charges, target, choices or EVERY, free_only)
    if not all(len(vectors) for _, vectors, _ in ranked):
        return None
    (cb, vb, _), (ca, va, _), (cd, vd, _) = ranked
    charged = charges.summed(vb, va, vd)
    # charges are 0 or more: a sum is 0 only where every corner charges nothing, and infinite
    # where a corner is known to the reader
    cost = np.where(charged > 0, INFINITY, 0.0) if free_only else charged
    scan = _Scan(table, (vb, va, vd), table.value[target])
    # (every free cost is 0: no ties to decide)
    candidates, on_lines = scan.cheapest_met(cost, cb, ca, cd, -1.0 if free_only else TIE_MARGIN)
    if not len(candidates):
        return None
    chosen = candidates[0]
    if len(candidates) > 1:
        # the sums in `cost` are exact to within a few units in their last place: the first
        # feasible hypercube by exact cost is among the feasible ones not dearer than the
        # first one's cost plus that margin
        rows = np.unravel_index(candidates, cost.shape)
        exact = charges.exact([(vectors, width) for _, vectors, width in ranked], rows)
        chosen = candidates[np.lexsort((candidates, on_lines, exact))[0]]
    return scan.cube(chosen)


# sums of at most a few hundred charges, each 0 or more: their rounding errors are below
# 1e-13 of the sum, so a margin of 1e-9 holds every sum that could be the least
TIE_MARGIN = 1e-9


class _Scan:
    """Whether the combinations vb[i] x va[j] x vd[k] of one search move the target far
    enough, worked out one combination at a time in compiled code (jobtal.hypercube_kernels),
    in the order of their cost, stopping at the first that does."""

    def __init__(self, table: Table, vectors: tuple[Vectors, Vectors, Vectors], value_at_target):
        self.shape = tuple(len(v) for v in vectors)
        self.search = hypercube_kernels.search_of(vectors, table, value_at_target)

    def cheapest_met(self, cost, line_b, line_a, line_d, tie_margin: float):
        """hypercube_kernels.cheapest_met: the first combination by cost (and price on the
        target's lines) that moves the target far enough, then those as feasible within
        `tie_margin` of its cost (none if negative); and their prices on the lines."""
        return hypercube_kernels.cheapest_met(cost, line_b, line_a, line_d, tie_margin, self.search)

    def cube(self, combination: int) -> Cube:
        """The hypercube of a combination: its corners that are cells, and how far it moves."""
        cells, signs = hypercube_kernels.corners(combination, self.shape, self.search)
        down, up, _ = hypercube_kernels.reach(combination, self.shape, self.search)
        return Cube(cells, signs, float(down), float(up))
