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

  it('shows the reference as JSON and loads another city’s in its place (command line)', () => {
    const db = join(svc.dir, 'city.duckdb');
    const shown = JSON.parse(jachi('reference', 'show', '--db', db));
    expect(shown.dongs).toHaveLength(20);
    const file = join(svc.dir, 'sejong.json');
    writeFileSync(file, JSON.stringify(sejong));
    expect(jachi('reference', 'load', file, '--replace', '--db', db)).toContain('동 2');
    const after = JSON.parse(jachi('reference', 'show', '--db', db));
    expect(after.dongs.map((d: any) => d.name)).toEqual(['도담동', '한솔동']);
    expect(after.phases).toEqual(sejong.phases);
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
    const written = await svc.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow() }]));
    expect(written.body.results[0].status).toBe('accepted');
    expect((await svc.json('PUT', '/api/reference', 'manager', sejong)).status).toBe(403);
    const refused = await svc.json('PUT', '/api/reference?replace=true', 'admin', sejong);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message.ko).toContain('가양2동');
    expect((await svc.json('GET', '/api/meta', 'admin')).body.dongs).toHaveLength(20);
    // Added beside Daejeon's (no replace): the new dongs can be written at once.
    const added = await svc.json('PUT', '/api/reference', 'admin', sejong);
    expect(added.body).toEqual({ districts: 1, dongs: 2, phases: 1 });
    const meta = (await svc.json('GET', '/api/meta', 'admin')).body;
    expect(meta.dongs).toHaveLength(22);
    const sejongRow = await svc.json('POST', '/api/sync/spending', 'admin', batch([{ values: spendingRow({ dong: '한솔동', executedOn: '2021-03-02' }) }]));
    expect(sejongRow.body.results[0].status).toBe('accepted');
  });
});
