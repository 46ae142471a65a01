import { DuckDBResultReader, type DuckDBConnection, type DuckDBMaterializedResult, type DuckDBPreparedStatement } from '@duckdb/node-api';

type Values = Parameters<DuckDBConnection['run']>[1];
type Types = Parameters<DuckDBConnection['run']>[2];

/** A statement prepared on a connection, and whether a run of it is under way. */
interface Kept {
  statement: Promise<DuckDBPreparedStatement | undefined>;
  busy: boolean;
}

/** Each connection's prepared statements, by their SQL text. */
const keptBy = new WeakMap<DuckDBConnection, Map<string, Kept>>();
/** Statements kept on one connection at most (the service runs a few dozen texts with parameters). */
const maxKept = 128;

/**
 * `connection.run(sql, values, types)` with the statement prepared once on that connection and kept
 * there: `run` with parameters parses and plans its SQL on the service's thread every time (under
 * `npm run load`, ~6% of that thread for a few dozen statements run thousands of times), where a kept
 * statement only binds and runs. DuckDB prepares it again by itself should a table it reads change.
 * A statement already running on the connection (the same SQL asked twice at once), one that cannot be
 * prepared alone (several statements in one text), and any beyond the first `maxKept` run as before.
 */
export async function runKept(connection: DuckDBConnection, sql: string, values: Values, types?: Types): Promise<DuckDBMaterializedResult> {
  let kept = keptBy.get(connection);
  if (!kept) keptBy.set(connection, (kept = new Map()));
  let entry = kept.get(sql);
  if (!entry && kept.size < maxKept) {
    entry = { statement: connection.prepare(sql).catch(() => undefined), busy: false };
    kept.set(sql, entry);
  }
  if (!entry || entry.busy) return connection.run(sql, values, types);
  entry.busy = true;
  try {
    const statement = await entry.statement;
    if (!statement) return await connection.run(sql, values, types);
    statement.clearBindings();
    if (values) statement.bind(values, types);
    return await statement.run();
  } finally {
    entry.busy = false;
  }
}

/** `connection.runAndReadAll(sql, values, types)` through `runKept`. */
export async function readKept(connection: DuckDBConnection, sql: string, values: Values, types?: Types): Promise<DuckDBResultReader> {
  const reader = new DuckDBResultReader(await runKept(connection, sql, values, types));
  await reader.readAll();
  return reader;
}
