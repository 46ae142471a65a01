// The one place that turns a sync's answer into cell marks: which cell of the table each refusal or
// warning belongs to (grouped per cell), the conflict marks, and which rows marked before are fine
// now. Pure: the workflow (workflow.ts) hands the marks to the Excel layer, the pane lists the items.
import type { Message } from '../../domain/messages.ts';
import type { Conflict, SyncReport } from './types.ts';

/** A refused or warned cell: data row of the table (0-based), table column (0 = 행ID), its reasons. */
export interface CellItem {
  row: number;
  column: number;
  status: 'rejected' | 'forbidden' | 'invalid' | 'warning';
  messages: Message[];
}

/** A cell to mark, in table coordinates (data row, table column), with its Korean reason. */
export interface ReportMark {
  row: number;
  column: number;
  kind: CellItem['status'] | 'conflict';
  text: string;
}

/** Where the report's rows and fields sit in the table. */
export interface MarkTable {
  /** `fields[j]` is the field of table column j (0 = 행ID); null for a column the service lacks. */
  fields: readonly (string | null)[];
  /** The data row of the engine's row `index` (the rows given to the sync, in order). */
  rowOfIndex?: (index: number) => number | undefined;
  rowOfId: (rowId: string) => number | undefined;
  /** The normaliser's own refusals of a data row, each on its cell's column (for `invalid` rows). */
  cellIssues?: (row: number) => readonly { column: number; message: Message }[] | undefined;
}

export const conflictMessage: Message = {
  ko: '다른 사람이 이 행을 바꾸었습니다. 작업창에서 어느 쪽을 남길지 고르세요.',
  en: 'Someone else changed this row; choose which to keep in the pane.',
};

const refusedRow: Message = { ko: '서비스가 이 행을 받지 않았습니다.', en: 'The service refused this row.' };

/** The table column of a field; an issue on a field the table lacks (or the whole row) goes to the first data column. */
export function columnOfField(fields: readonly (string | null)[], field: string): number {
  const j = fields.indexOf(field);
  return j > 0
    ? j
    : Math.max(
        1,
        fields.findIndex((f, k) => k > 0 && f !== null),
      );
}

/** The refused and warned cells of a report, one item per cell with every reason on it. */
export function cellItems(report: Pick<SyncReport, 'refused' | 'warnings'>, table: MarkTable): { refused: CellItem[]; warnings: CellItem[] } {
  const refused: CellItem[] = [];
  const warnings: CellItem[] = [];
  const rowOf = (index: number | undefined, rowId: string) => (index !== undefined ? (table.rowOfIndex ? table.rowOfIndex(index) : index) : table.rowOfId(rowId));
  const group = (out: CellItem[], row: number, status: CellItem['status'], issues: readonly { column: number; message: Message }[]) => {
    const byColumn = new Map<number, Message[]>();
    for (const issue of issues) byColumn.set(issue.column, [...(byColumn.get(issue.column) ?? []), issue.message]);
    for (const [column, messages] of byColumn) out.push({ row, column, status, messages });
  };
  for (const r of report.refused) {
    const row = rowOf(r.index, r.rowId);
    if (row === undefined) continue;
    const cells = r.status === 'invalid' ? table.cellIssues?.(row) : undefined;
    const issues = cells ?? r.errors.map((e) => ({ column: columnOfField(table.fields, e.field), message: e.message }));
    group(refused, row, r.status, issues.length > 0 ? issues : [{ column: 1, message: refusedRow }]);
  }
  for (const w of report.warnings) {
    const row = rowOf(w.index, w.rowId);
    if (row === undefined) continue;
    group(
      warnings,
      row,
      'warning',
      w.warnings.map((x) => ({ column: columnOfField(table.fields, x.field), message: x.message })),
    );
  }
  return { refused, warnings };
}

/** The marks for the cells and for each conflicting row (on its 동 cell). */
export function cellMarks(items: readonly CellItem[], conflicts: readonly Conflict[], table: MarkTable): ReportMark[] {
  const marks: ReportMark[] = items.map((x) => ({ row: x.row, column: x.column, kind: x.status, text: x.messages.map((m) => m.ko).join('\n') }));
  for (const c of conflicts) {
    const row = table.rowOfId(c.rowId);
    if (row !== undefined) marks.push({ row, column: columnOfField(table.fields, 'dong'), kind: 'conflict', text: conflictMessage.ko });
  }
  return marks;
}

/** Rows to clear: of the rows marked before (by id), those this round leaves unmarked. */
export function rowsToClear(markedBefore: readonly string[], marks: readonly ReportMark[], rowOfId: (rowId: string) => number | undefined): number[] {
  const marked = new Set(marks.map((m) => m.row));
  return markedBefore.map(rowOfId).filter((r): r is number => r !== undefined && !marked.has(r));
}

/**
 * A sync report as the cells to list and mark, and the rows to clear: those marked before
 * (`markedBefore`, by row id; the report's clean rows when not given) that this round leaves unmarked.
 */
export function marksFromReport(
  report: Pick<SyncReport, 'refused' | 'warnings' | 'conflicts' | 'clean'>,
  table: MarkTable,
  markedBefore: readonly string[] = report.clean,
): { refused: CellItem[]; warnings: CellItem[]; marks: ReportMark[]; clearRows: number[] } {
  const { refused, warnings } = cellItems(report, table);
  const marks = cellMarks([...refused, ...warnings], report.conflicts, table);
  return { refused, warnings, marks, clearRows: rowsToClear(markedBefore, marks, table.rowOfId) };
}
