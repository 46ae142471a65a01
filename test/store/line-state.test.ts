import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { daejeonReference, duplicateLineWarnings, overAllocationIssue, ReferenceIndex, type Issue, type RowResult, type RowValues } from '../../domain/index.ts';
import { LineBook, lineHash, lineKey, lineOf, lineYear } from '../../service/store/line-book.ts';
import { LineState } from '../../service/store/line-state.ts';
import type { Current } from '../../service/store/rows.ts';
import type { Version } from '../../service/store/staging.ts';

// The group's line warnings (service/store/line-state.ts) against a plain model of them: every line
// in one Map by row id (a row's new version in its old line's place), counted by hash in another —
// the way the service worked them out before the typed counts. Random groups of batches over a few
// stored lines: new lines, edits of stored lines and of an earlier batch's, deletes, unchanged
// resends, budgets that go over the allocation and keys that repeat.

const index = new ReferenceIndex(daejeonReference);
const dongs = daejeonReference.dongs.slice(0, 2).map((d) => d.code);
type Values = { dong: string; fiscalYear: number; category: string; item: string | null; budgetKrw: number };
const values = fc.oneof(
  fc.record({
    dong: fc.constantFrom(...dongs),
    fiscalYear: fc.constantFrom(2019, 2020),
    category: fc.constantFrom('기타', '자체 사업비'),
    item: fc.constantFrom('현수막', ' 현수막 ', null),
    budgetKrw: fc.constantFrom(1_000_000, 50_000_000, 90_000_000),
  }),
  // One key most of the time: three and more lines repeat it, so which comes first (the one the others are named after) is tried.
  fc.record({
    dong: fc.constant(dongs[0]!),
    fiscalYear: fc.constant(2019),
    category: fc.constant('기타'),
    item: fc.constantFrom('현수막', ' 현수막 '),
    budgetKrw: fc.constantFrom(1_000_000, 1_000_000, 1_000_000, 50_000_000),
  }),
);
const op = fc.oneof(
  fc.record({ kind: fc.constant('new' as const), values }),
  fc.record({ kind: fc.constant('edit' as const), pick: fc.nat(), values }),
  fc.record({ kind: fc.constant('resend' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  // An edit from a stale base: a conflict, no version, among the accepted rows.
  fc.record({ kind: fc.constant('conflict' as const), pick: fc.nat(), values }),
);
const scenario = fc.record({
  stored: fc.array(fc.record({ values, deleted: fc.boolean() }), { maxLength: 10 }),
  batches: fc.array(fc.array(op, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 4 }),
  // Whether the checker keyed the rows (the service's thread keys them itself otherwise).
  keyed: fc.boolean(),
});

/** A batch's rows as the checker hands them over, keyed when `keyed`. */
const ownOf = (rows: readonly { values: Values }[], keyed: boolean) => ({
  rows: rows.map((r) => ({ values: r.values as RowValues })),
  keys: keyed ? { years: rows.map((r) => lineYear(r.values)), hashes: Int32Array.from(rows, (r) => lineHash(r.values)) } : undefined,
});

/** Serves the two reads of `LineState.gather` from stored rows in memory, filtered as their SQL filters. */
function readFrom(stored: readonly Current[]) {
  return async (sql: string, params: Record<string, string>) => {
    const years = new Set((JSON.parse(params.years!) as { dong: string; fy: number }[]).map((y) => `${y.dong}|${y.fy}`));
    const budgets = params.budgets ? new Set(JSON.parse(params.budgets) as number[]) : undefined;
    return stored
      .filter((r) => !r.deleted && years.has(`${r.dong}|${String(r.values.fiscalYear)}`) && (!budgets || budgets.has(Number(r.values.budgetKrw))))
      .map((r) => (sql.includes('rowId') ? { rowId: r.rowId, ...r.values } : { ...r.values }));
  };
}

/** The model: the warnings and book changes the service gave before, written plainly. */
class Model {
  totals = new Map<string, number>();
  lines = new Map<string, { values: Record<string, unknown>; hash: number; year: string }>();
  hashes = new Map<number, number>();
  changes: [string, number, number, number][] = [];

  private count(hash: number, by: number) {
    const n = (this.hashes.get(hash) ?? 0) + by;
    if (n > 0) this.hashes.set(hash, n);
    else this.hashes.delete(hash);
  }

  put(rowId: string, v: Record<string, unknown> | undefined) {
    const old = this.lines.get(rowId);
    if (old) this.count(old.hash, -1);
    if (v) {
      this.lines.set(rowId, { values: v, hash: lineHash(v), year: lineYear(v) });
      this.count(lineHash(v), 1);
    } else this.lines.delete(rowId);
  }

  static async gather(own: Record<string, unknown>[], book: LineBook, stored: readonly Current[], before: ReadonlyMap<string, Current>) {
    const model = new Model();
    const years = new Set(own.map(lineYear));
    const inHand = new Map<string, number>();
    for (const [rowId, old] of before) {
      if (old.deleted) continue;
      model.put(rowId, old.values);
      years.add(lineYear(old.values));
      inHand.set(`${lineYear(old.values)}|${lineHash(old.values)}`, (inHand.get(`${lineYear(old.values)}|${lineHash(old.values)}`) ?? 0) + 1);
    }
    const live = stored.filter((r) => !r.deleted);
    for (const year of years) {
      if (!book.has(year))
        book.load(
          year,
          live.filter((r) => lineYear(r.values) === year).map((r) => ({ budgetKrw: Number(r.values.budgetKrw), hash: lineHash(r.values) })),
        );
      model.totals.set(year, book.total(year));
    }
    const maybe = own.filter((v) => book.count(lineYear(v), lineHash(v)) > (inHand.get(`${lineYear(v)}|${lineHash(v)}`) ?? 0));
    const keys = new Set(maybe.map(lineKey));
    const maybeYears = new Set(maybe.map(lineYear));
    const budgets = new Set(maybe.map((v) => Number(v.budgetKrw)));
    for (const r of live) {
      if (maybeYears.has(lineYear(r.values)) && budgets.has(Number(r.values.budgetKrw)) && keys.has(lineKey(r.values)) && !model.lines.has(r.rowId)) model.put(r.rowId, r.values);
    }
    return model;
  }

  decided(decided: { results: RowResult[]; versions: Version[] }, before: ReadonlyMap<string, Current>) {
    const change = (v: Record<string, unknown>, sign: 1 | -1) => {
      this.totals.set(lineYear(v), (this.totals.get(lineYear(v)) ?? 0) + sign * Number(v.budgetKrw));
      this.changes.push([lineYear(v), lineHash(v), Number(v.budgetKrw), sign]);
    };
    for (const v of decided.versions) {
      const old = before.get(v.rowId);
      if (old && !old.deleted) change(old.values, -1);
      if (!v.deleted) change(v.values, 1);
      this.put(v.rowId, v.deleted ? undefined : v.values);
    }
    const own = decided.results.filter((r) => r.status === 'accepted' || r.status === 'unchanged');
    const shared = new Set<number>();
    for (const result of own) {
      const line = this.lines.get(result.rowId);
      if (!line) continue;
      const issue = overAllocationIssue(line.values.dong as string, Number(line.values.fiscalYear), this.totals.get(line.year) ?? 0, index);
      if (issue) result.warnings = [...(result.warnings ?? []), issue];
      if (this.hashes.get(line.hash)! > 1) shared.add(line.hash);
    }
    if (shared.size === 0) return;
    const lines = [...this.lines].filter(([, l]) => shared.has(l.hash)).map(([rowId, l]) => lineOf(rowId, l.values));
    const duplicates = new Map<string, Issue[]>();
    duplicateLineWarnings(lines, new Set(own.map((r) => r.rowId)), duplicates);
    for (const result of own) if (duplicates.get(result.rowId)) result.warnings = [...(result.warnings ?? []), ...duplicates.get(result.rowId)!];
  }
}

const current = (rowId: string, v: Values, deleted: boolean, revision: number): Current => ({
  rowId,
  revision,
  deleted,
  dong: v.dong,
  values: v,
  updatedBy: 'test',
  updatedAt: '2026-12-04T00:00:00Z',
  source: null,
});

describe('a group’s line warnings', () => {
  it('are the plain model’s: totals, repeated keys in their places, edits of stored and earlier lines, deletes and resends', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ stored: storedSpec, batches, keyed }) => {
        const stored = storedSpec.map((s, i) => current(`s${i}`, s.values, s.deleted, i + 1));
        let revision = stored.length;
        // What the rows are as each batch is decided (an earlier batch's versions in place).
        const rowsNow = new Map(stored.map((r) => [r.rowId, r]));
        const named = (pick: number) => [...rowsNow.keys()][pick % Math.max(1, rowsNow.size)];
        // Each batch as decide makes it: rows (new, edited, resent) then deletes, one op per row id.
        const decidedBatches = batches.map((ops, b) => {
          const seen = new Set<string>();
          const rows: { rowId: string; values: Values; conflict?: boolean }[] = [];
          const deletes: string[] = [];
          ops.forEach((o, i) => {
            const rowId = o.kind === 'new' ? `b${b}r${i}` : named(o.pick);
            if (!rowId || seen.has(rowId)) return;
            seen.add(rowId);
            if (o.kind === 'delete') deletes.push(rowId);
            else rows.push({ rowId, conflict: o.kind === 'conflict', values: o.kind === 'resend' ? (rowsNow.get(rowId)!.values as Values) : o.values });
          });
          return { rows, deletes };
        });
        const ownValues = decidedBatches.flatMap((b) => b.rows.map((r) => r.values));
        const before = new Map([...rowsNow].filter(([id]) => decidedBatches.some((b) => b.rows.some((r) => r.rowId === id) || b.deletes.includes(id))));
        const state = await LineState.gather(
          decidedBatches.map((b) => ownOf(b.rows, keyed)),
          new LineBook(),
          readFrom(stored),
          before,
        );
        const model = await Model.gather(ownValues, new LineBook(), stored, before);
        for (const batch of decidedBatches) {
          const versions: Version[] = [];
          const results: RowResult[] = [];
          const own = ownOf(batch.rows, keyed);
          batch.rows.forEach(({ rowId, values: v, conflict }, i) => {
            const cur = rowsNow.get(rowId);
            if (conflict && cur) return results.push({ rowId, status: 'conflict', revision: cur.revision });
            if (cur && !cur.deleted && JSON.stringify(cur.values) === JSON.stringify(v)) return results.push({ rowId, status: 'unchanged', revision: cur.revision });
            // A version's values are its checked row's (so the checker's keys are its own).
            versions.push({ rowId, revision: ++revision, deleted: false, baseRevision: cur?.revision ?? null, values: own.rows[i]!.values, row: i });
            return results.push({ rowId, status: 'accepted', revision });
          });
          for (const rowId of batch.deletes) {
            const cur = rowsNow.get(rowId)!;
            if (cur.deleted) results.push({ rowId, status: 'unchanged', revision: cur.revision });
            else {
              versions.push({ rowId, revision: ++revision, deleted: true, baseRevision: cur.revision, values: cur.values });
              results.push({ rowId, status: 'accepted', revision });
            }
          }
          const copy = structuredClone(results);
          state.decided({ results, versions }, rowsNow, own, index);
          model.decided({ results: copy, versions }, rowsNow);
          expect(results).toEqual(copy);
          for (const v of versions) rowsNow.set(v.rowId, current(v.rowId, v.values as Values, v.deleted, v.revision));
        }
        const { years, hashes, budgets, signs } = state.changes;
        expect(years.map((year, i) => [year, hashes[i], budgets[i], signs[i]])).toEqual(model.changes);
      }),
      { numRuns: 400 },
    );
  });

  it('warns a bulk batch’s thousands of new lines of their year’s allocation once each, and of none repeated', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => ({ dong: dongs[0]!, fiscalYear: 2019, category: '기타', item: `항목 ${i}`, budgetKrw: 100_000 + i }));
    const state = await LineState.gather([{ rows: lines.map((values) => ({ values })) }], new LineBook(), readFrom([]));
    const versions: Version[] = lines.map((values, i) => ({ rowId: `n${i}`, revision: i + 1, deleted: false, baseRevision: null, values, row: i }));
    const results: RowResult[] = versions.map((v) => ({ rowId: v.rowId, status: 'accepted', revision: v.revision }));
    state.decided({ results, versions }, new Map(), { rows: lines.map((values) => ({ values })) }, index);
    // 3,000 lines of 100,000–103,000 KRW: 304.5 million, over the 156 million of 2019.
    expect(results.every((r) => r.warnings?.length === 1 && r.warnings[0]!.code === 'over_allocation')).toBe(true);
    expect(results[0]!.warnings![0]!.message.ko).toContain('304.5백만원');
  });
});
