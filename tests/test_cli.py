"""The `jobtal` command: exit statuses and what it says, on valid, invalid and unusable input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobtal.cli import main
from tests.tiny_extract import SPELLS, spells_with, write_tiny_package


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_every_command_explains_itself():
    assert len(main.commands) >= 8  # the command group itself, not a list kept beside it
    for command in main.commands:
        result = run(command, "--help")
        assert result.exit_code == 0, command
        assert "Usage:" in result.output


def test_validate_a_valid_package(tiny_package):
    result = run("validate", tiny_package)
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    # the folder works as well as the descriptor
    assert run("validate", tiny_package.parent).exit_code == 0


def test_validate_reports_json(tiny_package):
    result = run("validate", "--json", tiny_package)
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["rows"]["benefit_spells"] == len(SPELLS)


@pytest.mark.parametrize(
    ("bad_line", "error_type", "field", "value"),
    [
        (
            "xqs-e1,xqp-E1,101,bistand,2024-01-01,,1,K,1990,",
            "constraint-error",
            "benefit",
            "bistand",
        ),
        (
            "xqs-e1,xqp-E1,101,dagpenge,2024-02-30,,1,K,1990,",
            "type-error",
            "start_date",
            "2024-02-30",
        ),
        (
            "xqs-e1,xqp-E1,101,dagpenge,2024-03-01,2024-02-01,1,K,1990,",
            "end-before-start",
            "end_date",
            "2024-02-01",
        ),
        (
            "xqs-e1,xqp-E1,101,dagpenge,2024-03-01,2024-05-01,1,K,1990,",
            "date-after-extract",
            "end_date",
            "2024-05-01",
        ),
        (
            "xqs-e1,0101901234,101,dagpenge,2024-03-01,,1,K,1990,",
            "cpr-number",
            "person_id",
            "0101901234",
        ),
        ("xqs-e1,xqp-E1,999,dagpenge,2024-03-01,,1,K,1990,", "foreign-key", None, None),
        ("xqs-e1,xqp-E1,101,dagpenge,2024-03-01,,0,K,1990,", "constraint-error", "fte", "0"),
        (
            "xqs-e1,xqp-E1,101,dagpenge,2024-03-01,,1,K,1990,jobparat",
            "readiness-not-applicable",
            "readiness",
            "jobparat",
        ),
    ],
)
def test_validate_an_invalid_package(tmp_path, bad_line, error_type, field, value):
    package = write_tiny_package(tmp_path, replace={"benefit_spells": spells_with(bad_line)})
    result = run("validate", "--json", package)
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    row = len(SPELLS) + 2  # the header is row 1
    assert any(
        p["type"] == error_type
        and p["row"] == row
        and p["resource"] == "benefit_spells"
        and (field is None or (p["field"] == field and p["value"] == value))
        for p in problems
    ), problems


def test_text_report_names_resource_row_field_and_value(tmp_path):
    bad = "xqs-e1,xqp-E1,101,dagpenge,2024-03-01,2024-02-01,1,K,1990,"
    package = write_tiny_package(tmp_path, replace={"benefit_spells": spells_with(bad)})
    result = run("validate", package)
    assert result.exit_code == 1
    assert "benefit_spells" in result.output
    assert f"row {len(SPELLS) + 2}, field end_date, value '2024-02-01'" in result.output


def test_population_must_reach_the_reference_month(tmp_path):
    package = write_tiny_package(tmp_path, descriptor_changes={"created": "2024-06-02T00:00:00Z"})
    result = run("validate", "--json", package)
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert {p["value"] for p in problems if p["type"] == "population-months"} == {
        "2024-04",
        "2024-05",
    }


def test_a_resource_path_outside_the_package_is_refused(tmp_path):
    (tmp_path / "secret.csv").write_text("a\n1\n", encoding="utf-8")
    package = write_tiny_package(tmp_path / "pkg")
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = "../secret.csv"
    descriptor["resources"][1]["path"] = "https://example.org/municipalities.csv"
    package.write_text(json.dumps(descriptor), encoding="utf-8")
    result = run("validate", package)
    assert result.exit_code == 1
    assert "leaves the package folder" in result.output
    assert "is a URL" in result.output


def test_the_jobtal_program_ends_with_its_whole_report_and_status(tmp_path, tiny_package):
    """The installed program ends as soon as validation is done, without Python's teardown:
    the report must still arrive whole through a pipe, with the right exit status."""
    program = Path(sys.executable).with_name("jobtal")
    valid = subprocess.run([program, "validate", "--json", tiny_package], capture_output=True)
    assert valid.returncode == 0, valid.stderr
    assert json.loads(valid.stdout)["rows"]["benefit_spells"] == len(SPELLS)
    # a report of thousands of lines is larger than a pipe's buffer
    bad = [f"xqs-e{i},xqp-E1,101,bistand,2024-01-01,,1,K,1990," for i in range(5000)]
    package = write_tiny_package(tmp_path, replace={"benefit_spells": spells_with(*bad)})
    invalid = subprocess.run([program, "validate", "--json", package], capture_output=True)
    assert invalid.returncode == 1, invalid.stderr
    problems = json.loads(invalid.stdout)["problems"]
    assert sum(p["type"] == "constraint-error" for p in problems) == 5000
    text = subprocess.run([program, "validate", package], capture_output=True, text=True)
    assert text.returncode == 1
    assert text.stdout.endswith(
        "... and 4995 more\n    fix: Correct the value; SPEC section 3 lists the allowed values.\n"
    )
    unusable = subprocess.run([program, "validate", tmp_path / "missing"], capture_output=True)
    assert unusable.returncode == 2
    assert b"error:" in unusable.stderr


def test_unusable_input_exits_2(tmp_path):
    assert run("validate", tmp_path / "missing").exit_code == 2
    (tmp_path / "datapackage.json").write_text("{not json", encoding="utf-8")
    result = run("validate", tmp_path)
    assert result.exit_code == 2
    assert "not valid JSON" in result.output


def test_build_stops_on_invalid_extracts_and_leaves_the_site(tmp_path):
    bad = "xqs-e1,xqp-E1,101,dagpenge,2024-03-01,2024-02-01,1,K,1990,"
    package = write_tiny_package(tmp_path / "x", replace={"benefit_spells": spells_with(bad)})
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the previous release", encoding="utf-8")
    result = run("build", "--data", package, "--out", site)
    assert result.exit_code == 1
    assert "nothing was published" in result.output
    assert (site / "index.html").read_text(encoding="utf-8") == "the previous release"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "x"]


@pytest.mark.parametrize("inside", ["site", "site/cache", ".site.building/cache"])
def test_a_cache_inside_the_site_is_refused_before_anything_is_written(
    tiny_package, tmp_path, inside
):
    # what the cache keeps is named by hashes of unprotected values: never published
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the previous release", encoding="utf-8")
    result = run("build", "--data", tiny_package, "--out", site, "--cache", tmp_path / inside)
    assert result.exit_code == 2
    assert result.output.startswith("error: the cache ") and "inside the site" in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["index.html", "site"]


def test_a_cache_that_is_a_file_is_refused(tiny_package, tmp_path, monkeypatch):
    (tmp_path / "kept").write_text("", encoding="utf-8")
    monkeypatch.setenv("JOBTAL_CACHE", str(tmp_path / "kept"))
    result = run("build", "--data", tiny_package, "--out", tmp_path / "site")
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.output


def test_demo_rejects_a_reversed_month_range(tmp_path):
    result = run("demo", "--out", tmp_path, "--start", "2025-06", "--end", "2025-01")
    assert result.exit_code == 2
    assert "after --end" in result.output
    assert run("demo", "--out", tmp_path, "--start", "2025-13").exit_code == 2


def test_the_spark_engine_without_pyspark_exits_2_saying_what_to_install(
    tiny_package, tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if it were not installed
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["build", "--data", str(tiny_package), "--out", str(out), "--engine", "spark"]
    )
    assert result.exit_code == 2
    [line] = [line for line in result.output.splitlines() if line.startswith("error")]
    assert "pip install 'jobtal[spark]'" in line and "Java 17" in line
    assert not out.exists()


def duckdb_memory_limit() -> str:
    from jobtal.sql import connect

    return connect().execute("SELECT current_setting('memory_limit')").fetchone()[0]


@pytest.mark.parametrize("command", ["validate", "build", "internal"])
@pytest.mark.parametrize("limit", ["abc", "0", "1MB"])
def test_a_memory_limit_duckdb_cannot_use_exits_2_naming_it(command, limit, tmp_path):
    result = CliRunner().invoke(main, [command, "--memory-limit", limit])
    assert result.exit_code == 2
    assert "--memory-limit" in result.output and repr(limit) in result.output
    assert list(tmp_path.iterdir()) == []
    # and from the environment, as CI would set it
    result = CliRunner().invoke(main, [command], env={"JOBTAL_MEMORY_LIMIT": limit})
    assert result.exit_code == 2 and repr(limit) in result.output


def test_the_memory_limit_holds_for_the_command_only(tiny_package, tmp_path, monkeypatch):
    default = duckdb_memory_limit()
    seen = []
    import jobtal.extracts.validate as validation

    check = validation.check_extracts

    def watched(package):  # what the command's own connections get
        seen.append(duckdb_memory_limit())
        return check(package)

    monkeypatch.setattr("jobtal.cli.check_extracts", watched)
    assert run("validate", "--memory-limit", "700MB", tiny_package).exit_code == 0
    assert seen == ["667.5 MiB"]  # DuckDB's MB are 1000², its display in MiB
    assert duckdb_memory_limit() == default


def test_running_out_of_memory_is_one_line_and_exit_2(tiny_package, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the previous release", encoding="utf-8")
    result = run("build", "--data", tiny_package, "--out", out, "--memory-limit", "10MB")
    assert result.exit_code == 2
    [line] = [line for line in result.output.splitlines() if line.startswith("error")]
    assert "out of memory under the memory limit 10MB" in line and "--memory-limit" in line
    assert "Traceback" not in result.output
    assert (out / "index.html").read_text(encoding="utf-8") == "the previous release"
