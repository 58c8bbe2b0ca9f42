"""Chart specifications (Vega-Lite, made with altair).

A chart carries no data of its own: it reads the published CSV it is drawn from (the same file
the page offers as a download), so pages stay light and a chart can never show numbers the CSV
does not have. The page inlines the spec; site_templates' charts.js draws it with Vega served
from the site, in Danish number and date format."""

from __future__ import annotations

import json

import altair as alt

CSV_FORMAT = alt.CsvDataFormat(type="csv", parse={"value": "number", "period": "date:'%Y-%m'"})


MONTH_AXIS = alt.X(
    "period:T", title="Måned", axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6)
)


def totals_of(indicator: str):
    """Rows of one indicator without sex or age breakdown."""
    return (
        (alt.datum.indicator == indicator)
        & (alt.datum.sex == "alle")
        & (alt.datum.age_group == "alle")
    )


def _published(url: str) -> alt.UrlData:
    return alt.UrlData(url=url, format=CSV_FORMAT)


def area_comparison(
    csv_url: str,
    indicator: str,
    benefit: str,
    title: str,
    y_title: str,
    area_names: list[str],
    decimals: int,
) -> dict:
    """One line per area (the jobcentre, its group, its region, the country) over time."""
    chart = (
        alt.Chart(_published(csv_url), title=title, width="container", height=260)
        .transform_filter(totals_of(indicator) & (alt.datum.benefit == benefit))
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(
            x=MONTH_AXIS,
            y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=True)),
            color=alt.Color(
                "area_name:N",
                title="Område",
                sort=area_names,
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            strokeDash=alt.StrokeDash("area_name:N", sort=area_names, legend=None),
            tooltip=[
                alt.Tooltip("area_name:N", title="Område"),
                alt.Tooltip("period:T", title="Måned", format="%B %Y"),
                alt.Tooltip("value:Q", title=y_title, format=f",.{decimals}f"),
            ],
        )
    )
    return chart.to_dict()


def benefit_trend(
    csv_url: str,
    indicator: str,
    area_code: str,
    benefits: list[str],
    labels: dict[str, str],
    title: str,
    y_title: str,
    decimals: int,
) -> dict:
    """One line per benefit group for one area."""
    label_expr = (
        " : ".join(
            f"datum.benefit === {json.dumps(code)} ? {json.dumps(labels[code])}"
            for code in benefits
        )
        + " : datum.benefit"
    )
    chart = (
        alt.Chart(_published(csv_url), title=title, width="container", height=300)
        .transform_filter(
            totals_of(indicator)
            & (alt.datum.area_code == area_code)
            & (alt.expr.indexof(benefits, alt.datum.benefit) >= 0)
        )
        .transform_calculate(ydelse=label_expr)
        .mark_line()
        .encode(
            x=MONTH_AXIS,
            y=alt.Y("value:Q", title=y_title),
            color=alt.Color(
                "ydelse:N",
                title="Ydelse",
                sort=[labels[b] for b in benefits],
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            tooltip=[
                alt.Tooltip("ydelse:N", title="Ydelse"),
                alt.Tooltip("period:T", title="Måned", format="%B %Y"),
                alt.Tooltip("value:Q", title=y_title, format=f",.{decimals}f"),
            ],
        )
    )
    return chart.to_dict()


def spec_json(spec: dict) -> str:
    """The spec as compact, stable JSON, safe inside a <script> element."""
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":")).replace(
        "</", "<\\/"
    )
