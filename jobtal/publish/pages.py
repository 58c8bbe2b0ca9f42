"""The site's pages as Markdown for mkdocs, rendered from site_templates/pages with jinja2.

Everything a template shows is prepared here as a ready-made string (Danish number and month
formats); templates only lay it out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2

from jobtal import paths
from jobtal.indicators.engine import Definition
from jobtal.log import progress
from jobtal.publish import charts
from jobtal.publish.formatting import group_plural_da, month_da, number_da, slug
from jobtal.vocabulary import BENEFITS

FIGURE_INDICATORS = ["personer", "fuldtidspersoner", "andel_befolkning"]


@dataclass(frozen=True)
class Municipality:
    code: int
    name: str
    slug: str
    group_code: int
    group_name: str
    region_code: int
    region_name: str


@dataclass(frozen=True)
class Chart:
    id: str
    alt: str
    spec_json: str
    csv_url: str
    table: str


class Pages:
    """Renders every generated page into a docs folder."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        definitions: list[Definition],
        reference_month: str,
        synthetic: bool,
    ):
        self.definitions = {d.id: d for d in definitions}
        self.reference_month = reference_month
        self.latest_label = month_da(reference_month)
        self.synthetic = synthetic
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(paths.PAGE_TEMPLATES),
            autoescape=False,  # pages are Markdown; values are escaped where they enter HTML
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        self.municipalities = [
            Municipality(code, name, slug(name), group, group_name, region, region_name)
            for code, name, group, group_name, region, region_name in con.execute(
                "SELECT m.municipality_code, m.municipality_name, m.municipality_group, "
                "g.group_name, m.region_code, r.region_name FROM municipalities AS m "
                "JOIN municipality_group_names AS g USING (municipality_group) "
                "JOIN regions AS r USING (region_code) ORDER BY m.municipality_name"
            ).fetchall()
        ]
        # the totals (no sex or age breakdown) of the headline indicators, for every area, as
        # {(indicator, "area_type:area_code", benefit): {period: value or None}}
        totals = con.execute(
            "SELECT indicator, area_type || ':' || area_code, benefit, period, numeric_value "
            "FROM published WHERE sex = 'alle' AND age_group = 'alle' AND indicator IN "
            f"({', '.join(repr(i) for i in FIGURE_INDICATORS)}) ORDER BY period"
        ).fetchall()
        self.series: dict[tuple[str, str, str], dict[str, float | None]] = {}
        for indicator, area, benefit, period, value in totals:
            self.series.setdefault((indicator, area, benefit), {})[period] = value
        # each jobcentre's comparisons in the latest month of every indicator with an 'alle'
        # total: {municipality_code: [(indicator, period, value, change, rank, ranked_of,
        # neighbour_mean, group, region, country), ...]} in the published order of indicators
        compared = con.execute(
            "SELECT c.municipality_code, c.indicator, c.period, c.value, c.change_from_last_year, "
            "c.rank, c.ranked_of, c.neighbour_mean, c.group_value, c.region_value, "
            "c.country_value FROM comparisons AS c "
            "WHERE c.benefit = 'alle' AND c.period = (SELECT max(period) FROM comparisons AS l "
            "WHERE l.indicator = c.indicator) ORDER BY c.municipality_code"
        ).fetchall()
        order = {d.id: i for i, d in enumerate(definitions)}
        self.comparisons: dict[int, list[tuple]] = {}
        for code, *rest in sorted(compared, key=lambda row: (row[0], order[row[1]])):
            self.comparisons.setdefault(code, []).append(tuple(rest))

    # ------------------------------------------------------------------ helpers

    def value(self, indicator: str, area: str, benefit: str = "alle") -> float | None:
        """The latest month's value, None where suppressed or missing."""
        return self.series.get((indicator, area, benefit), {}).get(self.reference_month)

    def monthly_rows(
        self, keys: list[tuple[str, str, str]], decimals: int
    ) -> tuple[list[str], list[list[str]]]:
        """The months of the series and one table row per month: the month, then each series."""
        columns = [self.series.get(key, {}) for key in keys]
        periods = sorted(set().union(*columns))
        rows = [
            [month_da(period)] + [number_da(column.get(period), decimals) for column in columns]
            for period in periods
        ]
        return periods, rows

    def formatted(self, indicator: str, area: str, benefit: str = "alle") -> str:
        decimals = self.definitions[indicator].decimals
        return number_da(self.value(indicator, area, benefit), decimals)

    def render(self, template: str, target: Path, **context) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        text = self.environment.get_template(template).render(
            synthetic=self.synthetic, latest_label=self.latest_label, **context
        )
        target.write_text(text, encoding="utf-8")

    def table(self, caption: str, headings: list[str], rows: list[list[str]]) -> str:
        return (
            self.environment.get_template("_table.html.j2")
            .render(table={"caption": caption, "headings": headings, "rows": rows})
            .strip()
        )

    def figures_table(self, area: str, caption: str) -> str:
        """Persons, full-time persons and share of the population, per benefit, latest month."""
        headings = ["Ydelse"] + [self.definitions[i].title.da for i in FIGURE_INDICATORS]
        rows = [
            [label_da] + [self.formatted(i, area, benefit) for i in FIGURE_INDICATORS]
            for benefit, (label_da, _) in BENEFITS.items()
        ]
        return self.table(caption, headings, rows)

    def comparison_table(self, municipality: Municipality) -> str:
        """The latest value of each indicator beside the year before, its place among the
        jobcentres, its neighbours, its group, its region and the country."""
        headings = [
            "Indikator",
            "Måned",
            municipality.name,
            "Ændring på et år",
            "Placering (højeste først)",
            "Nabokommuner (gns.)",
            "Kommunegruppen",
            "Regionen",
            "Hele landet",
        ]
        rows = []
        for indicator, period, value, change, rank, ranked_of, *others in self.comparisons.get(
            municipality.code, []
        ):
            definition = self.definitions[indicator]

            def shown(number, decimals=definition.decimals):
                return number_da(None if number is None else float(number), decimals)

            rows.append(
                [
                    f"{definition.title.da}",
                    month_da(period),
                    shown(value),
                    shown(change),
                    f"{rank} af {ranked_of}" if rank is not None else "",
                    *[shown(number) for number in others],
                ]
            )
        return self.table(
            f"{municipality.name} sammenlignet, alle ydelser, seneste måned for hver indikator",
            headings,
            rows,
        )

    def share_sentence(self, municipality: Municipality | None) -> str:
        share = self.definitions["andel_befolkning"]
        country = number_da(self.value("andel_befolkning", "land:DK"), share.decimals)
        if municipality is None:
            return (
                f"I {self.latest_label} var {country} pct. af de 16-66-årige i hele landet på "
                "offentlig forsørgelse (fuldtidspersoner, alle ydelser)."
            )
        own = number_da(
            self.value("andel_befolkning", f"kommune:{municipality.code}"), share.decimals
        )
        group = number_da(
            self.value("andel_befolkning", f"kommunegruppe:{municipality.group_code}"),
            share.decimals,
        )
        return (
            f"I {self.latest_label} var {own} pct. af de 16-66-årige i {municipality.name} på "
            f"offentlig forsørgelse (fuldtid), mod {group} pct. i "
            f"{group_plural_da(municipality.group_name)} og {country} pct. i hele landet."
        )

    def comparison_chart(self, municipality: Municipality, csv_url: str) -> Chart:
        areas = [
            f"kommune:{municipality.code}",
            f"kommunegruppe:{municipality.group_code}",
            f"region:{municipality.region_code}",
            "land:DK",
        ]
        names = [
            municipality.name,
            municipality.group_name,
            municipality.region_name,
            "Hele landet",
        ]
        share = self.definitions["andel_befolkning"]
        periods, rows = self.monthly_rows(
            [("andel_befolkning", area, "alle") for area in areas], share.decimals
        )
        first, last = month_da(periods[0]), month_da(periods[-1])
        alt_text = (
            f"Linjediagram: andelen af de 16-66-årige på offentlig forsørgelse (fuldtid) i "
            f"{municipality.name}, {municipality.group_name.lower()}, "
            f"{municipality.region_name} og hele landet, måned for måned fra {first} til {last}."
        )
        spec = charts.area_comparison(
            csv_url,
            "andel_befolkning",
            "alle",
            "Andel af 16-66-årige på offentlig forsørgelse",
            "pct. af 16-66-årige",
            names,
            share.decimals,
        )
        return Chart(
            "chart-andel",
            alt_text,
            charts.spec_json(spec),
            csv_url,
            self.table(f"Andel af 16-66-årige (pct.), {first} til {last}", ["Måned", *names], rows),
        )

    def national_chart(self) -> Chart:
        benefits = [
            "dagpenge",
            "kontanthjaelp",
            "uddannelseshjaelp",
            "sygedagpenge",
            "jobafklaring",
            "ressourceforloeb",
            "fleksjob",
            "foertidspension",
        ]
        labels = {code: BENEFITS[code][0] for code in benefits}
        share = self.definitions["andel_befolkning"]
        csv_url = "data/indicator/andel_befolkning.csv"
        periods, rows = self.monthly_rows(
            [("andel_befolkning", "land:DK", b) for b in benefits], share.decimals
        )
        first, last = month_da(periods[0]), month_da(periods[-1])
        spec = charts.benefit_trend(
            csv_url,
            "andel_befolkning",
            "DK",
            benefits,
            labels,
            "Andel af 16-66-årige på hver ydelse, hele landet",
            "pct. af 16-66-årige",
            share.decimals,
        )
        alt_text = (
            f"Linjediagram: andelen af de 16-66-årige i hele landet på hver af de "
            f"største ydelser, måned for måned fra {first} til {last}."
        )
        return Chart(
            "chart-ydelser",
            alt_text,
            charts.spec_json(spec),
            csv_url,
            self.table(
                f"Andel af 16-66-årige (pct.), hele landet, {first} til {last}",
                ["Måned", *labels.values()],
                rows,
            ),
        )

    # ------------------------------------------------------------------ pages

    def write_all(self, docs: Path) -> int:
        self.render(
            "home.md.j2",
            docs / "index.md",
            subject="hele landet",
            jobcentre_count=len(self.municipalities),
            summary=self.share_sentence(None),
            figures_table=self.figures_table("land:DK", f"Hele landet, {self.latest_label}"),
            chart=self.national_chart(),
        )
        self.render(
            "jobcenter_index.md.j2",
            docs / "jobcenter" / "index.md",
            subject="jobcentrene",
            jobcentre_count=len(self.municipalities),
            rows=[
                {
                    "slug": m.slug,
                    "name": m.name,
                    "region": m.region_name,
                    "group": m.group_name,
                    "share": self.formatted("andel_befolkning", f"kommune:{m.code}"),
                    "persons": self.formatted("personer", f"kommune:{m.code}"),
                }
                for m in self.municipalities
            ],
        )
        for municipality in progress(
            self.municipalities, "jobcentre pages", len(self.municipalities)
        ):
            csv_url = f"../../data/jobcentre/{municipality.code}.csv"
            self.render(
                "jobcenter.md.j2",
                docs / "jobcenter" / municipality.slug / "index.md",
                subject=municipality.name,
                name=municipality.name,
                region=municipality.region_name,
                group=municipality.group_name,
                summary=self.share_sentence(municipality),
                figures_table=self.figures_table(
                    f"kommune:{municipality.code}", f"{municipality.name}, {self.latest_label}"
                ),
                chart=self.comparison_chart(municipality, csv_url),
                comparison_table=self.comparison_table(municipality),
                csv_url=csv_url,
                root="../../",
            )
        return 2 + len(self.municipalities)
