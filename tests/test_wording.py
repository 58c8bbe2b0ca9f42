"""Slips in the pages' words that readers found (issue 20), checked on a synthetic build of the
tiny extract, where the demo banner shows: each is gone from every page."""

from __future__ import annotations

import pytest

from jobtal.pipeline import build
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
