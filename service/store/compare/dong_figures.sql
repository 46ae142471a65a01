-- Shared table macro (on each reader connection, compare/kept.ts; read by phases.sql and
-- summary.sql): the headline figures of every dong × phase as num / den, so a group's figure is
-- sum(num) / sum(den) and a dong's is num / den (NULL when den is 0 or unknown), with the dong's
-- city, cohort and whether the figure rests on illustrative data. Same definitions as spending.sql
-- (discretionaryExecutionRate), participation.sql (assemblyTurnoutPer1000), progress.sql
-- (completionRate) and agendas.sql (agendaCompletionRate: agendas completed ÷ adopted; a dong ×
-- phase with no adopted agenda has none). The rows' totals come from the kept tables (kept_*.sql,
-- compare/kept.ts: brought up to date for the dongs whose rows changed before every answer), not
-- from a country's rows at every answer. `today`: the day a phase has begun by (NULL = current_date).
CREATE OR REPLACE TEMP MACRO dongFiguresOn(today) AS TABLE
WITH expectedCounts AS (FROM expectedCountsOn(today)),
spendingFigures AS (
  SELECT k.dong, k.phase, 'discretionaryExecutionRate' AS figure, k.executed AS num, k.budget AS den, false AS illustrative
  FROM temp.kept_spending k
),
participationFigures AS (
  SELECT a.dong, a.phase, 'assemblyTurnoutPer1000' AS figure,
         a.assemblyVoters * 1000.0 AS num,
         CAST(pop.population AS DOUBLE) AS den,
         coalesce(pop.population > 0 AND d.populationIllustrative, false) AS illustrative
  FROM temp.kept_assembly a
  JOIN dongs d ON d.code = a.dong
  LEFT JOIN phases p ON p.city = d.city AND p.phase = a.phase
  LEFT JOIN dong_population pop ON pop.dong = a.dong AND pop.year = p.year
),
-- As expected_figures.sql's expectedFigures, over the kept counts of milestones done.
progressFigures AS (
  SELECT d.code AS dong, c.phase, 'completionRate' AS figure,
         CAST(coalesce(x.completedExpected, 0) AS DOUBLE) AS num,
         CAST(c.expected AS DOUBLE) AS den,
         false AS illustrative
  FROM dongs d
  JOIN expectedCounts c ON c.city = d.city AND c.cohort = d.joinedPhase
  LEFT JOIN temp.kept_done x ON x.dong = d.code AND x.phase = c.phase
),
agendaCompletionFigures AS (
  SELECT x.dong, x.phase, 'agendaCompletionRate' AS figure,
         CAST(x.agendasCompleted AS DOUBLE) AS num,
         CAST(x.adopted AS DOUBLE) AS den,
         false AS illustrative
  FROM temp.kept_agendas x
),
dongFigures AS (
  SELECT g.city, d.district, f.dong, d.name AS dongName, d.joinedPhase AS cohort, f.phase, f.figure, f.num, f.den,
         CASE WHEN f.den > 0 THEN f.num / f.den END AS value, f.illustrative
  FROM (
    SELECT * FROM spendingFigures
    UNION ALL SELECT * FROM participationFigures
    UNION ALL SELECT * FROM progressFigures
    UNION ALL SELECT * FROM agendaCompletionFigures
  ) f
  JOIN dongs d ON d.code = f.dong
  JOIN districts g ON g.code = d.district
)
SELECT * FROM dongFigures;
