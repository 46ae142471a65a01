-- The milestones behind one progress row (dong × phase): every recorded row, with `expected` true
-- for the milestones its city expects of the dong's cohort in that phase, and a row without rowId
-- (status NULL) for each expected milestone the sheet lacks, which counts as not done.
-- Parameters: $dong VARCHAR, $phase INTEGER, $scopeDongs VARCHAR[] (NULL = any).
WITH expected AS (
  SELECT e.milestone
  FROM dongs d JOIN expected_milestones e ON e.city = d.city AND e.cohort = d.joinedPhase AND e.phase = $phase
  WHERE d.code = $dong
)
SELECT CAST(m.rowId AS VARCHAR) AS rowId, m.revision, m.city, m.district, m.dong, m.dongName, m.cohort, m.phase, m.milestone,
       m.plannedOn, m.completedOn, m.status, m.progressPct, m.note,
       m.milestone IN (SELECT milestone FROM expected) AS expected,
       m.updatedBy, m.updatedAt, m.source
FROM progress m
WHERE m.dong = $dong AND m.phase = $phase
  AND ($scopeDongs IS NULL OR list_contains($scopeDongs, m.dong))
UNION ALL
SELECT NULL, NULL, g.city, d.district, d.code, d.name, d.joinedPhase, $phase, x.milestone,
       NULL, NULL, NULL, NULL, '기록 없음: 기대 과제 (완료하지 않은 것으로 봅니다) / not recorded: expected, counted as not done',
       true, NULL, NULL, NULL
FROM expected x
JOIN dongs d ON d.code = $dong
JOIN districts g ON g.code = d.district
WHERE ($scopeDongs IS NULL OR list_contains($scopeDongs, d.code))
  AND x.milestone NOT IN (SELECT milestone FROM progress WHERE dong = $dong AND phase = $phase)
ORDER BY plannedOn NULLS LAST, milestone, rowId
