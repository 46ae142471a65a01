// Which rows a table owns. An official's sheet is theirs: a 2019 budget sheet holds 2019 lines, and a
// pull must not fill it with 2020 ones. A table's scope is the dongs, years and phases its rows held
// when it was adopted (or none: every row the token sees fits, as for a template inserted empty).
// Pure: the workflow (workflow.ts) keeps the scope with the table's binding and asks `fits` of each
// row the service offers.
import type { ReferenceIndex } from '../../domain/reference.ts';
import type { RowValues } from '../../domain/rules.ts';

/** Each list present limits the rows a table takes; an absent list does not. Dongs by code. */
export interface TableScope {
  dongs?: string[];
  years?: number[];
  phases?: number[];
}

/** The dong's code, whether the row names it by code or by name. */
function dongKey(value: unknown, ref: ReferenceIndex): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const dong = ref.resolveDong(value.trim());
  return dong && dong !== 'ambiguous' ? dong.code : value.trim();
}

/** A row's year: its fiscal year, or the year of its date (an event); undefined when it has neither. */
export function yearOf(values: RowValues): number | undefined {
  if (typeof values.fiscalYear === 'number') return values.fiscalYear;
  const date = values.date;
  const m = typeof date === 'string' ? /^(\d{4})-/.exec(date) : null;
  return m ? Number(m[1]) : undefined;
}

const sorted = <T extends string | number>(set: Set<T>): T[] => [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The scope of a table from the rows it holds: the dongs, years and phases found. A dimension some row
 * lacks (a progress row has no year) limits nothing; a table without rows has no scope at all.
 */
export function scopeOfRows(rows: readonly RowValues[], ref: ReferenceIndex): TableScope | undefined {
  if (rows.length === 0) return undefined;
  const dongs = new Set<string>();
  const years = new Set<number>();
  const phases = new Set<number>();
  let everyDong = true;
  let everyYear = true;
  let everyPhase = true;
  for (const values of rows) {
    const dong = dongKey(values.dong, ref);
    if (dong === undefined) everyDong = false;
    else dongs.add(dong);
    const year = yearOf(values);
    if (year === undefined) everyYear = false;
    else years.add(year);
    if (typeof values.phase === 'number') phases.add(values.phase);
    else everyPhase = false;
  }
  const scope: TableScope = {};
  if (everyDong && dongs.size > 0) scope.dongs = sorted(dongs);
  if (everyYear && years.size > 0) scope.years = sorted(years);
  if (everyPhase && phases.size > 0) scope.phases = sorted(phases);
  return Object.keys(scope).length > 0 ? scope : undefined;
}

/** Whether a row of the service belongs in a table of this scope (no scope: every row does). */
export function fits(scope: TableScope | undefined, values: RowValues, ref: ReferenceIndex): boolean {
  if (!scope) return true;
  if (scope.dongs) {
    const dong = dongKey(values.dong, ref);
    if (dong === undefined || !scope.dongs.includes(dong)) return false;
  }
  if (scope.years) {
    const year = yearOf(values);
    if (year === undefined || !scope.years.includes(year)) return false;
  }
  if (scope.phases) {
    if (typeof values.phase !== 'number' || !scope.phases.includes(values.phase)) return false;
  }
  return true;
}

/** The scope as an official reads it: 가양2동 · 2019년 · 1단계 (Korean) or 가양2동 · 2019 · phase 1. */
export function describeScope(scope: TableScope | undefined, ref: ReferenceIndex, locale: 'ko' | 'en'): string {
  if (!scope) return locale === 'ko' ? '모든 행' : 'every row';
  const parts: string[] = [];
  if (scope.dongs) parts.push(scope.dongs.map((code) => ref.dongByCode.get(code)?.name ?? code).join(', '));
  if (scope.years) parts.push(scope.years.map((y) => (locale === 'ko' ? `${y}년` : String(y))).join(', '));
  if (scope.phases) parts.push(scope.phases.map((p) => (locale === 'ko' ? `${p}단계` : `phase ${p}`)).join(', '));
  return parts.join(' · ');
}
