/**
 * Comparisons at scale (issue 3): at 3,500 dongs × 2 years (demo generate), each comparison's median
 * time in DuckDB (SQL + reading the rows into JSON-safe objects) against the same queries on SQLite
 * (better-sqlite3, same schema, same data, same run; the SQL ported where DuckDB's dialect differs:
 * GROUPING SETS, median, list parameters); and Arrow against JSON for a 100,000-row result.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { BOOLEAN, INTEGER, LIST, VARCHAR } from '@duckdb/node-api';
import { comparisonSql, readDongNames, readMaterialized, runComparison, toArrowIPC, toCsv } from '../../service/store/compare/index.ts';
import { openDatabase } from '../../service/store/db.ts';
import { generateDemo } from '../../service/store/generate.ts';
import { fullSizes, count, type BenchSizes } from './sizes.ts';
import { goalAtFullSize, median, ms, printLines, ratio, timeRuns, type BenchLine } from './stats.ts';

const TODAY = '2021-06-01';

// better-sqlite3 ships no types and @types/better-sqlite3 is not installed: the little used here.
interface SqliteStatement {
  all(): unknown[];
  run(...args: unknown[]): unknown;
}
interface SqliteDatabase {
  pragma(source: string): unknown;
  exec(source: string): void;
  prepare(source: string): SqliteStatement;
  transaction(fn: () => void): () => void;
  close(): void;
}
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => SqliteDatabase;

const sqliteSchema = `
CREATE TABLE districts (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE dongs (code TEXT PRIMARY KEY, name TEXT NOT NULL, district TEXT NOT NULL, adminCode TEXT, joinedPhase INTEGER NOT NULL, populationIllustrative INTEGER NOT NULL);
CREATE TABLE dong_population (dong TEXT NOT NULL, year INTEGER NOT NULL, population INTEGER NOT NULL, PRIMARY KEY (dong, year));
CREATE TABLE phases (phase INTEGER PRIMARY KEY, name TEXT NOT NULL, year INTEGER NOT NULL, startOn TEXT NOT NULL, endOn TEXT NOT NULL);
CREATE TABLE spending_rows (rowId TEXT NOT NULL, revision INTEGER NOT NULL, deleted INTEGER NOT NULL, updatedBy TEXT NOT NULL, updatedAt TEXT NOT NULL, source TEXT, batchId TEXT,
  dong TEXT NOT NULL, phase INTEGER, fiscalYear INTEGER, category TEXT, item TEXT, fundingSource TEXT, budgetKrw INTEGER, executedKrw INTEGER, executedOn TEXT, note TEXT);
CREATE TABLE participation_rows (rowId TEXT NOT NULL, revision INTEGER NOT NULL, deleted INTEGER NOT NULL, updatedBy TEXT NOT NULL, updatedAt TEXT NOT NULL, source TEXT, batchId TEXT,
  dong TEXT NOT NULL, phase INTEGER, date TEXT, activity TEXT, title TEXT, participants INTEGER, newParticipants INTEGER, votes INTEGER, online INTEGER, note TEXT);
CREATE TABLE progress_rows (rowId TEXT NOT NULL, revision INTEGER NOT NULL, deleted INTEGER NOT NULL, updatedBy TEXT NOT NULL, updatedAt TEXT NOT NULL, source TEXT, batchId TEXT,
  dong TEXT NOT NULL, phase INTEGER, milestone TEXT, plannedOn TEXT, completedOn TEXT, status TEXT, progressPct REAL, note TEXT);
CREATE INDEX spending_dong ON spending_rows (dong, phase);
CREATE INDEX participation_dong ON participation_rows (dong, phase);
CREATE INDEX progress_dong ON progress_rows (dong, phase);
CREATE VIEW spending AS SELECT r.rowId, r.dong, d.name AS dongName, d.district, r.phase, r.fiscalYear, r.category, r.item, r.fundingSource, r.budgetKrw, r.executedKrw, r.executedOn, r.note,
  r.revision, r.updatedBy, r.updatedAt, r.source FROM spending_rows r JOIN dongs d ON d.code = r.dong WHERE NOT r.deleted;
CREATE VIEW participation AS SELECT r.rowId, r.dong, d.name AS dongName, d.district, r.phase, r.date, r.activity, r.title, r.participants, r.newParticipants, r.votes, r.online, r.note,
  r.revision, r.updatedBy, r.updatedAt, r.source FROM participation_rows r JOIN dongs d ON d.code = r.dong WHERE NOT r.deleted;
CREATE VIEW progress AS SELECT r.rowId, r.dong, d.name AS dongName, d.district, r.phase, r.milestone, r.plannedOn, r.completedOn, r.status, r.progressPct, r.note,
  r.revision, r.updatedBy, r.updatedAt, r.source FROM progress_rows r JOIN dongs d ON d.code = r.dong WHERE NOT r.deleted;
`;

const sqliteDongFigures = `
spendingFigures AS (SELECT dong, phase, 'executionRate' AS figure, coalesce(sum(executedKrw), 0) * 1.0 AS num, coalesce(sum(budgetKrw), 0) * 1.0 AS den FROM spending GROUP BY dong, phase),
participationFigures AS (SELECT g.dong, g.phase, 'participantsPer1000' AS figure, g.participants * 1000.0 AS num, pop.population * 1.0 AS den
  FROM (SELECT dong, phase, coalesce(sum(participants), 0) AS participants FROM participation GROUP BY dong, phase) g
  LEFT JOIN phases p ON p.phase = g.phase LEFT JOIN dong_population pop ON pop.dong = g.dong AND pop.year = p.year),
progressFigures AS (SELECT dong, phase, 'completionRate' AS figure, sum(status = '완료') * 1.0 AS num, count(*) * 1.0 AS den FROM progress GROUP BY dong, phase),
dongFigures AS (SELECT f.dong, d.name AS dongName, d.district, f.phase, f.figure, f.num, f.den, CASE WHEN f.den > 0 THEN f.num / f.den END AS value
  FROM (SELECT * FROM spendingFigures UNION ALL SELECT * FROM participationFigures UNION ALL SELECT * FROM progressFigures) f JOIN dongs d ON d.code = f.dong)`;

/** The comparisons in SQLite's dialect, same figures, same order. */
const sqliteQueries: Record<string, string> = {
  spending: `
WITH bycat AS (SELECT dong, phase, category, 0 AS allLines, coalesce(sum(budgetKrw), 0) AS budgetKrw, coalesce(sum(executedKrw), 0) AS executedKrw
               FROM spending GROUP BY dong, phase, category),
     allc AS (SELECT dong, phase, NULL AS category, 1 AS allLines, sum(budgetKrw) AS budgetKrw, sum(executedKrw) AS executedKrw FROM bycat GROUP BY dong, phase),
     grouped AS (SELECT * FROM bycat UNION ALL SELECT * FROM allc)
SELECT d.district, g.dong, d.name AS dongName, g.phase, g.category, g.budgetKrw, g.executedKrw,
       CASE WHEN g.budgetKrw = 0 THEN NULL ELSE g.executedKrw * 1.0 / g.budgetKrw END AS executionRate,
       CASE WHEN pop.population > 0 THEN g.executedKrw * 1.0 / pop.population END AS executedPerResident
FROM grouped g JOIN dongs d ON d.code = g.dong LEFT JOIN phases p ON p.phase = g.phase LEFT JOIN dong_population pop ON pop.dong = g.dong AND pop.year = p.year
ORDER BY d.district, g.dong, g.phase, g.allLines DESC, g.category`,
  participation: `
WITH grouped AS (SELECT district, dong, dongName, phase, count(*) AS events, coalesce(sum(participants), 0) AS participants, sum(newParticipants) AS newParticipants,
                        coalesce(sum(participants) FILTER (WHERE activity = '주민총회'), 0) AS assemblyParticipants, sum(votes) AS votes
                 FROM participation GROUP BY district, dong, dongName, phase)
SELECT g.district, g.dong, g.dongName, g.phase, g.events, g.participants, g.newParticipants,
       CASE WHEN pop.population > 0 THEN g.participants * 1000.0 / pop.population END AS participantsPer1000, g.assemblyParticipants, g.votes
FROM grouped g LEFT JOIN phases p ON p.phase = g.phase LEFT JOIN dong_population pop ON pop.dong = g.dong AND pop.year = p.year
ORDER BY g.district, g.dong, g.phase`,
  progress: `
WITH delays AS (SELECT dong, phase, julianday(completedOn) - julianday(plannedOn) AS d FROM progress WHERE status = '완료' AND completedOn IS NOT NULL AND plannedOn IS NOT NULL),
     ranked AS (SELECT dong, phase, d, row_number() OVER (PARTITION BY dong, phase ORDER BY d) AS rn, count(*) OVER (PARTITION BY dong, phase) AS n FROM delays),
     med AS (SELECT dong, phase, avg(d) AS medianDelayDays FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY dong, phase)
SELECT m.district, m.dong, m.dongName, m.phase, count(*) AS milestones, sum(m.status = '완료') AS completed, sum(m.status = '완료') * 1.0 / count(*) AS completionRate,
       avg(CASE WHEN m.status = '완료' THEN coalesce(m.progressPct, 100) ELSE m.progressPct END) AS avgProgressPct,
       sum(m.status = '지연' OR (m.status = '완료' AND m.completedOn > m.plannedOn) OR (m.status IS NOT '완료' AND m.plannedOn < '${TODAY}')) AS delayed,
       max(med.medianDelayDays) AS medianDelayDays
FROM progress m LEFT JOIN med ON med.dong = m.dong AND med.phase = m.phase
GROUP BY m.district, m.dong, m.dongName, m.phase ORDER BY m.district, m.dong, m.phase`,
  phases: `
WITH ${sqliteDongFigures},
pivoted AS (SELECT district, dong, dongName,
  max(CASE WHEN figure = 'executionRate' AND phase = 1 THEN value END) AS e1, max(CASE WHEN figure = 'executionRate' AND phase = 2 THEN value END) AS e2,
  max(CASE WHEN figure = 'participantsPer1000' AND phase = 1 THEN value END) AS p1, max(CASE WHEN figure = 'participantsPer1000' AND phase = 2 THEN value END) AS p2,
  max(CASE WHEN figure = 'completionRate' AND phase = 1 THEN value END) AS c1, max(CASE WHEN figure = 'completionRate' AND phase = 2 THEN value END) AS c2
  FROM dongFigures WHERE phase IN (1, 2) GROUP BY district, dong, dongName)
SELECT district, dong, dongName, e1, e2, e2 - e1, p1, p2, p2 - p1, c1, c2, c2 - c1 FROM pivoted ORDER BY district, dong`,
  summary: `
WITH ${sqliteDongFigures},
ranked AS (SELECT phase, figure, value, row_number() OVER (PARTITION BY phase, figure ORDER BY value) AS rn, count(value) OVER (PARTITION BY phase, figure) AS n FROM dongFigures WHERE value IS NOT NULL),
medians AS (SELECT phase, figure, avg(value) AS cityMedian FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY phase, figure),
city AS (SELECT f.phase, f.figure, sum(CASE WHEN den > 0 THEN num END) / sum(CASE WHEN den > 0 THEN den END) AS value, m.cityMedian, count(f.value) AS dongsWithData
         FROM dongFigures f JOIN medians m ON m.phase = f.phase AND m.figure = f.figure GROUP BY f.phase, f.figure),
judged AS (SELECT f.district, f.dong, f.dongName, f.phase, f.figure, f.value, c.cityMedian, f1.value AS phase1Value, f.value < c.cityMedian AS belowMedian,
                  CASE WHEN f.phase <> 1 THEN f.value < f1.value END AS belowPhase1
           FROM dongFigures f JOIN city c ON c.phase = f.phase AND c.figure = f.figure
           LEFT JOIN dongFigures f1 ON f1.dong = f.dong AND f1.figure = f.figure AND f1.phase = 1)
SELECT * FROM (
  SELECT 'city' AS kind, NULL AS district, NULL AS dong, NULL AS dongName, c.phase, c.figure, c.value, c.cityMedian, c.dongsWithData, c1.value AS phase1Value,
         NULL AS belowMedian, CASE WHEN c.phase <> 1 THEN c.value < c1.value END AS belowPhase1
  FROM city c LEFT JOIN city c1 ON c1.figure = c.figure AND c1.phase = 1
  UNION ALL
  SELECT 'dong', district, dong, dongName, phase, figure, value, cityMedian, NULL, phase1Value, belowMedian, belowPhase1 FROM judged
  WHERE coalesce(belowMedian, 0) OR coalesce(belowPhase1, 0))
ORDER BY phase, CASE figure WHEN 'executionRate' THEN 1 WHEN 'participantsPer1000' THEN 2 ELSE 3 END, kind, district, dongName`,
};

export interface CompareBenchResult {
  name: 'compare';
  quick: boolean;
  dongs: number;
  years: number;
  rows: Record<string, number>;
  generateMs: number;
  comparisons: { name: string; rows: number; duckdbMs: number; duckdbSqlMs: number; sqliteMs: number; sqliteRows: number; ratio: number }[];
  arrowVsJson: {
    rows: number;
    jsonBytes: number;
    arrowBytes: number;
    csvBytes: number;
    readMs: number;
    jsonEncodeMs: number;
    arrowEncodeMs: number;
    jsonDecodeMs: number;
    arrowDecodeMs: number;
    arrowDecodeAllMs: number;
  };
  lines: { comparisons: BenchLine[]; results: BenchLine[] };
}

/** SQLite's version, as better-sqlite3 was built with it. */
export function sqliteVersion(): string {
  const sqlite = new Sqlite(':memory:');
  try {
    return String((sqlite.prepare('SELECT sqlite_version() AS version').all()[0] as { version: string }).version);
  } finally {
    sqlite.close();
  }
}

export async function benchCompare(sizes: Pick<BenchSizes, 'quick' | 'compare'> = fullSizes): Promise<CompareBenchResult> {
  const { dongs, years, runs, resultRows } = sizes.compare;
  const dir = mkdtempSync(join(tmpdir(), 'jachi-bench-compare-'));
  const db = await openDatabase(join(dir, 'bench.duckdb'), { threads: 2 });
  const sqlite = new Sqlite(join(dir, 'bench.sqlite'));
  try {
    const generated = await generateDemo(db.connection, { dongs, years, seed: 42 });

    // The same data in SQLite.
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec(sqliteSchema);
    const copy = async (table: string, select: string) => {
      const reader = await db.connection.runAndReadAll(select);
      const rows = reader.getRows() as unknown[][];
      const insert = sqlite.prepare(`INSERT INTO ${table} VALUES (${reader.columnNames().map(() => '?').join(', ')})`);
      sqlite.transaction(() => {
        for (const row of rows) insert.run(...row.map((v) => (typeof v === 'boolean' ? Number(v) : v)));
      })();
    };
    await copy('districts', 'SELECT * FROM districts');
    await copy('dongs', 'SELECT code, name, district, adminCode, joinedPhase, populationIllustrative::INTEGER FROM dongs');
    await copy('dong_population', 'SELECT * FROM dong_population');
    await copy('phases', 'SELECT phase, name, year, startOn::VARCHAR, endOn::VARCHAR FROM phases');
    const head = 'rowId::VARCHAR, revision, deleted::INTEGER, updatedBy, updatedAt::VARCHAR, source, batchId::VARCHAR, dong, phase';
    await copy('spending_rows', `SELECT ${head}, fiscalYear, category, item, fundingSource, budgetKrw, executedKrw, executedOn::VARCHAR, note FROM spending_rows`);
    await copy('participation_rows', `SELECT ${head}, date::VARCHAR, activity, title, participants, newParticipants, votes, online::INTEGER, note FROM participation_rows`);
    await copy('progress_rows', `SELECT ${head}, milestone, plannedOn::VARCHAR, completedOn::VARCHAR, status, progressPct, note FROM progress_rows`);
    sqlite.exec('ANALYZE');

    const comparisons: CompareBenchResult['comparisons'] = [];
    // As the service runs them: the dongs' names and districts come from the reference it holds.
    const dongNames = await readDongNames(db.connection);
    for (const name of ['spending', 'participation', 'progress', 'phases', 'summary']) {
      const params = { today: TODAY };
      await runComparison(db.connection, name, params, { dongNames });
      let rowCount = 0;
      const duck = median(await timeRuns(runs, async () => (rowCount = (await runComparison(db.connection, name, params, { dongNames })).rows.length)));
      const sqlOnly = median(
        await timeRuns(runs, async () => {
          await db.connection.run(`SELECT count(*) FROM (${comparisonSql(`${name}.sql`)})`, name === 'phases' ? { phaseA: 1, phaseB: 2, districts: null, dongs: null } : { ...(name === 'progress' ? { today: TODAY } : {}), ...(name === 'summary' ? { rank: false } : {}), phases: null, districts: null, dongs: null }, typesFor(name));
        }),
      );
      const statement = sqlite.prepare(sqliteQueries[name]!);
      let sqliteRows = 0;
      statement.all();
      const lite = median(await timeRuns(Math.max(3, Math.floor(runs / 2)), () => (sqliteRows = statement.all().length)));
      comparisons.push({ name, rows: rowCount, duckdbMs: duck, duckdbSqlMs: sqlOnly, sqliteMs: lite, sqliteRows, ratio: lite / duck });
    }

    // Arrow against JSON for a 100,000-row result on a full run (the drill-down columns of the spending lines).
    const t = performance.now();
    const big = readMaterialized(
      await db.connection.run(
        `SELECT CAST(rowId AS VARCHAR) AS rowId, revision, district, dong, dongName, phase, fiscalYear, category, item, fundingSource, budgetKrw, executedKrw,
                executedOn, note, updatedBy, updatedAt, source FROM spending ORDER BY revision LIMIT ${resultRows}`,
      ),
    );
    const readMs = performance.now() - t;
    let json = '';
    const jsonEncodeMs = median(await timeRuns(3, () => (json = JSON.stringify({ rows: big.rows }))));
    let arrow: Uint8Array = new Uint8Array();
    const arrowEncodeMs = median(await timeRuns(3, () => (arrow = toArrowIPC(big))));
    const csvBytes = Buffer.byteLength(toCsv(big));
    const jsonDecodeMs = median(await timeRuns(3, () => JSON.parse(json)));
    const arrowDecodeMs = median(await timeRuns(3, () => tableFromIPC(arrow)));
    const arrowDecodeAllMs = median(await timeRuns(3, () => tableFromIPC(arrow).toArray()));
    const result: CompareBenchResult = {
      name: 'compare',
      quick: sizes.quick,
      dongs,
      years,
      rows: generated.rows,
      generateMs: generated.ms,
      comparisons,
      arrowVsJson: {
        rows: big.rows.length,
        jsonBytes: Buffer.byteLength(json),
        arrowBytes: arrow.byteLength,
        csvBytes,
        readMs,
        jsonEncodeMs,
        arrowEncodeMs,
        jsonDecodeMs,
        arrowDecodeMs,
        arrowDecodeAllMs,
      },
      lines: { comparisons: [], results: [] },
    };
    if (result.arrowVsJson.rows !== resultRows) throw new Error(`result of ${result.arrowVsJson.rows} rows, expected ${resultRows}`);
    printCompare(result);
    return result;
  } finally {
    sqlite.close();
    db.connection.closeSync();
    db.instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

function typesFor(name: string) {
  const lists = { districts: LIST(VARCHAR), dongs: LIST(VARCHAR) };
  if (name === 'phases') return { ...lists, phaseA: INTEGER, phaseB: INTEGER };
  return { ...lists, phases: LIST(INTEGER), ...(name === 'progress' ? { today: VARCHAR } : {}), ...(name === 'summary' ? { rank: BOOLEAN } : {}) };
}

function printCompare(r: CompareBenchResult): void {
  const total = Object.values(r.rows).reduce((a, b) => a + b, 0);
  const comparisons: BenchLine[] = [{ name: `demo generate ${count(r.dongs)} dongs × ${r.years} years (${count(total)} rows)`, value: ms(r.generateMs) }];
  for (const c of r.comparisons) {
    comparisons.push({ name: `${c.name}: DuckDB median, ${count(c.rows)} rows (SQL alone ${ms(c.duckdbSqlMs)})`, value: ms(c.duckdbMs), ...goalAtFullSize(r.quick, '< 100 ms', c.duckdbMs < 100) });
    comparisons.push({ name: `${c.name}: baseline SQLite, ${count(c.sqliteRows)} rows; SQLite ÷ DuckDB`, value: `${ms(c.sqliteMs)} · ${ratio(c.sqliteMs, c.duckdbMs)}`, ...goalAtFullSize(r.quick, '≥ 5×', c.ratio >= 5) });
  }
  printLines(`Comparisons: ${count(r.dongs)} dongs × ${r.years} years, DuckDB against SQLite (better-sqlite3, same schema and data)`, comparisons);

  const a = r.arrowVsJson;
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  const results: BenchLine[] = [
    { name: `${count(a.rows)} rows read from DuckDB into JSON-safe rows`, value: ms(a.readMs) },
    { name: 'bytes: Arrow IPC · baseline JSON; Arrow ÷ JSON', value: `${mb(a.arrowBytes)} · ${mb(a.jsonBytes)}; ${ratio(a.arrowBytes, a.jsonBytes)} (CSV ${mb(a.csvBytes)})` },
    { name: 'encode: toArrowIPC · baseline JSON.stringify; Arrow ÷ JSON', value: `${ms(a.arrowEncodeMs)} · ${ms(a.jsonEncodeMs)}; ${ratio(a.arrowEncodeMs, a.jsonEncodeMs)}` },
    { name: 'decode: tableFromIPC · baseline JSON.parse; Arrow ÷ JSON', value: `${ms(a.arrowDecodeMs)} · ${ms(a.jsonDecodeMs)}; ${ratio(a.arrowDecodeMs, a.jsonDecodeMs)}` },
    { name: 'decode and read every row: tableFromIPC().toArray(); ÷ JSON', value: `${ms(a.arrowDecodeAllMs)}; ${ratio(a.arrowDecodeAllMs, a.jsonDecodeMs)}` },
  ];
  printLines(`Results: Arrow against JSON for ${count(a.rows)} rows (median of 3)`, results);
  r.lines = { comparisons, results };
}
