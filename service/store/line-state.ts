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
 * The lines in play, one column each (no object per line: a bulk batch puts thousands in play, and
 * they live until the group is committed): a line's row, values, dong-year and key hash, its place
 * among the lines (the order the duplicate warnings name them in: a row's new version takes its
 * old line's place), and whether a later version of the group replaced or deleted it. A line is
 * its index here.
 */
class Lines {
  readonly rowIds: string[] = [];
  readonly values: Record<string, unknown>[] = [];
  readonly years: string[] = [];
  readonly hashes: number[] = [];
  readonly places: number[] = [];
  readonly gone: boolean[] = [];

  add(rowId: string, values: Record<string, unknown>, year: string, hash: number, place: number): number {
    this.rowIds.push(rowId);
    this.values.push(values);
    this.years.push(year);
    this.hashes.push(hash);
    this.places.push(place);
    return this.gone.push(false) - 1;
  }

  get size(): number {
    return this.gone.length;
  }
}

/** A dong-year's live budget total as the group's versions leave it (a holder: one lookup a line). */
interface Total {
  krw: number;
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
  private readonly totals = new Map<string, Total>();
  /** The lines in play: the stored ones (those the group's rows replace, and the likely duplicates read), then the group's own in the order decided. */
  private readonly lines = new Lines();
  /** The stored lines in play by row id (until replaced). */
  private readonly stored = new Map<string, number>();
  /** The live own lines by row id, made the first time one is looked up by its row (a row a later batch of the group sends again). */
  private ownAt?: Map<string, number>;
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
      const year = state.lines.years[line]!;
      name(year, old.values);
      let ofYear = inHand.get(year);
      if (!ofYear) inHand.set(year, (ofYear = new HashCounts()));
      ofYear.add(state.lines.hashes[line]!, 1);
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
    for (const year of named.keys()) state.totals.set(year, { krw: book.total(year) });
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
  private putStored(rowId: string, values: Record<string, unknown>): number {
    const hash = lineHash(values);
    const line = this.lines.add(rowId, values, lineYear(values), hash, this.next++);
    this.stored.set(rowId, line);
    this.hashes.add(hash, 1);
    return line;
  }

  /** The live line of a row in play, stored or the group's own. */
  private lineOfRow(rowId: string): number | undefined {
    const stored = this.stored.get(rowId);
    if (stored !== undefined) return stored;
    if (!this.ownAt) {
      this.ownAt = new Map();
      const { rowIds, gone } = this.lines;
      for (let line = 0; line < gone.length; line++) if (!gone[line] && !this.stored.has(rowIds[line]!)) this.ownAt.set(rowIds[line]!, line);
    }
    return this.ownAt.get(rowId);
  }

  /** A dong-year's running total (0 for one not yet named). */
  private totalOf(year: string): Total {
    let total = this.totals.get(year);
    if (!total) this.totals.set(year, (total = { krw: 0 }));
    return total;
  }

  /** A line joining (+1) or leaving (−1) its dong-year's total, for the book too. */
  private count(total: Total, year: string, hash: number, values: Record<string, unknown>, sign: 1 | -1): void {
    const budgetKrw = Number(values.budgetKrw);
    total.krw += sign * budgetKrw;
    this.changes.push(year, hash, budgetKrw, sign);
  }

  /**
   * Puts a decided spending batch's versions in play, each in place of what `before` held for its
   * row (the stored row, or an earlier batch's version in the group), then adds the allocation and
   * likely-duplicate warnings to its accepted and unchanged rows. `own` is the batch as checked: a
   * version whose values are its checked row's takes the checker's keys.
   */
  decided(decided: { results: RowResult[]; versions: Version[] }, before: ReadonlyMap<string, Current>, own: OwnRows, index: ReferenceIndex): void {
    const { versions } = decided;
    const lines = this.lines;
    // Each version's line (−1: a delete's, none).
    const lineOfVersion = new Int32Array(versions.length).fill(-1);
    // Lines of a dong-year come together more often than not: its total looked up when it changes.
    let year: string | undefined;
    let total: Total | undefined;
    for (let k = 0; k < versions.length; k++) {
      const v = versions[k]!;
      const old = before.size > 0 ? before.get(v.rowId) : undefined;
      let place: number | undefined;
      if (old && !old.deleted) {
        const line = this.lineOfRow(v.rowId);
        if (line !== undefined) {
          lines.gone[line] = true;
          this.stored.delete(v.rowId);
          this.ownAt?.delete(v.rowId);
          this.hashes.add(lines.hashes[line]!, -1);
          place = lines.places[line]!;
          this.count(this.totalOf(lines.years[line]!), lines.years[line]!, lines.hashes[line]!, lines.values[line]!, -1);
        } else {
          const oldYear = lineYear(old.values);
          this.count(this.totalOf(oldYear), oldYear, lineHash(old.values), old.values, -1);
        }
      }
      if (v.deleted) continue;
      const keyed = own.keys && v.row !== undefined && own.rows[v.row]?.values === v.values;
      const lineYearOf = keyed ? own.keys!.years[v.row!]! : lineYear(v.values);
      const hash = keyed ? own.keys!.hashes[v.row!]! : lineHash(v.values);
      if (lineYearOf !== year) total = this.totalOf((year = lineYearOf));
      const line = lines.add(v.rowId, v.values, lineYearOf, hash, place ?? this.next++);
      this.count(total!, lineYearOf, hash, v.values, 1);
      this.hashes.add(hash, 1);
      this.ownAt?.set(v.rowId, line);
      lineOfVersion[k] = line;
    }
    this.warn(decided, lineOfVersion, index);
  }

  /** The allocation and likely-duplicate warnings of a decided batch's accepted and unchanged rows (`lineOfVersion[k]`: its k-th version's line). */
  private warn(decided: { results: RowResult[] }, lineOfVersion: Int32Array, index: ReferenceIndex): void {
    const lines = this.lines;
    // Each dong-year's allocation warning, worked out once; the lines whose key hash another line shares.
    // (A year's list is shared by its rows' results: warnings are never added to in place.)
    const overOf = new Map<string, Issue[] | null>();
    // A row's own warnings with its year's after them, made once for each list the rows share (checker/batch.ts `checkedBatch`).
    const joined = new Map<Issue[], Map<Issue[], Issue[]>>();
    const shared = new Set<number>();
    /** The results whose line's hash another line shares: the only ones a duplicate can be of. */
    const sharing: RowResult[] = [];
    const addTo = (result: RowResult, issues: Issue[]) => {
      result.warnings = result.warnings ? result.warnings.concat(issues) : issues;
    };
    let year: string | undefined;
    let over: Issue[] | null = null;
    // An accepted result has its version, in the same order.
    let k = 0;
    for (const result of decided.results) {
      const line = result.status === 'accepted' ? lineOfVersion[k++]! : result.status === 'unchanged' ? (this.lineOfRow(result.rowId) ?? -1) : -1;
      if (line < 0) continue;
      if (lines.years[line] !== year) {
        year = lines.years[line]!;
        let known = overOf.get(year);
        if (known === undefined) {
          const values = lines.values[line]!;
          const issue = overAllocationIssue(values.dong as string, Number(values.fiscalYear), this.totals.get(year)?.krw ?? 0, index);
          overOf.set(year, (known = issue ? [issue] : null));
        }
        over = known;
      }
      if (over) {
        const own = result.warnings;
        if (!own) result.warnings = over;
        else {
          let after = joined.get(own);
          if (!after) joined.set(own, (after = new Map()));
          let both = after.get(over);
          if (!both) after.set(over, (both = own.concat(over)));
          result.warnings = both;
        }
      }
      if (this.hashes.get(lines.hashes[line]!) > 1) {
        shared.add(lines.hashes[line]!);
        sharing.push(result);
      }
    }
    if (shared.size === 0) return;
    // Only the lines of a shared hash can repeat a key; matched on the whole key there, in their places.
    const inPlay: number[] = [];
    for (let line = 0; line < lines.size; line++) if (!lines.gone[line] && shared.has(lines.hashes[line]!)) inPlay.push(line);
    inPlay.sort((a, b) => lines.places[a]! - lines.places[b]!);
    const duplicates = new Map<string, Issue[]>();
    const forRows = new Set(decided.results.filter((r) => r.status === 'accepted' || r.status === 'unchanged').map((r) => r.rowId));
    duplicateLineWarnings(
      inPlay.map((line) => lineOf(lines.rowIds[line]!, lines.values[line]!)),
      forRows,
      duplicates,
    );
    for (const result of sharing) {
      const issues = duplicates.get(result.rowId);
      if (issues) addTo(result, issues);
    }
  }
}
