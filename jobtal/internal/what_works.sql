-- "Hvad virker" (SPEC section 9): for each offer type and target group, the share of citizens
-- off public benefits 13 weeks (91 days) after the offer started, beside the same share for
-- citizens of the same target group and spell duration who were not in an offer then. A
-- comparison, not a measured effect: who gets an offer is chosen, not drawn by lot.
-- Reads the tables of base.sql. Per jobcentre: the jobcentre of the citizen's caseworker.

-- the spell's duration on a day, in the bands both sides are matched on
CREATE TEMP MACRO duration_band(on_day, started) AS
    CASE WHEN on_day < started + INTERVAL 3 MONTH THEN '0-3'
         WHEN on_day < started + INTERVAL 6 MONTH THEN '3-6'
         WHEN on_day < started + INTERVAL 12 MONTH THEN '6-12'
         ELSE '12+' END;

-- whether a citizen has no benefit on a day
CREATE TEMP MACRO off_benefits(who, on_day) AS NOT EXISTS (
    SELECT 1 FROM citizen_spells AS s
    WHERE s.person_id = who AND s.start_date <= on_day AND s.end_date >= on_day
);

-- each citizen's first offer of each type in the edition's weeks, whose 13 weeks have passed by
-- the reference week's Sunday
CREATE TEMP TABLE offer_starts AS
SELECT person_id, offer, min(start_date) AS day
FROM citizen_offers
WHERE start_date >= (SELECT min(monday) FROM weeks)
GROUP BY person_id, offer
HAVING min(start_date) + 91 <= (SELECT reference_sunday FROM edition_info);

-- the citizen on the offer's first day: their caseworker's jobcentre, and the target group and
-- duration of the spell running then (of two, the first in section 4's order)
CREATE TEMP TABLE offer_cases AS
SELECT municipality_code, offer, target_group, duration, person_id,
       off_benefits(person_id, day + 91) AS off
FROM (
    SELECT st.municipality_code, o.offer, o.day, o.person_id, s.target_group,
           duration_band(o.day, s.start_date) AS duration,
           row_number() OVER (
               PARTITION BY o.person_id, o.offer ORDER BY s.position, s.start_date
           ) AS choice
    FROM offer_starts AS o
    JOIN edition_caseload AS c
      ON c.person_id = o.person_id AND o.day BETWEEN c.start_date AND c.end_date
    JOIN staff AS st ON st.caseworker_id = c.caseworker_id
    JOIN citizen_spells AS s
      ON s.person_id = o.person_id AND o.day BETWEEN s.start_date AND s.end_date
) AS candidates
WHERE choice = 1;

-- the comparison: each week's caseload on its Sunday, on a running spell and in no offer that
-- week, with the same 13 weeks passed
CREATE TEMP TABLE comparison_cases AS
SELECT st.municipality_code, c.target_group, duration_band(c.sunday, c.spell_start) AS duration,
       c.person_id, off_benefits(c.person_id, c.sunday + 91) AS off
FROM citizen_weeks AS c
JOIN staff AS st USING (caseworker_id)
LEFT JOIN offer_weeks AS o USING (week, person_id)
WHERE c.running_on_sunday AND o.person_id IS NULL
  AND c.sunday + 91 <= (SELECT reference_sunday FROM edition_info);

-- the comparison's share weighted as the offer's citizens are spread over the durations
-- (direct standardisation); durations without comparison citizens are left out of both sides'
-- weights
CREATE TEMP TABLE what_works AS
WITH offered AS (
    SELECT municipality_code, offer, target_group, duration,
           count(*) AS persons, sum(CASE WHEN off THEN 1 ELSE 0 END) AS off
    FROM offer_cases
    GROUP BY municipality_code, offer, target_group, duration
),
compared AS (
    SELECT municipality_code, target_group, duration,
           avg(CASE WHEN off THEN 1.0 ELSE 0.0 END) AS share
    FROM comparison_cases
    GROUP BY municipality_code, target_group, duration
),
comparison_persons AS (
    SELECT o.municipality_code, o.offer, o.target_group, count(DISTINCT c.person_id) AS persons
    FROM (SELECT DISTINCT municipality_code, offer, target_group, duration FROM offered) AS o
    JOIN comparison_cases AS c USING (municipality_code, target_group, duration)
    GROUP BY o.municipality_code, o.offer, o.target_group
)
SELECT o.municipality_code, o.offer, o.target_group,
       sum(o.persons) AS offer_persons,
       100.0 * sum(o.off) / sum(o.persons) AS offer_share,
       COALESCE(p.persons, 0) AS comparison_persons,
       100.0 * sum(o.persons * c.share) / sum(CASE WHEN c.share IS NOT NULL THEN o.persons END)
           AS comparison_share
FROM offered AS o
LEFT JOIN compared AS c USING (municipality_code, target_group, duration)
LEFT JOIN comparison_persons AS p USING (municipality_code, offer, target_group)
GROUP BY o.municipality_code, o.offer, o.target_group, p.persons;
