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

export function dataTable<R>(options: TableOptions<R>): HTMLElement {
  const { columns, t, pageSize = 50 } = options;
  let sortKey = options.initialSort?.key;
  let descending = options.initialSort?.descending ?? false;
  let page = 0;
  const wrapper = h('div', { class: 'table-block' });
  const status = h('p', { class: 'table-status', 'aria-live': 'polite' });
  const captionId = uid('caption');
  // A header's ⓘ button shows what the column means here (a tooltip alone is out of a keyboard's reach).
  const definition = h('p', { class: 'definition-note', 'aria-live': 'polite' });
  let shownDefinition: string | null = null;

  /** The rows in the order shown (every page). */
  let ordered: R[] = options.rows;
  const downloads = tableDownloads(
    options.caption,
    () => columns.map((c) => c.label),
    () => ordered.map((row) => columns.map((c) => (c.exportValue ?? c.value)(row))),
    { csv: t.downloadCsv, xlsx: t.downloadXlsx, group: `${options.caption} ${t.downloads}` },
  );

  const render = () => {
    const column = columns.find((c) => c.key === sortKey);
    const rows = (ordered = column
      ? [...options.rows].sort((a, b) => {
          const order = compare(column.value(a), column.value(b));
          // Blanks stay last whichever way the column is sorted.
          const blank = (v: unknown) => v === null || v === undefined || v === '';
          if (blank(column.value(a)) || blank(column.value(b))) return order;
          return descending ? -order : order;
        })
      : options.rows);
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
        const info = c.title
          ? h(
              'button',
              {
                type: 'button',
                class: 'info',
                'aria-label': resultStringsFor(t).definitionOf(c.label),
                'aria-expanded': shownDefinition === c.key ? 'true' : 'false',
                onclick: (e: Event) => {
                  shownDefinition = shownDefinition === c.key ? null : c.key;
                  definition.textContent = shownDefinition ? `${c.label}: ${c.title}` : '';
                  for (const b of wrapper.querySelectorAll<HTMLButtonElement>('th button.info')) b.setAttribute('aria-expanded', 'false');
                  (e.currentTarget as HTMLElement).setAttribute('aria-expanded', shownDefinition ? 'true' : 'false');
                },
              },
              'ⓘ',
            )
          : null;
        return h('th', { scope: 'col', 'data-key': c.key, class: c.numeric ? 'num' : undefined, 'aria-sort': sorted ? (descending ? 'descending' : 'ascending') : undefined }, button, info);
      }),
    );
    const body = h(
      'tbody',
      {},
      ...shown.map((row) =>
        h(
          'tr',
          { class: options.rowClass?.(row) },
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
        ),
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
    wrapper.replaceChildren(scroller, definition, status, ...(pager ? [pager] : []), downloads);
  };
  render();
  return wrapper;
}
