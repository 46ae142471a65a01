import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonFilterSchema, comparisons, filterError, metrics, summaryFilterSchema } from '../../domain/index.ts';
import { ComparisonError, runComparison } from '../../service/store/compare/index.ts';
import { A, B, C, D, openFixture, reference, today } from './fixture.ts';

let db: Awaited<ReturnType<typeof openFixture>>;
beforeAll(async () => {
  db = await openFixture();
});
afterAll(() => db?.close());

const find = (rows: Record<string, unknown>[], match: Record<string, unknown>) => {
  const found = rows.filter((r) => Object.entries(match).every(([k, v]) => r[k] === v));
  expect(found, JSON.stringify(match)).toHaveLength(1);
  return found[0]!;
};

describe('spending', () => {
  it('sums budgets, executions, carry-over and returns per dong × phase × category, with an all-lines row', async () => {
    const { rows, columns } = await runComparison(db.connection, 'spending', {});
    expect(columns.map((c) => c.name)).toEqual([
      'city',
      'district',
      'dong',
      'dongName',
      'cohort',
      'phase',
      'category',
      'budgetKrw',
      'executedKrw',
      'carriedOverKrw',
      'returnedKrw',
      'executionRate',
      'carryOverRate',
      'unspentRate',
      'discretionaryExecutionRate',
      'allocationKrw',
      'executedPerResident',
      'illustrative',
    ]);
    // A, phase 1: 1,000,000 + 2,000,000 (pay) + 500,000 budget; 800,000 + 2,000,000 + blank executed;
    // 100,000 carried over and 100,000 returned; the tombstone is not counted.
    const a1 = find(rows, { dong: A, phase: 1, category: null });
    expect(a1).toMatchObject({
      city: '11',
      district: '11111',
      dong: A,
      dongName: '가동',
      cohort: 1,
      phase: 1,
      category: null,
      budgetKrw: 3_500_000,
      executedKrw: 2_800_000,
      carriedOverKrw: 100_000,
      returnedKrw: 100_000,
      executionRate: 0.8,
      allocationKrw: 3_000_000,
      executedPerResident: 280,
      illustrative: true,
    });
    expect(a1.carryOverRate).toBeCloseTo(100_000 / 3_500_000, 12);
    expect(a1.unspentRate).toBeCloseTo(600_000 / 3_500_000, 12);
    // 사업비 집행률 leaves the pay line out: 800,000 of 1,500,000.
    expect(a1.discretionaryExecutionRate).toBeCloseTo(800_000 / 1_500_000, 12);
    const etc = find(rows, { dong: A, phase: 1, category: '기타' });
    expect(etc).toMatchObject({ budgetKrw: 1_500_000, executedKrw: 800_000, discretionaryExecutionRate: null, allocationKrw: null });
    expect(etc.executionRate).toBeCloseTo(800_000 / 1_500_000, 12);
    // A, phase 2: a zero budget has no rate; over-execution is over 1; population of 2020 (12,500).
    expect(find(rows, { dong: A, phase: 2, category: '기타' })).toMatchObject({ budgetKrw: 0, executedKrw: 0, executionRate: null, executedPerResident: 0 });
    expect(find(rows, { dong: A, phase: 2, category: '자체 사업비' }).executionRate).toBeCloseTo(1.2, 12);
    expect(find(rows, { dong: A, phase: 2, category: null })).toMatchObject({ budgetKrw: 1_000_000, executedKrw: 1_200_000, executedPerResident: 96, allocationKrw: 1_000_000 });
    // B's 2020 population is unknown: no per-resident figure, and nothing illustrative to mark.
    expect(find(rows, { dong: B, phase: 2, category: null })).toMatchObject({ executionRate: 0.9, executedPerResident: null, illustrative: false, allocationKrw: null });
    // D spent 100 won against a zero budget.
    expect(find(rows, { dong: D, phase: 2, category: null })).toMatchObject({ budgetKrw: 0, executedKrw: 100, executionRate: null, discretionaryExecutionRate: null, cohort: 2 });
    expect(rows).toHaveLength(17); // 7 dong × phase rows, 10 category rows
  });

  it('pay lines spent in full and the rest half: 사업비 집행률 50%, while the execution rate says 83%', async () => {
    const { rows } = await runComparison(db.connection, 'spending', { dong: C, phase: 1 });
    const c1 = find(rows, { category: null });
    expect(c1.executionRate).toBeCloseTo(5 / 6, 12);
    expect(c1.discretionaryExecutionRate).toBe(0.5);
  });

  it('filters by phase, district, dong, cohort and city (one or many)', async () => {
    const byPhase = await runComparison(db.connection, 'spending', { phase: '2' });
    expect(new Set(byPhase.rows.map((r) => r.phase))).toEqual(new Set([2]));
    const byDistrict = await runComparison(db.connection, 'spending', { district: '22222' });
    expect(new Set(byDistrict.rows.map((r) => r.dong))).toEqual(new Set([C, D]));
    const byDongs = await runComparison(db.connection, 'spending', { dong: [A, C], phase: [1] });
    expect(byDongs.rows.filter((r) => r.category === null).map((r) => r.dong)).toEqual([A, C]);
    const commaList = await runComparison(db.connection, 'spending', { dong: `${A},${C}`, phase: '1' });
    expect(commaList.rows).toEqual(byDongs.rows);
    const byCohort = await runComparison(db.connection, 'spending', { cohort: '2' });
    expect(new Set(byCohort.rows.map((r) => r.dong))).toEqual(new Set([D]));
    expect((await runComparison(db.connection, 'spending', { city: '11' })).rows).toHaveLength(17);
    expect((await runComparison(db.connection, 'spending', { city: '12' })).rows).toHaveLength(0);
  });
});

describe('participation', () => {
  it('counts events and attendances, and the turnout of the largest assembly per 1,000 residents', async () => {
    const { rows } = await runComparison(db.connection, 'participation', {});
    // A1: four events, 200 + 60 + 40 + 30 attendances; the 2019-10-01 assembly over two rows is
    // 150 + 60 = 210 voters (60 online), larger than the 2018 one (40, its participants).
    const a1 = find(rows, { dong: A, phase: 1 });
    expect(a1).toMatchObject({
      city: '11',
      district: '11111',
      dong: A,
      dongName: '가동',
      cohort: 1,
      phase: 1,
      events: 4,
      attendances: 330,
      attendancesPer1000: 33,
      newParticipants: 50,
      assemblyVoters: 210,
      assemblyTurnoutPer1000: 21,
      illustrative: true,
    });
    expect(a1.votersOnlineShare).toBeCloseTo(60 / 210, 12);
    expect(find(rows, { dong: A, phase: 2 })).toMatchObject({
      events: 1,
      attendances: 100,
      attendancesPer1000: 8,
      newParticipants: 10,
      assemblyVoters: null,
      assemblyTurnoutPer1000: null,
    });
    expect(find(rows, { dong: B, phase: 1 })).toMatchObject({ attendances: 400, assemblyVoters: 300, assemblyTurnoutPer1000: 15, newParticipants: null, votersOnlineShare: null });
    // B2: voters blank, so its participants; the population of 2020 is unknown.
    expect(find(rows, { dong: B, phase: 2 })).toMatchObject({ assemblyVoters: 500, assemblyTurnoutPer1000: null, illustrative: false });
    // C: attendances fell with fewer events logged (180 → 160), the assembly stayed flat (20 → 19.6 per 1,000).
    expect(find(rows, { dong: C, phase: 1 })).toMatchObject({ events: 4, attendances: 180, assemblyTurnoutPer1000: 20 });
    expect(find(rows, { dong: C, phase: 2 })).toMatchObject({ events: 2, attendances: 160, assemblyTurnoutPer1000: 19.6, votersOnlineShare: 0.5 });
    expect(rows).toHaveLength(6);
  });
});

describe('progress', () => {
  it('rates completion over the milestones the city expects: a missing one is not done', async () => {
    const { rows } = await runComparison(db.connection, 'progress', { today });
    // A1: two of its cohort's ten expected milestones done → 20%, one of them by its plan; the
    // latest done in the sequence is 자치규약 제정; a planned date noted 예시 marks it illustrative.
    expect(find(rows, { dong: A, phase: 1 })).toEqual({
      city: '11',
      district: '11111',
      dong: A,
      dongName: '가동',
      cohort: 1,
      phase: 1,
      expected: 10,
      completedExpected: 2,
      completionRate: 0.2,
      onTimeRate: 0.1,
      stageReached: '자치규약 제정',
      milestones: 4,
      avgProgressPct: 67.5,
      delayed: 3,
      medianDelayDays: 4,
      illustrative: true,
    });
    // A2: 분과위원회 구성 was done but is not expected in phase 2; none of the three expected is done.
    expect(find(rows, { dong: A, phase: 2 })).toMatchObject({
      expected: 3,
      completedExpected: 0,
      completionRate: 0,
      onTimeRate: 0,
      stageReached: '분과위원회 구성',
      milestones: 2,
      avgProgressPct: 70,
      delayed: 0,
      medianDelayDays: 0,
    });
    expect(find(rows, { dong: B, phase: 1 })).toMatchObject({ completionRate: 0.1, onTimeRate: 0, delayed: 1, medianDelayDays: 20 });
    // B2: 미착수 past its plan is delayed; 보류 not yet due is not; blank progress is skipped.
    expect(find(rows, { dong: B, phase: 2 })).toMatchObject({
      milestones: 2,
      completedExpected: 0,
      completionRate: 0,
      avgProgressPct: 0,
      delayed: 1,
      medianDelayDays: null,
      stageReached: null,
    });
    expect(find(rows, { dong: C, phase: 1 })).toMatchObject({ completionRate: 0.2, onTimeRate: 0.2, delayed: 0, medianDelayDays: -6, illustrative: false });
    const c2 = find(rows, { dong: C, phase: 2 });
    expect(c2).toMatchObject({ completedExpected: 1, delayed: 1, medianDelayDays: -10, stageReached: '자치계획 수립' });
    expect(c2.completionRate).toBeCloseTo(1 / 3, 12);
    // D joined in phase 2 and recorded nothing: its ten expected milestones are not done.
    expect(find(rows, { dong: D, phase: 2 })).toMatchObject({ cohort: 2, expected: 10, completedExpected: 0, completionRate: 0, milestones: 0, avgProgressPct: null });
    expect(rows).toHaveLength(7);
  });

  it('leaves out a phase that has not begun, and judges "past its plan" against the given day', async () => {
    const before = await runComparison(db.connection, 'progress', { today: '2019-12-31', phase: 2 });
    // Phase 2 begins 2020-01-01: only the dongs that recorded phase-2 rows appear (not D).
    expect(before.rows.map((r) => r.dong)).toEqual([A, B, C]);
    const early = await runComparison(db.connection, 'progress', { today: '2019-01-01', dong: A, phase: 1 });
    // Only the 지연 one and the late completion count before any plan has passed.
    expect(early.rows[0]!.delayed).toBe(2);
    const late = await runComparison(db.connection, 'progress', { today: '2021-01-01', dong: A, phase: 2 });
    expect(late.rows[0]!.delayed).toBe(1);
  });
});

describe('agendas', () => {
  it('counts what the assembly decided and what was done, each agenda once', async () => {
    const { rows } = await runComparison(db.connection, 'agendas', {});
    // A1: three agendas, two put to the assembly, one adopted and done; the spending line naming it
    // (' 마을 축제', with a stray space) executed 800,000.
    expect(find(rows, { dong: A, phase: 1 })).toEqual({
      city: '11',
      district: '11111',
      dong: A,
      dongName: '가동',
      cohort: 1,
      phase: 1,
      agendas: 3,
      putToAssembly: 2,
      adopted: 1,
      adoptionRate: 0.5,
      agendasCompleted: 1,
      agendaCompletionRate: 1,
      estimatedCostKrw: 1_000_000,
      linkedSpendingKrw: 800_000,
      illustrative: false,
    });
    // A2: adopted by their status, neither done: 0%; nothing spent on them.
    expect(find(rows, { dong: A, phase: 2 })).toMatchObject({ putToAssembly: 2, adopted: 2, agendasCompleted: 0, agendaCompletionRate: 0, linkedSpendingKrw: 0 });
    expect(find(rows, { dong: B, phase: 1 })).toMatchObject({ agendas: 1, adopted: 1, agendaCompletionRate: 1 });
    expect(rows).toHaveLength(3);
  });
});

describe('council', () => {
  it("reads the phase's latest snapshot: shares of members, and applicants per seat", async () => {
    const { rows } = await runComparison(db.connection, 'council', {});
    expect(find(rows, { dong: A, phase: 1 })).toEqual({
      city: '11',
      district: '11111',
      dong: A,
      dongName: '가동',
      cohort: 1,
      phase: 1,
      fiscalYear: 2019,
      members: 32,
      seats: 40,
      competitionRatio: 1.5,
      lotteryShare: 30 / 32,
      womenShare: 0.5,
      youthShare: 0.125,
      trainedShare: 0.75,
      illustrative: false,
    });
    expect(find(rows, { dong: D, phase: 2 })).toMatchObject({ members: 20, seats: null, competitionRatio: null, lotteryShare: null, womenShare: 0.45 });
    expect(rows).toHaveLength(2);
  });
});

describe('phases', () => {
  it('gives each headline figure in phase 1, phase 2 and the change of the same dong', async () => {
    const { rows } = await runComparison(db.connection, 'phases', { today });
    const a = find(rows, { dong: A });
    expect(a.discretionaryExecutionRatePhase1).toBeCloseTo(0.8 / 1.5, 12);
    expect(a.discretionaryExecutionRatePhase2).toBeCloseTo(1.2, 12);
    expect(a).toMatchObject({ assemblyTurnoutPer1000Phase1: 21, assemblyTurnoutPer1000Phase2: null, assemblyTurnoutPer1000Delta: null, illustrative: true, cohort: 1 });
    expect(a.completionRatePhase1).toBe(0.2);
    expect(a.completionRatePhase2).toBe(0);
    expect(a.completionRateDelta).toBeCloseTo(-0.2, 12);
    const c = find(rows, { dong: C });
    expect(c).toMatchObject({
      discretionaryExecutionRatePhase1: 0.5,
      discretionaryExecutionRatePhase2: 0.5,
      discretionaryExecutionRateDelta: 0,
      assemblyTurnoutPer1000Phase1: 20,
      assemblyTurnoutPer1000Phase2: 19.6,
    });
    expect(c.assemblyTurnoutPer1000Delta).toBeCloseTo(-0.4, 12);
    expect(find(rows, { dong: D })).toMatchObject({
      cohort: 2,
      discretionaryExecutionRatePhase2: null,
      completionRatePhase1: null,
      completionRatePhase2: 0,
      completionRateDelta: null,
    });
    // 의제 완료율: A did its one adopted agenda of phase 1 and neither of its two of phase 2; B
    // adopted one (by its status) and did it; C and D adopted none, so have no figure.
    expect(a).toMatchObject({ agendaCompletionRatePhase1: 1, agendaCompletionRatePhase2: 0, agendaCompletionRateDelta: -1 });
    expect(find(rows, { dong: B })).toMatchObject({ agendaCompletionRatePhase1: 1, agendaCompletionRatePhase2: null, agendaCompletionRateDelta: null });
    expect(c).toMatchObject({ agendaCompletionRatePhase1: null, agendaCompletionRatePhase2: null });
    expect(rows.map((r) => r.dong)).toEqual([A, B, C, D]);
  });

  it('compares exactly two chosen phases', async () => {
    await expect(runComparison(db.connection, 'phases', { phase: '1' })).rejects.toMatchObject({ code: 'invalid_filter', filter: 'phase' });
    const swapped = await runComparison(db.connection, 'phases', { phase: '2,1', today });
    expect(swapped.rows).toEqual((await runComparison(db.connection, 'phases', { today })).rows);
  });
});

describe('summary', () => {
  it("gives each group's value, median and quartiles per phase and cohort, and the same dongs in both phases", async () => {
    const { rows, columns } = await runComparison(db.connection, 'summary', { today });
    expect(columns.map((c) => c.name)).toEqual([
      'kind',
      'city',
      'district',
      'dong',
      'dongName',
      'phase',
      'versus',
      'cohort',
      'yearInPilot',
      'figure',
      'value',
      'median',
      'q1',
      'q3',
      'dongsWithData',
      'previousValue',
      'gap',
      'flag',
      'illustrative',
      'rank',
    ]);
    const group = (kind: string, phase: number, figure: string, cohort: number | null = null) => find(rows, { kind, phase, figure, cohort });
    // Phase 1, all of cohort 1: 사업비 (800,000 + 500,000 + 1,000,000) ÷ (1,500,000 + 1,000,000 + 2,000,000).
    expect(group('city', 1, 'discretionaryExecutionRate').value).toBeCloseTo(2.3 / 4.5, 12);
    expect(group('city', 1, 'discretionaryExecutionRate')).toMatchObject({ median: 0.5, q1: 0.5, dongsWithData: 3, illustrative: false });
    expect(group('city', 1, 'assemblyTurnoutPer1000').value).toBeCloseTo(610_000 / 35_000, 12);
    expect(group('city', 1, 'assemblyTurnoutPer1000')).toMatchObject({ median: 20, q1: 17.5, q3: 20.5, dongsWithData: 3, illustrative: true });
    expect(group('city', 1, 'completionRate').value).toBeCloseTo(5 / 30, 12);
    expect(group('city', 1, 'completionRate').median).toBe(0.2);
    // Phase 2: D's zero budget and B's unknown population are left out; D is its own cohort.
    expect(group('city', 2, 'discretionaryExecutionRate')).toMatchObject({ value: 0.775, median: 0.9, dongsWithData: 3 });
    expect(group('city', 2, 'assemblyTurnoutPer1000')).toMatchObject({ value: 19.6, dongsWithData: 1 });
    expect(group('city', 2, 'completionRate').value).toBeCloseTo(1 / 19, 12);
    expect(group('city', 2, 'completionRate', 1).value).toBeCloseTo(1 / 9, 12);
    expect(group('city', 2, 'completionRate', 2)).toMatchObject({ value: 0, dongsWithData: 1 });
    // Like for like: the turnout of the dongs with it in both phases (only C): 20 → 19.6.
    expect(find(rows, { kind: 'continuing', phase: 1, versus: 2, figure: 'assemblyTurnoutPer1000', cohort: null })).toMatchObject({ value: 20, dongsWithData: 1 });
    expect(find(rows, { kind: 'continuing', phase: 2, versus: 1, figure: 'assemblyTurnoutPer1000', cohort: null })).toMatchObject({ value: 19.6, dongsWithData: 1 });
    expect(find(rows, { kind: 'continuing', phase: 2, versus: 1, figure: 'completionRate', cohort: null }).dongsWithData).toBe(3);
    // 의제 완료율 over the adopted agendas: phase 1, A's one and B's one, both done.
    expect(group('city', 1, 'agendaCompletionRate')).toMatchObject({ value: 1, median: 1, dongsWithData: 2, illustrative: false });
    expect(group('city', 2, 'agendaCompletionRate')).toMatchObject({ value: 0, dongsWithData: 1 });
  });

  it('flags few dongs, each with its reason: a flat assembly with fewer events does not "fall"', async () => {
    const { rows } = await runComparison(db.connection, 'summary', { today });
    // Groups of three flag no `low`. A and B did none of phase 2's expected milestones: fell.
    // C's assembly went 20 → 19.6 per 1,000 (2%, under the 20% gap), though it logged fewer events.
    // A did all it adopted in phase 1 and none of phase 2's two agendas: 의제 완료율 fell 100%p.
    const flagged = rows.filter((r) => r.kind === 'dong');
    expect(flagged.map((r) => `${r.phase} ${r.figure} ${r.dong} ${r.flag}`).sort()).toEqual([
      `2 agendaCompletionRate ${A} fell`,
      `2 completionRate ${A} fell`,
      `2 completionRate ${B} fell`,
    ]);
    expect(find(flagged, { dong: A, figure: 'agendaCompletionRate' })).toMatchObject({ value: 0, previousValue: 1, gap: -1 });
    const a = find(flagged, { dong: A, figure: 'completionRate' });
    expect(a).toMatchObject({ cohort: 1, value: 0, median: 0, previousValue: 0.2, illustrative: false, rank: null });
    expect(a.gap).toBeCloseTo(-0.2, 12);
  });

  it('keeps the groups whole when filtered, and ranks every dong only when asked', async () => {
    const district = await runComparison(db.connection, 'summary', { district: '11111', phase: '2', today });
    expect(find(district.rows, { kind: 'city', phase: 2, figure: 'discretionaryExecutionRate', cohort: null }).median).toBe(0.9);
    expect(
      district.rows
        .filter((r) => r.kind === 'dong')
        .map((r) => r.dong)
        .sort(),
    ).toEqual([A, A, B]);
    const ranked = await runComparison(db.connection, 'summary', { rank: 'true', phase: '1', today });
    const exec = ranked.rows.filter((r) => r.kind === 'dong' && r.figure === 'discretionaryExecutionRate');
    expect(exec.map((r) => [r.dong, r.rank, r.flag])).toEqual([
      [A, 1, null],
      [B, 2, null],
      [C, 2, null],
    ]);
  });
});

describe('summary flags in groups of four or more', () => {
  const dongs = ['a', 'b', 'c', 'd', 'e'].map((k) => ({
    code: `11111-${k}`,
    name: `${k}동`,
    district: '11111',
    adminCode: null,
    joinedPhase: 1,
    population: { '2019': 10_000, '2020': 10_000 },
    populationIllustrative: false,
  }));
  const small = ['x', 'y', 'z'].map((k) => ({
    code: `11111-${k}`,
    name: `${k}동`,
    district: '11111',
    adminCode: null,
    joinedPhase: 2,
    population: { '2020': 10_000 },
    populationIllustrative: false,
  }));
  let five: Awaited<ReturnType<typeof openFixture>>;
  beforeAll(async () => {
    const line = (dong: string, phase: number, budgetKrw: number, executedKrw: number) => ({ dong, phase, category: '자체 사업비', budgetKrw, executedKrw });
    const assembly = (dong: string, phase: number, voters: number) => ({ dong, phase, date: `${2018 + phase}-10-01`, activity: '주민총회', participants: voters, voters });
    five = await openFixture(
      { ...reference, dongs: [...dongs, ...small], allocations: [] },
      {
        // 사업비 집행률 in phase 2: 90, 92, 94, 96 and 80% (median 92, q1 90): only e is low;
        // the newcomers' group of three flags none, however far its lowest is.
        spending: [...[90, 92, 94, 96, 80].map((pct, i) => line(dongs[i]!.code, 2, 100, pct)), ...[90, 92, 10].map((pct, i) => line(small[i]!.code, 2, 100, pct))],
        // Turnout per 1,000 in phase 2: 20, 21, 22, 23 and 17 (median 21): 17 is 4 below, short of
        // 20% of the median (4.2), so not low. In phase 1, d had 30: 23 is 7 below, over 20% of 30: fell.
        participation: [...[200, 210, 220, 230, 170].map((v, i) => assembly(dongs[i]!.code, 2, v)), assembly(dongs[3]!.code, 1, 300)],
      },
    );
  });
  afterAll(() => five?.close());

  it('flags low only in the lowest quartile and at least the minimum gap below the median', async () => {
    const { rows } = await runComparison(five.connection, 'summary', { today });
    const flagged = rows.filter((r) => r.kind === 'dong').map((r) => `${r.phase} ${r.figure} ${r.dongName} ${r.flag}`);
    expect(flagged.sort()).toEqual(['2 assemblyTurnoutPer1000 d동 fell', '2 discretionaryExecutionRate e동 low']);
    const low = find(rows, { kind: 'dong', flag: 'low' });
    expect(low).toMatchObject({ value: 0.8, median: 0.92, cohort: 1 });
    expect(low.gap).toBeCloseTo(-0.12, 12);
    expect(find(rows, { kind: 'dong', flag: 'fell' })).toMatchObject({ value: 23, previousValue: 30, gap: -7 });
    const summaryHead = rows.filter((r) => r.kind === 'city' && r.phase === 2 && r.figure === 'discretionaryExecutionRate');
    expect(summaryHead.map((r) => [r.cohort, r.dongsWithData])).toEqual([
      [null, 8],
      [1, 5],
      [2, 3],
    ]);
  });
});

describe('filters', () => {
  it('refuses a bad filter, naming it in Korean and English', async () => {
    for (const [params, filter] of [
      [{ phase: 'x' }, 'phase'],
      [{ phase: '0' }, 'phase'],
      [{ district: '11' }, 'district'],
      [{ dong: 'a b' }, 'dong'],
      [{ rank: 'maybe' }, 'rank'],
      [{ cohort: 'first' }, 'cohort'],
      [{ city: '대전' }, 'city'],
      [{ colour: 'red' }, 'colour'],
    ] as const) {
      const name = filter === 'rank' ? 'summary' : 'spending';
      const error = await runComparison(db.connection, name, params as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComparisonError);
      expect((error as ComparisonError).filter).toBe(filter);
      expect((error as ComparisonError).text.ko).toMatch(filter === 'colour' ? /colour/ : /필터|filter/);
      expect((error as ComparisonError).text.en).toContain(filter);
    }
    await expect(runComparison(db.connection, 'league', {})).rejects.toMatchObject({ code: 'unknown_comparison' });
    await expect(runComparison(db.connection, 'progress', { today: 'yesterday' })).rejects.toMatchObject({ filter: 'today' });
  });

  it('parses filters with the domain schemas', () => {
    expect(comparisonFilterSchema.parse({ phase: ['1', '2'], dong: 'a,b', district: ['30110'] })).toEqual({ phase: [1, 2], dong: ['a', 'b'], district: ['30110'] });
    expect(summaryFilterSchema.parse({ rank: 'true' })).toEqual({ rank: true });
    const bad = comparisonFilterSchema.safeParse({ district: 'x' });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(filterError(bad.error)).toMatchObject({ filter: 'district' });
  });
});

describe('metric definitions', () => {
  it('defines every figure of every comparison once, in Korean and English', async () => {
    for (const comparison of Object.values(comparisons)) {
      const { columns } = await runComparison(db.connection, comparison.name, { today });
      const names = columns.map((c) => c.name);
      for (const figure of comparison.figures) expect(names).toContain(figure);
      for (const key of comparison.keys) expect(names).toContain(key);
      for (const name of names) {
        if (comparison.keys.includes(name)) continue;
        const base = name.replace(/(Phase1|Phase2|Delta)$/, '');
        const all = metrics as Record<string, (typeof metrics)[keyof typeof metrics]>;
        const m = all[name] ?? all[base];
        expect(m, name).toBeDefined();
        expect(m!.definition.ko.length).toBeGreaterThan(3);
        expect(m!.definition.en.length).toBeGreaterThan(3);
      }
    }
  });
});
