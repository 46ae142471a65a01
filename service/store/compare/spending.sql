-- spending: dong × phase × category, plus one row per dong × phase with category NULL for all lines.
-- Figures (domain/metrics.ts): budgetKrw, executedKrw (a blank executed counts as nothing),
-- carriedOverKrw, returnedKrw, executionRate (NULL when the budget is 0), carryOverRate,
-- unspentRate ((budget − executed − carried over) ÷ budget), discretionaryExecutionRate (the
-- lines other than $payCategories, all-lines row only), allocationKrw (the dong's allocations for
-- the fiscal years of the phase's period, all-lines row only), executedPerResident (NULL when the
-- population of the phase's year is unknown); illustrative when that population is.
-- Parameters: $phases INTEGER[], $districts VARCHAR[], $dongs VARCHAR[], $cohorts INTEGER[],
-- $cities VARCHAR[] (NULL = all), $payCategories VARCHAR[].
WITH lines AS (
  SELECT s.dong, s.phase, s.category, s.budgetKrw, s.executedKrw, s.carriedOverKrw, s.returnedKrw
  FROM spending s
  WHERE ($phases IS NULL OR list_contains($phases, s.phase))
    AND ($districts IS NULL OR list_contains($districts, s.district))
    AND ($dongs IS NULL OR list_contains($dongs, s.dong))
    AND ($cohorts IS NULL OR list_contains($cohorts, s.cohort))
    AND ($cities IS NULL OR list_contains($cities, s.city))
),
-- Grouped by the dong's code alone (its name, district, city and cohort follow from it), named after
-- grouping; the all-lines row of a dong × phase sums its categories' rows (not the lines again). A
-- category is the dong's own (not pay) or not as a whole, so its own sums are told after grouping.
summed AS (
  SELECT dong, phase, category,
         sum(budgetKrw) AS budgetKrw,
         sum(executedKrw) AS executedKrw,
         sum(carriedOverKrw) AS carriedOverKrw,
         sum(returnedKrw) AS returnedKrw
  FROM lines
  GROUP BY dong, phase, category
),
byCategory AS (
  SELECT *,
         CASE WHEN NOT list_contains($payCategories, category) THEN budgetKrw END AS ownBudgetKrw,
         CASE WHEN NOT list_contains($payCategories, category) THEN executedKrw END AS ownExecutedKrw
  FROM summed
),
grouped AS (
  SELECT dong, phase, category, 0 AS allLines,
         CAST(coalesce(budgetKrw, 0) AS BIGINT) AS budgetKrw,
         CAST(coalesce(executedKrw, 0) AS BIGINT) AS executedKrw,
         CAST(coalesce(carriedOverKrw, 0) AS BIGINT) AS carriedOverKrw,
         CAST(coalesce(returnedKrw, 0) AS BIGINT) AS returnedKrw,
         coalesce(ownBudgetKrw, 0) AS ownBudgetKrw,
         coalesce(ownExecutedKrw, 0) AS ownExecutedKrw
  FROM byCategory
  UNION ALL
  SELECT dong, phase, NULL, 1,
         CAST(coalesce(sum(budgetKrw), 0) AS BIGINT),
         CAST(coalesce(sum(executedKrw), 0) AS BIGINT),
         CAST(coalesce(sum(carriedOverKrw), 0) AS BIGINT),
         CAST(coalesce(sum(returnedKrw), 0) AS BIGINT),
         coalesce(sum(ownBudgetKrw), 0),
         coalesce(sum(ownExecutedKrw), 0)
  FROM byCategory
  GROUP BY dong, phase
),
allocated AS (
  SELECT a.dong, p.phase, CAST(sum(a.amountKrw) AS BIGINT) AS allocationKrw
  FROM allocations a
  JOIN dongs ad ON ad.code = a.dong
  JOIN phases p ON p.city = ad.city AND a.fiscalYear BETWEEN year(p.startOn) AND year(p.endOn)
  GROUP BY a.dong, p.phase
)
SELECT c.city, d.district, g.dong, d.name AS dongName, d.joinedPhase AS cohort, g.phase, g.category, g.budgetKrw, g.executedKrw,
       g.carriedOverKrw, g.returnedKrw,
       CASE WHEN g.budgetKrw = 0 THEN NULL ELSE g.executedKrw / g.budgetKrw END AS executionRate,
       CASE WHEN g.budgetKrw = 0 THEN NULL ELSE g.carriedOverKrw / g.budgetKrw END AS carryOverRate,
       CASE WHEN g.budgetKrw = 0 THEN NULL ELSE (g.budgetKrw - g.executedKrw - g.carriedOverKrw) / g.budgetKrw END AS unspentRate,
       CASE WHEN g.allLines = 1 AND g.ownBudgetKrw > 0 THEN g.ownExecutedKrw / g.ownBudgetKrw END AS discretionaryExecutionRate,
       CASE WHEN g.allLines = 1 THEN a.allocationKrw END AS allocationKrw,
       CASE WHEN pop.population > 0 THEN g.executedKrw / pop.population END AS executedPerResident,
       coalesce(pop.population > 0 AND d.populationIllustrative, false) AS illustrative
FROM grouped g
JOIN dongs d ON d.code = g.dong
JOIN districts c ON c.code = d.district
LEFT JOIN allocated a ON a.dong = g.dong AND a.phase = g.phase
LEFT JOIN phases p ON p.city = d.city AND p.phase = g.phase
LEFT JOIN dong_population pop ON pop.dong = g.dong AND pop.year = p.year
ORDER BY d.district, g.dong, g.phase, g.allLines DESC, g.category
