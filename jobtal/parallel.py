"""Independent pieces of work on every core: the months of the protection, the components of
the audit, the workbooks, reports, pages and sites. Processes, not threads: the work is numpy,
HiGHS and pure-Python writers, where the interpreter's lock would keep threads on one core.

Worth it only for a build of many months; a small one (every test) stays in this process,
where starting processes would cost more than it saves.

A build starts its worker processes once (`worker_processes`): a fresh worker takes about two
seconds to start and import jobtal, and more for what its first piece of work loads (the
search's compiled kernels from numba's cache, the chart renderer, the site generator), which a
build would otherwise pay again for every linked table it protects and every stage it writes."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
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


class SharedWorkers:
    """The processes of one `worker_processes` block, started at the first piece of work that
    is worth them, with the environment of that moment."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.count = 0
        self.lock = threading.Lock()

    def get(self, count: int) -> ProcessPoolExecutor:
        with self.lock:
            if self.pool is None or self.count < count:
                self.close()
                self.pool, self.count = new_pool(count), count
            return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool, self.count = None, 0


_shared: SharedWorkers | None = None


@contextmanager
def worker_processes() -> Iterator[None]:
    """Within the block, every map_in_processes that is worth processes runs on the same
    workers; they stop when it ends (nested blocks share the outermost's)."""
    global _shared
    if _shared is not None:
        yield
        return
    _shared = SharedWorkers()
    try:
        yield
    finally:
        shared, _shared = _shared, None
        shared.close()


def new_pool(count: int) -> ProcessPoolExecutor:
    """`count` fresh interpreters ('spawn'), which share no lock or thread with this one
    (DuckDB's threads would be stopped, mid-lock perhaps, in a forked child)."""
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))


def map_in_processes(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    worth_it: bool,
    sizes: Sequence[float] | None = None,
) -> list[Result]:
    """[function(item) for item in items], in order, spread over workers() processes where
    `worth_it` and there is more than one item; the largest `sizes` start first, so that no
    process is left with a large piece at the end. `function` and the items must pickle.
    Inside `worker_processes` the block's workers run them, else processes started for this
    call alone."""
    count = min(workers(), len(items))
    if not worth_it or count <= 1:
        return [function(item) for item in items]
    order = sorted(range(len(items)), key=lambda i: -sizes[i]) if sizes else range(len(items))
    if _shared is None:
        with new_pool(count) as pool:
            return run_in(pool, function, items, order)
    shared = _shared
    try:
        return run_in(shared.get(workers()), function, items, order)
    except BrokenProcessPool:  # a worker died (killed, out of memory): none is used again
        shared.close()
        raise


def run_in(pool: ProcessPoolExecutor, function, items: Sequence, order) -> list:
    futures = {i: pool.submit(function, items[i]) for i in order}
    return [futures[i].result() for i in range(len(items))]
