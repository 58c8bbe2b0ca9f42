"""Releases: two builds on successive extracts (tiny_extract.write_next_month_package revises
February) give two releases, both kept byte for byte; what changed lists exactly the revised
values; the feed has one entry per release; a published release is never changed; a failed
build leaves the site as it was; fetch-releases copies the published releases."""

from __future__ import annotations

import csv
import functools
import gzip
import http.server
import io
import json
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import frictionless
import pytest
from click.testing import CliRunner

from jobtal.cli import main
from jobtal.publish.files import sha256
from jobtal.publish.releases import ReleaseError, load_previous
from jobtal.publish.site import site_url
from tests.conftest import PAGE_TESTS
from tests.helpers import all_values_rows, all_values_text
from tests.tiny_extract import write_next_month_package, write_tiny_package

KEYS = ("indicator", "benefit", "area_type", "area_code", "period", "sex", "age_group")
ATOM = "{http://www.w3.org/2005/Atom}"


def rows_by_key(text: str) -> dict[tuple, dict]:
    return {tuple(row[k] for k in KEYS): row for row in csv.DictReader(io.StringIO(text))}


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# ---------------------------------------------------------------------- two releases


def test_both_releases_are_kept_and_the_earlier_one_is_unchanged(tiny_site, next_site):
    assert [r.name for r in load_previous(next_site)] == ["2024-03", "2024-04"]
    first = tree(tiny_site / "releases" / "2024-03")
    carried = tree(next_site / "releases" / "2024-03")
    data_files = [path for path in first if not path.endswith(".html")]
    assert "data/jobtal.parquet" in data_files and "changes.csv.gz" in data_files
    assert {path: carried[path] for path in data_files} == {
        path: first[path] for path in data_files
    }


@pytest.mark.parametrize("site_name", ["tiny_site", "next_site"])
def test_a_release_keeps_its_values_once_and_gives_back_every_published_csv(
    site_name, request, tmp_path
):
    """The archive holds jobtal.parquet and no copy of the other files; unpacking it writes
    every CSV of /data/ again, byte for byte, and checks them against the release."""
    site = request.getfixturevalue(site_name)
    month = load_previous(site)[-1].name
    folder = site / "releases" / month
    archived = sorted(p.name for p in (folder / "data").iterdir())
    assert archived == ["datapackage.json", "jobtal.parquet"]
    result = CliRunner().invoke(
        main, ["unpack-release", str(folder), "--out", str(tmp_path / "unpacked")]
    )
    assert result.exit_code == 0, result.output
    data = site / "data"
    published = sorted(
        p.relative_to(data).as_posix()
        for p in data.rglob("*")
        if p.suffix in (".csv", ".gz", ".parquet") and "figurer" not in p.parts
    )
    # jobtal.parquet and .csv.gz, 4 jobcentres, 12 indicators and the other rows of the 9
    # that have more than a headline (all but arbejdskraftreserve, sygedagpenge_over_26_uger
    # and samtaler, which are published for all benefits and everyone only)
    assert len(published) == 2 + 4 + 12 + 9
    unpacked = tmp_path / "unpacked" / "data"
    for path in published:
        assert (unpacked / path).read_bytes() == (data / path).read_bytes(), path
    release = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    for path in published:
        assert release["published"][f"data/{path}"]["sha256"] == sha256(data / path)


def test_a_damaged_archive_is_refused_by_unpack(tiny_site, tmp_path):
    copy = tmp_path / "2024-03"
    shutil.copytree(tiny_site / "releases" / "2024-03", copy)
    (copy / "data" / "jobtal.parquet").write_bytes(b"PAR1 damaged")
    result = CliRunner().invoke(main, ["unpack-release", str(copy), "--out", str(tmp_path / "u")])
    assert result.exit_code == 2
    assert "jobtal.parquet does not match its checksum" in result.output
    assert not (tmp_path / "u").exists()


def test_the_release_data_package_passes_frictionless(next_site):
    descriptor = next_site / "releases" / "2024-04" / "data" / "datapackage.json"
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


# ---------------------------------------------------------------------- what changed


def expected_changes(before_csv: str, after_csv: str, previous_month: str) -> dict[tuple, str]:
    """What changed, worked out directly from the two releases' jobtal.csv.gz."""
    before, after = rows_by_key(before_csv), rows_by_key(after_csv)
    first_period = min(key[4] for key in after)
    changes = {}
    for key in before.keys() | after.keys():
        if key[4] > previous_month or key[4] < first_period:
            continue
        old, new = before.get(key), after.get(key)
        if new is None:
            changes[key] = "withdrawn"
        elif old is None:
            changes[key] = "added"
        elif old["flag"] != "suppressed" and new["flag"] == "suppressed":
            changes[key] = "suppressed"
        elif old["flag"] == "suppressed" and new["flag"] != "suppressed":
            changes[key] = "unsuppressed"
        elif old["value"] != new["value"] and (
            "" in (old["value"], new["value"]) or float(old["value"]) != float(new["value"])
        ):
            changes[key] = "revised"
    return changes


def published_changes(site: Path, month: str) -> list[dict]:
    text = gzip.decompress((site / "releases" / month / "changes.csv.gz").read_bytes()).decode()
    return list(csv.DictReader(io.StringIO(text)))


def assert_changes_are_the_difference(before: Path, after: Path, release: str) -> list[dict]:
    """The release's changes.csv.gz against the difference of the two sites' jobtal.csv.gz."""
    expected = expected_changes(
        all_values_text(before),
        all_values_text(after),
        "2024-03",
    )
    listed = published_changes(after, release)
    assert {tuple(row[k] for k in KEYS): row["change"] for row in listed} == expected
    assert len(listed) == len(expected)  # each change once
    return listed


def test_changes_csv_is_exactly_the_difference_between_the_releases(tiny_site, next_site):
    listed = assert_changes_are_the_difference(tiny_site, next_site, "2024-04")
    kinds = {row["change"] for row in listed}
    assert {"revised", "suppressed", "added"} <= kinds
    # what a release suppressed, no later release publishes (SPEC section 6)
    assert "unsuppressed" not in kinds


def test_a_value_once_suppressed_stays_suppressed_though_its_revision_is_publishable(
    tiny_site, next_site
):
    """The next month revises February (a late registration, a corrected spell) and so
    changes which values the additive sets would suppress: before the rule, some values
    suppressed in release 2024-03 were published in 2024-04 (listed as `unsuppressed`),
    giving their old values away. Every one of them stays suppressed now."""
    before = {tuple(row[k] for k in KEYS): row for row in all_values_rows(tiny_site)}
    after = {tuple(row[k] for k in KEYS): row for row in all_values_rows(next_site)}
    once_suppressed = [key for key, row in before.items() if row["flag"] == "suppressed"]
    assert once_suppressed
    assert all(after[key]["flag"] == "suppressed" for key in once_suppressed)


def test_the_late_registrations_show_as_revisions(next_site):
    """Worked out by hand from tiny_extract: R1 adds a woman to København's dagpenge in
    February (5 -> 6 women); F5's corrected end leaves Frederiksberg 4 førtidspension
    recipients in February and March, a count that must be suppressed, and takes Frederiksberg's
    February total from F1-F5 + U1 = 6 to 5."""
    listed = {
        (r["indicator"], r["benefit"], r["area_code"], r["period"], r["sex"], r["age_group"]): r
        for r in published_changes(next_site, "2024-04")
    }
    women = listed[("personer", "dagpenge", "101", "2024-02", "K", "alle")]
    assert (women["change"], women["value_before"], women["value"]) == ("revised", "5", "6")
    assert float(women["difference"]) == 1
    for month in ("2024-02", "2024-03"):
        pension = listed[("personer", "foertidspension", "147", month, "alle", "alle")]
        assert (pension["change"], pension["value_before"], pension["value"]) == (
            "suppressed",
            "5",
            "",
        )
    total = listed[("personer", "alle", "147", "2024-02", "alle", "alle")]
    assert (total["change"], total["value_before"], total["value"]) == ("revised", "6", "5")
    # Læsø and Hjørring had no late registrations: none of their counts is revised (their
    # expected shares are, since those come from the national rates)
    assert not [
        r
        for r in listed.values()
        if r["area_code"] in ("825", "860")
        and r["indicator"] in ("personer", "fuldtidspersoner")
        and r["change"] == "revised"
    ]
    assert [
        r
        for r in listed.values()
        if r["area_code"] in ("825", "860") and r["indicator"] == "forventet_andel"
    ]


class TableReader(HTMLParser):
    """Every table of a page: its caption and the text of each body row's cells."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self.cell: list[str] | None = None
        self.in_caption = False
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.in_body:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_caption = False
        elif tag == "tbody":
            self.in_body = False
        elif tag in ("td", "th") and self.cell is not None:
            self.tables[-1]["rows"][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.in_caption:
            self.tables[-1]["caption"] += data
        elif self.cell is not None:
            self.cell.append(data)


def page_tables(path: Path) -> list[dict]:
    reader = TableReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader.tables


def test_what_changed_page_lists_exactly_the_revised_totals(next_site):
    tables = page_tables(next_site / "releases" / "2024-04" / "index.html")
    [revised] = [t for t in tables if t["caption"].startswith("Rettede tal i alt")]
    expected = sorted(
        (r["area_name"], r["period"], r["value_before"], r["value"])
        for r in published_changes(next_site, "2024-04")
        if r["change"] == "revised" and r["sex"] == "alle" and r["age_group"] == "alle"
    )
    months = {"2024-02": "februar 2024", "2024-03": "marts 2024", "2024-01": "januar 2024"}

    def shown(value: str) -> str:
        return "–" if value == "" else value.replace(".", ",").replace("-", "−")

    assert sorted((row[0], row[3], row[4], row[5]) for row in revised["rows"]) == sorted(
        (area, months[period], shown(before), shown(after))
        for area, period, before, after in expected
    )
    assert len(revised["rows"]) >= 4
    # København's total in February: 11 -> 12 (D1-D10, D10 once, and R1)
    assert ("København", "personer", "februar 2024") in {
        (row[0], "personer" if row[1].startswith("Personer") else row[1], row[3])
        for row in revised["rows"]
        if row[4] == "11" and row[5] == "12"
    }


def test_a_first_release_says_so(tiny_site):
    text = (tiny_site / "releases" / "2024-03" / "index.html").read_text(encoding="utf-8")
    assert "Det er den første udgivelse" in text
    english = (tiny_site / "en" / "releases" / "2024-03" / "index.html").read_text("utf-8")
    assert "This is the first release" in english


def test_pages_say_which_release_they_show(next_site):
    for page, link in [
        ("jobcenter/koebenhavn/index.html", "../../releases/2024-04/"),
        ("indikator/personer/index.html", "../../releases/2024-04/"),
        ("en/jobcenter/koebenhavn/index.html", "../../releases/2024-04/"),
    ]:
        html = (next_site / page).read_text(encoding="utf-8")
        assert re.search(
            r"(udgivelse|release) 2024-04, (udgivet|published) 10\.? [Mm]a[jy] 2024", html
        )
        assert f'href="{link}"' in html
    index = page_tables(next_site / "releases" / "index.html")[0]
    assert [row[0] for row in index["rows"]] == ["2024-04", "2024-03"]


# ---------------------------------------------------------------------- the feed


@pytest.mark.parametrize("prefix, word", [("", "udgivelse"), ("en/", "release")])
def test_the_feed_has_one_entry_per_release(next_site, prefix, word):
    feed = ET.parse(next_site / prefix / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text for e in entries] == [
        f"urn:jobtal:{prefix.rstrip('/') or 'da'}:release:2024-04",
        f"urn:jobtal:{prefix.rstrip('/') or 'da'}:release:2024-03",
    ]
    assert [e.find(f"{ATOM}updated").text for e in entries] == [
        "2024-05-10T08:00:00Z",
        "2024-04-10T08:00:00Z",
    ]
    assert feed.find(f"{ATOM}updated").text == "2024-05-10T08:00:00Z"
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")
        assert href.startswith(site_url())  # absolute, for feed readers
        assert (next_site / href.removeprefix(site_url()) / "index.html").is_file()
        assert word in entry.find(f"{ATOM}content").text  # the citation


# ---------------------------------------------------------------------- never changed, never lost


def test_the_same_input_and_releases_give_the_same_site(next_site, tmp_path):
    from jobtal.pipeline import build

    package = write_next_month_package(tmp_path / "extracts")
    again = build(
        package, tmp_path / "site", work=tmp_path / "work", previous=next_site, **PAGE_TESTS
    ).site
    first, second = tree(next_site), tree(again)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []


def test_a_month_older_than_a_published_release_is_refused(next_site, tiny_package, tmp_path):
    from jobtal.pipeline import build

    with pytest.raises(ReleaseError, match="already has release 2024-04"):
        build(
            tiny_package,
            tmp_path / "site",
            work=tmp_path / "work",
            previous=next_site,
            **PAGE_TESTS,
        )
    assert not (tmp_path / "site").exists()


def test_the_same_month_with_other_figures_is_a_new_edition(tiny_site, tmp_path):
    """The same month again with one more spell (a corrected extract): the first release stays
    as it was, and a second edition, 2024-03-2, lists what the correction changed."""
    from jobtal.pipeline import build
    from tests.tiny_extract import SPELLS, SPELLS_HEADER

    extra = "xqs-z1,xqp-Z1,147,dagpenge,2024-01-01,,1,K,1990,"
    package = write_tiny_package(
        tmp_path / "extracts",
        replace={"benefit_spells": "\n".join([SPELLS_HEADER, *SPELLS, extra]) + "\n"},
    )
    site = build(
        package, tmp_path / "site", work=tmp_path / "work", previous=tiny_site, **PAGE_TESTS
    ).site
    first, second = load_previous(site)
    assert (first.name, second.name, second.edition, second.previous) == (
        "2024-03",
        "2024-03-2",
        2,
        "2024-03",
    )
    assert first == load_previous(tiny_site)[0]
    kept = tree(site / "releases" / "2024-03")
    original = tree(tiny_site / "releases" / "2024-03")
    assert {path: kept[path] for path in first.files} == {
        path: original[path] for path in first.files
    }
    # the correction: a woman on dagpenge in Frederiksberg from January to March, so
    # Frederiksberg's dagpenge women go from none to 1 (suppressed) in each month
    listed = assert_changes_are_the_difference(tiny_site, site, "2024-03-2")
    women = [
        r
        for r in listed
        if (r["indicator"], r["benefit"], r["area_code"], r["sex"], r["age_group"])
        == ("personer", "dagpenge", "147", "K", "alle")
    ]
    assert [(r["period"], r["value_before"], r["change"]) for r in women] == [
        ("2024-01", "0", "suppressed"),
        ("2024-02", "0", "suppressed"),
        ("2024-03", "0", "suppressed"),
    ]
    html = (site / "releases" / "2024-03-2" / "index.html").read_text(encoding="utf-8")
    assert "Det er udgave 2 af tallene til og med marts 2024" in html
    profile = (site / "jobcenter" / "frederiksberg" / "index.html").read_text(encoding="utf-8")
    assert "udgivelse 2024-03-2" in profile


def test_a_damaged_copy_of_the_previous_site_is_refused(tiny_site, tiny_package, tmp_path):
    from jobtal.pipeline import build

    previous = tmp_path / "previous"
    shutil.copytree(tiny_site / "releases", previous / "releases")
    damaged = previous / "releases" / "2024-03" / "data" / "jobtal.parquet"
    content = bytearray(damaged.read_bytes())
    content[len(content) // 2] ^= 0xFF
    damaged.write_bytes(bytes(content))
    with pytest.raises(ReleaseError, match=r"jobtal\.parquet does not match its checksum"):
        build(
            tiny_package, tmp_path / "site", work=tmp_path / "work", previous=previous, **PAGE_TESTS
        )
    (previous / "releases" / "2024-03" / "changes.csv.gz").unlink()
    result = CliRunner().invoke(
        main,
        ["build", "--data", str(tiny_package), "--previous", str(previous),
         "--out", str(tmp_path / "site")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "changes.csv.gz is missing" in result.output


def test_a_failing_build_leaves_the_previous_site_byte_for_byte(
    tiny_site, tiny_package, tmp_path, monkeypatch
):
    """A failure in the last step, after every page and file has been written."""
    import jobtal.pipeline
    import jobtal.stages

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(jobtal.stages, "write_feed", broken)
    site = tmp_path / "site"
    shutil.copytree(tiny_site, site)
    with pytest.raises(OSError, match="disk full"):
        jobtal.pipeline.build(tiny_package, site, work=tmp_path / "work", **PAGE_TESTS)
    assert tree(site) == tree(tiny_site)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "work"]


# ---------------------------------------------------------------------- fetch-releases


@pytest.fixture()
def served(next_site, tmp_path):
    """A copy of the next site served over HTTP on localhost: (url, folder)."""
    folder = tmp_path / "served"
    shutil.copytree(next_site, folder)
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", folder
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_fetch_releases_copies_every_release(served, next_site, tmp_path):
    url, _ = served
    out = tmp_path / "previous"
    result = CliRunner().invoke(main, ["fetch-releases", url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2024-03, 2024-04" in result.output
    assert load_previous(out) == load_previous(next_site)
    fetched = tree(out / "releases")
    published = tree(next_site / "releases")
    assert fetched == {path: published[path] for path in fetched}
    assert not [path for path in fetched if path.endswith(".html")]  # pages are rebuilt


def test_fetch_releases_refuses_a_damaged_file(served, tmp_path):
    url, folder = served
    (folder / "releases" / "2024-04" / "changes.csv.gz").write_text("tampered", encoding="utf-8")
    out = tmp_path / "previous"
    result = CliRunner().invoke(main, ["fetch-releases", url, "--out", str(out)])
    assert result.exit_code == 2
    assert "changes.csv.gz: the fetched file does not match" in result.output
    assert not out.exists()


def test_fetch_releases_needs_an_index_unless_it_is_the_first_release(served, tmp_path):
    url, folder = served
    (folder / "releases" / "index.json").unlink()
    out = tmp_path / "previous"
    result = CliRunner().invoke(main, ["fetch-releases", url, "--out", str(out)])
    assert result.exit_code == 2
    assert "HTTP 404" in result.output
    result = CliRunner().invoke(main, ["fetch-releases", url, "--out", str(out), "--first-release"])
    assert result.exit_code == 0, result.output
    assert load_previous(out) == []


def test_the_data_page_explains_every_extra_column_of_changes(tiny_site):
    from jobtal.publish.language import Language
    from jobtal.publish.releases import CHANGE_COLUMNS
    from jobtal.publish.tables import CSV_COLUMNS

    extra = [c for c in CHANGE_COLUMNS if c not in CSV_COLUMNS]
    for code in ("da", "en"):
        assert [name for name, _ in Language.load(code).t("changes_columns")] == extra
    html = (tiny_site / "data" / "index.html").read_text(encoding="utf-8")
    assert "<code>value_before</code>" in html and "changes.csv.gz" in html


def test_a_release_begins_where_jobtals_own_figures_begin():
    """A population series reaching back to 2021 does not make the release say its data run
    from 2021 (issue 20: "fra oktober 2021" over benefit data from 2023)."""
    import duckdb

    from jobtal.publish.releases import first_own_month

    con = duckdb.connect()
    con.execute("CREATE TABLE published (indicator VARCHAR, period VARCHAR, source VARCHAR)")
    con.execute("""INSERT INTO published VALUES
        ('befolkning_dst', '2021-10', 'DST FOLK1AM'), ('nettoledige', '2019-Q1', 'DST AUK01'),
        ('personer', '2023-01', 'jobtal-syntetisk'), ('personer', '2023-02', 'jobtal-syntetisk')""")
    assert first_own_month(con) == "2023-01"
    con.execute("UPDATE published SET source = 'jobtal' WHERE indicator = 'personer'")
    assert first_own_month(con) == "2023-01"
