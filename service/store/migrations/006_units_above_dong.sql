-- Units above the dong (README, "Rules"): participation and progress rows may name
-- a district or the city in 동 for their own work (워킹그룹, 실무협의회, 토론회, an ordinance). The
-- views keep those rows, with `level` saying which unit a row is of ('dong', 'district', 'city'),
-- `dongName` the unit's name and no cohort; the comparisons of dongs join the dongs and so never
-- count them; `governance` reads them.
DROP VIEW participation;
DROP VIEW progress;

CREATE VIEW participation AS
SELECT r.rowId, r.dong, coalesce(d.name, t.name, c.name) AS dongName, coalesce(d.district, t.code) AS district,
       coalesce(g.city, t.city, c.code) AS city, d.joinedPhase AS cohort,
       CASE WHEN d.code IS NOT NULL THEN 'dong' WHEN t.code IS NOT NULL THEN 'district' ELSE 'city' END AS level,
       r.phase, r.date, r.activity, r.title, r.participants, r.newParticipants, r.voters, r.votersOnline, r.online, r.note,
       r.revision, r.updatedBy, r.updatedAt, r.source
FROM participation_rows r
LEFT JOIN dongs d ON d.code = r.dong
LEFT JOIN districts g ON g.code = d.district
LEFT JOIN districts t ON t.code = r.dong
LEFT JOIN cities c ON c.code = r.dong
WHERE NOT r.deleted;

CREATE VIEW progress AS
SELECT r.rowId, r.dong, coalesce(d.name, t.name, c.name) AS dongName, coalesce(d.district, t.code) AS district,
       coalesce(g.city, t.city, c.code) AS city, d.joinedPhase AS cohort,
       CASE WHEN d.code IS NOT NULL THEN 'dong' WHEN t.code IS NOT NULL THEN 'district' ELSE 'city' END AS level,
       r.phase, r.milestone, r.plannedOn, r.completedOn, r.status, r.progressPct, r.note,
       r.revision, r.updatedBy, r.updatedAt, r.source
FROM progress_rows r
LEFT JOIN dongs d ON d.code = r.dong
LEFT JOIN districts g ON g.code = d.district
LEFT JOIN districts t ON t.code = r.dong
LEFT JOIN cities c ON c.code = r.dong
WHERE NOT r.deleted;
