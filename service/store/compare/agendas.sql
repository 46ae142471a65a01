-- agendas (자치계획): dong × phase.
-- Figures (domain/metrics.ts): agendas, putToAssembly (a 총회 상정일, or a status from 총회 상정 on),
-- adopted (가결 = 예, or else a status of 가결, 실행중 or 완료), adoptionRate (adopted ÷ put to the
-- assembly), agendasCompleted (status 완료), agendaCompletionRate (completed ÷ adopted),
-- estimatedCostKrw, linkedSpendingKrw (executed on the dong's spending lines of the same fiscal year
-- whose 관련 의제 names one of its adopted agendas).
-- Parameters: $phases INTEGER[], $districts VARCHAR[], $dongs VARCHAR[], $cohorts INTEGER[],
-- $cities VARCHAR[] (NULL = all).
WITH linked AS (
  SELECT a.dong, a.phase, CAST(sum(s.executedKrw) AS BIGINT) AS linkedSpendingKrw
  FROM (SELECT DISTINCT dong, phase, fiscalYear, trim(title) AS title FROM agendaRows WHERE isAdopted) a
  JOIN spending s ON s.dong = a.dong AND s.fiscalYear = a.fiscalYear AND trim(s.agenda) = a.title
  GROUP BY a.dong, a.phase
)
SELECT g.city, d.district, x.dong, d.name AS dongName, d.joinedPhase AS cohort, x.phase,
       x.agendas, x.putToAssembly, x.adopted,
       CASE WHEN x.putToAssembly > 0 THEN x.adopted / x.putToAssembly END AS adoptionRate,
       x.agendasCompleted,
       CASE WHEN x.adopted > 0 THEN x.agendasCompleted / x.adopted END AS agendaCompletionRate,
       x.estimatedCostKrw,
       coalesce(l.linkedSpendingKrw, 0) AS linkedSpendingKrw,
       false AS illustrative
FROM agendaFigures x
JOIN dongs d ON d.code = x.dong
JOIN districts g ON g.code = d.district
LEFT JOIN linked l ON l.dong = x.dong AND l.phase = x.phase
WHERE ($phases IS NULL OR list_contains($phases, x.phase))
  AND ($districts IS NULL OR list_contains($districts, d.district))
  AND ($dongs IS NULL OR list_contains($dongs, x.dong))
  AND ($cohorts IS NULL OR list_contains($cohorts, d.joinedPhase))
  AND ($cities IS NULL OR list_contains($cities, g.city))
ORDER BY d.district, x.dong, x.phase
