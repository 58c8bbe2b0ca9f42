"""The static site: assemble each language's mkdocs docs folder (generated pages, hand-written
pages, assets, Vega's JavaScript, the map's boundaries) and build it with mkdocs-material: Danish
at the site's root, English under /en/."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from jobtal import paths
from jobtal.parallel import map_in_processes

LANGUAGES = ("da", "en")
VEGA_BUNDLE_NAME = "vega.min.js"
TOPOLOGY_NAME = "kommuner.topojson"


def vega_bundle(cache_dir: Path) -> str:
    """Vega, Vega-Lite and vega-embed in one file, from vl-convert (no CDN). Cached by version,
    since bundling takes a few seconds."""
    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    cached = cache_dir / f"vega-bundle-{version}.js"
    if not cached.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        cached.write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    return cached.read_text(encoding="utf-8")


def assemble_docs(docs: Path, language: str, cache_dir: Path) -> None:
    """Add the hand-written pages and the assets beside one language's generated pages."""
    shutil.copytree(paths.HANDWRITTEN_DOCS / language, docs, dirs_exist_ok=True)
    assets = docs / "assets"
    shutil.copytree(paths.SITE_TEMPLATES / "assets", assets, dirs_exist_ok=True)
    (assets / VEGA_BUNDLE_NAME).write_text(vega_bundle(cache_dir), encoding="utf-8")
    shutil.copyfile(paths.MUNICIPALITY_BOUNDARIES, assets / TOPOLOGY_NAME)


SITE_URL_VARIABLE = "JOBTAL_SITE_URL"


def site_url() -> str | None:
    """The address the site is published at, for citations and the feed: $JOBTAL_SITE_URL (CI
    sets it to the GitHub Pages address), else mkdocs.yml's site_url, else unknown."""
    if os.environ.get(SITE_URL_VARIABLE):
        return os.environ[SITE_URL_VARIABLE].rstrip("/") + "/"
    config = yaml.safe_load(paths.MKDOCS_CONFIG.read_text(encoding="utf-8"))
    return config.get("site_url") or None


def is_local(address: str | None) -> bool:
    """Whether the site's address is this machine's (mkdocs.yml's default, for `jobtal serve`):
    its citations then hold for nobody else, and .ci/check-publishable refuses to deploy it."""
    host = urlparse(address or "").hostname or ""
    return host in ("127.0.0.1", "localhost", "0.0.0.0", "::1")


def config_file(language: str) -> Path:
    return paths.MKDOCS_CONFIG if language == "da" else paths.MKDOCS_CONFIG_EN


@contextlib.contextmanager
def dated_as(moment: datetime):
    """mkdocs dates the sitemap with the build's clock unless SOURCE_DATE_EPOCH is set: set to
    `moment` (the extract date) while the block runs, so the same input gives the same bytes."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def build_site(docs_root: Path, site_dir: Path, release: datetime, in_processes: bool) -> None:
    """mkdocs build of each language's docs (`docs_root`/<language>) into `site_dir` (Danish)
    and `site_dir`/en. `in_processes`: the two at once, each in a worker process (mkdocs is
    pure Python, on one core); English then goes to a folder beside the docs and is moved
    under `site_dir` after Danish, whose build empties `site_dir` first."""
    address = site_url()
    english = docs_root.with_name("site-en")
    shutil.rmtree(english, ignore_errors=True)
    into = {"da": site_dir, "en": english}
    jobs = [(code, docs_root / code, into[code], address, release) for code in LANGUAGES]
    map_in_processes(build_language_site, jobs, worth_it=in_processes)
    shutil.move(english, site_dir / "en")


def build_language_site(job: tuple[str, Path, Path, str | None, datetime]) -> None:
    """One language's mkdocs build, dated as the release (see dated_as), and its search index
    given the other spellings of its words."""
    language, docs, site_dir, address, release = job
    # mkdocs logs every page it does not find in nav at INFO; only its warnings matter here.
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    overrides = {}
    if address:
        overrides["site_url"] = address if language == "da" else f"{address}{language}/"
    config = load_config(
        config_file=str(config_file(language)),
        docs_dir=str(docs),
        site_dir=str(site_dir),
        **overrides,
    )
    with dated_as(release):
        mkdocs_build(config)
    add_folded_spellings(site_dir / "search" / "search_index.json")


DANISH_LETTERS = re.compile(r"\w*[æøåÆØÅ]\w*")
FOLDINGS = (
    str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}),
    str.maketrans({"æ": "ae", "ø": "o", "å": "a"}),
)


def add_folded_spellings(index_path: Path) -> None:
    """Make the site's search find words with æ, ø and å however they are typed: each page's
    entry in mkdocs-material's search index gets the other spellings of its words appended
    ("holbæk" -> "holbaek", "kobenhavn"), as the addresses and keyboards without those letters
    write them. (The search has no option for this: its tokenizer takes letters as they are.)"""
    if not index_path.is_file():
        return
    index = json.loads(index_path.read_text(encoding="utf-8"))
    for document in index["docs"]:
        words = DANISH_LETTERS.findall(f"{document.get('title', '')} {document.get('text', '')}")
        folded = sorted({word.lower().translate(table) for word in words for table in FOLDINGS})
        if folded:
            document["text"] = f"{document.get('text', '')} <span hidden>{' '.join(folded)}</span>"
    index_path.write_text(
        json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )


def splice_tables(site_dir: Path, tables: dict[str, dict[str, str]]) -> None:
    """Put each page's tables in place of their markers in the built HTML."""
    for page, by_marker in tables.items():
        path = site_dir / page
        html = path.read_text(encoding="utf-8")
        for marker, table in by_marker.items():
            if marker not in html:
                raise RuntimeError(f"{page}: mkdocs dropped the table marker {marker!r}")
            html = html.replace(marker, table, 1)
        path.write_text(html, encoding="utf-8")
