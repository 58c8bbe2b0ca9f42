"""Reading a built site's published data files in tests, as a reader downloads them."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path


def all_values_text(site: Path) -> str:
    """/data/jobtal.csv.gz (or a data folder's), decompressed."""
    folder = site / "data" if (site / "data").is_dir() else site
    return gzip.decompress((folder / "jobtal.csv.gz").read_bytes()).decode("utf-8")


def all_values_rows(site: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(all_values_text(site))))
