-- Shared CTEs (included by phases.sql and summary.sql as {{dong_figures}}): the headline figures of
-- every dong × phase as num / den, so a city's figure is sum(num) / sum(den) and a dong's is
-- num / den (NULL when den is 0 or unknown). Same definitions as spending.sql, participation.sql
-- and progress.sql. Parameters: none (the callers filter).
spendingFigures AS (
  SELECT s.dong, s.phase, 'executionRate' AS figure,
         CAST(coalesce(sum(s.executedKrw), 0) AS DOUBLE) AS num,
         CAST(coalesce(sum(s.budgetKrw), 0) AS DOUBLE) AS den
  FROM spending s
  GROUP BY s.dong, s.phase
),
participationFigures AS (
  SELECT g.dong, g.phase, 'participantsPer1000' AS figure,
         g.participants * 1000.0 AS num,
         CAST(pop.population AS DOUBLE) AS den
  FROM (
    SELECT e.dong, e.phase, coalesce(sum(e.participants), 0) AS participants
    FROM participation e
    GROUP BY e.dong, e.phase
  ) g
  LEFT JOIN phases p ON p.phase = g.phase
  LEFT JOIN dong_population pop ON pop.dong = g.dong AND pop.year = p.year
),
progressFigures AS (
  SELECT m.dong, m.phase, 'completionRate' AS figure,
         CAST(count(*) FILTER (WHERE m.status = '완료') AS DOUBLE) AS num,
         CAST(count(*) AS DOUBLE) AS den
  FROM progress m
  GROUP BY m.dong, m.phase
),
dongFigures AS (
  SELECT f.dong, d.name AS dongName, d.district, f.phase, f.figure, f.num, f.den,
         CASE WHEN f.den > 0 THEN f.num / f.den END AS value
  FROM (
    SELECT * FROM spendingFigures
    UNION ALL SELECT * FROM participationFigures
    UNION ALL SELECT * FROM progressFigures
  ) f
  JOIN dongs d ON d.code = f.dong
)
