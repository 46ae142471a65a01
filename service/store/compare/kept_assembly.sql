-- Kept totals (compare/kept.ts): each dong × phase's 주민총회 voters (assembly_figures.sql).
-- dong_figures.sql reads them as temp.kept_assembly.
-- Parameters: $dongs VARCHAR[] (NULL = every dong).
SELECT dong, phase, assemblyVoters
FROM assemblyFigures
WHERE $dongs IS NULL OR list_contains($dongs, dong)
