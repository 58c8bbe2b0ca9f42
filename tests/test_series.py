"""Other publishers' series in the build: the tiny extract, marked synthetic, with an AUK01
series imported from a hand-made statbank export. The series is published as the source has
it (a count of 2 stays 2; ".." stays empty, with no flag), beside jobtal's own indicators, in
jobtal.csv.gz, the jobcentre and indicator CSVs and datapackage.json, and every row says where it
comes from."""

from __future__ import annotations

import csv
import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobtal.cli import main
from jobtal.pipeline import build
from tests.conftest import PAGE_TESTS
from tests.helpers import all_values_rows
from tests.tiny_extract import write_tiny_package

KIND = "Net unemployed recipients of social assistance"
AUK01 = "OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD\n" + "".join(
    f"{area};{KIND};{sex};Age, total;{quarter};{value}\n"
    for area, sex, quarter, value in [
        ("Hele landet", "Total", "2023K4", "40"),
        ("Region Nordjylland", "Total", "2023K4", ".."),
        ("Landsdel Nordjylland", "Total", "2023K4", "9"),
        ("København", "Total", "2023K4", "30"),
        ("Læsø", "Total", "2023K4", "2"),
        ("Læsø", "Men", "2023K4", "1"),
        ("Læsø", "Total", "2024K1", "3"),
        # after the package's reference month (2024-03): not the release's to publish
        ("Læsø", "Total", "2024K2", "4"),
    ]
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("series")
    package = write_tiny_package(root / "extracts", descriptor_changes={"synthetic": True})
    source = root / "AUK01.csv"
    source.write_text(AUK01, encoding="utf-8-sig")
    imported = root / "imported"
    result = CliRunner().invoke(
        main,
        ["import", "statbank", str(source), "--out", str(imported), "--created", "2024-04-01"],
    )
    assert result.exit_code == 0, result.output
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    for resource in json.loads((imported / "datapackage.json").read_text("utf-8"))["resources"]:
        shutil.copyfile(imported / resource["path"], package.parent / resource["path"])
        descriptor["resources"].append(resource)
    package.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return build(package, root / "site", work=root / "work", **PAGE_TESTS).site


def rows(path: Path) -> list[dict]:
    if path.suffix == ".gz":
        return all_values_rows(path.parent)
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def one_line(text: str | list[str]) -> str:
    """A chart title as one line, however many lines it is drawn in."""
    return " ".join(text) if isinstance(text, list) else text


def series_rows(path: Path) -> list[tuple]:
    return [
        (r["area_type"], r["area_code"], r["period"], r["value"], r["flag"], r["source"])
        for r in rows(path)
        if r["indicator"] == "nettoledige_kontanthjaelp"
    ]


def test_the_series_is_published_as_the_source_has_it(site):
    # Læsø's 2 would be suppressed if jobtal had counted it; the region's ".." stays empty;
    # the landsdel and the men-only row are not this series
    assert series_rows(site / "data" / "jobtal.csv.gz") == [
        ("land", "DK", "2023-Q4", "40", "", "DST AUK01"),
        ("region", "1081", "2023-Q4", "", "", "DST AUK01"),
        ("kommune", "101", "2023-Q4", "30", "", "DST AUK01"),
        ("kommune", "825", "2023-Q4", "2", "", "DST AUK01"),
        ("kommune", "825", "2024-Q1", "3", "", "DST AUK01"),
    ]
    assert series_rows(site / "data" / "jobcentre" / "825.csv") == [
        ("land", "DK", "2023-Q4", "40", "", "DST AUK01"),
        ("region", "1081", "2023-Q4", "", "", "DST AUK01"),
        ("kommune", "825", "2023-Q4", "2", "", "DST AUK01"),
        ("kommune", "825", "2024-Q1", "3", "", "DST AUK01"),
    ]
    # the quarter that begins after the reference month is left out everywhere
    assert "2024-Q2" not in gzip.open(site / "data" / "jobtal.csv.gz", "rt").read()
    indicator = site / "data" / "indicator" / "nettoledige_kontanthjaelp.csv"
    assert len(series_rows(indicator)) == 5 == len(rows(indicator))


def test_every_row_says_where_it_comes_from(site):
    sources = {
        (r["indicator"] == "nettoledige_kontanthjaelp", r["source"])
        for r in rows(site / "data" / "jobtal.csv.gz")
    }
    assert sources == {(True, "DST AUK01"), (False, "jobtal-syntetisk")}
    descriptor = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert {
        "title": "Danmarks Statistik, Statistikbanken, tabel AUK01",
        "path": "https://www.statistikbanken.dk/AUK01",
    } in descriptor["sources"]
    assert "indicator-nettoledige-kontanthjaelp" in {r["name"] for r in descriptor["resources"]}


def test_the_published_package_with_the_series_passes_frictionless(site):
    import frictionless

    report = frictionless.validate(str(site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type"])[:5]


def test_charts_of_synthetic_figures_say_so(site):
    """The package is marked synthetic: every chart of jobtal's own figures carries it in its
    title (visible on any copy of the image) and its text alternative."""
    from tests.helpers import charts_of

    for page in ("jobcenter/koebenhavn/index.html", "index.html", "en/jobcenter/laesoe/index.html"):
        charts = charts_of(site / page)
        assert charts, page
        word = "Synthetic demo data" if page.startswith("en/") else "Syntetiske demodata"
        own = [(chart_id, spec) for chart_id, spec in charts if "kilde" not in chart_id]
        for chart_id, spec in own:
            assert spec["title"]["subtitle"] == word, (page, chart_id)
        html = (site / page).read_text(encoding="utf-8")
        assert html.count(f"<figcaption>{word}. ") == len(own)


def test_a_profile_charts_the_series_with_its_source_and_period(site):
    from tests.helpers import charts_of

    html = (site / "jobcenter" / "laesoe" / "index.html").read_text(encoding="utf-8")
    assert "Tal fra andre udgivere" in html and "ikke demodata" in html
    [(chart_id, spec)] = [
        c for c in charts_of(site / "jobcenter" / "laesoe" / "index.html") if "kilde" in c[0]
    ]
    source = "Danmarks Statistik, Statistikbanken, tabel AUK01, 2023-Q4–2024-Q1"
    # written in lines that fit a phone's chart (charts.wrapped_title)
    assert {key: one_line(text) for key, text in spec["title"].items()} == {
        "text": "Nettoledige kontanthjælpsmodtagere (Danmarks Statistik)",
        "subtitle": source,
    }
    assert f"<figcaption>{source}. Linjediagram" in html
    assert series_rows(site / "data" / "figurer" / "jobcenter-825-kilder.csv") == [
        ("kommune", "825", "2023-Q4", "2", "", "DST AUK01"),
        ("kommune", "825", "2024-Q1", "3", "", "DST AUK01"),
    ]
    # Vega draws it: one line through the two quarters, left to right
    import vl_convert

    from tests.test_charts import drawn, inline_files

    page = site / "jobcenter" / "laesoe" / "index.html"
    spec = inline_files(spec, page.parent, {})
    spec["width"] = 400
    svg = vl_convert.vegalite_to_svg(spec)
    assert drawn(svg, "line mark") == 1
    assert "NaN" not in svg
    [path] = re.findall(r'aria-roledescription="line mark"[^>]*d="M([\d.]+),[\d.]+L([\d.]+)', svg)
    assert float(path[0]) < float(path[1])


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_each_series_has_its_page(site, prefix):
    page = site / prefix / "indikator" / "nettoledige_kontanthjaelp" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "https://www.statistikbanken.dk/AUK01" in html and "CC BY 4.0" in html
    assert "Syntetiske demodata" not in html and "Synthetic demo data" not in html
    from tests.helpers import charts_of

    [(chart_id, spec)] = charts_of(page)
    assert (
        one_line(spec["title"]["subtitle"])
        == "Danmarks Statistik, Statistikbanken, tabel AUK01, 2023-Q4–2023-Q4"
    )
    # the latest period, 2024-Q1, has only Læsø
    assert re.search(
        r'<th scope="row"><a href="[./]*jobcenter/laesoe/">Læsø</a></th><td class="number">3</td>',
        html,
    )
    index = (site / prefix / "indikator" / "index.html").read_text(encoding="utf-8")
    assert 'href="nettoledige_kontanthjaelp/"' in index
    # its numbers' table: quarters written as quarters, under "Periode", never "Måned"
    heading, quarter = ("Periode", "4. kvt. 2023") if prefix == "" else ("Period", "Q4 2023")
    assert f'<th scope="col">{heading}</th>' in html
    assert f'<th scope="row">{quarter}</th>' in html
    assert '<th scope="col">Måned</th>' not in html and '<th scope="col">Month</th>' not in html


def test_the_method_page_describes_the_series(site):
    html = (site / "metode" / "index.html").read_text(encoding="utf-8")
    assert 'id="nettoledige_kontanthjaelp"' in html
    assert "https://www.statistikbanken.dk/AUK01" in html
    english = (site / "en" / "metode" / "index.html").read_text(encoding="utf-8")
    assert "Jobtal does not compute these series" in english


@pytest.mark.parametrize(
    ("period", "start"),
    [
        ("2025-11", "2025-11"),
        ("2025-Q4", "2025-10"),
        ("2025-Q1-MAT", "2025-01"),  # a moving year, placed at its quarter as the charts do
        ("2025", "2025-01"),
    ],
)
def test_a_series_period_begins_in_its_first_month(period, start):
    import duckdb

    from jobtal.indicators.series import PERIOD_START_SQL

    con = duckdb.connect()
    found = con.execute(f"SELECT {PERIOD_START_SQL} FROM (SELECT ? AS period)", [period])
    assert found.fetchone()[0] == start
