"""Time and size `jobtal build` on the national-scale demo.

Generates the national demo (`jobtal demo --scale 1 --start 2016-01 --end 2025-12`) once into
--folder (kept between runs), then runs `jobtal build --data <it>` in a process of its own and
prints the rows per resource, the seconds of each stage as the build logs them, the whole
build's seconds and its peak memory, and the published site's size against SPEC section 8's
budget: the whole site, the release's archive, the largest file, the number of files and the
most rows of any CSV or Excel sheet. With --next it measures what a monthly release adds: it
first builds the package as it was a month earlier (the same spells cut at 2025-11, as an
extract made then would hold them) and then the whole package with `--previous` that site;
--releases 3 starts a month earlier still. (A second demo drawn to 2026-01 would not do: the
generator draws every month afresh, so every value would be revised.) --start 2024-01 measures
a two-year package instead of ten years (the default demo's months, quicker to try things on).

Every build of a run shares one cache of protections (jobtal.cache), emptied at the start: the
first build finds nothing kept, each later one what the builds before it kept. --again builds
the package a second time and prints its seconds and whether its site is the same bytes.

    .venv/bin/python scripts/bench_build.py [--folder build/bench] [--start 2016-01]
        [--next [--releases 2]] [--again] [--sizes-only] [--no-audit] [--memory-limit 2GB]

It times `jobtal validate` of the package first, in the same run, and prints the build's
seconds as a multiple of it (issue 24: within three times).

Targets (issue 4): every indicator for every area in under 3 minutes, the whole build under 6,
peak memory under 6 GB, on a 2-core machine. SPEC section 8: the site under 250 MB, under 10 MB
more per release, no file over 25 MiB, under 20,000 files, every CSV and sheet within Excel's
1,048,575 rows."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

JOBTAL = str(Path(sys.executable).with_name("jobtal"))
# Runs a command and prints its peak memory (kB) on stderr, as the last line: the figure is the
# command's own, not this process's.
PEAK_MEMORY = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)
STAGE_LINE = re.compile(r"^(?P<stage>[a-z][a-z ]*): (?P<summary>.*) in (?P<seconds>[0-9.]+) s$")


MIB = 1 << 20
SITE_BUDGET = 250e6
RELEASE_BUDGET = 10e6
LARGEST_FILE = 25 * MIB
MOST_FILES = 20_000
EXCEL_ROWS = 1_048_575


def national_demo(folder: Path, name: str = "national", months=("2016-01", "2025-12")) -> Path:
    package = folder / name
    if not (package / "datapackage.json").exists():
        started = time.perf_counter()
        subprocess.run(
            [JOBTAL, "demo", "--out", str(package), "--scale", "1"]
            + ["--start", months[0], "--end", months[1]],
            check=True,
        )
        print(f"national demo written in {time.perf_counter() - started:.0f} s")
    return package


def month_before(package: Path, folder: Path) -> Path:
    """The package as an extract made a month before its own would hold it: spells and
    activities that had started by the end of the month before its reference month, those
    still running then without an end; the population up to that month; `created` a month
    earlier. Written once into `folder`."""
    import duckdb

    target = folder / f"{package.name}-month-before"
    if (target / "datapackage.json").exists():
        return target
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    created = descriptor["created"]  # e.g. 2026-01-05T06:00:00Z: reference month 2025-12
    year, month = int(created[:4]), int(created[5:7])
    year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    earlier = f"{year:04d}-{month:02d}{created[7:]}"
    ref_year, ref_month = (year, month - 1) if month > 1 else (year - 1, 12)
    last_day = (
        duckdb.sql(f"SELECT last_day(DATE '{ref_year:04d}-{ref_month:02d}-01')")
        .fetchall()[0][0]
        .isoformat()
    )
    staging = folder / f".{target.name}.writing"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for resource in descriptor["resources"]:
        source, out = package / resource["path"], staging / resource["path"]
        fields = [f["name"] for f in resource.get("schema", {}).get("fields", [])]
        if {"start_date", "end_date"} <= set(fields):  # spells, activities, caseload
            columns = ", ".join(
                f"CASE WHEN end_date > DATE '{last_day}' THEN NULL ELSE end_date END AS end_date"
                if f == "end_date"
                else f
                for f in fields
            )
            where = f"start_date <= DATE '{last_day}'"
        elif resource["name"] == "population":
            columns, where = "*", f"month <= '{last_day[:7]}'"
        else:
            shutil.copyfile(source, out)
            continue
        duckdb.sql(
            f"COPY (SELECT {columns} FROM read_csv('{source}', header = true) WHERE {where}) "
            f"TO '{out}' (HEADER, DELIMITER ',')"
        )
    descriptor["created"] = earlier
    (staging / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    staging.rename(target)
    return target


def run_validate(package: Path) -> float:
    """`jobtal validate` of the package in a process of its own: its seconds (printed, with its
    peak memory), the floor a build is measured against (issue 24)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, JOBTAL, "validate", str(package)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit("jobtal validate failed:\n" + result.stdout[-2000:] + result.stderr[-2000:])
    peak = int(result.stderr.strip().splitlines()[-1]) / 1024 / 1024
    print(f"jobtal validate: {seconds:.1f} s; peak memory {peak:.2f} GB")
    return seconds


def run_build(
    package: Path, site: Path, previous: Path | None = None, options: tuple[str, ...] = ()
) -> float:
    """`jobtal build` in a process of its own: its stages' seconds, its own and peak memory;
    returns its seconds."""
    started = time.perf_counter()
    command = [JOBTAL, "build", "--data", str(package), "--out", str(site), *options]
    if previous:
        command += ["--previous", str(previous)]
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, *command], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    log = result.stderr.strip().splitlines()
    if result.returncode != 0:
        sys.exit("jobtal build failed:\n" + "\n".join(log[-30:]))
    print("stages (as jobtal build logs them):")
    for line in log:
        match = STAGE_LINE.match(line)
        if match:
            print(f"  {match['stage']:<12} {float(match['seconds']):7.1f} s  {match['summary']}")
        elif line.startswith("  ") and " in " in line and line.rstrip().endswith(" s"):
            print(f"      {line.strip()}")
        elif "protections kept" in line:
            print(f"      {line.strip()}")
    print(f"whole build: {seconds:.0f} s; peak memory {int(log[-1]) / 1024 / 1024:.2f} GB")
    return seconds


def tree_digest(site: Path) -> str:
    """SHA-256 over every file's path and bytes: equal for byte-identical sites."""
    digest = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(site)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def csv_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b"")) - 1


def sheet_rows(path: Path) -> int:
    """The most rows of any sheet, as the workbook's own dimensions say."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return max(sheet.max_row for sheet in workbook.worksheets)
    finally:
        workbook.close()


def release_bytes(site: Path, name: str) -> int:
    release = json.loads((site / "releases" / name / "release.json").read_text("utf-8"))
    return sum(f["bytes"] for f in release["files"].values())


def report_size(site: Path) -> dict:
    """Print the site's size figures against SPEC section 8; return them."""
    files = [p for p in site.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    largest = max(files, key=lambda p: p.stat().st_size)
    csvs = [p for p in files if p.suffix == ".csv"]
    most_csv = max(csvs, key=csv_rows)
    workbooks = [p for p in files if p.suffix == ".xlsx"]
    most_sheet = max(workbooks, key=sheet_rows) if workbooks else None
    index = json.loads((site / "releases" / "index.json").read_text("utf-8"))["releases"]
    latest = index[-1]["name"]
    archive = release_bytes(site, latest)
    by_folder: dict[str, int] = {}
    for path in files:
        parts = path.relative_to(site).parts
        key = "/".join(parts[:2]) if parts[0] in ("data", "en") and len(parts) > 2 else parts[0]
        by_folder[key] = by_folder.get(key, 0) + path.stat().st_size

    def mark(ok: bool) -> str:
        return "within" if ok else "OVER"

    print(f"site {site}:")
    print(f"  whole site      {total / 1e6:8.1f} MB  ({mark(total < SITE_BUDGET)} 250 MB)")
    print(f"  files           {len(files):8,}     ({mark(len(files) < MOST_FILES)} 20,000)")
    print(
        f"  largest file    {largest.stat().st_size / MIB:8.1f} MiB "
        f"({mark(largest.stat().st_size <= LARGEST_FILE)} 25 MiB): {largest.relative_to(site)}"
    )
    print(f"  release {latest} archive {archive / 1e6:6.1f} MB")
    rows = csv_rows(most_csv)
    print(
        f"  most CSV rows   {rows:8,}     ({mark(rows <= EXCEL_ROWS)} 1,048,575): "
        f"{most_csv.relative_to(site)}"
    )
    if most_sheet:
        rows = sheet_rows(most_sheet)
        print(
            f"  most sheet rows {rows:8,}     ({mark(rows <= EXCEL_ROWS)} 1,048,576): "
            f"{most_sheet.relative_to(site)}"
        )
    print("  by folder:")
    for key, size in sorted(by_folder.items(), key=lambda item: -item[1])[:10]:
        print(f"    {key:<24} {size / 1e6:8.1f} MB")
    return {"total": total, "archive": archive}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("build/bench"))
    parser.add_argument(
        "--start", default="2016-01", help="the demo's first month (default: ten years)"
    )
    parser.add_argument(
        "--next", action="store_true", help="build the month before first (see --releases)"
    )
    parser.add_argument(
        "--releases",
        type=int,
        default=2,
        help="with --next: the months built one after the other, each with the one before "
        "as its previous site (default 2: the month before, then the month)",
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="build the package a second time, with what the first build kept (jobtal.cache)",
    )
    parser.add_argument("--sizes-only", action="store_true", help="size the built sites only")
    parser.add_argument(
        "--no-audit", action="store_true", help="build without the attacker's audit"
    )
    parser.add_argument("--memory-limit", help="jobtal build's --memory-limit, e.g. 2GB")
    arguments = parser.parse_args()
    options = ("--no-audit",) if arguments.no_audit else ()
    if arguments.memory_limit:
        options += ("--memory-limit", arguments.memory_limit)
    months = (arguments.start, "2025-12")
    name = "national" if arguments.start == "2016-01" else f"national-from-{arguments.start}"
    package = national_demo(arguments.folder, name, months)
    # every build of this run keeps and reuses its protections in one cache (jobtal.cache),
    # emptied first: the first build finds nothing kept
    cache_folder = arguments.folder / "cache"
    shutil.rmtree(cache_folder, ignore_errors=True)
    cache = ("--cache", str(cache_folder))
    site = arguments.folder / "site"
    if not arguments.sizes_only:
        rows = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        print(f"package: {package}")
        for resource in rows["resources"]:
            print(f"  {resource['name']}: {csv_rows(package / resource['path']):,} rows")
    if arguments.next:
        # the package as extracts made `releases - 1`, ..., 1 months earlier would hold it,
        # each built with the one before as the published site, then the package itself
        packages = [package]
        for _ in range(arguments.releases - 1):
            packages.insert(0, month_before(packages[0], arguments.folder))
        sites = [
            arguments.folder / f"site-{i}-months-before" for i in range(len(packages) - 1, 0, -1)
        ]
        sites.append(site)
        sizes, previous = [], None
        for number, (extracts, built) in enumerate(zip(packages, sites, strict=True), 1):
            if not arguments.sizes_only:
                print(
                    f"release {number} of {len(packages)}: {extracts}"
                    + (f", with --previous {previous}" if previous else "")
                )
                run_build(extracts, built, previous=previous, options=options + cache)
            sizes.append(report_size(built))
            previous = built
        added = sizes[-1]["total"] - sizes[-2]["total"]
        print(
            f"the release added {added / 1e6:.1f} MB to the site "
            f"({'within' if added < RELEASE_BUDGET else 'OVER'} 10 MB)"
        )
        return
    if not arguments.sizes_only:
        validating = run_validate(package)
        building = run_build(package, site, options=options + cache)
        print(
            f"the build took {building / validating:.1f} times a validation of its package "
            "(issue 24's target: within 3)"
        )
        if arguments.again:
            print("the same package again, with what the first build kept:")
            again = run_build(package, arguments.folder / "site-again", options=options + cache)
            same = tree_digest(site) == tree_digest(arguments.folder / "site-again")
            print(
                f"built again in {again:.0f} s: {again / validating:.1f} times the validation, "
                f"{again / building:.2f} times the first build; "
                f"{'the same bytes' if same else 'NOT THE SAME BYTES'} as the first build's site"
            )
    report_size(site)


if __name__ == "__main__":
    main()
