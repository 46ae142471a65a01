/**
 * The spending warnings that need a dong-year's other lines (over-allocation, likely duplicates)
 * for one group of batches: what they read of the stored lines (`LineState.gather`), and how each
 * batch's versions change them in the order decided (`decided`), with the changes the book takes
 * once the group is committed (line-book.ts).
 *
 * A bulk sync's batch is thousands of new lines: each is counted by its key's hash and kept in a
 * list, in typed counts and no per-row map, and only the lines whose hash another line shares are
 * matched on their whole key.
 */
import { duplicateLineWarnings, overAllocationIssue, type Issue, type ReferenceIndex, type RowResult } from '../../domain/index.ts';
import type { LineKeys } from './checker/index.ts';
import { HashCounts, LineChanges, lineHash, lineKey, lineOf, lineYear, type LineBook } from './line-book.ts';
import type { Current } from './rows.ts';
import { rowsTable } from './sql.ts';
import type { Version } from './staging.ts';

/** A batch's rows through the rules (a refused row has no values), with the checker's keys of them when it made them. */
export interface OwnRows {
  rows: readonly { values?: Record<string, unknown> }[];
  keys?: LineKeys;
}

/** Reads stored rows (on the connection the group reads on). */
export type ReadRows = (sql: string, params: Record<string, string>) => Promise<Record<string, unknown>[]>;

/**
 * A line in play: its row, values, dong-year and key hash, and its place among the lines (the order
 * the duplicate warnings name them in: a row's new version takes its old line's place).
 */
interface Line {
  rowId: string;
  values: Record<string, unknown>;
  year: string;
  hash: number;
  at: number;
  /** Replaced or deleted by a later version of the group. */
  gone: boolean;
}

/** Rows of the dong-years in `$years` (a JSON list of `{dong, fy}`). */
const inYears = `SEMI JOIN (SELECT k.dong, k.fy FROM (SELECT unnest(from_json($years, '[{"dong":"VARCHAR","fy":"INTEGER"}]')) AS k)) y
         ON r.dong = y.dong AND r.fiscalYear = y.fy`;

/** Each own line of the batches (the rows the rules accepted) with its dong-year and hash, the checker's when it made them. */
function eachOwnLine(batches: readonly OwnRows[], visit: (values: Record<string, unknown>, year: string, hash: number) => void): void {
  for (const { rows, keys } of batches) {
    for (let i = 0; i < rows.length; i++) {
      const values = rows[i]!.values;
      if (values) visit(values, keys ? keys.years[i]! : lineYear(values), keys ? keys.hashes[i]! : lineHash(values));
    }
  }
}

export class LineState {
  /** Each dong-year's live budget total as the group's versions leave it. */
  private readonly totals = new Map<string, number>();
  /** The stored lines in play (those the group's rows replace, and the likely duplicates read), by row id. */
  private readonly stored = new Map<string, Line>();
  /** The group's own lines, in the order decided. */
  private readonly own: Line[] = [];
  /** The live own lines by row id, made the first time one is looked up by its row (a row a later batch of the group sends again). */
  private ownAt?: Map<string, Line>;
  /** Every live line in play counted by key hash. */
  private readonly hashes = new HashCounts();
  private next = 0;
  /** What the group's versions change, for the book once committed. */
  readonly changes = new LineChanges();

  /**
   * What the warnings read, without reading every line: each dong-year the batches name is loaded
   * into `book` the first time (its live lines' total and key hashes); the stored lines the rows
   * replace (`before`) are in hand, and the other stored live lines are read only for the keys the
   * book counts more often than in hand (the likely duplicates). The dong-years of `before` are
   * loaded too, since a line moved to another year leaves its old year's total.
   */
  static async gather(batches: readonly OwnRows[], book: LineBook, read: ReadRows, before?: ReadonlyMap<string, Current>): Promise<LineState> {
    const state = new LineState();
    const named = new Map<string, { dong: string; fy: number }>();
    const name = (year: string, values: Record<string, unknown>) => {
      if (!named.has(year)) named.set(year, { dong: values.dong as string, fy: Number(values.fiscalYear) });
    };
    eachOwnLine(batches, (values, year) => name(year, values));
    // The stored lines the rows replace are in hand: they are the lines as stored until a version
    // replaces them (an edited or unchanged row meets its duplicates through them), and need no read.
    const inHand = new Map<string, HashCounts>();
    for (const [rowId, old] of before ?? []) {
      if (old.deleted) continue;
      const line = state.putStored(rowId, old.values);
      name(line.year, old.values);
      let ofYear = inHand.get(line.year);
      if (!ofYear) inHand.set(line.year, (ofYear = new HashCounts()));
      ofYear.add(line.hash, 1);
    }
    const unread = [...named].filter(([year]) => !book.has(year));
    if (unread.length > 0) {
      // Every live line of the dong-years first named (a few, of ~50 lines each in a country).
      const stored = await read(`SELECT r.dong, r.fiscalYear, r.category, r.item, r.budgetKrw FROM ${rowsTable('spending')} r ${inYears} WHERE NOT r.deleted`, {
        years: JSON.stringify(unread.map(([, y]) => y)),
      });
      const byYear = new Map(unread.map(([year]) => [year, [] as { budgetKrw: number; hash: number }[]]));
      for (const r of stored) byYear.get(lineYear(r))?.push({ budgetKrw: Number(r.budgetKrw), hash: lineHash(r) });
      for (const [year, found] of byYear) book.load(year, found);
    }
    for (const year of named.keys()) state.totals.set(year, book.total(year));
    // The other stored lines that may repeat a row's key (the book counts more lines of its hash than
    // are in hand): of its dong-year and budget, matched on the whole key here.
    const maybe: Record<string, unknown>[] = [];
    const maybeYears = new Set<string>();
    eachOwnLine(batches, (values, year, hash) => {
      const stored = book.count(year, hash);
      if (stored > 0 && stored > (inHand.get(year)?.get(hash) ?? 0)) {
        maybe.push(values);
        maybeYears.add(year);
      }
    });
    if (maybe.length === 0) return state;
    const found = await read(
      `SELECT r.rowId::VARCHAR AS rowId, r.dong, r.fiscalYear, r.category, r.item, r.budgetKrw FROM ${rowsTable('spending')} r ${inYears}
       WHERE NOT r.deleted AND r.budgetKrw IN (SELECT unnest(from_json($budgets, '["BIGINT"]')))`,
      {
        years: JSON.stringify([...maybeYears].map((year) => named.get(year))),
        budgets: JSON.stringify([...new Set(maybe.map((values) => Number(values.budgetKrw)))]),
      },
    );
    const keys = new Set(maybe.map(lineKey));
    for (const r of found) if (keys.has(lineKey(r)) && !state.stored.has(r.rowId as string)) state.putStored(r.rowId as string, r);
    return state;
  }

  /** A stored line put in play. */
  private putStored(rowId: string, values: Record<string, unknown>): Line {
    const line: Line = { rowId, values, year: lineYear(values), hash: lineHash(values), at: this.next++, gone: false };
    this.stored.set(rowId, line);
    this.hashes.add(line.hash, 1);
    return line;
  }

  /** The live line of a row in play, stored or the group's own. */
  private lineOfRow(rowId: string): Line | undefined {
    const stored = this.stored.get(rowId);
    if (stored) return stored;
    if (!this.ownAt) {
      this.ownAt = new Map();
      for (const line of this.own) if (!line.gone) this.ownAt.set(line.rowId, line);
    }
    return this.ownAt.get(rowId);
  }

  /** A line joining (+1) or leaving (−1) its dong-year's total, for the book too. */
  private count(line: { year: string; hash: number; values: Record<string, unknown> }, sign: 1 | -1): void {
    const budgetKrw = Number(line.values.budgetKrw);
    this.totals.set(line.year, (this.totals.get(line.year) ?? 0) + sign * budgetKrw);
    this.changes.push(line.year, line.hash, budgetKrw, sign);
  }

  /**
   * Puts a decided spending batch's versions in play, each in place of what `before` held for its
   * row (the stored row, or an earlier batch's version in the group), then adds the allocation and
   * likely-duplicate warnings to its accepted and unchanged rows. `own` is the batch as checked: a
   * version whose values are its checked row's takes the checker's keys.
   */
  decided(decided: { results: RowResult[]; versions: Version[] }, before: ReadonlyMap<string, Current>, own: OwnRows, index: ReferenceIndex): void {
    const lineOfVersion: (Line | undefined)[] = new Array(decided.versions.length);
    decided.versions.forEach((v, k) => {
      const old = before.get(v.rowId);
      let at: number | undefined;
      if (old && !old.deleted) {
        const line = this.lineOfRow(v.rowId);
        if (line) {
          line.gone = true;
          this.stored.delete(v.rowId);
          this.ownAt?.delete(v.rowId);
          this.hashes.add(line.hash, -1);
          at = line.at;
        }
        this.count(line ?? { year: lineYear(old.values), hash: lineHash(old.values), values: old.values }, -1);
      }
      if (v.deleted) return;
      const keyed = own.keys && v.row !== undefined && own.rows[v.row]?.values === v.values;
      const year = keyed ? own.keys!.years[v.row!]! : lineYear(v.values);
      const hash = keyed ? own.keys!.hashes[v.row!]! : lineHash(v.values);
      const line: Line = { rowId: v.rowId, values: v.values, year, hash, at: at ?? this.next++, gone: false };
      this.count(line, 1);
      this.hashes.add(hash, 1);
      this.own.push(line);
      this.ownAt?.set(v.rowId, line);
      lineOfVersion[k] = line;
    });
    this.warn(decided, lineOfVersion, index);
  }

  /** The allocation and likely-duplicate warnings of a decided batch's accepted and unchanged rows (`lineOfVersion[k]`: its k-th version's line). */
  private warn(decided: { results: RowResult[] }, lineOfVersion: readonly (Line | undefined)[], index: ReferenceIndex): void {
    // Each dong-year's allocation warning, worked out once; the lines whose key hash another line shares.
    // (A year's list is shared by its rows' results: warnings are never added to in place.)
    const overOf = new Map<string, Issue[] | null>();
    const shared = new Set<number>();
    /** The results whose line's hash another line shares: the only ones a duplicate can be of. */
    const sharing: RowResult[] = [];
    const addTo = (result: RowResult, issues: Issue[]) => {
      result.warnings = result.warnings ? result.warnings.concat(issues) : issues;
    };
    // An accepted result has its version, in the same order.
    let k = 0;
    for (const result of decided.results) {
      const line = result.status === 'accepted' ? lineOfVersion[k++] : result.status === 'unchanged' ? this.lineOfRow(result.rowId) : undefined;
      if (!line) continue;
      let over = overOf.get(line.year);
      if (over === undefined) {
        const issue = overAllocationIssue(line.values.dong as string, Number(line.values.fiscalYear), this.totals.get(line.year) ?? 0, index);
        overOf.set(line.year, (over = issue ? [issue] : null));
      }
      if (over) addTo(result, over);
      if (this.hashes.get(line.hash) > 1) {
        shared.add(line.hash);
        sharing.push(result);
      }
    }
    if (shared.size === 0) return;
    // Only the lines of a shared hash can repeat a key; matched on the whole key there, in their places.
    const inPlay = [...this.stored.values(), ...this.own].filter((line) => !line.gone && shared.has(line.hash)).sort((a, b) => a.at - b.at);
    const duplicates = new Map<string, Issue[]>();
    const forRows = new Set(decided.results.filter((r) => r.status === 'accepted' || r.status === 'unchanged').map((r) => r.rowId));
    duplicateLineWarnings(
      inPlay.map((line) => lineOf(line.rowId, line.values)),
      forRows,
      duplicates,
    );
    for (const result of sharing) {
      const issues = duplicates.get(result.rowId);
      if (issues) addTo(result, issues);
    }
  }
}
