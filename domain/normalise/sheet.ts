import type { Message } from '../messages.ts';
import type { ReferenceIndex } from '../reference.ts';
import { checkRow, type RowValues } from '../rules.ts';
import { displayValue, issueValue, rowMessages, ruleValueCodes, type RowMessageCode } from '../messages.ts';
import { kinds, sheets, type ColumnDef, type Kind } from '../sheets.ts';
import { columnLetter, gridFromOffice, type GridCell, type MergeRange, type OfficeRangeInput, type SheetGrid } from './grid.ts';
import { declaredUnit, headerField, headerKey, isIgnoredHeader, readHeaderRow, rowIdField, type HeaderColumn, type HeaderMap, type HeaderMapping } from './headers.ts';
import { cellMessage, missingColumnsMessage, sheetMessage, skipMessages, type CellMessageCode, type SheetErrorCode, type SkipReason } from './messages.ts';
import { isMoneyUnit, type MoneyUnit } from './numbers.ts';
import { cleanText, compactKey } from './text.ts';
import { isBlankCell, readCell, readRowId, shownValue, type CellReading } from './values.ts';

/** A cell's value as the report shows it. */
export type ShownValue = string | number | boolean | null;

/** One refused cell, or one warning, at the sheet's own row and column letter. */
export interface ReportIssue {
  row: number;
  column: string;
  field: string;
  value: ShownValue;
  code: string;
  message: Message;
}

export interface ReportRow {
  row: number;
  rowId?: string;
  /** Typed values, every field of the kind present, `dong` as its code. */
  values: RowValues;
}

export interface SkippedRow {
  row: number;
  reason: SkipReason;
  message: Message;
}

export interface SheetHeader {
  row: number;
  columns: HeaderColumn[];
  /** Header cells that name no field (연번, unknown titles): read past, not imported. */
  ignored: { column: string; header: string }[];
}

/** One sheet's entry of the import report (README, "Bringing last year's workbooks in"). */
export interface SheetReport {
  sheet: string;
  kind: Kind | null;
  header: SheetHeader | null;
  rows: ReportRow[];
  skipped: SkippedRow[];
  rejected: ReportIssue[];
  warnings: ReportIssue[];
  /** Counts, also when `rows` are handed to `onRow` and not kept. */
  counts: { accepted: number; rejected: number; skipped: number };
  /** Set when the sheet as a whole cannot be read (no header, unknown kind, missing columns). */
  error?: {
    code: SheetErrorCode;
    message: Message;
    /** missing_columns: the required fields without a column. */
    missing?: { field: string; header: string; label: string }[];
    /** missing_columns: the header's unknown columns, one of which may be a missing field (map it). */
    candidates?: { column: string; header: string }[];
  };
}

/** A sheet's report before any row is read. */
export function emptyReport(sheet: string, kind: Kind | null): SheetReport {
  return { sheet, kind, header: null, rows: [], skipped: [], rejected: [], warnings: [], counts: { accepted: 0, rejected: 0, skipped: 0 } };
}

export interface NormaliseOptions {
  ref: ReferenceIndex;
  /** The kind of rows; detected from the headers when not given. */
  kind?: Kind;
  /** How many rows from the top may hold titles before the header (default 30). */
  headerScanRows?: number;
  /** Called with every accepted row, in row order. */
  onRow?: (row: ReportRow, kind: Kind) => void;
  /** Keep accepted rows in the report (default true; false for large imports that use onRow). */
  keepRows?: boolean;
  /** Gives rows without a 행ID a derived one (the service's stable row key), in row order. */
  deriveRowId?: (values: RowValues, kind: Kind) => string;
  /** Headers the official mapped by hand (header → field, or ignored); they win over the synonyms. */
  map?: HeaderMap;
}

export interface SheetReaderOptions extends NormaliseOptions {
  sheet: string;
  date1904?: boolean;
  /** Merged ranges of the sheet, known before the rows are pushed. */
  merges?: readonly MergeRange[];
}

/** Fields a merged cell fills down to every row it spans (a merged money cell is not split). */
const fillFields = new Set(['dong', 'phase', 'fiscalYear']);

/** Words of total and subtotal rows, compared as compact keys. */
const totalWords = new Set(['합계', '소계', '총계', '누계', '계', '총합계', '합', '중계', 'total', 'subtotal', 'grandtotal', 'sum']);
const totalEnding = /(합계|소계|총계|누계)$/u;

/** If a rule refers to a field the sheet has no column for, the cell to point at instead. */
const fallbackField: Record<string, string> = { completedOn: 'status', progressPct: 'status', newParticipants: 'participants', executedKrw: 'budgetKrw' };

interface PlannedColumn {
  col: number;
  letter: string;
  field: string;
  header: string;
  def: ColumnDef | undefined;
  unit: MoneyUnit;
  fill: boolean;
}

export interface SheetReader {
  /** Feeds one row, in ascending row order; `cells[0]` is column A. Rows not fed are blank. */
  push(row: number, cells: readonly (GridCell | undefined)[]): void;
  finish(): SheetReport;
}

type Cells = readonly (GridCell | undefined)[];

/**
 * Merged ranges spanning rows: their first cell is kept when its row is pushed (`track`); rows are
 * read in order, so each column walks its own sorted list of ranges once (`over`).
 */
function mergeTracker(merges: readonly MergeRange[]): {
  track(row: number, cells: Cells): void;
  over(row: number, col: number): { top: number; cell: GridCell | undefined } | undefined;
} {
  const mergesByTop = new Map<number, MergeRange[]>();
  const mergesByColumn = new Map<number, { list: MergeRange[]; at: number }>();
  for (const m of merges) {
    if (m.bottom <= m.top) continue; // only ranges spanning rows matter here
    const list = mergesByTop.get(m.top) ?? [];
    list.push(m);
    mergesByTop.set(m.top, list);
    for (let c = m.left; c <= m.right; c++) {
      const byCol = mergesByColumn.get(c) ?? { list: [], at: 0 };
      byCol.list.push(m);
      mergesByColumn.set(c, byCol);
    }
  }
  for (const byCol of mergesByColumn.values()) byCol.list.sort((a, b) => a.top - b.top);
  const masterCells = new Map<string, GridCell | undefined>();
  return {
    track(row, cells) {
      for (const m of mergesByTop.get(row) ?? []) masterCells.set(`${m.top}:${m.left}`, cells[m.left - 1]);
    },
    /** The merged range over (row, col) that starts above the row, with its first cell. */
    over(row, col) {
      const byCol = mergesByColumn.get(col);
      if (!byCol) return undefined;
      while (byCol.at < byCol.list.length && (byCol.list[byCol.at] as MergeRange).bottom < row) byCol.at++;
      for (let i = byCol.at; i < byCol.list.length; i++) {
        const m = byCol.list[i] as MergeRange;
        if (m.top > row) break;
        if (m.top < row && m.bottom >= row) return { top: m.top, cell: masterCells.get(`${m.top}:${m.left}`) };
      }
      return undefined;
    },
  };
}

/** The header as decided: its row, the kind it names, and each mapped column's plan. */
interface HeaderPlan {
  row: number;
  kind: Kind;
  plan: PlannedColumn[];
}

/**
 * Picks the header among the rows seen so far (the row naming the most fields), plans its columns
 * (a unit declared in a header, else in a title row above, else 원) and writes the report's header;
 * sets the report's error when the sheet cannot be read (no header, unknown kind, a duplicated or
 * missing column). Undefined when no row is a header.
 */
function decideHeader(pending: { row: number; cells: Cells }[], options: SheetReaderOptions, report: SheetReport): HeaderPlan | undefined {
  let best: { row: number; mapping: HeaderMapping; score: number } | undefined;
  for (const { row, cells } of pending) {
    const mapping = readHeaderRow(cells, options.kind, options.map);
    if (!mapping) continue;
    const score = new Set(mapping.columns.map((c) => c.field)).size;
    if (!best || score > best.score) best = { row, mapping, score };
  }
  if (!best) {
    const code = options.kind ? 'no_header' : pending.length > 0 && anyKindHeader(pending) ? 'unknown_kind' : 'no_header';
    report.error = { code, message: sheetMessage(code, options.sheet, '') };
    return undefined;
  }
  const { row: headerRow, mapping } = best;
  const kind = mapping.kind;
  report.kind = kind;
  const titleUnit = titleUnitOf(pending, headerRow, new Set(mapping.columns.map((c) => c.col)));
  const defs = sheets[kind].columns;
  const plan = mapping.columns.map((c): PlannedColumn => {
    const def = defs.find((d) => d.field === c.field);
    const unit: MoneyUnit = c.unit && isMoneyUnit(c.unit) ? c.unit : (titleUnit ?? '원');
    return { col: c.col, letter: columnLetter(c.col), field: c.field, header: c.header, def, unit, fill: fillFields.has(c.field) };
  });
  report.header = {
    row: headerRow,
    columns: plan.map((p) => ({ column: p.letter, header: p.header, field: p.field, unit: p.def?.type === 'money' ? p.unit : null })),
    ignored: mapping.ignored.map((c) => ({ column: columnLetter(c.col), header: c.header })),
  };
  if (mapping.duplicates.length > 0) {
    const code = 'duplicate_column';
    report.error = { code, message: sheetMessage(code, options.sheet, mapping.duplicates.map((f) => defs.find((d) => d.field === f)?.header ?? f).join(', ')) };
  } else {
    const missing = defs.filter((d) => d.required && !plan.some((p) => p.field === d.field));
    if (missing.length > 0) {
      // Never a silent failure: name the columns that could be the missing fields, to map them.
      const candidates = mapping.ignored.filter((c) => !isIgnoredHeader(c.header)).map((c) => ({ column: columnLetter(c.col), header: c.header }));
      report.error = {
        code: 'missing_columns',
        message: missingColumnsMessage(options.sheet, missing, candidates),
        missing: missing.map((d) => ({ field: d.field, header: d.header, label: d.label })),
        candidates,
      };
    }
  }
  return { row: headerRow, kind, plan };
}

/** A unit declared in a title row above the header, or in a header cell that names no field: (단위: 천원). */
function titleUnitOf(pending: { row: number; cells: Cells }[], headerRow: number, mapped: Set<number>): MoneyUnit | undefined {
  let titleUnit: MoneyUnit | undefined;
  for (const { row, cells } of pending) {
    if (row > headerRow) break;
    cells.forEach((cell, i) => {
      if (titleUnit || typeof cell?.value !== 'string' || (row === headerRow && mapped.has(i + 1))) return;
      titleUnit = declaredUnit(cell.value);
    });
  }
  return titleUnit;
}

/** A 합계 or 소계 row: a total word in any cell, or a word ending in one outside the text columns. */
function isTotalRow(cells: Cells, textColumns: Set<number>): boolean {
  return cells.some((cell, i) => {
    if (typeof cell?.value !== 'string' || cell.value.length > 40) return false;
    const key = compactKey(cell.value);
    if (totalWords.has(key)) return true;
    return !textColumns.has(i + 1) && key.length <= 12 && totalEnding.test(key);
  });
}

/** The header again (a printed sheet repeats it on every page): most filled cells are its headers. */
function isRepeatedHeader(cells: Cells, header: HeaderPlan): boolean {
  let same = 0;
  let filled = 0;
  for (const p of header.plan) {
    const cell = cells[p.col - 1];
    if (isBlankCell(cell)) continue;
    filled++;
    if (typeof cell?.value !== 'string') continue;
    const text = cleanText(cell.value);
    if (headerKey(text).key === headerKey(p.header).key || headerField(header.kind, text) === p.field) same++;
  }
  return same >= 2 && same * 2 >= filled;
}

/** What one row's cells read as: the typed values, each field's cell, the refused cells and warnings, its 행ID. */
interface RowReading {
  input: Record<string, unknown>;
  cellOf: Map<string, { p: PlannedColumn; cell: GridCell | undefined }>;
  errors: ReportIssue[];
  warnings: ReportIssue[];
  /** Fields whose cell could not be read (their `required` error is not repeated). */
  failed: Set<string>;
  rowId?: string;
}

interface RowContext {
  row: number;
  header: HeaderPlan;
  date1904: boolean;
  ref: ReferenceIndex;
  merges: ReturnType<typeof mergeTracker>;
  seenRowIds: Set<string>;
}

/** A refused cell or a warning at the row's cell of a planned column. */
function cellIssue(row: number, p: PlannedColumn, cell: GridCell | undefined, code: CellMessageCode, date1904: boolean): ReportIssue {
  const value = shownValue(cell, date1904);
  return { row, column: p.letter, field: p.field, value, code, message: cellMessage({ header: p.header, label: p.def?.label ?? p.field }, code, value) };
}

/** Reads each planned cell of a row: merged cells filled down (dong, phase, year) or warned of, the 행ID checked once per sheet. */
function readRowCells(cells: Cells, at: RowContext): RowReading {
  const { row, date1904 } = at;
  const reading: RowReading = { input: {}, cellOf: new Map(), errors: [], warnings: [], failed: new Set() };
  for (const p of at.header.plan) {
    let cell = cells[p.col - 1];
    const merge = at.merges.over(row, p.col);
    if (merge && merge.top > at.header.row && isBlankCell(cell) && !isBlankCell(merge.cell)) {
      if (p.fill) cell = merge.cell;
      else reading.warnings.push(cellIssue(row, p, merge.cell, 'merged_not_filled', date1904));
    }
    reading.cellOf.set(p.field, { p, cell });
    if (p.field === rowIdField) {
      const id = readRowId(cell);
      if ('code' in id) reading.errors.push(cellIssue(row, p, cell, id.code, date1904));
      else if (id.value !== null) {
        if (at.seenRowIds.has(id.value)) reading.errors.push(cellIssue(row, p, cell, 'duplicate_row_id', date1904));
        else {
          at.seenRowIds.add(id.value);
          reading.rowId = id.value;
        }
      }
      continue;
    }
    if (!p.def) continue;
    const value: CellReading = readCell(p.def, cell, { date1904, unit: p.unit, ref: at.ref });
    if ('code' in value) {
      reading.errors.push(cellIssue(row, p, cell, value.code, date1904));
      reading.failed.add(p.field);
    } else {
      reading.input[p.field] = value.value;
    }
  }
  return reading;
}

/** A rule's issue placed at the cell it is about (or the nearest one the sheet has), said in the sheet's own terms. */
function placeIssue(row: number, reading: RowReading, issue: { field: string; code: string; message: Message }, date1904: boolean): ReportIssue {
  const at = reading.cellOf.get(issue.field) ?? reading.cellOf.get(fallbackField[issue.field] ?? '') ?? reading.cellOf.get('dong');
  const value = at ? shownValue(at.cell, date1904) : null;
  // Said in the sheet's own terms: its header and the value as the cell shows it (-500 in a
  // 천원 column, not -500000 won).
  const own = at && at.p.field === issue.field && issue.code in rowMessages;
  const code = issue.code as RowMessageCode;
  // A rule's own finding (a dong's joining phase, an allocation…) is said with what it found.
  const said = ruleValueCodes.has(code) ? issueValue(issue) : displayValue(value);
  const message = own && said !== undefined ? rowMessages[code]({ header: at.p.header, label: at.p.def?.label ?? issue.field }, said) : issue.message;
  return { row, column: at?.p.letter ?? '', field: issue.field, value, code: issue.code, message };
}

/**
 * Reads a sheet row by row (a whole grid, or a stream of rows): finds the header below any title
 * rows, maps it, then reads, checks and sorts every row into accepted, skipped and refused.
 */
export function createSheetReader(options: SheetReaderOptions): SheetReader {
  const { ref } = options;
  const date1904 = options.date1904 ?? false;
  const scanRows = options.headerScanRows ?? 30;
  const keepRows = options.keepRows ?? true;
  const report = emptyReport(options.sheet, options.kind ?? null);
  const merges = mergeTracker(options.merges ?? []);

  let pending: { row: number; cells: Cells }[] = [];
  let decided = false;
  let header: HeaderPlan | undefined;
  let textColumns = new Set<number>();
  let lastRow = 0;
  /** Blank rows seen since the last non-blank one: reported only if a row follows them. */
  let blankFrom = 0;
  let blankTo = -1;
  const seenRowIds = new Set<string>();

  const decide = () => {
    decided = true;
    header = decideHeader(pending, options, report);
    const after = header ? pending.filter((p) => p.row > header!.row) : [];
    pending = [];
    if (!header) return;
    textColumns = new Set(header.plan.filter((p) => p.def?.type === 'text').map((p) => p.col));
    lastRow = header.row;
    if (!report.error) for (const p of after) readRow(p.row, p.cells);
  };

  const skip = (row: number, reason: SkipReason) => {
    report.skipped.push({ row, reason, message: skipMessages[reason] });
    report.counts.skipped++;
  };
  const flushBlanks = () => {
    for (let r = blankFrom; r <= blankTo; r++) skip(r, 'blank');
    blankTo = -1;
  };
  const noteBlank = (row: number) => {
    if (blankTo < blankFrom || blankTo < 0) blankFrom = row;
    blankTo = row;
  };

  const readRow = (row: number, cells: Cells) => {
    if (!header) return;
    for (let r = lastRow + 1; r < row; r++) noteBlank(r);
    lastRow = row;
    if (header.plan.every((p) => p.field === rowIdField || isBlankCell(cells[p.col - 1]))) return noteBlank(row);
    flushBlanks();
    if (isTotalRow(cells, textColumns)) return skip(row, 'total');
    if (isRepeatedHeader(cells, header)) return skip(row, 'repeated_header');
    const reading = readRowCells(cells, { row, header, date1904, ref, merges, seenRowIds });
    const checked = checkRow(header.kind, reading.input, ref);
    for (const e of checked.errors) if (!(reading.failed.has(e.field) && e.code === 'required')) reading.errors.push(placeIssue(row, reading, e, date1904));
    for (const w of checked.warnings) reading.warnings.push(placeIssue(row, reading, w, date1904));
    report.warnings.push(...reading.warnings);
    if (reading.errors.length > 0 || !checked.values) {
      report.rejected.push(...reading.errors);
      report.counts.rejected++;
      return;
    }
    const rowId = reading.rowId ?? options.deriveRowId?.(checked.values, header.kind);
    const accepted: ReportRow = rowId ? { row, rowId, values: checked.values } : { row, values: checked.values };
    report.counts.accepted++;
    if (keepRows) report.rows.push(accepted);
    options.onRow?.(accepted, header.kind);
  };

  return {
    push(row, cells) {
      merges.track(row, cells);
      if (report.error) return;
      if (!decided) {
        pending.push({ row, cells });
        if (pending.length >= scanRows) decide();
        return;
      }
      readRow(row, cells);
    },
    finish() {
      if (!decided) decide();
      return report;
    },
  };
}

function anyKindHeader(pending: { cells: readonly (GridCell | undefined)[] }[]): boolean {
  return pending.some(({ cells }) => {
    const fields = new Set<string>();
    for (const cell of cells) {
      if (typeof cell?.value !== 'string') continue;
      for (const k of kinds) {
        const f = headerField(k, cell.value);
        if (f) fields.add(f);
      }
    }
    return fields.size >= 2;
  });
}

/** Reads a whole grid (an exceljs worksheet or an Office.js range mapped onto it). */
export function normaliseSheet(grid: SheetGrid, options: NormaliseOptions): SheetReport {
  const reader = createSheetReader({ ...options, sheet: grid.name, date1904: grid.date1904, merges: grid.merges });
  for (let r = 1; r <= grid.rowCount; r++) {
    const cells: (GridCell | undefined)[] = [];
    for (let c = 1; c <= grid.columnCount; c++) cells.push(grid.cell(r, c));
    reader.push(r, cells);
  }
  return reader.finish();
}

/**
 * The add-in's entry point: a used range as Office.js gives it (`values`, `numberFormat`,
 * optionally `valueTypes`, its `address`, merged areas and the workbook's 1904 flag).
 */
export function normaliseOfficeRange(input: OfficeRangeInput, options: NormaliseOptions): SheetReport {
  return normaliseSheet(gridFromOffice(input), options);
}
