-- council (위원구성): dong × phase, from the dong's latest snapshot in the phase (the latest fiscal
-- year, then the latest 기준일): members, seats, competitionRatio (applicants ÷ seats), lotteryShare
-- (selected by lottery ÷ members), womenShare, youthShare, trainedShare (÷ members).
-- Parameters: $phases INTEGER[], $districts VARCHAR[], $dongs VARCHAR[], $cohorts INTEGER[],
-- $cities VARCHAR[] (NULL = all).
WITH latest AS (
  SELECT c.*, row_number() OVER (PARTITION BY c.dong, c.phase ORDER BY c.fiscalYear DESC, c."asOf" DESC NULLS LAST, c.revision DESC) AS n
  FROM council c
  WHERE ($phases IS NULL OR list_contains($phases, c.phase))
    AND ($districts IS NULL OR list_contains($districts, c.district))
    AND ($dongs IS NULL OR list_contains($dongs, c.dong))
    AND ($cohorts IS NULL OR list_contains($cohorts, c.cohort))
    AND ($cities IS NULL OR list_contains($cities, c.city))
)
SELECT city, district, dong, dongName, cohort, phase, fiscalYear, members, seats,
       CASE WHEN seats > 0 THEN applicants / seats END AS competitionRatio,
       CASE WHEN members > 0 THEN selectedByLottery / members END AS lotteryShare,
       CASE WHEN members > 0 THEN women / members END AS womenShare,
       CASE WHEN members > 0 THEN youth / members END AS youthShare,
       CASE WHEN members > 0 THEN trainingCompleted / members END AS trainedShare,
       false AS illustrative
FROM latest
WHERE n = 1
ORDER BY district, dong, phase
