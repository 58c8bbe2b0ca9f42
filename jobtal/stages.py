"""The stages of `jobtal build` (STEPS), in order: validate -> compute -> protect -> data files
-> release -> workbooks -> figures -> pages -> site -> archive -> audit.

Each stage is a function of the `Build`, which carries what it hands the later stages besides
DuckDB tables; `jobtal.catalog` lists those tables, and each Step declares the ones it reads
(jobtal.pipeline checks them before the stage runs, and the ones it writes after)."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from jobtal.audit import audit_site
from jobtal.audit.relations import IndicatorKnowledge
from jobtal.catalog import TABLES
from jobtal.comparisons import compare
from jobtal.disclosure import protect
from jobtal.extracts.package import ExtractPackage, UnusableInput, load_package
from jobtal.extracts.tablecheck import drop_field, drop_resource
from jobtal.extracts.validate import ValidationReport, package_problems_report, validate_into
from jobtal.indicators.engine import base_statements, compute, load_definitions, prepare
from jobtal.indicators.series import SeriesDefinition, add_series, load_series_definitions
from jobtal.log import log, stage
from jobtal.publish.builder import write_builder_files
from jobtal.publish.feed import FEED_NAME, write_feed
from jobtal.publish.figures import select_figures, write_figure_files
from jobtal.publish.files import sha256
from jobtal.publish.language import Language
from jobtal.publish.model import SiteContent
from jobtal.publish.pages import write_all_pages, write_all_reports
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
    is_local,
    site_url,
    splice_tables,
)
from jobtal.publish.tables import (
    DataFiles,
    build_published,
    write_data_files,
    write_descriptor,
)
from jobtal.publish.workbooks import Indicator, Workbooks, write_workbooks
from jobtal.revisions import published_earlier, withhold_revisions
from jobtal.sql import columns_of
from jobtal.vocabulary import INTERNAL_ACTIVITY_FIELD, INTERNAL_RESOURCES


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


def staging_folder(out: Path) -> Path:
    """Where the site `out` is built, beside it, before it replaces the old one."""
    return out.with_name(f".{out.name}.building")


@dataclass
class Build:
    """One build: its inputs and settings, and what each stage hands the later ones besides
    its DuckDB tables (those are in jobtal.catalog)."""

    con: duckdb.DuckDBPyConnection
    data: Path
    out: Path
    work: Path
    previous: Path | None
    linked: bool
    engine: str = "duckdb"  # where the indicators are computed: "duckdb" or "spark"
    cache: Path | None = None  # results kept between builds (jobtal.cache)
    # handed on by the stages, in the order they fill them
    package: ExtractPackage = None  # validate
    previous_releases: list[Release] = field(default_factory=list)  # validate
    definitions: list = field(default_factory=list)  # compute
    values: int = 0  # compute
    series: list[SeriesDefinition] = field(default_factory=list)  # protect
    files: DataFiles = None  # data files
    release: Release = None  # release
    releases: list[Release] = field(default_factory=list)  # release: every one the site holds
    again: bool = False  # release: the figures of the month's latest release again
    changes_files: dict[str, Path] = field(default_factory=dict)  # release
    content: SiteContent | None = None  # reports
    tables: dict[str, dict[str, str]] = field(default_factory=dict)  # pages
    pages: int = 0  # pages

    withheld: list[str] = field(default_factory=list)  # months whose revisions are withheld

    def clear_publishing(self) -> None:
        """Forget what the publishing stages made, and empty their folders: before they run."""
        self.files, self.release, self.releases, self.again = None, None, [], False
        self.changes_files, self.tables, self.pages = {}, {}, 0
        self.content = None
        for folder in (self.staging, *(self.work / f for f in ("docs", "files", "release"))):
            shutil.rmtree(folder, ignore_errors=True)

    @property
    def staging(self) -> Path:
        """The site while it is built: beside `out`, replacing it only after every stage."""
        return staging_folder(self.out)

    @property
    def published(self) -> list:
        """What the data files hold: the indicators, then other publishers' series."""
        return [*self.definitions, *self.series]


# --- the stages: each takes the build, does its part, and returns its one-line summary


def validate_stage(b: Build) -> str:
    given, problems = load_package(b.data)
    if given is None:
        raise InvalidExtracts(package_problems_report(b.data, problems))
    package = given.without_internal()  # the internal edition's resources are not even read
    report = validate_into(b.con, package)
    if not report.valid:
        raise InvalidExtracts(report)
    if not package.has_microdata:
        raise UnusableInput(
            f"{package.descriptor_path}: holds only aggregate series "
            f"({', '.join(package.series)}); jobtal build computes the site from the extracts "
            "of benefit spells, activities, population and reference tables"
        )
    left_out = leave_out_internal(b.con, given)
    if left_out:
        log(
            f"  left out of the public build: {', '.join(left_out)} (the internal edition's, "
            "SPEC section 9: `jobtal internal` reads and checks them, nothing published comes "
            "from them)"
        )
    drop_unread_fields(b.con)
    b.package = package
    b.previous_releases = load_previous(b.previous) if b.previous else []
    check_order(b.previous_releases, package.reference_month)
    return f"{len(report.rows)} resources, {sum(report.rows.values()):,} rows valid"


def leave_out_internal(con: duckdb.DuckDBPyConnection, given: ExtractPackage) -> list[str]:
    """The wall between the editions: of the internal resources in the `given` package,
    caseworkers and caseload were never read (ExtractPackage.without_internal); the
    activities' caseworker_id, a column of the activities' file, was read and checked as text
    (a CPR number in it is an error) and is dropped here, before any later stage could read
    it. Returns what was left out."""
    left_out = [name for name in INTERNAL_RESOURCES if name in given.resources]
    if drop_field(con, "activities", INTERNAL_ACTIVITY_FIELD):
        left_out.append(f"activities.{INTERNAL_ACTIVITY_FIELD}")
    return left_out


def drop_unread_fields(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The microdata's fields that no later stage reads (the catalog lists the ones they do)
    gone from their tables, before the computation: their memory is what it needs (at
    national scale the activities' 22 million ids: under a 2 GB --memory-limit base.sql's
    statements took 100 s with them, 81 s without). Returns what was dropped, as
    "resource.field"."""
    dropped = []
    for table in TABLES:
        if table.name not in MICRODATA:
            continue
        for name in columns_of(con, table.name):
            if name not in (*table.columns, "_row") and drop_field(con, table.name, name):
                dropped.append(f"{table.name}.{name}")
    return dropped


def compute_stage(b: Build) -> str:
    b.definitions = load_definitions()
    if b.engine == "spark":
        from jobtal.indicators.spark import compute_on_spark  # PySpark: only when asked for

        b.values = compute_on_spark(b.con, b.definitions, b.package.reference_month, b.work)
    else:
        prepare(b.con, b.package.reference_month)
        b.values = compute(b.con, b.definitions)
    release_microdata(b.con)
    return f"{len(b.definitions)} indicators, {b.values:,} values up to {b.package.reference_month}"


# what the computation reads and nothing after it does (the catalog lists what each later
# stage reads: none of these)
MICRODATA = ("benefit_spells", "activities")


def release_microdata(con: duckdb.DuckDBPyConnection) -> None:
    """The microdata and base.sql's working tables (person-months and the like), gone once the
    values are computed: they are most of the build's memory (at national scale about two
    of its three gigabytes), which protection and publishing then have, under a lower
    --memory-limit too (DuckDB would otherwise write them out to its temporary folder and
    read them back)."""
    kept = {table.name for table in TABLES}
    for statement in reversed(base_statements()):  # views before the tables they read
        if statement.name not in kept:
            con.execute(f"DROP {statement.kind} IF EXISTS {statement.name}")
    for name in MICRODATA:
        drop_resource(con, name)
    con.execute("CHECKPOINT")  # the only one (jobtal.sql.connect): reclaims what was dropped


def protect_stage(b: Build) -> str:
    flags = protect(
        b.con,
        b.package.reference_month,
        b.definitions,
        [(r.name, b.previous / RELEASES / r.name / r.values_file) for r in b.previous_releases],
        linked=b.linked,
        cache_folder=b.cache / "protection" if b.cache else None,
    )
    with stage("  jobcentre comparisons") as step:
        compared = compare(b.con, b.definitions)
        step.summary = f"{compared:,}"
    # other publishers' series join after protection: they are published as they are
    b.series = add_series(
        b.con, load_series_definitions(), set(b.package.series), b.package.reference_month
    )
    return (
        ", ".join(f"{count:,} {flag}" for flag, count in flags.items())
        + f"; {compared:,} jobcentre comparisons; {len(b.series)} published series"
    )


def data_files_stage(b: Build) -> str:
    build_published(b.con, b.published, b.package.synthetic)
    b.files = write_data_files(b.con, b.work / "files", b.work, [d.id for d in b.published])
    longest = max(n for path, n in b.files.rows.items() if path.endswith(".csv"))
    return (
        f"{len(b.files.rows)} CSV files and jobtal.parquet in {b.files.data_dir}; "
        f"most rows of an uncompressed CSV {longest:,}"
    )


def release_stage(b: Build) -> str:
    release_work = b.work / "release"
    b.release, b.releases, b.again = decide_release(
        b.con,
        b.package,
        sha256(b.files.all_values_csv),
        b.previous_releases,
        b.previous,
        release_work,
    )
    b.changes_files = {
        r.name: b.previous / RELEASES / r.name / ARCHIVED_CHANGES for r in b.previous_releases
    }
    if b.withheld and not b.again:
        b.release = dataclasses.replace(b.release, withheld=b.withheld)
        b.releases[-1] = b.release
    if b.again:
        return f"the figures of release {b.release.name} again: nothing new"
    b.changes_files[b.release.name] = release_work / CHANGES_FILE
    if not b.release.previous:
        return f"release {b.release.name}; the first release"
    changes = ", ".join(f"{n:,} {kind}" for kind, n in b.release.changes.items())
    return f"release {b.release.name}; against {b.release.previous}: {changes}"


def workbooks_stage(b: Build) -> str:
    workbooks = write_workbooks(
        b.con,
        b.files.root,
        [
            workbook_settings(Language.load(code), b.published, b.release, b.package, b.series)
            for code in LANGUAGES
        ],
    )
    write_descriptor(b.files, published_metadata(b.package, b.series))
    return f"{len(workbooks)} Excel workbooks in {len(LANGUAGES)} languages"


def figures_stage(b: Build) -> str:
    return f"{select_figures(b.con, b.definitions, b.series)} figures chosen"


def site_content(b: Build) -> SiteContent:
    """What the reports and the pages show, read once for both."""
    if b.content is None:
        b.content = SiteContent(
            b.con,
            b.definitions,
            b.package.reference_month,
            b.package.synthetic,
            b.release,
            b.series,
            data_sizes=b.files.sizes(),
        )
    return b.content


def reports_stage(b: Build) -> str:
    """Each jobcentre's Word report in each language, among the data files (so the profile can
    say its size, and the release archive holds it)."""
    content = site_content(b)
    written = write_all_reports(content, LANGUAGES, site_url(), b.files.root)
    content.data_sizes = b.files.sizes()  # the reports' sizes, for the profiles' links
    return f"{written} Word reports in {len(LANGUAGES)} languages"


def pages_stage(b: Build) -> str:
    docs = b.work / "docs"
    content = site_content(b)
    written = write_all_pages(content, LANGUAGES, site_url(), b.releases, b.changes_files, docs)
    for language, (pages, tables) in zip(LANGUAGES, written, strict=True):
        b.pages += pages
        b.tables |= tables
        assemble_docs(docs / language, language, b.work / "cache")
    return f"{b.pages} pages generated in {docs}"


def site_stage(b: Build) -> str:
    with stage("  mkdocs") as step:
        build_site(b.work / "docs", b.staging, b.package.created, in_processes=b.pages > 100)
        splice_tables(b.staging, b.tables)
        step.summary = f"{len(LANGUAGES)} languages, {len(b.tables)} tables spliced in"
    # mkdocs empties its site folder first: the data files join the site (beside the /data/
    # page) after it
    move_into(b.files.root, b.staging)
    with stage("  figure CSVs") as step:
        figures = write_figure_files(b.con, b.staging)
        step.summary = f"{len(figures)} files"
    with stage("  table builder") as step:
        builder_files = write_builder_files(
            b.con,
            b.staging,
            b.published,
            b.release.name,
            b.package.reference_month,
            b.package.synthetic,
        )
        step.summary = f"{builder_files} files"
    local = (
        f"; built for the local address {site_url()}, not to be published (set $JOBTAL_SITE_URL)"
        if is_local(site_url())
        else ""
    )
    return (
        f"mkdocs-material built {b.staging.name} in {len(LANGUAGES)} languages; "
        f"{len(figures)} figure CSVs; {builder_files} table builder files{local}"
    )


def archive_stage(b: Build) -> str:
    carry_forward(b.previous_releases, b.previous, b.staging)
    if not b.again:
        b.releases[-1] = archive_release(
            b.release,
            b.staging,
            b.work / "release" / CHANGES_FILE,
            b.staging / RELEASES / b.release.name,
            decimals={d.id: d.decimals for d in b.published},
            jobcentres={
                code: [group, region]
                for code, group, region in b.con.execute(
                    "SELECT CAST(municipality_code AS VARCHAR), municipality_group, "
                    "region_code FROM municipalities ORDER BY municipality_code"
                ).fetchall()
            },
        )
    write_index(b.releases, b.staging)
    for language in map(Language.load, LANGUAGES):
        write_feed(b.staging / language.prefix / FEED_NAME, b.releases, language, site_url())
    # the newest release is this build's, new or published again
    size = sum(f["bytes"] for f in b.releases[-1].files.values())
    return (
        f"release {b.release.name} {'published again' if b.again else 'archived'} "
        f"({size / 1e6:.1f} MB compressed); {len(b.releases)} releases in the site"
    )


def audit_stage(b: Build) -> str:
    # the true values spare the audit its largest linear programs and tell it which suppressed
    # values were revised (a reader has none of them)
    truth = b.con.execute(
        f"SELECT {', '.join(KEYS)}, value, subset_persons FROM indicator_values"
    ).df()
    result = audit_site(b.staging, IndicatorKnowledge.of(b.definitions), truth)
    if not result.passed:
        raise DisclosureRisk(result)
    return f"{len(result.suppressed):,} suppressed values bounded, {len(result.leaks):,} given away"


def withhold_revisions_given_away(b: Build, result) -> bool:
    """After an audit that found values given away: if every one is of a month an earlier
    release published (so a revised value: jobtal.revisions), publish those months as the
    latest earlier release published them and compare again; then the publishing stages run
    again. False where a month is new, or withheld already: nothing more to withhold."""
    months = set(result.leaks.period)
    if not months or b.withheld or published_earlier(b.con, months) != months:
        return False
    b.withheld = withhold_revisions(b.con, months, b.package.reference_month)
    log(
        f"revisions withheld: {', '.join(b.withheld)} published as the latest earlier release "
        f"published them ({len(result.leaks):,} revised values would have been given away)"
    )
    compare(b.con, b.definitions)
    return True


def first_publishing(steps: list[Step]) -> int:
    """Where the stages after protection (the ones that publish) begin."""
    return next(i for i, step in enumerate(steps) if step.name == "protect") + 1


@dataclass(frozen=True)
class Step:
    """A stage: its name (the catalog's), what it runs, and the tables of earlier stages it
    reads (the catalog says what it writes)."""

    name: str
    run: Callable[[Build], str]
    reads: tuple[str, ...] = ()
    publishes: bool = False  # writes into the staging site


EXTRACTS = ("municipalities", "regions", "population", "benefit_spells", "activities")
STEPS = [
    Step("validate", validate_stage),
    Step("compute", compute_stage, reads=EXTRACTS),
    Step(
        "protect",
        protect_stage,
        reads=("indicator_values", "areas", "age_groups", "neighbours", "population_cells"),
    ),
    Step("data files", data_files_stage, reads=("protected_values", "areas")),
    Step("release", release_stage, reads=("published", "order_indicator", "order_benefit")),
    Step("workbooks", workbooks_stage, reads=("published", "municipalities")),
    Step("figures", figures_stage, reads=("published", "areas", "neighbours")),
    Step(
        "reports",
        reports_stage,
        reads=("published", "comparisons", "municipalities", "neighbours", "regions"),
    ),
    Step(
        "pages",
        pages_stage,
        reads=(
            "published",
            "comparisons",
            "municipalities",
            "neighbours",
            "regions",
            "figure_rows",
            "latest_periods",
            "headline_benefits",
        ),
    ),
    Step(
        "site",
        site_stage,
        reads=("figure_rows", "published", "areas", "neighbours"),
        publishes=True,
    ),
    Step("archive", archive_stage, reads=("municipalities",), publishes=True),
    Step("audit", audit_stage, reads=("indicator_values",)),
]


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
