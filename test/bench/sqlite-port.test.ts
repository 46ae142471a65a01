/**
 * The bench's SQLite baseline answers the same question as the service: on a small generated
 * country each named comparison gives the same rows in SQLite (./sqlite.ts) as runComparison gives
 * in DuckDB. When a comparison's SQL changes, this fails until the port follows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonNames } from '../../domain/index.ts';
import { runComparison } from '../../service/store/compare/index.ts';
import { openDatabase, type Database } from '../../service/store/db.ts';
import { generateDemo } from '../../service/store/generate.ts';
import { rowKeys } from './compare.ts';
import { sameRows, sameValue } from './same-rows.ts';
import { Sqlite, copyToSqlite, sqliteParams, sqliteQueries, sqliteSchema, type SqliteDatabase } from './sqlite.ts';

const TODAY = '2021-06-01';

describe('sameRows', () => {
  it('takes booleans as 1 and 0, numbers to 1e-9, and rows in any order', () => {
    expect(sameValue(true, 1)).toBe(true);
    expect(sameValue(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameValue(1000.0000001, 1000)).toBe(true);
    expect(sameValue(1000.00001, 1000)).toBe(false);
    const a = [{ k: 1, v: 'x' }, { k: 2, v: 'y' }];
    const check = sameRows(['k', 'v'], a, [a[1]!, a[0]!], ['k']);
    expect(check).toMatchObject({ same: true, sameOrder: false });
  });

  it('names what differs', () => {
    const check = sameRows(['k', 'v'], [{ k: 1, v: 0.5 }], [{ k: 1, v: 0.25 }, { k: 2, v: 1 }], ['k']);
    expect(check.same).toBe(false);
    expect(check.problems.join('\n')).toMatch(/row counts differ/);
    expect(check.problems.join('\n')).toMatch(/v is 0.5 in DuckDB, 0.25 in SQLite/);
    expect(check.problems.join('\n')).toMatch(/only in SQLite/);
  });
});

describe('the SQLite port of the comparisons', () => {
  let dir: string;
  let db: Database;
  let sqlite: SqliteDatabase;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jachi-sqlite-port-'));
    db = await openDatabase(join(dir, 'port.duckdb'), { threads: 1 });
    await generateDemo(db.connection, { dongs: 60, years: 3, seed: 7 });
    sqlite = new Sqlite(':memory:');
    sqlite.exec(sqliteSchema);
    await copyToSqlite(db.connection, sqlite);
  });

  afterAll(() => {
    sqlite?.close();
    db?.connection.closeSync();
    db?.instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const name of comparisonNames.filter((n) => n in sqliteQueries)) {
    it(`${name}: the same rows as the service`, async () => {
      const answer = await runComparison(db.connection, name, { today: TODAY });
      const rows = sqlite.prepare(sqliteQueries[name]!).all(sqliteParams(name, TODAY)) as Record<string, unknown>[];
      const check = sameRows(answer.columns.map((c) => c.name), answer.rows, rows, rowKeys[name]!);
      expect(check.problems).toEqual([]);
      expect(answer.rows.length).toBeGreaterThan(0);
    });
  }
});
