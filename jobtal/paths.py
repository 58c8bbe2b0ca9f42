"""Every path the package knows about, in one place."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

DATASETS = REPO / "datasets"
REFERENCE_PACKAGE = DATASETS / "datapackage.yaml"
SCHEMAS = DATASETS / "schemas"
CALIBRATION = DATASETS / "calibration" / "y30r21_benchmark.csv"
MUNICIPALITY_BOUNDARIES = DATASETS / "geo" / "kommuner_98.topojson"
EMBEDDED_SERIES = DATASETS / "series"  # other publishers' series, imported by `jobtal import`

SITE_TEMPLATES = REPO / "site_templates"
PAGE_TEMPLATES = SITE_TEMPLATES / "pages"
SITE_TEXTS = SITE_TEMPLATES / "texts"  # the interface texts of each language
HANDWRITTEN_DOCS = REPO / "docs" / "site"
MKDOCS_CONFIG = REPO / "mkdocs.yml"  # Danish, at the site's root
MKDOCS_CONFIG_EN = REPO / "mkdocs.en.yml"  # English, under /en/

BUILD = REPO / "build"
DEFAULT_EXTRACTS = BUILD / "extracts"  # the embedded default package, written by `jobtal demo`
DEFAULT_SITE = BUILD / "site"
PREVIOUS_RELEASES = BUILD / "previous"  # the published site's releases, from fetch-releases

INDICATOR_DEFINITIONS = Path(__file__).resolve().parent / "indicators" / "definitions"
