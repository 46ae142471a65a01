-- The budget lines behind one spending row: dong × phase, and one category unless $category is NULL
-- (the dong × phase row for all lines). Their sums are the row's budgetKrw and executedKrw.
-- Parameters: $dong VARCHAR, $phase INTEGER, $category VARCHAR, $scopeDongs VARCHAR[] (NULL = any).
SELECT CAST(rowId AS VARCHAR) AS rowId, revision, district, dong, dongName, phase, fiscalYear, category, item,
       fundingSource, budgetKrw, executedKrw, executedOn, note, updatedBy, updatedAt, source
FROM spending
WHERE dong = $dong AND phase = $phase
  AND ($category IS NULL OR category = $category)
  AND ($scopeDongs IS NULL OR list_contains($scopeDongs, dong))
ORDER BY category, executedOn NULLS LAST, rowId
