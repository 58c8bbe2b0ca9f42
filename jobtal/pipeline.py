"""`jobtal build`: the stages of jobtal.stages, run in order on one DuckDB connection.

Before a stage runs, the tables it reads are checked to be there; after it, the tables it
writes (jobtal.catalog): a stage that stops making what a later one needs stops the build
there, not three stages later. Working files land in the working folder beside the site
(`.site.work` for `site`); the site is written to a staging folder beside it and replaces the
previous one only when every stage succeeded."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from jobtal import stages
from jobtal.catalog import check_tables, check_written, keep_tables
from jobtal.defaults import DemoSettings
from jobtal.demo import describe, write_demo
from jobtal.extracts.package import UnusableInput
from jobtal.log import log, stage
from jobtal.parallel import worker_processes
from jobtal.sql import connect
from jobtal.stages import Build, DisclosureRisk, InvalidExtracts

__all__ = ["BuildResult", "DisclosureRisk", "InvalidExtracts", "build"]


@dataclass(frozen=True)
class BuildResult:
    site: Path
    reference_month: str
    pages: int
    data_files: int
    values: int


def build(
    data: Path | None,
    out: Path,
    work: Path | None = None,
    previous: Path | None = None,
    audit: bool = True,
    linked: bool = True,
    keep_work: bool = False,
    engine: str = "duckdb",
    cache: Path | None = None,
) -> BuildResult:
    """The whole build: jobtal.stages.STEPS in order. `previous` is the previously published
    site (or a copy of its /releases/): its releases are checked, compared with and carried
    forward.
    The built site is published only when the attacker's audit (jobtal.audit) of its files
    finds nothing; `audit=False` (--no-audit) skips it, for trying things out, never for
    publishing. `linked=False` protects small numbers set by set only (disclosure.protect),
    which the audit undoes: for tests of the pages on hand-worked values, never for publishing.

    Everything is written beside `out` (the site's staging folder, then the site), and the
    working files, kept for inspection, to `work`: by default `.<out's name>.work` beside it;
    with `keep_work`, every stage's tables too (jobtal.catalog), as Parquet under
    `work`/tables/<stage>/. Nothing is written into the source checkout unless `out` is there.
    `engine` "spark" computes the indicators on Apache Spark (jobtal.indicators.spark), the
    same SQL as on DuckDB, for the same published bytes.
    `cache` keeps results that depend only on their input between builds (jobtal.cache; by
    default `work`/cache): a month whose tables have not changed is not protected again."""
    out = out.resolve()
    work = (work or out.with_name(f".{out.name}.work")).resolve()
    cache = private_folder(cache.resolve() if cache else work / "cache", out)
    # --- extracts: the given package, or the embedded default (reference data + demo microdata)
    if data is None:
        with stage("demo extracts") as current:
            data = work / "extracts"
            rows = write_demo(data, DemoSettings())
            current.summary = f"{describe(rows)} rows written to {data}"
    con = connect()
    b = Build(con, data, out, work, previous, linked, engine, cache)
    steps = [s for s in stages.STEPS if audit or s.name != "audit"]

    def run(steps: list[stages.Step]) -> None:
        b.clear_publishing()
        for step in steps:
            check_tables(con, step.reads, f"stage {step.name!r} reads")
            with stage(step.name) as current:
                current.summary = step.run(b)
            check_written(con, step.name)
            if keep_work:
                keep_tables(con, step.name, work / "tables")

    try:
        with worker_processes():  # started once for every stage that is worth them
            try:
                run(steps)
            except DisclosureRisk as risk:
                # given away only in months an earlier release published (revised values):
                # those months as that release published them, and the site built and
                # audited again
                if not stages.withhold_revisions_given_away(b, risk.result):
                    raise
                run(steps[stages.first_publishing(steps) :])
        replace_atomically(b.staging, out)
    finally:
        shutil.rmtree(b.staging, ignore_errors=True)
        con.close()
    log(f"site: {out}")
    return BuildResult(out, b.package.reference_month, b.pages, len(b.files.rows), b.values)


def private_folder(folder: Path, out: Path) -> Path:
    """`folder`, which must be outside the site (`out`, and its staging folder): what is kept
    there is never published."""
    for site in (out, stages.staging_folder(out)):
        if folder == site or site in folder.parents:
            raise UnusableInput(
                f"the cache {folder} is inside the site {out}: choose a folder outside it"
            )
    if folder.exists() and not folder.is_dir():
        raise UnusableInput(f"the cache {folder} is a file, not a folder")
    return folder


def replace_atomically(new: Path, out: Path) -> None:
    """Swap the new site in with renames, so `out` is always either the old or the new site."""
    old = out.with_name(f".{out.name}.previous")
    if old.exists() and not out.exists():  # a build stopped between the two renames
        old.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)
