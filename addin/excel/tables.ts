// A synced table's rows: read in chunks, row ids written, rows from the service written (updated,
// removed, added above a total row), drop-down lists per group of rows, a cell selected.
import { guardFormula } from '../../domain/formula-guard.ts';
import type { RowValues, TableWrite } from '../sync/types.ts';
import { loud, quiet, type Supports } from './quiet.ts';
import type { ExcelHost } from './office-types.ts';

export interface TableRead {
  tableName: string;
  sheet: string;
  headers: string[];
  /** Data rows as Excel holds them (values + numberFormat, for the normaliser). */
  values: unknown[][];
  numberFormat: unknown[][];
  /** 'Error' marks an error cell (its value is the literal, e.g. #N/A). */
  valueTypes: unknown[][];
  /** 0-based sheet row of the first data row, for showing A1 addresses. */
  firstRow: number;
  firstColumn: number;
}

/** One drop-down list for some data rows of a table, with what Excel says of a value outside it. */
export interface ListChoices {
  rows: readonly number[];
  /** The list (no item holds a comma; at most 255 characters joined, as Excel takes). */
  choices: readonly string[];
  title: string;
  message: string;
}

const payloadErrors = new Set(['RequestPayloadSizeLimitExceeded', 'ResponsePayloadSizeLimitExceeded']);

export function isPayloadTooLarge(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  return typeof code === 'string' && payloadErrors.has(code);
}

/** Turns a typed value from the service into what a cell takes. */
export function cellValue(value: RowValues[string] | undefined): string | number | boolean {
  if (value === null || value === undefined) return '';
  // Another official's text that Excel would read as a formula lands as text, never as a formula.
  return typeof value === 'string' ? guardFormula(value) : value;
}

/** The body's cells, `chunk` rows at a time, halving the chunk when Excel refuses the payload. */
async function readChunks(context: Excel.RequestContext, body: Excel.Range, chunkRows: number, onProgress?: (rowsRead: number, rowCount: number) => void) {
  const out = { values: [] as unknown[][], numberFormat: [] as unknown[][], valueTypes: [] as unknown[][] };
  const { rowCount, columnCount } = body;
  let chunk = Math.max(1, chunkRows);
  let start = 0;
  while (start < rowCount) {
    const n = Math.min(chunk, rowCount - start);
    const range = body.getCell(start, 0).getResizedRange(n - 1, columnCount - 1);
    range.load(['values', 'numberFormat', 'valueTypes']);
    try {
      await context.sync();
    } catch (error) {
      if (isPayloadTooLarge(error) && n > 1) {
        chunk = Math.max(1, Math.floor(n / 2));
        continue;
      }
      throw error;
    }
    out.values.push(...range.values);
    out.numberFormat.push(...range.numberFormat);
    out.valueTypes.push(...range.valueTypes);
    start += n;
    onProgress?.(start, rowCount);
  }
  return out;
}

/**
 * Reads a table in chunks (values and number formats). Starts at `chunkRows` rows and halves the
 * chunk when Excel on the web refuses a payload over its 5 MB limit. One sync per chunk.
 */
export async function readTable(
  host: ExcelHost,
  tableName: string,
  options: { chunkRows?: number; onProgress?: (rowsRead: number, rowCount: number) => void } = {},
): Promise<TableRead> {
  return host.run(async (context) => {
    const table = context.workbook.tables.getItem(tableName);
    const header = table.getHeaderRowRange();
    header.load(['values', 'rowIndex', 'columnIndex']);
    const body = table.getDataBodyRange();
    body.load(['rowCount', 'columnCount']);
    table.worksheet.load('name');
    await context.sync();
    const { values, numberFormat, valueTypes } = await readChunks(context, body, options.chunkRows ?? 10_000, options.onProgress);
    // An empty table still has one blank body row in Excel; it is not a row.
    const rows = body.rowCount === 1 && values[0]?.every((v) => v === '' || v === null) ? 0 : values.length;
    return {
      tableName,
      sheet: table.worksheet.name,
      headers: (header.values[0] ?? []).map((h: unknown) => String(h)),
      values: values.slice(0, rows),
      numberFormat: numberFormat.slice(0, rows),
      valueTypes: valueTypes.slice(0, rows),
      firstRow: header.rowIndex + 1,
      firstColumn: header.columnIndex,
    };
  });
}

/** Writes new row ids into the hidden first column. One sync. */
export async function writeRowIds(host: ExcelHost, supports: Supports, tableName: string, writes: readonly { index: number; rowId: string }[]): Promise<void> {
  if (writes.length === 0) return;
  await host.run(async (context) => {
    const body = context.workbook.tables.getItem(tableName).getDataBodyRange();
    const quieted = quiet(context, supports);
    for (const run of runsOf(writes)) body.getCell(run.start, 0).getResizedRange(run.ids.length - 1, 0).values = run.ids.map((id) => [id]);
    await context.sync();
    await loud(context, quieted);
  });
}

type Cells = (string | number | boolean)[];

/** The writes as the table's rows: updates by index, removals by index, appends. */
function planWrites(fields: readonly (string | null)[], rowIds: readonly (string | null)[], writes: readonly TableWrite[]) {
  const at = new Map<string, number>();
  rowIds.forEach((id, i) => {
    if (id && !at.has(id)) at.set(id, i);
  });
  const toRow = (rowId: string, values: RowValues): Cells => fields.map((f, j) => (j === 0 ? rowId : f ? cellValue(values[f]) : ''));
  const plan = { updates: [] as { index: number; row: Cells }[], appends: [] as Cells[], removes: [] as number[] };
  for (const w of writes) {
    const index = at.get(w.rowId);
    if (w.type === 'remove') {
      if (index !== undefined) plan.removes.push(index);
    } else if (index !== undefined) {
      plan.updates.push({ index, row: toRow(w.rowId, w.values) });
    } else {
      plan.appends.push(toRow(w.rowId, w.values));
    }
  }
  return plan;
}

/**
 * Writes rows from the service into the table: updates rows by id, removes tombstones, adds the
 * rest at `appendAt` (a data row index: above the official's total row) or at the end. `fields[j]` is
 * the field of table column j (0 = 행ID, null = a column the service lacks). `rowIds[i]` is the id in
 * data row i as last read. One sync.
 */
export async function writeRows(
  host: ExcelHost,
  supports: Supports,
  tableName: string,
  fields: readonly (string | null)[],
  rowIds: readonly (string | null)[],
  writes: readonly TableWrite[],
  options: { appendAt?: number } = {},
): Promise<{ updated: number; appended: number; removed: number }> {
  const { updates, appends, removes } = planWrites(fields, rowIds, writes);
  if (updates.length + appends.length + removes.length === 0) return { updated: 0, appended: 0, removed: 0 };
  await host.run(async (context) => {
    const table = context.workbook.tables.getItem(tableName);
    const body = table.getDataBodyRange();
    const quieted = quiet(context, supports);
    for (const u of updates) body.getCell(u.index, 0).getResizedRange(0, fields.length - 1).values = [u.row];
    // Bottom up, so each index still points at its row.
    for (const index of [...removes].sort((a, b) => b - a)) table.rows.getItemAt(index).delete();
    // The insertion point moves up by the rows removed above it.
    const appendAt = options.appendAt === undefined ? undefined : options.appendAt - removes.filter((i) => i < options.appendAt!).length;
    if (appends.length > 0) table.rows.add(appendAt, appends);
    await context.sync();
    await loud(context, quieted);
  });
  return { updated: updates.length, appended: appends.length, removed: removes.length };
}

/**
 * Drop-down lists on one column of a table, per group of data rows (a spending line's 관련 의제:
 * the agendas of its dong and year). A value outside the list is allowed after a warning, never
 * refused: the service warns of it too. A group with no choices loses its list. Needs ExcelApi 1.8
 * (data validation); before it, nothing is done and false is answered. One sync.
 */
export async function setListChoices(host: ExcelHost, supports: Supports, tableName: string, column: number, groups: readonly ListChoices[]): Promise<boolean> {
  if (!supports('1.8') || groups.length === 0) return false;
  await host.run(async (context) => {
    const body = context.workbook.tables.getItem(tableName).columns.getItemAt(column).getDataBodyRange();
    const quieted = quiet(context, supports);
    for (const group of groups) {
      const source = group.choices.join(',');
      for (const run of rowRuns(group.rows)) {
        const cells = body.getCell(run.start, 0).getResizedRange(run.count - 1, 0);
        cells.dataValidation.clear();
        if (source === '') continue;
        cells.dataValidation.rule = { list: { inCellDropDown: true, source } };
        cells.dataValidation.errorAlert = { showAlert: true, style: 'Warning', title: group.title, message: group.message };
      }
    }
    await context.sync();
    await loud(context, quieted);
  });
  return true;
}

/** Selects a cell of the table (a results-list click). One sync. */
export async function selectCell(host: ExcelHost, tableName: string, row: number, column: number): Promise<void> {
  await host.run(async (context) => {
    const table = context.workbook.tables.getItem(tableName);
    table.worksheet.activate();
    table.getDataBodyRange().getCell(row, column).select();
    await context.sync();
  });
}

/** Row indexes as runs of consecutive rows. */
function rowRuns(rows: readonly number[]): { start: number; count: number }[] {
  const runs: { start: number; count: number }[] = [];
  for (const r of [...rows].sort((a, b) => a - b)) {
    const last = runs.at(-1);
    if (last && last.start + last.count === r) last.count += 1;
    else if (!last || last.start + last.count < r) runs.push({ start: r, count: 1 });
  }
  return runs;
}

/** Consecutive row indexes grouped, so ids are written a block at a time. */
function runsOf(writes: readonly { index: number; rowId: string }[]): { start: number; ids: string[] }[] {
  const sorted = [...writes].sort((a, b) => a.index - b.index);
  const runs: { start: number; ids: string[] }[] = [];
  for (const w of sorted) {
    const last = runs.at(-1);
    if (last && last.start + last.ids.length === w.index) last.ids.push(w.rowId);
    else runs.push({ start: w.index, ids: [w.rowId] });
  }
  return runs;
}
