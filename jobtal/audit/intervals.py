"""The interval an attacker can prove for every suppressed value: linear programming over the
relations of relations.py, with non-negativity, and integrality of counts applied to the bounds
(a count proven to lie in [0.4, 4.2] lies in 1..4).

The relations fall apart into independent pieces: a relation whose values are all published
constrains nothing unknown, and the unknowns of different months never share a relation. So the
unknowns are split into connected components (unknowns linked through a relation) and each
component is one small LP. A component of one unknown is an interval intersection, done for all
of them at once in numpy. For larger components, HiGHS (through highspy, warm-started between
objectives) bounds each unknown, but most unknowns never need their own two LPs: every LP
solution is a feasible point, a witness that the unknown can take that value, and two witnesses
far enough apart, one of them at 5 or more (or 0) for a count, prove an unknown protected. Only
the unknowns the witnesses do not clear are solved one by one; those are the leaks, or nearly.

A value is given away (a leak) when:
  pinned   its interval is a single integer (a count), or at most one unit wide (a rounded value,
           which is then known as well as if it were published);
  1-4      a count whose interval lies within 1..4.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import bmat, coo_matrix, csc_matrix, identity
from scipy.sparse.csgraph import connected_components

from jobtal.parallel import map_in_processes

TOLERANCE = 1e-6
# unknowns in components of more than one, from which the components are bounded on every
# core (a month of the default demo has about 10,000; starting the processes costs a second)
PARALLEL_UNKNOWNS = 20_000
_banner_shown = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance. The first one made in a process prints HiGHS's banner on
    standard output, before any option can turn it off, where `jobtal audit --json` writes its
    report: it is sent to standard error (the log) instead."""
    global _banner_shown
    if _banner_shown:
        highs = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            os.dup2(2, 1)
            highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    for option, value in (("output_flag", False), ("threads", 1), ("random_seed", 0)):
        highs.setOptionValue(option, value)
    return highs


SMALLEST_PUBLISHED = 5
INFINITY = highspy.kHighsInf


@dataclass
class Problem:
    """The unknowns (columns) and the relations that bound them (rows): low <= A x <= high,
    with `loose_low`, `loose_high` the bounds were every learned equation an inequality."""

    matrix: csc_matrix
    low: np.ndarray
    high: np.ndarray
    loose_low: np.ndarray
    loose_high: np.ndarray
    integer: np.ndarray  # per column: a count (integer, and the 1-4 rule applies)
    hidden: np.ndarray  # per column: a suppressed value (not one only linked to one, such as
    # the numerator of a published share whose denominator is suppressed)
    groups: np.ndarray  # per column: its part (benefit) for the restricted search; 0 = 'alle'

    def satisfied_by(self, point: np.ndarray) -> bool:
        """Whether `point` satisfies every relation (and x >= 0), to within rounding."""
        if np.isnan(point).any() or (point < -TOLERANCE).any():
            return False
        sums = self.matrix @ point
        slack = TOLERANCE * (1 + np.abs(sums))
        return bool(np.all(sums >= self.low - slack) and np.all(sums <= self.high + slack))

    def component(self, cols: np.ndarray) -> Problem:
        """The problem of the unknowns `cols` and the relations they are in."""
        rows = np.unique(self.matrix[:, cols].tocoo().row)
        return Problem(
            self.matrix[rows][:, cols].tocsc(),
            *(bounds[rows] for bounds in (self.low, self.high, self.loose_low, self.loose_high)),
            *(per_column[cols] for per_column in (self.integer, self.hidden, self.groups)),
        )


@dataclass
class Bounds:
    low: np.ndarray
    high: np.ndarray
    pinned: np.ndarray
    small: np.ndarray  # a count proven to lie in 1..4
    inconsistent: np.ndarray  # the relations admit no value (the attacker's premise broke)
    lps: int  # linear programs solved

    @property
    def leaks(self) -> np.ndarray:
        return self.pinned | self.small


def classify(low: np.ndarray, high: np.ndarray, integer: np.ndarray):
    """(pinned, small) for intervals [low, high]."""
    int_low = np.ceil(low - TOLERANCE)
    int_high = np.floor(high + TOLERANCE)
    pinned = np.where(integer, int_high <= int_low, high - low <= 1 + TOLERANCE)
    small = integer & (int_low >= 1) & (int_high <= SMALLEST_PUBLISHED - 1)
    return pinned, small


def bound(problem: Problem, exact: bool = True, start: np.ndarray | None = None) -> Bounds:
    """Bound every unknown. Not `exact`: stop once the witnesses are found, and report what
    they leave open as given away (possibly more than truly is: quick, and never less).
    `start` is a point known to satisfy every relation (the true values, where the caller has
    them); without it, one is found by linear programming."""
    columns = problem.matrix.shape[1]
    low = np.full(columns, np.inf)  # the smallest value a witness showed, then the proven bound
    high = np.full(columns, -np.inf)
    inconsistent = np.zeros(columns, dtype=bool)
    if columns == 0:
        empty = np.zeros(0, dtype=bool)
        return Bounds(low, high, empty, empty, empty, 0)
    graph = (problem.matrix.T @ problem.matrix).tocsr()
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    single = sizes[labels] == 1
    _bound_singletons(problem, np.flatnonzero(single), low, high, inconsistent)
    order = np.argsort(labels, kind="stable")
    starts = np.r_[0, np.cumsum(sizes)]
    components, columns_of = [], []
    for label in np.flatnonzero(sizes > 1):
        cols = order[starts[label] : starts[label + 1]]
        component = problem.component(cols)
        known_start = None if start is None else start[cols]
        if known_start is not None and not component.satisfied_by(known_start):
            known_start = None  # not known for every unknown, or not a point of the relations
        components.append((component, exact, known_start))
        columns_of.append(cols)
    # the components are independent: on every core where there are many
    bounded = map_in_processes(
        _bound_component,
        components,
        worth_it=sum(map(len, columns_of)) >= PARALLEL_UNKNOWNS,
        sizes=[len(cols) for cols in columns_of],
    )
    lps = 0
    for cols, (its_low, its_high, its_inconsistent, solved) in zip(
        columns_of, bounded, strict=True
    ):
        low[cols], high[cols], inconsistent[cols] = its_low, its_high, its_inconsistent
        lps += solved
    pinned, small = classify(low, high, problem.integer)
    pinned &= problem.hidden & ~inconsistent
    small &= problem.hidden & ~inconsistent
    return Bounds(low, high, pinned, small, inconsistent, lps)


def _bound_singletons(problem, cols, low, high, inconsistent) -> None:
    """One unknown, alone in its relations: a x in [l, h] for each row, x >= 0."""
    if not len(cols):
        return
    sub = problem.matrix[:, cols].tocoo()
    a = sub.data
    col = sub.col
    row_low, row_high = problem.low[sub.row], problem.high[sub.row]
    lows = np.where(a > 0, row_low / a, row_high / a)
    highs = np.where(a > 0, row_high / a, row_low / a)
    lows = np.where(np.isnan(lows), -np.inf, lows)
    highs = np.where(np.isnan(highs), np.inf, highs)
    best_low = np.zeros(len(cols))
    best_high = np.full(len(cols), np.inf)
    np.maximum.at(best_low, col, lows)
    np.minimum.at(best_high, col, highs)
    bad = best_low > best_high + TOLERANCE
    low[cols] = best_low
    high[cols] = best_high
    inconsistent[cols] = bad


def _targets(witness_low: np.ndarray, integer: np.ndarray) -> np.ndarray:
    """How high a witness must take each unknown, given the lowest value seen, to clear it: a
    count from 0 to at least 1, else to 5 and above its lowest; a rounded value over one unit
    above its lowest."""
    lowest = np.ceil(witness_low - TOLERANCE)
    return np.where(
        integer,
        np.where(lowest <= 0, 1.0, np.maximum(SMALLEST_PUBLISHED, lowest + 1)),
        witness_low + 1 + 10 * TOLERANCE,
    )


class ComponentLP:
    """One LP in HiGHS, low <= A x <= high, x >= 0, kept between objectives so that each solve
    starts from the last one's basis (primal simplex: a new objective keeps the basis
    feasible).

    Besides the unknowns x it holds a reaching variable r_j <= x_j for each one, bounded by a
    target: maximising the sum of r asks for one point that takes as many unknowns as far as
    their targets at once, where maximising the sum of x would spend everything on the one
    unknown with the most room."""

    def __init__(self, matrix: csc_matrix, low: np.ndarray, high: np.ndarray):
        n = matrix.shape[1]
        finite = np.abs(np.r_[low, high])
        finite = finite[np.isfinite(finite)]
        # the attacker's unknowns are bounded by the published totals; the cap only keeps an
        # unbounded one finite, far beyond any value that matters
        self.cap = max(1000.0, 10 * (finite.max() if len(finite) else 0))
        self.highs = new_highs()
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("simplex_strategy", 4)  # primal
        # [A 0; I -I] [x; r]: the relations, then x_j - r_j >= 0
        full = bmat(
            [[matrix, None], [identity(n, format="csc"), -identity(n, format="csc")]],
            format="csc",
        )
        model = highspy.HighsLp()
        model.num_col_ = 2 * n
        model.num_row_ = matrix.shape[0] + n
        model.col_cost_ = np.zeros(2 * n)
        model.col_lower_ = np.zeros(2 * n)
        model.col_upper_ = np.r_[np.full(n, self.cap), np.zeros(n)]
        model.row_lower_ = np.r_[_highs_bounds(low), np.zeros(n)]
        model.row_upper_ = np.r_[_highs_bounds(high), np.full(n, INFINITY)]
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_ = full.indptr.astype(np.int32)
        model.a_matrix_.index_ = full.indices.astype(np.int32)
        model.a_matrix_.value_ = full.data.astype(np.float64)
        self.highs.passModel(model)
        self.n = n
        self.rows = matrix.shape[0]
        self.all_columns = np.arange(2 * n, dtype=np.int32)
        self.reach = np.arange(n, 2 * n, dtype=np.int32)
        self.solved = 0

    def set_row_bounds(self, low: np.ndarray, high: np.ndarray) -> None:
        self.highs.changeRowsBounds(
            self.rows,
            np.arange(self.rows, dtype=np.int32),
            _highs_bounds(low),
            _highs_bounds(high),
        )

    def solve(
        self,
        cost: np.ndarray,
        maximize: bool,
        reach: np.ndarray | None = None,
        weight: np.ndarray | None = None,
    ):
        """A point optimising cost . x (with `reach`: the weighted sum of r_j up to reach_j
        as well); None when there is none."""
        self.solved += 1
        reaching = (
            np.zeros(self.n) if reach is None else (np.ones(self.n) if weight is None else weight)
        )
        self.highs.changeColsCost(2 * self.n, self.all_columns, np.r_[cost, reaching])
        self.highs.changeColsBounds(
            self.n,
            self.reach,
            np.zeros(self.n),
            np.zeros(self.n) if reach is None else np.minimum(reach, self.cap),
        )
        sense = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
        self.highs.changeObjectiveSense(sense)
        if self.solved == 1:
            # the first solve starts from nothing: presolve and the dual simplex get there in
            # about 60 % of the time (a month's person counts of the 3-month demo: 1.8 s against
            # 2.9 s); the later ones start from its basis, which only the primal keeps
            self.highs.setOptionValue("presolve", "on")
            self.highs.setOptionValue("simplex_strategy", 1)
            self.highs.run()
            self.highs.setOptionValue("presolve", "off")
            self.highs.setOptionValue("simplex_strategy", 4)
        else:
            self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.asarray(self.highs.getSolution().col_value)[: self.n]


class Witnesses:
    """The lowest and highest value each unknown took in a feasible point found so far."""

    def __init__(self, integer: np.ndarray, hidden: np.ndarray):
        self.integer, self.hidden = integer, hidden
        self.low = np.full(len(integer), np.inf)
        self.high = np.full(len(integer), -np.inf)

    def add(self, point: np.ndarray, where: np.ndarray | slice = slice(None)) -> None:
        self.low[where] = np.minimum(self.low[where], point)
        self.high[where] = np.maximum(self.high[where], point)

    def open(self, where: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Positions (within `where`) of the suppressed unknowns not yet cleared."""
        pinned, small = classify(self.low[where], self.high[where], self.integer[where])
        return np.flatnonzero((pinned | small) & self.hidden[where])


# rounds of _search: on 3 months of demo data 3 rounds audit in 60 s, 12 in 77 s (more LPs on
# the whole component, each dearer than an unknown's own two), 1 in 104 s (more unknowns left to
# their own LPs): scripts/bench_audit.py
SEARCH_ROUNDS = 3


def _search(lp: ComponentLP, witnesses: Witnesses, where: np.ndarray) -> bool:
    """Find witnesses for the unknowns `where` (the LP's columns, in order): the lowest point,
    then points taking every open unknown to its target and points taking it down, as long as
    that moves some witness. An unknown that failed to reach its target weighs double in the
    next round: where the relations are tight (margins that add up exactly) one value can only
    rise as another falls, and the weights take turns. False when the LP has no solution."""
    n = len(where)
    first = lp.solve(witnesses.hidden[where].astype(float), maximize=False)
    if first is None:
        return False
    witnesses.add(first, where)
    weight = np.ones(n)
    for _ in range(SEARCH_ROUNDS):
        still_open = witnesses.open(where)
        if not len(still_open):
            break
        before = (witnesses.low[where].copy(), witnesses.high[where].copy())
        reach = np.zeros(n)
        reach[still_open] = _targets(witnesses.low[where], witnesses.integer[where])[still_open]
        if (point := lp.solve(np.zeros(n), maximize=True, reach=reach, weight=weight)) is not None:
            witnesses.add(point, where)
        if len(now_open := witnesses.open(where)):
            cost = np.zeros(n)
            cost[now_open] = weight[now_open]
            if (point := lp.solve(cost, maximize=False)) is not None:
                witnesses.add(point, where)
        weight[witnesses.open(where)] *= 2
        moved = np.any(witnesses.low[where] < before[0] - TOLERANCE) or np.any(
            witnesses.high[where] > before[1] + TOLERANCE
        )
        if not moved:
            break
    return True


def _bound_component(work: tuple[Problem, bool, np.ndarray | None]):
    """Bound the unknowns of one component (a Problem of its own; with `exact`, and a
    feasible `start` if known): their (low, high, inconsistent), and the number of LPs solved.

    The whole component's LP is large (a month's person counts over every area, benefit and
    breakdown are one component) and each solve on it costs, so witnesses are first sought
    with all but a part of the unknowns held at a known feasible point: one benefit at a time
    (and 'alle', which every benefit adds up to). Any point of such a restricted LP satisfies
    every relation, so it is a witness as good as any; only what the parts leave open goes to
    the whole LP."""
    problem, exact, start = work
    matrix, row_low, row_high = problem.matrix, problem.low, problem.high
    witnesses = Witnesses(problem.integer, problem.hidden)
    columns = matrix.shape[1]
    solved = 0
    whole = None
    if start is None:
        whole = ComponentLP(matrix, row_low, row_high)
        if not _search(whole, witnesses, np.arange(columns)):
            # a learned equation that does not hold here: read the relations as inequalities
            row_low, row_high = problem.loose_low, problem.loose_high
            whole.set_row_bounds(row_low, row_high)
            if not _search(whole, witnesses, np.arange(columns)):
                everywhere = np.ones(columns, dtype=bool)
                return np.zeros(columns), np.full(columns, whole.cap), everywhere, whole.solved
        # a point between the lowest and the reaching one: inside, with room every way
        start = (witnesses.low + np.minimum(witnesses.high, whole.cap)) / 2
    else:
        witnesses.add(start)
    groups = problem.groups
    for group in np.unique(groups[groups > 0]) if len(witnesses.open()) else ():
        free = (groups == group) | (groups == 0)
        if not len(witnesses.open(free)):
            continue
        part = matrix[:, free]
        touched = np.unique(part.tocoo().row)
        held = matrix[touched][:, ~free] @ start[~free]
        lp = ComponentLP(part[touched], row_low[touched] - held, row_high[touched] - held)
        _search(lp, witnesses, np.flatnonzero(free))
        solved += lp.solved
    if exact and len(witnesses.open()):
        whole = whole or ComponentLP(matrix, row_low, row_high)
        # each unknown still open, alone: its exact bounds
        for column in witnesses.open():
            one = [column]
            if not len(witnesses.open(one)):
                continue  # cleared meanwhile by a witness found for another unknown
            cost = np.zeros(columns)
            cost[column] = 1.0
            for maximize in (True, False):
                if (point := whole.solve(cost, maximize)) is not None:
                    witnesses.add(point)
    nowhere = np.zeros(columns, dtype=bool)  # inconsistent
    return witnesses.low, witnesses.high, nowhere, solved + (whole.solved if whole else 0)


def _highs_bounds(values: np.ndarray) -> np.ndarray:
    return np.clip(
        np.nan_to_num(values, nan=0.0, posinf=INFINITY, neginf=-INFINITY), -INFINITY, INFINITY
    )


def problem_from_terms(
    rows: np.ndarray,
    cols: np.ndarray,
    coefs: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    loose_low: np.ndarray,
    loose_high: np.ndarray,
    integer: np.ndarray,
    hidden: np.ndarray,
    groups: np.ndarray,
) -> Problem:
    matrix = coo_matrix((coefs, (rows, cols)), shape=(len(low), len(integer))).tocsc()
    return Problem(matrix, low, high, loose_low, loose_high, integer, hidden, groups)
