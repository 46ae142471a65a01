// 요약: where the city's dongs may need support, phase 1 against phase 2. Not a league table: dongs
// are marked against the city's median and against their own phase 1, and sorted by name by default.
// Data: GET /api/compare/phases (per dong: each headline figure's phase1, phase2, delta) and
// GET /api/compare/summary (headline figures per phase, and the dongs that may need support).
import { figureNames, headlineFigures, resultStringsFor, type HeadlineFigure } from '../i18n.ts';
import { barChart } from '../ui/chart.ts';
import { h, uid } from '../ui/dom.ts';
import { formatDelta, formatNumber, formatRate, formatRateDelta } from '../ui/format.ts';
import { dataTable } from '../ui/table.ts';
import type { ViewContext } from './context.ts';
import { median } from './figures.ts';
import { busy, columnsOf, districtNameMap, errorBar, resultTable, type Row } from './results.ts';
import { openDrill } from './drill.ts';
import { insertButton } from './insert.ts';
import type { SummarySheetFigure } from '../../excel/insert.ts';

interface PhaseFigure {
  phase1: number | null;
  phase2: number | null;
  delta: number | null;
}

export interface DongSummary {
  dong: string;
  dongName: string;
  district: string;
  figures: Record<HeadlineFigure, PhaseFigure>;
  /** Why this dong may need support, per figure (empty when it need not). */
  reasons: Partial<Record<HeadlineFigure, ('belowMedian' | 'belowOwnPhase1')[]>>;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

/** Reads one figure of a `phases` row: nested ({ executionRate: { phase1, phase2, delta } }) or flat. */
function readFigure(row: Row, figure: HeadlineFigure): PhaseFigure {
  const nested = row[figure];
  const pick = (suffix: 'phase1' | 'phase2' | 'delta'): number | null => {
    if (nested && typeof nested === 'object') return num((nested as Row)[suffix]);
    const cap = suffix[0]!.toUpperCase() + suffix.slice(1);
    return num(row[`${figure}${cap}`] ?? row[`${figure}_${suffix}`]);
  };
  const phase1 = pick('phase1');
  const phase2 = pick('phase2');
  const delta = pick('delta') ?? (phase1 !== null && phase2 !== null ? phase2 - phase1 : null);
  return { phase1, phase2, delta };
}

export { median } from './figures.ts';

/** The summary's own judgement (kind = dong rows: belowMedian, belowPhase1 per figure), by dong code. */
function flaggedBySummary(summary: Row[]): Map<string, Partial<Record<HeadlineFigure, ('belowMedian' | 'belowOwnPhase1')[]>>> | null {
  const dongRows = summary.filter((r) => r.kind === 'dong' && typeof r.dong === 'string');
  if (!summary.some((r) => r.kind === 'city' || r.kind === 'dong')) return null;
  const flagged = new Map<string, Partial<Record<HeadlineFigure, ('belowMedian' | 'belowOwnPhase1')[]>>>();
  for (const r of dongRows) {
    const figure = r.figure as HeadlineFigure;
    if (!headlineFigures.includes(figure)) continue;
    const reasons: ('belowMedian' | 'belowOwnPhase1')[] = [];
    if (r.belowMedian === true) reasons.push('belowMedian');
    if (r.belowPhase1 === true) reasons.push('belowOwnPhase1');
    if (!reasons.length) continue;
    const entry = flagged.get(r.dong as string) ?? {};
    entry[figure] = [...new Set([...(entry[figure] ?? []), ...reasons])];
    flagged.set(r.dong as string, entry);
  }
  return flagged;
}

/** The city's value and median per figure and phase (kind = city rows of the summary). */
function cityFigures(summary: Row[]): Map<string, { value: number | null; cityMedian: number | null }> {
  const out = new Map<string, { value: number | null; cityMedian: number | null }>();
  for (const r of summary) if (r.kind === 'city') out.set(`${String(r.figure)}:${String(r.phase)}`, { value: num(r.value), cityMedian: num(r.cityMedian) });
  return out;
}

export function summariseDongs(phaseRows: Row[]): { dongs: DongSummary[]; medians: Record<HeadlineFigure, PhaseFigure> } {
  const dongs = phaseRows.map((row): DongSummary => ({
    dong: String(row.dong ?? ''),
    dongName: String(row.dongName ?? row.dong ?? ''),
    district: String(row.district ?? ''),
    figures: Object.fromEntries(headlineFigures.map((f) => [f, readFigure(row, f)])) as Record<HeadlineFigure, PhaseFigure>,
    reasons: {},
  }));
  const medians = Object.fromEntries(
    headlineFigures.map((f) => {
      const m1 = median(dongs.map((d) => d.figures[f].phase1).filter((v): v is number => v !== null));
      const m2 = median(dongs.map((d) => d.figures[f].phase2).filter((v): v is number => v !== null));
      return [f, { phase1: m1, phase2: m2, delta: m1 !== null && m2 !== null ? m2 - m1 : null }];
    }),
  ) as Record<HeadlineFigure, PhaseFigure>;
  for (const d of dongs) {
    for (const f of headlineFigures) {
      const { phase1, phase2 } = d.figures[f];
      const latest = phase2 ?? phase1;
      const cityLatest = phase2 !== null ? medians[f].phase2 : medians[f].phase1;
      const reasons: ('belowMedian' | 'belowOwnPhase1')[] = [];
      if (latest !== null && cityLatest !== null && latest < cityLatest) reasons.push('belowMedian');
      if (phase1 !== null && phase2 !== null && phase2 < phase1) reasons.push('belowOwnPhase1');
      if (reasons.length) d.reasons[f] = reasons;
    }
  }
  return { dongs, medians };
}

export function mountSummaryView(el: HTMLElement, ctx: ViewContext): void {
  const { t, locale } = ctx;
  const more = resultStringsFor(t);
  const fmt = (f: HeadlineFigure, v: number | null) => (v === null ? '–' : f === 'participantsPer1000' ? formatNumber(v, locale, 1) : formatRate(v, locale));
  const fmtDelta = (f: HeadlineFigure, v: number | null) => (v === null ? '–' : f === 'participantsPer1000' ? formatDelta(v, locale) : formatRateDelta(v, locale));
  const name = (f: HeadlineFigure) => ctx.meta.metrics?.[f]?.[locale] ?? figureNames[locale][f][0];
  const definition = (f: HeadlineFigure) => {
    const fromMeta = ctx.meta.metrics?.[f]?.definition;
    return fromMeta ? fromMeta[locale] : figureNames[locale][f][1];
  };

  const districtNames = districtNameMap(ctx);
  const phaseNumbers = ctx.meta.phases.length ? ctx.meta.phases.map((p) => p.phase).slice(0, 2) : [1, 2];

  const kept = { search: '', only: false, figure: headlineFigures[0] as string };

  const load = async () => {
    el.replaceChildren(busy(ctx));
    try {
      // The dong table needs only the phases; it is drawn as soon as they come, and drawn again with
      // the service's own judgement and the city's values once the (larger) summary has come too.
      const summaryAnswer = ctx.api.compare('summary').catch(() => ({ rows: [] as Row[] }));
      const phases = await ctx.api.compare('phases');
      el.dataset.state = 'partial';
      draw(phases.rows, []);
      const summary = await summaryAnswer;
      draw(phases.rows, summary.rows);
      el.dataset.state = 'complete';
    } catch (error) {
      el.replaceChildren(errorBar(error, ctx, () => void load()));
    }
  };

  const draw = (phaseRows: Row[], summaryRows: Row[]) => {
    const summarised = summariseDongs(phaseRows);
    const medians = summarised.medians;
    // Dongs that joined later, or have not synced yet, have no figure to show: they are left out.
    const dongs = summarised.dongs.filter((d) => headlineFigures.some((f) => d.figures[f].phase1 !== null || d.figures[f].phase2 !== null));
    const flagged = flaggedBySummary(summaryRows);
    // The service's judgement wins; without a summary the same rule is applied here.
    if (flagged) for (const d of dongs) d.reasons = flagged.get(d.dong) ?? {};
    const needsSupport = (d: DongSummary) => Object.keys(d.reasons).length > 0;
    const city = cityFigures(summaryRows);
    const districtName = (code: string) => districtNames.get(code) ?? code;

    // Headline figures: the city's value and median per phase.
    const headlineData: SummarySheetFigure[] = headlineFigures.map((f) => ({
      figure: f,
      label: name(f),
      kind: f === 'participantsPer1000' ? 'decimal' : 'rate',
      values: phaseNumbers.map((p) => {
        const c = city.get(`${f}:${p}`);
        const fallback = p === 1 ? medians[f].phase1 : p === 2 ? medians[f].phase2 : null;
        return { phase: p, phaseName: t.phaseName(p), value: c ? c.value : null, cityMedian: c ? c.cityMedian : fallback };
      }),
    }));
    const headline = h(
      'section',
      { class: 'card', 'aria-labelledby': 'summary-headline' },
      h('h2', { id: 'summary-headline' }, t.summaryHeadline),
      h(
        'dl',
        { class: 'headline' },
        ...headlineData.flatMap((figure) => [
          h('dt', {}, figure.label, h('span', { class: 'definition' }, definition(figure.figure as HeadlineFigure))),
          ...figure.values.map((v) =>
            h(
              'dd',
              { 'data-figure': figure.figure, 'data-phase': v.phase },
              h('strong', {}, `${v.phaseName} `),
              v.value !== null ? `${fmt(figure.figure as HeadlineFigure, v.value)} · ` : '',
              `${t.cityMedian} ${fmt(figure.figure as HeadlineFigure, v.cityMedian)}`,
            ),
          ),
        ]),
      ),
      summaryRows.length
        ? h('details', {}, h('summary', {}, ctx.t.compareNames.summary), resultTable(summaryRows, columnsOf(summaryRows), ctx.t.compareNames.summary, ctx, { comparison: 'summary' }))
        : null,
      insertButton(ctx, more.insertSummarySheet, async () => {
        const { insertSummarySheet } = await import('../../excel/insert.ts');
        const sheet = await insertSummarySheet(
          { title: `${t.appTitle} — ${t.summaryHeadline}`, figures: headlineData, labels: { figure: t.figure, cityValue: more.cityValue, cityMedian: t.cityMedian, district: t.district, dong: t.dong, change: t.change } },
          dongs.map((d) => ({ district: districtName(d.district), dongName: d.dongName, figures: d.figures })),
        );
        return more.insertedSummary(sheet);
      }),
    );

    // Filters: search by dong name, only those that may need support, the chart's figure.
    const searchId = uid('search');
    const onlyId = uid('only');
    const figureId = uid('figure');
    const search = h('input', { id: searchId, type: 'search', autocomplete: 'off' });
    const only = h('input', { id: onlyId, type: 'checkbox' });
    const figureSelect = h('select', { id: figureId }, ...headlineFigures.map((f) => h('option', { value: f }, name(f))));
    // A second draw (the summary came) keeps what the reader already typed or chose.
    search.value = kept.search;
    only.checked = kept.only;
    figureSelect.value = kept.figure;
    search.addEventListener('input', () => (kept.search = search.value));
    only.addEventListener('change', () => (kept.only = only.checked));
    figureSelect.addEventListener('change', () => (kept.figure = figureSelect.value));
    const tableSlot = h('div');
    const chartSlot = h('figure', { class: 'chart-box' });
    const drillButton = (d: DongSummary, f: HeadlineFigure, phase: 1 | 2) => {
      const value = phase === 1 ? d.figures[f].phase1 : d.figures[f].phase2;
      if (value === null) return h('span', {}, '–');
      const label = more.rowsBehind(`${d.dongName} ${t.phaseName(phase)} ${name(f)} ${fmt(f, value)}`);
      return h(
        'button',
        {
          type: 'button',
          class: 'cell-link',
          'aria-label': label,
          title: label,
          'data-phase': phase,
          'data-value': value,
          onclick: () => void openDrill(ctx, { name: 'phases', dong: d.dong, dongName: d.dongName, phase, figure: f, shown: value }),
        },
        fmt(f, value),
      );
    };

    const redraw = () => {
      const q = search.value.trim();
      const rows = dongs.filter((d) => (!q || d.dongName.includes(q) || districtName(d.district).includes(q)) && (!only.checked || needsSupport(d)));
      const columns = [
        { key: 'dongName', label: t.dong, value: (d: DongSummary) => d.dongName, render: (d: DongSummary) => h('span', {}, d.dongName, h('span', { class: 'muted' }, ` ${districtName(d.district)}`)) },
        ...headlineFigures.map((f) => ({
          key: f,
          label: name(f),
          title: definition(f),
          numeric: true,
          value: (d: DongSummary) => d.figures[f].phase2 ?? d.figures[f].phase1,
          render: (d: DongSummary) => {
            const fig = d.figures[f];
            const reasons = d.reasons[f] ?? [];
            const why = reasons.map((r) => (r === 'belowMedian' ? t.belowMedian : t.belowOwnPhase1)).join(', ');
            return h(
              'span',
              { class: reasons.length ? 'flag' : undefined, title: why || undefined },
              drillButton(d, f, 1),
              h('span', { 'aria-hidden': 'true' }, ' → '),
              drillButton(d, f, 2),
              h('br'),
              h('small', {}, fmtDelta(f, fig.delta)),
              reasons.length ? h('span', { class: 'visually-hidden' }, ` (${why})`) : null,
            );
          },
        })),
        {
          key: 'support',
          label: t.needsSupport,
          value: (d: DongSummary) => (needsSupport(d) ? 1 : 0),
          render: (d: DongSummary) => (needsSupport(d) ? h('fluent-badge', { appearance: 'tint', color: 'warning' }, t.needsSupport) : ''),
        },
      ];
      tableSlot.replaceChildren(dataTable({ caption: t.summaryDongs, t, rows, columns, initialSort: { key: 'dongName' } }));

      const f = figureSelect.value as HeadlineFigure;
      // A chart stays readable with up to 40 dongs: the first 40 of those listed (search narrows it).
      const chartRows = rows
        .filter((d) => d.figures[f].phase1 !== null || d.figures[f].phase2 !== null)
        .sort((a, b) => a.dongName.localeCompare(b.dongName, 'ko'))
        .slice(0, 40);
      chartSlot.replaceChildren(
        barChart({
          title: t.chartOf(name(f)),
          series: [t.phase1, t.phase2],
          items: chartRows.map((d) => ({ label: d.dongName, values: [d.figures[f].phase1, d.figures[f].phase2] })),
          format: (v) => fmt(f, v),
          reference: medians[f].phase2 !== null ? { value: medians[f].phase2, label: t.cityMedian } : undefined,
        }),
        h('figcaption', {}, t.chartOf(name(f)), rows.length > 40 ? ` (${more.dongsShown(40, rows.length)})` : ''),
      );
    };
    search.addEventListener('input', redraw);
    only.addEventListener('change', redraw);
    figureSelect.addEventListener('change', redraw);

    const dongSection = h(
      'section',
      { class: 'card', 'aria-labelledby': 'summary-dongs' },
      h('h2', { id: 'summary-dongs' }, t.summarySection),
      h('p', { class: 'muted' }, t.summaryNote),
      h(
        'div',
        { class: 'filters' },
        h('div', { class: 'field' }, h('label', { for: searchId }, t.searchDong), search),
        h('span', { class: 'check' }, only, h('label', { for: onlyId }, t.onlyNeedsSupport)),
      ),
      tableSlot,
      h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: figureId }, t.figure), figureSelect)),
      chartSlot,
    );
    redraw();
    const typing = document.activeElement instanceof HTMLInputElement && document.activeElement.type === 'search' && el.contains(document.activeElement);
    el.replaceChildren(headline, dongSection);
    if (typing) search.focus();
  };

  void load();
}
