"""Stage 4: what each jobcentre's published figures are compared with on the site.

For every indicator, benefit and month, from the protected values (so a suppressed value is
never used, ranked or averaged), per jobcentre (totals, no sex or age breakdown):
  value                 its published value
  compared_value        what is compared: the published value, or for a count compared per
                        1,000 inhabitants (`compare_per_1000` in the definition, the minister's
                        targets) the published count per 1,000 inhabitants aged 16-66 that month
  rank, ranked_of       its place among the jobcentres with a published value, for indicators
                        comparable between jobcentres of different size (`rank: true`, or
                        compared per 1,000): the best first where the definition says which way
                        is better (`better: lower` puts the lowest first), else the highest
                        first; equal values share a place
  change_from_last_year its compared value minus the one twelve months earlier
  neighbour_mean, neighbours_published
                        the mean of its geographic neighbours' compared values, and how many
                        there were (a comparison, not an area's indicator, so a plain mean)
  group_value, region_value, country_value
                        its municipality group's, region's and the country's compared values
Values are compared as published: rounded to the indicator's decimals. A rate per 1,000 is
worked out from the published (rounded) count and the public population, so it tells nothing
the published count does not; where the count is suppressed, so is the rate."""

from __future__ import annotations

import duckdb

from jobtal.indicators.engine import Definition

RATE_DECIMALS = 1  # a count per 1,000 inhabitants aged 16-66, as the pages show it


def compare(con: duckdb.DuckDBPyConnection, definitions: list[Definition]) -> int:
    """protected_values -> comparisons; return its number of rows."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE comparison_meta (indicator VARCHAR, decimals INTEGER, "
        "ranked BOOLEAN, better VARCHAR, per_1000 BOOLEAN)"
    )
    con.executemany(
        "INSERT INTO comparison_meta VALUES (?, ?, ?, ?, ?)",
        [
            [d.id, d.decimals, d.rank or d.compare_per_1000, d.better, d.compare_per_1000]
            for d in definitions
        ],
    )
    # the compared values of every area, once: each step below reads them again
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE compared_totals AS
        WITH population_16_66 AS (
            SELECT area_type, area_code, month, SUM(persons) AS persons
            FROM population_cells
            GROUP BY area_type, area_code, month
        ), published AS (
            -- values as published: rounded, exact decimals so that means and differences do
            -- not depend on the order of adding
            SELECT v.indicator, v.benefit, v.area_type, v.area_code, v.period, m.ranked,
                   m.better, m.per_1000,
                   CAST(ROUND(v.value, m.decimals) AS DECIMAL(18, 3)) AS value
            FROM protected_values AS v JOIN comparison_meta AS m USING (indicator)
            WHERE v.sex = 'alle' AND v.age_group = 'alle'
        )
        SELECT v.*,
               CASE WHEN NOT v.per_1000 THEN v.value
                    ELSE CAST(ROUND(1000 * v.value / NULLIF(p.persons, 0), {RATE_DECIMALS})
                              AS DECIMAL(18, 3)) END AS compared
        FROM published AS v
        LEFT JOIN population_16_66 AS p
          ON v.per_1000 AND p.area_type = v.area_type AND p.area_code = v.area_code
         AND p.month = v.period
        """
    )
    # Then the jobcentres' comparisons, one indicator at a time: at national scale all of
    # them at once are over a million rows, several joins wide, more than a 2 GB memory
    # limit holds (scripts/bench_build.py --memory-limit 2GB ran out here).
    for i, definition in enumerate(definitions):
        into = "CREATE OR REPLACE TABLE comparisons AS" if i == 0 else "INSERT INTO comparisons"
        con.execute(f"{into} {_JOBCENTRE_COMPARISONS}", {"indicator": definition.id})
    con.execute("DROP TABLE compared_totals")
    return con.execute("SELECT count(*) FROM comparisons").fetchone()[0]


_JOBCENTRE_COMPARISONS = """
    WITH totals AS (
        SELECT * FROM compared_totals WHERE indicator = $indicator
    ), jobcentres AS (
        SELECT t.*, CAST(t.area_code AS INTEGER) AS municipality_code,
               CASE WHEN t.ranked AND t.compared IS NOT NULL THEN RANK() OVER (
                   PARTITION BY t.benefit, t.period
                   -- the best first: the lowest where lower is better, else the highest
                   ORDER BY CASE WHEN t.better = 'lower' THEN t.compared END ASC NULLS LAST,
                            t.compared DESC NULLS LAST) END AS rank,
               COUNT(t.compared) OVER (PARTITION BY t.benefit, t.period) AS ranked_of
        FROM totals AS t
        WHERE t.area_type = 'kommune'
    ), neighbour_means AS (
        SELECT j.benefit, j.period, n.municipality_code,
               AVG(j.compared) AS neighbour_mean, COUNT(j.compared) AS neighbours_published
        FROM neighbours AS n
        JOIN jobcentres AS j ON j.municipality_code = n.neighbour_code
        GROUP BY j.benefit, j.period, n.municipality_code
    ), above AS (
        -- each jobcentre's group's, region's and country's values (a jobcentre without any
        -- of them has no comparison)
        SELECT k.municipality_code, t.benefit, t.period,
               MAX(CASE WHEN a.area_type = 'kommunegruppe' THEN t.compared END) AS group_value,
               MAX(CASE WHEN a.area_type = 'region' THEN t.compared END) AS region_value,
               MAX(CASE WHEN a.area_type = 'land' THEN t.compared END) AS country_value
        FROM areas AS a JOIN areas AS k USING (municipality_code)
        JOIN totals AS t ON t.area_type = a.area_type AND t.area_code = a.area_code
        WHERE k.area_type = 'kommune' AND a.area_type <> 'kommune'
        GROUP BY k.municipality_code, t.benefit, t.period
    )
    SELECT j.indicator, j.benefit, j.municipality_code, j.period, j.value,
           CASE WHEN j.per_1000 THEN 'per_1000' ELSE 'value' END AS compared_as,
           j.compared AS compared_value, j.better,
           CASE WHEN j.ranked THEN j.rank END AS rank,
           CASE WHEN j.ranked THEN j.ranked_of END AS ranked_of,
           j.compared - last_year.compared AS change_from_last_year,
           CAST(n.neighbour_mean AS DOUBLE) AS neighbour_mean,
           COALESCE(n.neighbours_published, 0) AS neighbours_published,
           up.group_value, up.region_value, up.country_value
    FROM jobcentres AS j
    LEFT JOIN jobcentres AS last_year
      ON last_year.benefit = j.benefit AND last_year.municipality_code = j.municipality_code
     AND last_year.period = strftime(CAST(j.period || '-01' AS DATE) - INTERVAL 12 MONTH,
                                     '%Y-%m')
    LEFT JOIN neighbour_means AS n
      ON n.benefit = j.benefit AND n.period = j.period
     AND n.municipality_code = j.municipality_code
    JOIN above AS up
      ON up.municipality_code = j.municipality_code AND up.benefit = j.benefit
     AND up.period = j.period
"""
