import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { loadDemo } from '../../service/demo.ts';
import { parseCsv } from '../support/csv.ts';
import { startService, type TestService } from '../support/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
  await loadDemo(svc.store);
});
afterAll(() => svc.close());

const get = (url: string, token: Parameters<TestService['call']>[2], accept?: string) => svc.call('GET', url, token, undefined, accept ? { accept } : {});

/** The service's CSV (BOM, CRLF, quoted fields) as row objects of strings. */
async function parseCsvResponse(res: Response): Promise<Record<string, string>[]> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...rows] = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

describe('GET /api/compare/:name over HTTP', () => {
  it('answers the demo’s spending per dong and phase, with the seed’s budgets', async () => {
    const { status, body } = await svc.json('GET', '/api/compare/spending?phase=1&dong=가양2동', 'dong');
    expect(status).toBe(200);
    const total = body.rows.find((r: any) => r.category === null);
    expect(total).toMatchObject({ district: '30110', dong: '30110-gayang2', dongName: '가양2동', phase: 1, budgetKrw: 156_000_000 });
    expect(total.executionRate).toBeCloseTo(total.executedKrw / total.budgetKrw, 10);
    expect(body.rows.filter((r: any) => r.category !== null)).toHaveLength(5);
  });

  it('filters by district name or code and by several dongs', async () => {
    const byName = (await svc.json('GET', '/api/compare/participation?district=유성구', 'manager')).body.rows;
    const byCode = (await svc.json('GET', '/api/compare/participation?district=30200', 'manager')).body.rows;
    expect(byName).toEqual(byCode);
    expect(new Set(byName.map((r: any) => r.dongName))).toEqual(new Set(['진잠동', '원신흥동', '온천1동']));
    const two = (await svc.json('GET', '/api/compare/progress?dong=진잠동,송촌동&phase=1', 'manager')).body.rows;
    expect(two.map((r: any) => r.dongName).sort()).toEqual(['송촌동', '진잠동']);
  });

  it('gives the same rows as JSON, Arrow and CSV', async () => {
    for (const name of ['spending', 'participation', 'progress', 'phases', 'summary']) {
      const json = (await (await get(`/api/compare/${name}`, 'analyst')).json()) as any;
      const arrowRes = await get(`/api/compare/${name}`, 'analyst', 'application/vnd.apache.arrow.stream');
      expect(arrowRes.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
      const table = tableFromIPC(new Uint8Array(await arrowRes.arrayBuffer()));
      expect(table.numRows).toBe(json.rows.length);
      const csv = await parseCsvResponse(await get(`/api/compare/${name}`, 'analyst', 'text/csv'));
      expect(csv).toHaveLength(json.rows.length);
      json.rows.forEach((row: any, i: number) => {
        const arrowRow = table.get(i)!.toJSON();
        for (const [key, value] of Object.entries(row)) {
          const a = arrowRow[key];
          if (value === null) {
            expect(a ?? null, `${name}[${i}].${key}`).toBeNull();
            expect(csv[i]![key], `${name}[${i}].${key} csv`).toBe('');
          } else if (typeof value === 'number') {
            expect(Number(a), `${name}[${i}].${key}`).toBeCloseTo(value, 9);
            expect(Number(csv[i]![key]), `${name}[${i}].${key} csv`).toBeCloseTo(value, 9);
          } else {
            expect(String(a), `${name}[${i}].${key}`).toBe(String(value));
            expect(csv[i]![key], `${name}[${i}].${key} csv`).toBe(String(value));
          }
        }
      });
    }
  });

  it('names a bad filter in a 400 and an unknown comparison in a 404', async () => {
    const bad = await svc.json('GET', '/api/compare/spending?phase=one', 'manager');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message.ko).toContain('phase');
    const unknown = await svc.json('GET', '/api/compare/spending?colour=red', 'manager');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message.en).toContain('colour');
    expect((await svc.json('GET', '/api/compare/league', 'manager')).status).toBe(404);
    // A dong, district or phase that does not exist is named, not answered as "no data".
    for (const [query, name] of [
      ['dong=없는동', 'dong'],
      ['district=99999', 'district'],
      ['phase=9', 'phase'],
      ['today=2019-99-99', 'today'],
    ]) {
      const res = await svc.json('GET', `/api/compare/progress?${query}`, 'manager');
      expect(res.status, query).toBe(400);
      expect(res.body.error.message.ko, query).toContain(name);
    }
  });

  it('opens a figure into the rows behind it, summing back, within the token’s scope', async () => {
    const figure = (await svc.json('GET', '/api/compare/spending?phase=2&dong=갈마1동', 'manager')).body.rows.find((r: any) => r.category === null);
    const rows = (await svc.json('GET', '/api/compare/spending/rows?dong=갈마1동&phase=2', 'manager')).body.rows;
    expect(rows.reduce((n: number, r: any) => n + r.budgetKrw, 0)).toBe(figure.budgetKrw);
    expect(rows.reduce((n: number, r: any) => n + (r.executedKrw ?? 0), 0)).toBe(figure.executedKrw);
    expect(rows[0]).toMatchObject({ updatedBy: '데모 데이터', source: 'demo (daejeon-pilot.md)' });
    expect((await svc.json('GET', '/api/compare/spending/rows?dong=갈마1동&phase=2', 'dong')).body.rows).toEqual([]);
    expect((await svc.json('GET', '/api/compare/spending/rows?dong=가양2동&phase=2', 'dong')).body.rows).toHaveLength(5);
    const noPhase = await svc.json('GET', '/api/compare/spending/rows?dong=갈마1동', 'manager');
    expect(noPhase.status).toBe(400);
    expect(noPhase.body.error.message.ko).toContain('phase');
  });
});

describe('POST /api/query over HTTP', () => {
  it('runs one SELECT over the analytic views for analysts and managers only', async () => {
    const sql = 'SELECT dongName, sum(budgetKrw) AS budget FROM spending WHERE phase = 1 GROUP BY dongName ORDER BY dongName';
    const ok = await svc.json('POST', '/api/query', 'analyst', { sql });
    expect(ok.status).toBe(200);
    expect(ok.body.rows).toHaveLength(8);
    for (const r of ok.body.rows) expect(Number(r.budget)).toBe(156_000_000);
    expect((await svc.json('POST', '/api/query', 'manager', { sql })).status).toBe(200);
    for (const token of ['dong', 'district', 'admin'] as const) expect((await svc.json('POST', '/api/query', token, { sql })).status).toBe(403);
  });

  it('answers several queries sent at once (they queue for the sandbox)', async () => {
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((phase) =>
        svc.json('POST', '/api/query', 'analyst', { sql: `SELECT count(*) AS n, ${phase} AS asked FROM spending WHERE phase = ${phase % 2 ? 1 : 2}` }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((a) => a.body.rows[0].asked)).toEqual([1, 2, 3, 4, 5]);
    expect(answers.map((a) => Number(a.body.rows[0].n))).toEqual([40, 40, 40, 40, 40]);
  });

  it('refuses writes, several statements and the service’s own tables, in Korean', async () => {
    const tries = ['DELETE FROM spending', 'SELECT 1; SELECT 2', 'SELECT * FROM tokens', "SELECT * FROM read_csv('/etc/passwd')", 'PRAGMA database_list'];
    for (const sql of tries) {
      const res = await svc.json('POST', '/api/query', 'analyst', { sql });
      expect(res.status, sql).toBeGreaterThanOrEqual(400);
      expect(res.body.error.message.ko, sql).toMatch(/[가-힣]/);
      expect(JSON.stringify(res.body), sql).not.toContain('jachi_');
    }
    const count = (await svc.store.reader.runAndReadAll('SELECT count(*) AS n FROM spending')).getRowObjects()[0]!.n;
    expect(Number(count)).toBe(80);
  });
});
