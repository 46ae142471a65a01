-- Shared CTEs (included as {{expected_figures}} by progress.sql and dong_figures.sql): the
-- milestones the city expects of each dong × phase (its cohort's list for that phase, for every
-- phase that has begun by $today, whether or not the dong recorded anything) and how many of them
-- it recorded as done, distinct (a milestone written twice counts once), and done by their plan.
expectedScope AS (
  SELECT d.code AS dong, e.phase, e.milestone
  FROM dongs d
  JOIN expected_milestones e ON e.cohort = d.joinedPhase
  JOIN phases ph ON ph.phase = e.phase
  WHERE ph.startOn <= coalesce(CAST($today AS DATE), current_date)
),
expectedFigures AS (
  SELECT x.dong, x.phase, count(*) AS expected,
         count(done.milestone) AS completedExpected,
         count(*) FILTER (WHERE done.onTime) AS completedOnTime
  FROM expectedScope x
  LEFT JOIN (
    SELECT m.dong, m.phase, m.milestone, coalesce(bool_or(m.completedOn <= m.plannedOn), false) AS onTime
    FROM progress m
    WHERE m.status = '완료'
    GROUP BY m.dong, m.phase, m.milestone
  ) done ON done.dong = x.dong AND done.phase = x.phase AND done.milestone = x.milestone
  GROUP BY x.dong, x.phase
)
