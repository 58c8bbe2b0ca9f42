"""jobtal.parallel: the same results, in the same order, in processes as in this one."""

from __future__ import annotations

import os
import time

import pytest

from jobtal.parallel import map_in_processes, worker_processes, workers


def process_of(_item) -> int:
    time.sleep(0.05)  # long enough for both workers to take an item
    return os.getpid()


def die_in(item) -> int:
    if item == 1:
        os._exit(3)  # as a worker the system kills for its memory
    return item


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_results_come_back_in_the_order_of_the_items_whatever_ran_first(monkeypatch):
    monkeypatch.setenv("JOBTAL_WORKERS", "2")
    items = [3, 1, 4, 1, 5, 9, 2, 6]
    in_processes = map_in_processes(process_of, [0, 1], worth_it=True)
    assert os.getpid() not in in_processes  # it did run elsewhere
    squares = map_in_processes(abs, [-i for i in items], worth_it=True, sizes=items)
    assert squares == items


def test_small_work_stays_in_this_process(monkeypatch):
    monkeypatch.setenv("JOBTAL_WORKERS", "2")
    assert map_in_processes(process_of, [0, 1], worth_it=False) == [os.getpid()] * 2


def test_workers_are_configurable_and_at_least_one(monkeypatch):
    monkeypatch.setenv("JOBTAL_WORKERS", "3")
    assert workers() == 3
    monkeypatch.setenv("JOBTAL_WORKERS", "none")
    assert workers() >= 1


def test_statements_on_cursors_give_their_results_in_order_and_raise_their_errors(monkeypatch):
    """jobtal.sql.on_cursors: each thread's statements on a cursor of its own, which sees the
    database's tables; the results in the items' order; an error is raised, not lost."""
    import duckdb
    import pytest

    from jobtal.sql import on_cursors

    monkeypatch.setenv("JOBTAL_WORKERS", "2")
    con = duckdb.connect()
    con.execute("CREATE TABLE numbers AS SELECT range AS n FROM range(1000)")

    def total_below(cursor, limit):
        return cursor.execute(f"SELECT sum(n) FROM numbers WHERE n < {limit}").fetchone()[0]

    limits = [1000, 3, 500, 10, 1, 250]
    assert on_cursors(con, total_below, limits) == [limit * (limit - 1) // 2 for limit in limits]
    with pytest.raises(duckdb.CatalogException):
        on_cursors(con, lambda cursor, table: cursor.execute(f"SELECT * FROM {table}"), ["nothing"])


def test_a_block_of_worker_processes_runs_every_call_in_it_on_the_same_workers(monkeypatch):
    """A build starts its workers once (jobtal.parallel.worker_processes): the second call in
    the block finds the first call's processes; they stop when the block ends. Outside a
    block, every call starts processes of its own."""
    monkeypatch.setenv("JOBTAL_WORKERS", "2")
    with worker_processes():
        first = set(map_in_processes(process_of, [0, 1, 2, 3], worth_it=True))
        with worker_processes():  # a nested block shares the outer one's
            second = set(map_in_processes(process_of, [0, 1, 2, 3], worth_it=True))
        third = map_in_processes(abs, [-5, 2, -1], worth_it=True, sizes=[1, 3, 2])
        assert third == [5, 2, 1]  # in the items' order
    assert os.getpid() not in first
    assert len(first) == 2 and second == first
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in first) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in first)  # stopped with the block
    apart = [set(map_in_processes(process_of, [0, 1], worth_it=True)) for _ in range(2)]
    assert not apart[0] & apart[1]


def test_a_worker_that_dies_fails_its_call_and_the_next_gets_fresh_workers(monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    monkeypatch.setenv("JOBTAL_WORKERS", "2")
    with worker_processes():
        before = set(map_in_processes(process_of, [0, 1], worth_it=True))
        with pytest.raises(BrokenProcessPool):
            map_in_processes(die_in, [0, 1, 2], worth_it=True)
        after = set(map_in_processes(process_of, [0, 1], worth_it=True))
        assert map_in_processes(die_in, [0, 2], worth_it=True) == [0, 2]
    assert len(after) == 2 and not after & before
