"""Every kind of bad input the publication team may drop in gets a clear error, a non-zero exit
and never a traceback."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from jobtal.cli import main
from tests.tiny_extract import ACTIVITIES, SPELLS, SPELLS_HEADER, write_tiny_package

GOOD_ROW = "xqs-e1,xqp-E1,101,dagpenge,2024-03-01,,1,K,1990,"
FIRST_DATA_ROW = 2
PLANTED_ROW = len(SPELLS) + 2  # a row added after the fixture's rows


def validate(package):
    result = CliRunner().invoke(main, ["validate", "--json", str(package)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    report = json.loads(result.stdout) if result.exit_code in (0, 1) else None
    for problem in report["problems"] if report else []:
        assert_told_in_one_sentence(problem)
    return result, report


def assert_told_in_one_sentence(problem: dict) -> None:
    """Every problem's `sentence` comes from its code's template and names every part of its
    location the report knows: never the bare fallback "resource: detail"."""
    sentence = problem["sentence"]
    assert sentence != f"{problem['resource']}: {problem['message']}", problem
    assert sentence.endswith(problem["message"]) and problem["resource"] in sentence, problem
    if problem["row"] is not None and problem["type"] not in ("decimal-comma",):
        assert f"row {problem['row']}" in sentence.lower(), problem


def spells(*extra: str, header: str = SPELLS_HEADER) -> str:
    return "\n".join([header, *SPELLS, *extra]) + "\n"


def problems_of(report, error_type):
    return [p for p in report["problems"] if p["type"] == error_type]


def invalid_with(tmp_path, error_type, *, text=None, raw: bytes | None = None, **changes):
    package = write_tiny_package(
        tmp_path, replace={"benefit_spells": text} if text else None, **changes
    )
    if raw is not None:
        (tmp_path / "benefit_spells.csv").write_bytes(raw)
    result, report = validate(package)
    assert result.exit_code == 1, result.output
    found = problems_of(report, error_type)
    assert found, report["problems"]
    return found


def test_an_empty_file(tmp_path):
    (problem,) = invalid_with(tmp_path, "source-error", raw=b"")
    assert problem["resource"] == "benefit_spells"
    assert "empty" in problem["message"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_an_empty_first_line(tmp_path, newline):
    """The header must be the first line; an empty line before it is said to be one, not
    taken for a header without columns."""
    (problem,) = invalid_with(tmp_path, "blank-header", text=newline + spells())
    assert problem["resource"] == "benefit_spells"
    assert "first line is empty" in problem["message"]


def test_old_mac_line_ends(tmp_path):
    """Lines ended by a carriage return alone are said to be so, not read as one long row."""
    text = "\r".join([SPELLS_HEADER, *SPELLS]) + "\r"
    (problem,) = invalid_with(tmp_path, "dialect-error", raw=text.encode())
    assert problem["resource"] == "benefit_spells"
    assert "carriage return alone" in problem["message"]


def test_a_line_longer_than_duckdb_reads(tmp_path):
    """A line of megabytes (an unclosed quote's usual work) is said to be too long for the
    reader, with DuckDB's own words, not a traceback."""
    row = GOOD_ROW.split(",")
    row[1] = "p" * 3_000_000
    (problem,) = invalid_with(tmp_path, "source-error", text=spells(",".join(row)))
    assert problem["resource"] == "benefit_spells"
    assert "Maximum line size" in problem["message"]
    assert "ppp" not in problem["message"]


def test_only_a_header(tmp_path):
    (problem,) = invalid_with(tmp_path, "no-rows", text=SPELLS_HEADER + "\n")
    assert problem["resource"] == "benefit_spells"


@pytest.mark.parametrize(
    ("header", "error_type", "field"),
    [
        (SPELLS_HEADER.replace(",readiness", ""), "missing-label", "readiness"),
        (SPELLS_HEADER + ",extra", "extra-label", None),
        (SPELLS_HEADER.replace("benefit,", "ydelse,"), "incorrect-label", "benefit"),
        (SPELLS_HEADER.replace("sex,", "fte,"), "duplicate-label", "sex"),
    ],
)
def test_a_missing_extra_renamed_or_duplicated_column(tmp_path, header, error_type, field):
    found = invalid_with(tmp_path, error_type, text=spells(header=header))
    assert found[0]["field"] == field


def test_a_byte_order_mark(tmp_path):
    (problem,) = invalid_with(
        tmp_path, "encoding-error", raw=b"\xef\xbb\xbf" + spells().encode("utf-8")
    )
    assert "byte order mark" in problem["message"]
    assert "utf-8-sig" in problem["message"]


def test_a_declared_byte_order_mark_is_read(tmp_path):
    package = write_tiny_package(tmp_path)
    (tmp_path / "benefit_spells.csv").write_bytes(b"\xef\xbb\xbf" + spells().encode("utf-8"))
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["resources"][4]["encoding"] = "utf-8-sig"
    package.write_text(json.dumps(descriptor), encoding="utf-8")
    result, _ = validate(package)
    assert result.exit_code == 0, result.output


def test_semicolon_separators(tmp_path):
    text = spells().replace(",", ";")
    (problem,) = invalid_with(tmp_path, "dialect-error", text=text)
    assert "the file uses ';' as separator" in problem["message"]
    assert "dialect.delimiter" in problem["message"]


def test_declared_semicolons_and_windows_1252_are_read(tmp_path):
    package = write_tiny_package(tmp_path)
    text = MUNICIPALITIES_SEMICOLON = (
        "municipality_code;municipality_name;region_code;municipality_group\n"
        "101;København;1084;1\n147;Frederiksberg;1084;1\n825;Læsø;1081;5\n860;Hjørring;1081;5\n"
    )
    (tmp_path / "municipalities.csv").write_bytes(MUNICIPALITIES_SEMICOLON.encode("cp1252"))
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["resources"][1]["dialect"] = {"delimiter": ";"}
    descriptor["resources"][1]["encoding"] = "windows-1252"
    package.write_text(json.dumps(descriptor), encoding="utf-8")
    result, report = validate(package)
    assert result.exit_code == 0, result.output
    assert report["rows"]["municipalities"] == text.count("\n") - 1


@pytest.mark.parametrize(
    ("dialect", "words"),
    [({"header": False}, "header: false"), ({"commentChar": "#"}, 'commentChar: "#"')],
)
def test_a_dialect_jobtal_does_not_read(tmp_path, dialect, words):
    """A dialect property that would make the file read otherwise is refused, not ignored."""
    package = write_tiny_package(tmp_path)
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["resources"][1]["dialect"] = {"delimiter": ",", **dialect}
    package.write_text(json.dumps(descriptor), encoding="utf-8")
    result, report = validate(package)
    assert result.exit_code == 1, result.output
    (problem,) = problems_of(report, "dialect-error")
    assert problem["resource"] == "municipalities"
    assert words in problem["message"]


def test_a_foreign_key_to_a_resource_the_package_lacks(tmp_path):
    """frictionless reports a resource-error for it; so does jobtal, instead of skipping it."""
    package = write_tiny_package(tmp_path)
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    schema = descriptor["resources"][1]["schema"]
    schema["foreignKeys"] = [
        *schema.get("foreignKeys", []),
        {"fields": ["region_code"], "reference": {"resource": "regionz", "fields": ["code"]}},
    ]
    package.write_text(json.dumps(descriptor), encoding="utf-8")
    result, report = validate(package)
    assert result.exit_code == 1, result.output
    (problem,) = problems_of(report, "resource-error")
    assert problem["resource"] == "municipalities"
    assert "'regionz'" in problem["message"]


@pytest.mark.parametrize(
    "keys",
    [
        "municipality_code",
        ["oops"],
        [{"fields": ["region_code"], "reference": "regions"}],
        [{"fields": ["region_code"], "reference": {"resource": ["regions"]}}],
    ],
    ids=["a string", "a list of strings", "a reference that is not an object", "a list"],
)
def test_foreign_keys_that_cannot_be_followed(tmp_path, keys):
    """Were a traceback (the validator orders the resources by their foreign keys before
    frictionless reads the descriptor); now a package error naming the resource."""
    package = write_tiny_package(tmp_path)
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["resources"][1]["schema"]["foreignKeys"] = keys
    package.write_text(json.dumps(descriptor), encoding="utf-8")
    result, report = validate(package)
    assert result.exit_code == 1, result.output
    (problem,) = problems_of(report, "package-error")
    assert (
        "resource 'municipalities': its foreignKeys must be a list of objects"
        in (problem["message"])
    )


def test_latin_1_text_with_aeoeaa(tmp_path):
    package = write_tiny_package(tmp_path)
    text = (tmp_path / "municipalities.csv").read_text(encoding="utf-8")
    (tmp_path / "municipalities.csv").write_bytes(text.encode("latin-1"))
    result, report = validate(package)
    assert result.exit_code == 1
    (problem,) = problems_of(report, "encoding-error")
    assert problem["resource"] == "municipalities"
    assert "line 2" in problem["message"] and "'ø'" in problem["message"]
    assert "windows-1252" in problem["message"]


def test_quoted_newlines_inside_a_cell_keep_the_row_numbers(tmp_path):
    # the activity a2 is written over two lines; an error planted after it keeps its row number
    activities = (
        ACTIVITIES.replace("xqa-2,", '"xqa-\n2",') + "xqa-9,xqp-D3,101,samtale,2024-02-30,\n"
    )
    package = write_tiny_package(tmp_path, replace={"activities": activities})
    result, report = validate(package)
    assert result.exit_code == 1
    (problem,) = report["problems"]
    rows = 1 + len(ACTIVITIES.splitlines())  # the header and seven activities come first
    assert (problem["type"], problem["row"], problem["field"]) == ("type-error", rows, "start_date")


def test_decimal_commas_are_one_problem(tmp_path):
    rows = [f'xqs-c{i},xqp-C{i},101,sygedagpenge,2024-03-01,,"0,5",K,1990,' for i in range(30)]
    (problem,) = invalid_with(tmp_path, "decimal-comma", text=spells(*rows))
    assert problem["field"] == "fte"
    assert "30 rows" in problem["message"] and "decimalChar" in problem["message"]


@pytest.mark.parametrize(
    ("row", "error_type", "field", "value"),
    [
        (
            "xqs-e1,xqp-E1,101,dagpenge,2024-03-01,,1,K,99999999999999999999,",
            "integer-out-of-range",
            "birth_year",
            "99999999999999999999",
        ),
        ("xqs-e1,xqp-E1,101,dagpenge,2024-03-01,,NaN,K,1990,", "constraint-error", "fte", "NaN"),
        ("xqs-e1,xqp-E1,101,dagpenge,2024-03-01,,-0.5,K,1990,", "constraint-error", "fte", "-0.5"),
        ("xqs-e1,xqp-E1,101,dagpenge,2024-03-01,,0,K,1990,", "constraint-error", "fte", "0"),
        (
            "xqs-e1,xqp-E1,101,dagpenge,2025-02-30,,1,K,1990,",
            "type-error",
            "start_date",
            "2025-02-30",
        ),
        (
            "xqs-e1,xqp-E1,101,dagpenge,2024-03-01,2024-04-11,1,K,1990,",
            "date-after-extract",
            "end_date",
            "2024-04-11",
        ),
        (
            "0101901234,xqp-E1,101,dagpenge,2024-03-01,,1,K,1990,",
            "cpr-number",
            "spell_id",
            "0101901234",
        ),
        (
            "xqs-e1,010190-1234,101,dagpenge,2024-03-01,,1,K,1990,",
            "cpr-number",
            "person_id",
            "010190-1234",
        ),
    ],
)
def test_bad_values(tmp_path, row, error_type, field, value):
    found = invalid_with(tmp_path, error_type, text=spells(row))
    assert any((p["row"], p["field"], p["value"]) == (PLANTED_ROW, field, value) for p in found), (
        found
    )


def test_a_problem_reads_as_one_sentence_naming_file_row_field_and_value(tmp_path):
    (problem,) = invalid_with(
        tmp_path, "constraint-error", text=spells(GOOD_ROW.replace(",1,K,", ",-0.5,K,"))
    )
    assert problem["sentence"] == (
        f"The value '-0.5' in row {PLANTED_ROW}, field fte of benefit_spells breaks a "
        "constraint: must be more than 0"
    )


def test_an_unknown_municipality(tmp_path):
    (problem,) = invalid_with(
        tmp_path, "foreign-key", text=spells(GOOD_ROW.replace(",101,", ",102,"))
    )
    assert problem["row"] == PLANTED_ROW
    assert "102" in problem["message"] and "municipalities" in problem["message"]


def test_a_duplicate_spell_id(tmp_path):
    (problem,) = invalid_with(tmp_path, "primary-key", text=spells(GOOD_ROW, GOOD_ROW))
    assert problem["row"] == PLANTED_ROW + 1


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("../../etc/passwd", "leaves the package folder"),
        ("/etc/passwd", "leaves the package folder"),
        ("https://example.org/spells.csv", "is a URL"),
    ],
)
def test_a_resource_path_outside_the_package(tmp_path, path, words):
    package = write_tiny_package(tmp_path)
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["resources"][4]["path"] = path
    package.write_text(json.dumps(descriptor), encoding="utf-8")
    result, report = validate(package)
    assert result.exit_code == 1
    assert words in report["problems"][0]["message"]


def test_a_missing_resource_file(tmp_path):
    package = write_tiny_package(tmp_path)
    (tmp_path / "activities.csv").unlink()
    result, _ = validate(package)
    assert result.exit_code == 2
    assert "activities.csv" in result.output and "missing" in result.output


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("datapackage.json", "{not json", "not valid JSON"),
        ("datapackage.yaml", "resources: [unclosed", "not valid YAML"),
        ("datapackage.yaml", "- just\n- a list\n", "needs a 'resources' list"),
    ],
)
def test_a_descriptor_that_cannot_be_read(tmp_path, name, text, words):
    (tmp_path / name).write_text(text, encoding="utf-8")
    result, _ = validate(tmp_path)
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output


def test_a_package_with_no_descriptor(tmp_path):
    (tmp_path / "benefit_spells.csv").write_text(SPELLS_HEADER + "\n", encoding="utf-8")
    result, _ = validate(tmp_path)
    assert result.exit_code == 2
    assert "no datapackage.yaml or datapackage.json" in result.output
