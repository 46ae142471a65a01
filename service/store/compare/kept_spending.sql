-- Kept totals (compare/kept.ts): each dong × phase's discretionary lines (the pay lines left out),
-- executed and budgeted. dong_figures.sql reads them as temp.kept_spending. Summed from the live
-- rows of spending_rows, not the spending view: the view only adds each row's names by joining the
-- dongs and districts, which dong_figures.sql joins itself (a line of a dong not in the reference is
-- left out there as the view leaves it out), and those joins were ~40% of this scan, run before
-- every summary and phases answer while syncs come in (docs/performance-history.md, "Load").
-- Parameters: $dongs VARCHAR[] (NULL = every dong), $payCategories VARCHAR[].
SELECT s.dong, s.phase,
       CAST(coalesce(sum(s.executedKrw), 0) AS DOUBLE) AS executed,
       CAST(coalesce(sum(s.budgetKrw), 0) AS DOUBLE) AS budget
FROM spending_rows s
WHERE NOT s.deleted
  AND NOT list_contains($payCategories, s.category)
  AND ($dongs IS NULL OR list_contains($dongs, s.dong))
GROUP BY s.dong, s.phase
