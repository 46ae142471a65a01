-- Issue 15: one copy of each version. Until now every accepted row was written twice: typed in
-- `<kind>_rows` and again as a JSON text in `row_audit`, one audit row per change. Now a version is
-- written once, typed; the version it replaces moves, as it was, into `<kind>_history`. The audit of
-- who changed what is the batch's record (`sync_batches`: batchId, kind, token, time) with its rows
-- (every version, current or replaced, carries its revision, batchId, updatedBy, updatedAt, source
-- and the base revision it was written against), and `row_audit` becomes a view with the columns it
-- always had, so each change's actor, time, old and new values read as before. The analytic views
-- read `<kind>_rows` only and are unchanged.

ALTER TABLE spending_rows ADD COLUMN baseRevision BIGINT;
ALTER TABLE participation_rows ADD COLUMN baseRevision BIGINT;
ALTER TABLE progress_rows ADD COLUMN baseRevision BIGINT;
ALTER TABLE agendas_rows ADD COLUMN baseRevision BIGINT;
ALTER TABLE council_rows ADD COLUMN baseRevision BIGINT;

CREATE TABLE spending_history AS SELECT * FROM spending_rows LIMIT 0;
CREATE TABLE participation_history AS SELECT * FROM participation_rows LIMIT 0;
CREATE TABLE progress_history AS SELECT * FROM progress_rows LIMIT 0;
CREATE TABLE agendas_history AS SELECT * FROM agendas_rows LIMIT 0;
CREATE TABLE council_history AS SELECT * FROM council_rows LIMIT 0;

-- The first waves' audit rows: the current versions give their base revision to the rows, and every
-- replaced version moves into the history with its values typed (a first-wave `votes` reads as voters).
UPDATE spending_rows r SET baseRevision = a.baseRevision
FROM row_audit a WHERE a.kind = 'spending' AND a.rowId = r.rowId AND a.revision = r.revision;
INSERT INTO spending_history
SELECT a.rowId, a.revision, a.op = 'delete', a.updatedBy, a.updatedAt, a.source, a.batchId, a.dong, a.v."phase", a.v."fiscalYear", a.v."category", a.v."item", a.v."fundingSource", a.v."budgetKrw", a.v."executedKrw", a.v."carriedOverKrw", a.v."returnedKrw", a.v."executedOn", a.v."agenda", a.v."note", a.baseRevision
FROM (SELECT *, from_json("values", '{"phase": "INTEGER", "fiscalYear": "INTEGER", "category": "VARCHAR", "item": "VARCHAR", "fundingSource": "VARCHAR", "budgetKrw": "BIGINT", "executedKrw": "BIGINT", "carriedOverKrw": "BIGINT", "returnedKrw": "BIGINT", "executedOn": "DATE", "agenda": "VARCHAR", "note": "VARCHAR"}') AS v FROM row_audit WHERE kind = 'spending') a
ANTI JOIN spending_rows r ON r.rowId = a.rowId AND r.revision = a.revision;

UPDATE participation_rows r SET baseRevision = a.baseRevision
FROM row_audit a WHERE a.kind = 'participation' AND a.rowId = r.rowId AND a.revision = r.revision;
INSERT INTO participation_history
SELECT a.rowId, a.revision, a.op = 'delete', a.updatedBy, a.updatedAt, a.source, a.batchId, a.dong, a.v."phase", a.v."date", a.v."activity", a.v."title", a.v."participants", a.v."newParticipants", coalesce(a.v.voters, a.v.votes), a.v."votersOnline", a.v."online", a.v."note", a.baseRevision
FROM (SELECT *, from_json("values", '{"phase": "INTEGER", "date": "DATE", "activity": "VARCHAR", "title": "VARCHAR", "participants": "BIGINT", "newParticipants": "BIGINT", "voters": "BIGINT", "votersOnline": "BIGINT", "online": "BOOLEAN", "note": "VARCHAR", "votes": "BIGINT"}') AS v FROM row_audit WHERE kind = 'participation') a
ANTI JOIN participation_rows r ON r.rowId = a.rowId AND r.revision = a.revision;

UPDATE progress_rows r SET baseRevision = a.baseRevision
FROM row_audit a WHERE a.kind = 'progress' AND a.rowId = r.rowId AND a.revision = r.revision;
INSERT INTO progress_history
SELECT a.rowId, a.revision, a.op = 'delete', a.updatedBy, a.updatedAt, a.source, a.batchId, a.dong, a.v."phase", a.v."milestone", a.v."plannedOn", a.v."completedOn", a.v."status", a.v."progressPct", a.v."note", a.baseRevision
FROM (SELECT *, from_json("values", '{"phase": "INTEGER", "milestone": "VARCHAR", "plannedOn": "DATE", "completedOn": "DATE", "status": "VARCHAR", "progressPct": "DOUBLE", "note": "VARCHAR"}') AS v FROM row_audit WHERE kind = 'progress') a
ANTI JOIN progress_rows r ON r.rowId = a.rowId AND r.revision = a.revision;

UPDATE agendas_rows r SET baseRevision = a.baseRevision
FROM row_audit a WHERE a.kind = 'agendas' AND a.rowId = r.rowId AND a.revision = r.revision;
INSERT INTO agendas_history
SELECT a.rowId, a.revision, a.op = 'delete', a.updatedBy, a.updatedAt, a.source, a.batchId, a.dong, a.v."phase", a.v."fiscalYear", a.v."title", a.v."subcommittee", a.v."proposedOn", a.v."assemblyOn", a.v."votesFor", a.v."votesAgainst", a.v."adopted", a.v."estimatedCostKrw", a.v."fundingRoute", a.v."status", a.v."completedOn", a.v."note", a.baseRevision
FROM (SELECT *, from_json("values", '{"phase": "INTEGER", "fiscalYear": "INTEGER", "title": "VARCHAR", "subcommittee": "VARCHAR", "proposedOn": "DATE", "assemblyOn": "DATE", "votesFor": "BIGINT", "votesAgainst": "BIGINT", "adopted": "BOOLEAN", "estimatedCostKrw": "BIGINT", "fundingRoute": "VARCHAR", "status": "VARCHAR", "completedOn": "DATE", "note": "VARCHAR"}') AS v FROM row_audit WHERE kind = 'agendas') a
ANTI JOIN agendas_rows r ON r.rowId = a.rowId AND r.revision = a.revision;

UPDATE council_rows r SET baseRevision = a.baseRevision
FROM row_audit a WHERE a.kind = 'council' AND a.rowId = r.rowId AND a.revision = r.revision;
INSERT INTO council_history
SELECT a.rowId, a.revision, a.op = 'delete', a.updatedBy, a.updatedAt, a.source, a.batchId, a.dong, a.v."phase", a.v."fiscalYear", a.v."asOf", a.v."seats", a.v."applicants", a.v."selectedByLottery", a.v."members", a.v."women", a.v."youth", a.v."subcommittees", a.v."trainingCompleted", a.v."note", a.baseRevision
FROM (SELECT *, from_json("values", '{"phase": "INTEGER", "fiscalYear": "INTEGER", "asOf": "DATE", "seats": "BIGINT", "applicants": "BIGINT", "selectedByLottery": "BIGINT", "members": "BIGINT", "women": "BIGINT", "youth": "BIGINT", "subcommittees": "BIGINT", "trainingCompleted": "BIGINT", "note": "VARCHAR"}') AS v FROM row_audit WHERE kind = 'council') a
ANTI JOIN council_rows r ON r.rowId = a.rowId AND r.revision = a.revision;

DROP TABLE row_audit;

-- Every version ever stored, one row per change, as the audit table had it.
CREATE VIEW row_audit AS
SELECT v.revision, v.rowId, 'spending' AS kind, CASE WHEN v.deleted THEN 'delete' ELSE 'upsert' END AS op, v.dong, v.baseRevision,
       json_object('dong', v."dong", 'phase', v."phase", 'fiscalYear', v."fiscalYear", 'category', v."category", 'item', v."item", 'fundingSource', v."fundingSource", 'budgetKrw', v."budgetKrw", 'executedKrw', v."executedKrw", 'carriedOverKrw', v."carriedOverKrw", 'returnedKrw', v."returnedKrw", 'executedOn', v."executedOn", 'agenda', v."agenda", 'note', v."note") AS "values", v.updatedBy, v.updatedAt, v."source", v.batchId
FROM (SELECT * FROM spending_rows UNION ALL SELECT * FROM spending_history) v
UNION ALL
SELECT v.revision, v.rowId, 'participation' AS kind, CASE WHEN v.deleted THEN 'delete' ELSE 'upsert' END AS op, v.dong, v.baseRevision,
       json_object('dong', v."dong", 'phase', v."phase", 'date', v."date", 'activity', v."activity", 'title', v."title", 'participants', v."participants", 'newParticipants', v."newParticipants", 'voters', v."voters", 'votersOnline', v."votersOnline", 'online', v."online", 'note', v."note") AS "values", v.updatedBy, v.updatedAt, v."source", v.batchId
FROM (SELECT * FROM participation_rows UNION ALL SELECT * FROM participation_history) v
UNION ALL
SELECT v.revision, v.rowId, 'progress' AS kind, CASE WHEN v.deleted THEN 'delete' ELSE 'upsert' END AS op, v.dong, v.baseRevision,
       json_object('dong', v."dong", 'phase', v."phase", 'milestone', v."milestone", 'plannedOn', v."plannedOn", 'completedOn', v."completedOn", 'status', v."status", 'progressPct', v."progressPct", 'note', v."note") AS "values", v.updatedBy, v.updatedAt, v."source", v.batchId
FROM (SELECT * FROM progress_rows UNION ALL SELECT * FROM progress_history) v
UNION ALL
SELECT v.revision, v.rowId, 'agendas' AS kind, CASE WHEN v.deleted THEN 'delete' ELSE 'upsert' END AS op, v.dong, v.baseRevision,
       json_object('dong', v."dong", 'phase', v."phase", 'fiscalYear', v."fiscalYear", 'title', v."title", 'subcommittee', v."subcommittee", 'proposedOn', v."proposedOn", 'assemblyOn', v."assemblyOn", 'votesFor', v."votesFor", 'votesAgainst', v."votesAgainst", 'adopted', v."adopted", 'estimatedCostKrw', v."estimatedCostKrw", 'fundingRoute', v."fundingRoute", 'status', v."status", 'completedOn', v."completedOn", 'note', v."note") AS "values", v.updatedBy, v.updatedAt, v."source", v.batchId
FROM (SELECT * FROM agendas_rows UNION ALL SELECT * FROM agendas_history) v
UNION ALL
SELECT v.revision, v.rowId, 'council' AS kind, CASE WHEN v.deleted THEN 'delete' ELSE 'upsert' END AS op, v.dong, v.baseRevision,
       json_object('dong', v."dong", 'phase', v."phase", 'fiscalYear', v."fiscalYear", 'asOf', v."asOf", 'seats', v."seats", 'applicants', v."applicants", 'selectedByLottery', v."selectedByLottery", 'members', v."members", 'women', v."women", 'youth', v."youth", 'subcommittees', v."subcommittees", 'trainingCompleted', v."trainingCompleted", 'note', v."note") AS "values", v.updatedBy, v.updatedAt, v."source", v.batchId
FROM (SELECT * FROM council_rows UNION ALL SELECT * FROM council_history) v;
