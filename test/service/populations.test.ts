// `jachi reference populations FILE.csv`: the 주민등록 인구통계 CSV as an official downloads it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../service/store/store.ts';
import { readPopulationFile } from '../../service/populations.ts';
import { encodeCp949 } from '../support/cp949.ts';

const run = promisify(execFile);
let dir: string;
let db: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jachi-populations-'));
  db = join(dir, 'jachi.duckdb');
  (await Store.open(db)).close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jachi = (...args: string[]) => run(process.execPath, ['bin/jachi.mjs', ...args], { cwd: process.cwd() });

/** The file as jumin.mois.go.kr gives it: totals for the city and district, then dongs; quoted numbers with commas. */
const official = [
  '"행정구역","2019년11월_총인구수","2019년11월_세대수","2019년12월_총인구수","2019년12월_세대수","2020년06월_총인구수","2020년06월_세대수"',
  '"대전광역시  (3000000000)","1,474,870","620,000","1,474,636","621,000","1,466,000","625,000"',
  '"대전광역시 동구 (3011000000)","224,000","100,000","223,500","100,100","221,000","100,500"',
  '"대전광역시 동구 가양2동(3011063000)","15,200","7,000","15,123","7,010","14,980","7,050"',
  '"대전광역시 대덕구 중리동(3023054600)","17,900","8,000","17,850","8,020","17,700","8,100"',
  '"대전광역시 대덕구 어느동(3023099900)","1,000","500","1,001","501","1,002","502"',
].join('\r\n');

describe('reference populations', () => {
  it('reads CP949 as downloaded: December or the latest month of each year, totals left aside', () => {
    const file = readPopulationFile(encodeCp949(official));
    expect(file.encoding).toBe('cp949');
    expect(file.totals).toBe(2);
    expect(file.byCode.get('3011063000')).toEqual({ '2019': 15_123, '2020': 14_980 });
    expect(file.names.get('3023054600')).toBe('대전광역시 대덕구 중리동');
  });

  it('loads the dongs it matches by 행정동 code, clears their illustrative mark, and reports the rest', async () => {
    const csv = join(dir, 'population.csv');
    writeFileSync(csv, encodeCp949(official));
    const { stdout } = await jachi('reference', 'populations', csv, '--json', '--db', db);
    const report = JSON.parse(stdout);
    expect(report.encoding).toBe('cp949');
    expect(report.matched.map((m: { name: string }) => m.name).sort()).toEqual(['가양2동', '중리동']);
    expect(report.unmatched).toEqual([{ adminCode: '3023099900', name: '대전광역시 대덕구 어느동' }]);
    expect(report.missing.length).toBe(18);
    const store = await Store.open(db);
    try {
      const gayang = store.reference.reference.dongs.find((d) => d.name === '가양2동')!;
      expect(gayang.population).toMatchObject({ '2019': 15_123, '2020': 14_980 });
      expect(gayang.populationIllustrative).toBe(false);
      expect(store.reference.reference.dongs.find((d) => d.name === '갈마1동')!.populationIllustrative).toBe(true);
    } finally {
      store.close();
    }
  });

  it('changes nothing on a file it cannot read for sure, and says why with the row', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, encodeCp949(official.replace('"15,123"', '"15.1만"')));
    await expect(jachi('reference', 'populations', bad, '--db', db)).rejects.toMatchObject({ stderr: expect.stringMatching(/4행.*인구 수가 아닙니다/) });
    const other = join(dir, 'other.csv');
    writeFileSync(other, 'name,population\r\nx,1\r\n');
    await expect(jachi('reference', 'populations', other, '--db', db)).rejects.toMatchObject({ stderr: expect.stringContaining('행정구역') });
    const store = await Store.open(db);
    try {
      expect(store.reference.reference.dongs.find((d) => d.name === '가양2동')!.population['2019']).toBe(15_123);
    } finally {
      store.close();
    }
  });
});
