import { describe, expect, it } from 'vitest';
import { servedPerTest, type TestService } from '../support/service.ts';

const serve = servedPerTest();
let base = '';

/** Starts the service over HTTP for one test. */
async function start(options: Parameters<typeof serve>[0] = {}) {
  const served = await serve(options);
  base = served.base;
  return served.svc;
}

/** Sends `count` heavy analyst queries, resolving once every one runs or waits at the gate. */
async function heavyQueries(svc: TestService, count: number) {
  const clients = Array.from({ length: count }, () => new AbortController());
  const sent = clients.map((client) => query(svc.tokens.analyst, { sql: heavy }, client.signal).catch((error: Error) => error));
  const gate = (svc.store as unknown as { analystQueries: { load: { running: number; waiting: number } } }).analystQueries;
  while (gate.load.running + gate.load.waiting < count) await new Promise((r) => setTimeout(r, 20));
  return { gate, abandon: () => clients.forEach((client) => client.abort()), sent: Promise.all(sent) };
}

type ErrorAnswer = { error: { code: string; message: { ko: string; en: string } } };

const query = (token: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${base}/api/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });

/** A query that keeps its sandbox busy until it is stopped (or its 10 s are up). */
const heavy = "SELECT count(*) FROM range(100000000000) a WHERE md5(a.range::VARCHAR) = 'x'";

describe('analyst queries that cannot flood (issue 17)', () => {
  it('refuses ~150 MB of answer (422 result_too_large, Korean first) at its byte cap and keeps answering', async () => {
    const svc = await start();
    const res = await query(svc.tokens.analyst, { sql: "SELECT i, repeat('x', 1500) AS x FROM range(100000) t(i)", limit: 100_000 });
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorAnswer;
    expect(body.error.code).toBe('result_too_large');
    expect(body.error.message.ko).toContain('조회 결과가 너무 커서');
    expect(body.error.message.en).toContain('32 MB');
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    const small = await query(svc.tokens.analyst, { sql: 'SELECT 1 AS one' });
    expect(await small.json()).toMatchObject({ rows: [{ one: 1 }], truncated: false });
  });

  it('the byte cap is the operator’s to set', async () => {
    const svc = await start({ limits: { queryResultBytes: 100_000 } });
    const over = await query(svc.tokens.manager, { sql: "SELECT repeat('x', 1000) AS x FROM range(200)" });
    expect(over.status).toBe(422);
    const under = await query(svc.tokens.manager, { sql: "SELECT repeat('x', 1000) AS x FROM range(50)" });
    expect(under.status).toBe(200);
  });

  it('abandoned queries leave the queue and their sandboxes stop: another token’s SELECT 1 is answered', async () => {
    const svc = await start();
    // The first runs, the rest queue behind the analyst's one place; then every client leaves.
    const { gate, abandon, sent } = await heavyQueries(svc, 6);
    abandon();
    for (const outcome of await sent) expect(outcome).toBeInstanceOf(Error);
    while (gate.load.running + gate.load.waiting > 0) await new Promise((r) => setTimeout(r, 20));
    const res = await query(svc.tokens.manager, { sql: 'SELECT 1 AS one' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rows: [{ one: 1 }] });
  });

  it('one analyst holds one place: a manager’s SELECT 1 runs while the analyst’s queries wait their turn', async () => {
    const svc = await start();
    const { gate, abandon, sent } = await heavyQueries(svc, 3);
    expect(gate.load.running).toBe(1);
    const res = await query(svc.tokens.manager, { sql: 'SELECT 1 AS one' });
    expect(res.status).toBe(200);
    // The analyst's are still there: the manager did not wait for them.
    expect(gate.load.running + gate.load.waiting).toBe(3);
    abandon();
    await sent;
    while (gate.load.running + gate.load.waiting > 0) await new Promise((r) => setTimeout(r, 20));
  });

  it('a query over its time limit answers 504 with a Korean message', async () => {
    const svc = await start();
    const { status, body } = await svc.json('POST', '/api/query', 'analyst', { sql: heavy });
    expect(status).toBe(504);
    expect(body.error.code).toBe('timeout');
    expect(body.error.message.ko).toContain('시간 제한');
  });
});
