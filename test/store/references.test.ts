// The reference room (service/store/references.ts): who reads which dongs, and answers kept over an
// older reference are not served after it is replaced.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store, type Actor } from '../../service/store/store.ts';
import { daejeonReference } from '../../domain/index.ts';

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jachi-references-'));
  store = await Store.open(join(dir, 'jachi.duckdb'));
});
afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const actor = (over: Partial<Actor>): Actor => ({ tokenId: 't', name: 'n', role: 'analyst', dong: null, district: null, city: null, ...over });
const codeOf = (name: string) => store.reference.reference.dongs.find((d) => d.name === name)!.code;
const districtOf = (name: string) => store.reference.reference.districts.find((d) => d.name === name)!.code;

describe('References', () => {
  it('a dong official reads its dong; a district official its dongs and its own rows; the others all', () => {
    expect(store.scopeDongs(actor({ role: 'dong', dong: codeOf('가양2동') }))).toEqual([codeOf('가양2동')]);
    const daedeok = store.scopeDongs(actor({ role: 'district', district: districtOf('대덕구') }))!;
    const daedeokDongs = store.reference.reference.dongs.filter((d) => d.district === districtOf('대덕구')).map((d) => d.code);
    expect(new Set(daedeok)).toEqual(new Set([...daedeokDongs, districtOf('대덕구')]));
    expect(daedeok).not.toContain(codeOf('가양2동'));
    for (const role of ['analyst', 'manager', 'admin'] as const) expect(store.scopeDongs(actor({ role }))).toBeUndefined();
  });

  it('finds a dong by code, by name, or by "구 동"', () => {
    const code = codeOf('가양2동');
    expect(store.reference.resolveDong(code)).toMatchObject({ code });
    expect(store.reference.resolveDong('가양2동')).toMatchObject({ code });
    expect(store.reference.resolveDong('동구 가양2동')).toMatchObject({ code });
    expect(store.reference.resolveDong('없는동')).toBeUndefined();
  });

  it("loading the reference again moves the answers' version on, so no answer over the old one is served", async () => {
    const before = store.answersVersion('summary');
    const reference = daejeonReference;
    await store.loadReference({ ...reference, dongs: reference.dongs.map((d) => (d.name === '가양2동' ? { ...d, population: { ...d.population, '2019': 12_345 } } : d)) });
    expect(store.answersVersion('summary')).not.toBe(before);
    expect(store.reference.reference.dongs.find((d) => d.name === '가양2동')!.population['2019']).toBe(12_345);
  });
});
