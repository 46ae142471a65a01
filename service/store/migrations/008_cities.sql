-- Issue 16: every city in one service (README, "Cities"). Until now one file held one city's
-- phases: phases and the expected milestones were the file's. Now each city (시·도) has its own
-- phases and periods and its own expected milestones, keyed by the city's code; dongs carry their
-- city beside their district; a token may be limited to one city.
--
-- A file of the first waves held one city (Daejeon's pilot): its phases and expected milestones
-- become that city's. A file that already held several cities (a generated country beside Daejeon)
-- used the same phases for all of them, so each city gets a copy: every figure reads as before.

CREATE TABLE phases_next (
  city VARCHAR NOT NULL,
  phase INTEGER NOT NULL,
  name VARCHAR NOT NULL,
  year INTEGER NOT NULL,
  startOn DATE NOT NULL,
  endOn DATE NOT NULL,
  PRIMARY KEY (city, phase)
);
INSERT INTO phases_next SELECT c.code, p.phase, p.name, p.year, p.startOn, p.endOn FROM phases p CROSS JOIN cities c;
DROP TABLE phases;
ALTER TABLE phases_next RENAME TO phases;

CREATE TABLE expected_milestones_next (
  city VARCHAR NOT NULL,
  cohort INTEGER NOT NULL,
  phase INTEGER NOT NULL,
  milestone VARCHAR NOT NULL,
  PRIMARY KEY (city, cohort, phase, milestone)
);
INSERT INTO expected_milestones_next SELECT c.code, e.cohort, e.phase, e.milestone FROM expected_milestones e CROSS JOIN cities c;
DROP TABLE expected_milestones;
ALTER TABLE expected_milestones_next RENAME TO expected_milestones;

-- The dong's city beside its district, so the analysts' `dongs` says it and a city's rows are found
-- without a join.
ALTER TABLE dongs ADD COLUMN city VARCHAR;
UPDATE dongs SET city = g.city FROM districts g WHERE g.code = dongs.district;

-- A token's city (NULL: every city the service holds). The first waves' analysts and managers were
-- the one city's: on a file holding one city they stay that city's, so loading a second city later
-- shows them nothing new. Administrators keep the whole service (they load the next city).
ALTER TABLE tokens ADD COLUMN city VARCHAR;
UPDATE tokens SET city = (SELECT min(code) FROM cities)
WHERE role IN ('analyst', 'manager') AND (SELECT count(*) FROM cities) = 1;
