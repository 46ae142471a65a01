import { describe, expect, it } from 'vitest';
import {
  ReferenceIndex,
  checkRow,
  daejeonReference,
  duplicateLineWarnings,
  overAllocationIssue,
  rowMessages,
  type Issue,
  type Kind,
  type SpendingLine,
} from '../../domain/index.ts';

const ref = new ReferenceIndex(daejeonReference);
const spending = { dong: '가양2동', phase: 1, fiscalYear: 2019, category: '기타', budgetKrw: 1000 };
const participation = { dong: '갈마1동', phase: 1, date: '2019-06-04', activity: '주민총회', participants: 120 };
const progress = { dong: '원신흥동', phase: 1, milestone: '주민총회 개최', status: '진행중' };

const errorsOf = (kind: Kind, values: Record<string, unknown>) => checkRow(kind, values, ref).errors.map((e) => `${e.field}:${e.code}`);
const warningsOf = (kind: Kind, values: Record<string, unknown>) => checkRow(kind, values, ref).warnings.map((e) => `${e.field}:${e.code}`);

describe('row rules', () => {
  it('accepts minimal valid rows, with dong names resolved to codes and blanks as null', () => {
    const checked = checkRow('spending', spending, ref);
    expect(checked.errors).toEqual([]);
    expect(checked.values).toMatchObject({ dong: '30110-gayang2', executedKrw: null, note: null });
    expect(checkRow('participation', participation, ref).values?.dong).toBe('30170-galma1');
    expect(checkRow('progress', progress, ref).values?.dong).toBe('30200-wonsinheung');
  });

  it.each([
    ['spending', { ...spending, budgetKrw: undefined }, 'budgetKrw:required'],
    ['spending', { ...spending, category: '' }, 'category:required'],
    ['participation', { ...participation, participants: null }, 'participants:required'],
    ['progress', { ...progress, status: '  ' }, 'status:required'],
    ['spending', { ...spending, budgetKrw: -1 }, 'budgetKrw:negative'],
    ['spending', { ...spending, executedKrw: 10.5 }, 'executedKrw:not_whole'],
    ['spending', { ...spending, budgetKrw: '1,000' }, 'budgetKrw:not_number'],
    ['participation', { ...participation, participants: -3 }, 'participants:negative'],
    ['participation', { ...participation, voters: 1.5 }, 'voters:not_whole'],
    ['participation', { ...participation, voters: 100, votersOnline: 101 }, 'votersOnline:online_over_voters'],
    ['participation', { ...participation, votersOnline: 10 }, 'votersOnline:online_over_voters'],
    ['spending', { ...spending, carriedOverKrw: -1 }, 'carriedOverKrw:negative'],
    ['spending', { ...spending, budgetKrw: 9_000_000_000_000_000 }, 'budgetKrw:too_large'],
    ['participation', { ...participation, newParticipants: 121 }, 'newParticipants:new_over_participants'],
    ['participation', { ...participation, date: '2019-02-30' }, 'date:invalid_date'],
    ['participation', { ...participation, online: 'Y' }, 'online:not_boolean'],
    ['spending', { ...spending, category: '홍보비' }, 'category:unknown_code'],
    ['spending', { ...spending, dong: '없는동' }, 'dong:unknown_dong'],
    ['spending', { ...spending, phase: 9 }, 'phase:unknown_phase'],
    ['spending', { ...spending, fiscalYear: 19 }, 'fiscalYear:invalid_year'],
    ['progress', { ...progress, status: '완료', progressPct: 100 }, 'completedOn:done_without_date'],
    ['progress', { ...progress, status: '완료', completedOn: '2019-07-25', progressPct: 90 }, 'progressPct:done_under_100'],
    ['progress', { ...progress, completedOn: '2019-07-25' }, 'completedOn:date_without_done'],
    ['progress', { ...progress, progressPct: 101 }, 'progressPct:out_of_range'],
    ['spending', { ...spending, revision: 3 }, 'revision:service_owned'],
    ['spending', { ...spending, colour: 'red' }, 'colour:unknown_field'],
  ] as const)('%s %o → %s', (kind, values, expected) => {
    expect(errorsOf(kind, values)).toContain(expected);
  });

  it('warns, and keeps the row, for over-execution, dates outside the phase and late completion', () => {
    expect(warningsOf('spending', { ...spending, executedKrw: 1001 })).toEqual(['executedKrw:over_budget']);
    expect(warningsOf('spending', { ...spending, executedOn: '2020-02-01' })).toEqual(['executedOn:outside_phase']);
    expect(warningsOf('progress', { ...progress, status: '완료', plannedOn: '2019-07-31', completedOn: '2019-08-05', progressPct: 100 })).toEqual(['completedOn:completed_late']);
    expect(checkRow('spending', { ...spending, executedKrw: 1001 }, ref).values).toBeDefined();
  });

  it('warns when executed, carried over and returned together exceed the budget', () => {
    expect(warningsOf('spending', { ...spending, executedKrw: 600, carriedOverKrw: 300, returnedKrw: 100 })).toEqual([]);
    expect(warningsOf('spending', { ...spending, executedKrw: 600, carriedOverKrw: 300, returnedKrw: 101 })).toEqual(['executedKrw:over_budget']);
    expect(warningsOf('spending', { ...spending, carriedOverKrw: 1200 })).toEqual(['carriedOverKrw:over_budget']);
  });

  it('checks an agenda (자치계획): done needs its date, a date needs done, 가결 cannot say no', () => {
    const agenda = { dong: '갈마1동', phase: 1, fiscalYear: 2019, title: '마을 축제', status: '가결', adopted: true };
    expect(errorsOf('agendas', agenda)).toEqual([]);
    expect(errorsOf('agendas', { ...agenda, adopted: false })).toEqual(['adopted:adopted_not_adopted']);
    expect(errorsOf('agendas', { ...agenda, status: '완료' })).toEqual(['completedOn:done_without_date']);
    expect(errorsOf('agendas', { ...agenda, completedOn: '2019-12-01' })).toEqual(['completedOn:date_without_done']);
    expect(errorsOf('agendas', { ...agenda, status: '상정됨' })).toEqual(['status:unknown_code']);
    expect(errorsOf('agendas', { ...agenda, title: '' })).toEqual(['title:required']);
    expect(warningsOf('agendas', { ...agenda, assemblyOn: '2020-11-01' })).toEqual(['assemblyOn:outside_phase']);
  });

  it('checks a council (위원구성): members within the seats, women, youth and trained within the members', () => {
    const council = { dong: '진잠동', phase: 1, fiscalYear: 2019, seats: 50, members: 49, selectedByLottery: 49, women: 24, youth: 5, trainingCompleted: 49 };
    expect(errorsOf('council', council)).toEqual([]);
    expect(errorsOf('council', { ...council, members: 51 })).toEqual(['members:members_over_seats']);
    expect(errorsOf('council', { ...council, women: 50, youth: 50, trainingCompleted: 50 })).toEqual([
      'women:over_members',
      'youth:over_members',
      'trainingCompleted:over_members',
    ]);
    expect(errorsOf('council', { ...council, members: null })).toEqual(['members:required']);
    const [message] = checkRow('council', { ...council, members: 51 }, ref).errors;
    expect(message?.message.ko).toBe('위원 수: 위원 수(51)가 정원보다 많을 수 없습니다.');
  });

  it('reads the first wave’s `votes` as the voters', () => {
    const checked = checkRow('participation', { ...participation, votes: 100 }, ref);
    expect(checked.errors).toEqual([]);
    expect(checked.values).toMatchObject({ voters: 100, votersOnline: null });
  });

  it('warns of a row of a phase before the dong joined, and of more people than the dong has', () => {
    // 도마1동 joined in phase 2; its illustrative 2019 population is 17,900.
    expect(warningsOf('participation', { ...participation, dong: '도마1동' })).toEqual(['phase:before_joined']);
    const [joined] = checkRow('participation', { ...participation, dong: '도마1동' }, ref).warnings;
    expect(joined?.message.ko).toContain('도마1동은(는) 2단계에 시범사업에 합류했습니다');
    const crowd = checkRow('participation', { ...participation, participants: 30_000, voters: 27_000 }, ref).warnings;
    expect(crowd.map((w) => `${w.field}:${w.code}`)).toEqual(['participants:over_population', 'voters:over_population']);
    expect(crowd[0]!.message.ko).toBe('참여인원: 30,000명이 동 인구 26,800명보다 많습니다. 값을 확인하세요.');
  });

  it("warns when a dong's lines for a year exceed its allocation, naming both sums", () => {
    const total = (budgets: number[]) => budgets.reduce((sum, b) => sum + b, 0);
    const lines = [40_000_000, 116_000_000];
    expect(overAllocationIssue('30110-gayang2', 2019, total(lines), ref)).toBeUndefined();
    const over = [...lines, 196_000_000];
    const warned = overAllocationIssue('30110-gayang2', 2019, total(over), ref);
    expect(warned?.message.ko).toBe('예산액(원): 가양2동 2019 예산 합계 352백만원이 배정액 156백만원을 넘습니다.');
    expect(warned?.message.en).toContain('KRW 352 million');
    // A dong or year without an allocation is never over it.
    expect(overAllocationIssue('30110-gayang2', 2021, total(over), ref)).toBeUndefined();
  });

  it('warns of a likely duplicate line, naming the line it repeats', () => {
    const line = (rowId: string, item: string | null, budgetKrw = 1_000_000): SpendingLine => ({
      rowId,
      dong: '30110-gayang2',
      fiscalYear: 2019,
      category: '자체 사업비',
      item,
      budgetKrw,
    });
    const lines = [line('aaaaaaaa-1', '마을 축제'), line('bbbbbbbb-2', ' 마을 축제'), line('cccccccc-3', '마을 축제', 2_000_000), line('dddddddd-4', null)];
    const warned = new Map<string, Issue[]>();
    duplicateLineWarnings(lines, new Set(['bbbbbbbb-2', 'cccccccc-3', 'dddddddd-4']), warned);
    expect([...warned.keys()]).toEqual(['bbbbbbbb-2']);
    const [duplicate] = warned.get('bbbbbbbb-2')!;
    expect(duplicate).toMatchObject({ field: 'item', code: 'likely_duplicate' });
    expect(duplicate!.message.ko).toContain("자체 사업비 '마을 축제' 1,000,000원, 행ID aaaaaaaa");
  });

  it('names the field in Korean first and English too', () => {
    const [error] = checkRow('spending', { ...spending, budgetKrw: -500 }, ref).errors;
    expect(error?.message.ko).toBe('예산액(원): 음수일 수 없습니다 (-500).');
    expect(error?.message.en).toBe('Budget (KRW): cannot be negative (-500).');
    for (const [code, template] of Object.entries(rowMessages)) {
      const m = template({ header: '헤더', label: 'Label' }, 'v');
      expect(m.ko, code).toMatch(/[가-힣]/);
      expect(m.en, code).toMatch(/[A-Za-z]/);
    }
  });

  it('refuses a dong name shared by two districts, asking for the code', () => {
    const twoJungang = new ReferenceIndex({
      ...daejeonReference,
      dongs: [
        { ...daejeonReference.dongs[0]!, code: 'a-jungang', name: '중앙동', district: '30110' },
        { ...daejeonReference.dongs[0]!, code: 'b-jungang', name: '중앙동', district: '30140' },
      ],
    });
    expect(checkRow('spending', { ...spending, dong: '중앙동' }, twoJungang).errors.map((e) => e.code)).toEqual(['ambiguous_dong']);
    expect(checkRow('spending', { ...spending, dong: 'b-jungang' }, twoJungang).values?.dong).toBe('b-jungang');
  });
});

describe('a dong as a sheet names it', () => {
  it('by name, by "구 동", by "시 구 동" or by its 10-digit 행정동 code', () => {
    for (const dong of ['가양2동', '동구 가양2동', '대전광역시 동구 가양2동', '3011063000', '30110-gayang2']) {
      expect(checkRow('spending', { ...spending, dong }, ref).values?.dong, dong).toBe('30110-gayang2');
    }
    // A name in the wrong district, or of another city, is not guessed.
    expect(errorsOf('spending', { ...spending, dong: '서구 가양2동' })).toEqual(['dong:unknown_dong']);
    expect(errorsOf('spending', { ...spending, dong: '세종특별자치시 동구 가양2동' })).toEqual(['dong:unknown_dong']);
  });
});
