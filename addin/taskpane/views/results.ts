// Shared pieces of the result views: any rows as a table with Korean labels, units and definitions
// from /api/meta's metrics, figures that open into the rows behind them, and errors.
import { ApiError, type CompareName } from '../api.ts';
import { keyLabels, resultStringsFor } from '../i18n.ts';
import { h } from '../ui/dom.ts';
import { columnFormat, formatChange, formatValue, formatWon, unitFormat, type UnitFormat, type ValueKind } from '../ui/format.ts';
import { dataTable } from '../ui/table.ts';
import type { ViewContext } from './context.ts';
import { openDrill } from './drill.ts';

export type Row = Record<string, unknown>;

export function columnsOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows.slice(0, 200)) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** Columns that are a difference (shown with a sign; rates in %p). */
const differences = new Set(['delta', 'gap']);
const phaseSuffix = /^(.+)(Phase1|Phase2|Delta)$/;
/** Columns the service adds to the rows behind a figure (who changed each, when, from where). */
const rowColumns: Record<string, UnitFormat> = { updatedAt: { kind: 'datetime' }, updatedBy: { kind: 'text' }, source: { kind: 'text' } };

export interface FieldInfo {
  label: string;
  /** What the column means (from /api/meta's metrics), for the header's ⓘ. */
  definition?: string;
  /** How a value of this column reads, for a given row (summary rows: in the unit of the row's `figure`). */
  format: (row?: Row) => UnitFormat;
  kind: (row?: Row) => ValueKind;
  /** A change between phases or a gap (shown with a sign, rates in %p). */
  delta: boolean;
}

/** How a figure's or a column's values read: its unit from /api/meta's metrics, else its sheet column's type. */
export function formatOf(field: string, ctx: ViewContext): UnitFormat {
  return (
    unitFormat(ctx.meta.metrics[field]?.unit) ??
    columnFormat(ctx.meta.kinds.flatMap((k) => k.columns).find((c) => c.field === field)?.type) ??
    rowColumns[field] ??
    // Years and phases of any result (a query's `year`, `fiscalYear`): 2019, never 2,019.
    (/(^y|Y)ear$|^phase$|^cohort$/.test(field) ? { kind: 'year' } : { kind: 'text' })
  );
}

export function fieldInfo(field: string, ctx: ViewContext): FieldInfo {
  const { locale, t } = ctx;
  const more = resultStringsFor(t);
  const metric = ctx.meta.metrics[field];
  const definition = metric?.definition?.[locale];
  const info = (label: string, format: (row?: Row) => UnitFormat, delta: boolean, about = definition): FieldInfo => ({
    label,
    definition: about,
    format,
    kind: (row) => format(row).kind,
    delta,
  });
  if (metric?.unit === 'figure') {
    // value, median, q1, q3, previousValue, gap, phase1, phase2, delta: in the unit of the row's figure.
    const byRow = (row?: Row) => (row && typeof row.figure === 'string' ? formatOf(row.figure, ctx) : { kind: 'decimal' as const });
    return info(metric[locale] ?? field, byRow, differences.has(field));
  }
  const split = phaseSuffix.exec(field);
  const base = split ? ctx.meta.metrics[split[1]!] : undefined;
  if (split && base) {
    const part = split[2] === 'Phase1' ? t.phase1 : split[2] === 'Phase2' ? t.phase2 : t.change;
    const format = formatOf(split[1]!, ctx);
    return info(`${base[locale] ?? split[1]} ${part}`, () => format, split[2] === 'Delta', base.definition?.[locale]);
  }
  const own: Record<string, string> = { updatedBy: more.updatedBy, updatedAt: more.updatedAt, source: more.source };
  const column = ctx.meta.kinds.flatMap((k) => k.columns).find((c) => c.field === field) as { header: string; label?: string } | undefined;
  const columnLabel = locale === 'ko' ? column?.header : (column?.label ?? column?.header);
  const format = formatOf(field, ctx);
  return info(metric?.[locale] ?? own[field] ?? keyLabels[locale][field] ?? columnLabel ?? field, () => format, false);
}

export function labelOf(field: string, ctx: ViewContext): string {
  return fieldInfo(field, ctx).label;
}

/**
 * One value as the reader should see it: in its unit, %p for changes of rates, Korean dates. `exact`:
 * money in whole 원 (the rows behind a figure, query results), never rounded to 백만원.
 */
export function showValue(value: unknown, info: FieldInfo, row: Row | undefined, ctx: ViewContext, exact = false): string {
  const format = info.format(row);
  if (info.delta && typeof value === 'number') return formatChange(value, format.kind, ctx.locale);
  if (exact && format.kind === 'money' && typeof value === 'number') return formatWon(value, ctx.locale);
  return formatValue(value, format.kind, ctx.locale, format.suffix);
}

/** A figure's value in the unit /api/meta gives it (the summary's own figures). */
export function showFigure(value: unknown, figure: string, ctx: ViewContext): string {
  const format = formatOf(figure, ctx);
  return formatValue(value, format.kind, ctx.locale, format.suffix);
}

/** A change of a figure between phases, in its unit (%p for rates). */
export function showChange(value: number | null, figure: string, ctx: ViewContext): string {
  return value === null ? '–' : formatChange(value, formatOf(figure, ctx).kind, ctx.locale);
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
    const figures = ctx.meta.comparisons[name]?.figures ?? [];
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

/** A code as a reader names it: a city's or district's name, a cohort, a figure's Korean name, a flag or a row kind in words. */
function codeLabel(key: string, value: unknown, ctx: ViewContext, districts: Map<string, string>): string | null {
  if (key === 'cohort' && typeof value === 'number') return ctx.t.cohortName(value);
  // A spending comparison's row of all budget lines has no category: it is the dong's 합계.
  if (key === 'category' && value === null) return ctx.t.allCategories;
  if (typeof value !== 'string') return null;
  if (key === 'city') return ctx.meta.cities.find((c) => c.code === value)?.name ?? value;
  if (key === 'district') return districts.get(value) ?? value;
  if (key === 'figure') return ctx.meta.metrics[value]?.[ctx.locale] ?? value;
  if (key === 'flag') return value === 'low' ? ctx.t.flagLow : value === 'fell' ? ctx.t.flagFell : value;
  if (key === 'kind') return ctx.t.rowKinds[value] ?? value;
  return null;
}

export interface ResultTableOptions {
  /** The comparison the rows come from: its figures open into the rows behind them. */
  comparison?: CompareName;
  /** Money in whole 원 (rows as entered, query results), not rounded to 백만원. */
  exact?: boolean;
}

export function resultTable(rows: Row[], columns: string[], caption: string, ctx: ViewContext, options: ResultTableOptions = {}): HTMLElement {
  const districts = districtNameMap(ctx);
  // The rows behind another dong's figure are not the official's to read: that figure stays plain text.
  const own = ownDongs(ctx);
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
        exportValue: (row) => codeLabel(key, row[key], ctx, districts) ?? row[key],
        render: (row) => codeLabel(key, row[key], ctx, districts) ?? showValue(row[key], info, row, ctx, options.exact),
        numeric: kind !== 'text' && kind !== 'date' && kind !== 'datetime',
        action: options.comparison
          ? (row) => {
              const drill = drillFor(options.comparison!, key, row, ctx);
              if (!drill || (own !== undefined && !own.has(drill.dong))) return null;
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

/** The event a view sends when its token was refused: the pane goes back to sign-in (app.ts). */
export const signInAgainEvent = 'jachi:sign-in-again';

export function errorBar(error: unknown, ctx: ViewContext, retry?: () => void): HTMLElement {
  // A refused token cannot be helped by trying again: the way out is signing in with another.
  const refused = error instanceof ApiError && error.status === 401;
  const action = refused
    ? h('fluent-button', { role: 'button', slot: 'actions', size: 'small', onclick: () => document.dispatchEvent(new CustomEvent(signInAgainEvent)) }, ctx.t.signInAgain)
    : retry
      ? h('fluent-button', { role: 'button', slot: 'actions', size: 'small', onclick: retry }, ctx.t.retry)
      : null;
  return h('fluent-message-bar', { intent: 'error', class: 'notice', role: 'alert' }, refused ? ctx.t.tokenRevoked : errorText(error, ctx), action);
}

export function busy(ctx: ViewContext): HTMLElement {
  return h('div', { class: 'busy', role: 'status' }, h('fluent-spinner', { size: 'tiny', 'aria-hidden': 'true' }), h('span', {}, ctx.t.loading));
}

/** Runs `draw` (which replaces what a view shows) keeping the page's and the panel's scroll where they were. */
export function keepingScroll(draw: () => void): void {
  const page = document.scrollingElement;
  const top = page?.scrollTop ?? 0;
  draw();
  if (page) page.scrollTop = top;
}

/** `refresh` once, a moment after the first of changes that arrive together. */
export function refreshSoon(refresh: () => unknown, ms = 300): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void refresh();
    }, ms);
  };
}

/**
 * The dongs a dong or district official's views are about (their own dong, their district's dongs),
 * by code; undefined for the roles that read every dong. Other dongs' flags are not theirs to see.
 */
export function ownDongs(ctx: ViewContext): Set<string> | undefined {
  const me = ctx.meta.me;
  if (me?.role === 'dong' && me.dong) {
    const dong = ctx.meta.dongs.find((d) => d.code === me.dong || d.name === me.dong);
    return new Set([dong?.code ?? me.dong]);
  }
  if (me?.role === 'district' && me.district) return new Set(ctx.meta.dongs.filter((d) => d.district === me.district).map((d) => d.code));
  return undefined;
}
