// The only place that calls Excel.run (through ExcelHost). Plain data in, plain data out: no proxy
// object leaves this file. Each operation queues its work and syncs once; the two exceptions are
// documented where they are (chunked reads and writes sync once per chunk; reading before writing
// is the split-loop pattern: queue every load, sync, then queue every write, sync).
import { fieldNumberFormats } from '../../domain/number-formats.ts';
import { metaColumns, rowIdHeader, sheets, kinds, type Kind } from '../../domain/sheets.ts';
import { guardFormula } from '../../domain/formula-guard.ts';
import type { RowValues, TableWrite } from '../sync/types.ts';
import { officeHost, type ExcelHost, type Range, type RequestContext, type Table } from './office-types.ts';

export interface TemplateColumn {
  field: string;
  header: string;
  type: string;
  codes?: readonly string[];
}

/** What inserting a template did: the table, the sheet it was put on (when created), and whether it has drop-down lists. */
export interface TemplateInserted {
  kind: Kind;
  table: string;
  created: boolean;
  sheet?: string;
  /** A sheet of the kind's name was there already: the table went on `sheet` instead. */
  renamed?: boolean;
  dropDowns: boolean;
}

/** A sheet name and the names to use instead when a sheet of that name exists: `예산집행 (2)`, … */
export function freeNameCandidates(base: string, count = 10): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? base : `${base.slice(0, 31 - ` (${i + 1})`.length)} (${i + 1})`));
}

export interface TemplateSpec {
  kind: Kind;
  sheet: string;
  table: string;
  columns: readonly TemplateColumn[];
}

/** The templates, one per kind, from the sheet definitions (or from /api/meta's columns when given). */
export function templateSpecs(metaKinds?: { kind: string; sheet: string; columns: TemplateColumn[] }[]): TemplateSpec[] {
  return kinds.map((kind) => {
    const fromMeta = metaKinds?.find((k) => k.kind === kind);
    return { kind, sheet: fromMeta?.sheet ?? sheets[kind].sheet, table: sheets[kind].table, columns: fromMeta?.columns ?? metaColumns(kind) };
  });
}

/** Number formats of the template's columns by field type: domain/number-formats.ts, as the .xlsx export. */
export const numberFormats: Readonly<Record<string, string | undefined>> = fieldNumberFormats;

/** Fill colours of marked cells. */
export const markColours = { rejected: '#F8D7DA', forbidden: '#F8D7DA', invalid: '#F8D7DA', warning: '#FFF3CD', conflict: '#E2D9F3' } as const;
export type MarkKind = keyof typeof markColours;

/** Prefix of every note or comment this add-in writes, so it is told apart from the official's own. */
export const notePrefix = '[자치 장부] ';

export interface CellMark {
  /** Row in the table's data body (0-based), column in the table (0-based, 0 = 행ID). */
  row: number;
  column: number;
  kind: MarkKind;
  /** The Korean reason(s), shown in the note. */
  text: string;
}

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

export interface HeaderCandidates {
  sheet: string;
  address: string;
  /** The table the selection is in, if any. */
  tableName: string | null;
  /** The first rows of the region (a title row may sit above the header). */
  rows: unknown[][];
  /** Merged areas in the region (A1 ranges without the sheet); null when Excel cannot tell (before ExcelApi 1.13). */
  merges: string[] | null;
}

export type NoteMode = 'notes' | 'comments' | 'fill';

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

export function createExcelLayer(host: ExcelHost = officeHost()) {
  const supports = (version: string) => host.isSetSupported('ExcelApi', version);

  function noteMode(): NoteMode {
    if (supports('1.18')) return 'notes';
    if (supports('1.10')) return 'comments';
    return 'fill';
  }

  /** Quiet the workbook while writing: no recalculation until the sync, no events from our own writes. */
  function quiet(context: RequestContext): boolean {
    context.application.suspendApiCalculationUntilNextSync();
    if (supports('1.9')) context.application.suspendScreenUpdatingUntilNextSync?.();
    if (!supports('1.8')) return false;
    context.runtime.enableEvents = false;
    return true;
  }

  async function loud(context: RequestContext, quieted: boolean): Promise<void> {
    if (!quieted) return;
    context.runtime.enableEvents = true;
    await context.sync();
  }

  /**
   * Inserts the template tables that are missing, each on a new sheet: under the kind's sheet name,
   * or, when a sheet of that name exists (the official's own), the first free `예산집행 (2)`, … —
   * never over an existing sheet. Drop-down lists need ExcelApi 1.8 (data validation): before it the
   * tables come without them (`dropDowns: false`). Load, sync; write, sync.
   */
  async function insertTemplates(specs: readonly TemplateSpec[] = templateSpecs()): Promise<TemplateInserted[]> {
    const dropDowns = supports('1.8');
    return host.run(async (context) => {
      const wb = context.workbook;
      const existing = specs.map((spec) => ({
        table: wb.tables.getItemOrNullObject(spec.table),
        names: freeNameCandidates(spec.sheet).map((name) => ({ name, sheet: wb.worksheets.getItemOrNullObject(name) })),
      }));
      for (const e of existing) {
        e.table.load('isNullObject');
        for (const n of e.names) n.sheet.load('isNullObject');
      }
      await context.sync();

      const quieted = quiet(context);
      const out: TemplateInserted[] = [];
      const taken = new Set<string>();
      specs.forEach((spec, i) => {
        const e = existing[i]!;
        if (!e.table.isNullObject) {
          out.push({ kind: spec.kind, table: spec.table, created: false, dropDowns });
          return;
        }
        const free = e.names.find((n) => n.sheet.isNullObject && !taken.has(n.name));
        if (!free) throw new Error(`no free sheet name for ${spec.sheet}`);
        taken.add(free.name);
        const sheet = wb.worksheets.add(free.name);
        const headers = [rowIdHeader, ...spec.columns.map((c) => c.header)];
        const headerRange = sheet.getRangeByIndexes(0, 0, 1, headers.length);
        headerRange.values = [headers];
        const table = sheet.tables.add(headerRange, true);
        table.name = spec.table;
        const idColumn = table.columns.getItemAt(0);
        idColumn.getDataBodyRange().numberFormat = [['@']];
        idColumn.getRange().columnHidden = true;
        spec.columns.forEach((column, j) => {
          const body = table.columns.getItemAt(j + 1).getDataBodyRange();
          const format = numberFormats[column.type];
          if (format) body.numberFormat = [[format]];
          if (dropDowns && column.codes && column.codes.length > 0 && !column.codes.some((c) => c.includes(','))) {
            body.dataValidation.rule = { list: { inCellDropDown: true, source: column.codes.join(',') } };
          }
        });
        sheet.freezePanes.freezeRows(1);
        out.push({ kind: spec.kind, table: spec.table, created: true, sheet: free.name, renamed: free.name !== spec.sheet, dropDowns });
      });
      await context.sync();
      await loud(context, quieted);
      return out;
    });
  }

  /**
   * Adopt, step 1: the block of the selection (or the table it is in), its first rows and its merged
   * areas. Outside a table the block is the selection's current region widened to every used row of
   * the sheet, so title rows above a blank row and rows below a blank row (totals, later lines) are
   * part of it, as an official sees the sheet. Merged areas need ExcelApi 1.13 (null before).
   */
  async function readHeaderCandidates(maxRows = 10): Promise<HeaderCandidates> {
    return host.run(async (context) => {
      const selected = context.workbook.getSelectedRange();
      const region = selected.getSurroundingRegion();
      region.load(['address', 'rowIndex', 'columnIndex', 'rowCount', 'columnCount']);
      const sheet = region.worksheet;
      sheet.load('name');
      const used = sheet.getUsedRange(true);
      used.load(['rowIndex', 'rowCount']);
      // Not getFirst(): in Excel it fails the whole sync when the selection is in no table.
      const tables = supports('1.9') ? selected.getTables(false) : undefined;
      tables?.load('items/name');
      await context.sync();
      const tableName = tables?.items[0]?.name ?? null;

      const top = tableName ? region.rowIndex : Math.min(region.rowIndex, used.rowIndex);
      const bottom = tableName ? region.rowIndex + region.rowCount : Math.max(region.rowIndex + region.rowCount, used.rowIndex + used.rowCount);
      const block = tableName ? region : sheet.getRangeByIndexes(top, region.columnIndex, bottom - top, region.columnCount);
      if (!tableName) block.load('address');
      const head = block.getRow(0).getResizedRange(Math.min(maxRows, bottom - top) - 1, 0);
      head.load('values');
      const merged = supports('1.13') ? block.getMergedAreasOrNullObject() : undefined;
      merged?.load(['isNullObject', 'address']);
      await context.sync();
      const merges = merged ? (merged.isNullObject ? [] : areaAddresses(merged.address)) : null;
      return { sheet: sheet.name, address: block.address, tableName, rows: head.values, merges };
    });
  }

  /**
   * Adopt, step 2 (after the official confirmed the mapping): make the range a table from its header
   * row down if it is not one, and put the hidden 행ID column first if it is missing. Excel makes no
   * table over merged cells: merged areas from the header down are unmerged first, and an area below
   * the header gets its value (the top-left cell's) in every cell it spanned. Load, sync; unmerge and
   * fill, sync; table, sync.
   */
  async function adoptRange(target: { tableName: string | null; sheet: string; address: string; headerRow: number; newName: string; merges?: readonly string[] | null }): Promise<{ tableName: string; unmerged: string[] }> {
    return host.run(async (context) => {
      let table: Table;
      const unmerged: string[] = [];
      if (target.tableName) {
        table = context.workbook.tables.getItem(target.tableName);
      } else {
        const sheet = context.workbook.worksheets.getItemOrNullObject(target.sheet);
        const region = sheet.getRange(target.address);
        region.load(['rowCount', 'columnCount', 'rowIndex']);
        const areas = (target.merges ?? []).map((address) => {
          const area = sheet.getRange(address);
          area.load(['values', 'numberFormat', 'rowIndex', 'rowCount', 'columnCount']);
          return { address, area };
        });
        await context.sync();
        const headerIndex = region.rowIndex + target.headerRow;
        const inTable = areas.filter(({ area }) => area.rowIndex + area.rowCount - 1 >= headerIndex && area.rowIndex < region.rowIndex + region.rowCount);
        if (inTable.length > 0) {
          for (const { address, area } of inTable) {
            area.unmerge();
            unmerged.push(address);
            if (area.rowIndex <= headerIndex) continue; // a header cell keeps its text in its first cell
            // The merged cell's value (a formula's result): written back, text must stay text.
            const first = area.values[0]?.[0] ?? '';
            const value = typeof first === 'string' ? guardFormula(first) : first;
            const format = area.numberFormat[0]?.[0] ?? 'General';
            area.values = Array.from({ length: area.rowCount }, () => Array.from({ length: area.columnCount }, () => value));
            area.numberFormat = Array.from({ length: area.rowCount }, () => Array.from({ length: area.columnCount }, () => format));
          }
          await context.sync();
        }
        const body = region.getRow(target.headerRow).getResizedRange(region.rowCount - target.headerRow - 1, 0);
        table = sheet.tables.add(body, true);
        table.name = target.newName;
      }
      const header = table.getHeaderRowRange();
      header.load('values');
      table.load('name');
      await context.sync();
      const headers = (header.values[0] ?? []).map((h) => String(h).trim());
      if (headers[0] !== rowIdHeader) {
        const quieted = quiet(context);
        const column = table.columns.add(0, undefined, rowIdHeader);
        column.getDataBodyRange().numberFormat = [['@']];
        column.getRange().columnHidden = true;
        await context.sync();
        await loud(context, quieted);
      }
      return { tableName: table.name, unmerged };
    });
  }

  /**
   * Reads a table in chunks (values and number formats). Starts at `chunkRows` rows and halves the
   * chunk when Excel on the web refuses a payload over its 5 MB limit. One sync per chunk.
   */
  async function readTable(tableName: string, options: { chunkRows?: number; onProgress?: (rowsRead: number, rowCount: number) => void } = {}): Promise<TableRead> {
    return host.run(async (context) => {
      const table = context.workbook.tables.getItem(tableName);
      const header = table.getHeaderRowRange();
      header.load(['values', 'rowIndex', 'columnIndex']);
      const body = table.getDataBodyRange();
      body.load(['rowCount', 'columnCount']);
      table.worksheet.load('name');
      await context.sync();

      const values: unknown[][] = [];
      const numberFormat: unknown[][] = [];
      const valueTypes: unknown[][] = [];
      const rowCount = body.rowCount;
      const columnCount = body.columnCount;
      let chunk = Math.max(1, options.chunkRows ?? 10_000);
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
        values.push(...range.values);
        numberFormat.push(...range.numberFormat);
        valueTypes.push(...range.valueTypes);
        start += n;
        options.onProgress?.(start, rowCount);
      }
      // An empty table still has one blank body row in Excel; it is not a row.
      const rows = rowCount === 1 && values[0]?.every((v) => v === '' || v === null) ? 0 : values.length;
      return {
        tableName,
        sheet: table.worksheet.name,
        headers: (header.values[0] ?? []).map((h) => String(h)),
        values: values.slice(0, rows),
        numberFormat: numberFormat.slice(0, rows),
        valueTypes: valueTypes.slice(0, rows),
        firstRow: header.rowIndex + 1,
        firstColumn: header.columnIndex,
      };
    });
  }

  /** Writes new row ids into the hidden first column. One sync. */
  async function writeRowIds(tableName: string, writes: readonly { index: number; rowId: string }[]): Promise<void> {
    if (writes.length === 0) return;
    await host.run(async (context) => {
      const body = context.workbook.tables.getItem(tableName).getDataBodyRange();
      const quieted = quiet(context);
      for (const run of runsOf(writes)) body.getCell(run.start, 0).getResizedRange(run.ids.length - 1, 0).values = run.ids.map((id) => [id]);
      await context.sync();
      await loud(context, quieted);
    });
  }

  /**
   * Marks cells (fill + a note or comment with the reason) and clears earlier marks from the given
   * rows. Notes need ExcelApi 1.18, comments 1.10; before that only the fill shows. Cells that may
   * hold an earlier note are looked up first: load, sync; write, sync.
   */
  async function markCells(tableName: string, marks: readonly CellMark[], clear: { rows: readonly number[]; columnCount: number }): Promise<NoteMode> {
    const mode = noteMode();
    await host.run(async (context) => {
      const wb = context.workbook;
      const body = wb.tables.getItem(tableName).getDataBodyRange();
      const cells = new Map<string, { row: number; column: number; range: Range }>();
      const cell = (row: number, column: number) => {
        const key = `${row}:${column}`;
        let c = cells.get(key);
        if (!c) {
          const range = body.getCell(row, column);
          range.load('address');
          c = { row, column, range };
          cells.set(key, c);
        }
        return c;
      };
      for (const row of clear.rows) for (let column = 0; column < clear.columnCount; column++) cell(row, column);
      for (const m of marks) cell(m.row, m.column);
      await context.sync();

      const old = mode === 'fill' ? [] : [...cells.values()].map((c) => (mode === 'notes' ? wb.notes.getItemOrNullObject(c.range.address) : null));
      for (const n of old) n?.load('isNullObject');
      if (mode === 'notes') await context.sync();

      const quieted = quiet(context);
      const marked = new Set(marks.map((m) => `${m.row}:${m.column}`));
      [...cells.values()].forEach((c, i) => {
        const note = old[i];
        if (note && !note.isNullObject) note.delete();
        if (!marked.has(`${c.row}:${c.column}`)) c.range.format.fill.clear();
      });
      for (const m of marks) {
        const c = cell(m.row, m.column);
        c.range.format.fill.color = markColours[m.kind];
        if (mode === 'notes') wb.notes.add(c.range, notePrefix + m.text);
        else if (mode === 'comments') wb.comments.add(c.range, notePrefix + m.text);
      }
      await context.sync();
      await loud(context, quieted);
    });
    return mode;
  }

  /**
   * Writes rows from the service into the table: updates rows by id, removes tombstones, appends the
   * rest. `fields[j]` is the field of table column j (0 = 행ID, null = a column the service lacks).
   * `rowIds[i]` is the id in data row i as last read. One sync.
   */
  async function writeRows(tableName: string, fields: readonly (string | null)[], rowIds: readonly (string | null)[], writes: readonly TableWrite[]): Promise<{ updated: number; appended: number; removed: number }> {
    const at = new Map<string, number>();
    rowIds.forEach((id, i) => {
      if (id && !at.has(id)) at.set(id, i);
    });
    const toRow = (rowId: string, values: RowValues) => fields.map((f, j) => (j === 0 ? rowId : f ? cellValue(values[f]) : ''));
    const updates: { index: number; row: (string | number | boolean)[] }[] = [];
    const appends: (string | number | boolean)[][] = [];
    const removes: number[] = [];
    for (const w of writes) {
      const index = at.get(w.rowId);
      if (w.type === 'remove') {
        if (index !== undefined) removes.push(index);
      } else if (index !== undefined) {
        updates.push({ index, row: toRow(w.rowId, w.values) });
      } else {
        appends.push(toRow(w.rowId, w.values));
      }
    }
    if (updates.length + appends.length + removes.length === 0) return { updated: 0, appended: 0, removed: 0 };
    await host.run(async (context) => {
      const table = context.workbook.tables.getItem(tableName);
      const body = table.getDataBodyRange();
      const quieted = quiet(context);
      for (const u of updates) body.getCell(u.index, 0).getResizedRange(0, fields.length - 1).values = [u.row];
      // Bottom up, so each index still points at its row.
      for (const index of [...removes].sort((a, b) => b - a)) table.rows.getItemAt(index).delete();
      if (appends.length > 0) table.rows.add(null, appends);
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
  async function setListChoices(tableName: string, column: number, groups: readonly ListChoices[]): Promise<boolean> {
    if (!supports('1.8') || groups.length === 0) return false;
    await host.run(async (context) => {
      const body = context.workbook.tables.getItem(tableName).columns.getItemAt(column).getDataBodyRange();
      const quieted = quiet(context);
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
  async function selectCell(tableName: string, row: number, column: number): Promise<void> {
    await host.run(async (context) => {
      const table = context.workbook.tables.getItem(tableName);
      table.worksheet.activate();
      table.getDataBodyRange().getCell(row, column).select();
      await context.sync();
    });
  }

  return { noteMode, insertTemplates, readHeaderCandidates, adoptRange, readTable, writeRowIds, markCells, writeRows, selectCell, setListChoices };
}

export type ExcelLayer = ReturnType<typeof createExcelLayer>;

/** The A1 ranges of a RangeAreas address ("'S 1'!A2:A4, 'S 1'!C2" → A2:A4, C2), sheet names left out. */
export function areaAddresses(address: string): string[] {
  const out: string[] = [];
  for (const m of address.matchAll(/!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?/g)) out.push(m[3] ? `${m[1]}${m[2]}:${m[3]}${m[4]}` : `${m[1]}${m[2]}`);
  return out;
}

/** One drop-down list for some data rows of a table, with what Excel says of a value outside it. */
export interface ListChoices {
  rows: readonly number[];
  /** The list (no item holds a comma; at most 255 characters joined, as Excel takes). */
  choices: readonly string[];
  title: string;
  message: string;
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
