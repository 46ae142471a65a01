import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kind } from '../../domain/index.ts';
import { loadDemo } from '../../service/demo.ts';
import { runComparison } from '../../service/store/compare/index.ts';
import { keptCounts } from '../../service/store/compare/kept.ts';
import { batch, startService, type TestService } from '../support/service.ts';

// phases and summary read each dong × phase's totals kept on the read connection and brought up to
// date for the dongs changed (service/store/compare/kept.ts): after every kind of change — a number
// edited, a row moved to another dong, a row deleted, a row added — their answers are the rows a
// fresh connection sums from every row.

const today = '2020-12-31';
let svc: TestService;
beforeAll(async () => {
  svc = await startService();
  await loadDemo(svc.store);
});
afterAll(() => svc?.close());

type Pulled = { rowId: string; revision: number; deleted: boolean; values: Record<string, unknown> };

async function stored(kind: Kind): Promise<Pulled[]> {
  const { body } = await svc.json('GET', `/api/rows/${kind}?since=0`, 'admin');
  return (body.rows as Pulled[]).filter((r) => !r.deleted);
}

/** Tables the test's own fresh connections summed whole. */
let freshWholes = 0;

/** The service's answer and a fresh connection's (summing every row), as parsed JSON. */
async function both(name: 'summary' | 'phases', query: Record<string, string>) {
  const served = await svc.call('GET', `/api/compare/${name}?${new URLSearchParams({ ...query, today })}`, 'manager');
  expect(served.status).toBe(200);
  const fresh = await svc.store.db.instance.connect();
  try {
    const expected = await runComparison(fresh, name, { ...query, today });
    freshWholes += 4;
    return { served: (await served.json()) as { rows: unknown[] }, expected };
  } finally {
    fresh.closeSync();
  }
}

async function expectFresh(step: string) {
  for (const [name, query] of [
    ['summary', { rank: 'true' }],
    ['summary', {}],
    ['phases', {}],
  ] as const) {
    const { served, expected } = await both(name, query);
    expect(served.rows.length, `${step}: ${name}`).toBeGreaterThan(0);
    expect(served.rows, `${step}: ${name} ${JSON.stringify(query)}`).toEqual(expected.rows);
  }
}

async function sync(kind: Kind, rows: { rowId?: string; baseRevision?: number; values: Record<string, unknown> }[], deletes: { rowId: string; baseRevision: number }[] = []) {
  const { status, body } = await svc.json('POST', `/api/sync/${kind}`, 'admin', batch(rows, deletes));
  expect(status).toBe(200);
  for (const r of body.results) expect(r.status, JSON.stringify(r)).toBe('accepted');
}

describe('kept totals of phases and summary', () => {
  it('after every kind of change, the answers are those summed from every row, brought up to date for the dongs changed only', async () => {
    await expectFresh('first answers');
    const dongs = svc.store.reference.reference.dongs.map((d) => d.code);
    const before = { ...keptCounts, freshWholes };
    // Each kind the figures read: a number edited, a row moved to another dong, one deleted, one added.
    const edits: Record<'spending' | 'participation' | 'progress' | 'agendas', (v: Record<string, unknown>) => Record<string, unknown>> = {
      spending: (v) => ({ ...v, executedKrw: 1_234_567 }),
      participation: (v) => ({ ...v, activity: '주민총회', voters: 777, participants: 800 }),
      progress: (v) => ({ ...v, status: '완료', completedOn: '2019-06-01', progressPct: 100 }),
      agendas: (v) => ({ ...v, status: '완료', adopted: true, completedOn: '2019-11-30' }),
    };
    for (const [kind, edit] of Object.entries(edits) as [keyof typeof edits, (v: Record<string, unknown>) => Record<string, unknown>][]) {
      const rows = await stored(kind);
      expect(rows.length, kind).toBeGreaterThan(3);
      const [edited, moved, deleted, copied] = [rows[0]!, rows[1]!, rows[2]!, rows[3]!];
      await sync(kind, [{ rowId: edited.rowId, baseRevision: edited.revision, values: edit(edited.values) }]);
      await expectFresh(`${kind}: edited`);
      const elsewhere = dongs.find((d) => d !== moved.values.dong)!;
      await sync(kind, [{ rowId: moved.rowId, baseRevision: moved.revision, values: { ...moved.values, dong: elsewhere } }]);
      await expectFresh(`${kind}: moved to ${elsewhere}`);
      await sync(kind, [], [{ rowId: deleted.rowId, baseRevision: deleted.revision }]);
      await expectFresh(`${kind}: deleted`);
      await sync(kind, [{ values: edit({ ...copied.values, ...(kind === 'agendas' ? { title: '새 의제' } : {}) }) }]);
      await expectFresh(`${kind}: added`);
    }
    // The service's connection brought up to date dong by dong at each change (16), summed whole
    // at most once more (its first question of what changed, before which nothing is known).
    expect(keptCounts.dongs - before.dongs).toBeGreaterThanOrEqual(15);
    expect(keptCounts.whole - before.whole - (freshWholes - before.freshWholes)).toBeLessThanOrEqual(4);
  });
});
