import { describe, expect, it } from 'vitest';
import { marksFromReport, type SyncReport } from '../../addin/sync/index.ts';

const empty: SyncReport = {
  idWrites: [], rowsRead: 0, rowsSent: 0, accepted: 0, unchanged: 0, refused: [], warnings: [], conflicts: [],
  deleteCandidates: [], tableWrites: [], offline: false, pendingBatches: 0, failedBatches: [], clean: [],
};
const msg = (ko: string) => ({ ko, en: ko });

describe('marksFromReport', () => {
  it('puts each reason on its cell, joins reasons on one cell, and lists rows to clear', () => {
    const fields = [null, 'dong', 'phase', 'participants'];
    const rows = new Map([['a', 0], ['b', 1], ['c', 2]]);
    const { marks, clearRows } = marksFromReport(
      {
        ...empty,
        refused: [{ rowId: 'a', index: 0, status: 'rejected', errors: [
          { field: 'participants', code: 'negative', message: msg('참여인원: 음수') },
          { field: 'participants', code: 'not_whole', message: msg('참여인원: 정수') },
          { field: 'unknown', code: 'x', message: msg('행 전체') },
        ] }],
        warnings: [{ rowId: 'b', warnings: [{ field: 'phase', code: 'outside_phase', message: msg('단계 기간 밖') }] }],
        clean: ['c'],
      },
      fields,
      (id) => rows.get(id),
    );
    expect(marks).toEqual([
      { row: 0, column: 3, kind: 'rejected', text: '참여인원: 음수\n참여인원: 정수' },
      { row: 0, column: 1, kind: 'rejected', text: '행 전체' },
      { row: 1, column: 2, kind: 'warning', text: '단계 기간 밖' },
    ]);
    expect(clearRows).toEqual([2]);
  });
});
