/**
 * Analyst SQL kept warm (issue 15): over real HTTP on 127.0.0.1, the children are reused, the
 * snapshot is made again only after a change, a runaway or killed child is replaced, closing the
 * store leaves no process behind; and every answer's form says whether the row cap cut it, with
 * UBIGINT and HUGEINT values exact in Arrow.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { batch, servedPerTest, spendingRow, startService, type TestService } from '../support/service.ts';
import { parseCsv } from '../support/csv.ts';
import { pyarrow } from '../export/python.ts';

const serve = servedPerTest();
let base = '';

async function start(): Promise<TestService> {
  const served = await serve();
  base = served.base;
  return served.svc;
}

const post = (svc: TestService, body: unknown, accept = 'application/json') =>
  fetch(`${base}/api/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${svc.tokens.analyst}`, 'content-type': 'application/json', accept },
    body: JSON.stringify(body),
  });

async function rows(svc: TestService, sql: string): Promise<Record<string, unknown>[]> {
  const res = await post(svc, { sql });
  const body = (await res.json()) as { rows: Record<string, unknown>[] };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.rows;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (in steps, at most ~20 s) until `done()`; fails the test otherwise. */
async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(done(), what).toBe(true);
}

const snapshotFiles = (svc: TestService) => readdirSync(svc.dir).filter((f) => /\.analyst\..*\.duckdb$/.test(f));

describe('analyst SQL kept warm', () => {
  it('a second query reuses the warm child, and no new snapshot is made while the data is unchanged', async () => {
    const svc = await start();
    expect(await rows(svc, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    const first = svc.store.analyst.stats;
    expect(first.snapshots).toBe(1);
    expect(await rows(svc, 'SELECT count(*) AS n FROM spending')).toEqual([{ n: 0 }]);
    const second = svc.store.analyst.stats;
    expect(second.answered).toBeGreaterThan(first.answered);
    expect(second.started).toBe(first.started);
    expect(second.pids).toEqual(first.pids);
    expect(second.snapshots).toBe(1);
  });

  it('after a sync the next query sees the new row on a new snapshot, and the old file goes', async () => {
    const svc = await start();
    expect(await rows(svc, 'SELECT count(*) AS n FROM spending')).toEqual([{ n: 0 }]);
    const synced = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow({ item: '새 줄' }) }]));
    expect(synced.status).toBe(200);
    expect(await rows(svc, 'SELECT count(*) AS n, max(item) AS item FROM spending')).toEqual([{ n: 1, item: '새 줄' }]);
    // The first snapshot brought up to date with the synced row, not copied whole again.
    expect(svc.store.analyst.stats).toMatchObject({ snapshots: 2, updated: 1 });
    await until('one snapshot file left', () => snapshotFiles(svc).length === 1);
  });

  it('a runaway query dies at its limit; its child is killed and replaced, and SELECT 1 still answers', async () => {
    const svc = await start();
    await rows(svc, 'SELECT 1');
    const [pid] = svc.store.analyst.stats.pids;
    const started = svc.store.analyst.stats.started;
    await expect(svc.store.analystQuery('SELECT count(*) FROM range(10000000000)', { timeoutMs: 500 })).rejects.toMatchObject({ code: 'timeout' });
    expect(await rows(svc, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await until('the runaway child is gone', () => !alive(pid!));
    expect(svc.store.analyst.stats.started).toBeGreaterThan(started);
  });

  it('a child killed from outside is replaced', async () => {
    const svc = await start();
    await rows(svc, 'SELECT 1');
    const [pid] = svc.store.analyst.stats.pids;
    process.kill(pid!, 'SIGKILL');
    await until('the pool saw it go', () => !svc.store.analyst.stats.pids.includes(pid!));
    expect(await rows(svc, 'SELECT 2 AS two')).toEqual([{ two: 2 }]);
    expect(svc.store.analyst.stats.pids).not.toContain(pid);
  });

  it('closing the store ends every child and removes the snapshots', async () => {
    const svc = await startService();
    await Promise.all([svc.store.analystQuery('SELECT 1', { tokenId: 'a' }), svc.store.analystQuery('SELECT 2', { tokenId: 'b' })]);
    const { pids } = svc.store.analyst.stats;
    expect(pids.length).toBeGreaterThanOrEqual(1);
    const dir = svc.dir;
    svc.store.close();
    await until('no child left', () => pids.every((pid) => !alive(pid)));
    expect(readdirSync(dir).filter((f) => f.includes('.analyst.'))).toEqual([]);
    svc.close();
  });
});

describe('exact types and the row cap in every form', () => {
  // 200 hashes: some are above 2^63 − 1 (each is, with probability ½).
  const sql =
    'SELECT i, hash(i) AS h, i::HUGEINT * 100000000000000000000 AS huge, 12345678901234567.89::DECIMAL(38,2) AS d, 1.25::DECIMAL(4,2) AS small FROM range(200) t(i) ORDER BY i';

  it('JSON, Arrow and CSV give the same exact values and say the cap cut them', async () => {
    const svc = await start();
    const jsonRes = await post(svc, { sql, limit: 150 });
    expect(jsonRes.headers.get('x-jachi-truncated')).toBe('true');
    expect(jsonRes.headers.get('x-jachi-rows')).toBe('150');
    const json = (await jsonRes.json()) as { truncated: boolean; columns: unknown[]; rows: Record<string, unknown>[] };
    expect(json.truncated).toBe(true);
    expect(json.rows).toHaveLength(150);
    const hashes = json.rows.map((r) => BigInt(r.h as string | number));
    expect(hashes.some((h) => h > 2n ** 63n - 1n)).toBe(true);
    expect(json.rows[3]).toMatchObject({ i: 3, huge: '300000000000000000000', d: '12345678901234567.89', small: 1.25 });

    const arrowRes = await post(svc, { sql, limit: 150 }, 'application/vnd.apache.arrow.stream');
    expect(arrowRes.headers.get('x-jachi-truncated')).toBe('true');
    const table = tableFromIPC(new Uint8Array(await arrowRes.arrayBuffer()));
    expect(table.schema.metadata.get('jachi:truncated')).toBe('true');
    expect(table.schema.metadata.get('jachi:rows')).toBe('150');
    expect(table.schema.metadata.get('jachi:limit')).toBe('150');
    expect(String(table.schema.fields.find((f) => f.name === 'h')!.type)).toBe('Uint64');
    expect(table.schema.fields.find((f) => f.name === 'h')!.metadata.get('duckdb:type')).toBe('UBIGINT');
    expect(table.numRows).toBe(150);
    const arrowHashes = Array.from({ length: 150 }, (_, r) => table.getChild('h')!.get(r) as bigint);
    expect(arrowHashes).toEqual(hashes);
    // Past Int64: as exact text; DECIMAL(38,2) as exact text; DECIMAL(4,2) as a number.
    expect(table.getChild('huge')!.get(3)).toBe('300000000000000000000');
    expect(table.getChild('d')!.get(3)).toBe('12345678901234567.89');
    expect(table.getChild('small')!.get(3)).toBe(1.25);

    const csvRes = await post(svc, { sql, limit: 150 }, 'text/csv');
    expect(csvRes.headers.get('x-jachi-truncated')).toBe('true');
    expect(csvRes.headers.get('x-jachi-rows')).toBe('150');
    const [header, ...lines] = parseCsv((await csvRes.text()).replace(/^\uFEFF/, ''));
    expect(header).toEqual(['i', 'h', 'huge', 'd', 'small']);
    expect(lines.map((l) => BigInt(l[1]!))).toEqual(hashes);
    expect(lines[3]).toEqual(['3', String(hashes[3]), '300000000000000000000', '12345678901234567.89', '1.25']);
  });

  it('pyarrow reads the Arrow answer: UBIGINT as uint64 with the exact values, the cap in the schema', async ({ skip }) => {
    const python = pyarrow();
    if (!python.ok) return skip(`pyarrow unavailable: ${python.reason}`);
    const svc = await start();
    const json = (await (await post(svc, { sql, limit: 150 })).json()) as { rows: Record<string, unknown>[] };
    const file = join(svc.dir, 'answer.arrows');
    writeFileSync(file, new Uint8Array(await (await post(svc, { sql, limit: 150 }, 'application/vnd.apache.arrow.stream')).arrayBuffer()));
    const script = `
import json, sys
import pyarrow as pa
t = pa.ipc.open_stream(open(sys.argv[1], 'rb')).read_all()
print(json.dumps({'types': {f.name: str(f.type) for f in t.schema}, 'meta': {k.decode(): v.decode() for k, v in (t.schema.metadata or {}).items()},
  'h': [str(v) for v in t.column('h').to_pylist()], 'huge': t.column('huge').to_pylist()[3], 'small': t.column('small').to_pylist()[3]}))`;
    const read = JSON.parse(python.run(script, [file])) as { types: Record<string, string>; meta: Record<string, string>; h: string[]; huge: string; small: number };
    expect(read.types).toMatchObject({ i: 'int64', h: 'uint64', huge: 'string', d: 'string', small: 'double' });
    expect(read.meta).toMatchObject({ 'jachi:truncated': 'true', 'jachi:rows': '150', 'jachi:limit': '150' });
    expect(read.h).toEqual(json.rows.map((r) => String(r.h)));
    expect([read.huge, read.small]).toEqual(['300000000000000000000', 1.25]);
  }, 600_000);

  it('an answer the cap did not cut says so too', async () => {
    const svc = await start();
    for (const accept of ['application/json', 'application/vnd.apache.arrow.stream', 'text/csv']) {
      const res = await post(svc, { sql: 'SELECT 1 AS one' }, accept);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-jachi-truncated'), accept).toBe('false');
      expect(res.headers.get('x-jachi-rows'), accept).toBe('1');
      if (accept.includes('arrow')) expect(tableFromIPC(new Uint8Array(await res.arrayBuffer())).schema.metadata.get('jachi:truncated')).toBe('false');
      else if (accept === 'application/json') expect(await res.json()).toMatchObject({ truncated: false, rows: [{ one: 1 }] });
      else await res.text();
    }
  });
});
