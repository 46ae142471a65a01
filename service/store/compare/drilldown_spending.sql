-- The budget lines behind one spending row: dong × phase, and one category unless $category is NULL
-- (the dong × phase row for all lines). Their sums are the row's budgetKrw, executedKrw,
-- carriedOverKrw and returnedKrw; `payLine` marks the lines discretionaryExecutionRate leaves out.
-- Parameters: $dong VARCHAR, $phase INTEGER, $category VARCHAR, $scopeDongs VARCHAR[] (NULL = any),
-- $payCategories VARCHAR[].
SELECT CAST(rowId AS VARCHAR) AS rowId, revision, city, district, dong, dongName, cohort, phase, fiscalYear, category, item,
       fundingSource, budgetKrw, executedKrw, carriedOverKrw, returnedKrw, executedOn, agenda, note,
       list_contains($payCategories, category) AS payLine, updatedBy, updatedAt, source
FROM spending
WHERE dong = $dong AND phase = $phase
  AND ($category IS NULL OR category = $category)
  AND ($scopeDongs IS NULL OR list_contains($scopeDongs, dong))
ORDER BY category, executedOn NULLS LAST, rowId
