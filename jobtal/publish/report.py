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
clock, so the package is zipped again with one fixed date."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import vl_convert
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from jobtal.publish.key_figures import KeyFigure
from jobtal.publish.model import Municipality

WORD_LANGUAGES = {"da": "da-DK", "en": "en-GB"}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip file holds: the same for every build
CHART_WIDTH = 640  # px of the drawn chart; at CHART_SCALE 2, 1280 px across 16 cm: 203 dpi
CHART_SCALE = 2  # (3 would take three times as long: the time goes into the pixels)
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def plain(markdown: str) -> str:
    """An interface text's Markdown as the words a reader sees: links as their text, no code or
    emphasis marks."""
    return MARKDOWN_LINK.sub(r"\1", markdown).replace("`", "").replace("**", "")


def write_report(
    path: Path, writer, m: Municipality, groups: dict[str, list[str]], url: str
) -> int:
    """Write `m`'s report in the writer's language (a PageWriter: its words, tables and site
    model) to `path`; `groups` names the indicators of each part (compared, targets, others);
    `url` is the profile's address. Returns the file's size."""
    lang = writer.lang
    t = lang.t
    content = writer.content
    document = Document()
    created = datetime.fromisoformat(content.release.created.replace("Z", "+00:00"))
    title = t("report_title", name=m.name, month=writer.latest_label)
    set_properties(document, title, lang.code, created)
    set_page(document, lang, content.synthetic, t("report_footer", release=content.release.name))

    document.add_heading(t("jobcentre_title", name=m.name), level=0)
    intro = document.add_paragraph(
        t("report_intro", month=writer.latest_label, release=content.release.name)
    )
    intro.add_run(f" {url}")
    if content.synthetic:
        document.add_paragraph(plain(t("synthetic_body", subject=m.name)))
    document.add_paragraph(writer.share_sentence(m)).runs[0].bold = True

    document.add_heading(t("key_figures_heading"), level=1)
    document.add_paragraph(plain(t("key_figures_intro", month=writer.latest_label,
                                   group=lang.group(m.group_name))))  # fmt: skip
    figures = writer.key_figures(m, groups["compared"])
    add_figures_table(document, writer, m, figures, t("noegletal_caption", name=m.name,
                                                       month=writer.latest_label))  # fmt: skip

    document.add_heading(t("targets_heading"), level=1)
    document.add_paragraph(
        plain(t("targets_intro", glossary_url="") + " " + t("targets_per_1000", glossary_url=""))
    )
    targets = writer.key_figures(m, groups["targets"])
    add_figures_table(document, writer, m, targets, t("maal_caption", name=m.name,
                                                       month=writer.latest_label))  # fmt: skip
    for figure in targets:
        if figure.count:
            document.add_paragraph(f"{figure.title}: {figure.count}", style="List Bullet")

    document.add_heading(t("more_figures_heading"), level=1)
    others = writer.key_figures(m, groups["others"])
    add_table(
        document,
        t("more_figures_caption", name=m.name, month=writer.latest_label),
        [t("indicator"), m.name, t("change_year")],
        [[f.title, f.value, f.change] for f in others],
    )

    document.add_heading(t("report_charts_heading"), level=1)
    root = "../../" + lang.prefix  # the charts' figures, as the profile page reaches them
    for chart in (writer.comparison_chart(m, root), writer.benefit_chart(
        f"jobcenter-{m.code}-ydelser", root, m.name)):  # fmt: skip
        add_chart(document, chart, lang, t("report_chart_source", release=content.release.name))

    document.add_heading(t("report_definitions_heading"), level=1)
    for figure in [*figures, *targets, *others]:
        document.add_heading(figure.title, level=2)
        document.add_paragraph(writer.description(figure.indicator))
    note = plain(t("key_figures_note", glossary_url=""))
    document.add_heading(t("small_numbers_heading"), level=1)
    document.add_paragraph(plain(t("small_numbers")))
    document.add_paragraph(note)

    document.add_heading(t("report_source_heading"), level=1)
    document.add_paragraph(plain(t("licence")))
    document.add_paragraph(t("citation_intro"))
    document.add_paragraph(t("citation", name=m.name, month=writer.latest_label, url=url))

    return save(document, path)


def chart_image(chart, lang) -> bytes:
    """A chart as a PNG at print resolution (Vega-Lite rendered by vl-convert, without a
    browser), drawn from the rows it draws on the page, in the language's number and date
    format. Nothing is fetched: its data are inlined."""
    spec = json.loads(str(chart.spec_json))
    parse = spec["data"]["format"].get("parse", {})
    spec["data"] = {
        "values": [{**dataclasses.asdict(row), "value": row.value} for row in chart.rows],
        "format": {"parse": {k: v for k, v in parse.items() if k != "value"}},
    }
    spec["width"] = CHART_WIDTH
    for layer in spec.get("layer", []):
        layer.pop("width", None)
    locale = WORD_LANGUAGES[lang.code].replace("en-GB", "en-US")  # d3 has no en-GB dates
    return vl_convert.vegalite_to_png(
        spec, scale=CHART_SCALE, allowed_base_urls=[], format_locale=locale,
        time_format_locale=locale,
    )  # fmt: skip


def add_chart(document, chart, lang, source: str) -> None:
    """The chart as an image 16 cm wide with its text alternative as the picture's description
    (what a screen reader says), then its caption and its source."""
    document.add_picture(io.BytesIO(chart_image(chart, lang)), width=Mm(160))
    picture = document.inline_shapes[-1]._inline
    description = picture.find(qn("wp:docPr"))
    description.set("descr", chart.alt)
    description.set("title", chart.alt.split(". ")[0])
    document.add_paragraph(chart.alt, style="Caption")
    document.add_paragraph(source).runs[0].italic = True


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


def add_figures_table(document, writer, m: Municipality, figures: list[KeyFigure], caption: str):
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
    add_table(document, caption, headings, rows)


def add_table(document, caption: str, headings: list[str], rows: list[list[str]]) -> None:
    """A captioned table whose header row repeats on every page it runs onto; numbers right."""
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, heading in zip(header.cells, headings, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        cells = table.add_row().cells
        for column, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = text
            if column > 0 and re.fullmatch(r"[−+]?[0-9.,]+( .*)?|–", text):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for cell in table.columns[0].cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(10)


def save(document, path: Path) -> int:
    """The document as a zip whose every entry has the same fixed date (and the same order)."""
    written = io.BytesIO()
    document.save(written)
    stable = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(written.getvalue())) as source,
        zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(stable.getvalue())
    return len(stable.getvalue())
