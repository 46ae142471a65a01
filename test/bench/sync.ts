import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Store } from '../../service/store/store.ts';
import { createApp } from '../../service/app.ts';
import { defaultJsonLimits } from '../../service/http/limits.ts';
import { fullSizes, count, type BenchSizes } from './sizes.ts';
import { postFromClient } from './http-client.ts';
import { batchesInFlight } from '../../addin/sync/engine.ts';
import { collectGarbage, goalAtFullSize, median, ms, perSecond, printLines, ratio, rowsPerSecond, timeRuns } from './stats.ts';

const dongs = ['가양2동', '갈마1동', '진잠동', '원신흥동', '온천1동', '송촌동', '중리동', '덕암동'];
const categories = ['자치지원관 인건비', '간사 인건비', '주민자치학교 운영비', '사무공간 조성비', '자체 사업비', '기타'];
const row = (i: number) => ({
  dong: dongs[i % dongs.length],
  phase: 1 + (i % 2),
  fiscalYear: 2019 + (i % 2),
  category: categories[i % categories.length],
  item: `세부내역 ${i}`,
  fundingSource: '특별교부세',
  budgetKrw: 1_000_000 + i,
  executedKrw: i % 5 === 0 ? null : 900_000 + i,
  executedOn: `2019-0${1 + (i % 9)}-1${i % 10}`,
  note: null,
});
const batchOf = (start: number, n: number) => ({
  batchId: randomUUID(),
  rows: Array.from({ length: n }, (_, k) => ({ rowId: randomUUID(), baseRevision: null, values: row(start + k) })),
  deletes: [],
});

const batchRows = 5000;

/**
 * The baseline: `rows` through DuckDB's appender into a new plain table of the rows table's columns,
 * one call per value, as a program that only stores would; the milliseconds it takes.
 */
async function appendPeer(conn: DuckDBConnection, table: string, rows: ReturnType<typeof batchOf>['rows']): Promise<number> {
  await conn.run(`CREATE TABLE ${table} AS SELECT * FROM spending_rows LIMIT 0`);
  // The syncs' WAL written into the file first: the writer checkpoints a second after its last
  // batch, which would otherwise land in the middle of the appender's run and slow it.
  await conn.run('CHECKPOINT');
  const now = new Date().toISOString();
  const t = performance.now();
  const ap = await conn.createAppender(table);
  let rev = 0;
  for (const r of rows) {
    const v = r.values;
    ap.appendVarchar(r.rowId);
    ap.appendBigInt(BigInt(++rev));
    ap.appendBoolean(false);
    ap.appendVarchar('bench');
    ap.appendVarchar(now);
    ap.appendNull();
    ap.appendNull();
    ap.appendVarchar(v.dong!);
    ap.appendInteger(v.phase);
    ap.appendInteger(v.fiscalYear);
    ap.appendVarchar(v.category!);
    ap.appendVarchar(v.item);
    ap.appendVarchar(v.fundingSource);
    ap.appendBigInt(BigInt(v.budgetKrw));
    if (v.executedKrw === null) ap.appendNull();
    else ap.appendBigInt(BigInt(v.executedKrw));
    ap.appendNull(); // carriedOverKrw
    ap.appendNull(); // returnedKrw
    ap.appendVarchar(v.executedOn);
    ap.appendNull(); // agenda
    ap.appendNull(); // note
    ap.appendNull(); // baseRevision
    ap.endRow();
  }
  ap.closeSync();
  return performance.now() - t;
}

/** Issue 2's figures: a 5,000-row batch stored service side; 100,000 rows over HTTP against DuckDB's appender. */
export async function benchSync(sizes: Pick<BenchSizes, 'quick' | 'sync'> = fullSizes) {
  const { httpRows, warmupBatches, batchRuns, turns } = sizes.sync;
  const dir = mkdtempSync(join(tmpdir(), 'jachi-bench-'));
  try {
    const store = await Store.open(join(dir, 'bench.duckdb'));
    const admin = await store.createToken({ role: 'admin', name: 'bench' });
    const actor = (await store.authenticate(admin.token)) as Exclude<Awaited<ReturnType<Store['authenticate']>>, 'expired' | undefined>;
    // Warm up and leave rows in the table (50,000 on a full run), so the batch lands in a store that is not empty.
    for (let i = 0; i < warmupBatches; i++) await store.sync('spending', batchOf(i * batchRows, batchRows), actor);
    // Given to the store as the sync route gives it a body: its bytes (JSON.stringify's text, as the
    // add-in sends), read and checked on the checker's thread, then decided and written.
    const bodies = Array.from({ length: batchRuns }, (_, i) => new TextEncoder().encode(JSON.stringify(batchOf(1_000_000 + i * batchRows, batchRows))));
    await store.checker.start();
    const single = median(
      await timeRuns(bodies.length, async (i) => {
        const answer = await store.syncBody('spending', bodies[i]!, defaultJsonLimits.sync, actor, null);
        if ('refused' in answer) throw new Error(`one batch: refused (${answer.refused})`);
      }),
    );

    // The rows over real HTTP on 127.0.0.1, 5,000 a batch, and the same rows through DuckDB's
    // appender, in turns: each turn's ratio is of the two runs side by side, and the figure is the
    // median turn's (a run's pace on this shared machine can change twofold from one minute to the next).
    const app = createApp({ store });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sync/spending`;
    const conn = await store.db.instance.connect();
    const turnsRun: { httpMs: number; appenderMs: number }[] = [];
    for (let turn = 0; turn < turns; turn++) {
      const http = Array.from({ length: Math.ceil(httpRows / batchRows) }, (_, i) =>
        JSON.stringify(batchOf(2_000_000 * (turn + 1) + i * batchRows, Math.min(batchRows, httpRows - i * batchRows))),
      );
      // The bench's own garbage (the bodies just made) collected first, not during the timed run: a
      // client on another machine leaves none in the service's heap.
      collectGarbage();
      // From a client thread of its own (http-client.ts), as the add-in is: gzip answers, as a browser's
      // fetch asks, and as many batches on their way at once as the add-in's sync engine sends.
      const { totalMs: httpMs } = await postFromClient(url, { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' }, http, batchesInFlight);
      const rows = http.flatMap((b) => (JSON.parse(b) as ReturnType<typeof batchOf>).rows);
      if (rows.length !== httpRows) throw new Error(`appender: ${rows.length} rows, expected ${httpRows}`);
      collectGarbage(); // and the same for the appender's run
      turnsRun.push({ httpMs, appenderMs: await appendPeer(conn, `appender_peer_${turn}`, rows) });
      // And the appender's rows written into the file before the next turn: its WAL would otherwise be
      // checkpointed by the writer a second after its last batch, in the middle of the next HTTP turn.
      await conn.run('CHECKPOINT');
    }
    conn.closeSync();
    server.close();
    store.close();
    // The median turn by its ratio (an odd number of turns: one of them).
    const byRatio = [...turnsRun].sort((a, b) => a.appenderMs / a.httpMs - b.appenderMs / b.httpMs);
    const { httpMs, appenderMs } = byRatio[Math.floor(byRatio.length / 2)]!;

    const httpRate = perSecond(httpRows, httpMs);
    const appenderRate = perSecond(httpRows, appenderMs);
    const stored = count(warmupBatches * batchRows);
    const lines = [
      {
        name: `one 5,000-row batch read, checked and stored from its bytes, as the route hands it on (median of ${batchRuns}, table of ${stored})`,
        value: ms(single),
        ...goalAtFullSize(sizes.quick, '< 100 ms', single < 100),
      },
      { name: `${count(httpRows)} rows over HTTP in 5,000-row batches, ${batchesInFlight} on their way at once`, value: `${ms(httpMs)} (${rowsPerSecond(httpRate)})` },
      { name: `baseline: DuckDB appender, same ${count(httpRows)} rows`, value: `${ms(appenderMs)} (${rowsPerSecond(appenderRate)})` },
      {
        name: `HTTP sync rate ÷ appender rate (median of ${turns} turns: ${turnsRun.map((t) => ratio(t.appenderMs, t.httpMs)).join(', ')})`,
        value: ratio(httpRate, appenderRate),
        ...goalAtFullSize(sizes.quick, '≥ 0.33×', httpRate / appenderRate >= 1 / 3),
      },
    ];
    printLines(`Sync (issue 2): ${count(httpRows)} rows over HTTP against DuckDB's appender`, lines);
    return {
      name: 'sync',
      httpRows,
      warmupRows: warmupBatches * batchRows,
      singleBatchMs: single,
      httpMs,
      appenderMs,
      httpRate,
      appenderRate,
      ratio: httpRate / appenderRate,
      turns: turnsRun,
      lines,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
