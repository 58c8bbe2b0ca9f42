"""The published data files and pages of a whole build of the tiny extract."""

from __future__ import annotations

import csv
import gzip
import json
import re

from frictionless import Package

from jobtal.pipeline import build
from jobtal.publish.site import site_url
from jobtal.publish.tables import CSV_COLUMNS
from jobtal.vocabulary import INDICATOR_IDS
from tests.conftest import PAGE_TESTS
from tests.helpers import all_values_rows, all_values_text, charts_of

MUNICIPALITIES = {101: "koebenhavn", 147: "frederiksberg", 825: "laesoe", 860: "hjoerring"}


def read_lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def test_a_page_and_a_csv_for_every_municipality_of_the_input(tiny_site):
    assert (tiny_site / "index.html").is_file()
    assert (tiny_site / "jobcenter" / "index.html").is_file()
    for code, slug in MUNICIPALITIES.items():
        assert (tiny_site / "jobcenter" / slug / "index.html").is_file()
        assert (tiny_site / "data" / "jobcentre" / f"{code}.csv").is_file()
    assert sorted(p.name for p in (tiny_site / "data" / "jobcentre").iterdir()) == [
        f"{code}.{kind}" for code in sorted(MUNICIPALITIES) for kind in ("csv", "xlsx")
    ]
    assert sorted(p.name for p in (tiny_site / "jobcenter").iterdir()) == [
        "frederiksberg",
        "hjoerring",
        "index.html",
        "koebenhavn",
        "laesoe",
    ]


def test_every_csv_has_the_contract_columns_in_order(tiny_site):
    paths = list((tiny_site / "data").rglob("*.csv")) + list((tiny_site / "data").rglob("*.gz"))
    assert len(paths) > 20
    for path in paths:
        text = gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else None
        header = text.split("\n", 1)[0] if text else read_lines(path)[0]
        assert header == ",".join(CSV_COLUMNS), path


def test_published_rows_are_the_hand_worked_values(tiny_site):
    lines = set(all_values_text(tiny_site).splitlines())
    expected = [
        "personer,alle,kommune,101,København,2024-01,alle,alle,11,personer,",
        "personer,dagpenge,kommune,101,København,2024-01,K,alle,5,personer,",
        # one person on sygedagpenge: suppressed, and so is the full-time figure from that person
        "personer,sygedagpenge,kommune,101,København,2024-01,alle,alle,,personer,suppressed",
        "fuldtidspersoner,sygedagpenge,kommune,101,København,2024-01,alle,alle,,fuldtidspersoner,"
        "suppressed",
        # 10 + 17/31 * 0.5 = 10.27 full-time persons, published as an integer
        "fuldtidspersoner,alle,kommune,101,København,2024-01,alle,alle,10,fuldtidspersoner,",
        # 100 * 10.274 / 1200 = 0.856 -> 0.9
        "andel_befolkning,alle,kommune,101,København,2024-01,alle,alle,0.9,pct.,",
        # 100 * (5 + 1/29) / 600 = 0.839 -> 0.8
        "andel_befolkning,alle,kommune,147,Frederiksberg,2024-02,alle,alle,0.8,pct.,",
        # the reference month is provisional: 10 + 5 + 1/31 + 2 + 1 + 3 = 21.03 -> 21
        "fuldtidspersoner,alle,land,DK,Hele landet,2024-03,alle,alle,21,fuldtidspersoner,"
        "provisional",
        # Læsø's three recipients are suppressed; Hjørring's five then too, or the region's
        # seven would give Læsø away (secondary suppression); the region itself is published
        "personer,alle,kommune,825,Læsø,2024-01,alle,alle,,personer,suppressed",
        "personer,alle,kommune,860,Hjørring,2024-01,alle,alle,,personer,suppressed",
        "personer,alle,region,1081,Region Nordjylland,2024-01,alle,alle,7,personer,",
        # a true zero is published as 0
        "personer,foertidspension,kommune,825,Læsø,2024-01,alle,alle,0,personer,",
        # nobody in København left benefits after January: 0 of 11; in February S1 did, but a
        # share whose numerator is one person is suppressed
        "afgang,alle,kommune,101,København,2024-01,alle,alle,0.0,pct.,",
        "afgang,alle,kommune,101,København,2024-02,alle,alle,,pct.,suppressed",
        # ten dagpenge spells from 2023-12-01: 61 days on 2024-01-31 = 8.71 weeks
        "varighed,dagpenge,kommune,101,København,2024-01,alle,alle,8.7,uger,",
    ]
    for line in expected:
        assert f"{line},jobtal" in lines, line  # computed by jobtal from (not synthetic) extracts
    # afgang waits for the month after: nothing for the reference month
    assert not [line for line in lines if line.startswith("afgang,") and ",2024-03," in line]


def test_jobcentre_csv_holds_the_jobcentre_its_group_region_and_country(tiny_site):
    with (tiny_site / "data" / "jobcentre" / "101.csv").open(encoding="utf-8") as handle:
        areas = {(row["area_type"], row["area_code"]) for row in csv.DictReader(handle)}
    assert areas == {("kommune", "101"), ("kommunegruppe", "1"), ("region", "1084"), ("land", "DK")}


def test_no_identifier_from_the_extracts_is_published(tiny_site, tiny_package):
    assert "xqp-D1" in tiny_package.with_name("benefit_spells.csv").read_text(encoding="utf-8")
    files = [path for path in tiny_site.rglob("*") if path.is_file()]
    assert len(files) > 10
    for path in files:
        text = path.read_bytes()
        for prefix in (b"xqp-", b"xqs-", b"xqa-"):
            assert prefix not in text, path


def test_rows_are_sorted_and_unique(tiny_site):
    lines = all_values_text(tiny_site).splitlines()[1:]
    assert len(lines) == len(set(lines))
    keys = [tuple(line.split(",")[:8]) for line in lines]
    # within one indicator, benefit and area the periods ascend
    first = [
        k
        for k in keys
        if k[:4] == ("personer", "alle", "kommune", "101") and k[6:] == ("alle", "alle")
    ]
    assert [k[5] for k in first] == ["2024-01", "2024-02", "2024-03"]


def test_published_datapackage_passes_frictionless(tiny_site):
    descriptor = tiny_site / "data" / "datapackage.json"
    report = Package(str(descriptor)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
    # Parquet and gzip CSV of every value; 12 indicators, 9 of them with more than a headline
    # (see test_releases); 4 jobcentres; a workbook for each
    assert len(resources) == 2 + 12 + 9 + 4 + (12 + 4)
    assert {r["path"] for r in resources} == {
        str(p.relative_to(tiny_site / "data"))
        for p in (tiny_site / "data").rglob("*")
        if p.is_file()
        and p.suffix != ".html"
        and p.name != "datapackage.json"
        and "figurer" not in p.parts
    }


def test_profile_page_shows_figures_charts_and_downloads(tiny_site):
    html = (tiny_site / "jobcenter" / "koebenhavn" / "index.html").read_text(encoding="utf-8")
    # the summary sentence, in Danish number and month format
    assert "I marts 2024 var 0,8 pct. af de 16-66-årige i København" in html
    assert "hovedstadskommunerne" in html
    assert 'href="../../data/jobcentre/101.csv"' in html
    # compared in March: København and Frederiksberg both 0.8 pct. (10 / 1200 and
    # (5 + 1/31) / 600), sharing first place; Læsø and Hjørring (3 recipients) are suppressed
    assert "<td>nr. 1 af 2 (lavest er bedst)</td>" in html
    assert "Lavere er bedre: nr. 1 har det laveste tal." in html
    assert "<caption>" in html
    # every chart links to the CSV it is drawn from
    charts = charts_of(tiny_site / "jobcenter" / "koebenhavn" / "index.html")
    assert len(charts) >= 6
    for chart_id, spec in charts:
        url = spec["data"]["url"]
        assert f'<a href="{url}">' in html, chart_id


def test_english_profile_speaks_english(tiny_site):
    html = (tiny_site / "en" / "jobcenter" / "koebenhavn" / "index.html").read_text("utf-8")
    assert '<html lang="en"' in html
    assert "In March 2024, 0.8% of 16-66-year-olds in København" in html
    assert "the capital municipalities" in html
    assert '<a href="../../../jobcenter/koebenhavn/" hreflang="da" lang="da">Dansk</a>' in html


def test_site_loads_nothing_from_another_host(tiny_site):
    for path in tiny_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for attribute in ("src=", "href="):
            for chunk in html.split(attribute)[1:]:
                target = chunk[1:].split(chunk[0], 1)[0] if chunk[:1] in "\"'" else chunk
                if target.startswith(("http://", "https://", "//")):
                    # only links a reader clicks (anchors) may point elsewhere, never a resource;
                    # the canonical link names the page's own address, which loads nothing
                    before = html.split(attribute + chunk[:1] + target)[0]
                    tag = before[before.rfind("<") :]
                    canonical = tag.startswith('<link rel="canonical"') and target.startswith(
                        site_url()
                    )
                    assert tag.startswith("<a ") or canonical, (path, tag, target)
    assert (tiny_site / "assets" / "vega.min.js").stat().st_size > 100_000
    assert "fonts.googleapis" not in (tiny_site / "index.html").read_text(encoding="utf-8")


def test_same_input_gives_a_byte_identical_site(tiny_site, tiny_package, tmp_path, monkeypatch):
    # built again with the pages, the reports and the two languages' sites made in worker
    # processes, as a national build makes them (a build as small as this one makes them in
    # its own process)
    from jobtal import parallel
    from jobtal.publish import pages, site

    in_processes = []

    def in_worker_processes(function, items, worth_it, sizes=None):
        in_processes.append(function.__name__)
        return parallel.map_in_processes(function, items, True, sizes)

    monkeypatch.setenv("JOBTAL_WORKERS", "2")
    monkeypatch.setattr(pages, "map_in_processes", in_worker_processes)
    monkeypatch.setattr(site, "map_in_processes", in_worker_processes)
    again = build(tiny_package, tmp_path / "site", work=tmp_path / "work", **PAGE_TESTS).site
    assert sorted(in_processes) == [
        "build_language_site",
        "write_language_pages",
        "write_reports_job",
    ]
    first = {p.relative_to(tiny_site): p.read_bytes() for p in tiny_site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    different = [path for path in first if first[path] != second[path]]
    assert different == []


def test_every_indicator_is_published_for_every_area(tiny_site):
    present = {
        (row["indicator"], row["area_type"], row["area_code"]) for row in all_values_rows(tiny_site)
    }
    areas = {(area_type, code) for _, area_type, code in present}
    # 4 municipalities, groups 1 and 5, regions 1081 and 1084, the country
    assert len(areas) == 9
    for indicator in INDICATOR_IDS:
        for area_type, code in areas:
            assert (indicator, area_type, code) in present, (indicator, area_type, code)


def test_a_map_whose_every_value_is_suppressed_is_left_out(tiny_site):
    """Worked out from the tiny extract: aktiveringsgrad in March 2024 rests on fewer than 5
    persons (or on none) in every municipality, so the map would have no colour to show (and
    Vega fails on an empty colour scale); the page says why there is no map."""
    html = (tiny_site / "indikator" / "aktiveringsgrad" / "index.html").read_text("utf-8")
    assert "Intet kort for marts 2024: ingen kommune har en værdi, der kan vises" in html
    assert "kort.csv" not in html
    with (tiny_site / "data" / "figurer" / "indikator-aktiveringsgrad-kort.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert {row["value"] for row in rows} == {""}
    assert "suppressed" in {row["flag"] for row in rows}


def test_a_suppressed_share_is_said_in_words_in_the_summary(tiny_site):
    """Læsø's share in March 2024 rests on 3 persons (L1, L2, M1): suppressed."""
    html = (tiny_site / "jobcenter" / "laesoe" / "index.html").read_text(encoding="utf-8")
    [sentence] = re.findall(r'<p class="jobtal-summary">([^<]*)</p>', html)
    assert "andelen af de 16-66-årige i Læsø på offentlig forsørgelse diskretioneret" in sentence
    assert "–" not in sentence


def test_a_target_with_no_published_value_gets_no_empty_chart(tiny_site):
    """Worked out from the tiny extract: the young on benefits are H4 (born 1995) and, from
    February, U1 (born 2000): one or two persons, suppressed for the country every month. The
    home page draws the other two targets and shows this one in its table only; København's
    profile likewise leaves out arbejdskraftreserve, whose counts are all suppressed there."""
    for page, left_out, drawn in [
        ("index.html", "unge_paa_ydelse", "land-maal"),
        ("jobcenter/koebenhavn/index.html", "arbejdskraftreserve", "jobcenter-101-maal"),
    ]:
        charts = dict(charts_of(tiny_site / page))
        targets = [spec for chart_id, spec in charts.items() if chart_id.startswith("chart-maal")]
        assert len(targets) == 2, page
        assert left_out not in json.dumps(targets)
        figure = tiny_site / "data" / "figurer" / f"{drawn}.csv"
        with figure.open(encoding="utf-8") as handle:
            values = {r["value"] for r in csv.DictReader(handle) if r["indicator"] == left_out}
        assert values == {""}, page


def test_the_build_counts_the_pages_it_wrote(tiny_build):
    """Every page is one index.md in the work folder's docs (both languages, releases too)."""
    written = list((tiny_build.site.parent / "work" / "docs").rglob("index.md"))
    assert tiny_build.pages == len(written) > 40
