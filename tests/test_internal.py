"""The internal edition (issue 22, SPEC section 9): weekly values worked out by hand on the
package of tests/weekly_extract.py (its docstring tells each citizen's story), the data files'
layout, the pages' marks, and what `jobtal internal` refuses."""

from __future__ import annotations

import csv
import filecmp
import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobtal import paths
from jobtal.cli import main
from jobtal.internal.edition import EDITION_MARK, build_internal
from jobtal.internal.engine import MeasureError, load_measures
from jobtal.internal.files import CSV_COLUMNS
from jobtal.internal.pages import MARK
from jobtal.weeks import week_range
from tests.weekly_extract import write_weekly_package

NORD, SYD = "Team Nord", "Team Syd"


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("weekly")
    write_weekly_package(folder / "extracts")
    return build_internal(folder / "extracts", folder / "intern").site


@pytest.fixture(scope="module")
def rows(edition) -> list[dict]:
    with open(edition / "data" / "intern.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def value(rows):
    table = {
        (r["measure"], r["area_type"], r["area_code"], r["period"], r["target_group"]): r["value"]
        for r in rows
    }

    def lookup(measure, area_type, area_code, period, target_group="alle"):
        return table.get((measure, area_type, area_code, period, target_group))

    return lookup


def test_the_caseload_counts_each_citizen_with_the_sundays_caseworker(value):
    # 2025-W01 runs from Monday 30 December 2024 to Sunday 5 January 2025: P1 moved from a1 to
    # a2 on Thursday 2 January, so he counts for a2; P2 (benefit until 31 December) for a1
    assert value("sagsstamme", "caseworker", "wk-a1", "2025-W01") == "1"
    assert value("sagsstamme", "caseworker", "wk-a2", "2025-W01") == "2"  # P1 and P5
    assert value("sagsstamme", "caseworker", "wk-b1", "2025-W01") == "1"  # P4; P3 has no benefit
    assert value("sagsstamme", "caseworker", "wk-a1", "2024-W52") == "2"  # P1 and P2
    assert value("sagsstamme", "caseworker", "wk-a1", "2025-W02") == "0"
    assert value("sagsstamme", "caseworker", "wk-b1", "2025-W02") == "2"  # P3 is back
    assert value("sagsstamme", "team", NORD, "2025-W01") == "3"
    assert value("sagsstamme", "team", SYD, "2025-W01") == "1"
    assert value("sagsstamme", "jobcenter", "101", "2025-W01") == "4"
    assert value("sagsstamme", "jobcenter", "101", "2024-W51") == "5"


def test_the_target_group_is_the_sundays_benefit_with_readiness(value):
    assert value("sagsstamme", "caseworker", "wk-a1", "2025-W01", "kontanthjaelp:jobparat") == "1"
    # P5 has dagpenge and sygedagpenge on the Sunday: dagpenge comes first in section 4
    assert value("sagsstamme", "caseworker", "wk-a2", "2025-W01", "dagpenge") == "2"
    assert value("sagsstamme", "caseworker", "wk-a2", "2025-W01", "sygedagpenge") is None
    assert value("sagsstamme", "team", SYD, "2024-W51", "uddannelseshjaelp:aktivitetsparat") == "1"


def test_samtaler_count_for_whoever_held_them(value):
    # a1 held one with P1 (a2's citizen by the Sunday); a2 one with P2 (a1's citizen)
    assert value("samtaler", "caseworker", "wk-a1", "2025-W01") == "1"
    assert value("samtaler", "caseworker", "wk-a2", "2025-W01") == "1"
    assert value("samtaler", "caseworker", "wk-b1", "2025-W01") == "1"
    assert value("samtaler", "team", NORD, "2025-W01") == "2"
    # the one without a caseworker counts for nobody, not even the jobcentre
    assert value("samtaler", "jobcenter", "101", "2025-W01") == "3"
    assert value("samtaler", "jobcenter", "101", "2025-W02") == "0"


def test_an_offer_overlapping_the_week_by_one_day_counts(value):
    # P4's virksomhedspraktik ends on Monday 16 December, 2024-W51's first day
    assert value("i_tilbud", "caseworker", "wk-b1", "2024-W51") == "50.0"  # P3 and P4
    assert value("i_tilbud", "caseworker", "wk-b1", "2024-W50") == "50.0"
    assert value("i_tilbud", "caseworker", "wk-b1", "2024-W49") == "0.0"  # it starts 9 December
    assert value("i_tilbud", "caseworker", "wk-b1", "2024-W52") == "0.0"
    assert value("i_tilbud", "team", SYD, "2024-W51") == "50.0"
    assert value("i_tilbud", "team", NORD, "2024-W51") == "0.0"
    assert value("i_tilbud", "jobcenter", "101", "2024-W51") == "20.0"  # 1 of 5
    # P6's loentilskud ends on 2024-09-30, a Monday: P6 and P7 are a1's
    assert value("i_tilbud", "caseworker", "wk-a1", "2024-W40") == "50.0"
    assert value("i_tilbud", "caseworker", "wk-a1", "2024-W40", "kontanthjaelp:jobparat") == "50.0"


def test_afgang_is_the_last_benefit_week_without_a_return_within_four_weeks(value):
    assert value("afgang", "caseworker", "wk-a1", "2025-W01") == "1"  # P2
    assert value("afgang", "caseworker", "wk-a1", "2025-W01", "kontanthjaelp:jobparat") == "1"
    assert value("afgang", "team", NORD, "2025-W01") == "1"
    assert value("afgang", "jobcenter", "101", "2025-W01") == "1"
    # P3's benefit stops on 20 December and starts again on 10 January: not afgang
    assert value("afgang", "caseworker", "wk-b1", "2024-W51") == "0"
    assert value("afgang", "caseworker", "wk-a1", "2024-W40") == "1"  # P6, on 30 September
    assert value("afgang", "caseworker", "wk-a1", "2024-W45") == "1"  # P7, on Sunday 10 November


def test_afgang_waits_for_the_four_weeks_after(value):
    # the reference week is 2025-W06: 2025-W02's four following weeks end on its Sunday
    assert value("afgang", "jobcenter", "101", "2025-W02") == "0"
    for week in ["2025-W03", "2025-W04", "2025-W05", "2025-W06"]:
        for area_type, code in [("jobcenter", "101"), ("team", NORD), ("caseworker", "wk-a1")]:
            assert value("afgang", area_type, code, week) == ""
        assert value("sagsstamme", "jobcenter", "101", week) != ""


def test_teams_and_the_jobcentre_are_the_sums_of_their_caseworkers(rows):
    team_of = {"wk-a1": NORD, "wk-a2": NORD, "wk-b1": SYD}
    sums: dict[tuple, float] = {}
    given: dict[tuple, float] = {}
    for r in rows:
        if r["measure"] == "i_tilbud" or r["value"] == "":
            continue
        key = (r["measure"], r["target_group"], r["period"])
        if r["area_type"] == "caseworker":
            for parent in (("team", team_of[r["area_code"]]), ("jobcenter", "101")):
                sums[(*key, *parent)] = sums.get((*key, *parent), 0) + float(r["value"])
        else:
            given[(*key, r["area_type"], r["area_code"])] = float(r["value"])
    assert sums == given
    assert len(given) > 500


def test_every_week_from_the_first_to_the_reference_week(rows):
    weeks = week_range("2024-W22", "2025-W06")
    assert len(weeks) == 37
    for measure in ["sagsstamme", "samtaler", "i_tilbud", "afgang"]:
        for area_type, code in [("jobcenter", "101"), ("team", SYD), ("caseworker", "wk-a2")]:
            found = [
                r["period"]
                for r in rows
                if (r["measure"], r["area_type"], r["area_code"], r["target_group"])
                == (measure, area_type, code, "alle")
            ]
            assert found == weeks


def test_intern_csv_has_the_contracts_columns_sorted(edition, rows):
    text = (edition / "data" / "intern.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    keys = [[r[c] for c in CSV_COLUMNS] for r in rows]
    assert keys == sorted(keys)
    assert {r["area_type"] for r in rows} == {"jobcenter", "team", "caseworker"}
    assert {r["unit"] for r in rows if r["measure"] == "i_tilbud"} == {"pct."}
    names = {(r["area_type"], r["area_code"]): r["area_name"] for r in rows}
    assert names[("caseworker", "wk-a1")] == "Anna Andersen"
    assert names[("team", NORD)] == "Team Nord, København"
    assert names[("jobcenter", "101")] == "København"


def test_a_team_csv_holds_the_team_and_its_caseworkers(edition):
    with open(edition / "data" / "team" / "101-team-syd.csv", encoding="utf-8") as file:
        team_rows = list(csv.DictReader(file))
    assert {(r["area_type"], r["area_code"]) for r in team_rows} == {
        ("team", SYD),
        ("caseworker", "wk-b1"),
    }


def test_what_works_compares_the_offer_with_the_same_group_and_duration(edition):
    with open(edition / "data" / "hvad-virker.csv", encoding="utf-8") as file:
        found = list(csv.DictReader(file))
    # P6's loentilskud from 5 August (one month into her kontanthjaelp): off benefits on
    # 4 November. The comparison: kontanthjaelp:jobparat 0-3 months, on a Sunday without an
    # offer: P6 on 7, 14, 21, 28 July and 4 August (all off 91 days later, after her spell
    # ended on 30 September) and P7 on the 13 Sundays from 7 July to 29 September (off 91 days
    # later from 18 August on, his spell ending on 10 November): 12 of 18. P4's
    # virksomhedspraktik (9 December) has no outcome yet on 9 February.
    assert found == [
        {
            "municipality_code": "101",
            "offer": "loentilskud",
            "target_group": "kontanthjaelp:jobparat",
            "offer_persons": "1",
            "offer_share": "100.0",
            "comparison_persons": "2",
            "comparison_share": "66.7",
        }
    ]
    page = (edition / "koebenhavn" / "hvad-virker" / "index.html").read_text(encoding="utf-8")
    assert "ikke en målt effekt" in page
    assert "Usikkert: under 20 borgere" in page


def html_pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if p.name != "404.html"]


def test_every_page_is_marked_internal_and_not_for_search_engines(edition):
    pages = html_pages(edition)
    assert len(pages) == 1 + 2 + 2 + 3  # home, jobcentre and its hvad virker, teams, caseworkers
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<meta name="robots" content="noindex, nofollow">' in text, page
        assert text.count(MARK) >= 2, page  # the banner and the page's own text
        assert not re.search(r'href="[^"]*(releases|feed|rss)', text), page
    not_found = (edition / "404.html").read_text(encoding="utf-8")
    assert "noindex" in not_found and "/jobcenter/" not in not_found  # no public page named
    assert (edition / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    assert (edition / EDITION_MARK).exists()


def test_no_citizen_level_row_or_identifier_is_written(edition):
    # citizens are wk-P*, spells wk-s*, activities wk-t* (caseworkers, wk-a* and wk-b*, are
    # the edition's areas)
    for path in edition.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".json", ".xml", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"wk-[Pst]\d", text), path


def test_pages_show_the_figures_of_the_csv(edition):
    team = (edition / "koebenhavn" / "team-nord" / "index.html").read_text(encoding="utf-8")
    table = team[team.index("<table") : team.index("</table>")]
    row = re.search(r"Bo Berg</a></th>(.*?)</tr>", table).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    # 2025-W06: P1 and P5 (both fewer than 5: marked); no samtale; none in an offer; afgang of
    # 2025-W02: none
    assert cells == ["2*", "0", "0,0*", "0*"]


def test_headings_name_each_unit_once(edition):
    """Samtaler are counted in samtaler: the headings say so once ("Samtaler (uge ...)",
    "Samtaler pr. uge"), where the others keep their unit ("Sagsstamme (borgere, uge ...)")."""
    team = (edition / "koebenhavn" / "team-nord" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<th[^>]*>Samtaler \(uge \d+", team), "the week's heading"
    assert re.search(r"<th[^>]*>Sagsstamme \(borgere, uge \d+", team)
    assert "Samtaler pr. uge" in team and "Sagsstamme (borgere) pr. uge" in team
    assert "(samtaler)" not in team and "(samtaler," not in team


def test_the_same_input_gives_the_same_bytes(edition, tmp_path):
    write_weekly_package(tmp_path / "extracts")
    again = build_internal(tmp_path / "extracts", tmp_path / "intern").site
    compared = filecmp.dircmp(edition, again)
    differing = []

    def walk(c):
        differing.extend(c.diff_files + c.left_only + c.right_only)
        for sub in c.subdirs.values():
            walk(sub)

    walk(compared)
    assert differing == []


HOSTILE = """caseworker_id,team,municipality_code,caseworker_name
WK-A1,<script>alert(1)</script>,101,=HYPERLINK("http://x")
wk-a1,<script>alert(1)</script>,101,*Bo* [x](javascript:alert(2))
wk-b1,Hvad virker,101,Cecilie <img src=x onerror=alert(3)>
"""


def test_hostile_names_are_text_wherever_they_land(tmp_path):
    descriptor = write_weekly_package(tmp_path / "extracts", caseworkers=HOSTILE)
    # the citizens of wk-a2 are now WK-A1's: two ids with one slug, and a team named as the
    # jobcentre's page "Hvad virker"
    for name in ("caseload.csv", "activities.csv"):
        path = descriptor.parent / name
        path.write_text(path.read_text(encoding="utf-8").replace("wk-a2", "WK-A1"), "utf-8")
    site = build_internal(tmp_path / "extracts", tmp_path / "intern").site
    folders = sorted(p.relative_to(site).as_posix() for p in site.glob("koebenhavn/*/*/"))
    assert folders == ["koebenhavn/hvad-virker-2/wk-b1", "koebenhavn/team-1/wk-a1",
                       "koebenhavn/team-1/wk-a1-2"]  # fmt: skip
    assert "Hvad virker i" in (site / "koebenhavn" / "hvad-virker" / "index.html").read_text()
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, page
        assert not re.search(r"(href|src)=[\"']?javascript:", text), page
    assert all(site in p.resolve().parents for p in site.rglob("*"))
    text = (site / "data" / "intern.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
    assert "&lt;script&gt;" in (site / "koebenhavn" / "index.html").read_text(encoding="utf-8")
    # the Markdown in a name stays its text: the heading shows it as it is
    (page,) = [p for p in html_pages(site) if p.parent.name == "wk-a1"]
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(encoding="utf-8")).group(1)
    assert html.unescape(heading) == "*Bo* [x](javascript:alert(2))"


def invoke(*args):
    return CliRunner().invoke(main, ["internal", *map(str, args)])


def test_a_package_without_the_internal_resources_exits_2_with_one_line(tmp_path):
    descriptor = write_weekly_package(tmp_path / "extracts", internal=False)
    result = invoke("--data", descriptor, "--out", tmp_path / "intern")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "caseworkers, caseload, activities.caseworker_id" in lines[0]
    assert not (tmp_path / "intern").exists()


def test_it_is_never_written_into_the_public_sites_folder(tmp_path):
    descriptor = write_weekly_package(tmp_path / "extracts")
    for out in (paths.DEFAULT_SITE, paths.DEFAULT_SITE / "intern"):
        result = invoke("--data", descriptor, "--out", out)
        assert result.exit_code == 2
        assert "public site" in result.output
    assert not (paths.DEFAULT_SITE / "intern").exists()


def test_a_folder_with_something_else_is_left_alone(tmp_path):
    descriptor = write_weekly_package(tmp_path / "extracts")
    out = tmp_path / "elsewhere"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = invoke("--data", descriptor, "--out", out)
    assert result.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_invalid_extracts_write_nothing(tmp_path):
    descriptor = write_weekly_package(tmp_path / "extracts")
    # P1 with two caseworkers on 2 January
    caseload = tmp_path / "extracts" / "caseload.csv"
    text = caseload.read_text(encoding="utf-8")
    caseload.write_text(text.replace("2024-11-01,2025-01-01", "2024-11-01,2025-01-02"))
    result = invoke("--data", descriptor, "--out", tmp_path / "intern")
    assert result.exit_code == 1
    assert "two-caseworkers" in result.output
    assert not (tmp_path / "intern").exists()


def test_the_measures_are_definitions_checked_against_their_schema(tmp_path):
    assert [m.id for m in load_measures()] == ["sagsstamme", "samtaler", "i_tilbud", "afgang"]
    (tmp_path / "afgang.yaml").write_text(
        "id: afgang\ntitle: Afgang\ndescription: x\nunit: borgere\ndecimals: 0\n"
        "kind: average\nby_target_group: true\nsql: SELECT 1\n",
        encoding="utf-8",
    )
    with pytest.raises(MeasureError, match="afgang.yaml: 'average' is not one of"):
        load_measures(tmp_path)
