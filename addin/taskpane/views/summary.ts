// 요약: which dongs may need support, and did phase 2 improve. Not a league table: the service names
// few dongs, each with its reason (which figure, which phase, against what), and says how many of how
// many; the pane shows its judgement and never makes one of its own (a failed request is an error).
// Data: GET /api/compare/summary (city and continuing rows per phase × cohort × headline figure, and
// one row per flag) and GET /api/compare/phases (each dong's headline figures per phase).
import { headlineFigures, type HeadlineFigure } from '../../../domain/metrics.ts';
import type { SummarySheetFigure, SummarySheetFlag } from '../../excel/insert.ts';
import { resultStringsFor } from '../i18n.ts';
import { slopeChart } from '../ui/chart.ts';
import { h, uid } from '../ui/dom.ts';
import { formatTime } from '../ui/format.ts';
import { dataTable } from '../ui/table.ts';
import type { ViewContext } from './context.ts';
import { openDrill } from './drill.ts';
import { insertButton } from './insert.ts';
import { chartDownloads } from '../ui/download.ts';
import { busy, keepingScroll, ownDongs, refreshSoon, districtNameMap, errorBar, formatOf, showChange, showFigure, type Row } from './results.ts';

interface PhaseFigure {
  phase1: number | null;
  phase2: number | null;
  delta: number | null;
}

/** One reason a dong may need support: a summary row of kind `dong` with a flag. */
export interface Flag {
  dong: string;
  dongName: string;
  district: string;
  phase: number;
  figure: HeadlineFigure;
  flag: 'low' | 'fell';
  value: number | null;
  median: number | null;
  previousValue: number | null;
  illustrative: boolean;
}

export interface DongFigures {
  dong: string;
  dongName: string;
  district: string;
  illustrative: boolean;
  figures: Record<HeadlineFigure, PhaseFigure>;
  flags: Flag[];
}

/** Flagged dongs listed at first, and added by each 더 보기. */
const flagPage = 20;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const isHeadline = (f: unknown): f is HeadlineFigure => (headlineFigures as readonly unknown[]).includes(f);

/** The flags the service gives (kind dong, flag low or fell), in the order of dong name, phase, figure. */
export function flagsOf(summary: Row[]): Flag[] {
  return summary
    .filter((r) => r.kind === 'dong' && (r.flag === 'low' || r.flag === 'fell') && typeof r.dong === 'string' && isHeadline(r.figure) && typeof r.phase === 'number')
    .map((r) => ({
      dong: r.dong as string,
      dongName: String(r.dongName ?? r.dong),
      district: String(r.district ?? ''),
      phase: r.phase as number,
      figure: r.figure as HeadlineFigure,
      flag: r.flag as 'low' | 'fell',
      value: num(r.value),
      median: num(r.median),
      previousValue: num(r.previousValue),
      illustrative: r.illustrative === true,
    }))
    .sort((a, b) => a.dongName.localeCompare(b.dongName, 'ko') || a.phase - b.phase || headlineFigures.indexOf(a.figure) - headlineFigures.indexOf(b.figure));
}

/** Each dong's headline figures per phase (the flat columns of `phases`: completionRatePhase1 …), with its flags. */
export function dongFigures(phaseRows: Row[], flags: Flag[]): DongFigures[] {
  return phaseRows.map((row) => {
    const dong = String(row.dong ?? '');
    const figures = Object.fromEntries(
      headlineFigures.map((f) => {
        const phase1 = num(row[`${f}Phase1`]);
        const phase2 = num(row[`${f}Phase2`]);
        return [f, { phase1, phase2, delta: num(row[`${f}Delta`]) }];
      }),
    ) as Record<HeadlineFigure, PhaseFigure>;
    return { dong, dongName: String(row.dongName ?? dong), district: String(row.district ?? ''), illustrative: row.illustrative === true, figures, flags: flags.filter((f) => f.dong === dong) };
  });
}

/** The group rows (kind city or continuing) of one figure, phase and cohort (null: all dongs). */
function groupRow(summary: Row[], kind: 'city' | 'continuing', figure: string, phase: number, cohort: number | null, versus?: number): Row | undefined {
  return summary.find(
    (r) => r.kind === kind && r.figure === figure && r.phase === phase && (r.cohort ?? null) === cohort && (versus === undefined || r.versus === versus),
  );
}

export function mountSummaryView(el: HTMLElement, ctx: ViewContext): (() => void) | undefined {
  const { t, locale } = ctx;
  const more = resultStringsFor(t);
  const name = (f: string) => ctx.meta.metrics?.[f]?.[locale] ?? f;
  const definition = (f: string) => ctx.meta.metrics?.[f]?.definition?.[locale];
  // The city's own phase names are Korean; in English the pane names them itself.
  const phaseName = (p: number) => (locale === 'ko' ? ctx.meta.phases.find((x) => x.phase === p)?.name : undefined) ?? t.phaseName(p);
  const districtNames = districtNameMap(ctx);
  const districtName = (code: string) => districtNames.get(code) ?? code;
  const badge = () => h('span', { class: 'badge-illustrative', title: t.illustrativeNote, 'data-testid': 'illustrative' }, t.illustrative);
  const kept = { search: '', only: false, figure: headlineFigures[0] as string };

  /** `quietly`: a refresh after a change elsewhere, drawn over what is shown without a spinner, scroll kept. */
  const load = async (quietly = false) => {
    if (!quietly) {
      el.replaceChildren(busy(ctx));
      el.dataset.state = 'loading';
    }
    try {
      const [summary, phases] = await Promise.all([ctx.api.compare('summary'), ctx.api.compare('phases')]);
      keepingScroll(() => draw(summary.rows, phases.rows, new Date()));
      el.dataset.state = 'complete';
    } catch (error) {
      // A failed refresh leaves the figures shown; the next change tries again.
      if (quietly && el.dataset.state === 'complete') return;
      el.dataset.state = 'error';
      el.replaceChildren(errorBar(error, ctx, () => void load()));
    }
  };

  // A dong official sees its own dong against its group, a district official its district's dongs: never other dongs' flags.
  const own = ownDongs(ctx);
  const mine = (dong: string) => own === undefined || own.has(dong);

  const draw = (summaryRows: Row[], phaseRows: Row[], asOf: Date) => {
    const flags = flagsOf(summaryRows).filter((f) => mine(f.dong));
    // Dongs that joined later, or have not synced yet, have no figure to show: they are left out.
    const dongs = dongFigures(phaseRows.filter((r) => mine(String(r.dong ?? ''))), flags).filter((d) =>
      headlineFigures.some((f) => d.figures[f].phase1 !== null || d.figures[f].phase2 !== null),
    );
    const flaggedDongs = new Set(flags.map((f) => f.dong));
    // The figures the service marks as resting on illustrative data (e.g. turnout over illustrative
    // populations): a dong's value of one is marked where the dong's own row is.
    const illustrativeFigures = new Set(summaryRows.filter((r) => r.illustrative === true && isHeadline(r.figure)).map((r) => r.figure as HeadlineFigure));
    const phases = [...new Set(summaryRows.filter((r) => r.kind === 'city' && typeof r.phase === 'number').map((r) => r.phase as number))].sort((a, b) => a - b);

    // 지원 검토 N곳 / M개 동, as of when the answer came, and each flag a chip naming its figure and phase.
    const chip = (f: Flag) => {
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
          title: more.rowsBehind(`${f.dongName} ${label}${value}${rest}`),
          onclick: () => f.value !== null && void openDrill(ctx, { name: 'summary', dong: f.dong, dongName: f.dongName, phase: f.phase, figure: f.figure, shown: f.value }),
        },
        label,
        h('span', { class: 'flag-value' }, value),
        rest,
        f.illustrative ? badge() : null,
      );
    };
    const byDong = new Map<string, Flag[]>();
    for (const f of flags) byDong.set(f.dong, [...(byDong.get(f.dong) ?? []), f]);
    const dongItem = (list: Flag[]) =>
      h(
        'li',
        { 'data-dong': list[0]!.dong },
        h('strong', {}, list[0]!.dongName),
        h('span', { class: 'muted' }, ` ${districtName(list[0]!.district)}`),
        h('div', { class: 'chips' }, ...list.map(chip)),
      );
    // A city of thousands of dongs may flag hundreds: the list grows a page at a time.
    const flagList = h('ul', { class: 'flag-list', 'aria-label': t.flaggedDongs });
    const flagged = [...byDong.values()];
    const moreFlags = h('button', { type: 'button', class: 'more' });
    const showFlags = (count: number) => {
      flagList.append(...flagged.slice(flagList.childElementCount, count).map(dongItem));
      const left = flagged.length - flagList.childElementCount;
      moreFlags.hidden = left <= 0;
      moreFlags.textContent = t.moreDongs(Math.min(left, flagPage), left);
    };
    moreFlags.addEventListener('click', () => showFlags(flagList.childElementCount + flagPage));
    showFlags(flagPage);
    const review = h(
      'section',
      { class: 'card', 'aria-labelledby': 'summary-review' },
      h('h2', { id: 'summary-review', 'data-testid': 'review-count' }, t.reviewCount(byDong.size, dongs.length)),
      h('p', { class: 'as-of muted', 'data-testid': 'as-of' }, t.asOf(formatTime(asOf))),
      h('p', { class: 'muted' }, t.summaryNote),
      byDong.size ? flagList : h('p', {}, t.noFlags),
      moreFlags,
    );

    // The headline figures per phase: value, median, quartiles and dongs, by cohort where a phase has
    // more than one; then the same dongs in both phases (continuing), like for like.
    const headlineData: SummarySheetFigure[] = [];
    const figureBlock = (f: HeadlineFigure) => {
      const show = (v: unknown) => showFigure(v, f, ctx);
      const lines: HTMLElement[] = [];
      for (const p of phases) {
        const cohorts = [...new Set(summaryRows.filter((r) => r.kind === 'city' && r.figure === f && r.phase === p && typeof r.cohort === 'number').map((r) => r.cohort as number))].sort((a, b) => a - b);
        for (const c of cohorts.length > 1 ? [null, ...cohorts] : [null]) {
          const r = groupRow(summaryRows, 'city', f, p, c);
          if (!r) continue;
          const label = c === null ? phaseName(p) : `${phaseName(p)} · ${t.cohortName(c)}`;
          lines.push(
            h(
              'tr',
              { 'data-phase': p, 'data-cohort': c ?? '', 'data-value': num(r.value) ?? '' },
              h('th', { scope: 'row' }, label),
              h('td', { class: 'num' }, show(r.value), r.illustrative === true ? badge() : null),
              h('td', { class: 'num' }, show(r.median)),
              h('td', { class: 'num' }, num(r.q1) === null ? '–' : `${show(r.q1)}–${show(r.q3)}`),
              h('td', { class: 'num' }, t.dongCount(num(r.dongsWithData) ?? 0)),
            ),
          );
        }
      }
      // Like for like: each pair of consecutive phases, over the dongs with the figure in both.
      const continuing: HTMLElement[] = [];
      let sheetContinuing: SummarySheetFigure['continuing'] = { dongs: null, values: phases.map(() => null) };
      for (let i = 0; i + 1 < phases.length; i++) {
        const [a, b] = [phases[i]!, phases[i + 1]!];
        const cohorts = [...new Set(summaryRows.filter((r) => r.kind === 'continuing' && r.figure === f && r.phase === a && typeof r.cohort === 'number').map((r) => r.cohort as number))].sort((x, y) => x - y);
        for (const c of cohorts.length > 1 ? [null, ...cohorts] : [null]) {
          const from = groupRow(summaryRows, 'continuing', f, a, c, b);
          const to = groupRow(summaryRows, 'continuing', f, b, c, a);
          if (!from || !to) continue;
          const n = num(from.dongsWithData) ?? 0;
          const v1 = num(from.value);
          const v2 = num(to.value);
          if (c === null && i === 0) sheetContinuing = { dongs: n, values: phases.map((p) => (p === a ? v1 : p === b ? v2 : null)) };
          const who = c === null ? '' : `${t.cohortName(c)} · `;
          continuing.push(
            h(
              'p',
              { class: 'continuing', 'data-testid': 'continuing', 'data-cohort': c ?? '' },
              who,
              t.continuing(n, name(f), show(v1), show(v2)),
              v1 !== null && v2 !== null ? h('span', { class: 'muted' }, ` (${showChange(v2 - v1, f, ctx)})`) : null,
              from.illustrative === true || to.illustrative === true ? badge() : null,
            ),
          );
        }
      }
      headlineData.push({
        figure: f,
        label: name(f),
        kind: formatOf(f, ctx).kind,
        values: phases.map((p) => {
          const r = groupRow(summaryRows, 'city', f, p, null);
          return { phase: p, phaseName: phaseName(p), value: num(r?.value), median: num(r?.median) };
        }),
        continuing: sheetContinuing,
      });
      const captionId = uid('figure');
      return h(
        'div',
        { class: 'figure-block', 'data-figure': f },
        h('h3', { id: captionId }, name(f)),
        definition(f) ? h('p', { class: 'definition muted' }, definition(f)!) : null,
        h(
          'div',
          { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': captionId },
          h(
            'table',
            { class: 'group-table', 'aria-labelledby': captionId },
            h('thead', {}, h('tr', {}, ...[t.groupLabel, t.value, t.median, t.quartiles, t.dongsWithData].map((label) => h('th', { scope: 'col' }, label)))),
            h('tbody', {}, ...lines),
          ),
        ),
        phases.length > 1 ? h('h4', {}, t.phaseChange(phaseName(phases[0]!), phaseName(phases[1]!))) : null,
        ...(continuing.length || phases.length < 2 ? continuing : [h('p', { class: 'muted' }, t.noContinuing)]),
      );
    };
    const blocks = headlineFigures.map(figureBlock);
    const flagData: SummarySheetFlag[] = flags.map((f) => ({
      district: districtName(f.district),
      dongName: f.dongName,
      figure: name(f.figure),
      phaseName: phaseName(f.phase),
      reason: f.flag === 'low' ? `${t.flagLow} (${t.median})` : `${t.flagFell} (${t.previousPhase})`,
      value: f.value,
      against: f.flag === 'low' ? f.median : f.previousValue,
      kind: formatOf(f.figure, ctx).kind,
    }));
    const headline = h(
      'section',
      { class: 'card', 'aria-labelledby': 'summary-headline' },
      h('h2', { id: 'summary-headline' }, t.summaryHeadline),
      h('div', { class: 'headline' }, ...blocks),
      insertButton(ctx, more.insertSummarySheet, async () => {
        const { insertSummarySheet } = await import('../../excel/insert.ts');
        const sheet = await insertSummarySheet(
          {
            title: `${t.appTitle} — ${t.tabSummary}`,
            subtitle: `${t.reviewCount(byDong.size, dongs.length)} · ${t.asOf(formatTime(asOf))}`,
            figures: headlineData,
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
          dongs.map((d) => ({ district: districtName(d.district), dongName: d.dongName, figures: d.figures })),
        );
        return more.insertedSummary(sheet);
      }),
    );

    // Every dong's figures, phase 1 → phase 2: searchable, pageable; a flagged value is the only one coloured.
    const searchId = uid('search');
    const onlyId = uid('only');
    const figureId = uid('figure');
    const search = h('input', { id: searchId, type: 'search', autocomplete: 'off' });
    const only = h('input', { id: onlyId, type: 'checkbox' });
    const figureSelect = h('select', { id: figureId }, ...headlineFigures.map((f) => h('option', { value: f }, name(f))));
    search.value = kept.search;
    only.checked = kept.only;
    figureSelect.value = kept.figure;
    search.addEventListener('input', () => (kept.search = search.value));
    only.addEventListener('change', () => (kept.only = only.checked));
    figureSelect.addEventListener('change', () => (kept.figure = figureSelect.value));
    const tableSlot = h('div');
    const chartSlot = h('figure', { class: 'chart-box' });
    const flagWord = (f: Flag) => (f.flag === 'low' ? `${t.flagLow}: ${t.flagLowText(showFigure(f.value, f.figure, ctx), showFigure(f.median, f.figure, ctx))}` : `${t.flagFell}: ${t.flagFellText(showFigure(f.value, f.figure, ctx), showFigure(f.previousValue, f.figure, ctx))}`);
    const valueButton = (d: DongFigures, f: HeadlineFigure, phase: 1 | 2) => {
      const value = phase === 1 ? d.figures[f].phase1 : d.figures[f].phase2;
      if (value === null) return h('span', {}, '–');
      const flagged = d.flags.filter((x) => x.figure === f && x.phase === phase);
      const label = more.rowsBehind(`${d.dongName} ${phaseName(phase)} ${name(f)} ${showFigure(value, f, ctx)}`);
      return h(
        'button',
        {
          type: 'button',
          class: flagged.length ? 'cell-link flag' : 'cell-link',
          'aria-label': label,
          title: flagged.length ? flagged.map(flagWord).join(', ') : label,
          'data-phase': phase,
          'data-value': value,
          onclick: () => void openDrill(ctx, { name: 'phases', dong: d.dong, dongName: d.dongName, phase, figure: f, shown: value }),
        },
        showFigure(value, f, ctx),
        flagged.length ? h('span', { class: 'visually-hidden' }, ` (${flagged.map(flagWord).join(', ')})`) : null,
      );
    };

    const redraw = () => {
      const q = search.value.trim();
      const rows = dongs.filter((d) => (!q || d.dongName.includes(q) || districtName(d.district).includes(q)) && (!only.checked || flaggedDongs.has(d.dong)));
      const columns = [
        {
          key: 'dongName',
          label: t.dong,
          value: (d: DongFigures) => d.dongName,
          render: (d: DongFigures) => h('span', {}, d.dongName, h('span', { class: 'muted' }, ` ${districtName(d.district)}`)),
        },
        ...headlineFigures.map((f) => ({
          key: f,
          label: name(f),
          title: definition(f),
          numeric: true,
          value: (d: DongFigures) => d.figures[f].phase2 ?? d.figures[f].phase1,
          render: (d: DongFigures) =>
            h(
              'span',
              {},
              valueButton(d, f, 1),
              h('span', { 'aria-hidden': 'true' }, ' → '),
              valueButton(d, f, 2),
              d.illustrative && illustrativeFigures.has(f) ? badge() : null,
              h('br'),
              h('small', {}, showChange(d.figures[f].delta, f, ctx)),
            ),
        })),
        {
          key: 'support',
          label: t.needsSupport,
          value: (d: DongFigures) => d.flags.length,
          render: (d: DongFigures) => (d.flags.length ? h('span', { class: 'badge-review' }, t.needsSupport) : ''),
        },
      ];
      tableSlot.replaceChildren(dataTable({ caption: t.summaryDongs, t, rows, columns, initialSort: { key: 'dongName' } }));

      // One figure at a time, in its own unit. A chart stays readable with up to 40 dongs.
      const f = figureSelect.value as HeadlineFigure;
      const chartRows = rows
        .filter((d) => d.figures[f].phase1 !== null || d.figures[f].phase2 !== null)
        .sort((a, b) => a.dongName.localeCompare(b.dongName, 'ko'))
        .slice(0, 40);
      chartSlot.replaceChildren(
        // Phase 1 → phase 2 as a dot chart: where each dong was, where it is, and which way it went.
        slopeChart({
          title: t.chartOf(name(f)),
          fromLabel: t.phase1,
          toLabel: t.phase2,
          items: chartRows.map((d) => ({ label: d.dongName, from: d.figures[f].phase1, to: d.figures[f].phase2 })),
          format: (v) => showFigure(v, f, ctx),
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
    redraw();
    el.replaceChildren(review, headline, dongSection);
  };

  void load();
  // Live: a change committed anywhere the token may see redraws the figures (filters and scroll kept).
  return ctx.live?.on(refreshSoon(() => load(true)));
}
