-- Kept totals (compare/kept.ts): each dong × phase's agendas adopted and completed
-- (agenda_figures.sql). dong_figures.sql reads them as temp.kept_agendas.
-- Parameters: $dongs VARCHAR[] (NULL = every dong).
SELECT dong, phase, adopted, agendasCompleted
FROM agendaFigures
WHERE $dongs IS NULL OR list_contains($dongs, dong)
