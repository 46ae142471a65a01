// Comparisons as the service sends them (service/store/compare/answers.ts): the bytes DuckDB writes
// hold exactly the rows the comparison reads, in every format; answers are kept until something changes.
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { comparisonNames, type District } from '../../domain/index.ts';
import { comparisonKinds, comparisonScope, comparisonSql, sharedDefinitions, readMaterialized, runComparison, toArrowIPC } from '../../service/store/compare/index.ts';
import { arrowFromDuckDB } from '../../service/store/compare/arrow.ts';
import { keptDefinitions, keptTables } from '../../service/store/compare/kept.ts';
import { AnswerCache, comparisonAnswer, type Answer, type AnswerFormat } from '../../service/store/compare/answers.ts';
import { openFixture, today } from './fixture.ts';
import { parseCsv } from '../support/csv.ts';
import { batch, spendingRow, startService, type TestService } from '../support/service.ts';

let db: Awaited<ReturnType<typeof openFixture>>;
beforeAll(async () => {
  db = await openFixture();
});
afterAll(() => db?.close());

const text = (answer: Answer) => answer.body.toString('utf8');

describe('answers written by DuckDB', () => {
  it('JSON: every comparison gives the rows runComparison reads, in its order, the first answer and the later ones alike', async () => {
    for (const name of comparisonNames) {
      for (const params of [{ today }, { today, phase: name === 'phases' ? ['2', '1'] : '2' }, { today, cohort: '1', rank: 'true' }]) {
        if ('rank' in params && name !== 'summary') continue;
        const expected = await runComparison(db.connection, name, params);
        const first = JSON.parse(text(await comparisonAnswer(db.connection, name, params, 'json')));
        const later = await comparisonAnswer(db.connection, name, params, 'json');
        expect(first, name).toEqual({ columns: expected.columns, rows: expected.rows });
        expect(JSON.parse(text(later)), name).toEqual(first);
        expect(later.rows).toBe(expected.rows.length);
      }
    }
  });

  it('CSV: DuckDB writes the same cells as the first answer, with the BOM, CRLF and formula-like text neutralised', async () => {
    for (const name of comparisonNames) {
      const first = await comparisonAnswer(db.connection, name, { today }, 'csv');
      const later = await comparisonAnswer(db.connection, name, { today }, 'csv');
      expect([...later.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const body = text(later);
      expect(body.split('\r\n').length, name).toBe(later.rows + 2);
      const [a, b] = [parseCsv(text(first).slice(1)), parseCsv(body.slice(1))];
      expect(b.length, name).toBe(a.length);
      for (let r = 0; r < a.length; r++) {
        for (let c = 0; c < a[r]!.length; c++) {
          const [x, y] = [a[r]![c]!, b[r]![c]!];
          // Numbers may be written differently (1e-7 · 0.0000001), never with a different value.
          if (x !== y) expect(Number(y), `${name} row ${r} column ${c}: ${x} · ${y}`).toBeCloseTo(Number(x), 12);
        }
      }
    }
  });

  it('CSV: a dong name a spreadsheet would run as a formula keeps its apostrophe', async () => {
    await db.connection.run(`UPDATE dongs SET name = '=cmd|'' /c calc''!A1' WHERE code = (SELECT min(code) FROM dongs)`);
    try {
      await comparisonAnswer(db.connection, 'spending', { today }, 'csv');
      const body = text(await comparisonAnswer(db.connection, 'spending', { today }, 'csv'));
      expect(body).toContain(`'=cmd|' /c calc'!A1`);
      expect(body).not.toMatch(/(^|,)=cmd/m);
    } finally {
      await db.connection.run(`UPDATE dongs SET name = '가동' WHERE code = (SELECT min(code) FROM dongs)`);
    }
  });

  it('Arrow: whole vectors read out of DuckDB give the same table as the rows encoded one by one, for every comparison', async () => {
    for (const name of comparisonNames) {
      const expected = tableFromIPC(toArrowIPC(await runComparison(db.connection, name, { today })));
      const table = tableFromIPC((await comparisonAnswer(db.connection, name, { today }, 'arrow')).body);
      expect(
        table.schema.fields.map((f) => `${f.name}:${f.type}`),
        name,
      ).toEqual(expected.schema.fields.map((f) => `${f.name}:${f.type}`));
      expect(
        table.toArray().map((r) => r.toJSON()),
        name,
      ).toEqual(expected.toArray().map((r) => r.toJSON()));
    }
  });

  it('Arrow: nulls, non-finite numbers, long and short text, booleans and dates over several chunks', async () => {
    const sql = `SELECT i::INTEGER AS i, i::BIGINT * 1000000007 AS big,
                        CASE WHEN i % 7 = 0 THEN NULL WHEN i % 11 = 0 THEN 'nan'::DOUBLE ELSE i / 3 END AS x,
                        CASE WHEN i % 5 = 0 THEN NULL WHEN i % 2 = 0 THEN '동' ELSE repeat('대전광역시 ', 1 + i % 4) END AS t,
                        i % 3 = 0 AS b, DATE '2019-01-01' + (i % 400)::INTEGER AS d
                 FROM range(5000) r(i) ORDER BY i`;
    const result = await db.connection.run(sql);
    const direct = tableFromIPC(arrowFromDuckDB(result)!);
    const encoded = tableFromIPC(toArrowIPC(readMaterialized(await db.connection.run(sql))));
    expect(direct.numRows).toBe(5000);
    expect(direct.toArray().map((r) => r.toJSON())).toEqual(encoded.toArray().map((r) => r.toJSON()));
    expect(direct.get(11)!.toJSON().x).toBeNull();
    expect(direct.get(3)!.toJSON().t).toBe('대전광역시 대전광역시 대전광역시 대전광역시 ');
  });
});

describe('comparisonKinds', () => {
  // The kinds a query file reads: its views, the kinds summed in the kept tables it reads, and what
  // the shared views and macros it names read (their own files, sql-files.ts).
  const sharedFile = new Map<string, string>([...sharedDefinitions, ...keptDefinitions].flatMap(({ file, names }) => names.map((n) => [n, file] as [string, string])));
  const kindsRead = (file: string, seen = new Set<string>([file])): Set<string> => {
    const kinds = new Set<string>();
    const pattern = new RegExp(
      `\\b(?:FROM|JOIN)\\s+(?:temp\\.(kept_\\w+)|(spending|participation|progress|agendas|council)(?:_rows)?\\b|(${[...sharedFile.keys()].join('|')})\\b)`,
      'g',
    );
    for (const [, kept, kind, shared] of comparisonSql(file).matchAll(pattern)) {
      if (kept) kinds.add(keptTables[kept as keyof typeof keptTables]);
      else if (kind) kinds.add(kind);
      else if (!seen.has(sharedFile.get(shared!)!)) {
        const other = sharedFile.get(shared!)!;
        seen.add(other);
        for (const k of kindsRead(other, seen)) kinds.add(k);
      }
    }
    return kinds;
  };

  it('names exactly the kinds each query file reads, shared views, macros and kept totals and all (an answer is kept while they are unchanged)', () => {
    for (const name of comparisonNames) expect([...kindsRead(`${name}.sql`)].sort(), name).toEqual([...comparisonKinds[name]].sort());
    for (const [table, kind] of Object.entries(keptTables)) expect([...kindsRead(`${table}.sql`)], table).toEqual([kind]);
  });
});

describe('AnswerCache', () => {
  const answer = (bytes: number): Answer => ({ body: Buffer.alloc(bytes), rows: 1 });
  const later = () => {
    let resolve!: (a: Answer) => void;
    const promise = new Promise<Answer>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('computes once for requests asking the same at once, and again when the version moves on', async () => {
    let version = '1.0';
    const cache = new AnswerCache();
    const now = () => version;
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise((r) => setTimeout(r, 5));
      return answer(10);
    };
    const [x, y] = await Promise.all([cache.get('k', now, compute), cache.get('k', now, compute)]);
    expect(x).toBe(y);
    expect(computed).toBe(1);
    await cache.get('k', now, compute);
    expect(computed).toBe(1);
    version = '2.0';
    await cache.get('k', now, compute);
    expect(computed).toBe(2);
  });

  it('while changes keep coming, one answer is made at a time: those who ask meanwhile share the next one, begun after their change', async () => {
    let version = 1;
    const cache = new AnswerCache();
    const now = () => String(version);
    const made: { version: number; done: ReturnType<typeof later> }[] = [];
    const compute = (began: () => void) => {
      began();
      const done = later();
      made.push({ version, done });
      return done.promise;
    };
    const first = cache.get('k', now, compute);
    version = 2; // a sync commits while the first answer is being made
    const second = cache.get('k', now, compute);
    version = 3;
    const third = cache.get('k', now, compute);
    expect(made.map((m) => m.version)).toEqual([1]);
    made[0]!.done.resolve(answer(1));
    await first;
    await new Promise((r) => setTimeout(r, 0));
    // One new computation for both, begun at version 3: it holds both their changes.
    expect(made.map((m) => m.version)).toEqual([1, 3]);
    made[1]!.done.resolve(answer(3));
    expect(await second).toBe(await third);
    expect((await second).body.length).toBe(3);
  });

  it('serves an answer of an older version when nothing it rests on changed since it was begun, and keeps it as the newer one', async () => {
    let version = '1.0';
    const cache = new AnswerCache();
    const now = () => version;
    let computed = 0;
    const compute = async () => (computed++, answer(computed));
    const asked: [string, string][] = [];
    let same = true;
    const unchanged = async (then: string, at: string) => (asked.push([then, at]), same);
    const first = await cache.get('k', now, compute, unchanged);
    version = '2.0';
    expect(await cache.get('k', now, compute, unchanged)).toBe(first);
    expect(computed).toBe(1);
    expect(asked).toEqual([['1.0', '2.0']]);
    // Kept as the answer at 2.0: asked again at 2.0, nothing to check.
    expect(await cache.get('k', now, compute, unchanged)).toBe(first);
    expect(asked).toHaveLength(1);
    expect(cache.counts.kept).toBe(1);
    // A change it rests on: made anew.
    version = '3.0';
    same = false;
    const third = await cache.get('k', now, compute, unchanged);
    expect(computed).toBe(2);
    expect(third).not.toBe(first);
  });

  it('shares an answer still being made at an older version when nothing it rests on changed since it was begun', async () => {
    let version = '1.0';
    const cache = new AnswerCache();
    const made: ReturnType<typeof later>[] = [];
    const compute = () => {
      made.push(later());
      return made.at(-1)!.promise;
    };
    const first = cache.get('k', () => version, compute);
    version = '2.0';
    const second = cache.get(
      'k',
      () => version,
      compute,
      async () => true,
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(made).toHaveLength(1);
    made[0]!.resolve(answer(7));
    expect(await second).toBe(await first);
  });

  it('one still waiting its turn to read is shared by those who ask meanwhile, changes or not: it reads after them', async () => {
    let version = 1;
    const cache = new AnswerCache();
    const now = () => String(version);
    const turns: { take: () => void; version?: string }[] = [];
    const compute = (began: () => void) =>
      new Promise<Answer>((resolve) => {
        const turn: (typeof turns)[number] = {
          take: () => {
            began();
            turn.version = now();
            resolve(answer(version));
          },
        };
        turns.push(turn);
      });
    const first = cache.get('k', now, compute);
    version = 2; // a sync commits while the answer waits for a reader
    const second = cache.get('k', now, compute);
    expect(turns).toHaveLength(1);
    turns[0]!.take();
    expect(await second).toBe(await first);
    expect((await first).body.length).toBe(2);
    // Kept as the answer at the version it began at.
    await cache.get('k', now, compute);
    expect(turns).toHaveLength(1);
  });

  it('keeps at most its budget, the least recently used going first; a failure is not kept', async () => {
    const cache = new AnswerCache(25);
    let computed = 0;
    const get = (key: string) =>
      cache.get(
        key,
        () => 'v',
        async () => (computed++, answer(10)),
      );
    await get('a');
    await get('b');
    await get('a'); // a is now the most recent
    await get('c'); // 30 bytes > 25: b goes
    expect(computed).toBe(3);
    await get('a');
    expect(computed).toBe(3);
    await get('b');
    expect(computed).toBe(4);
    await expect(
      cache.get(
        'bad',
        () => 'v',
        () => Promise.reject(new Error('boom')),
      ),
    ).rejects.toThrow('boom');
    await expect(
      cache.get(
        'bad',
        () => 'v',
        async () => answer(1),
      ),
    ).resolves.toBeDefined();
  });
});

describe('GET /api/compare/:name, kept per revision', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService();
  });
  afterAll(() => svc?.close());

  const get = (accept: string, headers: Record<string, string> = {}) => svc.call('GET', '/api/compare/spending?dong=가양2동', 'manager', undefined, { accept, ...headers });
  const budget = async () =>
    ((await (await get('application/json')).json()) as { rows: { category: string | null; budgetKrw: number }[] }).rows.find((r) => r.category === null)?.budgetKrw ?? 0;

  it('answers 304 to its own ETag while nothing changed, and the new figures with a new ETag after a sync', async () => {
    const first = await get('application/json');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await get('application/json', { 'if-none-match': etag })).status).toBe(304);
    // Another format is another answer.
    expect((await get('text/csv', { 'if-none-match': etag })).status).toBe(200);

    const before = await budget();
    const synced = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow({ budgetKrw: 7_000_000 }) }]));
    expect(synced.status).toBe(200);
    const after = await get('application/json', { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await budget()).toBe(before + 7_000_000);
  });

  it('serves a repeated request from what it kept, and computes once for the three formats each', async () => {
    const { counts } = svc.store.answers;
    await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow() }]));
    const computed = counts.computed;
    const formats: [string, AnswerFormat][] = [
      ['application/json', 'json'],
      ['application/vnd.apache.arrow.stream', 'arrow'],
      ['text/csv', 'csv'],
    ];
    for (let i = 0; i < 3; i++) for (const [accept] of formats) expect((await get(accept)).status).toBe(200);
    expect(counts.computed - computed).toBe(formats.length);
  });

  it('a sync of one kind leaves the answers of comparisons that do not read it as they were', async () => {
    const { counts } = svc.store.answers;
    const first = await get('application/json');
    const etag = first.headers.get('etag')!;
    const computed = counts.computed;
    const meeting = { dong: '가양2동', phase: 1, date: '2019-03-20', activity: '분과위원회', title: '분과 회의', participants: 12 };
    expect((await svc.json('POST', '/api/sync/participation', 'dong', batch([{ values: meeting }]))).status).toBe(200);
    // Spending reads no participation rows: the same answer, no work, 304 to its tag.
    expect((await get('application/json', { 'if-none-match': etag })).status).toBe(304);
    await get('application/json');
    expect(counts.computed).toBe(computed);
    // The summary reads them: computed again.
    const summaryTag = (await svc.call('GET', '/api/compare/summary', 'manager')).headers.get('etag');
    expect((await svc.json('POST', '/api/sync/participation', 'dong', batch([{ values: meeting }]))).status).toBe(200);
    expect((await svc.call('GET', '/api/compare/summary', 'manager')).headers.get('etag')).not.toBe(summaryTag);
  });

  it("keeps a district's answer across a sync of another district's dong, the same bytes as one made afresh; a sync of its own dong makes it anew", async () => {
    const { store } = svc;
    const district = store.reference.resolveDistrict('대덕구') as District;
    const [own, other] = store.reference.reference.dongs.filter((d) => d.district === district.code);
    const ask = async (query: string) => (await svc.call('GET', `/api/compare/spending?${query}&today=${today}`, 'manager')).arrayBuffer();
    const fresh = (params: Record<string, string>) => store.withReader((c) => comparisonAnswer(c, 'spending', { ...params, today }, 'json'));
    await ask(`district=${district.code}`);
    const { computed, kept } = { ...store.answers.counts };
    // 가양2동 is in 동구: nothing of 대덕구 changed.
    expect((await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow({ budgetKrw: 1_000_000 }) }]))).status).toBe(200);
    const keptBody = Buffer.from(await ask(`district=${district.code}`));
    expect(store.answers.counts.computed).toBe(computed);
    expect(store.answers.counts.kept).toBe(kept + 1);
    expect(keptBody.equals((await fresh({ district: district.code })).body)).toBe(true);
    // A row of one of its dongs: computed again, with it.
    const row = { rowId: randomUUID(), values: spendingRow({ dong: own!.code, budgetKrw: 3_000_000, executedKrw: 0 }) };
    const synced = await svc.json('POST', '/api/sync/spending', 'district', batch([row]));
    expect(synced.body.results[0].status).toBe('accepted');
    const made = Buffer.from(await ask(`district=${district.code}`));
    expect(store.answers.counts.computed).toBe(computed + 1);
    expect(made.equals((await fresh({ district: district.code })).body)).toBe(true);
    expect(made.equals(keptBody)).toBe(false);
    // The row moved to another dong: the answer of the dong it left is made anew too.
    const budgetOf = async (dong: string) =>
      (JSON.parse(Buffer.from(await ask(`dong=${dong}`)).toString()) as { rows: { phase: number; category: string | null; budgetKrw: number }[] }).rows.find(
        (r) => r.phase === 1 && r.category === null,
      )?.budgetKrw ?? 0;
    const before = await budgetOf(own!.code);
    const moved = { rowId: row.rowId, baseRevision: synced.body.results[0].revision, values: { ...row.values, dong: other!.code } };
    expect((await svc.json('POST', '/api/sync/spending', 'district', batch([moved]))).body.results[0].status).toBe('accepted');
    expect(await budgetOf(own!.code)).toBe(before - 3_000_000);
  });

  it('a comparison rests on the dongs its filters choose; the summary on whole cities, and on every city unless cities are named', () => {
    const index = svc.store.reference;
    const [a, b] = index.reference.dongs
      .filter((d) => d.district !== index.reference.dongs[0]!.district)
      .slice(0, 1)
      .concat(index.reference.dongs[0]!);
    expect(comparisonScope('spending', { today }, index)).toBeUndefined();
    const byDistrict = comparisonScope('phases', { district: b!.district, phase: '1' }, index)!;
    expect([byDistrict(b!.code), byDistrict(a!.code), byDistrict(b!.district)]).toEqual([true, false, true]);
    expect(comparisonScope('summary', { district: b!.district }, index)).toBeUndefined();
    const byCity = comparisonScope('summary', { city: b!.city, district: b!.district }, index)!;
    expect([byCity(b!.code), byCity(a!.code)]).toEqual([true, a!.city === b!.city]);
    expect(comparisonScope('governance', { district: b!.district }, index)).toBeUndefined();
  });

  it('a bad filter is still a 400 naming it, and is not kept', async () => {
    const res = await svc.json('GET', '/api/compare/spending?phase=abc', 'manager');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_filter');
  });
});
