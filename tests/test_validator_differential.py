"""jobtal's column-wise validator against frictionless-py as the oracle: on the same files both
must report the same set of (resource, row, field, error type).

Generated files: valid rows of a table that uses every type and constraint the contract uses
(and the common others), then corrupted by hypothesis with odd values, short and long rows,
blank rows and empty lines, duplicate keys, unknown foreign keys, quoted commas and newlines,
and broken headers."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from frictionless import Package
from frictionless.table.label_matching import deduplicate_names
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobtal.extracts.tablecheck import check_table

V2 = "https://datapackage.org/profiles/2.0/datapackage.json"
DIALECT = {"delimiter": ",", "quoteChar": '"', "header": True, "headerRows": [1]}

REFERENCE = {
    "name": "places",
    "path": "places.csv",
    "schema": {
        "fields": [
            {"name": "code", "type": "integer", "constraints": {"required": True}},
            {"name": "place", "type": "string"},
        ],
        "primaryKey": ["code"],
    },
}
PLACES = "code,place\n101,København\n147,Frederiksberg\n825,Læsø\n"

TABLE_SCHEMA = {
    "fields": [
        {"name": "id", "type": "string", "constraints": {"required": True}},
        {"name": "place", "type": "integer", "constraints": {"required": True}},
        {
            "name": "kind",
            "type": "string",
            "constraints": {"enum": ["dagpenge", "sygedagpenge", "fleksjob"]},
        },
        {
            "name": "start",
            "type": "date",
            "constraints": {"required": True, "minimum": "2000-01-01"},
        },
        {"name": "degree", "type": "number", "constraints": {"exclusiveMinimum": 0, "maximum": 1}},
        {"name": "born", "type": "integer", "constraints": {"minimum": 1900, "maximum": 2100}},
        {"name": "flag", "type": "boolean"},
        {"name": "year", "type": "year"},
        {
            "name": "code",
            "type": "string",
            "constraints": {"pattern": "[A-Z]{2}[0-9]+", "minLength": 3, "maxLength": 6},
        },
        {"name": "serial", "type": "integer", "constraints": {"unique": True}},
    ],
    "primaryKey": ["id"],
    "foreignKeys": [{"fields": ["place"], "reference": {"resource": "places", "fields": ["code"]}}],
}
FIELD_NAMES = [field["name"] for field in TABLE_SCHEMA["fields"]]

# odd values per field: valid oddities frictionless accepts, and invalid ones
ODD = {
    "id": ["", " ", "x1", "æøå", 'a"b', "a,b", "two\nlines"],
    "place": [
        "101",
        "+147",
        " 825 ",
        "999",
        "",
        "abc",
        "1_01",
        "101.0",
        "٨٢٥",
        "-0",
        "00",
        "9223372036854775807",
    ],
    "kind": ["dagpenge", "fleksjob", "other", "", " dagpenge", "Dagpenge"],
    "start": [
        "2024-01-05",
        "2024-1-5",
        "2024-02-29",
        "2023-02-29",
        "2024-02-30",
        "2024-13-01",
        "20240105",
        "2024-01-05 ",
        "0000-01-01",
        "1999-12-31",
        "",
        "abc",
        "2024-01- 5",
        "10000-01-01",
        "0999-01-01",
        "infinity",
        "2024-01-05T00:00:00",
    ],
    "degree": [
        "0.5",
        "1",
        "0",
        "-0.1",
        "NaN",
        "inf",
        "-Infinity",
        "1e-3",
        " 0.5 ",
        "0,5",
        "1.",
        ".5",
        "abc",
        "",
        "1_0",
        "0.30000000000000004",
        "1.0000000000000000001",
    ],
    "born": ["1990", "1899", "2100", "2101", "+1990", "1990.0", "", "x", "01990"],
    "flag": ["true", "True", "TRUE", "1", "false", "0", "yes", "", " true"],
    "year": ["2024", "0000", "+202", "99999", "abc", "", "202"],
    "code": ["AB12", "ab12", "AB", "", "ABC123", "AB1234567", "AB1\n", "ÆØ12"],
    "serial": ["1", "2", "1", "", "007", "7", "-7", "-9223372036854775808"],
}


def valid_row(index: int) -> list[str]:
    return [
        f"id{index}",
        "101",
        "dagpenge",
        "2024-03-01",
        "0.5",
        "1980",
        "true",
        "2024",
        f"AB{index}",
        str(1000 + index),
    ]


def csv_line(cells: list[str], quote_all: bool) -> str:
    def one(cell: str) -> str:
        if quote_all or any(ch in cell for ch in ',"\n\r'):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    return ",".join(one(cell) for cell in cells)


@st.composite
def corrupted_table(draw) -> tuple[list[str], list[list[str] | None]]:
    """A header and rows (None = an empty line)."""
    rows: list[list[str] | None] = [valid_row(i) for i in range(draw(st.integers(0, 12)))]
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(
            st.sampled_from(["odd", "odd", "odd", "short", "long", "blank", "empty", "duplicate"])
        )
        if kind == "empty":
            rows.insert(draw(st.integers(0, len(rows))), None)
            continue
        if kind == "blank":
            rows.insert(draw(st.integers(0, len(rows))), [""] * draw(st.integers(1, 12)))
            continue
        candidates = [i for i, row in enumerate(rows) if row is not None]
        if not candidates:
            continue
        row = list(rows[draw(st.sampled_from(candidates))])
        if kind == "odd" and len(row) > 0:
            position = draw(st.integers(0, min(len(row), len(FIELD_NAMES)) - 1))
            row[position] = draw(st.sampled_from(ODD[FIELD_NAMES[position]]))
        elif kind == "short":
            row = row[: draw(st.integers(0, max(len(row) - 1, 0)))]
        elif kind == "long":
            row = row + draw(st.lists(st.sampled_from(["", "x", "1"]), min_size=1, max_size=3))
        rows.append(row)  # "duplicate" repeats a row: same id and serial
    header = list(FIELD_NAMES)
    header_change = draw(
        st.sampled_from(["none"] * 6 + ["rename", "drop", "extra", "duplicate", "blank"])
    )
    if header_change == "rename":
        header[draw(st.integers(0, len(header) - 1))] = "renamed"
    elif header_change == "drop":
        header = header[:-1]
    elif header_change == "extra":
        header.append("extra")
    elif header_change == "duplicate":
        header[3] = header[1]
    elif header_change == "blank":
        header[2] = ""
    return header, rows


def write_package(
    folder: Path, header: list[str], rows, quote_all: bool, line_end: str = "\n"
) -> dict:
    lines = [csv_line(header, quote_all)] + [
        "" if row is None else csv_line(row, quote_all) for row in rows
    ]
    (folder / "table.csv").write_text(line_end.join(lines) + line_end, encoding="utf-8")
    (folder / "places.csv").write_text(PLACES, encoding="utf-8")
    return {
        "$schema": V2,
        "name": "generated",
        "resources": [
            {**REFERENCE, "dialect": DIALECT, "encoding": "utf-8"},
            {
                "name": "table",
                "path": "table.csv",
                "schema": TABLE_SCHEMA,
                "dialect": DIALECT,
                "encoding": "utf-8",
            },
        ],
    }


def frictionless_errors(descriptor: dict, folder: Path) -> set[tuple]:
    # frictionless rewrites the descriptor it is given in place: give it a copy
    descriptor = json.loads(json.dumps(descriptor))
    report = Package.from_descriptor(descriptor, basepath=str(folder)).validate()
    return {
        (
            task.name,
            getattr(error, "row_number", None),
            getattr(error, "field_name", None) or None,
            error.type,
        )
        for task in report.tasks
        for error in task.errors
    }


def jobtal_errors(descriptor: dict, folder: Path) -> set[tuple]:
    con = duckdb.connect()
    checked = {}
    found = set()
    for resource in descriptor["resources"]:
        table = check_table(
            con, resource["name"], folder / resource["path"], resource["schema"], resource, checked
        )
        checked[resource["name"]] = table
        found |= {(resource["name"], e.row, e.field or None, e.type) for e in table.errors}
    con.close()
    return found


def assert_same(descriptor: dict, folder: Path) -> None:
    theirs = frictionless_errors(descriptor, folder)
    ours = jobtal_errors(descriptor, folder)
    assert ours == theirs, {
        "only jobtal": sorted(ours - theirs, key=str),
        "only frictionless": sorted(theirs - ours, key=str),
    }


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(table=corrupted_table(), quote_all=st.booleans(), crlf=st.booleans())
def test_same_errors_as_frictionless_on_generated_files(tmp_path_factory, table, quote_all, crlf):
    folder = tmp_path_factory.mktemp("generated")
    header, rows = table
    descriptor = write_package(folder, header, rows, quote_all, "\r\n" if crlf else "\n")
    assert_same(descriptor, folder)


def test_a_valid_generated_file_has_no_errors(tmp_path):
    descriptor = write_package(tmp_path, FIELD_NAMES, [valid_row(i) for i in range(5)], False)
    assert jobtal_errors(descriptor, tmp_path) == set() == frictionless_errors(descriptor, tmp_path)


def test_every_odd_value_once(tmp_path):
    """Each odd value of every field in its own row: one file, every verdict compared."""
    rows = []
    for position, name in enumerate(FIELD_NAMES):
        for value in ODD[name]:
            row = valid_row(len(rows))
            row[position] = value
            rows.append(row)
    descriptor = write_package(tmp_path, FIELD_NAMES, rows, False)
    theirs = frictionless_errors(descriptor, tmp_path)
    assert len(theirs) > 40  # the odd values do find errors
    assert_same(descriptor, tmp_path)


# ----------------------------------------------------------------------------- peer files

PEER = Path(__file__).resolve().parent / "fixtures" / "frictionless-py"
# frictionless-py's own sample tables whose types jobtal supports, with the schema each is
# validated against (None: every column a string, as frictionless infers nothing it is not told).
PEER_TABLES = {
    "invalid.csv": None,
    "blank-rows.csv": None,
    "blank-rows-multiple.csv": None,
    "duplicate-rows.csv": None,
    "structure-errors.csv": None,
    "defective-rows.csv": None,
    "capital-invalid.csv": {
        "fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]
    },
    "capital-valid.csv": {
        "fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]
    },
    "unique-field.csv": "unique-field.json",
    "schema-errors.csv": None,
    "escaping.csv": None,
    "doublequote.csv": None,
    "leading-zeros.csv": None,
    "nested-invalid.csv": None,
    "table.csv": None,
    "matrix.csv": None,
}


def peer_schema(name: str, spec, folder: Path) -> dict:
    if isinstance(spec, str):
        return json.loads((PEER / spec).read_text(encoding="utf-8"))
    if isinstance(spec, dict):
        return spec
    labels = (folder / name).read_text(encoding="utf-8").splitlines()[0].split(",")
    names = deduplicate_names([label or f"field{i}" for i, label in enumerate(labels, start=1)])
    return {"fields": [{"name": label, "type": "string"} for label in names]}


@pytest.mark.parametrize("name", sorted(PEER_TABLES))
def test_same_errors_as_frictionless_on_its_own_sample_files(tmp_path, name):
    (tmp_path / name).write_bytes((PEER / name).read_bytes())
    schema = peer_schema(name, PEER_TABLES[name], tmp_path)
    descriptor = {
        "$schema": V2,
        "name": "peer",
        "resources": [
            {
                "name": "sample",
                "path": name,
                "schema": schema,
                "dialect": DIALECT,
                "encoding": "utf-8",
            }
        ],
    }
    assert_same(descriptor, tmp_path)


@pytest.mark.parametrize("quoted", [False, True], ids=["bare", "quoted"])
def test_row_numbers_stay_right_in_a_file_read_in_parallel_chunks(tmp_path, quoted):
    """DuckDB reads a large file in parallel chunks (also one whose every cell is quoted, as
    long as no quoted cell holds a newline); every error must still carry its row, with every
    kind of check in the query (an enum, a boolean, a bound)."""
    rows = 900_000  # about 50 MB: several of DuckDB's read buffers
    kinds = [f"kind{k}" for k in range(11)]
    bad_degree = {i + 2 for i in range(rows) if i % 97_001 == 1234}  # + 2: the header is row 1
    bad_kind = {i + 2 for i in range(rows) if i % 89_003 == 777}
    path = tmp_path / "large.csv"
    quoting = "QUOTE '\"', FORCE_QUOTE *" if quoted else "QUOTE ''"
    duckdb.sql(f"""
        COPY (SELECT 'id' || i AS id, CASE WHEN i % 97001 = 1234 THEN '0' ELSE '0.5' END AS degree,
                     CASE WHEN i % 89003 = 777 THEN 'other' ELSE 'kind' || (i % 11) END AS kind,
                     CASE WHEN i % 2 = 0 THEN 'true' ELSE '0' END AS flag,
                     'a somewhat longer text to make the rows wider ' || i AS note
              FROM range({rows}) AS t(i) ORDER BY i)
        TO '{path}' (HEADER, {quoting})""")
    schema = {
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "degree", "type": "number", "constraints": {"exclusiveMinimum": 0}},
            {"name": "kind", "type": "string", "constraints": {"enum": kinds}},
            {"name": "flag", "type": "boolean"},
            {"name": "note", "type": "string"},
        ],
        "primaryKey": ["id"],
    }
    con = duckdb.connect()
    table = check_table(con, "large", path, schema, {"name": "large"}, {})
    assert table.rows == rows
    assert {(e.row, e.field) for e in table.errors} == {(r, "degree") for r in bad_degree} | {
        (r, "kind") for r in bad_kind
    }
    assert {e.type for e in table.errors} == {"constraint-error"}
    # every typed row in its place: row r holds id{r - 2}
    assert con.execute(
        "SELECT count(*) FROM large WHERE id <> 'id' || (_row - 2) OR flag <> ((_row - 2) % 2 = 0)"
    ).fetchone() == (0,)


KEYED_SCHEMA = {
    "fields": [
        {"name": "a", "type": "integer"},
        {"name": "b", "type": "string"},
        {"name": "c", "type": "integer", "constraints": {"unique": True}},
    ],
    "primaryKey": ["a", "b"],
    "foreignKeys": [
        {"fields": ["a", "b"], "reference": {"resource": "pairs", "fields": ["x", "y"]}}
    ],
}
PAIRS_SCHEMA = {"fields": [{"name": "x", "type": "integer"}, {"name": "y", "type": "string"}]}
KEY_CELLS = st.sampled_from(["1", "2", "", "x"]), st.sampled_from(["p", "q", ""])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.tuples(*KEY_CELLS, st.sampled_from(["1", "2", "", "y"])), max_size=12),
    pairs=st.lists(st.tuples(*KEY_CELLS), max_size=5),
)
def test_composite_keys_with_empty_cells_as_frictionless(tmp_path_factory, rows, pairs):
    """Keys of several fields, some cells empty (or not of the field's type, so read as
    nothing): frictionless compares them as Python tuples, where (1, None) equals (1, None),
    and leaves out only keys whose every cell is empty."""
    folder = tmp_path_factory.mktemp("keys")
    (folder / "table.csv").write_text("a,b,c\n" + "".join(f"{','.join(r)}\n" for r in rows))
    (folder / "pairs.csv").write_text("x,y\n" + "".join(f"{','.join(p)}\n" for p in pairs))
    descriptor = {
        "$schema": V2,
        "name": "keys",
        "resources": [
            {"name": "pairs", "path": "pairs.csv", "schema": PAIRS_SCHEMA, "dialect": DIALECT},
            {"name": "table", "path": "table.csv", "schema": KEYED_SCHEMA, "dialect": DIALECT},
        ],
    }
    assert_same(descriptor, folder)


@pytest.mark.parametrize(
    "text",
    [
        "a,b,\n1,x,3\n4,5,\n",  # a header ending in the separator: a blank extra label
        "a,b,,\n1,2,3,4\n5,6\n",  # two of them, and a short row
        "a,,\n1,2,3\n",  # a blank label inside the schema's fields, then one beyond
    ],
)
def test_blank_labels_as_frictionless(tmp_path, text):
    """A column with a blank label beyond the schema's fields is an extra field, as in
    frictionless (its cells are not extra cells), whatever it is named inside jobtal."""
    (tmp_path / "blank.csv").write_text(text, encoding="utf-8")
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]}
    descriptor = {
        "$schema": V2,
        "name": "blank",
        "resources": [{"name": "blank", "path": "blank.csv", "schema": schema, "dialect": DIALECT}],
    }
    assert_same(descriptor, tmp_path)


def test_fields_no_fast_path_reads_as_frictionless(tmp_path):
    """Fields with a decimal mark, a group mark, a date format or non-bare numbers are read by
    frictionless's own reader only: the same errors, and the valid values in the typed table."""
    schema = {
        "fields": [
            {"name": "n", "type": "number", "decimalChar": ",", "constraints": {"maximum": 2}},
            {"name": "g", "type": "number", "groupChar": " "},
            {"name": "d", "type": "date", "format": "%d/%m/%Y"},
            {"name": "b", "type": "integer", "bareNumber": False},
        ]
    }
    rows = [
        ("0,5", "1 000", "05/01/2024", "7 kr."),
        ("1,25", "12", "31/12/2023", "$8"),
        ("2,5", "1.000", "2024-01-05", "x"),
        ("0.5", "1 000 000", "30/02/2024", "-3"),
        ("", "", "", ""),
    ]
    text = "n,g,d,b\n" + "".join(",".join(f'"{c}"' for c in row) + "\n" for row in rows)
    (tmp_path / "marks.csv").write_text(text, encoding="utf-8")
    descriptor = {
        "$schema": V2,
        "name": "marks",
        "resources": [{"name": "marks", "path": "marks.csv", "schema": schema, "dialect": DIALECT}],
    }
    assert_same(descriptor, tmp_path)
    con = duckdb.connect()
    check_table(con, "marks", tmp_path / "marks.csv", schema, descriptor["resources"][0], {})
    assert con.execute("SELECT n, g, d, b FROM marks ORDER BY _row").fetchall()[:2] == [
        (0.5, 1000.0, datetime.date(2024, 1, 5), 7),
        (1.25, 12.0, datetime.date(2023, 12, 31), 8),
    ]


@pytest.mark.parametrize(
    "field",
    [
        {"type": "integer", "constraints": {"minimum": -(10**20), "maximum": 10**20}},
        {"type": "integer", "constraints": {"enum": [1, 2, 10**20]}},
        {"type": "string", "constraints": {"pattern": "(?=1)[0-9]+"}},  # RE2 has no lookahead
        {"type": "string", "constraints": {"pattern": "(a)\\1"}},  # nor back references
    ],
    ids=["int-bounds", "int-enum", "lookahead", "backreference"],
)
def test_constraints_sql_cannot_state_as_frictionless(tmp_path, field):
    """Bounds beyond the column's integers and patterns DuckDB's regular expressions do not
    take are left to frictionless's reader, with its answers."""
    values = ["1", "2", "11", "aa", "", "-5", "2024", "1.0", " 1", "123"]
    (tmp_path / "c.csv").write_text("a\n" + "".join(f"{v}\n" for v in values))
    schema = {"fields": [{"name": "a", **field}]}
    descriptor = {
        "$schema": V2,
        "name": "c",
        "resources": [{"name": "c", "path": "c.csv", "schema": schema, "dialect": DIALECT}],
    }
    assert_same(descriptor, tmp_path)


def test_odd_but_valid_cells_get_frictionless_values(tmp_path):
    """Cells no fast path reads but frictionless accepts (' 7', '+7', 'TRUE', '2024-01-05T10:00:00Z'
    ...) are put into the typed table, a column at a time, with the value frictionless reads."""
    from frictionless import Resource, Schema

    schema = {
        "fields": [
            {"name": "i", "type": "integer"},
            {"name": "n", "type": "number"},
            {"name": "b", "type": "boolean"},
            {"name": "y", "type": "year"},
            {"name": "t", "type": "datetime"},
            {"name": "d", "type": "date"},
        ]
    }
    rows = [
        ("+7", " 0.5 ", "True", " 2024", "2024-01-05T10:00:00", "2024-01-05"),
        (" 8 ", "1e3", "TRUE", "2025", "2024-01-05T10:00:00Z", "2024-01-05"),
        ("1_000", "-0.25", "0", "1999", "2024-01-05T10:00:00+02:00", "2024-01-05"),
        ("9", "NaN", "false", "2000", "2024-01-05 10:00:00", "2024-01-05"),
    ]
    path = tmp_path / "odd.csv"
    path.write_text("i,n,b,y,t,d\n" + "".join(",".join(r) + "\n" for r in rows))
    con = duckdb.connect()
    check_table(con, "odd", path, schema, {"name": "odd"}, {})
    ours = con.execute("SELECT i, n, b, y, t, d FROM odd ORDER BY _row").fetchall()
    resource = Resource(path=str(path), schema=Schema.from_descriptor(schema))
    with resource:
        theirs = [[row[f["name"]] for f in schema["fields"]] for row in resource.row_stream]

    def as_stored(value):  # a number as a double, a time in UTC without its zone
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            return value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value

    expected = [tuple(as_stored(value) for value in row) for row in theirs]
    assert [tuple("NaN" if v != v else v for v in row) for row in ours] == [
        tuple("NaN" if v != v else v for v in row) for row in expected
    ]
