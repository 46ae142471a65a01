import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, spendingRow, startService, type TestService } from '../support/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(() => svc.close());

const meeting = (dong: string, over: Record<string, unknown> = {}) => ({
  dong,
  phase: 1,
  date: '2019-03-20',
  activity: '워킹그룹',
  title: '워킹그룹 회의',
  participants: 12,
  ...over,
});
const statuses = (answer: { body: { results: { status: string }[] } }) => answer.body.results.map((r) => r.status);

describe('work above the dong', () => {
  it('a district official writes its own district’s rows, a manager the city’s; no one writes another’s', async () => {
    // 대덕구's district token (test/support) — by name or by code.
    expect(
      statuses(await svc.json('POST', '/api/sync/participation', 'district', batch([{ values: meeting('대덕구') }, { values: meeting('30230', { activity: '실무협의회' }) }]))),
    ).toEqual(['accepted', 'accepted']);
    expect(statuses(await svc.json('POST', '/api/sync/participation', 'district', batch([{ values: meeting('유성구') }, { values: meeting('대전광역시') }])))).toEqual([
      'forbidden',
      'forbidden',
    ]);
    expect(
      statuses(
        await svc.json(
          'POST',
          '/api/sync/participation',
          'manager',
          batch([{ values: meeting('대전광역시', { activity: '주민설명회·토론회', title: '주민자치 토론회', participants: 300 }) }]),
        ),
      ),
    ).toEqual(['accepted']);
    expect(
      statuses(
        await svc.json(
          'POST',
          '/api/sync/progress',
          'district',
          batch([{ values: { dong: '대덕구', phase: 1, milestone: '시범조례 제·개정', status: '완료', completedOn: '2018-12-20' } }]),
        ),
      ),
    ).toEqual(['accepted']);
    expect(statuses(await svc.json('POST', '/api/sync/participation', 'dong', batch([{ values: meeting('동구') }])))).toEqual(['forbidden']);
    // Budget lines, agendas and councils are a dong's: a district there is not a dong.
    const spending = await svc.json('POST', '/api/sync/spending', 'district', batch([{ values: spendingRow({ dong: '대덕구' }) }]));
    expect(spending.body.results[0]).toMatchObject({ status: 'rejected', errors: [{ field: 'dong', code: 'unknown_dong' }] });
  });

  it('is pulled by its district, not by a dong of it, and never enters a dong’s figures', async () => {
    const district = await svc.json('GET', '/api/rows/participation?since=0', 'district');
    expect(district.body.rows.map((r: any) => r.values.dong).sort()).toEqual(['30230', '30230']);
    const dong = await svc.json('GET', '/api/rows/participation?since=0', 'dong');
    expect(dong.body.rows).toEqual([]);
    expect((await svc.json('GET', '/api/compare/participation', 'manager')).body.rows).toEqual([]);
    const governance = (await svc.json('GET', '/api/compare/governance', 'manager')).body.rows;
    const all = (unit: string) => governance.find((r: any) => r.unit === unit && r.activity === null);
    expect(all('30230')).toMatchObject({ unitName: '대덕구', level: 'district', events: 2, attendances: 24, milestones: 1, milestonesDone: 1 });
    expect(all('30')).toMatchObject({ unitName: '대전광역시', level: 'city', events: 1, attendances: 300 });
    expect(governance.find((r: any) => r.unit === '30230' && r.activity === '실무협의회')).toMatchObject({ events: 1, attendances: 12 });
    // The analyst's views keep them, each with its level.
    const level = (await svc.store.reader.runAndReadAll('SELECT level, count(*) AS n FROM participation GROUP BY level ORDER BY level')).getRowObjectsJson();
    expect(level).toEqual([
      { level: 'city', n: '1' },
      { level: 'district', n: '2' },
    ]);
  });
});
