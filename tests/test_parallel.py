"""jobtal.parallel: the same results, in the same order, in processes as in this one."""

from __future__ import annotations

import os

from jobtal.parallel import map_in_processes, workers


def process_of(_item) -> int:
    return os.getpid()


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
