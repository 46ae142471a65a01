/**
 * Read-only SQL for analysts (`POST /api/query`). Defence in depth, because `connection.run()`
 * executes every statement of a string and DuckDB's own settings are no sandbox:
 *   1. the text must be exactly one statement, and a SELECT (./check.ts: parsing only, on a reader
 *      of the store);
 *   2. it runs in a child process (./pool.ts, kept warm) over a snapshot file that holds only the
 *      analytic views' data (./snapshot.ts), never the token, batch or audit tables;
 *   3. there DuckDB is opened read-only, external access off, extension autoload and install off,
 *      configuration locked, a memory limit, one thread, no spilling; checked again as one SELECT;
 *      run on a connection of its own in a READ ONLY transaction, interrupted at the time limit; at
 *      most `limit` rows and `maxBytes` of values (./worker.mjs);
 *   4. the parent kills the child if it does not answer shortly after the time limit, or when the
 *      request ends, and starts a fresh one in its place.
 */
import { dirname } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { QueryResult } from '../compare/result.ts';
import { checkAnalystSql } from './check.ts';
import { QueryError, type QueryErrorCode } from './errors.ts';
import { defaultMaxResultBytes, defaultMemoryLimit, defaultRowLimit, defaultTimeoutMs, maxRowLimit } from './limits.ts';
import { SandboxPool, SandboxStop, type WorkerAnswer } from './pool.ts';
import { Snapshots, type DataVersion } from './snapshot.ts';

export interface AnalystQueryOptions {
  /** Row cap: default 10,000, at most 100,000. */
  limit?: number;
  /** Time limit: default 10 s. */
  timeoutMs?: number;
  /** DuckDB memory limit in the child: default 512MB. */
  memoryLimit?: string;
  /** Byte cap of the answer: default 32 MB; over it the query is refused (`result_too_large`). */
  maxBytes?: number;
  /** Aborts when the request ends (its client left or it ran out of time): the child is killed. */
  signal?: AbortSignal;
  /** The city whose rows alone the query sees (a token limited to one city); every city's when absent. */
  city?: string;
}

export interface AnalystQueryResult extends QueryResult {
  /** True when there were more rows than the limit (only `limit` are returned). */
  truncated: boolean;
  limit: number;
  ms: number;
}

/** Up to 15 significant digits a double holds a decimal's text exactly (it prints back the same). */
function exactAsNumber(text: string): boolean {
  const digits = text
    .replace(/^[-+]?0*/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return digits.length <= 15;
}

/**
 * The child answers in DuckDB's JSON forms; turn them into JSON-safe rows: whole numbers and
 * decimals as numbers when a double holds them exactly, else as their exact text; timestamps with
 * a time zone as ISO 8601.
 */
export function normalise(columns: { name: string; type: string }[], data: unknown[][]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const length = data[0]?.length ?? 0;
  const convert = columns.map((column) => {
    const t = column.type;
    if (t === 'BIGINT' || t === 'HUGEINT' || t === 'UBIGINT' || t === 'UHUGEINT') {
      return (v: unknown) => (typeof v === 'string' && Number.isSafeInteger(Number(v)) ? Number(v) : v);
    }
    if (t.startsWith('DECIMAL')) return (v: unknown) => (typeof v === 'string' && exactAsNumber(v) ? Number(v) : v);
    if (t === 'TIMESTAMP WITH TIME ZONE') return (v: unknown) => (typeof v === 'string' ? new Date(v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString() : v);
    if (t === 'DOUBLE' || t === 'FLOAT') return (v: unknown) => (typeof v === 'number' ? v : null);
    return undefined;
  });
  for (let r = 0; r < length; r++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) {
      const v = data[c]![r] ?? null;
      const f = convert[c];
      row[columns[c]!.name] = v === null || !f ? v : f(v);
    }
    rows.push(row);
  }
  return rows;
}

/** The limit asked for, checked. */
export function rowLimit(limit: number | undefined): number {
  const value = limit ?? defaultRowLimit;
  if (!Number.isSafeInteger(value) || value < 1 || value > maxRowLimit) throw new QueryError('invalid_limit');
  return value;
}

/** Runs one checked query on `pool` over the snapshot at `snapshotPath`. */
export async function runInPool(pool: SandboxPool, snapshotPath: string, sql: string, limit: number, options: AnalystQueryOptions, started: number): Promise<AnalystQueryResult> {
  // The request may have ended while the text was checked or the snapshot made.
  if (options.signal?.aborted) throw new QueryError('cancelled');
  let answer: WorkerAnswer;
  try {
    answer = await pool.run(
      {
        snapshotPath,
        sql,
        limit,
        maxBytes: options.maxBytes ?? defaultMaxResultBytes,
        timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
        memoryLimit: options.memoryLimit ?? defaultMemoryLimit,
      },
      options.signal,
    );
  } catch (error) {
    if (error instanceof SandboxStop) throw new QueryError(error.reason, error.detail);
    if (options.signal?.aborted) throw new QueryError('cancelled');
    throw error;
  }
  if (!answer.ok) throw new QueryError((answer.code as QueryErrorCode | undefined) ?? 'query_failed', answer.detail);
  const columns = answer.columns ?? [];
  return {
    columns,
    rows: normalise(columns, answer.data ?? []),
    truncated: Boolean(answer.truncated),
    limit,
    ms: Math.round(performance.now() - started),
  };
}

export interface AnalystSandboxOptions {
  /** The store's instance, which snapshots are copied from. */
  source: DuckDBInstance;
  /** The store's file: snapshots go beside it (`jachi.analyst.<generation>.duckdb`). */
  databasePath: string;
  /** Runs work on a reader of the store (the text is checked there, parsing only). */
  withReader: <T>(work: (connection: DuckDBConnection) => Promise<T>) => Promise<T>;
  /** What the snapshot's data depends on (the store's revision, its reference): a new snapshot when it changes. */
  version: () => DataVersion;
  /** Children at most (as many as the store's gate admits queries at once). */
  size: number;
}

/**
 * The store's analyst SQL: warm children over a snapshot made again only when the data changed.
 * Queries in flight finish on the snapshot they started on; `close()` kills the children and
 * removes the snapshot files.
 */
export class AnalystSandbox {
  private readonly pool: SandboxPool;
  /** The snapshot of every city ('') and one per city its analysts asked about, each made when its data changed. */
  private readonly snapshotsByCity = new Map<string, Snapshots>();

  constructor(private readonly options: AnalystSandboxOptions) {
    this.pool = new SandboxPool({ size: options.size, cwd: dirname(options.databasePath), onRelease: () => this.collect() });
  }

  /**
   * The snapshots of one city (or of all): `jachi.analyst.*` for all, `jachi.analyst-city<code>.*`
   * for one, so neither takes the other's files for leftovers.
   */
  private snapshotsOf(city: string | undefined): Snapshots {
    const key = city ?? '';
    let snapshots = this.snapshotsByCity.get(key);
    if (!snapshots) {
      const base = this.options.databasePath.replace(/(\.duckdb)?$/, city === undefined ? '.analyst' : `.analyst-city${city.replace(/[^0-9A-Za-z]/g, '_')}`);
      snapshots = new Snapshots({ source: this.options.source, base, inUse: (path) => this.pool.uses(path), ...(city === undefined ? {} : { city }) });
      this.snapshotsByCity.set(key, snapshots);
    }
    return snapshots;
  }

  private collect(): void {
    for (const snapshots of this.snapshotsByCity.values()) snapshots.collect();
  }

  /** Children started, live children's process ids, answers given, snapshots made (and of them, brought up to date from the last). */
  get stats(): { started: number; pids: number[]; answered: number; snapshots: number; updated: number } {
    const all = [...this.snapshotsByCity.values()];
    return { ...this.pool.stats, snapshots: all.reduce((n, s) => n + s.made, 0), updated: all.reduce((n, s) => n + s.updated, 0) };
  }

  /** One analyst SELECT: `{ columns, rows, truncated }`, rows JSON-safe; QueryError when refused, stopped or failed. */
  async run(sql: string, options: AnalystQueryOptions = {}): Promise<AnalystQueryResult> {
    const started = performance.now();
    const limit = rowLimit(options.limit);
    const version = this.options.version();
    await this.options.withReader((connection) => checkAnalystSql(connection, sql));
    const snapshots = this.snapshotsOf(options.city);
    // A child starting (the first query, or the first after the children stopped idle) starts
    // while the snapshot is made.
    this.pool.prestart();
    const path = await snapshots.take(version);
    try {
      return await runInPool(this.pool, path, sql, limit, options, started);
    } finally {
      // The idle children open the newest snapshot now, and let the old one go.
      if (path === snapshots.latest) this.pool.warm(path, options.memoryLimit ?? defaultMemoryLimit);
      snapshots.release(path);
    }
  }

  close(): void {
    this.pool.close();
    for (const snapshots of this.snapshotsByCity.values()) snapshots.close();
  }
}
