-- summary: for the city, per phase × headline figure, the city's value (sum of numerators ÷ sum of
-- denominators over the dongs), the median over the dongs and how many dongs have data
-- (kind = 'city'); then the dongs that may need support (kind = 'dong'): below the city's median for
-- that phase, or below their own phase-1 figure. Not a league table: with $rank = true (analysts),
-- every dong is listed with its rank (1 = highest value).
-- The median and the city's value are always the whole city's; $districts and $dongs only choose
-- which dongs are listed, $phases which phases.
-- Parameters: $phases INTEGER[], $districts VARCHAR[], $dongs VARCHAR[] (NULL = all), $rank BOOLEAN.
WITH {{dong_figures}},
city AS (
  SELECT phase, figure,
         CASE WHEN sum(den) FILTER (WHERE den > 0) > 0 THEN sum(num) FILTER (WHERE den > 0) / sum(den) FILTER (WHERE den > 0) END AS value,
         median(value) AS cityMedian,
         count(value) AS dongsWithData
  FROM dongFigures
  GROUP BY phase, figure
),
judged AS (
  SELECT f.district, f.dong, f.dongName, f.phase, f.figure, f.value, c.cityMedian, first1.value AS phase1Value,
         f.value < c.cityMedian AS belowMedian,
         CASE WHEN f.phase <> 1 THEN f.value < first1.value END AS belowPhase1,
         rank() OVER (PARTITION BY f.phase, f.figure ORDER BY f.value DESC NULLS LAST) AS rank
  FROM dongFigures f
  JOIN city c ON c.phase = f.phase AND c.figure = f.figure
  LEFT JOIN dongFigures first1 ON first1.dong = f.dong AND first1.figure = f.figure AND first1.phase = 1
),
rowsOut AS (
  SELECT 'city' AS kind, NULL::VARCHAR AS district, NULL::VARCHAR AS dong, NULL::VARCHAR AS dongName,
         c.phase, c.figure, c.value, c.cityMedian, c.dongsWithData, c1.value AS phase1Value,
         NULL::BOOLEAN AS belowMedian,
         CASE WHEN c.phase <> 1 THEN c.value < c1.value END AS belowPhase1,
         NULL::BIGINT AS rank
  FROM city c
  LEFT JOIN city c1 ON c1.figure = c.figure AND c1.phase = 1
  UNION ALL
  SELECT 'dong', j.district, j.dong, j.dongName, j.phase, j.figure, j.value, j.cityMedian, NULL, j.phase1Value,
         j.belowMedian, j.belowPhase1,
         CASE WHEN coalesce($rank, false) THEN j.rank END
  FROM judged j
  WHERE (coalesce($rank, false) OR coalesce(j.belowMedian, false) OR coalesce(j.belowPhase1, false))
    AND ($districts IS NULL OR list_contains($districts, j.district))
    AND ($dongs IS NULL OR list_contains($dongs, j.dong))
)
SELECT kind, district, dong, dongName, phase, figure, value, cityMedian, dongsWithData, phase1Value,
       belowMedian, belowPhase1, rank
FROM rowsOut
WHERE ($phases IS NULL OR list_contains($phases, phase))
ORDER BY phase,
         CASE figure WHEN 'executionRate' THEN 1 WHEN 'participantsPer1000' THEN 2 ELSE 3 END,
         kind,
         CASE WHEN coalesce($rank, false) THEN rank END,
         district, dongName
