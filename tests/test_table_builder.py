"""The table builder (/tabel/, SPEC section 7): its data files hold exactly the published values,
and in a real browser an address opens its selection, the keyboard changes it, the address
follows, and the downloads are the published rows. The chart actions every chart has (PNG, SVG,
embed) are tested here too. Expected values are read from the published CSV files and
formatted by hand, never by the code under test."""

from __future__ import annotations

import csv
import gzip
import io
import json
import struct
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from jobtal import paths
from jobtal.publish.page_charts import builder_query
from tests.conftest import CHROMIUM

RELEASE = "2024-04"  # the next-month site's release
FLAG_NAMES = {"s": "suppressed", "p": "provisional", "-": ""}


def published_rows(site) -> list[dict]:
    with gzip.open(site / "data" / "jobtal.csv.gz", "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def danish(value: str) -> str:
    """The published text '1234.5' as a Danish reader writes it: 1.234,5; '–' for no value."""
    if value == "":
        return "–"
    whole, _, decimals = value.lstrip("-").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    text = grouped + ("," + decimals if decimals else "")
    return ("−" if value.startswith("-") else "") + text


# ---------------------------------------------------------------------- the data files


def test_the_builder_files_hold_exactly_the_published_values(next_site):
    """Every row of jobtal.csv.gz comes back from the builder's files, with its value and flag,
    and the files hold no value that was not published (nothing beyond /data/)."""
    folder = next_site / "tabel" / "data"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    names = {area["id"]: area["name"] for area in index["areas"]}
    rebuilt = set()
    for path in folder.glob("*/*.json.gz"):
        data = json.loads(gzip.decompress(path.read_bytes()))
        indicator = path.parent.name
        benefit, sex, age = path.name.removesuffix(".json.gz").split(".")
        for area, values, flags in zip(data["areas"], data["values"], data["flags"], strict=True):
            assert len(values) == len(flags) == len(data["periods"])
            area_type, code = area.split(":")
            for period, value, flag in zip(data["periods"], values, flags, strict=True):
                if flag == "x":
                    assert value is None  # not published: nothing to show
                    continue
                rebuilt.add(
                    (indicator, benefit, area_type, code, names[area], period, sex, age,
                     value or "", data["unit"], FLAG_NAMES[flag], data["source"])
                )  # fmt: skip
    expected = {
        (r["indicator"], r["benefit"], r["area_type"], r["area_code"], r["area_name"],
         r["period"], r["sex"], r["age_group"], r["value"], r["unit"], r["flag"], r["source"])
        for r in published_rows(next_site)
    }  # fmt: skip
    assert rebuilt == expected
    assert len(rebuilt) == len(published_rows(next_site))  # no row twice
    assert index["release"] == RELEASE
    assert {i["id"] for i in index["indicators"]} == {r[0] for r in expected}


def test_an_area_without_some_of_its_selections_months_has_them_as_not_published(tmp_path):
    """An area that has no row for some of the months its selection holds (a jobcentre that
    began later, an imported series that stops) shows those months as not published ('x',
    no value), in the selection's months; worked out by hand on four published rows."""
    import duckdb

    from jobtal.indicators.engine import load_definitions
    from jobtal.publish.builder import write_builder_files

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE published (indicator VARCHAR, benefit VARCHAR, area_type VARCHAR, "
        "area_code VARCHAR, area_name VARCHAR, period VARCHAR, sex VARCHAR, age_group VARCHAR, "
        "value VARCHAR, unit VARCHAR, flag VARCHAR, source VARCHAR)"
    )
    rows = [  # in published order: København's two months, then Frederiksberg's later one
        ("101", "København", "2024-01", "12", None),
        ("101", "København", "2024-02", None, "suppressed"),
        ("147", "Frederiksberg", "2024-02", "7", "provisional"),
        ("147", "Frederiksberg", "2024-03", "9", None),
    ]
    con.executemany(
        "INSERT INTO published VALUES "
        "('personer', 'alle', 'kommune', ?, ?, ?, 'alle', 'alle', ?, 'personer', ?, 'jobtal')",
        [list(row) for row in rows],
    )
    con.execute(
        "CREATE TABLE areas (municipality_code INTEGER, area_type VARCHAR, area_code VARCHAR)"
    )
    con.execute("CREATE TABLE neighbours (municipality_code INTEGER, neighbour_code INTEGER)")
    write_builder_files(con, tmp_path, load_definitions(), "2024-03", "2024-03", True)
    data = json.loads(
        gzip.decompress((tmp_path / "tabel/data/personer/alle.alle.alle.json.gz").read_bytes())
    )
    assert data["periods"] == ["2024-01", "2024-02", "2024-03"]
    assert data["areas"] == ["kommune:101", "kommune:147"]
    assert data["values"] == [["12", None, None], [None, "7", "9"]]
    assert data["flags"] == ["-sx", "xp-"]
    assert (data["unit"], data["source"]) == ("personer", "jobtal")


def test_the_index_knows_each_jobcentres_relations(next_site):
    index = json.loads((next_site / "tabel" / "data" / "index.json").read_text(encoding="utf-8"))
    areas = {area["id"]: area for area in index["areas"]}
    copenhagen = areas["kommune:101"]
    # tests/tiny_extract.py: København (101) neighbours Frederiksberg (147), group 1, region 1084
    assert copenhagen["neighbours"] == ["kommune:147"]
    assert copenhagen["group"] == "kommunegruppe:1" and copenhagen["region"] == "region:1084"
    assert areas["land:DK"]["da"] == "Hele landet" and areas["land:DK"]["en"] != "Hele landet"


def test_a_charts_builder_address_names_what_it_draws():
    class Row:
        def __init__(self, indicator, benefit, area_type, area_code, period):
            self.indicator, self.benefit, self.period = indicator, benefit, period
            self.area_type, self.area_code = area_type, area_code

    rows = [
        Row("andel_befolkning", "alle", "land", "DK", "2024-02"),
        Row("andel_befolkning", "alle", "kommune", "101", "2024-01"),
        Row("andel_befolkning", "alle", "kommune", "101", "2024-03"),
        Row("forventet_andel", "alle", "kommune", "999", "2023-01"),  # a second indicator
    ]
    assert builder_query(rows) == (
        "indicator=andel_befolkning&benefit=alle&area=land:DK,kommune:101&from=2024-01&to=2024-03"
    )
    several = [Row("fuldtidspersoner", b, "kommune", "101", "2024-01") for b in ("a", "b")]
    assert "benefit=alle" in builder_query(several)


# ---------------------------------------------------------------------- in the browser

browser_only = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")


class Builder:
    """The table builder opened at an address, in a fresh browser context."""

    def __init__(self, browser, server, address: str, **context):
        self.server = server
        self.context = browser.new_context(accept_downloads=True, **context)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(server + address, wait_until="networkidle")
        self.page.wait_for_selector("#tabel-table")
        self.page.wait_for_selector("#tabel-chart svg")

    def table(self) -> list[list[str]]:
        return self.page.eval_on_selector_all(
            "#tabel-table tr",
            "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))",
        )

    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlparse(self.page.url).query)

    def download(self, text: str) -> bytes:
        with self.page.expect_download() as info:
            self.page.get_by_text(text, exact=True).click()
        return info.value.path().read_bytes()

    def close(self):
        self.context.close()


def definition_of(indicator: str) -> dict:
    """An indicator's definition as its file says it."""
    path = paths.INDICATOR_DEFINITIONS / f"{indicator}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


ADDRESSES = [
    # counts, with suppressed cells (Læsø, 825, is too small to publish)
    ("personer", "alle", ["kommune:101", "kommune:825", "land:DK"], "2024-01", "2024-04"),
    # a share with one decimal, one month cut off at each end
    ("andel_befolkning", "alle", ["kommune:147", "region:1084"], "2024-02", "2024-03"),
]


def address(indicator, benefit, areas, first, last) -> str:
    return (
        f"tabel/?indicator={indicator}&benefit={benefit}&area={','.join(areas)}"
        f"&from={first}&to={last}"
    )


def selected(rows, indicator, benefit, areas, first, last) -> list[dict]:
    """The published rows of a selection, area by area in the order chosen, then by period."""
    chosen = [
        r
        for r in rows
        if r["indicator"] == indicator
        and r["benefit"] == benefit
        and r["sex"] == "alle"
        and r["age_group"] == "alle"
        and first <= r["period"] <= last
        and f"{r['area_type']}:{r['area_code']}" in areas
    ]
    return sorted(
        chosen, key=lambda r: (areas.index(f"{r['area_type']}:{r['area_code']}"), r["period"])
    )


@browser_only
@pytest.mark.parametrize("selection", ADDRESSES)
def test_an_address_shows_its_selection_with_the_published_values(
    browser, server, next_site, selection
):
    indicator, benefit, areas, first, last = selection
    builder = Builder(browser, server, address(*selection))
    try:
        rows = selected(published_rows(next_site), *selection)
        names = {f"{r['area_type']}:{r['area_code']}": r["area_name"] for r in rows}
        periods = sorted({r["period"] for r in rows})
        table = builder.table()
        assert table[0] == ["Måned", *[names[a] for a in areas]]
        months = "januar februar marts april".split()
        expected = [
            [f"{months[int(p[5:]) - 1]} {p[:4]}"]
            + [
                danish(next(r["value"] for r in rows if r["period"] == p and
                            f"{r['area_type']}:{r['area_code']}" == a))
                for a in areas
            ]
            for p in periods
        ]  # fmt: skip
        assert table[1:] == expected
        assert builder.query()["area"] == [",".join(areas)]
        assert builder.errors == []
        assert [url for url in builder.requests if not url.startswith(server)] == []
    finally:
        builder.close()


@browser_only
@pytest.mark.parametrize("language", ["", "en/"])
def test_axe_finds_no_violations_in_a_full_selection(browser, server, language):
    from axe_playwright_python.sync_playwright import Axe

    builder = Builder(browser, server, language + address(*ADDRESSES[0]))
    try:
        assert builder.page.query_selector(".jobtal-builder__relations button")  # all controls
        results = Axe().run(builder.page)
        violations = [
            f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
        ]
        assert not violations, "\n".join(violations)
    finally:
        builder.close()


@browser_only
def test_the_latest_month_ranks_each_area_among_its_kind(browser, server, next_site):
    indicator, benefit, areas, first, last = ADDRESSES[1]  # a ranked share; latest 2024-03
    builder = Builder(browser, server, address(*ADDRESSES[1]))
    try:
        shown = builder.page.eval_on_selector_all(
            "#tabel-latest tbody tr", "rows => rows.map(r => r.cells[2].textContent)"
        )
        month = [
            r
            for r in published_rows(next_site)
            if (r["indicator"], r["benefit"], r["sex"], r["age_group"], r["period"])
            == (indicator, benefit, "alle", "alle", last)
            and r["value"]
        ]
        expected = []
        for area in areas:
            kind, code = area.split(":")
            peers = [float(r["value"]) for r in month if r["area_type"] == kind]
            mine = next(float(r["value"]) for r in month if r["area_code"] == code)
            # the best first: where the definition says lower is better, the lowest
            lower_is_better = definition_of(indicator).get("better") == "lower"
            above = sum(1 for value in peers if (value < mine if lower_is_better else value > mine))
            expected.append(f"nr. {above + 1} af {len(peers)}")
        assert shown == expected
    finally:
        builder.close()


@browser_only
def test_a_suppressed_cell_says_why(browser, server):
    builder = Builder(browser, server, address(*ADDRESSES[0]))
    try:
        notes = builder.page.inner_text(".jobtal-builder__notes")
        assert f"Jobtal, udgivelse {RELEASE}, {builder.page.url}" in notes  # how to cite it
        marks = builder.page.eval_on_selector_all(
            "#tabel-table td abbr", "els => els.map(e => [e.textContent, e.title])"
        )
        assert marks and all(text == "–" and "Diskretioneret" in title for text, title in marks)
        assert "Diskretioneret" in builder.page.inner_text(".jobtal-builder__notes")
    finally:
        builder.close()


@browser_only
def test_the_csv_download_is_the_published_rows(browser, server, next_site):
    builder = Builder(browser, server, address(*ADDRESSES[0]))
    try:
        text = builder.download("Hent CSV").decode("utf-8")
        downloaded = list(csv.DictReader(io.StringIO(text)))
        with gzip.open(next_site / "data" / "jobtal.csv.gz", "rt", encoding="utf-8") as f:
            header = f.readline().strip().split(",")
        assert text.splitlines()[0].split(",") == header
        assert downloaded == selected(published_rows(next_site), *ADDRESSES[0])
    finally:
        builder.close()


@browser_only
def test_the_excel_download_opens_in_danish_excel(browser, server, next_site):
    builder = Builder(browser, server, address(*ADDRESSES[1]))
    try:
        raw = builder.download("Hent til Excel (dansk)")
        assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 only after a BOM
        lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        rows = selected(published_rows(next_site), *ADDRESSES[1])
        assert lines[0] == ["Måned", "Frederiksberg", "Region Hovedstaden"]
        for line in lines[1:]:
            for area, cell in zip(ADDRESSES[1][2], line[1:], strict=True):
                value = next(
                    r["value"]
                    for r in rows
                    if f"{r['area_type']}:{r['area_code']}" == area
                    and line[0].endswith(r["period"][:4])
                    and line[0].startswith(("februar", "marts")[int(r["period"][5:]) - 2])
                )
                assert cell == value.replace(".", ",")
        assert len(lines) == 3
    finally:
        builder.close()


@browser_only
def test_the_keyboard_changes_the_selection_and_the_address_follows(browser, server):
    builder = Builder(browser, server, address(*ADDRESSES[1]))
    page = builder.page
    try:
        page.focus("#tabel-benefit")
        before = builder.query()["benefit"]
        page.keyboard.press("Home")  # the first benefit
        page.wait_for_function("!location.search.includes('benefit=alle')")
        assert builder.query()["benefit"] != before
        assert page.evaluate("document.activeElement.id") == "tabel-benefit"
        # type to find a jobcentre, Enter adds it as the last column
        page.focus("#tabel-area-search")
        page.keyboard.type("Hjørring")
        page.keyboard.press("Enter")
        page.wait_for_function("location.search.includes('kommune:860')")
        assert builder.query()["area"] == ["kommune:147,region:1084,kommune:860"]
        assert builder.table()[0][-1] == "Hjørring"
        # the first jobcentre's neighbours in one keypress (Frederiksberg's: København)
        page.get_by_role("button", name="Tilføj nabokommuner").focus()
        page.keyboard.press("Enter")
        page.wait_for_function("location.search.includes('kommune:101')")
        # every control is reachable with Tab and has a name
        names = []
        page.focus("#tabel-indicator")
        for _ in range(40):
            names.append(
                page.evaluate(
                    "(() => { const e = document.activeElement;"
                    " return e.closest('#jobtal-builder') ? (e.labels && e.labels[0] ?"
                    " e.labels[0].textContent : e.getAttribute('aria-label') || e.textContent)"
                    " : null })()"
                )
            )
            page.keyboard.press("Tab")
        reached = [n for n in names if n]
        # (the region is chosen already: its button is disabled, and so out of the Tab order)
        for wanted in (
            "Indikator",
            "Ydelse",
            "Fra",
            "Til",
            "Fjern Hjørring",
            "Tilføj kommunegruppe",
        ):
            assert wanted in reached, reached
    finally:
        builder.close()


@browser_only
def test_an_address_that_cannot_be_shown_falls_back_with_a_message(browser, server):
    """The address parsing on its own (window.jobtalBuilder.parseAddress) with a hand-made
    index: each unknown part falls back to the default and says so."""
    builder = Builder(browser, server, "tabel/")
    try:
        index = {
            "indicators": [
                {"id": "personer", "title": {"da": "Personer"}, "benefits": ["dagpenge", "alle"],
                 "breakdowns": [["alle", "alle"], ["K", "alle"]], "first": "2023-01",
                 "last": "2024-12", "rank": False},
                {"id": "andel_befolkning", "title": {"da": "Andel"}, "benefits": ["alle"],
                 "breakdowns": [["alle", "alle"]], "first": "2023-01", "last": "2024-12",
                 "rank": True},
            ],
            "benefits": {"alle": {"da": "Alle ydelser"}, "dagpenge": {"da": "A-dagpenge"}},
            "areas": [{"id": "land:DK"}, {"id": "kommune:101"}],
        }  # fmt: skip
        texts = builder.page.evaluate(
            "JSON.parse(document.getElementById('jobtal-builder').getAttribute('data-texts'))"
        )

        def parse(search):
            return builder.page.evaluate(
                "([s, i, t]) => window.jobtalBuilder.parseAddress(s, i, t, 'da')",
                [search, index, texts],
            )

        unknown = parse("?indicator=nope&area=kommune:101,kommune:999&from=2024-06&to=2024-01")
        assert unknown["selection"] == {
            "indicator": "andel_befolkning",  # the default indicator
            "benefit": "alle",
            "sex": "alle",
            "age_group": "alle",
            "areas": ["kommune:101"],  # the unknown area left out
            "from": "2024-01",  # the months swapped
            "to": "2024-06",
        }
        assert unknown["messages"] == [
            "Indikatoren »nope« findes ikke; tabellen viser Andel.",
            "Området »kommune:999« findes ikke og er udeladt.",
            "Fra-måneden lå efter til-måneden; de er byttet om.",
        ]
        plain = parse("")
        assert plain["messages"] == []
        # the defaults: the country, the last 24 months of the default indicator
        assert plain["selection"]["areas"] == ["land:DK"]
        assert (plain["selection"]["from"], plain["selection"]["to"]) == ("2023-01", "2024-12")
        odd = parse("?indicator=personer&benefit=x&sex=Q&from=24-1")
        assert odd["selection"]["benefit"] == "alle" and odd["selection"]["sex"] == "alle"
        assert len(odd["messages"]) == 3
        assert (
            builder.page.evaluate(
                "window.jobtalBuilder.addressOf({indicator: 'personer', benefit: 'alle', "
                "areas: ['kommune:101', 'land:DK'], from: '2024-01', to: '2024-03', sex: 'K', "
                "age_group: 'alle'})"
            )
            == "?indicator=personer&benefit=alle&area=kommune:101,land:DK&from=2024-01&to=2024-03"
            "&sex=K"
        )
    finally:
        builder.close()


@browser_only
def test_without_javascript_the_page_says_what_it_needs(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server + "tabel/")
        text = page.inner_text("#jobtal-builder")
        assert "kræver JavaScript" in text
        assert page.get_attribute("#jobtal-builder noscript a, #jobtal-builder a", "href")
    finally:
        context.close()


# ---------------------------------------------------------------------- every chart's actions


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@browser_only
def test_a_chart_downloads_as_png_and_svg_with_its_source(browser, server):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(server + "jobcenter/koebenhavn/", wait_until="networkidle")
        page.wait_for_selector(".jobtal-chart__actions")
        figure = page.locator("figure.jobtal-chart").first
        with page.expect_download() as info:
            figure.get_by_role("button", name="Hent som PNG").click()
        width, height = png_size(info.value.path().read_bytes())
        assert width > 100 and height > 100
        with page.expect_download() as info:
            figure.get_by_role("button", name="Hent som SVG").click()
        svg = ET.fromstring(info.value.path().read_bytes())
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        texts = "".join(svg.itertext())
        assert f"Kilde: Jobtal, udgivelse {RELEASE}" in texts
        link = figure.get_by_role("link", name="Åbn i tabelbyggeren")
        assert "tabel/?indicator=" in link.get_attribute("href")
    finally:
        context.close()


@browser_only
def test_the_embed_snippet_draws_the_releases_numbers_anywhere(browser, server):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(server + "jobcenter/koebenhavn/", wait_until="networkidle")
        page.wait_for_selector(".jobtal-chart__actions")
        embed = page.locator(".jobtal-chart__embed").first
        embed.locator("summary").click()
        code = embed.locator("textarea")
        page.wait_for_function("e => e.value.length > 0", arg=code.element_handle(), timeout=10_000)
        snippet = code.input_value()
        assert "data/figurer" not in snippet  # the figures are in the snippet, not fetched
        assert f"releases/{RELEASE}/" in snippet
        # on a page of its own, served from nowhere, the snippet draws its chart
        other = context.new_page()
        other.set_content(f"<!doctype html><html><body>{snippet}</body></html>")
        other.wait_for_selector(".jobtal-embed svg", timeout=10_000)
        other.close()
    finally:
        context.close()
