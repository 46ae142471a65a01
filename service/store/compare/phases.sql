-- phases: one row per dong; for each headline figure its value in the earlier phase ($phaseA,
-- "Phase1"), the later ($phaseB, "Phase2") and the change (Phase2 − Phase1 of the same dong, NULL
-- when either is NULL); illustrative when any of them rests on illustrative data.
-- Parameters: $phaseA INTEGER, $phaseB INTEGER, $districts VARCHAR[], $dongs VARCHAR[],
-- $cohorts INTEGER[], $cities VARCHAR[] (NULL = all), $today VARCHAR; and the kept totals (compare/kept.ts).
WITH dongFigures AS (FROM dongFiguresOn($today)),
pivoted AS (
  SELECT city, district, dong, dongName, cohort,
         max(value) FILTER (WHERE figure = 'discretionaryExecutionRate' AND phase = $phaseA) AS discretionaryExecutionRatePhase1,
         max(value) FILTER (WHERE figure = 'discretionaryExecutionRate' AND phase = $phaseB) AS discretionaryExecutionRatePhase2,
         max(value) FILTER (WHERE figure = 'assemblyTurnoutPer1000' AND phase = $phaseA) AS assemblyTurnoutPer1000Phase1,
         max(value) FILTER (WHERE figure = 'assemblyTurnoutPer1000' AND phase = $phaseB) AS assemblyTurnoutPer1000Phase2,
         max(value) FILTER (WHERE figure = 'completionRate' AND phase = $phaseA) AS completionRatePhase1,
         max(value) FILTER (WHERE figure = 'completionRate' AND phase = $phaseB) AS completionRatePhase2,
         max(value) FILTER (WHERE figure = 'agendaCompletionRate' AND phase = $phaseA) AS agendaCompletionRatePhase1,
         max(value) FILTER (WHERE figure = 'agendaCompletionRate' AND phase = $phaseB) AS agendaCompletionRatePhase2,
         bool_or(illustrative AND value IS NOT NULL) AS illustrative
  FROM dongFigures
  WHERE phase IN ($phaseA, $phaseB)
    AND ($districts IS NULL OR list_contains($districts, district))
    AND ($dongs IS NULL OR list_contains($dongs, dong))
    AND ($cohorts IS NULL OR list_contains($cohorts, cohort))
    AND ($cities IS NULL OR list_contains($cities, city))
  GROUP BY city, district, dong, dongName, cohort
)
SELECT city, district, dong, dongName, cohort,
       discretionaryExecutionRatePhase1, discretionaryExecutionRatePhase2,
       discretionaryExecutionRatePhase2 - discretionaryExecutionRatePhase1 AS discretionaryExecutionRateDelta,
       assemblyTurnoutPer1000Phase1, assemblyTurnoutPer1000Phase2,
       assemblyTurnoutPer1000Phase2 - assemblyTurnoutPer1000Phase1 AS assemblyTurnoutPer1000Delta,
       completionRatePhase1, completionRatePhase2, completionRatePhase2 - completionRatePhase1 AS completionRateDelta,
       agendaCompletionRatePhase1, agendaCompletionRatePhase2,
       agendaCompletionRatePhase2 - agendaCompletionRatePhase1 AS agendaCompletionRateDelta,
       illustrative
FROM pivoted
ORDER BY district, dong
