import './exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import { isDateFormat, type GridCell, type GridValue } from '../../domain/index.ts';

const msPerDay = 86_400_000;

/**
 * exceljs turns date-formatted numbers into JS Dates (UTC midnight of the serial's day, counted in
 * the workbook's date system); the normaliser wants the serial back, so it reads dates itself.
 */
export function dateToSerial(date: Date, date1904: boolean): number | undefined {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) return undefined;
  return ms / msPerDay + 25569 - (date1904 ? 1462 : 0);
}

/** An exceljs cell value as a grid value (rich text joined, hyperlinks as their text, formulas as their result). */
export function gridValue(value: unknown, date1904: boolean): GridValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return dateToSerial(value, date1904) ?? null;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.error === 'string') return { error: v.error };
    if (Array.isArray(v.richText)) return v.richText.map((r: { text?: unknown }) => (typeof r.text === 'string' ? r.text : '')).join('');
    if ('formula' in v || 'sharedFormula' in v) {
      // A formula without a value: never calculated, or (exceljs' streaming reader) an error result,
      // whose text that reader drops. Either way nothing can be read for sure: refuse it as an error.
      if (v.result === undefined || (typeof v.result === 'number' && !Number.isFinite(v.result))) {
        return { error: `=${String(v.formula ?? v.sharedFormula ?? '')}` };
      }
      return gridValue(v.result, date1904);
    }
    if ('text' in v) return gridValue(v.text, date1904);
  }
  return null;
}

/**
 * One exceljs cell as a grid cell. The other cells of a merged range (type Merge, which exceljs'
 * full reader fills with the first cell's value) read as blank: the normaliser applies merges
 * itself, the same way for the full and the streaming reader (which knows no merges).
 */
export function gridCell(cell: ExcelJS.Cell, date1904: boolean): GridCell | undefined {
  if (cell.type === ExcelJS.ValueType.Merge) return undefined;
  const raw = cell.value;
  if (raw === null || raw === undefined) return undefined;
  const value = gridValue(raw, date1904);
  let numFmt = cell.numFmt || undefined;
  const isDate = raw instanceof Date || (typeof raw === 'object' && 'result' in raw && raw.result instanceof Date);
  if (isDate && !isDateFormat(numFmt)) numFmt = 'yyyy-mm-dd';
  return numFmt ? { value, numFmt } : { value };
}

/** A row's cells, index 0 being column A. */
export function rowCells(row: ExcelJS.Row, date1904: boolean): (GridCell | undefined)[] {
  const cells: (GridCell | undefined)[] = [];
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    cells[col - 1] = gridCell(cell, date1904);
  });
  return cells;
}
