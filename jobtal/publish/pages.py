"""The site's pages as Markdown for mkdocs, rendered from site_templates/pages with jinja2, once
per language.

`SiteContent` reads what the pages show from DuckDB once (it is the same in both languages);
`PageWriter` turns it into one language's pages. Everything a template shows arrives as a
ready-made string in the page's language (numbers, months, sentences); templates only lay it out."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2
from markupsafe import Markup

from jobtal import paths
from jobtal.indicators.engine import Definition
from jobtal.indicators.series import SeriesDefinition
from jobtal.log import progress
from jobtal.publish import charts
from jobtal.publish.escaping import address_or_text, front_matter, markdown_text
from jobtal.publish.figures import TARGETS, TREND_BENEFITS, FigureRow, Figures
from jobtal.publish.formatting import slug
from jobtal.publish.language import Language
from jobtal.publish.releases import Release
from jobtal.publish.tables import CSV_FIELDS, DATA
from jobtal.vocabulary import BENEFITS

FIGURE_INDICATORS = ["personer", "fuldtidspersoner", "andel_befolkning"]
TOPOLOGY = "assets/kommuner.topojson"  # under each language's root, copied from datasets/geo
MOVERS = 5  # jobcentres listed as rising most and falling most on the home page
NUMERIC = re.compile(r"[−+]?[0-9.,]+|–|")  # cells aligned right, as numbers


@dataclass(frozen=True)
class Municipality:
    code: int
    name: str
    slug: str
    group_code: int
    group_name: str
    region_code: int
    region_name: str
    neighbours: tuple[int, ...]


@dataclass(frozen=True)
class Comparison:
    """One jobcentre's latest value of one indicator, compared (jobtal/comparisons.py)."""

    indicator: str
    period: str
    value: float | None
    change: float | None
    rank: int | None
    ranked_of: int | None
    neighbour_mean: float | None
    group_value: float | None
    region_value: float | None
    country_value: float | None


@dataclass(frozen=True)
class Chart:
    id: str
    alt: str
    spec_json: str
    csv_url: str
    table: str


def number_or_none(value) -> float | None:
    return None if value is None else float(value)


class SiteContent:
    """Everything the pages show, read from the build's DuckDB tables once."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        definitions: list[Definition],
        reference_month: str,
        synthetic: bool,
        release: Release,
        series: list[SeriesDefinition] = (),
        data_sizes: dict[str, int] | None = None,
    ):
        self.definitions = {d.id: d for d in definitions}
        # every published data file (its path in the site) -> bytes, for the /data/ page
        self.data_sizes = data_sizes or {}
        self.reference_month = reference_month
        self.synthetic = synthetic
        self.release = release  # the release this build publishes
        self.series = list(series)  # other publishers' series the package has
        neighbours = defaultdict(list)
        for code, neighbour in con.execute(
            "SELECT municipality_code, neighbour_code FROM neighbours ORDER BY 1, 2"
        ).fetchall():
            neighbours[code].append(neighbour)
        self.municipalities = [
            Municipality(
                code,
                name,
                slug(name),
                group,
                group_name,
                region,
                region_name,
                tuple(neighbours[code]),
            )  # fmt: skip
            for code, name, group, group_name, region, region_name in con.execute(
                "SELECT m.municipality_code, m.municipality_name, m.municipality_group, "
                "g.group_name, m.region_code, r.region_name FROM municipalities AS m "
                "JOIN municipality_group_names AS g USING (municipality_group) "
                "JOIN regions AS r USING (region_code) ORDER BY m.municipality_name"
            ).fetchall()
        ]
        self.by_code = {m.code: m for m in self.municipalities}
        # the latest month's totals (no sex or age breakdown) of every indicator, for every area
        # and benefit: {(indicator, "area_type:area_code", benefit): value or None}
        self.latest: dict[tuple[str, str, str], float | None] = {
            (indicator, area, benefit): number_or_none(value)
            for indicator, area, benefit, value in con.execute(
                "SELECT indicator, area_type || ':' || area_code, benefit, numeric_value "
                "FROM published WHERE sex = 'alle' AND age_group = 'alle' "
                "AND period = ?",
                [reference_month],
            ).fetchall()
        }
        self.figures = Figures(con, definitions, self.series)
        # each jobcentre's comparisons in the latest month of every indicator, for its
        # headline benefit (all benefits where the indicator has them)
        compared = con.execute(
            "SELECT c.municipality_code, c.indicator, c.period, c.value, c.change_from_last_year, "
            "c.rank, c.ranked_of, c.neighbour_mean, c.group_value, c.region_value, "
            "c.country_value FROM comparisons AS c "
            "JOIN headline_benefits USING (indicator, benefit) "
            "JOIN latest_periods USING (indicator, period) ORDER BY c.municipality_code"
        ).fetchall()
        self.comparisons: dict[int, dict[str, Comparison]] = defaultdict(dict)
        for code, indicator, period, *numbers in compared:
            value, change, rank, ranked_of, *others = numbers
            self.comparisons[code][indicator] = Comparison(
                indicator,
                period,
                number_or_none(value),
                number_or_none(change),
                rank,
                ranked_of,
                *(number_or_none(n) for n in others),
            )

    def value(self, indicator: str, area: str, benefit: str = "alle") -> float | None:
        """The reference month's value; None where suppressed or missing."""
        return self.latest.get((indicator, area, benefit))


class PageWriter:
    """Writes one language's pages into a docs folder."""

    def __init__(self, content: SiteContent, lang: Language, site_url: str | None = None):
        self.content = content
        self.lang = lang
        self.site_url = site_url
        # the tables of each built page ('en/jobcenter/x/index.html'), by their marker
        self.tables: dict[str, dict[str, str]] = {}
        self.pending_tables: dict[str, str] = {}  # those of the page being rendered
        self.definitions = content.definitions
        self.latest_label = lang.month(content.reference_month)
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(paths.PAGE_TEMPLATES),
            # pages are Markdown: every printed value is escaped for it (jobtal.publish.escaping)
            autoescape=False,
            finalize=markdown_text,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        self.environment.filters["front_matter"] = front_matter
        # jobtal's own SQL in a fenced code block, which Markdown shows as it is
        self.environment.filters["code"] = Markup

    def text(self, key: str, **values):
        """The interface text `key` with its placeholders filled in, each value escaped as
        text: Markup, as the text is jobtal's own Markdown. (self.lang.t gives the plain text,
        for charts and tables, which escape it where it lands.)"""
        found = self.lang.t(
            key,
            **{
                name: address_or_text(v) if name == "url" else markdown_text(v, line_start=False)
                for name, v in values.items()
            },
        )
        return Markup(found) if isinstance(found, str) else found

    # ------------------------------------------------------------------ formatting

    def definition(self, indicator: str):
        """An indicator's definition, or a published series'."""
        if indicator in self.definitions:
            return self.definitions[indicator]
        return next(s for s in self.content.series if s.id == indicator)

    def title(self, indicator: str) -> str:
        return getattr(self.definition(indicator).title, self.lang.code)

    def unit(self, indicator: str) -> str:
        return getattr(self.definition(indicator).unit, self.lang.code)

    def description(self, indicator: str) -> str:
        return getattr(self.definition(indicator).description, self.lang.code)

    def latest_shown(self, indicator: str, area: str, benefit: str = "alle") -> str:
        """The reference month's value of an area, formatted."""
        return self.shown(indicator, self.content.value(indicator, area, benefit))

    def shown(self, indicator: str, value: float | None) -> str:
        return self.lang.number(value, self.definitions[indicator].decimals)

    def table(self, caption: str, headings: list[str], rows: list[list[str]], css: str = "") -> str:
        """An HTML table; the first cell of each row is its heading. Cells may hold links as
        (text, href) pairs."""
        cells = [
            [
                {"text": c, "href": None} if isinstance(c, str) else {"text": c[0], "href": c[1]}
                for c in row
            ]
            for row in rows
        ]
        for row in cells:
            for cell in row:
                cell["numeric"] = NUMERIC.fullmatch(cell["text"]) is not None
        html = (
            self.environment.get_template("_table.html.j2")
            .render(table={"caption": caption, "headings": headings, "rows": cells, "css": css})
            .strip()
        )
        # The page gets a marker; the table goes into the built HTML after mkdocs (see
        # splice_tables): parsing thousands of table cells per page was most of mkdocs' time,
        # and search has no use for them.
        marker = f"<!-- jobtal-table {len(self.pending_tables)} -->"
        self.pending_tables[marker] = html
        return Markup(marker)

    def render(self, template: str, page: str, docs: Path, **context) -> None:
        """Render `template` as the page at `page` (its path under the language's root, '' for
        the home page)."""
        root = self.root_of(page)  # from the page to the site's root
        lang_root = "../" * page.count("/")  # from the page to this language's root
        other = self.lang.other
        other_url = root + other.prefix + page
        target = docs / page / "index.md" if page else docs / "index.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = self.environment.get_template(template).render(
            t=self.text,
            lang=self.lang.code,
            synthetic=context.pop("synthetic", self.content.synthetic),
            latest_label=self.latest_label,
            root=root,
            lang_root=lang_root,
            other_url=other_url or "./",
            other_lang=other.code,
            release_note=self.release_note(lang_root),
            **context,
        )
        target.write_text(text, encoding="utf-8")
        if self.pending_tables:
            self.tables[f"{self.lang.prefix}{page}index.html"] = self.pending_tables
            self.pending_tables = {}

    # ------------------------------------------------------------------ tables and charts

    def series_table(
        self,
        rows: list[FigureRow],
        series_of,
        series_order: list,
        labels: dict,
        decimals: int,
        caption: str,
        period_label=None,
    ) -> str:
        """Periods down, series across: the numbers a line chart draws."""
        period_label = period_label or self.lang.month
        values: dict[str, dict] = defaultdict(dict)
        for row in rows:
            values[row.period][series_of(row)] = row.value
        headings = [self.lang.t("month")] + [labels[s] for s in series_order]
        body = [
            [period_label(period)]
            + [self.lang.number(values[period].get(s), decimals) for s in series_order]
            for period in sorted(values)
        ]
        return self.table(caption, headings, body)

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
    ) -> Chart:
        rows = [
            r
            for r in self.content.figures[key]
            if all(getattr(r, f) == v for f, v in (only or {}).items())
        ]
        url = root + Figures.url(key)
        spec = charts.lines(
            url,
            title=title,
            y_title=y_title,
            series_field=field,
            series_labels=labels,
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
                for code, label in labels.items()
            ),
        )
        table = self.series_table(
            rows, lambda r: getattr(r, field), list(labels), labels, decimals, title
        )
        return self.chart(chart_id, alt, spec, url, table)

    def chart(
        self, chart_id: str, alt: str, spec: dict, url: str, table: str, source: str = ""
    ) -> Chart:
        """A chart of jobtal's own figures, or of a series from `source`. One computed from
        synthetic data says so in its title and its text, so that no copy of it passes for
        real figures."""
        note = source or (self.lang.t("synthetic_title") if self.content.synthetic else "")
        if note:
            spec = {**spec, "title": {"text": spec["title"], "subtitle": note}}
            alt = f"{note}. {alt}"
        return Chart(chart_id, alt, Markup(charts.spec_json(spec)), url, table)

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
                root + Figures.url(key),
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
                period_label=str,
            )
            made.append(
                self.chart(
                    f"chart-kilde-{number}",
                    alt,
                    spec,
                    root + Figures.url(key),
                    table,
                    source=f"{source}, {periods[0]}–{periods[-1]}",
                )
            )
        return made

    def benefit_chart(self, key: str, root: str, place: str) -> Chart:
        title = self.lang.t("chart_benefits", place=place)
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
            root + Figures.url(key),
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
        return self.chart("chart-sammenligning", alt, spec, root + Figures.url(key), table)

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
            root + Figures.url(key),
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
        table = self.table(
            title,
            [self.lang.t("jobcentre"), self.lang.t("share_axis")],
            [[r.area_name, self.lang.number(r.value, decimals)] for r in rows],
        )
        return self.chart("chart-gruppe", alt, spec, root + Figures.url(key), table)

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
            root + Figures.url(key),
            lang_root + TOPOLOGY,
            title=title,
            legend_title=self.unit(indicator),
            decimals=decimals,
            pages_url=lang_root + "jobcenter/",
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
        table = self.table(
            title,
            [self.lang.t("jobcentre"), self.unit(indicator)],
            [[r.area_name, self.lang.number(r.value, decimals)] for r in rows],
        )
        return self.chart(f"chart-kort-{indicator}", alt, spec, root + Figures.url(key), table)

    # ------------------------------------------------------------------ sentences and figures

    def share_sentence(self, m: Municipality | None) -> str:
        value = self.content.value
        share = self.definitions["andel_befolkning"].decimals
        country = self.lang.number(value("andel_befolkning", "land:DK"), share)
        if m is None:
            return self.lang.t("summary_country", month=self.latest_label, country=country)
        own = value("andel_befolkning", f"kommune:{m.code}")
        group_share = value("andel_befolkning", f"kommunegruppe:{m.group_code}")
        # a suppressed share is said in words, never shown as a dash in a sentence
        key = (
            "summary_jobcentre_suppressed"
            if own is None
            else "summary_jobcentre_no_group"
            if group_share is None
            else "summary_jobcentre"
        )
        return self.lang.t(
            key,
            month=self.latest_label,
            own=self.lang.number(own, share),
            name=m.name,
            group_share=self.lang.number(group_share, share),
            group=self.lang.group_in_text(m.group_name),
            country=country,
        )

    def figures_table(self, area: str, caption: str) -> str:
        """Persons, full-time persons and share of the population, per benefit, latest month."""
        headings = [self.lang.t("benefit")] + [self.title(i) for i in FIGURE_INDICATORS]
        rows = [
            [self.lang.benefit(benefit)]
            + [self.shown(i, self.content.value(i, area, benefit)) for i in FIGURE_INDICATORS]
            for benefit in BENEFITS
        ]
        return self.table(caption, headings, rows)

    def key_figures_table(self, m: Municipality) -> str:
        """Each indicator's latest value beside the year before, its rank, its neighbours, group,
        region and country."""
        t = self.lang.t
        headings = [
            t("indicator"),
            t("month"),
            m.name,
            t("change_year"),
            t("rank_heading"),
            t("neighbours_mean"),
            self.lang.group(m.group_name),
            m.region_name,
            t("country"),
        ]
        rows = []
        for indicator in self.definitions:
            c = self.content.comparisons.get(m.code, {}).get(indicator)
            if c is None:
                continue
            decimals = self.definitions[indicator].decimals
            rows.append(
                [
                    (self.title(indicator), f"../../indikator/{indicator}/"),
                    self.lang.month(c.period),
                    self.lang.number(c.value, decimals),
                    self.lang.signed(c.change, decimals),
                    t("rank_of", rank=c.rank, of=c.ranked_of) if c.rank is not None else "",
                    self.lang.number(c.neighbour_mean, decimals),
                    self.lang.number(c.group_value, decimals),
                    self.lang.number(c.region_value, decimals),
                    self.lang.number(c.country_value, decimals),
                ]
            )
        return self.table(t("key_figures_caption", name=m.name), headings, rows)

    def targets_table(self) -> str:
        """The minister's three targets for the country: latest value and change on a year."""
        rows = []
        for target in TARGETS:
            series = {r.period: r.value for r in self.content.figures["land-maal"]
                      if r.indicator == target}  # fmt: skip
            latest = max(series, default=None)
            if latest is None:
                continue
            year, month = latest.split("-")
            before = series.get(f"{int(year) - 1}-{month}")
            now = series[latest]
            change = None if now is None or before is None else now - before
            decimals = self.definitions[target].decimals
            rows.append(
                [
                    (self.title(target), f"indikator/{target}/"),
                    self.lang.month(latest),
                    self.lang.number(now, decimals),
                    self.lang.signed(change, decimals),
                ]
            )
        t = self.lang.t
        return self.table(
            t("targets_caption"), [t("target"), t("month"), t("value"), t("change_year")], rows
        )

    def movers_table(self) -> str:
        """The jobcentres whose share of the population on benefits rose and fell most."""
        moves = [
            (c.change, m)
            for m in self.content.municipalities
            if (c := self.content.comparisons.get(m.code, {}).get("andel_befolkning"))
            and c.change is not None
        ]
        moves.sort(key=lambda move: (move[0], move[1].name))
        chosen = moves[-MOVERS:][::-1] + moves[:MOVERS]
        decimals = self.definitions["andel_befolkning"].decimals
        rows = [
            [
                (m.name, f"jobcenter/{m.slug}/"),
                self.lang.number(
                    self.content.comparisons[m.code]["andel_befolkning"].value, decimals
                ),
                self.lang.signed(change, decimals),
            ]
            for change, m in chosen
        ]
        t = self.lang.t
        return self.table(
            t("movers_caption", month=self.latest_label),
            [t("jobcentre"), t("share_axis"), t("change_points")],
            rows,
        )

    def ranking_table(self, indicator: str) -> str:
        """Every jobcentre's latest value of one indicator, sortable in the browser."""
        definition = self.definitions[indicator]
        t = self.lang.t
        ordered = sorted(
            self.content.municipalities,
            key=lambda m: (
                (c := self.content.comparisons.get(m.code, {}).get(indicator)) is None
                or c.rank is None,
                c.rank if c and c.rank else 0,
                m.name,
            ),
        )
        rows = []
        for m in ordered:
            c = self.content.comparisons.get(m.code, {}).get(indicator)
            row = [
                (m.name, f"../../jobcenter/{m.slug}/"),
                m.region_name,
                self.lang.group(m.group_name),
                self.lang.number(c.value if c else None, definition.decimals),
                self.lang.signed(c.change if c else None, definition.decimals),
            ]
            if definition.rank:
                row.append(str(c.rank) if c and c.rank else "–")
            rows.append(row)
        headings = [t("jobcentre"), t("region"), t("group"), self.unit(indicator), t("change_year")]
        if definition.rank:
            headings.append(t("rank"))
        month = self.lang.month(self.content.figures.latest.get(indicator, "2000-01"))
        return self.table(
            t("ranking_caption", title=self.title(indicator), month=month),
            headings,
            rows,
            css="jobtal-sortable",
        )

    # ------------------------------------------------------------------ pages

    def write_all(self, docs: Path) -> int:
        t = self.lang.t
        municipalities = self.content.municipalities
        self.render(
            "home.md.j2",
            "",
            docs,
            subject=t("subject_country"),
            jobcentre_count=len(municipalities),
            summary=self.share_sentence(None),
            figures_table=self.figures_table(
                "land:DK", t("country_caption", month=self.latest_label)
            ),
            targets_table=self.targets_table(),
            target_charts=self.target_charts("land-maal", self.root_of("")),
            movers_table=self.movers_table(),
            changes_text=self.changes_text(),
            chart=self.benefit_chart("land-ydelser", self.root_of(""), t("country_in_text")),
        )
        self.render(
            "jobcenter_index.md.j2",
            "jobcenter/",
            docs,
            subject=t("subject_jobcentres"),
            jobcentre_count=len(municipalities),
            rows=[
                {
                    "slug": m.slug,
                    "name": m.name,
                    "region": m.region_name,
                    "group": self.lang.group(m.group_name),
                    "share": self.shown(
                        "andel_befolkning",
                        self.content.value("andel_befolkning", f"kommune:{m.code}"),
                    ),
                    "persons": self.shown(
                        "personer", self.content.value("personer", f"kommune:{m.code}")
                    ),
                }
                for m in municipalities
            ],
            map=self.map_chart("andel_befolkning", self.root_of("jobcenter/"), "../"),
        )
        for m in progress(
            municipalities, f"jobcentre pages ({self.lang.code})", len(municipalities)
        ):
            page = f"jobcenter/{m.slug}/"
            root = self.root_of(page)
            self.render(
                "jobcenter.md.j2",
                page,
                docs,
                subject=m.name,
                name=m.name,
                code=m.code,
                region=m.region_name,
                group=self.lang.group(m.group_name),
                summary=self.share_sentence(m),
                figures_table=self.figures_table(
                    f"kommune:{m.code}", f"{m.name}, {self.latest_label}"
                ),
                key_figures=self.key_figures_table(m),
                benefit_chart=self.benefit_chart(f"jobcenter-{m.code}-ydelser", root, m.name),
                target_charts=self.target_charts(f"jobcenter-{m.code}-maal", root),
                comparison_chart=self.comparison_chart(m, root),
                expected_chart=self.expected_chart(m, root),
                group_chart=self.group_chart(m, root),
                series_charts=self.series_charts(m, root),
                csv_url=f"{root}data/jobcentre/{m.code}.csv",
                citation_url=self.address(page),
            )
        definitions = list(self.definitions.values())
        self.render(
            "indicator_index.md.j2",
            "indikator/",
            docs,
            subject=t("subject_indicators"),
            indicators=[
                {
                    "id": d.id,
                    "title": self.title(d.id),
                    "description": self.description(d.id),
                }
                for d in [*definitions, *self.content.series]
            ],
        )
        for d in definitions:
            page = f"indikator/{d.id}/"
            root = self.root_of(page)
            self.render(
                "indicator.md.j2",
                page,
                docs,
                subject=self.title(d.id),
                id=d.id,
                title=self.title(d.id),
                description=self.description(d.id),
                unit=self.unit(d.id),
                breakdowns=self.breakdowns_text(d),
                rank=d.rank,
                trend=self.line_chart(
                    "chart-land",
                    f"indikator-{d.id}-land",
                    root,
                    title=t("chart_country_trend", title=self.title(d.id)),
                    y_title=self.unit(d.id),
                    field="indicator",
                    labels={d.id: self.title(d.id)},
                    series_title=t("indicator"),
                    decimals=d.decimals,
                ),
                map=self.map_chart(d.id, root, "../../") if d.rank else None,
                ranking=self.ranking_table(d.id),
                csv_url=f"{root}data/indicator/{d.id}.csv",
            )
        for series in self.content.series:
            self.write_series_page(series, docs)
        self.render(
            "data.md.j2",
            "data/",
            docs,
            subject=t("subject_data"),
            columns=[
                (name, kind, note)
                for (name, kind, _), note in zip(CSV_FIELDS, self.column_notes(), strict=True)
            ],
            jobcentres=[(m.name, m.code) for m in municipalities],
            size=lambda path: self.lang.size(self.content.data_sizes.get(path, 0)),
            has=lambda path: path in self.content.data_sizes,
            lang_prefix=self.lang.prefix,
            data_address=(self.site_url.rstrip("/") + "/" if self.site_url else "") + f"{DATA}/",
            indicators=[(d.id, self.title(d.id)) for d in definitions]
            + [(s.id, getattr(s.title, self.lang.code)) for s in self.content.series],
        )
        self.render(
            "method.md.j2",
            "metode/",
            docs,
            subject=t("subject_method"),
            definitions=[
                {
                    "id": d.id,
                    "title": self.title(d.id),
                    "description": self.description(d.id),
                    "unit": self.unit(d.id),
                    "decimals": d.decimals,
                    "breakdowns": self.breakdowns_text(d),
                    "rank": d.rank,
                    "additive": d.additive,
                    "sql": d.sql.strip(),
                }
                for d in definitions
            ],
            series=[
                {
                    "id": d.id,
                    "title": self.title(d.id),
                    "description": self.description(d.id),
                    "unit": self.unit(d.id),
                    "decimals": d.decimals,
                    "source": d.source,
                }
                for d in self.content.series
            ],
        )
        return 6 + len(municipalities) + len(definitions) + len(self.content.series)

    def changes_text(self) -> Markup:
        """The home page's word on what this release changed."""
        release = self.content.release
        if release.previous is None:
            return self.text("home_first_release", release=release.name, url="releases/")
        counts = {kind: self.lang.number(n) for kind, n in release.changes.items()}
        return self.text(
            "home_changes",
            release=release.name,
            previous=release.previous,
            revised=counts["revised"],
            suppressed=counts["suppressed"],
            unsuppressed=counts["unsuppressed"],
            url=release.path,
        )

    def write_series_page(self, series: SeriesDefinition, docs: Path) -> None:
        """/indikator/<id>/ for another publisher's series: what it is and whose, the country's
        trend where the source has one, and every jobcentre in its latest period."""
        page = f"indikator/{series.id}/"
        root = self.root_of(page)
        t = self.lang.t
        title, unit = self.title(series.id), self.unit(series.id)
        trend_key, latest_key = f"indikator-{series.id}-land", f"indikator-{series.id}-kort"
        trend = self.content.figures[trend_key]
        chart = None
        if any(r.value is not None for r in trend):
            periods = [r.period for r in trend]
            spec = charts.period_lines(
                root + Figures.url(trend_key),
                title=t("chart_country_trend", title=title),
                y_title=unit,
                series_labels={series.id: title},
                series_title=t("series"),
                decimals=series.decimals,
                lang=self.lang,
            )
            alt = t(
                "alt_series",
                title=title,
                first=periods[0],
                last=periods[-1],
                latest=self.lang.number(trend[-1].value, series.decimals),
            )
            table = self.series_table(
                trend,
                lambda r: r.indicator,
                [series.id],
                {series.id: title},
                series.decimals,
                title,
                period_label=str,
            )
            chart = self.chart(
                "chart-land",
                alt,
                spec,
                root + Figures.url(trend_key),
                table,
                source=f"{series.source['title']}, {periods[0]}–{periods[-1]}",
            )
        latest = sorted(
            self.content.figures[latest_key],
            key=lambda r: (r.value is None, -(r.value or 0), r.area_name),
        )
        period = latest[0].period if latest else ""
        ranking = self.table(
            t("series_ranking_caption", title=title, period=period),
            [t("jobcentre"), unit],
            [
                [
                    (r.area_name, f"../../jobcenter/{slug(r.area_name)}/"),
                    self.lang.number(r.value, series.decimals),
                ]
                for r in latest
            ],
            css="jobtal-sortable",
        )
        self.render(
            "series.md.j2",
            page,
            docs,
            subject=t("subject_indicators"),
            synthetic=False,  # another publisher's real figures
            id=series.id,
            title=title,
            description=self.description(series.id),
            unit=unit,
            source=series.source,
            trend=chart,
            ranking=ranking if latest else None,
            csv_url=f"{root}data/indicator/{series.id}.csv",
        )

    def release_note(self, lang_root: str) -> Markup:
        """Which release a page shows, with a link to what it changed."""
        release = self.content.release
        return self.text(
            "release_note",
            release=release.name,
            date=self.lang.date(release.created),
            url=f"{lang_root}{release.path}",
        )

    def address(self, page: str) -> str:
        """A page's address for citing: absolute when the site's address is known."""
        path = self.lang.prefix + page
        return f"{self.site_url.rstrip('/')}/{path}" if self.site_url else f"/{path}"

    def root_of(self, page: str) -> str:
        """The relative path from a page (its path under the language's root) to the site's
        root, where the data files are."""
        return "../" * (page.count("/") + self.lang.prefix.count("/"))

    def column_notes(self) -> list[str]:
        """What each published column means: the data package's own (Danish) descriptions, or
        their translations."""
        if self.lang.code == "da":
            return [description for _, _, description in CSV_FIELDS]
        return self.lang.t("column_notes")

    def breakdowns_text(self, d: Definition) -> str:
        t = self.lang.t
        parts = [t(f"breakdown_{b}") for b in d.breakdowns] or [t("breakdown_none")]
        text = ", ".join(parts)
        if "alle" not in d.benefits:  # only some benefits
            text += " (" + ", ".join(self.lang.benefit(b) for b in d.benefits) + ")"
        return text
