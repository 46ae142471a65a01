// addin/taskpane/views/upload-model.ts: what the 파일 올리기 view shows of an import report — the header
// in sheet order with each column's field after the official's own mapping, and how many rows a
// report would store — without a DOM.
import { describe, expect, it } from 'vitest';
import { acceptedRows, columnOrder, mapEntry, mappedColumns, type SheetReport } from '../../addin/taskpane/views/upload-model.ts';

const sheet = (over: Partial<SheetReport> = {}): SheetReport => ({
  sheet: '예산집행',
  kind: 'spending',
  header: {
    row: 3,
    columns: [
      { column: 'AA', header: '행ID', field: 'rowId' },
      { column: 'B', header: '집행금액', field: 'executedKrw' },
      { column: 'A', header: '동', field: 'dong' },
    ],
    ignored: [{ column: 'C', header: '담당자' }],
  },
  rejected: [],
  warnings: [],
  counts: { accepted: 10, rejected: 1, skipped: 2 },
  ...over,
});

describe('the header as read', () => {
  it('lists the columns in sheet order (Z before AA), the row id not offered, an unknown header not read', () => {
    expect(mappedColumns(sheet(), {})).toEqual([
      { column: 'A', header: '동', field: 'dong' },
      { column: 'B', header: '집행금액', field: 'executedKrw' },
      { column: 'C', header: '담당자', field: '' },
    ]);
    expect(columnOrder('Z')).toBeLessThan(columnOrder('AA'));
  });

  it('shows the official’s own mapping: a header mapped by hand, a header set not to be read', () => {
    const map = { 담당자: 'note', 집행금액: mapEntry('') };
    expect(mappedColumns(sheet(), map).map((c) => c.field)).toEqual(['dong', '', 'note']);
    expect(map.집행금액).toBe('무시');
  });

  it('a sheet whose kind or header could not be told offers no mapping', () => {
    expect(mappedColumns(sheet({ kind: null }), {})).toEqual([]);
    expect(mappedColumns(sheet({ header: null }), {})).toEqual([]);
  });
});

it('counts the rows a report would store, none from a sheet that could not be read', () => {
  const unreadable = sheet({ error: { code: 'unknown_kind', message: { ko: '알 수 없음', en: 'unknown' } } });
  expect(acceptedRows({ file: 'a.xlsx', sheets: [sheet(), unreadable, sheet({ counts: { accepted: 5, rejected: 0, skipped: 0 } })] })).toBe(15);
});
