/**
 * What the spending warnings need of a dong-year's stored lines, kept between commits so a batch
 * reads only what it is the first to name: each dong-year's live budget total (over-allocation)
 * and a count of its live lines by a 32-bit hash of their duplicate key (`lineHash`; likely duplicates). A key
 * the book has never counted has no stored line; one it counts more often than the batch has lines
 * of it in hand (the stored lines it replaces) is a "maybe" (another stored line, or a hash
 * collision), whose lines are read to be sure.
 */
import { dongYearKey, lineKeyIn, type SpendingLine } from '../../domain/index.ts';

/** Each dong's year keys (`dongYearKey`), one string for each dong and year: looked up by it, a Map hashes it once. */
const yearKeys = new Map<string, Map<number, string>>();

/** The dong-year (`dongYearKey`) of a line's values: a spending row's typed values (`dong` as its code), or a stored line as read. */
export function lineYear(values: Record<string, unknown>): string {
  const dong = values.dong as string;
  const fiscalYear = Number(values.fiscalYear);
  let ofDong = yearKeys.get(dong);
  if (!ofDong) yearKeys.set(dong, (ofDong = new Map()));
  let year = ofDong.get(fiscalYear);
  if (year === undefined) ofDong.set(fiscalYear, (year = dongYearKey(dong, fiscalYear)));
  return year;
}

/** FNV-1a of `text`, continued from `h`. */
function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

const bar = '|'.charCodeAt(0);

/**
 * The 32-bit hash of a line's duplicate key (`lineKey`): FNV-1a over the key's characters, worked
 * out from its parts without writing the key.
 */
export function lineHash(values: Record<string, unknown>): number {
  let h = fnv(0x811c9dc5, lineYear(values));
  h = Math.imul(h ^ bar, 0x01000193);
  h = fnv(h, values.category as string);
  h = Math.imul(h ^ bar, 0x01000193);
  h = fnv(h, ((values.item as string | null) ?? '').trim());
  h = Math.imul(h ^ bar, 0x01000193);
  // As a signed 32-bit number: a small integer to V8, so Maps keyed by it box nothing.
  return fnv(h, String(Number(values.budgetKrw))) | 0;
}

/** A line's duplicate key (`spendingLineKey`). */
export const lineKey = (values: Record<string, unknown>) =>
  lineKeyIn(lineYear(values), values.category as string, (values.item as string | null) ?? null, Number(values.budgetKrw));

/** A line's values as the line warnings name it. */
export function lineOf(rowId: string, values: Record<string, unknown>): SpendingLine {
  return {
    rowId,
    dong: values.dong as string,
    fiscalYear: Number(values.fiscalYear),
    category: values.category as string,
    item: (values.item as string | null) ?? null,
    budgetKrw: Number(values.budgetKrw),
  };
}

interface YearLines {
  total: number;
  /** Live lines by key hash. */
  keys: Map<number, number>;
}

/** A change to the book: a live line joining (+1) or leaving (−1) its dong-year. */
export interface LineChange {
  year: string;
  hash: number;
  budgetKrw: number;
  sign: 1 | -1;
}

export class LineBook {
  private readonly years = new Map<string, YearLines>();

  has(year: string): boolean {
    return this.years.has(year);
  }

  /** A dong-year's live lines as stored (read when a batch first names it): their budgets and key hashes. */
  load(year: string, lines: Iterable<{ budgetKrw: number; hash: number }>): void {
    const entry: YearLines = { total: 0, keys: new Map() };
    for (const { budgetKrw, hash } of lines) {
      entry.total += budgetKrw;
      entry.keys.set(hash, (entry.keys.get(hash) ?? 0) + 1);
    }
    this.years.set(year, entry);
  }

  /** The dong-year's live budget total (0 for a dong-year not loaded). */
  total(year: string): number {
    return this.years.get(year)?.total ?? 0;
  }

  /**
   * How many stored live lines of the dong-year may have this key: 0 when none has; otherwise that
   * many have its hash (the key itself, or another key sharing its hash).
   */
  count(year: string, hash: number): number {
    return this.years.get(year)?.keys.get(hash) ?? 0;
  }

  /** Committed changes (of dong-years loaded: any other is read when next named). */
  apply(changes: Iterable<LineChange>): void {
    for (const { year, hash, budgetKrw, sign } of changes) {
      const entry = this.years.get(year);
      if (!entry) continue;
      entry.total += sign * budgetKrw;
      const left = (entry.keys.get(hash) ?? 0) + sign;
      if (left > 0) entry.keys.set(hash, left);
      else entry.keys.delete(hash);
    }
  }

  clear(): void {
    this.years.clear();
  }
}
