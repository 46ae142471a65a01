-- Shared CTEs (included as {{expected_figures}} by progress.sql and dong_figures.sql): the
-- milestones its city expects of each dong × phase (its cohort's list for that phase, for every
-- phase that has begun by $today, whether or not the dong recorded anything) and how many of them
-- it recorded as done, distinct (a milestone written twice counts once), and done by their plan.
-- The done rows are matched against the few (city, cohort, phase, milestone) expected first, so
-- no join on the milestone's text runs over every dong × expected milestone.
expectedCounts AS (
  SELECT e.city, e.cohort, e.phase, count(*) AS expected
  FROM expected_milestones e
  JOIN phases ph ON ph.city = e.city AND ph.phase = e.phase
  WHERE ph.startOn <= coalesce(CAST($today AS DATE), current_date)
  GROUP BY e.city, e.cohort, e.phase
),
doneExpected AS (
  SELECT dong, phase, count(*) AS completedExpected, count(*) FILTER (WHERE onTime) AS completedOnTime
  FROM (
    SELECT m.dong, m.phase, m.milestone, coalesce(bool_or(m.completedOn <= m.plannedOn), false) AS onTime
    FROM progress m
    SEMI JOIN expected_milestones e ON e.city = m.city AND e.cohort = m.cohort AND e.phase = m.phase AND e.milestone = m.milestone
    WHERE m.status = '완료'
    GROUP BY m.dong, m.phase, m.milestone
  ) done
  GROUP BY dong, phase
),
expectedFigures AS (
  SELECT d.code AS dong, c.phase, c.expected,
         coalesce(x.completedExpected, 0) AS completedExpected,
         coalesce(x.completedOnTime, 0) AS completedOnTime
  FROM dongs d
  JOIN expectedCounts c ON c.city = d.city AND c.cohort = d.joinedPhase
  LEFT JOIN doneExpected x ON x.dong = d.code AND x.phase = c.phase
)
