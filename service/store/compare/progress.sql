-- progress: dong × phase, for every dong with milestones recorded in the phase and every dong the
-- city expects milestones of in a phase that has begun (one that recorded nothing shows 0%).
-- Figures (domain/metrics.ts): expected, completedExpected, completionRate and onTimeRate over the
-- expected milestones (expected_figures.sql: a missing one is not done), stageReached (the latest
-- milestone of $milestoneOrder done), milestones (all recorded), avgProgressPct (a done milestone
-- with a blank progress counts as 100; other blanks are skipped), delayed (status 지연, or done
-- after its plan, or not done and past its plan as of $today), medianDelayDays (completedOn −
-- plannedOn over the done milestones); illustrative when a planned date's note says 예시.
-- Parameters: $phases INTEGER[], $districts VARCHAR[], $dongs VARCHAR[], $cohorts INTEGER[],
-- $cities VARCHAR[] (NULL = all), $today VARCHAR (YYYY-MM-DD; NULL = current_date),
-- $milestoneOrder VARCHAR[].
WITH expectedFigures AS (FROM expectedFiguresOn($today)),
recorded AS (
  SELECT m.dong, m.phase,
         count(*) AS milestones,
         avg(CASE WHEN m.status = '완료' THEN coalesce(m.progressPct, 100) ELSE m.progressPct END) AS avgProgressPct,
         count(*) FILTER (
           WHERE m.status = '지연'
              OR (m.status = '완료' AND m.completedOn > m.plannedOn)
              OR (m.status IS DISTINCT FROM '완료' AND m.plannedOn < coalesce(CAST($today AS DATE), current_date))
         ) AS delayed,
         CAST(median(m.completedOn - m.plannedOn) FILTER (WHERE m.status = '완료') AS DOUBLE) AS medianDelayDays,
         arg_max(m.milestone, list_position($milestoneOrder, m.milestone)) FILTER (WHERE m.status = '완료') AS stageReached,
         bool_or(m.plannedOn IS NOT NULL AND contains(coalesce(m.note, ''), '예시')) AS illustrative
  FROM progress m
  GROUP BY m.dong, m.phase
),
scope AS (
  SELECT coalesce(x.dong, r.dong) AS dong, coalesce(x.phase, r.phase) AS phase,
         x.expected, x.completedExpected, x.completedOnTime,
         r.stageReached, r.milestones, r.avgProgressPct, r.delayed, r.medianDelayDays, r.illustrative
  FROM expectedFigures x
  FULL JOIN recorded r ON r.dong = x.dong AND r.phase = x.phase
)
SELECT g.city, d.district, s.dong, d.name AS dongName, d.joinedPhase AS cohort, s.phase,
       coalesce(s.expected, 0) AS expected,
       coalesce(s.completedExpected, 0) AS completedExpected,
       CASE WHEN s.expected > 0 THEN s.completedExpected / s.expected END AS completionRate,
       CASE WHEN s.expected > 0 THEN s.completedOnTime / s.expected END AS onTimeRate,
       s.stageReached,
       coalesce(s.milestones, 0) AS milestones,
       s.avgProgressPct,
       coalesce(s.delayed, 0) AS delayed,
       s.medianDelayDays,
       coalesce(s.illustrative, false) AS illustrative
FROM scope s
JOIN dongs d ON d.code = s.dong
JOIN districts g ON g.code = d.district
WHERE ($phases IS NULL OR list_contains($phases, s.phase))
  AND ($districts IS NULL OR list_contains($districts, d.district))
  AND ($dongs IS NULL OR list_contains($dongs, s.dong))
  AND ($cohorts IS NULL OR list_contains($cohorts, d.joinedPhase))
  AND ($cities IS NULL OR list_contains($cities, g.city))
ORDER BY d.district, s.dong, s.phase
