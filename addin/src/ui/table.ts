// A sortable, paged table: sorting by a column header button (aria-sort), 50 rows a page, so a
// city of 3,500 dongs stays quick to draw and to read.
import type { Strings } from '../i18n.ts';
import { h, uid } from './dom.ts';

export interface Column<R> {
  key: string;
  label: string;
  /** What the column means (shown as the header's tooltip). */
  title?: string;
  value: (row: R) => unknown;
  render?: (row: R) => Node | string;
  numeric?: boolean;
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

export function dataTable<R>(options: TableOptions<R>): HTMLElement {
  const { columns, t, pageSize = 50 } = options;
  let sortKey = options.initialSort?.key;
  let descending = options.initialSort?.descending ?? false;
  let page = 0;
  const wrapper = h('div', { class: 'table-block' });
  const status = h('p', { class: 'table-status', 'aria-live': 'polite' });
  const captionId = uid('caption');

  const render = () => {
    const column = columns.find((c) => c.key === sortKey);
    const rows = column
      ? [...options.rows].sort((a, b) => {
          const order = compare(column.value(a), column.value(b));
          // Blanks stay last whichever way the column is sorted.
          const blank = (v: unknown) => v === null || v === undefined || v === '';
          if (blank(column.value(a)) || blank(column.value(b))) return order;
          return descending ? -order : order;
        })
      : options.rows;
    const pages = Math.max(1, Math.ceil(rows.length / pageSize));
    page = Math.min(page, pages - 1);
    const shown = rows.slice(page * pageSize, (page + 1) * pageSize);

    const head = h(
      'tr',
      {},
      ...columns.map((c) => {
        const sorted = c.key === sortKey;
        const button = h(
          'button',
          {
            type: 'button',
            class: 'sort',
            title: c.title ? `${c.title} — ${t.sortBy(c.label)}` : t.sortBy(c.label),
            onclick: () => {
              if (sortKey === c.key) descending = !descending;
              else {
                sortKey = c.key;
                descending = false;
              }
              page = 0;
              render();
              wrapper.querySelector<HTMLButtonElement>(`th[data-key="${CSS.escape(c.key)}"] button`)?.focus();
            },
          },
          c.label,
          h('span', { 'aria-hidden': 'true', class: 'sort-mark' }, sorted ? (descending ? ' ▼' : ' ▲') : ''),
        );
        return h('th', { scope: 'col', 'data-key': c.key, class: c.numeric ? 'num' : undefined, 'aria-sort': sorted ? (descending ? 'descending' : 'ascending') : undefined }, button);
      }),
    );
    const body = h(
      'tbody',
      {},
      ...shown.map((row) =>
        h('tr', { class: options.rowClass?.(row) }, ...columns.map((c) => h('td', { class: c.numeric ? 'num' : undefined }, c.render ? c.render(row) : String(c.value(row) ?? '–')))),
      ),
    );
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
    wrapper.replaceChildren(scroller, status, ...(pager ? [pager] : []));
  };
  render();
  return wrapper;
}
