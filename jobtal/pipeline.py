"""The build, stage by stage: extracts -> validation -> indicators -> protection -> data files ->
pages -> site. Each stage's output lands in the working folder beside the site (`.site.work` for
`site`) for inspection; the site is written to a temporary folder beside it and replaces the
previous one only when every stage succeeded."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from jobtal.audit import audit_site
from jobtal.audit.relations import IndicatorKnowledge
from jobtal.catalog import check_written, keep_tables
from jobtal.comparisons import compare
from jobtal.defaults import DemoSettings
from jobtal.demo import describe, write_demo
from jobtal.disclosure import protect
from jobtal.extracts.package import ExtractPackage, UnusableInput, load_package
from jobtal.extracts.validate import ValidationReport, package_problems_report, validate_into
from jobtal.indicators.engine import compute, load_definitions, prepare
from jobtal.indicators.series import SeriesDefinition, add_series, load_series_definitions
from jobtal.log import log, stage
from jobtal.publish.feed import FEED_NAME, write_feed
from jobtal.publish.figures import select_figures, write_figure_files
from jobtal.publish.files import sha256
from jobtal.publish.language import Language
from jobtal.publish.model import SiteContent
from jobtal.publish.pages import PageWriter
from jobtal.publish.release_pages import ReleasePages
from jobtal.publish.releases import (
    ARCHIVED_CHANGES,
    CHANGES_FILE,
    KEYS,
    RELEASES,
    Release,
    archive_release,
    carry_forward,
    check_order,
    compare_with_previous,
    load_previous,
    prepare_release,
    published_again,
    write_index,
)
from jobtal.publish.site import (
    LANGUAGES,
    assemble_docs,
    build_site,
    site_url,
    splice_tables,
)
from jobtal.publish.tables import build_published, write_data_files, write_descriptor
from jobtal.publish.workbooks import Indicator, Workbooks, write_workbooks
from jobtal.sql import connect


class InvalidExtracts(Exception):
    """The extracts failed validation; nothing was published."""

    def __init__(self, report: ValidationReport):
        super().__init__(report.to_text())
        self.report = report


class DisclosureRisk(Exception):
    """The attacker's audit of the built site found suppressed values a reader can work out;
    nothing was published."""

    def __init__(self, result):
        super().__init__(result.to_text())
        self.result = result


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
) -> BuildResult:
    """The whole build. `previous` is the previously published site (or a copy of its
    /releases/): its releases are checked, compared with and carried forward. The built site
    is published only when the attacker's audit (jobtal.audit) of its files finds nothing;
    `audit=False` (--no-audit) skips it, for trying things out, never for publishing.
    `linked=False` protects small numbers set by set only (disclosure.protect), which the
    audit undoes: for tests of the pages on hand-worked values, never for publishing.

    Everything is written beside `out` (the site's staging folder, then the site), and the
    working files, kept for inspection, to `work`: by default `.<out's name>.work` beside it;
    with `keep_work`, every stage's tables too (jobtal.catalog), as Parquet under
    `work`/tables/<stage>/. Nothing is written into the source checkout unless `out` is there."""
    out = out.resolve()
    work = (work or out.with_name(f".{out.name}.work")).resolve()
    # --- extracts: the given package, or the embedded default (reference data + demo microdata)
    if data is None:
        with stage("demo extracts") as current:
            data = work / "extracts"
            rows = write_demo(data, DemoSettings())
            current.summary = f"{describe(rows)} rows written to {data}"

    con = connect()

    def done(name: str) -> None:
        """After a stage: its tables are there (jobtal.catalog), and kept when asked."""
        check_written(con, name)
        if keep_work:
            keep_tables(con, name, work / "tables")

    try:
        with stage("validate") as current:
            package, problems = load_package(data)
            if package is None:
                raise InvalidExtracts(package_problems_report(data, problems))
            report = validate_into(con, package)
            if not report.valid:
                raise InvalidExtracts(report)
            rows = sum(report.rows.values())
            current.summary = f"{len(report.rows)} resources, {rows:,} rows valid"
        if not package.has_microdata:
            raise UnusableInput(
                f"{package.descriptor_path}: holds only aggregate series "
                f"({', '.join(package.series)}); jobtal build computes the site from the extracts "
                "of benefit spells, activities, population and reference tables"
            )
        done("validate")
        previous_releases = load_previous(previous) if previous else []
        check_order(previous_releases, package.reference_month)

        # --- indicators, then small-number protection
        with stage("compute") as current:
            prepare(con, package.reference_month)
            definitions = load_definitions()
            values = compute(con, definitions)
            current.summary = (
                f"{len(definitions)} indicators, {values:,} values up to {package.reference_month}"
            )
            done("compute")
        with stage("protect") as current:
            flags = protect(
                con,
                package.reference_month,
                definitions,
                [(r.name, previous / RELEASES / r.name / r.values_file) for r in previous_releases],
                linked=linked,
            )
            compared = compare(con, definitions)
            # other publishers' series join after protection: they are published as they are
            series = add_series(con, load_series_definitions(), set(package.series))
            current.summary = (
                ", ".join(f"{count:,} {flag}" for flag, count in flags.items())
                + f"; {compared:,} jobcentre comparisons; {len(series)} published series"
            )
            done("protect")

        # --- publish: data files, the release, pages, site; into a temporary folder beside `out`
        staging = out.with_name(f".{out.name}.building")
        shutil.rmtree(staging, ignore_errors=True)
        docs, release_work = work / "docs", work / "release"
        for folder in (docs, work / "files", release_work):
            shutil.rmtree(folder, ignore_errors=True)
        try:
            with stage("data files") as current:
                published = [*definitions, *series]
                build_published(con, published, package.synthetic)
                files = write_data_files(con, work / "files", work, [d.id for d in published])
                current.summary = (
                    f"{len(files.rows)} CSV files and jobtal.parquet in {files.data_dir}; "
                    "most rows of an uncompressed CSV "
                    f"{max(n for path, n in files.rows.items() if path.endswith('.csv')):,}"
                )
                done("data files")
            with stage("release") as current:
                figures_sha256 = sha256(files.all_values_csv)
                release, releases, again = decide_release(
                    con, package, figures_sha256, previous_releases, previous, release_work
                )
                current.summary = (
                    f"the figures of release {release.name} again: nothing new"
                    if again
                    else f"release {release.name}; "
                    + (
                        f"against {release.previous}: "
                        + ", ".join(f"{n:,} {kind}" for kind, n in release.changes.items())
                        if release.previous
                        else "the first release"
                    )
                )
                changes_files = {
                    r.name: previous / RELEASES / r.name / ARCHIVED_CHANGES
                    for r in previous_releases
                }
                if not again:
                    changes_files[release.name] = release_work / CHANGES_FILE
                done("release")
            with stage("workbooks") as current:
                workbooks = write_workbooks(
                    con,
                    files.root,
                    [
                        workbook_settings(Language.load(code), published, release, package, series)
                        for code in LANGUAGES
                    ],
                )
                write_descriptor(files, published_metadata(package, series))
                current.summary = f"{len(workbooks)} Excel workbooks in {len(LANGUAGES)} languages"
            with stage("figures") as current:
                current.summary = f"{select_figures(con, definitions, series)} figures chosen"
                done("figures")
            with stage("pages") as current:
                content = SiteContent(
                    con,
                    definitions,
                    package.reference_month,
                    package.synthetic,
                    release,
                    series,
                    data_sizes=files.sizes(),
                )
                count = 0
                tables: dict[str, dict[str, str]] = {}
                writers = []
                for language in LANGUAGES:
                    writer = PageWriter(content, Language.load(language), site_url())
                    count += writer.write_all(docs / language)
                    release_pages = ReleasePages(writer, releases, changes_files)
                    count += release_pages.write_all(docs / language)
                    tables |= writer.tables
                    writers.append(writer)
                    assemble_docs(docs / language, language, work / "cache")
                current.summary = f"{count} pages generated in {docs}"
            with stage("site") as current:
                build_site(docs, staging, package.created)
                splice_tables(staging, tables)
                # mkdocs empties its site folder first: the data files join the site (beside the
                # /data/ page) after it
                move_into(files.root, staging)
                figures = write_figure_files(con, staging)
                current.summary = (
                    f"mkdocs-material built {staging.name} in {len(LANGUAGES)} languages; "
                    f"{len(figures)} figure CSVs"
                )
            with stage("archive") as current:
                carry_forward(previous_releases, previous, staging)
                if not again:
                    releases[-1] = archive_release(
                        release,
                        staging,
                        release_work / CHANGES_FILE,
                        staging / RELEASES / release.name,
                        decimals={d.id: d.decimals for d in published},
                        jobcentres={
                            code: [group, region]
                            for code, group, region in con.execute(
                                "SELECT CAST(municipality_code AS VARCHAR), municipality_group, "
                                "region_code FROM municipalities ORDER BY municipality_code"
                            ).fetchall()
                        },
                    )
                write_index(releases, staging)
                for writer in writers:
                    feed = staging / writer.lang.prefix / FEED_NAME
                    write_feed(feed, releases, writer.lang, writer.address)
                # the newest release is this build's, new or published again
                size = sum(f["bytes"] for f in releases[-1].files.values())
                current.summary = (
                    f"release {release.name} {'published again' if again else 'archived'} "
                    f"({size / 1e6:.1f} MB compressed); {len(releases)} releases in the site"
                )
            if audit:
                with stage("audit") as current:
                    # the true values spare the audit its largest linear programs (a reader has
                    # none of them: they change where the search starts, not what it finds)
                    truth = con.execute(
                        f"SELECT {', '.join(KEYS)}, value, subset_persons FROM indicator_values"
                    ).df()
                    result = audit_site(staging, IndicatorKnowledge.of(definitions), truth)
                    current.summary = (
                        f"{len(result.suppressed):,} suppressed values bounded, "
                        f"{len(result.leaks):,} given away"
                    )
                if not result.passed:
                    raise DisclosureRisk(result)
            replace_atomically(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        con.close()
    log(f"site: {out}")
    return BuildResult(out, package.reference_month, count, len(files.rows), values)


def decide_release(
    con,
    package: ExtractPackage,
    figures_sha256: str,
    previous_releases: list[Release],
    previous: Path | None,
    release_work: Path,
) -> tuple[Release, list[Release], bool]:
    """(this build's release, every release the site then has, whether it is one already
    published): the month's latest edition again when its figures are exactly these, else a
    new edition with its changes against the latest release."""
    again = published_again(previous_releases, package.reference_month, figures_sha256)
    if again:
        compare_with_previous(con, package.reference_month, None, None)  # nothing changed
        return again, previous_releases, True
    release = prepare_release(
        con,
        package.reference_month,
        package.created.isoformat(),
        package.synthetic,
        figures_sha256,
        previous_releases,
        previous,
        release_work,
    )
    return release, [*previous_releases, release], False


def workbook_settings(
    lang: Language, published: list, release: Release, package: ExtractPackage, series: list
) -> Workbooks:
    def text(value) -> str:
        return getattr(value, lang.code)

    return Workbooks(
        lang=lang,
        indicators={
            d.id: Indicator(d.id, text(d.title), text(d.unit), d.decimals) for d in published
        },
        release=release.name,
        created=package.created,
        synthetic=package.synthetic,
        sources=[s["title"] for s in published_metadata(package, series)["sources"]],
    )


def move_into(tree: Path, site: Path) -> None:
    """Move every file of `tree` to the same place under `site` (whose folders may exist)."""
    for path in sorted(tree.rglob("*")):
        if path.is_file():
            target = site / path.relative_to(tree)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)


def published_metadata(package: ExtractPackage, series: list[SeriesDefinition]) -> dict:
    kind = "syntetiske demodata (synthetic demo data)" if package.synthetic else "udtræk"
    return {
        "description": (
            f"Månedlige indikatorer pr. jobcenter, kommunegruppe, region og hele landet til og med "
            f"{package.reference_month}, beregnet af jobtal fra {kind}."
        ),
        "created": package.created.isoformat(),
        "sources": (
            [{"title": s.get("title", "")} for s in package.descriptor.get("sources", [])]
            or [{"title": "jobtal"}]
        )
        + [
            {"title": d.source["title"], "path": d.source["path"]}
            for d in {d.source["title"]: d for d in series}.values()
        ],
    }


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
