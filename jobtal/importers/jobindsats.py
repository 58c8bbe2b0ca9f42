"""jobindsats.dk API v2 output -> tidy series.

Two shapes are read (see the reference's API_SHAPES.md): the API's JSON response,
`[{"Variables": [{"Label": ...}, ...], "Data": [[...], ...]}]`, and the same rows flattened to
one JSON object per line (labels as keys). The area column is "Area" or "Område", the period
"Periode" or "Period"; columns whose values are numbers (ints, or Danish decimal strings such as
"9,08") are measures, every other column a dimension. A table becomes one series with a
`measure` dimension: a row per area, period, dimension values and measure."""

from __future__ import annotations

import json
from pathlib import Path

from jobtal.areas import AreaNames
from jobtal.importers.series import (
    ImportProblem,
    Series,
    UnreadableSeriesFile,
    column_name,
    is_number_or_missing,
    parse_number,
    parse_period,
)

AREA_LABELS = ("area", "område", "omraade")
PERIOD_LABELS = ("periode", "period")


def read_records(path: Path) -> list[dict]:
    """The file's rows as {label: value}, whichever of the two shapes it has."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UnreadableSeriesFile(f"{path}: cannot be read ({error})") from error
    if not text.strip():
        raise ImportProblem(f"{path}: the file is empty")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        try:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as error:
            raise ImportProblem(
                f"{path}: line {error.lineno}: neither a jobindsats.dk response nor JSON rows"
            ) from None
    if isinstance(payload, dict) and len(payload) == 1 and "nøgle" in next(iter(payload)):
        raise ImportProblem(f"{path}: the API refused the key: {next(iter(payload))}")
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        if "Variables" in payload[0] and "Data" in payload[0]:
            labels = [variable["Label"] for variable in payload[0]["Variables"]]
            return [dict(zip(labels, row, strict=True)) for row in payload[0]["Data"]]
        return payload
    raise ImportProblem(f"{path}: not a jobindsats.dk response (expected Variables and Data)")


def import_jobindsats(path: Path, areas: AreaNames, table: str | None = None) -> Series:
    records = read_records(path)
    if not records:
        raise ImportProblem(f"{path}: the response holds no rows")
    labels = list(records[0])

    def find(names: tuple[str, ...], what: str) -> str:
        for label in labels:
            if label.strip().lower() in names:
                return label
        raise ImportProblem(f"{path}: no {what} column (one of {', '.join(names)})")

    area, period = find(AREA_LABELS, "area"), find(PERIOD_LABELS, "period")
    others = [label for label in labels if label not in (area, period)]
    measures = [
        label for label in others if all(is_number_or_missing(r.get(label)) for r in records)
    ]
    if not measures:
        raise ImportProblem(f"{path}: no column holds numbers")
    dimensions = [label for label in others if label not in measures]
    name = column_name(table or path.stem.split("_")[0])
    series = Series(
        name=name,
        title=f"jobindsats.dk {name.upper()}",
        source={"title": f"jobindsats.dk (STAR), tabel {name.upper()}"},
        dimensions=[*(column_name(d) for d in dimensions), "measure"],
    )
    for number, record in enumerate(records, start=1):
        label = str(record.get(area, ""))
        try:
            found = areas.find(label)
        except KeyError:
            raise ImportProblem(
                f"{path}: row {number}, {area}: {label!r} is not a municipality, region or the "
                "whole country in the reference data"
            ) from None
        if found is None:
            series.skipped += 1
            continue
        try:
            when = parse_period(str(record[period]))
        except ValueError:
            raise ImportProblem(
                f"{path}: row {number}, {period}: {record[period]!r} is not a period code "
                "(such as 2021M03, 2021Q1, 2021QMAT02 or 2021)"
            ) from None
        fixed = {
            "area_type": found.area_type,
            "area_code": found.area_code,
            "area_name": found.area_name,
            "period": when,
            **{column_name(d): str(record[d]).strip() for d in dimensions},
        }
        for measure in measures:
            series.rows.append(
                {**fixed, "measure": measure, "value": parse_number(record[measure])}
            )
    return series
