-- summary (README, "Figures a city can act on"): a manager's two questions, in rows of three kinds.
-- kind = 'city': per city × phase × cohort (NULL = every cohort) × headline figure, the group's
--   value (sum of numerators ÷ sum of denominators), median, q1, q3 and dongs with data.
-- kind = 'continuing': the same over the dongs with the figure in both this phase and `versus` (an
--   adjacent phase), so the two phases compare the same dongs.
-- kind = 'dong': only the dongs that may need support, one row per flag: 'low' (a group of at least
--   $minGroupForLow dongs, value in its lowest quartile and at least the minimum gap below its
--   median) or 'fell' (at least the minimum gap below its own previous phase). The minimum gap is
--   $minGapRate for rates; for $per1000Figures, $minGapPer1000Share of the median (of the previous
--   value, for fell). With $rank (analysts and managers) every dong is listed with its rank in its
--   group. Not a league table otherwise.
-- Every row says its yearInPilot (phase − cohort + 1; empty for all cohorts), so a national analyst
-- compares cities on different calendars by cohort and year in the pilot.
-- Groups are always whole (city × phase × cohort); $districts and $dongs only choose which dongs
-- are listed, $phases, $cohorts and $cities which groups.
-- Parameters: $phases INTEGER[], $districts VARCHAR[], $dongs VARCHAR[], $cohorts INTEGER[],
-- $cities VARCHAR[] (NULL = all), $rank BOOLEAN, $today VARCHAR,
-- $per1000Figures VARCHAR[], $minGapRate DOUBLE, $minGapPer1000Share DOUBLE,
-- $minGroupForLow INTEGER, $figureOrder VARCHAR[].
-- $cities is applied to the dongs' figures, every row's source: a city's groups and flags rest on
-- its own dongs only, so an answer for some cities is those cities' rows of the whole one (an
-- answer after a change is made for the changed cities alone, compare/splice.ts).
WITH dongFigures AS (FROM dongFiguresOn($today) WHERE $cities IS NULL OR list_contains($cities, city)),
groupQuartiles AS (
  SELECT city, phase, CASE WHEN grouping(cohort) = 1 THEN NULL ELSE cohort END AS cohort, figure,
         CASE WHEN sum(den) FILTER (WHERE den > 0) > 0 THEN sum(num) FILTER (WHERE den > 0) / sum(den) FILTER (WHERE den > 0) END AS value,
         quantile_cont(value, [0.5, 0.25, 0.75]) AS quartiles,
         count(value) AS dongsWithData,
         coalesce(bool_or(illustrative AND value IS NOT NULL), false) AS illustrative
  FROM dongFigures
  GROUP BY GROUPING SETS ((city, phase, cohort, figure), (city, phase, figure))
),
-- The three quartiles in one sort of each group's values.
groupStats AS (
  SELECT * EXCLUDE (quartiles), quartiles[1] AS median, quartiles[2] AS q1, quartiles[3] AS q3 FROM groupQuartiles
),
pairs AS (
  SELECT a.city, a.phase, b.phase AS versus FROM phases a JOIN phases b ON b.city = a.city AND abs(a.phase - b.phase) = 1
),
continuingFigures AS (
  SELECT f.*, pr.versus
  FROM dongFigures f
  JOIN pairs pr ON pr.city = f.city AND pr.phase = f.phase
  SEMI JOIN dongFigures o ON o.dong = f.dong AND o.figure = f.figure AND o.phase = pr.versus AND o.value IS NOT NULL
  WHERE f.value IS NOT NULL
),
continuingQuartiles AS (
  SELECT city, phase, versus, CASE WHEN grouping(cohort) = 1 THEN NULL ELSE cohort END AS cohort, figure,
         sum(num) / nullif(sum(den), 0) AS value,
         quantile_cont(value, [0.5, 0.25, 0.75]) AS quartiles,
         count(value) AS dongsWithData,
         coalesce(bool_or(illustrative), false) AS illustrative
  FROM continuingFigures
  GROUP BY GROUPING SETS ((city, phase, versus, cohort, figure), (city, phase, versus, figure))
),
continuingStats AS (
  SELECT * EXCLUDE (quartiles), quartiles[1] AS median, quartiles[2] AS q1, quartiles[3] AS q3 FROM continuingQuartiles
),
judged AS (
  SELECT f.city, f.district, f.dong, f.dongName, f.phase, f.cohort, f.figure, f.value, f.illustrative,
         g.median, g.q1, g.dongsWithData, prev.value AS previousValue,
         CASE WHEN list_contains($per1000Figures, f.figure) THEN $minGapPer1000Share * g.median ELSE $minGapRate END AS lowGap,
         CASE WHEN list_contains($per1000Figures, f.figure) THEN $minGapPer1000Share * prev.value ELSE $minGapRate END AS fellGap
  FROM dongFigures f
  JOIN groupStats g ON g.city = f.city AND g.phase = f.phase AND g.cohort = f.cohort AND g.figure = f.figure
  LEFT JOIN dongFigures prev ON prev.dong = f.dong AND prev.figure = f.figure AND prev.phase = f.phase - 1
  WHERE f.value IS NOT NULL
),
-- A tolerance of 1e-9 keeps a gap of exactly 5 %p from being missed by floating point.
flagged AS (
  SELECT j.*, 'low' AS flag, j.value - j.median AS gap
  FROM judged j
  WHERE j.dongsWithData >= $minGroupForLow AND j.value <= j.q1 AND j.median - j.value > 0 AND j.median - j.value >= j.lowGap - 1e-9
  UNION ALL
  SELECT j.*, 'fell', j.value - j.previousValue
  FROM judged j
  WHERE j.previousValue IS NOT NULL AND j.previousValue - j.value > 0 AND j.previousValue - j.value >= j.fellGap - 1e-9
),
-- Ranks only when asked for (a window over every dong's figures is most of the summary's time otherwise).
ranked AS (
  SELECT j.*, rank() OVER (PARTITION BY j.city, j.phase, j.cohort, j.figure ORDER BY j.value DESC NULLS LAST) AS rank
  FROM judged j
  WHERE coalesce($rank, false)
),
dongRows AS (
  SELECT f.city, f.district, f.dong, f.dongName, f.phase, f.cohort, f.figure, f.value, f.median, f.previousValue, f.gap, f.flag,
         f.illustrative, r.rank
  FROM flagged f
  LEFT JOIN ranked r ON r.dong = f.dong AND r.phase = f.phase AND r.figure = f.figure
  UNION ALL
  -- With $rank, the dongs without a flag too.
  SELECT r.city, r.district, r.dong, r.dongName, r.phase, r.cohort, r.figure, r.value, r.median, r.previousValue,
         NULL, NULL, r.illustrative, r.rank
  FROM ranked r
  WHERE NOT EXISTS (SELECT 1 FROM flagged x WHERE x.dong = r.dong AND x.phase = r.phase AND x.figure = r.figure)
),
rowsOut AS (
  SELECT 'city' AS kind, city, NULL::VARCHAR AS district, NULL::VARCHAR AS dong, NULL::VARCHAR AS dongName,
         phase, NULL::INTEGER AS versus, cohort, figure, value, median, q1, q3, dongsWithData,
         NULL::DOUBLE AS previousValue, NULL::DOUBLE AS gap, NULL::VARCHAR AS flag, illustrative, NULL::BIGINT AS rank
  FROM groupStats
  UNION ALL
  SELECT 'continuing', city, NULL, NULL, NULL, phase, versus, cohort, figure, value, median, q1, q3, dongsWithData,
         NULL, NULL, NULL, illustrative, NULL
  FROM continuingStats
  UNION ALL
  SELECT 'dong', city, district, dong, dongName, phase, NULL, cohort, figure, value, median, NULL, NULL, NULL,
         previousValue, gap, flag, illustrative, rank
  FROM dongRows
  WHERE ($districts IS NULL OR list_contains($districts, district))
    AND ($dongs IS NULL OR list_contains($dongs, dong))
)
-- yearInPilot (phase − cohort + 1) lines up cities on different calendars: each cohort's first year, second, …
SELECT kind, city, district, dong, dongName, phase, versus, cohort, phase - cohort + 1 AS yearInPilot, figure, value, median, q1, q3, dongsWithData,
       previousValue, gap, flag, illustrative, rank
FROM rowsOut
WHERE ($phases IS NULL OR list_contains($phases, phase))
  AND ($cohorts IS NULL OR cohort IS NULL OR list_contains($cohorts, cohort))
ORDER BY city, phase, list_position($figureOrder, figure),
         CASE kind WHEN 'city' THEN 1 WHEN 'continuing' THEN 2 ELSE 3 END,
         versus NULLS FIRST, cohort NULLS FIRST,
         CASE WHEN coalesce($rank, false) THEN rank END,
         district, dongName, flag
