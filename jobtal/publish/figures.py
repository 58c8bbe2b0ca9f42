"""The data behind every chart and map of the site, chosen once, in SQL, from the published rows.

Each figure is a set of rows of `published` under a key such as `jobcenter-101-sammenligning`.
The same rows are written to /data/figurer/<key>.csv (the CSV the chart is drawn from and links
to, with the contract's columns), and shown in the page's table of the figure's numbers, so a
chart, its table and its download can never disagree. The rows are language-neutral: both the
Danish and the English pages draw from the same files."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb

from jobtal.indicators.engine import Definition
from jobtal.publish.routes import FIGURES
from jobtal.publish.tables import CSV_COLUMNS, NUMBERS
from jobtal.sql import on_cursors, spreadsheet_safe, sql_string

# The benefit groups drawn in the trend charts (the table and CSV have the same ones): the eight
# largest; eight lines is as many as a colour-blind-safe palette tells apart.
TREND_BENEFITS = [
    "dagpenge",
    "kontanthjaelp",
    "uddannelseshjaelp",
    "sygedagpenge",
    "jobafklaring",
    "ressourceforloeb",
    "fleksjob",
    "foertidspension",
]
TARGETS = ["arbejdskraftreserve", "sygedagpenge_over_26_uger", "unge_paa_ydelse"]

TOTALS = "p.sex = 'alle' AND p.age_group = 'alle'"
# The trend charts of the home and profile pages show the last two years (the reference month and
# the 23 before), so a page stays light however long the series; the CSVs have every month.
TREND_MONTHS = 24
TREND_WINDOW_SQL = f"""
CREATE OR REPLACE TEMP TABLE trend_window AS
    -- other publishers' series have quarters and years: the window counts months only
    SELECT strftime(strptime(max(period) || '-01', '%Y-%m-%d')
                    - INTERVAL {TREND_MONTHS - 1} MONTH, '%Y-%m') AS first_month
    FROM published WHERE regexp_full_match(period, '[0-9]{{4}}-[0-9]{{2}}');
"""
IN_WINDOW = "p.period >= (SELECT first_month FROM trend_window)"
FIGURE_SQL = f"""
CREATE OR REPLACE TEMP TABLE latest_periods AS
    -- each indicator's latest month with a value (afgang lags the reference month)
    SELECT indicator, max(period) AS period FROM published
    WHERE value IS NOT NULL GROUP BY indicator;

{TREND_WINDOW_SQL}
CREATE OR REPLACE TEMP TABLE related_areas AS
    -- every area a jobcentre is compared with: itself, its neighbours, its group, region, country
    SELECT municipality_code, area_type, area_code FROM areas
    UNION ALL
    SELECT n.municipality_code, 'kommune', CAST(n.neighbour_code AS VARCHAR) FROM neighbours n;

CREATE OR REPLACE TABLE figure_rows AS
WITH p AS (SELECT rowid AS published_row, * FROM published)
-- full-time persons per benefit group, for every jobcentre and the country
SELECT CASE p.area_type WHEN 'land' THEN 'land' ELSE 'jobcenter-' || p.area_code END
       || '-ydelser' AS figure, p.*
FROM p WHERE p.indicator = 'fuldtidspersoner' AND {TOTALS} AND {IN_WINDOW}
  AND p.area_type IN ('kommune', 'land')
  AND p.benefit IN ({", ".join(sql_string(b) for b in TREND_BENEFITS)})
UNION ALL
-- the minister's three targets
SELECT CASE p.area_type WHEN 'land' THEN 'land' ELSE 'jobcenter-' || p.area_code END
       || '-maal', p.*
FROM p WHERE p.indicator IN ({", ".join(sql_string(t) for t in TARGETS)}) AND {TOTALS}
  AND p.benefit = 'alle' AND p.area_type IN ('kommune', 'land') AND {IN_WINDOW}
UNION ALL
-- a jobcentre's share beside its neighbours', its group's, its region's and the country's
SELECT 'jobcenter-' || r.municipality_code || '-sammenligning', p.*
FROM related_areas AS r
JOIN p ON p.area_type = r.area_type AND p.area_code = r.area_code
WHERE p.indicator = 'andel_befolkning' AND p.benefit = 'alle' AND {TOTALS} AND {IN_WINDOW}
UNION ALL
-- actual against expected share
SELECT 'jobcenter-' || p.area_code || '-forventet', p.*
FROM p WHERE p.indicator IN ('andel_befolkning', 'forventet_andel') AND p.benefit = 'alle'
  AND {TOTALS} AND p.area_type = 'kommune' AND {IN_WINDOW}
UNION ALL
-- the latest share of every jobcentre of a jobcentre's municipality group
SELECT 'jobcenter-' || own.municipality_code || '-gruppe', p.*
FROM municipalities AS own
JOIN municipalities AS peer USING (municipality_group)
JOIN latest_periods AS l ON l.indicator = 'andel_befolkning'
JOIN p ON p.indicator = l.indicator AND p.period = l.period AND p.area_type = 'kommune'
      AND p.area_code = CAST(peer.municipality_code AS VARCHAR)
WHERE p.benefit = 'alle' AND {TOTALS}
UNION ALL
-- other publishers' series for a jobcentre, every period they have
SELECT 'jobcenter-' || p.area_code || '-kilder', p.*
FROM p WHERE p.area_type = 'kommune'
  AND p.indicator IN (SELECT id FROM published_series WHERE on_profiles)
UNION ALL
-- each indicator for the whole country, month by month (its headline benefit)
SELECT 'indikator-' || p.indicator || '-land', p.*
FROM p JOIN headline_benefits USING (indicator, benefit)
WHERE p.area_type = 'land' AND {TOTALS}
UNION ALL
-- each indicator for every jobcentre in its latest month: maps and rankings
SELECT 'indikator-' || p.indicator || '-kort', p.*
FROM p JOIN latest_periods AS l USING (indicator, period)
JOIN headline_benefits USING (indicator, benefit)
WHERE p.area_type = 'kommune' AND {TOTALS}
-- kept by figure: each figure's file is a COPY of its rows, and DuckDB skips the stretches of
-- the table whose figures it can see are others (620 files: 1.5 s against 2.1 s unordered)
ORDER BY figure, published_row;
"""


@dataclass(frozen=True)
class FigureRow:
    indicator: str
    benefit: str
    area_type: str
    area_code: str
    area_name: str
    period: str
    value: float | None  # None where suppressed or missing
    flag: str | None


def headline_benefit(definition: Definition) -> str:
    """The benefit an indicator is shown for where only one fits (rankings, maps, the national
    trend): all benefits, or the first of its own when it is not computed for all together."""
    return "alle" if "alle" in definition.benefits else definition.benefits[0]


def select_figures(
    con: duckdb.DuckDBPyConnection, definitions: list[Definition], series: list = ()
) -> int:
    """The figures stage: table figure_rows (every figure's rows of `published`, by key) and
    latest_periods; returns the number of figures."""
    con.execute("CREATE OR REPLACE TEMP TABLE published_series (id VARCHAR, on_profiles BOOLEAN)")
    for definition in series:
        con.execute(
            "INSERT INTO published_series VALUES (?, ?)", [definition.id, definition.on_profiles]
        )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE headline_benefits (indicator VARCHAR, benefit VARCHAR)"
    )
    con.executemany(
        "INSERT INTO headline_benefits VALUES (?, ?)",
        [[d.id, headline_benefit(d)] for d in definitions] + [[s.id, "alle"] for s in series],
    )
    con.execute(FIGURE_SQL)
    return con.execute("SELECT count(DISTINCT figure) FROM figure_rows").fetchone()[0]


class Figures:
    """Every figure's rows (made by select_figures), read once: {key: [FigureRow, ...]} in
    published order."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.rows: dict[str, list[FigureRow]] = defaultdict(list)
        for key, *row in con.execute(
            "SELECT figure, indicator, benefit, area_type, area_code, area_name, period, "
            "numeric_value, flag FROM figure_rows ORDER BY figure, published_row"
        ).fetchall():
            self.rows[key].append(FigureRow(*row))
        self.latest = dict(con.execute("SELECT indicator, period FROM latest_periods").fetchall())

    def __getitem__(self, key: str) -> list[FigureRow]:
        return self.rows.get(key, [])


def write_figure_files(con: duckdb.DuckDBPyConnection, site: Path) -> list[Path]:
    """One CSV per figure, with the contract's columns, in published order."""
    folder = site / FIGURES
    folder.mkdir(parents=True, exist_ok=True)
    keys = [
        k for (k,) in con.execute("SELECT DISTINCT figure FROM figure_rows ORDER BY 1").fetchall()
    ]
    columns = spreadsheet_safe(CSV_COLUMNS, NUMBERS)

    def write(cursor: duckdb.DuckDBPyConnection, key: str) -> Path:
        path = folder / f"{key}.csv"
        cursor.execute(
            f"COPY (SELECT {columns} FROM figure_rows WHERE figure = {sql_string(key)} "
            f"ORDER BY published_row) TO {sql_string(str(path))} (HEADER, DELIMITER ',')"
        )
        return path

    # 620 small files, a thread per core (each COPY costs more in setting up than in its rows)
    return on_cursors(con, write, keys)
