"""The charts really draw: each page's Vega-Lite spec is rendered by Vega itself (vl-convert
runs the same JavaScript the site serves) with the files it points at, and must draw one mark
per series that its CSV holds values for."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import vl_convert

from tests.helpers import all_values_rows, charts_of

PAGES = [
    "index.html",
    "jobcenter/index.html",
    "jobcenter/koebenhavn/index.html",
    "indikator/andel_befolkning/index.html",
    "en/jobcenter/koebenhavn/index.html",
]


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def inline_files(node, folder: Path, files: dict[str, Path]):
    """The spec with every data `url` replaced by the file's content, so vl-convert needs no
    file access; `files` collects the files read."""
    if isinstance(node, dict):
        if "url" in node and "format" in node:
            path = (folder / node["url"]).resolve()
            files[node["url"]] = path
            if path.suffix == ".csv":
                values = read_csv(path)
                fmt = {k: v for k, v in node["format"].items() if k != "type"}
            else:
                values = json.loads(path.read_text(encoding="utf-8"))
                fmt = node["format"]
            return {"values": values, "format": fmt}
        return {key: inline_files(value, folder, files) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_files(value, folder, files) for value in node]
    return node


def drawn(svg: str, role: str) -> int:
    """How many marks Vega drew with this ARIA role description ('line mark', 'bar' ...)."""
    return len(re.findall(f'aria-roledescription="{role}"', svg))


INDEXOF = re.compile(r"indexof\((\[.*\]), datum\.(\w+)\) >= 0")


def chosen_series(spec: dict) -> list[tuple[list[str], str]]:
    """The (codes, field) of every `indexof([codes], datum.field)` filter of a chart."""
    found = []
    for layer in [spec, *spec.get("layer", [])]:
        for transform in layer.get("transform", []):
            condition = transform.get("filter")
            match = INDEXOF.fullmatch(condition) if isinstance(condition, str) else None
            if match:
                found.append((json.loads(match.group(1)), match.group(2)))
    return found


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_draws_its_csv(tiny_site, page):
    page_path = tiny_site / page
    charts = charts_of(page_path)
    assert charts, "the page has charts"
    for chart_id, spec in charts:
        files: dict[str, Path] = {}
        spec = inline_files(spec, page_path.parent, files)
        csvs = [path for path in files.values() if path.suffix == ".csv"]
        assert len(csvs) == 1, chart_id
        rows = read_csv(csvs[0])
        for layer in spec.get("layer", [spec]):
            layer.pop("width", None)
        spec["width"] = 400
        svg = vl_convert.vegalite_to_svg(spec)
        if chart_id.startswith("chart-kort"):
            # every municipality of the boundaries is drawn, the published ones in colour
            assert drawn(svg, "geoshape") == 98, chart_id
            assert "<a " not in svg  # links are for the table; the map opens them on a click
        elif chart_id == "chart-gruppe":
            assert drawn(svg, "bar") == len([r for r in rows if r["value"]]), chart_id
        else:
            # the series a chart draws where it names them (a target's indicator, the largest
            # benefits), else every series of its CSV
            for chosen, field in chosen_series(spec):
                rows = [r for r in rows if r[field] in chosen]
            # a suppressed series still has its (empty) line and its place in the legend
            series = {(r["indicator"], r["benefit"], r["area_type"], r["area_code"]) for r in rows}
            assert drawn(svg, "line mark") == len(series), chart_id


def test_profile_compares_the_jobcentre_its_areas_and_neighbours(tiny_site):
    charts = dict(charts_of(tiny_site / "jobcenter" / "koebenhavn" / "index.html"))
    # arbejdskraftreserve (chart-maal-1) has no published value in København: no chart
    assert set(charts) == {
        "chart-ydelser",
        "chart-maal-2",
        "chart-maal-3",
        "chart-sammenligning",
        "chart-forventet",
        "chart-gruppe",
    }
    coloured = charts["chart-sammenligning"]["layer"][1]["encoding"]["color"]
    assert coloured["sort"] == [
        "København",
        "Hovedstadskommuner",
        "Region Hovedstaden",
        "Hele landet",
    ]
    # the neighbour (Frederiksberg) is in the figure's CSV, drawn grey
    url = charts["chart-sammenligning"]["data"]["url"]
    assert url == "../../data/figurer/jobcenter-101-sammenligning.csv"
    rows = read_csv(tiny_site / "jobcenter" / "koebenhavn" / url)
    assert {r["area_name"] for r in rows} == {
        "København",
        "Frederiksberg",
        "Hovedstadskommuner",
        "Region Hovedstaden",
        "Hele landet",
    }


def test_few_lines_are_named_at_their_ends_and_many_are_cut_to_a_handful(tiny_site):
    page = tiny_site / "jobcenter" / "koebenhavn" / "index.html"
    charts = dict(charts_of(page))
    html = page.read_text(encoding="utf-8")
    # actual against expected: two lines, named at their ends, no legend
    files: dict[str, Path] = {}
    spec = inline_files(charts["chart-forventet"], page.parent, files)
    svg = vl_convert.vegalite_to_svg({**spec, "width": 358})
    assert "role-legend" not in svg
    assert "Faktisk andel</text>" in svg and "Forventet andel</text>" in svg
    # København's benefits: at most four drawn, the largest in the latest month, all in the table
    rows = read_csv(page.parent / charts["chart-ydelser"]["data"]["url"])
    latest = max(r["period"] for r in rows)
    size = {r["benefit"]: float(r["value"] or 0) for r in rows if r["period"] == latest}
    [(drawn_benefits, field)] = chosen_series(charts["chart-ydelser"])
    assert field == "benefit" and len(drawn_benefits) <= 4
    smallest_drawn = min(size.get(b, 0) for b in drawn_benefits)
    assert all(size.get(b, 0) <= smallest_drawn for b in size if b not in drawn_benefits)
    assert "største ydelser" in html
    # the jobcentre's own line is thicker than its comparisons'; the grey lines are named
    width = charts["chart-sammenligning"]["layer"][1]["encoding"]["strokeWidth"]
    assert width["condition"]["value"] > width["value"]
    assert "De tynde grå linjer er nabokommunerne: Frederiksberg." in html


def test_english_charts_speak_english(tiny_site):
    charts = dict(charts_of(tiny_site / "en" / "jobcenter" / "koebenhavn" / "index.html"))
    coloured = charts["chart-sammenligning"]["layer"][1]["encoding"]["color"]
    assert coloured["sort"][1:] == [
        "Capital municipalities",
        "Region Hovedstaden",
        "Whole country",
    ]
    assert charts["chart-ydelser"]["encoding"]["x"]["title"] == "Month"
    # the same data files as the Danish pages
    assert (
        charts["chart-ydelser"]["data"]["url"] == "../../../data/figurer/jobcenter-101-ydelser.csv"
    )


def test_the_trend_charts_show_the_last_two_years_of_months():
    """2023-01 .. 2025-12 and a series' quarter: the window starts 23 months before the last
    month, 2024-01; quarters take no part."""
    import duckdb

    from jobtal.publish.figures import TREND_WINDOW_SQL

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE published AS SELECT strftime(d, '%Y-%m') AS period "
        "FROM range(DATE '2023-01-01', DATE '2026-01-01', INTERVAL 1 MONTH) AS t(d) "
        "UNION ALL SELECT '2026-Q1'"
    )
    con.execute(TREND_WINDOW_SQL)
    assert con.execute("SELECT first_month FROM trend_window").fetchone()[0] == "2024-01"


def test_the_map_links_each_municipality_to_its_profile_by_code(tiny_site):
    page = tiny_site / "jobcenter" / "index.html"
    (spec,) = [spec for chart_id, spec in charts_of(page) if chart_id.startswith("chart-kort")]
    lookups = [t for t in spec["transform"] if "lookup" in t]
    # altair keeps inline data among the spec's named datasets
    addresses = next(t for t in lookups if t["from"]["fields"] == ["slug"])
    data = addresses["from"]["data"]
    values = data["values"] if "values" in data else spec["datasets"][data["name"]]
    slugs = {row["area_code"]: row["slug"] for row in values}
    codes = {r["area_code"] for r in all_values_rows(tiny_site) if r["area_type"] == "kommune"}
    assert set(slugs) == codes
    for code, slug in slugs.items():  # each a profile the site has
        assert (page.parent / slug / "index.html").is_file(), (code, slug)
    link = next(t["calculate"] for t in spec["transform"] if t.get("as") == "link")
    assert "datum.slug" in link and "lower(" not in link


def test_a_long_title_is_wrapped_to_fit_a_phone():
    from jobtal.publish.charts import SUBTITLE_CHARACTERS, TITLE_CHARACTERS, wrapped_title

    subtitle = "Danmarks Statistik, Statistikbanken, tabel AUK01, 2007-Q1–2025-Q4"
    title = "Andel af 16-66-årige på offentlig forsørgelse, Holbæk og sammenligninger"
    wrapped = wrapped_title({"text": title, "subtitle": subtitle, "anchor": "start"})
    assert " ".join(wrapped["text"]) == title and " ".join(wrapped["subtitle"]) == subtitle
    assert all(len(line) <= TITLE_CHARACTERS for line in wrapped["text"])
    assert all(len(line) <= SUBTITLE_CHARACTERS for line in wrapped["subtitle"])
    assert wrapped["anchor"] == "start"
    assert wrapped_title("Samtaler") == "Samtaler"  # a title that fits stays one string


def test_line_charts_span_their_values_not_zero(tiny_site):
    from tests.helpers import charts_of

    charts = dict(charts_of(tiny_site / "jobcenter" / "koebenhavn" / "index.html"))
    line_charts = {
        chart_id: spec for chart_id, spec in charts.items() if chart_id != "chart-gruppe"
    }
    assert line_charts
    for chart_id, spec in line_charts.items():
        encodings = [spec.get("encoding", {})] + [
            layer.get("encoding", {}) for layer in spec.get("layer", [])
        ]
        scales = [e["y"]["scale"] for e in encodings if "y" in e and "scale" in e["y"]]
        assert scales and all(scale["zero"] is False for scale in scales), chart_id


def vega_lite_errors(spec: dict) -> list[str]:
    """What the Vega-Lite JSON Schema (altair's copy, the version the site draws) finds wrong."""
    import jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    schema = load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [
        f"{list(error.absolute_path)}: {error.message[:200]}"
        for error in validator.iter_errors(spec)
    ]


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_is_valid_vega_lite(tiny_site, page):
    # the site builds its specs with altair's own checks off (charts.unvalidated): here they are
    charts = charts_of(tiny_site / page)
    assert charts
    for chart_id, spec in charts:
        assert vega_lite_errors(spec) == [], chart_id


def test_a_spec_built_without_altairs_checks_is_the_one_built_with_them():
    from altair.utils.schemapi import debug_mode

    from jobtal.publish import charts
    from jobtal.publish.language import Language

    lang = Language.load("da")
    common = {"y_title": "Personer", "decimals": 1, "lang": lang}
    builds = {
        "two lines": (charts.lines, dict(
            title="Personer", series_field="benefit", series_title="Ydelse",
            series_labels={"dagpenge": "Dagpenge", "alle": "Alle"}, only={"sex": "alle"},
            **common)),
        "one line": (charts.lines, dict(
            title="Personer", series_field="benefit", series_title="Ydelse",
            series_labels={"alle": "Alle"}, **common)),
        "many lines": (charts.lines, dict(
            title="Personer", series_field="area_code", series_title="Område",
            series_labels={"101": "København", "147": "Frederiksberg", "DK": "Hele landet"},
            **common)),
        "series": (charts.period_lines, dict(
            title="AUK01", series_labels={"a": "A", "b": "B"}, series_title="Serie", **common)),
        "comparison": (charts.area_comparison, dict(
            own_code="101", areas={("kommune", "101"): "København", ("land", "DK"): "Hele landet"},
            title="Sammenligning", **common)),
        "ranking": (charts.ranking_bars, dict(
            own_code="101", title="Gruppen", x_title="Pct.", decimals=1, lang=lang)),
        "map": (charts.choropleth, dict(
            topology_url="kommuner.json", title="Kort", legend_title="Pct.", decimals=1,
            pages_url="/jobcenter/", slugs={"101": "koebenhavn"}, lang=lang)),
    }  # fmt: skip
    for name, (build, arguments) in builds.items():
        quick = build("figur.csv", **arguments)
        with debug_mode(True):  # altair's default: every object checked as it is made
            checked = build.__wrapped__("figur.csv", **arguments)
        assert quick == checked, name
        assert vega_lite_errors(quick) == [], name
    # and the checks are really off in a build, and on again after it: an object altair's
    # schema refuses is refused only with them on
    import altair as alt
    from altair.utils import schemapi

    @charts.unvalidated
    def refused_by_the_schema() -> dict:
        return {"legend": alt.Legend(columns="two").to_dict(validate=False)}

    assert refused_by_the_schema() == {"legend": {"columns": "two"}}
    assert schemapi.DEBUG_MODE
    with pytest.raises(schemapi.SchemaValidationError), debug_mode(True):
        refused_by_the_schema.__wrapped__()
