"""What the pages show, read from the build's DuckDB tables once (the same in both languages):
the jobcentres with their areas and neighbours, the comparisons, every value a page names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb

from jobtal.indicators.engine import Definition
from jobtal.indicators.series import SeriesDefinition
from jobtal.publish.figures import Figures
from jobtal.publish.formatting import slug
from jobtal.publish.releases import Release


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
    """One jobcentre's latest value of one indicator, compared (jobtal/comparisons.py). The
    compared values (`compared`, the change, the neighbours', group's, region's and country's)
    are the published ones, or rates per 1,000 inhabitants aged 16-66 where `per_1000`."""

    indicator: str
    period: str
    value: float | None  # as published
    per_1000: bool
    compared: float | None
    better: str | None  # "lower", "higher" or None
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
    builder_url: str = ""  # the same selection in the table builder
    note: str = ""  # a sentence over the chart: what it leaves out, how to read it
    # a map's municipalities as (code, name, value as shown, profile address), for the list
    # under it that reaches each by keyboard
    choices: tuple[tuple[str, str, str, str], ...] = ()
    rows: tuple = ()  # the figure's rows it draws (figures.FigureRow), for the Word report's image


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
        self.figures = Figures(con)
        # each jobcentre's comparisons in the latest month of every indicator, for its
        # headline benefit (all benefits where the indicator has them)
        compared = con.execute(
            "SELECT c.municipality_code, c.indicator, c.period, c.value, "
            "c.compared_as = 'per_1000', c.compared_value, c.better, c.change_from_last_year, "
            "c.rank, c.ranked_of, c.neighbour_mean, c.group_value, c.region_value, "
            "c.country_value FROM comparisons AS c "
            "JOIN headline_benefits USING (indicator, benefit) "
            "JOIN latest_periods USING (indicator, period) ORDER BY c.municipality_code"
        ).fetchall()
        self.comparisons: dict[int, dict[str, Comparison]] = defaultdict(dict)
        for code, indicator, period, *numbers in compared:
            value, per_1000, compared, better, change, rank, ranked_of, *others = numbers
            self.comparisons[code][indicator] = Comparison(
                indicator,
                period,
                number_or_none(value),
                per_1000,
                number_or_none(compared),
                better,
                number_or_none(change),
                rank,
                ranked_of,
                *(number_or_none(n) for n in others),
            )

    def value(self, indicator: str, area: str, benefit: str = "alle") -> float | None:
        """The reference month's value; None where suppressed or missing."""
        return self.latest.get((indicator, area, benefit))
