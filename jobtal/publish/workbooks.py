"""Excel workbooks made for reading (SPEC section 7): per jobcentre and per indicator, in each
of the site's languages (Danish under /data/, English under /en/data/).

A workbook holds what its CSV holds, laid out for people rather than scripts: a first sheet
that says where the figures come from, which release they belong to, their licence, the
small-number rule and what each sheet holds; then one sheet per indicator (a jobcentre's
workbook: months as rows, the jobcentre's benefits and its comparison areas as columns) or per
benefit (an indicator's workbook: months as rows, every area as a column). Numbers are numbers
with the indicator's decimals (Excel shows them in its reader's own format: 1.234,5 in Danish);
a suppressed value is "–", explained above the table; the header rows stay in view.

XlsxWriter writes them: it streams rows (constant memory) and, with a fixed creation time,
gives the same bytes for the same figures. A sheet's rows of figures go in one call
(jobtal.publish.xlsx_rows: the same bytes as XlsxWriter's cell by cell, several times sooner)."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import xlsxwriter

from jobtal.log import log
from jobtal.parallel import map_in_processes
from jobtal.publish import routes
from jobtal.publish.language import Language, with_unit
from jobtal.publish.tables import TOTALS
from jobtal.publish.xlsx_rows import RowsWorksheet
from jobtal.vocabulary import COUNTRY_CODE

SUPPRESSED = "–"
NO_VALUE = (None, "")
SHEET_NAME_LENGTH = 31  # Excel's limit
FORBIDDEN_IN_SHEET_NAMES = str.maketrans("", "", "[]:*?/\\")
HEADER_ROW = 3  # the column headers' row (0-based); the title and the notes are above it
AREA_ORDER = {"kommune": 0, "kommunegruppe": 1, "region": 2, "land": 3}


def column_order(key: tuple[str, str, str]) -> tuple[int, bool]:
    """A jobcentre workbook's columns: its own values (all benefits first), then its group's,
    region's and the country's. Python's sort is stable: benefits stay in published order."""
    area_type, _, benefit = key
    return AREA_ORDER[area_type], benefit != "alle"


@dataclass(frozen=True)
class Indicator:
    """What a workbook says about one published indicator or series."""

    id: str
    title: str
    unit: str
    decimals: int


@dataclass(frozen=True)
class Workbooks:
    """What every workbook of one build shares."""

    lang: Language
    indicators: dict[str, Indicator]  # in published order
    release: str
    created: datetime
    synthetic: bool
    sources: list[str]


def write_workbooks(
    con: duckdb.DuckDBPyConnection, root: Path, languages: list[Workbooks]
) -> list[Path]:
    """Every jobcentre's and every indicator's workbook in each language, under `root` laid out
    as the site; return their paths."""
    # The published totals, sorted into the cells of every sheet once (for both languages).
    # A dict per sheet, filled in one pass over the rows: with a few hundred small sheets,
    # pandas' pivot cost more in per-call overhead than this does in all.
    by_indicator: dict[str, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    own: dict[str, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    compared: dict[tuple, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    names: dict[tuple, str] = {}
    started = time.perf_counter()
    rows = con.execute(f"""
        SELECT indicator, benefit, area_type, area_code, area_name, period,
               TRY_CAST(value AS DOUBLE), coalesce(flag, '')
        FROM published WHERE {TOTALS} ORDER BY rowid
    """).fetchall()
    for indicator, benefit, area_type, code, name, period, value, flag in rows:
        cell = (value, flag)
        names[area_type, code] = name
        by_indicator[indicator][benefit][period, (area_type, code)] = cell
        if area_type == "kommune":
            own[code][indicator][period, (area_type, code, benefit)] = cell
        elif benefit == "alle":
            compared[area_type, code][indicator][period, (area_type, code, benefit)] = cell
    municipalities = con.execute(
        "SELECT CAST(municipality_code AS VARCHAR), municipality_name, "
        "CAST(municipality_group AS VARCHAR), CAST(region_code AS VARCHAR) "
        "FROM municipalities ORDER BY municipality_code"
    ).fetchall()
    log(
        f"  workbooks: {len(rows):,} published totals sorted into sheets in "
        f"{time.perf_counter() - started:.1f} s"
    )

    def in_every_language(kind: str, subject: str) -> list[tuple[Workbooks, Path]]:
        return [
            (book, root / book.lang.prefix / routes.workbook(kind, subject)) for book in languages
        ]

    jobs, sizes = [], []
    for code, name, group, region in municipalities:
        areas = [own[code], *(compared[a] for a in areas_above(group, region))]
        jobs.append(
            (jobcentre_workbook, (name, areas, names), in_every_language("jobcentre", code))
        )
        sizes.append(sum(len(cells) for area in areas for cells in area.values()))
    for indicator, benefits in by_indicator.items():
        books = in_every_language("indicator", indicator)
        jobs.append((indicator_workbook, (indicator, benefits, names), books))
        sizes.append(sum(map(len, benefits.values())))
    # XlsxWriter is pure Python: a workbook per job, in every language (its cells go to the
    # worker once), on every core, the largest first
    map_in_processes(write_workbook_job, jobs, worth_it=len(municipalities) > 20, sizes=sizes)
    return [path for _, _, books in jobs for _, path in books]


def write_workbook_job(job: tuple) -> None:
    """One workbook in each language: (jobcentre_workbook or indicator_workbook, its
    arguments, [(the language's Workbooks, the path), ...])."""
    function, arguments, books = job
    for book, path in books:
        function(book, *arguments, path)


def areas_above(group: str, region: str) -> list[tuple[str, str]]:
    """A jobcentre's comparison areas, nearest first."""
    return [("kommunegruppe", group), ("region", region), ("land", COUNTRY_CODE)]


def jobcentre_workbook(
    book: Workbooks, name: str, areas: list[dict[str, dict]], names: dict, path: Path
) -> None:
    """One sheet per indicator: the jobcentre's value per benefit, then its group's, region's
    and the country's for all benefits (`areas`: the jobcentre's cells, then theirs)."""
    t = book.lang.t
    cells = {
        indicator: {k: v for area in areas for k, v in area.get(indicator, {}).items()}
        for indicator in book.indicators
    }
    sheets = []
    for indicator in book.indicators.values():
        of_indicator = cells.get(indicator.id)
        if not of_indicator:
            continue
        # published order (a dict keeps it), then all benefits and the jobcentre first
        columns = sorted(dict.fromkeys(column for _, column in of_indicator), key=column_order)
        labels = {
            (a, c, b): (
                f"{name}: {book.lang.benefit(b)}"
                if a == "kommune"
                else book.lang.area_name(a, names[a, c])
            )
            for a, c, b in columns
        }
        sheets.append(
            Sheet(
                name=sheet_name(indicator.id),
                title=f"{with_unit(indicator.title, indicator.unit)}, {name}",
                contents=t("workbook_jobcentre_sheet", title=indicator.title),
                indicator=indicator,
                cells=of_indicator,
                labels=labels,
            )
        )
    write_workbook(book, path, t("workbook_jobcentre_title", name=name), sheets)


def indicator_workbook(
    book: Workbooks, indicator_id: str, benefits: dict[str, dict], names: dict, path: Path
) -> None:
    """One sheet per benefit (all benefits first): every area's value, in published order."""
    t = book.lang.t
    indicator = book.indicators[indicator_id]
    sheets = []
    for benefit, cells in sorted(benefits.items(), key=lambda item: item[0] != "alle"):
        columns = dict.fromkeys(column for _, column in cells)  # published order, once each
        label = book.lang.benefit(benefit)
        sheets.append(
            Sheet(
                name=sheet_name(label if len(label) <= SHEET_NAME_LENGTH else benefit),
                title=f"{with_unit(indicator.title, indicator.unit)}: {label}",
                contents=t("workbook_indicator_sheet", benefit=label),
                indicator=indicator,
                cells=cells,
                labels={(a, c): book.lang.area_name(a, names[a, c]) for a, c in columns},
            )
        )
    write_workbook(book, path, t("workbook_indicator_title", title=indicator.title), sheets)


@dataclass
class Sheet:
    name: str
    title: str
    contents: str  # what the sheet holds, for the first sheet's list
    indicator: Indicator
    cells: dict[tuple, tuple]  # (period, column key) -> (value or None, flag)
    labels: dict[tuple, str]  # column key -> header, in the order the columns are shown


def sheet_name(text: str) -> str:
    return text.translate(FORBIDDEN_IN_SHEET_NAMES)[:SHEET_NAME_LENGTH]


def write_workbook(book: Workbooks, path: Path, title: str, sheets: list[Sheet]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False}
    )
    workbook.set_properties(
        {"title": title, "author": "jobtal", "created": book.created.replace(tzinfo=None)}
    )
    styles = {
        "bold": workbook.add_format({"bold": True}),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "header": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "suppressed": workbook.add_format({"align": "right"}),
    }
    about_sheet(workbook, styles, book, title, sheets)
    for sheet in sheets:
        data_sheet(workbook, styles, book, sheet)
    workbook.close()


def about_sheet(workbook, styles: dict, book: Workbooks, title: str, sheets: list[Sheet]) -> None:
    t = book.lang.t
    sheet = workbook.add_worksheet(sheet_name(t("workbook_about")))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, title, styles["title"])
    lines = [
        (t("workbook_release"), t("workbook_release_text", release=book.release)),
        (t("workbook_source"), "; ".join(book.sources)),
        (t("licence_heading"), t("workbook_licence")),
        (t("workbook_suppressed_heading"), t("workbook_rule")),
        (t("workbook_provisional_heading"), t("workbook_provisional")),
    ]
    if book.synthetic:
        lines.insert(0, (t("synthetic_title"), t("workbook_synthetic")))
    row = 2
    for label, text in lines:
        sheet.write_string(row, 0, label, styles["bold"])
        sheet.write_string(row, 1, text, styles["wrap"])
        row += 1
    row += 1
    sheet.write_string(row, 0, t("workbook_sheets"), styles["bold"])
    for entry in sheets:
        row += 1
        sheet.write_string(row, 0, entry.name)
        sheet.write_string(row, 1, f"{entry.title}. {entry.contents}", styles["wrap"])


def data_sheet(workbook, styles: dict, book: Workbooks, sheet: Sheet) -> None:
    t = book.lang.t
    decimals = sheet.indicator.decimals
    number = workbook.add_format({"num_format": "#,##0" + ("." + "0" * decimals)[: decimals + 1]})
    periods = sorted({period for period, _ in sheet.cells})
    columns = list(sheet.labels)
    note = len(columns) + 1

    out = workbook.add_worksheet(sheet.name, worksheet_class=RowsWorksheet)
    out.set_column(0, 0, 12)
    out.set_column(1, len(columns), 16)
    out.set_column(note, note, 14)
    out.write_string(0, 0, sheet.title, styles["title"])
    out.write_string(1, 0, t("workbook_suppressed_note"))
    out.write_string(HEADER_ROW, 0, t("workbook_period"), styles["header"])
    for index, column in enumerate(columns, start=1):
        out.write_string(HEADER_ROW, index, sheet.labels[column], styles["header"])
    out.write_string(HEADER_ROW, note, t("workbook_note"), styles["header"])
    out.freeze_panes(HEADER_ROW + 1, 1)
    rows = []
    for period in periods:
        cells = [(0, period, None)]
        provisional = False
        for index, column in enumerate(columns, start=1):
            value, flag = sheet.cells.get((period, column), NO_VALUE)
            if flag == "suppressed":
                cells.append((index, SUPPRESSED, styles["suppressed"]))
            elif value is not None:
                cells.append((index, value, number))
            provisional |= flag == "provisional"
        if provisional:
            cells.append((note, t("workbook_provisional_mark"), None))
        rows.append(cells)
    out.write_rows(HEADER_ROW + 1, rows)
