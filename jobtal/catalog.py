"""The catalog of the build's tables: every DuckDB table one stage of `jobtal build` hands to a
later one, with the stage that writes it, the columns the later stages rely on, and what it
means. A stage's own scratch tables (the disclosure search's, base.sql's intermediate steps)
are not listed: nothing outside the stage reads them.

`pipeline.build` checks each stage's tables after it (`check_written`), and the tables it reads
before it (`check_tables`, from jobtal.stages.STEPS): a stage that no longer
makes a table, or drops a column, stops the build there instead of failing somewhere later.
Of the microdata the build keeps only the fields listed here (`stages.drop_unread_fields`):
a field base.sql comes to read must be listed, or the computation cannot find it.
`jobtal build --keep-work` writes each stage's tables as Parquet into the working folder
(`<work>/tables/<stage>/<table>.parquet`), to open in DuckDB, pandas or R."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from jobtal.publish.tables import CSV_COLUMNS
from jobtal.sql import columns_of, ident, sql_string

CELL = ("indicator", "area_type", "area_code", "period", "benefit", "sex", "age_group")


@dataclass(frozen=True)
class Table:
    name: str
    stage: str  # the stage that writes it (jobtal.stages.STEPS's names)
    columns: tuple[str, ...]  # the columns later stages read (a table may have more)
    meaning: str


TABLES = [
    Table(
        "municipalities",
        "validate",
        ("municipality_code", "municipality_name", "municipality_group", "region_code"),
        "The 98 municipalities (jobcentres) of the extracts, each with its group and region.",
    ),
    Table(
        "neighbours",
        "validate",
        ("municipality_code", "neighbour_code"),
        "Each municipality's neighbours, listed both ways.",
    ),
    Table(
        "regions",
        "validate",
        ("region_code", "region_name"),
        "The five regions.",
    ),
    Table(
        "population",
        "validate",
        ("municipality_code", "month", "sex", "age_group", "persons"),
        "Inhabitants per municipality, month, sex and age group.",
    ),
    Table(
        "benefit_spells",
        "validate",
        (
            "spell_id",
            "person_id",
            "municipality_code",
            "benefit",
            "start_date",
            "end_date",
            "fte",
            "sex",
            "birth_year",
            "readiness",
        ),
        "The microdata: one row per benefit spell, typed and validated.",
    ),
    Table(
        "activities",
        "validate",
        ("person_id", "municipality_code", "activity", "start_date", "end_date"),
        "The microdata: one row per activity (offer or conversation), typed and validated.",
    ),
    Table(
        "areas",
        "compute",
        ("municipality_code", "area_type", "area_code", "area_name"),
        "Every area a municipality belongs to (itself, its group, its region, the country).",
    ),
    Table(
        "age_groups",
        "compute",
        ("age_group", "min_age", "max_age"),
        "The published age groups and the ages each holds (the protection's breakdown axis).",
    ),
    Table(
        "population_cells",
        "compute",
        ("area_type", "area_code", "month", "sex", "age_group", "persons"),
        "Inhabitants aged 16-66 per area, month, sex and age group (the comparisons' rates "
        "per 1,000).",
    ),
    Table(
        "indicator_values",
        "compute",
        (*CELL, "value", "persons", "subset_persons"),
        "Every indicator for every cell, unprotected, with the persons each value rests on.",
    ),
    Table(
        "protected_values",
        "protect",
        (*CELL, "value", "flag"),
        "The values to publish: suppressed ones NULL with flag 'suppressed', the latest month "
        "'provisional'; other publishers' series added as they are.",
    ),
    Table(
        "comparisons",
        "protect",
        (
            "indicator",
            "benefit",
            "municipality_code",
            "period",
            "value",
            "compared_value",
            "rank",
            "group_value",
            "region_value",
            "country_value",
        ),
        "Each jobcentre against its group, neighbours, region and country: ranks and means "
        "of the published values (of the minister's targets, per 1,000 inhabitants 16-66).",
    ),
    Table(
        "published",
        "data files",
        (*CSV_COLUMNS, "numeric_value"),
        "The published rows in published order, formatted as every file shows them.",
    ),
    *(
        Table(
            f"order_{name}",
            "data files",
            ("key", "position"),
            f"The published order of the {what} (the data files' sort order; the release's "
            "changes are listed in it too).",
        )
        for name, what in [
            ("indicator", "indicators and series"),
            ("benefit", "benefit groups"),
            ("area", "area types"),
            ("sex", "sexes"),
            ("age", "age groups"),
        ]
    ),
    Table(
        "changes",
        "release",
        ("change", *CELL, "value_before", "value"),
        "What this release changed compared with the release before it.",
    ),
    Table(
        "figure_rows",
        "figures",
        ("figure", "published_row", "indicator", "area_code", "period", "numeric_value"),
        "The published rows behind each chart and map, by figure key.",
    ),
    Table(
        "latest_periods",
        "figures",
        ("indicator", "period"),
        "Each indicator's latest month with a value.",
    ),
    Table(
        "headline_benefits",
        "figures",
        ("indicator", "benefit"),
        "The benefit group of each indicator's headline figure: all benefits, or the first "
        "one where the indicator has no total.",
    ),
]
STAGES = {table.stage for table in TABLES}


class StageContractError(RuntimeError):
    """A stage did not write a table (or a column) the catalog says it writes: a bug."""


def written_by(stage: str) -> list[Table]:
    return [table for table in TABLES if table.stage == stage]


def check_written(con: duckdb.DuckDBPyConnection, stage: str) -> None:
    """Every table the catalog lists for `stage` exists with its columns."""
    check_tables(
        con, [table.name for table in written_by(stage)], f"stage {stage!r} should have written"
    )


def check_tables(con: duckdb.DuckDBPyConnection, names, what: str) -> None:
    """The catalog's tables `names` exist with their columns; else StageContractError, saying
    `what` (e.g. "stage 'pages' reads") and which table or column is missing."""
    by_name = {table.name: table for table in TABLES}
    for name in names:
        table = by_name.get(name)
        if table is None:
            raise StageContractError(f"{what} {name}, a table the catalog does not list")
        found = set(columns_of(con, table.name))
        if not found:
            raise StageContractError(f"{what} table {table.name}, but there is none")
        missing = [c for c in table.columns if c not in found]
        if missing:
            raise StageContractError(
                f"{what} {table.name} with {', '.join(missing)}, but it lacks them"
            )


def keep_tables(con: duckdb.DuckDBPyConnection, stage: str, folder: Path) -> list[Path]:
    """Write the stage's tables as Parquet to `folder`/<stage>/; return the files."""
    target = folder / stage.replace(" ", "-")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for table in written_by(stage):
        path = target / f"{table.name}.parquet"
        con.execute(
            f"COPY (SELECT * FROM {ident(table.name)}) TO {sql_string(str(path))} "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        written.append(path)
    return written


def documentation() -> str:
    """docs/dev/catalog.md: the catalog as a page."""
    lines = [
        "# The build's tables",
        "",
        "Written from `jobtal/catalog.py` by `python -m jobtal.catalog > docs/dev/catalog.md`;",
        "do not edit by hand. `jobtal build --keep-work` writes each as Parquet under the working",
        "folder's `tables/<stage>/`.",
        "",
        "| table | stage | columns read later | meaning |",
        "|---|---|---|---|",
    ]
    for t in TABLES:
        lines.append(f"| `{t.name}` | {t.stage} | {', '.join(t.columns)} | {t.meaning} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(documentation(), end="")
