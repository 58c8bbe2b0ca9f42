"""Where each record of a CSV file starts and ends, found without reading the file into
memory: for the empty lines DuckDB skips and for the rows DuckDB cut short, whose text the
report shows (csvfile.py reads the file; tablecheck.py asks for the records it reports)."""

from __future__ import annotations

import contextlib
import csv
import io
import mmap
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from jobtal.extracts.csvfile import Dialect

CHUNK = 1 << 24

# a newline that ends the record before an empty one: the next newline follows it directly, or
# after a carriage return alone (one regular expression finds both in one pass over the bytes)
EMPTY_RECORD = re.compile(rb"\n(?=\r?\n)")


class Records:
    """Where each record of the file starts and ends, found only when needed: for the empty
    lines DuckDB skips, and for rows with more cells than DuckDB was asked to read. The file is
    read in chunks, so a file of gigabytes costs a few bytes per line at most, not its size, in
    memory.

    Where the quote character never occurs, every newline ends a record: bytes.count and one
    regular expression (C loops over each chunk) find the empty ones and any record's place.
    Otherwise a newline inside quotes does not end a record, and numpy finds every record's
    bounds."""

    def __init__(self, path: Path, quote: str):
        self.path = path
        self.quote = quote.encode()
        self._quoted: bool | None = None
        self._bounds: tuple[np.ndarray, np.ndarray] | None = None
        self._empty: list[int] | None = None
        self._records: int | None = None
        self._newline_in_quotes = False
        # (offset, length, newlines before it, newlines in it) of each chunk, from a count
        self._chunks: list[tuple[int, int, int, int]] = []

    @property
    def quoted(self) -> bool:
        """Whether the quote character occurs anywhere in the file (found with memchr, at
        gigabytes a second)."""
        if self._quoted is None:
            with mapped(self.path) as data:
                self._quoted = data.find(self.quote) >= 0
        return self._quoted

    def newline_in_quotes(self) -> bool:
        """Whether a quoted cell holds a newline (found with every record's bounds, which a
        file with quotes needs anyway)."""
        if self.quoted:
            self.bounds()
        return self._newline_in_quotes

    def empty(self, rows: int | None = None) -> list[int]:
        """Indices (0 = the header) of the records with nothing in them: DuckDB skips them,
        Python's csv module (and so frictionless) reads them as rows. `rows`, where known, is
        how many rows DuckDB read after the header: where every newline ends a record and those
        rows and the header are all the file's records, none is empty, and counting the
        newlines is all there is to do."""
        if self._empty is None:
            if self.quoted:
                starts, ends = self.bounds()
                self._empty = [int(i) for i in (ends == starts).nonzero()[0]]
            elif rows is not None and self.count() == rows + 1:
                self._empty = []
            else:
                self._empty = self._scan_lines()
        return self._empty

    def count(self) -> int:
        """The number of records where every newline ends one (and the newlines of each chunk,
        which place any record), counted once."""
        if self._records is None:
            chunks, lines, offset, last = [], 0, 0, b"\n"
            with self.path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    newlines = chunk.count(b"\n")
                    chunks.append((offset, len(chunk), lines, newlines))
                    lines, offset, last = lines + newlines, offset + len(chunk), chunk[-1:]
            self._chunks = chunks
            self._records = lines + (last != b"\n")  # a last record without a newline
        return self._records

    def _scan_lines(self) -> list[int]:
        """The empty records of a file where every newline ends one. Seen as a stream with a
        newline before the header, a record is empty where its newline directly follows the one
        before it, or a carriage return alone does (EMPTY_RECORD). Each chunk is searched
        behind the last two bytes of the one before, so that no such pair is split."""
        self.count()
        empty: list[int] = []
        buffer = bytearray(2 + min(CHUNK, self.path.stat().st_size))
        buffer[:2] = b"\0\n"  # the newline before the header
        view = memoryview(buffer)
        with self.path.open("rb") as handle:
            for _, size, before, _ in self._chunks:
                handle.readinto(view[2 : 2 + size])
                end = 2 + size
                seen, cursor = before + 1, 2  # newlines so far, the one before the header too
                for match in EMPTY_RECORD.finditer(buffer, 0, end):
                    final = match.end() + (buffer[match.end()] == 13)  # the record's newline
                    if final < 2:
                        continue  # found with the last chunk
                    seen += buffer.count(b"\n", cursor, final)
                    cursor = final
                    empty.append(seen - 1)
                buffer[:2] = buffer[end - 2 : end]
        if self._chunks and buffer[:2] == b"\n\r":  # a last record of a carriage return alone
            empty.append(self._records - 1)
        return empty

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The start and end (after any carriage return) in bytes of every record."""
        import numpy as np  # late: see the module docstring

        if self._bounds is None:
            ends, carriage, quotes, size, previous = [], [], [], 0, 0
            offset = 0
            with self.path.open("rb") as handle:
                while raw := handle.read(CHUNK):
                    chunk = np.frombuffer(raw, dtype=np.uint8)
                    newlines = np.flatnonzero(chunk == 10)
                    before = chunk[np.maximum(newlines - 1, 0)]
                    if len(newlines) and newlines[0] == 0:  # the byte before is in the last chunk
                        before[0] = previous
                    ends.append(newlines + offset)
                    carriage.append(before == 13)
                    quotes.append(np.flatnonzero(chunk == self.quote[0]) + offset)
                    size, previous = offset + len(chunk), chunk[-1]
                    offset += len(raw)
            ends, carriage = np.concatenate(ends or [[]]), np.concatenate(carriage or [[]])
            ends, carriage = ends.astype(np.int64), carriage.astype(bool)
            quotes = np.concatenate(quotes or [[]])
            if len(quotes):
                # a newline ends a record when an even number of quote characters precede it
                closing = np.searchsorted(quotes, ends) % 2 == 0
                self._newline_in_quotes = not closing.all()
                ends, carriage = ends[closing], carriage[closing]
            if size and (len(ends) == 0 or ends[-1] != size - 1):
                ends = np.append(ends, size)  # the last record has no newline
                carriage = np.append(carriage, previous == 13)
            starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
            carriage &= ends > starts
            self._bounds = (starts, ends - carriage.astype(np.int64))
        return self._bounds

    def cells(self, indices: list[int], dialect: Dialect) -> dict[int, list[str]]:
        """The cells of these records, as Python's csv module reads them."""
        if self.quoted:
            starts, ends = self.bounds()
            spans = {i: (int(starts[i]), int(ends[i])) for i in indices}
        else:
            spans = self._line_spans(indices)
        found = {}
        with self.path.open("rb") as handle:
            for index, (start, end) in spans.items():
                handle.seek(start)
                raw = handle.read(end - start)
                text = raw.removesuffix(b"\r").decode("utf-8", "replace")
                reader = csv.reader(
                    io.StringIO(text), delimiter=dialect.delimiter, quotechar=dialect.quote
                )
                found[index] = next(reader, [])
        return found

    def _line_spans(self, indices: list[int]) -> dict[int, tuple[int, int]]:
        """(start, end) of records where every newline ends one: record k runs from after the
        file's k-th newline (the header from 0) to its next one (or the end of the file)."""
        self.count()
        wanted = sorted({k for index in indices for k in (index - 1, index)} - {-1})
        where = {-1: -1}  # the k-th newline (0-based) -> its offset; -1 before the file
        with self.path.open("rb") as handle:
            for offset, size, before, newlines in self._chunks:
                mine = [k for k in wanted if before <= k < before + newlines]
                if not mine:
                    continue
                handle.seek(offset)
                chunk = handle.read(size)
                for k in mine:
                    where[k] = offset + nth_newline(chunk, k - before)
            end_of_file = handle.seek(0, io.SEEK_END)
        return {i: (where[i - 1] + 1, where.get(i, end_of_file)) for i in indices}


def nth_newline(data: bytes, n: int) -> int:
    """The offset of the n-th (0-based) newline in `data`, which has more than n. Halves the
    span with bytes.count until it is short, so the whole costs about one count over `data`."""
    low, high = 0, len(data)
    while high - low > 4096:
        middle = (low + high) // 2
        before = data.count(b"\n", low, middle)
        if n < before:
            high = middle
        else:
            n, low = n - before, middle
    at = data.find(b"\n", low, high)
    for _ in range(n):
        at = data.find(b"\n", at + 1, high)
    return at


@contextlib.contextmanager
def mapped(path: Path):
    """The file's bytes, mapped into memory rather than copied."""
    with path.open("rb") as handle:
        if handle.seek(0, io.SEEK_END) == 0:
            yield b""
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield data
