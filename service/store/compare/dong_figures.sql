-- Shared CTEs (included as {{dong_figures}} by phases.sql and summary.sql): the headline figures of
-- every dong × phase as num / den, so a group's figure is sum(num) / sum(den) and a dong's is
-- num / den (NULL when den is 0 or unknown), with the dong's city, cohort and whether the figure
-- rests on illustrative data. Same definitions as spending.sql (discretionaryExecutionRate),
-- participation.sql (assemblyTurnoutPer1000), progress.sql (completionRate) and agendas.sql
-- (agendaCompletionRate: agendas completed ÷ adopted; a dong × phase with no adopted agenda has none).
-- Parameters: $payCategories VARCHAR[], $today VARCHAR (the callers filter).
{{assembly_figures}},
{{expected_figures}},
{{agenda_figures}},
spendingFigures AS (
  SELECT s.dong, s.phase, 'discretionaryExecutionRate' AS figure,
         CAST(coalesce(sum(s.executedKrw), 0) AS DOUBLE) AS num,
         CAST(coalesce(sum(s.budgetKrw), 0) AS DOUBLE) AS den,
         false AS illustrative
  FROM spending s
  WHERE NOT list_contains($payCategories, s.category)
  GROUP BY s.dong, s.phase
),
participationFigures AS (
  SELECT a.dong, a.phase, 'assemblyTurnoutPer1000' AS figure,
         a.assemblyVoters * 1000.0 AS num,
         CAST(pop.population AS DOUBLE) AS den,
         coalesce(pop.population > 0 AND d.populationIllustrative, false) AS illustrative
  FROM assemblyFigures a
  JOIN dongs d ON d.code = a.dong
  LEFT JOIN phases p ON p.city = d.city AND p.phase = a.phase
  LEFT JOIN dong_population pop ON pop.dong = a.dong AND pop.year = p.year
),
progressFigures AS (
  SELECT x.dong, x.phase, 'completionRate' AS figure,
         CAST(x.completedExpected AS DOUBLE) AS num,
         CAST(x.expected AS DOUBLE) AS den,
         false AS illustrative
  FROM expectedFigures x
),
agendaCompletionFigures AS (
  SELECT x.dong, x.phase, 'agendaCompletionRate' AS figure,
         CAST(x.agendasCompleted AS DOUBLE) AS num,
         CAST(x.adopted AS DOUBLE) AS den,
         false AS illustrative
  FROM agendaFigures x
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
