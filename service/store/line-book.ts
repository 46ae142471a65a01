/**
 * What the spending warnings need of a dong-year's stored lines, kept between commits so a batch
 * reads only what it is the first to name: each dong-year's live budget total (over-allocation)
 * and a count of its live lines by a 32-bit hash of their duplicate key (likely duplicates). A key
 * the book has never counted has no stored line; one it counts more often than the batch has lines
 * of it in hand (the stored lines it replaces) is a "maybe" (another stored line, or a hash
 * collision), whose lines are read to be sure.
 */
import { dongYearKey, lineKeyIn, type SpendingLine } from '../../domain/index.ts';

/** A line's dong-year (`dongYearKey`) and duplicate key (`spendingLineKey`), and the key's hash. */
export interface LineFacts {
  readonly year: string;
  readonly key: string;
  readonly hash: number;
}

/** FNV-1a of a line's key. */
function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Facts already worked out, by the values object (a row's checked values are its version's). */
const factsOf = new WeakMap<object, LineFacts>();

/** A spending row's typed values (`dong` as its code), or a stored line as read, as the line warnings see it: its key and dong-year worked out once. */
export function lineOf(rowId: string, values: Record<string, unknown>): SpendingLine {
  const { year, key } = lineFacts(values);
  return {
    rowId,
    dong: values.dong as string,
    fiscalYear: Number(values.fiscalYear),
    category: values.category as string,
    item: (values.item as string | null) ?? null,
    budgetKrw: Number(values.budgetKrw),
    key,
    dongYear: year,
  };
}

/** The facts of a line's values: its dong-year and duplicate key (`spendingLineKey`), and the key's hash. */
export function lineFacts(values: Record<string, unknown>): LineFacts {
  let facts = factsOf.get(values);
  if (!facts) {
    const year = dongYearKey(values.dong as string, Number(values.fiscalYear));
    const key = lineKeyIn(year, values.category as string, (values.item as string | null) ?? null, Number(values.budgetKrw));
    factsOf.set(values, (facts = { year, key, hash: keyHash(key) }));
  }
  return facts;
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
