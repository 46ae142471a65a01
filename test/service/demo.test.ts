import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFlags, loadDemo } from '../../service/demo.ts';
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
    const phase2 = await rows('SELECT count(DISTINCT dong) AS n FROM participation WHERE phase = 2');
    expect(Number(phase2[0]!.n)).toBe(20);
  });
});

describe('the demo’s kinds agree with each other (no cross-kind warning)', () => {
  it('no agenda has more votes than its assembly had voters, and every 관련 의제 is in that year’s 자치계획', async () => {
    const over = await rows(`
      SELECT a.dongName, a.title FROM agendas a
      JOIN (SELECT dong, date, sum(coalesce(voters, participants)) AS voters FROM participation WHERE activity = '주민총회' GROUP BY dong, date) p
        ON p.dong = a.dong AND p.date = a.assemblyOn
      WHERE coalesce(a.votesFor, 0) + coalesce(a.votesAgainst, 0) > p.voters`);
    expect(over).toEqual([]);
    // Every agenda with votes was voted on at an assembly recorded on its 총회 상정일.
    const unmatched = await rows(`
      SELECT a.title FROM agendas a ANTI JOIN participation p ON p.dong = a.dong AND p.date = a.assemblyOn AND p.activity = '주민총회'
      WHERE a.votesFor IS NOT NULL`);
    expect(unmatched).toEqual([]);
    const orphans = await rows(`
      SELECT s.dongName, s.agenda FROM spending s ANTI JOIN agendas a ON a.dong = s.dong AND a.fiscalYear = s.fiscalYear AND trim(a.title) = trim(s.agenda)
      WHERE s.agenda IS NOT NULL`);
    expect(orphans).toEqual([]);
    const linked = await rows('SELECT count(*) AS n FROM spending WHERE agenda IS NOT NULL');
    expect(Number(linked[0]!.n)).toBeGreaterThan(0);
  });
});

describe('the demo’s summary, as a city manager reads it', () => {
  it('flags few dongs (4 of 20), each with the reason built into its rows', async () => {
    const { status, body } = await svc.json('GET', '/api/compare/summary', 'manager');
    expect(status).toBe(200);
    const flags = body.rows.filter((r: any) => r.kind === 'dong');
    const flagged = new Set(flags.map((r: any) => r.dong));
    expect([...flagged].sort()).toEqual(Object.keys(demoFlags).sort());
    const reasons = flags.map((r: any) => `${r.dongName} ${r.phase} ${r.figure} ${r.flag}`).sort();
    expect(reasons).toEqual(
      [
        // 온천1동 carried most of its 2020 programme money over (COVID-19): 사업비 집행률 fell and is low.
        '온천1동 2 discretionaryExecutionRate fell',
        '온천1동 2 discretionaryExecutionRate low',
        // 중리동's 2020 plan is 지연: one of three expected steps not done, and so half the agendas
        // its assembly adopted are still 실행중 (every other pilot dong did all of its own).
        '중리동 2 completionRate fell',
        '중리동 2 completionRate low',
        '중리동 2 agendaCompletionRate fell',
        '중리동 2 agendaCompletionRate low',
        // 법2동 held its 2020 assembly online only: 4 voters per 1,000 against a group median of ~15.
        '법2동 2 assemblyTurnoutPer1000 low',
        // 목상동 postponed its assembly to 2021: 9 of its 10 first-year steps.
        '목상동 2 completionRate low',
      ].sort(),
    );
    // Each compares like with like: the newcomers against the newcomers, the pilot dongs against themselves.
    expect(flags.find((r: any) => r.dongName === '법2동')).toMatchObject({ cohort: 2, illustrative: true, previousValue: null });
    expect(flags.find((r: any) => r.dongName === '목상동')).toMatchObject({ cohort: 2, value: 0.9, median: 1 });
    const jungni = flags.find((r: any) => r.dongName === '중리동' && r.flag === 'fell');
    expect(jungni).toMatchObject({ cohort: 1, previousValue: 1 });
    expect(jungni.value).toBeCloseTo(2 / 3, 12);
    const jungniAgendas = flags.find((r: any) => r.dongName === '중리동' && r.figure === 'agendaCompletionRate' && r.flag === 'low');
    expect(jungniAgendas).toMatchObject({ cohort: 1, median: 1 });
    expect(jungniAgendas.value).toBeLessThanOrEqual(0.6);
    // The newcomers adopted their first plans at the end of 2020, to carry out in 2021: all at 0%,
    // so none stands out in its group (목상동 put none to an assembly, so has no figure).
    expect(flags.filter((r: any) => r.figure === 'agendaCompletionRate' && r.cohort === 2)).toEqual([]);
    // 송촌동's assembly and every other pilot dong's figures stay within their group: no flag.
    expect(flagged.has('30230-songchon')).toBe(false);
  });

  it('answers "did phase 2 improve?" over the same 8 pilot dongs', async () => {
    const { body } = await svc.json('GET', '/api/compare/summary', 'manager');
    const like = (phase: number, figure: string) => body.rows.find((r: any) => r.kind === 'continuing' && r.phase === phase && r.figure === figure && r.cohort === null);
    for (const figure of ['discretionaryExecutionRate', 'assemblyTurnoutPer1000', 'completionRate', 'agendaCompletionRate']) {
      expect(like(1, figure).dongsWithData, figure).toBe(8);
      expect(like(2, figure).dongsWithData, figure).toBe(8);
    }
    // Turnout rose, every step of phase 1 was done and all but 중리동's last of phase 2.
    expect(like(2, 'assemblyTurnoutPer1000').value).toBeGreaterThan(like(1, 'assemblyTurnoutPer1000').value);
    expect(like(1, 'completionRate').value).toBe(1);
    expect(like(2, 'completionRate').value).toBeCloseTo(23 / 24, 12);
    // Every agenda the pilot dongs adopted in 2019 was carried out; in 2020 all but 중리동's late half.
    expect(like(1, 'agendaCompletionRate').value).toBe(1);
    expect(like(2, 'agendaCompletionRate').value).toBeGreaterThan(0.9);
    expect(like(2, 'agendaCompletionRate').value).toBeLessThan(1);
    // Populations are illustrative, so every turnout figure says so; completion rests on none.
    expect(like(2, 'assemblyTurnoutPer1000').illustrative).toBe(true);
    expect(like(2, 'completionRate').illustrative).toBe(false);
  });

  it('keeps the allocations: no pilot dong budgets over its 배정액, and each year’s lines add up to it', async () => {
    const { body } = await svc.json('GET', '/api/compare/spending', 'manager');
    const totals = body.rows.filter((r: any) => r.category === null && r.allocationKrw !== null);
    expect(totals).toHaveLength(16);
    for (const r of totals) expect(r.budgetKrw, r.dongName).toBe(r.allocationKrw);
  });

  it('shows rankings to analysts and managers only', async () => {
    expect((await svc.json('GET', '/api/compare/summary?rank=true', 'analyst')).status).toBe(200);
    const refused = await svc.json('GET', '/api/compare/summary?rank=true', 'dong');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message.ko).toContain('순위');
  });
});
