"""Time `jobtal audit` on a built site, against the floor of reading its published values.

    .venv/bin/python scripts/bench_audit.py [SITE]      (default build/site)

Prints the seconds to read the values (the floor: the audit cannot be faster than reading
what it audits), to derive the relations, to bound every suppressed value, the ratio of the
whole to the floor, the LPs solved and the peak memory."""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from jobtal.audit import audit_published
from jobtal.audit.published import load_site
from jobtal.audit.relations import IndicatorKnowledge
from jobtal.indicators.engine import load_definitions
from jobtal.sql import connect


def main() -> None:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "build/site")
    knowledge = IndicatorKnowledge.of(load_definitions())
    con = connect()
    started = time.perf_counter()
    releases = load_site(con, site)
    read = time.perf_counter() - started
    values = con.execute("SELECT count(*) FROM published_values").fetchone()[0]
    result = audit_published(con, knowledge)
    whole = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"site: {site} ({len(releases)} release files, {values:,} published values)")
    print(f"read the published values (floor): {read:.1f} s")
    print(
        f"audit: {result.seconds:.1f} s for {len(result.suppressed):,} suppressed values, "
        f"{result.relations:,} relations, {result.lps:,} LPs; "
        f"{len(result.leaks):,} given away"
    )
    print(f"whole: {whole:.1f} s = {whole / read:.1f}x the floor; peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
