"""The demo's data package (jobtal.demo draws the microdata): the extracts as CSV files, the
real reference tables and embedded series copied beside them, and a self-contained descriptor."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from jobtal import paths
from jobtal.defaults import DemoSettings
from jobtal.demo_internal import caseload_table, staff_table
from jobtal.extracts.package import contract_resources, internal_resources, with_caseworker


def write_package(
    out: Path,
    settings: DemoSettings,
    population: pd.DataFrame,
    spells: dict,
    activities: dict,
    extract_day,
    staff: pd.DataFrame,
    caseload: dict,
) -> dict[str, int]:
    """Write the package to `out`; return the number of rows per resource."""
    reference = paths.DATASETS / "reference"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("regions", "municipalities", "neighbours"):
        shutil.copyfile(reference / f"{name}.csv", out / f"{name}.csv")
    tables = {
        "population": population,
        "benefit_spells": spells_table(spells, extract_day),
        "activities": activities_table(activities, extract_day, staff),
        "caseworkers": staff_table(staff),
        "caseload": caseload_table(caseload, staff, pseudonyms, extract_day),
    }
    for name, frame in tables.items():
        write_csv(frame, out / f"{name}.csv")
    descriptor = demo_descriptor(settings, str(extract_day))
    series = copy_embedded_series(out)
    descriptor["resources"] += series
    (out / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    rows = {name: len(frame) for name, frame in tables.items()}
    rows.update(
        {
            name: count_lines(out / f"{name}.csv") - 1
            for name in ("regions", "municipalities", "neighbours")
        }
    )
    rows.update({r["name"]: count_lines(out / r["path"]) - 1 for r in series})
    return rows


def spells_table(spells: dict, extract_day) -> pd.DataFrame:
    order = np.lexsort((spells["person"], spells["start"]))
    end = spells["end"][order]
    return pd.DataFrame(
        {
            "spell_id": [f"s{i:08d}" for i in range(len(order))],
            "person_id": pseudonyms(spells["person"][order]),
            "municipality_code": spells["municipality"][order],
            "benefit": spells["benefit"][order],
            "start_date": spells["start"][order],
            "end_date": np.where(end >= extract_day, np.datetime64("NaT"), end),
            "fte": spells["fte"][order],
            "sex": spells["sex"][order],
            "birth_year": spells["birth_year"][order],
            "readiness": spells["readiness"][order],
        }
    )


def activities_table(activities: dict, extract_day, staff: pd.DataFrame) -> pd.DataFrame:
    end = activities["end"]
    ids = np.append(staff["caseworker_id"].to_numpy(), None)  # -1: no caseworker
    return pd.DataFrame(
        {
            "activity_id": [f"a{i:08d}" for i in range(len(end))],
            "person_id": pseudonyms(activities["person"]),
            "municipality_code": activities["municipality"],
            "activity": activities["activity"],
            "start_date": activities["start"],
            "end_date": np.where(end >= extract_day, np.datetime64("NaT"), end),
            "caseworker_id": ids[activities["caseworker"]],
        }
    )


def pseudonyms(person: np.ndarray) -> list[str]:
    # A letter prefix and a hash-like spread keep ids far from anything CPR-shaped.
    spread = (person.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(4294967296)
    return [f"p{value:08x}" for value in spread.tolist()]


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Plain UTF-8 CSV, ISO dates, empty cells for missing values, written by DuckDB for speed."""
    con = duckdb.connect()
    con.register("frame", frame)
    columns = ", ".join(
        f'CAST("{name}" AS DATE) AS "{name}"' if str(dtype).startswith("datetime") else f'"{name}"'
        for name, dtype in frame.dtypes.items()
    )
    con.execute(f"COPY (SELECT {columns} FROM frame) TO '{path}' (HEADER, DELIMITER ',')")
    con.close()


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def copy_embedded_series(out: Path) -> list[dict]:
    """The real published series committed in datasets/series (written by `jobtal import` from
    datasets/sources), copied beside the demo extracts; returns their descriptor entries."""
    resources = []
    for descriptor_path in sorted(paths.EMBEDDED_SERIES.glob("*/datapackage.json")):
        for resource in json.loads(descriptor_path.read_text(encoding="utf-8"))["resources"]:
            shutil.copyfile(descriptor_path.parent / resource["path"], out / resource["path"])
            resources.append(resource)
    return resources


def demo_descriptor(settings: DemoSettings, extract_day: str) -> dict:
    """A self-contained data package descriptor: schemas inline, so the folder can be moved."""
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "jobtal-demo",
        "title": "Syntetiske demodata for jobtal (synthetic demo data)",
        "description": (
            f"Synthetic benefit spells and activities, {settings.start} to {settings.end}, "
            f"scale {settings.scale}, seed {settings.seed}, calibrated to real published figures. "
            "No real person is in it. Reference tables are real (DST, DAGI)."
        ),
        "created": f"{extract_day}T06:00:00Z",
        "sources": [
            {"title": "Syntetiske demodata fra jobtal demo (synthetic demo data)"},
            {"title": "Danmarks Statistik: FOLK1AM og Kommunegrupper (CC BY 4.0)"},
            {"title": "Geodatastyrelsen: DAGI (nabokommuner)"},
            {"title": "jobindsats.dk: Y30R21 (kalibrering af demodata)"},
        ],
        "synthetic": True,
        # the extracts, the activities with who held them, and the internal edition's own
        "resources": [
            with_caseworker(r) if r["name"] == "activities" else r for r in contract_resources()
        ]
        + internal_resources(),
    }
