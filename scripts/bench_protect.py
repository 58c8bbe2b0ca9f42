"""What protection across linked tables costs, against the per-set rule, on one package.

    .venv/bin/python scripts/bench_protect.py [PACKAGE]     (default: the demo extracts)

Computes the indicators once, then protects them twice in the same run: set by set (SPEC
section 6's rule, which a reader of the linked sets undoes: protect(linked=False)) and across
linked tables (the hypercubes that jobtal publishes with). Prints, for each, the share of the
protected cells suppressed, per indicator and in all, and the seconds; then the differences.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from jobtal import paths
from jobtal.disclosure import protect
from jobtal.extracts.package import load_package
from jobtal.extracts.validate import validate_into
from jobtal.indicators.engine import compute, load_definitions, prepare
from jobtal.sql import connect

SHOWN = ("personer", "fuldtidspersoner", "unge_paa_ydelse", "afgang", "aktiveringsgrad")


def main() -> None:
    package_path = Path(sys.argv[1]) if len(sys.argv) > 1 else paths.DEFAULT_EXTRACTS
    package, problems = load_package(package_path)
    if package is None:
        sys.exit(f"{package_path}: not a data package ({problems})")
    con = connect()
    validate_into(con, package)
    prepare(con, package.reference_month)
    definitions = load_definitions()
    compute(con, definitions)
    con.execute("CREATE TEMP TABLE computed_values AS SELECT * FROM indicator_values")
    figures = {}
    for linked in (False, True):
        con.execute("CREATE OR REPLACE TEMP TABLE indicator_values AS FROM computed_values")
        started = time.perf_counter()
        protect(con, package.reference_month, definitions, linked=linked)
        seconds = time.perf_counter() - started
        shares = dict(
            con.execute(
                "SELECT indicator, 100 * avg(suppressed::INTEGER) FROM disclosure_cells "
                "GROUP BY ALL UNION ALL SELECT 'all', 100 * avg(suppressed::INTEGER) "
                "FROM disclosure_cells"
            ).fetchall()
        )
        figures[linked] = (shares, seconds)
    cells = con.execute("SELECT count(*) FROM computed_values").fetchone()[0]
    print(f"package: {package_path} ({package.reference_month}, {cells:,} protected cells)")
    print(f"{'suppressed %':<20} {'per set':>8} {'linked':>8} {'more':>6}")
    for indicator in (*SHOWN, "all"):
        before, after = figures[False][0].get(indicator), figures[True][0].get(indicator)
        if before is None:
            continue
        print(f"{indicator:<20} {before:>8.1f} {after:>8.1f} {after - before:>+6.1f}")
    print(
        f"seconds: per set {figures[False][1]:.1f}, linked {figures[True][1]:.1f} "
        f"({figures[True][1] / figures[False][1]:.1f} x the per-set rule)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
