/**
 * The plain grid the normaliser reads: what both exceljs (service) and Office.js (add-in) can give.
 * Rows and columns are the sheet's own, 1-based. Dates arrive as Excel serial numbers with their
 * number format (Office gives them so; exceljs' JS Dates are turned back into serials at the edge),
 * so reading stays deterministic and free of time zones.
 */
export interface CellError {
  error: string;
}

export type GridValue = string | number | boolean | null | CellError;

export interface GridCell {
  value: GridValue;
  /** The cell's number format (`General`, `0%`, `yyyy-mm-dd`, …) when it has one. */
  numFmt?: string;
}

export interface MergeRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface SheetGrid {
  name: string;
  /** True when the workbook counts dates from 1904-01-01 (old Mac Excel). */
  date1904: boolean;
  /** The last row number holding anything (rows are 1-based). */
  rowCount: number;
  /** The last column number holding anything (A is 1). */
  columnCount: number;
  cell(row: number, col: number): GridCell | undefined;
  merges: readonly MergeRange[];
}

export function isCellError(value: GridValue | undefined): value is CellError {
  return typeof value === 'object' && value !== null && 'error' in value;
}

/** Column number (1-based) to its letters: 1 → A, 27 → AA. */
export function columnLetter(col: number): string {
  let n = col;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** Column letters to the column number (A → 1); undefined for anything else. */
export function columnNumber(letters: string): number | undefined {
  if (!/^[A-Z]{1,3}$/.test(letters)) return undefined;
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** `B3` → {row: 3, col: 2}. */
export function parseCellAddress(address: string): { row: number; col: number } | undefined {
  const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/.exec(address.trim().toUpperCase());
  if (!m) return undefined;
  const col = columnNumber(m[1] as string);
  const row = Number(m[2]);
  return col && row >= 1 ? { row, col } : undefined;
}

/** `A2:A4` (or a single cell `A2`) → a merge range. */
export function parseRangeAddress(address: string): MergeRange | undefined {
  const bare = address.includes('!') ? address.slice(address.lastIndexOf('!') + 1) : address;
  const [from, to = from] = bare.split(':');
  const a = from ? parseCellAddress(from) : undefined;
  const b = to ? parseCellAddress(to) : undefined;
  if (!a || !b) return undefined;
  return { top: Math.min(a.row, b.row), left: Math.min(a.col, b.col), bottom: Math.max(a.row, b.row), right: Math.max(a.col, b.col) };
}

/** The error literals Excel shows in a cell (Office.js gives them as strings in `values`). */
export const excelErrorLiterals = [
  '#N/A',
  '#VALUE!',
  '#REF!',
  '#DIV/0!',
  '#NUM!',
  '#NAME?',
  '#NULL!',
  '#SPILL!',
  '#CALC!',
  '#FIELD!',
  '#BLOCKED!',
  '#CONNECT!',
  '#BUSY!',
  '#UNKNOWN!',
  '#GETTING_DATA',
] as const;

/** A grid over rows given as arrays (row 1 is `rows[0]` unless `top` says otherwise). */
export function gridFromRows(input: {
  name: string;
  rows: readonly (readonly (GridValue | GridCell | undefined)[])[];
  date1904?: boolean;
  merges?: readonly MergeRange[];
  top?: number;
  left?: number;
}): SheetGrid {
  const top = input.top ?? 1;
  const left = input.left ?? 1;
  const columnCount = input.rows.reduce((max, r) => Math.max(max, r.length), 0) + left - 1;
  return {
    name: input.name,
    date1904: input.date1904 ?? false,
    rowCount: input.rows.length + top - 1,
    columnCount,
    merges: input.merges ?? [],
    cell(row, col) {
      const raw = input.rows[row - top]?.[col - left];
      if (raw === undefined) return undefined;
      if (typeof raw === 'object' && raw !== null && 'value' in raw) return raw;
      return { value: raw };
    },
  };
}

/**
 * What Office.js gives for a used range: `range.values`, `range.numberFormat` (same shape), and
 * optionally `range.valueTypes` (`"Error"` marks error cells, whose value is the literal such as
 * `#N/A`). `address` is the range's top-left cell (e.g. `A1` or `Sheet1!B3:K40`); merges as
 * addresses (`A2:A4`) from `range.getMergedAreasOrNullObject().areas`.
 */
export interface OfficeRangeInput {
  name: string;
  values: readonly (readonly unknown[])[];
  numberFormat?: readonly (readonly unknown[])[];
  valueTypes?: readonly (readonly unknown[])[];
  address?: string;
  date1904?: boolean;
  merges?: readonly (string | MergeRange)[];
}

export function gridFromOffice(input: OfficeRangeInput): SheetGrid {
  const addr = input.address ? input.address.slice(input.address.lastIndexOf('!') + 1).split(':')[0] : undefined;
  const origin = (addr && parseCellAddress(addr)) || { row: 1, col: 1 };
  const merges: MergeRange[] = [];
  for (const m of input.merges ?? []) {
    const range = typeof m === 'string' ? parseRangeAddress(m) : m;
    if (range) merges.push(range);
  }
  const rows = input.values.map((row, r) =>
    row.map((value, c): GridCell => {
      const fmt = input.numberFormat?.[r]?.[c];
      const numFmt = typeof fmt === 'string' ? fmt : undefined;
      const type = input.valueTypes?.[r]?.[c];
      let v: GridValue;
      if (type === 'Error' && typeof value === 'string') v = { error: value };
      else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') v = value;
      else v = null;
      return numFmt === undefined ? { value: v } : { value: v, numFmt };
    }),
  );
  return gridFromRows({ name: input.name, rows, date1904: input.date1904 ?? false, merges, top: origin.row, left: origin.col });
}
