"""The published data files of SPEC section 7, under /data/:

  jobtal.parquet, jobtal.csv.gz      every published value (for machines: small and whole)
  indicator/<id>.csv                 one indicator for every area and month: all benefits, sex
                                     and age alle (its headline)
  indicator/<id>-opdelt.csv.gz       its other rows: by benefit, sex and age
  jobcentre/<code>.csv               one jobcentre's headline values and its comparison areas'
  datapackage.json                   a Frictionless data package describing them all

The uncompressed CSVs are for people and their spreadsheets: each stays within Excel's
1,048,575 rows and the whole site within its host's size even at national scale with ten years
(docs/dev/data-files.md has the arithmetic); the breakdowns, which are most of the values, go
compressed. The workbooks (publish/workbooks.py) show the headline values and those by benefit.

Values are formatted once, here, in SQL: counts as integers, everything else rounded to the
indicator's decimals with '.' as decimal mark; empty when suppressed. Rows are sorted by the
published order of every key column, so the same input always gives the same bytes."""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from jobtal.publish.files import gzip_file, sha256
from jobtal.rounding import rounded
from jobtal.sql import on_cursors, spreadsheet_safe, sql_string
from jobtal.vocabulary import AGE_GROUPS, AREA_TYPES, BENEFITS

CSV_COLUMNS = [
    "indicator",
    "benefit",
    "area_type",
    "area_code",
    "area_name",
    "period",
    "sex",
    "age_group",
    "value",
    "unit",
    "flag",
    "source",  # beyond SPEC §7's columns: computed by jobtal (from synthetic data?) or whose
]
CSV_FIELDS = [
    ("indicator", "string", "Indikatorens id, fx andel_befolkning (se /metode/)"),
    ("benefit", "string", "Ydelsesgruppe; alle = alle ydelser, en person tæller én gang"),
    ("area_type", "string", "kommune, kommunegruppe, region eller land"),
    ("area_code", "string", "Kommunekode, kommunegruppenummer, regionskode eller DK"),
    ("area_name", "string", "Områdets navn"),
    (
        "period",
        "string",
        "Måned som YYYY-MM; andre kilders serier også kvartal (YYYY-Qn), løbende år til og med "
        "et kvartal (YYYY-Qn-MAT) og år (YYYY)",
    ),
    ("sex", "string", "K, M eller alle"),
    ("age_group", "string", "Aldersgruppe (16-24 ... 60-66) eller alle"),
    ("value", "number", "Værdien; tom når den er diskretioneret eller kilden ikke har den"),
    ("unit", "string", "Enhed"),
    ("flag", "string", "Tom, suppressed (diskretioneret) eller provisional (foreløbig)"),
    (
        "source",
        "string",
        "Hvor tallet kommer fra: jobtal (beregnet af jobtal), jobtal-syntetisk (beregnet af "
        "jobtal fra syntetiske demodata: ikke virkelige tal) eller en anden udgivers tabel, "
        "fx DST AUK01",
    ),
]
SCHEMA = {
    "fields": [{"name": n, "type": t, "description": d} for n, t, d in CSV_FIELDS],
    "missingValues": [""],
}
DATA = "data"  # the data folder under the site's root (and under /en/)
ALL_VALUES_PARQUET = "jobtal.parquet"
ALL_VALUES_CSV = "jobtal.csv.gz"
BREAKDOWNS = "-opdelt.csv.gz"  # an indicator's other rows: by benefit, sex and age
TOTALS = "sex = 'alle' AND age_group = 'alle'"
EXCEL_ROWS = 1_048_575  # data rows below the header that Excel opens (1,048,576 in all)
XLSX_MEDIATYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBERS = ("value",)  # the columns that hold numbers (as text)
# short: the column repeats on every row of every file
OWN_SOURCE = "jobtal"
SYNTHETIC_SOURCE = "jobtal-syntetisk"
SORT_ORDER = (
    "o_indicator.position, o_benefit.position, o_area.position, "
    "TRY_CAST(p.area_code AS INTEGER) NULLS FIRST, p.period, o_sex.position, o_age.position"
)


def order_table(con: duckdb.DuckDBPyConnection, name: str, values: list[str]) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (key VARCHAR, position INTEGER)")
    con.executemany(f"INSERT INTO {name} VALUES (?, ?)", [[v, i] for i, v in enumerate(values)])


def value_text(value: str, decimals: str) -> str:
    """SQL: a rounded value as the CSV shows it: counts as integers, the rest with exactly the
    indicator's decimals; NULL stays NULL."""
    return (
        f"CASE WHEN {value} IS NULL THEN NULL "
        f"WHEN {decimals} = 0 THEN CAST(CAST({value} AS BIGINT) AS VARCHAR) "
        f"ELSE printf('%.' || {decimals} || 'f', {value}) END"
    )


def build_published(
    con: duckdb.DuckDBPyConnection, definitions: list, synthetic: bool = False
) -> int:
    """protected_values -> published: the CSV columns, formatted, in publishing order (that of
    `definitions`: the indicators', then the published series'). `source` says what computed
    each value: jobtal (from synthetic data, when so) or the series' publisher."""
    own = SYNTHETIC_SOURCE if synthetic else OWN_SOURCE
    con.execute(
        "CREATE OR REPLACE TEMP TABLE indicator_meta "
        "(indicator VARCHAR, unit VARCHAR, decimals INTEGER, source VARCHAR)"
    )
    con.executemany(
        "INSERT INTO indicator_meta VALUES (?, ?, ?, ?)",
        [
            [d.id, d.unit.da, d.decimals, d.source["short"] if hasattr(d, "source") else own]
            for d in definitions
        ],
    )
    order_table(con, "order_indicator", [d.id for d in definitions])
    order_table(con, "order_benefit", list(BENEFITS))
    order_table(con, "order_area", AREA_TYPES)
    order_table(con, "order_sex", ["alle", "K", "M"])
    order_table(con, "order_age", ["alle", *AGE_GROUPS])
    con.execute(f"""
        CREATE OR REPLACE TABLE published AS
        SELECT p.indicator, p.benefit, p.area_type, p.area_code, a.area_name, p.period,
               p.sex, p.age_group,
               {value_text(rounded("p.value", "m.decimals"), "m.decimals")} AS value,
               m.unit, p.flag, m.source,
               -- every other form of the number (pages, charts, Excel) shows this one
               {rounded("p.value", "m.decimals")} AS numeric_value
        FROM protected_values AS p
        JOIN (SELECT DISTINCT area_type, area_code, area_name FROM areas) AS a
          USING (area_type, area_code)
        JOIN indicator_meta AS m USING (indicator)
        JOIN order_indicator AS o_indicator ON o_indicator.key = p.indicator
        JOIN order_benefit AS o_benefit ON o_benefit.key = p.benefit
        JOIN order_area AS o_area ON o_area.key = p.area_type
        JOIN order_sex AS o_sex ON o_sex.key = p.sex
        JOIN order_age AS o_age ON o_age.key = p.age_group
        ORDER BY {SORT_ORDER}
    """)
    return con.execute("SELECT count(*) FROM published").fetchone()[0]


def copy_csv(
    con: duckdb.DuckDBPyConnection,
    where: str,
    path: Path,
    table: str = "published",
    compressed: bool = False,
    for_excel: bool = True,
    compressing: Compressing | None = None,
) -> int:
    """Write the published rows matching `where` to `path` (gzip-compressed when asked, by
    `compressing` where given); return how many there are. An uncompressed file is for
    spreadsheets: one that Excel would cut short stops the build (the layout above keeps them
    far from it; a longer one needs a split designed for it, not a silent one)."""
    rows = con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
    if for_excel and not compressed and rows > EXCEL_ROWS:
        raise RuntimeError(f"{path.name}: {rows:,} rows, more than Excel opens ({EXCEL_ROWS:,})")
    path.parent.mkdir(parents=True, exist_ok=True)
    target = path.with_name(path.name + ".part") if compressed else path
    con.execute(
        f"COPY (SELECT {spreadsheet_safe(CSV_COLUMNS, NUMBERS)} FROM {table} "
        f"WHERE {where} ORDER BY rowid) "
        f"TO {sql_string(str(target))} (HEADER, DELIMITER ',')"
    )
    if compressed:  # DuckDB's own gzip stamps no time, but Python's is the documented kind
        (compressing or Compressing()).gzip(target, path, keep=False)
    return rows


class Compressing:
    """gzip_file on a thread of its own while DuckDB writes the next files (zlib and DuckDB
    both let go of the interpreter's lock, so each has a core): nationally, compressing the
    all-values CSV took 9.4 s of the data files' 30. Used as a context manager, it waits for
    every file at the end and raises what went wrong; without one, it compresses at once."""

    def __init__(self):
        self.pool: ThreadPoolExecutor | None = None
        self.pending: list[Future] = []

    def __enter__(self) -> Compressing:
        self.pool = ThreadPoolExecutor(max_workers=1)
        return self

    def gzip(self, source: Path, target: Path, keep: bool = True) -> None:
        def compress() -> None:
            gzip_file(source, target)
            if not keep:
                source.unlink()

        if self.pool is None:
            compress()
        else:
            self.pending.append(self.pool.submit(compress))

    def __exit__(self, kind, error, trace) -> None:
        self.pool.shutdown(wait=True)
        if kind is None:  # (else the block's own error is the one to report)
            for future in self.pending:
                future.result()


@dataclass
class DataFiles:
    """What the data stage wrote under `root` (laid out as the site: data/, en/data/)."""

    root: Path
    all_values_csv: Path  # every value as one uncompressed CSV, kept out of the site
    rows: dict[str, int] = field(default_factory=dict)  # published CSV (under data/) -> rows

    @property
    def data_dir(self) -> Path:
        return self.root / DATA

    def sizes(self) -> dict[str, int]:
        """Every file under the root -> bytes, by its path in the site."""
        return {
            path.relative_to(self.root).as_posix(): path.stat().st_size
            for path in sorted(self.root.rglob("*"))
            if path.is_file()
        }


def write_data_files(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    work: Path,
    indicators: list[str],
) -> DataFiles:
    """Write every published data file of SPEC section 7 into `root`/data and the
    datapackage.json that describes them (the workbooks join them later); the uncompressed
    all-values CSV, whose checksum says "the same figures", goes to `work`."""
    con.execute("SET preserve_insertion_order = true")
    data_dir = root / DATA
    files = DataFiles(root, work / "jobtal.csv")
    with Compressing() as compressing:
        # every value, uncompressed only on its way to gzip (and for the figures' checksum)
        files.rows["jobtal.csv.gz"] = copy_csv(con, "TRUE", files.all_values_csv, for_excel=False)
        compressing.gzip(files.all_values_csv, data_dir / ALL_VALUES_CSV)
        write_parquet(con, "published", data_dir / ALL_VALUES_PARQUET)
        write_breakdown_files(con, data_dir, indicators, files, compressing)
    return files


def write_breakdown_files(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    indicators: list[str],
    files: DataFiles,
    compressing: Compressing,
) -> None:
    """Each indicator's headline file and its breakdowns' file; each jobcentre's file."""
    # each indicator's headline rows: all benefits together (or, for an indicator not computed
    # for all benefits together, its first benefit), sex and age alle
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE headline AS
        SELECT rowid AS published_row, benefit = coalesce(
                   max(CASE WHEN benefit = 'alle' THEN 'alle' END) OVER (PARTITION BY indicator),
                   first_value(benefit) OVER (PARTITION BY indicator ORDER BY rowid)
               ) AND {TOTALS} AS is_headline
        FROM published
    """)
    # not a temporary table: the files are written on cursors of their own, which see only
    # the database's tables; dropped below
    con.execute(
        "CREATE OR REPLACE TABLE published_headline AS "
        "SELECT p.*, h.is_headline FROM published AS p "
        "JOIN headline AS h ON h.published_row = p.rowid ORDER BY p.rowid"
    )
    split = {
        row[0]
        for row in con.execute(
            "SELECT DISTINCT indicator FROM published_headline WHERE NOT is_headline"
        ).fetchall()
    }
    files_to_write: list[tuple[str, str, bool]] = []  # (path under data/, rows, compressed)
    for indicator in indicators:
        where = f"indicator = {sql_string(indicator)}"
        files_to_write.append((f"indicator/{indicator}.csv", f"{where} AND is_headline", False))
        if indicator in split:
            path = f"indicator/{indicator}{BREAKDOWNS}"
            files_to_write.append((path, f"{where} AND NOT is_headline", True))
    municipalities = con.execute(
        "SELECT municipality_code, municipality_group, region_code FROM municipalities "
        "ORDER BY municipality_code"
    ).fetchall()
    for code, group, region in municipalities:
        files_to_write.append((f"jobcentre/{code}.csv", jobcentre_rows(code, group, region), False))

    def write(cursor: duckdb.DuckDBPyConnection, file: tuple[str, str, bool]) -> int:
        path, where, compressed = file
        return copy_csv(cursor, where, data_dir / path, "published_headline", compressed,
                        compressing=compressing)  # fmt: skip

    # a few hundred files, each a statement that costs more in setting up than in its rows
    rows = on_cursors(con, write, files_to_write)
    files.rows |= {path: count for (path, _, _), count in zip(files_to_write, rows, strict=True)}
    con.execute("DROP TABLE published_headline")


def jobcentre_rows(code: int, group: int, region: str) -> str:
    """SQL: the rows of one jobcentre's file: its headline values (all benefits, sex and age
    alle) and, to compare with, its municipality group's, region's and the country's. At
    national scale with ten years that is about 4,700 rows, 0.5 MB; by benefit, sex and age
    its values are in its workbook, the indicator files' -opdelt.csv.gz and jobtal.parquet
    (docs/dev/data-files.md)."""
    return (
        f"is_headline AND ((area_type = 'kommune' AND area_code = '{code:d}') "
        f"OR (area_type = 'kommunegruppe' AND area_code = '{group:d}') "
        f"OR (area_type = 'region' AND area_code = {sql_string(str(region))}) "
        "OR area_type = 'land')"
    )


def write_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    """The published rows as typed Parquet: `value` a number exactly as the CSV shows it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = ", ".join(
        "TRY_CAST(value AS DOUBLE) AS value" if c == "value" else c for c in CSV_COLUMNS
    )
    con.execute(
        f"COPY (SELECT {columns} FROM {table} ORDER BY rowid) TO {sql_string(str(path))} "
        "(FORMAT parquet, COMPRESSION zstd)"
    )


def write_descriptor(files: DataFiles, package_meta: dict) -> dict:
    """datapackage.json in the data folder: every table (Parquet, CSV, gzip CSV) with its
    schema, and every workbook as a file with its checksum."""
    data_dir = files.data_dir
    resources = [
        {
            "name": "jobtal",
            "path": ALL_VALUES_PARQUET,
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "schema": SCHEMA,
        },
        csv_resource("jobtal-csv", ALL_VALUES_CSV),
    ]
    resources += [csv_resource(resource_name(path), path) for path in files.rows if "/" in path]
    for path in sorted(data_dir.rglob("*.xlsx")):
        relative = path.relative_to(data_dir).as_posix()
        resources.append(
            {
                "name": resource_name(relative),
                "type": "file",
                "path": relative,
                "format": "xlsx",
                "mediatype": XLSX_MEDIATYPE,
                "bytes": path.stat().st_size,
                "hash": f"sha256:{sha256(path)}",
            }
        )
    descriptor = {
        "name": "jobtal",
        "title": "jobtal: beskæftigelsesindikatorer pr. jobcenter",
        "description": package_meta["description"],
        "created": package_meta["created"],
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "sources": package_meta["sources"],
        "resources": resources,
    }
    (data_dir / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return descriptor


def resource_name(relative: str) -> str:
    """indicator/unge_paa_ydelse-opdelt.csv.gz -> indicator-unge-paa-ydelse-opdelt;
    workbooks get -xlsx (a resource name is lower case, digits, -, _ and .)."""
    stem, _, suffix = relative.partition(".")
    name = stem.replace("/", "-").replace("_", "-")
    return f"{name}-xlsx" if suffix == "xlsx" else name


def csv_resource(name: str, path: str) -> dict:
    resource = {
        "name": name,
        "path": path,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": SCHEMA,
    }
    if path.endswith(".gz"):
        resource["compression"] = "gz"
    return resource
