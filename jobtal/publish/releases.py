"""Releases: every build is a release named by its reference month, and nothing once published
disappears.

A release lives at /releases/<YYYY-MM>/ in the site:
  data/jobtal.parquet  every value the release published, once (every other data file of the
                       release is a selection or a layout of these: `jobtal unpack-release`
                       writes its CSV files again, byte for byte)
  data/datapackage.json  describes it
  changes.csv.gz       what this release changed compared with the release before it
  release.json         what the pages and the feed need to know, the SHA-256 of every file
                       above, and of every data file the release published under /data/
                       and /en/data/ and of every Word report (/jobcenter/<slug>/rapport.docx
                       and /en/...), so that a copy downloaded then can be checked now

At national scale a release's own files take about 6 MB: ten years of monthly releases stay
within a static host (docs/dev/data-files.md says when the archive would have to move).
Releases archived by earlier versions of jobtal keep their data/jobtal.csv.gz; both are read.

/releases/index.json lists every release. A build given the previously published site
(`jobtal build --previous DIR`) checks each earlier release against its own checksums, carries it
forward unchanged and compares the new figures with the latest one.

A release already published is never changed. Building its month again with the same figures
publishes that release again; with other figures (a corrected extract, or a new version of
jobtal that computes differently) it makes a new edition, "2025-10-2", beside the first, and
what changed is counted against the edition before.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from jobtal.extracts.package import UnusableInput
from jobtal.months import previous_month
from jobtal.publish import routes
from jobtal.publish.files import gzip_file, sha256
from jobtal.publish.tables import (
    ALL_VALUES_PARQUET,
    CSV_COLUMNS,
    DATA,
    OWN_SOURCE,
    SYNTHETIC_SOURCE,
    value_text,
)
from jobtal.sql import spreadsheet_safe, sql_string

RELEASES = "releases"  # the folder under the site's root
INDEX = "index.json"
RELEASE_FILE = "release.json"
CHANGES_FILE = "changes.csv"  # as the build writes it
ARCHIVED_CHANGES = "changes.csv.gz"  # as the release keeps it
ARCHIVED_VALUES = f"{DATA}/{ALL_VALUES_PARQUET}"  # every value the release published
LEGACY_ARCHIVED_VALUES = f"{DATA}/jobtal.csv.gz"  # the same, as releases before 2027 keep it

# The kinds of change between two releases, in the order they are listed.
CHANGE_KINDS = ("revised", "suppressed", "unsuppressed", "withdrawn", "added")
KEYS = ("indicator", "benefit", "area_type", "area_code", "period", "sex", "age_group")
# the published columns that name a value (indicator ... age_group), then before and after
CHANGE_COLUMNS = [
    "change",
    *CSV_COLUMNS[: CSV_COLUMNS.index("value")],
    "unit",
    "value_before",
    "flag_before",
    "value",
    "flag",
    "difference",
]
CHANGE_NUMBERS = ("value_before", "value", "difference")
# jobtal's own indicators are monthly; other publishers' series may have quarters or years
MONTHLY = r"regexp_full_match(period, '\d{4}-\d{2}')"
# The new month's biggest moves: the share of the population on benefits, per jobcentre.
MOVES_INDICATOR = "andel_befolkning"
MOVES_PER_DIRECTION = 5


class ReleaseError(UnusableInput):
    """The previous site's releases cannot be carried forward."""


@dataclass(frozen=True)
class Release:
    month: str  # the reference month, YYYY-MM
    edition: int  # 1 for the month's first release; more when its figures were published again
    created: str  # the data package's `created`: the release date
    previous: str | None  # the name of the release its changes are counted against
    first_period: str
    synthetic: bool
    figures_sha256: str  # of the release's jobtal.csv, uncompressed: "the same figures"
    changes: dict[str, int]  # number of changed values per kind
    moves: list[dict] = field(default_factory=list)
    files: dict[str, dict] = field(default_factory=dict)  # path -> {"sha256", "bytes"}
    # every data file the release published (path in the site -> {"sha256", "bytes"}), and
    # what writing its CSV files again needs beyond the values: each indicator's decimals and
    # each jobcentre's municipality group and region
    published: dict[str, dict] = field(default_factory=dict)
    decimals: dict[str, int] = field(default_factory=dict)
    jobcentres: dict[str, list] = field(default_factory=dict)
    # months published as the release before published them: their revisions would have given
    # a suppressed value away (jobtal.revisions)
    withheld: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The release's name and folder: its month, "-2" and on for later editions."""
        return self.month if self.edition == 1 else f"{self.month}-{self.edition}"

    @property
    def path(self) -> str:
        return f"{RELEASES}/{self.name}/"

    @property
    def values_file(self) -> str:
        """Its all-values file, relative to its folder."""
        return LEGACY_ARCHIVED_VALUES if LEGACY_ARCHIVED_VALUES in self.files else ARCHIVED_VALUES

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    @classmethod
    def read(cls, path: Path) -> Release:
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def read_values_sql(path: Path) -> str:
    """SQL: a published all-values file (Parquet, or CSV plain or gzip) as a relation."""
    if path.suffix == ".parquet":
        return f"read_parquet({sql_string(str(path))})"
    return f"read_csv({sql_string(str(path))}, all_varchar = true, header = true)"


def published_values_sql(release: str, path: Path) -> str:
    """SQL: the values a published all-values file (jobtal.parquet or jobtal.csv.gz, current
    or a release's) holds, as a reader reads them: release, the cell's KEYS, value (NULL when
    empty) and whether it was suppressed."""
    return f"""SELECT {sql_string(release)} AS release, {", ".join(KEYS)},
                   TRY_CAST(value AS DOUBLE) AS value,
                   COALESCE(flag = 'suppressed', FALSE) AS suppressed
            FROM {read_values_sql(path)}"""


# ---------------------------------------------------------------------- the previous site


def load_previous(site: Path) -> list[Release]:
    """The releases of a previously published site, each checked against its checksums."""
    index = site / RELEASES / INDEX
    if not index.is_file():
        raise ReleaseError(
            f"--previous {site}: no {RELEASES}/{INDEX} there, so it is not a jobtal site with "
            "releases (for the very first release, leave --previous out)"
        )
    try:
        names = [entry["name"] for entry in json.loads(index.read_text("utf-8"))["releases"]]
    except (ValueError, KeyError, TypeError) as error:
        raise ReleaseError(f"{index}: not a release index ({error})") from error
    releases = []
    for name in names:
        releases.append(read_checked(site / RELEASES / name))
    return sorted(releases, key=lambda r: (r.month, r.edition))


def read_checked(folder: Path) -> Release:
    """A release folder's release.json, after checking its files against their checksums."""
    try:
        release = Release.read(folder / RELEASE_FILE)
    except (OSError, ValueError, TypeError) as error:
        raise ReleaseError(f"{folder / RELEASE_FILE}: cannot be read ({error})") from error
    for relative, expected in release.files.items():
        path = folder / relative
        if not path.is_file():
            raise ReleaseError(f"release {folder.name}: {path} is missing")
        if sha256(path) != expected["sha256"]:
            raise ReleaseError(
                f"release {folder.name}: {path} does not match its checksum in {RELEASE_FILE}; "
                "the copy is damaged or incomplete"
            )
    return release


def check_order(previous: list[Release], month: str) -> None:
    """Refuse to build a month older than one already published."""
    later = [r.name for r in previous if r.month > month]
    if later:
        raise ReleaseError(
            f"the previous site already has release {later[-1]}, later than this build's "
            f"reference month {month}; releases are published in order"
        )


def published_again(previous: list[Release], month: str, figures_sha256: str) -> Release | None:
    """The release this build publishes again: the month's latest edition, when its figures are
    exactly this build's."""
    editions = [r for r in previous if r.month == month]
    if editions and editions[-1].figures_sha256 == figures_sha256:
        return editions[-1]
    return None


# ---------------------------------------------------------------------- what changed


def compare_with_previous(
    con: duckdb.DuckDBPyConnection,
    month: str,
    previous: Release | None,
    previous_site: Path | None,
) -> dict[str, int]:
    """Table `changes`: every published value of the previous release that this release revises,
    suppresses, shows again or withdraws, and the values for its months that are new (a month's
    outflow becomes known with the next month). The new month itself is not a change (unless
    the previous release is an earlier edition of the same month)."""
    if previous is None or previous_site is None:
        con.execute(
            "CREATE OR REPLACE TABLE changes AS SELECT "
            + ", ".join(f"NULL::VARCHAR AS {c}" for c in CHANGE_COLUMNS)
            + " WHERE FALSE"
        )
        return dict.fromkeys(CHANGE_KINDS, 0)
    old_file = previous_site / RELEASES / previous.name / previous.values_file
    keys = ", ".join(KEYS)
    # an archived Parquet file holds numbers: shown with the decimals the CSVs show
    shown = (
        f"coalesce({value_text('o.value', 'm.decimals')}, CAST(o.value AS VARCHAR))"
        if old_file.suffix == ".parquet"
        else "o.value"
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE before AS
        SELECT o.* REPLACE ({shown} AS value)
        FROM {read_values_sql(old_file)} AS o LEFT JOIN indicator_meta AS m USING (indicator)
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE changes AS
        WITH joined AS (
            SELECT {keys},
                   coalesce(n.area_name, o.area_name) AS area_name,
                   coalesce(n.unit, o.unit) AS unit,
                   o.value AS value_before, o.flag AS flag_before,
                   n.value, n.flag,
                   o.indicator IS NOT NULL AS was_published,
                   n.indicator IS NOT NULL AS is_published
            FROM before AS o FULL JOIN published AS n USING ({keys})
        ),
        classified AS (
            SELECT *, CASE
                WHEN NOT is_published THEN 'withdrawn'
                -- a new period of another publisher's series is news, not a change
                WHEN NOT was_published AND NOT {MONTHLY} THEN NULL
                WHEN NOT was_published THEN 'added'
                WHEN coalesce(flag_before, '') <> 'suppressed' AND flag = 'suppressed'
                    THEN 'suppressed'
                WHEN flag_before = 'suppressed' AND coalesce(flag, '') <> 'suppressed'
                    THEN 'unsuppressed'
                -- a value that could not be computed before, or no longer can, is revised too
                WHEN CAST(value_before AS DOUBLE) IS DISTINCT FROM CAST(value AS DOUBLE)
                    THEN 'revised'
            END AS change
            FROM joined
            -- the new months are this release's news, not changes; a month that has left the
            -- window is not withdrawn from the archive (series keep their own periods)
            WHERE NOT {MONTHLY} OR (
                period <= {sql_string(previous.month)}
                AND period >= (SELECT min(period) FROM published WHERE {MONTHLY})
            )
        )
        SELECT {", ".join(CHANGE_COLUMNS[:-1])},
               CASE WHEN change = 'revised'
                    THEN CAST(value AS DOUBLE) - CAST(value_before AS DOUBLE) END AS difference
        FROM classified AS c
        JOIN order_indicator AS o_indicator ON o_indicator.key = c.indicator
        JOIN order_benefit AS o_benefit ON o_benefit.key = c.benefit
        JOIN order_area AS o_area ON o_area.key = c.area_type
        JOIN order_sex AS o_sex ON o_sex.key = c.sex
        JOIN order_age AS o_age ON o_age.key = c.age_group
        WHERE change IS NOT NULL
        ORDER BY o_indicator.position, o_benefit.position, o_area.position,
                 TRY_CAST(area_code AS INTEGER) NULLS FIRST, area_code, period,
                 o_sex.position, o_age.position
    """)
    counts = dict(con.execute("SELECT change, count(*) FROM changes GROUP BY change").fetchall())
    return {kind: counts.get(kind, 0) for kind in CHANGE_KINDS}


def biggest_moves(con: duckdb.DuckDBPyConnection, month: str) -> list[dict]:
    """The jobcentres whose share of the population on benefits rose and fell most from the
    month before to the new month, as published (suppressed values take no part)."""
    rows = con.execute(
        """
        WITH share AS (
            SELECT area_code, area_name, period, CAST(value AS DOUBLE) AS value, value AS shown
            FROM published
            WHERE indicator = ? AND benefit = 'alle' AND area_type = 'kommune'
              AND sex = 'alle' AND age_group = 'alle' AND value IS NOT NULL
        ),
        moved AS (
            SELECT n.area_code, n.area_name, o.shown AS value_before, n.shown AS value,
                   n.value - o.value AS difference
            FROM share AS n JOIN share AS o USING (area_code)
            WHERE n.period = ? AND o.period = ?
        ),
        ranked AS (
            SELECT *, row_number() OVER (ORDER BY difference DESC, area_name) AS up,
                      row_number() OVER (ORDER BY difference ASC, area_name) AS down
            FROM moved
        )
        SELECT area_code, area_name, value_before, value, difference FROM ranked
        WHERE (up <= ? AND difference > 0) OR (down <= ? AND difference < 0)
        ORDER BY difference DESC, area_name
        """,
        [
            MOVES_INDICATOR,
            month,
            previous_month(month),
            MOVES_PER_DIRECTION,
            MOVES_PER_DIRECTION,
        ],
    ).fetchall()
    return [
        {
            "indicator": MOVES_INDICATOR,
            "area_code": code,
            "area_name": name,
            "period": month,
            "value_before": before,
            "value": value,
            "difference": round(difference, 6),
        }
        for code, name, before, value, difference in rows
    ]


def write_changes(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY (SELECT {spreadsheet_safe(CHANGE_COLUMNS, CHANGE_NUMBERS)} FROM changes) "
        f"TO {sql_string(str(path))} (HEADER, DELIMITER ',')"
    )


def first_own_month(con: duckdb.DuckDBPyConnection) -> str:
    """The first month jobtal's own figures cover: where the release's data begin. Other
    publishers' series may reach further back (a population table from 2021), and a release
    that said "from October 2021" of benefit data from 2023 would mislead."""
    own = ", ".join(sql_string(source) for source in (OWN_SOURCE, SYNTHETIC_SOURCE))
    return con.execute(
        f"SELECT min(period) FROM published WHERE {MONTHLY} AND source IN ({own})"
    ).fetchone()[0]


def prepare_release(
    con: duckdb.DuckDBPyConnection,
    month: str,
    created: str,
    synthetic: bool,
    figures_sha256: str,
    previous: list[Release],
    previous_site: Path | None,
    folder: Path,
) -> Release:
    """This build's new release (the month's next edition), its changes against the latest
    published release written to `folder`/changes.csv; its files come later (archive_release)."""
    before = previous[-1] if previous else None
    counts = compare_with_previous(con, month, before, previous_site)
    write_changes(con, folder / CHANGES_FILE)
    return Release(
        month=month,
        edition=1 + sum(r.month == month for r in previous),
        created=created,
        previous=before.name if before else None,
        first_period=first_own_month(con),
        synthetic=synthetic,
        figures_sha256=figures_sha256,
        changes=counts,
        moves=biggest_moves(con, month),
    )


# ---------------------------------------------------------------------- the archive


def archive_release(
    release: Release,
    site: Path,
    changes: Path,
    folder: Path,
    decimals: dict[str, int],
    jobcentres: dict[str, list],
) -> Release:
    """Write the release's folder: its values once (the site's jobtal.parquet) with a
    descriptor, changes.csv.gz, and release.json with every file's checksum and those of every
    data file the release published. Returns the release with them."""
    (folder / DATA).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(site / DATA / ALL_VALUES_PARQUET, folder / ARCHIVED_VALUES)
    current = json.loads((site / DATA / "datapackage.json").read_text(encoding="utf-8"))
    descriptor = {
        **{k: v for k, v in current.items() if k != "resources"},
        "version": release.name,
        "resources": [r for r in current["resources"] if r["path"] == ALL_VALUES_PARQUET],
    }
    (folder / DATA / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    gzip_file(changes, folder / ARCHIVED_CHANGES)
    # the release's own files; the folder also holds its page, which each build writes afresh
    kept = [folder / ARCHIVED_VALUES, folder / DATA / "datapackage.json", folder / ARCHIVED_CHANGES]
    published = [
        path
        for prefix in ("", "en/")
        for path in [
            *sorted((site / prefix / DATA).rglob("*")),
            *sorted((site / prefix / routes.JOBCENTRES).glob(f"*/{routes.REPORT_FILE}")),
        ]
        if path.is_file() and path.suffix in PUBLISHED_DATA
    ]
    archived = Release(
        **{
            **asdict(release),
            "files": checksums(kept, folder),
            "published": checksums(published, site),
            "decimals": decimals,
            "jobcentres": jobcentres,
        }
    )
    (folder / RELEASE_FILE).write_text(archived.to_json(), encoding="utf-8")
    return archived


# the published data files a release's checksums cover (not the pages' figure files, which
# are drawn from them, nor the /data/ page itself), and its jobcentres' Word reports
PUBLISHED_DATA = (".csv", ".gz", ".parquet", ".xlsx", ".json", ".docx")


def checksums(paths: list[Path], base: Path) -> dict[str, dict]:
    return {
        path.relative_to(base).as_posix(): {"sha256": sha256(path), "bytes": path.stat().st_size}
        for path in sorted(paths)
        if "figurer" not in path.relative_to(base).parts
    }


def carry_forward(previous: list[Release], previous_site: Path | None, site: Path) -> None:
    """Copy every earlier release's own files into the new site (its pages are generated afresh
    with the rest of the site)."""
    for release in previous:
        source, target = previous_site / RELEASES / release.name, site / RELEASES / release.name
        for relative in [RELEASE_FILE, *release.files]:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / relative, target / relative)


def write_index(releases: list[Release], site: Path) -> None:
    index = {
        "releases": [
            {
                "name": r.name,
                "month": r.month,
                "edition": r.edition,
                "created": r.created,
                "path": f"{r.name}/{RELEASE_FILE}",
            }
            for r in releases
        ]
    }
    (site / RELEASES / INDEX).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
