// addin/taskpane/views/figures.ts: each figure computed again from hand-made rows whose answer is known by
// hand (the drill-down shows this beside the number on screen).
import { describe, expect, it } from 'vitest';
import { recompute } from '../../addin/taskpane/views/figures.ts';
import { recomputeContext } from '../../addin/taskpane/views/drill.ts';
import type { Meta } from '../../addin/taskpane/api.ts';

const line = (category: string, budgetKrw: number, executedKrw: number | null, extra: Record<string, unknown> = {}) => ({ category, budgetKrw, executedKrw, ...extra });
const event = (date: string, activity: string, participants: number, extra: Record<string, unknown> = {}) => ({ date, activity, participants, ...extra });
const step = (milestone: string, status: string, extra: Record<string, unknown> = {}) => ({ milestone, status, ...extra });

describe('spending', () => {
  const lines = [
    line('자치지원관 인건비', 40_000_000, 40_000_000),
    line('간사 인건비', 20_000_000, 20_000_000),
    line('주민자치학교 운영비', 10_000_000, 5_000_000),
    line('자체 사업비', 30_000_000, 15_000_000, { carriedOverKrw: 5_000_000, returnedKrw: 2_000_000 }),
  ];

  it('사업비 집행률: the pay lines fully spent, the rest half → 50%', () => {
    expect(recompute('discretionaryExecutionRate', lines)).toBe(0.5);
    // The plain execution rate counts the pay lines: (60 + 20) / 100.
    expect(recompute('executionRate', lines)).toBeCloseTo(0.8, 12);
  });

  it('carry-over and unspent rates over the budget; a blank executed is nothing executed', () => {
    expect(recompute('carryOverRate', lines)).toBeCloseTo(0.05, 12);
    // (100 − 80 − 5) / 100: returned money is part of the unspent share.
    expect(recompute('unspentRate', lines)).toBeCloseTo(0.15, 12);
    expect(recompute('executedKrw', [line('기타', 1_000, null)])).toBe(0);
    expect(recompute('executionRate', [line('기타', 0, 0)])).toBeNull();
    expect(recompute('discretionaryExecutionRate', [line('간사 인건비', 1_000, 1_000)])).toBeNull();
  });

  it('per resident needs the population', () => {
    expect(recompute('executedPerResident', lines, { population: 20_000 })).toBe(4_000);
    expect(recompute('executedPerResident', lines)).toBeNull();
  });
});

describe('participation', () => {
  const events = [
    event('2019-03-02', '주민자치학교', 40),
    event('2019-03-09', '주민자치학교', 35, { newParticipants: 10 }),
    // One assembly kept as two rows of the same day (on site and online): 300 + 34 voters.
    event('2019-11-16', '주민총회', 320, { voters: 300, votersOnline: 0 }),
    event('2019-11-16', '주민총회', 34, { voters: 34, votersOnline: 34 }),
    // A smaller assembly earlier in the year, voters blank: its participants count.
    event('2019-06-01', '주민총회', 200),
  ];

  it('assembly voters: the largest 주민총회 day, its rows added; turnout per 1,000 residents', () => {
    expect(recompute('assemblyVoters', events)).toBe(334);
    expect(recompute('assemblyTurnoutPer1000', events, { population: 20_000 })).toBeCloseTo(16.7, 12);
    expect(recompute('assemblyTurnoutPer1000', events)).toBeNull();
    expect(recompute('votersOnlineShare', events)).toBeCloseTo(34 / 334, 12);
  });

  it('a flat assembly with fewer events logged keeps the same turnout', () => {
    const fewer = events.filter((e) => e.activity === '주민총회');
    expect(recompute('assemblyTurnoutPer1000', fewer, { population: 20_000 })).toBe(recompute('assemblyTurnoutPer1000', events, { population: 20_000 }));
    // Attendances grow with the events typed; that is why they are not a headline figure.
    expect(recompute('attendances', events)).toBe(629);
    expect(recompute('attendances', fewer)).toBe(554);
  });

  it('voters where given, else participants; no assembly, no figure', () => {
    expect(recompute('assemblyVoters', [event('2019-11-16', '주민총회', 120)])).toBe(120);
    expect(recompute('assemblyVoters', [event('2019-03-02', '주민자치학교', 40)])).toBeNull();
    expect(recompute('attendancesPer1000', events, { population: 10_000 })).toBeCloseTo(62.9, 12);
    expect(recompute('newParticipants', events)).toBe(10);
    expect(recompute('events', events)).toBe(5);
  });
});

describe('progress', () => {
  const expected = ['시범조례 제·개정', '동장 직위공모', '자치지원관 선발', '주민자치학교 운영', '위원 선정', '주민자치회 발대식', '자치규약 제정', '분과위원회 구성', '자치계획 수립', '주민총회 개최'];

  it('two of ten expected milestones done → 20%; a missing one counts as not done', () => {
    const rows = [
      step('시범조례 제·개정', '완료', { plannedOn: '2019-02-28', completedOn: '2019-02-20' }),
      step('동장 직위공모', '완료', { plannedOn: '2019-03-31', completedOn: '2019-04-10' }),
      step('자치지원관 선발', '진행중'),
    ];
    expect(recompute('completionRate', rows, { expected })).toBe(0.2);
    expect(recompute('completedExpected', rows, { expected })).toBe(2);
    expect(recompute('expected', rows, { expected })).toBe(10);
    // Only the first was done by its plan.
    expect(recompute('onTimeRate', rows, { expected })).toBe(0.1);
  });

  it('a milestone written twice counts once; one the city does not expect does not count', () => {
    const rows = [step('자치계획 수립', '완료'), step('자치계획 수립', '완료'), step('자치계획 실행', '완료')];
    expect(recompute('completionRate', rows, { expected: ['자치계획 수립', '주민총회 개최', '자치계획 실행'].slice(0, 2) })).toBe(0.5);
    // Leaving out the steps not started does not make a dong 100% done.
    expect(recompute('completionRate', [step('자치계획 수립', '완료')], { expected })).toBe(0.1);
    expect(recompute('completionRate', rows)).toBeNull();
  });

  it('progress, delays and recorded milestones as before', () => {
    const rows = [
      step('시범조례 제·개정', '완료', { plannedOn: '2019-02-28', completedOn: '2019-03-10' }),
      step('동장 직위공모', '진행중', { progressPct: 50, plannedOn: '2019-03-31' }),
      step('자치지원관 선발', '지연'),
    ];
    expect(recompute('milestones', rows)).toBe(3);
    expect(recompute('avgProgressPct', rows)).toBe(75);
    expect(recompute('delayed', rows, { today: '2019-12-31' })).toBe(3);
    expect(recompute('medianDelayDays', rows)).toBe(10);
  });
});

describe('recomputeContext', () => {
  const meta = {
    kinds: [],
    districts: [],
    dongs: [
      { code: 'a', name: '가동', district: 'x', cohort: 1, population: { '2019': 20_000, '2020': 21_000 } },
      { code: 'b', name: '나동', district: 'x', joinedPhase: 2 },
    ],
    phases: [
      { phase: 1, name: '1단계', year: 2019, start: '2018-08-01', end: '2019-12-31' },
      { phase: 2, name: '2단계', year: 2020, start: '2020-01-01', end: '2020-12-31' },
    ],
    expectedMilestones: [
      { cohort: 1, phase: 2, milestones: ['자치계획 수립', '주민총회 개최', '자치계획 실행'] },
      { cohort: 2, phase: 2, milestones: ['시범조례 제·개정'] },
    ],
  } as Meta;

  it('takes the population of the phase’s year and the cohort’s expected milestones', () => {
    expect(recomputeContext(meta, 'a', 2)).toEqual({ population: 21_000, expected: ['자치계획 수립', '주민총회 개최', '자치계획 실행'] });
    expect(recomputeContext(meta, 'b', 2)).toEqual({ population: null, expected: ['시범조례 제·개정'] });
    expect(recomputeContext(meta, 'a', 1)).toEqual({ population: 20_000, expected: null });
  });
});

describe('agendas (자치계획)', () => {
  const agenda = (title: string, status: string, extra: Record<string, unknown> = {}) => ({ title, status, ...extra });
  const rows = [
    agenda('마을 축제', '완료', { assemblyOn: '2019-10-01', adopted: true, completedOn: '2019-12-01', estimatedCostKrw: 3_000_000 }),
    agenda('공유 텃밭', '실행중', { assemblyOn: '2019-10-01', estimatedCostKrw: 2_000_000 }),
    // 가결 blank: adopted by its status; done.
    agenda('마을 신문', '완료', { completedOn: '2019-12-20' }),
    agenda('주차장', '부결', { assemblyOn: '2019-10-01', adopted: false }),
    agenda('벽화', '발굴'),
  ];

  it('의제 완료율: two of the three adopted agendas done → 2/3; found or voted-down agendas do not count', () => {
    expect(recompute('agendaCompletionRate', rows)).toBeCloseTo(2 / 3, 12);
    expect(recompute('adopted', rows)).toBe(3);
    expect(recompute('agendasCompleted', rows)).toBe(2);
    expect(recompute('putToAssembly', rows)).toBe(4);
    expect(recompute('adoptionRate', rows)).toBe(0.75);
    expect(recompute('agendas', rows)).toBe(5);
    expect(recompute('estimatedCostKrw', rows)).toBe(5_000_000);
    // Typing more agendas that were only found leaves it where it was.
    expect(recompute('agendaCompletionRate', [...rows, agenda('놀이터', '발굴'), agenda('가로등', '보류')])).toBeCloseTo(2 / 3, 12);
    expect(recompute('agendaCompletionRate', [agenda('벽화', '발굴')])).toBeNull();
  });
});

describe('council (위원구성)', () => {
  it('reads the latest snapshot: by fiscal year, then 기준일', () => {
    const rows = [
      { fiscalYear: 2019, asOf: '2019-09-01', seats: 40, members: 32, women: 16, youth: 4, selectedByLottery: 30, trainingCompleted: 24 },
      { fiscalYear: 2019, asOf: '2019-05-01', seats: 40, members: 30, women: 12, youth: 3, selectedByLottery: 30, trainingCompleted: 30 },
    ];
    expect(recompute('members', rows)).toBe(32);
    expect(recompute('womenShare', rows)).toBe(0.5);
    expect(recompute('trainedShare', rows)).toBe(0.75);
    expect(recompute('lotteryShare', [{ fiscalYear: 2020, members: 0, selectedByLottery: 0 }])).toBeNull();
  });
});
