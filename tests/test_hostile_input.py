"""Hostile or broken input (issue 16): names that would be markup, formulas, paths or control
characters are refused by the validator with the row, field and value; what is published is
escaped for where it lands; the build writes only where it is told."""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import threading
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from jobtal import paths
from jobtal.cli import main
from jobtal.extracts.contract import name_fault
from jobtal.publish.formatting import slug, slug_or_none
from tests.tiny_extract import MUNICIPALITIES, REGIONS, write_tiny_package

HOSTILE_NAMES = [
    ("København<script>alert(1)</script>", "LESS-THAN SIGN"),
    ("Frederiksberg<img src=x onerror=alert(1)>", "LESS-THAN SIGN"),
    ('Frederiksberg" onmouseover="alert(1)', "QUOTATION MARK"),
    ("Frederiksberg{: onclick=alert(1) }", "LEFT CURLY BRACKET"),
    ("[klik](javascript:alert(1))", "LEFT SQUARE BRACKET"),
    ("Frederiksberg\nhide: [navigation]", "a control character"),
    ("../escaped", "FULL STOP"),  # a name starts with a letter or digit
    ("Frederiksberg/../../escaped", "SOLIDUS"),
    ('=HYPERLINK("http://evil.example","x")', "EQUALS SIGN"),
    ("+45 Frederiksberg", "PLUS SIGN"),
    ("-Frederiksberg", "HYPHEN-MINUS"),
    ("@SUM(A1)", "COMMERCIAL AT"),
    ("Frederiks\u202eberg", "RIGHT-TO-LEFT OVERRIDE"),
    ("Frederiks\x00berg", "a control character"),
    ("Frederiksberg\tx", "a control character"),
    ("F" * 5000, "5,000 characters"),
    ("Frederiksberg ", "spaces at an end"),
    ("Αθήνα", "no usable web address"),
]


def validate_with(tmp_path, municipalities: str | None = None, regions: str | None = None):
    replace = {}
    if municipalities is not None:
        replace["municipalities"] = municipalities
    if regions is not None:
        replace["regions"] = regions
    package = write_tiny_package(tmp_path / "extracts", replace=replace)
    result = CliRunner().invoke(main, ["validate", "--json", str(package)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def with_name(name: str, code: int = 147) -> str:
    """The tiny municipalities with `name` for `code`, written as a CSV writer would."""
    lines = MUNICIPALITIES.strip().split("\n")
    quoted = '"' + name.replace('"', '""') + '"'
    return (
        "\n".join(
            line if not line.startswith(f"{code},") else f"{code},{quoted},{line.split(',', 2)[2]}"
            for line in lines
        )
        + "\n"
    )


@pytest.mark.parametrize(("name", "said"), HOSTILE_NAMES, ids=[n[:20] for n, _ in HOSTILE_NAMES])
def test_a_hostile_municipality_name_is_refused_with_its_row_field_and_value(tmp_path, name, said):
    result = validate_with(tmp_path, municipalities=with_name(name))
    assert result.exit_code == 1, result.output
    problems = [p for p in json.loads(result.stdout)["problems"] if p["type"] == "unsafe-name"]
    assert len(problems) == 1, problems
    (problem,) = problems
    assert problem["resource"] == "municipalities"
    assert problem["field"] == "municipality_name"
    assert problem["row"] == 3  # the header is row 1, København row 2
    assert said in problem["message"]
    assert problem["value"] == (name if len(name) <= 80 else name[:80] + "…")


def test_a_hostile_region_name_is_refused_too(tmp_path):
    regions = REGIONS.replace("Region Nordjylland", "Region <b>Nordjylland</b>")
    result = validate_with(tmp_path, regions=regions)
    assert result.exit_code == 1
    (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["type"] == "unsafe-name"]
    assert (problem["resource"], problem["field"], problem["row"]) == ("regions", "region_name", 2)


def test_the_text_report_shows_control_characters_escaped(tmp_path):
    result = validate_with(tmp_path, municipalities=with_name("Frederiks\x1b[31mberg"))
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "extracts" / "datapackage.json")])
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert "\\x1b[31m" in result.output


def test_two_names_with_one_web_address_are_refused_naming_both_rows(tmp_path):
    # 'Hjørring' and 'Hjorring' differ; 'Læsø' and 'Laesoe' share /jobcenter/laesoe/
    result = validate_with(tmp_path, municipalities=with_name("Laesoe", code=860))
    assert result.exit_code == 1
    (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["type"] == "same-address"]
    assert problem["row"] == 5 and problem["value"] == "Laesoe"
    assert "/jobcenter/laesoe/" in problem["message"] and "Læsø" in problem["message"]
    assert "row 4" in problem["message"]


@pytest.mark.parametrize(
    "name", ["København", "Lyngby-Taarbæk", "Ærø", "Skt. Hans", "Île d’Yeu", "Ringkøbing-Skjern"]
)
def test_names_of_places_pass(name):
    assert name_fault(name) is None


def test_slugs_are_the_contracts_and_checked():
    assert slug("Høje-Taastrup") == "hoeje-taastrup"
    assert slug("Lyngby-Taarbæk") == "lyngby-taarbaek"
    assert slug("Ærø") == "aeroe"
    assert slug("Skt. Hans") == "skt-hans"
    for unusable in ("../x", "a/b", "a  b", "x" * 61, "Αθήνα", "", "-"):
        assert slug_or_none(unusable) is None
        with pytest.raises(ValueError):
            slug(unusable)


def files_under(folder: Path, skipped=("/.git/", "/.venv/", "__pycache__", ".pytest_cache")):
    """Every file under `folder` with its modification time (but the version control's, the
    environment's and the interpreter's caches)."""
    return {
        str(path): path.stat().st_mtime_ns
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part in f"{path}/" for part in skipped)
        and ".hypothesis" not in path.parts
        and not path.name.endswith(".egg-info")
    }


def test_the_build_writes_only_beside_its_output_never_into_the_checkout(tiny_package, tmp_path):
    checkout = files_under(paths.REPO)
    out = tmp_path / "published" / "site"
    out.parent.mkdir()
    result = CliRunner().invoke(
        main, ["build", "--data", str(tiny_package), "--out", str(out), "--no-audit"]
    )
    assert result.exit_code == 0, result.output
    assert files_under(paths.REPO) == checkout
    # the site, and its working files beside it; no staging folder left behind
    assert sorted(p.name for p in out.parent.iterdir()) == [".site.work", "site"]
    assert (out.parent / ".site.work" / "docs").is_dir()


def test_published_text_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path):
    import csv

    import duckdb

    from jobtal.sql import spreadsheet_safe

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE cells AS SELECT * FROM (VALUES "
        "('=HYPERLINK(\"http://evil.example\",\"x\")', '-3.5'), ('+45', '2'), ('-x', '1'), "
        "('@SUM(A1)', '1'), (chr(9) || 'x', '1'), (chr(13) || 'x', '1'), ('København', '-1'), "
        "('16-24', '0')) AS t(area_name, value)"
    )
    path = tmp_path / "cells.csv"
    con.execute(
        f"COPY (SELECT {spreadsheet_safe(['area_name', 'value'], ('value',))} FROM cells) "
        f"TO '{path}' (HEADER)"
    )
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = [row["area_name"] for row in rows]
    assert names[:6] == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'+45",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert names[6:] == ["København", "16-24"]
    assert [row["value"] for row in rows] == ["-3.5", "2", "1", "1", "1", "1", "-1", "0"]


# --- packages that cannot be used ---------------------------------------------------------------


def edit_descriptor(change):
    def prepare(folder: Path, descriptor: Path) -> Path:
        text = json.loads(descriptor.read_text(encoding="utf-8"))
        change(text)
        descriptor.write_text(json.dumps(text), encoding="utf-8")
        return descriptor

    return prepare


def spells_entry(descriptor: dict) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == "benefit_spells")


def replace_file(name: str, content: bytes | None = None, special=None):
    def prepare(folder: Path, descriptor: Path) -> Path:
        (folder / name).unlink()
        if special is not None:
            special(folder / name)
        else:
            (folder / name).write_bytes(content)
        return descriptor

    return prepare


def yaml_descriptor(text: str):
    def prepare(folder: Path, descriptor: Path) -> Path:
        descriptor.unlink()
        (folder / "datapackage.yaml").write_text(text, encoding="utf-8")
        return folder / "datapackage.yaml"

    return prepare


def json_descriptor(text: str):
    def prepare(folder: Path, descriptor: Path) -> Path:
        descriptor.write_text(text, encoding="utf-8")
        return descriptor

    return prepare


def header_of(columns: int) -> bytes:
    return (",".join(f"c{i}" for i in range(columns)) + "\n1\n").encode()


PACKAGE_ATTACKS = {
    "a NUL in a resource path": (
        edit_descriptor(lambda d: spells_entry(d).update(path="benefit\0spells.csv")),
        1,
        "holds a control character",
    ),
    "a NUL in a file": (
        replace_file("activities.csv", b"person_id,activity,municipality_code,start_date\0\n"),
        1,
        "activities",
    ),
    "a 100,000-deep JSON descriptor": (
        json_descriptor('{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        2,
        "nested 100,001 levels deep",
    ),
    "a 100,000-deep YAML descriptor": (
        yaml_descriptor("resources: " + "[" * 100_000 + "]" * 100_000),
        2,
        "nested 100,000 levels deep",
    ),
    "a YAML descriptor nested by indentation": (
        yaml_descriptor(
            "resources:\n" + "".join(" " * i + "a:\n" for i in range(1, 3000)) + " " * 3000 + "b\n"
        ),
        2,
        "nested too deep",
    ),
    "a descriptor of 11 MB": (
        json_descriptor('{"resources": []' + " " * (11 << 20) + "}"),
        2,
        "a descriptor has at most 10,485,760",
    ),
    "a dialect given as a URL": (
        edit_descriptor(lambda d: spells_entry(d).update(dialect="https://evil.example/d.json")),
        2,
        "jobtal never fetches one",
    ),
    "schema fields that are not objects": (
        edit_descriptor(lambda d: spells_entry(d)["schema"].update(fields=["spell_id"])),
        2,
        "must be an object with a name",
    ),
    "a header of 1,000,000 columns": (
        replace_file("activities.csv", header_of(1_000_000)),
        1,
        "longer than 1,048,576 characters",
    ),
    "a header of 100,000 columns": (
        replace_file("activities.csv", header_of(100_000)),
        1,
        "the header has 100,000 columns",
    ),
    "a symlink out of the package": (
        replace_file("activities.csv", special=lambda p: p.symlink_to("/etc/passwd")),
        1,
        "leaves the package folder",
    ),
    "a FIFO": (
        replace_file("activities.csv", special=lambda p: os.mkfifo(p)),
        2,
        "is not a regular file",
    ),
    "a folder for a file": (
        replace_file("activities.csv", special=lambda p: p.mkdir()),
        2,
        "is not a regular file",
    ),
}


@pytest.mark.parametrize("attack", list(PACKAGE_ATTACKS))
def test_an_unusable_package_gets_one_clear_message_and_no_traceback(tmp_path, attack):
    prepare, status, words = PACKAGE_ATTACKS[attack]
    folder = tmp_path / "extracts"
    descriptor = prepare(folder, write_tiny_package(folder))
    result = CliRunner().invoke(main, ["validate", str(descriptor)])
    assert result.exit_code == status, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert words in result.output


# --- escaping: what gets past validation is still only text -------------------------------------

MARKER = "window.jobtalHacked=1"
HOSTILE_REGION = (
    f'Region <img src=x onerror="{MARKER}"> [klik](javascript:{MARKER}) '
    f'{{: onclick="{MARKER}" }} `kode` |a|b| <script>{MARKER}</script>'
)


def test_markdown_text_leaves_no_markup_and_passes_jobtals_own():
    from markupsafe import Markup

    from jobtal.publish.escaping import front_matter, markdown_text

    escaped = str(markdown_text(HOSTILE_REGION))
    for syntax in "<>\"'[]{}`|":
        assert syntax not in escaped
    assert html.unescape(escaped) == HOSTILE_REGION  # what the browser shows
    assert markdown_text(Markup("<b>[x](y)</b>")) == "<b>[x](y)</b>"
    quoted = str(front_matter("x\nhide: [navigation]"))
    assert "\n" not in quoted and quoted.startswith('"')
    assert yaml.safe_load(f"title: {quoted}") == {"title": "x\ufffdhide: &#91;navigation&#93;"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The tiny site built with HOSTILE_REGION as Region Hovedstaden's name (and as the
    descriptor's title and source), the validator's check of names turned off: the pages' own
    escaping is all that stands in the way."""
    import jobtal.extracts.contract
    from jobtal.pipeline import build

    root = tmp_path_factory.mktemp("hostile")
    quoted = '"' + HOSTILE_REGION.replace('"', '""') + '"'
    package = write_tiny_package(
        root / "extracts",
        replace={"regions": REGIONS.replace("Region Hovedstaden", quoted)},
        descriptor_changes={"title": HOSTILE_REGION, "sources": [{"title": HOSTILE_REGION}]},
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jobtal.extracts.contract, "name_problems", lambda con: [])
        result = build(package, root / "site", audit=False, linked=False)
    return result.site


class Elements(HTMLParser):
    """The tags, attributes and text of a page as a browser's parser finds them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def elements(path: Path) -> Elements:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_a_hostile_name_on_every_page_is_text_and_never_markup(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    shown_on = []
    for page in pages:
        found = elements(page)
        for tag, attributes in found.tags:
            assert tag != "img" or "onerror" not in attributes, page
            for name, value in attributes.items():
                assert "jobtalHacked" not in (value or "") or name.startswith("data-"), (page, name)
                assert not (value or "").strip().lower().startswith("javascript:"), page
        if HOSTILE_REGION in " ".join(found.text):
            shown_on.append(page.relative_to(hostile_site).as_posix())
    # the name is shown, as it is, on the jobcentre pages of the region and in the index
    assert "jobcenter/koebenhavn/index.html" in shown_on
    assert "en/jobcenter/frederiksberg/index.html" in shown_on
    assert "jobcenter/index.html" in shown_on


def test_no_script_from_a_hostile_name_runs_in_the_browser(hostile_site, browser):
    from tests.conftest import QuietHandler

    handler = functools.partial(QuietHandler, directory=str(hostile_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{httpd.server_address[1]}/"
    requests = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        for path in (
            "jobcenter/koebenhavn/",
            "en/jobcenter/frederiksberg/",
            "jobcenter/",
            # the table builder shows names from its JSON files, in the table, the chart,
            # the chosen areas and the suggestions
            "tabel/?area=region:1084,kommune:101",
            "en/tabel/?area=region:1084",
        ):
            page.goto(address + path, wait_until="networkidle")
            if "tabel/" in path:
                page.wait_for_selector("#tabel-chart svg")
            assert page.evaluate("window.jobtalHacked") is None, path
            assert HOSTILE_REGION in page.inner_text("body"), path
    finally:
        context.close()
        httpd.shutdown()
    assert requests and all(r.startswith(address) for r in requests)


@settings(max_examples=500, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_text_escaped_for_a_page_is_rendered_as_that_text_and_nothing_else(name):
    # through the Markdown that mkdocs renders the pages with (mkdocs.yml's extensions), in
    # the places a name takes: a heading, a paragraph, a link's text and a list item
    import markdown

    from jobtal.publish.escaping import markdown_text

    config = yaml.safe_load(paths.MKDOCS_CONFIG.read_text(encoding="utf-8"))
    extensions = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    text = str(markdown_text(name))
    source = f"# Jobcenter {text}\n\nI {text} var 3 pct.\n\n[{text}](../side/)\n\n- {text}\n"
    parsed = Elements()
    parsed.feed(markdown.markdown(source, extensions=extensions))
    assert [tag for tag, _ in parsed.tags] == ["h1", "p", "p", "a", "ul", "li"]
    assert all(set(attributes) <= {"id", "href"} for _, attributes in parsed.tags), parsed.tags

    # each place shows the name, as Markdown shows text (runs of ASCII white space as one,
    # none at the ends of a block), control characters as the replacement character
    def spaced(text: str) -> str:
        return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip()

    shown = spaced(" ".join(parsed.text))
    expected = spaced("".join("\ufffd" if unicodedata.category(c) == "Cc" else c for c in name))
    assert shown.count(expected) >= 4 or not expected, (shown, expected)


@pytest.mark.parametrize(
    "label",
    ['=HYPERLINK("http://evil.example","x")', "<script>alert(1)</script>", "Gotham\x1b[2J"],
)
def test_an_imported_label_that_is_no_area_is_refused_and_shown_escaped(tmp_path, label):
    from tests.test_importers import run_import, write

    source = write(
        tmp_path / "Z4.csv",
        f"OMRÅDE;TID;INDHOLD\nHele landet;2024K1;12\n{label};2024K1;1\n",
    )
    result = run_import("statbank", [source], tmp_path / "out")
    assert result.exit_code == 1
    assert f"row 3, column OMRÅDE: {label!r} is not a municipality" in result.output
    assert "\x1b" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_descriptor_text_reaches_only_the_data_package_as_json(hostile_site):
    published = json.loads((hostile_site / "data" / "datapackage.json").read_text("utf-8"))
    assert {"title": HOSTILE_REGION} in published["sources"]
    for page in hostile_site.rglob("*.html"):
        assert "<script>window.jobtalHacked" not in page.read_text(encoding="utf-8"), page


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_a_hostile_name_in_the_word_report_is_text_and_never_markup(hostile_site, prefix):
    """The region's name stands in the report's neighbours table as the text it is; nothing of
    it became markup in the document's XML (no element or attribute of its)."""
    import zipfile

    import docx
    from lxml import etree

    path = hostile_site / prefix / "jobcenter" / "koebenhavn" / "rapport.docx"
    cells = [c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells]
    assert HOSTILE_REGION in cells
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                for element in etree.fromstring(package.read(name)).iter():
                    local = etree.QName(element).localname if isinstance(element.tag, str) else ""
                    assert local not in ("script", "img"), name
                    assert not {"onerror", "onclick", "src"} & set(element.attrib), name
