"""The inner loops of the hypercube search (jobtal.hypercube), compiled with numba.

A search ranks each axis's null vectors by their price on the target's line, weighs the
1,728 combinations vb[i] x va[j] x vd[k] of the cheapest twelve per axis, and takes the
cheapest that moves the target far enough: at the median the 13th. In numpy every step was a
few dozen array operations over a few hundred to a few thousand entries, whose cost was numpy's
per-call overhead more than arithmetic, and the moves were worked out for dozens of
combinations at a time where the first few were mostly enough. Compiled, the walk along the
cost order stops at the first combination that moves far enough.

Nothing here changes which hypercube a search chooses: how far a combination moves is a least
room (a minimum) and comparisons, exact in any order; a vector's price on the line is added up
term by term as numpy adds a row that narrow; vectors are ordered as numpy's lexsort orders
them; the combinations' summed charges are added in another order than numpy's, which the
search allows for (ties are decided by Charges.exact, whose sums `exact_charges` adds up as
numpy adds them). tests/test_hypercube_kernels.py checks each against what it stands for.

`search` is one search's arrays and settings, a tuple (see `search_of`): each axis's vectors
(positions and signs, 0 for padding), the table's arrays, the position of 'alle' on the
benefit axis (-1: none), the excess of the benefits over 'alle' (`slack`, used where
`has_slack`), the target's value and whether values are counts. Combinations are flat indices
over `shape`, the number of vectors of each axis.
"""

from __future__ import annotations

import numba
import numpy as np

SMALLEST_PUBLISHED = 5


def compiled(function):
    """`function` compiled by numba (on its first call), and kept in numba's cache where numba
    can write one (beside this module, as Python's .pyc files, else in the user's cache
    folder); where it can write neither (a read-only installation without a home folder),
    compiled again in each process rather than failing to import."""
    try:
        return numba.njit(cache=True)(function)
    except RuntimeError:  # numba: "cannot cache function ...: no locator available"
        return numba.njit(function)


@compiled
def requirement_met(value: float, down: float, up: float, integer: bool) -> bool:
    """Whether a cell of `value` that can move `down` and `up` is protected: a count of 1 to
    4 persons must be consistent with 0 or with 5 or more; any other cell must move at all,
    and a rounded value pinned to within one unit is as good as published."""
    if not integer:
        return down + up > 1 + 1e-6
    if value >= 1 and value <= SMALLEST_PUBLISHED - 1:
        return down >= value or up >= SMALLEST_PUBLISHED - value
    return down >= 1 or up >= 1


@compiled
def each_requirement_met(values, downs, ups, integer: bool) -> np.ndarray:
    """requirement_met of each cell."""
    met = np.empty(len(values), np.bool_)
    for n in range(len(values)):
        met[n] = requirement_met(values[n], downs[n], ups[n], integer)
    return met


@compiled
def _highest_still(value, void, bpos, bsign, i, a, d) -> float:
    """The highest value on the line (a, d) among the benefits that vector i does not move."""
    highest = -np.inf
    for other in range(value.shape[0]):
        moving = False
        for cb in range(bpos.shape[1]):
            if bsign[i, cb] != 0 and bpos[i, cb] == other:
                moving = True
        if not moving and not void[other, a, d] and value[other, a, d] > highest:
            highest = value[other, a, d]
    return highest


def search_of(vectors, table, value_at_target: float) -> tuple:
    """The `search` tuple of the kernels: the three axes' vectors (jobtal.null_vectors.Vectors)
    and the table's (jobtal.hypercube.Table)."""
    vb, va, vd = vectors
    has_slack = table.over_slack is not None
    return (
        vb.positions, vb.signs, va.positions, va.signs, vd.positions, vd.signs,
        table.value, table.floor, table.ceiling, table.void,
        -1 if table.all_benefits is None else table.all_benefits,
        table.over_slack if has_slack else np.zeros((1, 1)), has_slack,
        float(value_at_target), bool(table.integer),
    )  # fmt: skip


@compiled
def reach(combination, shape, search):
    """How far the hypercube vb[i] x va[j] x vd[k] (`combination`, a flat index over `shape`)
    moves its + corners down and up (its - corners the other way), and whether its benefit
    vector may move at all.

    The least room of its corners in each direction: a + corner moves down as far as its floor
    and up to its ceiling, a - corner the other way; a benefit that moves without 'alle' stays
    below it, 'alle' moving down stays above every benefit that does not move with it, and a
    move that changes by how much the benefits add up to more than 'alle' (by excess * sa * sd
    on each line it crosses) stays within that excess."""
    bpos, bsign, apos, asign, dpos, dsign, value, floor, ceiling, void, alle, slack = search[:12]
    has_slack = search[12]
    _, area_vectors, breakdown_vectors = shape
    i = combination // (area_vectors * breakdown_vectors)
    j = combination // breakdown_vectors % area_vectors
    k = combination % breakdown_vectors
    down = np.inf
    up = np.inf
    allowed = True
    on_alle = False
    if alle >= 0:
        excess = 0
        for cb in range(bpos.shape[1]):
            if bpos[i, cb] == alle:
                excess -= bsign[i, cb]
                on_alle = on_alle or bsign[i, cb] != 0
            else:
                excess += bsign[i, cb]
        if excess != 0:
            if not has_slack:
                allowed = False
            else:
                for ca in range(apos.shape[1]):
                    for cd in range(dpos.shape[1]):
                        change = excess * asign[j, ca] * dsign[k, cd]
                        if change > 0:
                            down = min(down, slack[apos[j, ca], dpos[k, cd]])
                        elif change < 0:
                            up = min(up, slack[apos[j, ca], dpos[k, cd]])
    for cb in range(bpos.shape[1]):
        sb = bsign[i, cb]
        if sb == 0:
            continue
        b = bpos[i, cb]
        for ca in range(apos.shape[1]):
            sa = asign[j, ca]
            if sa == 0:
                continue
            a = apos[j, ca]
            for cd in range(dpos.shape[1]):
                sd = dsign[k, cd]
                if sd == 0:
                    continue
                d = dpos[k, cd]
                if void[b, a, d]:
                    continue
                room_down = value[b, a, d] - floor[b, a, d]
                room_up = ceiling[b, a, d] - value[b, a, d]
                if alle >= 0:
                    if not on_alle:  # a benefit that moves without 'alle' stays within it
                        room_up = min(room_up, value[alle, a, d] - value[b, a, d])
                    elif b == alle:
                        highest = _highest_still(value, void, bpos, bsign, i, a, d)
                        room_down = min(room_down, value[alle, a, d] - highest)
                if sb * sa * sd > 0:  # t < 0 moves the + corners down, the - corners up
                    down = min(down, room_down)
                    up = min(up, room_up)
                else:
                    down = min(down, room_up)
                    up = min(up, room_down)
    return down, up, allowed


@compiled
def _met(combination, shape, search) -> bool:
    """Whether the combination moves the target far enough."""
    down, up, allowed = reach(combination, shape, search)
    value_at_target, integer = search[13], search[14]
    return allowed and requirement_met(value_at_target, down, up, integer)


@compiled
def charge(padded, flat_cells, hidden, fixed, void, prices) -> None:
    """Work out the charges (jobtal.hypercube.Charges) of these cells again, in place:
    infinitely much if the reader knows the cell, nothing if it is void or hidden, else its
    price."""
    _, areas, breakdowns = hidden.shape
    for n in range(len(flat_cells)):
        cell = flat_cells[n]
        b, a, d = cell // (areas * breakdowns), cell // breakdowns % areas, cell % breakdowns
        if fixed[b, a, d] and not void[b, a, d]:
            padded[b, a, d] = np.inf
        elif hidden[b, a, d] or void[b, a, d]:
            padded[b, a, d] = 0.0
        else:
            padded[b, a, d] = prices[b, a, d]


@compiled
def _earlier(m, n, cost, on_lines) -> bool:
    """Whether combination m comes before n in a search's order: cheaper, then cheaper on
    the target's lines, then first (numpy's lexsort of (index, on_lines, cost))."""
    if cost[m] != cost[n]:
        return cost[m] < cost[n]
    if on_lines[m] != on_lines[n]:
        return on_lines[m] < on_lines[n]
    return m < n


@compiled
def _sift_down(heap, start, size, cost, on_lines) -> None:
    at = start
    while True:
        first = at
        for child in (2 * at + 1, 2 * at + 2):
            if child < size and _earlier(heap[child], heap[first], cost, on_lines):
                first = child
        if first == at:
            return
        heap[at], heap[first] = heap[first], heap[at]
        at = first


@compiled
def cheapest_met(cost, line_b, line_a, line_d, tie_margin, search):
    """The combinations a search chooses among, in its order: the first (cheapest, then
    cheapest on the target's lines, then first) of finite `cost` (over (i, j, k)) that moves
    the target far enough, followed by every other that does and costs at most `tie_margin`
    (relative) more, if `tie_margin` is not negative; with their prices on the target's lines
    (`line_b[i] + line_a[j] + line_d[k]`, added as numpy's add.outer adds them). None found:
    empty arrays.

    Where numpy sorted all 1,728 combinations to walk the first dozen, a heap hands them out
    one at a time in the same order (the order is total: no two share an index)."""
    shape = cost.shape
    flat = cost.ravel()
    on_lines = np.empty(flat.size)
    n = 0
    for i in range(shape[0]):
        for j in range(shape[1]):
            for k in range(shape[2]):
                on_lines[n] = line_b[i] + line_a[j] + line_d[k]
                n += 1
    heap = np.empty(flat.size, np.int64)
    size = 0
    for m in range(flat.size):
        if np.isfinite(flat[m]):
            heap[size] = m
            size += 1
    for start in range(size // 2 - 1, -1, -1):
        _sift_down(heap, start, size, flat, on_lines)
    found = np.empty(size, np.int64)
    count = 0
    limit = np.inf
    while size > 0:
        m = heap[0]
        if count > 0 and not flat[m] <= limit:
            break
        size -= 1
        heap[0] = heap[size]
        _sift_down(heap, 0, size, flat, on_lines)
        if _met(m, shape, search):
            found[count] = m
            count += 1
            if tie_margin < 0:
                break
            if count == 1:
                limit = flat[m] * (1 + tie_margin)
    chosen = found[:count]
    return chosen, on_lines[chosen]


@compiled
def summed_charges(padded, bpos, bsign, apos, asign, dpos, dsign) -> np.ndarray:
    """What each combination vb[i] x va[j] x vd[k] charges, over (i, j, k): its corners'
    charges (`padded`: Charges.padded) summed, over the corners of b and a for each breakdown
    position first (whole lines), then over the corners of d. Padding adds nothing. The sums
    may differ from Charges.exact in the last bits (another order of addition): the search
    decides ties by `exact`."""
    lines = np.zeros(padded.shape[2])
    charged = np.empty((len(bpos), len(apos), len(dpos)))
    for i in range(len(bpos)):
        for j in range(len(apos)):
            lines[:] = 0.0
            for cb in range(bpos.shape[1]):
                if bsign[i, cb] == 0:
                    continue
                for ca in range(apos.shape[1]):
                    if asign[j, ca] == 0:
                        continue
                    line = padded[bpos[i, cb], apos[j, ca]]
                    for d in range(len(line)):
                        lines[d] += line[d]
            for k in range(len(dpos)):
                total = 0.0
                for cd in range(dpos.shape[1]):
                    if dsign[k, cd] != 0:
                        total += lines[dpos[k, cd]]
                charged[i, j, k] = total
    return charged


@compiled
def corners(combination, shape, search):
    """The corners of vb[i] x va[j] x vd[k] that are cells: their flat indices into the table
    and their signs, in the order of the corners of b, then a, then d."""
    bpos, bsign, apos, asign, dpos, dsign = search[:6]
    void = search[9]
    _, area_vectors, breakdown_vectors = shape
    i = combination // (area_vectors * breakdown_vectors)
    j = combination // breakdown_vectors % area_vectors
    k = combination % breakdown_vectors
    _, areas, breakdowns = void.shape
    most = bpos.shape[1] * apos.shape[1] * dpos.shape[1]
    cells = np.empty(most, np.int64)
    signs = np.empty(most, np.int64)
    found = 0
    for cb in range(bpos.shape[1]):
        for ca in range(apos.shape[1]):
            for cd in range(dpos.shape[1]):
                sign = bsign[i, cb] * asign[j, ca] * dsign[k, cd]
                b, a, d = bpos[i, cb], apos[j, ca], dpos[k, cd]
                if sign != 0 and not void[b, a, d]:
                    cells[found] = (b * areas + a) * breakdowns + d
                    signs[found] = sign
                    found += 1
    return cells[:found], signs[:found]


# numpy adds up rows narrower than this one term after the other, as line_costs does; wider
# rows in blocks (pairwise), whose sums line_costs would not reproduce to the last bit
SEQUENTIAL_WIDTH = 8


@compiled
def line_costs(positions, signs, price) -> np.ndarray:
    """What each vector costs on the target's line: the prices of its positions, added from
    the first to the last, as numpy adds a row narrower than SEQUENTIAL_WIDTH."""
    cost = np.empty(len(positions))
    for r in range(len(positions)):
        total = 0.0
        for c in range(positions.shape[1]):
            total += price[positions[r, c]] if signs[r, c] != 0 else 0.0
        cost[r] = total
    return cost


@compiled
def _before(r, s, cost, positions, signs) -> bool:
    """Whether vector r comes before vector s: cheaper, or as cheap and first by its
    positions, then by its signs (equal vectors keep their order)."""
    if cost[r] != cost[s]:
        return cost[r] < cost[s]
    for c in range(positions.shape[1]):
        if positions[r, c] != positions[s, c]:
            return positions[r, c] < positions[s, c]
    for c in range(signs.shape[1]):
        if signs[r, c] != signs[s, c]:
            return signs[r, c] < signs[s, c]
    return False


@compiled
def ranked(cost, positions, signs, free_only, most):
    """The `most` vectors a search takes first, in its order, and their costs: cheapest first,
    equals in the order of their positions and signs (numpy's lexsort of them); with
    `free_only`, only those that cost nothing. (An insertion sort: a position has at most a
    few dozen vectors.)"""
    order = np.empty(len(cost), np.int64)
    count = 0
    for r in range(len(cost)):
        if free_only and cost[r] != 0:
            continue
        at = count
        while at > 0 and _before(r, order[at - 1], cost, positions, signs):
            order[at] = order[at - 1]
            at -= 1
        order[at] = r
        count += 1
    taken = order[: min(count, most)]
    return cost[taken], positions[taken], signs[taken]


@compiled
def with_cheapest_members(template, members, price) -> np.ndarray:
    """A template's positions (jobtal.null_vectors.AreaVectors), each reference to a (region,
    group) cell (-1 - its index) replaced by the cell's cheapest municipality on the line
    (`members`: each cell's, padded with -1), the first of equals."""
    cheapest = np.empty(len(members), np.int64)
    for cell in range(len(members)):
        best, best_price = members[cell, 0], np.inf
        for member in members[cell]:
            if member >= 0 and price[member] < best_price:
                best, best_price = member, price[member]
        cheapest[cell] = best
    positions = np.empty_like(template)
    for r in range(template.shape[0]):
        for c in range(template.shape[1]):
            at = template[r, c]
            positions[r, c] = at if at >= 0 else cheapest[-1 - at]
    return positions


@compiled
def _vectors_through(
    padded, b, a, d, axis, offsets, template_positions, template_signs, members, free_only, most
):
    """The `most` vectors through the target (b, a, d) along `axis` that a search takes first
    (`ranked`), and what each costs on the target's line: a position costs its charge
    (`padded`: Charges.padded), and prohibitively much (a finite amount, to rank by) if the
    reader knows it anyway. The axis's vectors: AxisVectors's arrays. (Plain arguments, not
    tuples of them: numba compiles this in a third of the time.)"""
    size = padded.shape[axis] - 1  # without the padding
    price = np.empty(size)
    for n in range(size):
        if axis == 0:
            charged = padded[n, a, d]
        elif axis == 1:
            charged = padded[b, n, d]
        else:
            charged = padded[b, a, n]
        price[n] = charged if charged < 1e9 else 1e9
    at = b if axis == 0 else (a if axis == 1 else d)
    first, last = offsets[at], offsets[at + 1]
    positions = with_cheapest_members(template_positions[first:last], members, price)
    signs = template_signs[first:last]
    return ranked(line_costs(positions, signs, price), positions, signs, free_only, most)


@compiled
def ranked_through(padded, b, a, d, along_b, along_a, along_d, free_only, most):
    """For each axis, `_vectors_through` the target (b, a, d): the vectors a search combines,
    as (costs on the target's line, positions, signs); `along_*` each axis's
    AxisVectors.arrays."""
    ob, pb, sb, mb = along_b
    oa, pa, sa, ma = along_a
    od, pd, sd, md = along_d
    return (
        _vectors_through(padded, b, a, d, 0, ob, pb, sb, mb, free_only, most),
        _vectors_through(padded, b, a, d, 1, oa, pa, sa, ma, free_only, most),
        _vectors_through(padded, b, a, d, 2, od, pd, sd, md, free_only, most),
    )


# Charges.exact adds up at most this many corners at once: numpy adds a run of doubles up to
# that long in 8 running sums (one term after the other below 8 terms), and longer ones in
# halves, which exact_charges does not reproduce
MOST_CORNERS = 128


@compiled
def exact_charges(
    padded, bpos, bsign, rows_b, wb, apos, asign, rows_a, wa, dpos, dsign, rows_d, wd
):
    """What each combination vb[rows_b[n]] x va[rows_a[n]] x vd[rows_d[n]] charges, summed
    over all its corners at once (Charges.exact): the charges of the wb x wa x wd corners
    (padding at the position that charges nothing), in that order, added up as numpy's
    add.reduce adds a contiguous run of at most MOST_CORNERS doubles (its pairwise
    summation), from add's identity 0.0: numpy's sums to the last bit (charges are never
    -0.0, where numpy's own start from -0.0 would differ)."""
    none_b, none_a, none_d = padded.shape[0] - 1, padded.shape[1] - 1, padded.shape[2] - 1
    count = wb * wa * wd
    corners = np.empty(count)
    lanes = np.empty(8)
    sums = np.empty(len(rows_b))
    for n in range(len(rows_b)):
        i, j, k = rows_b[n], rows_a[n], rows_d[n]
        m = 0
        for cb in range(wb):
            b = bpos[i, cb] if bsign[i, cb] != 0 else none_b
            for ca in range(wa):
                a = apos[j, ca] if asign[j, ca] != 0 else none_a
                for cd in range(wd):
                    d = dpos[k, cd] if dsign[k, cd] != 0 else none_d
                    corners[m] = padded[b, a, d]
                    m += 1
        total = 0.0
        m = 0
        if count >= 8:
            for lane in range(8):
                lanes[lane] = corners[lane]
            m = 8
            while m < count - count % 8:
                for lane in range(8):
                    lanes[lane] += corners[m + lane]
                m += 8
            total = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + (
                (lanes[4] + lanes[5]) + (lanes[6] + lanes[7])
            )
        while m < count:
            total += corners[m]
            m += 1
        sums[n] = 0.0 + total
    return sums
