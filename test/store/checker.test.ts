// The sync checker (service/store/checker): a body read and its rows checked on a thread of their
// own must come back exactly as the service's thread would have checked them, refused for the same
// reasons in the same words, and never leave a batch half-handled when the thread or the request ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { checkRow, daejeonReference, sheets, syncBodySchema, type Kind } from '../../domain/index.ts';
import { checkSyncBody, checkedBatch, checkerBytes, type BodyRefusal, type PreparedBatch } from '../../service/store/checker/index.ts';
import { batchFingerprint } from '../../service/store/fingerprint.ts';
import { lineHash, lineYear } from '../../service/store/line-book.ts';
import { invalidField, parseWith, refusal } from '../../service/http/json.ts';
import { defaultJsonLimits } from '../../service/http/limits.ts';
import type { ApiError } from '../../service/http/errors.ts';
import { Store, type Actor } from '../../service/store/store.ts';
import { batch, spendingRow } from '../support/service.ts';

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jachi-checker-'));
  store = await Store.open(join(dir, 'jachi.duckdb'));
});
afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const limits = defaultJsonLimits.sync;
const utf8 = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const admin: Actor = { tokenId: 'checker-test', name: '운영자', role: 'admin', dong: null, district: null, city: null };
const participation = { dong: '갈마1동', phase: 1, date: '2019-06-04', activity: '주민총회', participants: 120 };

/** What the checker hands back, read as the service's thread reads it (or the refusal). */
function checkedOf(kind: Kind, body: unknown) {
  const out = checkSyncBody(kind, utf8(body), limits, store.reference);
  if ('refused' in out) throw new Error(`refused: ${JSON.stringify(out)}`);
  return { ...checkedBatch(kind, structuredClone(out.columns)), fingerprint: out.fingerprint };
}

/** `work` on a store of its own (a file named `name`), closed after whatever becomes of it. */
async function withOwnStore(name: string, work: (own: Store) => Promise<void>): Promise<void> {
  const own = await Store.open(join(dir, name));
  try {
    await work(own);
  } finally {
    own.close();
  }
}

describe('a body checked off the service’s thread', () => {
  it('comes back as the rules check it on the service’s thread: values, errors, warnings, ids and base revisions', () => {
    const rows = [
      spendingRow(),
      spendingRow({ item: '간사 보수', budgetKrw: '1,200,000' }),
      spendingRow({ executedOn: '2019-13-40' }),
      spendingRow({ dong: '없는동' }),
      { ...spendingRow(), surplus: 1 },
      spendingRow({ dong: '도마1동', phase: 1 }),
      spendingRow({ dong: '도마1동', phase: 1, item: '두 번째' }),
    ];
    const body = { ...batch(rows.map((values, i) => ({ values, baseRevision: i === 1 ? 7 : null }))), deletes: [{ rowId: randomUUID(), baseRevision: 3 }] };
    const back = checkedOf('spending', body);
    expect(back.checked).toEqual(body.rows.map((r) => checkRow('spending', r.values, store.reference)));
    // Each line's dong-year and key hash, as the line warnings work them out on the service's thread.
    const typed = back.checked.map((c) => c.values);
    expect(back.lines).toEqual({ years: typed.map((v) => (v ? lineYear(v) : null)), hashes: Int32Array.from(typed, (v) => (v ? lineHash(v) : 0)) });
    expect(back.rows).toEqual(body.rows.map(({ rowId, baseRevision }) => ({ rowId, baseRevision })));
    expect(back.deletes).toEqual(body.deletes);
    expect(back.batchId).toBe(body.batchId);
    // Two rows warned alike carry one issue object: the answer writes its bytes once.
    expect(back.checked[5]!.warnings.length).toBeGreaterThan(0);
    expect(back.checked[6]!.warnings[0]).toBe(back.checked[5]!.warnings[0]);
  });

  it('reads a first-wave participation row’s `votes` as the rules do', () => {
    const body = batch([{ values: { ...participation, votes: 100 } }, { values: { ...participation, participants: 30_000 } }]);
    expect(checkedOf('participation', body).checked).toEqual(body.rows.map((r) => checkRow('participation', r.values, store.reference)));
  });

  it('agrees with the rules on any values a client may send', () => {
    const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -1e9, max: 1e12 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const nameOrCell = (names: string[]) => fc.oneof(fc.constantFrom(...names), cell);
    const spending = fc.record({
      dong: nameOrCell(['가양2동', '갈마1동', '도마1동', '30110-gayang2']),
      phase: fc.oneof(fc.constantFrom(1, 2, '2'), cell),
      fiscalYear: fc.oneof(fc.constantFrom(2019, 2020), cell),
      category: nameOrCell(['자치지원관 인건비', '기타']),
      item: cell,
      fundingSource: nameOrCell(['특별교부세', '구비']),
      budgetKrw: cell,
      executedKrw: cell,
      executedOn: fc.oneof(fc.constantFrom('2019-12-20', '2020-02-30'), cell),
      note: cell,
    });
    fc.assert(
      fc.property(fc.array(spending, { minLength: 1, maxLength: 20 }), (rows) => {
        const body = batch(rows.map((values) => ({ values })));
        expect(checkedOf('spending', body).checked).toEqual(body.rows.map((r) => checkRow('spending', r.values, store.reference)));
      }),
      { numRuns: 150 },
    );
  });

  it('fingerprints the body as the service did: its bytes when they are JSON.stringify’s text, else that text', () => {
    const body = batch([{ values: spendingRow() }]);
    const compact = checkedOf('spending', body).fingerprint;
    expect(compact).toBe(batchFingerprint('spending', { value: body, compactBytes: utf8(body) }));
    // Spaced out by another client: the same batch, the same fingerprint.
    expect(checkedOf('spending', JSON.stringify(body, null, 2)).fingerprint).toBe(compact);
    expect(checkedOf('progress', body).fingerprint).not.toBe(compact);
  });

  it('refuses what the route refused, in the same words', () => {
    const refused = (body: unknown, shape = limits): BodyRefusal => {
      const out = checkSyncBody('spending', utf8(body), shape, store.reference);
      if (!('refused' in out)) throw new Error('not refused');
      return out;
    };
    expect(refused('[[[1]]]', { ...limits, maxDepth: 2 })).toEqual({ refused: 'limits', problem: { kind: 'depth', limit: 2 } });
    expect(refusal({ kind: 'depth', limit: 2 }).status).toBe(422);
    expect(refused('{"batchId": ')).toEqual({ refused: 'unreadable' });
    const tooMany = batch(Array.from({ length: 5001 }, () => ({ values: {} })));
    expect(refused(tooMany)).toEqual({ refused: 'too_large' });
    // A bad field: the same message parseWith gives (the route's before the checker).
    const bad = { batchId: 'not-a-uuid', rows: [], deletes: [] };
    const out = refused(bad);
    if (out.refused !== 'invalid') throw new Error(out.refused);
    let before: ApiError | undefined;
    try {
      parseWith(syncBodySchema, bad);
    } catch (error) {
      before = error as ApiError;
    }
    expect(invalidField(out.path, out.message).body).toEqual(before!.body);
    expect(out.path).toBe('batchId');
  });
});

describe('the checker’s thread', () => {
  it('takes large bodies only: a small one is read and checked on the service’s thread, which never starts it; the first large one is checked there while the thread loads', async () => {
    await withOwnStore('small.duckdb', async (own) => {
      const sentToThread = vi.spyOn(own.checker, 'check');
      const small = batch([{ values: spendingRow() }]);
      const answer = await own.syncBody('spending', utf8(small), limits, admin, null);
      expect(answer).toMatchObject({ results: [{ status: 'accepted' }] });
      expect(own.checker.running).toBe(false);
      const large = batch(Array.from({ length: 600 }, (_, i) => ({ values: spendingRow({ item: `세부 ${i}` }) })));
      expect(utf8(large).length).toBeGreaterThanOrEqual(checkerBytes);
      const stored = await own.syncBody('spending', utf8(large), limits, admin, null);
      expect(stored).toMatchObject({ results: Array(600).fill(expect.objectContaining({ status: 'accepted' })) });
      expect(own.checker.running).toBe(true);
      expect(sentToThread).not.toHaveBeenCalled();
      // Once loaded, the next large body goes to the thread.
      await own.checker.start();
      const next = batch(Array.from({ length: 600 }, (_, i) => ({ values: spendingRow({ item: `다음 ${i}` }) })));
      expect(await own.syncBody('spending', utf8(next), limits, admin, null)).toMatchObject({ results: Array(600).fill(expect.objectContaining({ status: 'accepted' })) });
      expect(sentToThread).toHaveBeenCalledTimes(1);
      // Refused alike either way.
      expect(await own.syncBody('spending', utf8('{"batchId": '), limits, admin, null)).toEqual({ refused: 'unreadable' });
    });
  });

  it('refuses an id named twice, whatever its case, among a large batch’s rows or deletes; knows the rows it stored by their encoded ids', async () => {
    await withOwnStore('ids.duckdb', async (own) => {
      await own.checker.start();
      const sentToThread = vi.spyOn(own.checker, 'check');
      const rows = Array.from({ length: 600 }, (_, i) => ({ rowId: randomUUID().toUpperCase(), baseRevision: null, values: spendingRow({ item: `세부 ${i}` }) }));
      const twice = { batchId: randomUUID(), rows: [...rows, { ...rows[7]!, rowId: rows[7]!.rowId.toLowerCase() }], deletes: [] };
      await expect(own.syncBody('spending', utf8(twice), limits, admin, null)).rejects.toMatchObject({ code: 'duplicate_row' });
      const deleted = { batchId: randomUUID(), rows, deletes: [{ rowId: rows[599]!.rowId, baseRevision: 1 }] };
      await expect(own.syncBody('spending', utf8(deleted), limits, admin, null)).rejects.toMatchObject({ code: 'duplicate_row' });
      expect(sentToThread).toHaveBeenCalledTimes(2);
      // Stored under their ids lowercase; sent again (as another batch), each is found as stored: unchanged.
      const first = await own.syncBody('spending', utf8({ batchId: randomUUID(), rows, deletes: [] }), limits, admin, null);
      expect(first).toMatchObject({ results: rows.map((r) => ({ rowId: r.rowId.toLowerCase(), status: 'accepted' })) });
      const again = await own.syncBody('spending', utf8({ batchId: randomUUID(), rows, deletes: [] }), limits, admin, null);
      expect(again).toMatchObject({ results: rows.map((r) => ({ rowId: r.rowId.toLowerCase(), status: 'unchanged' })) });
      const edited = rows.map((r, i) => ({ ...r, baseRevision: i + 1, values: { ...r.values, item: `고친 ${i}` } }));
      const third = await own.syncBody('spending', utf8({ batchId: randomUUID(), rows: edited, deletes: [] }), limits, admin, null);
      expect(third).toMatchObject({ results: rows.map(() => ({ status: 'accepted' })) });
      expect(sentToThread).toHaveBeenCalledTimes(5);
    });
  });

  it('writes a batch from the blocks it encoded exactly as from its rows’ values: every type, nulls, a block with a refused row', async () => {
    await withOwnStore('blocks.duckdb', async (own) => {
      await own.checker.start();
      const dongs = ['가양2동', '갈마1동', '진잠동', '송촌동'];
      // 2,100 rows: a whole block of 2,048 and a short last one; every field set or left empty in turn.
      const rowsOf: Record<string, (i: number) => Record<string, unknown>> = {
        spending: (i) =>
          spendingRow({
            dong: dongs[i % 4],
            phase: 1 + (i % 2),
            fiscalYear: 2019 + (i % 2),
            item: i % 9 === 0 ? null : `세부 ${i % 700}`,
            budgetKrw: 1_000 + i,
            executedKrw: i % 5 === 0 ? null : 999_999_000_000 + i,
            executedOn: i % 3 === 0 ? null : `2019-0${1 + (i % 9)}-1${i % 10}`,
            note: i % 4 === 0 ? `비고 ${i}` : null,
          }),
        participation: (i) => ({
          ...participation,
          dong: dongs[i % 4],
          date: `2020-1${i % 3}-0${1 + (i % 9)}`,
          participants: i,
          voters: i % 2 ? null : i * 2,
          online: i % 3 === 0 ? null : i % 3 === 1,
        }),
        progress: (i) => ({
          dong: dongs[i % 4],
          phase: 2,
          milestone: '위원 선정',
          plannedOn: '2020-03-01',
          status: '진행중',
          progressPct: i % 7 === 0 ? null : (i % 101) / 1,
          note: null,
        }),
      };
      for (const [kind, rowOf] of Object.entries(rowsOf) as [Kind, (i: number) => Record<string, unknown>][]) {
        const values = Array.from({ length: 2100 }, (_, i) => rowOf(i));
        // The same rows through the checker's thread (blocks) and through the service's thread (values).
        const viaBlocks = batch(values.map((v) => ({ values: v })));
        const viaValues = batch(values.map((v) => ({ values: v })));
        expect(await own.syncBody(kind, utf8(viaBlocks), limits, admin, 'blocks')).toMatchObject({ results: Array(2100).fill(expect.objectContaining({ status: 'accepted' })) });
        await own.sync(kind, viaValues, admin, 'values');
        const fields = sheets[kind].columns.map((c) => `"${c.field}"::VARCHAR AS "${c.field}"`).join(', ');
        const stored = async (batchId: string) =>
          (
            await own.db.connection.runAndReadAll(
              `SELECT ${fields}, revision - min(revision) OVER () AS nth, deleted, updatedBy, baseRevision FROM ${kind}_rows WHERE batchId = $batchId ORDER BY revision`,
              { batchId },
            )
          ).getRowObjectsJS();
        const fromBlocks = await stored(viaBlocks.batchId);
        expect(fromBlocks).toHaveLength(2100);
        expect(fromBlocks).toEqual(await stored(viaValues.batchId));
        // Row ids as sent (in capitals too), each on its own row.
        const ids = (
          await own.db.connection.runAndReadAll(`SELECT rowId::VARCHAR AS id FROM ${kind}_rows WHERE batchId = $b ORDER BY revision`, { b: viaBlocks.batchId })
        ).getRowObjectsJS();
        expect(ids.map((r) => r.id)).toEqual(viaBlocks.rows.map((r) => r.rowId));
      }
      // A block with a refused row is written from its rows' values: the others stored as sent.
      const mixed = batch(
        Array.from({ length: 2100 }, (_, i) => ({
          rowId: i === 5 ? randomUUID().toUpperCase() : undefined,
          values: spendingRow({ item: `혼합 ${i}`, budgetKrw: i === 3 ? -1 : 1_000 + i }),
        })),
      );
      const answer = await own.syncBody('spending', utf8(mixed), limits, admin, null);
      if ('refused' in answer) throw new Error(answer.refused);
      expect(answer.results.filter((r) => r.status !== 'accepted').map((r) => r.rowId)).toEqual([mixed.rows[3]!.rowId]);
      const kept = (
        await own.db.connection.runAndReadAll(`SELECT rowId::VARCHAR AS id, item, budgetKrw::DOUBLE AS budget FROM spending_rows WHERE batchId = $b ORDER BY revision`, {
          b: mixed.batchId,
        })
      ).getRowObjectsJS();
      expect(kept).toEqual(mixed.rows.filter((_, i) => i !== 3).map((r) => ({ id: r.rowId.toLowerCase(), item: r.values.item, budget: r.values.budgetKrw })));
    });
  });

  it('warns of a batch’s likely duplicates and over-allocations from the lines it keyed as the service’s thread does', async () => {
    const viaChecker = await Store.open(join(dir, 'lines-checker.duckdb'));
    const onThread = await Store.open(join(dir, 'lines-thread.duckdb'));
    try {
      await viaChecker.checker.start();
      // 600 lines (a body over 128 KB), every tenth repeating the one before, 갈마1동's 2019 over its allocation.
      const body = batch(
        Array.from({ length: 600 }, (_, i) => ({
          values: spendingRow({
            dong: Math.floor(i / 10) % 2 ? '갈마1동' : '가양2동',
            executedKrw: null,
            item: `항목 ${i % 10 === 9 ? i - 1 : i}`,
            budgetKrw: i % 10 === 9 ? 1_000 + i - 1 : 1_000 + i,
            ...(i === 7 ? { budgetKrw: 900_000_000 } : {}),
          }),
        })),
      );
      const threaded = await viaChecker.syncBody('spending', utf8(body), limits, admin, null);
      const plain = await onThread.sync('spending', body, admin);
      if ('refused' in threaded) throw new Error(threaded.refused);
      const codes = (answer: typeof plain) => answer.results.map((r) => (r.warnings ?? []).map((w) => w.code).join(','));
      expect(codes(threaded)).toEqual(codes(plain));
      expect(codes(plain).filter((c) => c.includes('likely_duplicate')).length).toBe(120);
      expect(codes(plain).filter((c) => c.includes('over_allocation')).length).toBeGreaterThan(0);
      expect(threaded.results.map((r) => r.warnings)).toEqual(plain.results.map((r) => r.warnings));
    } finally {
      viaChecker.close();
      onThread.close();
    }
  });

  const prepared = async (body: unknown, kind: Kind = 'spending') => {
    const out = await store.checker.check(kind, utf8(body), limits, admin);
    if ('refused' in out) throw new Error(out.refused);
    return out;
  };

  it('checks against the reference as it is now: sent to the thread when replaced, and rows checked before that checked again when decided', async () => {
    const crowd = { ...participation, participants: 20_000 };
    const warned = (p: PreparedBatch) => p.checked[0]!.warnings.map((w) => w.code);
    const before = await prepared(batch([{ values: crowd }]), 'participation');
    expect(warned(before)).toEqual([]);
    // 갈마1동's 2019 population made smaller than the row's count.
    const reference = {
      ...daejeonReference,
      dongs: daejeonReference.dongs.map((d) => (d.name === '갈마1동' ? { ...d, population: { ...d.population, '2019': 12_345 } } : d)),
    };
    await store.loadReference(reference);
    const after = await prepared(batch([{ values: crowd }]), 'participation');
    expect(warned(after)).toEqual(['over_population']);
    expect(after.referenceVersion).toBe(before.referenceVersion + 1);
    // The batch checked before the change is checked again by the service's thread as it is decided.
    const answer = await store.syncs.syncChecked('participation', before, admin);
    expect(answer.results[0]!.warnings?.map((w) => w.code)).toEqual(['over_population']);
    await store.loadReference(daejeonReference);
  });

  it('fails the bodies it held when it ends, and the next body starts another', async () => {
    await store.checker.start();
    // The thread told to stop, then a body sent to it before it has ended (a small one would
    // otherwise be answered before the thread stopped).
    const ending = (store.checker as unknown as { worker: Worker }).worker.terminate();
    const held = store.checker.check('spending', utf8(batch([{ values: spendingRow() }])), limits, admin);
    await ending;
    // As a batch that stored nothing: 503, resend.
    await expect(held).rejects.toMatchObject({ code: 'batch_failed', message: expect.stringMatching(/ended/) });
    const next = await prepared(batch([{ values: spendingRow() }]));
    expect(next.checked[0]!.values).toMatchObject({ item: '자치지원관 보수' });
  });

  it('does not queue a batch whose request was answered while it was being checked: its status reads unknown, nothing is stored', async () => {
    const body = batch(Array.from({ length: 600 }, (_, i) => ({ values: spendingRow({ item: `시간 초과 ${i}` }) })));
    await store.checker.start();
    const gone = AbortSignal.abort(new Error('out of time'));
    await expect(store.syncBody('spending', utf8(body), limits, admin, null, { signal: gone })).rejects.toThrow('out of time');
    expect((await store.batchStatus(body.batchId, admin)).status).toBe('unknown');
    // Sent again, it is stored once.
    const answer = await store.syncBody('spending', utf8(body), limits, admin, null);
    if ('refused' in answer) throw new Error(answer.refused);
    expect(answer.results[0]!.status).toBe('accepted');
    expect((await store.batchStatus(body.batchId, admin)).status).toBe('applied');
  });
});
