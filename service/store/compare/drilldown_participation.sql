-- The events behind one participation row (dong × phase); `assemblyDay` marks the rows of the
-- phase's largest 주민총회 day (assemblyVoters and assemblyTurnoutPer1000 rest on them).
-- Parameters: $dong VARCHAR, $phase INTEGER, $scopeDongs VARCHAR[] (NULL = any).
WITH days AS (
  SELECT date, sum(coalesce(voters, participants)) AS voters
  FROM participation
  WHERE dong = $dong AND phase = $phase AND activity = '주민총회'
  GROUP BY date
),
largest AS (SELECT arg_max(date, voters) AS date FROM days)
SELECT CAST(e.rowId AS VARCHAR) AS rowId, e.revision, e.city, e.district, e.dong, e.dongName, e.cohort, e.phase, e.date,
       e.activity, e.title, e.participants, e.newParticipants, e.voters, e.votersOnline, e.online, e.note,
       coalesce(e.activity = '주민총회' AND e.date = (SELECT date FROM largest), false) AS assemblyDay,
       e.updatedBy, e.updatedAt, e.source
FROM participation e
WHERE e.dong = $dong AND e.phase = $phase
  AND ($scopeDongs IS NULL OR list_contains($scopeDongs, e.dong))
ORDER BY e.date NULLS LAST, e.rowId
