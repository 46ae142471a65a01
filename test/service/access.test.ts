import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, spendingRow, startService, type TestService, type TokenName } from '../support/service.ts';

let svc: TestService;
// One row in 가양2동 (동구), one in 송촌동 (대덕구), written by the admin.
let own: string;
let other: string;
beforeAll(async () => {
  svc = await startService();
  const seed = batch([{ values: spendingRow() }, { values: spendingRow({ dong: '송촌동' }) }]);
  own = seed.rows[0]!.rowId;
  other = seed.rows[1]!.rowId;
  const { body } = await svc.json('POST', '/api/sync/spending', 'admin', seed);
  expect(body.results.map((r: any) => r.status)).toEqual(['accepted', 'accepted']);
});
afterAll(() => svc.close());

// role → may it push to 가양2동, push to 송촌동, and which of the two rows does it pull
const matrix: [TokenName, string, string, string[]][] = [
  ['dong', 'accepted', 'forbidden', ['가양2동']],
  ['otherDong', 'forbidden', 'forbidden', []],
  ['district', 'forbidden', 'accepted', ['송촌동']],
  ['analyst', 'forbidden', 'forbidden', ['가양2동', '송촌동']],
  ['manager', 'forbidden', 'forbidden', ['가양2동', '송촌동']],
  ['admin', 'accepted', 'accepted', ['가양2동', '송촌동']],
];

describe('scopes on every row', () => {
  it.each(matrix)('%s pushes to 가양2동 → %s, to 송촌동 → %s, pulls %o', async (token, ownPush, otherPush, pulls) => {
    const { body } = await svc.json(
      'POST',
      '/api/sync/spending',
      token,
      batch([{ values: spendingRow({ item: token }) }, { values: spendingRow({ dong: '송촌동', item: token }) }]),
    );
    expect(body.results.map((r: any) => r.status)).toEqual([ownPush, otherPush]);
    const pulled = await svc.json('GET', '/api/rows/spending?since=0', token);
    const names = new Set(pulled.body.rows.map((r: any) => svc.store.reference.dongByCode.get(r.values.dong)!.name));
    expect([...names].sort()).toEqual([...pulls].sort());
  });

  it('does not let a dong token take over another dong’s row by its id, nor delete it', async () => {
    const current = (await svc.json('GET', '/api/rows/spending?since=0', 'admin')).body.rows.find((r: any) => r.rowId === other);
    const takeover = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ rowId: other, baseRevision: current.revision, values: spendingRow() }]));
    expect(takeover.body.results[0].status).toBe('forbidden');
    // The message names the dong the token may not write, as officials know it (not its code, not the token's own dong).
    expect(takeover.body.results[0].errors[0].message.ko).toBe("동: '송촌동'의 자료를 쓸 권한이 없습니다.");
    const del = await svc.json('POST', '/api/sync/spending', 'dong', batch([], [{ rowId: other, baseRevision: current.revision }]));
    expect(del.body.results[0].status).toBe('forbidden');
    expect(del.body.results[0].errors[0].message.ko).toBe("동: '송촌동'의 자료를 쓸 권한이 없습니다.");
    const mine = (await svc.json('GET', '/api/rows/spending?since=0', 'admin')).body.rows.find((r: any) => r.rowId === own);
    const move = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ rowId: own, baseRevision: mine.revision, values: spendingRow({ dong: '송촌동' }) }]));
    expect(move.body.results[0].status).toBe('forbidden');
  });

  it('needs a valid token for everything but health', async () => {
    expect((await svc.call('GET', '/api/health', null)).status).toBe(200);
    for (const url of ['/api/meta', '/api/rows/spending']) {
      const res = await svc.call('GET', url, null);
      expect(res.status).toBe(401);
      expect(((await res.json()) as any).error.message.ko).toContain('토큰');
    }
    const wrong = await svc.app.request('/api/meta', { headers: { authorization: 'Bearer jachi_nope' } });
    expect(wrong.status).toBe(401);
  });

  it('allows CORS only for the configured add-in origin', async () => {
    const allowed = await svc.app.request('/api/meta', { method: 'OPTIONS', headers: { origin: 'https://localhost:3000', 'access-control-request-method': 'GET' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://localhost:3000');
    const denied = await svc.app.request('/api/meta', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    // The preflight names what the pane sends and may read.
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,Accept,X-Jachi-Workbook');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-max-age')).toBe('600');
    // An answer itself: the pane may read it and its ETag and request id, and caches keep it apart by
    // origin as well as by what the route varies on (its own Vary kept).
    const answer = (origin: string) => svc.app.request('/api/compare/spending', { headers: { origin, authorization: `Bearer ${svc.tokens.manager}`, accept: 'application/json' } });
    const fromPane = await answer('https://localhost:3000');
    expect(fromPane.status).toBe(200);
    expect(fromPane.headers.get('access-control-allow-origin')).toBe('https://localhost:3000');
    expect(fromPane.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    expect(fromPane.headers.get('access-control-expose-headers')).toContain('ETag');
    expect(fromPane.headers.get('vary')).toBe('Accept, Origin');
    expect(((await fromPane.json()) as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
    const fromElsewhere = await answer('https://evil.example');
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
    expect(fromElsewhere.headers.get('vary')).toBe('Accept, Origin');
  });

  it('serves /api/meta with the sheets, code lists and reference data', async () => {
    const { body } = await svc.json('GET', '/api/meta', 'dong');
    expect(body.kinds.map((k: any) => [k.kind, k.sheet])).toEqual([
      ['spending', '예산집행'],
      ['participation', '주민참여'],
      ['progress', '추진현황'],
      ['agendas', '자치계획'],
      ['council', '위원구성'],
    ]);
    const category = body.kinds[0].columns.find((c: any) => c.field === 'category');
    expect(category).toMatchObject({ header: '비목', type: 'code', required: true });
    expect(category.codes).toContain('자치지원관 인건비');
    expect(body.dongs).toHaveLength(20);
    expect(body.phases.map((p: any) => p.phase)).toEqual([1, 2]);
    expect(body.me).toMatchObject({ role: 'dong', dong: '30110-gayang2' });
  });
});
