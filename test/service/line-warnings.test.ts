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
