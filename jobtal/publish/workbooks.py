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
import numpy as np
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
TEXT_COLUMNS = ("indicator", "benefit", "area_type", "area_code", "period", "flag")
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


@dataclass(eq=False)
class Totals:
    """Published totals column-wise, in published order: each text column (TEXT_COLUMNS) as
    positions in its list of words, the same lists for every job; the values as floats, with
    `missing` where there is none. The main process only chooses each job's rows; the workers
    sort them into sheets (jobcentre_areas, indicator_benefits). A job's share pickles as a
    few arrays: sorting all 1.26 million national totals into dicts of cells in the main
    process took 8 s while the workers waited, and pickling the dicts 1.3 µs a cell."""

    words: dict[str, list[str]]
    codes: dict[str, np.ndarray]
    values: np.ndarray
    missing: np.ndarray

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Totals:
        table = con.sql(f"""
            SELECT indicator, benefit, area_type, area_code, period, coalesce(flag, '') AS flag,
                   TRY_CAST(value AS DOUBLE) AS value
            FROM published WHERE {TOTALS} ORDER BY rowid
        """).to_arrow_table()  # fmt: skip
        words, codes = {}, {}
        for column in TEXT_COLUMNS:
            # Arrow numbers the words in the order they first occur: published order
            encoded = table.column(column).combine_chunks().dictionary_encode()
            words[column] = encoded.dictionary.to_pylist()
            codes[column] = encoded.indices.to_numpy()
        value = table.column("value")
        missing = value.is_null().to_numpy(zero_copy_only=False)
        return cls(words, codes, value.to_numpy(zero_copy_only=False), missing)

    def __len__(self) -> int:
        return len(self.values)

    def where(self, **equal: str) -> np.ndarray:
        """The positions of the rows whose columns hold these words (none for a word no row
        holds)."""
        chosen = np.ones(len(self), dtype=bool)
        for column, word in equal.items():
            words = self.words[column]
            chosen &= self.codes[column] == (words.index(word) if word in words else -1)
        return np.flatnonzero(chosen)

    def take(self, positions: np.ndarray) -> Totals:
        return Totals(
            self.words,
            {column: codes[positions] for column, codes in self.codes.items()},
            self.values[positions],
            self.missing[positions],
        )

    def rows(self, *columns: str):
        """Each row's words in these columns, then its cell (value or None, flag)."""
        values = self.values.tolist()
        for position in np.flatnonzero(self.missing).tolist():
            values[position] = None
        texts = [
            map(self.words[column].__getitem__, self.codes[column].tolist())
            for column in (*columns, "flag")
        ]
        flags = texts.pop()
        return zip(*texts, zip(values, flags, strict=True), strict=True)


def write_workbooks(
    con: duckdb.DuckDBPyConnection, root: Path, languages: list[Workbooks]
) -> list[Path]:
    """Every jobcentre's and every indicator's workbook in each language, under `root` laid out
    as the site; return their paths."""
    started = time.perf_counter()
    totals = Totals.read(con)
    names = {
        (area_type, code): name
        for area_type, code, name in con.execute(f"""
            SELECT area_type, area_code, arg_max(area_name, rowid) FROM published
            WHERE {TOTALS} GROUP BY area_type, area_code
        """).fetchall()
    }
    municipalities = con.execute(
        "SELECT CAST(municipality_code AS VARCHAR), municipality_name, "
        "CAST(municipality_group AS VARCHAR), CAST(region_code AS VARCHAR) "
        "FROM municipalities ORDER BY municipality_code"
    ).fetchall()

    def in_every_language(kind: str, subject: str) -> list[tuple[Workbooks, Path]]:
        return [
            (book, root / book.lang.prefix / routes.workbook(kind, subject)) for book in languages
        ]

    jobs, sizes = [], []
    compared: dict[tuple[str, str], Totals] = {}  # an area's figures for all benefits
    for code, name, group, region in municipalities:
        areas = [totals.take(totals.where(area_type="kommune", area_code=code))]
        for area_type, area_code in areas_above(group, region):
            if (area_type, area_code) not in compared:
                compared[area_type, area_code] = totals.take(
                    totals.where(area_type=area_type, area_code=area_code, benefit="alle")
                )
            areas.append(compared[area_type, area_code])
        jobs.append(
            (jobcentre_areas, areas, jobcentre_workbook, (name, names),
             in_every_language("jobcentre", code))
        )  # fmt: skip
        sizes.append(sum(map(len, areas)))
    for indicator in totals.words["indicator"]:  # in published order
        rows = totals.take(totals.where(indicator=indicator))
        jobs.append(
            (indicator_benefits, rows, indicator_workbook, (indicator, names),
             in_every_language("indicator", indicator))
        )  # fmt: skip
        sizes.append(len(rows))
    log(
        f"  workbooks: {len(totals):,} published totals shared out to {len(jobs)} jobs in "
        f"{time.perf_counter() - started:.1f} s"
    )
    # XlsxWriter is pure Python: a workbook per job, in every language (its rows go to the
    # worker once), on every core, the largest first
    map_in_processes(write_workbook_job, jobs, worth_it=len(municipalities) > 20, sizes=sizes)
    return [path for *_, books in jobs for _, path in books]


def write_workbook_job(job: tuple) -> None:
    """One workbook in each language: (how its rows are sorted into sheets, the rows,
    jobcentre_workbook or indicator_workbook, its other arguments, [(the language's Workbooks,
    the path), ...]). The rows are sorted once, for every language."""
    sort, rows, function, arguments, books = job
    cells = sort(rows)
    for book, path in books:
        function(book, cells, *arguments, path)


def jobcentre_areas(areas: list[Totals]) -> list[dict[str, dict]]:
    """For the jobcentre and each comparison area: indicator -> its cells,
    {(period, (area_type, area_code, benefit)): (value, flag)}, in published order."""
    sorted_areas = []
    for rows in areas:
        by_indicator: dict[str, dict] = defaultdict(dict)
        for indicator, period, area_type, code, benefit, cell in rows.rows(
            "indicator", "period", "area_type", "area_code", "benefit"
        ):
            by_indicator[indicator][period, (area_type, code, benefit)] = cell
        sorted_areas.append(by_indicator)
    return sorted_areas


def indicator_benefits(rows: Totals) -> dict[str, dict]:
    """For one indicator: benefit -> its cells, {(period, (area_type, area_code)): (value,
    flag)}, in published order."""
    by_benefit: dict[str, dict] = defaultdict(dict)
    for benefit, period, area_type, code, cell in rows.rows(
        "benefit", "period", "area_type", "area_code"
    ):
        by_benefit[benefit][period, (area_type, code)] = cell
    return by_benefit


def areas_above(group: str, region: str) -> list[tuple[str, str]]:
    """A jobcentre's comparison areas, nearest first."""
    return [("kommunegruppe", group), ("region", region), ("land", COUNTRY_CODE)]


def jobcentre_workbook(
    book: Workbooks, areas: list[dict[str, dict]], name: str, names: dict, path: Path
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
    book: Workbooks, benefits: dict[str, dict], indicator_id: str, names: dict, path: Path
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
