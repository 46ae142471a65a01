import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../service/demo.ts';
import { startService, type TestService } from '../support/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
  await loadDemo(svc.store);
});
afterAll(() => svc.close());

const rows = async (sql: string) => (await svc.store.reader.runAndReadAll(sql)).getRowObjectsJson() as Record<string, any>[];

describe('the Daejeon demo', () => {
  it('budgets exactly the seed’s figures: 156 and 106 million won per pilot dong, 1,248 + 848 = 2,096 million', async () => {
    const perPhase = await rows('SELECT phase, sum(budgetKrw)::VARCHAR AS b, count(DISTINCT dong) AS dongs FROM spending GROUP BY phase ORDER BY phase');
    expect(perPhase).toEqual([
      { phase: 1, b: '1248000000', dongs: '8' },
      { phase: 2, b: '848000000', dongs: '8' },
    ]);
    const perDong = await rows('SELECT dongName, phase, sum(budgetKrw)::BIGINT::VARCHAR AS b FROM spending GROUP BY ALL');
    for (const r of perDong) expect(r.b).toBe(r.phase === 1 ? '156000000' : '106000000');
    const names = (await rows('SELECT DISTINCT dongName FROM spending ORDER BY 1')).map((r) => r.dongName);
    expect(names).toEqual(['가양2동', '갈마1동', '덕암동', '송촌동', '온천1동', '원신흥동', '중리동', '진잠동']);
  });

  it('keeps the reported dates and attendance, and marks illustrative values 예시', async () => {
    const launches = await rows("SELECT dongName, strftime(completedOn, '%Y-%m-%d') AS d FROM progress WHERE milestone = '주민자치회 발대식' AND phase = 1 ORDER BY d, dongName");
    expect(launches.find((r) => r.dongName === '가양2동')?.d).toBe('2019-04-22');
    expect(launches.find((r) => r.dongName === '갈마1동')?.d).toBe('2019-06-04');
    expect(launches.filter((r) => r.d === '2019-05-14')).toHaveLength(3);
    const assembly = await rows("SELECT dongName, strftime(date, '%Y-%m-%d') AS d, participants FROM participation WHERE activity = '주민총회' AND phase = 1");
    expect(assembly.find((r) => r.dongName === '원신흥동')?.d).toBe('2019-07-25');
    expect(assembly.find((r) => r.dongName === '갈마1동')?.participants).toBe('400');
    const unmarked = await rows("SELECT count(*) AS n FROM participation WHERE note NOT LIKE '%예시%'");
    expect(unmarked[0]!.n).toBe('0');
    const phase2 = await rows("SELECT count(DISTINCT dong) AS n FROM participation WHERE phase = 2");
    expect(Number(phase2[0]!.n)).toBe(20);
  });
});
