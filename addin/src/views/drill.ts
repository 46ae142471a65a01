// The rows behind a figure: GET /api/compare/:name/rows in a modal dialog, with who synced each row,
// when, and from which workbook, and the figure computed again from those rows (so a reader can see
// that the number on screen is theirs).
import type { CompareName } from '../api.ts';
import { resultStringsFor } from '../i18n.ts';
import { h, uid } from '../ui/dom.ts';
import type { ViewContext } from './context.ts';
import { median } from './figures.ts';
import { busy, errorBar, fieldInfo, resultTable, showValue, type Row } from './results.ts';

export interface DrillTarget {
  name: CompareName;
  dong: string;
  dongName: string;
  phase: number;
  /** spending: one category; absent for the all-categories row. */
  category?: string;
  /** The figure shown in the cell that was opened. */
  figure: string;
  shown: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const sum = (rows: Row[], field: string) => rows.reduce((s, r) => s + (num(r[field]) ?? 0), 0);
/** A sum that is blank when every value is blank (a blank is never a zero). */
const sumOrNull = (rows: Row[], field: string) => (rows.some((r) => num(r[field]) !== null) ? sum(rows, field) : null);
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

/** The figure computed again from the rows behind it, as DESIGN.md "The metrics" defines it. */
export function recompute(figure: string, rows: Row[], population: number | null, today = new Date().toISOString().slice(0, 10)): number | null {
  const done = rows.filter((r) => r.status === '완료');
  switch (figure) {
    case 'budgetKrw':
    case 'executedKrw':
    case 'participants':
      return sum(rows, figure);
    case 'newParticipants':
    case 'votes':
      return sumOrNull(rows, figure);
    case 'executionRate': {
      const budget = sum(rows, 'budgetKrw');
      return budget === 0 ? null : sum(rows, 'executedKrw') / budget;
    }
    case 'executedPerResident':
      return population ? sum(rows, 'executedKrw') / population : null;
    case 'events':
      return rows.length;
    case 'participantsPer1000':
      return population ? (sum(rows, 'participants') * 1000) / population : null;
    case 'assemblyParticipants':
      return sum(rows.filter((r) => r.activity === '주민총회'), 'participants');
    case 'milestones':
      return rows.length;
    case 'completed':
      return done.length;
    case 'completionRate':
      return rows.length ? done.length / rows.length : null;
    case 'avgProgressPct': {
      const values = rows.map((r) => num(r.progressPct) ?? (r.status === '완료' ? 100 : null)).filter((v): v is number => v !== null);
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
    }
    case 'delayed':
      return rows.filter((r) => {
        const planned = typeof r.plannedOn === 'string' ? r.plannedOn : null;
        const completed = typeof r.completedOn === 'string' ? r.completedOn : null;
        if (r.status === '지연') return true;
        if (r.status === '완료') return planned !== null && completed !== null && completed > planned;
        return planned !== null && planned < today;
      }).length;
    case 'medianDelayDays':
      return median(done.filter((r) => typeof r.plannedOn === 'string' && typeof r.completedOn === 'string').map((r) => days(r.plannedOn as string, r.completedOn as string)));
    default:
      return null;
  }
}

/** The dong's population in the phase's year, from /api/meta (null when unknown). */
function populationOf(ctx: ViewContext, dong: string, phase: number): number | null {
  const year = ctx.meta.phases.find((p) => p.phase === phase)?.year;
  const record = ctx.meta.dongs.find((d) => d.code === dong)?.population;
  if (year === undefined || !record || typeof record !== 'object') return null;
  return num((record as Record<string, unknown>)[String(year)]);
}

const hidden = new Set(['rowId', 'revision', 'district', 'dong', 'dongName', 'phase']);

/** Opens the dialog; resolves once the rows are shown (or the error is). */
export async function openDrill(ctx: ViewContext, target: DrillTarget): Promise<void> {
  const { t } = ctx;
  const more = resultStringsFor(t);
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uid('drill-title');
  const info = fieldInfo(target.figure, ctx);
  const body = h('div', { class: 'drill-body' }, busy(ctx));
  const close = h('button', { type: 'button', class: 'close', onclick: () => dialog.close() }, more.close);
  const title = more.drillTitle(target.dongName, t.phaseName(target.phase), target.category ? `${target.category} ${info.label}` : info.label);
  const dialog = h(
    'dialog',
    { class: 'drill', 'aria-labelledby': titleId, 'data-testid': 'drill' },
    h('div', { class: 'drill-head' }, h('h2', { id: titleId }, title), close),
    info.definition ? h('p', { class: 'muted' }, info.definition) : null,
    body,
  );
  dialog.addEventListener('close', () => {
    dialog.remove();
    opener?.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();

  try {
    const headline = target.name === 'phases' || target.name === 'summary';
    const result = await ctx.api.drill(target.name, {
      dong: target.dong,
      phase: target.phase,
      category: target.category,
      figure: headline ? target.figure : undefined,
    });
    const rows = result.rows;
    const again = recompute(target.figure, rows, populationOf(ctx, target.dong, target.phase));
    const same = again !== null && Math.abs(again - target.shown) <= Math.max(1e-9, Math.abs(target.shown) * 1e-9);
    const columns = (result.columns.length ? result.columns.map((c) => c.name) : Object.keys(rows[0] ?? {})).filter((c) => !hidden.has(c));
    body.replaceChildren(
      h('p', { role: 'status' }, more.drillCount(rows.length)),
      h(
        'dl',
        { class: 'drill-check' },
        h('dt', {}, more.drillShown),
        h('dd', { 'data-testid': 'drill-shown', 'data-value': target.shown }, showValue(target.shown, info, { figure: target.figure }, ctx)),
        h('dt', {}, more.drillRecomputed),
        h(
          'dd',
          { 'data-testid': 'drill-total', 'data-value': again ?? '' },
          again === null ? '–' : `${showValue(again, info, { figure: target.figure }, ctx)} (${same ? more.drillSame : more.drillDiffers})`,
        ),
      ),
      resultTable(rows, columns, `${title} — ${more.drillRows}`, ctx),
    );
  } catch (error) {
    body.replaceChildren(errorBar(error, ctx));
  }
}
