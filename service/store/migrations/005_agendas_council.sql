-- The council's own work (README, "Rules" and "Cities: how a new city starts"): its 자치계획 agendas, one row per agenda of a
-- dong's plan for one year, and its make-up, one row per dong and year (a snapshot). Tables in the
-- sheets' column order, as for the other kinds; views of the live rows with the dong's name,
-- district, city and cohort beside it.
CREATE TABLE agendas_rows (
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
  title VARCHAR,
  subcommittee VARCHAR,
  proposedOn DATE,
  assemblyOn DATE,
  votesFor BIGINT,
  votesAgainst BIGINT,
  adopted BOOLEAN,
  estimatedCostKrw BIGINT,
  fundingRoute VARCHAR,
  status VARCHAR,
  completedOn DATE,
  note VARCHAR
);

CREATE TABLE council_rows (
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
  "asOf" DATE,
  seats BIGINT,
  applicants BIGINT,
  selectedByLottery BIGINT,
  members BIGINT,
  women BIGINT,
  youth BIGINT,
  subcommittees BIGINT,
  trainingCompleted BIGINT,
  note VARCHAR
);

CREATE VIEW agendas AS
SELECT r.rowId, r.dong, d.name AS dongName, d.district, g.city, d.joinedPhase AS cohort, r.phase, r.fiscalYear,
       r.title, r.subcommittee, r.proposedOn, r.assemblyOn, r.votesFor, r.votesAgainst, r.adopted,
       r.estimatedCostKrw, r.fundingRoute, r.status, r.completedOn, r.note,
       r.revision, r.updatedBy, r.updatedAt, r.source
FROM agendas_rows r JOIN dongs d ON d.code = r.dong JOIN districts g ON g.code = d.district
WHERE NOT r.deleted;

CREATE VIEW council AS
SELECT r.rowId, r.dong, d.name AS dongName, d.district, g.city, d.joinedPhase AS cohort, r.phase, r.fiscalYear,
       r."asOf", r.seats, r.applicants, r.selectedByLottery, r.members, r.women, r.youth, r.subcommittees,
       r.trainingCompleted, r.note, r.revision, r.updatedBy, r.updatedAt, r.source
FROM council_rows r JOIN dongs d ON d.code = r.dong JOIN districts g ON g.code = d.district
WHERE NOT r.deleted;
