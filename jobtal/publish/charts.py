"""Chart specifications (Vega-Lite, made with altair).

A chart carries no data of its own: it reads its figure's CSV (jobtal/publish/figures.py, the same
file the page offers as a download), so pages stay light and a chart can never show numbers the
CSV does not have. The page inlines the spec; site_templates' charts.js draws it with Vega served
from the site, in the page language's number and date format.

Colours are the Okabe-Ito palette, chosen to stay distinct under the common forms of colour
blindness; lines also differ by dash, so no chart depends on colour alone."""

from __future__ import annotations

import functools
import json
import textwrap
from collections.abc import Callable
from typing import ParamSpec

import altair as alt
from altair.utils.schemapi import debug_mode

from jobtal.publish.language import Language

OKABE_ITO = [
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#999933",  # olive (in place of Okabe-Ito's yellow, too pale on white)
]
NEIGHBOUR_GREY = "#9e9e9e"
# Vega's 10-11 px axis and legend text is small on a phone (issue 20): 12 px throughout
READABLE = {
    "axis": {"labelFontSize": 12, "titleFontSize": 12},
    "legend": {"labelFontSize": 12, "titleFontSize": 12},
}
# A line chart's y axis spans its values, not 0 to the top: a share that moves between 15.2 and
# 15.9 % is a flat line on an axis from 0 (issue 20). Bars and maps keep their zero.
LINE_SCALE = alt.Scale(zero=False, nice=True)
SCHEMA_URL = alt.SCHEMA_URL  # the Vega-Lite version the bundled Vega draws (tabel.js uses it too)
CSV_FORMAT = alt.CsvDataFormat(
    type="csv",
    parse={"value": "number", "period": "date:'%Y-%m'", "area_code": "string"},
)


SpecArguments = ParamSpec("SpecArguments")


def unvalidated(build: Callable[SpecArguments, dict]) -> Callable[SpecArguments, dict]:
    """A spec builder run with altair's debug mode off. In it (altair's default) every object
    altair makes checks itself against the Vega-Lite schema as it is made, again and again as it
    is nested, for specs that differ only in their titles and codes: with it the default demo's
    pages stage took 22.6 s, without it 15.5 s. The specs come out the same, and the tests check
    them against the schema instead (tests/test_charts.py)."""

    @functools.wraps(build)
    def without_checks(*args: SpecArguments.args, **kwargs: SpecArguments.kwargs) -> dict:
        with debug_mode(False):
            return build(*args, **kwargs)

    return without_checks


def _when(test, value) -> dict:
    """A value's condition: `value` where `test` holds. Channels are given as altair's typed
    values (alt.ColorValue(..., condition=...)) rather than alt.value and alt.condition, whose
    plain dicts altair matches against the schema's classes one by one (about 5 ms each)."""
    return {"test": test, "value": value}


def _published(url: str) -> alt.UrlData:
    return alt.UrlData(url=url, format=CSV_FORMAT)


def _labels(field: str, labels: dict[str, str]) -> str:
    """A Vega expression giving each code of `field` its label (the code itself otherwise)."""
    return (
        " : ".join(
            f"datum.{field} === {json.dumps(code)} ? {json.dumps(label)}"
            for code, label in labels.items()
        )
        + f" : datum.{field}"
    )


def _month_axis(lang: Language) -> alt.X:
    return alt.X(
        "period:T", title=lang.t("month"), axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6)
    )


def _tooltip(series_title: str, y_title: str, decimals: int, lang: Language) -> list:
    return [
        alt.Tooltip("series:N", title=series_title),
        alt.Tooltip("period:T", title=lang.t("month"), format="%B %Y"),
        alt.Tooltip("value:Q", title=y_title, format=f",.{decimals}f"),
    ]


@unvalidated
def lines(
    csv_url: str,
    *,
    title: str,
    y_title: str,
    series_field: str,
    series_labels: dict[str, str],
    series_title: str,
    decimals: int,
    lang: Language,
    only: dict[str, str] | None = None,
    height: int = 260,
) -> dict:
    """One line per value of `series_field` (benefit, indicator, area_code) that `series_labels`
    names, labelled and ordered as it; `only` keeps the rows whose fields have these values.
    Two lines are named at their ends (a phone has no room for a legend beside them and no
    hover); more have a legend under the chart."""
    codes = json.dumps(list(series_labels))
    chart = alt.Chart(_published(csv_url), width="container", height=height).transform_filter(
        f"indexof({codes}, datum.{series_field}) >= 0"
    )
    for field, value in (only or {}).items():
        chart = chart.transform_filter(alt.datum[field] == value)
    chart = chart.transform_calculate(series=_labels(series_field, series_labels))
    order = list(series_labels.values())
    named_at_ends = len(order) == 2
    encoding = {
        "x": _month_axis(lang),
        "y": alt.Y("value:Q", title=y_title, scale=LINE_SCALE),
        "tooltip": _tooltip(series_title, y_title, decimals, lang),
    }
    colour = alt.Color(
        "series:N",
        title=series_title,
        sort=order,
        scale=alt.Scale(domain=order, range=OKABE_ITO[: len(order)]),
        legend=None if named_at_ends else alt.Legend(orient="bottom", columns=2, labelLimit=260),
    )
    if len(order) > 1:
        encoding["color"] = colour
        encoding["strokeDash"] = alt.StrokeDash("series:N", sort=order, legend=None)
    else:
        encoding["color"] = alt.ColorValue(OKABE_ITO[0])
    drawn = chart.mark_line(point=alt.OverlayMarkDef(size=14)).encode(**encoding)
    if not named_at_ends:
        return drawn.properties(title=title).to_dict(validate=False)
    return alt.layer(drawn, *_end_labels(chart, colour), title=title).to_dict(validate=False)


def _end_labels(chart: alt.Chart, colour: alt.Color) -> list[alt.Chart]:
    """Each of two lines' names at its last published point, right-aligned so that it stays
    inside the chart: the higher line's above its point, the lower's below, so the two never
    overlap (Vega-Lite has no label placement of its own)."""
    last = (
        chart.transform_filter("isValid(datum.value)")
        .transform_calculate(time="time(datum.period)")
        .transform_joinaggregate(last="max(time)", groupby=["series"])
        .transform_filter("datum.time === datum.last")
        .transform_window(
            place="row_number()",
            sort=[alt.SortField("value", order="descending"), alt.SortField("series")],
        )
    )
    encoding = {
        "x": alt.X("period:T"),
        "y": alt.Y("value:Q"),
        "text": alt.Text("series:N"),
        "color": colour,
    }
    common = {"align": "right", "fontSize": 12, "fontWeight": "bold"}
    return [
        last.transform_filter("datum.place === 1")
        .mark_text(baseline="bottom", dy=-7, **common)
        .encode(**encoding),
        last.transform_filter("datum.place > 1")
        .mark_text(baseline="top", dy=7, **common)
        .encode(**encoding),
    ]


# The start of an imported series' period: '2024-Q2' and '2024-Q2-MAT' at their quarter's first
# month, '2024-05' at its month, '2024' at January
PERIOD_START = (
    "datetime(toNumber(slice(datum.period, 0, 4)), "
    "indexof(datum.period, '-Q') > 0 ? (toNumber(slice(datum.period, 6, 7)) - 1) * 3 "
    ": length(datum.period) >= 7 ? toNumber(slice(datum.period, 5, 7)) - 1 : 0, 1)"
)


@unvalidated
def period_lines(
    csv_url: str,
    *,
    title: str,
    y_title: str,
    series_labels: dict[str, str],
    series_title: str,
    decimals: int,
    lang: Language,
) -> dict:
    """Another publisher's series (one line per indicator of `series_labels`), whose periods
    may be quarters, moving years or years as well as months: the period is kept as text
    for the tooltip and placed on a time axis at its start."""
    data = alt.UrlData(
        url=csv_url,
        format=alt.CsvDataFormat(type="csv", parse={"value": "number", "period": "string"}),
    )
    order = list(series_labels.values())
    codes = json.dumps(list(series_labels))
    chart = (
        alt.Chart(data, title=title, width="container", height=220)
        .transform_filter(f"indexof({codes}, datum.indicator) >= 0")
        .transform_calculate(series=_labels("indicator", series_labels), start=PERIOD_START)
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", labelAngle=0, tickCount=6)),
            y=alt.Y("value:Q", title=y_title, scale=LINE_SCALE),
            color=alt.Color(
                "series:N",
                title=series_title,
                sort=order,
                scale=alt.Scale(domain=order, range=OKABE_ITO[: len(order)]),
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=320)
                if len(order) > 1
                else None,
            ),
            strokeDash=alt.StrokeDash("series:N", sort=order, legend=None),
            tooltip=[
                alt.Tooltip("series:N", title=series_title),
                alt.Tooltip("period:N", title=lang.t("period")),
                alt.Tooltip("value:Q", title=y_title, format=f",.{decimals}f"),
            ],
        )
    )
    return chart.to_dict(validate=False)


@unvalidated
def area_comparison(
    csv_url: str,
    *,
    own_code: str,
    areas: dict[tuple[str, str], str],
    title: str,
    y_title: str,
    decimals: int,
    lang: Language,
) -> dict:
    """The jobcentre, its group, region and country as coloured lines over its neighbours as
    thin grey ones. `areas` maps (area_type, area_code) of the coloured lines to their labels."""
    data = _published(csv_url)
    is_neighbour = (alt.datum.area_type == "kommune") & (alt.datum.area_code != own_code)
    is_own = (alt.datum.area_type == "kommune") & (alt.datum.area_code == own_code)
    label = (
        " : ".join(
            f"datum.area_type === {json.dumps(t)} && datum.area_code === {json.dumps(c)} "
            f"? {json.dumps(name)}"
            for (t, c), name in areas.items()
        )
        + " : datum.area_name"
    )
    base = alt.Chart(data, width="container", height=280).transform_calculate(series=label)
    neighbours = (
        base.transform_filter(is_neighbour)
        .mark_line(strokeWidth=1, color=NEIGHBOUR_GREY)
        .encode(
            x=_month_axis(lang),
            y=alt.Y("value:Q", title=y_title, scale=LINE_SCALE),
            detail=alt.Detail("area_code:N"),
            tooltip=_tooltip(lang.t("neighbour"), y_title, decimals, lang),
        )
    )
    order = list(areas.values())
    main = (
        base.transform_filter(~is_neighbour)
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            # the jobcentre stands out: its line twice as thick as its comparisons'
            strokeWidth=alt.StrokeWidthValue(2, condition=_when(is_own, 4.5)),
            x=_month_axis(lang),
            y=alt.Y("value:Q", title=y_title, scale=LINE_SCALE),
            color=alt.Color(
                "series:N",
                title=lang.t("area"),
                sort=order,
                scale=alt.Scale(domain=order, range=OKABE_ITO[: len(order)]),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=260),
            ),
            strokeDash=alt.StrokeDash("series:N", sort=order, legend=None),
            tooltip=_tooltip(lang.t("area"), y_title, decimals, lang),
        )
    )
    return alt.layer(neighbours, main, title=title).to_dict(validate=False)


@unvalidated
def ranking_bars(
    csv_url: str,
    *,
    own_code: str,
    title: str,
    x_title: str,
    decimals: int,
    lang: Language,
) -> dict:
    """The jobcentres of one group in one month, highest first, the jobcentre itself marked."""
    chart = (
        alt.Chart(_published(csv_url), title=title, width="container")
        .transform_calculate(own=alt.datum.area_code == own_code)
        .mark_bar()
        .encode(
            y=alt.Y("area_name:N", title=None, sort="-x"),
            x=alt.X("value:Q", title=x_title),
            color=alt.ColorValue(OKABE_ITO[0], condition=_when(alt.datum.own, OKABE_ITO[1])),
            tooltip=[
                alt.Tooltip("area_name:N", title=lang.t("jobcentre")),
                alt.Tooltip("value:Q", title=x_title, format=f",.{decimals}f"),
            ],
        )
        .properties(height=alt.Step(16))
    )
    return chart.to_dict(validate=False)


CHOSEN = "chosen"  # the map's signal naming the municipality chosen from the list under it


@unvalidated
def choropleth(
    csv_url: str,
    topology_url: str,
    *,
    title: str,
    legend_title: str,
    decimals: int,
    pages_url: str,
    slugs: dict[str, str],
    lang: Language,
) -> dict:
    """Denmark's municipalities coloured by the figure's value. Each carries the address of its
    profile (`pages_url` + its slug, from `slugs` by municipality code, + '/') as `link`, which
    charts.js opens on a click; not as Vega's `href`, which would put 98 unlabelled links in
    the keyboard's way (the table beside the map has the same links). Municipalities without a
    published value are grey. The slugs are data, not worked out in a Vega expression: the
    site's own (jobtal.publish.formatting.slug) are the only ones."""
    addresses = alt.LookupData(
        data=alt.InlineData(values=[{"area_code": c, "slug": s} for c, s in sorted(slugs.items())]),
        key="area_code",
        fields=["slug"],
    )
    values = alt.LookupData(
        data=_published(csv_url), key="area_code", fields=["value", "area_name"]
    )
    shapes = alt.TopoDataFormat(type="topojson", feature="kommuner")
    chosen = alt.param(name=CHOSEN, value="")
    is_chosen = f"datum.area_code === {CHOSEN}"
    chart = (
        alt.Chart(alt.UrlData(url=topology_url, format=shapes), title=title)
        .transform_calculate(area_code="datum.properties.kode")
        .transform_lookup(lookup="area_code", from_=values)
        .transform_lookup(lookup="area_code", from_=addresses)
        .transform_calculate(
            name="datum.properties.navn",
            link=f"datum.area_name && datum.slug ? {json.dumps(pages_url)} + datum.slug + '/'"
            " : null",
        )
        # invalid=None: a municipality without a value stays on the map (grey) instead of vanishing
        .mark_geoshape(cursor="pointer", invalid=None)
        .add_params(chosen)
        .encode(
            # the municipality chosen in the list under the map (charts.js sets `chosen`) is
            # outlined: the keyboard's way round the map
            stroke=alt.StrokeValue("white", condition=_when(is_chosen, "#000000")),
            strokeWidth=alt.StrokeWidthValue(0.4, condition=_when(is_chosen, 3)),
            order=alt.OrderValue(0, condition=_when(is_chosen, 1)),
            color=alt.Color(
                "value:Q",
                title=legend_title,
                scale=alt.Scale(scheme="viridis", reverse=True),
                legend=alt.Legend(orient="bottom", format=f",.{decimals}f", gradientLength=220),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=lang.t("jobcentre")),
                alt.Tooltip("value:Q", title=legend_title, format=f",.{decimals}f"),
            ],
        )
        .project(type="mercator")
        .properties(width="container", height=440)
    )
    spec = chart.to_dict(validate=False)
    spec["encoding"]["color"]["condition"] = {"test": "!isValid(datum.value)", "value": "#d0d0d0"}
    return spec


# Vega does not wrap titles: at 390 px a chart is about 358 px wide, which holds about 40
# characters of a bold 13 px title and 52 of an 11 px subtitle (measured in Chromium).
TITLE_CHARACTERS = 40
SUBTITLE_CHARACTERS = 52


def wrapped_title(title: str | dict) -> str | dict:
    """A chart title (text or {"text", "subtitle", ...}) in lines that fit a phone's chart; a
    line that fits stays a plain string."""

    def lines(text, width: int):
        if not isinstance(text, str) or len(text) <= width:
            return text
        return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)

    if isinstance(title, str):
        return lines(title, TITLE_CHARACTERS)
    wrapped = {**title, "text": lines(title.get("text", ""), TITLE_CHARACTERS)}
    if "subtitle" in title:
        wrapped["subtitle"] = lines(title["subtitle"], SUBTITLE_CHARACTERS)
    return wrapped


def spec_json(spec: dict) -> str:
    """The spec as compact, stable JSON that can stand as it is in a single-quoted HTML
    attribute (', &, < and > written as JSON escapes). An attribute, not a <script> element:
    mkdocs-material's instant navigation re-creates a page's scripts without their type, and
    would run the JSON as JavaScript. (Specs are built without altair's schema validation,
    which costs a tenth of a second each; the tests render every kind of chart with Vega.)"""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for character in "'&<>":
        text = text.replace(character, f"\\u{ord(character):04x}")
    return text
