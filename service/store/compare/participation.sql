-- participation: dong × phase.
-- Figures (domain/metrics.ts): events, attendances (연인원: participants summed over every event),
-- attendancesPer1000, newParticipants (blanks skipped, NULL when all blank), assemblyVoters and
-- votersOnlineShare (the phase's largest 주민총회: assembly_figures.sql), assemblyTurnoutPer1000
-- (per-1,000 figures NULL when the population of the phase's year is unknown); illustrative when
-- that population is.
-- Parameters: $phases INTEGER[], $districts VARCHAR[], $dongs VARCHAR[], $cohorts INTEGER[],
-- $cities VARCHAR[] (NULL = all).
WITH grouped AS (
  SELECT e.dong, e.phase, any_value(e.city) AS city, any_value(e.cohort) AS cohort,
         count(*) AS events,
         CAST(coalesce(sum(e.participants), 0) AS BIGINT) AS attendances,
         CAST(sum(e.newParticipants) AS BIGINT) AS newParticipants
  FROM participation e
  WHERE ($phases IS NULL OR list_contains($phases, e.phase))
    AND ($districts IS NULL OR list_contains($districts, e.district))
    AND ($dongs IS NULL OR list_contains($dongs, e.dong))
    AND ($cohorts IS NULL OR list_contains($cohorts, e.cohort))
    AND ($cities IS NULL OR list_contains($cities, e.city))
  GROUP BY e.dong, e.phase
)
SELECT g.city, d.district, g.dong, d.name AS dongName, g.cohort, g.phase, g.events, g.attendances,
       CASE WHEN pop.population > 0 THEN g.attendances * 1000.0 / pop.population END AS attendancesPer1000,
       g.newParticipants, a.assemblyVoters,
       CASE WHEN pop.population > 0 THEN a.assemblyVoters * 1000.0 / pop.population END AS assemblyTurnoutPer1000,
       a.votersOnlineShare,
       coalesce(pop.population > 0 AND d.populationIllustrative, false) AS illustrative
FROM grouped g
JOIN dongs d ON d.code = g.dong
LEFT JOIN assemblyFigures a ON a.dong = g.dong AND a.phase = g.phase
LEFT JOIN phases p ON p.city = d.city AND p.phase = g.phase
LEFT JOIN dong_population pop ON pop.dong = g.dong AND pop.year = p.year
ORDER BY d.district, g.dong, g.phase
