"""The static site: assemble mkdocs' docs folder (generated pages, hand-written pages, assets,
Vega's JavaScript) and build it with mkdocs-material."""

from __future__ import annotations

import logging
import os
import shutil
from datetime import datetime
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from jobtal import paths

VEGA_BUNDLE_NAME = "vega.min.js"


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


def assemble_docs(docs: Path, cache_dir: Path) -> None:
    """Add the hand-written pages and the assets beside the generated pages."""
    shutil.copytree(paths.HANDWRITTEN_DOCS, docs, dirs_exist_ok=True)
    assets = docs / "assets"
    shutil.copytree(paths.SITE_TEMPLATES / "assets", assets, dirs_exist_ok=True)
    (assets / VEGA_BUNDLE_NAME).write_text(vega_bundle(cache_dir), encoding="utf-8")


def build_site(docs: Path, site_dir: Path, release: datetime) -> None:
    """mkdocs build of `docs` into `site_dir` (which it empties first).

    mkdocs dates the sitemap with the build's clock unless SOURCE_DATE_EPOCH is set; setting it
    to the extract date makes the same input give the same bytes."""
    # mkdocs logs every page it does not find in nav at INFO; only its warnings matter here.
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    config = load_config(
        config_file=str(paths.MKDOCS_CONFIG), docs_dir=str(docs), site_dir=str(site_dir)
    )
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(release.timestamp()))
    try:
        mkdocs_build(config)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
