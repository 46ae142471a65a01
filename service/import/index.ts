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
  /** Keep every accepted row in the report (default true); false keeps memory flat for huge files. */
  keepRows?: boolean;
  onProgress?: (p: ImportProgress & { phase: 'read' | 'store'; stored: number }) => void;
}

interface Pending {
  sheet: string;
  kind: Kind;
  row: ReportRow & { rowId: string };
}

/** What storing did to one sheet's rows. */
interface SheetOutcome {
  kept: ReportRow[];
  keptCount: number;
  refused: ReportIssue[];
}

const conflictIssue = (result: RowResult): Issue =>
  rowIssue({ field: 'rowId', header: '행ID', label: 'Row id' }, 'import_conflict', result.server?.updatedBy ?? '');

/**
 * Imports a workbook: read through the normaliser and the rules (streamed), then stored through the
 * same batches, rules and scopes as the sync API, 5,000 rows at a time while the file is still
 * being read. A dry run goes through the same checks (scope, conflicts) and writes nothing. A row keeps its 행ID, or a key derived from what the row is about,
 * so importing the same workbook again changes nothing. A row changed since by someone else (not
 * by an import of this same file) is a conflict, never overwritten.
 */
export async function importWorkbook(store: Store, source: string | Uint8Array, actor: Actor, options: ImportOptions): Promise<ImportReport> {
  const keepRows = options.keepRows ?? true;
  const pending: Pending[] = [];
  const outcomes = new Map<string, SheetOutcome>();
  let stored = 0;

  const flush = async () => {
    while (pending.length > 0) {
      const chunk = pending.splice(0, maxBatchRows);
      // One sheet (and so one kind) per batch.
      const same = chunk.filter((p) => p.sheet === chunk[0]!.sheet);
      pending.unshift(...chunk.slice(same.length));
      await storeBatch(same);
    }
  };

  const storeBatch = async (batch: Pending[]) => {
    const { sheet, kind } = batch[0]!;
    const outcome = outcomes.get(sheet) ?? { kept: [], keptCount: 0, refused: [] };
    outcomes.set(sheet, outcome);
    const current = await store.revisionsOf(kind, batch.map((p) => p.row.rowId));
    const body = {
      batchId: randomUUID(),
      rows: batch.map(({ row }) => {
        const now = current.get(row.rowId.toLowerCase());
        // The workbook may update what this same writer last imported from a file of this name;
        // a row anyone else changed since (in the add-in, or by their own import) is a conflict.
        const base = now && !now.deleted && now.source === options.file && now.updatedBy === actor.name ? now.revision : null;
        return { rowId: row.rowId, baseRevision: base, values: row.values };
      }),
      deletes: [],
    };
    // A dry run answers what storing would, row by row, and writes nothing.
    const results = options.dryRun ? await store.preview(kind, body, actor) : (await store.sync(kind, body, actor, options.file)).results;
    results.forEach((result, i) => {
      const { row } = batch[i]!;
      if (result.status === 'accepted' || result.status === 'unchanged') {
        outcome.keptCount += 1;
        if (keepRows) outcome.kept.push(row);
        return;
      }
      for (const issue of result.status === 'conflict' ? [conflictIssue(result)] : (result.errors ?? [])) {
        outcome.refused.push({
          row: row.row,
          column: '',
          field: issue.field,
          value: issue.field === 'rowId' ? row.rowId : ((row.values[issue.field] ?? null) as ReportIssue['value']),
          code: result.status === 'conflict' ? 'conflict' : issue.code,
          message: issue.message,
        });
      }
    });
    stored += batch.length;
    options.onProgress?.({ sheet, row: batch.at(-1)!.row.row, phase: 'store', stored });
  };

  const report = await streamWorkbook(source, {
    ref: store.reference,
    kind: options.kind,
    sheet: options.sheet,
    file: options.file,
    deriveRowIds: true,
    keepRows: false,
    onRow: (row, at) => {
      if (row.rowId) pending.push({ sheet: at.sheet, kind: at.kind, row: row as Pending['row'] });
    },
    drain: async () => {
      if (pending.length >= maxBatchRows) await flush();
    },
    onProgress: options.onProgress ? (p) => options.onProgress!({ ...p, phase: 'read', stored }) : undefined,
  });
  await flush();
  for (const sheet of report.sheets) mergeOutcome(sheet, outcomes.get(sheet.sheet));
  return report;
}

/** Puts what storing refused beside what reading refused, at the sheet's own cells. */
function mergeOutcome(sheet: SheetReport, outcome: SheetOutcome | undefined): void {
  if (!outcome) return;
  const columnOf = (field: string) => sheet.header?.columns.find((c) => c.field === field)?.column ?? sheet.header?.columns[0]?.column ?? 'A';
  const refused = outcome.refused.map((r) => ({ ...r, column: columnOf(r.field) }));
  sheet.rows = outcome.kept;
  sheet.rejected = [...sheet.rejected, ...refused].sort((a, b) => a.row - b.row);
  sheet.counts = { ...sheet.counts, accepted: outcome.keptCount, rejected: sheet.counts.rejected + new Set(refused.map((r) => r.row)).size };
}
