/**
 * The comparisons' SQL files, each read once and run as it is written: no text is put into one or
 * taken out of it. What several share is defined once, as a temporary view or table macro on the
 * connection that runs them (`defineShared`), and named in the files that read it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIST, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { Kind } from '../../../domain/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const sqlCache = new Map<string, string>();

/** The text of one query file, as it runs (read once). */
export function comparisonSql(file: string): string {
  let sql = sqlCache.get(file);
  if (sql === undefined) {
    sql = readFileSync(join(here, file), 'utf8');
    sqlCache.set(file, sql);
  }
  return sql;
}

/**
 * The shared definitions, each file defining what the names beside it read (in the order they
 * need each other): views over the analytic views, and table macros of the day judged on.
 */
export const sharedDefinitions = [
  { file: 'assembly_figures.sql', names: ['assemblyFigures'] },
  { file: 'agenda_figures.sql', names: ['agendaRows', 'agendaFigures'] },
  { file: 'done_expected.sql', names: ['doneExpected'] },
  { file: 'expected_counts.sql', names: ['expectedCountsOn'] },
  { file: 'expected_figures.sql', names: ['expectedFiguresOn'] },
  { file: 'dong_figures.sql', names: ['dongFiguresOn'] },
] as const;

/** Each kept table (compare/kept.ts: its query file is its name) and the kind of rows it sums. */
export const keptTables = {
  kept_spending: 'spending',
  kept_assembly: 'participation',
  kept_done: 'progress',
  kept_agendas: 'agendas',
} as const satisfies Record<string, Kind>;

export type KeptTable = keyof typeof keptTables;

const defined = new WeakSet<DuckDBConnection>();

/** The kept tables, empty, where the connection has none yet. */
async function createKeptTables(connection: DuckDBConnection): Promise<void> {
  for (const table of Object.keys(keptTables)) {
    const sql = comparisonSql(`${table}.sql`);
    const types = { dongs: LIST(VARCHAR), ...(sql.includes('$payCategories') ? { payCategories: LIST(VARCHAR) } : {}) };
    const values = Object.fromEntries(Object.keys(types).map((k) => [k, null]));
    await connection.run(`CREATE TEMP TABLE IF NOT EXISTS ${table} AS SELECT * FROM (${sql}\n) WHERE false`, values, types);
  }
}

/**
 * Defines the shared views and macros on `connection` (temporary: they live as long as it does,
 * outside any file), once. Run outside a transaction, so none is undone by a rollback.
 */
export async function defineShared(connection: DuckDBConnection): Promise<void> {
  if (defined.has(connection)) return;
  for (const { file } of sharedDefinitions) {
    // dong_figures.sql names the kept tables (which read the views before it), and DuckDB checks a
    // macro's tables as it is made: they exist from here on, empty until first summed (kept.ts).
    if (file === 'dong_figures.sql') await createKeptTables(connection);
    await connection.run(comparisonSql(file));
  }
  defined.add(connection);
}
