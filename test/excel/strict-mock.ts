// office-addin-mock, made strict: reading a property that was not loaded and synced throws (the mock
// alone returns a sentinel string), and a small workbook model behind it so the Excel layer can be
// run end to end: tables with a header and a data body, cells, notes, comments, fills, formats.
import { OfficeMockObject } from 'office-addin-mock';
import type { ExcelHost } from '../../addin/excel/office-types.ts';

const sentinels = new Set(['Error, property was not loaded', 'Error, context.sync() was not called']);

export class UnloadedPropertyError extends Error {}

const wrapped = new WeakMap<object, unknown>();

/** Wraps a mock so that a read of an unloaded (or loaded but not synced) property throws. */
export function strict<T extends object>(target: T, path: string, onLoad?: (target: object, props: unknown) => void): T {
  const done = wrapped.get(target);
  if (done) return done as T;
  const proxy = new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof prop === 'symbol') return value;
      if (typeof value === 'string' && sentinels.has(value)) {
        throw new UnloadedPropertyError(`${path}.${prop} was read before load() and context.sync()`);
      }
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          if (prop === 'load') onLoad?.(obj, args[0]);
          if (prop === 'load') internalWrite = true;
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(obj, args);
          } finally {
            if (prop === 'load') internalWrite = false;
          }
          return result instanceof OfficeMockObject ? strict(result, `${path}.${prop}()`, onLoad) : result;
        };
      }
      if (value instanceof OfficeMockObject) return strict(value, `${path}.${prop}`, onLoad);
      return value;
    },
  });
  wrapped.set(target, proxy);
  return proxy;
}

export interface ModelTable {
  name: string;
  sheet: string;
  /** Header row then data rows; column 0 is 행ID when the table has one. */
  header: unknown[];
  rows: unknown[][];
  formats: unknown[][];
  /** Office's valueTypes per data cell, when a test sets them ('Error' for #N/A); derived otherwise. */
  types?: string[][];
  fills: Map<string, string>;
  hiddenColumns: Set<number>;
  validation: Map<number, string>;
  /** Per data cell (`row:column`): the list a drop-down offers and what Excel says of another value. */
  cellValidation?: Map<string, { source: string | null; style?: string; message?: string }>;
  columnFormats: Map<number, string>;
  /** Data cells Excel took as a formula when written (`row:column`); see `entered`. */
  formulas: Set<string>;
}

export interface Model {
  sheets: string[];
  tables: ModelTable[];
  notes: Map<string, string>;
  comments: Map<string, string>;
  selected?: string;
  frozenRows: Map<string, number>;
  /** Rows a single load may carry before Excel on the web refuses the payload. */
  payloadRows: number;
  syncs: number;
  calcSuspended: number;
  eventsLog: boolean[];
  /** The newest ExcelApi 1.x requirement set the host reports (18 = ExcelApi 1.18). */
  apiMinor: number;
  selection?: { table: string; row: number; column: number };
  /** Plain ranges on sheets (cells outside any table), for adopting: values, formats and merged areas. */
  grids: Map<string, ModelGrid>;
  /** The selected cell of a plain range (0-based), what getSelectedRange gives. */
  selectedCell?: { sheet: string; row: number; col: number };
}

export interface ModelGrid {
  values: unknown[][];
  formats: unknown[][];
  /** Merged areas as 0-based inclusive bounds. */
  merges: { r0: number; c0: number; r1: number; c1: number }[];
  /** Cells Excel took as a formula when written (`row:column`); see `entered`. */
  formulas: Set<string>;
}

/**
 * A value written to `range.values` as Excel takes it: text after a leading apostrophe is text (the
 * apostrophe is not part of the value); text starting with = + - @ is read as a formula.
 */
export function entered(value: unknown): { value: unknown; formula: boolean } {
  if (typeof value !== 'string') return { value, formula: false };
  if (value.startsWith("'")) return { value: value.slice(1), formula: false };
  return { value, formula: /^[=+\-@]/.test(value) };
}

/** Writes `values` into `grid` from (r0, c0) as Excel would, noting the cells taken as formulas. */
function enter(grid: unknown[][], formulas: Set<string>, r0: number, c0: number, values: unknown[][]): void {
  values.forEach((row, i) =>
    row.forEach((x, j) => {
      const { value, formula } = entered(x);
      (grid[r0 + i] ??= [])[c0 + j] = value;
      if (formula) formulas.add(`${r0 + i}:${c0 + j}`);
      else formulas.delete(`${r0 + i}:${c0 + j}`);
    }),
  );
}

/** Puts a plain range on a sheet from its top-left cell A1; merges as A1 ranges (A2:A4). */
export function addGrid(model: Model, sheet: string, values: unknown[][], merges: string[] = [], formats?: unknown[][]): ModelGrid {
  if (!model.sheets.includes(sheet)) model.sheets.push(sheet);
  const cell = (a: string) => {
    const m = /^([A-Z]+)(\d+)$/.exec(a)!;
    return { r: Number(m[2]) - 1, c: [...m[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1 };
  };
  const grid: ModelGrid = {
    values: values.map((r) => [...r]),
    formats: formats ?? values.map((r) => r.map(() => 'General')),
    merges: merges.map((m) => {
      const [from, to = from] = m.split(':') as [string, string?];
      const a = cell(from);
      const b = cell(to!);
      return { r0: a.r, c0: a.c, r1: b.r, c1: b.c };
    }),
    formulas: new Set(),
  };
  model.grids.set(sheet, grid);
  return grid;
}

export function newModel(partial: Partial<Model> = {}): Model {
  return {
    sheets: [],
    tables: [],
    notes: new Map(),
    comments: new Map(),
    frozenRows: new Map(),
    payloadRows: Number.POSITIVE_INFINITY,
    syncs: 0,
    calcSuspended: 0,
    eventsLog: [],
    apiMinor: 18,
    grids: new Map(),
    ...partial,
  };
}

export function addTable(model: Model, name: string, sheet: string, header: string[], rows: unknown[][]): ModelTable {
  if (!model.sheets.includes(sheet)) model.sheets.push(sheet);
  const t: ModelTable = {
    name,
    sheet,
    header,
    rows: rows.map((r) => [...r]),
    formats: rows.map((r) => r.map(() => 'General')),
    fills: new Map(),
    hiddenColumns: new Set(),
    validation: new Map(),
    columnFormats: new Map(),
    formulas: new Set(),
  };
  model.tables.push(t);
  return t;
}

/**
 * What a fake of an Office.js object may hold: only members the real one has (@types/office-js), so
 * the fake offers no call that Excel lacks and the layer cannot pass against a fake alone. Methods are
 * checked by name (their arguments are the fake's to read), nested objects all the way down.
 */
type FakeOf<T> = {
  [K in keyof T]?: T[K] extends (...args: never[]) => unknown
    ? (...args: never[]) => unknown
    : T[K] extends readonly unknown[]
      ? unknown
      : T[K] extends object
        ? FakeOf<T[K]>
        : T[K];
};

/** True while the mock's own load/sync runs (its property assignments are not the layer's writes). */
let internalWrite = false;

/** A call of an API set the host lacks fails as Excel fails it (the layer must check isSetSupported first). */
function needs(model: Model, minor: number, what: string): void {
  if (model.apiMinor < minor) throw Object.assign(new Error(`${what} needs ExcelApi 1.${minor}`), { code: 'ApiNotFound' });
}

/** Office's valueTypes of a cell value. */
const typeOf = (v: unknown) =>
  v === '' || v === null || v === undefined ? 'Empty' : typeof v === 'number' ? (Number.isInteger(v) ? 'Integer' : 'Double') : typeof v === 'boolean' ? 'Boolean' : 'String';

const letters = (c: number): string => (c < 26 ? String.fromCharCode(65 + c) : letters(Math.floor(c / 26) - 1) + letters(c % 26));

/** A host for the Excel layer over the model: Excel.run with a strict office-addin-mock context. */
export function mockHost(model: Model) {
  const created: OfficeMockObject[] = [];
  const loads: { obj: object; rows: number }[] = [];
  const track = <T extends OfficeMockObject>(m: T): T => {
    created.push(m);
    return m;
  };
  // Only cell contents weigh on the payload; a range's shape (rowCount, address) does not.
  const onLoad = (obj: object, props: unknown) => {
    const rows = (obj as { _rowsForPayload?: number })._rowsForPayload;
    const heavy = [props].flat().some((p) => typeof p === 'string' && /values|numberFormat/.test(p));
    if (rows !== undefined && heavy) loads.push({ obj, rows });
  };
  const table = (name: string): ModelTable => {
    const t = model.tables.find((x) => x.name === name);
    if (!t) throw Object.assign(new Error(`no table ${name}`), { code: 'ItemNotFound' });
    return t;
  };

  /** A range of a table's data body (or header when r0 is -1), rows×cols from (r0, c0). */
  function bodyRange(t: ModelTable, r0: number, c0: number, rows: number, cols: number): OfficeMockObject {
    const slice = (grid: unknown[][]) =>
      Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (r0 + i < 0 ? t.header[c0 + j] : grid[r0 + i]?.[c0 + j]) ?? ''));
    const sheetRow = r0 + 1;
    const address = `${t.sheet}!${letters(c0)}${sheetRow + 1}${rows * cols > 1 ? `:${letters(c0 + cols - 1)}${sheetRow + rows}` : ''}`;
    const mock = track(
      new OfficeMockObject({
        address,
        values: slice(t.rows),
        numberFormat: r0 < 0 ? [t.header.map(() => 'General')] : slice(t.formats),
        valueTypes: r0 < 0 ? [t.header.map(() => 'String')] : slice(t.rows.map((row, i) => row.map((v, j) => t.types?.[i]?.[j] ?? typeOf(v)))),
        rowCount: rows,
        columnCount: cols,
        rowIndex: sheetRow,
        columnIndex: c0,
        columnHidden: false,
        format: {
          fill: {
            color: '',
            clear() {
              for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t.fills.delete(`${r0 + i}:${c0 + j}`);
            },
          },
        },
        dataValidation: {
          clear() {
            t.cellValidation ??= new Map();
            for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (r0 + i >= 0) t.cellValidation.set(`${r0 + i}:${c0 + j}`, { source: null });
          },
        },
        getCell(r: number, c: number) {
          return bodyRange(t, r0 + r, c0 + c, 1, 1);
        },
        getResizedRange(dr: number, dc: number) {
          return bodyRange(t, r0, c0, rows + dr, cols + dc);
        },
        getRow(r: number) {
          return bodyRange(t, r0 + r, c0, 1, cols);
        },
        select() {
          model.selection = { table: t.name, row: r0, column: c0 };
        },
      } satisfies FakeOf<Excel.Range>),
    );
    (mock as unknown as { _rowsForPayload: number })._rowsForPayload = rows;
    // Writes land in the model when set (the layer syncs once after queuing them).
    const m = mock as unknown as Record<string, unknown>;
    const setters: Record<string, (v: unknown) => void> = {
      values: (v) => enter(t.rows, t.formulas, r0, c0, v as unknown[][]),
      numberFormat: (v) => {
        for (let j = 0; j < cols; j++) t.columnFormats.set(c0 + j, String((v as unknown[][])[0]![j] ?? (v as unknown[][])[0]![0]));
      },
      columnHidden: (v) => {
        for (let j = 0; j < cols; j++) if (v) t.hiddenColumns.add(c0 + j);
      },
    };
    for (const [prop, set] of Object.entries(setters)) {
      let current = m[prop];
      Object.defineProperty(m, prop, {
        get: () => current,
        // The mock itself assigns sentinels and the loaded value on load and sync: not writes.
        set: (v) => {
          const internal = (typeof v === 'string' && sentinels.has(v)) || internalWrite;
          current = v;
          if (!internal) set(v);
        },
        configurable: true,
      });
    }
    const fill = (m.format as Record<string, Record<string, unknown>>).fill!;
    let colour = fill.color;
    Object.defineProperty(fill, 'color', {
      get: () => colour,
      set: (v: string) => {
        colour = v;
        if (sentinels.has(v) || internalWrite) return;
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t.fills.set(`${r0 + i}:${c0 + j}`, v);
      },
    });
    const validation = m.dataValidation as Record<string, unknown>;
    Object.defineProperty(validation, 'rule', {
      get: () => undefined,
      set: (v: { list?: { source: string } }) => {
        // Data validation is ExcelApi 1.8: a host without it has no such property.
        if (model.apiMinor < 8) throw Object.assign(new Error('dataValidation needs ExcelApi 1.8'), { code: 'ApiNotFound' });
        for (let j = 0; j < cols; j++) if (v.list) t.validation.set(c0 + j, v.list.source);
        t.cellValidation ??= new Map();
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (r0 + i >= 0 && v.list) t.cellValidation.set(`${r0 + i}:${c0 + j}`, { source: v.list.source });
      },
    });
    Object.defineProperty(validation, 'errorAlert', {
      get: () => undefined,
      set: (v: { style: string; message: string }) => {
        for (let i = 0; i < rows; i++)
          for (let j = 0; j < cols; j++) {
            const cell = t.cellValidation?.get(`${r0 + i}:${c0 + j}`);
            if (cell) Object.assign(cell, { style: v.style, message: v.message });
          }
      },
    });
    return mock;
  }

  function tableMock(t: ModelTable): OfficeMockObject {
    const column = (j: number) =>
      track(
        new OfficeMockObject({
          name: String(t.header[j]),
          getDataBodyRange: () => bodyRange(t, 0, j, Math.max(1, t.rows.length), 1),
          getRange: () => bodyRange(t, -1, j, Math.max(1, t.rows.length) + 1, 1),
        } satisfies FakeOf<Excel.TableColumn>),
      );
    const mock = track(
      new OfficeMockObject({
        name: t.name,
        isNullObject: false,
        worksheet: { name: t.sheet, activate() {} },
        columns: {
          getItemAt: column,
          add(index: number, _values: unknown, name: string) {
            t.header.splice(index, 0, name);
            for (const r of t.rows) r.splice(index, 0, '');
            for (const r of t.formats) r.splice(index, 0, 'General');
            return column(index);
          },
        },
        rows: {
          add(index: number | undefined, values: unknown[][]) {
            if (t.rows.length === 1 && t.rows[0]!.every((v) => v === '')) t.rows.pop();
            // As Excel: rows go in at `index` (the rows below move down), or at the end.
            const at = index === undefined || index === null ? t.rows.length : index;
            if (at < 0 || at > t.rows.length) throw Object.assign(new Error(`row index ${at} is outside the table`), { code: 'InvalidArgument' });
            t.rows.splice(at, 0, ...values.map(() => [] as unknown[]));
            t.formats.splice(at, 0, ...values.map((v) => v.map(() => 'General')));
            enter(t.rows, t.formulas, at, 0, values);
          },
          getItemAt(i: number) {
            return { delete: () => (t.rows.splice(i, 1), t.formats.splice(i, 1)) };
          },
        },
        getHeaderRowRange: () => bodyRange(t, -1, 0, 1, t.header.length),
        getDataBodyRange: () => bodyRange(t, 0, 0, Math.max(1, t.rows.length), t.header.length),
      } satisfies FakeOf<Excel.Table>),
    );
    const m = mock as unknown as Record<string, unknown>;
    const comments = sheetComments(t.sheet);
    Object.defineProperty(m.worksheet as object, 'comments', { get: () => comments });
    let name = t.name;
    Object.defineProperty(m, 'name', { get: () => name, set: (v: string) => ((name = v), (t.name = v)), configurable: true });
    return mock;
  }

  const nullObject = (props: Record<string, unknown> = {}) => track(new OfficeMockObject({ isNullObject: true, ...props }));

  /** A sheet's modern comments (ExcelApi 1.10): their content and where each is, readable after a sync. */
  function sheetComments(sheet: string): object {
    if (model.apiMinor < 10) return { load: () => needs(model, 10, 'Worksheet.comments') };
    return lazy(`${sheet}.comments`, {
      items: () =>
        [...model.comments.entries()]
          .filter(([address]) => address.startsWith(`${sheet}!`))
          .map(([address, content]) => ({
            content,
            getLocation: () => track(new OfficeMockObject({ address })),
            delete: () => model.comments.delete(address),
          })),
    });
  }

  // Objects whose properties office-addin-mock cannot load (arrays of items): readable after a sync.
  const lazies: { ready: boolean }[] = [];
  function lazy<T extends object>(path: string, props: Record<string, () => unknown>): T {
    const state = { ready: false, loaded: false };
    const target: Record<string, unknown> = {
      load() {
        state.loaded = true;
        lazies.push(state);
      },
    };
    for (const [name, get] of Object.entries(props)) {
      Object.defineProperty(target, name, {
        get: () => {
          if (!state.ready) throw new UnloadedPropertyError(`${path}.${name} was read before load() and context.sync()`);
          return get();
        },
      });
    }
    return target as T;
  }

  const overlaps = (a: ModelGrid['merges'][number], b: ModelGrid['merges'][number]) => a.r0 <= b.r1 && b.r0 <= a.r1 && a.c0 <= b.c1 && b.c0 <= a.c1;
  const filled = (g: ModelGrid, r: number, c: number) => {
    const v = g.values[r]?.[c];
    return v !== undefined && v !== null && v !== '';
  };

  /** A range of a plain range on a sheet (0-based top-left, size). */
  function gridRange(sheet: string, r0: number, c0: number, rows: number, cols: number): OfficeMockObject {
    const g = model.grids.get(sheet)!;
    const at = (grid: unknown[][], i: number, j: number, blank: unknown) => grid[r0 + i]?.[c0 + j] ?? blank;
    const here = { r0, c0, r1: r0 + rows - 1, c1: c0 + cols - 1 };
    const cellA1 = (r: number, c: number) => `${letters(c)}${r + 1}`;
    const mock = track(
      new OfficeMockObject({
        address: `${sheet}!${cellA1(r0, c0)}${rows * cols > 1 ? `:${cellA1(r0 + rows - 1, c0 + cols - 1)}` : ''}`,
        values: Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => at(g.values, i, j, ''))),
        numberFormat: Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => at(g.formats, i, j, 'General'))),
        rowIndex: r0,
        columnIndex: c0,
        rowCount: rows,
        columnCount: cols,
        worksheet: sheetSpec(sheet),
        getRow: (r: number) => gridRange(sheet, r0 + r, c0, 1, cols),
        getResizedRange: (dr: number, dc: number) => gridRange(sheet, r0, c0, rows + dr, cols + dc),
        getSurroundingRegion: () => {
          const a = { r0, c0, r1: r0, c1: c0 };
          for (let grew = true; grew; ) {
            grew = false;
            for (let r = Math.max(0, a.r0 - 1); r <= a.r1 + 1; r++)
              for (let c = Math.max(0, a.c0 - 1); c <= a.c1 + 1; c++) {
                if ((r >= a.r0 && r <= a.r1 && c >= a.c0 && c <= a.c1) || !filled(g, r, c)) continue;
                Object.assign(a, { r0: Math.min(a.r0, r), r1: Math.max(a.r1, r), c0: Math.min(a.c0, c), c1: Math.max(a.c1, c) });
                grew = true;
              }
          }
          return gridRange(sheet, a.r0, a.c0, a.r1 - a.r0 + 1, a.c1 - a.c0 + 1);
        },
        getTables: () => (needs(model, 9, 'Range.getTables'), lazy<object>(`${sheet}.getTables()`, { items: () => [] })),
        getMergedAreasOrNullObject: () => {
          if (model.apiMinor < 13) throw Object.assign(new Error('ExcelApi 1.13 is not supported'), { code: 'ApiNotFound' });
          const found = g.merges.filter((m) => overlaps(m, here));
          return track(new OfficeMockObject({ isNullObject: found.length === 0, address: found.map((m) => `${sheet}!${cellA1(m.r0, m.c0)}:${cellA1(m.r1, m.c1)}`).join(', ') }));
        },
        unmerge: () => {
          g.merges = g.merges.filter((m) => !overlaps(m, here));
        },
      } satisfies FakeOf<Excel.Range>),
    );
    (mock as unknown as { _grid: unknown })._grid = { sheet, here };
    const m = mock as unknown as Record<string, unknown>;
    const writeFormats = (v: unknown) => (v as unknown[][]).forEach((row, i) => row.forEach((x, j) => ((g.formats[r0 + i] ??= [])[c0 + j] = x)));
    const writeValues = (v: unknown) => enter(g.values, g.formulas, r0, c0, v as unknown[][]);
    for (const [prop, set] of Object.entries({ values: writeValues, numberFormat: writeFormats })) {
      let current = m[prop];
      Object.defineProperty(m, prop, {
        get: () => current,
        set: (v) => {
          const internal = (typeof v === 'string' && sentinels.has(v)) || internalWrite;
          current = v;
          if (!internal) set(v);
        },
        configurable: true,
      });
    }
    return mock;
  }

  /** The used range of a sheet's plain range, values only (Worksheet.getUsedRange(true)). */
  function usedRange(sheet: string): OfficeMockObject {
    const g = model.grids.get(sheet);
    if (!g) throw Object.assign(new Error('the sheet is empty'), { code: 'ItemNotFound' });
    let a: ModelGrid['merges'][number] | null = null;
    g.values.forEach((row, r) =>
      row.forEach((_, c) => {
        if (!filled(g, r, c)) return;
        a = a ? { r0: Math.min(a.r0, r), c0: Math.min(a.c0, c), r1: Math.max(a.r1, r), c1: Math.max(a.c1, c) } : { r0: r, c0: c, r1: r, c1: c };
      }),
    );
    const u = (a ?? { r0: 0, c0: 0, r1: 0, c1: 0 }) as ModelGrid['merges'][number];
    return gridRange(sheet, u.r0, u.c0, u.r1 - u.r0 + 1, u.c1 - u.c0 + 1);
  }

  function sheetMock(sheet: string): OfficeMockObject {
    return track(new OfficeMockObject(sheetSpec(sheet)));
  }

  /** A worksheet as office-addin-mock's object model (also nested in a range as its worksheet). */
  function sheetSpec(sheet: string): Record<string, unknown> {
    return {
      name: sheet,
      isNullObject: false,
      tables: {
        add(range: { address: string }, _hasHeaders: boolean) {
          const plain = (range as unknown as { _grid?: { sheet: string; here: ModelGrid['merges'][number] } })._grid;
          if (plain) {
            // As Excel: a table over a plain range takes its first row as the header; none over merged cells.
            const g = model.grids.get(plain.sheet)!;
            const h = plain.here;
            if (g.merges.some((m) => overlaps(m, h))) throw Object.assign(new Error("You can't create a table over merged cells."), { code: 'InvalidOperation' });
            const rowsOf = (grid: unknown[][], blank: unknown) =>
              Array.from({ length: h.r1 - h.r0 + 1 }, (_, i) => Array.from({ length: h.c1 - h.c0 + 1 }, (_, j) => grid[h.r0 + i]?.[h.c0 + j] ?? blank));
            const [head, ...body] = rowsOf(g.values, '');
            const t = addTable(model, `Table${model.tables.length + 1}`, sheet, head!.map(String), body);
            t.formats = rowsOf(g.formats, 'General').slice(1);
            return tableMock(t);
          }
          const header = (range as unknown as { values: unknown[][] }).values[0] ?? [];
          const t = addTable(model, `Table${model.tables.length + 1}`, sheet, header.map(String), [header.map(() => '')]);
          return tableMock(t);
        },
      },
      freezePanes: { freezeRows: (n: number) => model.frozenRows.set(sheet, n) },
      getRange: (address: string) => {
        const [from, to = from] = address.replace(/^.*!/, '').split(':') as [string, string?];
        const p = (a: string) => {
          const x = /^\$?([A-Z]+)\$?(\d+)$/.exec(a)!;
          return { r: Number(x[2]) - 1, c: [...x[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1 };
        };
        const a = p(from);
        const b = p(to!);
        return gridRange(sheet, a.r, a.c, b.r - a.r + 1, b.c - a.c + 1);
      },
      getUsedRange: () => usedRange(sheet),
      getRangeByIndexes(r: number, c: number, rows: number, cols: number) {
        if (model.grids.has(sheet)) return gridRange(sheet, r, c, rows, cols);
        // A free range on a sheet: model it as a header-only scratch table until tables.add.
        const scratch: ModelTable = addTable(
          model,
          `__scratch${model.tables.length}`,
          sheet,
          Array.from({ length: cols }, () => ''),
          [],
        );
        model.tables.splice(model.tables.indexOf(scratch), 1);
        const mock = bodyRange(scratch, -1 + r, c, rows, cols);
        const m = mock as unknown as Record<string, unknown>;
        Object.defineProperty(m, 'values', { get: () => [scratch.header], set: (v: unknown[][]) => (scratch.header = [...v[0]!]), configurable: true });
        return mock;
      },
      activate() {},
    } satisfies FakeOf<Excel.Worksheet>;
  }

  const context = new OfficeMockObject({
    workbook: {
      worksheets: {
        add(name: string) {
          model.sheets.push(name);
          return sheetMock(name);
        },
        getItemOrNullObject: (name: string) => (model.sheets.includes(name) ? sheetMock(name) : nullObject()),
      },
      tables: {
        getItem: (name: string) => tableMock(table(name)),
        getItemOrNullObject: (name: string) => (model.tables.some((t) => t.name === name) ? tableMock(table(name)) : nullObject()),
      },
      notes: {
        add(cell: { address: string }, content: string) {
          needs(model, 18, 'notes');
          if (model.notes.has(cell.address)) throw Object.assign(new Error('note exists'), { code: 'InvalidArgument' });
          model.notes.set(cell.address, content);
        },
        getItemOrNullObject: (address: string) => {
          needs(model, 18, 'notes');
          return model.notes.has(address)
            ? track(new OfficeMockObject({ isNullObject: false, content: model.notes.get(address), delete: () => model.notes.delete(address) }))
            : nullObject({ content: '' });
        },
      },
      comments: {
        add(cell: { address: string }, content: string) {
          needs(model, 10, 'comments');
          // Excel keeps one comment thread per cell.
          if (model.comments.has(cell.address)) throw Object.assign(new Error('comment exists'), { code: 'InvalidArgument' });
          model.comments.set(cell.address, content);
        },
      },
      getSelectedRange: () => {
        const at = model.selectedCell;
        if (!at) throw Object.assign(new Error('nothing is selected'), { code: 'ItemNotFound' });
        return gridRange(at.sheet, at.row, at.col, 1, 1);
      },
    },
    application: {
      suspendApiCalculationUntilNextSync: () => void model.calcSuspended++,
      suspendScreenUpdatingUntilNextSync: () => needs(model, 9, 'suspendScreenUpdatingUntilNextSync'),
    },
    runtime: { enableEvents: true },
  } satisfies FakeOf<Excel.RequestContext>);
  const runtime = (context as unknown as { runtime: Record<string, unknown> }).runtime;
  let events = true;
  Object.defineProperty(runtime, 'enableEvents', { get: () => events, set: (v: boolean) => (needs(model, 8, 'Runtime.enableEvents'), (events = v), model.eventsLog.push(v)) });

  const rawSync = context.sync.bind(context);
  const strictContext = strict(
    Object.assign(context, {
      sync: async () => {
        model.syncs++;
        const tooBig = loads.some((l) => l.rows > model.payloadRows);
        loads.length = 0;
        if (tooBig) throw Object.assign(new Error('The request payload size has exceeded the limit.'), { name: 'RichApi.Error', code: 'RequestPayloadSizeLimitExceeded' });
        for (const l of lazies.splice(0)) l.ready = true;
        internalWrite = true;
        try {
          await rawSync();
          for (const m of created) await m.sync();
          // office-addin-mock settles nested properties in later microtasks.
          await new Promise((resolve) => setTimeout(resolve, 0));
        } finally {
          internalWrite = false;
        }
      },
    }),
    'context',
    onLoad,
  );

  const host: ExcelHost = {
    run: async <T>(batch: (ctx: Excel.RequestContext) => Promise<T>): Promise<T> => batch(strictContext as unknown as Excel.RequestContext),
    isSetSupported: (name: string, version: string) => name === 'ExcelApi' && Number(version.split('.')[1] ?? 0) <= model.apiMinor,
  };
  return host;
}
