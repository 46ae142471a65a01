import { describe, expect, it } from 'vitest';
import { readWorkbook, streamWorkbook, type ImportReport } from '../../service/workbook/index.ts';
import type { SheetReport } from '../../domain/index.ts';
import { fixture, outcomes, ref, rejectedAt, rowAt, skippedAt } from './helpers.ts';

const readers = { full: readWorkbook, streaming: streamWorkbook } as const;

function only(report: ImportReport, sheet: string, kind: string): SheetReport {
  expect(report.sheets).toHaveLength(1);
  const s = report.sheets[0] as SheetReport;
  expect(s.sheet).toBe(sheet);
  expect(s.kind).toBe(kind);
  expect(s.error).toBeUndefined();
  return s;
}

describe.each(Object.entries(readers))('fixtures (%s reader)', (_name, read) => {
  it('gayang2-2019-spending.xlsx: every row as the README says', async () => {
    const report = await read(fixture('gayang2-2019-spending.xlsx'), { ref });
    expect(report.file).toBe('gayang2-2019-spending.xlsx');
    const s = only(report, '2019 집행현황', 'spending');
    expect(s.header?.row).toBe(4);
    expect(s.header?.columns.map((c) => [c.column, c.field, c.unit])).toEqual([
      ['B', 'dong', null],
      ['C', 'phase', null],
      ['D', 'fiscalYear', null],
      ['E', 'category', null],
      ['F', 'item', null],
      ['G', 'fundingSource', null],
      ['H', 'budgetKrw', '천원'],
      ['I', 'executedKrw', '천원'],
      ['J', 'executedOn', null],
      ['K', 'note', null],
    ]);
    expect(s.header?.ignored).toEqual([{ column: 'A', header: '연번' }]);

    const base = { dong: '30110-gayang2', phase: 1, fiscalYear: 2019 };
    expect(rowAt(s, 5)?.values).toMatchObject({
      ...base,
      category: '자치지원관 인건비',
      fundingSource: '특별교부세',
      budgetKrw: 40_000_000,
      executedKrw: 40_000_000,
      executedOn: '2019-12-20',
    });
    expect(rowAt(s, 6)?.values).toMatchObject({ ...base, budgetKrw: 12_000_000, executedKrw: 11_500_000, executedOn: '2019-12-20' });
    expect(rowAt(s, 7)?.values).toMatchObject({ ...base, budgetKrw: 20_000_000, executedKrw: 18_250_000, executedOn: '2019-06-30' });
    expect(rowAt(s, 8)?.values).toMatchObject({ ...base, budgetKrw: 30_000_000, executedKrw: 29_870_000, executedOn: '2019-04-15' });
    expect(rowAt(s, 9)?.values).toMatchObject({ ...base, category: '자체 사업비', budgetKrw: 54_000_000, executedKrw: null, executedOn: null });
    expect(skippedAt(s, 10)?.reason).toBe('blank');
    expect(skippedAt(s, 11)?.reason).toBe('total');
    expect(rejectedAt(s, 12).map((r) => [r.column, r.field, r.code])).toEqual([['I', 'executedKrw', 'negative']]);
    expect(rejectedAt(s, 13).map((r) => [r.column, r.field, r.code, r.value])).toEqual([['E', 'category', 'unknown_code', '홍보비']]);
    expect(rejectedAt(s, 14).map((r) => [r.column, r.field, r.code, r.value])).toEqual([['I', 'executedKrw', 'error_cell', '#N/A']]);
    for (const r of s.rejected) {
      expect(r.message.ko).toMatch(/[가-힣]/);
      expect(r.message.en.length).toBeGreaterThan(0);
    }

    expect([...outcomes(s).entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [5, 'accepted'],
      [6, 'accepted'],
      [7, 'accepted'],
      [8, 'accepted'],
      [9, 'accepted'],
      [10, 'skipped'],
      [11, 'skipped'],
      [12, 'rejected'],
      [13, 'rejected'],
      [14, 'rejected'],
    ]);
    expect(s.rows.reduce((sum, r) => sum + (r.values.budgetKrw as number), 0)).toBe(156_000_000);
    expect(s.counts).toEqual({ accepted: 5, rejected: 3, skipped: 2 });
  });

  it('galma1-participation.xlsx: every row as the README says', async () => {
    const s = only(await read(fixture('galma1-participation.xlsx'), { ref }), '주민참여', 'participation');
    const base = { dong: '30170-galma1' };
    expect(rowAt(s, 2)?.values).toMatchObject({ ...base, phase: 1, date: '2019-06-04', activity: '주민자치회 회의', participants: 120, newParticipants: 120, online: false });
    expect(rowAt(s, 3)?.values).toMatchObject({ ...base, phase: 1, date: '2019-09-01', activity: '주민자치학교', participants: 62, newParticipants: 40, online: false });
    expect(rowAt(s, 4)?.values).toMatchObject({ ...base, phase: 1, date: '2019-11-16', activity: '주민총회', participants: 400, newParticipants: null, voters: 387, online: true });
    expect(rowAt(s, 5)?.values).toMatchObject({ ...base, phase: 2, date: '2020-10-24', activity: '주민총회', participants: 350, newParticipants: 90, voters: 1210, online: true });
    expect(rejectedAt(s, 6).map((r) => [r.column, r.code])).toEqual([['G', 'new_over_participants']]);
    expect(rejectedAt(s, 7).map((r) => [r.column, r.code, r.value])).toEqual([['C', 'unreadable_date', '2020-13-01']]);
    expect(outcomes(s).size).toBe(6);
    expect(s.skipped).toEqual([]);
  });

  it('yuseong-progress.xlsx: every row as the README says, the merged 동 applied to rows 2–4', async () => {
    const s = only(await read(fixture('yuseong-progress.xlsx'), { ref }), '추진현황', 'progress');
    const w = { dong: '30200-wonsinheung', phase: 1 };
    expect(rowAt(s, 2)?.values).toMatchObject({ ...w, milestone: '주민자치회 발대식', plannedOn: '2019-05-01', completedOn: '2019-05-01', status: '완료', progressPct: 100 });
    expect(rowAt(s, 3)?.values).toMatchObject({ ...w, milestone: '주민총회 개최', plannedOn: '2019-07-31', completedOn: '2019-07-25', status: '완료', progressPct: 100 });
    expect(rowAt(s, 4)?.values).toMatchObject({ ...w, milestone: '자치계획 실행', plannedOn: '2019-12-31', completedOn: null, status: '진행중', progressPct: 60 });
    expect(rowAt(s, 5)?.values).toMatchObject({ dong: '30200-jinjam', completedOn: '2019-08-05', status: '완료' });
    expect(rowAt(s, 6)?.values).toMatchObject({ dong: '30200-oncheon1', completedOn: '2019-08-06', progressPct: 100 });
    const r7 = rejectedAt(s, 7);
    expect(r7).toHaveLength(1);
    expect(['E', 'F']).toContain(r7[0]?.column);
    expect(r7[0]?.code).toBe('done_without_date');
    // row 5 is done after its plan: a warning, and the row is kept
    expect(s.warnings.filter((w) => w.row === 5).map((w) => [w.column, w.code])).toEqual([['E', 'completed_late']]);
    expect(s.counts).toEqual({ accepted: 5, rejected: 1, skipped: 0 });
  });
});

describe('the two readers agree', () => {
  it.each(['gayang2-2019-spending.xlsx', 'galma1-participation.xlsx', 'yuseong-progress.xlsx'])('%s', async (name) => {
    expect(await streamWorkbook(fixture(name), { ref })).toEqual(await readWorkbook(fixture(name), { ref }));
  });
});
