import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kind } from '../../domain/index.ts';
import { loadDemo } from '../../service/demo.ts';
import { runComparison } from '../../service/store/compare/index.ts';
import { changedAnswer, comparisonAnswer, splices } from '../../service/store/compare/answers.ts';
import { keptCounts, keptLimits, withKeptTotals, type KeptChanges } from '../../service/store/compare/kept.ts';
import { A, B, openFixture, reference as fixtureReference, today as fixtureToday } from './fixture.ts';
import { batch, startService, type TestService } from '../support/service.ts';

// phases and summary read each dong × phase's totals kept on the read connection and brought up to
// date for the dongs changed (service/store/compare/kept.ts); the per-dong comparisons' JSON answers
// are the last answer with the changed dongs' rows put in their place (compare/splice.ts). After
// every kind of change — a number edited, a row moved to another dong, a row deleted, a row added —
// the answers are what a fresh connection makes from every row.

const today = '2020-12-31';
let svc: TestService;
beforeAll(async () => {
  // Many questions back to back from one token: no rate limit in the way.
  svc = await startService({ limits: { ratePerSecond: 10_000, burst: 10_000 } });
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
    const wholes = keptCounts.whole;
    const expected = await runComparison(fresh, name, { ...query, today });
    freshWholes += keptCounts.whole - wholes;
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
  return body.results as { rowId: string; revision: number }[];
}

/**
 * The per-dong comparisons in JSON, as the service answers them and as a fresh connection writes
 * them whole: the same rows in the same order.
 */
async function expectSpliced(step: string, district: string) {
  for (const name of ['spending', 'participation', 'progress', 'agendas', 'phases']) {
    for (const query of [{}, { phase: name === 'phases' ? '1,2' : '1' }, { district }] as Record<string, string>[]) {
      const res = await svc.call('GET', `/api/compare/${name}?${new URLSearchParams({ ...query, today })}`, 'manager');
      const served = Buffer.from(await res.arrayBuffer());
      expect(res.status, served.toString()).toBe(200);
      const fresh = await svc.store.db.instance.connect();
      try {
        const wholes = keptCounts.whole;
        const whole = await comparisonAnswer(fresh, name, { ...query, today }, 'json');
        freshWholes += keptCounts.whole - wholes;
        // The same rows in the same order (an answer not changed since a comparison's very first is
        // still the one JavaScript wrote, as its columns were learnt from it: the same JSON, other bytes).
        expect(JSON.parse(served.toString()), `${step}: ${name} ${JSON.stringify(query)}`).toEqual(JSON.parse(whole.body.toString()));
      } finally {
        fresh.closeSync();
      }
    }
  }
}

describe('answers brought up to date for the dongs changed', () => {
  it('after every kind of change, the answers are those made from every row, brought up to date for the dongs changed only', async () => {
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
    const district = svc.store.reference.reference.dongs[0]!.district;
    await expectSpliced('first answers', district);
    const splicedBefore = splices.count;
    for (const [kind, edit] of Object.entries(edits) as [keyof typeof edits, (v: Record<string, unknown>) => Record<string, unknown>][]) {
      // Rows of dongs in the middle and at either end of the answers' order, so a dong's rows are put
      // back between others, not only first or last.
      const rows = await stored(kind);
      const order = [...new Set(rows.map((r) => String(r.values.dong)))].sort();
      expect(order.length, kind).toBeGreaterThan(2);
      const of = (dong: string, skip = 0) => rows.filter((r) => r.values.dong === dong)[skip] ?? rows.find((r) => r.values.dong === dong)!;
      const middle = order[Math.floor(order.length / 2)]!;
      const [edited, moved, deleted, copied] = [of(middle), of(order[0]!), of(order.at(-1)!), of(middle, 1)];
      const [editedNow] = await sync(kind, [{ rowId: edited.rowId, baseRevision: edited.revision, values: edit(edited.values) }]);
      await expectFresh(`${kind}: edited`);
      await expectSpliced(`${kind}: edited`, district);
      const elsewhere = order[Math.floor(order.length / 2) + 1] ?? dongs.find((d) => d !== moved.values.dong)!;
      await sync(kind, [{ rowId: moved.rowId, baseRevision: moved.revision, values: { ...moved.values, dong: elsewhere } }]);
      await expectFresh(`${kind}: moved to ${elsewhere}`);
      await expectSpliced(`${kind}: moved to ${elsewhere}`, district);
      // The edited row too (it counts in the figures: an assembly's voters, a milestone done, …), to
      // the dong at the end of the order: the dong it left loses it, the one it joins gains it.
      await sync(kind, [{ rowId: edited.rowId, baseRevision: editedNow!.revision, values: { ...edit(edited.values), dong: order.at(-1)! } }]);
      await expectFresh(`${kind}: the edited row moved to ${order.at(-1)}`);
      await expectSpliced(`${kind}: the edited row moved to ${order.at(-1)}`, district);
      await sync(kind, [], [{ rowId: deleted.rowId, baseRevision: deleted.revision }]);
      await expectFresh(`${kind}: deleted`);
      await expectSpliced(`${kind}: deleted`, district);
      await sync(kind, [{ values: edit({ ...copied.values, ...(kind === 'agendas' ? { title: '새 의제' } : {}) }) }]);
      await expectFresh(`${kind}: added`);
      await expectSpliced(`${kind}: added`, district);
    }
    // The per-dong answers after each change were made from the last one, the changed dongs' rows
    // asked again (20 changes × the comparisons reading each kind × 3 questions, at least).
    expect(splices.count - splicedBefore).toBeGreaterThanOrEqual(20 * 3);
    // The service's connection brought up to date dong by dong at each change (16), summed whole
    // at most once more (its first question of what changed, before which nothing is known).
    expect(keptCounts.dongs - before.dongs).toBeGreaterThanOrEqual(15);
    expect(keptCounts.whole - before.whole - (freshWholes - before.freshWholes)).toBeLessThanOrEqual(4);
  });
});

describe('a kept table under constant changes', () => {
  it('stays the size of what it holds: copied anew once enough dongs were replaced, its totals still right', async () => {
    const db = await openFixture();
    try {
      const connection = await db.instance.connect();
      let revision = 1;
      const changes: KeptChanges = {
        now: () => ({ revisions: { spending: revision, participation: 1, progress: 1, agendas: 1, council: 1 }, reference: 1 }),
        changedSince: async () => new Set([A, B]),
      };
      const size = async () => Number((await connection.runAndReadAll("SELECT estimated_size FROM duckdb_tables() WHERE table_name = 'kept_spending'")).getRows()[0]![0]);
      const rows = async () => (await connection.runAndReadAll('SELECT * FROM temp.kept_spending ORDER BY dong, phase')).getRowObjectsJS();
      const churn = async (compactAfter: number) => {
        keptLimits.compactAfter = compactAfter;
        for (let i = 0; i < 20; i++) {
          revision++;
          await withKeptTotals(connection, changes, async () => undefined);
        }
        return size();
      };
      await withKeptTotals(connection, changes, async () => undefined);
      const live = (await rows()).length;
      // Never copied anew, the deleted rows pile up; copied anew every few changes, they do not.
      expect(await churn(Number.POSITIVE_INFINITY)).toBeGreaterThan(live * 3);
      await withKeptTotals(connection, undefined, async () => undefined); // summed whole: a fresh table
      revision++;
      await withKeptTotals(connection, changes, async () => undefined);
      expect(await churn(5)).toBeLessThanOrEqual(live * 3);
      const fresh = await db.instance.connect();
      await withKeptTotals(fresh, undefined, async () => undefined);
      expect(await rows()).toEqual((await fresh.runAndReadAll('SELECT * FROM temp.kept_spending ORDER BY dong, phase')).getRowObjectsJS());
      fresh.closeSync();
      connection.closeSync();
    } finally {
      keptLimits.compactAfter = 2_000;
      db.close();
    }
  });
});

describe('a per-dong answer brought up to date', () => {
  it('for a dong whose code a filter could not name (a comma, a space, Korean): its rows put in place, the same as the whole answer', async () => {
    const odd = '11111,가 (a)';
    const ref = { ...fixtureReference, dongs: fixtureReference.dongs.map((d) => (d.code === A ? { ...d, code: odd } : d)), allocations: [] };
    const db = await openFixture(ref, {
      spending: [
        { dong: odd, phase: 1, category: '기타', budgetKrw: 1_000_000, executedKrw: 500_000 },
        { dong: B, phase: 1, category: '기타', budgetKrw: 2_000_000, executedKrw: 0 },
      ],
    });
    try {
      const c = db.connection;
      const ask = (params: Record<string, unknown> = {}) => comparisonAnswer(c, 'spending', { today: fixtureToday, ...params }, 'json');
      await ask(); // the columns learnt
      const before = await ask();
      expect(before.blocks?.units).toEqual([odd, B]);
      await c.run('UPDATE spending_rows SET budgetKrw = budgetKrw + 250000 WHERE dong = $dong', { dong: odd });
      const made = await changedAnswer(c, 'spending', { today: fixtureToday }, before, new Set([odd]));
      expect(made).toBeDefined();
      const whole = await ask();
      expect(made!.body.toString()).toBe(whole.body.toString());
      expect(JSON.parse(made!.body.toString()).rows.find((r: { dong: string; category: string | null }) => r.dong === odd && r.category === null).budgetKrw).toBe(1_250_000);
      // A question of another dong alone is left as it was.
      const ofB = await ask({ dong: [B] });
      expect(await changedAnswer(c, 'spending', { today: fixtureToday, dong: [B] }, ofB, new Set([odd]))).toBe(ofB);
    } finally {
      db.close();
    }
  });
});
