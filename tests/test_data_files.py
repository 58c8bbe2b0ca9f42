"""The published data files of the tiny build, as their readers open them: every value whole in
Parquet and gzip CSV, per-area CSVs and workbooks that Excel opens, with the hand-worked values
in the right cells."""

from __future__ import annotations

import csv
import gzip
import io

import duckdb
import openpyxl
import pytest

from jobtal.publish import tables
from jobtal.publish.tables import CSV_COLUMNS
from tests.helpers import all_values_rows

EXCEL_DATA_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
KEY = ("indicator", "benefit", "area_type", "area_code", "period", "sex", "age_group")


def csv_rows(path) -> list[dict]:
    text = gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else None
    with io.StringIO(text) if text else path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def as_row(row: dict) -> tuple:
    """A published row as a reader compares it: the key, the value as a number, the rest."""
    value = row["value"]
    number = None if value in ("", None) else float(value)
    return (*(row[k] for k in KEY), row["area_name"], number, row["unit"], row["flag"] or "")


def test_every_csv_and_every_sheet_opens_whole_in_excel(tiny_site):
    """Counted, not assumed: every uncompressed CSV and every sheet of every workbook."""
    csvs = [p for p in tiny_site.rglob("*.csv")]
    workbooks = list(tiny_site.rglob("*.xlsx"))
    assert len(csvs) > 20 and len(workbooks) == 2 * (4 + 12)
    for path in csvs:
        with path.open("rb") as handle:
            assert sum(1 for _ in handle) - 1 <= EXCEL_DATA_ROWS, path
    for path in workbooks:
        workbook = openpyxl.load_workbook(path, read_only=True)
        assert all(sheet.max_row <= EXCEL_DATA_ROWS + 1 for sheet in workbook.worksheets), path
        workbook.close()


def test_a_csv_excel_would_cut_short_stops_the_build(tiny_site, monkeypatch, tmp_path):
    """The guard behind the count above: a per-area CSV over Excel's rows is never written."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE published AS SELECT * FROM read_csv(?, all_varchar = true)",
        [str(tiny_site / "data" / "jobtal.csv.gz")],
    )
    monkeypatch.setattr(tables, "EXCEL_ROWS", 10)
    with pytest.raises(RuntimeError, match=r"personer\.csv: 7,695 rows, more than Excel opens"):
        tables.copy_csv(con, "TRUE", tmp_path / "personer.csv")
    assert not (tmp_path / "personer.csv").exists()
    # compressed, the same rows are for programs: written
    assert tables.copy_csv(con, "TRUE", tmp_path / "personer.csv.gz", compressed=True) > 10


def test_parquet_and_gzip_csv_hold_exactly_the_indicator_files(tiny_site):
    data = tiny_site / "data"
    parquet = duckdb.sql(f"SELECT * FROM read_parquet('{data / 'jobtal.parquet'}')")
    assert parquet.columns == CSV_COLUMNS
    assert dict(zip(parquet.columns, parquet.types, strict=True))["value"] == "DOUBLE"
    from_parquet = [
        (*(r[k] for k in KEY), r["area_name"], r["value"], r["unit"], r["flag"] or "")
        for r in (dict(zip(parquet.columns, row, strict=True)) for row in parquet.fetchall())
    ]
    from_gzip = [as_row(r) for r in all_values_rows(tiny_site)]
    union = [
        as_row(r)
        for path in sorted((data / "indicator").iterdir())
        if path.suffix in (".csv", ".gz")
        for r in csv_rows(path)
    ]
    assert len(from_parquet) == len(from_gzip) == len(set(from_gzip)) == 7695
    assert from_parquet == from_gzip  # the same rows in the same order
    assert sorted(union, key=str) == sorted(from_gzip, key=str)
    # an indicator's CSV holds its headline: all benefits (aktiveringsgrad is computed for
    # seven benefits, not for all together: its first, dagpenge), sex and age alle; the rest
    # is in the -opdelt.csv.gz beside it
    for path in (data / "indicator").glob("*.csv"):
        rows = csv_rows(path)
        headline = "dagpenge" if path.stem == "aktiveringsgrad" else "alle"
        assert {(r["benefit"], r["sex"], r["age_group"]) for r in rows} == {
            (headline, "alle", "alle")
        }, path.name
    for path in (data / "indicator").glob("*-opdelt.csv.gz"):
        assert all(
            (r["benefit"], r["sex"], r["age_group"]) != ("alle", "alle", "alle")
            for r in csv_rows(path)
        )


def test_a_jobcentre_file_holds_its_headline_values_and_its_comparisons(tiny_site):
    rows = csv_rows(tiny_site / "data" / "jobcentre" / "101.csv")
    areas = {(r["area_type"], r["area_code"]) for r in rows}
    assert areas == {("kommune", "101"), ("kommunegruppe", "1"), ("region", "1084"), ("land", "DK")}
    # 12 indicators for 4 areas over 3 months, less afgang's reference month (it waits for
    # the month after): 12 x 4 x 3 - 4
    assert len(rows) == 12 * 4 * 3 - 4
    every = {as_row(r) for r in all_values_rows(tiny_site)}
    assert {as_row(r) for r in rows} <= every


def cells(sheet) -> dict[tuple[str, str], object]:
    """(period, column header) -> cell value, below the sheet's header row."""
    rows = list(sheet.iter_rows(values_only=True))
    header_row = next(i for i, row in enumerate(rows) if row[0] in ("Periode", "Period"))
    header = rows[header_row]
    return {
        (row[0], header[i]): value
        for row in rows[header_row + 1 :]
        for i, value in enumerate(row)
        if i and row[0]
    }


def test_the_jobcentre_workbook_shows_the_hand_worked_values_in_danish(tiny_site):
    """Worked out by hand from the tiny extract (tests/test_published.py has the arithmetic):
    11 persons in København in January; its one sygedagpenge recipient suppressed; 0.9 pct.
    of its population; the region and the country to compare with."""
    workbook = openpyxl.load_workbook(tiny_site / "data" / "jobcentre" / "101.xlsx")
    assert workbook.sheetnames[0] == "Om tallene"
    about = " ".join(
        str(c) for row in workbook["Om tallene"].iter_rows(values_only=True) for c in row
    )
    assert "færre end 5 personer" in about and "2024-03" in about and "CC BY 4.0" in about
    persons = workbook["personer"]
    assert persons.freeze_panes == "B5"
    shown = cells(persons)
    assert shown["2024-01", "København: Alle ydelser"] == 11
    assert shown["2024-01", "København: Sygedagpenge"] == "–"
    assert shown["2024-03", "Bemærkning"] == "foreløbig"
    assert shown["2024-01", "Bemærkning"] is None
    headers = [c.value for c in persons[4]]
    # the jobcentre's all benefits first, its comparison areas last, nearest first
    assert headers[:2] == ["Periode", "København: Alle ydelser"]
    assert headers[-4:] == ["Hovedstadskommuner", "Region Hovedstaden", "Hele landet", "Bemærkning"]
    share = workbook["andel_befolkning"]
    row = next(r for r in share.iter_rows(min_row=5) if r[0].value == "2024-01")
    assert row[1].value == pytest.approx(0.9) and row[1].number_format == "#,##0.0"


def test_the_indicator_workbook_has_a_sheet_per_benefit_in_english(tiny_site):
    """The region's seven recipients in January are published; Læsø's three are not, and so
    neither are Hjørring's five (secondary suppression): see tests/test_published.py."""
    workbook = openpyxl.load_workbook(tiny_site / "en" / "data" / "indicator" / "personer.xlsx")
    assert workbook.sheetnames[:3] == [
        "About the figures",
        "All benefits",
        "Unemployment insurance benefit",
    ]
    shown = cells(workbook["All benefits"])
    assert shown["2024-01", "Region Nordjylland"] == 7
    assert shown["2024-01", "Læsø"] == "–" and shown["2024-01", "Hjørring"] == "–"
    assert shown["2024-03", "Note"] == "provisional"
    # a sheet name Excel would refuse (over 31 characters) falls back to the benefit's code
    assert "selvforsoergelse" in workbook.sheetnames


def test_every_sheet_title_names_its_unit_once(tiny_site):
    """A sheet's title is the indicator's with its unit, which some titles already say: not
    "Personer (personer)" or "Aktiveringsgrad (pct.) (pct.)" (as they once were)."""
    titles = {}
    for language in ["", "en/"]:
        for path in sorted((tiny_site / language / "data").glob("*/*.xlsx")):
            workbook = openpyxl.load_workbook(path, read_only=True)
            for sheet in workbook.worksheets[1:]:
                titles[sheet["A1"].value] = path
    units = ["personer", "fuldtidspersoner", "pct.", "pct.-point", "uger", "samtaler"]
    units += ["persons", "full-time persons", "%", "percentage points", "weeks", "interviews"]
    for title, path in titles.items():
        folded = title.casefold()
        named = [unit for unit in units if f"({unit})" in folded or folded.startswith(unit)]
        assert named, (path, title)
        for unit in named:
            assert folded.count(f"({unit})") + folded.startswith(unit) == 1, (path, title)
    assert any(title.startswith("Personer, ") for title in titles)
    assert any(title.startswith("Aktiveringsgrad (pct.), ") for title in titles)
    assert any(title.startswith("Arbejdskraftreserven (fuldtidspersoner)") for title in titles)


def test_the_data_page_says_how_to_read_every_file_and_its_size(tiny_site):
    html = (tiny_site / "data" / "index.html").read_text(encoding="utf-8")
    assert 'href="jobtal.parquet"' in html or 'href="../data/jobtal.parquet"' in html
    assert "pd.read_parquet(" in html and "arrow::read_parquet(" in html
    assert "SELECT * FROM" in html
    size = (tiny_site / "data" / "jobtal.parquet").stat().st_size
    assert f"({round(size / 1000)} kB)" in html
    assert "personer-opdelt.csv.gz" in html
    english = (tiny_site / "en" / "data" / "index.html").read_text(encoding="utf-8")
    assert "data/jobcentre/101.xlsx" in english and "Every figure in one file" in english


def test_files_compressed_on_their_own_thread_are_waited_for_and_their_errors_raised(tmp_path):
    """The data stage compresses on a thread of its own (tables.Compressing) while DuckDB
    writes the next files: at the end of the block every file is there, each as gzip gives
    it back, and a file that could not be compressed stops the build."""
    sources = []
    for n in range(3):
        source = tmp_path / f"{n}.csv"
        source.write_bytes(b"indicator,value\n" + b"personer,12\n" * (50_000 * (n + 1)))
        sources.append(source)
    with tables.Compressing() as compressing:
        for source in sources:
            compressing.gzip(
                source, tmp_path / "out" / f"{source.name}.gz", keep=source.name != "2.csv"
            )
    for n, source in enumerate(sources):
        expected = b"indicator,value\n" + b"personer,12\n" * (50_000 * (n + 1))
        assert gzip.decompress((tmp_path / "out" / f"{source.name}.gz").read_bytes()) == expected
    assert [s.exists() for s in sources] == [True, True, False]  # kept unless asked not to

    with pytest.raises(FileNotFoundError):
        with tables.Compressing() as compressing:
            compressing.gzip(tmp_path / "missing.csv", tmp_path / "missing.csv.gz")
