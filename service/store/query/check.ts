import type { DuckDBConnection } from '@duckdb/node-api';
import { QueryError } from './errors.ts';

/**
 * Checks, by parsing only (nothing is bound or run, no file is read), that `sql` is exactly one
 * SELECT statement. Throws QueryError otherwise.
 */
export async function checkAnalystSql(connection: DuckDBConnection, sql: string): Promise<void> {
  if (typeof sql !== 'string' || sql.trim() === '') throw new QueryError('empty_query');
  if (sql.length > 100_000) throw new QueryError('query_too_long');
  let count: number;
  try {
    count = (await connection.extractStatements(sql)).count;
  } catch (error) {
    throw new QueryError('syntax_error', String((error as Error)?.message ?? error).slice(0, 2000));
  }
  if (count !== 1) throw new QueryError('not_one_statement');
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($sql::VARCHAR) AS j', { sql });
  const parsed = JSON.parse(String(reader.getRows()[0]?.[0])) as { error: boolean; error_message?: string };
  if (parsed.error) throw new QueryError('not_select');
  const named = functionNames(parsed).find((name) => revealingFunctions.has(name.toLowerCase()));
  if (named) throw new QueryError('forbidden_function', named);
}

/** Functions that show the server's file paths (the snapshot's location), refused by name. */
const revealingFunctions = new Set(['duckdb_databases', 'pragma_database_list']);

/** Every `function_name` in a serialized statement. */
function functionNames(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) functionNames(n, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'function_name' && typeof value === 'string') out.push(value);
      else functionNames(value, out);
    }
  }
  return out;
}
