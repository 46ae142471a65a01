/**
 * Two cities in one service (issue 16): Daejeon (its pilot's phases, 2019–2020) and a second city,
 * 가람광역시, on its own calendar (2021–2023), with a 서구 and a 갈마1동 of its own, as Korea's
 * repeated names are. Nothing of one city reaches the other's tokens, figures or flags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../service/store/store.ts';
import { batch, spendingRow, startService, type TestService } from '../support/service.ts';

const garam = {
  city: '가람광역시',
  cityCode: '51',
  districts: [
    { code: '51140', name: '서구' },
    { code: '51110', name: '중구' },
  ],
  dongs: [
    ['51140-galma1', '갈마1동', '51140', '5114051000', 1],
    ['51140-dunsan', '둔산동', '51140', '5114052000', 1],
    ['51110-eunhaeng', '은행동', '51110', '5111051000', 1],
    ['51110-daeheung', '대흥동', '51110', '5111052000', 1],
    ['51110-munhwa', '문화동', '51110', '5111053000', 1],
  ].map(([code, name, district, adminCode, joinedPhase]) => ({
    code,
    name,
    district,
    adminCode,
    joinedPhase,
    population: { '2021': 20_000, '2022': 20_000, '2023': 20_000 },
    populationIllustrative: false,
  })),
  phases: [
    { phase: 1, name: '1단계', year: 2021, start: '2021-01-01', end: '2021-12-31' },
    { phase: 2, name: '2단계', year: 2022, start: '2022-01-01', end: '2022-12-31' },
    { phase: 3, name: '3단계', year: 2023, start: '2023-01-01', end: '2023-12-31' },
  ],
  allocations: [{ dong: '51140-galma1', fiscalYear: 2021, amountKrw: 50_000_000 }],
  expectedMilestones: [{ cohort: 1, phase: 1, milestones: ['시범조례 제·개정', '위원 선정'] }],
};
const garamDongs = new Set(garam.dongs.map((d) => d.code as string));

let svc: TestService;
/** Tokens by `<city>-<role>` (city 30, 51, or all). */
const tokens: Record<string, string> = {};
const cityOfDong = new Map<string, string>();

const call = async (method: string, url: string, token: string, body?: unknown) => {
  const res = await svc.app.request(url, {
    method,
    headers: { authorization: `Bearer ${tokens[token]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as any) : undefined };
};

/** A spending line of `dong` (code) in `phase`, written by the national administrator. */
const line = (dong: string, phase: number, fiscalYear: number, budgetKrw: number, executedKrw: number) =>
  spendingRow({ dong, phase, fiscalYear, category: '자체 사업비', item: `사업 ${dong}`, budgetKrw, executedKrw, executedOn: `${fiscalYear}-06-01` });

beforeAll(async () => {
  svc = await startService();
  Object.assign(tokens, {
    'all-analyst': svc.tokens.analyst,
    'all-manager': svc.tokens.manager,
    'all-admin': svc.tokens.admin,
    '30-dong': svc.tokens.dong,
    '30-district': svc.tokens.district,
  });
  // Daejeon's rows first, and its figures as a Daejeon-only service answers them.
  const daejeon = ['30110-gayang2', '30170-galma1', '30200-jinjam', '30200-oncheon1', '30230-songchon'];
  const written = await call('POST', '/api/sync/spending', 'all-admin', batch(daejeon.map((d, i) => ({ values: line(d, 1, 2019, 10_000_000, 9_000_000 - i * 500_000) }))));
  expect(written.body.results.every((r: any) => r.status === 'accepted')).toBe(true);
}, 60_000);
afterAll(() => svc?.close());

describe('two cities in one service', () => {
  const daejeonAlone: Record<string, string> = {};

  it('answers Daejeon alone before the second city comes', async () => {
    for (const name of ['spending', 'summary', 'phases']) daejeonAlone[name] = (await call('GET', `/api/compare/${name}?today=2024-01-01`, 'all-analyst')).text;
  });

  it('loads the second city beside the first, with tokens of each city and role', async () => {
    expect((await call('PUT', '/api/reference', 'all-admin', garam)).status).toBe(200);
    const make = (role: Role, extra: { city?: string; dong?: string; district?: string }) => svc.store.createToken({ role, name: `${role} ${extra.city ?? ''}`, ...extra });
    for (const role of ['analyst', 'manager', 'admin'] as const) {
      tokens[`30-${role}`] = (await make(role, { city: '대전' })).token;
      tokens[`51-${role}`] = (await make(role, { city: '51' })).token;
    }
    // 갈마1동 and 서구 are names of both cities: the city says which.
    await expect(make('dong', { dong: '갈마1동' })).rejects.toThrow(/여러 곳/);
    await expect(make('district', { district: '서구' })).rejects.toThrow(/여러 시·도/);
    const dong51 = await make('dong', { city: '가람광역시', dong: '갈마1동' });
    expect(dong51).toMatchObject({ dong: '51140-galma1', city: '51' });
    tokens['51-dong'] = dong51.token;
    const district51 = await make('district', { city: '가람', district: '서구' });
    expect(district51).toMatchObject({ district: '51140', city: '51' });
    tokens['51-district'] = district51.token;
    for (const d of svc.store.reference.reference.dongs) cityOfDong.set(d.code, d.city);
    for (const d of svc.store.reference.reference.districts) cityOfDong.set(d.code, d.city);
  });

  it('leaves Daejeon’s figures, groups and flags exactly as they were', async () => {
    // Garam's lines in its own phase 1 (2021), executed far less than Daejeon's.
    const garamRows = [...garam.dongs.map((d, i) => ({ values: line(d.code as string, 1, 2021, 10_000_000, 2_000_000 + i * 100_000) }))];
    const stored = await call('POST', '/api/sync/spending', 'all-admin', batch(garamRows));
    expect(stored.body.results.map((r: any) => [r.status, r.warnings ?? []])).toEqual(garamRows.map(() => ['accepted', []]));
    for (const [name, before] of Object.entries(daejeonAlone)) {
      // A Daejeon token reads what Daejeon alone read; a national one reads it among the city's rows.
      expect((await call('GET', `/api/compare/${name}?today=2024-01-01`, '30-analyst')).body).toEqual(JSON.parse(before));
      const all = (await call('GET', `/api/compare/${name}?today=2024-01-01`, 'all-analyst')).body.rows;
      expect(all.filter((r: any) => r.city === '30')).toEqual(JSON.parse(before).rows);
    }
    // Garam's groups are its own: its median is of its five dongs, never Daejeon's.
    const summary = (await call('GET', '/api/compare/summary?today=2024-01-01&phase=1', 'all-analyst')).body.rows;
    const garamGroup = summary.find((r: any) => r.kind === 'city' && r.city === '51' && r.cohort === null && r.figure === 'discretionaryExecutionRate');
    expect(garamGroup).toMatchObject({ dongsWithData: 5, median: 0.22 });
    expect(summary.filter((r: any) => r.kind === 'dong' && r.city === '51').every((r: any) => garamDongs.has(r.dong))).toBe(true);
    // A national analyst lines the cities up by cohort and year in the pilot: each first cohort's first year.
    const firstYears = summary.filter((r: any) => r.kind === 'city' && r.cohort === 1 && r.yearInPilot === 1 && r.figure === 'discretionaryExecutionRate');
    expect(firstYears.map((r: any) => [r.city, r.phase, r.dongsWithData])).toEqual([
      ['30', 1, 5],
      ['51', 1, 5],
    ]);
  });

  it('keeps each city on its own calendar: a phase and its period are the city’s', async () => {
    // Phase 3 is Garam's (2023); Daejeon has no phase 3. 2021-06-01 is outside Daejeon's phase 1.
    const mixed = await call(
      'POST',
      '/api/sync/spending',
      'all-admin',
      batch([
        { values: line('51140-dunsan', 3, 2023, 1_000, 0) },
        { values: line('30110-gayang2', 3, 2023, 1_000, 0) },
        { values: { ...line('30110-gayang2', 1, 2019, 1_000, 0), executedOn: '2021-06-01' } },
      ]),
    );
    const [garam3, daejeon3, daejeonLate] = mixed.body.results;
    expect(garam3.status).toBe('accepted');
    expect(daejeon3).toMatchObject({ status: 'rejected', errors: [{ field: 'phase', code: 'unknown_phase' }] });
    expect(daejeonLate.warnings.map((w: any) => w.code)).toContain('outside_phase');
    // Each token sees its city's phases; a national one every phase number once.
    expect((await call('GET', '/api/meta', '51-analyst')).body.phases).toEqual(garam.phases);
    expect((await call('GET', '/api/meta', '30-dong')).body.phases.map((p: any) => p.year)).toEqual([2019, 2020]);
    const national = (await call('GET', '/api/meta', 'all-analyst')).body;
    expect(national.cities.map((c: any) => [c.code, c.phases.length])).toEqual([
      ['30', 2],
      ['51', 3],
    ]);
    expect(national.phases.map((p: any) => p.phase)).toEqual([1, 2, 3]);
  });

  /** The cities whose rows each endpoint shows a token. */
  const seen = async (token: string) => {
    const cities = (codes: Iterable<string>) => [...new Set([...codes].map((c) => cityOfDong.get(c) ?? c))].sort();
    const meta = (await call('GET', '/api/meta', token)).body;
    const rows = (await call('GET', '/api/rows/spending?since=0', token)).body.rows;
    const compare = (await call('GET', '/api/compare/spending', token)).body.rows;
    const summary = (await call('GET', '/api/compare/summary', token)).body.rows;
    const exported = (await call('GET', '/api/export/spending?format=csv', token)).text;
    const out: Record<string, string[]> = {
      meta: cities(meta.dongs.map((d: any) => d.code)),
      rows: cities(rows.map((r: any) => r.values.dong)),
      compare: cities(compare.map((r: any) => r.dong)),
      summary: cities(summary.map((r: any) => r.city)),
      export: cities([...cityOfDong.keys()].filter((code) => exported.includes(code))),
    };
    if (token.endsWith('analyst') || token.endsWith('manager')) {
      const sql = 'SELECT city FROM spending UNION SELECT city FROM dongs UNION SELECT code FROM cities UNION SELECT city FROM phases';
      out.query = (await call('POST', '/api/query', token, { sql })).body.rows.map((r: any) => r.city).sort();
    }
    return out;
  };

  it('shows every token the rows of its city alone, on every endpoint (city × role × endpoint)', async () => {
    for (const city of ['30', '51', 'all']) {
      for (const role of ['dong', 'district', 'analyst', 'manager', 'admin']) {
        const token = `${city}-${role}`;
        if (!tokens[token]) continue;
        const expected = city === 'all' ? ['30', '51'] : [city];
        const got = await seen(token);
        for (const [endpoint, cities] of Object.entries(got)) {
          // A dong's or district's token reads its own rows (fewer), never another city's.
          const allowed = endpoint === 'rows' || endpoint === 'export' ? cities.every((c) => expected.includes(c)) : JSON.stringify(cities) === JSON.stringify(expected);
          expect(allowed, `${token} ${endpoint}: ${cities.join(',')}`).toBe(true);
        }
      }
    }
  });

  it('refuses another city’s figures, rows and writes to a token of one city', async () => {
    const other = await call('GET', '/api/compare/spending?city=51', '30-manager');
    expect(other.status).toBe(403);
    expect(other.body.error.message.ko).toBe('이 토큰은 대전광역시의 자료만 볼 수 있습니다.');
    const drill = await call('GET', '/api/compare/spending/rows?dong=51140-galma1&phase=1', '30-analyst');
    expect(drill.body?.rows ?? []).toEqual([]);
    // By code: no dong of its city. By name: the token's own city's 갈마1동.
    const byCode = await call('POST', '/api/sync/spending', '30-admin', batch([{ values: line('51140-galma1', 1, 2021, 1_000, 0) }]));
    expect(byCode.body.results[0]).toMatchObject({ status: 'rejected', errors: [{ field: 'dong', code: 'unknown_dong' }] });
    const byName = await call('POST', '/api/sync/spending', '30-admin', batch([{ values: line('갈마1동', 1, 2019, 1_000, 0) }]));
    expect(byName.body.results[0].status).toBe('accepted');
    const stored = (await call('GET', '/api/rows/spending?since=0', '30-admin')).body.rows.find((r: any) => r.rowId === byName.body.results[0].rowId);
    expect(stored.values.dong).toBe('30170-galma1');
    // A city's administrator loads its own city's reference only.
    expect((await call('PUT', '/api/reference', '30-admin', garam)).status).toBe(403);
  });

  it('lets a city’s administrator manage its city’s tokens alone, never make one of every city', async () => {
    const made = await call('POST', '/api/tokens', '30-admin', { role: 'analyst', name: '대전 분석가 2' });
    expect(made.status).toBe(201);
    expect(made.body.city).toBe('30');
    expect((await call('POST', '/api/tokens', '30-admin', { role: 'analyst', name: '가람 분석가', city: '51' })).status).toBe(403);
    // Its 갈마1동 is Daejeon's, whatever the name means elsewhere.
    expect((await call('POST', '/api/tokens', '30-admin', { role: 'dong', dong: '갈마1동', name: '갈마1동' })).body).toMatchObject({ dong: '30170-galma1', city: '30' });
    const listed = (await call('GET', '/api/tokens', '30-admin')).body.tokens;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((t: any) => t.city === '30')).toBe(true);
    const garamToken = (await call('GET', '/api/tokens', 'all-admin')).body.tokens.find((t: any) => t.city === '51');
    expect((await call('DELETE', `/api/tokens/${garamToken.id}`, '30-admin')).status).toBe(404);
    expect((await call('GET', '/api/meta', '51-analyst')).status).toBe(200);
    // A backup holds every city: the service's administrator takes it, not a city's.
    expect((await call('POST', '/api/backup', '30-admin')).status).toBe(403);
  });

  it('reads a national sheet without ambiguity: a repeated name says its city, or gives the code', async () => {
    const csv = [
      '동,단계,회계연도,비목,예산액(원)',
      '서구 갈마1동,1,2021,기타,1000',
      '대전 서구 갈마1동,1,2019,기타,2000',
      '가람광역시 서구 갈마1동,1,2021,기타,3000',
      '5114052000,1,2021,기타,4000',
    ].join('\r\n');
    const form = new FormData();
    form.set('file', new File([csv], 'national.csv'));
    form.set('kind', 'spending');
    form.set('dryRun', 'true');
    const res = await svc.app.request('/api/import', { method: 'POST', body: form, headers: { authorization: `Bearer ${tokens['all-admin']}` } });
    const [sheet] = ((await res.json()) as any).sheets;
    expect(sheet.rejected).toMatchObject([{ row: 2, column: 'A', field: 'dong', code: 'ambiguous_dong' }]);
    expect(sheet.rejected[0].message.ko).toContain('대전 서구 갈마1동');
    expect(sheet.rows.map((r: any) => [r.row, r.values.dong])).toEqual([
      [3, '30170-galma1'],
      [4, '51140-galma1'],
      [5, '51140-dunsan'],
    ]);
  });
});
