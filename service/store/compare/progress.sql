-- progress: dong × phase.
-- Figures (domain/metrics.ts): milestones, completed (status 완료), completionRate, avgProgressPct
-- (a done milestone with a blank progress counts as 100; other blanks are skipped), delayed (status
-- 지연, or done after its plan, or not done and past its plan as of $today), medianDelayDays
-- (completedOn − plannedOn over the done milestones).
-- Parameters: $phases INTEGER[], $districts VARCHAR[], $dongs VARCHAR[] (NULL = all), $today VARCHAR
-- (YYYY-MM-DD; NULL = current_date).
SELECT m.district, m.dong, m.dongName, m.phase,
       count(*) AS milestones,
       count(*) FILTER (WHERE m.status = '완료') AS completed,
       count(*) FILTER (WHERE m.status = '완료') / count(*) AS completionRate,
       avg(CASE WHEN m.status = '완료' THEN coalesce(m.progressPct, 100) ELSE m.progressPct END) AS avgProgressPct,
       count(*) FILTER (
         WHERE m.status = '지연'
            OR (m.status = '완료' AND m.completedOn > m.plannedOn)
            OR (m.status IS DISTINCT FROM '완료' AND m.plannedOn < coalesce(CAST($today AS DATE), current_date))
       ) AS delayed,
       CAST(median(m.completedOn - m.plannedOn) FILTER (WHERE m.status = '완료') AS DOUBLE) AS medianDelayDays
FROM progress m
WHERE ($phases IS NULL OR list_contains($phases, m.phase))
  AND ($districts IS NULL OR list_contains($districts, m.district))
  AND ($dongs IS NULL OR list_contains($dongs, m.dong))
GROUP BY m.district, m.dong, m.dongName, m.phase
ORDER BY m.district, m.dong, m.phase
