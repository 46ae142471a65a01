import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, breakBatchRecord, mendBatchRecord, spendingRow, startService, type TestService } from '../support/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(() => svc.close());

const count = async (sql: string) => Number((await svc.store.reader.runAndReadAll(sql)).getRowObjects()[0]!.n);

describe('a database error inside the write transaction', () => {
  it('rolls the whole batch back, answers 503 with a Korean reason, and leaves the store usable', async () => {
    const kept = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow() }]));
    expect(kept.body.results[0].status).toBe('accepted');
    const revision = svc.store.revision;
    const rowsBefore = await count('SELECT count(*) AS n FROM spending_rows');
    // Break the batch record so the statement after the rows' append fails mid-transaction.
    await breakBatchRecord(svc);
    const failed = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow({ item: 'lost?' }) }, { values: spendingRow({ item: 'lost too?' }) }]));
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('batch_failed');
    expect(failed.body.error.message.ko).toContain('아무것도 저장하지 않았습니다');
    expect(await count('SELECT count(*) AS n FROM spending_rows')).toBe(rowsBefore);
    expect(await count('SELECT count(*) AS n FROM sync_batches')).toBe(1);
    expect(svc.store.revision).toBe(revision);

    await mendBatchRecord(svc);
    const retried = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow({ item: 'after' }) }]));
    expect(retried.body.results[0]).toMatchObject({ status: 'accepted', revision: revision + 1 });
    expect(await count('SELECT count(*) AS n FROM spending_rows')).toBe(rowsBefore + 1);
  });
});
