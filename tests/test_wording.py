"""Slips in the pages' words that readers found (issue 20), checked on a synthetic build of the
tiny extract, where the demo banner shows: each is gone from every page."""

from __future__ import annotations

import re

import pytest

from jobtal.pipeline import build
from jobtal.publish.language import Language
from tests.conftest import PAGE_TESTS
from tests.tiny_extract import write_tiny_package

SLIPS = [
    # the banner named the indicator as what the figures are not facts about
    "fakta om Personer",
    "facts about Persons",
    # the demo scales the population with the spells: the banner must not call it real
    "Befolkningstal, kommuner og regioner er rigtige",
    "Population figures, municipalities and regions are real",
]


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic")
    package = write_tiny_package(root / "extracts", descriptor_changes={"synthetic": True})
    return build(package, root / "site", work=root / "work", **PAGE_TESTS).site


def test_the_known_slips_are_gone(synthetic_site):
    pages = sorted(synthetic_site.rglob("*.html"))
    assert len(pages) > 40
    found = [
        (page.relative_to(synthetic_site).as_posix(), slip)
        for page in pages
        for slip in SLIPS
        if slip in page.read_text(encoding="utf-8")
    ]
    assert found == []
    banner = (synthetic_site / "indikator" / "personer" / "index.html").read_text(encoding="utf-8")
    assert "syntetiske demodata" in banner and "fakta om jobcentrene" in banner


@pytest.mark.parametrize(
    ("code", "period", "shown"),
    [
        ("da", "2024-03", "marts 2024"),
        ("da", "2024-Q1", "1. kvt. 2024"),
        ("en", "2024-Q4", "Q4 2024"),
        ("da", "2024", "2024"),
        ("da", "2022-Q4-MAT", "4. kvt. 2022 (løbende år)"),  # jobindsats's moving year
        ("en", "2022-Q4-MAT", "Q4 2022 (moving year)"),
    ],
)
def test_a_period_is_written_as_its_kind(code, period, shown):
    # other publishers' quarterly series were shown as "2024-Q1" under a "Måned" heading
    assert Language.load(code).period(period) == shown


# the terms readers met unexplained on a profile (issue 20), each with the glossary entry that
# explains it
TERMS = {
    "fuldtidspersoner": "fuldtid",
    "diskretioneret": "diskretioneret",
    "kommunegrupper": "oplandskommuner",
    "arbejdskraftreserven": "arbejdskraftreserve",
    "foreloebig": "foreløbig",
}


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_every_link_to_the_glossary_finds_its_entry(tiny_site, prefix):
    glossary = (tiny_site / prefix / "ordliste" / "index.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<h2 id="([^"]+)"', glossary))
    linked = set()
    for page in (tiny_site / prefix).rglob("*.html"):
        if prefix == "" and page.is_relative_to(tiny_site / "en"):
            continue
        for target in re.findall(r'href="[./]*ordliste/#([^"]+)"', page.read_text("utf-8")):
            linked.add(target)
    assert linked and linked <= anchors, linked - anchors
    # the profile links every term the issue named where it uses it
    profile = (tiny_site / prefix / "jobcenter" / "koebenhavn" / "index.html").read_text("utf-8")
    for anchor, word in TERMS.items():
        assert f'ordliste/#{anchor}"' in profile, anchor
        if prefix == "":  # and the Danish entry is about that word
            entry = glossary.split(f'<h2 id="{anchor}"')[1].split("<h2")[0].lower()
            assert word in entry, anchor
