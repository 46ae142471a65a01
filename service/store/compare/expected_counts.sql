-- Shared CTE (included as {{expected_counts}} by expected_figures.sql and dong_figures.sql): how
-- many milestones each city expects of a cohort in each phase that has begun by $today.
expectedCounts AS (
  SELECT e.city, e.cohort, e.phase, count(*) AS expected
  FROM expected_milestones e
  JOIN phases ph ON ph.city = e.city AND ph.phase = e.phase
  WHERE ph.startOn <= coalesce(CAST($today AS DATE), current_date)
  GROUP BY e.city, e.cohort, e.phase
)
