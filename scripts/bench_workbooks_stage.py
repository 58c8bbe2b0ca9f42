"""The workbooks stage on its own, on a built site's published totals: this checkout's against
another revision's, in one run.

    .venv/bin/python scripts/bench_workbooks_stage.py SITE PACKAGE --against REV [--runs 3]

SITE is a site `jobtal build` wrote (its data/jobtal.parquet holds the published values), PACKAGE
the extracts it was built from (their municipalities.csv). For each checkout (this one, and a
temporary `git worktree` of REV), a process of its own loads the two into DuckDB and times
`write_workbooks` (every jobcentre's and indicator's workbook in both languages, on the
workers, as the build does), alternately --runs times. It prints each checkout's median
seconds, the ratio, and whether every workbook came out the same bytes (it must: the published
files may not change with a speed-up). The workbooks' titles are made up (the same for both):
the published values are what is read, not the build's definitions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from worktrees import REPO, checked_out, measured_in_process  # scripts/worktrees.py


def measure(tree: Path, site: Path, package: Path) -> dict:
    """Run in a process whose jobtal is `tree`'s (see main)."""
    sys.path.insert(0, str(tree))
    import duckdb

    from jobtal.publish import workbooks
    from jobtal.publish.language import Language

    assert workbooks.__file__.startswith(str(tree)), workbooks.__file__
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE published AS SELECT * FROM read_parquet(?)",
        [str(site / "data" / "jobtal.parquet")],
    )
    con.execute(
        "CREATE TABLE municipalities AS SELECT * FROM read_csv(?)",
        [str(package / "municipalities.csv")],
    )
    indicators = [  # in a fixed order: the sheets follow it
        i for (i,) in con.execute("SELECT DISTINCT indicator FROM published ORDER BY 1").fetchall()
    ]
    books = [
        workbooks.Workbooks(
            lang=Language.load(code),
            indicators={i: workbooks.Indicator(i, f"Indikator {i}", "pct.", 1) for i in indicators},
            release="2025-12",
            created=datetime(2026, 1, 5, 6),
            synthetic=True,
            sources=["jobtal"],
        )
        for code in ("da", "en")
    ]
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        paths = workbooks.write_workbooks(con, Path(folder), books)
        seconds = time.perf_counter() - started
        digest = hashlib.sha256()
        for path in paths:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return {"seconds": seconds, "workbooks": len(paths), "hash": digest.hexdigest()[:16]}


def run_in_process(tree: Path, site: Path, package: Path) -> dict:
    return measured_in_process(__file__, tree, str(site), str(package))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("package", type=Path)
    parser.add_argument("--against", metavar="REV", help="a git revision to compare with")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", metavar="TREE", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    site, package = arguments.site.resolve(), arguments.package.resolve()
    if arguments.measure:
        print(json.dumps(measure(arguments.measure, site, package)))
        return
    if not arguments.against:
        parser.error("--against REV is needed: the revision to compare with")
    runs: dict[str, list[dict]] = {"this checkout": [], arguments.against: []}
    with checked_out(arguments.against) as tree:
        for _ in range(arguments.runs):  # alternately, so that the machine's load hits both
            runs["this checkout"].append(run_in_process(REPO, site, package))
            runs[arguments.against].append(run_in_process(tree, site, package))
    medians = {}
    for label, figures in runs.items():
        seconds = [f["seconds"] for f in figures]
        medians[label] = statistics.median(seconds)
        print(
            f"{label:<14} {medians[label]:6.1f} s (median of "
            f"{', '.join(f'{s:.1f}' for s in seconds)}), "
            f"{figures[0]['workbooks']} workbooks, hash {figures[0]['hash']}"
        )
    ratio = medians["this checkout"] / medians[arguments.against]
    print(f"this checkout takes {ratio:.2f} times {arguments.against}'s")
    hashes = {f["hash"] for figures in runs.values() for f in figures}
    print("the same bytes" if len(hashes) == 1 else "DIFFERENT BYTES")
    sys.exit(0 if len(hashes) == 1 else 1)


if __name__ == "__main__":
    main()
