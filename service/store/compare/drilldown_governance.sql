-- The events behind one governance row: the rows of a district or the city (unit × phase).
-- Parameters: $dong VARCHAR (the unit's code), $phase INTEGER, $scopeDongs VARCHAR[] (NULL = any).
SELECT CAST(rowId AS VARCHAR) AS rowId, revision, city, district, dong AS unit, dongName AS unitName, level, phase, date,
       activity, title, participants, newParticipants, voters, votersOnline, online, note, updatedBy, updatedAt, source
FROM participation
WHERE dong = $dong AND phase = $phase AND level <> 'dong'
  AND ($scopeDongs IS NULL OR list_contains($scopeDongs, dong))
ORDER BY date NULLS LAST, rowId
