// A small fake Office host for the browser end-to-end test, injected before the page's scripts
// (page.addInitScript): window.Office (onReady, requirements, document settings) and window.Excel
// (Excel.run over an in-memory workbook). It supports exactly the Excel calls the add-in's layer
// makes, and it is strict like the office-addin-mock wrapper: reading a property that was not
// loaded and synced throws. The test drives the workbook through window.__fakeWorkbook.
import type { Page } from 'playwright-core';

/** What the test can do to the workbook from page.evaluate (window.__fakeWorkbook). */
export interface FakeWorkbookApi {
  /** Writes a block of values with its top-left cell at (row, col), 0-based. */
  setValues(sheet: string, row: number, col: number, values: unknown[][], formats?: unknown[][]): void;
  addSheet(name: string): void;
  select(sheet: string, row: number, col: number): void;
  /** Header and data rows of a table. */
  table(name: string): { sheet: string; top: number; left: number; header: unknown[]; rows: unknown[][]; hidden: number[] } | null;
  tableNames(): string[];
  /** Types rows below a table's last filled row; the table grows over them as Excel's does. */
  typeRows(name: string, rows: unknown[][]): void;
  /** Sets one cell of a table's data body (row 0-based, column 0 = 행ID). */
  setTableCell(name: string, row: number, column: number, value: unknown): void;
  deleteTableRow(name: string, row: number): void;
  /** A table cell's fill and note. */
  tableCell(name: string, row: number, column: number): { value: unknown; fill: string | null; note: string | null };
  selection(): { sheet: string; row: number; col: number } | null;
  syncs(): number;
  /**
   * Sets up a sheet as Excel holds an opened workbook: values (dates as serials, '' for empty and for
   * the hidden cells of a merge), number formats, value types ('Error' for #N/A and the like) and
   * merged areas (A1 ranges). The sheet is created when missing.
   */
  loadSheet(name: string, sheet: { values: unknown[][]; formats?: unknown[][]; types?: (string | null)[][]; merges?: string[] }): void;
  /** One cell of a sheet (0-based row and column). */
  cell(sheet: string, row: number, col: number): { value: unknown; format: string; fill: string | null; note: string | null; list: string | null; alert: string | null };
  /** The merged areas of a sheet, as A1 ranges. */
  merges(sheet: string): string[];
  /** The charts added to a sheet (type, title, source range) and its page layout. */
  charts(sheet: string): { type: string; title: string; source: string }[];
  pageLayout(sheet: string): { orientation: string | null; printArea: string | null };
}

/** The fake as plain browser code: a function run in the page before anything else. */
function installFakeOffice(options: { apiMinor: number }): void {
  /** `list` and `alert`: a drop-down's items and the style of its alert ('Warning' lets another value in). */
  type Cell = { v: unknown; f: string; fill: string | null; note: string | null; t?: string; list?: string | null; alert?: string | null };
  type Area = { r0: number; c0: number; r1: number; c1: number };
  type Sheet = { name: string; cells: Map<string, Cell>; merges: Area[] };
  type Tbl = { name: string; sheet: string; top: number; left: number; nrows: number; ncols: number; hidden: Set<number> };
  const sheets = new Map<string, Sheet>();
  const tables: Tbl[] = [];
  const charts: { sheet: string; type: string; title: string; source: string }[] = [];
  const layouts = new Map<string, { orientation: string | null; printArea: string | null }>();
  const settings = new Map<string, unknown>();
  let selection: { sheet: string; row: number; col: number } | null = null;
  let syncs = 0;

  const key = (r: number, c: number) => `${r}:${c}`;
  const sheetOf = (name: string): Sheet => {
    let s = sheets.get(name);
    if (!s) {
      s = { name, cells: new Map(), merges: [] };
      sheets.set(name, s);
    }
    return s;
  };
  const cellAt = (s: Sheet, r: number, c: number): Cell => {
    let cell = s.cells.get(key(r, c));
    if (!cell) {
      cell = { v: '', f: 'General', fill: null, note: null };
      s.cells.set(key(r, c), cell);
    }
    return cell;
  };
  const peek = (s: Sheet, r: number, c: number): Cell | undefined => s.cells.get(key(r, c));
  /** As Excel takes a written value: a leading apostrophe marks text and is not kept. */
  const entered = (v: unknown) => (typeof v === 'string' && v.startsWith("'") ? v.slice(1) : v);
  const letters = (c: number): string => (c < 26 ? String.fromCharCode(65 + c) : letters(Math.floor(c / 26) - 1) + letters(c % 26));
  const quoted = (name: string) => (/^[A-Za-z0-9_]+$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`);
  const a1 = (r: number, c: number) => `${letters(c)}${r + 1}`;
  const parseA1 = (text: string): { r: number; c: number } => {
    const m = /^\$?([A-Z]+)\$?(\d+)$/.exec(text.trim());
    if (!m) throw Object.assign(new Error(`bad address ${text}`), { code: 'InvalidArgument' });
    let c = 0;
    for (const ch of m[1]!) c = c * 26 + (ch.charCodeAt(0) - 64);
    return { r: Number(m[2]) - 1, c: c - 1 };
  };
  const filled = (s: Sheet, r: number, c: number) => {
    const v = peek(s, r, c)?.v;
    return v !== undefined && v !== '' && v !== null;
  };
  /** The used range with values only (Worksheet.getUsedRange(true)); null for an empty sheet. */
  const usedArea = (s: Sheet): Area | null => {
    let area: Area | null = null;
    for (const [k, cell] of s.cells) {
      if (cell.v === '' || cell.v === null) continue;
      const [r, c] = k.split(':').map(Number) as [number, number];
      area = area ? { r0: Math.min(area.r0, r), c0: Math.min(area.c0, c), r1: Math.max(area.r1, r), c1: Math.max(area.c1, c) } : { r0: r, c0: c, r1: r, c1: c };
    }
    return area;
  };
  /** Excel's current region (Ctrl+*): grown while any cell touching it, diagonals too, holds a value. */
  const currentRegion = (s: Sheet, r: number, c: number): Area => {
    const a: Area = { r0: r, c0: c, r1: r, c1: c };
    for (let grew = true; grew; ) {
      grew = false;
      for (let rr = Math.max(0, a.r0 - 1); rr <= a.r1 + 1; rr++) {
        for (let cc = Math.max(0, a.c0 - 1); cc <= a.c1 + 1; cc++) {
          if (rr >= a.r0 && rr <= a.r1 && cc >= a.c0 && cc <= a.c1) continue;
          if (!filled(s, rr, cc)) continue;
          a.r0 = Math.min(a.r0, rr);
          a.r1 = Math.max(a.r1, rr);
          a.c0 = Math.min(a.c0, cc);
          a.c1 = Math.max(a.c1, cc);
          grew = true;
        }
      }
    }
    return a;
  };
  const overlaps = (a: Area, b: Area) => a.r0 <= b.r1 && b.r0 <= a.r1 && a.c0 <= b.c1 && b.c0 <= a.c1;
  const areaA1 = (a: Area) => (a.r0 === a.r1 && a.c0 === a.c1 ? a1(a.r0, a.c0) : `${a1(a.r0, a.c0)}:${a1(a.r1, a.c1)}`);
  const valueType = (cell: Cell | undefined) => {
    if (cell?.t) return cell.t;
    const v = cell?.v;
    if (v === undefined || v === '' || v === null) return 'Empty';
    if (typeof v === 'number') return Number.isInteger(v) ? 'Integer' : 'Double';
    if (typeof v === 'boolean') return 'Boolean';
    return 'String';
  };

  // Strictness: every client object records what was loaded; sync makes it readable.
  const pending = new Set<{ pendingProps: Set<string>; loaded: Set<string> }>();
  function client<T extends object>(path: string, loadable: Record<string, () => unknown>, rest: T, setters: Record<string, (v: unknown) => void> = {}): T {
    const state = { pendingProps: new Set<string>(), loaded: new Set<string>() };
    const target = {
      ...rest,
      load(props?: string | string[]) {
        const list = props === undefined ? Object.keys(loadable) : Array.isArray(props) ? props : props.split(',');
        for (const p of list) {
          const name = p.trim().split('/')[0]!;
          if (!(name in loadable)) throw new Error(`fake Office: ${path}.load('${name}') is not supported`);
          state.pendingProps.add(name);
        }
        pending.add(state);
        return proxy;
      },
    };
    const proxy: T = new Proxy(target as T & object, {
      get(obj, prop, receiver) {
        if (typeof prop === 'string' && prop in loadable) {
          if (!state.loaded.has(prop)) throw new Error(`PropertyNotLoaded: ${path}.${prop} was read before load() and context.sync()`);
          return loadable[prop]!();
        }
        return Reflect.get(obj, prop, receiver);
      },
      set(obj, prop, value) {
        if (typeof prop === 'string' && setters[prop]) {
          setters[prop]!(value);
          return true;
        }
        throw new Error(`fake Office: ${path}.${String(prop)} cannot be set`);
      },
    });
    return proxy;
  }

  const notFound = (what: string) => Object.assign(new Error(`${what} does not exist`), { code: 'ItemNotFound' });

  function range(s: Sheet, r0: number, c0: number, rows: number, cols: number): unknown {
    const grid = <T>(fn: (cell: Cell | undefined) => T) => Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => fn(peek(s, r0 + i, c0 + j))));
    const each = (fn: (cell: Cell, i: number, j: number) => void) => {
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) fn(cellAt(s, r0 + i, c0 + j), i, j);
    };
    const path = `Range(${s.name}!${a1(r0, c0)})`;
    const address = `${quoted(s.name)}!${a1(r0, c0)}${rows * cols > 1 ? `:${a1(r0 + rows - 1, c0 + cols - 1)}` : ''}`;
    const fill = client(
      `${path}.format.fill`,
      {},
      {
        clear() {
          each((cell) => (cell.fill = null));
        },
      },
      { color: (v) => each((cell) => (cell.fill = String(v))) },
    );
    const tablesOver = () => tables.filter((t) => t.sheet === s.name && r0 >= t.top && r0 < t.top + t.nrows && c0 >= t.left && c0 < t.left + t.ncols);
    return client(
      path,
      {
        address: () => address,
        values: () => grid((cell) => cell?.v ?? ''),
        numberFormat: () => grid((cell) => cell?.f ?? 'General'),
        valueTypes: () => grid(valueType),
        rowCount: () => rows,
        columnCount: () => cols,
        rowIndex: () => r0,
        columnIndex: () => c0,
      },
      {
        format: { fill, font: { bold: false, size: 11 }, autofitColumns() {} },
        __spec: () => ({ r0, c0, rows, cols }),
        __address: () => address,
        dataValidation: client(
          `${path}.dataValidation`,
          {},
          { clear: () => each((cell) => ((cell.list = null), (cell.alert = null))) },
          {
            rule: (v) => each((cell) => (cell.list = (v as { list?: { source: string } }).list?.source ?? null)),
            errorAlert: (v) => each((cell) => (cell.alert = (v as { style: string }).style)),
          },
        ),
        worksheet: worksheet(s),
        getCell: (r: number, c: number) => range(s, r0 + r, c0 + c, 1, 1),
        getResizedRange: (dr: number, dc: number) => range(s, r0, c0, rows + dr, cols + dc),
        getRow: (r: number) => range(s, r0 + r, c0, 1, cols),
        getSurroundingRegion: () => {
          const a = currentRegion(s, r0, c0);
          return range(s, a.r0, a.c0, a.r1 - a.r0 + 1, a.c1 - a.c0 + 1);
        },
        getMergedAreasOrNullObject: () => {
          if (options.apiMinor < 13) throw Object.assign(new Error('getMergedAreasOrNullObject needs ExcelApi 1.13'), { code: 'ApiNotFound' });
          const here: Area = { r0, c0, r1: r0 + rows - 1, c1: c0 + cols - 1 };
          const found = s.merges.filter((m) => overlaps(m, here));
          if (found.length === 0) {
            // A null object: its properties load, but only isNullObject may be read.
            return client(
              `${path}.getMergedAreasOrNullObject()`,
              {
                isNullObject: () => true,
                address: () => {
                  throw new Error(`fake Office: ${path}.getMergedAreasOrNullObject() is a null object`);
                },
              },
              {},
            );
          }
          return client(`${path}.getMergedAreasOrNullObject()`, { isNullObject: () => false, address: () => found.map((m) => `${quoted(s.name)}!${areaA1(m)}`).join(', ') }, {});
        },
        unmerge() {
          const here: Area = { r0, c0, r1: r0 + rows - 1, c1: c0 + cols - 1 };
          s.merges = s.merges.filter((m) => !overlaps(m, here));
        },
        getTables: () => client(`${path}.getTables()`, { items: () => tablesOver().map((t) => ({ name: t.name })) }, {}),
        select() {
          selection = { sheet: s.name, row: r0, col: c0 };
        },
      },
      {
        values: (v) =>
          (v as unknown[][]).forEach((row, i) =>
            row.forEach((x, j) => {
              const cell = cellAt(s, r0 + i, c0 + j);
              cell.v = entered(x);
              delete cell.t;
            }),
          ),
        numberFormat: (v) => each((cell, i, j) => (cell.f = String((v as unknown[][])[i]?.[j] ?? (v as unknown[][])[0]![0]))),
        columnHidden: (v) => {
          for (const t of tablesOver()) for (let j = 0; j < cols; j++) if (v) t.hidden.add(c0 + j - t.left);
        },
      },
    );
  }

  function moveCells(s: Sheet, moves: { from: [number, number]; to: [number, number] }[]): void {
    const taken = moves.map((m) => s.cells.get(key(...m.from)));
    for (const m of moves) s.cells.delete(key(...m.from));
    moves.forEach((m, i) => {
      const cell = taken[i];
      if (cell) s.cells.set(key(...m.to), cell);
    });
  }

  function table(t: Tbl): unknown {
    const s = () => sheetOf(t.sheet);
    const path = `Table(${t.name})`;
    return client(
      path,
      { name: () => t.name, isNullObject: () => false },
      {
        worksheet: worksheet(s()),
        getHeaderRowRange: () => range(s(), t.top, t.left, 1, t.ncols),
        getDataBodyRange: () => range(s(), t.top + 1, t.left, t.nrows - 1, t.ncols),
        getRange: () => range(s(), t.top, t.left, t.nrows, t.ncols),
        columns: {
          getItemAt: (j: number) => ({
            getDataBodyRange: () => range(s(), t.top + 1, t.left + j, t.nrows - 1, 1),
            getRange: () => range(s(), t.top, t.left + j, t.nrows, 1),
          }),
          add: (index: number | null, _values: unknown, name?: string) => {
            const at = index ?? t.ncols;
            const moves: { from: [number, number]; to: [number, number] }[] = [];
            for (let r = t.top; r < t.top + t.nrows; r++) for (let c = t.left + t.ncols - 1; c >= t.left + at; c--) moves.push({ from: [r, c], to: [r, c + 1] });
            moveCells(s(), moves);
            t.ncols++;
            t.hidden = new Set([...t.hidden].map((j) => (j >= at ? j + 1 : j)));
            cellAt(s(), t.top, t.left + at).v = name ?? `Column${at + 1}`;
            return { getDataBodyRange: () => range(s(), t.top + 1, t.left + at, t.nrows - 1, 1), getRange: () => range(s(), t.top, t.left + at, t.nrows, 1) };
          },
        },
        rows: {
          add: (index: number | null | undefined, values: unknown[][]) => {
            // A new table's one blank body row is filled first, as Excel does.
            let start = t.top + t.nrows;
            const lastBlank = t.nrows === 2 && Array.from({ length: t.ncols }, (_, j) => peek(s(), t.top + 1, t.left + j)?.v ?? '').every((v) => v === '');
            if (lastBlank) start = t.top + 1;
            else if (typeof index === 'number' && index < t.nrows - 1) {
              // Inserted at a data row: that row and every cell below it in the table's columns move down.
              start = t.top + 1 + index;
              const moves: { from: [number, number]; to: [number, number] }[] = [];
              for (const k of s().cells.keys()) {
                const [r, c] = k.split(':').map(Number) as [number, number];
                if (r >= start && c >= t.left && c < t.left + t.ncols) moves.push({ from: [r, c], to: [r + values.length, c] });
              }
              moveCells(s(), moves);
              t.nrows += values.length;
            }
            values.forEach((row, i) => row.forEach((v, j) => (cellAt(s(), start + i, t.left + j).v = entered(v))));
            t.nrows = Math.max(t.nrows, start - t.top + values.length);
          },
          getItemAt: (i: number) => ({
            delete() {
              const r = t.top + 1 + i;
              const moves: { from: [number, number]; to: [number, number] }[] = [];
              for (let c = t.left; c < t.left + t.ncols; c++) s().cells.delete(key(r, c));
              for (let rr = r + 1; rr < t.top + t.nrows; rr++) for (let c = t.left; c < t.left + t.ncols; c++) moves.push({ from: [rr, c], to: [rr - 1, c] });
              moveCells(s(), moves);
              t.nrows--;
              if (t.nrows < 2) t.nrows = 2;
            },
          }),
        },
      },
      { name: (v) => (t.name = String(v)), style: () => undefined, showBandedRows: () => undefined },
    );
  }

  function nullObject(path: string): unknown {
    return client(path, { isNullObject: () => true }, {});
  }

  function worksheet(s: Sheet): unknown {
    return client(
      `Worksheet(${s.name})`,
      { name: () => s.name, isNullObject: () => false },
      {
        tables: {
          add: (where: unknown, _hasHeaders: boolean) => {
            const spec = (typeof where === 'string' ? null : (where as { __spec?: () => { r0: number; c0: number; rows: number; cols: number } }).__spec?.()) ?? null;
            let r0: number;
            let c0: number;
            let rows: number;
            let cols: number;
            if (spec) ({ r0, c0, rows, cols } = spec);
            else {
              const [from, to = from] = String(where).replace(/^.*!/, '').split(':') as [string, string?];
              const a = parseA1(from);
              const b = parseA1(to!);
              r0 = a.r;
              c0 = a.c;
              rows = b.r - a.r + 1;
              cols = b.c - a.c + 1;
            }
            // As Excel: no table over merged cells, none over another table.
            const here: Area = { r0, c0, r1: r0 + rows - 1, c1: c0 + cols - 1 };
            if (s.merges.some((m) => overlaps(m, here))) throw Object.assign(new Error("You can't create a table over merged cells."), { code: 'InvalidOperation' });
            if (tables.some((t) => t.sheet === s.name && overlaps(here, { r0: t.top, c0: t.left, r1: t.top + t.nrows - 1, c1: t.left + t.ncols - 1 })))
              throw Object.assign(new Error('Tables cannot overlap.'), { code: 'InvalidOperation' });
            const t: Tbl = { name: `Table${tables.length + 1}`, sheet: s.name, top: r0, left: c0, nrows: Math.max(2, rows), ncols: cols, hidden: new Set() };
            tables.push(t);
            return table(t);
          },
        },
        freezePanes: { freezeRows() {} },
        charts: {
          add: (type: string, source: { __address(): string }) => {
            const chart = { sheet: s.name, type, title: '', source: source.__address() };
            charts.push(chart);
            return { title: client(`Chart(${type}).title`, {}, {}, { text: (v) => (chart.title = String(v)) }), setPosition() {} };
          },
        },
        pageLayout: client(
          `Worksheet(${s.name}).pageLayout`,
          {},
          {
            setPrintArea: (where: { __address(): string }) => void layouts.set(s.name, { orientation: layouts.get(s.name)?.orientation ?? null, printArea: where.__address() }),
          },
          { orientation: (v) => void layouts.set(s.name, { orientation: String(v), printArea: layouts.get(s.name)?.printArea ?? null }) },
        ),
        getRange: (address?: string) => {
          if (!address) return range(s, 0, 0, 1, 1);
          const [from, to = from] = address.replace(/^.*!/, '').split(':') as [string, string?];
          const a = parseA1(from);
          const b = parseA1(to!);
          return range(s, a.r, a.c, b.r - a.r + 1, b.c - a.c + 1);
        },
        getRangeByIndexes: (r: number, c: number, rows: number, cols: number) => range(s, r, c, rows, cols),
        getUsedRange: () => {
          const a = usedArea(s) ?? { r0: 0, c0: 0, r1: 0, c1: 0 };
          return range(s, a.r0, a.c0, a.r1 - a.r0 + 1, a.c1 - a.c0 + 1);
        },
        activate() {
          if (selection?.sheet !== s.name) selection = { sheet: s.name, row: 0, col: 0 };
        },
      },
    );
  }

  const workbook = {
    worksheets: {
      add: (name: string) => worksheet(sheetOf(name)),
      getItemOrNullObject: (name: string) => (sheets.has(name) ? worksheet(sheets.get(name)!) : nullObject(`Worksheet(${name})`)),
    },
    tables: {
      getItem: (name: string) => {
        const t = tables.find((x) => x.name === name);
        if (!t) throw notFound(`table ${name}`);
        return table(t);
      },
      getItemOrNullObject: (name: string) => {
        const t = tables.find((x) => x.name === name);
        return t ? table(t) : nullObject(`Table(${name})`);
      },
    },
    notes: {
      add: (where: unknown, content: string) => {
        const address = typeof where === 'string' ? where : (where as { __address(): string }).__address();
        const [sheetName, cellA1] = splitAddress(address);
        const p = parseA1(cellA1);
        cellAt(sheetOf(sheetName), p.r, p.c).note = content;
        return {};
      },
      getItemOrNullObject: (address: string) => {
        const [sheetName, cellA1] = splitAddress(address);
        const p = parseA1(cellA1.split(':')[0]!);
        const cell = sheets.has(sheetName) ? peek(sheetOf(sheetName), p.r, p.c) : undefined;
        if (!cell?.note) {
          return client(
            `Note(${address})`,
            {
              isNullObject: () => true,
              content: () => {
                throw new Error(`fake Office: Note(${address}) is a null object`);
              },
            },
            {},
          );
        }
        return client(
          `Note(${address})`,
          { isNullObject: () => false, content: () => cell.note },
          {
            delete() {
              cell.note = null;
            },
          },
        );
      },
    },
    comments: {
      add: () => {
        throw new Error('fake Office: comments are not supported (notes are, ExcelApi 1.18)');
      },
      getItemByCell: () => {
        throw new Error('fake Office: comments are not supported');
      },
    },
    getSelectedRange: () => {
      const at = selection ?? { sheet: [...sheets.keys()][0] ?? 'Sheet1', row: 0, col: 0 };
      return range(sheetOf(at.sheet), at.row, at.col, 1, 1);
    },
  };

  function splitAddress(address: string): [string, string] {
    const i = address.lastIndexOf('!');
    const sheet = address
      .slice(0, i)
      .replace(/^'(.*)'$/, '$1')
      .replace(/''/g, "'");
    return [sheet, address.slice(i + 1)];
  }

  const context = {
    workbook,
    application: { suspendApiCalculationUntilNextSync() {}, suspendScreenUpdatingUntilNextSync() {} },
    runtime: { enableEvents: true },
    async sync() {
      syncs++;
      for (const st of pending) {
        for (const p of st.pendingProps) st.loaded.add(p);
        st.pendingProps.clear();
      }
      pending.clear();
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };

  let queue: Promise<unknown> = Promise.resolve();
  const w = window as unknown as Record<string, unknown>;
  w.Excel = {
    run<T>(batch: (ctx: typeof context) => Promise<T>): Promise<T> {
      const next = queue.then(() => batch(context));
      queue = next.catch(() => undefined);
      return next;
    },
  };
  const info = { host: 'Excel', platform: 'OfficeOnline' };
  w.Office = {
    HostType: { Excel: 'Excel' },
    onReady: (callback?: (i: typeof info) => void) => {
      callback?.(info);
      return Promise.resolve(info);
    },
    context: {
      displayLanguage: 'ko-KR',
      requirements: { isSetSupported: (name: string, version?: string) => name === 'ExcelApi' && Number((version ?? '1.1').split('.')[1]) <= options.apiMinor },
      document: {
        url: 'C:\\Users\\동담당\\가양2동 2019 예산집행.xlsx',
        settings: {
          get: (name: string) => (settings.has(name) ? structuredClone(settings.get(name)) : null),
          set: (name: string, value: unknown) => void settings.set(name, structuredClone(value)),
          remove: (name: string) => void settings.delete(name),
          saveAsync: (callback?: (r: { status: string }) => void) => setTimeout(() => callback?.({ status: 'succeeded' }), 0),
        },
      },
    },
  };

  const tableByName = (name: string) => {
    const t = tables.find((x) => x.name === name);
    if (!t) throw new Error(`no table ${name}`);
    return t;
  };
  const api: FakeWorkbookApi = {
    setValues(sheet, row, col, values, formats) {
      const s = sheetOf(sheet);
      values.forEach((r, i) =>
        r.forEach((v, j) => {
          const cell = cellAt(s, row + i, col + j);
          cell.v = v ?? '';
          const f = formats?.[i]?.[j];
          if (typeof f === 'string') cell.f = f;
        }),
      );
    },
    addSheet: (name) => void sheetOf(name),
    select(sheet, row, col) {
      selection = { sheet, row, col };
    },
    table(name) {
      const t = tables.find((x) => x.name === name);
      if (!t) return null;
      const s = sheetOf(t.sheet);
      const rowAt = (r: number) => Array.from({ length: t.ncols }, (_, j) => peek(s, r, t.left + j)?.v ?? '');
      return { sheet: t.sheet, top: t.top, left: t.left, header: rowAt(t.top), rows: Array.from({ length: t.nrows - 1 }, (_, i) => rowAt(t.top + 1 + i)), hidden: [...t.hidden] };
    },
    tableNames: () => tables.map((t) => t.name),
    typeRows(name, rows) {
      const t = tableByName(name);
      const s = sheetOf(t.sheet);
      let last = t.top; // last filled row
      for (let r = t.top + 1; r < t.top + t.nrows; r++) if (Array.from({ length: t.ncols }, (_, j) => peek(s, r, t.left + j)?.v ?? '').some((v) => v !== '')) last = r;
      rows.forEach((row, i) => row.forEach((v, j) => (cellAt(s, last + 1 + i, t.left + j).v = v)));
      t.nrows = Math.max(t.nrows, last + 1 + rows.length - t.top);
    },
    setTableCell(name, row, column, value) {
      const t = tableByName(name);
      cellAt(sheetOf(t.sheet), t.top + 1 + row, t.left + column).v = value;
    },
    deleteTableRow(name, row) {
      (table(tableByName(name)) as { rows: { getItemAt(i: number): { delete(): void } } }).rows.getItemAt(row).delete();
    },
    tableCell(name, row, column) {
      const t = tableByName(name);
      const cell = peek(sheetOf(t.sheet), t.top + 1 + row, t.left + column);
      return { value: cell?.v ?? '', fill: cell?.fill ?? null, note: cell?.note ?? null };
    },
    selection: () => selection,
    syncs: () => syncs,
    loadSheet(name, input) {
      const s = sheetOf(name);
      input.values.forEach((row, i) =>
        row.forEach((v, j) => {
          const f = input.formats?.[i]?.[j];
          const t = input.types?.[i]?.[j];
          if ((v === '' || v === null || v === undefined) && (typeof f !== 'string' || f === 'General')) return;
          const cell = cellAt(s, i, j);
          cell.v = v ?? '';
          if (typeof f === 'string') cell.f = f;
          if (t) cell.t = t;
        }),
      );
      for (const m of input.merges ?? []) {
        const [from, to = from] = m.split(':') as [string, string?];
        const a = parseA1(from);
        const b = parseA1(to!);
        s.merges.push({ r0: a.r, c0: a.c, r1: b.r, c1: b.c });
      }
    },
    cell(sheet, row, col) {
      const cell = sheets.has(sheet) ? peek(sheetOf(sheet), row, col) : undefined;
      return { value: cell?.v ?? '', format: cell?.f ?? 'General', fill: cell?.fill ?? null, note: cell?.note ?? null, list: cell?.list ?? null, alert: cell?.alert ?? null };
    },
    merges: (sheet) => (sheets.get(sheet)?.merges ?? []).map(areaA1),
    charts: (sheet) => charts.filter((c) => c.sheet === sheet).map(({ type, title, source }) => ({ type, title, source })),
    pageLayout: (sheet) => layouts.get(sheet) ?? { orientation: null, printArea: null },
  };
  w.__fakeWorkbook = api;
}

/** Installs the fake in every page of the browser context, before the page's own scripts. */
export async function installFake(page: Page, options: { apiMinor?: number } = {}): Promise<void> {
  // The function is sent as source text; esbuild's name helper (__name) is defined for it.
  const source = `var __name = (f) => f; (${installFakeOffice.toString()})(${JSON.stringify({ apiMinor: options.apiMinor ?? 18 })});`;
  await page.addInitScript({ content: source });
}
