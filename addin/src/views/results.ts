// Shared pieces of the result views: any rows as a table with Korean labels and formats, and errors.
import { ApiError } from '../api.ts';
import { fieldLabels } from '../i18n.ts';
import { h } from '../ui/dom.ts';
import { formatValue, kindOfField } from '../ui/format.ts';
import { dataTable } from '../ui/table.ts';
import type { ViewContext } from './context.ts';

export type Row = Record<string, unknown>;

export function columnsOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows.slice(0, 200)) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

export function labelOf(field: string, ctx: ViewContext): string {
  return fieldLabels[ctx.locale][field] ?? field;
}

export function resultTable(rows: Row[], columns: string[], caption: string, ctx: ViewContext): HTMLElement {
  return dataTable<Row>({
    caption,
    t: ctx.t,
    rows,
    columns: columns.map((key) => {
      const kind = kindOfField(key);
      return {
        key,
        label: labelOf(key, ctx),
        value: (row) => row[key],
        render: (row) => formatValue(row[key], kind, ctx.locale),
        numeric: kind !== 'text' && kind !== 'date',
      };
    }),
  });
}

/** An error as the user should read it: the service's message in the pane's language. */
export function errorText(error: unknown, ctx: ViewContext): string {
  if (error instanceof ApiError) return error.text[ctx.locale];
  return error instanceof Error ? error.message : String(error);
}

export function errorBar(error: unknown, ctx: ViewContext, retry?: () => void): HTMLElement {
  return h(
    'fluent-message-bar',
    { intent: 'error', class: 'notice', role: 'alert' },
    errorText(error, ctx),
    retry ? h('fluent-button', { slot: 'actions', size: 'small', onclick: retry }, ctx.t.retry) : null,
  );
}

export function busy(ctx: ViewContext): HTMLElement {
  return h('div', { class: 'busy', role: 'status' }, h('fluent-spinner', { size: 'tiny', 'aria-hidden': 'true' }), h('span', {}, ctx.t.loading));
}
