import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { rowIssue, type HeaderMap, type Issue, type Kind, type ReportIssue, type ReportRow, type SheetReport } from '../../domain/index.ts';
import type { ImportProgress, ImportReport } from '../workbook/index.ts';
import { maxBatchRows, type Actor, type RowResult, type Store } from '../store/store.ts';
import { importLimitsFromEnv, type ImportLimits } from './limits.ts';
import { readInWorker, type SpooledRow } from './reader.ts';

export { defaultImportLimits, importLimitsFromEnv, type ImportLimits } from './limits.ts';
export { runningReaders } from './reader.ts';

export interface ImportOptions {
  kind?: Kind;
  sheet?: string;
  /** Headers the official mapped by hand (`--map`, the `map` field): header → field, or ignored. */
  map?: HeaderMap;
  dryRun?: boolean;
  /** The name recorded as the rows' source (the workbook's file name). */
  file: string;
  /** Keep every accepted row in the report (default true); false keeps memory flat for huge files. */
  keepRows?: boolean;
  onProgress?: (p: ImportProgress & { phase: 'read' | 'store'; stored: number }) => void;
  /** What the workbook may cost to read (default: `importLimitsFromEnv()`). */
  limits?: ImportLimits;
  /** Stops reading (the worker thread) when it aborts: the request ended, timed out or its client left. */
  signal?: AbortSignal;
  /** Hand the bytes' memory to the reading thread instead of copying them (the caller must not use them after). */
  transfer?: boolean;
}

/** One sync batch an import stored: its id (GET /api/batches/:batchId), its sheet and how many rows it carried. */
export interface ImportBatch {
  batchId: string;
  sheet: string;
  kind: Kind;
  rows: number;
}

/** The import report, with the batches stored (none in a dry run). */
export interface StoredImportReport extends ImportReport {
  batches: ImportBatch[];
}

/**
 * Storing failed after some batches were stored (the database refused one): the batches stored
 * are named. Importing the same file again stores nothing twice (rows already stored come back
 * `unchanged`: their derived row ids and this writer's base revisions).
 */
export class ImportIncompleteError extends Error {
  constructor(
    readonly stored: ImportBatch[],
    override readonly cause: unknown,
  ) {
    super(`import stopped after ${stored.length} stored batches: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'ImportIncompleteError';
  }
}

type Pending = SpooledRow;

/** What storing did to one sheet's rows. */
interface SheetOutcome {
  kept: ReportRow[];
  keptCount: number;
  refused: ReportIssue[];
  /** Warnings of the store (on rows it kept), beside the reader's. */
  warned: ReportIssue[];
}

const conflictIssue = (result: RowResult): Issue => rowIssue({ field: 'rowId', header: '행ID', label: 'Row id' }, 'import_conflict', result.server?.updatedBy ?? '');

/**
 * Imports a workbook, all or nothing. First it is read whole, off the service thread (reader.ts:
 * a worker with its own heap cap, stopped when `signal` aborts), through the limits, the
 * normaliser and the rules, its accepted rows spooled to a temporary file: a workbook over a
 * limit, unreadable, or abandoned while it is read stores nothing. Then the spool is stored through
 * the same batches, rules and scopes as the sync API, 5,000 rows at a time, to the end (a client
 * that leaves now no longer stops it); should the database refuse a batch, ImportIncompleteError
 * names the batches stored. A dry run goes through the same checks (scope, conflicts) and writes
 * nothing. A row keeps its 행ID, or a key derived from what the row is about, so importing the same
 * workbook again changes nothing. A row changed since by someone else (not by an import of this
 * same file) is a conflict, never overwritten.
 */
export async function importWorkbook(store: Store, source: string | Uint8Array, actor: Actor, options: ImportOptions): Promise<StoredImportReport> {
  const keepRows = options.keepRows ?? true;
  const pending: Pending[] = [];
  const outcomes = new Map<string, SheetOutcome>();
  const batches: ImportBatch[] = [];
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
    const outcome = outcomes.get(sheet) ?? { kept: [], keptCount: 0, refused: [], warned: [] };
    outcomes.set(sheet, outcome);
    const current = await store.revisionsOf(
      kind,
      batch.map((p) => p.row.rowId),
    );
    const batchId = randomUUID();
    const body = { batchId, rows: batch.map(({ row }) => syncRow(row, current.get(row.rowId.toLowerCase()), options.file, actor)), deletes: [] };
    // A dry run answers what storing would, row by row, and writes nothing.
    let results: RowResult[];
    if (options.dryRun) results = await store.preview(kind, body, actor);
    else {
      try {
        results = (await store.sync(kind, body, actor, options.file)).results;
      } catch (error) {
        throw new ImportIncompleteError(batches, error);
      }
      batches.push({ batchId, sheet, kind, rows: batch.length });
    }
    recordResults(outcome, batch, results, keepRows);
    stored += batch.length;
    options.onProgress?.({ sheet, row: batch.at(-1)!.row.row, phase: 'store', stored });
  };

  const read = await readInWorker(
    {
      source,
      file: options.file,
      kind: options.kind,
      sheet: options.sheet,
      map: options.map,
      reference: store.references.indexFor(actor).reference,
      limits: options.limits ?? importLimitsFromEnv(),
    },
    {
      signal: options.signal,
      transfer: options.transfer,
      onProgress: options.onProgress ? (p) => options.onProgress!({ ...p, phase: 'read', stored }) : undefined,
    },
  );
  try {
    // Read whole and within its limits: from here every batch is stored.
    for await (const line of createInterface({ input: createReadStream(read.spool, 'utf8'), crlfDelay: Infinity })) {
      if (line === '') continue;
      pending.push(JSON.parse(line) as Pending);
      if (pending.length >= maxBatchRows) await flush();
    }
    await flush();
  } finally {
    await read.discard();
  }
  const report: StoredImportReport = { ...read.report, batches };
  for (const sheet of report.sheets) mergeOutcome(sheet, outcomes.get(sheet.sheet));
  return report;
}

/**
 * A row as the sync API takes it. The workbook may update what this same writer last imported from
 * a file of this name; a row anyone else changed since (in the add-in, or by their own import) is a
 * conflict.
 */
function syncRow(row: Pending['row'], now: { revision: number; deleted: boolean; source: string | null; updatedBy: string } | undefined, file: string, actor: Actor) {
  const base = now && !now.deleted && now.source === file && now.updatedBy === actor.name ? now.revision : null;
  return { rowId: row.rowId, baseRevision: base, values: row.values };
}

/** What the store answered for each row of a batch, into the sheet's outcome: rows kept, refused cells, warnings only the store can tell. */
function recordResults(outcome: SheetOutcome, batch: Pending[], results: RowResult[], keepRows: boolean): void {
  results.forEach((result, i) => {
    const { row } = batch[i]!;
    if (result.status === 'accepted' || result.status === 'unchanged') {
      outcome.keptCount += 1;
      if (keepRows) outcome.kept.push(row);
      // What only the store can tell (a year over its allocation, a likely duplicate) joins the
      // warnings the reader found, at the sheet's own cell.
      for (const issue of result.warnings ?? []) {
        outcome.warned.push({
          row: row.row,
          column: '',
          field: issue.field,
          value: (row.values[issue.field] ?? null) as ReportIssue['value'],
          code: issue.code,
          message: issue.message,
        });
      }
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
}

/** Puts what storing refused beside what reading refused, at the sheet's own cells. */
function mergeOutcome(sheet: SheetReport, outcome: SheetOutcome | undefined): void {
  if (!outcome) return;
  const columnOf = (field: string) => sheet.header?.columns.find((c) => c.field === field)?.column ?? sheet.header?.columns[0]?.column ?? 'A';
  const refused = outcome.refused.map((r) => ({ ...r, column: columnOf(r.field) }));
  const known = new Set(sheet.warnings.map((w) => `${w.row}|${w.field}|${w.code}`));
  const warned = outcome.warned.filter((w) => !known.has(`${w.row}|${w.field}|${w.code}`)).map((w) => ({ ...w, column: columnOf(w.field) }));
  sheet.warnings = [...sheet.warnings, ...warned].sort((a, b) => a.row - b.row);
  sheet.rows = outcome.kept;
  sheet.rejected = [...sheet.rejected, ...refused].sort((a, b) => a.row - b.row);
  sheet.counts = { ...sheet.counts, accepted: outcome.keptCount, rejected: sheet.counts.rejected + new Set(refused.map((r) => r.row)).size };
}
