-- Shared table macro (on each reader connection, compare/sql-files.ts; read by expected_figures.sql
-- and dong_figures.sql): how many milestones each city expects of a cohort in each phase that has
-- begun by `today` (YYYY-MM-DD; NULL = current_date).
CREATE OR REPLACE TEMP MACRO expectedCountsOn(today) AS TABLE
SELECT e.city, e.cohort, e.phase, count(*) AS expected
FROM expected_milestones e
JOIN phases ph ON ph.city = e.city AND ph.phase = e.phase
WHERE ph.startOn <= coalesce(CAST(today AS DATE), current_date)
GROUP BY e.city, e.cohort, e.phase;
