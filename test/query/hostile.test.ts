/**
 * A catalogue of hostile statements against the analyst SQL sandbox. Each must be refused before it
 * runs, or contained: no token, batch or audit data visible, the data unchanged, no file written.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError, refreshSnapshot, runAnalystQuery, snapshotTables, type AnalystQueryResult } from '../../service/store/query/index.ts';
import { loadReference, openDatabase, type Database } from '../../service/store/db.ts';
import { reference } from '../compare/fixture.ts';

const SECRET = 'SECRET-7f3a9c';
const marker = `jachi-hostile-${process.pid}`;
let db: Database;
let dir: string;
let dataDir: string;
let dbPath: string;
let snapshotPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jachi-query-'));
  dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  dbPath = join(dataDir, 'jachi.duckdb');
  snapshotPath = join(dataDir, 'analyst.duckdb');
  db = await openDatabase(dbPath);
  await loadReference(db.connection, reference);
  const c = db.connection;
  await c.run(`INSERT INTO spending_rows (rowId, revision, deleted, updatedBy, updatedAt, source, dong, phase, fiscalYear, category, budgetKrw, executedKrw)
               SELECT uuid(), i, false, 'tester', now(), 'w.xlsx', '11111-a', 1, 2019, '기타', 1000 * i, 900 * i FROM range(1, 501) t(i)`);
  await c.run(`INSERT INTO tokens (id, name, role, dong, district, hash, createdAt) VALUES ('t1', 'admin token', 'admin', NULL, NULL, '${SECRET}-hash', now())`);
  await c.run(
    `INSERT INTO sync_batches (batchId, kind, tokenId, fingerprint, answer, createdAt) VALUES (uuid(), 'spending', 't1', '${SECRET}-fp', '{"secret": "${SECRET}"}', now())`,
  );
  await c.run(
    `INSERT INTO spending_history (rowId, revision, deleted, updatedBy, updatedAt, source, dong, note) VALUES (uuid(), 1, false, 'tester', now(), 'w.xlsx', '11111-a', '${SECRET}')`,
  );
  await refreshSnapshot(db.instance, snapshotPath);
}, 60_000);

afterAll(() => {
  db?.connection.closeSync();
  db?.instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

type Expect = 'refused' | 'contained';
interface Case {
  sql: string | (() => string);
  expect: Expect;
  /** For refusals: the code expected. */
  code?: string;
  /** For contained statements that may succeed: extra checks of the result. */
  check?: (result: AnalystQueryResult) => void;
}

const onlySnapshotTables = (column: string) => (result: AnalystQueryResult) => {
  const names = new Set(result.rows.map((r) => String(r[column])));
  for (const name of names) expect(snapshotTables as readonly string[]).toContain(name);
};

const catalogue: Case[] = [
  // Several statements.
  { sql: 'SELECT 1; DROP TABLE spending', expect: 'refused', code: 'not_one_statement' },
  { sql: 'SELECT 1; SELECT 2', expect: 'refused', code: 'not_one_statement' },
  { sql: "SELECT 1; COPY spending TO '/tmp/x.csv'", expect: 'refused', code: 'not_one_statement' },
  { sql: "SELECT 1;; ATTACH 'x.duckdb'", expect: 'refused' },
  // Writes and DDL.
  { sql: 'DROP TABLE spending', expect: 'refused', code: 'not_select' },
  { sql: 'DELETE FROM spending', expect: 'refused', code: 'not_select' },
  { sql: 'UPDATE spending SET budgetKrw = 0', expect: 'refused', code: 'not_select' },
  { sql: "INSERT INTO spending (dong) VALUES ('x')", expect: 'refused', code: 'not_select' },
  { sql: 'CREATE TABLE x AS SELECT 1', expect: 'refused', code: 'not_select' },
  { sql: 'CREATE MACRO m() AS 1', expect: 'refused', code: 'not_select' },
  { sql: 'CREATE OR REPLACE VIEW spending AS SELECT 1 AS a', expect: 'refused', code: 'not_select' },
  { sql: 'EXPLAIN ANALYZE DELETE FROM spending', expect: 'refused', code: 'not_select' },
  { sql: 'EXPLAIN ANALYZE SELECT * FROM spending', expect: 'refused', code: 'not_select' },
  { sql: 'VACUUM', expect: 'refused', code: 'not_select' },
  { sql: 'CHECKPOINT', expect: 'refused', code: 'not_select' },
  // PRAGMA, SET, RESET, CALL.
  { sql: 'PRAGMA database_list', expect: 'refused', code: 'not_select' },
  { sql: "PRAGMA enable_external_access='true'", expect: 'refused', code: 'not_select' },
  { sql: 'SET enable_external_access = true', expect: 'refused', code: 'not_select' },
  { sql: 'RESET enable_external_access', expect: 'refused', code: 'not_select' },
  { sql: 'SET threads = 64', expect: 'refused', code: 'not_select' },
  { sql: 'CALL pragma_version()', expect: 'refused' },
  // COPY, EXPORT, ATTACH, INSTALL, LOAD.
  { sql: `COPY spending TO '/tmp/${marker}.csv'`, expect: 'refused', code: 'not_select' },
  { sql: `COPY (SELECT * FROM spending) TO '${marker}.parquet' (FORMAT parquet)`, expect: 'refused', code: 'not_select' },
  { sql: `EXPORT DATABASE '/tmp/${marker}'`, expect: 'refused', code: 'not_select' },
  { sql: `ATTACH '/tmp/${marker}.duckdb' AS x`, expect: 'refused', code: 'not_select' },
  { sql: () => `ATTACH '${dbPath}' AS store (READ_ONLY)`, expect: 'refused', code: 'not_select' },
  { sql: 'DETACH analyst', expect: 'refused', code: 'not_select' },
  { sql: 'INSTALL httpfs', expect: 'refused', code: 'not_select' },
  { sql: 'LOAD httpfs', expect: 'refused', code: 'not_select' },
  { sql: 'PIVOT spending ON category USING sum(budgetKrw)', expect: 'refused' },
  // Reading files.
  { sql: "SELECT * FROM read_csv('/etc/passwd')", expect: 'contained' },
  { sql: "SELECT * FROM read_text('/etc/passwd')", expect: 'contained' },
  { sql: () => `SELECT * FROM read_blob('${dbPath}')`, expect: 'contained' },
  { sql: () => `SELECT * FROM '${dbPath}'`, expect: 'contained' },
  { sql: "SELECT * FROM glob('/tmp/*')", expect: 'contained' },
  { sql: "SELECT * FROM read_parquet('/tmp/*.parquet')", expect: 'contained' },
  { sql: "SELECT * FROM read_json_auto('https://example.com/x.json')", expect: 'contained' },
  { sql: "SELECT * FROM sqlite_scan('/tmp/x.db', 'tokens')", expect: 'contained' },
  // query() and query_table() tricks.
  { sql: "SELECT * FROM query('DROP TABLE spending')", expect: 'contained' },
  { sql: "SELECT * FROM query('SELECT * FROM tokens')", expect: 'contained' },
  { sql: "SELECT * FROM query_table('sync_batches')", expect: 'contained' },
  { sql: "SELECT * FROM query('ATTACH ''/tmp/x.duckdb'' AS y')", expect: 'contained' },
  // Catalog probing for tokens, batches, audit.
  { sql: 'SELECT * FROM tokens', expect: 'contained' },
  { sql: 'SELECT * FROM sync_batches', expect: 'contained' },
  { sql: 'SELECT * FROM row_audit', expect: 'contained' },
  { sql: 'SELECT * FROM spending_rows', expect: 'contained' },
  { sql: 'SELECT table_name FROM duckdb_tables()', expect: 'contained', check: onlySnapshotTables('table_name') },
  { sql: 'SELECT table_name FROM information_schema.tables', expect: 'contained', check: onlySnapshotTables('table_name') },
  { sql: 'SELECT view_name, sql FROM duckdb_views() WHERE NOT internal', expect: 'contained', check: (r) => expect(r.rows).toEqual([]) },
  // The snapshot's path (where the service keeps its files) is not shown.
  { sql: 'SELECT * FROM duckdb_databases()', expect: 'refused', code: 'forbidden_function' },
  { sql: 'SELECT path FROM (SELECT * FROM DUCKDB_DATABASES())', expect: 'refused', code: 'forbidden_function' },
  { sql: 'SELECT * FROM pragma_database_list()', expect: 'refused', code: 'forbidden_function' },
  // Settings and environment.
  { sql: "SELECT getenv('HOME')", expect: 'contained' },
  {
    sql: "SELECT current_setting('enable_external_access') AS e, current_setting('lock_configuration') AS l, current_setting('access_mode') AS a",
    expect: 'contained',
    check: (r) => expect(r.rows[0]).toEqual({ e: false, l: true, a: 'read_only' }),
  },
  { sql: 'SELECT * FROM duckdb_settings()', expect: 'contained' },
  { sql: 'SELECT * FROM duckdb_extensions()', expect: 'contained' },
  // Runaway work: the time limit, the memory limit, the row cap.
  { sql: 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r', expect: 'contained' },
  { sql: 'SELECT count(*) FROM range(1000000000000)', expect: 'contained' },
  { sql: 'SELECT count(*) FROM range(100000) a, range(100000) b', expect: 'contained' },
  { sql: 'SELECT count(*) FROM spending a, spending b, spending c, spending d', expect: 'contained' },
  { sql: "SELECT list(repeat('x', 1000000)) FROM range(2000)", expect: 'contained' },
  { sql: 'SELECT * FROM range(1000000)', expect: 'contained', check: (r) => expect([r.rows.length, r.truncated]).toEqual([50, true]) },
];

const LIMIT = 50;

async function hashTree(): Promise<string> {
  const h = createHash('sha256');
  for (const f of readdirSync(dataDir).sort()) h.update(f);
  h.update(readFileSync(snapshotPath));
  for (const table of ['spending_rows', 'tokens', 'sync_batches', 'row_audit', 'dongs']) {
    const r = await db.connection.runAndReadAll(`SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(to_json(t))), 0)::VARCHAR FROM ${table} t`);
    h.update(String(r.getRows()[0]![0]));
  }
  return h.digest('hex');
}

describe('analyst SQL sandbox', () => {
  it('answers an honest SELECT with JSON-safe rows', async () => {
    const r = await runAnalystQuery({
      snapshotPath,
      connection: db.connection,
      sql: 'SELECT dong, count(*) AS lines, sum(budgetKrw) AS budget, min(updatedAt) AS first FROM spending GROUP BY dong',
    });
    expect(r.columns.map((c) => c.name)).toEqual(['dong', 'lines', 'budget', 'first']);
    expect(r.rows).toEqual([{ dong: '11111-a', lines: 500, budget: 125_250_000, first: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) }]);
    expect(r.truncated).toBe(false);
  });

  it('refuses a limit outside 1–100,000 and an empty text', async () => {
    await expect(runAnalystQuery({ snapshotPath, connection: db.connection, sql: 'SELECT 1', limit: 100_001 })).rejects.toMatchObject({ code: 'invalid_limit' });
    await expect(runAnalystQuery({ snapshotPath, connection: db.connection, sql: '  ' })).rejects.toMatchObject({ code: 'empty_query' });
  });

  it(`refuses or contains ${catalogue.length} hostile statements`, async () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(30);
    const tmpBefore = new Set(readdirSync(tmpdir()));
    const before = await hashTree();
    const outcomes: string[] = [];
    for (const c of catalogue) {
      const sql = typeof c.sql === 'function' ? c.sql() : c.sql;
      let result: AnalystQueryResult | undefined;
      let error: unknown;
      try {
        result = await runAnalystQuery({ snapshotPath, connection: db.connection, sql, limit: LIMIT, timeoutMs: 1_500 });
      } catch (e) {
        error = e;
      }
      if (c.expect === 'refused') {
        expect(error, sql).toBeInstanceOf(QueryError);
        if (c.code) expect((error as QueryError).code, sql).toBe(c.code);
        expect(['not_one_statement', 'not_select', 'syntax_error', 'forbidden_function'], sql).toContain((error as QueryError).code);
      } else if (error) {
        expect(error, sql).toBeInstanceOf(QueryError);
        expect(['query_failed', 'timeout', 'sandbox_failed'], sql).toContain((error as QueryError).code);
      }
      const seen = JSON.stringify(result ?? (error as Error).message);
      expect(seen, sql).not.toContain(SECRET);
      expect(seen, sql).not.toMatch(/root:x:0:0/);
      if (result && c.check) c.check(result);
      expect(result?.rows.length ?? 0, sql).toBeLessThanOrEqual(LIMIT);
      outcomes.push(`${result ? 'ran' : (error as QueryError).code} · ${sql.slice(0, 70)}`);
    }
    // Nothing changed, nothing written: the store, the snapshot, the data dir, /tmp.
    expect(await hashTree()).toBe(before);
    expect(existsSync(`/tmp/${marker}.csv`) || existsSync(`/tmp/${marker}`) || existsSync(`/tmp/${marker}.duckdb`)).toBe(false);
    expect(existsSync(join(dataDir, `${marker}.parquet`))).toBe(false);
    const newInTmp = readdirSync(tmpdir()).filter((f) => !tmpBefore.has(f) && (f.includes(marker) || f === 'x.csv' || f === 'x.duckdb'));
    expect(newInTmp).toEqual([]);
    expect(outcomes.filter((o) => o.startsWith('timeout')).length).toBeGreaterThanOrEqual(3);
  }, 180_000);

  it('keeps the row cap at the top end too', async () => {
    const r = await runAnalystQuery({ snapshotPath, connection: db.connection, sql: 'SELECT * FROM range(150000)', limit: 100_000 });
    expect(r.rows).toHaveLength(100_000);
    expect(r.truncated).toBe(true);
  });
});
