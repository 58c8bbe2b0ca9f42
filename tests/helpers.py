"""Helpers the tests share: reading a built site's published files as a reader downloads them."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path


def all_values_text(site: Path) -> str:
    """/data/jobtal.csv.gz (or a data folder's), decompressed."""
    folder = site / "data" if (site / "data").is_dir() else site
    return gzip.decompress((folder / "jobtal.csv.gz").read_bytes()).decode("utf-8")


def all_values_rows(site: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(all_values_text(site))))


def charts_of(page_path: Path) -> list[tuple[str, dict]]:
    """(element id, Vega-Lite spec) of every chart a built page embeds."""
    html = page_path.read_text(encoding="utf-8")
    found = re.findall(
        r'<div class="jobtal-chart__plot" id="([^"]+)" data-vega-spec=\'([^\']*)\'', html
    )
    return [(chart_id, json.loads(text)) for chart_id, text in found]
