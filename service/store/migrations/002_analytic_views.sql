-- The analytic views: live rows only, `dong` as code with `dongName` and `district` beside it.
-- Comparisons and analyst SQL read only these (and the reference views).
CREATE VIEW spending AS
SELECT r.rowId, r.dong, d.name AS dongName, d.district, r.phase, r.fiscalYear, r.category, r.item,
       r.fundingSource, r.budgetKrw, r.executedKrw, r.executedOn, r.note,
       r.revision, r.updatedBy, r.updatedAt, r.source
FROM spending_rows r JOIN dongs d ON d.code = r.dong
WHERE NOT r.deleted;

CREATE VIEW participation AS
SELECT r.rowId, r.dong, d.name AS dongName, d.district, r.phase, r.date, r.activity, r.title,
       r.participants, r.newParticipants, r.votes, r.online, r.note,
       r.revision, r.updatedBy, r.updatedAt, r.source
FROM participation_rows r JOIN dongs d ON d.code = r.dong
WHERE NOT r.deleted;

CREATE VIEW progress AS
SELECT r.rowId, r.dong, d.name AS dongName, d.district, r.phase, r.milestone, r.plannedOn,
       r.completedOn, r.status, r.progressPct, r.note,
       r.revision, r.updatedBy, r.updatedAt, r.source
FROM progress_rows r JOIN dongs d ON d.code = r.dong
WHERE NOT r.deleted;
