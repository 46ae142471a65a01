-- The second wave's figures (README, "Rules" and "Cities: how a new city starts"): spending lines gain carriedOverKrw,
-- returnedKrw and agenda; participation's votes becomes voters, with votersOnline beside it; the
-- reference gains the city, allocations (배정액) and the milestones expected of each cohort.
-- The rows tables are rebuilt in the sheets' column order (the appender writes by position), every
-- row and tombstone copied; the analytic views are made again over them with city and cohort.
DROP VIEW spending;
DROP VIEW participation;
DROP VIEW progress;

CREATE TABLE spending_rows_next (
  rowId UUID NOT NULL,
  revision BIGINT NOT NULL,
  deleted BOOLEAN NOT NULL,
  updatedBy VARCHAR NOT NULL,
  updatedAt TIMESTAMPTZ NOT NULL,
  source VARCHAR,
  batchId UUID,
  dong VARCHAR NOT NULL,
  phase INTEGER,
  fiscalYear INTEGER,
  category VARCHAR,
  item VARCHAR,
  fundingSource VARCHAR,
  budgetKrw BIGINT,
  executedKrw BIGINT,
  carriedOverKrw BIGINT,
  returnedKrw BIGINT,
  executedOn DATE,
  agenda VARCHAR,
  note VARCHAR
);
INSERT INTO spending_rows_next
SELECT rowId, revision, deleted, updatedBy, updatedAt, source, batchId, dong, phase, fiscalYear, category, item,
       fundingSource, budgetKrw, executedKrw, NULL, NULL, executedOn, NULL, note
FROM spending_rows;
DROP TABLE spending_rows;
ALTER TABLE spending_rows_next RENAME TO spending_rows;

CREATE TABLE participation_rows_next (
  rowId UUID NOT NULL,
  revision BIGINT NOT NULL,
  deleted BOOLEAN NOT NULL,
  updatedBy VARCHAR NOT NULL,
  updatedAt TIMESTAMPTZ NOT NULL,
  source VARCHAR,
  batchId UUID,
  dong VARCHAR NOT NULL,
  phase INTEGER,
  date DATE,
  activity VARCHAR,
  title VARCHAR,
  participants BIGINT,
  newParticipants BIGINT,
  voters BIGINT,
  votersOnline BIGINT,
  online BOOLEAN,
  note VARCHAR
);
INSERT INTO participation_rows_next
SELECT rowId, revision, deleted, updatedBy, updatedAt, source, batchId, dong, phase, date, activity, title,
       participants, newParticipants, votes, NULL, online, note
FROM participation_rows;
DROP TABLE participation_rows;
ALTER TABLE participation_rows_next RENAME TO participation_rows;

-- The city (시·도): its code is the first two digits of its districts' codes.
CREATE TABLE cities (
  code VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL
);
INSERT INTO cities
SELECT DISTINCT left(code, 2), CASE left(code, 2) WHEN '30' THEN '대전광역시' ELSE left(code, 2) END FROM districts;
ALTER TABLE districts ADD COLUMN city VARCHAR;
UPDATE districts SET city = left(code, 2);

-- 배정액: what a dong was granted for one fiscal year.
CREATE TABLE allocations (
  dong VARCHAR NOT NULL,
  fiscalYear INTEGER NOT NULL,
  amountKrw BIGINT NOT NULL,
  PRIMARY KEY (dong, fiscalYear)
);

-- The milestones the city expects of a cohort (the dongs that joined in one phase) in a phase.
CREATE TABLE expected_milestones (
  cohort INTEGER NOT NULL,
  phase INTEGER NOT NULL,
  milestone VARCHAR NOT NULL,
  PRIMARY KEY (cohort, phase, milestone)
);

-- The analytic views: live rows only, `dong` as code with `dongName`, `district`, `city` and
-- `cohort` (the phase the dong joined) beside it.
CREATE VIEW spending AS
SELECT r.rowId, r.dong, d.name AS dongName, d.district, g.city, d.joinedPhase AS cohort, r.phase, r.fiscalYear,
       r.category, r.item, r.fundingSource, r.budgetKrw, r.executedKrw, r.carriedOverKrw, r.returnedKrw,
       r.executedOn, r.agenda, r.note, r.revision, r.updatedBy, r.updatedAt, r.source
FROM spending_rows r JOIN dongs d ON d.code = r.dong JOIN districts g ON g.code = d.district
WHERE NOT r.deleted;

CREATE VIEW participation AS
SELECT r.rowId, r.dong, d.name AS dongName, d.district, g.city, d.joinedPhase AS cohort, r.phase, r.date,
       r.activity, r.title, r.participants, r.newParticipants, r.voters, r.votersOnline, r.online, r.note,
       r.revision, r.updatedBy, r.updatedAt, r.source
FROM participation_rows r JOIN dongs d ON d.code = r.dong JOIN districts g ON g.code = d.district
WHERE NOT r.deleted;

CREATE VIEW progress AS
SELECT r.rowId, r.dong, d.name AS dongName, d.district, g.city, d.joinedPhase AS cohort, r.phase, r.milestone,
       r.plannedOn, r.completedOn, r.status, r.progressPct, r.note,
       r.revision, r.updatedBy, r.updatedAt, r.source
FROM progress_rows r JOIN dongs d ON d.code = r.dong JOIN districts g ON g.code = d.district
WHERE NOT r.deleted;
