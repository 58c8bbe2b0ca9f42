"""Conventions that keep the repository honest: definitions, words, names and docs agree."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from jobtal import catalog, paths
from jobtal.cli import main
from jobtal.extracts import problems
from jobtal.indicators.engine import DEFINITION_SCHEMA, DefinitionError, load_definitions
from jobtal.publish.formatting import slug
from jobtal.publish.language import Language

DEFINITION_FILES = sorted(paths.INDICATOR_DEFINITIONS.glob("*.yaml"))


@pytest.mark.parametrize("path", DEFINITION_FILES, ids=lambda p: p.stem)
def test_definition_matches_the_schema_and_its_file_name(path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(raw, json.loads(DEFINITION_SCHEMA.read_text(encoding="utf-8")))
    assert raw["id"] == path.stem
    for key in ("title", "description", "unit"):
        assert raw[key]["da"].strip() and raw[key]["en"].strip()


def test_the_loader_refuses_a_broken_definition(tmp_path):
    (tmp_path / "personer.yaml").write_text("id: personer\ntitle: {da: Personer}\n", "utf-8")
    with pytest.raises(DefinitionError, match="personer.yaml"):
        load_definitions(tmp_path)


def test_issue_2_indicators_are_defined():
    assert [d.id for d in load_definitions()][:3] == [
        "personer",
        "fuldtidspersoner",
        "andel_befolkning",
    ]


def test_readme_documents_every_command():
    readme = (paths.REPO / "README.md").read_text(encoding="utf-8")
    assert readme.lstrip().startswith("# jobtal")
    assert "make site" in readme and "make test" in readme
    for command in main.commands:
        assert f"jobtal {command}" in readme, command


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("København", "koebenhavn"),
        ("Høje-Taastrup", "hoeje-taastrup"),
        ("Ærø", "aeroe"),
        ("Lyngby-Taarbæk", "lyngby-taarbaek"),
        ("Ringkøbing-Skjern", "ringkoebing-skjern"),
    ],
)
def test_slugs(name, expected):
    assert slug(name) == expected


def test_every_real_municipality_has_a_distinct_slug():
    lines = (paths.DATASETS / "reference" / "municipalities.csv").read_text("utf-8").splitlines()
    names = [line.split(",")[1] for line in lines[1:]]
    slugs = [slug(name) for name in names]
    assert len(set(slugs)) == len(names) == 98
    assert all(s.isascii() and " " not in s for s in slugs)


def test_danish_and_english_number_and_month_formats():
    danish, english = Language.load("da"), Language.load("en")
    assert danish.number(1234.5, 1) == "1.234,5"
    assert danish.number(4.25, 1) in {"4,2", "4,3"}
    assert danish.number(1234567, 0) == "1.234.567"
    assert danish.number(-0.4, 1) == "−0,4"
    assert danish.signed(1.2, 1) == "+1,2"
    assert danish.number(None) == "–"
    assert danish.month("2025-10") == "oktober 2025"
    assert english.number(1234.5, 1) == "1,234.5"
    assert english.month("2025-10") == "October 2025"


def test_both_languages_have_the_same_interface_texts():
    assert set(Language.load("da").texts) == set(Language.load("en").texts)


def test_the_reference_tables_in_datasets_are_a_valid_package():
    from frictionless import Package

    report = Package(str(paths.REFERENCE_PACKAGE)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type"])
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    assert rows["regions"] == 5 and rows["municipalities"] == 98


def test_the_problems_page_is_written_from_the_registry():
    page = paths.REPO / "docs" / "dev" / "problems.md"
    assert page.read_text(encoding="utf-8") == problems.documentation(), (
        "run: .venv/bin/python -m jobtal.extracts.problems > docs/dev/problems.md"
    )


def test_validation_spells_no_problem_code_out_of_the_registry():
    """Every code the validator reports is a member of problems.Code, never a string written
    again in a module (where a typo would be a new, undocumented code)."""
    codes = {str(code) for code in problems.Code}
    for module in (paths.REPO / "jobtal" / "extracts").glob("*.py"):
        if module.name == "problems.py":
            continue
        text = module.read_text(encoding="utf-8")
        spelled = [code for code in codes if f'"{code}"' in text or f"'{code}'" in text]
        assert spelled == [], module.name


def test_the_catalog_page_is_written_from_the_catalog():
    page = paths.REPO / "docs" / "dev" / "catalog.md"
    assert page.read_text(encoding="utf-8") == catalog.documentation(), (
        "run: .venv/bin/python -m jobtal.catalog > docs/dev/catalog.md"
    )
