import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { batch, spendingRow, startService, type TestService } from '../support/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(() => svc.close());

/** Another city: one district, two dongs, one phase. */
const sejong = {
  city: '세종특별자치시',
  districts: [{ code: '36110', name: '세종시' }],
  dongs: [
    { code: '36110-hansol', name: '한솔동', district: '36110', adminCode: null, joinedPhase: 1, population: { '2021': 21000 }, populationIllustrative: true },
    { code: '36110-dodam', name: '도담동', district: '36110', adminCode: null, joinedPhase: 1, population: {}, populationIllustrative: false },
  ],
  phases: [{ phase: 1, name: '1단계', year: 2021, start: '2021-01-01', end: '2021-12-31' }],
};

describe('reference data', () => {
  const jachi = (...args: string[]) => execFileSync(process.execPath, ['bin/jachi.mjs', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('loads another city beside Daejeon with its own phases, and replaces only that city (command line)', () => {
    const db = join(svc.dir, 'city.duckdb');
    const shown = JSON.parse(jachi('reference', 'show', '--db', db));
    expect(shown.dongs).toHaveLength(20);
    // One city's set, in the shape `reference load` takes: loading it back changes nothing.
    const daejeon = JSON.parse(jachi('reference', 'show', '--city', '대전', '--db', db));
    expect(daejeon).toMatchObject({ city: '대전광역시', cityCode: '30' });
    expect(daejeon.dongs).toHaveLength(20);
    expect(daejeon.dongs[0].city).toBeUndefined();
    const again = join(svc.dir, 'daejeon.json');
    writeFileSync(again, JSON.stringify(daejeon));
    jachi('reference', 'load', again, '--replace', '--db', db);
    expect(JSON.parse(jachi('reference', 'show', '--db', db))).toEqual(shown);
    const file = join(svc.dir, 'sejong.json');
    writeFileSync(file, JSON.stringify(sejong));
    expect(jachi('reference', 'load', file, '--db', db)).toContain('동 2');
    const both = JSON.parse(jachi('reference', 'show', '--db', db));
    expect(both.cities.map((c: any) => c.name)).toEqual(['대전광역시', '세종특별자치시']);
    // Each city keeps its own calendar: phase 1 is 2018–2019 in Daejeon and 2021 in Sejong.
    expect(both.cities[1].phases).toEqual(sejong.phases);
    expect(both.cities[0].phases[0]).toMatchObject({ phase: 1, start: '2018-08-01', end: '2019-12-31' });
    expect(both.dongs.filter((d: any) => d.city === '36').map((d: any) => d.name)).toEqual(['도담동', '한솔동']);
    // --replace replaces the city the file is of, never another city.
    writeFileSync(file, JSON.stringify({ ...sejong, dongs: [sejong.dongs[0]] }));
    jachi('reference', 'load', file, '--replace', '--db', db);
    const after = JSON.parse(jachi('reference', 'show', '--db', db));
    expect(after.dongs.filter((d: any) => d.city === '36').map((d: any) => d.name)).toEqual(['한솔동']);
    expect(after.dongs.filter((d: any) => d.city === '30')).toHaveLength(20);
  });

  it('refuses a reference set that contradicts itself, in Korean, changing nothing', () => {
    const file = join(svc.dir, 'broken.json');
    writeFileSync(file, JSON.stringify({ ...sejong, dongs: [{ ...sejong.dongs[0], district: '99999' }] }));
    try {
      jachi('reference', 'load', file, '--db', join(svc.dir, 'broken.duckdb'));
      expect.unreachable();
    } catch (error) {
      expect((error as { stderr: string }).stderr).toContain("구 '99999'이(가) 목록에 없습니다");
    }
  });

  it('loads over HTTP for admins only, and never drops a dong that has rows', async () => {
    expect((await svc.json('PUT', '/api/reference', 'manager', sejong)).status).toBe(403);
    // The meta written before is not the one served after (it is kept per reference).
    expect((await svc.json('GET', '/api/meta', 'admin')).body.dongs).toHaveLength(20);
    // Added beside Daejeon's: the new dongs can be written at once.
    const added = await svc.json('PUT', '/api/reference', 'admin', sejong);
    expect(added.body).toEqual({ districts: 1, dongs: 2, phases: 1 });
    const meta = (await svc.json('GET', '/api/meta', 'admin')).body;
    expect(meta.dongs).toHaveLength(22);
    expect(meta.cities.map((c: any) => c.code)).toEqual(['30', '36']);
    const sejongRow = await svc.json('POST', '/api/sync/spending', 'admin', batch([{ values: spendingRow({ dong: '한솔동', executedOn: '2021-03-02' }) }]));
    expect(sejongRow.body.results[0].status).toBe('accepted');
    expect(sejongRow.body.results[0].warnings ?? []).toEqual([]);
    // Replacing Sejong's set without 한솔동, which has a row, is refused and changes nothing.
    const refused = await svc.json('PUT', '/api/reference?replace=true', 'admin', { ...sejong, dongs: [sejong.dongs[1]] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message.ko).toContain('한솔동');
    expect((await svc.json('GET', '/api/meta', 'admin')).body.dongs).toHaveLength(22);
    // A code another city owns is refused.
    const stolen = await svc.json('PUT', '/api/reference', 'admin', { ...sejong, dongs: [...sejong.dongs, { ...sejong.dongs[0], code: '30110-gayang2', name: '가양동' }] });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.message.ko).toContain('다른 시·도');
  });
});
