"""Golden tests: the generated Markdown sources (with their inlined chart specs) of a few pages
of the tiny fixture, compared with reviewed copies in tests/golden/. A change to a page shows up
here as a readable diff; when it is intended, regenerate the copies with

    JOBTAL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py

and review the diff before committing it. The numbers in these pages are checked against
hand-worked values elsewhere (test_published, test_indicators); these tests pin the rest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
SOURCES = [
    "da/index.md",
    "da/jobcenter/koebenhavn/index.md",
    "da/indikator/andel_befolkning/index.md",
    "en/jobcenter/koebenhavn/index.md",
]


@pytest.mark.parametrize("source", SOURCES)
def test_generated_page_source_is_the_reviewed_one(tiny_site, source):
    docs = tiny_site.parent / "work" / "docs"
    generated = (docs / source).read_text(encoding="utf-8")
    golden = GOLDEN / source
    if os.environ.get("JOBTAL_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(generated, encoding="utf-8")
    assert generated == golden.read_text(encoding="utf-8")
