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
    const a = [
      { k: 1, v: 'x' },
      { k: 2, v: 'y' },
    ];
    const check = sameRows(['k', 'v'], a, [a[1]!, a[0]!], ['k']);
    expect(check).toMatchObject({ same: true, sameOrder: false });
  });

  it('names what differs', () => {
    const check = sameRows(
      ['k', 'v'],
      [{ k: 1, v: 0.5 }],
      [
        { k: 1, v: 0.25 },
        { k: 2, v: 1 },
      ],
      ['k'],
    );
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
    // The generator writes no 자치계획: agendas for the headline agendaCompletionRate, some dongs
    // with none adopted (no figure), some with 가결 left blank (read from the status).
    await db.connection.run(`
      INSERT INTO agendas_rows
      SELECT uuid(), 1, false, 'port test', now(), NULL, NULL, d.code, p.phase, p.year, 'agenda ' || r.i, NULL, NULL, NULL, NULL, NULL,
             CASE WHEN h % 7 = 0 THEN NULL WHEN h % 5 = 3 THEN false ELSE true END, NULL, NULL,
             CASE h % 5 WHEN 0 THEN '완료' WHEN 1 THEN '가결' WHEN 2 THEN '실행중' WHEN 3 THEN '부결' ELSE '완료' END, NULL, NULL,
             NULL -- baseRevision (migration 007)
      FROM dongs d CROSS JOIN phases p CROSS JOIN range(6) r(i)
      CROSS JOIN LATERAL (SELECT hash(d.code, p.phase, r.i) AS h) x
      WHERE r.i < hash(d.code, p.phase) % 6`);
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
      const check = sameRows(
        answer.columns.map((c) => c.name),
        answer.rows,
        rows,
        rowKeys[name]!,
      );
      expect(check.problems).toEqual([]);
      expect(answer.rows.length).toBeGreaterThan(0);
      if (name === 'summary') expect(answer.rows.filter((r) => r.figure === 'agendaCompletionRate' && r.kind === 'dong').length).toBeGreaterThan(0);
      if (name === 'phases') expect(answer.rows.filter((r) => typeof r.agendaCompletionRateDelta === 'number').length).toBeGreaterThan(0);
    });
  }
});
