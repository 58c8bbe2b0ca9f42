"""The Excel workbooks' writing on its own: rows written by RowsWorksheet.write_rows against
XlsxWriter's own cell-by-cell calls (the peer), on workbooks shaped like a national build's, in
one run and one process.

A national build writes 98 jobcentre workbooks (a sheet per indicator: 120 months by the
jobcentre's 12 benefits and its 3 comparison areas) and 16 indicator workbooks (a sheet per
benefit: 120 months by 110 areas), in two languages. This writes --jobcentres of the first kind
and --indicators of the second, with made-up values (one in ten suppressed, the last month
provisional), each book both ways, --runs times, and prints for each way the median seconds,
the microseconds per cell and the ratio, and whether every workbook came out the same bytes
both ways (it must).

    .venv/bin/python scripts/bench_workbooks.py [--jobcentres 4] [--indicators 2] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobtal import vocabulary  # noqa: E402
from jobtal.publish import xlsx_rows  # noqa: E402
from jobtal.publish.language import Language  # noqa: E402
from jobtal.publish.workbooks import (  # noqa: E402
    Indicator,
    Workbooks,
    indicator_workbook,
    jobcentre_workbook,
)

PERIODS = [f"{year}-{month:02d}" for year in range(2016, 2026) for month in range(1, 13)]
BENEFITS = list(vocabulary.BENEFITS)  # the 11 benefits and all of them
INDICATORS = 16
AREAS = (
    [("kommune", str(101 + number)) for number in range(98)]
    + [("kommunegruppe", str(number)) for number in range(1, 7)]
    + [("region", str(1081 + number)) for number in range(5)]
    + [("land", "DK")]
)


def made_up(random_values: random.Random, period: str) -> tuple:
    if random_values.random() < 0.1:
        return None, "suppressed"
    value = round(random_values.random() * 5000, 1)
    return value, "provisional" if period == PERIODS[-1] else ""


def shapes(jobcentres: int, indicators: int) -> tuple[Workbooks, list, list, dict]:
    random_values = random.Random(24)
    book = Workbooks(
        lang=Language.load("da"),
        indicators={
            f"i{n}": Indicator(f"i{n}", f"Indikator {n}", "antal", n % 3) for n in range(INDICATORS)
        },
        release="2025-12",
        created=datetime(2026, 1, 5),
        synthetic=True,
        sources=["jobtal"],
    )
    names = {area: f"Område {area[1]}" for area in AREAS}
    jobcentre_books = []
    for code in [code for kind, code in AREAS if kind == "kommune"][:jobcentres]:
        own = {
            indicator: {
                (period, ("kommune", code, benefit)): made_up(random_values, period)
                for period in PERIODS
                for benefit in BENEFITS
            }
            for indicator in book.indicators
        }
        compared = [
            {
                indicator: {
                    (period, (kind, area, "alle")): made_up(random_values, period)
                    for period in PERIODS
                }
                for indicator in book.indicators
            }
            for kind, area in [("kommunegruppe", "1"), ("region", "1081"), ("land", "DK")]
        ]
        jobcentre_books.append((f"Område {code}", [own, *compared]))
    indicator_books = [
        (
            indicator,
            {
                benefit: {
                    (period, area): made_up(random_values, period)
                    for area in AREAS
                    for period in PERIODS
                }
                for benefit in BENEFITS
            },
        )
        for indicator in list(book.indicators.values())[:indicators]
    ]
    return book, jobcentre_books, indicator_books, names


def write_all(book, jobcentre_books, indicator_books, names, folder: Path) -> list[Path]:
    paths = []
    for number, (name, areas) in enumerate(jobcentre_books):
        paths.append(folder / f"jobcentre{number}.xlsx")
        jobcentre_workbook(book, areas, name, names, paths[-1])
    for indicator, benefits in indicator_books:
        paths.append(folder / f"{indicator.id}.xlsx")
        indicator_workbook(book, benefits, indicator.id, names, paths[-1])
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobcentres", type=int, default=4)
    parser.add_argument("--indicators", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    book, jobcentre_books, indicator_books, names = shapes(
        arguments.jobcentres, arguments.indicators
    )
    cells = sum(
        len(cells) for _, areas in jobcentre_books for area in areas for cells in area.values()
    ) + sum(len(cells) for _, benefits in indicator_books for cells in benefits.values())
    rows_at_once = xlsx_rows.RowsWorksheet.write_rows
    ways = {"write_rows": rows_at_once, "XlsxWriter cell by cell": xlsx_rows.write_cell_by_cell}
    seconds: dict[str, list[float]] = {way: [] for way in ways}
    written: dict[str, list[bytes]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(arguments.runs):
            for way, write_rows in ways.items():  # alternately, so load hits both alike
                xlsx_rows.RowsWorksheet.write_rows = write_rows
                started = time.perf_counter()
                paths = write_all(book, jobcentre_books, indicator_books, names, Path(folder))
                seconds[way].append(time.perf_counter() - started)
                written[way] = [path.read_bytes() for path in paths]
    xlsx_rows.RowsWorksheet.write_rows = rows_at_once
    print(
        f"{arguments.jobcentres} jobcentre and {arguments.indicators} indicator workbooks, "
        f"{cells:,} cells, median of {arguments.runs} runs:"
    )
    medians = {way: statistics.median(times) for way, times in seconds.items()}
    for way, median in medians.items():
        print(f"  {way:<24} {median:6.2f} s  {median / cells * 1e6:5.1f} µs a cell")
    ratio = medians["write_rows"] / medians["XlsxWriter cell by cell"]
    print(f"  write_rows / cell by cell: {ratio:.2f} ({1 / ratio:.1f} times as fast)")
    same = written["write_rows"] == written["XlsxWriter cell by cell"]
    print(f"  the same bytes both ways: {'yes' if same else 'NO'}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
