"""Independent pieces of work on every core: the months of the protection, the components of
the audit. Processes, not threads: the work is numpy and HiGHS calls on small arrays, where
the interpreter's lock would keep threads on one core.

Worth it only for a build of many months; a small one (every test) stays in this process,
where starting processes would cost more than it saves."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def workers() -> int:
    """The processes to use: JOBTAL_WORKERS, else one per core this process may run on."""
    configured = os.environ.get("JOBTAL_WORKERS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_processes(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    worth_it: bool,
    sizes: Sequence[float] | None = None,
) -> list[Result]:
    """[function(item) for item in items], in order, spread over workers() processes where
    `worth_it` and there is more than one item; the largest `sizes` start first, so that no
    process is left with a large piece at the end. `function` and the items must pickle: a
    fresh interpreter ('spawn') runs them, which shares no lock or thread with this one
    (DuckDB's threads would be stopped, mid-lock perhaps, in a forked child)."""
    count = min(workers(), len(items))
    if not worth_it or count <= 1:
        return [function(item) for item in items]
    order = sorted(range(len(items)), key=lambda i: -sizes[i]) if sizes else range(len(items))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        futures = {i: pool.submit(function, items[i]) for i in order}
        return [futures[i].result() for i in range(len(items))]
