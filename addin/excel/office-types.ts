// Every shape of Office.js the add-in uses, typed structurally in this one file (the project carries no
// @types/office-js; office.js comes from Microsoft's CDN at run time). Names follow Excel's JavaScript API.

export interface ClientObject {
  load(props?: string | string[]): unknown;
}

export interface RangeFormat {
  fill: { color: string; clear(): void };
  columnWidth: number;
}

export interface DataValidation {
  rule: { list?: { inCellDropDown: boolean; source: string } };
  /** What Excel says when a value outside the list is typed: 'Stop' refuses it, 'Warning' asks. */
  errorAlert: { showAlert: boolean; style: 'Stop' | 'Warning' | 'Information'; title: string; message: string };
  clear(): void;
}

export interface Range extends ClientObject {
  address: string;
  values: unknown[][];
  numberFormat: unknown[][];
  /** Per cell: Unknown, Empty, String, Integer, Double, Boolean or Error (an error's value is its literal, e.g. #N/A). */
  valueTypes: string[][];
  rowCount: number;
  columnCount: number;
  rowIndex: number;
  columnIndex: number;
  columnHidden: boolean;
  format: RangeFormat;
  dataValidation: DataValidation;
  worksheet: Worksheet;
  getCell(row: number, column: number): Range;
  getResizedRange(deltaRows: number, deltaColumns: number): Range;
  getRow(row: number): Range;
  getSurroundingRegion(): Range;
  getTables(fullyContained?: boolean): TableScopedCollection;
  /** ExcelApi 1.13: the merged areas inside this range, a null object when there are none. */
  getMergedAreasOrNullObject(): RangeAreas;
  unmerge(): void;
  select(): void;
}

/** Rectangular ranges of one sheet; `address` lists them, each with its sheet ("S!A1:B4, S!D1:D4"). */
export interface RangeAreas extends ClientObject {
  address: string;
  isNullObject: boolean;
}

export interface TableScopedCollection extends ClientObject {
  items: Table[];
}

export interface TableColumn extends ClientObject {
  name: string;
  getDataBodyRange(): Range;
  getRange(): Range;
}

export interface TableRow extends ClientObject {
  delete(): void;
}

export interface Table extends ClientObject {
  name: string;
  isNullObject: boolean;
  worksheet: Worksheet;
  columns: {
    getItemAt(index: number): TableColumn;
    add(index?: number | null, values?: unknown[][], name?: string): TableColumn;
  };
  rows: { add(index: number | null, values: unknown[][]): unknown; getItemAt(index: number): TableRow };
  getHeaderRowRange(): Range;
  getDataBodyRange(): Range;
  getRange(): Range;
}

export interface Note extends ClientObject {
  isNullObject: boolean;
  delete(): void;
}

export interface Comment extends ClientObject {
  isNullObject: boolean;
  delete(): void;
}

export interface Worksheet extends ClientObject {
  name: string;
  isNullObject: boolean;
  tables: { add(address: Range | string, hasHeaders: boolean): Table };
  freezePanes: { freezeRows(count: number): void };
  getRange(address?: string): Range;
  getRangeByIndexes(startRow: number, startColumn: number, rowCount: number, columnCount: number): Range;
  /** The smallest range holding every cell with a value (valuesOnly) or any format. */
  getUsedRange(valuesOnly?: boolean): Range;
  activate(): void;
}

export interface Workbook {
  worksheets: ClientObject & {
    items: Worksheet[];
    add(name: string): Worksheet;
    getItemOrNullObject(name: string): Worksheet;
  };
  tables: ClientObject & { items: Table[]; getItem(name: string): Table; getItemOrNullObject(name: string): Table };
  notes: { add(cell: Range | string, content: string): Note; getItemOrNullObject(cellAddress: string): Note };
  comments: { add(cell: Range | string, content: string): Comment; getItemByCell(cellAddress: Range | string): Comment };
  getSelectedRange(): Range;
}

export interface RequestContext {
  workbook: Workbook;
  application: { suspendApiCalculationUntilNextSync(): void; suspendScreenUpdatingUntilNextSync?(): void };
  runtime: { enableEvents: boolean };
  sync(): Promise<void>;
}

// Result and summary sheets (insert.ts): new sheets, tables over written ranges, charts, page layout.
export interface InsertRange {
  values: unknown[][];
  numberFormat: unknown[][];
  format: { font: { bold: boolean; size: number }; autofitColumns(): void };
}

export interface InsertChart {
  title: { text: string };
  setPosition(startCell: InsertRange, endCell?: InsertRange): void;
}

export interface InsertSheet {
  name: string;
  isNullObject: boolean;
  load(props: string): unknown;
  getRangeByIndexes(row: number, column: number, rowCount: number, columnCount: number): InsertRange;
  tables: { add(range: InsertRange, hasHeaders: boolean): { style: string; showBandedRows: boolean } };
  charts: { add(type: string, source: InsertRange, seriesBy: string): InsertChart };
  freezePanes: { freezeRows(count: number): void };
  pageLayout: { orientation: string; setPrintArea(range: InsertRange): void };
  activate(): void;
}

export interface InsertContext {
  workbook: { worksheets: { add(name: string): InsertSheet; getItemOrNullObject(name: string): InsertSheet } };
  sync(): Promise<void>;
}

/** What the layer needs from the host: Excel.run and the requirement-set check. */
export interface ExcelHost {
  run<T>(batch: (context: RequestContext) => Promise<T>): Promise<T>;
  isSetSupported(name: string, version: string): boolean;
}

/** Office.context.document.settings: name-value pairs kept in the workbook's own file. */
export interface DocumentSettings {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  saveAsync(callback?: (result: { status: string }) => void): void;
}

/** The `Office` global, as far as the add-in reads it (host detection, requirement sets, the document). */
export interface OfficeGlobal {
  onReady?(callback?: (info: { host: string | null; platform: string | null }) => void): Promise<{ host: string | null; platform: string | null }>;
  context?: {
    displayLanguage?: string;
    requirements?: { isSetSupported(name: string, version?: string): boolean };
    document?: { settings?: DocumentSettings; url?: string };
  };
  HostType?: { Excel?: string };
}

/** office.js's globals; undefined until (and unless) office.js has loaded. */
export interface OfficeGlobals {
  Excel?: { run<T>(batch: (context: RequestContext) => Promise<T>): Promise<T> };
  Office?: OfficeGlobal;
}

/** The globals as they are now (office.js loads after the pane, so read them when needed). */
export const officeGlobals = (): OfficeGlobals => globalThis as OfficeGlobals;

/** The real host: office.js's globals, read when called (they load after the pane). */
export function officeHost(): ExcelHost {
  const g = officeGlobals();
  return {
    run(batch) {
      if (!g.Excel) throw new Error('Excel is not available (office.js not loaded or the host is not Excel).');
      return g.Excel.run(batch);
    },
    isSetSupported(name, version) {
      return g.Office?.context?.requirements?.isSetSupported(name, version) ?? false;
    },
  };
}
