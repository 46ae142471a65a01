-- The agendas behind one agendas row (dong × phase).
-- Parameters: $dong VARCHAR, $phase INTEGER, $scopeDongs VARCHAR[] (NULL = any).
SELECT CAST(rowId AS VARCHAR) AS rowId, revision, city, district, dong, dongName, cohort, phase, fiscalYear, title,
       subcommittee, proposedOn, assemblyOn, votesFor, votesAgainst, adopted, estimatedCostKrw, fundingRoute, status,
       completedOn, note, updatedBy, updatedAt, source
FROM agendas
WHERE dong = $dong AND phase = $phase
  AND ($scopeDongs IS NULL OR list_contains($scopeDongs, dong))
ORDER BY assemblyOn NULLS LAST, title, rowId
