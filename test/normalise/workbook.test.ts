import { describe, expect, it } from 'vitest';
import '../../service/workbook/exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import { normaliseOfficeRange, type SheetReport } from '../../domain/index.ts';
import { createRowKeyer, readWorkbook, streamWorkbook, type ImportReport, type ReadWorkbookOptions } from '../../service/workbook/index.ts';
import { outcomes, ref, rejectedAt, rowAt, skippedAt } from './helpers.ts';

async function build(fill: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  fill(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** Both readers, and they must agree. */
async function readBoth(bytes: Uint8Array, options: Omit<ReadWorkbookOptions, 'ref'> = {}): Promise<ImportReport> {
  const full = await readWorkbook(bytes, { ref, ...options });
  const streamed = await streamWorkbook(bytes, { ref, ...options });
  expect(streamed).toEqual(full);
  return full;
}

const first = (r: ImportReport) => r.sheets[0] as SheetReport;

const participationHeader = ['동', '단계', '일자', '활동유형', '활동명', '참여인원', '신규참여', '투표수', '온라인', '비고'];

describe('the 1904 date system', () => {
  it('reads date cells and serials of a 1904 workbook as the days Excel shows', async () => {
    const bytes = await build((wb) => {
      wb.properties.date1904 = true;
      const ws = wb.addWorksheet('주민참여');
      ws.addRow(participationHeader);
      ws.addRow(['갈마1동', 1, new Date(Date.UTC(2019, 5, 4)), '주민총회', '', 10]);
      const r3 = ws.addRow(['갈마1동', 1, 43709 - 1462, '주민총회', '', 10]);
      r3.getCell(3).numFmt = 'yyyy-mm-dd';
    });
    const s = first(await readBoth(bytes));
    expect(rowAt(s, 2)?.values.date).toBe('2019-06-04');
    expect(rowAt(s, 3)?.values.date).toBe('2019-09-01');
  });

  it('reads the same serial as another day in a 1900 workbook', async () => {
    const bytes = await build((wb) => {
      const ws = wb.addWorksheet('주민참여');
      ws.addRow(participationHeader);
      const r = ws.addRow(['갈마1동', 1, 43709 - 1462, '주민총회', '', 10]);
      r.getCell(3).numFmt = 'yyyy-mm-dd';
    });
    expect(rowAt(first(await readBoth(bytes)), 2)?.values.date).toBe('2015-08-31');
  });
});

describe('merged cells', () => {
  it('a merged 동 or 단계 cell applies to every row it spans; a merged amount does not', async () => {
    const bytes = await build((wb) => {
      const ws = wb.addWorksheet('예산집행');
      ws.addRow(['동', '단계', '회계연도', '비목', '세부내역', '재원', '예산액(원)', '집행액(원)']);
      ws.addRow(['가양2동', '1단계', 2019, '기타', 'a', '시비', 100, 50]);
      ws.addRow([null, null, 2019, '기타', 'b', '시비', 200, null]);
      ws.addRow([null, null, 2019, '기타', 'c', '시비', 300, 10]);
      ws.addRow(['진잠동', 2, 2020, '기타', 'd', '구비', 400, 40]);
      ws.mergeCells('A2:A4');
      ws.mergeCells('B2:B4');
      ws.mergeCells('H2:H3');
    });
    const s = first(await readBoth(bytes));
    expect(s.rows.map((r) => [r.row, r.values.dong, r.values.phase, r.values.executedKrw])).toEqual([
      [2, '30110-gayang2', 1, 50],
      [3, '30110-gayang2', 1, null],
      [4, '30110-gayang2', 1, 10],
      [5, '30200-jinjam', 2, 40],
    ]);
    expect(s.warnings.map((w) => [w.row, w.column, w.code])).toEqual([[3, 'H', 'merged_not_filled']]);
  });

  it('a row under a merge that ended is not filled', async () => {
    const bytes = await build((wb) => {
      const ws = wb.addWorksheet('추진현황');
      ws.addRow(['동', '단계', '추진과제', '상태']);
      ws.addRow(['원신흥동', 1, '위원 선정', '진행중']);
      ws.addRow([null, 1, '자치규약 제정', '진행중']);
      ws.addRow([null, 1, '자치계획 수립', '진행중']);
      ws.mergeCells('A2:A3');
    });
    const s = first(await readBoth(bytes));
    expect(rowAt(s, 3)?.values.dong).toBe('30200-wonsinheung');
    expect(rejectedAt(s, 4).map((r) => [r.column, r.code])).toEqual([['A', 'required']]);
  });
});

describe('rows skipped, cells refused', () => {
  const bytes = build((wb) => {
    const ws = wb.addWorksheet('집행');
    ws.addRow(['2019년 예산 집행 현황']);
    ws.addRow([null, null, null, null, null, null, '(단위: 백만원)']);
    ws.addRow([]);
    ws.addRow(['연번', '동명', '구분', '연도', '비목', '재원', '예산액', '집행액(원)']);
    ws.addRow([1, '가양2동', '1단계', 2019, '기타', '시비', 1.5, '1,000']);
    ws.addRow([]);
    ws.addRow(['', '  ', null, null, null, null, null, null]);
    ws.addRow(['연번', '동명', '구분', '연도', '비목', '재원', '예산액', '집행액(원)']);
    ws.addRow(['소계', null, null, null, null, null, 1.5, 1000]);
    ws.addRow([2, '가양2동', '1단계', 2019, '기타', '시비', { error: '#VALUE!' }, { error: '#DIV/0!' }]);
    ws.addRow([3, '가양2동', '1단계', 2019, '기타', '시비', { formula: 'A1', result: { error: '#REF!' } }, 5]);
    ws.addRow([4, '가양2동', '1단계', '2019', '기타', '시비', '0.0005', '△5']);
    ws.addRow(['총 계', null, null, null, null, null, 3, 1005]);
    ws.addRow([]);
    ws.addRow([]);
  });

  it('reports blank, total and repeated header rows with a reason, and refuses error cells', async () => {
    const s = first(await readWorkbook(await bytes, { ref }));
    // exceljs' streaming reader drops the text of a formula's error result: still refused, at the same cell
    const streamed = first(await streamWorkbook(await bytes, { ref }));
    expect(rejectedAt(streamed, 11).map((r) => [r.column, r.code])).toEqual([['G', 'error_cell']]);
    expect(['=A1', '#REF!']).toContain(rejectedAt(streamed, 11)[0]?.value);
    expect({ ...streamed, rejected: streamed.rejected.filter((r) => r.row !== 11) }).toEqual({ ...s, rejected: s.rejected.filter((r) => r.row !== 11) });
    expect(s.header?.row).toBe(4);
    expect(s.header?.columns.find((c) => c.field === 'budgetKrw')?.unit).toBe('백만원');
    expect(s.header?.columns.find((c) => c.field === 'executedKrw')?.unit).toBe('원');
    expect(rowAt(s, 5)?.values).toMatchObject({ budgetKrw: 1_500_000, executedKrw: 1000 });
    expect(skippedAt(s, 6)?.reason).toBe('blank');
    expect(skippedAt(s, 7)?.reason).toBe('blank');
    expect(skippedAt(s, 8)?.reason).toBe('repeated_header');
    expect(skippedAt(s, 9)?.reason).toBe('total');
    expect(rejectedAt(s, 10).map((r) => [r.column, r.code, r.value])).toEqual([
      ['G', 'error_cell', '#VALUE!'],
      ['H', 'error_cell', '#DIV/0!'],
    ]);
    expect(rejectedAt(s, 11).map((r) => [r.column, r.code, r.value])).toEqual([['G', 'error_cell', '#REF!']]);
    expect(rejectedAt(s, 12).map((r) => [r.column, r.code])).toEqual([['H', 'negative']]);
    expect(skippedAt(s, 13)?.reason).toBe('total');
    // trailing blank rows are the sheet's end, not rows
    expect(outcomes(s).has(14)).toBe(false);
    expect(s.skipped.every((k) => k.message.ko.length > 0 && k.message.en.length > 0)).toBe(true);
  });
});

describe('sheets, kinds and row ids', () => {
  const bytes = build((wb) => {
    const notes = wb.addWorksheet('안내');
    notes.addRow(['이 파일은 예시입니다']);
    const p = wb.addWorksheet('참여');
    p.addRow(['행ID', ...participationHeader]);
    p.addRow(['0F8FAD5B-D9CB-469F-A165-70867728950E', '갈마1동', 1, '2019-06-04', '주민총회', '제1회', 100]);
    p.addRow(['not-an-id', '갈마1동', 1, '2019-06-05', '주민총회', '제2회', 100]);
    p.addRow([null, '갈마1동', 1, '2019-06-06', '주민총회', '제3회', 100]);
    p.addRow([null, '갈마1동', 1, '2019-06-06', '주민총회', '제3회', 100]);
    const g = wb.addWorksheet('추진');
    g.addRow(['동', '단계', '추진과제', '상태', '진척률(%)']);
    g.addRow(['진잠동', 1, '위원 선정', '진행 중', 0.5]);
  });

  it('auto-detects the kind of each sheet and leaves out sheets without a header', async () => {
    const r = await readBoth(await bytes);
    expect(r.sheets.map((s) => [s.sheet, s.kind])).toEqual([
      ['참여', 'participation'],
      ['추진', 'progress'],
    ]);
  });

  it('picks sheets by --kind and --sheet, and names a missing sheet', async () => {
    expect((await readBoth(await bytes, { kind: 'progress' })).sheets.map((s) => s.sheet)).toEqual(['추진']);
    expect((await readBoth(await bytes, { sheet: '참여' })).sheets.map((s) => s.sheet)).toEqual(['참여']);
    const missing = await readBoth(await bytes, { sheet: '없음' });
    expect(missing.sheets[0]?.error?.code).toBe('sheet_not_found');
    const wrong = await readBoth(await bytes, { sheet: '안내' });
    expect(wrong.sheets[0]?.error?.code).toBe('no_header');
  });

  it('takes 행ID as the row id, refuses a broken one, and derives stable ids for the others', async () => {
    const s = first(await readBoth(await bytes, { sheet: '참여' }));
    expect(rowAt(s, 2)?.rowId).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(rejectedAt(s, 3).map((r) => [r.column, r.code])).toEqual([['A', 'invalid_row_id']]);
    expect(rowAt(s, 4)?.rowId).toBeUndefined();

    const a = first(await readBoth(await bytes, { sheet: '참여', deriveRowIds: true }));
    const b = first(await readBoth(await bytes, { sheet: '참여', deriveRowIds: true }));
    expect(a.rows.map((r) => r.rowId)).toEqual(b.rows.map((r) => r.rowId));
    expect(rowAt(a, 2)?.rowId).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    const [r4, r5] = [rowAt(a, 4)?.rowId, rowAt(a, 5)?.rowId];
    expect(r4).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r5).not.toBe(r4); // the same line twice: told apart by order
  });

  it('a derived key ignores the sheet position, the file, and amounts; variants of a code give the same key', () => {
    const base = {
      dong: '30110-gayang2',
      phase: 1,
      fiscalYear: 2019,
      category: '기타',
      item: 'x',
      fundingSource: '특별교부세',
      budgetKrw: 1,
      executedKrw: null,
      executedOn: null,
      note: null,
    };
    const k1 = createRowKeyer('spending')(base);
    const k2 = createRowKeyer('spending')({ ...base, budgetKrw: 999, note: '고침' });
    expect(k2).toBe(k1);
    expect(createRowKeyer('spending')({ ...base, item: 'y' })).not.toBe(k1);
  });

  it('reads a percent column formatted as 0% and codes with spaces', async () => {
    const bytes2 = await build((wb) => {
      const g = wb.addWorksheet('추진');
      g.addRow(['동', '단계', '추진과제', '상태', '진척률(%)']);
      const r = g.addRow(['진잠동', 1, '위원 선정', '진행 중', 0.5]);
      r.getCell(5).numFmt = '0%';
    });
    expect(rowAt(first(await readBoth(bytes2)), 2)?.values).toMatchObject({ status: '진행중', progressPct: 50 });
  });
});

describe('large workbooks', () => {
  it('streams with progress, hands rows on and need not keep them', async () => {
    const n = 3000;
    const bytes = await build((wb) => {
      const ws = wb.addWorksheet('주민참여');
      ws.addRow(participationHeader);
      for (let i = 0; i < n; i++) ws.addRow(['갈마1동', 1, 43709 + (i % 100), '분과위원회', `회의 ${i}`, 10 + (i % 7), i % 5]);
    });
    const progress: number[] = [];
    let handed = 0;
    const r = await streamWorkbook(bytes, {
      ref,
      keepRows: false,
      onRow: (_row, at) => {
        expect(at.kind).toBe('participation');
        handed++;
      },
      onProgress: (p) => progress.push(p.row),
    });
    expect(handed).toBe(n);
    expect(first(r).rows).toEqual([]);
    expect(first(r).counts.accepted).toBe(n);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toBeGreaterThanOrEqual(n);
  });
});

describe('the add-in path (Office.js-shaped values)', () => {
  it('reads values, number formats, error types, merges and an offset range', () => {
    const report = normaliseOfficeRange(
      {
        name: '추진현황',
        address: '추진현황!B2:G6',
        values: [
          ['동', '단계', '추진과제', '완료일', '상태', '진척률'],
          ['원신흥동', 1, '주민총회 개최', 43676, '완료', 1],
          ['', '1', '자치계획 실행', '', '진행 중', 0.6],
          ['진잠동', '1단계', '위원 선정', '', '미착수', '#N/A'],
          ['', '', '', '', '', ''],
        ],
        numberFormat: [
          ['General', 'General', 'General', 'General', 'General', 'General'],
          ['General', 'General', 'General', 'yyyy-mm-dd', 'General', '0%'],
          ['General', 'General', 'General', 'yyyy-mm-dd', 'General', '0%'],
          ['General', 'General', 'General', 'yyyy-mm-dd', 'General', 'General'],
          ['General', 'General', 'General', 'General', 'General', 'General'],
        ],
        valueTypes: [
          ['String', 'String', 'String', 'String', 'String', 'String'],
          ['String', 'Double', 'String', 'Double', 'String', 'Double'],
          ['Empty', 'String', 'String', 'Empty', 'String', 'Double'],
          ['String', 'String', 'String', 'Empty', 'String', 'Error'],
          ['Empty', 'Empty', 'Empty', 'Empty', 'Empty', 'Empty'],
        ],
        merges: ['B3:B4'],
      },
      { ref },
    );
    expect(report.header?.row).toBe(2);
    expect(report.header?.columns[0]?.column).toBe('B');
    expect(report.rows.map((r) => [r.row, r.values.dong, r.values.completedOn, r.values.status, r.values.progressPct])).toEqual([
      [3, '30200-wonsinheung', '2019-07-30', '완료', 100],
      [4, '30200-wonsinheung', null, '진행중', 60],
    ]);
    expect(report.rejected.map((r) => [r.row, r.column, r.code, r.value])).toEqual([[5, 'G', 'error_cell', '#N/A']]);
    expect(report.skipped).toEqual([]);
  });
});

describe('a rule’s warning in the sheet’s own terms', () => {
  it('says what the rule found — the dong’s joining phase, its population — under the sheet’s header, never the cell’s value in its place', async () => {
    const bytes = await build((wb) => {
      const ws = wb.addWorksheet('주민참여');
      ws.addRow(participationHeader);
      // 도마1동 joined in phase 2; 50,000 is more than its population.
      ws.addRow(['도마1동', 1, new Date(Date.UTC(2019, 5, 4)), '주민총회', '총회', 50_000]);
    });
    const s = first(await readBoth(bytes));
    const messages = JSON.stringify(s);
    expect(messages).not.toContain('undefined');
    const said = (code: string) =>
      JSON.stringify(s)
        .match(new RegExp(`"code":"${code}","message":\\{"ko":"([^"]*)","en":"([^"]*)"`))
        ?.slice(1);
    const [joinedKo, joinedEn] = said('before_joined') ?? [];
    expect(joinedKo).toBe('단계: 도마1동은(는) 2단계에 시범사업에 합류했습니다. 그 전 단계의 행인지 확인하세요.');
    expect(joinedEn).toContain('도마1동 joined the pilot in phase 2');
    const [crowdKo] = said('over_population') ?? [];
    expect(crowdKo).toBe('참여인원: 50,000명이 동 인구 17,900명보다 많습니다. 값을 확인하세요.');
  });
});
