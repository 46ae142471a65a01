import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { scanJson } from '../../service/http/json.ts';
import { parseJson } from '../../service/http/json-scan.ts';
import { defaultJsonLimits } from '../../service/http/limits.ts';
import { servedPerTest } from '../support/service.ts';

const serve = servedPerTest();

const shape = { maxDepth: 3, maxItems: 3, maxValues: 10, maxStringLength: 5 };

const utf8 = (text: string) => new TextEncoder().encode(text);
const problemOf = (text: string) => scanJson(utf8(text), shape).problem;

describe('scanJson: counts over the raw bytes, before anything is parsed', () => {
  it('passes what fits and names the first limit a body goes over', () => {
    expect(problemOf('{"a":[1,2,3],"b":"12345"}')).toBeNull();
    expect(problemOf('[[[[]]]]')).toEqual({ kind: 'depth', limit: 3 });
    expect(problemOf('[1,2,3,4]')).toEqual({ kind: 'items', limit: 3 });
    expect(problemOf('{"a":1,"b":2,"c":3,"d":4}')).toEqual({ kind: 'items', limit: 3 });
    expect(problemOf('[[1,2],[3,4],[5,6,7]]')).toEqual({ kind: 'values', limit: 10 });
    expect(problemOf('["123456"]')).toEqual({ kind: 'string', limit: 5 });
    // commas, brackets and escaped quotes inside strings are text, not structure
    expect(problemOf('["a,]\\"", "{,["]')).toBeNull();
    expect(problemOf(']')).toEqual({ kind: 'syntax' });
  });

  it('counts a string in characters as written, whatever their bytes; a byte-order mark is not a value', () => {
    expect(problemOf('["가양2동다"]')).toBeNull();
    expect(problemOf('["가양2동다라"]')).toEqual({ kind: 'string', limit: 5 });
    // One character beyond the Basic Multilingual Plane counts two, as in JavaScript.
    expect(problemOf('["😀😀a"]')).toBeNull();
    expect(problemOf('["😀😀😀"]')).toEqual({ kind: 'string', limit: 5 });
    expect(problemOf('["\\u00e9\\n"]')).toEqual({ kind: 'string', limit: 5 });
    expect(problemOf('\ufeff{"a":[1,2,3]}')).toBeNull();
  });

  it('counts a string as the decoder will give it, broken UTF-8 included', () => {
    const wide = { ...shape, maxStringLength: 1_000_000 };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (inside) => {
        // Any bytes but the quote and the backslash, between quotes.
        const bytes = Uint8Array.from([0x22, ...inside.filter((b) => b !== 0x22 && b !== 0x5c), 0x22]);
        const decoded = new TextDecoder().decode(bytes.subarray(1, -1)).length;
        expect(scanJson(bytes, { ...wide, maxStringLength: decoded }).problem).toBeNull();
        if (decoded > 0) expect(scanJson(bytes, { ...wide, maxStringLength: decoded - 1 }).problem).toEqual({ kind: 'string', limit: decoded - 1 });
      }),
      { numRuns: 2000 },
    );
    // Well-formed text (the usual body), escapes and characters of every width among it: the
    // string's length in JavaScript, as written (an escape as its characters).
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 3 }), (text, tail) => {
        const written = JSON.stringify(text + tail);
        const bytes = utf8(`[${written}]`);
        const length = written.length - 2;
        expect(scanJson(bytes, { ...wide, maxStringLength: length }).problem).toBeNull();
        if (length > 0) expect(scanJson(bytes, { ...wide, maxStringLength: length - 1 }).problem).toEqual({ kind: 'string', limit: length - 1 });
      }),
      { numRuns: 2000 },
    );
    // 1,000 stray continuation bytes are 1,000 characters once decoded, not none.
    expect(scanJson(Uint8Array.from([0x22, ...new Array<number>(1000).fill(0x80), 0x22]), shape).problem).toEqual({ kind: 'string', limit: 5 });
  });

  it('tells a body whose bytes are JSON.stringify’s own text (a sync batch’s fingerprint is of them) from one written otherwise', () => {
    const roomy = { maxDepth: 1000, maxItems: 1e6, maxValues: 1e6, maxStringLength: 1e6 };
    const compact = (text: string) => scanJson(utf8(text), roomy).compact;
    expect(compact('{"a":["b c\\n\\"",1,-2,true,null]}')).toBe(true);
    expect(compact('{"a": ["b c",1]}')).toBe(false);
    expect(compact('{"a":["b c",1]}\n')).toBe(false);
    expect(compact('\ufeff{"a":1}')).toBe(false);
    for (const number of ['1.5', '1.0', '1e3', '-0', '1234567890123456']) expect(compact(`[${number}]`), number).toBe(false);
    expect(compact('[123456789012345]')).toBe(true);
    for (const escaped of ['\\u00e9', '\\/']) expect(compact(`["${escaped}"]`), escaped).toBe(false);
    expect(scanJson(Uint8Array.from([0x5b, 0x22, 0xff, 0x22, 0x5d]), roomy).compact).toBe(false);
    // Whatever a client writes, bytes called compact are what JSON.stringify writes for their value.
    const written = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => JSON.stringify(v).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)),
      fc.jsonValue().map((v) => JSON.stringify(v).replace(/(\d)(?=[,\]}]|$)/g, '$1.0')),
      fc.jsonValue().map((v) => JSON.stringify(v, null, 1)),
    );
    fc.assert(
      fc.property(written, (text) => {
        let canonical: string;
        try {
          canonical = JSON.stringify(JSON.parse(text));
        } catch {
          return;
        }
        if (scanJson(utf8(text), roomy).compact) expect(text).toBe(canonical);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads every body as the UTF-8 decoder does: Korean, characters beyond the BMP, broken bytes, a byte-order mark', () => {
    const roomy = { maxDepth: 1000, maxItems: 1e6, maxValues: 1e6, maxStringLength: 1e6 };
    const decoded = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    const bodies = fc.oneof(
      fc.jsonValue().map((v) => utf8(JSON.stringify(v))),
      fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => utf8(JSON.stringify({ item: text, dong: '가양2동' }))),
      fc.string({ unit: 'grapheme', maxLength: 20 }).map((text) => utf8(`\ufeff${JSON.stringify([text, '세부내역 😀'])}`)),
      // Any bytes between quotes: a broken sequence reads as U+FFFD, as the decoder gives it.
      fc.uint8Array({ maxLength: 48 }).map((inside) => Uint8Array.from([0x5b, 0x22, ...inside.filter((b) => b >= 0x20 && b !== 0x22 && b !== 0x5c), 0x22, 0x5d])),
    );
    fc.assert(
      fc.property(bodies, (bytes) => {
        const read = parseJson(bytes, roomy);
        expect('value' in read ? read.value : read).toEqual(decoded(bytes));
      }),
      { numRuns: 3000 },
    );
  });
});

/** `{"batchId":…,"rows":[],"deletes":[],"x":[{},{},…]}` of about `bytes` bytes. */
const emptyObjectsBomb = (bytes: number) => `{"batchId":"${randomUUID()}","rows":[],"deletes":[],"x":[${'{},'.repeat(Math.floor(bytes / 3))}{}]}`;

describe('bounded JSON bodies (issue 17: one body never takes the service down)', () => {
  it('refuses a 15 MB sync body of empty objects (422, Korean first) without building it, and keeps answering', async () => {
    const { svc, base } = await serve();
    const bomb = emptyObjectsBomb(15 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(defaultJsonLimits.sync.maxBytes);
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 1);
    const res = await fetch(`${base}/api/sync/spending`, {
      method: 'POST',
      headers: { authorization: `Bearer ${svc.tokens.dong}`, 'content-type': 'application/json' },
      body: bomb,
    });
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    clearInterval(sample);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: { ko: string; en: string } } };
    expect(body.error.code).toBe('body_too_complex');
    expect(Object.keys(body.error.message)).toEqual(['ko', 'en']);
    expect(body.error.message.ko).toContain('20,000개');
    // ~5 million objects would take hundreds of MB; the text and its bytes are a few times 15 MB.
    expect(peak - before).toBeLessThan(150 * 1024 * 1024);
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect((await health.json()) as object).toMatchObject({ status: 'ok' });
  });

  it('each route has its own limits, set by the operator: bytes (413), nesting and counts (422)', async () => {
    const small = { maxBytes: 2_000, maxDepth: 4, maxItems: 50, maxValues: 200, maxStringLength: 300 };
    const { svc, base } = await serve({ limits: { json: { ...defaultJsonLimits, sync: small, query: small, tokens: small, reference: small } } });
    const post = (path: string, token: string, body: string, method = 'POST') =>
      fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    const deep = `{"sql":"SELECT 1","x":${'['.repeat(50)}${']'.repeat(50)}}`;
    const many = `{"batchId":"${randomUUID()}","rows":[],"x":[${Array(60).fill('0').join(',')}]}`;
    const cases = [
      { path: '/api/query', token: svc.tokens.analyst, body: deep, status: 422, code: 'body_too_complex' },
      { path: '/api/query', token: svc.tokens.analyst, body: JSON.stringify({ sql: `SELECT '${'x'.repeat(400)}'` }), status: 413, code: 'body_too_large' },
      { path: '/api/query', token: svc.tokens.analyst, body: JSON.stringify({ sql: 'SELECT 1', pad: 'x'.repeat(3_000) }), status: 413, code: 'body_too_large' },
      { path: '/api/sync/spending', token: svc.tokens.dong, body: many, status: 422, code: 'body_too_complex' },
      { path: '/api/tokens', token: svc.tokens.admin, body: deep, status: 422, code: 'body_too_complex' },
      { path: '/api/reference', token: svc.tokens.admin, body: many, status: 422, code: 'body_too_complex', method: 'PUT' },
    ];
    for (const c of cases) {
      const res = await post(c.path, c.token, c.body, c.method);
      expect({ path: c.path, status: res.status }).toEqual({ path: c.path, status: c.status });
      const body = (await res.json()) as { error: { code: string; message: { ko: string; en: string } } };
      expect(body.error.code).toBe(c.code);
      expect(body.error.message.ko).toMatch(/[가-힣]/);
    }
    // Within the limits the routes work as before.
    const ok = await post('/api/query', svc.tokens.analyst, JSON.stringify({ sql: 'SELECT 1 AS one' }));
    expect(ok.status).toBe(200);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });

  it('counts a body sent without a length (chunked) as it arrives, as it judges a declared one by its header', async () => {
    const small = { ...defaultJsonLimits.sync, maxBytes: 2_000 };
    const { svc, base } = await serve({ limits: { json: { ...defaultJsonLimits, sync: small } } });
    const batch = (pad: number) => JSON.stringify({ batchId: randomUUID(), rows: [], deletes: [], ...(pad > 0 ? { pad: 'x'.repeat(pad) } : {}) });
    /** The body in two chunks, so fetch sends it chunked with no Content-Length. */
    const chunked = (text: string) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          const bytes = utf8(text);
          controller.enqueue(bytes.subarray(0, 10));
          controller.enqueue(bytes.subarray(10));
          controller.close();
        },
      });
    const send = (body: string | ReadableStream<Uint8Array>) =>
      fetch(`${base}/api/sync/spending`, {
        method: 'POST',
        headers: { authorization: `Bearer ${svc.tokens.dong}`, 'content-type': 'application/json' },
        body,
        ...(typeof body === 'string' ? {} : { duplex: 'half' }),
      } as RequestInit);
    for (const body of [batch(0), chunked(batch(0))]) expect((await send(body)).status).toBe(200);
    for (const body of [batch(3_000), chunked(batch(3_000))]) {
      const res = await send(body);
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    }
  });
});
