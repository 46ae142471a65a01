/**
 * The comparisons' SQL files as they run: each read once, with the shared CTE files it names as
 * `{{name}}` put in (an include may include another; their leading comment left out).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const readSql = (file: string) => readFileSync(join(here, file), 'utf8');

/** Shared CTE files a query includes as `{{name}}`. */
const includes = ['assembly_figures', 'expected_figures', 'expected_counts', 'done_expected', 'agenda_figures', 'dong_figures'] as const;

/** The SQL text of one query file, with the shared CTEs it names put in. */
export function comparisonSql(file: string): string {
  let sql = readSql(file);
  for (let depth = 0; depth < 3 && sql.includes('{{'); depth++) {
    for (const name of includes)
      sql = sql.replaceAll(
        `{{${name}}}`,
        readSql(`${name}.sql`)
          .replace(/^(--.*\n)+/, '')
          .trimEnd(),
      );
  }
  return sql;
}

const sqlCache = new Map<string, string>();

/** `comparisonSql(file)`, read once. */
export function sqlOf(file: string): string {
  let sql = sqlCache.get(file);
  if (sql === undefined) {
    sql = comparisonSql(file);
    sqlCache.set(file, sql);
  }
  return sql;
}
