-- Shared views (temporary views on each reader connection, compare/sql-files.ts; read by agendas.sql
-- and kept_agendas.sql): each agenda's stage, and each dong × phase's counts. An agenda is adopted
-- when 가결 says so, or else when its status is 가결, 실행중 or 완료; put to the assembly when it has
-- a 총회 상정일 or a status from 총회 상정 on. Each agenda counts once however many columns say it.
CREATE OR REPLACE TEMP VIEW agendaRows AS
SELECT a.dong, a.phase, a.fiscalYear, a.title, a.status, a.estimatedCostKrw,
       coalesce(a.adopted, a.status IN ('가결', '실행중', '완료')) AS isAdopted,
       a.assemblyOn IS NOT NULL OR a.status IN ('총회 상정', '가결', '부결', '실행중', '완료') AS isPut
FROM agendas a;

CREATE OR REPLACE TEMP VIEW agendaFigures AS
SELECT dong, phase,
       count(*) AS agendas,
       count(*) FILTER (WHERE isPut) AS putToAssembly,
       count(*) FILTER (WHERE isAdopted) AS adopted,
       count(*) FILTER (WHERE isAdopted AND status = '완료') AS agendasCompleted,
       CAST(sum(estimatedCostKrw) AS BIGINT) AS estimatedCostKrw
FROM agendaRows
GROUP BY dong, phase;
