// Issue 17, the smaller things: headers, health, corrupt workbooks, hidden characters in names.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { batch, holdWriter, spendingRow, startService, type TestService } from '../support/service.ts';

const addinDist = resolve(import.meta.dirname, '../../dist/addin');
const fixture = readFileSync(resolve(import.meta.dirname, '../../../shared/fixtures/gayang2-2019-spending.xlsx'));

let svc: TestService;
beforeAll(async () => {
  svc = await startService({ staticDir: addinDist });
});
afterAll(() => svc.close());

const upload = (bytes: Uint8Array, name: string) => {
  const form = new FormData();
  form.set('file', new File([new Uint8Array(bytes)], name));
  form.set('dryRun', 'true');
  return svc.app.request('/api/import', { method: 'POST', body: form, headers: { authorization: `Bearer ${svc.tokens.dong}` } });
};

describe('headers', () => {
  it('sends a strict Content-Security-Policy and nosniff on the task pane and the API', async () => {
    for (const path of ['/taskpane.html', '/api/health', '/api/meta']) {
      const res = await svc.call('GET', path, 'dong');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self' https://appsforoffice.microsoft.com;");
      expect(csp, path).toContain("frame-ancestors 'self' https://*.office.com https://*.officeapps.live.com https://*.sharepoint.com https://*.microsoft.com");
      expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    }
  });

  it('the built task pane has no inline script and no source maps to serve', () => {
    expect(existsSync(join(addinDist, 'taskpane.html')), 'dist/addin is missing: run `npm run build` first (npm test does)').toBe(true);
    for (const page of ['taskpane.html', 'commands.html']) {
      const html = readFileSync(join(addinDist, page), 'utf8');
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag, page).toMatch(/\ssrc=/);
      expect(html, page).not.toMatch(/\son[a-z]+=/i);
    }
    const files = readdirSync(join(addinDist, 'assets'));
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const f of files.filter((f) => f.endsWith('.js'))) expect(readFileSync(join(addinDist, 'assets', f), 'utf8'), f).not.toContain('sourceMappingURL');
  });
});

describe('GET /api/health', () => {
  it('says the service is up to anyone, and shows row counts only with a valid token', async () => {
    const anonymous = await svc.json('GET', '/api/health', null);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.status).toBe('ok');
    expect(anonymous.body).not.toHaveProperty('rows');
    const bad = await svc.call('GET', '/api/health', null, undefined, { authorization: 'Bearer jachi_000000000000_nope' });
    expect(bad.status).toBe(200);
    expect(await bad.json()).not.toHaveProperty('rows');
    const signed = await svc.json('GET', '/api/health', 'dong');
    expect(signed.body.rows).toEqual({ spending: 0, participation: 0, progress: 0, agendas: 0, council: 0 });
  });
});

describe('POST /api/import of a workbook that is not one', () => {
  it('answers 400 with a Korean message for a zip that is not a zip, and for a cut-off workbook', async () => {
    const fakes = [Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('이것은 zip이 아닙니다'.repeat(50))]), fixture.subarray(0, Math.floor(fixture.length / 2))];
    for (const bytes of fakes) {
      const res = await upload(bytes, 'broken.xlsx');
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: { ko: string; en: string } } };
      expect(body.error.code).toBe('unreadable_workbook');
      expect(body.error.message.ko).toContain('broken.xlsx: 엑셀 통합 문서(.xlsx)로 읽을 수 없습');
    }
    expect((await svc.call('GET', '/api/health', null)).status).toBe(200);
  });
});

describe('hidden characters in workbook names', () => {
  // U+202E turns "xlsx.exe" around on screen; U+200F, U+2066–U+2069 and the rest reorder text too.
  const shown = (name: string) => `${name.slice(0, 5)}\u202e${name.slice(5)}\u200f\u2066\u2069\u200e\u202a\u202c`;

  it('are stripped from the X-Jachi-Workbook a sync names as its rows’ source', async () => {
    const res = await svc.call('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow() }]), { 'x-jachi-workbook': encodeURIComponent(shown('가양2동 예산.xlsx')) });
    expect(res.status).toBe(200);
    const rows = (await svc.json('GET', '/api/rows/spending?since=0', 'dong')).body.rows;
    expect(rows.map((r: { source: string }) => r.source)).toEqual(['가양2동 예산.xlsx']);
  });

  it('are stripped from an imported workbook’s file name', async () => {
    const res = await upload(fixture, shown('gayang2-2019-spending.xlsx'));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { file: string }).file).toBe('gayang2-2019-spending.xlsx');
  });
});

describe('sync answers', () => {
  it('come gzipped to a client that accepts gzip, as plain JSON to one that does not, the same answer either way', async () => {
    const body = batch([{ values: spendingRow({ item: '압축 확인' }) }, { values: spendingRow({ item: '압축 확인 2', budgetKrw: -1 }) }]);
    const zipped = await svc.call('POST', '/api/sync/spending', 'dong', body, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toContain('Accept-Encoding');
    const answer = JSON.parse(gunzipSync(new Uint8Array(await zipped.arrayBuffer())).toString('utf8'));
    expect(answer.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected']);
    // The same batch again, from a client that takes no gzip (or refuses it): the stored answer, plain.
    for (const encoding of [undefined, 'gzip;q=0, identity']) {
      const plain = await svc.call('POST', '/api/sync/spending', 'dong', body, encoding ? { 'accept-encoding': encoding } : {});
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(await plain.json()).toEqual(answer);
    }
  });

  it('name each batch’s own rows when several large answers are written at once, gzipped or plain', async () => {
    const bodies = Array.from({ length: 4 }, (_, b) =>
      batch(Array.from({ length: 1500 }, (_, i) => ({ values: spendingRow({ item: `동시 ${b}-${i}`, budgetKrw: i === b ? -1 : 1_000 + i }) }))),
    );
    // The writer held until all four wait for it: they are decided and written as one group, their
    // answers in pooled buffers at once.
    const release = holdWriter(svc.store);
    const sending = Promise.all(bodies.map((body, b) => svc.call('POST', '/api/sync/spending', 'dong', body, { 'accept-encoding': b % 2 ? 'gzip' : 'identity' })));
    try {
      for (const body of bodies) {
        await vi.waitFor(async () => expect((await svc.json('GET', `/api/batches/${body.batchId}`, 'dong')).body.status).toBe('pending'), { timeout: 10_000 });
      }
    } finally {
      release();
    }
    const sent = await sending;
    for (const [b, res] of sent.entries()) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(b % 2 ? 'gzip' : null);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const answer = JSON.parse((b % 2 ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8'));
      expect(answer.batchId).toBe(bodies[b]!.batchId);
      expect(answer.results.map((r: { rowId: string }) => r.rowId)).toEqual(bodies[b]!.rows.map((r) => r.rowId.toLowerCase()));
      expect(answer.results.filter((r: { status: string }) => r.status === 'rejected').map((r: { rowId: string }) => r.rowId)).toEqual([bodies[b]!.rows[b]!.rowId.toLowerCase()]);
    }
  });
});
