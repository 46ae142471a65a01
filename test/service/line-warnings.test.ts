import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, spendingRow, startService, type TestService } from '../support/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(() => svc.close());

const codes = (result: any) => (result.warnings ?? []).map((w: any) => `${w.field}:${w.code}`);

describe('warnings that need a dong’s other lines, over HTTP', () => {
  it('warns when the year’s lines exceed the allocation, naming both sums; the rows are kept', async () => {
    // 가양2동 was allocated 156 million won for 2019.
    const first = await svc.json(
      'POST',
      '/api/sync/spending',
      'dong',
      batch([{ values: spendingRow({ category: '자체 사업비', item: '마을 축제', budgetKrw: 116_000_000, executedKrw: null }) }, { values: spendingRow() }]),
    );
    expect(first.body.results.map((r: any) => [r.status, codes(r)])).toEqual([
      ['accepted', []],
      ['accepted', []],
    ]);
    const over = await svc.json(
      'POST',
      '/api/sync/spending',
      'dong',
      batch([{ values: spendingRow({ category: '기타', item: '홍보물', budgetKrw: 196_000_000, executedKrw: null }) }]),
    );
    const [result] = over.body.results;
    expect(result.status).toBe('accepted');
    expect(codes(result)).toEqual(['budgetKrw:over_allocation']);
    expect(result.warnings[0].message.ko).toBe('예산액(원): 가양2동 2019 예산 합계 352백만원이 배정액 156백만원을 넘습니다.');
    // Deleting the line in the same batch as fixing another brings the year back under: no warning.
    const pulled = await svc.json('GET', '/api/rows/spending?since=0', 'dong');
    const big = pulled.body.rows.find((r: any) => r.values.budgetKrw === 196_000_000);
    const small = pulled.body.rows.find((r: any) => r.values.budgetKrw === 40_000_000);
    const fixed = await svc.json(
      'POST',
      '/api/sync/spending',
      'dong',
      batch([{ rowId: small.rowId, baseRevision: small.revision, values: { ...spendingRow(), executedKrw: 40_000_000 } }], [{ rowId: big.rowId, baseRevision: big.revision }]),
    );
    expect(fixed.body.results.map((r: any) => [r.status, codes(r)])).toEqual([
      ['accepted', []],
      ['accepted', []],
    ]);
  });

  it('warns of a likely duplicate line, naming the line it repeats, stored or in the same batch', async () => {
    const line = spendingRow({ fiscalYear: 2020, phase: 2, category: '주민자치학교 운영비', item: '강사료', budgetKrw: 2_000_000, executedKrw: null, executedOn: null });
    const once = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: line }]));
    expect(codes(once.body.results[0])).toEqual([]);
    const again = batch([{ values: { ...line, item: ' 강사료 ' } }]);
    const twice = await svc.json('POST', '/api/sync/spending', 'dong', again);
    expect(twice.body.results[0].status).toBe('accepted');
    expect(codes(twice.body.results[0])).toEqual(['item:likely_duplicate']);
    expect(twice.body.results[0].warnings[0].message.ko).toContain(`주민자치학교 운영비 '강사료' 2,000,000원, 행ID ${once.body.results[0].rowId.slice(0, 8)}`);
    // The same batch sent again is answered as stored, warnings included.
    const replay = await svc.json('POST', '/api/sync/spending', 'dong', again);
    expect(replay.body).toEqual(twice.body);
  });
});

describe('the year’s total behind the over-allocation warning', () => {
  it('stays the table’s own across batches: a line moved to another year or deleted leaves its year, a new one joins it', async () => {
    const dong = svc.store.reference.resolveDong('진잠동');
    if (!dong || dong === 'ambiguous') throw new Error('진잠동 is in the reference');
    const allocation = svc.store.reference.allocationOf(dong.code, 2019)!;
    expect(allocation).toBeGreaterThan(20_000_000);
    const line = (item: string, budgetKrw: number, fiscalYear = 2019) =>
      spendingRow({ dong: '진잠동', phase: fiscalYear - 2018, fiscalYear, category: '기타', item, budgetKrw, executedKrw: null, executedOn: null });
    const sync = async (rows: Parameters<typeof batch>[0], deletes: Parameters<typeof batch>[1] = []) => {
      const answer = await svc.json('POST', '/api/sync/spending', 'admin', batch(rows, deletes));
      expect(answer.body.results.map((r: any) => r.status)).toEqual([...rows, ...deletes].map(() => 'accepted'));
      return answer.body.results as any[];
    };
    const over = (result: any) => result.warnings?.find((w: any) => w.code === 'over_allocation')?.message.ko as string | undefined;
    const stored = async () =>
      Number((await svc.store.reader.runAndReadAll(`SELECT sum(budgetKrw) FROM spending_rows WHERE dong = '${dong.code}' AND fiscalYear = 2019 AND NOT deleted`)).getRows()[0]![0]);
    const million = (won: number) => `${(won / 1_000_000).toLocaleString('en')}백만원`;

    const [a] = await sync([{ values: line('가', allocation - 10_000_000) }]);
    const [b] = await sync([{ values: line('나', 20_000_000) }]);
    expect(over(b)).toContain(`예산 합계 ${million(allocation + 10_000_000)}이`);
    // 나 moves to 2020: 2019 is back under, and a new 5 million line keeps it under.
    await sync([{ rowId: b.rowId, baseRevision: b.revision, values: line('나', 20_000_000, 2020) }]);
    const [c] = await sync([{ values: line('다', 5_000_000) }]);
    expect(over(c)).toBeUndefined();
    expect(await stored()).toBe(allocation - 5_000_000);
    // 가 deleted and a line of the whole allocation added: over by 다's 5 million, as the table says.
    const [, d] = await sync([{ values: line('라', allocation) }], [{ rowId: a.rowId, baseRevision: a.revision }]);
    expect(d.status).toBe('accepted');
    const [e] = await sync([{ values: line('마', 1_000_000) }]);
    expect(await stored()).toBe(allocation + 6_000_000);
    expect(over(e)).toContain(`예산 합계 ${million(await stored())}이`);
  });
});

describe('a likely duplicate among many lines of the same budget', () => {
  it('is found however many stored lines of its dong and year share its budget', async () => {
    const line = (item: string) =>
      spendingRow({ dong: '원신흥동', phase: 2, fiscalYear: 2020, category: '자체 사업비', item, budgetKrw: 1_000_000, executedKrw: null, executedOn: null });
    // 2,500 lines of one million won each (more than are matched outside SQL).
    const many = await svc.json('POST', '/api/sync/spending', 'admin', batch(Array.from({ length: 2500 }, (_, i) => ({ values: line(`물품 ${i}`) }))));
    expect(many.body.results.filter((r: any) => r.status === 'accepted')).toHaveLength(2500);
    const again = await svc.json('POST', '/api/sync/spending', 'admin', batch([{ values: line('물품 1234') }, { values: line('물품 새것') }]));
    const [dup, fresh] = again.body.results;
    expect(codes(dup)).toContain('item:likely_duplicate');
    expect(dup.warnings.find((w: any) => w.code === 'likely_duplicate').message.ko).toContain(`행ID ${many.body.results[1234].rowId.slice(0, 8)}`);
    expect(codes(fresh)).not.toContain('item:likely_duplicate');
  });
});

describe('two lines whose keys share a hash', () => {
  it('are not duplicates of each other, stored or in one batch; a true repeat among them still is', async () => {
    // FNV-1a gives these two keys (가양2동 2020 기타 … 3,000,000원) one 32-bit hash (test/store/line-book.test.ts).
    const line = (item: string) => spendingRow({ dong: '가양2동', phase: 2, fiscalYear: 2020, category: '기타', item, budgetKrw: 3_000_000, executedKrw: null, executedOn: null });
    const sync = async (rows: Parameters<typeof batch>[0]) => (await svc.json('POST', '/api/sync/spending', 'admin', batch(rows))).body.results as any[];
    const together = await sync([{ values: line('현수막 296993') }, { values: line('현수막 1122750') }]);
    expect(together.map((r) => [r.status, codes(r).includes('item:likely_duplicate')])).toEqual([
      ['accepted', false],
      ['accepted', false],
    ]);
    const [stored, repeat] = await sync([{ values: line('현수막 1122750') }, { values: line('현수막 296993') }]);
    expect(stored.warnings.find((w: any) => w.code === 'likely_duplicate').message.ko).toContain(`'현수막 1122750'`);
    expect(stored.warnings.find((w: any) => w.code === 'likely_duplicate').message.ko).toContain(`행ID ${together[1].rowId.slice(0, 8)}`);
    expect(repeat.warnings.find((w: any) => w.code === 'likely_duplicate').message.ko).toContain(`행ID ${together[0].rowId.slice(0, 8)}`);
  });
});

describe('likely duplicates as the stored lines change', () => {
  it('follow each commit: a deleted or moved line is no longer repeated; a line moved into the year is', async () => {
    const line = (item: string, fiscalYear = 2019) =>
      spendingRow({ dong: '온천1동', phase: fiscalYear - 2018, fiscalYear, category: '간사 인건비', item, budgetKrw: 3_000_000, executedKrw: null, executedOn: null });
    const sync = async (rows: Parameters<typeof batch>[0], deletes: Parameters<typeof batch>[1] = []) =>
      (await svc.json('POST', '/api/sync/spending', 'admin', batch(rows, deletes))).body.results as any[];
    const dupOf = async (values: Record<string, unknown>) => {
      const [probe] = await sync([{ values }]);
      // Each probe is taken back, so it never counts itself.
      await sync([], [{ rowId: probe.rowId, baseRevision: probe.revision }]);
      return codes(probe).includes('item:likely_duplicate');
    };
    const [a] = await sync([{ values: line('급여 1월') }]);
    expect(await dupOf(line('급여 1월'))).toBe(true);
    // Moved to 2020: 2019 no longer holds it, 2020 does.
    const [moved] = await sync([{ rowId: a.rowId, baseRevision: a.revision, values: line('급여 1월', 2020) }]);
    expect(await dupOf(line('급여 1월'))).toBe(false);
    expect(await dupOf(line('급여 1월', 2020))).toBe(true);
    // Deleted: no year holds it.
    await sync([], [{ rowId: a.rowId, baseRevision: moved.revision }]);
    expect(await dupOf(line('급여 1월', 2020))).toBe(false);
    // Two of one key, one deleted: the other is still repeated.
    const [b, c] = await sync([{ values: line('급여 2월') }, { values: line('급여 2월') }]);
    expect(codes(c)).toContain('item:likely_duplicate');
    await sync([], [{ rowId: b.rowId, baseRevision: b.revision }]);
    expect(await dupOf(line('급여 2월'))).toBe(true);
  });
});

describe('an edited or unchanged line among its duplicates', () => {
  it('is warned of another line with its key, never of its own stored version', async () => {
    const line = (item: string, executedKrw: number | null = null) =>
      spendingRow({ dong: '덕암동', phase: 1, fiscalYear: 2019, category: '사무공간 조성비', item, budgetKrw: 4_000_000, executedKrw, executedOn: null });
    const sync = async (rows: Parameters<typeof batch>[0]) => (await svc.json('POST', '/api/sync/spending', 'admin', batch(rows))).body.results as any[];
    const [a] = await sync([{ values: line('책상') }]);
    // Its own stored version is not a duplicate: an edit that keeps the key, and the row sent unchanged.
    const [edited] = await sync([{ rowId: a.rowId, baseRevision: a.revision, values: line('책상', 1_000_000) }]);
    expect(edited.status).toBe('accepted');
    expect(codes(edited)).not.toContain('item:likely_duplicate');
    const [same] = await sync([{ rowId: a.rowId, baseRevision: edited.revision, values: line('책상', 1_000_000) }]);
    expect(same.status).toBe('unchanged');
    expect(codes(same)).not.toContain('item:likely_duplicate');
    // The unchanged row and a new line of its key in one batch: each names the other.
    const [again, fresh] = await sync([{ rowId: a.rowId, baseRevision: edited.revision, values: line('책상', 1_000_000) }, { values: line('책상') }]);
    expect([again.status, fresh.status]).toEqual(['unchanged', 'accepted']);
    expect(again.warnings.find((w: any) => w.code === 'likely_duplicate').message.ko).toContain(`행ID ${fresh.rowId.slice(0, 8)}`);
    expect(fresh.warnings.find((w: any) => w.code === 'likely_duplicate').message.ko).toContain(`행ID ${a.rowId.slice(0, 8)}`);
    // Edited again, keeping its key: the stored new line is its duplicate.
    const [third] = await sync([{ rowId: a.rowId, baseRevision: edited.revision, values: line('책상', 2_000_000) }]);
    expect(third.warnings.find((w: any) => w.code === 'likely_duplicate').message.ko).toContain(`행ID ${fresh.rowId.slice(0, 8)}`);
  });
});
