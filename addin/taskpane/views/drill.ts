// The rows behind a figure: GET /api/compare/:name/rows in a modal dialog, with who synced each row,
// when, and from which workbook, and the figure computed again from those rows (so a reader can see
// that the number on screen is theirs).
import type { CompareName, Meta } from '../api.ts';
import { resultStringsFor } from '../i18n.ts';
import { h, uid } from '../ui/dom.ts';
import type { ViewContext } from './context.ts';
import { recompute, type RecomputeContext } from './figures.ts';
import { busy, errorBar, fieldInfo, resultTable, showValue } from './results.ts';

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

/** What recomputing needs from /api/meta: the dong's population in the phase's year, its cohort's expected milestones. */
export function recomputeContext(meta: Meta, dong: string, phase: number): RecomputeContext {
  const year = meta.phases.find((p) => p.phase === phase)?.year;
  const record = meta.dongs.find((d) => d.code === dong);
  const population = year !== undefined && record?.population && typeof record.population === 'object' ? num((record.population as Record<string, unknown>)[String(year)]) : null;
  const cohort = num(record?.cohort) ?? num(record?.joinedPhase);
  const expected = (meta.expectedMilestones ?? []).find((e) => e.cohort === cohort && e.phase === phase && (!e.city || !record?.city || e.city === record.city));
  return { population, expected: expected?.milestones ?? null };
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
    const again = recompute(target.figure, rows, recomputeContext(ctx.meta, target.dong, target.phase));
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
      resultTable(rows, columns, `${title} — ${more.drillRows}`, ctx, { exact: true }),
    );
  } catch (error) {
    body.replaceChildren(errorBar(error, ctx));
  }
}
