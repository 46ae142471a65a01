// A sortable, paged table: sorting by a column header button (aria-sort), 50 rows a page, so a
// city of 3,500 dongs stays quick to draw and to read.
import { resultStringsFor, type Strings } from '../i18n.ts';
import { h, uid } from './dom.ts';
import { tableDownloads } from './download.ts';

export interface Column<R> {
  key: string;
  label: string;
  /** What the column means (shown as the header's tooltip). */
  title?: string;
  value: (row: R) => unknown;
  render?: (row: R) => Node | string;
  numeric?: boolean;
  /** The value a download holds (exact, a code as its name); `value` when absent. */
  exportValue?: (row: R) => unknown;
  /** Makes the cell a button (e.g. open the rows behind a figure); null leaves that cell plain. */
  action?: (row: R) => { label: string; run: () => void } | null;
}

export interface TableOptions<R> {
  caption: string;
  columns: Column<R>[];
  rows: R[];
  t: Strings;
  pageSize?: number;
  rowClass?: (row: R) => string | undefined;
  initialSort?: { key: string; descending?: boolean };
}

function compare(a: unknown, b: unknown): number {
  const blankA = a === null || a === undefined || a === '';
  const blankB = b === null || b === undefined || b === '';
  if (blankA || blankB) return blankA === blankB ? 0 : blankA ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'ko');
}

const blank = (v: unknown) => v === null || v === undefined || v === '';

/** The rows in the order of a column; blanks stay last whichever way the column is sorted. */
export function sortedRows<R>(rows: R[], value: ((row: R) => unknown) | undefined, descending: boolean): R[] {
  if (!value) return rows;
  return [...rows].sort((a, b) => {
    const order = compare(value(a), value(b));
    if (blank(value(a)) || blank(value(b))) return order;
    return descending ? -order : order;
  });
}

/** The sort state of a table, and what its header's buttons do. */
interface HeaderState {
  sortKey: string | undefined;
  descending: boolean;
  shownDefinition: string | null;
  sortBy: (key: string) => void;
  /** Shows or hides what a column means; `button` is the ⓘ pressed. */
  explain: (key: string, button: HTMLElement) => void;
}

/** A header cell: a button that sorts by the column (aria-sort), and an ⓘ that says what it means. */
function headerCell<R>(c: Column<R>, t: Strings, state: HeaderState): HTMLElement {
  const sorted = c.key === state.sortKey;
  const button = h(
    'button',
    { type: 'button', class: 'sort', title: c.title ? `${c.title} — ${t.sortBy(c.label)}` : t.sortBy(c.label), onclick: () => state.sortBy(c.key) },
    c.label,
    h('span', { 'aria-hidden': 'true', class: 'sort-mark' }, sorted ? (state.descending ? ' ▼' : ' ▲') : ''),
  );
  const info = c.title
    ? h(
        'button',
        {
          type: 'button',
          class: 'info',
          'aria-label': resultStringsFor(t).definitionOf(c.label),
          'aria-expanded': state.shownDefinition === c.key ? 'true' : 'false',
          onclick: (e: Event) => state.explain(c.key, e.currentTarget as HTMLElement),
        },
        'ⓘ',
      )
    : null;
  return h(
    'th',
    { scope: 'col', 'data-key': c.key, class: c.numeric ? 'num' : undefined, 'aria-sort': sorted ? (state.descending ? 'descending' : 'ascending') : undefined },
    button,
    info,
  );
}

/** A body row: each cell its rendering, a button where the column has an action for the row. */
function bodyRow<R>(row: R, columns: Column<R>[], rowClass: string | undefined): HTMLElement {
  return h(
    'tr',
    { class: rowClass },
    ...columns.map((c) => {
      const value = c.value(row);
      const content = c.render ? c.render(row) : String(value ?? '–');
      const action = c.action?.(row);
      return h(
        'td',
        { class: c.numeric ? 'num' : undefined, 'data-key': c.key, 'data-value': typeof value === 'number' ? value : undefined },
        action ? h('button', { type: 'button', class: 'cell-link', 'aria-label': action.label, title: action.label, onclick: action.run }, content) : content,
      );
    }),
  );
}

export function dataTable<R>(options: TableOptions<R>): HTMLElement {
  const { columns, t, pageSize = 50 } = options;
  let page = 0;
  const wrapper = h('div', { class: 'table-block' });
  const status = h('p', { class: 'table-status', 'aria-live': 'polite' });
  const captionId = uid('caption');
  // A header's ⓘ button shows what the column means here (a tooltip alone is out of a keyboard's reach).
  const definition = h('p', { class: 'definition-note', 'aria-live': 'polite' });
  const state: HeaderState = {
    sortKey: options.initialSort?.key,
    descending: options.initialSort?.descending ?? false,
    shownDefinition: null,
    sortBy: (key) => {
      if (state.sortKey === key) state.descending = !state.descending;
      else {
        state.sortKey = key;
        state.descending = false;
      }
      page = 0;
      render();
      wrapper.querySelector<HTMLButtonElement>(`th[data-key="${CSS.escape(key)}"] button`)?.focus();
    },
    explain: (key, button) => {
      state.shownDefinition = state.shownDefinition === key ? null : key;
      const c = columns.find((x) => x.key === key)!;
      definition.textContent = state.shownDefinition ? `${c.label}: ${c.title}` : '';
      for (const b of wrapper.querySelectorAll<HTMLButtonElement>('th button.info')) b.setAttribute('aria-expanded', 'false');
      button.setAttribute('aria-expanded', state.shownDefinition ? 'true' : 'false');
    },
  };

  /** The rows in the order shown (every page). */
  let ordered: R[] = options.rows;
  const downloads = tableDownloads(
    options.caption,
    () => columns.map((c) => c.label),
    () => ordered.map((row) => columns.map((c) => (c.exportValue ?? c.value)(row))),
    { csv: t.downloadCsv, xlsx: t.downloadXlsx, group: `${options.caption} ${t.downloads}` },
  );

  const render = () => {
    const rows = (ordered = sortedRows(options.rows, columns.find((c) => c.key === state.sortKey)?.value, state.descending));
    const pages = Math.max(1, Math.ceil(rows.length / pageSize));
    page = Math.min(page, pages - 1);
    const shown = rows.slice(page * pageSize, (page + 1) * pageSize);
    const head = h('tr', {}, ...columns.map((c) => headerCell(c, t, state)));
    const body = h('tbody', {}, ...shown.map((row) => bodyRow(row, columns, options.rowClass?.(row))));
    const table = h('table', { 'aria-labelledby': captionId }, h('caption', { id: captionId }, options.caption), h('thead', {}, head), body);
    const scroller = h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': captionId }, table);
    const pager =
      pages > 1
        ? h(
            'nav',
            { class: 'pager', 'aria-label': options.caption },
            h('button', { type: 'button', disabled: page === 0, onclick: () => ((page -= 1), render()) }, t.previousPage),
            h('span', {}, t.pageOf(page + 1, pages)),
            h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => ((page += 1), render()) }, t.nextPage),
          )
        : null;
    status.textContent = rows.length ? t.rowsCount(shown.length, rows.length) : t.noRows;
    wrapper.replaceChildren(scroller, definition, status, ...(pager ? [pager] : []), downloads);
  };
  render();
  return wrapper;
}
