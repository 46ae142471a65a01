-- participation: dong × phase.
-- Figures (domain/metrics.ts): events, participants, newParticipants and votes (blanks skipped, NULL
-- when all blank), participantsPer1000 (NULL when the population of the phase's year is unknown),
-- assemblyParticipants (activity 주민총회).
-- Parameters: $phases INTEGER[], $districts VARCHAR[], $dongs VARCHAR[] (NULL = all).
WITH grouped AS (
  SELECT e.district, e.dong, e.dongName, e.phase,
         count(*) AS events,
         CAST(coalesce(sum(e.participants), 0) AS BIGINT) AS participants,
         CAST(sum(e.newParticipants) AS BIGINT) AS newParticipants,
         CAST(coalesce(sum(e.participants) FILTER (WHERE e.activity = '주민총회'), 0) AS BIGINT) AS assemblyParticipants,
         CAST(sum(e.votes) AS BIGINT) AS votes
  FROM participation e
  WHERE ($phases IS NULL OR list_contains($phases, e.phase))
    AND ($districts IS NULL OR list_contains($districts, e.district))
    AND ($dongs IS NULL OR list_contains($dongs, e.dong))
  GROUP BY e.district, e.dong, e.dongName, e.phase
)
SELECT g.district, g.dong, g.dongName, g.phase, g.events, g.participants, g.newParticipants,
       CASE WHEN pop.population > 0 THEN g.participants * 1000.0 / pop.population END AS participantsPer1000,
       g.assemblyParticipants, g.votes
FROM grouped g
LEFT JOIN phases p ON p.phase = g.phase
LEFT JOIN dong_population pop ON pop.dong = g.dong AND pop.year = p.year
ORDER BY g.district, g.dong, g.phase
