"""The validator's shortcuts: tables made from drafted plans while frictionless loads, and the
file order DuckDB must keep for rows to be numbered right. The answers themselves are compared
with frictionless-py in test_validator_differential.py."""

from __future__ import annotations

import csv
import io
from datetime import date
from random import Random

import duckdb
import pytest

from jobtal import sql
from jobtal.extracts import csvfile, records
from jobtal.extracts.cellsql import typed_select
from jobtal.extracts.csvfile import read_cells
from jobtal.extracts.fieldplans import draft_fields, plan_fields
from jobtal.extracts.package import contract_resources
from jobtal.extracts.tablecheck import (
    check_cells,
    check_table,
    create_in_file_order,
    record_numbering,
    start_table,
)


@pytest.mark.parametrize("resource", contract_resources(), ids=lambda r: r["name"])
def test_drafts_of_the_contract_schemas_plan_what_frictionless_plans(resource):
    """So that on the contract's extracts the table made while frictionless loads is kept."""
    schema = resource["schema"]
    labels = [field["name"] for field in schema["fields"]]
    drafts = draft_fields(schema, labels)
    assert drafts is not None
    drafted = typed_select(plan_fields(schema, labels, drafts), "cells")
    assert drafted == typed_select(plan_fields(schema, labels), "cells")


def write(tmp_path, text: str):
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_wrong_draft_is_made_again_as_frictionless_reads_the_schema(tmp_path):
    # frictionless reads the bound "1" as the number 1; a draft does not read text as a number
    schema = {"fields": [{"name": "share", "type": "number", "constraints": {"maximum": "1"}}]}
    path = write(tmp_path, "share\n0.5\n2\n1\n")
    con = duckdb.connect()
    started = start_table(con, "table", path, schema, {"name": "table"})
    final = typed_select(plan_fields(schema, started.cells.labels), started.cells.source)
    assert started.drafted is not None and started.drafted != final
    checked = check_cells(con, started, schema, {})
    assert [(e.row, e.field, e.type, e.value) for e in checked.errors] == [
        (3, "share", "constraint-error", "2")
    ]
    assert con.execute('SELECT _row, share FROM "table" ORDER BY _row').fetchall() == [
        (2, 0.5),
        (3, 2.0),
        (4, 1.0),
    ]


def test_no_draft_where_the_header_has_more_columns_than_the_schema(tmp_path):
    schema = {"fields": [{"name": "a", "type": "integer"}]}
    cells = read_cells("t", write(tmp_path, "a,b\n1,2\n"), ["a"], {})
    assert draft_fields(schema, cells.labels) is None


def test_a_table_whose_query_would_lose_the_file_order_is_refused(tmp_path):
    """A long IN list becomes a join in DuckDB's plan, and a join does not keep the order in
    which the file's records come: the rows could not be numbered, so nothing is made."""
    path = write(tmp_path, "code\n" + "".join(f"{i}\n" for i in range(50)))
    source = f"read_csv('{path}', header = true, columns = {{'code': 'VARCHAR'}})"
    listed = ", ".join(f"'{i}'" for i in range(0, 50, 3))
    con = duckdb.connect()
    with pytest.raises(RuntimeError, match="would not keep the file's order"):
        create_in_file_order(con, "t", f"SELECT code IN ({listed}) AS listed FROM {source}")
    assert (
        con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 't'").fetchone()[0]
        == 0
    )
    create_in_file_order(con, "t", f"SELECT code FROM {source}")
    assert [r[0] for r in con.execute("SELECT code FROM t ORDER BY rowid").fetchall()] == [
        str(i) for i in range(50)
    ]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 24])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("quoted", [False, True], ids=["unquoted", "quoted"])
def test_records_are_found_across_chunk_boundaries(tmp_path, monkeypatch, chunk, newline, quoted):
    """The file is read in chunks; an empty line must be found wherever the chunks split it,
    at the same record index as Python's csv module (and so frictionless) gives it, and any
    record read again must have the cells the csv module reads. Files without a quote
    character are searched byte-wise; with one (a newline may be inside quotes) numpy finds
    every record's bounds."""
    monkeypatch.setattr(csvfile, "CHUNK", chunk)
    random = Random(chunk)
    kinds = ["", "", "a,b", "1", "xyz,,", "7,8,9,10"] + (['"p\nq",r', '"",""'] if quoted else [])
    for case in range(20):
        lines = [random.choice(kinds) for _ in range(random.randint(1, 9))]
        text = newline.join(lines) + random.choice(["", newline])
        path = tmp_path / f"case{case}.csv"
        path.write_bytes(text.encode())
        rows = list(csv.reader(io.StringIO(text, newline="")))
        expected = [index for index, row in enumerate(rows) if row == []]
        found = records.Records(path, '"')
        assert found.quoted == ('"' in text)
        assert found.newline_in_quotes() == ('"p\nq"' in text)  # DuckDB reads those in one go
        assert found.empty() == expected, repr(text)
        wanted = random.sample(range(len(rows)), min(3, len(rows)))
        assert found.cells(wanted, csvfile.Dialect()) == {i: rows[i] for i in wanted}, repr(text)
        if 0 not in expected:  # told how many rows DuckDB read (a header is never empty)
            told = records.Records(path, '"')
            assert told.empty(len(rows) - 1 - len(expected)) == expected, repr(text)
            assert told.cells(wanted, csvfile.Dialect()) == {i: rows[i] for i in wanted}


def test_nth_newline_halves_long_spans_to_the_right_offset():
    """Records are found in a chunk by halving it with bytes.count; the offsets must be those
    of a plain scan, also where the halving stops on either side of a newline."""
    random = Random(3)
    data = bytes(random.choice(b"ab\n") if random.random() < 0.3 else 97 for _ in range(100_000))
    offsets = [at for at, byte in enumerate(data) if byte == 10]
    for n in [0, 1, len(offsets) // 2, len(offsets) - 1, *random.sample(range(len(offsets)), 50)]:
        assert records.nth_newline(data, n) == offsets[n]


def test_a_machine_with_one_core_still_numbers_rows(tmp_path, monkeypatch):
    """With one thread DuckDB plans an insert that the file-order guard refuses; jobtal's
    connection always has two, so the validator works on a one-core machine too."""
    path = write(tmp_path, "code\n" + "".join(f"{i}\n" for i in range(50)))
    query = f"SELECT code FROM read_csv('{path}', header = true, columns = {{'code': 'VARCHAR'}})"
    with pytest.raises(RuntimeError, match="would not keep the file's order"):
        create_in_file_order(duckdb.connect(config={"threads": 1}), "t", query)

    real_connect = duckdb.connect

    def one_core(config):  # DuckDB's own default on a machine with one core
        return real_connect(config={**config, "threads": 1})

    monkeypatch.setattr(sql.duckdb, "connect", one_core)
    con = sql.connect()
    create_in_file_order(con, "t", query)
    assert [r[0] for r in con.execute("SELECT code FROM t ORDER BY rowid").fetchall()] == [
        str(i) for i in range(50)
    ]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 1 << 24])
def test_utf8_is_checked_across_chunk_boundaries(tmp_path, monkeypatch, chunk):
    """The file is checked for UTF-8 a chunk at a time (ASCII chunks at a glance): a character
    cut by a chunk's end is whole, and a bad byte is named with its line wherever it falls."""
    monkeypatch.setattr(csvfile, "CHUNK", chunk)
    path = tmp_path / "text.csv"
    path.write_bytes("a,b\nÆbleø,å\nx,y\n".encode())
    csvfile.check_encoding(path, csvfile.Dialect())  # no error
    for data, line, byte in [
        (b"a,b\nx,y\n\xe6ble,1\n", 3, "0xE6"),  # Latin-1 'æ' between ASCII
        ("a,b\næ,1\n".encode() + b"z\xf8\n", 3, "0xF8"),
        ("a,b\nø".encode()[:-1], 2, "0xC3"),  # the file ends inside a character
    ]:
        path.write_bytes(data)
        with pytest.raises(csvfile.UnreadableFile, match=f"line {line} has the byte {byte}"):
            csvfile.check_encoding(path, csvfile.Dialect())


def test_a_value_frictionless_cannot_compare_with_a_bound(tmp_path):
    """frictionless's own reader raises on a date and time with a time zone against a bound
    without one; jobtal says so for that cell and keeps the value."""
    path = write(tmp_path, "at\n2024-01-05T10:00:00Z\n2024-01-05T10:00:00\n")
    schema = {
        "fields": [
            {"name": "at", "type": "datetime", "constraints": {"maximum": "2025-01-01T00:00:00"}}
        ]
    }
    con = duckdb.connect()
    table = check_table(con, "t", path, schema, {"name": "t"}, {})
    assert [(e.row, e.type) for e in table.errors] == [(2, "constraint-error")]
    assert "time zone" in table.errors[0].note
    assert con.execute('SELECT count("at") FROM t').fetchone() == (2,)


def test_record_numbering_counts_in_the_skipped_empty_records():
    """DuckDB's row k is the file's record k plus the empty records before it: the bisection
    gives what stepping through the empty records one by one gives."""
    random = Random(5)
    for _ in range(200):
        records = random.randint(1, 60)
        empties = sorted(random.sample(range(records), random.randint(0, records // 2)))
        read = [r for r in range(records) if r not in empties]  # the records DuckDB read
        record = record_numbering(empties)
        assert [record(k) for k in range(len(read))] == read


def test_canonical_cells_take_the_fast_path_and_missing_ones_stay_missing(tmp_path):
    """Dates, integers and numbers in their canonical form are read by DuckDB's cast, none is
    left to frictionless's reader (a million rows would cost a Python call per distinct value);
    a missing cell, which the cast no longer reads (cellsql.cast_operand), is NULL; a cell in
    the field's own missing value ("NA") is missing too, and an odd one is still odd."""
    schema = {
        "fields": [
            {"name": "start", "type": "date"},
            {"name": "end", "type": "date"},
            {"name": "code", "type": "integer"},
            {"name": "fte", "type": "number"},
        ],
        "missingValues": ["", "NA"],
    }
    path = write(
        tmp_path,
        "start,end,code,fte\n2024-01-31,,101,1\n2024-02-01,2024-03-01,NA,0.5\n2024-1-5,NA,0860,\n",
    )
    con = duckdb.connect()
    started = start_table(con, "table", path, schema, {"name": "table"})
    assert started.drafted is not None
    rows = con.execute(
        f'SELECT start, "end", code, fte, _odd FROM {started.table} ORDER BY rowid'
    ).fetchall()
    assert [row[:4] for row in rows[:2]] == [
        (date(2024, 1, 31), None, 101, 1.0),
        (date(2024, 2, 1), date(2024, 3, 1), None, 0.5),
    ]
    assert rows[0][4] is None and rows[1][4] is None  # nothing left to frictionless
    # the third row's start and code are not canonical: frictionless's reader decides them
    assert rows[2][4] == [{"n": 1, "c": "2024-1-5"}, {"n": 3, "c": "0860"}]
    assert rows[2][1] is None and rows[2][3] is None
    started.cells.close()
