import type { DuckDBConnection } from '@duckdb/node-api';
import '../../workbook/exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import { codesOf, rowIdHeader, sheets, type ColumnDef, type FieldType, type Kind } from '../../../domain/index.ts';
import { fieldNumberFormats } from '../../../domain/number-formats.ts';
import { sheetSelection, type ExportScope } from './select.ts';

/** Number formats by field type: domain/number-formats.ts, as the add-in's templates. */
export const xlsxNumberFormats = fieldNumberFormats;

const widths: Record<FieldType, number> = { dong: 12, phase: 7, year: 10, money: 15, count: 10, percent: 10, date: 12, boolean: 10, code: 20, text: 30 };

const chooseFromList = {
  showErrorMessage: true,
  errorStyle: 'stop',
  errorTitle: '목록에 없는 값',
  error: '목록에서 고르세요. (Choose a value from the list.)',
} as const;

/** A validation on a whole range (exceljs has it, its types do not). */
function validate(sheet: ExcelJS.Worksheet, range: string, validation: ExcelJS.DataValidation): void {
  (sheet as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(range, validation);
}

/** The very hidden sheet holding the lists the drop-downs read (too long to write inline). */
export const listSheetName = '목록';

/** A drop-down wanted on a range, whose list goes on the list sheet once every kind sheet is added. */
interface ListWanted {
  sheet: ExcelJS.Worksheet;
  range: string;
  list: string;
  values: readonly string[];
}

function addLists(workbook: ExcelJS.Workbook, wanted: readonly ListWanted[]): void {
  if (wanted.length === 0) return;
  const sheet = workbook.addWorksheet(listSheetName, { state: 'veryHidden' });
  const formulas = new Map<string, string>();
  for (const w of wanted) {
    let formula = formulas.get(w.list);
    if (!formula) {
      const column = sheet.getColumn(formulas.size + 1);
      w.values.forEach((v, i) => (sheet.getCell(i + 1, column.number).value = v));
      formula = `'${listSheetName}'!$${column.letter}$1:$${column.letter}$${Math.max(1, w.values.length)}`;
      formulas.set(w.list, formula);
    }
    validate(w.sheet, w.range, { type: 'list', allowBlank: true, formulae: [formula], ...chooseFromList });
  }
}

/** Excel cell values from DuckDB's JS values: BIGINT as a number, DATE as a Date (UTC midnight). */
function cellValue(value: unknown): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  return value as ExcelJS.CellValue;
}

async function readLists(connection: DuckDBConnection, scope: ExportScope | undefined) {
  const dongs = await connection.runAndReadAll(
    `SELECT CASE WHEN count(*) OVER (PARTITION BY d.name) > 1 THEN t.name || ' ' || d.name ELSE d.name END AS name, d.code
     FROM dongs d JOIN districts t ON t.code = d.district ORDER BY t.name, d.name`,
  );
  const allowed = scope?.dongs ? new Set(scope.dongs) : undefined;
  const phases = await connection.runAndReadAll('SELECT phase FROM phases ORDER BY phase');
  return {
    dongs: (dongs.getRowObjectsJS() as { name: string; code: string }[]).filter((d) => !allowed || allowed.has(d.code)).map((d) => d.name),
    phases: phases.getRowsJS().map((r) => String(r[0])),
  };
}

/** One kind's worksheet: an Excel table of its live rows, formatted as the add-in's template. */
async function addKindSheet(
  workbook: ExcelJS.Workbook,
  lists: ListWanted[],
  reference: { dongs: string[]; phases: string[] },
  connection: DuckDBConnection,
  kind: Kind,
  scope: ExportScope | undefined,
): Promise<number> {
  const def = sheets[kind];
  const columns: (ColumnDef | undefined)[] = [undefined, ...def.columns];
  const sheet = workbook.addWorksheet(def.sheet, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'B2' }] });

  const { sql, params } = sheetSelection(kind, scope, false);
  const rows: ExcelJS.CellValue[][] = [];
  const result = await connection.stream(sql, params);
  for await (const chunk of result.yieldRowsJs()) for (const row of chunk) rows.push(row.map(cellValue));
  const count = rows.length;
  // a table needs a body row: an empty one where there are no rows yet
  if (rows.length === 0) rows.push(columns.map(() => null));

  sheet.addTable({
    name: def.table,
    ref: 'A1',
    headerRow: true,
    totalsRow: false,
    style: { theme: 'TableStyleMedium2', showRowStripes: true },
    columns: [rowIdHeader, ...def.columns.map((c) => c.header)].map((name) => ({ name, filterButton: true })),
    rows,
  });

  const last = rows.length + 1;
  columns.forEach((column, i) => {
    const col = sheet.getColumn(i + 1);
    if (!column) {
      col.width = 38;
      col.hidden = true;
      for (let r = 2; r <= last; r++) sheet.getCell(r, 1).numFmt = '@';
      return;
    }
    col.width = Math.max(widths[column.type], column.header.length * 2 + 4);
    const format = xlsxNumberFormats[column.type];
    if (format) for (let r = 2; r <= last; r++) sheet.getCell(r, i + 1).numFmt = format;
    const body = `${col.letter}2:${col.letter}${last}`;
    const codes = codesOf(column);
    if (codes && column.codeList) lists.push({ sheet, range: body, list: column.codeList, values: codes });
    else if (column.type === 'dong') lists.push({ sheet, range: body, list: 'dong', values: reference.dongs });
    else if (column.type === 'phase') validate(sheet, body, { type: 'list', allowBlank: true, formulae: [`"${reference.phases.join(',')}"`], ...chooseFromList });
  });
  return count;
}

/**
 * The workbook an official would be glad to receive, and the add-in's template: per kind a sheet
 * named as the kind's sheet holding one Excel table (the domain's table name), 행ID first and
 * hidden, Korean headers, number and date formats, frozen header, widths, and drop-down lists from
 * the code lists (dong by name, phase by number). The lists live on a very hidden sheet.
 */
export async function buildWorkbook(
  connection: DuckDBConnection,
  kinds: readonly Kind[],
  scope?: ExportScope,
): Promise<{ workbook: ExcelJS.Workbook; rows: Record<string, number> }> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '자치 장부 (Jachi Ledger)';
  workbook.created = new Date();
  const reference = await readLists(connection, scope);
  const lists: ListWanted[] = [];
  const rows: Record<string, number> = {};
  for (const kind of kinds) rows[kind] = await addKindSheet(workbook, lists, reference, connection, kind, scope);
  addLists(workbook, lists);
  return { workbook, rows };
}

/**
 * Rows up to which an export is the template-grade workbook above. exceljs holds that workbook in
 * memory at ~17 KB a row (26,000 rows took 450 MB), so beyond this a kind is written row by row
 * with exceljs' streaming writer instead: the same sheet, headers, formats, widths, hidden 행ID and
 * frozen header, without the Excel table and drop-downs (the add-in can adopt the sheet).
 */
export const templateMaxRows = 10_000;

/** One kind's live rows streamed into `out`, a row at a time: memory stays flat with the rows. */
async function streamKindSheet(connection: DuckDBConnection, kind: Kind, out: string, scope: ExportScope | undefined): Promise<number> {
  const def = sheets[kind];
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useStyles: true, useSharedStrings: false });
  workbook.creator = '자치 장부 (Jachi Ledger)';
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(def.sheet, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'B2' }] });
  sheet.columns = [
    { header: rowIdHeader, width: 38, hidden: true, style: { numFmt: '@' } },
    ...def.columns.map((c) => {
      const format = xlsxNumberFormats[c.type];
      return { header: c.header, width: Math.max(widths[c.type], c.header.length * 2 + 4), ...(format ? { style: { numFmt: format } } : {}) };
    }),
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const { sql, params } = sheetSelection(kind, scope, false);
  const result = await connection.stream(sql, params);
  let count = 0;
  for await (const chunk of result.yieldRowsJs()) {
    for (const row of chunk) {
      sheet.addRow(row.map(cellValue)).commit();
      count += 1;
    }
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: def.columns.length + 1 } };
  sheet.commit();
  await workbook.commit();
  return count;
}

async function countRows(connection: DuckDBConnection, kind: Kind, scope: ExportScope | undefined): Promise<number> {
  const { sql, params } = sheetSelection(kind, scope, false);
  const found = await connection.runAndReadAll(`SELECT count(*) AS n FROM (${sql})`, params);
  return Number(found.getRowObjects()[0]?.n ?? 0);
}

/** Writes the workbook of the given kinds to `out`; the number of rows per kind. */
export async function writeXlsx(connection: DuckDBConnection, kinds: readonly Kind[], out: string, scope?: ExportScope): Promise<Record<string, number>> {
  const [only] = kinds;
  if (kinds.length === 1 && only && (await countRows(connection, only, scope)) > templateMaxRows) {
    return { [only]: await streamKindSheet(connection, only, out, scope) };
  }
  const { workbook, rows } = await buildWorkbook(connection, kinds, scope);
  await workbook.xlsx.writeFile(out);
  return rows;
}
