/**
 * Kept totals: what phases.sql and summary.sql need of a country's rows — each dong × phase's
 * spending, assembly voters, expected milestones done and agendas — kept in temporary tables of
 * the read connection (kept_*.sql) and brought up to date before each answer for the dongs whose
 * rows changed since, instead of summed again from every row of the country (at 3,500 dongs that
 * sum was most of both answers' time, and under syncs it ran at nearly every answer).
 *
 * A connection's tables hold at least every change committed up to the revisions they were last
 * brought to (a lower bound: a change committed while they were read may be in them too). Before
 * an answer, each kind whose revision moved on has its tables' rows of the dongs changed since
 * (ChangedUnits, store/compare/changed.ts) replaced by those dongs' rows as the query file sums
 * them now; when that set is not known, the reference changed, or the connection has none yet,
 * the table is summed again whole. The answer's query runs in the same transaction, so it reads
 * the rows and references the totals were made from.
 */
import { LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { payCategories, type Kind } from '../../../domain/index.ts';
import { comparisonSql, defineShared } from './sql-files.ts';
import { runKept } from '../statements.ts';

/** Each kept table (its query file is its name) and the kind of rows it sums. */
export const keptTables = {
  kept_spending: 'spending',
  kept_assembly: 'participation',
  kept_done: 'progress',
  kept_agendas: 'agendas',
} as const satisfies Record<string, Kind>;

export type KeptTable = keyof typeof keptTables;

/** The table macro over the kept tables (phases.sql and summary.sql read it), as sql-files.ts's `sharedDefinitions` name theirs. */
export const keptDefinitions = [{ file: 'dong_figures.sql', names: ['dongFiguresOn'] }] as const;

/** What the store tells the kept totals: where the rows stand now, and which dongs changed since a revision. */
export interface KeptChanges {
  /** The revision each kind's rows last changed at, and the reference's version. */
  now(): { revisions: Record<Kind, number>; reference: number };
  /** The units (dongs) with rows of `kind` changed in (after, upTo] (and maybe after); undefined when that is not known. */
  changedSince(kind: Kind, after: number, upTo: number): Promise<Set<string> | undefined>;
}

/** A connection's tables: the revisions and the reference they hold at least, and each table's rows replaced since it was last made anew. */
interface Held {
  revisions: Record<Kind, number>;
  reference: number;
  replaced: Partial<Record<KeptTable, number>>;
}

const held = new WeakMap<DuckDBConnection, Held>();

/** Tables summed whole, and tables brought up to date for the dongs changed (for the tests and the benchmark). */
export const keptCounts = { whole: 0, dongs: 0 };

/** More changed dongs than this, and the table is summed again whole (one scan, not a long list). */
const mostDongsReplaced = 500;

/**
 * A table's deleted rows stay in it (DuckDB reclaims a temporary table's space only when it is
 * made anew): once this many dongs' rows were replaced, it is copied anew from itself, so under
 * constant syncs it stays the size of the country, not of every change since the service began.
 */
export const keptLimits = { compactAfter: 2_000 };

/** A kept table's parameters: the dongs it sums (null: every dong), and the pay lines spending's leaves out. */
function params(table: KeptTable, dongs: string[] | null): { values: Record<string, DuckDBValue>; types: Record<string, DuckDBType> } {
  const values: Record<string, DuckDBValue> = { dongs: dongs === null ? null : listValue(dongs) };
  const types: Record<string, DuckDBType> = { dongs: LIST(VARCHAR) };
  if (table === 'kept_spending') {
    values.payCategories = listValue([...payCategories]);
    types.payCategories = LIST(VARCHAR);
  }
  return { values, types };
}

const defined = new WeakSet<DuckDBConnection>();

/**
 * The shared views and macros on `connection` (sql-files.ts), then the kept tables, empty until
 * first summed, and the macro over them (DuckDB checks a macro's tables as it is made); once, and
 * outside any transaction, so no rollback undoes them.
 */
async function defineKept(connection: DuckDBConnection): Promise<void> {
  await defineShared(connection);
  if (defined.has(connection)) return;
  for (const table of Object.keys(keptTables) as KeptTable[]) {
    const { values, types } = params(table, null);
    await connection.run(`CREATE TEMP TABLE IF NOT EXISTS ${table} AS SELECT * FROM (${comparisonSql(`${table}.sql`)}\n) WHERE false`, values, types);
  }
  for (const { file } of keptDefinitions) await connection.run(comparisonSql(file));
  defined.add(connection);
}

/** The table summed again from every row. */
async function sumWhole(connection: DuckDBConnection, table: KeptTable): Promise<void> {
  const { values, types } = params(table, null);
  keptCounts.whole++;
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM (${comparisonSql(`${table}.sql`)}\n)`, values, types);
}

/** The table's rows of `dongs` replaced by their sums now. */
async function sumDongs(connection: DuckDBConnection, table: KeptTable, dongs: string[]): Promise<void> {
  const { values, types } = params(table, dongs);
  keptCounts.dongs++;
  await runKept(connection, `DELETE FROM temp.${table} WHERE list_contains($dongs, dong)`, { dongs: values.dongs! }, { dongs: types.dongs! });
  await runKept(connection, `INSERT INTO temp.${table} SELECT * FROM (${comparisonSql(`${table}.sql`)}\n)`, values, types);
}

/**
 * Brings the connection's kept tables up to date, inside a transaction the caller has begun (and
 * commits, or rolls back and forgets what the tables held). Without `changes` (a connection of a tool or a
 * test, not the store's), every table is summed whole.
 */
async function bringUpToDate(
  connection: DuckDBConnection,
  changes: KeptChanges | undefined,
  before: Held | undefined,
  now: Omit<Held, 'replaced'> | undefined,
): Promise<Held['replaced']> {
  const tables = Object.keys(keptTables) as KeptTable[];
  const replaced: Held['replaced'] = {};
  if (!changes || !now) {
    for (const table of tables) await sumWhole(connection, table);
    return replaced;
  }
  for (const table of tables) {
    const kind = keptTables[table];
    if (!before || before.reference !== now.reference) {
      await sumWhole(connection, table);
      continue;
    }
    replaced[table] = before.replaced[table] ?? 0;
    if (now.revisions[kind] <= before.revisions[kind]) continue;
    const dongs = await changes.changedSince(kind, before.revisions[kind], now.revisions[kind]);
    if (dongs === undefined || dongs.size > mostDongsReplaced) {
      await sumWhole(connection, table);
      replaced[table] = 0;
    } else if (dongs.size > 0) {
      await sumDongs(connection, table, [...dongs]);
      replaced[table] += dongs.size;
      if (replaced[table] > keptLimits.compactAfter) {
        await connection.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM temp.${table}`);
        replaced[table] = 0;
      }
    }
  }
  return replaced;
}

/**
 * Runs `read` in one transaction after bringing the connection's kept tables up to date, so the
 * answer reads the totals and the rows and references they were summed from at one snapshot.
 */
export async function withKeptTotals<T>(connection: DuckDBConnection, changes: KeptChanges | undefined, read: () => Promise<T>): Promise<T> {
  await defineKept(connection);
  // Read before the transaction begins: its snapshot holds at least every change up to these.
  const now = changes?.now();
  // Until this transaction commits, the tables hold nothing known.
  const before = held.get(connection);
  held.delete(connection);
  await connection.run('BEGIN TRANSACTION');
  try {
    const replaced = await bringUpToDate(connection, changes, before, now);
    const result = await read();
    await connection.run('COMMIT');
    if (now) held.set(connection, { ...now, replaced });
    return result;
  } catch (error) {
    held.delete(connection);
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Whether a comparison reads the kept totals (through dong_figures.sql). */
export const readsKeptTotals = (name: string) => name === 'phases' || name === 'summary';
