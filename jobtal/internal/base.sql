-- The internal edition's shared tables (SPEC section 9), read by the measures in measures/*.yaml
-- and by what_works.sql. Made by jobtal.internal.engine.prepare, which first creates:
--   weeks(week, monday, sunday, following_first, following_last, following_complete, recent)
--       every ISO week of the edition; following_* the four weeks after it, and whether they
--       are complete by the reference week (afgang needs them); recent: one of the last 26
--   edition_jobcentres(municipality_code)   the jobcentres the edition is built for
--   edition_info(reference_sunday)          the reference week's last day
--   benefits(benefit, position)             section 4's order
-- A spell or an assignment still running has no end_date; here it ends on 9999-12-31, so that
-- every overlap is one comparison.

-- the caseworkers of the edition's jobcentres
CREATE TEMP TABLE staff AS
SELECT caseworker_id, team, municipality_code, caseworker_name
FROM caseworkers
WHERE municipality_code IN (SELECT municipality_code FROM edition_jobcentres);

-- who is assigned to whom, and when
CREATE TEMP TABLE edition_caseload AS
SELECT c.person_id, c.caseworker_id, c.start_date,
       COALESCE(c.end_date, DATE '9999-12-31') AS end_date
FROM caseload AS c
WHERE c.caseworker_id IN (SELECT caseworker_id FROM staff);

-- the benefit spells of the citizens ever assigned, each with its target group: the benefit,
-- with readiness where section 4's benefit has one (kontanthjaelp:jobparat)
CREATE TEMP TABLE citizen_spells AS
SELECT s.person_id, s.benefit, s.start_date,
       COALESCE(s.end_date, DATE '9999-12-31') AS end_date,
       CASE WHEN s.benefit IN ('kontanthjaelp', 'uddannelseshjaelp', 'selvforsoergelse')
                 AND s.readiness IS NOT NULL
            THEN s.benefit || ':' || s.readiness
            ELSE s.benefit END AS target_group,
       b.position
FROM benefit_spells AS s
JOIN benefits AS b USING (benefit)
WHERE s.person_id IN (SELECT person_id FROM edition_caseload);

-- the offers (every activity but a samtale) of those citizens, by whoever arranged them
CREATE TEMP TABLE citizen_offers AS
SELECT a.person_id, a.activity AS offer, a.start_date,
       COALESCE(a.end_date, DATE '9999-12-31') AS end_date
FROM activities AS a
WHERE a.activity <> 'samtale'
  AND a.person_id IN (SELECT person_id FROM edition_caseload);

-- each citizen on each week's last day, with the caseworker they belong to then
CREATE TEMP TABLE assigned_weeks AS
SELECT w.week, w.monday, w.sunday, c.person_id, c.caseworker_id
FROM weeks AS w
JOIN edition_caseload AS c ON c.start_date <= w.sunday AND c.end_date >= w.sunday;

-- the caseload (sagsstamme): assigned citizens with a benefit on a day of the week, and their
-- target group: of the spell running on the Sunday, else of their last spell in the week (the
-- one ending latest), of two the first in section 4's order
CREATE TEMP TABLE citizen_weeks AS
SELECT week, monday, sunday, person_id, caseworker_id, target_group, spell_start,
       running_on_sunday
FROM (
    SELECT a.week, a.monday, a.sunday, a.person_id, a.caseworker_id, s.target_group,
           s.start_date AS spell_start, s.end_date >= a.sunday AS running_on_sunday,
           row_number() OVER (
               PARTITION BY a.week, a.person_id
               ORDER BY LEAST(s.end_date, a.sunday) DESC, s.position, s.start_date
           ) AS choice
    FROM assigned_weeks AS a
    JOIN citizen_spells AS s
      ON s.person_id = a.person_id AND s.start_date <= a.sunday AND s.end_date >= a.monday
) AS candidates
WHERE choice = 1;

-- the weeks in which a citizen of the caseload is in an offer (on at least one day)
CREATE TEMP TABLE offer_weeks AS
SELECT DISTINCT c.week, c.person_id
FROM citizen_weeks AS c
JOIN citizen_offers AS o
  ON o.person_id = c.person_id AND o.start_date <= c.sunday AND o.end_date >= c.monday;

-- the weeks after which a citizen of the caseload has a benefit within the next four weeks
CREATE TEMP TABLE back_within_four_weeks AS
SELECT DISTINCT c.week, c.person_id
FROM citizen_weeks AS c
JOIN weeks AS w USING (week)
JOIN citizen_spells AS s
  ON s.person_id = c.person_id
 AND s.start_date <= w.following_last AND s.end_date >= w.following_first
WHERE w.following_complete;
