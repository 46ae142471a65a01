// Shared pieces of the result views: any rows as a table with Korean labels, units and definitions
// from /api/meta's metrics, figures that open into the rows behind them, and errors.
import { ApiError, type CompareName } from '../api.ts';
import { fieldLabels, resultStringsFor } from '../i18n.ts';
import { h } from '../ui/dom.ts';
import { formatDelta, formatRateDelta, formatValue, kindOfField, kindOfUnit, type ValueKind } from '../ui/format.ts';
import { dataTable } from '../ui/table.ts';
import type { ViewContext } from './context.ts';
import { openDrill } from './drill.ts';

export type Row = Record<string, unknown>;

export function columnsOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows.slice(0, 200)) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** Columns whose meaning depends on the row's `figure` (summary rows) rather than on their name. */
const figureValued = new Set(['value', 'cityMedian', 'phase1Value', 'phase1', 'phase2', 'delta']);
const phaseSuffix = /^(.+)(Phase1|Phase2|Delta)$/;

export interface FieldInfo {
  label: string;
  /** What the column means (from /api/meta's metrics), for the header's ⓘ. */
  definition?: string;
  /** How a value of this column reads, for a given row. */
  kind: (row?: Row) => ValueKind;
  /** A change between phases (shown with a sign, rates in %p). */
  delta: boolean;
}

export function metricKind(field: string, ctx: ViewContext): ValueKind {
  return kindOfUnit(ctx.meta.metrics?.[field]?.unit) ?? kindOfField(field);
}

export function fieldInfo(field: string, ctx: ViewContext): FieldInfo {
  const { locale, t } = ctx;
  const more = resultStringsFor(t);
  const metric = ctx.meta.metrics?.[field];
  const definition = metric?.definition?.[locale];
  if (figureValued.has(field)) {
    return {
      label: metric?.[locale] ?? fieldLabels[locale][field] ?? field,
      definition,
      kind: (row) => (row && typeof row.figure === 'string' ? metricKind(row.figure, ctx) : 'decimal'),
      delta: field === 'delta',
    };
  }
  const split = phaseSuffix.exec(field);
  if (split && ctx.meta.metrics?.[split[1]!]) {
    const base = split[1]!;
    const part = split[2] === 'Phase1' ? t.phase1 : split[2] === 'Phase2' ? t.phase2 : t.change;
    const baseInfo = ctx.meta.metrics[base]!;
    const kind = metricKind(base, ctx);
    return { label: `${baseInfo[locale] ?? base} ${part}`, definition: baseInfo.definition?.[locale], kind: () => kind, delta: split[2] === 'Delta' };
  }
  const own: Record<string, string> = { updatedBy: more.updatedBy, updatedAt: more.updatedAt, source: more.source };
  const header = ctx.meta.kinds.flatMap((k) => k.columns).find((c) => c.field === field)?.header;
  const kind = metricKind(field, ctx);
  return { label: metric?.[locale] ?? own[field] ?? fieldLabels[locale][field] ?? header ?? field, definition, kind: () => kind, delta: false };
}

export function labelOf(field: string, ctx: ViewContext): string {
  return fieldInfo(field, ctx).label;
}

/** One value as the reader should see it: units, %, %p for changes, Korean dates. */
export function showValue(value: unknown, info: FieldInfo, row: Row | undefined, ctx: ViewContext): string {
  const kind = info.kind(row);
  if (info.delta && typeof value === 'number') return kind === 'rate' ? formatRateDelta(value, ctx.locale) : formatDelta(value, ctx.locale);
  return formatValue(value, kind, ctx.locale);
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

/** The rows-behind request for one cell of a comparison row, or null when there is none. */
export function drillFor(name: CompareName, field: string, row: Row, ctx: ViewContext): Parameters<typeof openDrill>[1] | null {
  const dong = typeof row.dong === 'string' ? row.dong : null;
  if (!dong || typeof row[field] !== 'number') return null;
  const dongName = String(row.dongName ?? dong);
  if (name === 'spending' || name === 'participation' || name === 'progress') {
    const figures = ctx.meta.comparisons?.[name]?.figures ?? [];
    if (!figures.includes(field) || typeof row.phase !== 'number') return null;
    return { name, dong, dongName, phase: row.phase, category: typeof row.category === 'string' ? row.category : undefined, figure: field, shown: row[field] as number };
  }
  if (name === 'phases') {
    const split = phaseSuffix.exec(field);
    if (!split || split[2] === 'Delta') return null;
    return { name, dong, dongName, phase: split[2] === 'Phase1' ? 1 : 2, figure: split[1]!, shown: row[field] as number };
  }
  if (name === 'summary' && field === 'value' && row.kind === 'dong' && typeof row.figure === 'string' && typeof row.phase === 'number') {
    return { name, dong, dongName, phase: row.phase, figure: row.figure, shown: row[field] as number };
  }
  return null;
}

export interface ResultTableOptions {
  /** The comparison the rows come from: its figures open into the rows behind them. */
  comparison?: CompareName;
}

export function resultTable(rows: Row[], columns: string[], caption: string, ctx: ViewContext, options: ResultTableOptions = {}): HTMLElement {
  const districts = districtNameMap(ctx);
  const more = resultStringsFor(ctx.t);
  return dataTable<Row>({
    caption,
    t: ctx.t,
    rows,
    columns: columns.map((key) => {
      const info = fieldInfo(key, ctx);
      const kind = info.kind();
      return {
        key,
        label: info.label,
        title: info.definition,
        value: (row) => row[key],
        render: (row) => (key === 'district' && typeof row[key] === 'string' ? (districts.get(row[key]) ?? row[key]) : showValue(row[key], info, row, ctx)),
        numeric: kind !== 'text' && kind !== 'date' && kind !== 'datetime',
        action: options.comparison
          ? (row) => {
              const drill = drillFor(options.comparison!, key, row, ctx);
              if (!drill) return null;
              const what = `${drill.dongName} ${ctx.t.phaseName(drill.phase)} ${info.label} ${showValue(row[key], info, row, ctx)}`;
              return { label: more.rowsBehind(what), run: () => void openDrill(ctx, drill) };
            }
          : undefined,
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
