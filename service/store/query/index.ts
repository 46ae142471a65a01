/**
 * Analyst SQL (`POST /api/query`): the store runs it through an AnalystSandbox (./sandbox.ts: warm
 * children, ./pool.ts, over snapshots, ./snapshot.ts); `runAnalystQuery` runs one query in a child
 * of its own over a given snapshot, for tests and tools.
 */
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { checkAnalystSql } from './check.ts';
import { QueryError } from './errors.ts';
import { SandboxPool } from './pool.ts';
import { rowLimit, runInPool, type AnalystQueryOptions, type AnalystQueryResult } from './sandbox.ts';

export { checkAnalystSql } from './check.ts';
export { QueryError, type QueryErrorCode } from './errors.ts';
export { defaultMaxResultBytes, defaultRowLimit, defaultTimeoutMs, maxRowLimit } from './limits.ts';
export { AnalystSandbox, type AnalystQueryOptions, type AnalystQueryResult, type AnalystSandboxOptions } from './sandbox.ts';
export { refreshSnapshot, snapshotTables } from './snapshot.ts';

/**
 * One analyst SELECT over the snapshot at `snapshotPath`, in a child process started for it and
 * stopped after. With `connection`, the text is checked there first (parsing only); without it the
 * child's own checks stand alone.
 */
export async function runAnalystQuery(options: AnalystQueryOptions & { snapshotPath: string; sql: string; connection?: DuckDBConnection }): Promise<AnalystQueryResult> {
  const started = performance.now();
  const limit = rowLimit(options.limit);
  if (options.connection) await checkAnalystSql(options.connection, options.sql);
  else if (typeof options.sql !== 'string' || options.sql.trim() === '') throw new QueryError('empty_query');
  const pool = new SandboxPool({ size: 1, cwd: dirname(options.snapshotPath) });
  try {
    return await runInPool(pool, options.snapshotPath, options.sql, limit, options, started);
  } finally {
    pool.close();
  }
}
