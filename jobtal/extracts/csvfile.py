"""A CSV resource as text, before any schema is applied: its encoding, separator and header
checked, and the SQL with which DuckDB reads its records as text cells.

Nothing here needs frictionless, a third of a second to import, or numpy, until the cells are
checked (see validate.py).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import mmap
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jobtal.sql import sql_string

if TYPE_CHECKING:
    import numpy as np

CHUNK = 1 << 24

# A cell DuckDB pads a short row with is NULL; an empty cell must stay '' to be told apart, so
# DuckDB's null string is set to a byte that never occurs in text.
NEVER_NULL = "\x00"


class UnreadableFile(Exception):
    """The file cannot be read as the descriptor says; the message says what was found."""

    def __init__(self, type_: str, note: str):
        super().__init__(note)
        self.type = type_
        self.note = note


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    quote: str = '"'
    encoding: str = "utf-8"

    @classmethod
    def of(cls, resource: dict) -> Dialect:
        dialect = resource.get("dialect") or {}
        if isinstance(dialect, dict) and isinstance(dialect.get("csv"), dict):
            dialect = dialect["csv"]  # the frictionless v5 form
        return cls(
            delimiter=dialect.get("delimiter", ","),
            quote=dialect.get("quoteChar", '"'),
            encoding=(resource.get("encoding") or "utf-8").lower().replace("_", "-"),
        )


def check_encoding(path: Path, dialect: Dialect) -> None:
    """UTF-8 unless declared otherwise, and no byte order mark unless declared (utf-8-sig)."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if dialect.encoding == "utf-8" and head.startswith(codecs.BOM_UTF8):
            raise UnreadableFile(
                "encoding-error",
                "the file starts with a UTF-8 byte order mark (BOM); declare "
                "encoding: utf-8-sig for the resource or save the file without it",
            )
        if dialect.encoding not in ("utf-8", "utf-8-sig", "utf8"):
            return
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0
        while chunk := handle.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                position = offset + error.start
                handle.seek(0)
                before = handle.read(position)
                line = before.count(b"\n") + 1
                byte = chunk[error.start]
                guess = bytes([byte]).decode("cp1252", errors="replace")
                raise UnreadableFile(
                    "encoding-error",
                    f"the file is not UTF-8: line {line} has the byte 0x{byte:02X}, which is "
                    f"{guess!r} in Windows-1252; declare encoding: windows-1252 for the resource "
                    "or convert the file to UTF-8",
                ) from error
            offset += len(chunk)


def read_labels(path: Path, dialect: Dialect) -> list[str] | None:
    """The first record of the file as Python's csv module reads it (None if the file is empty)."""
    encoding = "utf-8-sig" if dialect.encoding.startswith("utf") else dialect.encoding
    with path.open(encoding=encoding, newline="", errors="replace") as handle:
        head = handle.read(1 << 20)
    reader = csv.reader(io.StringIO(head), delimiter=dialect.delimiter, quotechar=dialect.quote)
    labels = next(reader, None)
    # frictionless strips the white space around labels before it compares them
    return None if labels is None else [label.strip() for label in labels]


def check_delimiter(labels: list[str], field_names: list[str], dialect: Dialect) -> None:
    """A header that is one label holding the field names with another separator."""
    if len(labels) != 1 or len(field_names) < 2:
        return
    for candidate, name in ((";", "';'"), ("\t", "a tab"), ("|", "'|'"), (",", "','")):
        if candidate != dialect.delimiter and len(labels[0].split(candidate)) >= 2:
            raise UnreadableFile(
                "dialect-error",
                f"the file uses {name} as separator (its header is {labels[0]!r}); declare "
                f"dialect.delimiter: {candidate!r} for the resource or convert the file to "
                f"{dialect.delimiter!r}-separated",
            )


class Records:
    """Where each record of the file starts and ends (in bytes), found only when needed: for the
    empty lines DuckDB skips, and for rows with more cells than DuckDB was asked to read. A
    newline inside quotes does not end a record. The file is read in chunks, so a file of
    gigabytes costs a few bytes per line, not its size, in memory."""

    def __init__(self, path: Path, quote: str):
        self.path = path
        self.quote = quote.encode()
        self._bounds: tuple[np.ndarray, np.ndarray] | None = None
        self._empty: np.ndarray | None = None

    def chunks(self):
        """(offset, bytes, the same as a numpy array) of each chunk of the file."""
        import numpy as np  # late: see the module docstring

        offset = 0
        with self.path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield offset, chunk, np.frombuffer(chunk, dtype=np.uint8)
                offset += len(chunk)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        if self._bounds is None:
            ends, carriage, quotes, size, previous = [], [], [], 0, 0
            for offset, _, chunk in self.chunks():
                newlines = np.flatnonzero(chunk == 10)
                before = chunk[np.maximum(newlines - 1, 0)]
                if len(newlines) and newlines[0] == 0:  # the byte before is in the last chunk
                    before[0] = previous
                ends.append(newlines + offset)
                carriage.append(before == 13)
                quotes.append(np.flatnonzero(chunk == self.quote[0]) + offset)
                size, previous = offset + len(chunk), chunk[-1]
            ends, carriage = np.concatenate(ends or [[]]), np.concatenate(carriage or [[]])
            ends, carriage = ends.astype(np.int64), carriage.astype(bool)
            quotes = np.concatenate(quotes or [[]])
            if len(quotes):
                # a newline ends a record when an even number of quote characters precede it
                closing = np.searchsorted(quotes, ends) % 2 == 0
                ends, carriage = ends[closing], carriage[closing]
            if size and (len(ends) == 0 or ends[-1] != size - 1):
                ends = np.append(ends, size)  # the last record has no newline
                carriage = np.append(carriage, previous == 13)
            starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
            carriage &= ends > starts
            self._bounds = (starts, ends - carriage.astype(np.int64))
        return self._bounds

    def empty(self) -> np.ndarray:
        """Indices (0 = the header) of the records with nothing in them: DuckDB skips them,
        Python's csv module (and so frictionless) reads them as rows."""
        import numpy as np

        if self._empty is not None:
            return self._empty
        # where every newline ends a record, a record is empty where a newline follows the one
        # before it (or a carriage return does), counted one chunk at a time
        empty, lines, last, previous, size = [], 0, -1, 0, 0
        for offset, raw, chunk in self.chunks():
            if raw.find(self.quote) >= 0:  # a newline may be inside quotes: find every record
                starts, ends = self.bounds()
                self._empty = np.flatnonzero(ends == starts).astype(np.int64)
                return self._empty
            newlines = np.flatnonzero(chunk == 10) + offset
            if len(newlines):
                gaps = np.diff(newlines, prepend=last)
                before = chunk[np.maximum(newlines - offset - 1, 0)]
                if newlines[0] == offset:  # the byte before is in the last chunk
                    before[0] = previous
                blank = (gaps == 1) | ((gaps == 2) & (before == 13))
                empty.append(np.flatnonzero(blank) + lines)
                lines, last = lines + len(newlines), int(newlines[-1])
            previous, size = chunk[-1], offset + len(chunk)
        if size - last == 2 and previous == 13:  # a last record of a carriage return alone
            empty.append(np.array([lines]))
        self._empty = np.concatenate(empty or [np.zeros(0)]).astype(np.int64)
        return self._empty

    def cells(self, index: int, dialect: Dialect) -> list[str]:
        """The cells of one record, as Python's csv module reads them."""
        starts, ends = self.bounds()
        with self.path.open("rb") as handle:
            handle.seek(int(starts[index]))
            text = handle.read(int(ends[index] - starts[index])).decode("utf-8", "replace")
        reader = csv.reader(io.StringIO(text), delimiter=dialect.delimiter, quotechar=dialect.quote)
        return next(reader, [])


@contextlib.contextmanager
def mapped(path: Path):
    """The file's bytes, mapped into memory rather than copied."""
    with path.open("rb") as handle:
        if handle.seek(0, io.SEEK_END) == 0:
            yield b""
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield data


@dataclass
class TextCells:
    """A resource's file, checked and ready for DuckDB: `source` is the SQL that reads its
    records after the header as text cells (csv_source). `path` is the file as UTF-8 (a copy,
    removed by close(), when it was declared in another encoding)."""

    name: str
    path: Path
    dialect: Dialect
    labels: list[str]
    source: str
    records: Records
    copy: tempfile.TemporaryDirectory | None = None

    def close(self) -> None:
        if self.copy is not None:
            self.copy.cleanup()


def read_cells(name: str, path: Path, field_names: list[str], resource: dict) -> TextCells:
    """Check the file's encoding, separator and header. Raises UnreadableFile when it cannot
    be read as the descriptor says."""
    dialect = Dialect.of(resource)
    check_encoding(path, dialect)
    path, dialect, copy = as_utf8(path, dialect)
    try:
        labels = read_labels(path, dialect)
        if labels is None:
            raise UnreadableFile("source-error", "the file is empty: not even a header row")
        check_delimiter(labels, field_names, dialect)
        source = csv_source(path, dialect, len(labels))
    except BaseException:
        if copy is not None:
            copy.cleanup()
        raise
    return TextCells(name, path, dialect, labels, source, Records(path, dialect.quote), copy)


def as_utf8(
    path: Path, dialect: Dialect
) -> tuple[Path, Dialect, tempfile.TemporaryDirectory | None]:
    """The file as UTF-8: itself, or a transcoded copy in a temporary folder when the
    descriptor declares another encoding (DuckDB reads UTF-8)."""
    if dialect.encoding in ("utf-8", "utf8", "utf-8-sig"):
        return path, dialect, None
    try:
        codecs.lookup(dialect.encoding)
    except LookupError as error:
        raise UnreadableFile(
            "encoding-error", f"the declared encoding {dialect.encoding!r} is unknown"
        ) from error
    folder = tempfile.TemporaryDirectory(prefix="jobtal-")
    copy = Path(folder.name) / path.name
    with (
        path.open(encoding=dialect.encoding, newline="") as source,
        copy.open("w", encoding="utf-8", newline="") as target,
    ):
        shutil.copyfileobj(source, target, CHUNK)
    return copy, Dialect(dialect.delimiter, dialect.quote, "utf-8"), folder


def csv_source(path: Path, dialect: Dialect, width: int) -> str:
    """DuckDB's reading of the records after the header as text cells c1..c<width + 1>.
    DuckDB skips empty lines; Records finds them."""
    with mapped(path) as data:
        quoted_newlines = data.find(dialect.quote.encode()) >= 0
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, width + 2))
    return (
        f"read_csv({sql_string(str(path))}, header = true, auto_detect = false, "
        f"columns = {{{columns}}}, delim = {sql_string(dialect.delimiter)}, "
        f"quote = {sql_string(dialect.quote)}, escape = {sql_string(dialect.quote)}, "
        f"nullstr = {sql_string(NEVER_NULL)}, null_padding = true, strict_mode = false, "
        f"parallel = {'false' if quoted_newlines else 'true'})"
    )
