"""The Word overview report per jobcentre (issue 21): opened with python-docx, its structure is
Word's own (headings, a repeating table header, A4, a page number, the language and title in its
properties), its key figures are the published values, and on demo data every page says so."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from jobtal.pipeline import build
from tests.conftest import CHROMIUM, PAGE_TESTS
from tests.tiny_extract import write_tiny_package

browser_only = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
# Word-compatible software: LibreOffice from Debian's packages (`make test` installs it)
SOFFICE = shutil.which("soffice")
JOBCENTRES = {"koebenhavn": 101, "frederiksberg": 147, "laesoe": 825, "hjoerring": 860}


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic-report")
    package = write_tiny_package(root / "extracts", descriptor_changes={"synthetic": True})
    return build(package, root / "site", work=root / "work", **PAGE_TESTS).site


def report(site, slug: str, prefix: str = ""):
    return docx.Document(str(site / prefix / "jobcenter" / slug / "rapport.docx"))


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_every_jobcentre_has_its_report_linked_with_its_size(tiny_site, prefix):
    for slug in JOBCENTRES:
        path = tiny_site / prefix / "jobcenter" / slug / "rapport.docx"
        assert zipfile.is_zipfile(path)
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
            assert package.testzip() is None  # every entry's checksum holds
        # the same date on every entry, whenever it was built; the content types first, as
        # Office's own files have them
        assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}
        assert entries[0].filename == "[Content_Types].xml"
        assert {"_rels/.rels", "word/document.xml"} <= {entry.filename for entry in entries}
        profile = (path.parent / "index.html").read_text(encoding="utf-8")
        size = f"{path.stat().st_size / 1000:.0f} kB"
        assert '<a href="rapport.docx">' in profile
        assert size in profile, (slug, size)


def test_the_release_archive_holds_every_reports_checksum(tiny_site):
    release = json.loads((tiny_site / "releases" / "2024-03" / "release.json").read_text("utf-8"))
    reports = {path: entry for path, entry in release["published"].items() if ".docx" in path}
    expected = {f"{prefix}jobcenter/{slug}/rapport.docx" for prefix in ("", "en/")
                for slug in JOBCENTRES}  # fmt: skip
    assert set(reports) == expected
    for path, entry in reports.items():
        content = (tiny_site / path).read_bytes()
        assert entry == {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}


def test_the_report_is_words_own_structure(tiny_site):
    document = report(tiny_site, "koebenhavn")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:6] == [
        "Nøgletal",
        "Ministerens tre mål",
        "Sammenligning med naboer og gruppe",
        "Flere tal",
        "Figurer",
        "Definitioner",
    ]
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "Jobcenter København"
    properties = document.core_properties
    assert properties.title == "Jobcenter København: overblik, marts 2024"
    assert properties.language == "da-DK"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "da-DK"
    section = document.sections[0]
    # A4, as Word stores it (in twentieths of a point: 11906 x 16838)
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "fldChar" in footer
    for table in document.tables:  # every table's header row repeats on each page
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        # and is bold, the figures under it not (as Word reads the runs' properties)
        runs = [[run for cell in row.cells for p in cell.paragraphs for run in p.runs]
                for row in table.rows]  # fmt: skip
        assert runs[0] and all(run.bold for run in runs[0])
        assert all(not run.bold for row in runs[1:] for run in row)
        assert all(run.font.size == Pt(9) for row in runs for run in row)


def test_the_key_figures_are_the_published_values(tiny_site):
    document = report(tiny_site, "koebenhavn")
    table = document.tables[0]
    headings = [c.text for c in table.rows[0].cells]
    assert headings[:4] == ["Indikator", "København", "Hovedstadskommuner", "Hele landet"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    share = rows["Andel af befolkningen 16-66 år (pct.)"]
    with (tiny_site / "data" / "jobcentre" / "101.csv").open(encoding="utf-8") as handle:
        published = {
            r["area_type"]: r["value"]
            for r in csv.DictReader(handle)
            if (r["indicator"], r["benefit"], r["sex"], r["age_group"], r["period"])
            == ("andel_befolkning", "alle", "alle", "alle", "2024-03")
        }
    danish = {k: v.replace(".", ",") if v else "–" for k, v in published.items()}
    assert share[1:4] == [danish["kommune"], danish["kommunegruppe"], danish["land"]]


def published_shares(site, code: int) -> dict[tuple[str, str], str]:
    """andel_befolkning in the reference month, by area, as the jobcentre's CSV publishes it
    (Danish decimal comma, an en dash where suppressed)."""
    with (site / "data" / "jobcentre" / f"{code}.csv").open(encoding="utf-8") as handle:
        return {
            (r["area_type"], r["area_code"]): r["value"].replace(".", ",") or "–"
            for r in csv.DictReader(handle)
            if (r["indicator"], r["benefit"], r["sex"], r["age_group"], r["period"])
            == ("andel_befolkning", "alle", "alle", "alle", "2024-03")
        }


def neighbours_table(document, caption_start: str = ""):
    caption = next(
        i
        for i, p in enumerate(document.paragraphs)
        if p.text.startswith(caption_start) and p.text.endswith("og dens naboer, marts 2024")
    )
    # the tables follow their captions in order: count the captions before this one
    before = sum(1 for p in document.paragraphs[:caption] if p.style.name == "Caption")
    table = document.tables[before]
    return [[c.text for c in row.cells] for row in table.rows]


def test_the_report_compares_with_the_neighbours_group_region_and_country(tiny_site):
    rows = neighbours_table(report(tiny_site, "koebenhavn"))
    share_column = rows[0].index("Andel af befolkningen 16-66 år (pct.)")
    own, neighbour = published_shares(tiny_site, 101), published_shares(tiny_site, 147)
    assert [(r[0], r[share_column]) for r in rows[1:]] == [
        ("København", own[("kommune", "101")]),
        ("Frederiksberg", neighbour[("kommune", "147")]),
        ("Hovedstadskommuner", own[("kommunegruppe", "1")]),
        ("Region Hovedstaden", own[("region", "1084")]),
        ("Hele landet", own[("land", "DK")]),
    ]
    # the targets in a table of their own, as the rates per 1,000 inhabitants the report's
    # targets table gives (test_comparisons works the rates out by hand)
    document = report(tiny_site, "koebenhavn")
    targets = neighbours_table(document, "Ministerens mål pr. 1.000 16-66-årige i København")
    key_targets = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert targets[0][1:] == [row[0] for row in key_targets[1:]]
    assert targets[1][1:] == [row[1] for row in key_targets[1:]]


def test_a_jobcentre_without_neighbours_says_so(tiny_site):
    document = report(tiny_site, "laesoe")
    assert "Læsø har ingen nabokommuner med fælles landegrænse." in [
        p.text for p in document.paragraphs
    ]
    assert [r[0] for r in neighbours_table(document)[1:]] == [
        "Læsø",
        "Landkommuner",
        "Region Nordjylland",
        "Hele landet",
    ]


def test_the_english_report_is_english(tiny_site):
    document = report(tiny_site, "koebenhavn", "en/")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Key figures", "The minister's three targets"]
    assert document.core_properties.language == "en-GB"
    assert document.tables[0].rows[0].cells[0].text == "Indicator"


def test_a_demo_report_says_so_on_every_page(synthetic_site, tiny_site):
    document = report(synthetic_site, "koebenhavn")
    assert "Syntetiske demodata" in document.sections[0].header.paragraphs[0].text
    assert "syntetiske demodata" in "\n".join(p.text for p in document.paragraphs)
    real = report(tiny_site, "koebenhavn")
    assert "Syntetiske demodata" not in real.sections[0].header.paragraphs[0].text


def test_every_chart_is_a_print_resolution_image_with_its_text_alternative(tiny_site):
    document = report(tiny_site, "koebenhavn")
    pictures = document.inline_shapes
    assert len(pictures) == 2
    for picture in pictures:
        described = picture._inline.find(qn("wp:docPr")).get("descr")
        assert described.startswith("Linjediagram")
        blip = picture._inline.graphic.graphicData.pic.blipFill.blip
        image = document.part.related_parts[blip.embed].image
        assert image.content_type == "image/png"
        # 16 cm wide at no less than 200 dots per inch
        assert image.px_width / (160 / 25.4) >= 200
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("Linjediagram, andelen af de 16-66-årige") for c in captions)


@browser_only
@pytest.mark.parametrize("prefix", ["", "en/"])
def test_a_profile_prints_on_at_most_four_a4_pages(browser, server, prefix):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + prefix + "jobcenter/koebenhavn/", wait_until="networkidle")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('[data-vega-spec]'))"
        ".every(e => e.querySelector('svg'))"
    )
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 4, pages
    # A4 less the print stylesheet's 12 mm margins on each side: 186 mm, 703 px at 96 dpi
    page.set_viewport_size({"width": 703, "height": 1000})
    page.emulate_media(media="print")
    assert page.evaluate("document.documentElement.scrollWidth") <= 703
    hidden = page.evaluate(
        "['.md-header', '.md-sidebar', '.jobtal-chart__actions', 'details']"
        ".map(s => Array.from(document.querySelectorAll(s)))"
        ".flat().filter(e => getComputedStyle(e).display !== 'none').length"
    )
    assert hidden == 0  # navigation, search, actions and expandable tables stay off paper
    address = page.locator(".jobtal-print-only").inner_text()
    assert address.endswith("jobcenter/koebenhavn/")
    context.close()


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (make libreoffice)")
def test_libreoffice_opens_the_report_and_prints_it_on_a4(tiny_site, tmp_path):
    """Another program than the one that wrote it reads the report: LibreOffice converts it to
    text (its words and table cells, in order) and to PDF (A4 pages)."""
    source = tiny_site / "jobcenter" / "koebenhavn" / "rapport.docx"
    for target in ("txt:Text", "pdf"):
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
             "--convert-to", target, "--outdir", str(tmp_path), str(source)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    lines = (tmp_path / "rapport.txt").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Jobcenter København"
    document = report(tiny_site, "koebenhavn")
    first_row = [c.text for c in document.tables[0].rows[1].cells]
    start = lines.index(first_row[0])
    assert lines[start : start + len(first_row)] == first_row
    assert "Kilde, licens og henvisning" in lines
    pdf = (tmp_path / "rapport.pdf").read_bytes()
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    assert 2 <= len(pages) <= 8
    # A4 in points (595 x 842), as LibreOffice lays out every page
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
    assert boxes and {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}


def test_the_charts_are_drawn_in_the_bundled_font_whatever_fonts_the_machine_has(monkeypatch):
    """vl-convert draws "sans-serif" with the machine's fonts, so the same input gave other
    report bytes on a machine with other fonts: the charts name a font shipped with jobtal,
    under a family name no system has, and vl-convert finds it (a name it does not find falls
    back to a machine font and draws other pixels)."""
    from types import SimpleNamespace

    from PIL import ImageFont

    from jobtal.publish import report as reporting

    shipped = {
        ImageFont.truetype(str(f)).getname() for f in reporting.CHART_FONT_FOLDER.glob("*.ttf")
    }
    assert shipped == {(reporting.CHART_FONT, "Regular"), (reporting.CHART_FONT, "Bold")}
    if shutil.which("fc-list"):
        installed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True)
        assert reporting.CHART_FONT not in installed.stdout.splitlines()

    drawn = []
    draw = reporting.vl_convert.vegalite_to_png
    monkeypatch.setattr(
        reporting.vl_convert,
        "vegalite_to_png",
        lambda spec, **kw: drawn.append(spec) or draw(spec, **kw),
    )
    row = SimpleNamespace(month="2024-05", label="Høje-Taastrup", value=12.5)
    spec = {
        "data": {"format": {"parse": {"month": "date"}}},
        "mark": "line",
        "title": "Ledighed",
        "encoding": {
            "x": {"field": "month", "type": "temporal"},
            "y": {"field": "value", "type": "quantitative"},
        },
    }
    chart = SimpleNamespace(spec_json=json.dumps(spec), rows=[row])
    reporting.chart_image(chart, SimpleNamespace(code="da"))
    [given] = drawn
    assert given["config"]["font"] == reporting.CHART_FONT
    unknown = {**given, "config": {**given["config"], "font": "Ingen sådan skrift"}}
    assert draw(given) != draw(unknown)


def test_the_charts_font_carries_no_hinting():
    """vl-convert maps the font file for every glyph it measures or draws and never runs
    TrueType's hinting, so the shipped font leaves it out (scripts/make_report_font.py): no
    hinting table, and no glyph with instructions (maxp's largest program is empty). The
    golden tree's reports, drawn with the hinted font, are still the same bytes."""
    import struct

    from jobtal.publish import report as reporting

    for path in reporting.CHART_FONT_FOLDER.glob("*.ttf"):
        data = path.read_bytes()
        (count,) = struct.unpack(">H", data[4:6])
        tables = {
            data[12 + 16 * i : 16 + 16 * i].decode("latin-1"): struct.unpack(
                ">I", data[20 + 16 * i : 24 + 16 * i]
            )[0]
            for i in range(count)
        }
        assert {"glyf", "loca", "cmap", "hmtx", "GPOS", "kern"} <= set(tables), path.name
        assert not {"fpgm", "prep", "cvt ", "hdmx", "VDMX", "LTSH"} & set(tables), path.name
        maxp = tables["maxp"]
        assert struct.unpack(">H", data[maxp + 26 : maxp + 28]) == (0,), path.name


def test_a_tables_cells_are_what_python_docx_writes_for_each_of_them():
    """WordDocument.table copies a cell of the same look where it can: every cell must still
    be what python-docx's own elements make of its text (spaces at the ends, tabs and line
    breaks, nothing at all, numbers right-aligned, the header bold)."""
    from lxml import etree

    from jobtal.publish.report import NUMBER, WordDocument, cell_text, column_widths

    headings = ["Område", "Personer", "Andel"]
    rows = [
        ["Aarhus", "1.234", "12,5"],
        ["Aarhus", "1.234", "12,5"],  # the same again
        [" Skive", "−3 ", "–"],
        ["Tab\there", "line\nbreak", ""],
        ["Carriage\rreturn", "5 (foreløbig)", "x"],
        ["<&\"'>", "0", "1.000.000"],
    ]
    copied = WordDocument()
    copied.table("Tabel", headings, rows)

    by_hand = WordDocument()  # every cell through python-docx, as the table was first written
    table = by_hand.document.add_table(rows=0, cols=len(headings))
    table.style = by_hand.document.styles["Table Grid"]
    table.autofit = False
    widths = column_widths(len(headings))
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = width
    for number, texts in enumerate([headings, *rows]):
        tr = table._tbl.add_tr()
        if number == 0:
            repeat = docx.oxml.OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            tr.get_or_add_trPr().append(repeat)
        for column, (width, text) in enumerate(zip(widths, texts, strict=True)):
            tc = tr.add_tc()
            tc.width = width
            right = number > 0 and column > 0 and NUMBER.fullmatch(text) is not None
            cell_text(tc.p_lst[0], text, bold=number == 0, right=right)

    def cells(document) -> list[bytes]:
        (tbl,) = document.document.element.body.iterchildren(qn("w:tbl"))
        return [etree.tostring(tc) for tc in tbl.iter(qn("w:tc"))]

    written, expected = cells(copied), cells(by_hand)
    assert len(written) == 3 * (len(rows) + 1)
    assert written == expected
    assert b"w:tab" in b"".join(expected) and b"w:br" in b"".join(expected)  # (the cases hold)
    assert b'xml:space="preserve"' in b"".join(expected)
