// 요약: which dongs may need support, and did phase 2 improve. Not a league table: the service names
// few dongs, each with its reason (which figure, which phase, against what), and says how many of how
// many; the pane shows its judgement and never makes one of its own (a failed request is an error).
// Data: GET /api/compare/summary (city and continuing rows per phase × cohort × headline figure, and
// one row per flag) and GET /api/compare/phases (each dong's headline figures per phase). What is
// shown is worked out in summary-model.ts; this file only draws it.
import { headlineFigures, type HeadlineFigure } from '../../../domain/metrics.ts';
import type { SummarySheetFigure, SummarySheetFlag } from '../../excel/insert.ts';
import { resultStringsFor } from '../i18n.ts';
import { slopeChart } from '../ui/chart.ts';
import { h, uid } from '../ui/dom.ts';
import { formatTime } from '../ui/format.ts';
import { dataTable, type Column } from '../ui/table.ts';
import type { ViewContext } from './context.ts';
import { openDrill } from './drill.ts';
import { insertButton } from './insert.ts';
import { chartDownloads } from '../ui/download.ts';
import { busy, keepingScroll, ownDongs, refreshSoon, districtNameMap, errorBar, formatOf, showChange, showFigure, type Row } from './results.ts';
import {
  chartDongs,
  chartLimit,
  cityLines,
  cityValues,
  continuingPairs,
  dongValue,
  filterDongs,
  flagPage,
  num,
  sheetContinuing,
  summaryModel,
  type DongFigures,
  type Flag,
  type SummaryModel,
} from './summary-model.ts';

/** The names the view writes, in the reader's language, and the illustrative badge. */
interface SummaryWords {
  ctx: ViewContext;
  name: (f: string) => string;
  definition: (f: string) => string | undefined;
  phaseName: (p: number) => string;
  districtName: (code: string) => string;
  badge: () => HTMLElement;
}

function summaryWords(ctx: ViewContext, city?: string): SummaryWords {
  const { t, locale } = ctx;
  const districtNames = districtNameMap(ctx);
  // Each city names its own phases: those of the city shown.
  const phases = ctx.meta.cities.find((c) => c.code === city)?.phases ?? ctx.meta.phases;
  return {
    ctx,
    name: (f) => ctx.meta.metrics[f]?.[locale] ?? f,
    definition: (f) => ctx.meta.metrics[f]?.definition?.[locale],
    // The city's own phase names are Korean; in English the pane names them itself.
    phaseName: (p) => (locale === 'ko' ? phases.find((x) => x.phase === p)?.name : undefined) ?? t.phaseName(p),
    districtName: (code) => districtNames.get(code) ?? code,
    badge: () => h('span', { class: 'badge-illustrative', title: t.illustrativeNote, 'data-testid': 'illustrative' }, t.illustrative),
  };
}

/** What the reader chose in the dongs' section, kept across refreshes. */
interface Kept {
  search: string;
  only: boolean;
  figure: string;
}

/**
 * A token of several cities reads one city's summary at a time (its groups, medians and flags are
 * that city's): a picker of the cities, the first chosen. Undefined for a token of one city.
 */
function cityPicker(ctx: ViewContext, onChange: (city: string) => void): HTMLSelectElement | undefined {
  const cities = ctx.meta.cities;
  if (cities.length < 2) return undefined;
  const select = h('select', { 'aria-label': ctx.t.compareCity }, ...cities.map((c) => h('option', { value: c.code }, c.name)));
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

export function mountSummaryView(el: HTMLElement, ctx: ViewContext): (() => void) | undefined {
  const picker = cityPicker(ctx, () => ((words = summaryWords(ctx, picker?.value)), void load()));
  let words = summaryWords(ctx, picker?.value);
  const kept: Kept = { search: '', only: false, figure: headlineFigures[0] as string };
  const top = picker ? h('div', { class: 'filters' }, h('label', {}, ctx.t.compareCity, ' ', picker)) : null;
  // A dong official sees its own dong against its group, a district official its district's dongs: never other dongs' flags.
  const own = ownDongs(ctx);
  const mine = (dong: string) => own === undefined || own.has(dong);

  /** `quietly`: a refresh after a change elsewhere, drawn over what is shown without a spinner, scroll kept. */
  const load = async (quietly = false) => {
    if (!quietly) {
      el.replaceChildren(...(top ? [top] : []), busy(ctx));
      el.dataset.state = 'loading';
    }
    try {
      const filters = picker ? { city: picker.value } : {};
      const [summary, phases] = await Promise.all([ctx.api.compare('summary', filters), ctx.api.compare('phases', filters)]);
      const model = summaryModel(summary.rows, phases.rows, mine);
      const asOf = new Date();
      const sections = [reviewSection(words, model, asOf), headlineSection(words, model, summary.rows, asOf), dongSection(words, model, kept)];
      keepingScroll(() => el.replaceChildren(...(top ? [top] : []), ...sections));
      el.dataset.state = 'complete';
    } catch (error) {
      // A failed refresh leaves the figures shown; the next change tries again.
      if (quietly && el.dataset.state === 'complete') return;
      el.dataset.state = 'error';
      el.replaceChildren(
        ...(top ? [top] : []),
        errorBar(error, ctx, () => void load()),
      );
    }
  };

  void load();
  // Live: a change committed anywhere the token may see redraws the figures (filters and scroll kept).
  return ctx.live?.on(refreshSoon(() => load(true)));
}

/** A flag as a chip naming its figure and phase; it opens the rows behind the value. */
function flagChip(words: SummaryWords, f: Flag): HTMLElement {
  const { ctx, name, phaseName } = words;
  const { t } = ctx;
  const value = showFigure(f.value, f.figure, ctx);
  const rest = f.flag === 'low' ? t.flagLowText('', showFigure(f.median, f.figure, ctx)) : t.flagFellText('', showFigure(f.previousValue, f.figure, ctx));
  const label = `${name(f.figure)} · ${phaseName(f.phase)} · ${f.flag === 'low' ? t.flagLow : t.flagFell}: `;
  return h(
    'button',
    {
      type: 'button',
      class: 'chip',
      'data-testid': 'flag-chip',
      'data-figure': f.figure,
      'data-phase': f.phase,
      'data-flag': f.flag,
      'data-value': f.value ?? '',
      title: resultStringsFor(t).rowsBehind(`${f.dongName} ${label}${value}${rest}`),
      onclick: () => f.value !== null && void openDrill(ctx, { name: 'summary', dong: f.dong, dongName: f.dongName, phase: f.phase, figure: f.figure, shown: f.value }),
    },
    label,
    h('span', { class: 'flag-value' }, value),
    rest,
    f.illustrative ? words.badge() : null,
  );
}

/** 지원 검토 N곳 / M개 동, as of when the answer came, and each flagged dong with its chips. */
function reviewSection(words: SummaryWords, model: SummaryModel, asOf: Date): HTMLElement {
  const { t } = words.ctx;
  const flagged = model.flaggedGroups;
  const dongItem = (list: Flag[]) =>
    h(
      'li',
      { 'data-dong': list[0]!.dong },
      h('strong', {}, list[0]!.dongName),
      h('span', { class: 'muted' }, ` ${words.districtName(list[0]!.district)}`),
      h('div', { class: 'chips' }, ...list.map((f) => flagChip(words, f))),
    );
  // A city of thousands of dongs may flag hundreds: the list grows a page at a time.
  const flagList = h('ul', { class: 'flag-list', 'aria-label': t.flaggedDongs });
  const moreFlags = h('button', { type: 'button', class: 'more' });
  const showFlags = (count: number) => {
    flagList.append(...flagged.slice(flagList.childElementCount, count).map(dongItem));
    const left = flagged.length - flagList.childElementCount;
    moreFlags.hidden = left <= 0;
    moreFlags.textContent = t.moreDongs(Math.min(left, flagPage), left);
  };
  moreFlags.addEventListener('click', () => showFlags(flagList.childElementCount + flagPage));
  showFlags(flagPage);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'summary-review' },
    h('h2', { id: 'summary-review', 'data-testid': 'review-count' }, t.reviewCount(flagged.length, model.dongs.length)),
    h('p', { class: 'as-of muted', 'data-testid': 'as-of' }, t.asOf(formatTime(asOf))),
    h('p', { class: 'muted' }, t.summaryNote),
    flagged.length ? flagList : h('p', {}, t.noFlags),
    moreFlags,
  );
}

/** A headline figure's group rows per phase (value, median, quartiles, dongs), by cohort where a phase has more than one. */
function groupTable(words: SummaryWords, summaryRows: Row[], f: HeadlineFigure, phases: number[], captionId: string): HTMLElement {
  const { ctx, phaseName } = words;
  const { t } = ctx;
  const show = (v: unknown) => showFigure(v, f, ctx);
  const lines = cityLines(summaryRows, f, phases).map(({ phase, cohort, row: r }) =>
    h(
      'tr',
      { 'data-phase': phase, 'data-cohort': cohort ?? '', 'data-value': num(r.value) ?? '' },
      h('th', { scope: 'row' }, cohort === null ? phaseName(phase) : `${phaseName(phase)} · ${t.cohortName(cohort)}`),
      h('td', { class: 'num' }, show(r.value), r.illustrative === true ? words.badge() : null),
      h('td', { class: 'num' }, show(r.median)),
      h('td', { class: 'num' }, num(r.q1) === null ? '–' : `${show(r.q1)}–${show(r.q3)}`),
      h('td', { class: 'num' }, t.dongCount(num(r.dongsWithData) ?? 0)),
    ),
  );
  return h(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': captionId },
    h(
      'table',
      { class: 'group-table', 'aria-labelledby': captionId },
      h('thead', {}, h('tr', {}, ...[t.groupLabel, t.value, t.median, t.quartiles, t.dongsWithData].map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, ...lines),
    ),
  );
}

/** One headline figure: its group table, then the same dongs in both phases (continuing), like for like. */
function figureBlock(words: SummaryWords, summaryRows: Row[], f: HeadlineFigure, phases: number[]): { block: HTMLElement; sheet: SummarySheetFigure } {
  const { ctx, name, phaseName } = words;
  const { t } = ctx;
  const show = (v: unknown) => showFigure(v, f, ctx);
  const pairs = continuingPairs(summaryRows, f, phases);
  const continuing = pairs.map((p) =>
    h(
      'p',
      { class: 'continuing', 'data-testid': 'continuing', 'data-cohort': p.cohort ?? '' },
      p.cohort === null ? '' : `${t.cohortName(p.cohort)} · `,
      t.continuing(p.dongs, name(f), show(p.fromValue), show(p.toValue)),
      p.fromValue !== null && p.toValue !== null ? h('span', { class: 'muted' }, ` (${showChange(p.toValue - p.fromValue, f, ctx)})`) : null,
      p.illustrative ? words.badge() : null,
    ),
  );
  const sheet: SummarySheetFigure = {
    figure: f,
    label: name(f),
    kind: formatOf(f, ctx).kind,
    values: cityValues(summaryRows, f, phases).map((v) => ({ ...v, phaseName: phaseName(v.phase) })),
    continuing: sheetContinuing(pairs, phases),
  };
  const captionId = uid('figure');
  const block = h(
    'div',
    { class: 'figure-block', 'data-figure': f },
    h('h3', { id: captionId }, name(f)),
    words.definition(f) ? h('p', { class: 'definition muted' }, words.definition(f)!) : null,
    groupTable(words, summaryRows, f, phases, captionId),
    phases.length > 1 ? h('h4', {}, t.phaseChange(phaseName(phases[0]!), phaseName(phases[1]!))) : null,
    ...(continuing.length || phases.length < 2 ? continuing : [h('p', { class: 'muted' }, t.noContinuing)]),
  );
  return { block, sheet };
}

/** The headline figures per phase, and the button that writes them (and the flags) into a summary sheet. */
function headlineSection(words: SummaryWords, model: SummaryModel, summaryRows: Row[], asOf: Date): HTMLElement {
  const { ctx, name, phaseName, districtName } = words;
  const { t } = ctx;
  const blocks = headlineFigures.map((f) => figureBlock(words, summaryRows, f, model.phases));
  const flagData: SummarySheetFlag[] = model.flags.map((f) => ({
    district: districtName(f.district),
    dongName: f.dongName,
    figure: name(f.figure),
    phaseName: phaseName(f.phase),
    reason: f.flag === 'low' ? `${t.flagLow} (${t.median})` : `${t.flagFell} (${t.previousPhase})`,
    value: f.value,
    against: f.flag === 'low' ? f.median : f.previousValue,
    kind: formatOf(f.figure, ctx).kind,
  }));
  const more = resultStringsFor(t);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'summary-headline' },
    h('h2', { id: 'summary-headline' }, t.summaryHeadline),
    h('div', { class: 'headline' }, ...blocks.map((b) => b.block)),
    insertButton(ctx, more.insertSummarySheet, async () => {
      const { insertSummarySheet } = await import('../../excel/insert.ts');
      const sheet = await insertSummarySheet(
        {
          title: `${t.appTitle} — ${t.tabSummary}`,
          subtitle: `${t.reviewCount(model.flaggedGroups.length, model.dongs.length)} · ${t.asOf(formatTime(asOf))}`,
          figures: blocks.map((b) => b.sheet),
          flags: flagData,
          labels: {
            figure: t.figure,
            value: t.value,
            median: t.median,
            continuing: t.continuingShort,
            continuingDongs: `${t.continuingShort} ${t.dongsWithData}`,
            district: t.district,
            dong: t.dong,
            phase: t.comparePhase,
            reason: t.needsSupport,
            against: t.against,
            change: t.change,
          },
        },
        model.dongs.map((d) => ({ district: districtName(d.district), dongName: d.dongName, figures: d.figures })),
      );
      return more.insertedSummary(sheet);
    }),
  );
}

/** A dong's value in one phase as a button to the rows behind it; a flagged value is the only one coloured. */
function valueButton(words: SummaryWords, d: DongFigures, f: HeadlineFigure, phase: 1 | 2): HTMLElement {
  const { ctx, name, phaseName } = words;
  const { t } = ctx;
  const { value, flags } = dongValue(d, f, phase);
  if (value === null) return h('span', {}, '–');
  const flagWord = (x: Flag) =>
    x.flag === 'low'
      ? `${t.flagLow}: ${t.flagLowText(showFigure(x.value, x.figure, ctx), showFigure(x.median, x.figure, ctx))}`
      : `${t.flagFell}: ${t.flagFellText(showFigure(x.value, x.figure, ctx), showFigure(x.previousValue, x.figure, ctx))}`;
  const label = resultStringsFor(t).rowsBehind(`${d.dongName} ${phaseName(phase)} ${name(f)} ${showFigure(value, f, ctx)}`);
  return h(
    'button',
    {
      type: 'button',
      class: flags.length ? 'cell-link flag' : 'cell-link',
      'aria-label': label,
      title: flags.length ? flags.map(flagWord).join(', ') : label,
      'data-phase': phase,
      'data-value': value,
      onclick: () => void openDrill(ctx, { name: 'phases', dong: d.dong, dongName: d.dongName, phase, figure: f, shown: value }),
    },
    showFigure(value, f, ctx),
    flags.length ? h('span', { class: 'visually-hidden' }, ` (${flags.map(flagWord).join(', ')})`) : null,
  );
}

/** The dongs' table: name, each headline figure phase 1 → phase 2 with its change, and whether the service flagged it. */
function dongColumns(words: SummaryWords, model: SummaryModel): Column<DongFigures>[] {
  const { ctx, name, districtName } = words;
  const { t } = ctx;
  return [
    {
      key: 'dongName',
      label: t.dong,
      value: (d) => d.dongName,
      render: (d) => h('span', {}, d.dongName, h('span', { class: 'muted' }, ` ${districtName(d.district)}`)),
    },
    ...headlineFigures.map((f) => ({
      key: f,
      label: name(f),
      title: words.definition(f),
      numeric: true,
      value: (d: DongFigures) => d.figures[f].phase2 ?? d.figures[f].phase1,
      render: (d: DongFigures) =>
        h(
          'span',
          {},
          valueButton(words, d, f, 1),
          h('span', { 'aria-hidden': 'true' }, ' → '),
          valueButton(words, d, f, 2),
          d.illustrative && model.illustrativeFigures.has(f) ? words.badge() : null,
          h('br'),
          h('small', {}, showChange(d.figures[f].delta, f, ctx)),
        ),
    })),
    {
      key: 'support',
      label: t.needsSupport,
      value: (d) => d.flags.length,
      render: (d) => (d.flags.length ? h('span', { class: 'badge-review' }, t.needsSupport) : ''),
    },
  ];
}

/** Phase 1 → phase 2 of one figure as a dot chart: where each dong was, where it is, and which way it went. */
function dongChart(words: SummaryWords, rows: DongFigures[], f: HeadlineFigure): Node[] {
  const { ctx, name } = words;
  const { t } = ctx;
  return [
    slopeChart({
      title: t.chartOf(name(f)),
      fromLabel: t.phase1,
      toLabel: t.phase2,
      items: chartDongs(rows, f).map((d) => ({ label: d.dongName, from: d.figures[f].phase1, to: d.figures[f].phase2 })),
      format: (v) => showFigure(v, f, ctx),
    }),
    h('figcaption', {}, t.chartOf(name(f)), rows.length > chartLimit ? ` (${resultStringsFor(t).dongsShown(chartLimit, rows.length)})` : ''),
  ];
}

/** Every dong's figures, phase 1 → phase 2: searchable, pageable, one figure charted at a time. */
function dongSection(words: SummaryWords, model: SummaryModel, kept: Kept): HTMLElement {
  const { ctx, name } = words;
  const { t } = ctx;
  const [searchId, onlyId, figureId] = [uid('search'), uid('only'), uid('figure')];
  const search = h('input', { id: searchId, type: 'search', autocomplete: 'off' });
  const only = h('input', { id: onlyId, type: 'checkbox' });
  const figureSelect = h('select', { id: figureId }, ...headlineFigures.map((f) => h('option', { value: f }, name(f))));
  search.value = kept.search;
  only.checked = kept.only;
  figureSelect.value = kept.figure;
  const tableSlot = h('div');
  const chartSlot = h('figure', { class: 'chart-box' });
  const columns = dongColumns(words, model);
  const redraw = () => {
    const rows = filterDongs(model, search.value, only.checked, words.districtName);
    tableSlot.replaceChildren(dataTable({ caption: t.summaryDongs, t, rows, columns, initialSort: { key: 'dongName' } }));
    chartSlot.replaceChildren(...dongChart(words, rows, figureSelect.value as HeadlineFigure));
  };
  search.addEventListener('input', () => ((kept.search = search.value), redraw()));
  only.addEventListener('change', () => ((kept.only = only.checked), redraw()));
  figureSelect.addEventListener('change', () => ((kept.figure = figureSelect.value), redraw()));
  redraw();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'summary-dongs' },
    h('h2', { id: 'summary-dongs' }, t.summarySection),
    h(
      'div',
      { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: searchId }, t.searchDong), search),
      h('span', { class: 'check' }, only, h('label', { for: onlyId }, t.onlyNeedsSupport)),
    ),
    tableSlot,
    h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: figureId }, t.figure), figureSelect)),
    chartSlot,
    chartDownloads(t.summarySection, () => chartSlot.querySelector('svg'), { png: t.downloadPng, svg: t.downloadSvg, group: `${t.downloads}: ${t.downloadPng}, ${t.downloadSvg}` }),
  );
}
