// 질의: read-only SQL over the analytic views (POST /api/query), for analysts and managers.
import { h, uid } from '../ui/dom.ts';
import { formatTime } from '../ui/format.ts';
import { resultStringsFor } from '../i18n.ts';
import type { ViewContext } from './context.ts';
import { insertButton, insertQuery } from './insert.ts';
import { busy, errorBar, resultTable } from './results.ts';
import { queryLimit, rowsOf } from './query-model.ts';

const example = `select dongName, phase, sum(executedKrw) as executedKrw
from spending
group by all
order by dongName, phase`;

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
      const max = queryLimit(limit.value);
      const answer = rowsOf(await ctx.api.query(text, max));
      const insert = insertButton(ctx, resultStringsFor(t).insertSheet, () => insertQuery(ctx, text, max));
      result.replaceChildren(
        resultTable(answer.rows, answer.columns, t.tabQuery, ctx, { exact: true }),
        h('p', { class: 'as-of muted', 'data-testid': 'as-of' }, t.asOf(formatTime(new Date()))),
        ...(insert ? [insert] : []),
      );
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

  // The schema panel: every view and its columns; a click writes the name at the cursor.
  const insertAt = (text: string) => {
    const start = sql.selectionStart ?? sql.value.length;
    const end = sql.selectionEnd ?? start;
    sql.setRangeText(text, start, end, 'end');
    sql.focus();
  };
  const schema = schemaPanel(ctx, insertAt);

  el.replaceChildren(
    schema,
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

/** Every view analyst SQL reads and its columns with label, type and meaning (GET /api/query/views); a click on a name calls `insertAt`. */
function schemaPanel(ctx: ViewContext, insertAt: (text: string) => void): HTMLElement {
  const { t } = ctx;
  const schema = h('details', { class: 'schema card', 'data-testid': 'schema' }, h('summary', {}, t.schemaTitle), h('p', { class: 'muted' }, t.loading));
  const label = (m: { ko: string; en: string } | undefined) => m?.[ctx.locale] ?? '';
  const nameButton = (name: string) => h('button', { type: 'button', class: 'schema-name', onclick: () => insertAt(name), title: t.schemaInsert(name) }, name);
  void ctx.api
    .views()
    .then(({ views }) => {
      schema.replaceChildren(
        h('summary', {}, t.schemaTitle),
        h('p', { class: 'muted' }, t.schemaHint),
        ...views.map((view) =>
          h(
            'details',
            { class: 'schema-view' },
            h('summary', {}, h('code', {}, view.name), ` ${label(view.label)}`),
            h(
              'ul',
              { class: 'schema-columns', 'aria-label': view.name },
              h('li', {}, nameButton(view.name)),
              ...view.columns.map((c) => h('li', {}, nameButton(c.name), h('span', { class: 'muted' }, ` ${c.type}`), c.label ? ` ${label(c.label)}` : '')),
            ),
          ),
        ),
      );
    })
    .catch((error: unknown) => schema.replaceChildren(h('summary', {}, t.schemaTitle), errorBar(error, ctx)));
  return schema;
}
