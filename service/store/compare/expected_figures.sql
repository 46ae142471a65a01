-- Shared table macro (on each reader connection, compare/sql-files.ts; read by progress.sql): the
-- milestones its city expects of each dong × phase (its cohort's list for that phase, for every
-- phase that has begun by `today`, whether or not the dong recorded anything) and how many of them
-- it recorded as done, distinct, and done by their plan (expected_counts.sql, done_expected.sql).
CREATE OR REPLACE TEMP MACRO expectedFiguresOn(today) AS TABLE
SELECT d.code AS dong, c.phase, c.expected,
       coalesce(x.completedExpected, 0) AS completedExpected,
       coalesce(x.completedOnTime, 0) AS completedOnTime
FROM dongs d
JOIN expectedCountsOn(today) c ON c.city = d.city AND c.cohort = d.joinedPhase
LEFT JOIN doneExpected x ON x.dong = d.code AND x.phase = c.phase;
