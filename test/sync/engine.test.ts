import { describe, expect, it, vi } from 'vitest';
import { batchesInFlight } from '../../addin/sync/engine.ts';
import { canonicalValues, createSyncEngine, hashText, hashValues, memoryStore, type Kind, type RowValues, type SyncBody, type SyncProgress } from '../../addin/sync/index.ts';
import { FakeServer, HttpError, idSequence, type Weather } from './fake-server.ts';
import { TestClient } from './client.ts';

const row = (title: string, participants = 10) => ({ dong: '갈마1동', phase: 1, date: '2019-05-30', activity: '주민총회', title, participants });

describe('row hashes', () => {
  it('ignore key order and blanks, and tell types apart', () => {
    expect(hashValues({ a: 1, b: 'x' })).toBe(hashValues({ b: 'x', a: 1 }));
    expect(hashValues({ a: 1, b: null })).toBe(hashValues({ a: 1 }));
    expect(hashValues({ a: 1, b: '' })).toBe(hashValues({ a: 1 }));
    expect(hashValues({ a: 1 })).not.toBe(hashValues({ a: '1' }));
    expect(hashValues({ a: '가' })).not.toBe(hashValues({ a: '나' }));
    expect(hashValues({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });

  it('equal the hash of the canonical text, whatever the key order of the rows before', () => {
    const rows: RowValues[] = [
      { b: '나', a: 2 },
      { a: 1, b: '가', c: true },
      { c: false, a: 1 },
      { a: 1, b: '가', c: true },
    ];
    for (const values of rows) expect(hashValues(values)).toBe(hashText(canonicalValues(values)));
    expect(hashValues({ a: 1, b: '가', c: true })).toBe(hashValues({ c: true, b: '가', a: 1 }));
  });
});

describe('sync', () => {
  it('gives new rows ids before sending, then sends only what changed', async () => {
    const server = new FakeServer();
    const client = new TestClient(server.transport(), memoryStore(), idSequence('r'));
    client.add(row('총회'));
    client.add(row('학교'));
    const first = await client.sync();
    expect(first.idWrites).toEqual([
      { index: 0, rowId: 'r-000001' },
      { index: 1, rowId: 'r-000002' },
    ]);
    expect(client.table.map((r) => r.rowId)).toEqual(['r-000001', 'r-000002']);
    expect(first).toMatchObject({ rowsSent: 2, accepted: 2, offline: false, pendingBatches: 0 });
    expect(server.processed[0]!.rows.map((r) => r.rowId)).toEqual(['r-000001', 'r-000002']);

    const again = await client.sync();
    expect(again.rowsSent).toBe(0);
    expect(again.clean).toHaveLength(2);

    client.table[1]!.values.participants = 12;
    const edit = await client.sync();
    expect(edit.rowsSent).toBe(1);
    const sent = server.processed.at(-1)!.rows;
    expect(sent).toEqual([{ rowId: 'r-000002', baseRevision: 2, values: row('학교', 12) }]);
  });

  it('splits large syncs into batches of at most 5,000 rows', async () => {
    const server = new FakeServer();
    const client = new TestClient(server.transport());
    for (let i = 0; i < 12_001; i++) client.add(row(`행사 ${i}`));
    const report = await client.sync();
    expect(server.processed.map((b) => b.rows.length)).toEqual([5000, 5000, 2001]);
    expect(new Set(server.processed.map((b) => b.batchId)).size).toBe(3);
    expect(report.accepted).toBe(12_001);
  });

  it('gives a copied row (its hidden id copied too) a new id', async () => {
    const server = new FakeServer();
    const client = new TestClient(server.transport(), memoryStore(), idSequence());
    client.add(row('a'));
    await client.sync();
    client.table.push({ rowId: client.table[0]!.rowId, values: row('a copy') });
    const report = await client.sync();
    expect(report.idWrites).toEqual([{ index: 1, rowId: expect.not.stringMatching(client.table[0]!.rowId!) }]);
    expect(client.table[1]!.rowId).not.toBe(client.table[0]!.rowId);
    expect(server.live('participation').size).toBe(2);
  });

  it('reports progress: rows read, sent, accepted', async () => {
    const server = new FakeServer();
    const client = new TestClient(server.transport());
    for (let i = 0; i < 7000; i++) client.add(row(`${i}`));
    const seen: SyncProgress[] = [];
    await client.engine.sync('participation', client.snapshot(), { onProgress: (p) => seen.push({ ...p }) });
    expect(seen[0]).toMatchObject({ phase: 'diff', rowsRead: 7000 });
    expect(seen.filter((p) => p.phase === 'send').map((p) => p.rowsSent)).toEqual([5000, 7000]);
    expect(seen.at(-1)).toMatchObject({ phase: 'done', rowsRead: 7000, rowsToSend: 7000, rowsSent: 7000, rowsAccepted: 7000 });
  });
});

describe('batches on their way at once', () => {
  /** A transport whose pushes reach the server only when let through, in any order. */
  function gated(server: FakeServer, weathers: Weather[] = []) {
    const base = server.transport('a', () => weathers.shift() ?? 'ok', { askStatus: true });
    const waiting: { body: SyncBody; go: () => void }[] = [];
    let most = 0;
    const transport = {
      ...base,
      push: async (kind: Kind, body: SyncBody) => {
        await new Promise<void>((go) => waiting.push({ body, go }));
        return base.push(kind, body);
      },
    };
    /** Lets through the push of the batch that waits at `at` (0: the first still waiting), once `count` wait. */
    const release = async (count: number, at = 0) => {
      await vi.waitFor(() => expect(waiting.length).toBeGreaterThanOrEqual(count));
      most = Math.max(most, waiting.length);
      waiting.splice(at, 1)[0]!.go();
    };
    return { transport, release, most: () => most, base };
  }

  it('sends the next batches while the one before is answered, never more than three, and settles them in order', async () => {
    const server = new FakeServer();
    const wire = gated(server);
    const client = new TestClient(wire.transport);
    for (let i = 0; i < 17_001; i++) client.add(row(`행사 ${i}`));
    const seen: SyncProgress[] = [];
    const done = client.engine.sync('participation', client.snapshot(), {
      writeIds: async (writes) => {
        for (const w of writes) client.table[w.index]!.rowId = w.rowId;
      },
      onProgress: (p) => seen.push({ ...p }),
    });
    // Three on their way; the third answered first, then the second, then the first; then the fourth.
    await wire.release(3, 2);
    await wire.release(2, 1);
    await wire.release(1);
    await wire.release(1);
    const report = await done;
    // The choreography above is for three at once.
    expect(batchesInFlight).toBe(3);
    expect(wire.most()).toBe(3);
    expect(server.processed.map((b) => b.rows.length)).toEqual([5000, 5000, 5000, 2001]);
    expect(server.processed.map((b) => b.rows[0]!.values.title)).toEqual(['행사 10000', '행사 5000', '행사 0', '행사 15000']);
    // Progress counts each batch as it is settled, in order, whatever order the answers came in.
    expect(seen.filter((p) => p.phase === 'send').map((p) => [p.rowsSent, p.rowsAccepted])).toEqual([
      [5000, 5000],
      [10_000, 10_000],
      [15_000, 15_000],
      [17_001, 17_001],
    ]);
    expect(report).toMatchObject({ accepted: 17_001, pendingBatches: 0, offline: false });
    expect((await client.sync()).rowsSent).toBe(0);
  });

  it('stops at a batch that cannot reach the service; one after it that was stored is asked about, not sent again', async () => {
    const server = new FakeServer();
    // Weather in the order the pushes reach the server: the second batch's first.
    const wire = gated(server, ['ok', 'down']);
    const client = new TestClient(wire.transport);
    for (let i = 0; i < 7000; i++) client.add(row(`행사 ${i}`));
    const first = client.sync();
    await wire.release(2, 1); // the second batch is stored and answered
    await wire.release(1); // the first cannot reach the service
    expect(await first).toMatchObject({ offline: true, pendingBatches: 2, accepted: 0 });
    expect(server.processed.map((b) => b.rows.length)).toEqual([2000]);
    const again = client.sync();
    await wire.release(1); // the first, sent again; the second's stored answer is taken
    const report = await again;
    expect(report).toMatchObject({ offline: false, pendingBatches: 0, accepted: 7000, rowsSent: 5000 });
    expect(server.processed.map((b) => b.rows.length)).toEqual([2000, 5000]);
    expect(wire.base.statusAsked).toBe(2);
    expect((await client.sync()).rowsSent).toBe(0);
  });
});

describe('offline queue', () => {
  it('keeps the batch across closing the workbook and resends it with the same batchId', async () => {
    const server = new FakeServer();
    let weather: Weather = 'down';
    const store = memoryStore();
    const before = new TestClient(
      server.transport('a', () => weather),
      store,
    );
    before.add(row('총회'));
    const offline = await before.sync();
    expect(offline).toMatchObject({ offline: true, pendingBatches: 1, rowsSent: 0 });
    expect(server.received).toHaveLength(0);

    // The pane closes; a new engine on the same persisted state picks the batch up.
    weather = 'ok';
    const after = new TestClient(
      server.transport('a', () => weather),
      store,
    );
    after.table.push(...before.table);
    expect(await after.engine.pendingBatches()).toBe(1);
    const report = await after.sync();
    expect(report).toMatchObject({ offline: false, pendingBatches: 0, accepted: 1, rowsSent: 1 });
    expect(server.processed).toHaveLength(1);
  });

  it('replays a batch whose answer was lost and gets the stored answer, not a conflict', async () => {
    const server = new FakeServer();
    const weathers: Weather[] = ['ok', 'lost', 'ok'];
    const client = new TestClient(server.transport('a', () => weathers.shift() ?? 'ok'));
    client.add(row('총회'));
    await client.sync();
    client.table[0]!.values.participants = 30;
    const lost = await client.sync();
    expect(lost.offline).toBe(true);
    const revision = server.revision;
    const retry = await client.sync();
    expect(retry).toMatchObject({ accepted: 1, conflicts: [], offline: false });
    expect(server.revision).toBe(revision);
    expect(server.received.at(-1)).toEqual(server.received.at(-2));
    expect((await client.sync()).rowsSent).toBe(0);
  });

  it('asks what became of a batch whose answer was lost, and takes the stored answer without sending it again', async () => {
    const server = new FakeServer();
    const weathers: Weather[] = ['ok', 'lost'];
    const transport = server.transport('a', () => weathers.shift() ?? 'ok', { askStatus: true });
    const client = new TestClient(transport);
    client.add(row('총회'));
    await client.sync();
    client.table[0]!.values.participants = 30;
    expect((await client.sync()).offline).toBe(true);
    const received = server.received.length;
    const retry = await client.sync();
    expect(retry).toMatchObject({ accepted: 1, conflicts: [], offline: false, pendingBatches: 0, rowsSent: 0 });
    expect(transport.statusAsked).toBe(1);
    expect(server.received).toHaveLength(received);
    expect(server.live('participation').get(client.table[0]!.rowId!)).toMatchObject({ participants: 30 });
    expect((await client.sync()).rowsSent).toBe(0);
  });

  it('sends a batch again when the service never received it', async () => {
    const server = new FakeServer();
    const weathers: Weather[] = ['down'];
    const transport = server.transport('a', () => weathers.shift() ?? 'ok', { askStatus: true });
    const client = new TestClient(transport);
    client.add(row('총회'));
    expect((await client.sync()).offline).toBe(true);
    const retry = await client.sync();
    expect(retry).toMatchObject({ accepted: 1, offline: false, pendingBatches: 0, rowsSent: 1 });
    expect(transport.statusAsked).toBe(1);
    expect(server.processed).toHaveLength(1);
  });

  it('sends a batch again when the service will not say what became of it (another token now)', async () => {
    const server = new FakeServer();
    let lost = true;
    const base = server.transport('a', () => (lost ? ((lost = false), 'lost') : 'ok'));
    const client = new TestClient({
      ...base,
      status: async () => {
        throw new HttpError(403, 'forbidden');
      },
    });
    client.add(row('총회'));
    expect((await client.sync()).offline).toBe(true);
    const retry = await client.sync();
    expect(retry).toMatchObject({ accepted: 1, offline: false, pendingBatches: 0 });
    expect(server.processed).toHaveLength(1);
  });

  it('holds back a second edit of a queued row until its batch is answered', async () => {
    const server = new FakeServer();
    let weather: Weather = 'ok';
    const client = new TestClient(server.transport('a', () => weather));
    client.add(row('총회'));
    await client.sync();
    weather = 'down';
    client.table[0]!.values.participants = 20;
    await client.sync();
    client.table[0]!.values.participants = 25;
    const still = await client.sync();
    expect(still.pendingBatches).toBe(1);
    weather = 'ok';
    const report = await client.sync();
    expect(report.conflicts).toEqual([]);
    expect(server.processed.map((b) => b.rows[0]!.values.participants)).toEqual([10, 20, 25]);
    expect(server.live('participation').get(client.table[0]!.rowId!)).toMatchObject({ participants: 25 });
  });

  it('drops a batch the service refuses as a whole and reports it', async () => {
    const store = memoryStore();
    const engine = createSyncEngine({
      store,
      transport: {
        push: async () => {
          throw new HttpError(422, 'batch_reused');
        },
        pull: async () => ({ revision: 0, rows: [] }),
      },
    });
    const report = await engine.sync('participation', [{ rowId: null, values: row('x') }]);
    expect(report.failedBatches).toEqual([expect.objectContaining({ status: 422 })]);
    expect(report.pendingBatches).toBe(0);
    expect(report.offline).toBe(false);
  });
});

describe('refused rows', () => {
  it('keeps the reasons, does not resend an unchanged refused row, and clears when fixed', async () => {
    const server = new FakeServer();
    const client = new TestClient(server.transport());
    client.add(row('음수', -1));
    client.add({ ...row('남의 동'), dong: '금지동' });
    const first = await client.sync();
    expect(first.refused.map((r) => [r.index, r.status, r.errors[0]!.code])).toEqual([
      [0, 'rejected', 'negative'],
      [1, 'forbidden', 'forbidden_dong'],
    ]);
    const again = await client.sync();
    expect(again.rowsSent).toBe(0);
    expect(again.refused.map((r) => r.status)).toEqual(['rejected', 'forbidden']);

    client.table[0]!.values.participants = 5;
    const fixed = await client.sync();
    expect(fixed.accepted).toBe(1);
    expect(fixed.refused.map((r) => r.index)).toEqual([1]);
    expect((await client.sync()).clean).toEqual([client.table[0]!.rowId]);
  });

  it('does not send rows the normaliser could not read, and reports their issues', async () => {
    const server = new FakeServer();
    const client = new TestClient(server.transport());
    const issue = { field: 'date', code: 'invalid_date', message: { ko: '일자: 날짜가 아닙니다', en: 'Date: not a date' } };
    client.table.push({ rowId: null, values: row('x'), errors: [issue] });
    const report = await client.sync();
    expect(report.rowsSent).toBe(0);
    expect(report.refused).toEqual([{ rowId: report.idWrites[0]!.rowId, index: 0, status: 'invalid', errors: [issue] }]);
  });
});

describe('conflicts', () => {
  async function twoClients() {
    const server = new FakeServer();
    const a = new TestClient(server.transport('a'));
    const b = new TestClient(server.transport('b'));
    a.add(row('총회', 10));
    await a.sync();
    await b.pull();
    const rowId = a.table[0]!.rowId!;
    b.byId(rowId)!.values.participants = 40;
    await b.sync();
    a.table[0]!.values.participants = 50;
    return { server, a, b, rowId };
  }

  it('shows both values when two people edit the same row', async () => {
    const { a, rowId } = await twoClients();
    const report = await a.sync();
    expect(report.accepted).toBe(0);
    expect(report.conflicts).toEqual([{ rowId, mine: row('총회', 50), server: expect.objectContaining({ rowId, revision: 2, deleted: false, values: row('총회', 40) }) }]);
    expect((await a.sync()).rowsSent).toBe(0);
  });

  it('keep mine: resent on the service revision', async () => {
    const { server, a, rowId } = await twoClients();
    await a.sync();
    expect(await a.engine.resolveConflict('participation', rowId, 'mine')).toEqual([]);
    const report = await a.sync();
    expect(report).toMatchObject({ accepted: 1, conflicts: [] });
    expect(server.processed.at(-1)!.rows).toEqual([{ rowId, baseRevision: 2, values: row('총회', 50) }]);
    expect(server.live('participation').get(rowId)).toEqual(row('총회', 50));
  });

  it('take theirs: writes the service row into the table and sends nothing', async () => {
    const { server, a, rowId } = await twoClients();
    await a.sync();
    const writes = await a.engine.resolveConflict('participation', rowId, 'theirs');
    expect(writes).toEqual([{ type: 'upsert', rowId, values: row('총회', 40) }]);
    a.apply(writes);
    const pushes = server.processed.length;
    const report = await a.sync();
    expect(report.rowsSent).toBe(0);
    expect(server.processed).toHaveLength(pushes);
    expect(a.table[0]!.values).toEqual(row('총회', 40));
  });

  it('a pull never overwrites a row with unsent edits: it is a conflict', async () => {
    const { a, rowId } = await twoClients();
    const pulled = await a.pull();
    expect(pulled.tableWrites).toEqual([]);
    expect(pulled.conflicts.map((c) => [c.rowId, c.mine?.participants, c.server.values.participants])).toEqual([[rowId, 50, 40]]);
    expect(a.table[0]!.values.participants).toBe(50);
  });
});

describe('deletes', () => {
  it('offers rows gone from the table and sends them only once confirmed', async () => {
    const server = new FakeServer();
    const a = new TestClient(server.transport('a'));
    a.add(row('하나'));
    a.add(row('둘'));
    await a.sync();
    const gone = a.table.splice(0, 1)[0]!;
    const offered = await a.sync();
    expect(offered.deleteCandidates).toEqual([{ rowId: gone.rowId, baseRevision: 1 }]);
    expect(offered.rowsSent).toBe(0);
    await a.engine.confirmDeletes('participation', [gone.rowId!]);
    const sent = await a.sync();
    expect(sent).toMatchObject({ rowsSent: 1, accepted: 1, deleteCandidates: [] });
    expect(server.processed.at(-1)!.deletes).toEqual([{ rowId: gone.rowId, baseRevision: 1 }]);
    expect(server.live('participation').has(gone.rowId!)).toBe(false);
    expect((await a.sync()).rowsSent).toBe(0);
  });

  it('a delete of a row someone else edited is a conflict', async () => {
    const server = new FakeServer();
    const a = new TestClient(server.transport('a'));
    const b = new TestClient(server.transport('b'));
    a.add(row('하나'));
    await a.sync();
    await b.pull();
    const rowId = a.table[0]!.rowId!;
    b.byId(rowId)!.values.title = '고침';
    await b.sync();
    a.table.splice(0, 1);
    await a.engine.confirmDeletes('participation', [rowId]);
    const report = await a.sync();
    expect(report.conflicts).toEqual([{ rowId, mine: null, server: expect.objectContaining({ values: row('고침') }) }]);
    a.apply(await a.engine.resolveConflict('participation', rowId, 'theirs'));
    expect(a.table.map((r) => r.values.title)).toEqual(['고침']);
  });
});

describe('pull', () => {
  it('appends new rows, updates clean rows and removes tombstones', async () => {
    const server = new FakeServer();
    const a = new TestClient(server.transport('a'));
    const b = new TestClient(server.transport('b'));
    a.add(row('하나'));
    a.add(row('둘'));
    await a.sync();
    const first = await b.pull();
    expect(first.tableWrites.map((w) => w.type)).toEqual(['upsert', 'upsert']);
    expect(b.values()).toEqual(a.values());
    expect((await b.sync()).rowsSent).toBe(0);

    a.table[0]!.values.title = '하나 고침';
    const removed = a.table.splice(1, 1)[0]!;
    await a.engine.confirmDeletes('participation', [removed.rowId!]);
    await a.sync();
    const second = await b.pull();
    expect(second.tableWrites).toEqual([
      { type: 'upsert', rowId: a.table[0]!.rowId, values: row('하나 고침') },
      { type: 'remove', rowId: removed.rowId },
    ]);
    expect(b.values()).toEqual(a.values());
    expect((await a.pull()).tableWrites).toEqual([]);
    expect((await b.sync()).rowsSent).toBe(0);
  });

  it('offers the rows a table does not hold instead of adding them, and adds only those the official takes', async () => {
    const server = new FakeServer();
    const a = new TestClient(server.transport('a'));
    const b = new TestClient(server.transport('b'));
    a.add(row('하나'));
    a.add(row('둘'));
    a.add(row('셋'));
    await a.sync();
    const [one, two, three] = a.table.map((r) => r.rowId!);
    const never = () => false;
    const first = await b.pull({ take: never });
    expect(first.tableWrites).toEqual([]);
    expect(b.table).toEqual([]);
    expect(first.offered.map((r) => r.values.title)).toEqual(['하나', '둘', '셋']);
    // An offer is not the table's: the next sync neither sends it nor offers it as a delete.
    const sync = await b.sync();
    expect(sync).toMatchObject({ rowsSent: 0, deleteCandidates: [] });

    // Changes on the service keep the offers current; a tombstone withdraws one.
    a.table[1]!.values.title = '둘 고침';
    a.table.splice(2, 1);
    await a.engine.confirmDeletes('participation', [three!]);
    await a.sync();
    const second = await b.pull({ take: never });
    expect(second.offered.map((r) => r.values.title)).toEqual(['하나', '둘 고침']);

    b.apply(await b.engine.takeOffered('participation', [two!]));
    expect(b.table.map((r) => [r.rowId, r.values.title])).toEqual([[two, '둘 고침']]);
    await b.engine.dropOffered('participation', [one!]);
    expect(await b.engine.offered('participation')).toEqual([]);
    // Taken, the row is the table's: in step, then updated by a later pull like any other.
    expect((await b.sync()).rowsSent).toBe(0);
    a.table[1]!.values.participants = 30;
    await a.sync();
    const third = await b.pull({ take: never });
    expect(third.tableWrites).toEqual([{ type: 'upsert', rowId: two, values: row('둘 고침', 30) }]);
    expect(third.offered).toEqual([]);
  });
});
