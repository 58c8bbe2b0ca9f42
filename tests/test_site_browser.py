"""The built site in a real browser: headless Chromium (the system's, from Debian's packages)
driven by Playwright, on the tiny fixture's site served over localhost. Each page type in both
languages loads without console errors, draws every chart as SVG, asks nothing of another host,
links only to files that exist, and passes axe-core's accessibility checks."""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

playwright = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

from tests.conftest import CHROMIUM  # noqa: E402

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")

PAGES = [
    "",
    "tabel/",
    "jobcenter/",
    "jobcenter/koebenhavn/",
    "indikator/andel_befolkning/",
    "indikator/personer/",
    "data/",
    "metode/",
    "om/",
    "releases/",
    "releases/2024-04/",
]
LANGUAGE_PREFIXES = {"da": "", "en": "en/"}
SITE_ADDRESS = "http://127.0.0.1:8000/"  # mkdocs.yml's site_url, where `jobtal serve` serves


@functools.cache
def axe() -> Axe:
    return Axe()


class Visit:
    """One page loaded in a fresh browser context, with what happened on the way."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url, wait_until="networkidle")
        # the table builder draws its table and chart after fetching its data
        self.page.wait_for_function(
            "!document.getElementById('jobtal-builder') || document.getElementById('tabel-chart')",
            timeout=20_000,
        )
        # every chart container drawn, or given up on
        self.page.wait_for_function(
            "Array.from(document.querySelectorAll('[data-vega-spec]'))"
            ".every(e => e.querySelector('svg') || e.textContent.trim())",
            timeout=20_000,
        )

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def visits(browser, server):
    loaded = {}
    for language, prefix in LANGUAGE_PREFIXES.items():
        for page in PAGES:
            loaded[(language, page)] = Visit(browser, server + prefix + page)
    yield loaded
    for visit in loaded.values():
        visit.close()


CASES = [(language, page) for language in LANGUAGE_PREFIXES for page in PAGES]


@pytest.mark.parametrize(("language", "page"), CASES)
def test_page_loads_without_console_errors(visits, language, page):
    visit = visits[(language, page)]
    assert visit.errors == []
    assert visit.page.evaluate("document.documentElement.lang") == language


@pytest.mark.parametrize(("language", "page"), CASES)
def test_every_chart_is_drawn_as_svg(visits, language, page):
    visit = visits[(language, page)]
    containers = visit.page.query_selector_all("[data-vega-spec]")
    for container in containers:
        assert container.query_selector("svg") is not None, container.get_attribute(
            "data-vega-spec"
        )
    if page in ("", "jobcenter/", "jobcenter/koebenhavn/", "indikator/andel_befolkning/"):
        assert containers, "this page has charts"


@pytest.mark.parametrize(("language", "page"), CASES)
def test_no_request_leaves_localhost(visits, server, language, page):
    visit = visits[(language, page)]
    assert visit.requests
    others = [url for url in visit.requests if not url.startswith(server)]
    assert others == []


@pytest.mark.parametrize(("language", "page"), CASES)
def test_every_link_and_download_exists_in_the_build(visits, next_site, server, language, page):
    visit = visits[(language, page)]
    hrefs = visit.page.eval_on_selector_all(
        "a[href], link[href], script[src], img[src]",
        "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))",
    )
    page_url = visit.page.url
    checked = 0
    for href in hrefs:
        if href.startswith("blob:"):
            continue  # a download made in the page (the table builder's)
        # canonical links use the address the site was built for; here it is served elsewhere
        url = urljoin(page_url, href).replace(SITE_ADDRESS, server, 1)
        if not url.startswith(server):
            # the only links off the site are to the licence's own page
            assert urlparse(url).netloc == "creativecommons.org", href
            continue
        path = next_site / unquote(urlparse(url).path.removeprefix("/"))
        if urlparse(url).path.endswith("/"):
            path = path / "index.html"
        assert path.is_file(), f"{href} on {page_url}"
        checked += 1
    assert checked


@pytest.mark.parametrize(("language", "page"), CASES)
def test_axe_finds_no_accessibility_violations(visits, language, page):
    results = axe().run(visits[(language, page)].page)
    violations = [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("page", ["", "jobcenter/koebenhavn/", "indikator/andel_befolkning/"])
@pytest.mark.parametrize("prefix", ["", "en/"])
def test_every_chart_title_and_legend_fits_a_phone(browser, server, prefix, page):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    view = context.new_page()
    view.goto(server + prefix + page, wait_until="networkidle")
    view.wait_for_function(
        "Array.from(document.querySelectorAll('[data-vega-spec]'))"
        ".every(e => e.querySelector('svg'))",
        timeout=20_000,
    )
    outside = view.evaluate(
        """Array.from(document.querySelectorAll('[data-vega-spec] svg')).flatMap(svg => {
          const box = svg.getBoundingClientRect();
          const texts = '.role-title text, .role-legend text, .mark-text text';
          return Array.from(svg.querySelectorAll(texts))
            .filter(t => { const r = t.getBoundingClientRect();
                           return r.right > box.right + 1 || r.left < box.left - 1; })
            .map(t => svg.parentElement.id + ': ' + t.textContent);
        })"""
    )
    assert view.evaluate("document.querySelectorAll('[data-vega-spec] svg').length") > 0
    assert outside == []
    assert view.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_the_filter_box_shows_where_the_keyboard_is(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "jobcenter/", wait_until="networkidle")
    box = page.get_by_label("Find jobcenter")
    before = box.evaluate("e => getComputedStyle(e).outlineStyle")
    for _ in range(60):  # the keyboard's way to the box (so that it is :focus-visible)
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "jobtal-filter-input":
            break
    style = box.evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
    )
    assert before == "none" and style == ["solid", "2px"]
    context.close()


def test_tables_and_text_are_there_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "jobcenter/koebenhavn/")
    assert "offentlig forsørgelse" in page.inner_text(".jobtal-summary")
    assert len(page.query_selector_all("table")) >= 6
    page.goto(server + "jobcenter/")
    assert len(page.query_selector_all("#jobtal-index tbody tr")) == 4
    context.close()


@pytest.mark.parametrize(
    ("prefix", "heading"), [("", "Siden findes ikke"), ("en/", "Page not found")]
)
def test_an_address_that_does_not_exist_gets_a_page_in_its_language(
    browser, next_site, prefix, heading
):
    context = browser.new_context()
    page = context.new_page()
    page.goto((next_site / prefix / "404.html").as_uri())
    assert page.inner_text("h1") == heading
    assert page.evaluate("document.documentElement.lang") == (prefix.rstrip("/") or "da")
    links = page.eval_on_selector_all("article a", "els => els.map(e => e.getAttribute('href'))")
    assert f"/{prefix}jobcenter/" in links
    context.close()


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("laesoe", "jobcenter/laesoe/"),
        ("laeso", "jobcenter/laesoe/"),
        ("hjorring", "jobcenter/hjoerring/"),
    ],
)
def test_search_finds_a_page_however_its_letters_are_typed(browser, server, typed, found):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server, wait_until="networkidle")
    page.click("input.md-search__input")
    page.keyboard.type(typed)
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    first = page.eval_on_selector(".md-search-result__item a", "a => a.getAttribute('href')")
    assert first.startswith(server + found) or first.startswith(found), first
    context.close()


def test_the_search_index_is_fetched_only_when_the_search_is_opened(browser, server):
    context = browser.new_context()
    page = context.new_page()
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "search_index" in r.url else None)
    page.goto(server + "jobcenter/koebenhavn/", wait_until="networkidle")
    page.wait_for_timeout(500)
    assert fetched == []
    page.keyboard.press("s")  # the theme's shortcut: it opens the search through its toggle
    page.wait_for_selector("input.md-search__input:focus", timeout=5_000)
    page.keyboard.type("kontanthjaelp")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    assert fetched == [server + "search/search_index.json"]
    context.close()


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("hjør", "Hjørring"),
        ("laesoe", "Læsø"),  # æ, ø as ae, oe (the address's spelling)
        ("laeso", "Læsø"),  # ø as o
        ("KØBENHAVN", "København"),
        ("kobenhavn", "København"),
    ],
)
def test_filter_keeps_the_matching_jobcentres_however_they_are_spelled(
    browser, server, typed, found
):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "jobcenter/", wait_until="networkidle")
    page.get_by_label("Find jobcenter").fill(typed)
    visible = page.eval_on_selector_all(
        "#jobtal-index tbody tr",
        "rows => rows.filter(r => !r.hidden).map(r => r.cells[0].innerText)",
    )
    assert visible == [found]
    assert page.inner_text("[role=status]") == "1 af 4 jobcentre vises"
    context.close()


def test_sorting_a_column_orders_its_numbers(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "indikator/andel_befolkning/", wait_until="networkidle")
    heading = page.locator("table.jobtal-sortable th button").nth(3)
    heading.press("Enter")  # keyboard-usable
    values = page.eval_on_selector_all(
        "table.jobtal-sortable tbody tr", "rows => rows.map(r => r.cells[3].innerText)"
    )
    numbers = [float(v.replace(".", "").replace(",", ".")) for v in values if v != "–"]
    assert numbers == sorted(numbers)
    assert values[len(numbers) :] == ["–"] * (len(values) - len(numbers))
    context.close()


def test_summary_sentence_matches_the_jobcentre_csv(visits, next_site):
    """København in April 2024: its share and the country's are published, its group's is
    suppressed (Frederiksberg's 4 førtidspension recipients), so the sentence leaves it out."""
    sentence = visits[("da", "jobcenter/koebenhavn/")].page.inner_text(".jobtal-summary")
    numbers = re.findall(r"(\d+,\d) pct\.", sentence)
    with (next_site / "data" / "jobcentre" / "101.csv").open(encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["indicator"] == "andel_befolkning"
            and r["benefit"] == "alle"
            and r["sex"] == "alle"
            and r["age_group"] == "alle"
            and r["period"] == "2024-04"
        ]
    by_area = {r["area_type"]: r["value"].replace(".", ",") for r in rows}
    assert by_area["kommunegruppe"] == ""
    assert numbers == [by_area["kommune"], by_area["land"]]
    assert "april 2024" in sentence and "–" not in sentence
    assert "hovedstadskommunernes andel er diskretioneret" in sentence


def serve_at_site_address(context, site: Path) -> None:
    """Answer the site's own address from the built files, without opening its port: instant
    navigation only takes over links on the address the site was built for."""

    def answer(route):
        path = unquote(urlparse(route.request.url).path).lstrip("/")
        target = site / path
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            route.fulfill(path=str(target))
        else:
            route.fulfill(status=404, body="not found")

    context.route(SITE_ADDRESS + "**", answer)


def test_instant_navigation_draws_charts_and_tables_again(browser, next_site):
    """mkdocs-material swaps pages without reloading them: charts.js and tables.js must redraw
    and rewire on each page it shows. A marker on `window` survives only if no reload
    happened."""
    context = browser.new_context()
    serve_at_site_address(context, next_site)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    documents: list[str] = []
    page.on("request", lambda r: documents.append(r.url) if r.resource_type == "document" else None)
    page.goto(SITE_ADDRESS, wait_until="networkidle")
    page.evaluate("window.jobtalMarker = 'no reload'")
    page.locator("a.md-button--primary").click()  # "Find dit jobcenter"
    page.wait_for_url(SITE_ADDRESS + "jobcenter/")
    page.wait_for_selector("figure.jobtal-chart [data-vega-spec] svg", timeout=20_000)
    page.get_by_label("Find jobcenter").fill("kø")  # the filter is wired again
    assert page.inner_text("[role=status]") == "1 af 4 jobcentre vises"
    page.locator("#jobtal-index a", has_text="København").click()
    page.wait_for_url(SITE_ADDRESS + "jobcenter/koebenhavn/")
    page.wait_for_function(
        "document.querySelectorAll('[data-vega-spec] svg').length >= 5"
        " && document.querySelectorAll('[data-vega-spec] svg').length"
        " === document.querySelectorAll('[data-vega-spec]').length",
        timeout=20_000,
    )
    # a chart's "open in the table builder": the builder's script, in its page, runs again
    page.get_by_role("link", name="Åbn i tabelbyggeren").first.click()
    page.wait_for_url(SITE_ADDRESS + "tabel/?*")
    page.wait_for_selector("#tabel-table", timeout=20_000)
    page.wait_for_selector("#tabel-chart svg", timeout=20_000)
    assert page.evaluate("window.jobtalMarker") == "no reload"
    assert documents == [SITE_ADDRESS]  # one page load; the rest came by instant navigation
    assert errors == []
    context.close()


# Holds back every request for a chart's or the table builder's data until the test lets it go,
# as a busy machine does between drawing a chart and Vega asking for its file (or between the
# builder's index and its selection's file): the address is read when fetch is called.
HOLD_DATA_REQUESTS = """(() => {
  const fetchNow = window.fetch.bind(window);
  let release; const released = new Promise((resolve) => { release = resolve; });
  window.jobtalHeld = 0;
  window.jobtalRelease = release;
  window.fetch = (address, options) => {
    const held = /figurer\\/|topojson|tabel\\/data\\//.test(String(address));
    if (!held) return fetchNow(address, options);
    window.jobtalHeld += 1;
    return released.then(() => fetchNow(address, options));
  };
})()"""


class HeldRequests:
    """A page of the site whose data requests wait for `release()` (HOLD_DATA_REQUESTS), with
    the status and address of every answer from a data folder."""

    def __init__(self, browser, site: Path):
        self.context = browser.new_context()
        serve_at_site_address(self.context, site)
        self.context.add_init_script(HOLD_DATA_REQUESTS)
        self.page = self.context.new_page()
        self.answered: list[tuple[int, str]] = []
        self.page.on(
            "response",
            lambda r: self.answered.append((r.status, r.url)) if "/data/" in r.url else None,
        )

    def release(self, part: str, count: int) -> list[tuple[int, str]]:
        """Lets the held requests go; the answers whose address has `part`, once there are
        `count` (within 20 s, however busy the machine)."""
        self.page.evaluate("window.jobtalRelease()")
        for _ in range(200):
            answers = [(status, url) for status, url in self.answered if part in url]
            if len(answers) >= count:
                break
            self.page.wait_for_timeout(100)
        return answers


def test_charts_of_a_page_left_early_still_ask_for_their_own_files(browser, next_site):
    """The home page's charts are drawn, and the visitor follows a link before Vega asks for
    their data (the CI run that failed: three 404s). The requests, made after the instant
    navigation has changed the address, must still name the files beside the home page."""
    held = HeldRequests(browser, next_site)
    held.page.goto(SITE_ADDRESS)
    held.page.wait_for_function("window.jobtalHeld >= 3", timeout=20_000)  # the home page's 3
    held.page.locator("a.md-button--primary").click()  # "Find dit jobcenter"
    held.page.wait_for_url(SITE_ADDRESS + "jobcenter/")
    from_home = held.release("land-", 3)
    assert len(from_home) == 3
    assert all(status == 200 for status, _ in from_home), from_home
    assert {url for _, url in from_home} == {
        SITE_ADDRESS + "data/figurer/land-maal.csv",
        SITE_ADDRESS + "data/figurer/land-ydelser.csv",
    }
    held.context.close()


def test_the_table_builder_left_early_still_asks_for_its_own_files(browser, next_site):
    """The builder asks for its selection's file once its index has come; a visitor who has
    left for a profile by then (two folders deep) must not send that request elsewhere."""
    held = HeldRequests(browser, next_site)
    held.page.goto(SITE_ADDRESS + "tabel/")
    held.page.wait_for_function("window.jobtalHeld >= 1", timeout=20_000)  # its index.json
    held.page.evaluate(  # a link the theme's instant navigation takes, as a visitor's click
        """() => { const a = document.createElement('a'); a.href = '../jobcenter/koebenhavn/';
        a.id = 'away'; a.textContent = 'away'; document.querySelector('article').prepend(a); }"""
    )
    held.page.click("#away")
    held.page.wait_for_url(SITE_ADDRESS + "jobcenter/koebenhavn/")
    builder = held.release("tabel/data/", 2)  # the index, then the selection's file
    assert len(builder) == 2, builder
    assert all(status == 200 for status, _ in builder), builder
    assert all(url.startswith(SITE_ADDRESS + "tabel/data/") for _, url in builder), builder
    held.context.close()


FOCUSED = """() => {
  const e = document.activeElement; const r = e.getBoundingClientRect();
  const name = e.getAttribute('aria-label') || e.textContent || '';
  return {tag: e.tagName, name: name.trim().slice(0, 40),
          width: r.width, height: r.height, opacity: getComputedStyle(e).opacity,
          hidden: e.closest('[hidden], [aria-hidden=true]') !== null};
}"""


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("page", ["", "jobcenter/koebenhavn/", "jobcenter/"])
def test_every_tab_stop_can_be_seen(browser, server, page, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    view = context.new_page()
    view.goto(server + page, wait_until="networkidle")
    unseen = []
    for _ in range(45):
        view.keyboard.press("Tab")
        focused = view.evaluate(FOCUSED)
        if focused["opacity"] == "0":  # the theme fades its skip link in: let it
            view.wait_for_timeout(400)
            focused = view.evaluate(FOCUSED)
        if focused["width"] < 1 or focused["height"] < 1 or focused["opacity"] == "0":
            unseen.append(focused)
    assert unseen == []
    context.close()


def test_the_map_can_be_used_by_keyboard(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    view = context.new_page()
    view.goto(server + "jobcenter/", wait_until="networkidle")
    view.wait_for_selector(".jobtal-map-choice:not([hidden]) select")
    # the skip link takes the keyboard past the table to the map's list
    view.get_by_role("link", name="Gå til kortet").focus()
    view.keyboard.press("Enter")
    assert view.evaluate("document.activeElement.closest('.jobtal-map-choice') !== null")
    view.select_option(".jobtal-map-choice select", label="Frederiksberg")
    status = view.locator(".jobtal-map-choice__status")
    status.get_by_role("link").wait_for()
    assert status.inner_text().startswith("Frederiksberg: ")
    assert status.get_by_role("link").get_attribute("href").endswith("jobcenter/frederiksberg/")
    outlined = view.eval_on_selector_all(
        "#chart-kort-andel_befolkning svg path",
        "paths => paths.filter(p => p.getAttribute('stroke') === '#000000').length",
    )
    assert outlined == 1
    context.close()


def test_a_keyboard_reaches_a_profiles_key_figures_from_the_home_page(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    view = context.new_page()
    view.goto(server, wait_until="networkidle")

    def tab_to(condition: str, presses: int = 60) -> None:
        for _ in range(presses):
            view.keyboard.press("Tab")
            if view.evaluate(f"(e => {condition})(document.activeElement)"):
                return
        raise AssertionError(f"no Tab stop where {condition}")

    tab_to("e.textContent.trim() === 'Find dit jobcenter'")
    view.keyboard.press("Enter")
    view.wait_for_url("**/jobcenter/")
    tab_to("e.id === 'jobtal-filter-input'")
    view.keyboard.type("kobenhavn")
    tab_to("e.tagName === 'A' && e.closest('#jobtal-index') !== null")
    assert view.evaluate("document.activeElement.textContent") == "København"
    view.keyboard.press("Enter")
    view.wait_for_url("**/jobcenter/koebenhavn/")
    view.wait_for_load_state("networkidle")
    cards = view.locator(".jobtal-cards").first
    assert cards.is_visible()
    assert "pct." in cards.locator(".jobtal-card__value").first.inner_text()
    context.close()
