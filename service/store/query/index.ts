/**
 * Read-only SQL for analysts (`POST /api/query`). Defence in depth, because `connection.run()`
 * executes every statement of a string and DuckDB's own settings are no sandbox:
 *   1. the text must be exactly one statement, and a SELECT (extract_statements + json_serialize_sql,
 *      which parse only, on the main connection);
 *   2. it runs in a child process over a snapshot file that holds only the analytic views' data
 *      (spending, participation, progress, agendas, council, dongs, districts, cities, phases), never the token, batch or
 *      audit tables;
 *   3. there DuckDB is opened read-only, external access off, extension autoload and install off,
 *      configuration locked, a memory limit, one thread, no spilling; checked again as one SELECT;
 *      run in a READ ONLY transaction, interrupted at the time limit; at most `limit` rows;
 *   4. the parent kills the child if it does not answer shortly after the time limit.
 */
import { fork } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Message } from '../../../domain/index.ts';
import type { QueryResult } from '../compare/index.ts';

const workerPath = join(dirname(fileURLToPath(import.meta.url)), 'worker.mjs');

export const defaultRowLimit = 10_000;
export const maxRowLimit = 100_000;
export const defaultTimeoutMs = 10_000;
/** Bytes of an answer (as its values' text), counted while the rows are read. */
export const defaultMaxResultBytes = 32 * 1024 * 1024;
/** The tables of the snapshot: the analytic views and the reference tables, nothing else. */
export const snapshotTables = ['spending', 'participation', 'progress', 'agendas', 'council', 'dongs', 'districts', 'cities', 'phases'] as const;

export type QueryErrorCode =
  | 'empty_query'
  | 'query_too_long'
  | 'not_one_statement'
  | 'not_select'
  | 'syntax_error'
  | 'forbidden_function'
  | 'invalid_limit'
  | 'timeout'
  | 'result_too_large'
  | 'cancelled'
  | 'query_failed'
  | 'sandbox_failed';

const messages: Record<QueryErrorCode, Message> = {
  empty_query: { ko: 'SQL이 비어 있습니다.', en: 'The SQL is empty.' },
  query_too_long: { ko: 'SQL은 100,000자를 넘을 수 없습니다.', en: 'The SQL is longer than 100,000 characters.' },
  not_one_statement: { ko: '문장은 정확히 하나여야 합니다 (세미콜론으로 여러 문장을 보낼 수 없습니다).', en: 'Send exactly one statement.' },
  not_select: { ko: '조회(SELECT) 문만 실행할 수 있습니다.', en: 'Only SELECT statements can be run.' },
  syntax_error: { ko: 'SQL 문법 오류입니다.', en: 'SQL syntax error.' },
  forbidden_function: { ko: '이 함수는 서버의 파일 위치를 드러내므로 쓸 수 없습니다.', en: 'This function reveals where the server keeps its files, so it cannot be used.' },
  invalid_limit: { ko: `limit은 1에서 ${maxRowLimit.toLocaleString('en')} 사이의 정수여야 합니다.`, en: `limit must be a whole number from 1 to ${maxRowLimit.toLocaleString('en')}.` },
  timeout: { ko: '시간 제한을 넘어 조회를 중단했습니다. 조건을 좁혀 보세요.', en: 'The query ran past its time limit and was stopped; narrow it down.' },
  result_too_large: {
    ko: '조회 결과가 너무 커서 보내지 않았습니다. 열을 줄이거나 조건·limit으로 행을 줄이세요.',
    en: 'The result is too large to send; select fewer columns, or fewer rows with a condition or limit.',
  },
  cancelled: { ko: '요청이 끝나 조회를 멈췄습니다.', en: 'The request ended, so the query was stopped.' },
  query_failed: { ko: '조회를 실행하지 못했습니다.', en: 'The query failed.' },
  sandbox_failed: { ko: '조회 실행 환경이 비정상 종료되었습니다 (메모리 한도 등).', en: 'The query sandbox stopped abnormally (memory limit or similar).' },
};

/** A refused or failed analyst query (its HTTP status: service/http/errors.ts). */
export class QueryError extends Error {
  readonly text: Message;
  constructor(
    readonly code: QueryErrorCode,
    readonly detail?: string,
  ) {
    const text = messages[code];
    super(detail ? `${text.en} ${detail}` : text.en);
    this.text = detail ? { ko: `${text.ko} ${detail}`, en: `${text.en} ${detail}` } : text;
    this.name = 'QueryError';
  }
}

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
    throw new QueryError('syntax_error', firstLine(error));
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

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 500);

const stringLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Writes a new snapshot of the analytic views (and the reference tables) to `path`: copied through
 * ATTACH into a fresh file beside it, then renamed over the old one (atomic; a child still reading
 * the old file keeps its inode). Pass the instance (preferred: a dedicated connection is opened, so
 * the copy never runs inside the store's transaction) or a connection that is otherwise idle.
 */
export async function refreshSnapshot(source: DuckDBInstance | DuckDBConnection, path: string): Promise<void> {
  const connection = source instanceof DuckDBInstance ? await source.connect() : source;
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const alias = `jachi_snapshot_${process.pid}_${Date.now()}`;
  rmSync(tmp, { force: true });
  try {
    // ATTACH takes no parameters; the path is the service's own (never a user's), quoted.
    await connection.run(`ATTACH ${stringLiteral(tmp)} AS ${alias}`);
    try {
      await connection.run('BEGIN TRANSACTION');
      for (const table of snapshotTables) {
        await connection.run(`CREATE TABLE ${alias}.${table} AS SELECT * FROM main.${table}`);
      }
      await connection.run('COMMIT');
      await connection.run(`CHECKPOINT ${alias}`);
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await connection.run(`DETACH ${alias}`);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.wal`, { force: true });
    throw error;
  } finally {
    if (source instanceof DuckDBInstance) connection.closeSync();
  }
}

const fingerprints = new Map<string, string>();
const refreshing = new Map<string, Promise<void>>();

/** What the snapshot depends on: the highest revision of each kind and the reference tables. */
async function fingerprint(connection: DuckDBConnection): Promise<string> {
  const reader = await connection.runAndReadAll(
    `SELECT concat_ws('|',
       (SELECT coalesce(max(revision), 0) FROM row_audit),
       (SELECT count(*) || ':' || coalesce(sum(hash(code, name, district, joinedPhase, adminCode)), 0) FROM dongs),
       (SELECT count(*) || ':' || coalesce(sum(hash(code, name, city)), 0) FROM districts),
       (SELECT count(*) || ':' || coalesce(sum(hash(code, name)), 0) FROM cities),
       (SELECT count(*) || ':' || coalesce(sum(hash(phase, name, year, startOn, endOn)), 0) FROM phases)) AS f`,
  );
  return String(reader.getRows()[0]?.[0]);
}

/**
 * Refreshes the snapshot at `path` when the store changed since it was made (or when it does not
 * exist). Concurrent callers share one refresh. Returns true when it refreshed.
 */
export async function ensureSnapshot(source: DuckDBInstance | DuckDBConnection, connection: DuckDBConnection, path: string): Promise<boolean> {
  const pending = refreshing.get(path);
  if (pending) {
    await pending;
    return false;
  }
  const current = await fingerprint(connection);
  if (fingerprints.get(path) === current && existsSync(path)) return false;
  const job = refreshSnapshot(source, path).then(() => {
    fingerprints.set(path, current);
  });
  refreshing.set(path, job);
  try {
    await job;
  } finally {
    refreshing.delete(path);
  }
  return true;
}

export interface AnalystQueryOptions {
  /** The snapshot file the child opens read-only. */
  snapshotPath: string;
  sql: string;
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
  /**
   * The main connection: used to check the text (parse only) and, with `source`, to keep the
   * snapshot fresh. Without it the child's own checks stand alone.
   */
  connection?: DuckDBConnection;
  /** The store's instance, to refresh the snapshot from when the store changed. */
  source?: DuckDBInstance;
}

export interface AnalystQueryResult extends QueryResult {
  /** True when there were more rows than the limit (only `limit` are returned). */
  truncated: boolean;
  limit: number;
  ms: number;
}

interface WorkerAnswer {
  ok: boolean;
  code?: QueryErrorCode;
  detail?: string;
  columns?: { name: string; type: string }[];
  data?: unknown[][];
  truncated?: boolean;
}

/** The child answers in DuckDB's JSON forms; turn them into the comparisons' JSON-safe forms. */
function normalise(columns: { name: string; type: string }[], data: unknown[][]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const length = data[0]?.length ?? 0;
  const convert = columns.map((column) => {
    const t = column.type;
    if (t === 'BIGINT' || t === 'HUGEINT' || t === 'UBIGINT' || t === 'UHUGEINT') {
      return (v: unknown) => (typeof v === 'string' && Number.isSafeInteger(Number(v)) ? Number(v) : v);
    }
    if (t.startsWith('DECIMAL')) return (v: unknown) => (typeof v === 'string' ? Number(v) : v);
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

/**
 * Runs one analyst SELECT in the sandbox and returns `{ columns, rows, truncated }`, rows JSON-safe.
 * Throws QueryError (with a bilingual `text`) when refused, timed out or failed.
 */
export async function runAnalystQuery(options: AnalystQueryOptions): Promise<AnalystQueryResult> {
  const started = performance.now();
  const limit = options.limit ?? defaultRowLimit;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxRowLimit) throw new QueryError('invalid_limit');
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const maxBytes = options.maxBytes ?? defaultMaxResultBytes;
  if (options.connection) {
    await checkAnalystSql(options.connection, options.sql);
    if (options.source) await ensureSnapshot(options.source, options.connection, options.snapshotPath);
  } else if (typeof options.sql !== 'string' || options.sql.trim() === '') {
    throw new QueryError('empty_query');
  }

  // The request may have ended while the text was checked or the snapshot made.
  if (options.signal?.aborted) throw new QueryError('cancelled');
  const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
    const child = fork(workerPath, [], {
      // No secrets of the service's environment reach the child; its heap is bounded too.
      env: {},
      cwd: dirname(options.snapshotPath),
      execArgv: ['--max-old-space-size=768'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let settled = false;
    let stderr = '';
    const cancel = () => {
      if (settled) return;
      settled = true;
      clearTimeout(killer);
      child.kill('SIGKILL');
      reject(new QueryError('cancelled'));
    };
    options.signal?.addEventListener('abort', cancel, { once: true });
    child.once('exit', () => options.signal?.removeEventListener('abort', cancel));
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    const killer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new QueryError('timeout'));
    }, timeoutMs + 2_000);
    child.once('message', (message) => {
      if (settled) return;
      settled = true;
      clearTimeout(killer);
      resolve(message as WorkerAnswer);
    });
    child.once('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(killer);
      reject(new QueryError('sandbox_failed', firstLine(error)));
    });
    child.once('exit', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(killer);
      reject(new QueryError('sandbox_failed', `exit ${code ?? signal} ${stderr.split('\n')[0] ?? ''}`.trim()));
    });
    child.send({ snapshotPath: options.snapshotPath, sql: options.sql, limit, maxBytes, timeoutMs, memoryLimit: options.memoryLimit ?? '512MB' });
  });

  if (!answer.ok) throw new QueryError(answer.code ?? 'query_failed', answer.detail);
  const columns = answer.columns ?? [];
  return {
    columns,
    rows: normalise(columns, answer.data ?? []),
    truncated: Boolean(answer.truncated),
    limit,
    ms: Math.round(performance.now() - started),
  };
}
