import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../service/store/db.ts';
import { generateDemo, type GenerateOptions } from '../../service/store/generate.ts';
import { expect } from 'vitest';
import type { Kind } from '../../domain/index.ts';
import { createApp } from '../../service/app.ts';
import { Store } from '../../service/store/store.ts';

/** A real store over a generated country (`jachi demo generate`) in a fresh temp folder; `close` removes it all. */
export async function generatedStore(options: GenerateOptions): Promise<{ store: Store; close: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'jachi-country-'));
  const path = join(dir, 'country.duckdb');
  const db = await openDatabase(path);
  await generateDemo(db.connection, options);
  db.connection.closeSync();
  db.instance.closeSync();
  const store = await Store.open(path);
  return {
    store,
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A stored row as a pull gives it. */
export type Pulled = { rowId: string; revision: number; deleted: boolean; values: Record<string, unknown> };

/**
 * `generatedStore` served by the app in process (no port; rate limits out of the way), with an
 * administrator's token: `request` as any token, `live` a kind's live rows as a pull gives them,
 * `sync` a batch that must be stored whole (every row accepted).
 */
export async function generatedApp(options: GenerateOptions) {
  const country = await generatedStore(options);
  const app = createApp({ store: country.store, limits: { ratePerSecond: 10_000, burst: 10_000 } });
  const admin = (await country.store.createToken({ role: 'admin', name: '운영자' })).token;
  const request = (method: string, url: string, token: string, body?: unknown) =>
    app.request(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const live = async (kind: Kind): Promise<Pulled[]> => {
    const res = await request('GET', `/api/rows/${kind}?since=0`, admin);
    return ((await res.json()) as { rows: Pulled[] }).rows.filter((r) => !r.deleted);
  };
  const sync = async (kind: Kind, body: unknown): Promise<void> => {
    const res = await request('POST', `/api/sync/${kind}`, admin, body);
    expect(res.status).toBe(200);
    for (const r of ((await res.json()) as { results: { status: string }[] }).results) expect(r.status).toBe('accepted');
  };
  return { ...country, admin, request, live, sync };
}
