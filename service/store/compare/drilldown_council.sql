-- The council snapshots behind one council row (dong × phase), the one the figures use first.
-- Parameters: $dong VARCHAR, $phase INTEGER, $scopeDongs VARCHAR[] (NULL = any).
SELECT CAST(rowId AS VARCHAR) AS rowId, revision, city, district, dong, dongName, cohort, phase, fiscalYear, "asOf",
       seats, applicants, selectedByLottery, members, women, youth, subcommittees, trainingCompleted, note,
       updatedBy, updatedAt, source
FROM council
WHERE dong = $dong AND phase = $phase
  AND ($scopeDongs IS NULL OR list_contains($scopeDongs, dong))
ORDER BY fiscalYear DESC, "asOf" DESC NULLS LAST, revision DESC
