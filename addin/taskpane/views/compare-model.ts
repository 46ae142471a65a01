// What the 비교 view shows, apart from the DOM: the filters' choices from /api/meta, the page of dongs
// a comparison of one row per dong is asked for, the columns of an answer, what can be charted and
// the chart's series. Pure: unit-tested without a DOM (test/addin/compare-model.test.ts).
import type { CompareName, MetaDong } from '../api.ts';

type Row = Record<string, unknown>;

export interface CompareFilterValues {
  /** A city's code, where the token sees several ('' for all). */
  city: string;
  phase: string;
  district: string;
  dong: string;
  cohort: string;
}

/** A comparison of one row per dong is asked for this many dongs at a time. */
export const dongsPerPage = 100;
/** A chart stays readable with up to 40 items. */
export const chartItemLimit = 40;

/** A dong's comparison group: its cohort (the phase it joined in). */
export const cohortOf = (d: MetaDong): number => d.cohort;

export function cohortsOf(dongs: readonly MetaDong[]): number[] {
  return [...new Set(dongs.map(cohortOf))].sort((a, b) => a - b);
}

/** The districts of the dongs, in the order of their names. */
export function districtsOf(dongs: readonly MetaDong[], nameOf: (code: string) => string): string[] {
  return [...new Set(dongs.map((d) => d.district))].sort((a, b) => nameOf(a).localeCompare(nameOf(b), 'ko'));
}

export interface DongPage {
  page: number;
  pages: number;
  total: number;
  /** 1-based, for 동 101–200 / 3,500. */
  from: number;
  to: number;
  codes: string[];
}

/**
 * A country has thousands of dongs: a comparison of one row per dong is fetched a page of dongs at a
 * time (the page's codes as the `dong` filter), never every row of the country at once. Undefined:
 * the comparison is asked for whole (the summary, governance, one dong, or few enough dongs).
 */
export function dongPage(dongs: readonly MetaDong[], name: CompareName, filters: Partial<CompareFilterValues>, page: number, perPage = dongsPerPage): DongPage | undefined {
  if (name === 'summary' || name === 'governance' || filters.dong) return undefined;
  const chosen = dongs
    .filter(
      (d) => (!filters.city || d.city === filters.city) && (!filters.district || d.district === filters.district) && (!filters.cohort || String(cohortOf(d)) === filters.cohort),
    )
    .sort((a, b) => a.name.localeCompare(b.name, 'ko') || a.code.localeCompare(b.code));
  if (chosen.length <= perPage) return undefined;
  const pages = Math.ceil(chosen.length / perPage);
  const at = Math.min(Math.max(0, page), pages - 1);
  return {
    page: at,
    pages,
    total: chosen.length,
    from: at * perPage + 1,
    to: Math.min(chosen.length, (at + 1) * perPage),
    codes: chosen.slice(at * perPage, (at + 1) * perPage).map((d) => d.code),
  };
}

/** The answer's columns, the dong's name first in place of its code (the code stays in the sheet and the drill-down). */
export function resultColumns(all: string[]): string[] {
  return all.includes('dongName') ? ['dongName', ...all.filter((c) => c !== 'dong' && c !== 'dongName')] : all;
}

/** What can be charted: a column of numbers in one unit, or one figure of a figure-valued column. */
export interface ChartChoice {
  key: string;
  field: string;
  figure?: string;
}

/**
 * `isFigureValued`: the column's unit is the row's figure (the summary's value, median …);
 * `isChartable`: the column's values are amounts, counts or rates (not text, dates or years).
 */
export function chartChoices(rows: Row[], columns: string[], isFigureValued: (column: string) => boolean, isChartable: (column: string) => boolean): ChartChoice[] {
  const choices: ChartChoice[] = [];
  for (const c of columns) {
    if (c === 'phase' || c === 'cohort' || c === 'rank' || !rows.some((r) => typeof r[c] === 'number')) continue;
    if (isFigureValued(c)) {
      const figures = [...new Set(rows.filter((r) => typeof r[c] === 'number' && typeof r.figure === 'string').map((r) => r.figure as string))];
      for (const f of figures) choices.push({ key: `${c}:${f}`, field: c, figure: f });
    } else if (isChartable(c)) choices.push({ key: c, field: c });
  }
  return choices;
}

/**
 * A chart's series: one per phase (or one when the rows have no phase), one item per label with its
 * value in each. Spending rows come per category too; the chart shows the all-categories line.
 */
export function chartSeries(
  rows: Row[],
  choice: ChartChoice,
  itemLabel: (row: Row) => string,
): { rows: Row[]; phases: (string | number)[]; items: { label: string; values: (number | null)[] }[] } {
  const chartRows = rows.filter((r) => (!('category' in r) || r.category === null) && (choice.figure === undefined || r.figure === choice.figure));
  const phases = [...new Set(chartRows.map((r) => r.phase).filter((p) => p !== undefined && p !== null))].sort() as (string | number)[];
  const byItem = new Map<string, (number | null)[]>();
  for (const r of chartRows) {
    const label = itemLabel(r);
    if (!byItem.has(label)) byItem.set(label, phases.length ? phases.map(() => null) : [null]);
    const i = phases.length ? phases.indexOf(r.phase as string | number) : 0;
    const v = r[choice.field];
    byItem.get(label)![i] = typeof v === 'number' ? v : null;
  }
  return { rows: chartRows, phases, items: [...byItem].slice(0, chartItemLimit).map(([label, values]) => ({ label, values })) };
}
