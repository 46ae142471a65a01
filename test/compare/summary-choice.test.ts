// A filtered summary is cut from the whole one (service/store/compare/summary-choice.ts): the same
// rows, in the same order, as summary.sql run with those filters; and no reader is taken for it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runComparison, type ComparisonParams } from '../../service/store/compare/index.ts';
import { chosenSummary, summaryChoice } from '../../service/store/compare/summary-choice.ts';
import { Readers } from '../../service/store/readers.ts';
import type { Store } from '../../service/store/store.ts';
import { generatedStore } from '../support/country.ts';

const today = '2020-06-30';
let store: Store;
let country: Awaited<ReturnType<typeof generatedStore>> | undefined;
beforeAll(async () => {
  // Three cities of two cohorts over two years: city, continuing and flagged dong rows in each.
  country = await generatedStore({ dongs: 90, years: 2, cities: 3, seed: 11 });
  store = country.store;
});
afterAll(() => country?.close());

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

  it('after a sync, a district’s and a city’s summaries are cut from the new whole one', async () => {
    const admin = await store.createToken({ role: 'admin', name: 'summary-choice' });
    const actor = (await store.authenticate(admin.token)) as Exclude<Awaited<ReturnType<Store['authenticate']>>, 'expired' | undefined | string>;
    const dong = store.reference.reference.dongs[0]!;
    const filters: ComparisonParams[] = [{ district: dong.district }, { city: dong.city, phase: '2' }];
    const before = await Promise.all(filters.map(answerRows));
    // A crowded assembly in phase 2: its city's turnout figures move, and perhaps its flags.
    const assembly = { dong: dong.code, phase: 2, date: '2020-05-01', activity: '주민총회', title: '총회', participants: 4_000 };
    const synced = await store.sync('participation', { batchId: randomUUID(), rows: [{ rowId: randomUUID(), baseRevision: null, values: assembly }], deletes: [] }, actor);
    expect(synced.results[0]!.status).toBe('accepted');
    for (const [i, params] of filters.entries()) {
      const expected = await sqlRows(params);
      const after = await answerRows(params);
      expect(after, JSON.stringify(params)).toEqual({ columns: expected.columns, rows: expected.rows });
      expect(after).not.toEqual(before[i]);
    }
  });

  it('copies the chosen rows’ lines as DuckDB wrote them: text with quotes and escapes, none chosen', () => {
    const row = (kind: string, district: string | null, dong: string | null, note: string) => ({ kind, city: '11', district, dong, phase: 1, cohort: 1, note });
    const rows = [row('city', null, null, 'a "quoted", \\ and \n'), row('dong', '11110', '11110-a', '줄\t바꿈'), row('dong', '11120', '11120-b', '}, {')];
    const layout = (list: object[]) => (list.length === 0 ? '[\n\t\n]\n' : `[\n\t${list.map((r) => JSON.stringify(r)).join(',\n\t')}\n]\n`);
    const whole = { body: Buffer.from(`{"columns":[{"name":"kind","type":"VARCHAR"}],"rows":${layout(rows)}}`), rows: rows.length };
    const cut = (districts: string[]) => chosenSummary(whole, { phases: null, cohorts: null, cities: null, districts: new Set(districts), dongs: null });
    const one = cut(['11120']);
    expect(JSON.parse(one.body.toString())).toEqual({ columns: [{ name: 'kind', type: 'VARCHAR' }], rows: [rows[0], rows[2]] });
    expect(one.rows).toBe(2);
    expect(JSON.parse(chosenSummary(whole, { phases: new Set([2]), cohorts: null, cities: null, districts: null, dongs: null }).body.toString()).rows).toEqual([]);
    // The same lines as DuckDB would write for those rows.
    expect(one.body.toString()).toBe(`{"columns":[{"name":"kind","type":"VARCHAR"}],"rows":${layout([rows[0]!, rows[2]!])}}`);
  });

  it('is the whole answer when nothing is filtered; a bad filter is refused as before', () => {
    expect(summaryChoice({ today })).toBeUndefined();
    expect(summaryChoice({ today, rank: 'true' })).toBeUndefined();
    expect(summaryChoice({ today, district: '11111', rank: 'true' })?.whole).toEqual({ today, rank: true });
    expect(() => summaryChoice({ today, phase: 'abc' })).toThrow(/phase/);
  });
});
