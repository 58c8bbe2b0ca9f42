"""Published aggregate series (series.yaml): other publishers' figures, taken from the input
package's series resources and published as they are beside jobtal's own indicators."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from jobtal.indicators.engine import Text
from jobtal.sql import ident, sql_string

SERIES_DEFINITIONS = Path(__file__).with_name("series.yaml")


@dataclass(frozen=True)
class SeriesDefinition:
    id: str
    resource: str  # the package resource it is taken from
    select: dict[str, str]  # the values of the resource's other dimensions
    title: Text
    description: Text
    unit: Text
    decimals: int
    source: dict  # title, short (for the CSVs' source column), path, licence
    on_profiles: bool = True  # charted on every jobcentre's profile (else only on its own page)
    note: Text | None = None  # how it differs from jobtal's own figures, shown with its chart

    @property
    def condition(self) -> str:
        return (
            " AND ".join(
                f"CAST({ident(column)} AS VARCHAR) = {sql_string(value)}"
                for column, value in self.select.items()
            )
            or "TRUE"
        )


def load_series_definitions(path: Path = SERIES_DEFINITIONS) -> list[SeriesDefinition]:
    return [
        SeriesDefinition(
            id=raw["id"],
            resource=raw["resource"],
            select={str(k): str(v) for k, v in raw.get("select", {}).items()},
            title=Text(**raw["title"]),
            description=Text(**raw["description"]),
            unit=Text(**raw["unit"]),
            decimals=int(raw["decimals"]),
            source=raw["source"],
            on_profiles=bool(raw.get("on_profiles", True)),
            note=Text(**raw["note"]) if "note" in raw else None,
        )
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]


# The first month of a period as publishers write it (validate.SERIES_PERIOD): a month itself, a
# quarter's first month ('2024-Q2' -> '2024-04'), as is a moving year's named by the quarter it
# ends with ('2024-Q2-MAT', as charts.PERIOD_START places it), a year's January.
PERIOD_START_SQL = """CASE
    WHEN regexp_full_match(period, '\\d{4}-Q[1-4](-MAT)?')
        THEN substr(period, 1, 4) || '-'
             || lpad(CAST((CAST(substr(period, 7, 1) AS INTEGER) - 1) * 3 + 1 AS VARCHAR), 2, '0')
    WHEN regexp_full_match(period, '\\d{4}') THEN period || '-01'
    ELSE period
END"""


def add_series(
    con: duckdb.DuckDBPyConnection,
    series: list[SeriesDefinition],
    resources: set[str],
    reference_month: str,
) -> list[SeriesDefinition]:
    """Append each series whose resource the package has to `protected_values`, as the source
    published it: no suppression added, missing values left missing (NULL, no flag). A release
    speaks of its reference month and before: periods that begin after it are left out (a
    population table fetched later holds months the release cannot know). Returns the series
    added."""
    added = [s for s in series if s.resource in resources]
    for definition in added:
        con.execute(f"""
            INSERT INTO protected_values
                (indicator, area_type, area_code, period, benefit, sex, age_group, value, flag)
            SELECT {sql_string(definition.id)}, CAST(area_type AS VARCHAR),
                   CAST(area_code AS VARCHAR), CAST(period AS VARCHAR), 'alle', 'alle', 'alle',
                   CAST(value AS DOUBLE), NULL
            FROM (SELECT * REPLACE (CAST(period AS VARCHAR) AS period)
                  FROM {ident(definition.resource)})
            WHERE {definition.condition}
              AND {PERIOD_START_SQL} <= {sql_string(reference_month)}
        """)
    return added
