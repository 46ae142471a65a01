// 질의: read-only SQL over the analytic views (POST /api/query), for analysts and managers.
import { h, uid } from '../ui/dom.ts';
import { resultStringsFor } from '../i18n.ts';
import type { ViewContext } from './context.ts';
import { insertButton, insertQuery } from './insert.ts';
import { busy, errorBar, resultTable, type Row } from './results.ts';
import type { QueryResult } from '../api.ts';

const example = `select dongName, phase, sum(executedKrw) as executedKrw
from spending
group by all
order by dongName, phase`;

/** The query answer's rows as objects, whether the service sends arrays or objects. */
export function rowsOf(result: QueryResult): { columns: string[]; rows: Row[] } {
  const columns = result.columns.map((c) => (typeof c === 'string' ? c : c.name));
  const rows = result.rows.map((r) => (Array.isArray(r) ? Object.fromEntries(columns.map((c, i) => [c, r[i]])) : r));
  return { columns, rows };
}

export function mountQueryView(el: HTMLElement, ctx: ViewContext): void {
  const { t } = ctx;
  const sqlId = uid('sql');
  const hintId = uid('sql-hint');
  const limitId = uid('limit');
  const sql = h('textarea', { id: sqlId, rows: 6, spellcheck: 'false', 'aria-describedby': hintId, class: 'code' });
  sql.value = example;
  const limit = h('input', { id: limitId, type: 'number', min: 1, max: 100000, value: 1000, inputmode: 'numeric' });
  const result = h('div', { class: 'result', 'aria-live': 'polite' });
  const runButton = h('fluent-button', { role: 'button', type: 'submit', appearance: 'primary' }, t.run);

  const run = async () => {
    const text = sql.value.trim();
    if (!text) return;
    result.replaceChildren(busy(ctx));
    runButton.setAttribute('disabled', '');
    try {
      const n = Number(limit.value);
      const max = Number.isInteger(n) && n > 0 ? n : undefined;
      const answer = rowsOf(await ctx.api.query(text, max));
      const insert = insertButton(ctx, resultStringsFor(t).insertSheet, () => insertQuery(ctx, text, max));
      result.replaceChildren(resultTable(answer.rows, answer.columns, t.tabQuery, ctx, { exact: true }), ...(insert ? [insert] : []));
    } catch (error) {
      result.replaceChildren(errorBar(error, ctx));
    } finally {
      runButton.removeAttribute('disabled');
    }
  };

  sql.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void run();
    }
  });

  el.replaceChildren(
    h(
      'form',
      { class: 'query', 'aria-label': t.tabQuery, onsubmit: (e: Event) => (e.preventDefault(), void run()) },
      h('label', { for: sqlId }, t.sqlLabel),
      sql,
      h('p', { id: hintId, class: 'muted' }, t.sqlHint),
      h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: limitId }, t.limitLabel), limit), runButton),
    ),
    result,
  );
}
