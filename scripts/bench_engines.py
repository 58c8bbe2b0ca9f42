"""Time the indicators' computation on DuckDB and on Spark (issue 23), on the same package, in
one run, and print the ratio and each engine's peak memory.

Each engine runs in a process of its own: the package is validated into DuckDB (not timed), then
the computation is timed: on DuckDB base.sql and the twelve definitions; on Spark the same SQL
with the typed extracts written as Parquet for it and the values handed back to DuckDB (its
session's start, the JVM's, is timed apart). Peak memory: the process's own, and for Spark the
JVM's too (its VmHWM).

    .venv/bin/python scripts/bench_engines.py [--data PACKAGE] [--national] [--folder build/bench]

Without --data: the default demo (`jobtal demo`), or with --national the national benchmark
(`jobtal demo --scale 1 --start 2016-01 --end 2025-12`), written once into --folder."""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

JOBTAL = str(Path(sys.executable).with_name("jobtal"))


def worker(engine: str, data: Path, work: Path) -> dict:
    """Validate, then time the computation on one engine; the figures as a dict."""
    from jobtal.extracts.package import load_package
    from jobtal.extracts.validate import validate_into
    from jobtal.indicators.engine import compute, load_definitions, prepare
    from jobtal.sql import connect

    package, _ = load_package(data)
    con = connect()
    report = validate_into(con, package)
    if not report.valid:
        raise SystemExit(report.to_text())
    definitions = load_definitions()
    figures = {"engine": engine, "rows": sum(report.rows.values())}
    if engine == "spark":
        from jobtal.indicators import spark

        started = time.perf_counter()
        session = spark.session(work)
        figures["session_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        values = spark.compute_on_spark(con, definitions, package.reference_month, work)
        figures["seconds"] = time.perf_counter() - started
        jvm = session.sparkContext._gateway.proc.pid  # the local JVM
        status = Path(f"/proc/{jvm}/status").read_text()
        figures["jvm_peak_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
        session.stop()
    else:
        started = time.perf_counter()
        prepare(con, package.reference_month)
        values = compute(con, definitions)
        figures["seconds"] = time.perf_counter() - started
    figures["values"] = values
    figures["python_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def demo_package(folder: Path, national: bool) -> Path:
    target = folder / ("national" if national else "demo")
    if not (target / "datapackage.json").exists():
        extra = ["--scale", "1", "--start", "2016-01", "--end", "2025-12"] if national else []
        subprocess.run([JOBTAL, "demo", "--out", str(target), *extra], check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--folder", type=Path, default=Path("build/bench"))
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "DATA", "WORK"))
    args = parser.parse_args()
    if args.worker:
        engine, data, work = args.worker
        print(json.dumps(worker(engine, Path(data), Path(work))))
        return
    data = args.data or demo_package(args.folder, args.national)
    results = {}
    for engine in ("duckdb", "spark"):
        run = subprocess.run(
            [sys.executable, __file__, "--worker", engine, str(data), str(args.folder / "work")],
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            sys.exit(f"{engine} failed:\n{run.stderr[-3000:]}")
        results[engine] = json.loads(run.stdout.strip().splitlines()[-1])
    duck, spark = results["duckdb"], results["spark"]
    if duck["values"] != spark["values"]:
        sys.exit(f"the engines computed {duck['values']:,} and {spark['values']:,} values")
    print(f"package: {data} ({duck['rows']:,} rows validated), {duck['values']:,} values")
    print(f"duckdb: {duck['seconds']:.1f} s, peak {duck['python_peak_mb']:,.0f} MB")
    print(
        f"spark (local): {spark['seconds']:.1f} s (+ {spark['session_seconds']:.1f} s to start "
        f"its session), peak {spark['python_peak_mb']:,.0f} MB in Python and "
        f"{spark['jvm_peak_mb']:,.0f} MB in the JVM"
    )
    print(f"ratio spark/duckdb: {spark['seconds'] / duck['seconds']:.1f}")


if __name__ == "__main__":
    main()
