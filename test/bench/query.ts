/**
 * Analyst SQL (issue 15): `POST /api/query` end to end over HTTP on 127.0.0.1 (the sandbox's warm
 * children over a snapshot of a generated country), against DuckDB answering the same question in
 * process on the store's file and SQLite (better-sqlite3, the schema port of ./sqlite.ts) on the
 * same data, in the same run; and the first query after a change: after a sync (the last snapshot
 * brought up to date) and after a new reference (the snapshot copied whole).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { daejeonReference } from '../../domain/index.ts';
import { serve } from '@hono/node-server';
import { openDatabase } from '../../service/store/db.ts';
import { generateDemo } from '../../service/store/generate.ts';
import { Store, type Actor } from '../../service/store/store.ts';
import { createApp } from '../../service/app.ts';
import { count, fullSizes, type BenchSizes } from './sizes.ts';
import { goalAtFullSize, median, ms, printLines, ratio, timeRuns, type BenchLine } from './stats.ts';
import { Sqlite, copyToSqlite, sqliteSchema } from './sqlite.ts';

/** The questions, each with its goal over HTTP at full size. */
const questions = [
  { name: 'SELECT 1', sql: 'SELECT 1 AS one', goalMs: 20 },
  { name: 'count(*) of spending', sql: 'SELECT count(*) AS n FROM spending', goalMs: 50 },
  { name: 'budget by district', sql: 'SELECT district, sum(budgetKrw) AS budget FROM spending GROUP BY district ORDER BY district', goalMs: undefined },
] as const;

export interface QueryFigures {
  name: string;
  rows: number;
  httpMs: number;
  duckdbMs: number;
  sqliteMs: number;
}

export interface QueryBenchResult {
  name: 'query';
  quick: boolean;
  dongs: number;
  years: number;
  spendingRows: number;
  questions: QueryFigures[];
  /** The first query after a sync of 100 rows (median of 5): the last snapshot brought up to date, then the answer. */
  afterSyncMs: number;
  /** The first query after a new reference: the country's snapshot copied whole, then the answer. */
  afterReferenceMs: number;
  /** Children started over the whole run (warm reuse keeps this at the pool's size). */
  childrenStarted: number;
  /** Kept-alive connections the client found reset (each request then sent again). */
  resets: number;
  lines: BenchLine[];
}

export async function benchQuery(sizes: Pick<BenchSizes, 'quick' | 'compare'> = fullSizes): Promise<QueryBenchResult> {
  const { dongs, years } = sizes.compare;
  const runs = sizes.quick ? 15 : 41;
  const dir = mkdtempSync(join(tmpdir(), 'jachi-bench-query-'));
  const file = join(dir, 'bench.duckdb');
  const sqlite = new Sqlite(join(dir, 'bench.sqlite'));
  try {
    const db = await openDatabase(file, { threads: 2 });
    await generateDemo(db.connection, { dongs, years, seed: 42 });
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec(sqliteSchema);
    await copyToSqlite(db.connection, sqlite);
    db.connection.closeSync();
    db.instance.closeSync();

    const store = await Store.open(file, { threads: 2 });
    // Back to back, the runs pass a token's 20 requests a second: the rate limit is not what is measured.
    const app = createApp({ store, limits: { ratePerSecond: 100_000, burst: 100_000 } });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise((r) => server.once('listening', r));
      const analyst = await store.createToken({ role: 'analyst', name: 'bench' });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/query`;
      let resets = 0;
      const post = (sql: string) =>
        fetch(url, { method: 'POST', headers: { authorization: `Bearer ${analyst.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ sql }) });
      const ask = async (sql: string) => {
        // A kept-alive connection found reset is counted and the request sent again on a new one.
        const res = await post(sql).catch((error: Error & { cause?: { code?: string } }) => {
          if (error.cause?.code !== 'ECONNRESET') throw error;
          resets += 1;
          return post(sql);
        });
        const body = (await res.json()) as { rows: unknown[] };
        if (!res.ok) throw new Error(`POST /api/query ${sql}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
        return body.rows.length;
      };

      // The first query makes the snapshot and starts a child; the figures below are warm.
      const t0 = performance.now();
      await ask('SELECT 1');
      const firstMs = performance.now() - t0;

      const figures: QueryFigures[] = [];
      for (const q of questions) {
        const rows = await ask(q.sql);
        const httpMs = median(await timeRuns(runs, () => ask(q.sql)));
        const duckdbMs = await store.withReader(async (c) => median(await timeRuns(runs, async () => (await c.runAndReadAll(q.sql)).getRows())));
        const statement = sqlite.prepare(q.sql);
        const sqliteMs = median(await timeRuns(runs, () => statement.all()));
        figures.push({ name: q.name, rows, httpMs, duckdbMs, sqliteMs });
      }

      // A sync of 100 new lines (as an official's), then the next query: it waits for the last
      // snapshot brought up to date with the rows changed since.
      const admin = await store.createToken({ role: 'admin', name: 'bench-admin' });
      const actor = (await store.authenticate(admin.token)) as Actor;
      const sample = (
        await store.withReader(async (c) =>
          (await c.runAndReadAll('SELECT dong, phase, fiscalYear, category, item, fundingSource, budgetKrw FROM spending ORDER BY rowId LIMIT 100')).getRowObjectsJS(),
        )
      ).map((v): Record<string, unknown> => ({ ...v, budgetKrw: Number(v.budgetKrw) }));
      const afterSync: number[] = [];
      for (let turn = 0; turn < 5; turn++) {
        const rows = sample.map((v) => ({ rowId: randomUUID(), baseRevision: null, values: { ...v, item: `${String(v.item)} (${turn + 2})` } }));
        const answer = await store.sync('spending', { batchId: randomUUID(), rows, deletes: [] }, actor);
        if (answer.results.some((r) => r.status !== 'accepted')) throw new Error(`bench sync: ${JSON.stringify(answer.results.find((r) => r.status !== 'accepted'))}`);
        const t = performance.now();
        await ask('SELECT count(*) FROM spending');
        afterSync.push(performance.now() - t);
      }
      // A new reference: the next query waits for the snapshot copied whole.
      await store.loadReference(daejeonReference);
      const t1 = performance.now();
      await ask('SELECT count(*) FROM spending');
      const afterReferenceMs = performance.now() - t1;

      const result: QueryBenchResult = {
        name: 'query',
        quick: sizes.quick,
        dongs,
        years,
        spendingRows: Number(await store.withReader(async (c) => (await c.runAndReadAll('SELECT count(*) FROM spending')).getRows()[0]![0])),
        questions: figures,
        afterSyncMs: median(afterSync),
        afterReferenceMs,
        childrenStarted: store.analyst.stats.started,
        resets,
        lines: [],
      };
      result.lines = printQuery(result, firstMs);
      return result;
    } finally {
      server.close();
      store.close();
    }
  } finally {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function printQuery(r: QueryBenchResult, firstMs: number): BenchLine[] {
  const lines: BenchLine[] = [];
  for (const q of r.questions) {
    const goal = questions.find((x) => x.name === q.name)?.goalMs;
    lines.push({
      name: `${q.name} (${count(q.rows)} rows): POST /api/query over HTTP, median`,
      value: ms(q.httpMs),
      ...(goal === undefined ? {} : goalAtFullSize(r.quick, `< ${goal} ms`, q.httpMs < goal)),
    });
    lines.push({
      name: `${q.name}: DuckDB in process · SQLite; HTTP ÷ each`,
      value: `${ms(q.duckdbMs)} · ${ms(q.sqliteMs)}; ${ratio(q.httpMs, q.duckdbMs)} · ${ratio(q.httpMs, q.sqliteMs)}`,
    });
  }
  lines.push({ name: 'first query of the service (snapshot made, child started)', value: ms(firstMs) });
  lines.push({ name: 'first query after a sync of 100 rows (snapshot brought up to date), median of 5', value: ms(r.afterSyncMs) });
  lines.push({ name: 'first query after a new reference (snapshot copied whole)', value: ms(r.afterReferenceMs) });
  lines.push({ name: 'sandbox children started over the run', value: String(r.childrenStarted) });
  if (r.resets > 0) lines.push({ name: 'kept-alive connections found reset (request sent again)', value: String(r.resets) });
  printLines(`Analyst SQL: ${count(r.dongs)} dongs × ${r.years} years (${count(r.spendingRows)} spending rows), HTTP against DuckDB in process and SQLite`, lines);
  return lines;
}
