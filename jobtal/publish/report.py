"""The overview report per jobcentre for meetings, `/jobcenter/<slug>/rapport.docx` (SPEC section
7): a Word document that people can edit and paste from, made with python-docx from the same site
model as the profile page (never from its HTML): the summary, the key figures with the group's
and the country's values, the minister's targets per 1,000 inhabitants, the definitions, the
small-number rule, and the source, licence and citation.

Word's own structures throughout: heading styles (the navigation pane and a table of contents
work), table header rows that repeat on every page, A4 pages with the page number in the footer,
the document's language and title in its properties, and on demo data "Syntetiske demodata" in
the header of every page.

The same input gives the same bytes: python-docx stamps every file of the package with the
clock, so the package's parts are zipped with one fixed date instead (`save`)."""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import vl_convert
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.font import Font
from PIL import Image

from jobtal.comparisons import RATE_DECIMALS
from jobtal.publish import routes
from jobtal.publish.key_figures import KeyFigure
from jobtal.publish.model import Municipality

WORD_LANGUAGES = {"da": "da-DK", "en": "en-GB"}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip file holds: the same for every build
CHART_WIDTH = 640  # px of the drawn chart; at CHART_SCALE 2, 1280 px across 16 cm: 203 dpi
CHART_SCALE = 2  # (3 would take three times as long: the time goes into the pixels)
PALETTE_COLOURS = 64
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
# The charts' text is drawn in a copy of Liberation Sans under a family name no system has
# (scripts/make_report_font.py says why and how it was made): vl-convert draws Vega's
# "sans-serif" with the machine's own fonts, so the same input gave other bytes elsewhere.
CHART_FONT = "Jobtal Sans"
CHART_FONT_FOLDER = Path(__file__).parent / "fonts"
vl_convert.register_font_directory(str(CHART_FONT_FOLDER))  # once per process, before drawing


def plain(markdown: str) -> str:
    """An interface text's Markdown as the words a reader sees: links as their text, no code or
    emphasis marks."""
    return MARKDOWN_LINK.sub(r"\1", markdown).replace("`", "").replace("**", "")


class WordDocument:
    """A python-docx document written through its elements: python-docx looks a style up by
    name, and a table's cells by walking the whole table, on every call (a third of a
    report's time went there), so the style ids are looked up once and a table's rows are
    added as elements."""

    def __init__(self):
        self.document = Document()
        self.style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.document.styles[name].style_id
        return self.style_ids[name]

    def paragraph(self, text: str = "", style: str | None = None, bold=False, italic=False):
        paragraph = self.document.add_paragraph()
        if style:
            paragraph._p.get_or_add_pPr().style = self.style_id(style)
        if text:
            run = paragraph.add_run(text)
            run.bold, run.italic = bold or None, italic or None
        return paragraph

    def heading(self, text: str, level: int):
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def table(self, caption: str, headings: list[str], rows: list[list[str]]) -> None:
        """A captioned table whose header row repeats on every page it runs onto, in 9 points;
        the first column (the names) wider than the others, numbers right."""
        layout = self.paragraph(caption, "Caption").paragraph_format
        layout.keep_with_next, layout.space_before = True, Pt(9)  # apart from a table above
        table = self.document.add_table(rows=0, cols=len(headings))
        table.style = self.document.styles["Table Grid"]
        table.autofit = False  # the widths below, not Word's guess from the first lines
        widths = column_widths(len(headings))
        for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
            column.w = width
        # A cell is made once per look (width, bold, right) through python-docx; the others of
        # that look are copies of it with their own text (python-docx's elements, made one
        # attribute at a time, took most of a report's table time). Text that python-docx
        # writes otherwise (tabs and line breaks as elements of their own, spaces at the ends
        # kept, nothing at all) takes python-docx's way.
        looks: dict[tuple, tuple] = {}
        for number, texts in enumerate([headings, *rows]):
            tr = table._tbl.add_tr()
            if number == 0:
                repeat = OxmlElement("w:tblHeader")
                repeat.set(qn("w:val"), "true")
                tr.get_or_add_trPr().append(repeat)
            for column, (width, text) in enumerate(zip(widths, texts, strict=True)):
                right = number > 0 and column > 0 and NUMBER.fullmatch(text) is not None
                look = (width, number == 0, right)
                copyable = bool(text) and text.strip() == text and not LINE_OR_TAB.search(text)
                if copyable and look in looks:
                    tc, t = looks[look]
                    t.text = text
                    tr.append(copy.deepcopy(tc))
                    continue
                tc = tr.add_tc()
                tc.width = width
                cell_text(tc.p_lst[0], text, bold=number == 0, right=right)
                if copyable:
                    model = copy.deepcopy(tc)
                    looks[look] = (model, model.xpath("./w:p/w:r/w:t")[0])

    def save(self, path: Path) -> int:
        return save(self.document, path)


NUMBER = re.compile(r"[−+]?[0-9.,]+( .*)?|–")
LINE_OR_TAB = re.compile(r"[\t\r\n]")
TEXT_WIDTH_MM = 170  # A4 less 2 cm margins
NAME_COLUMN_MM = (40, 80)  # the first column's narrowest and widest
NUMBER_COLUMN_MM = 24


def column_widths(columns: int) -> list[Mm]:
    """The first column takes what the number columns leave, within NAME_COLUMN_MM; the
    number columns share the rest."""
    low, high = NAME_COLUMN_MM
    first = max(low, min(high, TEXT_WIDTH_MM - NUMBER_COLUMN_MM * (columns - 1)))
    others = (TEXT_WIDTH_MM - first) / max(1, columns - 1)
    return [Mm(first)] + [Mm(others)] * (columns - 1)


def cell_text(p, text: str, bold: bool, right: bool) -> None:
    """One run of 9-point text in a cell's paragraph element."""
    if right:
        p.get_or_add_pPr().jc_val = WD_ALIGN_PARAGRAPH.RIGHT
    r = p.add_r()
    r.text = text
    font = Font(r)  # python-docx's own proxy: its rPr element has no setter for bold
    font.size = Pt(9)
    if bold:
        font.bold = True


def write_report(
    path: Path, writer, m: Municipality, groups: dict[str, list[str]], url: str
) -> int:
    """Write `m`'s report in the writer's language (a PageWriter: its words, tables and site
    model) to `path`; `groups` names the indicators of each part (compared, targets, others);
    `url` is the profile's address. Returns the file's size."""
    lang = writer.lang
    t = lang.t
    content = writer.content
    month = writer.latest_label
    word = WordDocument()
    created = datetime.fromisoformat(content.release.created.replace("Z", "+00:00"))
    set_properties(word.document, t("report_title", name=m.name, month=month), lang.code, created)
    set_page(word.document, lang, content.synthetic, t("report_footer",
                                                       release=content.release.name))  # fmt: skip

    word.heading(t("jobcentre_title", name=m.name), 0)
    word.paragraph(f"{t('report_intro', month=month, release=content.release.name)} {url}")
    if content.synthetic:
        word.paragraph(plain(t("synthetic_body", subject=m.name)))
    word.paragraph(writer.share_sentence(m), bold=True)

    word.heading(t("key_figures_heading"), 1)
    word.paragraph(plain(t("key_figures_intro", month=month, group=lang.group(m.group_name))))
    figures = writer.key_figures(m, groups["compared"])
    add_figures_table(word, writer, m, figures, t("noegletal_caption", name=m.name, month=month))

    word.heading(t("targets_heading"), 1)
    word.paragraph(
        plain(t("targets_intro", glossary_url="") + " " + t("targets_per_1000", glossary_url=""))
    )
    targets = writer.key_figures(m, groups["targets"])
    add_figures_table(word, writer, m, targets, t("maal_caption", name=m.name, month=month))
    for figure in targets:
        if figure.count:
            word.paragraph(f"{figure.title}: {figure.count}", "List Bullet")

    add_neighbours_tables(word, writer, m, groups)

    word.heading(t("more_figures_heading"), 1)
    others = writer.key_figures(m, groups["others"])
    word.table(
        t("more_figures_caption", name=m.name, month=month),
        [t("indicator"), m.name, t("change_year")],
        [[f.title, f.value, f.change] for f in others],
    )

    word.heading(t("report_charts_heading"), 1)
    root = writer.root_of(routes.jobcentre(m.name))  # as the profile: the same charts
    for chart in (writer.comparison_chart(m, root), writer.benefit_chart(
        f"jobcenter-{m.code}-ydelser", root, m.name)):  # fmt: skip
        add_chart(word, chart, lang, t("report_chart_source", release=content.release.name))

    word.heading(t("report_definitions_heading"), 1)
    for figure in [*figures, *targets, *others]:
        word.heading(figure.title, 2)
        word.paragraph(writer.description(figure.indicator))
    word.heading(t("small_numbers_heading"), 1)
    word.paragraph(plain(t("small_numbers")))
    word.paragraph(plain(t("key_figures_note", glossary_url="")))

    word.heading(t("report_source_heading"), 1)
    word.paragraph(plain(t("licence")))
    word.paragraph(t("citation_intro"))
    word.paragraph(t("citation", name=m.name, month=month, url=url))
    return word.save(path)


def chart_image(chart, lang) -> bytes:
    """A chart as a PNG at print resolution (Vega-Lite rendered by vl-convert, without a
    browser), drawn from the rows it draws on the page, in the language's number and date
    format. Nothing is fetched: its data are inlined."""
    spec = json.loads(str(chart.spec_json))
    parse = spec["data"]["format"].get("parse", {})
    spec["data"] = {
        # a row's fields as they are (figures.FigureRow holds only numbers and text: nothing
        # for dataclasses.asdict to copy deeply, which took 4 % of a report)
        "values": [dict(vars(row)) for row in chart.rows],
        "format": {"parse": {k: v for k, v in parse.items() if k != "value"}},
    }
    spec["width"] = CHART_WIDTH
    spec["config"] = {**spec.get("config", {}), "font": CHART_FONT}
    for layer in spec.get("layer", []):
        layer.pop("width", None)
    locale = WORD_LANGUAGES[lang.code].replace("en-GB", "en-US")  # d3 has no en-GB dates
    return in_palette(vl_convert.vegalite_to_png(
        spec, scale=CHART_SCALE, allowed_base_urls=[], format_locale=locale,
        time_format_locale=locale,
    ))  # fmt: skip


def in_palette(png: bytes) -> bytes:
    """The image in PALETTE_COLOURS colours, without dithering: a chart has a handful of
    colours and their anti-aliased edges, and vl-convert's full-colour PNG takes three times
    the bytes (80 against 29 kB for a profile's benefit chart, which looks the same)."""
    image = Image.open(io.BytesIO(png))
    quantized = image.quantize(PALETTE_COLOURS, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    written = io.BytesIO()
    quantized.save(written, format="PNG")  # (the zip deflates it further: no need to optimize)
    return written.getvalue()


def add_chart(word: WordDocument, chart, lang, source: str) -> None:
    """The chart as an image 16 cm wide with its text alternative as the picture's description
    (what a screen reader says), then its caption and its source."""
    paragraph = word.paragraph()
    paragraph.paragraph_format.keep_with_next = True  # the image, its caption and its source
    picture = (
        paragraph.add_run().add_picture(io.BytesIO(chart_image(chart, lang)), width=Mm(160))._inline
    )
    description = picture.find(qn("wp:docPr"))
    description.set("descr", chart.alt)
    description.set("title", chart.alt.split(". ")[0])
    word.paragraph(chart.alt, "Caption").paragraph_format.keep_with_next = True
    word.paragraph(source, italic=True)


def set_properties(document, title: str, code: str, created: datetime) -> None:
    """Title, language and dates in the document's properties; the language also as the default
    of every run (Word's spelling and a screen reader's voice follow it)."""
    properties = document.core_properties
    properties.title = title
    properties.language = WORD_LANGUAGES[code]
    properties.author = "Jobtal"
    properties.last_modified_by = "Jobtal"
    properties.created = properties.modified = created.replace(tzinfo=None)
    properties.revision = 1
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        language.set(qn(attribute), WORD_LANGUAGES[code])


def set_page(document, lang, synthetic: bool, footer_text: str) -> None:
    """A4 with 2 cm margins; the footer says the release and the page number; on demo data the
    header of every page says so."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    footer = section.footer.paragraphs[0]
    footer.text = f"{footer_text} · {lang.t('report_page')} "
    add_field(footer, "PAGE")
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if synthetic:
        header = section.header.paragraphs[0]
        run = header.add_run(lang.t("synthetic_title"))
        run.bold = True
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER


def add_field(paragraph, instruction: str) -> None:
    """A field Word works out when it shows the page (PAGE: the page's number)."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None),
                       (None, "1"), ("end", None)):  # fmt: skip
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text.strip() == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def add_figures_table(
    word: WordDocument, writer, m: Municipality, figures: list[KeyFigure], caption: str
) -> None:
    t = writer.lang.t
    rows = [
        [
            f.title,
            f.value,
            f.group_value,
            f.country_value,
            f.change,
            f"{f.rank} ({f.rank_short})" if f.rank else "–",
        ]
        for f in figures
    ]
    headings = [t("indicator"), m.name, writer.lang.group(m.group_name), t("country"),
                t("change_year"), t("rank")]  # fmt: skip
    word.table(caption, headings, rows)


def add_neighbours_tables(word: WordDocument, writer, m: Municipality, groups) -> None:
    """The jobcentre beside its neighbours, its group, its region and the country: a row per
    area, a column per compared figure, as the key figures and the indicator pages' rankings
    publish them; the key figures in one table, the targets (rates per 1,000) in another."""
    t = writer.lang.t
    lang = writer.lang
    content = writer.content
    comparisons = content.comparisons.get(m.code, {})
    word.heading(t("report_neighbours_heading"), 1)
    word.paragraph(t("report_neighbours_intro", name=m.name, group=lang.group(
        m.group_name), region=m.region_name, month=writer.latest_label))  # fmt: skip
    if not m.neighbours:
        word.paragraph(t("comparison_no_neighbours_note", name=m.name))
    neighbours = sorted(
        (code for code in m.neighbours if code in content.by_code),
        key=lambda code: content.by_code[code].name,
    )

    def decimals(indicator: str) -> int:
        per_1000 = comparisons[indicator].per_1000
        return RATE_DECIMALS if per_1000 else writer.definitions[indicator].decimals

    def jobcentre_row(code: int, indicators: list[str]) -> list[str]:
        theirs = content.comparisons.get(code, {})
        return [content.by_code[code].name] + [
            lang.number(theirs[i].compared if i in theirs else None, decimals(i))
            for i in indicators
        ]

    def area_row(name: str, field: str, indicators: list[str]) -> list[str]:
        return [name] + [
            lang.number(getattr(comparisons[i], field), decimals(i)) for i in indicators
        ]

    for part, caption in (("compared", "report_neighbours_caption"),
                          ("targets", "report_neighbours_targets_caption")):  # fmt: skip
        indicators = [i for i in groups[part] if i in comparisons]
        rows = [
            jobcentre_row(m.code, indicators),
            *(jobcentre_row(code, indicators) for code in neighbours),
            area_row(lang.group(m.group_name), "group_value", indicators),
            area_row(m.region_name, "region_value", indicators),
            area_row(t("country"), "country_value", indicators),
        ]
        headings = [t("area")] + [writer.title(i) for i in indicators]
        word.table(t(caption, name=m.name, month=writer.latest_label), headings, rows)


class FixedDateZip:
    """python-docx's writer of a package's parts (docx.opc.phys_pkg's _ZipPkgWriter), with
    every entry dated ZIP_DATE rather than the clock's time."""

    def __init__(self, stream):
        self.zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=ZIP_DATE)
        entry.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(entry, blob)

    def close(self) -> None:
        self.zip.close()


def save(document, path: Path) -> int:
    """The document as a zip whose every entry has the same fixed date, in python-docx's order
    of entries. What python-docx's PackageWriter.write does, through FixedDateZip: its own
    writer dates the entries by the clock, and zipping its file again with fixed dates cost
    a second compression (20 ms a report)."""
    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    parts = package.parts
    stable = io.BytesIO()
    writer = FixedDateZip(stable)
    # PackageWriter.write's own steps, private to python-docx (its version is pinned in
    # requirements.lock; the golden tree's reports would show a change in them)
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    writer.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(stable.getvalue())
    return len(stable.getvalue())
