import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach } from 'vitest';
import { Store } from '../../service/store/store.ts';
import { createApp, type AppOptions } from '../../service/app.ts';

export type TokenName = 'dong' | 'otherDong' | 'district' | 'analyst' | 'manager' | 'admin';

/** A real store on a real DuckDB file in a fresh temp folder, the real app, and one token per role. */
export async function startService(options: Partial<AppOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'jachi-test-'));
  const path = join(dir, 'jachi.duckdb');
  const store = await Store.open(path);
  const app = createApp({ store, ...options });
  const tokens = {
    dong: (await store.createToken({ role: 'dong', dong: '가양2동', name: '가양2동 담당' })).token,
    otherDong: (await store.createToken({ role: 'dong', dong: '갈마1동', name: '갈마1동 담당' })).token,
    district: (await store.createToken({ role: 'district', district: '대덕구', name: '대덕구 담당' })).token,
    analyst: (await store.createToken({ role: 'analyst', name: '분석가' })).token,
    manager: (await store.createToken({ role: 'manager', name: '관리자' })).token,
    admin: (await store.createToken({ role: 'admin', name: '운영자' })).token,
  } satisfies Record<TokenName, string>;

  const call = (method: string, url: string, token: TokenName | null, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(url, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${tokens[token]}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  return {
    dir,
    path,
    store,
    app,
    tokens,
    call,
    async json(method: string, url: string, token: TokenName | null, body?: unknown) {
      const res = await call(method, url, token, body);
      return { status: res.status, body: (await res.json()) as any };
    },
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestService = Awaited<ReturnType<typeof startService>>;

export const spendingRow = (over: Record<string, unknown> = {}) => ({
  dong: '가양2동',
  phase: 1,
  fiscalYear: 2019,
  category: '자치지원관 인건비',
  item: '자치지원관 보수',
  fundingSource: '특별교부세',
  budgetKrw: 40_000_000,
  executedKrw: 39_000_000,
  executedOn: '2019-12-20',
  note: null,
  ...over,
});

export const batch = (rows: { rowId?: string; baseRevision?: number | null; values: Record<string, unknown> }[], deletes: { rowId: string; baseRevision: number }[] = []) => ({
  batchId: randomUUID(),
  rows: rows.map((r) => ({ rowId: r.rowId ?? randomUUID(), baseRevision: r.baseRevision ?? null, values: r.values })),
  deletes,
});

/** Holds the store's single writer until `release` is called: every write queues behind it. */
export function holdWriter(store: Store): () => void {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  void store.writer.enqueue(() => gate);
  return release;
}

/**
 * Makes the batch record unwritable while it still reads (a view stands in for the table), so a
 * batch fails inside the write transaction after its rows are appended; `mendBatchRecord` undoes it.
 */
export async function breakBatchRecord(svc: TestService): Promise<void> {
  await svc.store.reader.run('ALTER TABLE sync_batches RENAME TO sync_batches_away');
  await svc.store.reader.run('CREATE VIEW sync_batches AS SELECT * FROM sync_batches_away');
}

export async function mendBatchRecord(svc: TestService): Promise<void> {
  await svc.store.reader.run('DROP VIEW sync_batches');
  await svc.store.reader.run('ALTER TABLE sync_batches_away RENAME TO sync_batches');
}

/**
 * For a test file whose tests each need a service over real HTTP: `serve(options)` starts one
 * (store, app and server on 127.0.0.1), stopped after the test.
 */
export function servedPerTest() {
  let running: { svc: TestService; server: Awaited<ReturnType<typeof listen>> } | undefined;
  afterEach(async () => {
    await running?.server.close();
    running?.svc.close();
    running = undefined;
  });
  return async function serve(options: Partial<AppOptions> = {}) {
    const svc = await startService(options);
    running = { svc, server: await listen(svc) };
    return { svc, base: running.server.base };
  };
}

/** Serves a test service's app over real HTTP on 127.0.0.1 (an ephemeral port) until `close`. */
async function listen(svc: TestService): Promise<{ base: string; close: () => Promise<void> }> {
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve) => {
    const server = serve({ fetch: svc.app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
      resolve({ base: `http://127.0.0.1:${info.port}`, close: () => new Promise((done) => server.close(() => done())) }),
    );
  });
}
