-- The events behind one participation row (dong × phase).
-- Parameters: $dong VARCHAR, $phase INTEGER, $scopeDongs VARCHAR[] (NULL = any).
SELECT CAST(rowId AS VARCHAR) AS rowId, revision, district, dong, dongName, phase, date, activity, title,
       participants, newParticipants, votes, online, note, updatedBy, updatedAt, source
FROM participation
WHERE dong = $dong AND phase = $phase
  AND ($scopeDongs IS NULL OR list_contains($scopeDongs, dong))
ORDER BY date NULLS LAST, rowId
