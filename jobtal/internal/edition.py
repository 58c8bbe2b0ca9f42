"""`jobtal internal`: the internal edition from a package with the internal resources.

Validate (everything, the internal resources included) -> compute the weekly measures and
"Hvad virker" -> write data/intern.csv, the teams' CSVs and the pages -> build the site with
mkdocs-material into a staging folder beside `out` -> replace `out` only when all of it worked.

The edition is written only into a folder of its own: never into the public site's folder
(build/site), never over a folder that is not an earlier internal edition (the file
EDITION_MARK says it is one)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from jobtal import paths
from jobtal.extracts.package import ExtractPackage, UnusableInput, load_package
from jobtal.extracts.validate import package_problems_report, validate_into
from jobtal.internal import engine
from jobtal.internal.engine import EditionWeeks
from jobtal.log import log, stage
from jobtal.pipeline import replace_atomically
from jobtal.sql import connect
from jobtal.stages import InvalidExtracts, staging_folder
from jobtal.vocabulary import INTERNAL_ACTIVITY_FIELD, INTERNAL_RESOURCES
from jobtal.weeks import reference_week, week_of

EDITION_MARK = ".jobtal-internal"
DEFAULT_OUT = paths.BUILD / "internal"


@dataclass(frozen=True)
class InternalResult:
    site: Path
    reference_week: str
    jobcentres: int
    teams: int
    caseworkers: int
    pages: int
    values: int


def missing_internal(package: ExtractPackage) -> list[str]:
    """What the package lacks of the internal resources (SPEC section 3)."""
    missing = [name for name in INTERNAL_RESOURCES if name not in package.resources]
    activities = package.resources.get("activities")
    fields = {f["name"] for f in activities.schema.get("fields", [])} if activities else set()
    if INTERNAL_ACTIVITY_FIELD not in fields:
        missing.append(f"activities.{INTERNAL_ACTIVITY_FIELD}")
    return missing


def check_out(out: Path) -> None:
    """Refuse a folder the edition must never be written to."""
    public = paths.DEFAULT_SITE.resolve()
    if out == public or public in out.parents or out in public.parents:
        raise UnusableInput(
            f"{out}: the internal edition is never written into or over the public site's "
            f"folder ({public}); give it its own, e.g. --out {DEFAULT_OUT}"
        )
    if out.exists() and any(out.iterdir()) and not (out / EDITION_MARK).exists():
        raise UnusableInput(
            f"{out}: the folder holds something else than an earlier internal edition "
            f"(no {EDITION_MARK}); it is left as it is: give an empty or new folder"
        )


def edition_weeks(con: duckdb.DuckDBPyConnection, package: ExtractPackage) -> EditionWeeks:
    """From the week of the first day of the extract's first month (the population table's,
    as for the public edition) to the reference week."""
    first_month = con.execute("SELECT min(month) FROM population").fetchone()[0]
    year, month = (int(part) for part in first_month.split("-"))
    return EditionWeeks(week_of(date(year, month, 1)), reference_week(package.created))


def choose_jobcentres(con: duckdb.DuckDBPyConnection, wanted: tuple[int, ...]) -> list[int]:
    """The jobcentres with caseworkers, or those asked for (each must have caseworkers)."""
    having = [
        row[0]
        for row in con.execute(
            "SELECT DISTINCT municipality_code FROM caseworkers ORDER BY 1"
        ).fetchall()
    ]
    unknown = sorted(set(wanted) - set(having))
    if unknown:
        raise UnusableInput(
            f"--jobcenter {', '.join(map(str, unknown))}: the package has no caseworkers in "
            "that municipality"
        )
    return sorted(wanted) if wanted else having


def build_internal(
    data: Path, out: Path = DEFAULT_OUT, jobcentres: tuple[int, ...] = ()
) -> InternalResult:
    from jobtal.internal.pages import write_site  # mkdocs and altair: loaded when needed

    out = out.resolve()
    check_out(out)
    staging = staging_folder(out)
    work = out.with_name(f".{out.name}.work")
    package, problems = load_package(data)
    if package is None:
        raise InvalidExtracts(package_problems_report(data, problems))
    missing = missing_internal(package)
    if missing:
        raise UnusableInput(
            f"{package.descriptor_path}: the internal edition needs {', '.join(missing)} "
            "(SPEC section 3), which the package lacks"
        )
    con = connect()
    try:
        with stage("validate") as current:
            report = validate_into(con, package)
            if not report.valid:
                raise InvalidExtracts(report)
            current.summary = f"{len(report.rows)} resources, {sum(report.rows.values()):,} rows"
        with stage("compute") as current:
            chosen = choose_jobcentres(con, jobcentres)
            weeks = edition_weeks(con, package)
            engine.prepare(con, chosen, weeks)
            measures = engine.load_measures()
            values = engine.compute(con, measures)
            engine.what_works(con)
            current.summary = (
                f"{len(chosen)} jobcentres, {values:,} values, weeks {weeks.first} to "
                f"{weeks.reference}"
            )
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
        with stage("site") as current:
            summary = write_site(con, measures, weeks, package, staging, work)
            (staging / EDITION_MARK).write_text(
                "jobtal's internal edition: never to be published\n", encoding="utf-8"
            )
            current.summary = f"{summary.pages} pages, {summary.files} data files"
        replace_atomically(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        con.close()
    log(f"internal edition: {out}")
    return InternalResult(
        out, weeks.reference, len(chosen), summary.teams, summary.caseworkers, summary.pages,
        values,
    )  # fmt: skip
