"""A CSV resource as text, before any schema is applied: its encoding, separator and header
checked, and the SQL with which DuckDB reads its records as text cells.

Nothing here needs frictionless, a third of a second to import, or numpy, until the cells are
checked (see validate.py).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jobtal.extracts.problems import Code
from jobtal.extracts.records import CHUNK, Records
from jobtal.sql import sql_string

# A cell DuckDB pads a short row with is NULL; an empty cell must stay '' to be told apart, so
# DuckDB's null string is set to a byte that never occurs in text.
NEVER_NULL = "\x00"


class UnreadableFile(Exception):
    """The file cannot be read as the descriptor says; the message says what was found."""

    def __init__(self, type_: str, note: str):
        super().__init__(note)
        self.type = type_
        self.note = note


# Table Dialect properties jobtal does not read, with the only value it accepts for each
UNREAD_DIALECT = {
    "header": True,
    "headerRows": [1],
    "commentChar": None,
    "commentRows": [],
    "skipInitialSpace": False,
    "escapeChar": None,
    "doubleQuote": True,
    "nullSequence": None,
}


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    quote: str = '"'
    encoding: str = "utf-8"

    @classmethod
    def of(cls, resource: dict) -> Dialect:
        """The resource's dialect. Raises UnreadableFile for a dialect property jobtal does not
        read (a header elsewhere than on the first line, comments, escapes ...), rather than
        reading the file otherwise than declared."""
        dialect = resource.get("dialect") or {}
        if not isinstance(dialect, dict):
            raise UnreadableFile(
                Code.DIALECT_ERROR,
                f"the descriptor's dialect is {json.dumps(dialect)[:80]}; jobtal reads a dialect "
                'written out in the descriptor (an object such as {"delimiter": ";"}), '
                "never one fetched from elsewhere",
            )
        if isinstance(dialect.get("csv"), dict):
            dialect = dialect["csv"]  # the frictionless v5 form
        for name, default in UNREAD_DIALECT.items():
            if name in dialect and dialect[name] != default:
                raise UnreadableFile(
                    Code.DIALECT_ERROR,
                    f"the descriptor's dialect sets {name}: {json.dumps(dialect[name])}, which "
                    f"jobtal does not read: an extract has its column names on the first line "
                    f"and is plain CSV; leave {name} out or convert the file",
                )
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
                Code.ENCODING_ERROR,
                "the file starts with a UTF-8 byte order mark (BOM); declare "
                "encoding: utf-8-sig for the resource or save the file without it",
            )
        if dialect.encoding not in ("utf-8", "utf-8-sig", "utf8"):
            return
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0
        while True:
            chunk = handle.read(CHUNK)
            pending = decoder.getstate()[0]  # the start of a character the last chunk cut
            if chunk and chunk.isascii() and not pending:  # ASCII is UTF-8, and quick to see
                offset += len(chunk)
                continue
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                # the decoder's positions count the bytes it held back from the last chunk
                position = offset - len(pending) + error.start
                handle.seek(position)
                byte = handle.read(1)[0]
                handle.seek(0)
                line = 1
                while handle.tell() < position:
                    line += handle.read(min(CHUNK, position - handle.tell())).count(b"\n")
                guess = bytes([byte]).decode("cp1252", errors="replace")
                raise UnreadableFile(
                    Code.ENCODING_ERROR,
                    f"the file is not UTF-8: line {line} has the byte 0x{byte:02X}, which is "
                    f"{guess!r} in Windows-1252; declare encoding: windows-1252 for the resource "
                    "or convert the file to UTF-8",
                ) from error
            if not chunk:
                return
            offset += len(chunk)


# Read before anything else reads the file: DuckDB plans every column it is given, and a header
# of a million columns would take it minutes and gigabytes
HEADER_CHARACTERS = 1 << 20
MOST_COLUMNS = 1_000


def read_labels(path: Path, dialect: Dialect) -> list[str] | None:
    """The first record of the file as Python's csv module reads it (None if the file is empty).
    Raises UnreadableFile for lines ended by a carriage return alone, which neither DuckDB's
    reader as jobtal sets it up nor the record counting (Records) takes as line ends."""
    encoding = "utf-8-sig" if dialect.encoding.startswith("utf") else dialect.encoding
    with path.open(encoding=encoding, newline="", errors="replace") as handle:
        head = handle.read(HEADER_CHARACTERS)
    line_end = re.search("\r\n|\n|\r", head)
    if line_end is not None and line_end.group() == "\r":
        raise UnreadableFile(
            Code.DIALECT_ERROR,
            "the file ends its lines with a carriage return alone (old Mac style); convert it "
            "to line ends of \\n or \\r\\n",
        )
    if line_end is None and len(head) == HEADER_CHARACTERS:
        raise UnreadableFile(
            Code.SOURCE_ERROR,
            f"the first line (the header) is longer than {HEADER_CHARACTERS:,} characters; a "
            "header holds the column names",
        )
    reader = csv.reader(io.StringIO(head), delimiter=dialect.delimiter, quotechar=dialect.quote)
    labels = next(reader, None)
    if labels is not None and len(labels) > MOST_COLUMNS:
        raise UnreadableFile(
            Code.SOURCE_ERROR,
            f"the header has {len(labels):,} columns; a resource of jobtal's has at most "
            f"{MOST_COLUMNS:,}",
        )
    # frictionless strips the white space around labels before it compares them
    return None if labels is None else [label.strip() for label in labels]


def check_delimiter(labels: list[str], field_names: list[str], dialect: Dialect) -> None:
    """A header that is one label holding the field names with another separator."""
    if len(labels) != 1 or len(field_names) < 2:
        return
    for candidate, name in ((";", "';'"), ("\t", "a tab"), ("|", "'|'"), (",", "','")):
        if candidate != dialect.delimiter and len(labels[0].split(candidate)) >= 2:
            raise UnreadableFile(
                Code.DIALECT_ERROR,
                f"the file uses {name} as separator (its header is {labels[0]!r}); declare "
                f"dialect.delimiter: {candidate!r} for the resource or convert the file to "
                f"{dialect.delimiter!r}-separated",
            )


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
            raise UnreadableFile(Code.SOURCE_ERROR, "the file is empty: not even a header row")
        if not labels:
            raise UnreadableFile(
                Code.BLANK_HEADER,
                "the file's first line is empty; the header (the column names) must be the "
                "first line",
            )
        check_delimiter(labels, field_names, dialect)
        records = Records(path, dialect.quote)
        source = csv_source(path, dialect, len(labels), records.newline_in_quotes())
    except BaseException:
        if copy is not None:
            copy.cleanup()
        raise
    return TextCells(name, path, dialect, labels, source, records, copy)


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
            Code.ENCODING_ERROR, f"the declared encoding {dialect.encoding!r} is unknown"
        ) from error
    folder = tempfile.TemporaryDirectory(prefix="jobtal-")
    copy = Path(folder.name) / path.name
    with (
        path.open(encoding=dialect.encoding, newline="") as source,
        copy.open("w", encoding="utf-8", newline="") as target,
    ):
        shutil.copyfileobj(source, target, CHUNK)
    return copy, Dialect(dialect.delimiter, dialect.quote, "utf-8"), folder


def csv_source(path: Path, dialect: Dialect, width: int, newline_in_quotes: bool) -> str:
    """DuckDB's reading of the records after the header as text cells c1..c<width + 1>.
    DuckDB skips empty lines; Records finds them. DuckDB's parallel reader cannot tell a
    newline inside quotes from one that ends a record: a file with one is read in one go."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, width + 2))
    return (
        f"read_csv({sql_string(str(path))}, header = true, auto_detect = false, "
        f"columns = {{{columns}}}, delim = {sql_string(dialect.delimiter)}, "
        f"quote = {sql_string(dialect.quote)}, escape = {sql_string(dialect.quote)}, "
        f"nullstr = {sql_string(NEVER_NULL)}, null_padding = true, strict_mode = false, "
        f"parallel = {'false' if newline_in_quotes else 'true'})"
    )
