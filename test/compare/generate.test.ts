import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runComparison } from '../../service/store/compare/index.ts';
import { openDatabase, type Database } from '../../service/store/db.ts';
import { generateDemo, type GenerateReport } from '../../service/store/generate.ts';

let db: Database;
let dir: string;
let report: GenerateReport;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jachi-generate-'));
  db = await openDatabase(join(dir, 'gen.duckdb'));
  report = await generateDemo(db.connection, { dongs: 60, years: 2, seed: 3 });
});
afterAll(() => {
  db.connection.closeSync();
  db.instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

const one = async (sql: string) => Number(Object.values((await db.connection.runAndReadAll(sql)).getRowObjects()[0]!)[0]);

describe('demo generate', () => {
  it('makes districts, dongs with populations, phases and all three kinds', async () => {
    expect(report).toMatchObject({ districts: 4, dongs: 60, phases: 2 });
    expect(await one('SELECT count(*) FROM districts')).toBe(4);
    expect(await one('SELECT count(*) FROM dongs')).toBe(60);
    expect(await one('SELECT min(population) FROM dong_population')).toBeGreaterThanOrEqual(4900);
    expect(await one('SELECT max(population) FROM dong_population')).toBeLessThanOrEqual(61000);
    expect(report.rows.spending).toBeGreaterThan(60 * 55);
    expect(report.rows.participation).toBeGreaterThan(60 * 20);
    expect(report.rows.progress).toBeGreaterThan(60 * 11);
  });

  it('has the messy cases: blanks, zero budgets, over-execution, 지연 and late milestones', async () => {
    expect(await one('SELECT count(*) FROM spending WHERE executedKrw IS NULL')).toBeGreaterThan(0);
    expect(await one('SELECT count(*) FROM spending WHERE budgetKrw = 0')).toBeGreaterThan(0);
    expect(await one('SELECT count(*) FROM spending WHERE executedKrw > budgetKrw')).toBeGreaterThan(0);
    expect(await one("SELECT count(*) FROM progress WHERE status = '지연'")).toBeGreaterThan(0);
    expect(await one("SELECT count(*) FROM progress WHERE status = '완료' AND completedOn > plannedOn")).toBeGreaterThan(0);
    expect(await one('SELECT count(*) FROM participation WHERE newParticipants IS NULL')).toBeGreaterThan(0);
  });

  it('keeps the rules: done has a date and 100, new ≤ participants, no date without done', async () => {
    expect(await one("SELECT count(*) FROM progress WHERE status = '완료' AND (completedOn IS NULL OR progressPct < 100)")).toBe(0);
    expect(await one("SELECT count(*) FROM progress WHERE status <> '완료' AND completedOn IS NOT NULL")).toBe(0);
    expect(await one('SELECT count(*) FROM participation WHERE newParticipants > participants')).toBe(0);
  });

  it('stamps unique, increasing revisions with an audit record each', async () => {
    const total = report.rows.spending + report.rows.participation + report.rows.progress;
    expect(
      await one(
        'SELECT count(DISTINCT revision) FROM (SELECT revision FROM spending_rows UNION ALL SELECT revision FROM participation_rows UNION ALL SELECT revision FROM progress_rows)',
      ),
    ).toBe(total);
    expect(await one('SELECT count(*) FROM row_audit')).toBe(total);
    expect(report.revision).toBe(total);
    expect(await one("SELECT count(*) FROM spending_rows WHERE updatedBy <> 'demo-generate' OR source <> 'demo generate'")).toBe(0);
  });

  it('makes many cities with their own phases; a name is unique within its district, a district name repeats across cities', async () => {
    const cities = await openDatabase(join(dir, 'cities.duckdb'));
    try {
      const made = await generateDemo(cities.connection, { dongs: 60, years: 2, cities: 3, seed: 3 });
      expect(made).toMatchObject({ cities: 3, districts: 4, dongs: 60 });
      const ask = async (sql: string) => (await cities.connection.runAndReadAll(sql)).getRowObjectsJson();
      expect(await ask("SELECT city, count(*) AS phases FROM phases WHERE city >= '51' GROUP BY city ORDER BY city")).toEqual([
        { city: '51', phases: '2' },
        { city: '52', phases: '2' },
        { city: '53', phases: '2' },
      ]);
      expect(await ask("SELECT count(*) AS n FROM (SELECT district, name FROM dongs WHERE city >= '51' GROUP BY ALL HAVING count(*) > 1)")).toEqual([{ n: '0' }]);
      expect(await ask("SELECT name, count(DISTINCT city) AS cities FROM districts WHERE name = '중앙구' GROUP BY name")).toEqual([{ name: '중앙구', cities: '3' }]);
      // Every dong has its city, a 10-digit 행정동 code of its district, and rows in its city's phases only.
      expect(
        await ask(
          "SELECT count(*) AS n FROM dongs d JOIN districts g ON g.code = d.district WHERE d.city IS DISTINCT FROM g.city OR NOT regexp_matches(d.adminCode, '^' || d.district || '[0-9]{5}$')",
        ),
      ).toEqual([{ n: '0' }]);
      expect(await ask('SELECT count(*) AS n FROM spending s ANTI JOIN phases p ON p.city = s.city AND p.phase = s.phase')).toEqual([{ n: '0' }]);
      const { rows } = await runComparison(cities.connection, 'summary', { today: '2021-06-30' });
      expect(new Set(rows.filter((r) => r.kind === 'city').map((r) => r.city))).toEqual(new Set(['51', '52', '53']));
    } finally {
      cities.connection.closeSync();
      cities.instance.closeSync();
    }
  });

  it('is deterministic for a seed, and every comparison runs on it', async () => {
    const sum = await one('SELECT sum(budgetKrw) FROM spending');
    const again = await openDatabase(join(dir, 'again.duckdb'));
    await generateDemo(again.connection, { dongs: 60, years: 2, seed: 3 });
    const sum2 = Number(Object.values((await again.connection.runAndReadAll('SELECT sum(budgetKrw) FROM spending')).getRowObjects()[0]!)[0]);
    again.connection.closeSync();
    again.instance.closeSync();
    expect(sum2).toBe(sum);
    for (const name of ['spending', 'participation', 'progress', 'phases', 'summary']) {
      expect((await runComparison(db.connection, name, {})).rows.length, name).toBeGreaterThan(0);
    }
  });
});
