import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import { KnownIds } from '../../service/store/known-ids.ts';
import { Readers } from '../../service/store/readers.ts';
import { batch, spendingRow, startService, type TestService } from '../support/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(() => svc.close());

const auditCount = async () => Number((await svc.store.reader.runAndReadAll('SELECT count(*) AS n FROM row_audit')).getRowObjects()[0]!.n);

describe('POST /api/sync/:kind', () => {
  it('accepts valid rows and keeps them when others in the batch are refused', async () => {
    const body = batch([{ values: spendingRow() }, { values: spendingRow({ budgetKrw: -500 }) }, { values: spendingRow({ dong: '갈마1동' }) }]);
    const { status, body: answer } = await svc.json('POST', '/api/sync/spending', 'dong', body);
    expect(status).toBe(200);
    expect(answer.batchId).toBe(body.batchId);
    expect(answer.results.map((r: any) => r.status)).toEqual(['accepted', 'rejected', 'forbidden']);
    expect(answer.results[1].errors[0]).toMatchObject({ field: 'budgetKrw', code: 'negative' });
    expect(answer.results[1].errors[0].message.ko).toContain('음수');
    expect(answer.results[2].errors[0]).toMatchObject({ field: 'dong', code: 'forbidden_dong' });
    expect(answer.results[2].errors[0].message.ko).toBe("동: '갈마1동'의 자료를 쓸 권한이 없습니다.");
    const pulled = await svc.json('GET', '/api/rows/spending?since=0', 'dong');
    expect(pulled.body.rows.map((r: any) => r.rowId)).toEqual([body.rows[0]!.rowId]);
    expect(pulled.body.rows[0].values).toMatchObject({ dong: '30110-gayang2', budgetKrw: 40_000_000, executedOn: '2019-12-20' });
    expect(pulled.body.rows[0].updatedBy).toBe('가양2동 담당');
  });

  it('answers unchanged for the same values, conflict with the server row for a stale base, accepted on the current base', async () => {
    const rowId = randomUUID();
    const first = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ rowId, values: spendingRow() }]));
    const rev = first.body.results[0].revision as number;
    const same = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ rowId, baseRevision: rev, values: spendingRow() }]));
    expect(same.body.results[0]).toMatchObject({ status: 'unchanged', revision: rev });
    const edit = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ rowId, baseRevision: rev, values: spendingRow({ executedKrw: 40_000_000 }) }]));
    expect(edit.body.results[0].status).toBe('accepted');
    expect(edit.body.results[0].revision).toBeGreaterThan(rev);
    const stale = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ rowId, baseRevision: rev, values: spendingRow({ executedKrw: 1 }) }]));
    expect(stale.body.results[0].status).toBe('conflict');
    expect(stale.body.results[0].server.values.executedKrw).toBe(40_000_000);
    expect(stale.body.results[0].server.revision).toBe(edit.body.results[0].revision);
  });

  it('finds the stored row behind a base revision from the future or none: a conflict, never a second row', async () => {
    const rowId = randomUUID();
    const first = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ rowId, values: spendingRow({ item: 'base from the future' }) }]));
    const rev = first.body.results[0].revision as number;
    // Rows written after it, so the row is no longer in the table's newest part.
    await svc.json('POST', '/api/sync/spending', 'dong', batch(Array.from({ length: 50 }, (_, i) => ({ values: spendingRow({ item: `later ${i}` }) }))));
    for (const baseRevision of [rev + 10_000, null]) {
      const answer = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ rowId, baseRevision, values: spendingRow({ item: 'base from the future', executedKrw: 7 }) }]));
      expect(answer.body.results[0]).toMatchObject({ status: 'conflict', revision: rev, server: { revision: rev } });
    }
    const stored = await svc.store.reader.runAndReadAll(`SELECT count(*) FROM spending_rows WHERE rowId = '${rowId}'`);
    expect(Number(stored.getRows()[0]![0])).toBe(1);
  });

  it('replays a batch 20 times in a row and 5 at once with one effect and the same answer', async () => {
    const body = batch([{ values: spendingRow({ item: 'replay' }) }, { values: spendingRow({ budgetKrw: 'x' }) }]);
    const first = await svc.json('POST', '/api/sync/spending', 'dong', body);
    const revision = svc.store.revision;
    const audits = await auditCount();
    for (let i = 0; i < 20; i++) expect((await svc.json('POST', '/api/sync/spending', 'dong', body)).body).toEqual(first.body);
    // The same body spaced differently is still the same body.
    const spaced = await svc.call('POST', '/api/sync/spending', 'dong', JSON.stringify(body, null, 2));
    expect(await spaced.json()).toEqual(first.body);
    // … and so is it with its Korean escaped (as Python's json.dumps writes it).
    const escaped = JSON.stringify(body).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(escaped).toContain('\\u');
    expect(await (await svc.call('POST', '/api/sync/spending', 'dong', escaped)).json()).toEqual(first.body);
    const together = await Promise.all(Array.from({ length: 5 }, () => svc.json('POST', '/api/sync/spending', 'dong', body)));
    for (const r of together) expect(r.body).toEqual(first.body);
    expect(svc.store.revision).toBe(revision);
    expect(await auditCount()).toBe(audits);
  });

  it('applies a new batch sent 5 times at once exactly once', async () => {
    const body = batch([{ values: spendingRow({ item: 'concurrent' }) }]);
    const revision = svc.store.revision;
    const answers = await Promise.all(Array.from({ length: 5 }, () => svc.json('POST', '/api/sync/spending', 'dong', body)));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(svc.store.revision).toBe(revision + 1);
  });

  it('knows a batch stored with the fingerprint of before (of its parsed rows) when it is sent again', async () => {
    const body = batch([{ values: spendingRow({ item: 'legacy' }) }]);
    const first = await svc.json('POST', '/api/sync/spending', 'dong', body);
    const legacy = createHash('sha256')
      .update(JSON.stringify(['spending', body.rows, body.deletes]))
      .digest('hex');
    await svc.store.writer.connection.run('UPDATE sync_batches SET fingerprint = $legacy WHERE batchId = $id::UUID', { legacy, id: body.batchId });
    const revision = svc.store.revision;
    expect((await svc.json('POST', '/api/sync/spending', 'dong', body)).body).toEqual(first.body);
    const spaced = await svc.call('POST', '/api/sync/spending', 'dong', JSON.stringify(body, null, 1));
    expect(await spaced.json()).toEqual(first.body);
    const other = await svc.json('POST', '/api/sync/spending', 'dong', { ...body, rows: [{ ...body.rows[0]!, values: spendingRow({ item: 'b' }) }] });
    expect(other.body.error.code).toBe('batch_reused');
    expect(svc.store.revision).toBe(revision);
  });

  it('refuses the same batchId with another body (422)', async () => {
    const body = batch([{ values: spendingRow({ item: 'a' }) }]);
    await svc.json('POST', '/api/sync/spending', 'dong', body);
    const other = await svc.json('POST', '/api/sync/spending', 'dong', { ...body, rows: [{ ...body.rows[0]!, values: spendingRow({ item: 'b' }) }] });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('batch_reused');
    expect(other.body.error.message.ko).toContain('batchId');
  });

  it('keeps deletes as tombstones that pull shows, and conflicts a delete on a stale base', async () => {
    const rowId = randomUUID();
    const made = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ rowId, values: spendingRow({ item: 'to delete' }) }]));
    const rev = made.body.results[0].revision;
    const before = svc.store.revision;
    const staleDel = await svc.json('POST', '/api/sync/spending', 'dong', batch([], [{ rowId, baseRevision: rev - 1 }]));
    expect(staleDel.body.results[0].status).toBe('conflict');
    const del = await svc.json('POST', '/api/sync/spending', 'dong', batch([], [{ rowId, baseRevision: rev }]));
    expect(del.body.results[0].status).toBe('accepted');
    const pulled = await svc.json('GET', `/api/rows/spending?since=${before}`, 'dong');
    const tomb = pulled.body.rows.find((r: any) => r.rowId === rowId);
    expect(tomb).toMatchObject({ deleted: true, revision: del.body.results[0].revision });
    expect(tomb.values.item).toBe('to delete');
    const counted = await svc.store.reader.runAndReadAll('SELECT count(*) AS n FROM spending WHERE rowId = $id::UUID', { id: rowId });
    expect(Number(counted.getRowObjects()[0]!.n)).toBe(0);
    const again = await svc.json('POST', '/api/sync/spending', 'dong', batch([], [{ rowId, baseRevision: del.body.results[0].revision }]));
    expect(again.body.results[0].status).toBe('unchanged');
  });

  it('answers a pull of a kind with nothing new since without reading it, and pulls its next change', async () => {
    const made = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow({ item: 'pulled once' }) }]));
    const at = made.body.results[0].revision as number;
    const reads = vi.spyOn(Readers.prototype, 'smallScan');
    try {
      // Nothing of participation after `at`: answered at once, with the revision to ask from next.
      const none = await svc.json('GET', `/api/rows/participation?since=${at}`, 'dong');
      expect(none.body).toEqual({ revision: svc.store.revision, rows: [] });
      expect(reads).not.toHaveBeenCalled();
      // Spending changed at `at`: read, and the row is there.
      const some = await svc.json('GET', `/api/rows/spending?since=${at - 1}`, 'dong');
      expect(some.body.rows.map((r: any) => r.values.item)).toContain('pulled once');
      expect(reads).toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    const meeting = { dong: '가양2동', phase: 1, date: '2019-03-20', activity: '분과위원회', title: '분과 회의', participants: 12 };
    const next = await svc.json('POST', '/api/sync/participation', 'dong', batch([{ values: meeting }]));
    expect(next.body.results[0].status).toBe('accepted');
    const pulled = await svc.json('GET', `/api/rows/participation?since=${at}`, 'dong');
    expect(pulled.body.rows.map((r: any) => r.rowId)).toEqual([next.body.results[0].rowId]);
  });

  it('reads the ids every sync needs once, before the first sync (a service does it before it listens)', async () => {
    const fresh = await startService();
    const reads = vi.spyOn(KnownIds, 'read');
    try {
      await fresh.store.syncs.warm();
      // The stored batch ids and each kind's row ids.
      const warmed = reads.mock.calls.map(([, table]) => table);
      expect(warmed).toEqual(expect.arrayContaining(['sync_batches', 'spending_rows', 'participation_rows']));
      const sent = await fresh.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow({ item: '처음' }) }]));
      expect(sent.body.results[0].status).toBe('accepted');
      expect(reads).toHaveBeenCalledTimes(warmed.length);
    } finally {
      reads.mockRestore();
      await fresh.close();
    }
  });

  it('rejects per row the fields the service owns and unknown fields', async () => {
    const { body } = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow({ updatedBy: 'me' }) }, { values: spendingRow({ 색상: '빨강' }) }]));
    expect(body.results[0].errors.map((e: any) => `${e.field}:${e.code}`)).toEqual(['updatedBy:service_owned']);
    expect(body.results[1].errors.map((e: any) => `${e.field}:${e.code}`)).toEqual(['색상:unknown_field']);
  });

  it('takes up to 5,000 rows and refuses more (422); refuses bodies over the limit (413) and non-JSON (415)', async () => {
    const full = batch(Array.from({ length: 5000 }, (_, i) => ({ values: spendingRow({ item: `bulk ${i}` }) })));
    const ok = await svc.json('POST', '/api/sync/spending', 'admin', full);
    expect(ok.status).toBe(200);
    expect(ok.body.results.filter((r: any) => r.status === 'accepted')).toHaveLength(5000);
    const over = batch(Array.from({ length: 5001 }, () => ({ values: spendingRow() })));
    const tooMany = await svc.json('POST', '/api/sync/spending', 'admin', over);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.code).toBe('batch_too_large');
    const big = await svc.call('POST', '/api/sync/spending', 'admin', JSON.stringify({ batchId: randomUUID(), rows: [], pad: 'x'.repeat(17 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(((await big.json()) as any).error.code).toBe('body_too_large');
    const text = await svc.call('POST', '/api/sync/spending', 'admin', undefined, { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const dup = batch([{ values: spendingRow() }]);
    dup.rows.push({ ...dup.rows[0]! });
    expect((await svc.json('POST', '/api/sync/spending', 'admin', dup)).status).toBe(422);
  });

  it('answers bad envelopes and unknown kinds with the one error shape', async () => {
    const bad = await svc.json('POST', '/api/sync/spending', 'dong', { batchId: 'nope', rows: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_body' });
    expect(bad.body.error.message.en).toContain('batchId');
    const kind = await svc.json('POST', '/api/sync/budget', 'dong', batch([]));
    expect(kind.status).toBe(404);
    expect(kind.body.error.code).toBe('unknown_kind');
    const since = await svc.json('GET', '/api/rows/spending?since=-1', 'dong');
    expect(since.status).toBe(400);
  });
});

describe('a pull while a country’s comparison holds the heavy-read gate', () => {
  it('is answered at once for a dong or a district; a whole city’s pull waits its turn', async () => {
    await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow({ item: 'gate' }) }]));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // The places at the gate (one for each of DuckDB's 2 threads), taken here as long comparisons would.
    const holders = [svc.store.readers.scan(() => held), svc.store.readers.scan(() => held)];
    try {
      const dong = await svc.json('GET', '/api/rows/spending?since=0', 'dong');
      expect(dong.body.rows.some((r: any) => r.values.item === 'gate')).toBe(true);
      const district = await svc.json('GET', '/api/rows/spending?since=0', 'district');
      expect(district.status).toBe(200);
      let managerDone = false;
      const manager = svc.json('GET', '/api/rows/spending?since=0', 'manager').then((r) => ((managerDone = true), r));
      // Its page waits its turn at the heavy-read gate, behind the one held.
      await vi.waitFor(() => expect(svc.store.readers.heavyLoad).toEqual({ running: 2, waiting: 1 }));
      expect(managerDone).toBe(false);
      release();
      expect((await manager).body.rows.some((r: any) => r.values.item === 'gate')).toBe(true);
    } finally {
      release();
      await Promise.all(holders);
    }
  });
});
