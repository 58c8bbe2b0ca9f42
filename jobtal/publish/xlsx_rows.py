"""Many rows of an XlsxWriter worksheet written in one call, byte for byte as XlsxWriter writes
them cell by cell, at a fraction of its cost.

Why by hand: XlsxWriter spends 16-22 µs on a cell (checking the arguments, keeping the sheet's
dimensions, escaping the attributes and one file write per cell), and a national build's 228
workbooks hold about 11 million cells: 70-110 s of the build on two cores, 93 % of it in
XlsxWriter. The published workbooks must stay the same bytes, so another writer will not do.

What a cell's XML holds besides its reference and its number depends only on its column, its
format and, for text, the text: XlsxWriter itself writes the first cell of each such kind, and
every later cell of the kind repeats that XML with its own reference (and number, formatted as
XlsxWriter formats it). Kinds are met in the order XlsxWriter meets cells (row by row, left to
right), so formats get their style numbers in the same order too. tests/test_xlsx_rows.py
writes whole workbooks both ways and compares their bytes.

This leans on XlsxWriter's private methods of a constant-memory worksheet (the cell and row
writers, the dimensions and the row it keeps pending); that test fails if a new XlsxWriter
changes any of them."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple, Worksheet

# A cell to write: its column (0-based), its number (an int or a float) or text, and its format
# (None for none).
Cell = tuple[int, "float | int | str", "Format | None"]

# Longer text XlsxWriter would check against Excel's limit of 32,767 UTF-16 units and cut.
LONGEST_TEXT = 16_383
# Text XlsxWriter writes as it is: nothing to escape (&, <, >; so no rich string "<r>...</r>"
# either), no control characters (written as _xHHHH_), no "_x" (which it escapes in case an
# _xHHHH_ follows) and no white space at either end (which it marks xml:space="preserve").
VERBATIM_TEXT = re.compile(r"(?!.*_x)[^\s&<>\x00-\x1f](?:[^&<>\x00-\x1f]*[^\s&<>\x00-\x1f])?", re.S)
# Stands for a verbatim text when XlsxWriter writes the first cell of a column and format
# (a character of Unicode's private use area, which XlsxWriter writes as it is).
PLACEHOLDER = "\ue000"


class RowsWorksheet(Worksheet):
    """A worksheet of a constant-memory workbook (`workbook.add_worksheet(name,
    worksheet_class=RowsWorksheet)`) that can also take many rows at once."""

    def write_rows(self, first_row: int, rows: Sequence[Sequence[Cell]]) -> None:
        """Write `rows` (each a list of cells, left to right) from `first_row` on, as that many
        calls of write_number and write_string would, row after row. Rows written before stay
        as they are; nothing may be written above the last of these rows afterwards."""
        if not self.constant_memory:
            raise ValueError("write_rows needs a workbook with constant_memory")
        pending = any(self.table.values())  # cells of the row written singly last
        if first_row < self.previous_row or (first_row == self.previous_row and pending):
            raise ValueError(f"row {first_row} is at or above a row already written")
        filled = [(row, cells) for row, cells in enumerate(rows, start=first_row) if cells]
        if not filled:
            return
        if any(row in self.row_info for row, _ in filled):
            # a row's own format would be its unformatted cells' format: not one kind per column
            raise ValueError("write_rows does not write rows given a format by set_row")
        columns = [column for _, cells in filled for column, _, _ in cells]
        corners = ((filled[0][0], min(columns)), (filled[-1][0], max(columns)))
        if any(self._check_dimensions(row, column) for row, column in corners):
            raise ValueError(f"rows {first_row}-{filled[-1][0]} are outside the worksheet")
        # The row pending from single writes goes out first, with the style numbers its cells
        # take, and nothing stays pending after these rows.
        self._write_single_row(filled[-1][0] + 1)

        letters = {column: xl_col_to_name(column) for column in set(columns)}
        row_attributes = self._row_attributes(filled[0][0])
        numbers: dict[tuple, tuple[str, str]] = {}  # (column, format): the XML around a number
        texts: dict[tuple, tuple[str, str]] = {}  # (column, format): around a verbatim text
        other_texts: dict[tuple, str] = {}  # (column, format, text): the XML after the reference
        isfinite = math.isfinite
        is_verbatim = VERBATIM_TEXT.fullmatch
        parts = []
        for row, cells in filled:
            number = str(row + 1)
            parts.append(f'<row r="{number}"{row_attributes}')
            for column, value, cell_format in cells:
                reference = letters[column] + number
                if value.__class__ is not str:
                    if not isfinite(value):
                        # XlsxWriter refuses them too (without the nan_inf_to_errors option)
                        raise TypeError(f"{value} in {reference}: NAN/INF not supported")
                    around = numbers.get((column, cell_format))
                    if around is None:
                        cell = CellNumberTuple(0, cell_format)
                        before, after = self._cell_around(row, column, cell, "<v>0</v>")
                        around = numbers[column, cell_format] = (before + "<v>", "</v>" + after)
                    parts.append(f'<c r="{reference}"{around[0]}{value:.16G}{around[1]}')
                elif len(value) <= LONGEST_TEXT and is_verbatim(value):
                    around = texts.get((column, cell_format))
                    if around is None:
                        cell = CellStringTuple(PLACEHOLDER, cell_format)
                        around = self._cell_around(row, column, cell, PLACEHOLDER)
                        texts[column, cell_format] = around
                    parts.append(f'<c r="{reference}"{around[0]}{value}{around[1]}')
                else:
                    rest = other_texts.get((column, cell_format, value))
                    if rest is None:
                        if len(value) > LONGEST_TEXT:
                            raise ValueError(f"text of {len(value):,} characters in {reference}")
                        cell = CellStringTuple(value, cell_format)
                        rest = "".join(self._cell_around(row, column, cell, ""))
                        other_texts[column, cell_format, value] = rest
                    parts.append(f'<c r="{reference}"{rest}')
            parts.append("</row>")
        self.fh.write("".join(parts))

    def _row_attributes(self, row: int) -> str:
        """A row's opening tag after its number (the same for every row without a format)."""
        xml = self._written(self._write_row, row, None)
        return split_around(xml, f'<row r="{row + 1}"', "")[1]

    def _cell_around(self, row: int, column: int, cell: tuple, content: str) -> tuple[str, str]:
        """What XlsxWriter writes for `cell` after its reference, before and after `content`."""
        xml = self._written(self._write_cell, row, column, cell)
        return split_around(xml, f'<c r="{xl_col_to_name(column)}{row + 1}"', content)

    def _written(self, write: Callable, *arguments) -> str:
        """What one of XlsxWriter's element writers writes, as text."""
        sheet_file, self.fh = self.fh, io.StringIO()
        try:
            write(*arguments)
            return self.fh.getvalue()
        finally:
            self.fh = sheet_file


def split_around(xml: str, opening: str, content: str) -> tuple[str, str]:
    """`xml` after `opening`, as the text before `content` and the text after it (all of it
    after, when `content` is empty)."""
    if xml.startswith(opening):
        rest = xml[len(opening) :]
        if not content:
            return "", rest
        before, found, after = rest.partition(content)
        if found:
            return before, after
    raise AssertionError(f"XlsxWriter wrote {xml!r}, not {opening}…{content}…")


def write_cell_by_cell(sheet: Worksheet, first_row: int, rows: Sequence[Sequence[Cell]]) -> None:
    """What `RowsWorksheet.write_rows` does, through XlsxWriter's own calls: the reference
    its tests and scripts/bench_workbooks.py hold it to."""
    for row, cells in enumerate(rows, start=first_row):
        for column, value, cell_format in cells:
            if isinstance(value, str):
                sheet.write_string(row, column, value, cell_format)
            else:
                sheet.write_number(row, column, value, cell_format)
