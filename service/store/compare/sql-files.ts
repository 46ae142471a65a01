/**
 * The comparisons' SQL files, each read once and run as it is written: no text is put into one or
 * taken out of it. What several share is defined once, as a temporary view or table macro on the
 * connection that runs them (`defineShared`), and named in the files that read it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';

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
 * need each other): views over the analytic views, and table macros of the day judged on. (The
 * one over the kept totals, dong_figures.sql, is kept.ts's: it needs its tables first.)
 */
export const sharedDefinitions = [
  { file: 'assembly_figures.sql', names: ['assemblyFigures'] },
  { file: 'agenda_figures.sql', names: ['agendaRows', 'agendaFigures'] },
  { file: 'done_expected.sql', names: ['doneExpected'] },
  { file: 'expected_counts.sql', names: ['expectedCountsOn'] },
  { file: 'expected_figures.sql', names: ['expectedFiguresOn'] },
] as const;

const defined = new WeakSet<DuckDBConnection>();

/**
 * Defines the shared views and macros on `connection` (temporary: they live as long as it does,
 * outside any file), once. Run outside a transaction, so none is undone by a rollback.
 */
export async function defineShared(connection: DuckDBConnection): Promise<void> {
  if (defined.has(connection)) return;
  for (const { file } of sharedDefinitions) await connection.run(comparisonSql(file));
  defined.add(connection);
}
