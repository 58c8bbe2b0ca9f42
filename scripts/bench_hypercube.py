"""The hypercube search on its own: this checkout's against another revision's, in one run.

    .venv/bin/python scripts/bench_hypercube.py [PACKAGE] [--against REV]

PACKAGE defaults to the demo extracts (`jobtal demo` writes them). For each checkout (this one,
and with --against a temporary `git worktree` of REV), a process of its own validates and
computes the package and collects the month-tables protection hands its workers, then times
`protect_table_copy` over them in that one process (no workers: the search alone, without
starting processes or reading the values back). It prints the seconds, the searches and the
milliseconds per search, a hash of every table's suppressed cells and outcome, and with
--against the ratio of the two times and whether the hashes agree (a speed-up must leave them
equal: the same cells suppressed)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

from worktrees import REPO, checked_out, measured_in_process  # scripts/worktrees.py


def measure(tree: Path, package: Path) -> dict:
    """Run in a process whose jobtal is `tree`'s (see main)."""
    sys.path.insert(0, str(tree))
    import jobtal.linked_tables as linked_tables
    from jobtal.disclosure import protect
    from jobtal.extracts.package import load_package
    from jobtal.extracts.validate import validate_into
    from jobtal.hypercube import protect_table_copy
    from jobtal.indicators.engine import compute, load_definitions, prepare
    from jobtal.sql import connect

    assert linked_tables.__file__.startswith(str(tree)), linked_tables.__file__
    collected = []
    run_here = linked_tables.map_in_processes

    def collect(function, items, worth_it, sizes=None):
        collected.extend(items)
        return run_here(function, items, worth_it=False, sizes=sizes)

    linked_tables.map_in_processes = collect
    # (the steps spelled out, not a helper of jobtal's: they must run on older revisions too)
    loaded, problems = load_package(package)
    if loaded is None:
        sys.exit(f"{package}: not a data package ({problems})")
    con = connect()
    validate_into(con, loaded)
    prepare(con, loaded.reference_month)
    definitions = load_definitions()
    compute(con, definitions)
    protect(con, loaded.reference_month, definitions, linked=True)
    con.close()

    digest = hashlib.sha256()
    searched = 0
    started = time.perf_counter()
    for table in collected:
        hidden, outcome = protect_table_copy(table)
        searched += outcome.searched
        digest.update(hidden.tobytes())
        digest.update(repr(outcome).encode())
    seconds = time.perf_counter() - started
    return {
        "tables": len(collected),
        "seconds": seconds,
        "searched": searched,
        "hash": digest.hexdigest()[:16],
    }


def run_in_process(tree: Path, package: Path) -> dict:
    return measured_in_process(__file__, tree, str(package))


def show(label: str, figures: dict) -> None:
    print(
        f"{label:<12} {figures['seconds']:7.1f} s  {figures['tables']} tables, "
        f"{figures['searched']:,} protecting searches (first pass), "
        f"{1000 * figures['seconds'] / max(figures['searched'], 1):.2f} ms per search; "
        f"hash {figures['hash']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("package", nargs="?", type=Path)
    parser.add_argument("--against", metavar="REV", help="a git revision to compare with")
    parser.add_argument("--measure", metavar="TREE", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure:
        print(json.dumps(measure(arguments.measure, arguments.package.resolve())))
        return
    if arguments.package is None:
        sys.path.insert(0, str(REPO))
        from jobtal import paths

        arguments.package = paths.DEFAULT_EXTRACTS
    package = arguments.package.resolve()
    if not (package / "datapackage.json").is_file():
        sys.exit(f"{package}: no datapackage.json (write the demo with `jobtal demo`)")
    here = run_in_process(REPO, package)
    show("this checkout", here)
    if not arguments.against:
        return
    with checked_out(arguments.against) as tree:
        there = run_in_process(tree, package)
    show(arguments.against, there)
    print(
        f"this checkout takes {here['seconds'] / there['seconds']:.2f} times {arguments.against}'s"
    )
    same = here["hash"] == there["hash"]
    print("the same cells suppressed" if same else "DIFFERENT CELLS SUPPRESSED")


if __name__ == "__main__":
    main()
