import { describe, expect, it } from 'vitest';
import { ReferenceIndex, checkRow, daejeonReference, rowMessages, type Kind } from '../../domain/index.ts';

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
    ['participation', { ...participation, votes: 1.5 }, 'votes:not_whole'],
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
    expect(warningsOf('progress', { ...progress, status: '완료', plannedOn: '2019-07-31', completedOn: '2019-08-05', progressPct: 100 })).toEqual([
      'completedOn:completed_late',
    ]);
    expect(checkRow('spending', { ...spending, executedKrw: 1001 }, ref).values).toBeDefined();
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
