"""Statistics Denmark's statbank CSV exports -> tidy series.

An export is `;`-separated (sometimes `,` or a tab), UTF-8 with a byte order mark (sometimes
Windows-1252), with Danish or English labels. Which column holds the areas, which the time and
which the value is found from the content, not from a list of known tables: the time column is
the one whose every value is a time code, the value column the rightmost whose every value is a
number or a missing mark (".."), the area column the one whose labels the reference data knows
(municipalities, regions, the country; landsdele and "abroad" are skipped). Every other column
is a dimension of the table, kept as it is."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from jobtal.areas import AreaNames
from jobtal.importers.series import (
    ImportProblem,
    Series,
    UnreadableSeriesFile,
    column_name,
    is_number_or_missing,
    is_period,
    parse_number,
    parse_period,
)


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadableSeriesFile(f"{path}: cannot be read ({error.strerror})") from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")  # statbank's older exports


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    text = read_text(path)
    if not text.strip():
        raise ImportProblem(f"{path}: the file is empty")
    first = text.splitlines()[0]
    delimiter = max(";,\t", key=first.count)
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row]
    header, body = rows[0], rows[1:]
    if not body:
        raise ImportProblem(f"{path}: only a header, no rows")
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ImportProblem(
                f"{path}: row {number} has {len(row)} cells, the header {len(header)}"
            )
    return header, body


def import_statbank(path: Path, areas: AreaNames) -> Series:
    header, body = read_table(path)
    columns = list(zip(*body, strict=True))
    time = [i for i, values in enumerate(columns) if all(is_period(v) for v in values)]
    if not time:
        raise ImportProblem(f"{path}: no column holds time codes (such as 2024Q1, 2024M01, 2024)")
    value_candidates = [
        i
        for i, values in enumerate(columns)
        if i not in time and all(is_number_or_missing(v) for v in values)
    ]
    if not value_candidates:
        raise ImportProblem(f"{path}: no column holds only numbers (the values)")
    value = value_candidates[-1]
    # the area column: the one with the most labels the reference data knows
    known = {
        i: sum(areas.knows(v) for v in set(values))
        for i, values in enumerate(columns)
        if i not in (value, *time)
    }
    area = max(known, key=known.get, default=None)
    if area is None or known[area] == 0:
        raise ImportProblem(f"{path}: no column names municipalities, regions or the whole country")
    time_column = time[0]
    dimension_columns = [i for i in range(len(header)) if i not in (area, time_column, value)]
    dimensions = [column_name(header[i]) for i in dimension_columns]
    series = Series(
        name=column_name(path.stem),
        title=f"Statistikbanken {path.stem.upper()}",
        source={"title": f"Danmarks Statistik, Statistikbanken, tabel {path.stem.upper()}"},
        dimensions=dimensions,
    )
    for number, row in enumerate(body, start=2):
        label = row[area]
        try:
            found = areas.find(label)
        except KeyError:
            raise ImportProblem(
                f"{path}: row {number}, column {header[area]}: {label!r} is not a municipality, "
                "region or the whole country in the reference data"
            ) from None
        if found is None:
            series.skipped += 1
            continue
        series.rows.append(
            {
                "area_type": found.area_type,
                "area_code": found.area_code,
                "area_name": found.area_name,
                "period": parse_period(row[time_column]),
                **{
                    name: row[i].strip()
                    for name, i in zip(dimensions, dimension_columns, strict=True)
                },
                "value": parse_number(row[value]),
            }
        )
    return series
