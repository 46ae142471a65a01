// The rows behind a figure: GET /api/compare/:name/rows in a modal dialog, beside the figure as the
// service gave it, with who synced each row, when, and from which workbook. The pane computes no
// figure again: the service marks the rows that make it up (payLine, assemblyDay, expected), and its
// tests check that the rows give back every figure (test/compare/formats.test.ts).
import type { CompareName } from '../api.ts';
import { resultStringsFor } from '../i18n.ts';
import { h, uid } from '../ui/dom.ts';
import type { ViewContext } from './context.ts';
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
    const columns = (result.columns.length ? result.columns.map((c) => c.name) : Object.keys(rows[0] ?? {})).filter((c) => !hidden.has(c));
    body.replaceChildren(
      h('p', { role: 'status' }, more.drillCount(rows.length)),
      h(
        'dl',
        { class: 'drill-check' },
        h('dt', {}, more.drillShown),
        h('dd', { 'data-testid': 'drill-shown', 'data-value': target.shown }, showValue(target.shown, info, { figure: target.figure }, ctx)),
      ),
      resultTable(rows, columns, `${title} — ${more.drillRows}`, ctx, { exact: true }),
    );
  } catch (error) {
    body.replaceChildren(errorBar(error, ctx));
  }
}
