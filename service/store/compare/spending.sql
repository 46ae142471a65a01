-- spending: dong × phase × category, plus one row per dong × phase with category NULL for all lines.
-- Figures (domain/metrics.ts): budgetKrw, executedKrw (a blank executed counts as nothing),
-- executionRate (NULL when the budget is 0), executedPerResident (NULL when the population of the
-- phase's year is unknown).
-- Parameters: $phases INTEGER[], $districts VARCHAR[], $dongs VARCHAR[] (NULL = all).
WITH lines AS (
  SELECT s.dong, s.phase, s.category, s.budgetKrw, s.executedKrw
  FROM spending s
  WHERE ($phases IS NULL OR list_contains($phases, s.phase))
    AND ($districts IS NULL OR list_contains($districts, s.district))
    AND ($dongs IS NULL OR list_contains($dongs, s.dong))
),
-- Grouped by the dong's code alone (its name and district follow from it), named after grouping.
grouped AS (
  SELECT dong, phase,
         CASE WHEN grouping(category) = 1 THEN NULL ELSE category END AS category,
         grouping(category) AS allLines,
         CAST(coalesce(sum(budgetKrw), 0) AS BIGINT) AS budgetKrw,
         CAST(coalesce(sum(executedKrw), 0) AS BIGINT) AS executedKrw
  FROM lines
  GROUP BY GROUPING SETS ((dong, phase, category), (dong, phase))
)
SELECT d.district, g.dong, d.name AS dongName, g.phase, g.category, g.budgetKrw, g.executedKrw,
       CASE WHEN g.budgetKrw = 0 THEN NULL ELSE g.executedKrw / g.budgetKrw END AS executionRate,
       CASE WHEN pop.population > 0 THEN g.executedKrw / pop.population END AS executedPerResident
FROM grouped g
JOIN dongs d ON d.code = g.dong
LEFT JOIN phases p ON p.phase = g.phase
LEFT JOIN dong_population pop ON pop.dong = g.dong AND pop.year = p.year
ORDER BY d.district, g.dong, g.phase, g.allLines DESC, g.category
