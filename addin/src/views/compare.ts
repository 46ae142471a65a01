// 비교: any named comparison (GET /api/compare/:name?phase=&district=&dong=) as a table and a chart.
import { compareNames, type CompareName } from '../api.ts';
import { barChart } from '../ui/chart.ts';
import { h, uid } from '../ui/dom.ts';
import { resultStringsFor } from '../i18n.ts';
import type { ViewContext } from './context.ts';
import { insertButton, insertComparison } from './insert.ts';
import { busy, columnsOf, districtNameMap, errorBar, fieldInfo, labelOf, resultTable, showValue, type Row } from './results.ts';

const labelled = (label: string, control: HTMLElement) => {
  const id = uid('f');
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
};

export function mountCompareView(el: HTMLElement, ctx: ViewContext): void {
  const { t, meta } = ctx;
  const nameSelect = h('select', {}, ...compareNames.map((n) => h('option', { value: n }, t.compareNames[n])));
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
  const result = h('div', { class: 'result', 'aria-live': 'polite' });

  const run = async () => {
    const name = nameSelect.value as CompareName;
    const filters = { phase: phaseSelect.value, district: districtSelect.value, dong: dongSelect.value };
    result.replaceChildren(busy(ctx));
    try {
      const answer = await ctx.api.compare(name, filters);
      const all = answer.columns?.map((c) => c.name) ?? columnsOf(answer.rows);
      // The dong's name reads better than its code (the code stays in the sheet and the drill-down).
      const columns = all.includes('dongName') ? ['dongName', ...all.filter((c) => c !== 'dong' && c !== 'dongName')] : all;
      const insert = insertButton(ctx, resultStringsFor(t).insertSheet, () => insertComparison(ctx, name, filters));
      result.replaceChildren(...draw(name, answer.rows, columns), ...(insert ? [insert] : []));
    } catch (error) {
      result.replaceChildren(errorBar(error, ctx, () => void run()));
    }
  };

  const draw = (name: CompareName, rows: Row[], columns: string[]): HTMLElement[] => {
    const table = resultTable(rows, columns, t.compareNames[name], ctx, { comparison: name });
    const figures = columns.filter((c) => {
      const kind = fieldInfo(c, ctx).kind();
      return kind !== 'text' && kind !== 'date' && kind !== 'datetime' && c !== 'phase' && c !== 'rank' && rows.some((r) => typeof r[c] === 'number');
    });
    if (!figures.length) return [table];
    const figureSelect = h('select', {}, ...figures.map((f) => h('option', { value: f }, labelOf(f, ctx))));
    const chartBox = h('figure', { class: 'chart-box' });
    const drawChart = () => {
      const field = figureSelect.value;
      const info = fieldInfo(field, ctx);
      // Spending rows come per category too; the chart shows the all-categories line (category null).
      const chartRows = rows.filter((r) => !('category' in r) || r.category === null);
      const phases = [...new Set(chartRows.map((r) => r.phase).filter((p) => p !== undefined && p !== null))].sort() as (string | number)[];
      const byDong = new Map<string, (number | null)[]>();
      for (const r of chartRows) {
        const label = String(r.dongName ?? r.dong ?? (r.district ? (names.get(String(r.district)) ?? r.district) : '') ?? '');
        if (!byDong.has(label)) byDong.set(label, phases.length ? phases.map(() => null) : [null]);
        const i = phases.length ? phases.indexOf(r.phase as string | number) : 0;
        const v = r[field];
        byDong.get(label)![i] = typeof v === 'number' ? v : null;
      }
      const title = `${t.compareNames[name]}: ${labelOf(field, ctx)}`;
      chartBox.replaceChildren(
        barChart({
          title,
          series: phases.length ? phases.map((p) => t.phaseName(p)) : [labelOf(field, ctx)],
          items: [...byDong].slice(0, 40).map(([label, values]) => ({ label, values })),
          format: (v) => showValue(v, info, chartRows[0], ctx),
        }),
        h('figcaption', {}, title),
      );
    };
    figureSelect.addEventListener('change', drawChart);
    drawChart();
    return [table, h('div', { class: 'filters' }, labelled(t.chartFigure, figureSelect)), chartBox];
  };

  const form = h(
    'form',
    { class: 'filters', 'aria-label': t.tabCompare, onsubmit: (e: Event) => (e.preventDefault(), void run()) },
    labelled(t.compareName, nameSelect),
    labelled(t.comparePhase, phaseSelect),
    labelled(t.compareDistrict, districtSelect),
    labelled(t.compareDong, dongSelect),
    h('fluent-button', { role: 'button', type: 'submit', appearance: 'primary' }, t.show),
  );
  el.replaceChildren(form, result);
  void run();
}
