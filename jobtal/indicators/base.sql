-- The shared building blocks every indicator definition reads, in plain SQL.
-- Inputs: the extract tables, and the tables the engine makes from the contract's vocabulary
-- (extract_info, benefits, age_groups, municipality_group_names).

-- The months that are published: those of the population table up to the reference month.
CREATE TEMP TABLE months AS
SELECT month,
       CAST(substr(month, 1, 4) AS INTEGER) AS year,
       first_day,
       CAST(first_day + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS last_day,
       CAST(first_day + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) - first_day + 1 AS days_in_month
FROM (
    SELECT DISTINCT month, CAST(month || '-01' AS DATE) AS first_day
    FROM population
    WHERE month <= (SELECT reference_month FROM extract_info)
) AS population_months;

-- Every area a municipality belongs to: itself, its municipality group, its region, the country.
CREATE TEMP TABLE areas AS
SELECT municipality_code, 'kommune' AS area_type,
       CAST(municipality_code AS VARCHAR) AS area_code, municipality_name AS area_name
FROM municipalities
UNION ALL
SELECT m.municipality_code, 'kommunegruppe', CAST(m.municipality_group AS VARCHAR), g.group_name
FROM municipalities AS m JOIN municipality_group_names AS g USING (municipality_group)
UNION ALL
SELECT m.municipality_code, 'region', CAST(m.region_code AS VARCHAR), r.region_name
FROM municipalities AS m JOIN regions AS r USING (region_code)
UNION ALL
SELECT municipality_code, 'land', 'DK', 'Hele landet'
FROM municipalities;

-- One row per spell and month it touches, with its days in the month and its full-time days
-- (days x fte). A running spell (empty end_date) lasts to the end of every published month.
CREATE TEMP TABLE spell_months AS
SELECT s.person_id, s.municipality_code, s.benefit, s.sex, s.readiness,
       m.month, m.days_in_month,
       m.year - s.birth_year AS age,
       s.start_date, s.end_date, m.last_day,
       CAST(LEAST(COALESCE(s.end_date, m.last_day), m.last_day)
            - GREATEST(s.start_date, m.first_day) + 1 AS INTEGER) AS days,
       CAST(s.fte AS DECIMAL(9, 6)) AS fte
FROM benefit_spells AS s
JOIN months AS m
  ON s.start_date <= m.last_day AND (s.end_date IS NULL OR s.end_date >= m.first_day);

-- One row per area, month, benefit and recipient, 'alle' included, so that a person counts once
-- in an area however many spells or benefits they have. A person's full-time days are capped at
-- the days of the month: nobody is more than one full-time person. Decimals keep the sums exact,
-- so the published figures do not depend on the order DuckDB adds them in.
CREATE TEMP TABLE recipients AS
WITH per_benefit AS (
    SELECT person_id, municipality_code, month, benefit, days_in_month,
           MIN(sex) AS sex, MIN(age) AS age, SUM(days * fte) AS fte_days
    FROM spell_months
    GROUP BY person_id, municipality_code, month, benefit, days_in_month
), with_all AS (
    SELECT * FROM per_benefit
    UNION ALL
    SELECT person_id, municipality_code, month, 'alle', days_in_month,
           MIN(sex), MIN(age), SUM(fte_days)
    FROM per_benefit
    GROUP BY person_id, municipality_code, month, days_in_month
)
SELECT a.area_type, a.area_code, w.month, w.benefit, w.person_id,
       MIN(w.sex) AS sex, MIN(w.age) AS age, MIN(g.age_group) AS age_group,
       LEAST(SUM(w.fte_days), MIN(w.days_in_month)) AS fte_days,
       MIN(w.days_in_month) AS days_in_month
FROM with_all AS w
JOIN areas AS a USING (municipality_code)
LEFT JOIN age_groups AS g ON w.age BETWEEN g.min_age AND g.max_age
GROUP BY a.area_type, a.area_code, w.month, w.benefit, w.person_id;

-- The population aged 16-66 on the 1st of each published month, per area.
CREATE TEMP TABLE population_16_66 AS
SELECT a.area_type, a.area_code, p.month, SUM(p.persons) AS persons
FROM population AS p
JOIN areas AS a USING (municipality_code)
WHERE p.month IN (SELECT month FROM months)
GROUP BY a.area_type, a.area_code, p.month;
