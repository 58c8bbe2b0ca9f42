"""The wall between the editions (issue 22, SPEC section 9): a package that carries the internal
edition's resources (caseworkers, caseload, the activities' caseworker_id) validates with them,
and the public build leaves them out: none of their ids, names or teams is in any published
byte, looked for in every file of the site, inside its zips (Word, Excel), gzip files and
Parquet values too."""

from __future__ import annotations

import contextlib
import gzip
import io
import zipfile
from pathlib import Path

import duckdb
import pytest

from jobtal.extracts.validate import check_extracts
from jobtal.pipeline import build
from tests.conftest import PAGE_TESTS
from tests.tiny_extract import ACTIVITIES, add_internal_resources, write_tiny_package

# made-up, and unlike anything else the tiny site publishes, so that a find means a leak
CASEWORKERS = """caseworker_id,team,municipality_code,caseworker_name
sbh-qz17,Team Qzorbro,101,Qzandra Vulpesen
sbh-qz28,Team Qzorbro,101,Qzenja Marmotsen
sbh-qz39,Team Qzvaerket,860,Qzorin Lyngbaek
"""
CASELOAD = """person_id,caseworker_id,start_date,end_date
xqp-D1,sbh-qz17,2023-12-01,2024-02-14
xqp-D1,sbh-qz28,2024-02-15,
xqp-D2,sbh-qz17,2024-01-01,
xqp-H4,sbh-qz39,2024-01-01,
"""
# a caseload `jobtal validate` and `jobtal internal` refuse (rows 6 and 7: a citizen with two
# caseworkers at once, a CPR number as a person id): the public build, which never reads it,
# publishes all the same
BROKEN_CASELOAD = CASELOAD + "xqp-D1,sbh-qz39,2024-03-01,\n0101901234,sbh-qz17,2024-01-01,\n"
WHO = {"xqa-1": "sbh-qz17", "xqa-2": "sbh-qz17", "xqa-3": "sbh-qz28", "xqa-5": "sbh-qz39"}
SECRETS = [
    "sbh-qz17", "sbh-qz28", "sbh-qz39", "Qzorbro", "Qzvaerket",
    "Qzandra", "Vulpesen", "Qzenja", "Marmotsen", "Qzorin", "Lyngbaek", "0101901234",
]  # fmt: skip


def with_caseworkers(activities: str) -> str:
    header, *rows = activities.strip().splitlines()
    return "\n".join(
        [f"{header},caseworker_id", *(f"{r},{WHO.get(r.split(',')[0], '')}" for r in rows)]
    )


def write_internal_package(folder: Path, caseload: str = CASELOAD) -> Path:
    descriptor = write_tiny_package(folder, replace={"activities": with_caseworkers(ACTIVITIES)})
    return add_internal_resources(descriptor, CASEWORKERS, caseload)


@pytest.fixture(scope="module")
def public_build(tmp_path_factory):
    """The public site built from a package with the internal resources (a caseload the
    internal edition refuses), and its log."""
    root = tmp_path_factory.mktemp("wall")
    package = write_internal_package(root / "extracts", BROKEN_CASELOAD)
    said = io.StringIO()
    with contextlib.redirect_stderr(said):
        site = build(package, root / "site", work=root / "work", **PAGE_TESTS).site
    return site, said.getvalue()


def test_a_package_with_the_internal_resources_validates_and_checks_them(tmp_path):
    _, report = check_extracts(write_internal_package(tmp_path / "good"))
    assert report.valid, report.to_text()
    assert report.rows["caseworkers"] == 3 and report.rows["caseload"] == 4
    # a caseload row naming a caseworker the package lacks is an error, like any foreign key
    broken = CASELOAD + "xqp-H4,sbh-nobody,2024-03-01,\n"
    _, report = check_extracts(write_internal_package(tmp_path / "broken", broken))
    assert not report.valid
    assert any(p.resource == "caseload" and "sbh-nobody" in p.sentence for p in report.problems), (
        report.to_text()
    )


def published_texts(site: Path):
    """(name, text) for every published file, and for every member of its zips, its gzip
    content and its Parquet values."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name = path.relative_to(site).as_posix()
        data = path.read_bytes()
        yield name, data.decode("utf-8", errors="replace")
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                for member in package.namelist():
                    yield f"{name}:{member}", package.read(member).decode("utf-8", "replace")
        elif data[:2] == b"\x1f\x8b":
            yield f"{name}:gunzipped", gzip.decompress(data).decode("utf-8", errors="replace")
        elif path.suffix == ".parquet":
            rows = duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()
            yield f"{name}:values", repr(rows)


def test_nothing_of_the_internal_resources_reaches_any_published_byte(public_build):
    searched, reached = 0, set()
    for name, text in published_texts(public_build[0]):
        searched += 1
        found = [secret for secret in SECRETS if secret in text]
        assert not found, (name, found)
        if "Hjørring" in text:  # a published name: the search sees inside every kind of file
            reached.add(name.rsplit(":", 1)[-1] if ":" in name else name.rsplit(".", 1)[-1])
    assert searched > 500  # every page, data file, workbook, report and their members
    assert {"html", "csv", "word/document.xml", "gunzipped", "values"} <= reached, reached
    assert any(member.startswith("xl/") for member in reached), reached


def test_the_public_build_says_it_leaves_them_out(public_build):
    assert (
        "left out of the public build: caseworkers, caseload, activities.caseworker_id"
        in public_build[1]
    )


def test_the_public_build_does_not_even_read_them(public_build, tmp_path):
    """SPEC section 3: the internal resources are read only by `jobtal internal`. The public
    build's package has a caseload that validation refuses, and the site was built from it:
    the build read no row of caseworkers or caseload (validation logs every table it reads)."""
    _, report = check_extracts(write_internal_package(tmp_path / "extracts", BROKEN_CASELOAD))
    assert sorted((p.resource, p.row, p.type) for p in report.problems) == [
        ("caseload", 6, "two-caseworkers"),
        ("caseload", 7, "cpr-number"),
    ], report.to_text()
    site, said = public_build
    assert (site / "index.html").is_file()
    read = [line.split(":")[0].strip() for line in said.splitlines() if " rows read in " in line]
    assert "activities" in read and "benefit_spells" in read
    assert "caseload" not in read and "caseworkers" not in read, read


def test_the_caseload_gives_a_citizen_one_caseworker_at_a_time_and_no_cpr_number(tmp_path):
    """Rows 6-8 added to the caseload (the header is row 1): a third caseworker for D1 while
    row 3 (from 2024-02-15, no end) still runs; a CPR number as a person id; an assignment
    that ends before it starts."""
    caseload = CASELOAD + (
        "xqp-D1,sbh-qz39,2024-03-01,\n"
        "0101901234,sbh-qz17,2024-01-01,\n"
        "xqp-D9,sbh-qz17,2024-03-01,2024-02-01\n"
    )
    _, report = check_extracts(write_internal_package(tmp_path / "extracts", caseload))
    found = sorted(
        (p.row, p.type, p.field, p.value) for p in report.problems if p.resource == "caseload"
    )
    assert found == [
        (6, "two-caseworkers", "start_date", "2024-03-01"),
        (7, "cpr-number", "person_id", "0101901234"),
        (8, "end-before-start", "end_date", "2024-02-01"),
    ]
    second = next(p for p in report.problems if p.type == "two-caseworkers")
    assert "xqp-D1 is still assigned with no end" in second.sentence
