/**
 * Comparisons at scale (issues 3, 11 and 15): at 3,500 dongs × 2 years (demo generate), each named
 * comparison's median time
 * - in DuckDB as the service makes an answer its cache does not hold (comparisonAnswer: the SQL run
 *   and DuckDB writing the JSON answer's bytes),
 * - DuckDB's SQL alone (the query file run and its result materialized in DuckDB, nothing read into
 *   JavaScript; and, as the first wave measured it, `SELECT count(*)` over it),
 * - the same queries on SQLite (better-sqlite3, same schema, same data, same run; ported in
 *   ./sqlite.ts), after checking that SQLite gives the same rows as the service (numbers to 1e-9),
 *   and those rows made into the same answer's JSON bytes (like for like: what a service on SQLite
 *   would send),
 * - end to end over HTTP (GET /api/compare/:name on 127.0.0.1, the service on the same file; the
 *   summary also as Arrow and CSV),
 * and Arrow against JSON for a 100,000-row result, and each encoding against DuckDB writing the same
 * bytes itself (its JSON and CSV writers, whole vectors to Arrow).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { tableFromIPC } from 'apache-arrow';
import { BOOLEAN, DOUBLE, INTEGER, LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { comparisonNames, flagRules, headlineFigures, metrics, milestones, payCategories } from '../../domain/index.ts';
import { comparisonSql, readMaterialized, runComparison, toArrowIPC, toCsv } from '../../service/store/compare/index.ts';
import { readsKeptTotals, withKeptTotals } from '../../service/store/compare/kept.ts';
import { comparisonAnswer } from '../../service/store/compare/answers.ts';
import { arrowFromDuckDB } from '../../service/store/compare/arrow.ts';
import { openDatabase } from '../../service/store/db.ts';
import { generateDemo } from '../../service/store/generate.ts';
import { Store } from '../../service/store/store.ts';
import { createApp } from '../../service/app.ts';
import { fullSizes, count, type BenchSizes } from './sizes.ts';
import { goalAtFullSize, median, ms, printLines, ratio, timeRuns, type BenchLine } from './stats.ts';
import { Sqlite, copyToSqlite, sqliteParams, sqliteQueries, sqliteSchema } from './sqlite.ts';
import { sameRows, type RowsCheck } from './same-rows.ts';

export { sqliteVersion } from './sqlite.ts';

const TODAY = '2021-06-01';

/** Each comparison's rows are told apart by these columns (the check sorts both answers by them). */
export const rowKeys: Record<string, string[]> = {
  spending: ['dong', 'phase', 'category'],
  participation: ['dong', 'phase'],
  progress: ['dong', 'phase'],
  phases: ['dong'],
  summary: ['kind', 'city', 'phase', 'versus', 'cohort', 'figure', 'dong', 'flag'],
};

/** The parameters the service binds for each comparison with no filter (service/store/compare/index.ts). */
export function duckdbParams(name: string, today: string): { values: Record<string, DuckDBValue>; types: Record<string, DuckDBType> } {
  const values: Record<string, DuckDBValue> = { districts: null, dongs: null, cohorts: null, cities: null };
  const types: Record<string, DuckDBType> = { districts: LIST(VARCHAR), dongs: LIST(VARCHAR), cohorts: LIST(INTEGER), cities: LIST(VARCHAR) };
  const set = (key: string, value: DuckDBValue, type: DuckDBType) => {
    values[key] = value;
    types[key] = type;
  };
  // The headline figures' pay lines are left out in the kept totals (kept_spending.sql), not here.
  const figures = () => set('today', today, VARCHAR);
  if (name !== 'phases') set('phases', null, LIST(INTEGER));
  if (name === 'spending') set('payCategories', listValue([...payCategories]), LIST(VARCHAR));
  if (name === 'progress') {
    set('today', today, VARCHAR);
    set('milestoneOrder', listValue([...milestones]), LIST(VARCHAR));
  }
  if (name === 'phases') {
    set('phaseA', 1, INTEGER);
    set('phaseB', 2, INTEGER);
    figures();
  }
  if (name === 'summary') {
    figures();
    set('rank', false, BOOLEAN);
    set('per1000Figures', listValue(headlineFigures.filter((h) => metrics[h].unit === 'per1000')), LIST(VARCHAR));
    set('minGapRate', flagRules.minGapRate, DOUBLE);
    set('minGapPer1000Share', flagRules.minGapPer1000Share, DOUBLE);
    set('minGroupForLow', flagRules.minGroupForLow, INTEGER);
    set('figureOrder', listValue([...headlineFigures]), LIST(VARCHAR));
  }
  return { values, types };
}

export interface ComparisonFigures {
  name: string;
  rows: number;
  /** What the service does when its cache does not hold the answer: the SQL run and the JSON written (comparisonAnswer). */
  duckdbMs: number;
  /** The process's CPU time for it (all threads), median: less moved by other work on the machine than wall time. */
  duckdbCpuMs: number;
  /** The query file alone, its result materialized in DuckDB. */
  duckdbSqlMs: number;
  /** `SELECT count(*) FROM (query)`, the first wave's "SQL alone" (DuckDB may leave out columns nobody reads). */
  duckdbCountMs: number;
  /** SQLite running the same figures and its rows made into the same JSON answer's bytes. */
  sqliteMs: number;
  sqliteCpuMs: number;
  sqliteRows: number;
  ratio: number;
  check: RowsCheck;
}

export interface HttpFigures {
  name: string;
  format: 'json' | 'arrow' | 'csv';
  /** After a change: the service computes the answer. */
  ms: number;
  /** Unchanged since the last request: the answer the service keeps. */
  cachedMs: number;
  bytes: number;
}

export interface CompareBenchResult {
  name: 'compare';
  quick: boolean;
  dongs: number;
  years: number;
  rows: Record<string, number>;
  generateMs: number;
  comparisons: ComparisonFigures[];
  /** Comparisons test/bench/sqlite.ts has no port of: DuckDB's time alone. */
  unported: { name: string; rows: number; ms: number; cpuMs: number }[];
  http: HttpFigures[];
  /** Every comparison gave the same rows in DuckDB and SQLite. */
  same: boolean;
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
    csvEncodeMs: number;
    writers: WriterFigures;
  };
  lines: { comparisons: BenchLine[]; http: BenchLine[]; results: BenchLine[] };
}

/** DuckDB producing the bytes itself from the same query, as the service's comparisons do: the query included. */
interface WriterFigures {
  /** `COPY (query) TO … (FORMAT json, ARRAY true)`, then the file read into memory. */
  jsonMs: number;
  /** `COPY (query) TO … (FORMAT csv, HEADER)`, then the file read into memory. */
  csvMs: number;
  /** The query materialized in DuckDB, then its vectors copied whole into Arrow IPC (arrow.ts). */
  arrowMs: number;
}

async function duckdbWriters(connection: DuckDBConnection, sql: string, dir: string): Promise<WriterFigures> {
  const copied = (format: string, options: string) => async () => {
    const out = join(dir, `writer.${format}`);
    await connection.run(`COPY (${sql}) TO '${out.replaceAll("'", "''")}' (FORMAT ${format}, ${options})`);
    return readFileSync(out);
  };
  return {
    jsonMs: median(await timeRuns(3, copied('json', 'ARRAY true'))),
    csvMs: median(await timeRuns(3, copied('csv', 'HEADER true'))),
    arrowMs: median(
      await timeRuns(3, async () => {
        const bytes = arrowFromDuckDB(await connection.run(sql));
        if (!bytes) throw new Error('arrowFromDuckDB: a column type it does not copy');
        return bytes;
      }),
    ),
  };
}

export async function benchCompare(sizes: Pick<BenchSizes, 'quick' | 'compare'> = fullSizes): Promise<CompareBenchResult> {
  const { dongs, years, runs, resultRows } = sizes.compare;
  const dir = mkdtempSync(join(tmpdir(), 'jachi-bench-compare-'));
  const file = join(dir, 'bench.duckdb');
  const db = await openDatabase(file, { threads: 2 });
  const sqlite = new Sqlite(join(dir, 'bench.sqlite'));
  let dbOpen = true;
  try {
    const generated = await generateDemo(db.connection, { dongs, years, seed: 42 });

    // The same data in SQLite.
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec(sqliteSchema);
    await copyToSqlite(db.connection, sqlite);

    const comparisons: ComparisonFigures[] = [];
    const unported: CompareBenchResult['unported'] = [];
    // As the service runs them when its cache does not hold the answer: DuckDB writes the JSON.
    const service = (name: string, params: { today: string }) => comparisonAnswer(db.connection, name, params, 'json');
    for (const name of comparisonNames) {
      const params = { today: TODAY };
      if (!(name in sqliteQueries)) {
        // A comparison without a SQLite port yet: DuckDB's time alone, said so.
        const rows = (await service(name, params)).rows;
        unported.push({ name, rows, ...(await timeWithCpu(runs, () => service(name, params))) });
        continue;
      }
      const answer = await runComparison(db.connection, name, params);
      await service(name, params);
      const duck = await timeWithCpu(runs, () => service(name, params));
      const { values, types } = duckdbParams(name, TODAY);
      const sql = comparisonSql(`${name}.sql`);
      // phases and summary: their kept totals summed whole with them, as DuckDB alone would from the rows.
      const alone = (text: string) => () =>
        readsKeptTotals(name) ? withKeptTotals(db.connection, undefined, () => db.connection.run(text, values, types)) : db.connection.run(text, values, types);
      const sqlOnly = median(await timeRuns(runs, alone(sql)));
      const countOnly = median(await timeRuns(runs, alone(`SELECT count(*) FROM (${sql})`)));

      const statement = sqlite.prepare(sqliteQueries[name]!);
      const bound = sqliteParams(name, TODAY);
      const liteRows = statement.all(bound) as Record<string, unknown>[];
      const check = sameRows(
        answer.columns.map((c) => c.name),
        answer.rows,
        liteRows,
        rowKeys[name]!,
      );
      // The answer as the service sends it, {"columns", "rows"} in UTF-8, as DuckDB's side makes it.
      const columns = answer.columns;
      const lite = await timeWithCpu(Math.max(3, Math.floor(runs / 2)), () => Buffer.from(JSON.stringify({ columns, rows: statement.all(bound) })));
      comparisons.push({
        name,
        rows: answer.rows.length,
        duckdbMs: duck.ms,
        duckdbCpuMs: duck.cpuMs,
        duckdbSqlMs: sqlOnly,
        duckdbCountMs: countOnly,
        sqliteMs: lite.ms,
        sqliteCpuMs: lite.cpuMs,
        sqliteRows: liteRows.length,
        ratio: lite.ms / duck.ms,
        check,
      });
    }

    // Arrow against JSON for a 100,000-row result on a full run (the drill-down columns of the spending lines).
    const bigSql = `SELECT CAST(rowId AS VARCHAR) AS rowId, revision, district, dong, dongName, phase, fiscalYear, category, item, fundingSource, budgetKrw, executedKrw,
                carriedOverKrw, returnedKrw, executedOn, agenda, note, updatedBy, CAST(updatedAt AS VARCHAR) AS updatedAt, source FROM spending ORDER BY revision LIMIT ${resultRows}`;
    const t = performance.now();
    const big = readMaterialized(await db.connection.run(bigSql));
    const readMs = performance.now() - t;
    const writers = await duckdbWriters(db.connection, bigSql, dir);
    let json = '';
    const jsonEncodeMs = median(await timeRuns(3, () => (json = JSON.stringify({ rows: big.rows }))));
    let arrow: Uint8Array = new Uint8Array();
    const arrowEncodeMs = median(await timeRuns(3, () => (arrow = toArrowIPC(big))));
    const csvBytes = Buffer.byteLength(toCsv(big));
    const jsonDecodeMs = median(await timeRuns(3, () => JSON.parse(json)));
    const arrowDecodeMs = median(await timeRuns(3, () => tableFromIPC(arrow)));
    const arrowDecodeAllMs = median(await timeRuns(3, () => tableFromIPC(arrow).toArray()));

    // End to end over HTTP: the service on the same file.
    db.connection.closeSync();
    db.instance.closeSync();
    dbOpen = false;
    const http = await benchHttp(
      file,
      comparisons.map((c) => c.name),
      Math.max(3, Math.floor(runs / 2)),
    );

    const result: CompareBenchResult = {
      name: 'compare',
      quick: sizes.quick,
      dongs,
      years,
      rows: generated.rows,
      generateMs: generated.ms,
      comparisons,
      unported,
      http,
      same: comparisons.every((c) => c.check.same),
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
        csvEncodeMs: median(await timeRuns(3, () => toCsv(big))),
        writers,
      },
      lines: { comparisons: [], http: [], results: [] },
    };
    if (result.arrowVsJson.rows !== resultRows) throw new Error(`result of ${result.arrowVsJson.rows} rows, expected ${resultRows}`);
    printCompare(result);
    if (!result.same) process.exitCode = 1;
    return result;
  } finally {
    sqlite.close();
    if (dbOpen) {
      db.connection.closeSync();
      db.instance.closeSync();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median wall time of `runs` calls and median CPU time of the process (user + system, every thread) per call. */
async function timeWithCpu(runs: number, fn: () => unknown): Promise<{ ms: number; cpuMs: number }> {
  const cpu: number[] = [];
  const wall = await timeRuns(runs, async () => {
    const before = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  });
  return { ms: median(wall), cpuMs: median(cpu) };
}

/**
 * GET /api/compare/:name over HTTP on 127.0.0.1: each comparison as JSON (the spending and summary
 * also as Arrow and CSV), twice: after a change (a one-row sync before each request, not timed, so
 * the service computes the answer again) and unchanged (the answer the service keeps per revision).
 */
async function benchHttp(file: string, names: string[], runs: number): Promise<HttpFigures[]> {
  const store = await Store.open(file, { threads: 2 });
  // One client asking back to back: the per-token rate limit is not what is measured.
  const server = serve({ fetch: createApp({ store, limits: { ratePerSecond: 10_000, burst: 10_000 } }).fetch, port: 0, hostname: '127.0.0.1' });
  try {
    await new Promise((r) => server.once('listening', r));
    const manager = await store.createToken({ role: 'manager', name: 'bench' });
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const headers = { authorization: `Bearer ${manager.token}` };
    const accept = { json: 'application/json', arrow: 'application/vnd.apache.arrow.stream', csv: 'text/csv' } as const;
    const get = async (name: string, format: keyof typeof accept) => {
      const res = await fetch(`${origin}/api/compare/${name}?today=${TODAY}`, { headers: { ...headers, accept: accept[format] } });
      const body = await res.arrayBuffer();
      if (!res.ok) throw new Error(`GET /api/compare/${name} (${format}): ${res.status} ${Buffer.from(body).toString('utf8').slice(0, 200)}`);
      return body.byteLength;
    };
    // A change: one of the city's own meetings (it never enters a dong's figures, but it is a new revision).
    const change = async () => {
      const values = { dong: store.reference.reference.cities[0]!.code, phase: 1, date: '2019-03-20', activity: '워킹그룹', title: '벤치마크 회의', participants: 1 };
      const body = JSON.stringify({ batchId: randomUUID(), rows: [{ rowId: randomUUID(), baseRevision: null, values }], deletes: [] });
      const res = await fetch(`${origin}/api/sync/participation`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
      if (!res.ok) throw new Error(`sync for a change: ${res.status} ${await res.text()}`);
    };
    const out: HttpFigures[] = [];
    const cases: [string, keyof typeof accept][] = [
      ...names.map((n): [string, 'json'] => [n, 'json']),
      ['spending', 'arrow'],
      ['spending', 'csv'],
      ['summary', 'arrow'],
      ['summary', 'csv'],
    ];
    for (const [name, format] of cases) {
      let bytes = await get(name, format);
      const cold: number[] = [];
      for (let i = 0; i < runs; i++) {
        await change();
        const t = performance.now();
        bytes = await get(name, format);
        cold.push(performance.now() - t);
      }
      const warm = median(await timeRuns(runs, async () => (bytes = await get(name, format))));
      out.push({ name, format, ms: median(cold), cachedMs: warm, bytes });
    }
    return out;
  } finally {
    server.close();
    store.close();
  }
}

function printCompare(r: CompareBenchResult): void {
  const total = Object.values(r.rows).reduce((a, b) => a + b, 0);
  const comparisons: BenchLine[] = [{ name: `demo generate ${count(r.dongs)} dongs × ${r.years} years (${count(total)} rows)`, value: ms(r.generateMs) }];
  for (const c of r.comparisons) {
    comparisons.push({
      name: `${c.name}: DuckDB median, ${count(c.rows)} rows (CPU ${ms(c.duckdbCpuMs)}; SQL alone ${ms(c.duckdbSqlMs)}; count(*) over it ${ms(c.duckdbCountMs)})`,
      value: ms(c.duckdbMs),
      ...goalAtFullSize(r.quick, '< 100 ms', c.duckdbMs < 100),
    });
    comparisons.push({
      name: `${c.name}: SQLite gives the same rows (numbers to 1e-9)`,
      value: c.check.same ? `yes, ${count(c.check.rows)} rows × ${c.check.columns} columns` : `NO: ${c.check.problems.length} difference(s), first: ${c.check.problems[0]}`,
      ok: c.check.same,
    });
    comparisons.push({
      name: `${c.name}: baseline SQLite, ${count(c.sqliteRows)} rows as the same JSON answer; SQLite ÷ DuckDB (CPU time ÷ CPU time)`,
      value: `${ms(c.sqliteMs)} · ${ratio(c.sqliteMs, c.duckdbMs)} (${ratio(c.sqliteCpuMs, c.duckdbCpuMs)})`,
      ...goalAtFullSize(r.quick, '≥ 5×', c.ratio >= 5),
    });
  }
  for (const u of r.unported) {
    comparisons.push({ name: `${u.name}: DuckDB median, ${count(u.rows)} rows (CPU ${ms(u.cpuMs)}); no SQLite port in test/bench/sqlite.ts yet`, value: ms(u.ms) });
  }
  printLines(`Comparisons: ${count(r.dongs)} dongs × ${r.years} years, DuckDB against SQLite (better-sqlite3, same schema, data and figures)`, comparisons);
  for (const c of r.comparisons) {
    if (c.check.same) continue;
    console.log(`\n  MISMATCH in ${c.name}: DuckDB ${count(c.rows)} rows, SQLite ${count(c.sqliteRows)} rows; the bench compares different answers.`);
    for (const p of c.check.problems.slice(0, 10)) console.log(`    ${p}`);
  }

  const sqlOf = (name: string) => r.comparisons.find((c) => c.name === name)?.duckdbSqlMs ?? NaN;
  const kb = (b: number) => `${(b / 1e3).toFixed(0)} kB`;
  const http: BenchLine[] = r.http.map((h) => ({
    name: `GET /api/compare/${h.name} as ${h.format.toUpperCase()} (${kb(h.bytes)}) after a change · unchanged; ÷ DuckDB's SQL alone (${ms(sqlOf(h.name))})`,
    value: `${ms(h.ms)} · ${ms(h.cachedMs)}; ${ratio(h.ms, sqlOf(h.name))}`,
    ...goalAtFullSize(r.quick, '< 100 ms or ≤ 3× SQL alone', h.ms < 100 || h.ms <= 3 * sqlOf(h.name)),
  }));
  printLines('Comparisons end to end over HTTP (127.0.0.1, one client, median), beside DuckDB running the same SQL alone', http);

  const a = r.arrowVsJson;
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  const results: BenchLine[] = [
    { name: `${count(a.rows)} rows read from DuckDB into JSON-safe rows`, value: ms(a.readMs) },
    { name: 'bytes: Arrow IPC · baseline JSON; Arrow ÷ JSON', value: `${mb(a.arrowBytes)} · ${mb(a.jsonBytes)}; ${ratio(a.arrowBytes, a.jsonBytes)} (CSV ${mb(a.csvBytes)})` },
    { name: 'encode: toArrowIPC · baseline JSON.stringify; Arrow ÷ JSON', value: `${ms(a.arrowEncodeMs)} · ${ms(a.jsonEncodeMs)}; ${ratio(a.arrowEncodeMs, a.jsonEncodeMs)}` },
    { name: 'decode: tableFromIPC · baseline JSON.parse; Arrow ÷ JSON', value: `${ms(a.arrowDecodeMs)} · ${ms(a.jsonDecodeMs)}; ${ratio(a.arrowDecodeMs, a.jsonDecodeMs)}` },
    { name: 'decode and read every row: tableFromIPC().toArray(); ÷ JSON', value: `${ms(a.arrowDecodeAllMs)}; ${ratio(a.arrowDecodeAllMs, a.jsonDecodeMs)}` },
    // DuckDB writing the bytes itself, the query included, against reading the rows into JavaScript and encoding them there.
    ...(
      [
        ['JSON', 'JSON.stringify', a.jsonEncodeMs, "DuckDB's COPY … (FORMAT json)", a.writers.jsonMs],
        ['CSV', 'toCsv', a.csvEncodeMs, "DuckDB's COPY … (FORMAT csv)", a.writers.csvMs],
        ['Arrow', 'toArrowIPC', a.arrowEncodeMs, "DuckDB's vectors copied whole (arrow.ts)", a.writers.arrowMs],
      ] as const
    ).map(([form, ours, oursMs, theirs, theirsMs]) => ({
      name: `${form}: rows read, then ${ours} · baseline ${theirs}, query included; ÷`,
      value: `${ms(a.readMs + oursMs)} · ${ms(theirsMs)}; ${ratio(a.readMs + oursMs, theirsMs)}`,
    })),
  ];
  printLines(`Results: Arrow against JSON, and against DuckDB's own writers, for ${count(a.rows)} rows (median of 3)`, results);
  r.lines = { comparisons, http, results };
}
