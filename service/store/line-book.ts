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

/**
 * Counts of 32-bit hashes in typed arrays (open addressing): what a Map of numbers does here at a
 * fraction of its cost and garbage, for the tens of thousands of line keys a dong-year of a bulk sync
 * can hold. A hash counted down to 0 reads as absent; its slot is reclaimed when the table grows.
 */
export class HashCounts {
  private keys = new Int32Array(16);
  private counts = new Int32Array(16);
  private taken = new Uint8Array(16);
  /** Slots taken, counted down to 0 or not. */
  private filled = 0;

  private static slotOf(hash: number, mask: number): number {
    return (Math.imul(hash ^ (hash >>> 16), 0x85ebca6b) >>> 0) & mask;
  }

  /** How many of `hash` are counted (0 for none). */
  get(hash: number): number {
    const mask = this.keys.length - 1;
    for (let slot = HashCounts.slotOf(hash, mask); this.taken[slot]; slot = (slot + 1) & mask) {
      if (this.keys[slot] === hash) return this.counts[slot]!;
    }
    return 0;
  }

  /** Counts `hash` `by` more (or fewer, never below 0). */
  add(hash: number, by: number): void {
    if ((this.filled + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    let slot = HashCounts.slotOf(hash, mask);
    for (; this.taken[slot]; slot = (slot + 1) & mask) {
      if (this.keys[slot] === hash) {
        this.counts[slot] = Math.max(0, this.counts[slot]! + by);
        return;
      }
    }
    if (by <= 0) return;
    this.taken[slot] = 1;
    this.keys[slot] = hash;
    this.counts[slot] = by;
    this.filled += 1;
  }

  /** Room for the hashes still counted, at most a quarter full (those counted down to 0 dropped). */
  private grow(): void {
    const [keys, counts, taken] = [this.keys, this.counts, this.taken];
    let live = 0;
    for (let slot = 0; slot < taken.length; slot++) if (taken[slot] && counts[slot]! > 0) live++;
    let size = 16;
    while (size < (live + 1) * 4) size *= 2;
    this.keys = new Int32Array(size);
    this.counts = new Int32Array(size);
    this.taken = new Uint8Array(size);
    this.filled = 0;
    for (let slot = 0; slot < taken.length; slot++) if (taken[slot] && counts[slot]! > 0) this.add(keys[slot]!, counts[slot]!);
  }
}

/** Changes to the book, one line joining (+1) or leaving (−1) its dong-year each, as parallel lists (no object per line). */
export class LineChanges {
  readonly years: string[] = [];
  readonly hashes: number[] = [];
  readonly budgets: number[] = [];
  readonly signs: (1 | -1)[] = [];

  push(year: string, hash: number, budgetKrw: number, sign: 1 | -1): void {
    this.years.push(year);
    this.hashes.push(hash);
    this.budgets.push(budgetKrw);
    this.signs.push(sign);
  }
}

interface YearLines {
  total: number;
  /** Live lines by key hash. */
  keys: HashCounts;
}

export class LineBook {
  private readonly years = new Map<string, YearLines>();

  has(year: string): boolean {
    return this.years.has(year);
  }

  /** A dong-year's live lines as stored (read when a batch first names it): their budgets and key hashes. */
  load(year: string, lines: Iterable<{ budgetKrw: number; hash: number }>): void {
    const entry: YearLines = { total: 0, keys: new HashCounts() };
    for (const { budgetKrw, hash } of lines) {
      entry.total += budgetKrw;
      entry.keys.add(hash, 1);
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
  apply(changes: LineChanges): void {
    const { years, hashes, budgets, signs } = changes;
    let year: string | undefined;
    let entry: YearLines | undefined;
    for (let i = 0; i < years.length; i++) {
      // A group's lines come a dong-year at a time more often than not: looked up when it changes.
      if (years[i] !== year) entry = this.years.get((year = years[i]!));
      if (!entry) continue;
      entry.total += signs[i]! * budgets[i]!;
      entry.keys.add(hashes[i]!, signs[i]!);
    }
  }

  clear(): void {
    this.years.clear();
  }
}
