import { afterEach, describe, expect, it } from 'vitest';
import { batch, breakBatchRecord, holdWriter, mendBatchRecord, spendingRow, startService, type TestService } from '../support/service.ts';

let svc: TestService | undefined;
afterEach(() => {
  svc?.close();
  svc = undefined;
});

const count = async (s: TestService, sql: string) => Number((await s.store.reader.runAndReadAll(sql)).getRowObjects()[0]!.n);

async function statusOnceSettled(s: TestService, batchId: string) {
  for (let i = 0; i < 200; i++) {
    const { body } = await s.json('GET', `/api/batches/${batchId}`, 'dong');
    if (body.status !== 'pending') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`batch ${batchId} still pending`);
}

describe('rate limit per token', () => {
  it('answers 429 with Retry-After once a token spends its burst, while other tokens go on', async () => {
    svc = await startService({ limits: { ratePerSecond: 2, burst: 3 } });
    for (let i = 0; i < 3; i++) expect((await svc.call('GET', '/api/meta', 'dong')).status).toBe(200);
    const refused = await svc.call('GET', '/api/meta', 'dong');
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { error: { code: string; message: { ko: string; en: string } } };
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message.ko).toContain(`${wait}초 뒤에 보내면 됩니다`);
    expect(body.error.message.en).toContain('Retry-After');

    expect((await svc.call('GET', '/api/meta', 'otherDong')).status).toBe(200);
    await new Promise((r) => setTimeout(r, wait * 1000));
    expect((await svc.call('GET', '/api/meta', 'dong')).status).toBe(200);
  });

  it('a refused sync stores nothing and the same batch goes through once the token may send again', async () => {
    svc = await startService({ limits: { ratePerSecond: 1, burst: 1 } });
    const first = batch([{ values: spendingRow() }]);
    expect((await svc.json('POST', '/api/sync/spending', 'dong', first)).status).toBe(200);
    const second = batch([{ values: spendingRow({ item: '두 번째' }) }]);
    const refused = await svc.call('POST', '/api/sync/spending', 'dong', second);
    expect(refused.status).toBe(429);
    expect(await count(svc, 'SELECT count(*) AS n FROM spending_rows')).toBe(1);
    await new Promise((r) => setTimeout(r, Number(refused.headers.get('retry-after')) * 1000));
    const sent = await svc.json('POST', '/api/sync/spending', 'dong', second);
    expect(sent.body.results[0].status).toBe('accepted');
    expect(await count(svc, 'SELECT count(*) AS n FROM spending_rows')).toBe(2);
  });

  it('slows an address whose sign-ins keep failing, without refusing a valid token from it', async () => {
    svc = await startService({ limits: { failedAuthPerSecond: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await svc.app.request('/api/meta', { headers: { authorization: `Bearer guess-${i}` } });
      statuses.push(res.status);
    }
    // A burst of 4× the rate is answered 401, then the address must wait.
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses.slice(8)).toEqual(Array(4).fill(429));
    const guess = await svc.app.request('/api/meta', { headers: { authorization: 'Bearer guess-again' } });
    expect(guess.status).toBe(429);
    expect(Number(guess.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // An official at the same address (one office behind one NAT) signs in all the same.
    expect((await svc.call('GET', '/api/meta', 'dong')).status).toBe(200);
  });
});

describe('request time limit and GET /api/batches/:batchId', () => {
  it('a sync that outlives its time limit is answered 504 naming the batch; the status tells pending, then applied, and a resend applies nothing twice', async () => {
    svc = await startService({ limits: { requestTimeoutMs: 300 } });
    const release = holdWriter(svc.store);
    const sent = batch([{ values: spendingRow() }, { values: spendingRow({ item: '회의비' }) }]);
    const timedOut = await svc.json('POST', '/api/sync/spending', 'dong', sent);
    expect(timedOut.status).toBe(504);
    expect(timedOut.body.error.code).toBe('request_timeout');
    expect(timedOut.body.error.message.ko).toContain(`/api/batches/${sent.batchId}`);

    const pending = await svc.json('GET', `/api/batches/${sent.batchId}`, 'dong');
    expect(pending.body).toMatchObject({ batchId: sent.batchId, status: 'pending', kind: 'spending' });
    // Another official may not read it; an administrator may.
    expect((await svc.json('GET', `/api/batches/${sent.batchId}`, 'otherDong')).status).toBe(403);
    expect((await svc.json('GET', `/api/batches/${sent.batchId}`, 'admin')).body.status).toBe('pending');

    release();
    const applied = await statusOnceSettled(svc, sent.batchId);
    expect(applied.status).toBe('applied');
    expect(applied.answer.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted']);
    expect(await count(svc, 'SELECT count(*) AS n FROM spending_rows')).toBe(2);

    const resent = await svc.json('POST', '/api/sync/spending', 'dong', sent);
    expect(resent.status).toBe(200);
    expect(resent.body).toEqual(applied.answer);
    expect(await count(svc, 'SELECT count(*) AS n FROM row_audit')).toBe(2);
  });

  it('a batch that failed inside the database reads as failed with nothing stored, and its resend applies it', async () => {
    svc = await startService();
    const sent = batch([{ values: spendingRow() }]);
    await breakBatchRecord(svc);
    expect((await svc.json('POST', '/api/sync/spending', 'dong', sent)).status).toBe(503);
    const failed = await svc.json('GET', `/api/batches/${sent.batchId}`, 'dong');
    expect(failed.body).toMatchObject({ status: 'failed', kind: 'spending', error: { code: 'batch_failed' } });
    expect(failed.body.error.message.ko).toContain('아무것도 저장하지 않았습니다');
    expect(await count(svc, 'SELECT count(*) AS n FROM spending_rows')).toBe(0);

    await mendBatchRecord(svc);
    expect((await svc.json('POST', '/api/sync/spending', 'dong', sent)).body.results[0].status).toBe('accepted');
    expect((await svc.json('GET', `/api/batches/${sent.batchId}`, 'dong')).body.status).toBe('applied');
  });

  it('a batch never received reads as unknown; a malformed id is a 400 naming the field', async () => {
    svc = await startService();
    const unknown = await svc.json('GET', '/api/batches/0b6e6a0c-3f0b-4a8e-9d6f-1c2b3a4d5e6f', 'dong');
    expect(unknown).toEqual({ status: 200, body: { batchId: '0b6e6a0c-3f0b-4a8e-9d6f-1c2b3a4d5e6f', status: 'unknown' } });
    const bad = await svc.json('GET', '/api/batches/not-a-uuid', 'dong');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message.ko).toContain('batchId');
  });
});
