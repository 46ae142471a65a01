-- Reference data: districts, dongs, population by year, phases.
CREATE TABLE districts (
  code VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL
);

CREATE TABLE dongs (
  code VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL,
  district VARCHAR NOT NULL,
  adminCode VARCHAR,
  joinedPhase INTEGER NOT NULL,
  populationIllustrative BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE dong_population (
  dong VARCHAR NOT NULL,
  year INTEGER NOT NULL,
  population BIGINT NOT NULL,
  PRIMARY KEY (dong, year)
);

CREATE TABLE phases (
  phase INTEGER PRIMARY KEY,
  name VARCHAR NOT NULL,
  year INTEGER NOT NULL,
  startOn DATE NOT NULL,
  endOn DATE NOT NULL
);

-- The current state of every row of each kind, live and tombstoned. Columns are the API's field
-- names. No key constraint: the single writer replaces a row by delete + insert, after one join
-- that reads the batch's current revisions (a PRIMARY KEY would make every load ~3x slower).
CREATE TABLE spending_rows (
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
  executedOn DATE,
  note VARCHAR
);

CREATE TABLE participation_rows (
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
  votes BIGINT,
  online BOOLEAN,
  note VARCHAR
);

CREATE TABLE progress_rows (
  rowId UUID NOT NULL,
  revision BIGINT NOT NULL,
  deleted BOOLEAN NOT NULL,
  updatedBy VARCHAR NOT NULL,
  updatedAt TIMESTAMPTZ NOT NULL,
  source VARCHAR,
  batchId UUID,
  dong VARCHAR NOT NULL,
  phase INTEGER,
  milestone VARCHAR,
  plannedOn DATE,
  completedOn DATE,
  status VARCHAR,
  progressPct DOUBLE,
  note VARCHAR
);

-- Every change ever made, append-only, written in the same transaction as the rows.
CREATE TABLE row_audit (
  revision BIGINT NOT NULL,
  rowId UUID NOT NULL,
  kind VARCHAR NOT NULL,
  op VARCHAR NOT NULL,
  dong VARCHAR NOT NULL,
  baseRevision BIGINT,
  "values" JSON,
  updatedBy VARCHAR NOT NULL,
  updatedAt TIMESTAMPTZ NOT NULL,
  source VARCHAR,
  batchId UUID
);

-- One record per sync batch: its body's fingerprint and the answer given, for exact replays.
CREATE TABLE sync_batches (
  batchId UUID PRIMARY KEY,
  kind VARCHAR NOT NULL,
  tokenId VARCHAR NOT NULL,
  fingerprint VARCHAR NOT NULL,
  answer JSON NOT NULL,
  createdAt TIMESTAMPTZ NOT NULL
);

-- Tokens: only the SHA-256 of the secret is kept.
CREATE TABLE tokens (
  id VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL,
  role VARCHAR NOT NULL,
  dong VARCHAR,
  district VARCHAR,
  hash VARCHAR NOT NULL UNIQUE,
  createdAt TIMESTAMPTZ NOT NULL,
  expiresAt TIMESTAMPTZ,
  revokedAt TIMESTAMPTZ
);
