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
  const metric = ctx.meta.metrics?.[field];
  return metric?.[ctx.locale] ?? fieldLabels[ctx.locale][field] ?? field;
}

/** District code → name, from /api/meta's districts ({ code, name }). */
export function districtNameMap(ctx: ViewContext): Map<string, string> {
  const names = new Map<string, string>();
  for (const d of ctx.meta.districts) {
    if (d && typeof d === 'object' && 'code' in d && 'name' in d) names.set(String(d.code), String(d.name));
    else if (typeof d === 'string') names.set(d, d);
  }
  return names;
}

export function resultTable(rows: Row[], columns: string[], caption: string, ctx: ViewContext): HTMLElement {
  const districts = districtNameMap(ctx);
  return dataTable<Row>({
    caption,
    t: ctx.t,
    rows,
    columns: columns.map((key) => {
      const kind = kindOfField(key);
      const definition = ctx.meta.metrics?.[key]?.definition?.[ctx.locale];
      return {
        key,
        label: labelOf(key, ctx),
        title: definition,
        value: (row) => row[key],
        render: (row) => (key === 'district' && typeof row[key] === 'string' ? (districts.get(row[key]) ?? row[key]) : formatValue(row[key], kind, ctx.locale)),
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
    retry ? h('fluent-button', { role: 'button', slot: 'actions', size: 'small', onclick: retry }, ctx.t.retry) : null,
  );
}

export function busy(ctx: ViewContext): HTMLElement {
  return h('div', { class: 'busy', role: 'status' }, h('fluent-spinner', { size: 'tiny', 'aria-hidden': 'true' }), h('span', {}, ctx.t.loading));
}
