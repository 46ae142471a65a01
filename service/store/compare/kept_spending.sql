-- Kept totals (compare/kept.ts): each dong × phase's discretionary lines (the pay lines left out),
-- executed and budgeted. dong_figures.sql reads them as temp.kept_spending.
-- Parameters: $dongs VARCHAR[] (NULL = every dong), $payCategories VARCHAR[].
SELECT s.dong, s.phase,
       CAST(coalesce(sum(s.executedKrw), 0) AS DOUBLE) AS executed,
       CAST(coalesce(sum(s.budgetKrw), 0) AS DOUBLE) AS budget
FROM spending s
WHERE NOT list_contains($payCategories, s.category)
  AND ($dongs IS NULL OR list_contains($dongs, s.dong))
GROUP BY s.dong, s.phase
