// 비교: any named comparison (GET /api/compare/:name?phase=&district=&dong=&cohort=) as a table and a
// chart. A chart shows one figure, so one unit: a column whose unit is the row's figure (the summary's
// value, median …) is charted one figure at a time.
import { compareNames, type CompareName } from '../api.ts';
import { barChart } from '../ui/chart.ts';
import { chartDownloads } from '../ui/download.ts';
import { h, uid } from '../ui/dom.ts';
import { formatTime } from '../ui/format.ts';
import { comparisonTitle, resultStringsFor } from '../i18n.ts';
import type { ViewContext } from './context.ts';
import { insertButton, insertComparison } from './insert.ts';
import { busy, keepingScroll, refreshSoon, columnsOf, districtNameMap, errorBar, fieldInfo, labelOf, resultTable, showValue, type Row } from './results.ts';

const labelled = (label: string, control: HTMLElement) => {
  const id = uid('f');
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
};

export function mountCompareView(el: HTMLElement, ctx: ViewContext): (() => void) | undefined {
  const { t, meta } = ctx;
  const nameSelect = h('select', {}, ...compareNames.map((n) => h('option', { value: n }, comparisonTitle(n, ctx.locale))));
  nameSelect.value = 'spending';
  const phaseSelect = h('select', {}, h('option', { value: '' }, t.all), ...meta.phases.map((p) => h('option', { value: p.phase }, p.name || t.phaseName(p.phase))));
  const names = districtNameMap(ctx);
  const districts = [...new Set(meta.dongs.map((d) => d.district))].sort((a, b) => (names.get(a) ?? a).localeCompare(names.get(b) ?? b, 'ko'));
  const districtSelect = h('select', {}, h('option', { value: '' }, t.all), ...districts.map((d) => h('option', { value: d }, names.get(d) ?? d)));
  const dongSelect = h('select');
  const fillDongs = () => {
    const district = districtSelect.value;
    dongSelect.replaceChildren(
      h('option', { value: '' }, t.all),
      ...meta.dongs.filter((d) => !district || d.district === district).map((d) => h('option', { value: d.code }, d.name)),
    );
  };
  fillDongs();
  districtSelect.addEventListener('change', fillDongs);
  const dongsPerPage = 100;
  const cohortOf = (d: (typeof meta.dongs)[number]) => (typeof d.cohort === 'number' ? d.cohort : typeof d.joinedPhase === 'number' ? d.joinedPhase : null);
  const cohorts = [...new Set(meta.dongs.map(cohortOf).filter((c): c is number => c !== null))].sort((a, b) => a - b);
  const cohortSelect = h('select', {}, h('option', { value: '' }, t.all), ...cohorts.map((c) => h('option', { value: c }, t.cohortName(c))));
  const result = h('div', { class: 'result', 'aria-live': 'polite' });

  /**
   * A country has thousands of dongs: a comparison of one row per dong is fetched a page of dongs at a
   * time (the page's codes as the `dong` filter), never every row of the country at once.
   */
  const pageOf = (name: CompareName, filters: Record<string, string>, page: number) => {
    if (name === 'summary' || name === 'governance' || filters.dong) return undefined;
    const dongs = meta.dongs
      .filter((d) => (!filters.district || d.district === filters.district) && (!filters.cohort || String(cohortOf(d)) === filters.cohort))
      .sort((a, b) => a.name.localeCompare(b.name, 'ko') || a.code.localeCompare(b.code));
    if (dongs.length <= dongsPerPage) return undefined;
    const pages = Math.ceil(dongs.length / dongsPerPage);
    const at = Math.min(Math.max(0, page), pages - 1);
    return { page: at, pages, total: dongs.length, from: at * dongsPerPage + 1, to: Math.min(dongs.length, (at + 1) * dongsPerPage), codes: dongs.slice(at * dongsPerPage, (at + 1) * dongsPerPage).map((d) => d.code) };
  };

  /** What is shown (its name, filters and page of dongs), so a change elsewhere redraws the same comparison. */
  let shown: { name: CompareName; filters: Record<string, string>; page: number } | undefined;
  const run = async (again?: { name: CompareName; filters: Record<string, string>; page: number }, quietly = again !== undefined) => {
    const name = again?.name ?? (nameSelect.value as CompareName);
    const filters = again?.filters ?? { phase: phaseSelect.value, district: districtSelect.value, dong: dongSelect.value, cohort: cohortSelect.value };
    const paged = pageOf(name, filters, again?.page ?? 0);
    if (!quietly) result.replaceChildren(busy(ctx));
    try {
      const answer = await ctx.api.compare(name, paged ? { ...filters, dong: paged.codes.join(',') } : filters);
      shown = { name, filters, page: paged?.page ?? 0 };
      const pager = paged
        ? h(
            'nav',
            { class: 'pager', 'aria-label': t.dongPages },
            h('button', { type: 'button', disabled: paged.page === 0, onclick: () => void run({ name, filters, page: paged.page - 1 }, false) }, t.previousPage),
            h('span', { 'data-testid': 'dong-page' }, t.dongPageOf(paged.from, paged.to, paged.total)),
            h('button', { type: 'button', disabled: paged.page >= paged.pages - 1, onclick: () => void run({ name, filters, page: paged.page + 1 }, false) }, t.nextPage),
          )
        : null;
      const all = answer.columns?.map((c) => c.name) ?? columnsOf(answer.rows);
      // The dong's name reads better than its code (the code stays in the sheet and the drill-down).
      const columns = all.includes('dongName') ? ['dongName', ...all.filter((c) => c !== 'dong' && c !== 'dongName')] : all;
      const insert = insertButton(ctx, resultStringsFor(t).insertSheet, () => insertComparison(ctx, name, filters));
      keepingScroll(() =>
        result.replaceChildren(...(pager ? [pager] : []), ...draw(name, answer.rows, columns), h('p', { class: 'as-of muted', 'data-testid': 'as-of' }, t.asOf(formatTime(new Date()))), ...(insert ? [insert] : [])),
      );
    } catch (error) {
      if (quietly) return; // a failed refresh leaves the answer shown
      result.replaceChildren(errorBar(error, ctx, () => void run()));
    }
  };

  /** A chart item's label: the dong, else the summary's group (시 전체 · 1기, 계속 참여 …). */
  const itemLabel = (r: Row) => {
    if (r.dongName ?? r.dong) return String(r.dongName ?? r.dong);
    if (r.district) return names.get(String(r.district)) ?? String(r.district);
    const kind = typeof r.kind === 'string' ? (t.rowKinds[r.kind] ?? r.kind) : '';
    return [kind, typeof r.cohort === 'number' ? t.cohortName(r.cohort) : ''].filter(Boolean).join(' · ') || t.all;
  };

  const draw = (name: CompareName, rows: Row[], columns: string[]): HTMLElement[] => {
    const table = resultTable(rows, columns, comparisonTitle(name, ctx.locale), ctx, { comparison: name });
    // What can be charted: a column of numbers in one unit, or one figure of a figure-valued column.
    const charts: { key: string; field: string; figure?: string; label: string }[] = [];
    for (const c of columns) {
      if (c === 'phase' || c === 'cohort' || c === 'rank' || !rows.some((r) => typeof r[c] === 'number')) continue;
      if (ctx.meta.metrics?.[c]?.unit === 'figure') {
        const figures = [...new Set(rows.filter((r) => typeof r[c] === 'number' && typeof r.figure === 'string').map((r) => r.figure as string))];
        for (const f of figures) charts.push({ key: `${c}:${f}`, field: c, figure: f, label: `${labelOf(c, ctx)} · ${labelOf(f, ctx)}` });
        continue;
      }
      const kind = fieldInfo(c, ctx).kind();
      if (kind !== 'text' && kind !== 'date' && kind !== 'datetime' && kind !== 'year') charts.push({ key: c, field: c, label: labelOf(c, ctx) });
    }
    if (!charts.length) return [table];
    const figureSelect = h('select', {}, ...charts.map((c) => h('option', { value: c.key }, c.label)));
    const chartBox = h('figure', { class: 'chart-box' });
    const drawChart = () => {
      const chosen = charts.find((c) => c.key === figureSelect.value) ?? charts[0]!;
      const info = fieldInfo(chosen.field, ctx);
      // Spending rows come per category too; the chart shows the all-categories line (category null).
      const chartRows = rows.filter((r) => (!('category' in r) || r.category === null) && (chosen.figure === undefined || r.figure === chosen.figure));
      const phases = [...new Set(chartRows.map((r) => r.phase).filter((p) => p !== undefined && p !== null))].sort() as (string | number)[];
      const byItem = new Map<string, (number | null)[]>();
      for (const r of chartRows) {
        const label = itemLabel(r);
        if (!byItem.has(label)) byItem.set(label, phases.length ? phases.map(() => null) : [null]);
        const i = phases.length ? phases.indexOf(r.phase as string | number) : 0;
        const v = r[chosen.field];
        byItem.get(label)![i] = typeof v === 'number' ? v : null;
      }
      const title = `${comparisonTitle(name, ctx.locale)}: ${chosen.label}`;
      chartBox.replaceChildren(
        barChart({
          title,
          series: phases.length ? phases.map((p) => t.phaseName(p)) : [chosen.label],
          items: [...byItem].slice(0, 40).map(([label, values]) => ({ label, values })),
          format: (v) => showValue(v, info, chartRows[0], ctx),
        }),
        h('figcaption', {}, title),
      );
    };
    figureSelect.addEventListener('change', drawChart);
    drawChart();
    const chartFiles = chartDownloads(
      comparisonTitle(name, ctx.locale),
      () => chartBox.querySelector('svg'),
      { png: t.downloadPng, svg: t.downloadSvg, group: `${t.downloads}: ${t.downloadPng}, ${t.downloadSvg}` },
    );
    return [table, h('div', { class: 'filters' }, labelled(t.chartFigure, figureSelect)), chartBox, chartFiles];
  };

  const form = h(
    'form',
    { class: 'filters', 'aria-label': t.tabCompare, onsubmit: (e: Event) => (e.preventDefault(), void run()) },
    labelled(t.compareName, nameSelect),
    labelled(t.comparePhase, phaseSelect),
    labelled(t.compareDistrict, districtSelect),
    labelled(t.compareDong, dongSelect),
    labelled(t.compareCohort, cohortSelect),
    h('fluent-button', { role: 'button', type: 'submit', appearance: 'primary' }, t.show),
  );
  el.replaceChildren(form, result);
  void run();
  // Live: a change committed elsewhere redraws the comparison shown, with its filters.
  return ctx.live?.on(refreshSoon(() => (shown ? run(shown) : undefined)));
}
