-- The milestones behind one progress row (dong × phase).
-- Parameters: $dong VARCHAR, $phase INTEGER, $scopeDongs VARCHAR[] (NULL = any).
SELECT CAST(rowId AS VARCHAR) AS rowId, revision, district, dong, dongName, phase, milestone, plannedOn,
       completedOn, status, progressPct, note, updatedBy, updatedAt, source
FROM progress
WHERE dong = $dong AND phase = $phase
  AND ($scopeDongs IS NULL OR list_contains($scopeDongs, dong))
ORDER BY plannedOn NULLS LAST, rowId
