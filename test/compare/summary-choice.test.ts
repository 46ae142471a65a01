// A filtered summary is cut from the whole one (service/store/compare/summary-choice.ts): the same
// rows, in the same order, as summary.sql run with those filters; and no reader is taken for it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runComparison, type ComparisonParams } from '../../service/store/compare/index.ts';
import { summaryChoice } from '../../service/store/compare/summary-choice.ts';
import { openDatabase } from '../../service/store/db.ts';
import { generateDemo } from '../../service/store/generate.ts';
import { Readers } from '../../service/store/readers.ts';
import { Store } from '../../service/store/store.ts';

const today = '2020-06-30';
let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jachi-summary-choice-'));
  const path = join(dir, 'country.duckdb');
  // Three cities of two cohorts over two years: city, continuing and flagged dong rows in each.
  const db = await openDatabase(path);
  await generateDemo(db.connection, { dongs: 90, years: 2, cities: 3, seed: 11 });
  db.connection.closeSync();
  db.instance.closeSync();
  store = await Store.open(path);
});
afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const answerRows = async (params: ComparisonParams) => JSON.parse((await store.compareAnswer('summary', { ...params, today }, 'json')).body.toString('utf8')) as object;
const sqlRows = (params: ComparisonParams) => store.withReader((c) => runComparison(c, 'summary', { ...params, today }));

describe('a filtered summary, cut from the whole one', () => {
  it('sends exactly the rows summary.sql sends for the same filters, in its order, for filters chosen at random', async () => {
    const whole = (await sqlRows({ rank: true })).rows as { city: string; district: string | null; dong: string | null; kind: string }[];
    const cities = [...new Set(whole.map((r) => r.city))];
    const districts = [...new Set(whole.flatMap((r) => (r.district ? [r.district] : [])))];
    const dongs = [...new Set(whole.flatMap((r) => (r.dong ? [r.dong] : [])))];
    expect(cities.length).toBe(3);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const some = <T>(list: readonly T[]) => list.filter(() => random() < 0.3);
    let dongRows = 0;
    for (let round = 0; round < 40; round++) {
      const params: ComparisonParams = {};
      if (random() < 0.4) params.phase = some([1, 2]).map(String);
      if (random() < 0.4) params.cohort = some([1, 2]).map(String);
      if (random() < 0.4) params.city = some(cities);
      if (random() < 0.5) params.district = some(districts);
      if (random() < 0.3) params.dong = some(dongs);
      if (random() < 0.4) params.rank = 'true';
      const expected = await sqlRows(params);
      expect(await answerRows(params), JSON.stringify(params)).toEqual({ columns: expected.columns, rows: expected.rows });
      dongRows += expected.rows.filter((r) => r.kind === 'dong').length;
    }
    // The random filters did choose among flagged dongs' rows, not only among the cities' groups.
    expect(dongRows).toBeGreaterThan(0);
  });

  it('takes no reader once the whole summary is made: every district’s summary is the whole one’s rows', async () => {
    // Another day than the first test's: answers not made yet.
    const today = '2020-07-01';
    const scans = vi.spyOn(Readers.prototype, 'scan');
    try {
      await store.compareAnswer('summary', { today }, 'json');
      const made = scans.mock.calls.length;
      const districts = store.reference.reference.districts.slice(0, 4);
      for (const d of districts) await store.compareAnswer('summary', { today, district: d.code }, 'json');
      expect(scans.mock.calls.length).toBe(made);
      // A ranking is another whole answer: computed once, then cut too.
      await store.compareAnswer('summary', { today, rank: 'true', district: districts[0]!.code }, 'json');
      await store.compareAnswer('summary', { today, rank: 'true', district: districts[1]!.code }, 'json');
      expect(scans.mock.calls.length).toBe(made + 1);
    } finally {
      scans.mockRestore();
    }
  });

  it('is the whole answer when nothing is filtered; a bad filter is refused as before', () => {
    expect(summaryChoice({ today })).toBeUndefined();
    expect(summaryChoice({ today, rank: 'true' })).toBeUndefined();
    expect(summaryChoice({ today, district: '11111', rank: 'true' })?.whole).toEqual({ today, rank: true });
    expect(() => summaryChoice({ today, phase: 'abc' })).toThrow(/phase/);
  });
});
