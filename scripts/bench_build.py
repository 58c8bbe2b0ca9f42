"""Time `jobtal build` stage by stage on the national-scale demo.

Generates the national demo (`jobtal demo --scale 1 --start 2016-01 --end 2025-12`) once into
--folder (kept between runs), then runs `jobtal build --data <it>` in a process of its own and
prints the rows per resource, the seconds of each stage as the build logs them, the whole
build's seconds and its peak memory.

    .venv/bin/python scripts/bench_build.py [--folder build/bench]

Targets (issue 4): every indicator for every area in under 3 minutes, the whole build under 6,
peak memory under 6 GB, on a 2-core machine."""

from __future__ import annotations

import argparse
import json
import re
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


def national_demo(folder: Path) -> Path:
    package = folder / "national"
    if not (package / "datapackage.json").exists():
        started = time.perf_counter()
        subprocess.run(
            [JOBTAL, "demo", "--out", str(package), "--scale", "1"]
            + ["--start", "2016-01", "--end", "2025-12"],
            check=True,
        )
        print(f"national demo written in {time.perf_counter() - started:.0f} s")
    return package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("build/bench"))
    arguments = parser.parse_args()
    package = national_demo(arguments.folder)
    rows = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    print(f"package: {package}")
    for resource in rows["resources"]:
        path = package / resource["path"]
        with path.open("rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b""))
        print(f"  {resource['name']}: {lines - 1:,} rows")

    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, JOBTAL, "build", "--data", str(package)]
        + ["--out", str(arguments.folder / "site")],
        capture_output=True,
        text=True,
        check=False,
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
    print(f"whole build: {seconds:.0f} s; peak memory {int(log[-1]) / 1024 / 1024:.2f} GB")


if __name__ == "__main__":
    main()
