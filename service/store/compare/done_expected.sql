-- Shared view (a temporary view on each reader connection, compare/sql-files.ts; read by
-- expected_figures.sql and kept_done.sql): each dong × phase's expected milestones recorded as
-- done, distinct (a milestone written twice counts once), and of those, the ones done by their
-- plan. The done rows are matched against the few (city, cohort, phase, milestone) expected first,
-- so no join on the milestone's text runs over every dong × expected milestone.
CREATE OR REPLACE TEMP VIEW doneExpected AS
SELECT dong, phase, count(*) AS completedExpected, count(*) FILTER (WHERE onTime) AS completedOnTime
FROM (
  SELECT m.dong, m.phase, m.milestone, coalesce(bool_or(m.completedOn <= m.plannedOn), false) AS onTime
  FROM progress m
  SEMI JOIN expected_milestones e ON e.city = m.city AND e.cohort = m.cohort AND e.phase = m.phase AND e.milestone = m.milestone
  WHERE m.status = '완료'
  GROUP BY m.dong, m.phase, m.milestone
) done
GROUP BY dong, phase;
