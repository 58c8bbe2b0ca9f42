"""The `jobtal` command: a thin click layer over the package; no logic lives here.

Exit status: 0 success, 1 invalid extracts (with a report), 2 unusable input or usage error."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from jobtal import paths
from jobtal.defaults import DemoSettings
from jobtal.extracts.package import UnusableInput
from jobtal.extracts.validate import check_extracts
from jobtal.months import parse_month
from jobtal.sql import MEMORY_LIMIT, set_memory_limit

EXIT_INVALID = 1
EXIT_UNUSABLE = 2


def month_option(name: str, default: str, help: str):
    """A --option that takes a month, YYYY-MM."""

    def check(_context, _parameter, value: str) -> str:
        try:
            parse_month(value)
        except ValueError as error:
            raise click.BadParameter(str(error)) from error
        return value

    return click.option(name, callback=check, default=default, show_default=True, help=help)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jobtal")
def main() -> None:
    """jobtal: monthly employment statistics per Danish jobcentre, as a static website."""


def run() -> None:
    """The `jobtal` program (the command installed on the PATH): the command line, as a
    process of its own."""
    main(obj={"own_process": True})


def end(status: int) -> NoReturn:
    """End a command that has nothing left to clean up (its files closed, its database in
    memory) with this exit status. As the `jobtal` process it ends at once, once its output is
    flushed: Python's own teardown of the modules frictionless and DuckDB load takes a tenth of
    a second, a twentieth of validating a million rows. Run in-process (tests), it ends as any
    click command does."""
    context = click.get_current_context(silent=True)
    if context is not None and (context.find_root().obj or {}).get("own_process"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


def memory_limited(command):
    """The command's --memory-limit option (DuckDB's limit: jobtal.sql.set_memory_limit), and
    DuckDB running out of memory under it reported as one line, exit 2."""

    def checked(context, parameter, value):
        try:
            return set_memory_limit(value) if value else None
        except ValueError as error:
            raise click.BadParameter(str(error)) from error

    @functools.wraps(command)
    def limited(*args, memory_limit: str | None, **kwargs):
        import duckdb

        limit = memory_limit or MEMORY_LIMIT  # set already by `checked`, when given
        try:
            return command(*args, **kwargs)
        except duckdb.OutOfMemoryException as error:
            reason = str(error).splitlines()[0]
            click.echo(
                f"error: out of memory under the memory limit {limit} ({reason}); nothing was "
                "written. Give it more with --memory-limit, or more free disk in the temporary "
                "folder for DuckDB to spill to.",
                err=True,
            )
            end(EXIT_UNUSABLE)
        finally:
            set_memory_limit(MEMORY_LIMIT)  # for what runs next in this process (tests)

    return click.option(
        "--memory-limit",
        metavar="SIZE",
        envvar="JOBTAL_MEMORY_LIMIT",
        callback=checked,
        help="How much memory DuckDB may use before it spills to the temporary folder, e.g. "
        f"2GB (also $JOBTAL_MEMORY_LIMIT). Less makes a large build slower, not wrong.  "
        f"[default: {MEMORY_LIMIT}]",
    )(limited)


@main.command()
@memory_limited
@click.argument("package", type=click.Path(path_type=Path), default=".")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
def validate(package: Path, as_json: bool) -> None:
    """Validate a data package of extracts (PACKAGE: datapackage.yaml/.json or its folder).

    Exit 0 when valid, 1 when invalid (the report says what is wrong, where), 2 when the package
    cannot be read at all."""
    try:
        _, report = check_extracts(package)
    except UnusableInput as error:
        click.echo(f"error: {error}", err=True)
        end(EXIT_UNUSABLE)
    click.echo(report.to_json() if as_json else report.to_text())
    end(0 if report.valid else EXIT_INVALID)


@main.command()
@memory_limited
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    help="The data package of extracts. Default: the embedded demo data.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=paths.DEFAULT_SITE,
    show_default=True,
    help="Where the site is written.",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="The previously published site (or its releases, from `jobtal fetch-releases`): its "
    "releases are checked, compared with and carried forward. Leave out for the first release.",
)
@click.option(
    "--no-audit",
    is_flag=True,
    help="Skip the attacker's audit of the built site (minutes on a large build). For trying "
    "things out only: a site built without it has not been checked for disclosure.",
)
@click.option(
    "--keep-work",
    is_flag=True,
    help="Also keep every stage's tables as Parquet in the working folder (beside OUT: "
    ".<name>.work/tables/<stage>/), to open in DuckDB, pandas or R. They include the validated "
    "microdata: the working folder is never published.",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Where the indicators are computed: DuckDB on this machine, or Apache Spark (Spark "
    "Connect at $SPARK_REMOTE, a cluster at $SPARK_MASTER, else local mode) for microdata that "
    "outgrow it. Needs the extra jobtal[spark] and Java 17+. The published files are the same.",
)
@click.option(
    "--cache",
    type=click.Path(path_type=Path),
    envvar="JOBTAL_CACHE",
    help="Where results that depend only on their input are kept between builds, so that a "
    "month whose tables have not changed is not protected again (the same files out). Default: "
    "the working folder's cache/ (beside OUT: .<name>.work/cache). Its names are hashes of "
    "unprotected values: keep it as private as the extracts, never where the site is published "
    "from or where others' jobs can read it. Also $JOBTAL_CACHE.",
)
def build(
    data: Path | None,
    out: Path,
    previous: Path | None,
    no_audit: bool,
    keep_work: bool,
    engine: str,
    cache: Path | None,
) -> None:
    """Validate the extracts, compute the indicators, protect small numbers and write the site,
    with this month's release beside every earlier one.

    Nothing is published from invalid extracts: the build stops with the validation report and
    leaves any earlier site in OUT untouched; so does any other failure, and an audit that
    finds a suppressed value a reader of the built files could work out (exit 1)."""
    from jobtal.pipeline import DisclosureRisk, InvalidExtracts
    from jobtal.pipeline import build as run_build

    try:
        result = run_build(
            data,
            out,
            previous=previous,
            audit=not no_audit,
            keep_work=keep_work,
            engine=engine,
            cache=cache,
        )
    except UnusableInput as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_UNUSABLE)
    except InvalidExtracts as invalid:
        click.echo(invalid.report.to_text(), err=True)
        click.echo("build stopped: the extracts are invalid; nothing was published.", err=True)
        sys.exit(EXIT_INVALID)
    except DisclosureRisk as risk:
        click.echo(risk.result.to_text(), err=True)
        click.echo(
            "build stopped: the audit worked out suppressed values from the built files; "
            "nothing was published.",
            err=True,
        )
        sys.exit(EXIT_INVALID)
    click.echo(
        f"built {result.pages} pages and {result.data_files} data files for "
        f"{result.reference_month} in {result.site}"
    )


@main.command()
@click.argument(
    "site", type=click.Path(path_type=Path, exists=True), default=str(paths.DEFAULT_SITE)
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON on stdout.")
def audit(site: Path, as_json: bool) -> None:
    """Attack the published data as a reader holding every file could: SITE is a built site
    (its data/ and every release under releases/) or a data folder.

    Every linear relation among the published values (margins adding up to totals, regions
    and municipality groups, benefits, shares and their numerators, the same value in every
    release) is solved with linear programming, and each suppressed value gets the interval an
    attacker can prove. Exit 0 when none is pinned down and no count is proven to lie in 1-4;
    1 when some are (the first are named); 2 when SITE holds no published jobtal data."""
    from jobtal.audit import AuditInputError, audit_site
    from jobtal.audit.relations import IndicatorKnowledge
    from jobtal.indicators.engine import load_definitions

    try:
        result = audit_site(site, IndicatorKnowledge.of(load_definitions()))
    except AuditInputError as error:
        click.echo(f"error: {error}", err=True)
        end(EXIT_UNUSABLE)
    click.echo(result.to_json() if as_json else result.to_text())
    end(0 if result.passed else EXIT_INVALID)


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=paths.DEFAULT_EXTRACTS,
    show_default=True,
    help="Folder for the data package.",
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0.0001, max=10),
    default=DemoSettings.scale,
    show_default=True,
    help="1.0 = national magnitudes; population shrinks alike.",
)
@month_option("--start", DemoSettings.start, "First month, YYYY-MM.")
@month_option("--end", DemoSettings.end, "Last (reference) month, YYYY-MM.")
@click.option(
    "--seed",
    type=int,
    default=DemoSettings.seed,
    show_default=True,
    help="The same seed gives the same files.",
)
def demo(out: Path, scale: float, start: str, end: str, seed: int) -> None:
    """Write synthetic extracts (benefit spells, activities, reference tables) as a valid data
    package, calibrated to real published figures."""
    if parse_month(start) > parse_month(end):
        raise click.BadParameter(f"--start {start} is after --end {end}")
    from jobtal.demo import describe, write_demo  # numpy and pandas: only when needed

    rows = write_demo(out, DemoSettings(start=start, end=end, scale=scale, seed=seed))
    click.echo(f"wrote {out}: {describe(rows)} rows")


@main.command()
@memory_limited
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=None,
    help="The extracts with the internal resources (caseworkers, caseload, activities' "
    "caseworker_id): a datapackage.json or its folder. Default: the demo's, written first.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=str(paths.BUILD / "internal"),
    show_default=True,
    help="The edition's folder: never the public site's.",
)
@click.option(
    "--jobcenter",
    "jobcentres",
    type=int,
    multiple=True,
    help="Only this jobcentre (its municipality code); may be given more than once. Default: "
    "every jobcentre with caseworkers in the package.",
)
def internal(data: Path | None, out: Path, jobcentres: tuple[int, ...]) -> None:
    """Build the internal edition: weekly figures per jobcentre, team and caseworker, and which
    offers work for whom, as a static site for the jobcentre's intranet (SPEC section 9).
    Never to be published; written only into its own folder, replaced only when all of it
    was built."""
    from jobtal.internal.edition import build_internal, check_out
    from jobtal.stages import InvalidExtracts

    try:
        check_out(out.resolve())  # before anything is written beside it
        if data is None:
            from jobtal.demo import describe, write_demo

            data = out.resolve().with_name(f".{out.name}.work") / "extracts"
            rows = write_demo(data, DemoSettings())
            click.echo(f"demo extracts: {describe(rows)} rows in {data}", err=True)
        result = build_internal(data, out, jobcentres)
    except UnusableInput as error:
        click.echo(f"error: {error}", err=True)
        end(EXIT_UNUSABLE)
    except InvalidExtracts as invalid:
        click.echo(invalid.report.to_text(), err=True)
        click.echo("stopped: the extracts are invalid; nothing was written.", err=True)
        end(EXIT_INVALID)
    click.echo(
        f"built the internal edition for {result.reference_week}: {result.jobcentres} "
        f"jobcentres, {result.teams} teams, {result.caseworkers} caseworkers, {result.pages} "
        f"pages in {result.site}"
    )


@main.group("import")
def import_group() -> None:
    """Turn published aggregate statistics into a data package of tidy series (area_type,
    area_code, area_name, period, the table's other dimensions, value)."""


def import_options(function):
    function = click.option(
        "--created",
        default=None,
        help="The package's `created` (ISO datetime). Default: now. Give it for the same bytes "
        "on every run.",
    )(function)
    function = click.option(
        "--out",
        type=click.Path(path_type=Path, file_okay=False),
        required=True,
        help="Folder for the data package (replaced once everything is written).",
    )(function)
    return click.argument(
        "files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False)
    )(function)


def run_import(read, files: tuple[Path, ...], out: Path, title: str, created: str | None) -> None:
    """Import every file with `read`, write the package, report; errors name file, row, column
    and value (exit 1), an unreadable file exits 2."""
    from datetime import UTC, datetime

    from jobtal.areas import AreaNames
    from jobtal.importers.series import ImportProblem, write_package

    areas = AreaNames()
    try:
        series = [read(path, areas) for path in files]
    except ImportProblem as problem:
        click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_INVALID)
    except UnusableInput as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_UNUSABLE)
    names = [s.name for s in series]
    if len(set(names)) != len(names):
        click.echo(f"error: two files give the same table name: {', '.join(names)}", err=True)
        sys.exit(EXIT_UNUSABLE)
    created = created or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    descriptor = write_package(series, out, title, created)
    for table in series:
        click.echo(
            f"{table.name}: {len(table.rows):,} values ({table.skipped:,} rows of landsdele, "
            "abroad or not stated skipped)"
        )
    click.echo(f"wrote {descriptor}")


@import_group.command("statbank")
@import_options
def import_statbank(files: tuple[Path, ...], out: Path, created: str | None) -> None:
    """Statistics Denmark statbank CSV exports (FILES), any table with an area dimension."""
    from jobtal.importers.statbank import import_statbank as read

    run_import(read, files, out, "Statistikbanken", created)


@import_group.command("jobindsats")
@import_options
@click.option("--table", help="The table id (default: from the file name, e.g. Y30R21_...).")
def import_jobindsats(
    files: tuple[Path, ...], out: Path, created: str | None, table: str | None
) -> None:
    """jobindsats.dk API v2 output (FILES): the JSON response or its rows, one per line."""
    from jobtal.importers.jobindsats import import_jobindsats as read

    run_import(lambda path, areas: read(path, areas, table), files, out, "jobindsats", created)


@main.command("fetch-releases")
@click.argument("site_url")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=paths.PREVIOUS_RELEASES,
    show_default=True,
    help="Where the releases are written (then: jobtal build --previous OUT).",
)
@click.option(
    "--first-release",
    is_flag=True,
    help="Nothing is published yet: a site without a release index gives an empty one. "
    "Without it, a missing index is an error, so no build can drop the published releases.",
)
def fetch_releases(site_url: str, out: Path, first_release: bool) -> None:
    """Fetch every release of the site published at SITE_URL, each file checked against its
    checksum, for the next build to carry forward."""
    from jobtal.publish.fetch import fetch_releases as fetch

    try:
        names = fetch(site_url, out, first_release=first_release)
    except UnusableInput as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_UNUSABLE)
    listed = f": {', '.join(names)}" if names else ""
    click.echo(f"fetched {len(names)} releases into {out}{listed}")


@main.command("unpack-release")
@click.argument("release", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Where the release's CSV files are written (OUT/data/...).",
)
def unpack_release(release: Path, out: Path) -> None:
    """Write the CSV files a release published (RELEASE is its folder, releases/<name>/ in
    the site) again from its archived values, and check each against the release's checksums.
    Exits 1 when any file differs from what was published."""
    from jobtal.publish.unpack import unpack_release as unpack

    try:
        result = unpack(release, out)
    except UnusableInput as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_UNUSABLE)
    click.echo(
        f"release {result.release}: {len(result.matching)} files written to {out} exactly as "
        f"published; every value {'matches' if result.figures_match else 'DIFFERS FROM'} the "
        "release's checksum"
    )
    for relative in result.different:
        click.echo(f"differs from what was published: {relative}", err=True)
    if result.different or not result.figures_match:
        sys.exit(1)


@main.command()
@click.option(
    "--site",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=paths.DEFAULT_SITE,
    show_default=True,
    help="The built site to serve.",
)
@click.option("--port", type=int, default=8000, show_default=True)
def serve(site: Path, port: int) -> None:
    """Serve the built site on http://127.0.0.1:PORT/ (Ctrl-C stops)."""
    import http.server  # here, not above: every other command starts faster without it

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        click.echo(f"serving {site} on http://127.0.0.1:{port}/", err=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
