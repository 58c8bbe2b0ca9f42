"""RowsWorksheet.write_rows against XlsxWriter's own cell-by-cell writing: whole workbooks
written both ways must be the same bytes, for any mix of numbers, texts (the awkward ones
XlsxWriter escapes or marks), formats, column formats and rows written singly around them."""

from __future__ import annotations

import math
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobtal.publish.xlsx_rows import RowsWorksheet, write_cell_by_cell

CREATED = datetime(2026, 1, 5)  # a fixed creation time: XlsxWriter writes it into the file
FORMATS = [None, {"bold": True}, {"num_format": "#,##0.0"}, {"align": "right"}, {"italic": True}]
AWKWARD_TEXTS = [
    "–",
    "2016-01",
    "a & b",
    "<r>rich?</r>",
    '"quoted"',
    " leading",
    "trailing ",
    "\ttab",
    "line\nbreak",
    "_x0041_",
    "a_xb",
    "bell\x07",
    "\x00",
    "\ue000",
    "Ærø Kommune",
    "emoji 😀",
    "",
    " ",
]
AWKWARD_NUMBERS = [0, -0.0, 1, -7, 0.1, 0.1 + 0.2, 1 / 3, 1e-7, 1e16, 1.5e300, 2**53 + 1, 12345.6]

texts = st.one_of(st.sampled_from(AWKWARD_TEXTS), st.text(max_size=12))
numbers = st.one_of(
    st.sampled_from(AWKWARD_NUMBERS),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**15), max_value=10**15),
)
cells = st.tuples(st.one_of(texts, numbers), st.integers(0, len(FORMATS) - 1))
rows = st.lists(st.dictionaries(st.integers(0, 30), cells, max_size=8), min_size=0, max_size=12)


def workbook(path: Path, sheets: list[dict], fast: bool) -> bytes:
    """A workbook of `sheets`, each {"first": first row, "rows": rows as
    {column: (value, format number)}, "column_formats": {column: format number}}, with a title
    written singly above the rows and a note below them; the rows written by write_rows if
    `fast`, else cell by cell."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    book.set_properties({"created": CREATED})
    formats = [None, *(book.add_format(properties) for properties in FORMATS[1:])]
    for number, sheet in enumerate(sheets):
        out = book.add_worksheet(f"S{number}", worksheet_class=RowsWorksheet)
        for column, which in sheet["column_formats"].items():
            out.set_column(column, column, 12, formats[which])
        out.write_string(0, 0, "title", formats[1])
        rows = [
            [(column, value, formats[which]) for column, (value, which) in sorted(row.items())]
            for row in sheet["rows"]
        ]
        if fast:
            out.write_rows(sheet["first"], rows)
        else:
            write_cell_by_cell(out, sheet["first"], rows)
        out.write_string(sheet["first"] + len(rows) + 1, 2, "note", formats[3])
    book.close()
    return path.read_bytes()


def both_ways(sheets: list[dict]) -> tuple[bytes, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        fast = workbook(Path(folder) / "fast.xlsx", sheets, fast=True)
        slow = workbook(Path(folder) / "slow.xlsx", sheets, fast=False)
    return fast, slow


sheets = st.lists(
    st.fixed_dictionaries(
        {
            "first": st.integers(1, 3),
            "rows": rows,
            "column_formats": st.dictionaries(st.integers(0, 30), st.integers(0, 4), max_size=3),
        }
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets)
def test_write_rows_writes_the_bytes_xlsxwriter_writes_cell_by_cell(sheets):
    fast, slow = both_ways(sheets)
    assert fast == slow


def test_every_awkward_text_and_number_in_one_sheet_is_the_same_bytes():
    """Each awkward value twice in a column (the second time from the column's kind), in
    formats met in different orders, so the style numbers are handed out as XlsxWriter does."""
    values = AWKWARD_TEXTS + AWKWARD_NUMBERS
    rows = [
        {column: (value, (row + column) % len(FORMATS)) for column in range(3)}
        for row, value in enumerate(values + values)
    ]
    sheet = {"first": 2, "rows": rows, "column_formats": {1: 4, 2: 0}}
    fast, slow = both_ways([sheet, sheet])
    assert fast == slow


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_write_rows_refuses_what_xlsxwriter_refuses(tmp_path, value):
    sheet = {"first": 1, "rows": [{0: (value, 0)}], "column_formats": {}}
    with pytest.raises(TypeError, match="NAN/INF"):
        workbook(tmp_path / "slow.xlsx", [sheet], fast=False)
    with pytest.raises(TypeError, match="NAN/INF"):
        workbook(tmp_path / "fast.xlsx", [sheet], fast=True)


def sheet_of_a_new_workbook(tmp_path: Path, **options):
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True, **options})
    return book, book.add_worksheet("S", worksheet_class=RowsWorksheet)


def test_write_rows_refuses_rows_it_cannot_write_as_xlsxwriter_would(tmp_path):
    book, sheet = sheet_of_a_new_workbook(tmp_path)
    with pytest.raises(ValueError, match="outside the worksheet"):
        sheet.write_rows(1_048_576, [[(0, 1, None)]])
    with pytest.raises(ValueError, match="outside the worksheet"):
        sheet.write_rows(0, [[(16_384, 1, None)]])
    sheet.write_string(5, 0, "pending")
    with pytest.raises(ValueError, match="at or above a row already written"):
        sheet.write_rows(5, [[(1, 1, None)]])
    sheet.write_rows(20, [[(0, 1, None)], [(0, 2, None)]])
    with pytest.raises(ValueError, match="at or above a row already written"):
        sheet.write_rows(19, [[(1, 1, None)]])
    sheet.write_rows(22, [[(0, 3, None)]])  # right below them: allowed
    sheet.set_row(28, 20, book.add_format({"bold": True}))
    with pytest.raises(ValueError, match="set_row"):
        sheet.write_rows(27, [[(0, 1, None)], [(0, 2, None)]])
    with pytest.raises(ValueError, match="characters"):
        sheet.write_rows(30, [[(0, "x" * 20_000, None)]])
    book.close()

    book, sheet = sheet_of_a_new_workbook(tmp_path, constant_memory=False)
    with pytest.raises(ValueError, match="constant_memory"):
        sheet.write_rows(0, [[(0, 1, None)]])
    book.close()
