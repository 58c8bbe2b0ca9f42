"""Read what a reader downloads into the audit's input tables: `audit_values` (release and cell
-> published value, or suppressed) and `audit_areas` (which region and municipality group each
municipality lies in, as every jobcentre's own file shows).

A site folder holds the current `data/` and every release under `releases/<name>/data/`; a data
folder holds the current files only."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from jobtal.audit import AuditInputError
from jobtal.audit.relations import ADDITIVE, NUMERATOR, SHARES
from jobtal.publish.files import sha256
from jobtal.publish.releases import MONTHLY, Release, published_values_sql
from jobtal.sql import sql_string

# the current all-values file, as this version publishes it or as earlier ones did
ALL_VALUES = ("jobtal.parquet", "jobtal.csv.gz", "jobtal.csv")
# the indicators whose values enter relations (the rest are checked release against release)
RELATED = tuple(i for i in ADDITIVE if not i.endswith(NUMERATOR)) + tuple(SHARES)


def find_files(path: Path) -> tuple[list[tuple[str, Path]], list[Path]]:
    """([(release, all-values file)], [jobtal data folders]) under a site or data folder."""
    path = path.resolve()
    if path.is_file():
        return [("", path)], [path.parent]
    data_dirs = [d for d in (path / "data", path) if any((d / n).is_file() for n in ALL_VALUES)]
    values: list[tuple[str, Path]] = []
    index = path / "releases" / "index.json"
    archived_sha = set()
    if index.is_file():
        try:
            names = [r["name"] for r in json.loads(index.read_text("utf-8"))["releases"]]
        except (ValueError, KeyError, TypeError) as error:
            raise AuditInputError(f"{index}: not a release index ({error})") from error
        for name in names:
            folder = path / "releases" / name
            try:
                release = Release.read(folder / "release.json")
            except (OSError, ValueError, TypeError) as error:
                raise AuditInputError(
                    f"release {name}: no readable release.json ({error})"
                ) from error
            archive = folder / release.values_file
            if not archive.is_file():
                raise AuditInputError(f"release {name}: {archive} is missing")
            values.append((name, archive))
            archived_sha.add(release.files.get(release.values_file, {}).get("sha256"))
    if data_dirs:
        current = next(data_dirs[0] / n for n in ALL_VALUES if (data_dirs[0] / n).is_file())
        # the current figures are a release already read: reading them again adds nothing
        if sha256(current) not in archived_sha:
            values.append(("", current))
    if not values:
        raise AuditInputError(
            f"{path}: no published jobtal data here (looked for data/jobtal.parquet and "
            "releases/*/data/jobtal.parquet)"
        )
    return values, data_dirs


def load_site(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Fill audit_values and audit_areas from the files under `path`; return the releases."""
    files, data_dirs = find_files(path)
    jobcentre = [d / "jobcentre" for d in data_dirs if (d / "jobcentre").is_dir()]
    if not jobcentre:
        raise AuditInputError(
            f"{path}: no data/jobcentre/ files, which say which region and municipality group "
            "each jobcentre lies in"
        )
    load_published(con, files, jobcentre[0])
    return [release for release, _ in files]


def load_published(
    con: duckdb.DuckDBPyConnection, files: list[tuple[str, Path]], jobcentre: Path
) -> None:
    """audit_values from (release, all-values file) pairs ('' for the current values);
    audit_areas from the jobcentre files in `jobcentre`."""
    related = ", ".join(sql_string(i) for i in RELATED)
    # jobtal's own values are monthly; other publishers' series are checked release against
    # release only
    selects = [f"{published_values_sql(release, file)} WHERE {MONTHLY}" for release, file in files]
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE published_values AS {' UNION ALL '.join(selects)}"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE audit_values AS SELECT * FROM published_values "
            f"WHERE indicator IN ({related})"
        )
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE audit_areas AS
            SELECT regexp_extract(filename, '(\\d+)\\.csv$', 1) AS kommune,
                   max(area_code) FILTER (WHERE area_type = 'region') AS region,
                   max(area_code) FILTER (WHERE area_type = 'kommunegruppe') AS kommunegruppe
            FROM read_csv({sql_string(str(jobcentre / "*.csv"))}, all_varchar = true,
                          filename = true)
            WHERE area_type IN ('region', 'kommunegruppe')
            GROUP BY ALL
            """
        )
    except duckdb.Error as error:
        raise AuditInputError(f"cannot read the published values: {error}") from error
