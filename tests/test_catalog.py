"""The catalog of the build's tables (jobtal/catalog.py): each stage writes what it declares,
and --keep-work leaves each table as Parquet a person can open."""

from __future__ import annotations

import duckdb
import pytest

from jobtal.catalog import TABLES, StageContractError, check_written


def test_every_catalogued_table_is_kept_as_parquet_with_its_columns(tiny_build):
    tables = tiny_build.site.parent / "work" / "tables"
    for table in TABLES:
        path = tables / table.stage.replace(" ", "-") / f"{table.name}.parquet"
        assert path.is_file(), path
        columns = duckdb.sql(f"SELECT * FROM read_parquet('{path}') LIMIT 0").columns
        assert set(table.columns) <= set(columns), (table.name, columns)
    [(published,)] = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{tables / 'data-files' / 'published.parquet'}')"
    ).fetchall()
    assert published == tiny_build.values == 7695


def test_a_stage_that_does_not_write_its_table_stops_the_build():
    con = duckdb.connect()
    with pytest.raises(StageContractError, match="did not write table figure_rows"):
        check_written(con, "figures")
    con.execute("CREATE TABLE figure_rows (figure VARCHAR, published_row BIGINT)")
    con.execute("CREATE TABLE latest_periods (indicator VARCHAR, period VARCHAR)")
    with pytest.raises(StageContractError, match="figure_rows without indicator, area_code"):
        check_written(con, "figures")
