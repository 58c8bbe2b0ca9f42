"""Stage 4: what each jobcentre's published figures are compared with on the site.

For every indicator, benefit and month, from the protected values (so a suppressed value is
never used, ranked or averaged), per jobcentre (totals, no sex or age breakdown):
  rank, ranked_of       its place among the jobcentres with a published value, highest first,
                        for indicators comparable between jobcentres of different size
                        (`rank: true` in the definition); equal published values share a place
  change_from_last_year its value minus its value twelve months earlier
  neighbour_mean, neighbours_published
                        the mean of its geographic neighbours' published values, and how many
                        there were (a comparison, not an area's indicator, so a plain mean)
  group_value, region_value, country_value
                        its municipality group's, region's and the country's values
Values are compared as published: rounded to the indicator's decimals."""

from __future__ import annotations

import duckdb

from jobtal.indicators.engine import Definition


def compare(con: duckdb.DuckDBPyConnection, definitions: list[Definition]) -> int:
    """protected_values -> comparisons; return its number of rows."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE comparison_meta "
        "(indicator VARCHAR, decimals INTEGER, ranked BOOLEAN)"
    )
    con.executemany(
        "INSERT INTO comparison_meta VALUES (?, ?, ?)",
        [[d.id, d.decimals, d.rank] for d in definitions],
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE comparisons AS
        WITH totals AS (
            -- values as published: rounded, exact decimals so that means and differences do
            -- not depend on the order of adding
            SELECT v.indicator, v.benefit, v.area_type, v.area_code, v.period, m.ranked,
                   CAST(ROUND(v.value, m.decimals) AS DECIMAL(18, 3)) AS value
            FROM protected_values AS v JOIN comparison_meta AS m USING (indicator)
            WHERE v.sex = 'alle' AND v.age_group = 'alle'
        ), jobcentres AS (
            SELECT t.*, CAST(t.area_code AS INTEGER) AS municipality_code,
                   CASE WHEN t.ranked AND t.value IS NOT NULL THEN RANK() OVER (
                       PARTITION BY t.indicator, t.benefit, t.period
                       ORDER BY t.value DESC NULLS LAST) END AS rank,
                   COUNT(t.value) OVER (PARTITION BY t.indicator, t.benefit, t.period)
                       AS ranked_of
            FROM totals AS t
            WHERE t.area_type = 'kommune'
        ), neighbour_means AS (
            SELECT j.indicator, j.benefit, j.period, n.municipality_code,
                   AVG(j.value) AS neighbour_mean, COUNT(j.value) AS neighbours_published
            FROM neighbours AS n
            JOIN jobcentres AS j ON j.municipality_code = n.neighbour_code
            GROUP BY j.indicator, j.benefit, j.period, n.municipality_code
        ), above AS (
            -- each jobcentre's group, region and country, as area_type -> area_code
            SELECT k.municipality_code, a.area_type, a.area_code
            FROM areas AS a JOIN areas AS k USING (municipality_code)
            WHERE k.area_type = 'kommune' AND a.area_type <> 'kommune'
        )
        SELECT j.indicator, j.benefit, j.municipality_code, j.period, j.value,
               CASE WHEN j.ranked THEN j.rank END AS rank,
               CASE WHEN j.ranked THEN j.ranked_of END AS ranked_of,
               j.value - last_year.value AS change_from_last_year,
               CAST(n.neighbour_mean AS DOUBLE) AS neighbour_mean,
               COALESCE(n.neighbours_published, 0) AS neighbours_published,
               MAX(CASE WHEN up.area_type = 'kommunegruppe' THEN t.value END) AS group_value,
               MAX(CASE WHEN up.area_type = 'region' THEN t.value END) AS region_value,
               MAX(CASE WHEN up.area_type = 'land' THEN t.value END) AS country_value
        FROM jobcentres AS j
        LEFT JOIN jobcentres AS last_year
          ON last_year.indicator = j.indicator AND last_year.benefit = j.benefit
         AND last_year.municipality_code = j.municipality_code
         AND last_year.period = strftime(CAST(j.period || '-01' AS DATE) - INTERVAL 12 MONTH,
                                         '%Y-%m')
        LEFT JOIN neighbour_means AS n
          ON n.indicator = j.indicator AND n.benefit = j.benefit AND n.period = j.period
         AND n.municipality_code = j.municipality_code
        JOIN above AS up ON up.municipality_code = j.municipality_code
        JOIN totals AS t
          ON t.indicator = j.indicator AND t.benefit = j.benefit AND t.period = j.period
         AND t.area_type = up.area_type AND t.area_code = up.area_code
        GROUP BY j.indicator, j.benefit, j.municipality_code, j.period, j.value, j.ranked,
                 j.rank, j.ranked_of, last_year.value, n.neighbour_mean, n.neighbours_published
        """
    )
    return con.execute("SELECT count(*) FROM comparisons").fetchone()[0]
