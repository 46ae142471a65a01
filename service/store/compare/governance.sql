-- governance: the work done above the dong (rows whose 동 names a district or the city): per unit ×
-- phase × activity (and a row per unit × phase with activity NULL for all), events and attendances
-- (participants summed); on the all-activities row, the unit's milestones recorded and done. These
-- rows never enter a dong's figures.
-- Parameters: $phases INTEGER[], $districts VARCHAR[], $dongs VARCHAR[] (units' codes here),
-- $cohorts INTEGER[] (units have none: any cohort filter leaves nothing), $cities VARCHAR[] (NULL = all).
WITH units AS (
  SELECT code AS unit, 'district' AS level, name AS unitName, code AS district, city FROM districts
  UNION ALL
  SELECT code, 'city', name, NULL, code FROM cities
),
events AS (
  SELECT e.dong AS unit, e.phase, e.activity, e.participants FROM participation e WHERE e.level <> 'dong'
),
byActivity AS (
  SELECT unit, phase, CASE WHEN grouping(activity) = 1 THEN NULL ELSE activity END AS activity,
         count(*) AS events, CAST(coalesce(sum(participants), 0) AS BIGINT) AS attendances
  FROM events
  GROUP BY GROUPING SETS ((unit, phase, activity), (unit, phase))
),
steps AS (
  SELECT m.dong AS unit, m.phase, NULL::VARCHAR AS activity, count(*) AS milestones, count(*) FILTER (WHERE m.status = '완료') AS milestonesDone
  FROM progress m WHERE m.level <> 'dong'
  GROUP BY m.dong, m.phase
),
joined AS (
  SELECT coalesce(a.unit, s.unit) AS unit, coalesce(a.phase, s.phase) AS phase, a.activity,
         coalesce(a.events, 0) AS events, coalesce(a.attendances, 0) AS attendances,
         CASE WHEN a.activity IS NULL THEN coalesce(s.milestones, 0) END AS milestones,
         CASE WHEN a.activity IS NULL THEN coalesce(s.milestonesDone, 0) END AS milestonesDone
  FROM byActivity a
  FULL OUTER JOIN steps s ON s.unit = a.unit AND s.phase = a.phase AND a.activity IS NULL
)
SELECT u.city, u.district, j.unit, u.unitName, u.level, j.phase, j.activity, j.events, j.attendances, j.milestones, j.milestonesDone
FROM joined j
JOIN units u ON u.unit = j.unit
WHERE ($phases IS NULL OR list_contains($phases, j.phase))
  AND ($districts IS NULL OR list_contains($districts, u.district))
  AND ($dongs IS NULL OR list_contains($dongs, j.unit))
  AND ($cohorts IS NULL)
  AND ($cities IS NULL OR list_contains($cities, u.city))
ORDER BY u.level DESC, u.unit, j.phase, j.activity NULLS FIRST
