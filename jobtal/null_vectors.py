"""The null vectors of jobtal.hypercube, one dimension at a time: signed positions along a
table's dimension (benefits, areas, breakdown) whose relation sums are zero. A hypercube is the
product of one vector per dimension; each `Dimension` gives the vectors through a position,
cheapest first where the choice depends on the prices of the target's line. The search reads
them as `along_axis` lays them out, for every position at once, for its compiled code."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from jobtal import hypercube_kernels


@dataclass(frozen=True)
class Vectors:
    """Null vectors along one dimension, one per row: positions and their signs, padded with
    sign 0; the relations of that dimension sum to zero over each row."""

    positions: np.ndarray  # (vectors, width) int
    signs: np.ndarray  # (vectors, width) int

    def __len__(self) -> int:
        return len(self.positions)


def stacked(rows: list[dict[int, int]]) -> Vectors:
    """Vectors from {position: sign} rows, positions in order within a row."""
    width = max((len(r) for r in rows), default=1)
    positions = np.zeros((len(rows), width), dtype=np.int64)
    signs = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        items = sorted((p, s) for p, s in row.items() if s)
        positions[i, : len(items)] = [p for p, _ in items]
        signs[i, : len(items)] = [s for _, s in items]
    return Vectors(positions, signs)


# a dimension: (position, price of each position on the target's line) -> the null vectors
# through the position (+1 there), in no order. The call is the dimension's definition; the
# search reads the same vectors through `along_axis`, which tests compare with the call.
Dimension = Callable[[int, np.ndarray], Vectors]


def single(position: int, price: np.ndarray | None = None) -> Vectors:
    """A dimension of one position (a table without that breakdown)."""
    return stacked([{position: 1}])


class FixedVectors:
    """A dimension whose vectors do not depend on prices, stacked once per position."""

    def __init__(self, rows_by_position: dict[int, list[dict[int, int]]]):
        self.by_position = {p: stacked(rows) for p, rows in rows_by_position.items()}

    def __call__(self, position: int, price: np.ndarray | None = None) -> Vectors:
        if position in self.by_position:
            return self.by_position[position]
        return single(position)


def benefit_dimension(all_benefits: int, count: int) -> Dimension:
    """Benefits add up (at least) to 'alle', position `all_benefits`: swap two benefits, or
    move a benefit together with 'alle'; or, where people on two benefits make the benefits
    add up to more than 'alle', move one alone within that excess (Table.over_slack)."""
    others = [p for p in range(count) if p != all_benefits]
    rows = {all_benefits: [{all_benefits: 1}, *({all_benefits: 1, o: 1} for o in others)]}
    for position in others:
        rows[position] = [
            {position: 1},
            *({position: 1, o: -1} for o in others if o != position),
            {position: 1, all_benefits: 1},
        ]
    return FixedVectors(rows)


def area_dimension(kommune: dict[int, tuple[int, int]], country: int | None) -> Dimension:
    """Municipalities add up to their region and to their municipality group; regions and
    groups add up to the country. `kommune` maps a municipality's position to the positions of
    its region and group. Where a vector may pass through any municipality of a region and
    group, it takes the cheapest one on the target's line (`price`).

    The vectors of each position are worked out once as templates, in which such a
    municipality is a reference to its (region, group) cell (a negative number, -1 - the
    cell's index); a search fills in the cheapest member of each cell."""
    members: dict[tuple[int, int], list[int]] = {}
    for position, (region, group) in sorted(kommune.items()):
        members.setdefault((region, group), []).append(position)
    cells = sorted(members)
    ref = {cell: -1 - i for i, cell in enumerate(cells)}
    regions = sorted({r for r, _ in cells})
    groups = sorted({g for _, g in cells})

    def up(at: int, region: int, group: int) -> dict[int, int]:
        """A municipality (or a reference to one) moved with its region, group and country."""
        moved = {at: 1, region: 1, group: 1}
        if country is not None:
            moved[country] = 1
        return moved

    def from_municipality(a: int) -> list[dict[int, int]]:
        r, g = kommune[a]
        found = [{a: 1, b: -1} for b in members[(r, g)] if b != a]
        for r2 in regions:
            if r2 != r and (r2, g) in ref:  # the same group, another region
                found.append({a: 1, ref[(r2, g)]: -1, r: 1, r2: -1})
        for g2 in groups:
            if g2 != g and (r, g2) in ref:  # the same region, another group
                found.append({a: 1, ref[(r, g2)]: -1, g: 1, g2: -1})
        for r2, g2 in itertools.product(regions, groups):
            if r2 == r or g2 == g:
                continue
            cycle = ((r, g2), (r2, g2), (r2, g))
            if all(c in ref for c in cycle):  # round two regions and two groups
                b, c, e = (ref[c] for c in cycle)
                found.append({a: 1, b: -1, c: 1, e: -1})
            if (r2, g2) in ref:  # across: another region and another group, with all four
                found.append({a: 1, ref[(r2, g2)]: -1, r: 1, r2: -1, g: 1, g2: -1})
        if country is not None:
            found.append(up(a, r, g))
        return found

    def from_parent(parent: int, is_group: bool) -> list[dict[int, int]]:
        """A region (or group) against another, through two municipalities of one group (or
        region), or of two groups that move as well; or moved with a municipality of it and
        the country."""
        found = []
        same_kind, crossing = (groups, regions) if is_group else (regions, groups)

        def cell(kind: int, across: int) -> tuple[int, int]:
            return (across, kind) if is_group else (kind, across)

        for across in crossing:
            if cell(parent, across) not in ref:
                continue
            a = ref[cell(parent, across)]
            for other in same_kind:
                if other != parent and cell(other, across) in ref:
                    found.append({parent: 1, other: -1, a: 1, ref[cell(other, across)]: -1})
            for other, across2 in itertools.product(same_kind, crossing):
                if other == parent or across2 == across or cell(other, across2) not in ref:
                    continue
                b = ref[cell(other, across2)]  # across: through the other kind as well
                found.append({parent: 1, other: -1, across: 1, across2: -1, a: 1, b: -1})
            if country is not None:
                found.append(up(a, *cell(parent, across)))
        return found

    templates = {a: stacked(from_municipality(a)) for a in kommune}
    templates |= {r: stacked(from_parent(r, False)) for r in regions}
    templates |= {g: stacked(from_parent(g, True)) for g in groups}
    if country is not None:
        templates[country] = stacked([up(ref[c], *c) for c in cells])
    member_arrays = [np.array(members[c]) for c in cells]

    return AreaVectors(templates, member_arrays)


class AreaVectors:
    """The area dimension: templates of null vectors per position, whose references to a
    (region, group) cell are filled in with its cheapest municipality at each search."""

    def __init__(self, templates: dict[int, Vectors], members: list[np.ndarray]):
        self.templates = templates
        # the members of each cell as rows, padded with -1
        self.members = np.full((len(members), max(map(len, members), default=0)), -1)
        for i, m in enumerate(members):
            self.members[i, : len(m)] = m

    def __call__(self, position: int, price: np.ndarray) -> Vectors:
        template = self.templates.get(position)
        if template is None:
            return single(position)
        positions = hypercube_kernels.with_cheapest_members(template.positions, self.members, price)
        return Vectors(positions, template.signs)


@dataclass(frozen=True)
class AxisVectors:
    """A dimension's vectors through every position of a table's axis, laid out for the
    compiled search (jobtal.hypercube_kernels.ranked_through) as the dimension gives them:
    position p's are rows offsets[p] to offsets[p + 1] of `positions` and `signs`, padded
    with sign 0 to the widest position's (padding moves nothing and adds nothing to a sum);
    its own vectors are `widths[p]` wide. A reference to a (region, group) cell is filled
    with its cheapest member, from `members`, as AreaVectors fills it."""

    offsets: np.ndarray  # (positions + 1,)
    positions: np.ndarray  # (vectors, width)
    signs: np.ndarray  # (vectors, width)
    widths: np.ndarray  # (positions,)
    members: np.ndarray  # (cells, most members), padded with -1

    @property
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """What the kernels read."""
        return self.offsets, self.positions, self.signs, self.members


def along_axis(dimension: Dimension, size: int) -> AxisVectors:
    """`dimension`'s vectors through each of the `size` positions of its axis."""
    members = np.full((0, 1), -1)  # no (region, group) cells to fill in
    if isinstance(dimension, AreaVectors):
        templates, members = dimension.templates, dimension.members
    elif isinstance(dimension, FixedVectors):
        templates = dimension.by_position
    elif dimension is single:
        templates = {}
    else:
        raise TypeError(f"not a dimension of jobtal.null_vectors: {dimension!r}")
    each = [templates[p] if p in templates else single(p) for p in range(size)]
    widths = np.array([v.positions.shape[1] for v in each], dtype=np.int64)
    if widths.max() >= hypercube_kernels.SEQUENTIAL_WIDTH:
        # line_costs adds a vector's prices as numpy adds a row only below that width
        raise ValueError(f"null vectors {widths.max()} positions wide: too wide to rank")
    offsets = np.concatenate([[0], np.cumsum([len(v) for v in each])]).astype(np.int64)
    positions = np.zeros((offsets[-1], widths.max()), dtype=np.int64)
    signs = np.zeros_like(positions)
    for p, v in enumerate(each):
        positions[offsets[p] : offsets[p + 1], : widths[p]] = v.positions
        signs[offsets[p] : offsets[p + 1], : widths[p]] = v.signs
    return AxisVectors(offsets, positions, signs, widths, members.astype(np.int64))


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
    by_position: dict[int, list[dict[int, int]]] = {}
    for moved in signed:
        for position, sign in moved.items():
            # seen from each of its positions, with +1 there
            by_position.setdefault(position, []).append({p: s * sign for p, s in moved.items()})
    return FixedVectors(by_position)
