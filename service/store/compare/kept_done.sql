-- Kept totals (compare/kept.ts): each dong × phase's expected milestones done (done_expected.sql).
-- dong_figures.sql reads them as temp.kept_done.
-- Parameters: $dongs VARCHAR[] (NULL = every dong).
SELECT dong, phase, completedExpected
FROM doneExpected
WHERE $dongs IS NULL OR list_contains($dongs, dong)
