"""Protections kept from an earlier build (jobtal.cache, jobtal.linked_tables.protect_months):
a month whose table is the same is not searched again, and the build's results are the same
bytes with and without what was kept."""

from __future__ import annotations

import itertools
import re
import types

import numpy as np
import pytest

import jobtal.linked_tables
from jobtal.cache import ContentCache
from jobtal.disclosure import protect
from jobtal.vocabulary import AGE_GROUPS
from tests.attacker import DEFINITIONS, REFERENCE_MONTH, database, marginals

MUNICIPALITIES = {101: (1, 1), 102: (1, 2), 103: (2, 1), 104: (2, 2), 105: (1, 1)}
MONTHS = ("2024-01", "2024-02", "2024-03")


def random_counts(seed: int) -> dict[str, dict[tuple, int]]:
    """Joint counts of personer (municipality, sex, age group) per month, many of them small."""
    rng = np.random.default_rng(seed)
    counts = {}
    for month in MONTHS:
        draws = rng.integers(0, 12, size=(len(MUNICIPALITIES), 2, len(AGE_GROUPS)))
        counts[month] = {
            (code, "KM"[sex], AGE_GROUPS[age]): int(draws[i, sex, age])
            for (i, code), sex, age in itertools.product(
                enumerate(MUNICIPALITIES), range(2), range(len(AGE_GROUPS))
            )
        }
    return counts


def protected(counts, cache_folder=None) -> list[tuple]:
    con = database(MUNICIPALITIES)
    for month, joint in counts.items():
        con.executemany(
            "INSERT INTO indicator_values VALUES ('personer', ?, ?, ?, 'alle', ?, ?, ?, ?, NULL)",
            [
                [a, c, month, s, g, n, n]
                for (a, c, s, g), n in marginals(MUNICIPALITIES, joint).items()
            ],
        )
    protect(con, REFERENCE_MONTH, DEFINITIONS, cache_folder=cache_folder)
    return con.execute("SELECT * FROM protected_values ORDER BY ALL").fetchall()


@pytest.fixture
def searched_months(monkeypatch) -> list:
    """The month-tables searched (not taken from a cache), as the search is called."""
    searched = []
    real = jobtal.linked_tables.protect_table_copy

    def counting(table):
        searched.append(table)
        return real(table)

    monkeypatch.setattr(jobtal.linked_tables, "protect_table_copy", counting)
    return searched


def test_a_month_whose_table_is_unchanged_is_not_searched_again(tmp_path, searched_months):
    counts = random_counts(seed=11)
    fresh = protected(counts)
    assert len(searched_months) == len(MONTHS)
    assert sum(row[-1] == "suppressed" for row in fresh) > len(MONTHS)  # secondary cells too

    cache = tmp_path / "cache"
    assert protected(counts, cache) == fresh  # nothing kept yet: each month searched and kept
    assert len(searched_months) == 2 * len(MONTHS)
    assert len(list(cache.rglob("*.npz"))) == len(MONTHS)

    assert protected(counts, cache) == fresh  # everything kept: nothing searched
    assert len(searched_months) == 2 * len(MONTHS)

    # a late registration revises February: February alone is searched, and the result is
    # what a build without anything kept gives
    revised = {month: dict(joint) for month, joint in counts.items()}
    small = next(key for key, n in revised["2024-02"].items() if 0 < n < 5)
    revised["2024-02"][small] += 1
    searched_months.clear()
    assert protected(revised, cache) == protected(revised)
    searched_first = searched_months[: len(searched_months) - len(MONTHS)]
    assert len(searched_first) == 1
    assert len(list(cache.rglob("*.npz"))) == len(MONTHS) + 1


def test_a_damaged_or_foreign_entry_is_searched_again(tmp_path, searched_months):
    counts = random_counts(seed=12)
    cache = tmp_path / "cache"
    fresh = protected(counts, cache)
    entries = sorted(cache.rglob("*.npz"))
    # one entry cut short, one another month's copied over it, one not an .npz at all
    entries[0].write_bytes(entries[0].read_bytes()[:100])
    entries[1].write_bytes(entries[2].read_bytes())
    entries[2].write_text("not an entry")
    searched_months.clear()
    assert protected(counts, cache) == fresh
    assert len(searched_months) == 3
    searched_months.clear()
    assert protected(counts, cache) == fresh  # and kept again
    assert searched_months == []


def test_an_entry_that_hides_less_than_the_table_already_hides_is_not_used(tmp_path):
    table = types.SimpleNamespace(hidden=np.array([[[True, False]]]))
    cache = ContentCache(tmp_path, [jobtal.linked_tables])
    fits = jobtal.linked_tables.kept_protection
    outcome = np.array([1, 0, 1, 0])
    # written with its own key, so found under it: fits() is all that stands in the way
    cache.store("a" * 64, {"hidden": np.array([[[False, True]]]), "outcome": outcome})
    assert fits(cache, "a" * 64, table) is None
    cache.store("b" * 64, {"hidden": np.array([[[True, True]]]), "outcome": outcome})
    hidden, found = fits(cache, "b" * 64, table)
    assert hidden.tolist() == [[[True, True]]] and (found.added, found.searched) == (1, 1)
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_key_is_the_input_and_the_code():
    import jobtal.hypercube
    import jobtal.null_vectors

    one = ContentCache(None, [jobtal.hypercube])
    both = ContentCache(None, [jobtal.hypercube, jobtal.null_vectors])
    given = {"value": np.arange(4)}
    assert one.key(given) == ContentCache(None, [jobtal.hypercube]).key(dict(given))
    assert one.key(given) != both.key(given)
    assert one.key(given) != one.key({"value": np.arange(4) + 1})
    # nothing kept without a folder
    both.store("c" * 64, {"hidden": np.zeros(1, bool)})
    assert both.load("c" * 64, lambda arrays: True) is None


def test_a_build_again_takes_every_month_from_the_cache_and_publishes_the_same_bytes(
    tiny_package, tmp_path, capsys
):
    from jobtal.pipeline import build
    from tests.test_spark import different_files

    first = build(tiny_package, tmp_path / "first", work=tmp_path / "work", audit=False).site
    log = capsys.readouterr().err
    [tables] = re.findall(r"linked tables: 0 of (\d+) month-tables", log)
    [searched] = re.findall(r"linked tables: ([\d,]+) cells searched", log)
    assert int(searched.replace(",", "")) > 0
    assert int(tables) > 10  # 7 tables of 3 months, less those with nothing in them
    # a file per table, fewer where two tables are the same (each has its content's name)
    assert 0 < len(list((tmp_path / "work" / "cache" / "protection").rglob("*.npz"))) <= int(tables)
    again = build(tiny_package, tmp_path / "again", work=tmp_path / "work", audit=False).site
    log = capsys.readouterr().err
    assert f"linked tables: {tables} of {tables} month-tables' protections kept" in log
    # the searches of the first build are not counted as this one's
    assert "linked tables: 0 cells searched" in log
    assert re.search(r"of personer and unge_paa_ydelse: 0 cells .* \((\d+) of \1 month", log)
    assert different_files(first, again) == []
    # and the cache is the working folder's, nowhere in the site
    assert not [p for p in again.rglob("*") if p.suffix == ".npz" or p.name == "cache"]


def test_a_cache_that_cannot_be_written_is_said_once_and_left_alone(tmp_path, capsys):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    cache = ContentCache(tmp_path / "a-file" / "cache", [jobtal.linked_tables])
    for key in ("d" * 64, "e" * 64):
        cache.store(key, {"hidden": np.zeros(1, bool)})
    said = capsys.readouterr().err
    assert said.count("nothing more kept there") == 1 and "a-file" in said
    assert cache.load("d" * 64, lambda arrays: True) is None
