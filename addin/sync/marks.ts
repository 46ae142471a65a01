import type { Issue, SyncReport } from './types.ts';

/** A cell to mark, in table coordinates (data row, table column), with its Korean reason. */
export interface ReportMark {
  row: number;
  column: number;
  kind: 'rejected' | 'forbidden' | 'invalid' | 'warning' | 'conflict';
  text: string;
}

/**
 * Turns a sync report into cell marks for the Excel layer. `fields[j]` is the field of table column
 * j (0 = 행ID); an issue on a field the table lacks (or on the whole row) marks the first data column.
 * Also returns the rows to clear: rows now in step with the service.
 */
export function marksFromReport(report: SyncReport, fields: readonly (string | null)[], rowOf: (rowId: string) => number | undefined): { marks: ReportMark[]; clearRows: number[] } {
  const byCell = new Map<string, ReportMark>();
  const column = (field: string) => {
    const j = fields.indexOf(field);
    return j > 0 ? j : 1;
  };
  const add = (row: number | undefined, kind: ReportMark['kind'], issues: readonly Issue[]) => {
    if (row === undefined) return;
    for (const issue of issues) {
      const j = column(issue.field);
      const key = `${row}:${j}`;
      const mark = byCell.get(key);
      if (mark) mark.text += `\n${issue.message.ko}`;
      else byCell.set(key, { row, column: j, kind, text: issue.message.ko });
    }
  };
  for (const r of report.refused) add(r.index ?? rowOf(r.rowId), r.status, r.errors);
  for (const w of report.warnings) add(w.index ?? rowOf(w.rowId), 'warning', w.warnings);
  for (const c of report.conflicts) {
    add(rowOf(c.rowId), 'conflict', [{ field: fields[1] ?? '', code: 'conflict', message: { ko: '다른 사람이 이 행을 바꾸었습니다. 작업창에서 어느 쪽을 남길지 고르세요.', en: 'Someone else changed this row; choose which to keep in the pane.' } }]);
  }
  const clearRows = report.clean.map(rowOf).filter((i): i is number => i !== undefined);
  return { marks: [...byCell.values()], clearRows };
}
