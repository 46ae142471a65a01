import { describe, expect, it } from 'vitest';
import { conflictMessage, marksFromReport, type SyncReport } from '../../addin/sync/index.ts';

const empty: SyncReport = {
  idWrites: [],
  rowsRead: 0,
  rowsSent: 0,
  accepted: 0,
  unchanged: 0,
  refused: [],
  warnings: [],
  conflicts: [],
  deleteCandidates: [],
  tableWrites: [],
  offline: false,
  pendingBatches: 0,
  failedBatches: [],
  clean: [],
};
const msg = (ko: string) => ({ ko, en: ko });

describe('marksFromReport', () => {
  it('puts each reason on its cell, joins reasons on one cell, and lists rows to clear', () => {
    const fields = [null, 'dong', 'phase', 'participants'];
    const rows = new Map([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
    const { marks, clearRows } = marksFromReport(
      {
        ...empty,
        refused: [
          {
            rowId: 'a',
            index: 0,
            status: 'rejected',
            errors: [
              { field: 'participants', code: 'negative', message: msg('참여인원: 음수') },
              { field: 'participants', code: 'not_whole', message: msg('참여인원: 정수') },
              { field: 'unknown', code: 'x', message: msg('행 전체') },
            ],
          },
        ],
        warnings: [{ rowId: 'b', warnings: [{ field: 'phase', code: 'outside_phase', message: msg('단계 기간 밖') }] }],
        clean: ['c'],
      },
      { fields, rowOfId: (id) => rows.get(id) },
    );
    expect(marks).toEqual([
      { row: 0, column: 3, kind: 'rejected', text: '참여인원: 음수\n참여인원: 정수' },
      { row: 0, column: 1, kind: 'rejected', text: '행 전체' },
      { row: 1, column: 2, kind: 'warning', text: '단계 기간 밖' },
    ]);
    expect(clearRows).toEqual([2]);
  });

  it("finds each engine row by its data row, puts an unreadable row's reasons on the normaliser's cells, and names a refusal without reasons", () => {
    const fields = [null, 'dong', 'phase', 'participants'];
    const { refused } = marksFromReport(
      {
        ...empty,
        refused: [
          { rowId: 'x', index: 0, status: 'invalid', errors: [{ field: 'participants', code: 'x', message: msg('무시') }] },
          { rowId: 'y', index: 1, status: 'forbidden', errors: [] },
        ],
      },
      {
        fields,
        rowOfIndex: (i) => [4, 7][i],
        rowOfId: () => undefined,
        cellIssues: (row) => (row === 4 ? [{ column: 2, message: msg('단계: 숫자 아님') }] : undefined),
      },
    );
    expect(refused).toEqual([
      { row: 4, column: 2, status: 'invalid', messages: [msg('단계: 숫자 아님')] },
      { row: 7, column: 1, status: 'forbidden', messages: [{ ko: '서비스가 이 행을 받지 않았습니다.', en: 'The service refused this row.' }] },
    ]);
  });

  it('marks a conflicting row on its 동 cell, and clears only the rows marked before that this round leaves unmarked', () => {
    const fields = [null, '연번', 'dong', 'phase'].map((f) => (f === '연번' ? null : f));
    const rows = new Map([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
    const server = { rowId: 'a', revision: 3, deleted: false, values: {}, updatedBy: 'x', updatedAt: '' } as any;
    const { marks, clearRows } = marksFromReport(
      { ...empty, conflicts: [{ rowId: 'a', mine: {}, server }], warnings: [{ rowId: 'b', warnings: [{ field: 'phase', code: 'w', message: msg('경고') }] }] },
      { fields, rowOfId: (id) => rows.get(id) },
      ['a', 'b', 'c'],
    );
    expect(marks).toEqual([
      { row: 1, column: 3, kind: 'warning', text: '경고' },
      { row: 0, column: 2, kind: 'conflict', text: conflictMessage.ko },
    ]);
    expect(clearRows).toEqual([2]);
  });
});
