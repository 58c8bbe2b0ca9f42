"""The internal edition's pages in a real browser (issue 22): headless Chromium from Debian's
packages, driven by Playwright, on the edition of tests/weekly_extract.py served over localhost.
Every page type loads without console errors, draws its charts as SVG, asks nothing of another
host, links only to files that exist, passes axe-core's checks, carries `noindex`, and shows
its tables without JavaScript."""

from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

playwright = pytest.importorskip("playwright.sync_api")

from jobtal.internal.edition import build_internal  # noqa: E402
from jobtal.internal.pages import MARK  # noqa: E402
from tests.conftest import CHROMIUM, QuietHandler  # noqa: E402
from tests.test_site_browser import Visit, axe  # noqa: E402
from tests.weekly_extract import write_weekly_package  # noqa: E402

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")

PAGES = [
    "",
    "koebenhavn/",
    "koebenhavn/hvad-virker/",
    "koebenhavn/team-nord/",
    "koebenhavn/team-nord/wk-a1/",
]


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    folder = tmp_path_factory.mktemp("internal-browser")
    write_weekly_package(folder / "extracts")
    return build_internal(folder / "extracts", folder / "intern").site


@pytest.fixture(scope="module")
def internal_server(edition):
    handler = functools.partial(QuietHandler, directory=str(edition))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def visits(browser, internal_server):
    loaded = {page: Visit(browser, internal_server + page) for page in PAGES}
    yield loaded
    for visit in loaded.values():
        visit.close()


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_marked_and_unindexed(visits, page):
    visit = visits[page]
    assert visit.errors == []
    robots = visit.page.get_attribute('meta[name="robots"]', "content")
    assert robots == "noindex, nofollow"
    assert visit.page.inner_text(".md-banner").strip() == MARK


@pytest.mark.parametrize("page", PAGES)
def test_charts_are_drawn(visits, page):
    containers = visits[page].page.query_selector_all("[data-vega-spec]")
    if page:  # every page but the home page has charts
        assert containers
    for container in containers:
        assert container.query_selector("svg") is not None


@pytest.mark.parametrize("page", PAGES)
def test_nothing_leaves_localhost_and_every_link_exists(visits, edition, internal_server, page):
    visit = visits[page]
    assert [u for u in visit.requests if not u.startswith(internal_server)] == []
    hrefs = visit.page.eval_on_selector_all(
        "a[href], link[href], script[src], img[src]",
        "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))",
    )
    for href in hrefs:
        url = urldefrag(urljoin(visit.page.url, href)).url
        assert url.startswith(internal_server), href
        path = edition / unquote(urlparse(url).path.removeprefix("/"))
        assert (path / "index.html" if url.endswith("/") else path).is_file(), href


@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_accessibility_violations(visits, page):
    results = axe().run(visits[page].page)
    violations = [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert not violations, "\n".join(violations)


def test_tables_are_there_without_javascript(browser, internal_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(internal_server + "koebenhavn/team-nord/")
    assert "Anna Andersen" in page.inner_text("table")
    assert page.locator("details.jobtal-table table").count() == 4  # the trend's numbers
    context.close()
