-- The shared building blocks every indicator definition reads, in plain SQL.
-- Inputs: the extract tables, and the tables the engine makes from the contract's vocabulary
-- (extract_info, benefits, age_groups, ages, municipality_group_names).
--
-- The result is `cells`: per area, month, benefit (and 'alle'), sex and age group, the number of
-- recipients and the sums every indicator needs. A person counts once in an area however many
-- spells, benefits or municipalities they have there. Counting distinct people is what costs at
-- national scale, so it is done only where it is needed: most people have one spell at a time, so
-- most spell-months are already one person-month each, and their cells add up from municipality
-- to region and country. Only the months a person shares between two or more spells (a follow-on
-- spell starting the month the last one ended, two benefits at once, a move) are counted person by
-- person in every area.
--
-- Full-time days are kept as whole numbers of millionths (days x fte x 1,000,000), so every sum
-- is exact and the published figures do not depend on the order in which they were added.
--
-- One text for DuckDB and Spark SQL (issue 23): each statement is `CREATE TABLE|VIEW <name> AS
-- <query>`, and the engine decides how a table is kept (jobtal.indicators.engines); dates are
-- subtracted and added with days_between(first, last) and add_days(day, n), which each engine
-- defines; text is STRING; no decimal literal stands in arithmetic (it would make Spark compute
-- in DECIMAL where DuckDB computes in DOUBLE); a window with a frame is written out in full.
-- tests/test_portable_sql.py rejects what does not run the same on both.

-- The months that are published: those of the population table up to the reference month.
-- month_index counts months (year x 12 + month - 1), so "the next month" is month_index + 1.
CREATE TABLE months AS
SELECT month, year, year * 12 + month_of_year - 1 AS month_index, first_day,
       last_day(first_day) AS last_day,
       days_between(first_day, last_day(first_day)) + 1 AS days_in_month,
       month < (SELECT reference_month FROM extract_info) AS next_month_complete
FROM (
    SELECT DISTINCT month,
           CAST(substr(month, 1, 4) AS INTEGER) AS year,
           CAST(substr(month, 6, 2) AS INTEGER) AS month_of_year,
           CAST(month || '-01' AS DATE) AS first_day
    FROM population
    WHERE month <= (SELECT reference_month FROM extract_info)
) AS population_months;

-- Every area a municipality belongs to: itself, its municipality group, its region, the country.
CREATE TABLE areas AS
SELECT municipality_code, 'kommune' AS area_type,
       CAST(municipality_code AS STRING) AS area_code, municipality_name AS area_name
FROM municipalities
UNION ALL
SELECT m.municipality_code, 'kommunegruppe', CAST(m.municipality_group AS STRING), g.group_name
FROM municipalities AS m JOIN municipality_group_names AS g USING (municipality_group)
UNION ALL
SELECT m.municipality_code, 'region', CAST(m.region_code AS STRING), r.region_name
FROM municipalities AS m JOIN regions AS r USING (region_code)
UNION ALL
SELECT municipality_code, 'land', 'DK', 'Hele landet'
FROM municipalities;

-- Each spell with its first and last month as month indices (a running spell's last month is
-- far in the future), and its middle: the months it does not share with another spell of the
-- same person, which are those after the last month of the person's earlier spells and before
-- the first month of their next one (spells in order of start). Before and after its middle a
-- spell may have shared months. A spell whose last month is not shared leaves its person
-- without benefit, unless the next spell starts the month after.
CREATE TABLE spells AS
WITH indexed AS (
    SELECT spell_id, person_id, municipality_code, benefit, sex, birth_year, readiness,
           start_date, end_date,
           CAST(ROUND(fte * 1000000) AS BIGINT) AS fte_millionths,
           CAST(EXTRACT(YEAR FROM start_date) * 12 + EXTRACT(MONTH FROM start_date) - 1
                AS INTEGER) AS first_month_index,
           COALESCE(CAST(EXTRACT(YEAR FROM end_date) * 12 + EXTRACT(MONTH FROM end_date) - 1
                         AS INTEGER), 1000000) AS last_month_index
    FROM benefit_spells
), ordered AS (
    SELECT *,
           LEAD(first_month_index) OVER (
               PARTITION BY person_id ORDER BY first_month_index, start_date, spell_id
           ) AS next_first_month_index,
           MAX(last_month_index) OVER (
               PARTITION BY person_id ORDER BY first_month_index, start_date, spell_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS earlier_last_month_index
    FROM indexed
), middles AS (
    SELECT *,
           GREATEST(first_month_index, COALESCE(earlier_last_month_index + 1, 0))
               AS middle_first,
           LEAST(last_month_index, COALESCE(next_first_month_index - 1, 1000000))
               AS middle_last
    FROM ordered
)
SELECT person_id, municipality_code, benefit, sex, birth_year, start_date, end_date,
       fte_millionths, first_month_index, last_month_index,
       -- the labour reserve: dagpenge, and the jobparat on the three readiness benefits
       benefit = 'dagpenge'
           OR (benefit IN ('kontanthjaelp', 'uddannelseshjaelp', 'selvforsoergelse')
               AND readiness = 'jobparat') AS in_labour_reserve,
       -- a sickness spell has lasted over 26 weeks (182 days) on the days from this one
       CASE WHEN benefit = 'sygedagpenge' THEN add_days(start_date, 183) END AS long_sick_from,
       -- a spell with no unshared month gets an empty middle after its last month
       CASE WHEN middle_first <= middle_last THEN middle_first ELSE last_month_index + 1 END
           AS middle_first,
       CASE WHEN middle_first <= middle_last THEN middle_last ELSE last_month_index END
           AS middle_last,
       CASE WHEN end_date IS NOT NULL
             AND COALESCE(next_first_month_index, 1000000) > last_month_index + 1
            THEN last_month_index END AS leaving_month_index
FROM middles;

-- The month ranges to expand each spell into, one row per month (spell_months): its shared
-- months before and after its middle, and of its middle only the spell's first and last month
-- (the months of which it may have part of the days). The middle's months between them are
-- whole months, counted without expanding them (interior_cells).
CREATE VIEW spell_ranges AS
SELECT * FROM (
    SELECT spells.*, TRUE AS shared, first_month_index AS range_first,
           middle_first - 1 AS range_last
    FROM spells
    UNION ALL
    SELECT spells.*, TRUE, middle_last + 1, last_month_index FROM spells
    UNION ALL
    SELECT spells.*, FALSE, first_month_index, first_month_index FROM spells
    WHERE first_month_index BETWEEN middle_first AND middle_last
    UNION ALL
    SELECT spells.*, FALSE, last_month_index, last_month_index FROM spells
    WHERE end_date IS NOT NULL AND last_month_index > first_month_index
      AND last_month_index BETWEEN middle_first AND middle_last
) AS ranges
WHERE range_first <= range_last;

-- The months in which a person has an activation offer (any activity but a samtale) on at least
-- one day. An offer with no end date is still running.
CREATE TABLE offer_months AS
SELECT DISTINCT a.person_id, m.month_index
FROM activities AS a
JOIN months AS m
  ON a.start_date <= m.last_day AND (a.end_date IS NULL OR a.end_date >= m.first_day)
WHERE a.activity <> 'samtale';

-- One row per spell and published month of its ranges, with what each indicator needs of it:
-- full-time days (days in the month x fte, in millionths), the part of them in the labour
-- reserve, whether the spell still runs on the month's last day and for how long it has run then
-- (a spell starting on the last day has run 0 days), whether it is then a sickness spell over 26
-- weeks, and whether the person leaves benefits after this month (known for an unshared month).
CREATE VIEW spell_months AS
WITH range_months AS (
    -- a one-month range joins its month on equality (a hash join), the others by range
    SELECT s.*, m.month_index, m.year, m.days_in_month, m.first_day, m.last_day,
           m.next_month_complete
    FROM spell_ranges AS s
    JOIN months AS m ON m.month_index = s.range_first
    WHERE s.range_first = s.range_last
    UNION ALL
    SELECT s.*, m.month_index, m.year, m.days_in_month, m.first_day, m.last_day,
           m.next_month_complete
    FROM spell_ranges AS s
    JOIN months AS m ON m.month_index BETWEEN s.range_first AND s.range_last
    WHERE s.range_first < s.range_last
), touched AS (
    SELECT person_id, municipality_code, benefit, sex, start_date, in_labour_reserve,
           long_sick_from, shared, month_index, days_in_month, last_day,
           year - birth_year AS age,
           (days_between(GREATEST(start_date, first_day),
                         LEAST(COALESCE(end_date, last_day), last_day)) + 1)
               * fte_millionths AS fte_days,
           CASE WHEN end_date IS NULL OR end_date >= last_day THEN 1 ELSE 0 END AS running,
           CASE WHEN next_month_complete AND month_index = leaving_month_index
                THEN 1 ELSE 0 END AS leaving
    FROM range_months
)
SELECT person_id, shared, municipality_code, benefit, sex, age, month_index,
       days_in_month, fte_days, running, leaving,
       CASE WHEN in_labour_reserve THEN fte_days ELSE 0 END AS reserve_fte_days,
       running * days_between(start_date, last_day) AS running_days,
       CASE WHEN running = 1 AND last_day >= long_sick_from THEN 1 ELSE 0 END AS long_sick
FROM touched;

-- The whole months of each spell's middle, between its first and last month: on each the
-- spell counts as one person-month with the month's days at its fte, running and not leaving,
-- and only its run length and long sickness change from month to month. At national scale
-- these are most of the spell-months, so rather than one row per spell and month, each such
-- range, cut where its person passes into another age group, is a step up in its cell's counts at its first month and a step down after its
-- last, and a month's counts are the sums of the steps up to it. A spell's run length at a
-- month's end is its start's distance to a fixed day plus that day's distance to the month's
-- end; its long sickness is a step of its own, from the month in which it passes 26 weeks.
-- (Exact: every sum is of whole numbers.)
CREATE TABLE interior_cells AS
WITH interiors AS (
    SELECT municipality_code, benefit, sex, birth_year, fte_millionths,
           CASE WHEN in_labour_reserve THEN fte_millionths ELSE 0 END AS reserve_fte,
           CASE WHEN in_labour_reserve AND fte_millionths > 0 THEN 1 ELSE 0 END AS reserve_spell,
           days_between(start_date, CAST('2000-01-01' AS DATE)) AS start_days,
           CAST(EXTRACT(YEAR FROM long_sick_from) * 12 + EXTRACT(MONTH FROM long_sick_from) - 1
                AS INTEGER) AS long_sick_month,
           GREATEST(middle_first, first_month_index + 1) AS interior_first,
           CASE WHEN end_date IS NULL THEN middle_last
                ELSE LEAST(middle_last, last_month_index - 1) END AS interior_last
    FROM spells
), years AS (
    SELECT year, MIN(month_index) AS first_index, MAX(month_index) AS last_index
    FROM months
    GROUP BY year
), year_groups AS (
    SELECT b.birth_year, y.year, y.first_index, y.last_index, ages.age_group
    FROM (SELECT DISTINCT birth_year FROM spells) AS b
    CROSS JOIN years AS y
    LEFT JOIN ages ON ages.age = y.year - b.birth_year
), age_group_spans AS (
    -- the months in which a person born in birth_year is in one age group: runs of years
    SELECT birth_year, age_group, MIN(first_index) AS first_index,
           MAX(last_index) AS last_index
    FROM (
        SELECT *, year - ROW_NUMBER() OVER (
                   PARTITION BY birth_year, age_group ORDER BY year
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
               ) AS run
        FROM year_groups
    ) AS runs
    GROUP BY birth_year, age_group, run
), pieces AS (
    SELECT i.municipality_code, i.benefit, i.sex, a.age_group, i.fte_millionths,
           i.reserve_fte, i.reserve_spell, i.start_days, i.long_sick_month,
           GREATEST(i.interior_first, a.first_index) AS piece_first,
           LEAST(i.interior_last, a.last_index) AS piece_last
    FROM interiors AS i
    JOIN age_group_spans AS a
      ON a.birth_year = i.birth_year
     AND a.first_index <= i.interior_last AND a.last_index >= i.interior_first
    WHERE i.interior_first <= i.interior_last
), steps AS (
    SELECT municipality_code, benefit, sex, age_group, piece_first AS month_index,
           1 AS spells, fte_millionths AS fte, reserve_fte, reserve_spell AS reserve_spells,
           start_days, 0 AS long_sick
    FROM pieces
    UNION ALL
    SELECT municipality_code, benefit, sex, age_group, piece_last + 1, -1, -fte_millionths,
           -reserve_fte, -reserve_spell, -start_days, 0
    FROM pieces
    UNION ALL
    SELECT municipality_code, benefit, sex, age_group,
           GREATEST(piece_first, long_sick_month), 0, 0, 0, 0, 0, 1
    FROM pieces
    WHERE long_sick_month <= piece_last
    UNION ALL
    SELECT municipality_code, benefit, sex, age_group, piece_last + 1, 0, 0, 0, 0, 0, -1
    FROM pieces
    WHERE long_sick_month <= piece_last
), changes AS (
    SELECT municipality_code, benefit, sex, age_group, month_index,
           SUM(spells) AS spells, SUM(fte) AS fte, SUM(reserve_fte) AS reserve_fte,
           SUM(reserve_spells) AS reserve_spells, SUM(start_days) AS start_days,
           SUM(long_sick) AS long_sick
    FROM steps
    GROUP BY municipality_code, benefit, sex, age_group, month_index
), cell_keys AS (
    SELECT DISTINCT municipality_code, benefit, sex, age_group FROM changes
), running_sums AS (
    -- (each window written out: Spark adds no frame to a named one)
    SELECT k.municipality_code, m.month_index, k.benefit, k.sex, k.age_group,
           m.days_in_month, m.last_day,
           SUM(COALESCE(c.spells, 0)) OVER (
               PARTITION BY k.municipality_code, k.benefit, k.sex, k.age_group
               ORDER BY m.month_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
           ) AS spells,
           SUM(COALESCE(c.fte, 0)) OVER (
               PARTITION BY k.municipality_code, k.benefit, k.sex, k.age_group
               ORDER BY m.month_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
           ) AS fte,
           SUM(COALESCE(c.reserve_fte, 0)) OVER (
               PARTITION BY k.municipality_code, k.benefit, k.sex, k.age_group
               ORDER BY m.month_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
           ) AS reserve_fte,
           SUM(COALESCE(c.reserve_spells, 0)) OVER (
               PARTITION BY k.municipality_code, k.benefit, k.sex, k.age_group
               ORDER BY m.month_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
           ) AS reserve_spells,
           SUM(COALESCE(c.start_days, 0)) OVER (
               PARTITION BY k.municipality_code, k.benefit, k.sex, k.age_group
               ORDER BY m.month_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
           ) AS start_days,
           SUM(COALESCE(c.long_sick, 0)) OVER (
               PARTITION BY k.municipality_code, k.benefit, k.sex, k.age_group
               ORDER BY m.month_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
           ) AS long_sick
    FROM cell_keys AS k
    CROSS JOIN months AS m
    LEFT JOIN changes AS c
      ON c.municipality_code = k.municipality_code AND c.benefit = k.benefit
     AND c.sex = k.sex AND c.age_group IS NOT DISTINCT FROM k.age_group
     AND c.month_index = m.month_index
)
SELECT municipality_code, month_index, benefit, sex, age_group,
       spells AS persons,
       days_in_month * fte AS fte_days,
       days_in_month * reserve_fte AS reserve_fte_days,
       reserve_spells AS reserve_persons,
       spells AS running_spells,
       start_days + spells * days_between(CAST('2000-01-01' AS DATE), last_day) AS running_days,
       spells AS running_persons,
       long_sick,
       0 AS leaving
FROM running_sums
WHERE spells > 0;

-- An unshared spell-month is one person-month, both for its benefit and for 'alle', in its
-- municipality and so in every area above it: these cells simply add up (the spells' first
-- and last months, taken month by month, and their whole months between, interior_cells).
-- Whether the person has an offer that month is looked up from the (fewer) offer months.
CREATE TABLE municipality_benefit_cells AS
WITH edge_parts AS (
    SELECT sm.municipality_code, sm.month_index, sm.benefit, sm.sex, ages.age_group,
           COUNT(*) AS persons,
           SUM(sm.fte_days) AS fte_days,
           SUM(sm.reserve_fte_days) AS reserve_fte_days,
           SUM(CASE WHEN sm.reserve_fte_days > 0 THEN 1 ELSE 0 END) AS reserve_persons,
           SUM(sm.running) AS running_spells,
           SUM(sm.running_days) AS running_days,
           SUM(sm.running) AS running_persons,
           SUM(sm.long_sick) AS long_sick,
           SUM(sm.leaving) AS leaving
    FROM spell_months AS sm
    LEFT JOIN ages USING (age)
    WHERE NOT sm.shared
    GROUP BY sm.municipality_code, sm.month_index, sm.benefit, sm.sex, ages.age_group
), spell_parts AS (
    SELECT municipality_code, month_index, benefit, sex, age_group,
           CAST(SUM(persons) AS BIGINT) AS persons,
           SUM(fte_days) AS fte_days,
           SUM(reserve_fte_days) AS reserve_fte_days,
           SUM(reserve_persons) AS reserve_persons,
           SUM(running_spells) AS running_spells,
           SUM(running_days) AS running_days,
           SUM(running_persons) AS running_persons,
           SUM(long_sick) AS long_sick,
           SUM(leaving) AS leaving
    FROM (SELECT * FROM edge_parts UNION ALL SELECT * FROM interior_cells) AS parts
    GROUP BY municipality_code, month_index, benefit, sex, age_group
), offer_parts AS (
    SELECT s.municipality_code, o.month_index, s.benefit, s.sex, ages.age_group,
           COUNT(*) AS activated
    FROM offer_months AS o
    JOIN spells AS s
      ON s.person_id = o.person_id
     AND o.month_index BETWEEN s.middle_first AND s.middle_last
    JOIN months AS m ON m.month_index = o.month_index
    LEFT JOIN ages ON ages.age = m.year - s.birth_year
    GROUP BY s.municipality_code, o.month_index, s.benefit, s.sex, ages.age_group
)
SELECT c.*, COALESCE(o.activated, 0) AS activated
FROM spell_parts AS c
LEFT JOIN offer_parts AS o
  ON o.municipality_code = c.municipality_code AND o.month_index = c.month_index
 AND o.benefit = c.benefit AND o.sex = c.sex
 AND o.age_group IS NOT DISTINCT FROM c.age_group;

CREATE TABLE municipality_cells AS
SELECT * FROM municipality_benefit_cells
UNION ALL
SELECT municipality_code, month_index, 'alle', sex, age_group,
       SUM(persons), SUM(fte_days), SUM(reserve_fte_days), SUM(reserve_persons),
       SUM(running_spells), SUM(running_days), SUM(running_persons), SUM(long_sick),
       SUM(leaving), SUM(activated)
FROM municipality_benefit_cells
GROUP BY municipality_code, month_index, sex, age_group;

-- The shared months, one row per area, person, month and benefit (and 'alle'). Nobody is more
-- than one full-time person, and a person leaves benefits when no spell of theirs touches the
-- month after.
CREATE TABLE shared_person_months AS
WITH per_area AS (
    SELECT a.area_type, a.area_code, sm.person_id, sm.month_index, sm.days_in_month,
           CASE WHEN GROUPING(sm.benefit) = 1 THEN 'alle' ELSE sm.benefit END AS benefit,
           MIN(sm.sex) AS sex, MIN(sm.age) AS age,
           LEAST(SUM(sm.fte_days), sm.days_in_month * 1000000) AS fte_days,
           LEAST(SUM(sm.reserve_fte_days), sm.days_in_month * 1000000) AS reserve_fte_days,
           SUM(sm.running) AS running_spells,
           SUM(sm.running_days) AS running_days,
           MAX(sm.running) AS running_persons,
           MAX(sm.long_sick) AS long_sick
    FROM spell_months AS sm
    JOIN areas AS a USING (municipality_code)
    WHERE sm.shared
    GROUP BY GROUPING SETS (
        (a.area_type, a.area_code, sm.person_id, sm.month_index, sm.days_in_month, sm.benefit),
        (a.area_type, a.area_code, sm.person_id, sm.month_index, sm.days_in_month))
)
SELECT p.*,
       CASE WHEN m.next_month_complete AND NOT EXISTS (
                SELECT 1 FROM spells AS s
                WHERE s.person_id = p.person_id
                  AND p.month_index + 1 BETWEEN s.first_month_index AND s.last_month_index)
            THEN 1 ELSE 0 END AS leaving,
       CASE WHEN o.person_id IS NULL THEN 0 ELSE 1 END AS activated
FROM per_area AS p
JOIN months AS m USING (month_index)
LEFT JOIN offer_months AS o ON o.person_id = p.person_id AND o.month_index = p.month_index;

-- Every area's cells: the municipality cells added up to each area the municipality belongs to,
-- plus the shared person-months counted in each area.
CREATE TABLE cells AS
WITH parts AS (
    SELECT a.area_type, a.area_code, c.month_index, c.benefit, c.sex, c.age_group,
           c.persons, c.fte_days, c.reserve_fte_days, c.reserve_persons, c.running_spells,
           c.running_days, c.running_persons, c.long_sick, c.leaving, c.activated
    FROM municipality_cells AS c
    JOIN areas AS a USING (municipality_code)
    UNION ALL
    SELECT p.area_type, p.area_code, p.month_index, p.benefit, p.sex, ages.age_group,
           1, p.fte_days, p.reserve_fte_days,
           CASE WHEN p.reserve_fte_days > 0 THEN 1 ELSE 0 END,
           p.running_spells, p.running_days, p.running_persons, p.long_sick, p.leaving,
           p.activated
    FROM shared_person_months AS p
    LEFT JOIN ages USING (age)
)
SELECT area_type, area_code, m.month, m.days_in_month, benefit, sex, age_group,
       SUM(persons) AS persons,
       SUM(fte_days) AS fte_days,
       SUM(reserve_fte_days) AS reserve_fte_days,
       SUM(reserve_persons) AS reserve_persons,
       SUM(running_spells) AS running_spells,
       SUM(running_days) AS running_days,
       SUM(running_persons) AS running_persons,
       SUM(long_sick) AS long_sick,
       SUM(leaving) AS leaving,
       SUM(activated) AS activated
FROM parts
JOIN months AS m USING (month_index)
GROUP BY area_type, area_code, m.month, m.days_in_month, benefit, sex, age_group;

-- Samtaler per person and month, and in how many municipalities they took place.
CREATE TABLE samtale_person_months AS
SELECT a.person_id, m.month, m.month_index, MIN(a.municipality_code) AS municipality_code,
       MAX(a.municipality_code) AS last_municipality_code, COUNT(*) AS samtaler
FROM activities AS a
JOIN months AS m
  ON m.month_index = EXTRACT(YEAR FROM a.start_date) * 12 + EXTRACT(MONTH FROM a.start_date) - 1
WHERE a.activity = 'samtale'
GROUP BY a.person_id, m.month, m.month_index;

-- Samtaler per area and month, and how many people had them. A person with samtaler in two
-- municipalities in one month (rare) counts once in the areas above them.
CREATE TABLE samtale_cells AS
WITH parts AS (
    SELECT a.area_type, a.area_code, p.month, SUM(p.samtaler) AS samtaler, COUNT(*) AS persons
    FROM samtale_person_months AS p
    JOIN areas AS a USING (municipality_code)
    WHERE p.municipality_code = p.last_municipality_code
    GROUP BY a.area_type, a.area_code, p.month
    UNION ALL
    SELECT a.area_type, a.area_code, m.month, COUNT(*), COUNT(DISTINCT s.person_id)
    FROM activities AS s
    JOIN samtale_person_months AS p
      ON p.person_id = s.person_id
     AND p.month_index = EXTRACT(YEAR FROM s.start_date) * 12 + EXTRACT(MONTH FROM s.start_date) - 1
     AND p.municipality_code <> p.last_municipality_code
    JOIN months AS m ON m.month_index = p.month_index
    JOIN areas AS a ON a.municipality_code = s.municipality_code
    WHERE s.activity = 'samtale'
    GROUP BY a.area_type, a.area_code, m.month
)
SELECT area_type, area_code, month, SUM(samtaler) AS samtaler, SUM(persons) AS persons
FROM parts
GROUP BY area_type, area_code, month;

-- The population on the 1st of each published month, per area, sex and age group (16-66).
CREATE TABLE population_cells AS
SELECT a.area_type, a.area_code, p.month, p.sex, p.age_group, SUM(p.persons) AS persons
FROM population AS p
JOIN areas AS a USING (municipality_code)
WHERE p.month IN (SELECT month FROM months)
GROUP BY a.area_type, a.area_code, p.month, p.sex, p.age_group;
