"""The pages' chart recipes: which figure each chart draws, its title, axes and text
alternative (a mixin of PageWriter; publish/charts.py makes the Vega-Lite specs)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from urllib.parse import quote

from markupsafe import Markup

from jobtal.indicators.engine import Definition
from jobtal.indicators.series import SeriesDefinition
from jobtal.publish import charts, routes
from jobtal.publish.figures import TARGETS, TREND_BENEFITS
from jobtal.publish.language import Language
from jobtal.publish.model import Chart, Municipality, SiteContent

BENEFIT_LINES = 4  # the benefits a trend chart draws: a handful of lines stays readable on a phone


class PageCharts:
    """The charts a page shows, in the writer's language."""

    content: SiteContent
    lang: Language
    definitions: dict[str, Definition]
    latest_label: str

    def line_chart(
        self,
        chart_id: str,
        key: str,
        root: str,
        *,
        title: str,
        y_title: str,
        field: str,
        labels: dict[str, str],
        series_title: str,
        decimals: int,
        only: dict[str, str] | None = None,
        height: int = 260,
        drawn: list[str] | None = None,
        note: str = "",
    ) -> Chart:
        """A line per series of `labels` (those of `drawn` only, where given: the table under
        the chart has them all)."""
        rows = [
            r
            for r in self.content.figures[key]
            if all(getattr(r, f) == v for f, v in (only or {}).items())
        ]
        url = root + routes.figure_csv(key)
        shown = {code: labels[code] for code in drawn} if drawn is not None else labels
        spec = charts.lines(
            url,
            title=title,
            y_title=y_title,
            series_field=field,
            series_labels=shown,
            series_title=series_title,
            decimals=decimals,
            lang=self.lang,
            only=only,
            height=height,
        )
        periods = sorted({r.period for r in rows})
        latest = {getattr(r, field): r.value for r in rows if r.period == periods[-1]}
        alt = self.lang.t(
            "alt_lines",
            title=title,
            first=self.lang.month(periods[0]),
            last=self.lang.month(periods[-1]),
            latest=", ".join(
                f"{label} {self.lang.number(latest.get(code), decimals)}"
                for code, label in shown.items()
            ),
        )
        table = self.series_table(
            rows, lambda r: getattr(r, field), list(labels), labels, decimals, title
        )
        return self.chart(chart_id, alt, spec, url, table, rows, note=note)

    def chart(
        self,
        chart_id: str,
        alt: str,
        spec: dict,
        url: str,
        table: str,
        rows: list,
        source: str = "",
        note: str = "",
    ) -> Chart:
        """A chart of jobtal's own figures, or of a series from `source`, drawn from `rows`. One
        computed from synthetic data says so in its title and its text, so that no copy of it
        passes for real figures. Its text is 12 px or more (charts.READABLE)."""
        subtitle = source or (self.lang.t("synthetic_title") if self.content.synthetic else "")
        if subtitle:
            spec = {**spec, "title": {"text": spec["title"], "subtitle": subtitle}}
            alt = f"{subtitle}. {alt}"
        if "title" in spec:
            spec = {**spec, "title": charts.wrapped_title(spec["title"])}
        spec = {**spec, "config": charts.READABLE}
        root = url[: url.index(routes.FIGURES)]  # the site's root, from this page
        builder = root + self.lang.prefix + routes.builder(builder_query(rows)) if rows else ""
        spec_json = Markup(charts.spec_json(spec))
        return Chart(chart_id, alt, spec_json, url, table, builder, note, rows=tuple(rows))

    def series_charts(self, m: Municipality, root: str) -> list[Chart]:
        """Other publishers' series for a jobcentre: a chart per source table, its lines the
        table's series, labelled with the source and its periods."""
        key = f"jobcenter-{m.code}-kilder"
        rows = self.content.figures[key]
        by_table: dict[str, list[SeriesDefinition]] = defaultdict(list)
        for definition in self.content.series:
            if definition.on_profiles:
                by_table[definition.source["title"]].append(definition)
        made = []
        for number, (source, group) in enumerate(by_table.items(), start=1):
            mine = [r for r in rows if r.indicator in {d.id for d in group}]
            if all(r.value is None for r in mine):
                continue
            labels = {d.id: getattr(d.title, self.lang.code) for d in group}
            decimals = group[0].decimals
            unit = getattr(group[0].unit, self.lang.code)
            title = labels[group[0].id] if len(group) == 1 else source
            periods = sorted({r.period for r in mine})
            latest = {r.indicator: r.value for r in mine if r.period == periods[-1]}
            spec = charts.period_lines(
                root + routes.figure_csv(key),
                title=title,
                y_title=unit,
                series_labels=labels,
                series_title=self.lang.t("series"),
                decimals=decimals,
                lang=self.lang,
            )
            alt = self.lang.t(
                "alt_series",
                title=title,
                first=periods[0],
                last=periods[-1],
                latest=", ".join(
                    f"{label} {self.lang.number(latest.get(code), decimals)}"
                    for code, label in labels.items()
                ),
            )
            table = self.series_table(
                mine,
                lambda r: r.indicator,
                list(labels),
                labels,
                decimals,
                title,
            )
            made.append(
                self.chart(
                    f"chart-kilde-{number}",
                    alt,
                    spec,
                    root + routes.figure_csv(key),
                    table,
                    mine,
                    source=f"{source}, {periods[0]}–{periods[-1]}",
                    note=" ".join(  # each note once: one table's series may share it
                        dict.fromkeys(
                            getattr(d.note, self.lang.code) for d in group if d.note is not None
                        )
                    ),
                )
            )
        return made

    def benefit_chart(self, key: str, root: str, place: str) -> Chart:
        """The benefits over time: the largest few drawn, every one in the table."""
        title = self.lang.t("chart_benefits", place=place)
        rows = self.content.figures[key]
        latest = max((r.period for r in rows), default="")
        size = {r.benefit: r.value or 0 for r in rows if r.period == latest}
        # the largest in the latest month, in the benefits' own order (ties by it too)
        largest = sorted(TREND_BENEFITS, key=lambda b: -size.get(b, 0))[:BENEFIT_LINES]
        drawn = [b for b in TREND_BENEFITS if b in largest]
        return self.line_chart(
            "chart-ydelser",
            key,
            root,
            title=title,
            y_title=self.unit("fuldtidspersoner"),
            field="benefit",
            labels={b: self.lang.benefit(b) for b in TREND_BENEFITS},
            series_title=self.lang.t("benefit"),
            decimals=0,
            height=300,
            drawn=drawn,
            note=self.lang.t("benefit_chart_note", count=len(drawn), month=self.lang.month(latest))
            if latest and len(drawn) < len(TREND_BENEFITS)
            else "",
        )

    def target_charts(self, key: str, root: str) -> list[Chart]:
        """A small chart per target; none for a target with no published value at all (its
        line would be empty, and the table above says '–')."""
        shown = {r.indicator for r in self.content.figures[key] if r.value is not None}
        return [
            self.line_chart(
                f"chart-maal-{number}",
                key,
                root,
                title=self.title(target),
                y_title=self.unit(target),
                field="indicator",
                labels={target: self.title(target)},
                series_title=self.lang.t("indicator"),
                decimals=self.definitions[target].decimals,
                only={"indicator": target},
                height=160,
            )
            for number, target in enumerate(TARGETS, start=1)
            if target in shown
        ]

    def comparison_chart(self, m: Municipality, root: str) -> Chart:
        key = f"jobcenter-{m.code}-sammenligning"
        rows = self.content.figures[key]
        areas = {
            ("kommune", str(m.code)): m.name,
            ("kommunegruppe", str(m.group_code)): self.lang.group(m.group_name),
            ("region", str(m.region_code)): m.region_name,
            ("land", "DK"): self.lang.t("country"),
        }
        neighbour_names = sorted(
            {(r.area_name, r.area_code) for r in rows if (r.area_type, r.area_code) not in areas}
        )
        share = self.definitions["andel_befolkning"]
        title = self.lang.t("chart_comparison", name=m.name)
        y_title = self.lang.t("share_axis")
        spec = charts.area_comparison(
            root + routes.figure_csv(key),
            own_code=str(m.code),
            areas=areas,
            title=title,
            y_title=y_title,
            decimals=share.decimals,
            lang=self.lang,
        )
        labels = dict(areas) | {("kommune", code): name for name, code in neighbour_names}
        table = self.series_table(
            rows,
            lambda r: (r.area_type, r.area_code),
            list(labels),
            labels,
            share.decimals,
            title,
        )
        periods = sorted({r.period for r in rows})
        alt = self.lang.t(
            "alt_comparison",
            name=m.name,
            neighbours=", ".join(name for name, _ in neighbour_names) or "–",
            first=self.lang.month(periods[0]),
            last=self.lang.month(periods[-1]),
        )
        note = (
            self.lang.t(
                "comparison_neighbours_note",
                names=self.lang.listing([name for name, _ in neighbour_names]),
            )
            if neighbour_names
            else self.lang.t("comparison_no_neighbours_note", name=m.name)
        )
        url = root + routes.figure_csv(key)
        return self.chart("chart-sammenligning", alt, spec, url, table, rows, note=note)

    def expected_chart(self, m: Municipality, root: str) -> Chart:
        return self.line_chart(
            "chart-forventet",
            f"jobcenter-{m.code}-forventet",
            root,
            title=self.lang.t("chart_expected", name=m.name),
            y_title=self.lang.t("share_axis"),
            field="indicator",
            labels={
                "andel_befolkning": self.lang.t("actual_share"),
                "forventet_andel": self.lang.t("expected_share"),
            },
            series_title=self.lang.t("indicator"),
            decimals=self.definitions["andel_befolkning"].decimals,
        )

    def group_chart(self, m: Municipality, root: str) -> Chart:
        key = f"jobcenter-{m.code}-gruppe"
        rows = sorted(
            self.content.figures[key],
            key=lambda r: (r.value is None, -(r.value or 0), r.area_name),
        )
        decimals = self.definitions["andel_befolkning"].decimals
        period = self.lang.month(rows[0].period) if rows else self.latest_label
        title = self.lang.t("chart_group", group=self.lang.group(m.group_name), month=period)
        spec = charts.ranking_bars(
            root + routes.figure_csv(key),
            own_code=str(m.code),
            title=title,
            x_title=self.lang.t("share_axis"),
            decimals=decimals,
            lang=self.lang,
        )
        place = next((i for i, r in enumerate(rows, start=1) if r.area_code == str(m.code)), None)
        alt = self.lang.t(
            "alt_group",
            name=m.name,
            place=place or "–",
            count=len(rows),
            group=self.lang.group_in_text(m.group_name),
            month=period,
        )
        table = self.table_html(
            title,
            [self.lang.t("jobcentre"), self.lang.t("share_axis")],
            [[r.area_name, self.lang.number(r.value, decimals)] for r in rows],
        )
        return self.chart("chart-gruppe", alt, spec, root + routes.figure_csv(key), table, rows)

    def map_chart(self, indicator: str, root: str, lang_root: str) -> Chart | None:
        """The map of an indicator's latest month; None when every value is suppressed (a
        colour scale needs at least one)."""
        key = f"indikator-{indicator}-kort"
        rows = sorted(self.content.figures[key], key=lambda r: r.area_name)
        if all(r.value is None for r in rows):
            return None
        decimals = self.definitions[indicator].decimals
        month = self.lang.month(self.content.figures.latest.get(indicator, "2000-01"))
        title = self.lang.t("chart_map", title=self.title(indicator), month=month)
        spec = charts.choropleth(
            root + routes.figure_csv(key),
            lang_root + routes.TOPOLOGY,
            title=title,
            legend_title=self.unit(indicator),
            decimals=decimals,
            pages_url=lang_root + routes.JOBCENTRES,
            slugs={str(m.code): m.slug for m in self.content.municipalities},
            lang=self.lang,
        )
        shown = [r for r in rows if r.value is not None]

        def extreme(value: float | None) -> str:
            """Every municipality with that (published, rounded) value: ties are named all."""
            if value is None:
                return "–"
            names = ", ".join(r.area_name for r in shown if r.value == value)
            return f"{names} ({self.lang.number(value, decimals)})"

        values = [r.value for r in shown]
        alt = self.lang.t(
            "alt_map",
            title=self.title(indicator),
            month=month,
            highest=extreme(max(values, default=None)),
            lowest=extreme(min(values, default=None)),
        )
        table = self.table_html(
            title,
            [self.lang.t("jobcentre"), self.unit(indicator)],
            [[r.area_name, self.lang.number(r.value, decimals)] for r in rows],
        )
        url = root + routes.figure_csv(key)
        chart = self.chart(f"chart-kort-{indicator}", alt, spec, url, table, rows)
        unit = self.unit(indicator)
        slugs = {str(m.code): m.slug for m in self.content.municipalities}
        choices = tuple(
            (
                r.area_code,
                r.area_name,
                f"{self.lang.number(r.value, decimals)} {unit}" if r.value is not None else "–",
                lang_root + routes.JOBCENTRES + slugs[r.area_code] + "/",
            )
            for r in rows
            if r.area_code in slugs
        )
        return dataclasses.replace(chart, choices=choices)


def builder_query(rows: list) -> str:
    """The table builder's address parameters (SPEC section 7) for the figures a chart draws:
    its (first) indicator, its benefit (all benefits where it draws several), its areas in the
    order drawn and its first and last period. Charts draw totals (figures.TOTALS): sex and age
    group stay 'alle', the builder's default."""
    indicator = rows[0].indicator
    mine = [r for r in rows if r.indicator == indicator]
    benefits = list(dict.fromkeys(r.benefit for r in mine))
    benefit = benefits[0] if len(benefits) == 1 else "alle"
    areas = ",".join(dict.fromkeys(f"{r.area_type}:{r.area_code}" for r in mine))
    periods = sorted(r.period for r in mine)
    parameters = [
        ("indicator", indicator),
        ("benefit", benefit),
        ("area", areas),
        ("from", periods[0]),
        ("to", periods[-1]),
    ]
    return "&".join(f"{name}={quote(value, safe=':,')}" for name, value in parameters)
