// Property: random edits, deletes, concurrent edits by a second client, offline periods and lost
// answers, then a settling phase, always end with both tables equal to the service's live rows,
// with no row version sent twice (a replay of the same batch excepted) and no batch refused. The
// second client pulls as the pane does: rows its table does not hold are offered, never added
// unasked, until its official takes them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalValues, memoryStore, type SyncReport } from '../../addin/sync/index.ts';
import { FakeServer, NetworkError, type Weather } from './fake-server.ts';
import { TestClient } from './client.ts';

type Who = 0 | 1;

const offerAll = { take: () => false };

/** The official takes every offered row into the table. */
async function takeAll(client: TestClient): Promise<void> {
  const offered = await client.engine.offered('participation');
  client.apply(
    await client.engine.takeOffered(
      'participation',
      offered.map((r) => r.rowId),
    ),
  );
}
type Op =
  | { op: 'add'; who: Who; title: string; participants: number }
  | { op: 'edit'; who: Who; pick: number; participants: number }
  | { op: 'remove'; who: Who; pick: number }
  | { op: 'sync'; who: Who }
  | { op: 'pull'; who: Who }
  | { op: 'weather'; who: Who; weather: Weather }
  | { op: 'confirm'; who: Who }
  | { op: 'resolve'; who: Who; choice: 'mine' | 'theirs' }
  | { op: 'reopen'; who: Who }
  | { op: 'take'; who: Who };

const who = fc.constantFrom<Who>(0, 1);
const participants = fc.integer({ min: -2, max: 6 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('add' as const), who, title: fc.constantFrom('총회', '학교', '회의'), participants }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('edit' as const), who, pick: fc.nat(), participants }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), who, pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('sync' as const), who }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('pull' as const), who }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('weather' as const), who, weather: fc.constantFrom<Weather>('ok', 'ok', 'down', 'lost') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('confirm' as const), who }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('resolve' as const), who, choice: fc.constantFrom<'mine' | 'theirs'>('mine', 'theirs') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reopen' as const), who }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('take' as const), who }) },
);

interface Side {
  client: TestClient;
  weather: Weather;
  store: ReturnType<typeof memoryStore>;
  last?: SyncReport;
  /** Each row's values as this client last saw them on the service (an oracle kept apart from the engine). */
  base: Map<string, string>;
  /** Rows removed here whose removal the service does not hold yet. */
  removed: Set<string>;
  /** Pulls as the pane does: rows the table does not hold are offered, not added. */
  asks: boolean;
}

async function run(ops: Op[]): Promise<void> {
  const server = new FakeServer();
  const sides: Side[] = [];
  const open = (side: Side, table = side.client?.table ?? []) => {
    // Client b asks GET /api/batches before resending a batch whose answer never came; a resends blindly.
    const b = sides.indexOf(side) === 1;
    side.client = new TestClient(
      server.transport(b ? 'b' : 'a', () => side.weather, { askStatus: b }),
      side.store,
    );
    side.client.table.push(...table);
  };
  for (let i = 0; i < 2; i++) {
    const side = { weather: 'ok', store: memoryStore(), base: new Map(), removed: new Set(), asks: i === 1 } as Side;
    sides.push(side);
    open(side, []);
  }
  /** Rows whose table values equal the service's are in step. */
  const settle = (side: Side) => {
    const live = server.live('participation');
    for (const row of side.client.table) {
      const there = row.rowId ? live.get(row.rowId) : undefined;
      if (there && canonicalValues(there) === canonicalValues(row.values)) side.base.set(row.rowId!, canonicalValues(there));
    }
    for (const id of side.removed) if (!live.has(id)) side.removed.delete(id);
  };
  const pull = async (side: Side) => {
    // A pull never overwrites a row with unsent edits, nor brings back a row removed here.
    const edited = side.client.table.filter((r) => r.rowId && side.base.has(r.rowId) && side.base.get(r.rowId) !== canonicalValues(r.values));
    const before = new Map(edited.map((r) => [r.rowId!, structuredClone(r.values)]));
    const count = side.client.table.length;
    const held = new Set(side.client.table.map((r) => r.rowId));
    try {
      const report = await side.client.pull(side.asks ? offerAll : undefined);
      // Asked, a pull adds no row: it only updates or removes rows the table holds.
      if (side.asks) expect(report.tableWrites.every((w) => held.has(w.rowId)) && side.client.table.length <= count).toBe(true);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
    }
    for (const [id, values] of before) expect(side.client.byId(id)?.values, `pull overwrote ${id}`).toEqual(values);
    for (const id of side.removed) expect(side.client.byId(id), `pull brought back ${id}`).toBeUndefined();
    settle(side);
  };
  const resolveAll = async (side: Side, choice: 'mine' | 'theirs') => {
    for (const c of await side.client.engine.conflicts('participation')) {
      side.client.apply(await side.client.engine.resolveConflict('participation', c.rowId, choice));
      if (choice === 'theirs') {
        side.removed.delete(c.rowId);
        // The service's row as the conflict showed it is now this side's base: not an unsent edit,
        // so a later pull may bring the service's newer version over it.
        const row = side.client.byId(c.rowId);
        if (row) side.base.set(c.rowId, canonicalValues(row.values));
      }
    }
  };

  for (const op of ops) {
    const side = sides[op.who]!;
    const table = side.client.table;
    switch (op.op) {
      case 'add':
        side.client.add({ dong: '갈마1동', phase: 1, activity: '주민총회', title: op.title, participants: op.participants });
        break;
      case 'edit':
        if (table.length > 0) {
          table[op.pick % table.length]!.values.participants = op.participants;
        }
        break;
      case 'remove':
        if (table.length > 0) {
          const [row] = table.splice(op.pick % table.length, 1);
          if (row?.rowId) side.removed.add(row.rowId);
        }
        break;
      case 'sync':
        side.last = await side.client.sync();
        expect(side.last.failedBatches).toEqual([]);
        settle(side);
        break;
      case 'pull':
        await pull(side);
        break;
      case 'weather':
        side.weather = op.weather;
        break;
      case 'confirm':
        if (side.last)
          await side.client.engine.confirmDeletes(
            'participation',
            side.last.deleteCandidates.map((d) => d.rowId),
          );
        break;
      case 'resolve':
        await resolveAll(side, op.choice);
        break;
      case 'reopen':
        open(side);
        break;
      case 'take':
        await takeAll(side.client);
        settle(side);
        break;
    }
  }

  // Settle: back online; each official fixes refused rows, confirms deletes and takes the service's side.
  for (const side of sides) side.weather = 'ok';
  for (let round = 0; round < 6; round++) {
    for (const side of sides) {
      let report = await side.client.sync();
      for (const r of report.refused) {
        const row = r.index !== undefined ? side.client.table[r.index] : undefined;
        if (row) row.values.participants = Math.abs(Number(row.values.participants)) + 1;
      }
      await side.client.engine.confirmDeletes(
        'participation',
        report.deleteCandidates.map((d) => d.rowId),
      );
      report = await side.client.sync();
      await resolveAll(side, 'theirs');
      await side.client.pull(side.asks ? offerAll : undefined);
      await resolveAll(side, 'theirs');
      await takeAll(side.client);
    }
  }

  const live = server.live('participation');
  for (const side of sides) {
    expect(await side.client.engine.pendingBatches()).toBe(0);
    expect(await side.client.engine.conflicts('participation')).toEqual([]);
    expect(await side.client.engine.offered('participation')).toEqual([]);
    expect(side.client.values()).toEqual(live);
    expect(side.client.table.every((r) => r.rowId)).toBe(true);
    const after = await side.client.sync();
    expect(after.rowsSent).toBe(0);
  }

  // Nothing sent twice: a row version (id, base, values) from one client reaches the service in one
  // batch only, unless the service refused it and the official typed the same values again.
  const lastStatus = new Map<string, string>();
  server.processed.forEach((body, i) => {
    const statuses = new Map(server.answers[i]!.results.map((r) => [r.rowId, r.status]));
    const keys = [
      ...body.rows.map((r) => [r.rowId, `${server.senders[i]}|${r.rowId}|${r.baseRevision}|${canonicalValues(r.values)}`] as const),
      ...body.deletes.map((d) => [d.rowId, `${server.senders[i]}|${d.rowId}|delete|${d.baseRevision}`] as const),
    ];
    for (const [rowId, key] of keys) {
      const before = lastStatus.get(key);
      if (before !== undefined) expect(before, `sent twice: ${key}`).toBe('rejected');
      lastStatus.set(key, statuses.get(rowId) ?? '?');
    }
  });
}

describe('sync convergence (property)', () => {
  it('random edits, deletes, concurrent edits and offline periods converge to the service state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60, size: 'max' }), async (ops) => {
        await run(ops);
      }),
      { numRuns: 500 },
    );
  });
});
