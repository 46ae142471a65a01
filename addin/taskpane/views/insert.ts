// "시트로 넣기": buttons that put a result into the workbook, shown only inside Excel. The work runs
// in addin/excel/insert.ts (loaded on first use, with apache-arrow, so the pane's first load stays small).
import type { CompareFilters, CompareName } from '../api.ts';
import { comparisonTitle, resultStringsFor } from '../i18n.ts';
import { h } from '../ui/dom.ts';
import type { ViewContext } from './context.ts';
import { errorBar, fieldInfo } from './results.ts';

/** A button that runs `insert` (which answers with what it did), with its outcome read out; null outside Excel. */
export function insertButton(ctx: ViewContext, label: string, insert: () => Promise<string>): HTMLElement | null {
  if (!ctx.host.excel) return null;
  const more = resultStringsFor(ctx.t);
  const status = h('div', { 'aria-live': 'polite', class: 'insert-status' });
  const button = h(
    'fluent-button',
    {
      role: 'button',
      appearance: 'secondary',
      onclick: async () => {
        if (button.hasAttribute('disabled')) return;
        button.setAttribute('disabled', '');
        status.replaceChildren(h('p', { role: 'status' }, more.inserting));
        try {
          status.replaceChildren(h('p', { role: 'status' }, await insert()));
        } catch (error) {
          status.replaceChildren(errorBar(error, ctx));
        } finally {
          button.removeAttribute('disabled');
        }
      },
    },
    label,
  );
  return h('div', { class: 'insert' }, button, status);
}

/** Fetches a result as Arrow, decodes it and writes it as a formatted table on a new sheet. */
export async function insertArrowResult(ctx: ViewContext, sheetName: string, fetchArrow: () => Promise<ArrayBuffer>): Promise<string> {
  const [{ decodeArrow }, { insertResultSheet }, bytes] = await Promise.all([import('../arrow.ts'), import('../../excel/insert.ts'), fetchArrow()]);
  const decoded = await decodeArrow(bytes);
  const columns = decoded.columns.map((c) => {
    const info = fieldInfo(c.name, ctx);
    const kind = c.kind === 'date' || c.kind === 'datetime' ? c.kind : info.kind();
    return { field: c.name, header: info.label, kind };
  });
  const sheet = await insertResultSheet(sheetName, columns, decoded.rows);
  return resultStringsFor(ctx.t).inserted(sheet, decoded.rows.length);
}

export const insertComparison = (ctx: ViewContext, name: CompareName, filters: CompareFilters) =>
  insertArrowResult(ctx, comparisonTitle(name, ctx.locale), () => ctx.api.compareArrow(name, filters));

export const insertQuery = (ctx: ViewContext, sql: string, limit?: number) => insertArrowResult(ctx, ctx.t.tabQuery, () => ctx.api.queryArrow(sql, limit));
