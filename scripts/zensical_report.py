"""Build the site's pages with Zensical as well as with mkdocs-material, from the same mkdocs.yml
and the same generated docs folder, and report what differs.

Material for MkDocs is in maintenance mode; its makers' successor, Zensical, reads mkdocs.yml.
This report is the evidence for moving: which pages each builds, and on the pages both build,
whether the reader gets the same text (the article: headings, paragraphs, tables). It never
fails on a difference (Zensical is young, and a difference is what it is here to show); it
fails only when it cannot build at all.

    make zensical-report          # installs Zensical from requirements-zensical.lock first
    python scripts/zensical_report.py --zensical .venv-zensical/bin/zensical --out build/zensical

It builds a small demo (two months, scale 0.05, without the audit: nothing here is published)
into OUT/site with jobtal, keeps its docs folder, builds that with Zensical into OUT/zensical,
splices jobtal's tables into both alike (jobtal puts them in after the generator), and writes
the report to OUT/report.md as well as to standard output."""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import yaml

from jobtal.defaults import DemoSettings
from jobtal.demo import write_demo

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = {"da": "mkdocs.yml", "en": "mkdocs.en.yml"}
SHOWN = 10  # pages listed per kind of difference


class ArticleText(HTMLParser):
    """The text inside a page's <article> (Material's and Zensical's content area), with the
    whitespace of the markup folded away."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article" or self.depth:
            self.depth += tag not in {"br", "img", "hr", "input", "meta", "link", "wbr"}

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)

    @classmethod
    def of(cls, path: Path) -> str:
        parser = cls()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def merged(base: dict, override: dict) -> dict:
    """mkdocs' INHERIT: dictionaries merged key by key, anything else replaced."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def zensical_config(language: str, docs: Path, site: Path, folder: Path) -> Path:
    """The language's mkdocs configuration with INHERIT resolved and its paths those of this
    build, written to `folder`, which holds `docs` and `site` (nothing is written into the
    checkout)."""
    config = yaml.safe_load((REPO / LANGUAGES[language]).read_text(encoding="utf-8"))
    parent = config.pop("INHERIT", None)
    if parent:
        config = merged(yaml.safe_load((REPO / parent).read_text(encoding="utf-8")), config)
    # relative to the configuration's folder: Zensical 0.0.73 stops on absolute ones
    config["docs_dir"] = docs.relative_to(folder).as_posix()
    config["site_dir"] = site.relative_to(folder).as_posix()
    if "custom_dir" in config.get("theme", {}):
        config["theme"]["custom_dir"] = str(REPO / config["theme"]["custom_dir"])
    path = folder / f"zensical.{language}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def pages(site: Path, skip: str | None = None) -> dict[str, Path]:
    """Every HTML page under `site` by its path, but those under `skip` (the Danish site holds
    the English one under en/)."""
    found = {}
    for path in sorted(site.rglob("*.html")):
        name = path.relative_to(site).as_posix()
        if skip is None or not name.startswith(skip):
            found[name] = path
    return found


def splice(site: Path, tables: dict[str, dict[str, str]], prefix: str) -> int:
    """jobtal's splice_tables on another generator's output: each page's tables in place of
    their markers (jobtal.publish.site). Return how many markers the generator dropped."""
    dropped = 0
    for page, by_marker in tables.items():
        if not page.startswith(prefix) or (prefix == "" and page.startswith("en/")):
            continue
        path = site / page.removeprefix(prefix)
        if not path.is_file():
            continue  # a page it did not build: reported as such
        html = path.read_text(encoding="utf-8")
        for marker, table in by_marker.items():
            dropped += marker not in html
            html = html.replace(marker, table, 1)
        path.write_text(html, encoding="utf-8")
    return dropped


def compare(mkdocs_site: Path, zensical_site: Path, skip: str | None) -> dict:
    ours, theirs = pages(mkdocs_site, skip), pages(zensical_site, skip)
    both = sorted(ours.keys() & theirs.keys())
    differing = []
    for page in both:
        a, b = ArticleText.of(ours[page]), ArticleText.of(theirs[page])
        if a != b:
            ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
            differing.append((page, ratio, a, b))
    return {
        "only_mkdocs": sorted(ours.keys() - theirs.keys()),
        "only_zensical": sorted(theirs.keys() - ours.keys()),
        "same": len(both) - len(differing),
        "differing": differing,
    }


def first_difference(a: str, b: str, width: int = 70) -> str:
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    start = max(at - 20, 0)
    return f"mkdocs: …{a[start : start + width]}…\n      zensical: …{b[start : start + width]}…"


def report(results: dict[str, dict], seconds: dict[str, float], version: str) -> str:
    lines = [
        "# Zensical against mkdocs-material",
        "",
        f"{version}; the same mkdocs.yml and generated docs. Build time: mkdocs-material "
        f"(both languages, within jobtal build) {seconds['mkdocs']:.1f} s, "
        f"Zensical {seconds['zensical']:.1f} s.",
        "",
        "| language | pages only mkdocs builds | only Zensical builds | same article text | "
        "different | table markers Zensical dropped |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for language, r in results.items():
        lines.append(
            f"| {language} | {len(r['only_mkdocs'])} | {len(r['only_zensical'])} | "
            f"{r['same']} | {len(r['differing'])} | {r['dropped']} |"
        )
    for language, r in results.items():
        for kind in ("only_mkdocs", "only_zensical"):
            if r[kind]:
                lines += [
                    "",
                    f"{language}, {kind.replace('_', ' ')}: " + ", ".join(r[kind][:SHOWN]),
                ]
        if r["differing"]:
            lines += ["", f"{language}, article text that differs (most different first):", ""]
            for page, ratio, a, b in sorted(r["differing"], key=lambda d: d[1])[:SHOWN]:
                lines.append(f"- {page} ({ratio:.0%} alike)\n      {first_difference(a, b)}")
    return "\n".join(lines) + "\n"


def build_with_mkdocs(extracts: Path, site: Path) -> tuple[dict, float]:
    """jobtal build (in this process, to keep the tables it splices into the built pages):
    the tables by page, and the seconds mkdocs-material took."""
    import jobtal.stages
    from jobtal.pipeline import build

    kept: dict[str, dict[str, str]] = {}
    seconds = 0.0
    splice_tables, build_site = jobtal.stages.splice_tables, jobtal.stages.build_site

    def keeping(site_dir, tables):
        kept.update(tables)
        splice_tables(site_dir, tables)

    def timed(*args, **kwargs):
        nonlocal seconds
        started = time.perf_counter()
        build_site(*args, **kwargs)
        seconds = time.perf_counter() - started

    jobtal.stages.splice_tables, jobtal.stages.build_site = keeping, timed
    try:
        build(extracts, site, audit=False)
    finally:
        jobtal.stages.splice_tables, jobtal.stages.build_site = splice_tables, build_site
    return kept, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zensical", type=Path, required=True, help="the zensical command")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "zensical")
    args = parser.parse_args()
    out = args.out.resolve()
    zensical = args.zensical.resolve()  # run from OUT
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    extracts, site = out / "extracts", out / "site"
    write_demo(extracts, replace(DemoSettings(), scale=0.05, start="2025-11"))
    tables, mkdocs_seconds = build_with_mkdocs(extracts, site)
    docs = out / ".site.work" / "docs"
    version = subprocess.run(
        [zensical, "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    started = time.perf_counter()
    for language in LANGUAGES:
        target = out / "zensical" / ("" if language == "da" else language)
        config = zensical_config(language, docs / language, target, out)
        subprocess.run([zensical, "build", "-f", config], check=True, cwd=out)
    seconds = {"mkdocs": mkdocs_seconds, "zensical": time.perf_counter() - started}
    results = {}
    for language in LANGUAGES:
        prefix = "" if language == "da" else f"{language}/"
        theirs = out / "zensical" / prefix
        dropped = splice(theirs, tables, prefix)
        results[language] = compare(site / prefix, theirs, "en/" if language == "da" else None)
        results[language]["dropped"] = dropped
    text = report(results, seconds, version)
    (out / "report.md").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
