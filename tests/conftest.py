from __future__ import annotations

import os
from pathlib import Path

import pytest

from jobtal.pipeline import build
from tests.tiny_extract import write_next_month_package, write_tiny_package


@pytest.fixture(scope="session")
def tiny_package(tmp_path_factory) -> Path:
    return write_tiny_package(tmp_path_factory.mktemp("tiny") / "extracts")


@pytest.fixture(scope="session")
def tiny_site(tiny_package, tmp_path_factory) -> Path:
    """The whole pipeline run once on the tiny package: the site, with the generated pages'
    sources beside it in work/docs. JOBTAL_TINY_SITE names one built beforehand (while
    developing)."""
    if os.environ.get("JOBTAL_TINY_SITE"):
        return Path(os.environ["JOBTAL_TINY_SITE"])
    root = tmp_path_factory.mktemp("tiny-build")
    result = build(tiny_package, root / "site", work=root / "work")
    return result.site


@pytest.fixture(scope="session")
def next_site(tiny_site, tmp_path_factory) -> Path:
    """The next month's build (tiny_extract.write_next_month_package: April added, February
    revised), with the tiny site as the published one: a site with two releases."""
    root = tmp_path_factory.mktemp("next-month")
    package = write_next_month_package(root / "extracts")
    return build(package, root / "site", work=root / "work", previous=tiny_site).site
