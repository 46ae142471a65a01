// The analyst snapshot after a sync is the last one brought up to date (the rows changed since its
// revision replaced), not copied whole: it must hold exactly what a whole copy of the same data
// holds, table by table and row by row — new rows, edits, deletes, a row moved to another city's
// dong — for the country and for one city's analysts; a new reference, or too many updates in a
// row, copies it whole again, as does a last file gone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Kind } from '../../domain/index.ts';
import { Snapshots, refreshSnapshot, snapshotLimits, snapshotTables } from '../../service/store/query/snapshot.ts';
import type { Store } from '../../service/store/store.ts';
import { batch } from '../support/service.ts';
import { generatedApp } from '../support/country.ts';

let store: Store;
let country: Awaited<ReturnType<typeof generatedApp>> | undefined;
let dir: string;

beforeAll(async () => {
  country = await generatedApp({ dongs: 60, years: 2, seed: 11, cities: 2 });
  store = country.store;
  dir = mkdtempSync(join(tmpdir(), 'jachi-snapshots-'));
});
afterAll(() => {
  country?.close();
  rmSync(dir, { recursive: true, force: true });
});

const live = (kind: Kind) => country!.live(kind);
const sync = (kind: Kind, body: ReturnType<typeof batch>) => country!.sync(kind, body);

/** A dong of each city, by the dongs table. */
async function dongOfEachCity(): Promise<string[]> {
  return store.withReader(async (c) => (await c.runAndReadAll('SELECT min(code) AS code FROM dongs GROUP BY city ORDER BY city')).getRowObjects().map((r) => String(r.code)));
}

/** Each table's rows in `a` and not in `b`, and in `b` and not in `a` (counted as multisets), by table: empty when the two hold the same. */
async function differences(a: string, b: string): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    await c.run(`ATTACH '${a}' AS a (READ_ONLY)`);
    await c.run(`ATTACH '${b}' AS b (READ_ONLY)`);
    const found: Record<string, number> = {};
    for (const table of snapshotTables) {
      const [row] = (
        await c.runAndReadAll(
          `SELECT (SELECT count(*) FROM (SELECT * FROM a.${table} EXCEPT ALL SELECT * FROM b.${table})) + (SELECT count(*) FROM (SELECT * FROM b.${table} EXCEPT ALL SELECT * FROM a.${table})) AS n`,
        )
      ).getRowObjects();
      if (Number(row!.n) > 0) found[table] = Number(row!.n);
    }
    return found;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** The rows of a selection (`FROM` it: a table, with its WHERE) in a snapshot file. */
async function count(path: string, from: string): Promise<number> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const c = await instance.connect();
  try {
    return Number((await c.runAndReadAll(`SELECT count(*) AS n FROM ${from}`)).getRowObjects()[0]!.n);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

let generation = 0;
/** A whole copy of the store's views now, to hold an updated snapshot against. */
async function whole(city?: string): Promise<string> {
  const path = join(dir, `whole-${++generation}.duckdb`);
  await refreshSnapshot(store.db.instance, path, city);
  return path;
}

const version = (reference: unknown = store.reference) => ({ revision: store.revision, reference });

describe('the analyst snapshot brought up to date after a sync', () => {
  it('holds exactly what a whole copy holds after new rows, edits, deletes and a row moved to another city, for the country and for one city', async () => {
    const [home, away] = await dongOfEachCity();
    const ofCountry = new Snapshots({ source: store.db.instance, base: join(dir, 'country'), inUse: () => false });
    const homeCity = await store.withReader(async (c) => String((await c.runAndReadAll('SELECT city FROM dongs WHERE code = $code', { code: home! })).getRowObjects()[0]!.city));
    const ofCity = new Snapshots({ source: store.db.instance, base: join(dir, 'city'), inUse: () => false, city: homeCity });
    const first = [await ofCountry.take(version()), await ofCity.take(version())];
    expect([ofCountry.updated, ofCity.updated]).toEqual([0, 0]);

    const spending = (await live('spending')).filter((r) => r.values.dong === home);
    const participation = (await live('participation')).filter((r) => r.values.dong === home);
    const progress = (await live('progress')).filter((r) => r.values.dong === home);
    expect(spending.length).toBeGreaterThan(2);
    expect(participation.length).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
    // A new line, an edited one and one moved to the other city's dong; an edited activity; a deleted milestone.
    await sync(
      'spending',
      batch([
        { values: { ...spending[0]!.values, item: '새로 적은 줄', budgetKrw: 1_234_000 } },
        { rowId: spending[1]!.rowId, baseRevision: spending[1]!.revision, values: { ...spending[1]!.values, budgetKrw: 7_777_000 } },
        { rowId: spending[2]!.rowId, baseRevision: spending[2]!.revision, values: { ...spending[2]!.values, dong: away } },
      ]),
    );
    await sync('participation', batch([{ rowId: participation[0]!.rowId, baseRevision: participation[0]!.revision, values: { ...participation[0]!.values, participants: 321 } }]));
    await sync('progress', batch([], [{ rowId: progress[0]!.rowId, baseRevision: progress[0]!.revision }]));

    const updated = [await ofCountry.take(version()), await ofCity.take(version())];
    expect([ofCountry.updated, ofCity.updated]).toEqual([1, 1]);
    expect(updated).not.toContain(first[0]);
    expect(await differences(updated[0]!, await whole())).toEqual({});
    expect(await differences(updated[1]!, await whole(homeCity))).toEqual({});
    // And the change is there: the country's file has the new line, the city's lost the moved one.
    expect(await count(updated[0]!, "spending WHERE item = '새로 적은 줄'")).toBe(1);
    expect(await count(updated[1]!, `spending WHERE rowId = '${spending[2]!.rowId}'`)).toBe(0);
    for (const paths of [first, updated]) {
      ofCountry.release(paths[0]!);
      ofCity.release(paths[1]!);
    }
  });

  it("several cities' snapshots brought up to date at once", async () => {
    const codes = await store.withReader(async (c) => (await c.runAndReadAll('SELECT DISTINCT city FROM dongs ORDER BY city')).getRowObjects().map((r) => String(r.city)));
    const all = [undefined, ...codes].map(
      (city, i) => new Snapshots({ source: store.db.instance, base: join(dir, `at-once-${i}`), inUse: () => false, ...(city ? { city } : {}) }),
    );
    const takeAll = async () => {
      const paths = await Promise.all(all.map((s) => s.take(version())));
      all.forEach((s, i) => s.release(paths[i]!));
    };
    await takeAll();
    for (const budgetKrw of [2_000_001, 2_000_002]) {
      const row = (await live('spending'))[0]!;
      await sync('spending', batch([{ rowId: row.rowId, baseRevision: row.revision, values: { ...row.values, budgetKrw } }]));
      await takeAll();
    }
    expect(all.map((s) => s.updated)).toEqual(all.map(() => 2));
  });

  it('a new reference copies the snapshot whole, and so does the update after too many in a row', async () => {
    const snapshots = new Snapshots({ source: store.db.instance, base: join(dir, 'limits'), inUse: () => false });
    snapshots.release(await snapshots.take(version()));
    const row = (await live('spending'))[0]!;
    const edit = async (budgetKrw: number) => {
      const now = (await live('spending')).find((r) => r.rowId === row.rowId)!;
      await sync('spending', batch([{ rowId: now.rowId, baseRevision: now.revision, values: { ...now.values, budgetKrw } }]));
    };
    await edit(1_000_001);
    snapshots.release(await snapshots.take(version()));
    expect(snapshots.updated).toBe(1);
    // The same data over another reference object: copied whole.
    const other = { another: true };
    await edit(1_000_002);
    snapshots.release(await snapshots.take(version(other)));
    expect([snapshots.made, snapshots.updated]).toEqual([3, 1]);

    // The last file gone (removed by hand): the update cannot copy it, and the snapshot is copied whole.
    await edit(1_000_010);
    rmSync(snapshots.latest!);
    snapshots.release(await snapshots.take(version(other)));
    expect([snapshots.made, snapshots.updated]).toEqual([4, 1]);
    expect(await differences(snapshots.latest!, await whole())).toEqual({});

    const kept = { ...snapshotLimits };
    snapshotLimits.updatesBeforeWhole = 2;
    try {
      const reference = { another: true };
      snapshots.release(await snapshots.take(version(reference)));
      for (const budgetKrw of [1_000_003, 1_000_004, 1_000_005]) {
        await edit(budgetKrw);
        snapshots.release(await snapshots.take(version(reference)));
      }
      // Two updates, then a whole copy.
      expect([snapshots.made, snapshots.updated]).toEqual([8, 3]);
      expect(await differences(snapshots.latest!, await whole())).toEqual({});
    } finally {
      Object.assign(snapshotLimits, kept);
    }
  });
});
