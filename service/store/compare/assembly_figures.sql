-- Shared view (a temporary view on each reader connection, compare/sql-files.ts; read by
-- participation.sql and kept_assembly.sql): each dong × phase's 주민총회 as one figure that does
-- not grow with the rows typed: the phase's largest assembly, rows of the same day added together
-- (an assembly kept as on-site and online rows is one assembly), its voters, or its participants
-- where voters is blank. Read from the live rows of participation_rows: the participation view
-- only adds names by left joins (one unit a row), and the kept totals sum this view again before
-- every summary and phases answer while syncs come in (half its time was those joins).
CREATE OR REPLACE TEMP VIEW assemblyFigures AS
SELECT dong, phase,
       CAST(max(voters) AS BIGINT) AS assemblyVoters,
       arg_max(votersOnline / nullif(recordedVoters, 0), voters) AS votersOnlineShare
FROM (
  SELECT e.dong, e.phase, e.date,
         sum(coalesce(e.voters, e.participants)) AS voters,
         sum(e.voters) AS recordedVoters,
         sum(e.votersOnline) AS votersOnline
  FROM participation_rows e
  WHERE NOT e.deleted AND e.activity = '주민총회'
  GROUP BY e.dong, e.phase, e.date
) days
GROUP BY dong, phase;
