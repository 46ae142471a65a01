-- phases: one row per dong; for each headline figure (executionRate, participantsPer1000,
-- completionRate) its value in the earlier phase ($phaseA, "Phase1"), the later ($phaseB, "Phase2")
-- and the change (Phase2 − Phase1, NULL when either is NULL).
-- Parameters: $phaseA INTEGER, $phaseB INTEGER, $districts VARCHAR[], $dongs VARCHAR[] (NULL = all).
WITH {{dong_figures}},
pivoted AS (
  SELECT district, dong, dongName,
         max(value) FILTER (WHERE figure = 'executionRate' AND phase = $phaseA) AS executionRatePhase1,
         max(value) FILTER (WHERE figure = 'executionRate' AND phase = $phaseB) AS executionRatePhase2,
         max(value) FILTER (WHERE figure = 'participantsPer1000' AND phase = $phaseA) AS participantsPer1000Phase1,
         max(value) FILTER (WHERE figure = 'participantsPer1000' AND phase = $phaseB) AS participantsPer1000Phase2,
         max(value) FILTER (WHERE figure = 'completionRate' AND phase = $phaseA) AS completionRatePhase1,
         max(value) FILTER (WHERE figure = 'completionRate' AND phase = $phaseB) AS completionRatePhase2
  FROM dongFigures
  WHERE phase IN ($phaseA, $phaseB)
    AND ($districts IS NULL OR list_contains($districts, district))
    AND ($dongs IS NULL OR list_contains($dongs, dong))
  GROUP BY district, dong, dongName
)
SELECT district, dong, dongName,
       executionRatePhase1, executionRatePhase2, executionRatePhase2 - executionRatePhase1 AS executionRateDelta,
       participantsPer1000Phase1, participantsPer1000Phase2, participantsPer1000Phase2 - participantsPer1000Phase1 AS participantsPer1000Delta,
       completionRatePhase1, completionRatePhase2, completionRatePhase2 - completionRatePhase1 AS completionRateDelta
FROM pivoted
ORDER BY district, dong
