// The country's summary after a change is made for the changed dongs' cities alone and put in place
// of those cities' rows in the last answer (a city's groups and flags rest on its own dongs only):
// byte for byte the answer written afresh from every row, in a country of several cities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kind } from '../../domain/index.ts';
import { comparisonAnswer, splices } from '../../service/store/compare/answers.ts';
import type { Store } from '../../service/store/store.ts';
import { batch } from '../support/service.ts';
import { generatedApp, type Pulled } from '../support/country.ts';

const today = '2020-12-31';
let store: Store;
let country: Awaited<ReturnType<typeof generatedApp>> | undefined;
let manager: string;

beforeAll(async () => {
  country = await generatedApp({ dongs: 90, years: 2, seed: 5, cities: 3 });
  store = country.store;
  manager = (await store.createToken({ role: 'manager', name: '관리자' })).token;
});
afterAll(() => country?.close());

const live = (kind: Kind) => country!.live(kind);

/** Edits one row of each dong given, as an official would (its base revision the stored one). */
const edit = (kind: Kind, rows: Pulled[], change: (v: Record<string, unknown>) => Record<string, unknown>) =>
  country!.sync(kind, batch(rows.map((r) => ({ rowId: r.rowId, baseRevision: r.revision, values: change(r.values) }))));

/** The served summary and the one a fresh connection writes from every row, as bytes. */
async function served(query: Record<string, string>) {
  const res = await country!.request('GET', `/api/compare/summary?${new URLSearchParams({ ...query, today })}`, manager);
  expect(res.status).toBe(200);
  const body = Buffer.from(await res.arrayBuffer());
  const fresh = await store.db.instance.connect();
  try {
    return { body, whole: (await comparisonAnswer(fresh, 'summary', { ...query, today }, 'json')).body };
  } finally {
    fresh.closeSync();
  }
}

describe('the summary brought up to date by city', () => {
  it('after changes in one city, in two, and a row moved between cities: the whole answer written afresh, made from the changed cities alone', async () => {
    const cityOf = (dong: unknown) => store.reference.dongByCode.get(String(dong))!.city;
    const spending = await live('spending');
    const cities = [...new Set(spending.map((r) => cityOf(r.values.dong)))].sort();
    expect(cities.length).toBe(3);
    const ofCity = (city: string, rows: Pulled[]) => rows.find((r) => cityOf(r.values.dong) === city)!;
    for (const query of [{}, { rank: 'true' }, { phase: '2' }] as Record<string, string>[]) {
      const first = await served(query);
      expect(first.body.equals(first.whole)).toBe(true);
    }

    const steps: [string, () => Promise<void>][] = [
      ['one city', () => edit('spending', [ofCity(cities[1]!, spending)], (v) => ({ ...v, executedKrw: 0 }))],
      [
        'two cities',
        async () =>
          edit('participation', [ofCity(cities[0]!, await live('participation')), ofCity(cities[2]!, await live('participation'))], (v) => ({
            ...v,
            activity: '주민총회',
            voters: 9_999,
          })),
      ],
      [
        'a row moved to another city',
        async () => {
          const row = ofCity(cities[2]!, await live('spending'));
          const to = store.reference.reference.dongs.find((d) => d.city === cities[0])!.code;
          await edit('spending', [row], (v) => ({ ...v, dong: to, executedKrw: 5_000_000 }));
        },
      ],
    ];
    for (const [step, change] of steps) {
      await change();
      // The country's, and ranked (a manager's or analyst's); one phase's is cut from the country's (summary-choice.ts).
      for (const [query, spliced] of [
        [{}, 1],
        [{ rank: 'true' }, 1],
        [{ phase: '2' }, 0],
      ] as [Record<string, string>, number][]) {
        const before = splices.count;
        const { body, whole } = await served(query);
        expect(splices.count - before, `${step} ${JSON.stringify(query)}: made from the changed cities`).toBe(spliced);
        expect(body.toString(), `${step} ${JSON.stringify(query)}`).toBe(whole.toString());
      }
    }
  });
});
