import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Store } from '../../service/store/store.ts';
import { createApp } from '../../service/app.ts';
import { fullSizes, count, type BenchSizes } from './sizes.ts';
import { postFromClient } from './http-client.ts';
import { batchesInFlight } from '../../addin/sync/engine.ts';
import { goalAtFullSize, median, ms, perSecond, printLines, ratio, rowsPerSecond, timeRuns } from './stats.ts';

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

/** Issue 2's figures: a 5,000-row batch stored service side; 100,000 rows over HTTP against DuckDB's appender. */
export async function benchSync(sizes: Pick<BenchSizes, 'quick' | 'sync'> = fullSizes) {
  const { httpRows, warmupBatches, batchRuns } = sizes.sync;
  const dir = mkdtempSync(join(tmpdir(), 'jachi-bench-'));
  try {
    const store = await Store.open(join(dir, 'bench.duckdb'));
    const admin = await store.createToken({ role: 'admin', name: 'bench' });
    const actor = (await store.authenticate(admin.token)) as Exclude<Awaited<ReturnType<Store['authenticate']>>, 'expired' | undefined>;
    // Warm up and leave rows in the table (50,000 on a full run), so the batch lands in a store that is not empty.
    for (let i = 0; i < warmupBatches; i++) await store.sync('spending', batchOf(i * batchRows, batchRows), actor);
    const batches = Array.from({ length: batchRuns }, (_, i) => batchOf(1_000_000 + i * batchRows, batchRows));
    const single = median(await timeRuns(batches.length, (i) => store.sync('spending', batches[i]!, actor)));

    // The rows over real HTTP on 127.0.0.1, 5,000 a batch.
    const app = createApp({ store });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sync/spending`;
    const http = Array.from({ length: Math.ceil(httpRows / batchRows) }, (_, i) =>
      JSON.stringify(batchOf(2_000_000 + i * batchRows, Math.min(batchRows, httpRows - i * batchRows))),
    );
    // From a client thread of its own (http-client.ts), as the add-in is: gzip answers, as a browser's
    // fetch asks, and as many batches on their way at once as the add-in's sync engine sends.
    const { totalMs: httpMs } = await postFromClient(url, { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' }, http, batchesInFlight);
    server.close();

    // The same rows through DuckDB's appender into a plain table, in the same run.
    const conn = await store.db.instance.connect();
    await conn.run('CREATE TABLE appender_peer AS SELECT * FROM spending_rows LIMIT 0');
    // The syncs' WAL written into the file first: the writer checkpoints a second after its last
    // batch, which would otherwise land in the middle of the appender's run and slow it.
    await conn.run('CHECKPOINT');
    const rows = http.flatMap((b) => (JSON.parse(b) as ReturnType<typeof batchOf>).rows);
    const now = new Date().toISOString();
    const t1 = performance.now();
    const ap = await conn.createAppender('appender_peer');
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
    const appenderMs = performance.now() - t1;
    conn.closeSync();
    store.close();

    if (rows.length !== httpRows) throw new Error(`appender: ${rows.length} rows, expected ${httpRows}`);
    const httpRate = perSecond(httpRows, httpMs);
    const appenderRate = perSecond(httpRows, appenderMs);
    const stored = count(warmupBatches * batchRows);
    const lines = [
      {
        name: `one 5,000-row batch validated and stored (median of ${batchRuns}, table of ${stored})`,
        value: ms(single),
        ...goalAtFullSize(sizes.quick, '< 100 ms', single < 100),
      },
      { name: `${count(httpRows)} rows over HTTP in 5,000-row batches, ${batchesInFlight} on their way at once`, value: `${ms(httpMs)} (${rowsPerSecond(httpRate)})` },
      { name: `baseline: DuckDB appender, same ${count(httpRows)} rows`, value: `${ms(appenderMs)} (${rowsPerSecond(appenderRate)})` },
      { name: 'HTTP sync rate ÷ appender rate', value: ratio(httpRate, appenderRate), ...goalAtFullSize(sizes.quick, '≥ 0.33×', httpRate / appenderRate >= 1 / 3) },
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
      lines,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
