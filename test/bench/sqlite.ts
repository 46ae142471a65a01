/**
 * The comparisons in SQLite (better-sqlite3) for the bench's baseline: the service's schema and
 * analytic views, the data copied from a DuckDB store, and each named comparison of
 * service/store/compare/*.sql ported to SQLite's dialect with the same figures, the same columns
 * and the same order. Where the dialects differ:
 * - GROUPING SETS: SQLite has none; the all-lines spending row sums the per-category rows and the
 *   summary's all-cohorts groups are their members again with cohort NULL (UNION ALL).
 * - quantile_cont / median: SQLite has no quantile; each is the value at row (n − 1)·q of the
 *   group's non-NULL values ordered (row_number() and count() windows), interpolated linearly
 *   between the two rows around it, as DuckDB's quantile_cont does; q is k/4, so the row and the
 *   fraction are whole-number arithmetic.
 * - arg_max: the row with the largest value, by SQLite's bare column beside max() (rows whose
 *   argument is NULL left out first, as DuckDB's arg_max leaves them out).
 * - list parameters: the service binds its lists (pay categories, milestone order, per-1,000
 *   figures, figure order) and flag rules; here they are written into the SQL once, from domain/.
 * - DATE − DATE: julianday() differences; BIGINT ÷ BIGINT is DuckDB's float division, × 1.0 here.
 * The filters (phase, district, dong, cohort, city) are the service's defaults: all.
 */
import { createRequire } from 'node:module';
import type { DuckDBConnection } from '@duckdb/node-api';
import { flagRules, headlineFigures, metrics, milestones, payCategories } from '../../domain/index.ts';

// better-sqlite3 ships no types and @types/better-sqlite3 is not installed: the little used here.
export interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  run(...args: unknown[]): unknown;
}
export interface SqliteDatabase {
  pragma(source: string): unknown;
  exec(source: string): void;
  prepare(source: string): SqliteStatement;
  transaction(fn: () => void): () => void;
  close(): void;
}
export const Sqlite = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => SqliteDatabase;

/** SQLite's version, as better-sqlite3 was built with it. */
export function sqliteVersion(): string {
  const sqlite = new Sqlite(':memory:');
  try {
    return String((sqlite.prepare('SELECT sqlite_version() AS version').all()[0] as { version: string }).version);
  } finally {
    sqlite.close();
  }
}

const rowHead =
  'rowId TEXT NOT NULL, revision INTEGER NOT NULL, deleted INTEGER NOT NULL, updatedBy TEXT NOT NULL, updatedAt TEXT NOT NULL, source TEXT, batchId TEXT, dong TEXT NOT NULL, phase INTEGER';
const viewHead = 'r.rowId, r.dong, d.name AS dongName, d.district, g.city, d.joinedPhase AS cohort, r.phase';
const viewTail = 'r.revision, r.updatedBy, r.updatedAt, r.source FROM';
const viewJoin = 'r JOIN dongs d ON d.code = r.dong JOIN districts g ON g.code = d.district WHERE NOT r.deleted';

/** The service's tables (migrations 001–003, and 005's agendas) and analytic views, in SQLite. */
export const sqliteSchema = `
CREATE TABLE cities (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE districts (code TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT);
CREATE TABLE dongs (code TEXT PRIMARY KEY, name TEXT NOT NULL, district TEXT NOT NULL, adminCode TEXT, joinedPhase INTEGER NOT NULL, populationIllustrative INTEGER NOT NULL, city TEXT);
CREATE TABLE dong_population (dong TEXT NOT NULL, year INTEGER NOT NULL, population INTEGER NOT NULL, PRIMARY KEY (dong, year));
CREATE TABLE phases (city TEXT NOT NULL, phase INTEGER NOT NULL, name TEXT NOT NULL, year INTEGER NOT NULL, startOn TEXT NOT NULL, endOn TEXT NOT NULL, PRIMARY KEY (city, phase));
CREATE TABLE allocations (dong TEXT NOT NULL, fiscalYear INTEGER NOT NULL, amountKrw INTEGER NOT NULL, PRIMARY KEY (dong, fiscalYear));
CREATE TABLE expected_milestones (city TEXT NOT NULL, cohort INTEGER NOT NULL, phase INTEGER NOT NULL, milestone TEXT NOT NULL, PRIMARY KEY (city, cohort, phase, milestone));
CREATE TABLE spending_rows (${rowHead}, fiscalYear INTEGER, category TEXT, item TEXT, fundingSource TEXT, budgetKrw INTEGER, executedKrw INTEGER,
  carriedOverKrw INTEGER, returnedKrw INTEGER, executedOn TEXT, agenda TEXT, note TEXT);
CREATE TABLE participation_rows (${rowHead}, date TEXT, activity TEXT, title TEXT, participants INTEGER, newParticipants INTEGER, voters INTEGER,
  votersOnline INTEGER, online INTEGER, note TEXT);
CREATE TABLE progress_rows (${rowHead}, milestone TEXT, plannedOn TEXT, completedOn TEXT, status TEXT, progressPct REAL, note TEXT);
CREATE TABLE agendas_rows (${rowHead}, fiscalYear INTEGER, title TEXT, subcommittee TEXT, proposedOn TEXT, assemblyOn TEXT, votesFor INTEGER,
  votesAgainst INTEGER, adopted INTEGER, estimatedCostKrw INTEGER, fundingRoute TEXT, status TEXT, completedOn TEXT, note TEXT);
CREATE INDEX spending_dong ON spending_rows (dong, phase);
CREATE INDEX participation_dong ON participation_rows (dong, phase);
CREATE INDEX progress_dong ON progress_rows (dong, phase);
CREATE INDEX agendas_dong ON agendas_rows (dong, phase);
CREATE VIEW spending AS SELECT ${viewHead}, r.fiscalYear, r.category, r.item, r.fundingSource, r.budgetKrw, r.executedKrw, r.carriedOverKrw,
  r.returnedKrw, r.executedOn, r.agenda, r.note, ${viewTail} spending_rows ${viewJoin};
CREATE VIEW participation AS SELECT ${viewHead}, r.date, r.activity, r.title, r.participants, r.newParticipants, r.voters, r.votersOnline, r.online,
  r.note, ${viewTail} participation_rows ${viewJoin};
CREATE VIEW progress AS SELECT ${viewHead}, r.milestone, r.plannedOn, r.completedOn, r.status, r.progressPct, r.note, ${viewTail} progress_rows ${viewJoin};
CREATE VIEW agendas AS SELECT ${viewHead}, r.fiscalYear, r.title, r.subcommittee, r.proposedOn, r.assemblyOn, r.votesFor, r.votesAgainst, r.adopted,
  r.estimatedCostKrw, r.fundingRoute, r.status, r.completedOn, r.note, ${viewTail} agendas_rows ${viewJoin};
`;

/** Copies the reference and the rows tables of a DuckDB store into a SQLite database made with sqliteSchema. */
export async function copyToSqlite(connection: DuckDBConnection, sqlite: SqliteDatabase): Promise<void> {
  const copy = async (table: string, select: string) => {
    const reader = await connection.runAndReadAll(select);
    const rows = reader.getRows() as unknown[][];
    const insert = sqlite.prepare(
      `INSERT INTO ${table} VALUES (${reader
        .columnNames()
        .map(() => '?')
        .join(', ')})`,
    );
    sqlite.transaction(() => {
      for (const row of rows) insert.run(...row.map((v) => (typeof v === 'boolean' ? Number(v) : v)));
    })();
  };
  await copy('cities', 'SELECT code, name FROM cities');
  await copy('districts', 'SELECT code, name, city FROM districts');
  await copy('dongs', 'SELECT code, name, district, adminCode, joinedPhase, populationIllustrative::INTEGER, city FROM dongs');
  await copy('dong_population', 'SELECT dong, year, population FROM dong_population');
  await copy('phases', 'SELECT city, phase, name, year, startOn::VARCHAR, endOn::VARCHAR FROM phases');
  await copy('allocations', 'SELECT dong, fiscalYear, amountKrw FROM allocations');
  await copy('expected_milestones', 'SELECT city, cohort, phase, milestone FROM expected_milestones');
  const head = 'rowId::VARCHAR, revision, deleted::INTEGER, updatedBy, updatedAt::VARCHAR, source, batchId::VARCHAR, dong, phase';
  await copy(
    'spending_rows',
    `SELECT ${head}, fiscalYear, category, item, fundingSource, budgetKrw, executedKrw, carriedOverKrw, returnedKrw, executedOn::VARCHAR, agenda, note FROM spending_rows`,
  );
  await copy(
    'participation_rows',
    `SELECT ${head}, date::VARCHAR, activity, title, participants, newParticipants, voters, votersOnline, online::INTEGER, note FROM participation_rows`,
  );
  await copy('progress_rows', `SELECT ${head}, milestone, plannedOn::VARCHAR, completedOn::VARCHAR, status, progressPct, note FROM progress_rows`);
  await copy(
    'agendas_rows',
    `SELECT ${head}, fiscalYear, title, subcommittee, proposedOn::VARCHAR, assemblyOn::VARCHAR, votesFor, votesAgainst, adopted::INTEGER, estimatedCostKrw,
            fundingRoute, status, completedOn::VARCHAR, note FROM agendas_rows`,
  );
  sqlite.exec('ANALYZE');
}

const text = (v: string) => `'${v.replace(/'/g, "''")}'`;
const textList = (values: readonly string[]) => `(${values.map(text).join(', ')})`;
const pay = textList(payCategories);
const per1000 = textList(headlineFigures.filter((h) => metrics[h].unit === 'per1000'));
const figureOrder = `CASE figure ${headlineFigures.map((f, i) => `WHEN ${text(f)} THEN ${i + 1}`).join(' ')} END`;
const milestonePosition = (column: string) => `CASE ${column} ${milestones.map((m, i) => `WHEN ${text(m)} THEN ${i + 1}`).join(' ')} END`;
/** The day "past its plan" and "begun" are judged on; the bench binds it as :today. */
const today = ':today';

/** assembly_figures.sql: each dong × phase's largest 주민총회 day (rows of one day added together). */
const assemblyFigures = (withShare: boolean) => `
assemblyDays AS (
  SELECT dong, phase, date, sum(coalesce(voters, participants)) AS voters, sum(voters) AS recordedVoters, sum(votersOnline) AS votersOnline
  FROM participation WHERE activity = '주민총회' GROUP BY dong, phase, date
),
assemblyFigures AS (
  SELECT a.dong, a.phase, a.assemblyVoters${withShare ? ', s.votersOnlineShare' : ''}
  FROM (SELECT dong, phase, max(voters) AS assemblyVoters FROM assemblyDays GROUP BY dong, phase) a${
    withShare
      ? `
  LEFT JOIN (
    SELECT dong, phase, share AS votersOnlineShare, max(voters)
    FROM (SELECT dong, phase, voters, votersOnline * 1.0 / nullif(recordedVoters, 0) AS share FROM assemblyDays)
    WHERE share IS NOT NULL AND voters IS NOT NULL
    GROUP BY dong, phase
  ) s ON s.dong = a.dong AND s.phase IS a.phase`
      : ''
  }
)`;

/** expected_figures.sql: the milestones expected of each dong × phase begun by :today, and those done. */
const expectedFigures = `
expectedScope AS (
  SELECT d.code AS dong, e.phase, e.milestone
  FROM dongs d JOIN expected_milestones e ON e.city = d.city AND e.cohort = d.joinedPhase JOIN phases ph ON ph.city = e.city AND ph.phase = e.phase
  WHERE ph.startOn <= ${today}
),
done AS (
  SELECT dong, phase, milestone, coalesce(max(completedOn <= plannedOn), 0) AS onTime
  FROM progress WHERE status = '완료' GROUP BY dong, phase, milestone
),
expectedFigures AS (
  SELECT x.dong, x.phase, count(*) AS expected, count(done.milestone) AS completedExpected, count(*) FILTER (WHERE done.onTime) AS completedOnTime
  FROM expectedScope x LEFT JOIN done ON done.dong = x.dong AND done.phase = x.phase AND done.milestone = x.milestone
  GROUP BY x.dong, x.phase
)`;

/** agenda_figures.sql (the counts the headline figure needs): adopted agendas, and those of them done. */
const agendaFigures = `
agendaFigures AS (
  SELECT dong, phase, count(*) FILTER (WHERE isAdopted) AS adopted, count(*) FILTER (WHERE isAdopted AND status = '완료') AS agendasCompleted
  FROM (SELECT dong, phase, status, coalesce(adopted, status IN ('가결', '실행중', '완료')) AS isAdopted FROM agendas)
  GROUP BY dong, phase
)`;

/** dong_figures.sql: the headline figures of every dong × phase as num / den. */
const dongFigures = `
${assemblyFigures(false)},
${expectedFigures},
${agendaFigures},
spendingFigures AS (
  SELECT dong, phase, 'discretionaryExecutionRate' AS figure, coalesce(sum(executedKrw), 0) * 1.0 AS num, coalesce(sum(budgetKrw), 0) * 1.0 AS den, 0 AS illustrative
  FROM spending WHERE category NOT IN ${pay} GROUP BY dong, phase
),
participationFigures AS (
  SELECT a.dong, a.phase, 'assemblyTurnoutPer1000' AS figure, a.assemblyVoters * 1000.0 AS num, pop.population * 1.0 AS den,
         coalesce(pop.population > 0 AND d.populationIllustrative, 0) AS illustrative
  FROM assemblyFigures a JOIN dongs d ON d.code = a.dong
  LEFT JOIN phases p ON p.city = d.city AND p.phase = a.phase LEFT JOIN dong_population pop ON pop.dong = a.dong AND pop.year = p.year
),
progressFigures AS (
  SELECT dong, phase, 'completionRate' AS figure, completedExpected * 1.0 AS num, expected * 1.0 AS den, 0 AS illustrative FROM expectedFigures
),
agendaCompletionFigures AS (
  SELECT dong, phase, 'agendaCompletionRate' AS figure, agendasCompleted * 1.0 AS num, adopted * 1.0 AS den, 0 AS illustrative FROM agendaFigures
),
dongFigures AS MATERIALIZED (
  SELECT g.city, d.district, f.dong, d.name AS dongName, d.joinedPhase AS cohort, f.phase, f.figure, f.num, f.den,
         CASE WHEN f.den > 0 THEN f.num / f.den END AS value, f.illustrative
  FROM (
    SELECT * FROM spendingFigures UNION ALL SELECT * FROM participationFigures UNION ALL SELECT * FROM progressFigures
    UNION ALL SELECT * FROM agendaCompletionFigures
  ) f
  JOIN dongs d ON d.code = f.dong JOIN districts g ON g.code = d.district
)`;

/** quantile_cont(value, k/4) over the rows of a group numbered i = 0 … n − 1 by value. */
const quartile = (k: 1 | 2 | 3) => {
  const at = (offset: string) => `max(CASE WHEN i = (n - 1) * ${k} / 4${offset} THEN value END)`;
  return `${at('')} + ((n - 1) * ${k} % 4) / 4.0 * (coalesce(${at(' + 1')}, ${at('')}) - ${at('')})`;
};

/**
 * A group's value (sum of numerators ÷ sum of denominators), median, q1, q3, dongs with data and
 * illustrative, for the rows of `source` grouped by `keys` (which name the group, allCohorts included).
 */
const groupStats = (name: string, source: string, keys: string, value: string, illustrative: string) => `
${name}Agg AS (
  SELECT ${keys}, ${value} AS value, count(value) AS dongsWithData, ${illustrative} AS illustrative
  FROM ${source} GROUP BY ${keys}
),
${name}Ranked AS (
  SELECT ${keys}, value, row_number() OVER w - 1 AS i, count(*) OVER w AS n
  FROM ${source} WHERE value IS NOT NULL
  WINDOW w AS (PARTITION BY ${keys} ORDER BY value ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
${name}Quartiles AS (
  SELECT ${keys}, ${quartile(2)} AS median, ${quartile(1)} AS q1, ${quartile(3)} AS q3
  FROM ${name}Ranked GROUP BY ${keys}
),
${name} AS (
  SELECT a.*, q.median, q.q1, q.q3
  FROM ${name}Agg a LEFT JOIN ${name}Quartiles q ON ${keys
    .split(',')
    .map((k) => `q.${k.trim()} IS a.${k.trim()}`)
    .join(' AND ')}
)`;

/** The comparisons in SQLite's dialect (bind :today), same figures, same columns, same order. */
export const sqliteQueries: Record<string, string> = {
  spending: `
WITH lines AS (
  SELECT dong, city, cohort, phase, category, budgetKrw, executedKrw, carriedOverKrw, returnedKrw, category NOT IN ${pay} AS own FROM spending
),
byCategory AS (
  SELECT dong, max(city) AS city, max(cohort) AS cohort, phase, category, 0 AS allLines,
         coalesce(sum(budgetKrw), 0) AS budgetKrw, coalesce(sum(executedKrw), 0) AS executedKrw,
         coalesce(sum(carriedOverKrw), 0) AS carriedOverKrw, coalesce(sum(returnedKrw), 0) AS returnedKrw,
         coalesce(sum(budgetKrw) FILTER (WHERE own), 0) AS ownBudgetKrw, coalesce(sum(executedKrw) FILTER (WHERE own), 0) AS ownExecutedKrw
  FROM lines GROUP BY dong, phase, category
),
grouped AS (
  SELECT * FROM byCategory
  UNION ALL
  SELECT dong, max(city), max(cohort), phase, NULL, 1, sum(budgetKrw), sum(executedKrw), sum(carriedOverKrw), sum(returnedKrw), sum(ownBudgetKrw), sum(ownExecutedKrw)
  FROM byCategory GROUP BY dong, phase
),
allocated AS (
  SELECT a.dong, p.phase, sum(a.amountKrw) AS allocationKrw
  FROM allocations a JOIN dongs ad ON ad.code = a.dong JOIN phases p ON p.city = ad.city AND a.fiscalYear BETWEEN CAST(substr(p.startOn, 1, 4) AS INTEGER) AND CAST(substr(p.endOn, 1, 4) AS INTEGER)
  GROUP BY a.dong, p.phase
)
SELECT g.city, d.district, g.dong, d.name AS dongName, g.cohort, g.phase, g.category, g.budgetKrw, g.executedKrw, g.carriedOverKrw, g.returnedKrw,
       CASE WHEN g.budgetKrw = 0 THEN NULL ELSE g.executedKrw * 1.0 / g.budgetKrw END AS executionRate,
       CASE WHEN g.budgetKrw = 0 THEN NULL ELSE g.carriedOverKrw * 1.0 / g.budgetKrw END AS carryOverRate,
       CASE WHEN g.budgetKrw = 0 THEN NULL ELSE (g.budgetKrw - g.executedKrw - g.carriedOverKrw) * 1.0 / g.budgetKrw END AS unspentRate,
       CASE WHEN g.allLines = 1 AND g.ownBudgetKrw > 0 THEN g.ownExecutedKrw * 1.0 / g.ownBudgetKrw END AS discretionaryExecutionRate,
       CASE WHEN g.allLines = 1 THEN a.allocationKrw END AS allocationKrw,
       CASE WHEN pop.population > 0 THEN g.executedKrw * 1.0 / pop.population END AS executedPerResident,
       coalesce(pop.population > 0 AND d.populationIllustrative, 0) AS illustrative
FROM grouped g
JOIN dongs d ON d.code = g.dong
LEFT JOIN allocated a ON a.dong = g.dong AND a.phase = g.phase
LEFT JOIN phases p ON p.city = d.city AND p.phase = g.phase
LEFT JOIN dong_population pop ON pop.dong = g.dong AND pop.year = p.year
ORDER BY d.district, g.dong, g.phase, g.allLines DESC, g.category`,

  participation: `
WITH ${assemblyFigures(true)},
grouped AS (
  SELECT dong, phase, max(city) AS city, max(cohort) AS cohort, count(*) AS events, coalesce(sum(participants), 0) AS attendances,
         sum(newParticipants) AS newParticipants
  FROM participation GROUP BY dong, phase
)
SELECT g.city, d.district, g.dong, d.name AS dongName, g.cohort, g.phase, g.events, g.attendances,
       CASE WHEN pop.population > 0 THEN g.attendances * 1000.0 / pop.population END AS attendancesPer1000,
       g.newParticipants, a.assemblyVoters,
       CASE WHEN pop.population > 0 THEN a.assemblyVoters * 1000.0 / pop.population END AS assemblyTurnoutPer1000,
       a.votersOnlineShare,
       coalesce(pop.population > 0 AND d.populationIllustrative, 0) AS illustrative
FROM grouped g
JOIN dongs d ON d.code = g.dong
LEFT JOIN assemblyFigures a ON a.dong = g.dong AND a.phase IS g.phase
LEFT JOIN phases p ON p.city = d.city AND p.phase = g.phase
LEFT JOIN dong_population pop ON pop.dong = g.dong AND pop.year = p.year
ORDER BY d.district, g.dong, g.phase`,

  progress: `
WITH ${expectedFigures},
recorded AS (
  SELECT dong, phase, count(*) AS milestones,
         avg(CASE WHEN status = '완료' THEN coalesce(progressPct, 100) ELSE progressPct END) AS avgProgressPct,
         count(*) FILTER (WHERE status = '지연' OR (status = '완료' AND completedOn > plannedOn) OR (status IS NOT '완료' AND plannedOn < ${today})) AS delayed,
         coalesce(max(plannedOn IS NOT NULL AND instr(coalesce(note, ''), '예시') > 0), 0) AS illustrative
  FROM progress GROUP BY dong, phase
),
stages AS (
  SELECT dong, phase, milestone AS stageReached, max(position)
  FROM (SELECT dong, phase, milestone, ${milestonePosition('milestone')} AS position FROM progress WHERE status = '완료')
  WHERE position IS NOT NULL GROUP BY dong, phase
),
delays AS (
  SELECT dong, phase, julianday(completedOn) - julianday(plannedOn) AS days
  FROM progress WHERE status = '완료' AND completedOn IS NOT NULL AND plannedOn IS NOT NULL
),
delaysRanked AS (
  SELECT dong, phase, days, row_number() OVER (PARTITION BY dong, phase ORDER BY days) AS rn, count(*) OVER (PARTITION BY dong, phase) AS n FROM delays
),
medianDelays AS (
  SELECT dong, phase, avg(days) AS medianDelayDays FROM delaysRanked WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY dong, phase
),
scope AS (SELECT dong, phase FROM recorded UNION SELECT dong, phase FROM expectedFigures)
SELECT g.city, d.district, s.dong, d.name AS dongName, d.joinedPhase AS cohort, s.phase,
       coalesce(x.expected, 0) AS expected, coalesce(x.completedExpected, 0) AS completedExpected,
       CASE WHEN x.expected > 0 THEN x.completedExpected * 1.0 / x.expected END AS completionRate,
       CASE WHEN x.expected > 0 THEN x.completedOnTime * 1.0 / x.expected END AS onTimeRate,
       st.stageReached, coalesce(r.milestones, 0) AS milestones, r.avgProgressPct, coalesce(r.delayed, 0) AS delayed,
       md.medianDelayDays, coalesce(r.illustrative, 0) AS illustrative
FROM scope s
JOIN dongs d ON d.code = s.dong
JOIN districts g ON g.code = d.district
LEFT JOIN expectedFigures x ON x.dong = s.dong AND x.phase IS s.phase
LEFT JOIN recorded r ON r.dong = s.dong AND r.phase IS s.phase
LEFT JOIN stages st ON st.dong = s.dong AND st.phase IS s.phase
LEFT JOIN medianDelays md ON md.dong = s.dong AND md.phase IS s.phase
ORDER BY d.district, s.dong, s.phase`,

  phases: `
WITH ${dongFigures},
pivoted AS (
  SELECT city, district, dong, dongName, cohort,
         max(CASE WHEN figure = 'discretionaryExecutionRate' AND phase = 1 THEN value END) AS e1,
         max(CASE WHEN figure = 'discretionaryExecutionRate' AND phase = 2 THEN value END) AS e2,
         max(CASE WHEN figure = 'assemblyTurnoutPer1000' AND phase = 1 THEN value END) AS t1,
         max(CASE WHEN figure = 'assemblyTurnoutPer1000' AND phase = 2 THEN value END) AS t2,
         max(CASE WHEN figure = 'completionRate' AND phase = 1 THEN value END) AS c1,
         max(CASE WHEN figure = 'completionRate' AND phase = 2 THEN value END) AS c2,
         max(CASE WHEN figure = 'agendaCompletionRate' AND phase = 1 THEN value END) AS a1,
         max(CASE WHEN figure = 'agendaCompletionRate' AND phase = 2 THEN value END) AS a2,
         max(illustrative AND value IS NOT NULL) AS illustrative
  FROM dongFigures WHERE phase IN (1, 2) GROUP BY city, district, dong, dongName, cohort
)
SELECT city, district, dong, dongName, cohort,
       e1 AS discretionaryExecutionRatePhase1, e2 AS discretionaryExecutionRatePhase2, e2 - e1 AS discretionaryExecutionRateDelta,
       t1 AS assemblyTurnoutPer1000Phase1, t2 AS assemblyTurnoutPer1000Phase2, t2 - t1 AS assemblyTurnoutPer1000Delta,
       c1 AS completionRatePhase1, c2 AS completionRatePhase2, c2 - c1 AS completionRateDelta,
       a1 AS agendaCompletionRatePhase1, a2 AS agendaCompletionRatePhase2, a2 - a1 AS agendaCompletionRateDelta, illustrative
FROM pivoted ORDER BY district, dong`,

  summary: `
WITH ${dongFigures},
groupMembers AS (
  SELECT city, phase, cohort, 0 AS allCohorts, figure, num, den, value, illustrative FROM dongFigures
  UNION ALL
  SELECT city, phase, NULL, 1, figure, num, den, value, illustrative FROM dongFigures
),
${groupStats(
  'groupStats',
  'groupMembers',
  'city, phase, cohort, allCohorts, figure',
  'CASE WHEN sum(den) FILTER (WHERE den > 0) > 0 THEN sum(num) FILTER (WHERE den > 0) / sum(den) FILTER (WHERE den > 0) END',
  'coalesce(max(illustrative AND value IS NOT NULL), 0)',
)},
pairs AS (SELECT a.city, a.phase, b.phase AS versus FROM phases a JOIN phases b ON b.city = a.city AND abs(a.phase - b.phase) = 1),
continuingFigures AS (
  SELECT f.*, pr.versus
  FROM dongFigures f
  JOIN pairs pr ON pr.city = f.city AND pr.phase = f.phase
  JOIN dongFigures o ON o.dong = f.dong AND o.figure = f.figure AND o.phase = pr.versus AND o.value IS NOT NULL
  WHERE f.value IS NOT NULL
),
continuingMembers AS (
  SELECT city, phase, versus, cohort, 0 AS allCohorts, figure, num, den, value, illustrative FROM continuingFigures
  UNION ALL
  SELECT city, phase, versus, NULL, 1, figure, num, den, value, illustrative FROM continuingFigures
),
${groupStats('continuingStats', 'continuingMembers', 'city, phase, versus, cohort, allCohorts, figure', 'sum(num) / nullif(sum(den), 0)', 'coalesce(max(illustrative), 0)')},
judged AS (
  SELECT f.city, f.district, f.dong, f.dongName, f.phase, f.cohort, f.figure, f.value, f.illustrative,
         g.median, g.q1, g.dongsWithData, prev.value AS previousValue,
         CASE WHEN f.figure IN ${per1000} THEN ${flagRules.minGapPer1000Share} * g.median ELSE ${flagRules.minGapRate} END AS lowGap,
         CASE WHEN f.figure IN ${per1000} THEN ${flagRules.minGapPer1000Share} * prev.value ELSE ${flagRules.minGapRate} END AS fellGap,
         rank() OVER (PARTITION BY f.city, f.phase, f.cohort, f.figure ORDER BY f.value DESC NULLS LAST) AS rank
  FROM dongFigures f
  JOIN groupStats g ON g.city = f.city AND g.phase = f.phase AND g.allCohorts = 0 AND g.cohort = f.cohort AND g.figure = f.figure
  LEFT JOIN dongFigures prev ON prev.dong = f.dong AND prev.figure = f.figure AND prev.phase = f.phase - 1
  WHERE f.value IS NOT NULL
),
flagged AS (
  SELECT j.*, 'low' AS flag, j.value - j.median AS gap
  FROM judged j
  WHERE j.dongsWithData >= ${flagRules.minGroupForLow} AND j.value <= j.q1 AND j.median - j.value > 0 AND j.median - j.value >= j.lowGap - 1e-9
  UNION ALL
  SELECT j.*, 'fell', j.value - j.previousValue
  FROM judged j
  WHERE j.previousValue IS NOT NULL AND j.previousValue - j.value > 0 AND j.previousValue - j.value >= j.fellGap - 1e-9
)
SELECT kind, city, district, dong, dongName, phase, versus, cohort, phase - cohort + 1 AS yearInPilot, figure, value, median, q1, q3,
       dongsWithData, previousValue, gap, flag, illustrative, rank FROM (
  SELECT 'city' AS kind, city, NULL AS district, NULL AS dong, NULL AS dongName, phase, NULL AS versus, cohort, figure, value, median, q1, q3,
         dongsWithData, NULL AS previousValue, NULL AS gap, NULL AS flag, illustrative, NULL AS rank
  FROM groupStats
  UNION ALL
  SELECT 'continuing', city, NULL, NULL, NULL, phase, versus, cohort, figure, value, median, q1, q3, dongsWithData, NULL, NULL, NULL, illustrative, NULL
  FROM continuingStats
  UNION ALL
  SELECT 'dong', city, district, dong, dongName, phase, NULL, cohort, figure, value, median, NULL, NULL, NULL, previousValue, gap, flag, illustrative,
         CASE WHEN :rank THEN rank END
  FROM flagged
)
ORDER BY city, phase, ${figureOrder}, CASE kind WHEN 'city' THEN 1 WHEN 'continuing' THEN 2 ELSE 3 END,
         versus NULLS FIRST, cohort NULLS FIRST, district NULLS LAST, dongName NULLS LAST, flag NULLS LAST`,
};

/** The named parameters each SQLite query binds. */
export function sqliteParams(name: string, todayValue: string): Record<string, unknown> {
  if (name === 'summary') return { today: todayValue, rank: 0 };
  return name === 'spending' || name === 'participation' ? {} : { today: todayValue };
}
