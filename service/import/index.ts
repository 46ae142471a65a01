import { randomUUID } from 'node:crypto';
import { rowIssue, type Issue, type Kind, type ReportIssue, type ReportRow, type SheetReport } from '../../domain/index.ts';
import { streamWorkbook, type ImportProgress, type ImportReport } from '../workbook/index.ts';
import { maxBatchRows, type Actor, type RowResult, type Store } from '../store/store.ts';

export interface ImportOptions {
  kind?: Kind;
  sheet?: string;
  dryRun?: boolean;
  /** The name recorded as the rows' source (the workbook's file name). */
  file: string;
  onProgress?: (p: ImportProgress & { phase: 'read' | 'store'; stored?: number; total?: number }) => void;
}

/** Which column letter holds a field on this sheet (for naming the cell of a refusal). */
function columnOf(sheet: SheetReport, field: string): string {
  return sheet.header?.columns.find((c) => c.field === field)?.column ?? sheet.header?.columns[0]?.column ?? 'A';
}

const conflictIssue = (result: RowResult): Issue =>
  rowIssue({ field: 'rowId', header: '행ID', label: 'Row id' }, 'import_conflict', result.server?.updatedBy ?? '');

/**
 * Imports a workbook: read through the normaliser and the rules (streamed), then, unless a dry run,
 * stored through the same batches, rules and scopes as the sync API. A row keeps its 행ID, or a key
 * derived from what the row is about, so importing the same workbook again changes nothing. A row
 * changed since by someone else (not by an import of this same file) is a conflict, never overwritten.
 */
export async function importWorkbook(store: Store, source: string | Uint8Array, actor: Actor, options: ImportOptions): Promise<ImportReport> {
  const report = await streamWorkbook(source, {
    ref: store.reference,
    kind: options.kind,
    sheet: options.sheet,
    file: options.file,
    deriveRowIds: true,
    onProgress: options.onProgress ? (p) => options.onProgress!({ ...p, phase: 'read' }) : undefined,
  });
  if (options.dryRun) return report;
  const total = report.sheets.reduce((n, s) => n + s.rows.length, 0);
  let stored = 0;
  for (const sheet of report.sheets) {
    if (!sheet.kind || sheet.rows.length === 0) continue;
    const kept: ReportRow[] = [];
    const refused: ReportIssue[] = [];
    for (let start = 0; start < sheet.rows.length; start += maxBatchRows) {
      const chunk = sheet.rows.slice(start, start + maxBatchRows).filter((r): r is ReportRow & { rowId: string } => Boolean(r.rowId));
      const current = await store.revisionsOf(sheet.kind, chunk.map((r) => r.rowId));
      const answer = await store.sync(
        sheet.kind,
        {
          batchId: randomUUID(),
          rows: chunk.map((r) => {
            const now = current.get(r.rowId.toLowerCase());
            // The workbook may update what an import of the same file wrote; anything else is a conflict.
            const base = now && !now.deleted && now.source === options.file ? now.revision : null;
            return { rowId: r.rowId, baseRevision: base, values: r.values };
          }),
          deletes: [],
        },
        actor,
        options.file,
      );
      answer.results.forEach((result, i) => {
        const row = chunk[i]!;
        if (result.status === 'accepted' || result.status === 'unchanged') {
          kept.push(row);
          return;
        }
        const issues = result.status === 'conflict' ? [conflictIssue(result)] : (result.errors ?? []);
        for (const issue of issues) {
          refused.push({
            row: row.row,
            column: columnOf(sheet, issue.field),
            field: issue.field,
            value: issue.field === 'rowId' ? row.rowId : ((row.values[issue.field] ?? null) as ReportIssue['value']),
            code: result.status === 'conflict' ? 'conflict' : issue.code,
            message: issue.message,
          });
        }
      });
      stored += chunk.length;
      options.onProgress?.({ sheet: sheet.sheet, row: chunk.at(-1)?.row ?? 0, phase: 'store', stored, total });
    }
    sheet.rows = kept;
    sheet.rejected = [...sheet.rejected, ...refused].sort((a, b) => a.row - b.row);
    sheet.counts = { ...sheet.counts, accepted: kept.length, rejected: sheet.counts.rejected + new Set(refused.map((r) => r.row)).size };
  }
  return report;
}
