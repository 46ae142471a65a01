// What the 요약 view shows, apart from the DOM: the service's flags and group rows read into the
// pane's shapes, which group rows a figure's table lists, the like-for-like pairs of phases, the
// dongs a search keeps and the dongs a chart draws. It judges nothing itself: every value and flag is
// the service's (GET /api/compare/summary and /api/compare/phases). Pure: unit-tested without a DOM
// (test/addin/summary-model.test.ts).
import { headlineFigures, type HeadlineFigure } from '../../../domain/metrics.ts';

type Row = Record<string, unknown>;

export interface PhaseFigure {
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
export const flagPage = 20;
/** A chart stays readable with up to 40 dongs. */
export const chartLimit = 40;

export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const isHeadline = (f: unknown): f is HeadlineFigure => (headlineFigures as readonly unknown[]).includes(f);

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
    return {
      dong,
      dongName: String(row.dongName ?? dong),
      district: String(row.district ?? ''),
      illustrative: row.illustrative === true,
      figures,
      flags: flags.filter((f) => f.dong === dong),
    };
  });
}

/** The group row (kind city or continuing) of one figure, phase and cohort (null: all dongs). */
export function groupRow(summary: Row[], kind: 'city' | 'continuing', figure: string, phase: number, cohort: number | null, versus?: number): Row | undefined {
  return summary.find((r) => r.kind === kind && r.figure === figure && r.phase === phase && (r.cohort ?? null) === cohort && (versus === undefined || r.versus === versus));
}

/** Everything the view draws from one answer of the service, for the dongs the reader may see. */
export interface SummaryModel {
  flags: Flag[];
  /** The dongs with a figure in some phase (a dong that joined later or has not synced is left out). */
  dongs: DongFigures[];
  /** Each flagged dong's flags, in the order of `flags`. */
  flaggedGroups: Flag[][];
  flaggedDongs: Set<string>;
  /** The figures the service marks as resting on illustrative data (e.g. turnout over illustrative populations). */
  illustrativeFigures: Set<HeadlineFigure>;
  /** The phases the city rows answer for, in order. */
  phases: number[];
}

/** `mine`: whether the reader may see a dong (a dong official its own, a district official its district's). */
export function summaryModel(summaryRows: Row[], phaseRows: Row[], mine: (dong: string) => boolean = () => true): SummaryModel {
  const flags = flagsOf(summaryRows).filter((f) => mine(f.dong));
  const dongs = dongFigures(
    phaseRows.filter((r) => mine(String(r.dong ?? ''))),
    flags,
  ).filter((d) => headlineFigures.some((f) => d.figures[f].phase1 !== null || d.figures[f].phase2 !== null));
  const byDong = new Map<string, Flag[]>();
  for (const f of flags) byDong.set(f.dong, [...(byDong.get(f.dong) ?? []), f]);
  const illustrativeFigures = new Set(summaryRows.filter((r) => r.illustrative === true && isHeadline(r.figure)).map((r) => r.figure as HeadlineFigure));
  const phases = [...new Set(summaryRows.filter((r) => r.kind === 'city' && typeof r.phase === 'number').map((r) => r.phase as number))].sort((a, b) => a - b);
  return { flags, dongs, flaggedGroups: [...byDong.values()], flaggedDongs: new Set(byDong.keys()), illustrativeFigures, phases };
}

/** The cohorts of a figure's group rows in a phase; more than one: all dongs first, then each cohort. */
function groupsOf(summaryRows: Row[], kind: 'city' | 'continuing', figure: string, phase: number): (number | null)[] {
  const cohorts = [
    ...new Set(summaryRows.filter((r) => r.kind === kind && r.figure === figure && r.phase === phase && typeof r.cohort === 'number').map((r) => r.cohort as number)),
  ].sort((a, b) => a - b);
  return cohorts.length > 1 ? [null, ...cohorts] : [null];
}

/** The city rows a figure's table lists: per phase, all dongs, then each cohort where a phase has more than one. */
export function cityLines(summaryRows: Row[], figure: HeadlineFigure, phases: number[]): { phase: number; cohort: number | null; row: Row }[] {
  return phases.flatMap((phase) =>
    groupsOf(summaryRows, 'city', figure, phase).flatMap((cohort) => {
      const row = groupRow(summaryRows, 'city', figure, phase, cohort);
      return row ? [{ phase, cohort, row }] : [];
    }),
  );
}

/** The city's value and median of a figure per phase, over all dongs (null where the service gave none). */
export function cityValues(summaryRows: Row[], figure: HeadlineFigure, phases: number[]): { phase: number; value: number | null; median: number | null }[] {
  return phases.map((phase) => {
    const row = groupRow(summaryRows, 'city', figure, phase, null);
    return { phase, value: num(row?.value), median: num(row?.median) };
  });
}

/** Like for like: one pair of consecutive phases over the dongs with the figure in both. */
export interface ContinuingPair {
  from: number;
  to: number;
  cohort: number | null;
  dongs: number;
  fromValue: number | null;
  toValue: number | null;
  illustrative: boolean;
}

export function continuingPairs(summaryRows: Row[], figure: HeadlineFigure, phases: number[]): ContinuingPair[] {
  const pairs: ContinuingPair[] = [];
  for (let i = 0; i + 1 < phases.length; i++) {
    const [a, b] = [phases[i]!, phases[i + 1]!];
    for (const cohort of groupsOf(summaryRows, 'continuing', figure, a)) {
      const from = groupRow(summaryRows, 'continuing', figure, a, cohort, b);
      const to = groupRow(summaryRows, 'continuing', figure, b, cohort, a);
      if (!from || !to) continue;
      pairs.push({
        from: a,
        to: b,
        cohort,
        dongs: num(from.dongsWithData) ?? 0,
        fromValue: num(from.value),
        toValue: num(to.value),
        illustrative: from.illustrative === true || to.illustrative === true,
      });
    }
  }
  return pairs;
}

/** The summary sheet's like-for-like values: the first pair of phases over all dongs, in the order of `phases`. */
export function sheetContinuing(pairs: ContinuingPair[], phases: number[]): { dongs: number | null; values: (number | null)[] } {
  const first = pairs.find((p) => p.cohort === null && p.from === phases[0]);
  if (!first) return { dongs: null, values: phases.map(() => null) };
  return { dongs: first.dongs, values: phases.map((p) => (p === first.from ? first.fromValue : p === first.to ? first.toValue : null)) };
}

/** The dongs a search keeps: the query in the dong's or district's name; `onlyFlagged`: only dongs the service flagged. */
export function filterDongs(model: Pick<SummaryModel, 'dongs' | 'flaggedDongs'>, query: string, onlyFlagged: boolean, districtName: (code: string) => string): DongFigures[] {
  const q = query.trim();
  return model.dongs.filter((d) => (!q || d.dongName.includes(q) || districtName(d.district).includes(q)) && (!onlyFlagged || model.flaggedDongs.has(d.dong)));
}

/** The dongs a chart of one figure draws: those with a value in some phase, by name, at most `chartLimit`. */
export function chartDongs(dongs: DongFigures[], figure: HeadlineFigure): DongFigures[] {
  return dongs
    .filter((d) => d.figures[figure].phase1 !== null || d.figures[figure].phase2 !== null)
    .sort((a, b) => a.dongName.localeCompare(b.dongName, 'ko'))
    .slice(0, chartLimit);
}

/** A dong's value of a figure in phase 1 or 2, and the flags the service gave it there. */
export function dongValue(d: DongFigures, figure: HeadlineFigure, phase: 1 | 2): { value: number | null; flags: Flag[] } {
  return { value: phase === 1 ? d.figures[figure].phase1 : d.figures[figure].phase2, flags: d.flags.filter((x) => x.figure === figure && x.phase === phase) };
}
