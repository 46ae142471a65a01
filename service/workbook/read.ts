import { basename } from 'node:path';
import { Readable, Transform } from 'node:stream';
import './exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import {
  createSheetReader,
  normaliseSheet,
  parseRangeAddress,
  type GridCell,
  type HeaderMap,
  type Kind,
  type MergeRange,
  type NormaliseOptions,
  type ReferenceIndex,
  type ReportRow,
  type SheetGrid,
  type SheetReport,
  sheetMessage,
  emptyReport,
} from '../../domain/index.ts';
import { rowCells } from './cells.ts';
import { readWorkbookParts } from './parts.ts';
import { createRowKeyer } from './row-key.ts';
import { checkParts, type PartRole } from './check.ts';
import { defaultWorkbookLimits, type WorkbookLimits } from './limits.ts';
import { rebuildZip, type ZipEntry } from './zip.ts';

/** The import report (README, "Bringing last year's workbooks in"). */
export interface ImportReport {
  file: string;
  /** How the file was read: an .xlsx, or a CSV in the encoding told (csv.ts). */
  format?: 'xlsx' | 'csv';
  encoding?: 'utf-8' | 'euc-kr' | 'utf-16le' | 'utf-16be';
  sheets: SheetReport[];
}

export interface ImportProgress {
  sheet: string;
  /** The sheet row last read. */
  row: number;
  /** Bytes of the file read so far, and in all (streaming from a file only). */
  bytesRead?: number;
  totalBytes?: number;
}

export interface ReadWorkbookOptions {
  ref: ReferenceIndex;
  /** Read only sheets of this kind (and read them as this kind). */
  kind?: Kind;
  /** Read only this sheet. */
  sheet?: string;
  /** The file name the report names (default: the path's base name, or 'workbook.xlsx'). */
  file?: string;
  /** Give rows without a 행ID the stable derived key (row-key.ts) as rowId. */
  deriveRowIds?: boolean;
  /** Called with every accepted row, in row order per sheet. */
  onRow?: (row: ReportRow, sheet: { sheet: string; kind: Kind }) => void;
  /** Keep accepted rows in the report (default true). */
  keepRows?: boolean;
  /** Called now and then while reading (streaming: about every 1,000 rows). */
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Streaming: awaited about every 500 rows and at the end of each sheet, so a caller can store
   * the rows handed to `onRow` before more are read (memory then does not grow with the file).
   */
  drain?: () => Promise<void>;
  /** What the workbook may cost to read (streaming; default `defaultWorkbookLimits`). */
  limits?: WorkbookLimits;
  /** Headers the official mapped by hand (header → field, or ignored). */
  map?: HeaderMap;
}

type Source = string | Uint8Array;

const fileName = (source: Source, options: ReadWorkbookOptions) => options.file ?? (typeof source === 'string' ? basename(source) : 'workbook.xlsx');

export function sheetOptions(options: ReadWorkbookOptions, sheet: string): NormaliseOptions {
  let keyer: ReturnType<typeof createRowKeyer> | undefined;
  return {
    ref: options.ref,
    ...(options.kind ? { kind: options.kind } : {}),
    ...(options.map ? { map: options.map } : {}),
    ...(options.keepRows === false ? { keepRows: false } : {}),
    ...(options.deriveRowIds ? { deriveRowId: (values, kind) => (keyer ??= createRowKeyer(kind))(values) } : {}),
    ...(options.onRow ? { onRow: (row, kind) => options.onRow?.(row, { sheet, kind }) } : {}),
  };
}

function notFound(sheet: string): SheetReport {
  return { ...emptyReport(sheet, null), error: { code: 'sheet_not_found', message: sheetMessage('sheet_not_found', sheet) } };
}

/**
 * Which sheet reports make the import report: with --sheet, that sheet whatever came of it; else
 * the sheets whose header was found (of --kind when given); when none was, every sheet with its
 * reason, so the official learns why nothing came in.
 */
function pick(reports: SheetReport[], options: ReadWorkbookOptions): SheetReport[] {
  if (options.sheet) return reports.length > 0 ? reports : [notFound(options.sheet)];
  const found = reports.filter((r) => !r.error || (r.error.code !== 'no_header' && r.error.code !== 'unknown_kind'));
  return found.length > 0 ? found : reports;
}

/** An exceljs worksheet as the normaliser's grid (merges as ranges, dates back to serials). */
export function worksheetGrid(ws: ExcelJS.Worksheet, date1904: boolean): SheetGrid {
  const merges: MergeRange[] = [];
  const internal = (ws as unknown as { _merges?: Record<string, { model?: MergeRange; range?: string }> })._merges ?? {};
  for (const m of Object.values(internal)) {
    const range = m.model ?? (m.range ? parseRangeAddress(m.range) : undefined);
    if (range) merges.push({ top: range.top, left: range.left, bottom: range.bottom, right: range.right });
  }
  const rows = new Map<number, (GridCell | undefined)[]>();
  ws.eachRow({ includeEmpty: false }, (row, n) => rows.set(n, rowCells(row, date1904)));
  return {
    name: ws.name,
    date1904,
    rowCount: ws.rowCount,
    columnCount: ws.columnCount,
    merges,
    cell: (row, col) => rows.get(row)?.[col - 1],
  };
}

/** The import report of an exceljs workbook already in memory. */
export function reportWorkbook(workbook: ExcelJS.Workbook, file: string, options: ReadWorkbookOptions): ImportReport {
  const date1904 = workbook.properties?.date1904 === true;
  const reports: SheetReport[] = [];
  workbook.eachSheet((ws) => {
    if (options.sheet !== undefined && ws.name !== options.sheet) return;
    reports.push(normaliseSheet(worksheetGrid(ws, date1904), sheetOptions(options, ws.name)));
    options.onProgress?.({ sheet: ws.name, row: ws.rowCount });
  });
  return { file, sheets: pick(reports, options) };
}

/** Reads a whole .xlsx (path or bytes) into memory with exceljs, then into the import report. */
export async function readWorkbook(source: Source, options: ReadWorkbookOptions): Promise<ImportReport> {
  const workbook = new ExcelJS.Workbook();
  if (typeof source === 'string') await workbook.xlsx.readFile(source);
  else await workbook.xlsx.load(Buffer.from(source.buffer, source.byteOffset, source.byteLength) as unknown as ArrayBuffer);
  return reportWorkbook(workbook, fileName(source, options), options);
}

/**
 * Streams an .xlsx (path or bytes) through exceljs' streaming reader: rows are read, normalised
 * and handed on one at a time, so memory does not grow with the file when `keepRows` is false.
 *
 * Limits (`options.limits`): before exceljs sees a byte, every part it will read is inflated once
 * by check.ts, keeping nothing, each stopped at its cap, its ratio and the workbook's total, and
 * each sheet at its rows, cells and cell size (a WorkbookError, 413). exceljs is then given a zip
 * rebuilt of those parts alone (zip.ts), in the order its streaming reader needs, so it inflates
 * nothing that was not measured, and never a sheet into a temporary file.
 *
 * Merged cells: exceljs' streaming reader drops <mergeCells> (it sits after <sheetData>, at the
 * end of each sheet's XML). The check above picks each sheet's merge ranges up as it scans (no
 * cells kept), so the merged 동/단계 cells fill down exactly as in the full reader. The date system
 * is read from xl/workbook.xml (parts.ts).
 */
export async function streamWorkbook(source: Source, options: ReadWorkbookOptions): Promise<ImportReport> {
  let handedOn = false;
  const onRow = options.onRow;
  const watched: ReadWorkbookOptions = onRow
    ? {
        ...options,
        onRow: (row, at) => {
          handedOn = true;
          onRow(row, at);
        },
      }
    : options;
  const limits = options.limits ?? defaultWorkbookLimits;
  const file = fileName(source, options);
  const parts = await readWorkbookParts(source, limits.maxSmallPartBytes, file);
  const wanted = parts.sheets.filter((s) => options.sheet === undefined || s.name === options.sheet);
  // What exceljs reads, in the order its streaming reader needs: the relationships, the workbook
  // and the styles before the shared strings, and those before any sheet (a sheet met earlier is
  // kept in a temporary file, or read without its name, date system or number formats).
  const plan: { entry: ZipEntry; role: PartRole }[] = [];
  for (const name of ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/styles.xml']) {
    const entry = parts.entries.get(name);
    if (entry) plan.push({ entry, role: 'small' });
  }
  const strings = parts.entries.get('xl/sharedStrings.xml');
  if (strings) plan.push({ entry: strings, role: 'sharedStrings' });
  for (const s of wanted) if (s.entry && !plan.some((p) => p.entry === s.entry)) plan.push({ entry: s.entry, role: 'sheet' });
  const checked = await checkParts(source, plan, limits);
  const book = await rebuildZip(
    source,
    plan.map((p) => p.entry),
    checked.sizes,
  );
  const merges = new Map<string, MergeRange[]>();
  for (const s of wanted) if (s.entry) merges.set(s.name, checked.merges.get(s.entry.name) ?? []);
  try {
    return await streamParts(book, parts.sheets, wanted, merges, parts.date1904, { ...watched, file });
  } catch (error) {
    // exceljs' streaming reader now and then fails on its own ("Cannot read properties of
    // undefined"). Before any row was handed on, reading the whole workbook (the same checked
    // parts) instead gives the same report; after, the error stands.
    if (handedOn || !(error instanceof TypeError)) throw error;
    return readWorkbook(book, { ...options, file });
  }
}

type SheetPart = Awaited<ReturnType<typeof readWorkbookParts>>['sheets'][number];

async function streamParts(
  book: Buffer,
  sheets: SheetPart[],
  wanted: SheetPart[],
  merges: Map<string, MergeRange[]>,
  date1904: boolean,
  options: ReadWorkbookOptions & { file: string },
): Promise<ImportReport> {
  const byPath = new Map(sheets.map((s) => [s.path, s.name]));

  const totalBytes = book.byteLength;
  let bytesRead = 0;
  // in 64 KB chunks, so progress moves as exceljs reads; counted in a pass-through (a 'data'
  // listener on the source itself would start it flowing early)
  const chunks = function* () {
    for (let at = 0; at < book.length; at += 65_536) yield book.subarray(at, at + 65_536);
  };
  const input = Readable.from(chunks()).pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytesRead += chunk.length;
        done(null, chunk);
      },
    }),
  );
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const reports: SheetReport[] = [];
  for await (const ws of reader) {
    const w = ws as unknown as { name: string; id: string | number; [Symbol.asyncIterator](): AsyncIterator<ExcelJS.Row> };
    const name = /^Sheet\d+$/.test(w.name) && byPath.has(`xl/worksheets/sheet${w.id}.xml`) ? (byPath.get(`xl/worksheets/sheet${w.id}.xml`) as string) : w.name;
    if (!wanted.some((s) => s.name === name)) continue;
    // exceljs made Dates with its own idea of the date system (from workbook.xml if already read)
    const excelFlag = (reader as unknown as { properties?: { model?: { date1904?: boolean } } }).properties?.model?.date1904 === true;
    const sheetReader = createSheetReader({
      ...sheetOptions(options, name),
      sheet: name,
      date1904,
      merges: merges.get(name) ?? [],
    });
    let n = 0;
    for await (const row of w) {
      sheetReader.push(row.number, rowCells(row, excelFlag));
      if (++n % 1000 === 0) options.onProgress?.({ sheet: name, row: row.number, bytesRead, totalBytes });
      if (options.drain && n % 500 === 0) await options.drain();
    }
    const report = sheetReader.finish();
    await options.drain?.();
    reports.push(report);
    options.onProgress?.({ sheet: name, row: n, bytesRead, totalBytes });
  }
  return { file: options.file, sheets: pick(reports, options) };
}
