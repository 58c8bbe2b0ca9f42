"""The published data files of SPEC section 7: /data/jobtal.csv, one CSV per jobcentre and per
indicator, and a datapackage.json describing them all.

Values are formatted once, here, in SQL: counts as integers, everything else rounded to the
indicator's decimals with '.' as decimal mark; empty when suppressed. Rows are sorted by the
published order of every key column, so the same input always gives the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from jobtal.indicators.engine import Definition
from jobtal.log import progress
from jobtal.rounding import rounded
from jobtal.sql import spreadsheet_safe, sql_string
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
               CASE WHEN p.value IS NULL THEN NULL
                    WHEN m.decimals = 0
                    THEN CAST(CAST({rounded("p.value", 0)} AS BIGINT) AS VARCHAR)
                    ELSE printf('%.' || m.decimals || 'f', {rounded("p.value", "m.decimals")})
               END AS value,
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


def copy_csv(con: duckdb.DuckDBPyConnection, where: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY (SELECT {spreadsheet_safe(CSV_COLUMNS, NUMBERS)} FROM published "
        f"WHERE {where} ORDER BY rowid) "
        f"TO {sql_string(str(path))} (HEADER, DELIMITER ',')"
    )


def write_data_files(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    definitions: list[Definition],
    package_meta: dict,
) -> list[Path]:
    """Write every CSV and the datapackage.json that describes them; return the CSV paths."""
    con.execute("SET preserve_insertion_order = true")
    written = []
    all_values = data_dir / "jobtal.csv"
    copy_csv(con, "TRUE", all_values)
    written.append(all_values)

    municipalities = con.execute(
        "SELECT municipality_code, municipality_group, region_code FROM municipalities "
        "ORDER BY municipality_code"
    ).fetchall()
    for code, group, region in progress(municipalities, "jobcentre CSVs", len(municipalities)):
        path = data_dir / "jobcentre" / f"{code}.csv"
        copy_csv(
            con,
            f"(area_type = 'kommune' AND area_code = '{code}') "
            f"OR (area_type = 'kommunegruppe' AND area_code = '{group}') "
            f"OR (area_type = 'region' AND area_code = '{region}') OR area_type = 'land'",
            path,
        )
        written.append(path)
    for definition in definitions:
        path = data_dir / "indicator" / f"{definition.id}.csv"
        copy_csv(con, f"indicator = '{definition.id}'", path)
        written.append(path)

    descriptor = data_descriptor(written, data_dir, package_meta)
    (data_dir / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return written


def data_descriptor(files: list[Path], data_dir: Path, package_meta: dict) -> dict:
    schema = {
        "fields": [{"name": n, "type": t, "description": d} for n, t, d in CSV_FIELDS],
        "missingValues": [""],
    }
    resources = []
    for path in files:
        relative = path.relative_to(data_dir).as_posix()
        name = (
            "jobtal"
            if relative == "jobtal.csv"
            else relative.removesuffix(".csv").replace("/", "-").replace("_", "-")
        )
        resources.append(
            {
                "name": name,
                "path": relative,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
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
