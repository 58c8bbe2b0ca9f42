"""What every importer shares: period codes and numbers as publishers write them, and the tidy
data package of aggregate series they all write.

Periods (SPEC §7): `YYYY-MM` for a month, `YYYY-Qn` for a quarter, `YYYY` for a year, and
`YYYY-Qn-MAT` for jobindsats.dk's moving annual figures (the four quarters ending with quarter n
of YYYY: its `2021QMAT02`)."""

from __future__ import annotations

import csv
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from jobtal.extracts.package import UnusableInput

PERIOD_FORMS = [
    (re.compile(r"^(\d{4})M(0[1-9]|1[0-2])$"), "{0}-{1}"),  # 2021M10, statbank and jobindsats
    (re.compile(r"^(\d{4})[QK]([1-4])$"), "{0}-Q{1}"),  # 2024Q1 (English), 2024K1 (Danish)
    (re.compile(r"^(\d{4})QMAT0?([1-4])$"), "{0}-Q{1}-MAT"),  # 2021QMAT02, jobindsats
    (re.compile(r"^(\d{4})$"), "{0}"),
]
MISSING = {"", "..", "...", "-", ":"}  # statbank writes ".." for a value it does not publish
AREA_COLUMNS = ["area_type", "area_code", "area_name", "period"]


class ImportProblem(Exception):
    """The file cannot be imported as it is: the message names file, row, column and value."""


class UnreadableSeriesFile(UnusableInput):
    """The file cannot be read at all."""


def parse_period(code: str) -> str:
    text = code.strip()
    for pattern, form in PERIOD_FORMS:
        match = pattern.match(text)
        if match:
            return form.format(*match.groups())
    raise ValueError(text)


def is_period(code: str) -> bool:
    try:
        parse_period(code)
    except ValueError:
        return False
    return True


def parse_number(text: object) -> float | int | None:
    """12, "12", "9,08" (a Danish decimal comma), "1.234,5", 12.5; None where missing."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return text
    value = str(text).strip()
    if value in MISSING:
        return None
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    number = float(value)  # ValueError for anything else
    return int(number) if number.is_integer() and "." not in value else number


def is_number_or_missing(text: object) -> bool:
    try:
        parse_number(text)
    except ValueError:
        return False
    return True


def column_name(label: str) -> str:
    """A publisher's column label as a field name: 'KØN' -> 'koen', 'Ydelsesgrupper' ->
    'ydelsesgrupper'."""
    text = label.strip().lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "dimension"


@dataclass
class Series:
    """One imported table, tidy: a row per area, period and combination of the other
    dimensions, with its value (None where the source publishes none)."""

    name: str  # the resource name, e.g. "auk01"
    title: str
    source: dict  # {"title": ..., "path": ...}
    dimensions: list[str]  # the table's other dimensions, as field names
    rows: list[dict] = field(default_factory=list)
    skipped: int = 0  # rows of areas the site does not show (landsdele, abroad, not stated)

    def sorted_rows(self) -> list[dict]:
        order = {"land": 0, "region": 1, "kommune": 2}
        return sorted(
            self.rows,
            key=lambda r: (
                order[r["area_type"]],
                int(r["area_code"]) if r["area_code"].isdigit() else 0,
                r["period"],
                *(str(r[d]) for d in self.dimensions),
            ),
        )

    def schema(self) -> dict:
        fields = [
            {
                "name": "area_type",
                "type": "string",
                "constraints": {"required": True, "enum": ["land", "region", "kommune"]},
            },
            {"name": "area_code", "type": "string", "constraints": {"required": True}},
            {"name": "area_name", "type": "string"},
            {"name": "period", "type": "string", "constraints": {"required": True}},
            *({"name": d, "type": "string"} for d in self.dimensions),
            {"name": "value", "type": "number"},
        ]
        return {
            "fields": fields,
            "missingValues": [""],
            "primaryKey": ["area_type", "area_code", "period", *self.dimensions],
        }


def write_package(series: list[Series], out: Path, title: str, created: str) -> Path:
    """Write the series as CSV files with a datapackage.json into `out`, replacing it only once
    everything is written."""
    staging = out.with_name(f".{out.name}.importing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    resources = []
    for table in series:
        columns = [*AREA_COLUMNS, *table.dimensions, "value"]
        with (staging / f"{table.name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in table.sorted_rows():
                value = row["value"]
                writer.writerow([*(row[c] for c in columns[:-1]), "" if value is None else value])
        resources.append(
            {
                "name": table.name,
                "title": table.title,
                "path": f"{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "sources": [table.source],
                "schema": table.schema(),
            }
        )
    descriptor = {
        "name": re.sub(r"[^a-z0-9._-]+", "-", title.lower()).strip("-"),
        "title": title,
        "created": created,
        "resources": resources,
    }
    (staging / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return out / "datapackage.json"
