// 비교: any named comparison (GET /api/compare/:name?phase=&district=&dong=&cohort=) as a table and a
// chart. A chart shows one figure, so one unit: a column whose unit is the row's figure (the summary's
// value, median …) is charted one figure at a time. What is shown is worked out in compare-model.ts.
import { compareNames, type CompareName } from '../api.ts';
import { barChart } from '../ui/chart.ts';
import { chartDownloads } from '../ui/download.ts';
import { h, uid } from '../ui/dom.ts';
import { formatTime } from '../ui/format.ts';
import { comparisonTitle, resultStringsFor } from '../i18n.ts';
import type { ViewContext } from './context.ts';
import { insertButton, insertComparison } from './insert.ts';
import { busy, keepingScroll, refreshSoon, columnsOf, districtNameMap, errorBar, fieldInfo, labelOf, resultTable, showValue, type Row } from './results.ts';
import { chartChoices, chartSeries, cohortsOf, districtsOf, dongPage, resultColumns, type CompareFilterValues, type DongPage } from './compare-model.ts';

const labelled = (label: string, control: HTMLElement) => {
  const id = uid('f');
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
};

/** A comparison asked for: its name, filters and page of dongs. */
interface Shown {
  name: CompareName;
  filters: CompareFilterValues;
  page: number;
}

/** The form: which comparison, and its filters (phase, district, dong, cohort) from /api/meta. */
function compareForm(ctx: ViewContext, run: () => void): { form: HTMLElement; chosen: () => Shown } {
  const { t, meta } = ctx;
  const nameSelect = h('select', {}, ...compareNames.map((n) => h('option', { value: n }, comparisonTitle(n, ctx.locale))));
  nameSelect.value = 'spending';
  const phaseSelect = h('select', {}, h('option', { value: '' }, t.all), ...meta.phases.map((p) => h('option', { value: p.phase }, p.name || t.phaseName(p.phase))));
  const names = districtNameMap(ctx);
  const districtName = (code: string) => names.get(code) ?? code;
  // A token of several cities picks one (or all): the districts and dongs offered are that city's.
  const cities = meta.cities;
  const citySelect = h('select', {}, h('option', { value: '' }, t.all), ...cities.map((c) => h('option', { value: c.code }, c.name)));
  const inCity = () => meta.dongs.filter((d) => !citySelect.value || d.city === citySelect.value);
  const districtSelect = h('select');
  const fillDistricts = () =>
    districtSelect.replaceChildren(h('option', { value: '' }, t.all), ...districtsOf(inCity(), districtName).map((d) => h('option', { value: d }, districtName(d))));
  const dongSelect = h('select');
  const fillDongs = () => {
    const district = districtSelect.value;
    dongSelect.replaceChildren(
      h('option', { value: '' }, t.all),
      ...inCity()
        .filter((d) => !district || d.district === district)
        .map((d) => h('option', { value: d.code }, d.name)),
    );
  };
  fillDistricts();
  fillDongs();
  citySelect.addEventListener('change', () => (fillDistricts(), fillDongs()));
  districtSelect.addEventListener('change', fillDongs);
  const cohortSelect = h('select', {}, h('option', { value: '' }, t.all), ...cohortsOf(meta.dongs).map((c) => h('option', { value: c }, t.cohortName(c))));
  const form = h(
    'form',
    { class: 'filters', 'aria-label': t.tabCompare, onsubmit: (e: Event) => (e.preventDefault(), run()) },
    labelled(t.compareName, nameSelect),
    cities.length > 1 ? labelled(t.compareCity, citySelect) : null,
    labelled(t.comparePhase, phaseSelect),
    labelled(t.compareDistrict, districtSelect),
    labelled(t.compareDong, dongSelect),
    labelled(t.compareCohort, cohortSelect),
    h('fluent-button', { role: 'button', type: 'submit', appearance: 'primary' }, t.show),
  );
  const chosen = (): Shown => ({
    name: nameSelect.value as CompareName,
    filters: { city: citySelect.value, phase: phaseSelect.value, district: districtSelect.value, dong: dongSelect.value, cohort: cohortSelect.value },
    page: 0,
  });
  return { form, chosen };
}

export function mountCompareView(el: HTMLElement, ctx: ViewContext): (() => void) | undefined {
  const { t } = ctx;
  const result = h('div', { class: 'result', 'aria-live': 'polite' });
  /** What the reader asked for last, so a change elsewhere redraws the same comparison. */
  let wanted: Shown | undefined;
  /**
   * The reader's requests so far: only the latest one's answer is drawn, so an earlier, slower one
   * never replaces it. A quiet refresh asks for the same (`wanted`) and gives way to any later request.
   */
  let asked = 0;
  const run = async (again?: Shown, quietly = again !== undefined) => {
    const ticket = quietly ? asked : ++asked;
    const { name, filters, page } = again ?? form.chosen();
    const paged = dongPage(ctx.meta.dongs, name, filters, page);
    if (!quietly) {
      wanted = { name, filters, page: paged?.page ?? 0 };
      result.replaceChildren(busy(ctx));
    }
    try {
      const answer = await ctx.api.compare(name, paged ? { ...filters, dong: paged.codes.join(',') } : filters);
      if (ticket !== asked) return;
      const pager = paged ? dongPager(ctx, paged, (to) => void run({ name, filters, page: to }, false)) : null;
      const columns = resultColumns(answer.columns?.map((c) => c.name) ?? columnsOf(answer.rows));
      const insert = insertButton(ctx, resultStringsFor(t).insertSheet, () => insertComparison(ctx, name, filters));
      keepingScroll(() =>
        result.replaceChildren(
          ...(pager ? [pager] : []),
          ...comparisonResult(ctx, name, answer.rows, columns),
          h('p', { class: 'as-of muted', 'data-testid': 'as-of' }, t.asOf(formatTime(new Date()))),
          ...(insert ? [insert] : []),
        ),
      );
    } catch (error) {
      if (quietly || ticket !== asked) return; // a failed refresh leaves the answer shown
      result.replaceChildren(errorBar(error, ctx, () => void run()));
    }
  };
  const form = compareForm(ctx, () => void run());
  el.replaceChildren(form.form, result);
  void run();
  // Live: a change committed elsewhere redraws the comparison shown, with its filters.
  return ctx.live?.on(refreshSoon(() => (wanted ? run(wanted) : undefined)));
}

/** 동 101–200 / 3,500 with the previous and next pages. */
function dongPager(ctx: ViewContext, paged: DongPage, go: (page: number) => void): HTMLElement {
  const { t } = ctx;
  return h(
    'nav',
    { class: 'pager', 'aria-label': t.dongPages },
    h('button', { type: 'button', disabled: paged.page === 0, onclick: () => go(paged.page - 1) }, t.previousPage),
    h('span', { 'data-testid': 'dong-page' }, t.dongPageOf(paged.from, paged.to, paged.total)),
    h('button', { type: 'button', disabled: paged.page >= paged.pages - 1, onclick: () => go(paged.page + 1) }, t.nextPage),
  );
}

/** A chart item's label: the dong, else the summary's group (시 전체 · 1기, 계속 참여 …). */
function itemLabel(ctx: ViewContext, names: Map<string, string>, r: Row): string {
  const { t } = ctx;
  if (r.dongName ?? r.dong) return String(r.dongName ?? r.dong);
  if (r.district) return names.get(String(r.district)) ?? String(r.district);
  const kind = typeof r.kind === 'string' ? (t.rowKinds[r.kind] ?? r.kind) : '';
  return [kind, typeof r.cohort === 'number' ? t.cohortName(r.cohort) : ''].filter(Boolean).join(' · ') || t.all;
}

/** The answer as a table and, where something can be charted, a chart of one figure with its downloads. */
function comparisonResult(ctx: ViewContext, name: CompareName, rows: Row[], columns: string[]): HTMLElement[] {
  const { t } = ctx;
  const table = resultTable(rows, columns, comparisonTitle(name, ctx.locale), ctx, { comparison: name });
  const chartable = (c: string) => !['text', 'date', 'datetime', 'year'].includes(fieldInfo(c, ctx).kind());
  const charts = chartChoices(rows, columns, (c) => ctx.meta.metrics[c]?.unit === 'figure', chartable).map((c) => ({
    ...c,
    label: c.figure === undefined ? labelOf(c.field, ctx) : `${labelOf(c.field, ctx)} · ${labelOf(c.figure, ctx)}`,
  }));
  if (!charts.length) return [table];
  const names = districtNameMap(ctx);
  const figureSelect = h('select', {}, ...charts.map((c) => h('option', { value: c.key }, c.label)));
  const chartBox = h('figure', { class: 'chart-box' });
  const drawChart = () => {
    const chosen = charts.find((c) => c.key === figureSelect.value) ?? charts[0]!;
    const info = fieldInfo(chosen.field, ctx);
    const series = chartSeries(rows, chosen, (r) => itemLabel(ctx, names, r));
    const title = `${comparisonTitle(name, ctx.locale)}: ${chosen.label}`;
    chartBox.replaceChildren(
      barChart({
        title,
        series: series.phases.length ? series.phases.map((p) => t.phaseName(p)) : [chosen.label],
        items: series.items,
        format: (v) => showValue(v, info, series.rows[0], ctx),
      }),
      h('figcaption', {}, title),
    );
  };
  figureSelect.addEventListener('change', drawChart);
  drawChart();
  const chartFiles = chartDownloads(comparisonTitle(name, ctx.locale), () => chartBox.querySelector('svg'), {
    png: t.downloadPng,
    svg: t.downloadSvg,
    group: `${t.downloads}: ${t.downloadPng}, ${t.downloadSvg}`,
  });
  return [table, h('div', { class: 'filters' }, labelled(t.chartFigure, figureSelect)), chartBox, chartFiles];
}
