from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from jobtal.pipeline import BuildResult, build
from tests.tiny_extract import write_next_month_package, write_tiny_package

# The tiny site's pages are tested on hand-worked values, which were worked out with small
# numbers protected set by set (SPEC section 6's rule). Its four municipalities in a country
# of 23 people are too few for protection across linked tables to leave much published (the
# country's own counts are 1 and 2), so these fixtures build with the per-set rule and without
# the audit, which that rule fails. The published build (jobtal build) protects across linked
# tables and audits: tests/test_disclosure.py and tests/test_audit.py test that.
PAGE_TESTS = {"linked": False, "audit": False}


@pytest.fixture(scope="session")
def tiny_package(tmp_path_factory) -> Path:
    return write_tiny_package(tmp_path_factory.mktemp("tiny") / "extracts")


@pytest.fixture(scope="session")
def tiny_build(tiny_package, tmp_path_factory) -> BuildResult:
    """The whole pipeline run once on the tiny package: the site, with the generated pages'
    sources beside it in work/docs."""
    root = tmp_path_factory.mktemp("tiny-build")
    return build(tiny_package, root / "site", work=root / "work", keep_work=True, **PAGE_TESTS)


@pytest.fixture(scope="session")
def tiny_site(request) -> Path:
    """The tiny build's site. JOBTAL_TINY_SITE names one built beforehand (while developing)."""
    if os.environ.get("JOBTAL_TINY_SITE"):
        return Path(os.environ["JOBTAL_TINY_SITE"])
    return request.getfixturevalue("tiny_build").site


@pytest.fixture(scope="session")
def next_site(tiny_site, tmp_path_factory) -> Path:
    """The next month's build (tiny_extract.write_next_month_package: April added, February
    revised), with the tiny site as the published one: a site with two releases."""
    root = tmp_path_factory.mktemp("next-month")
    package = write_next_month_package(root / "extracts")
    return build(package, root / "site", work=root / "work", previous=tiny_site, **PAGE_TESTS).site


# The browser tests (test_site_browser.py, test_table_builder.py): the system's Chromium, driven
# by Playwright, on the two-release site served over localhost.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(next_site):
    """The site with two releases (the tiny extract, then the next month's), over HTTP."""
    handler = functools.partial(QuietHandler, directory=str(next_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
