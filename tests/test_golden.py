"""The golden tree: the whole site built from the tiny extract, pinned file by file.

tests/golden/site.manifest lists every file of the site with its size and SHA-256; the text files
jobtal writes (pages, CSV, JSON, XML; not the theme's and Vega's assets) are kept whole under
tests/golden/site/, so a change shows as a readable diff. When a change is intended, write the
tree again with

    JOBTAL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py

and review `git diff tests/golden` before committing it. The numbers in the site are checked
against hand-worked values elsewhere (test_published, test_data_files, test_indicators); this
test pins everything else, so that a refactoring that changes no behaviour changes no byte."""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
MANIFEST = GOLDEN / "site.manifest"
TEXTS = GOLDEN / "site"
TEXT_SUFFIXES = (".html", ".csv", ".json", ".xml", ".txt")
THIRD_PARTY = ("assets", "search")  # the theme's, Vega's and the search index's own files
SHOWN_LINES = 60


def kept_as_text(relative: Path) -> bool:
    parts = relative.parts
    third_party = parts[0] in THIRD_PARTY or (parts[0] == "en" and parts[1] in THIRD_PARTY)
    return relative.suffix in TEXT_SUFFIXES and not third_party


def manifest_of(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): (
            f"{hashlib.sha256(path.read_bytes()).hexdigest()} {path.stat().st_size}"
        )
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def write_golden(site: Path, manifest: dict[str, str]) -> None:
    shutil.rmtree(TEXTS, ignore_errors=True)
    for relative in manifest:
        if kept_as_text(Path(relative)):
            target = TEXTS / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site / relative, target)
    MANIFEST.write_text(
        "".join(f"{line} {path}\n" for path, line in manifest.items()), encoding="utf-8"
    )


def read_manifest() -> dict[str, str]:
    entries = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        digest, size, path = line.split(" ", 2)
        entries[path] = f"{digest} {size}"
    return entries


def test_the_site_is_the_golden_tree(tiny_site):
    built = manifest_of(tiny_site)
    if os.environ.get("JOBTAL_UPDATE_GOLDEN"):
        write_golden(tiny_site, built)
    golden = read_manifest()
    problems = [f"new file: {p}" for p in sorted(built.keys() - golden.keys())]
    problems += [f"missing file: {p}" for p in sorted(golden.keys() - built.keys())]
    for path in sorted(built.keys() & golden.keys()):
        if built[path] == golden[path]:
            continue
        if kept_as_text(Path(path)):
            diff = difflib.unified_diff(
                (TEXTS / path).read_text(encoding="utf-8").splitlines(),
                (tiny_site / path).read_text(encoding="utf-8").splitlines(),
                f"golden/{path}",
                f"built/{path}",
                lineterm="",
            )
            problems.append("\n".join(list(diff)[:SHOWN_LINES]))
        else:
            problems.append(f"changed: {path} ({golden[path]} -> {built[path]})")
    assert not problems, "\n".join(problems)


def test_the_golden_texts_are_the_manifests_files():
    """The kept texts are exactly what the manifest says: the golden tree is one whole."""
    golden = read_manifest()
    kept = {p.relative_to(TEXTS).as_posix() for p in TEXTS.rglob("*") if p.is_file()}
    assert kept == {path for path in golden if kept_as_text(Path(path))}
    assert len(golden) > 200
    for path in sorted(kept):
        content = (TEXTS / path).read_bytes()
        assert f"{hashlib.sha256(content).hexdigest()} {len(content)}" == golden[path], path
