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
    with pytest.raises(
        StageContractError, match="should have written table figure_rows, but there is none"
    ):
        check_written(con, "figures")
    con.execute("CREATE TABLE figure_rows (figure VARCHAR, published_row BIGINT)")
    con.execute("CREATE TABLE latest_periods (indicator VARCHAR, period VARCHAR)")
    with pytest.raises(
        StageContractError, match="figure_rows with indicator, area_code.*but it lacks them"
    ):
        check_written(con, "figures")


def test_every_stage_reads_and_writes_only_catalogued_tables_of_earlier_stages():
    from jobtal.catalog import STAGES
    from jobtal.stages import STEPS

    names = [step.name for step in STEPS]
    assert STAGES <= set(names)
    writer = {table.name: table.stage for table in TABLES}
    for step in STEPS:
        for name in step.reads:
            assert name in writer, (step.name, name)
            assert names.index(writer[name]) < names.index(step.name), (step.name, name)


def test_a_stage_whose_input_is_missing_stops_before_it_runs(tiny_package, tmp_path, monkeypatch):
    # the reports (and the pages) read the protect stage's comparisons: a later stage that drops
    # them stops the build before the reports run, naming the table, and publishes nothing
    import jobtal.stages
    from jobtal.pipeline import build

    def forgetful(b):
        answer = jobtal.stages.figures_stage(b)
        b.con.execute("DROP TABLE comparisons")
        return answer

    steps = [
        jobtal.stages.Step(s.name, forgetful, s.reads) if s.name == "figures" else s
        for s in jobtal.stages.STEPS
    ]
    monkeypatch.setattr(jobtal.stages, "STEPS", steps)
    with pytest.raises(
        StageContractError, match="stage 'reports' reads table comparisons, but there is none"
    ):
        build(tiny_package, tmp_path / "site", work=tmp_path / "work", audit=False)
    assert not (tmp_path / "site").exists()


def test_after_the_computation_only_catalogued_tables_are_left(tiny_package, tmp_path):
    # the microdata and base.sql's person-level working tables are most of a build's memory:
    # nothing after the computation reads them (the catalog says what each stage reads)
    from jobtal import stages
    from jobtal.sql import connect

    con = connect()
    b = stages.Build(con, tiny_package, tmp_path / "site", tmp_path / "work", None, True, "duckdb")
    validate, compute = stages.STEPS[:2]
    validate.run(b)
    compute.run(b)
    tables = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    left = {name for (name,) in tables}
    person_level = {"benefit_spells", "activities", "checked_benefit_spells", "checked_activities"}
    person_level |= {"spells", "spell_ranges", "offer_months", "samtale_person_months"}
    assert not left & person_level
    assert {t.name for t in TABLES if t.stage == "compute"} <= left
    from jobtal.indicators.engine import base_statements

    working = {s.name for s in base_statements()} - {t.name for t in TABLES}
    assert working and not left & working


def test_after_validation_the_microdata_hold_only_what_the_computation_reads(
    tiny_package, tmp_path
):
    # the checked tables' row verdicts and the fields nothing reads hold memory the computation
    # needs; the fields the catalog lists stay, and the computation runs on them alone
    from jobtal import stages
    from jobtal.sql import columns_of, connect

    con = connect()
    b = stages.Build(con, tiny_package, tmp_path / "site", tmp_path / "work", None, True, "duckdb")
    validate, compute = stages.STEPS[:2]
    validate.run(b)

    def columns(table):
        return columns_of(con, table)

    catalogued = {t.name: t.columns for t in TABLES}
    assert columns("activities") == ["_row", *catalogued["activities"]]  # no activity_id
    assert "activity_id" in (tiny_package.parent / "activities.csv").read_text().splitlines()[0]
    assert columns("benefit_spells") == ["_row", *catalogued["benefit_spells"]]
    for table in ("checked_activities", "checked_benefit_spells", "checked_population"):
        assert not {"_errors", "_odd", "_extra"} & set(columns(table))
    # the rows keep their places in the file (the views' _row reads the tables' rowid)
    assert con.execute("SELECT min(_row), max(_row) FROM activities").fetchone() == (
        2,
        len((tiny_package.parent / "activities.csv").read_text().splitlines()),
    )
    compute.run(b)
    assert con.execute("SELECT count(*) FROM indicator_values").fetchone()[0] > 0
