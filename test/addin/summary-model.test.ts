// addin/taskpane/views/summary-model.ts: what the 요약 view lists from the service's answers — whose
// flags a reader sees, the group rows per phase and cohort, the like-for-like pairs, the search and
// the chart — without a DOM. The model only reads the service's judgement; it never makes one.
import { describe, expect, it } from 'vitest';
import {
  chartDongs,
  chartLimit,
  cityLines,
  cityValues,
  continuingPairs,
  dongValue,
  filterDongs,
  flagsOf,
  sheetContinuing,
  summaryModel,
} from '../../addin/taskpane/views/summary-model.ts';

const rate = 'completionRate';
const city = (phase: number, cohort: number | null, value: number, extra: Record<string, unknown> = {}) => ({
  kind: 'city',
  figure: rate,
  phase,
  cohort,
  value,
  median: value,
  q1: value - 0.1,
  q3: value + 0.1,
  dongsWithData: 8,
  illustrative: false,
  ...extra,
});
const continuing = (phase: number, versus: number, cohort: number | null, value: number, dongsWithData = 6) => ({
  kind: 'continuing',
  figure: rate,
  phase,
  versus,
  cohort,
  value,
  dongsWithData,
});
const flag = (dong: string, dongName: string, phase: number, figure: string, kind: 'low' | 'fell', extra: Record<string, unknown> = {}) => ({
  kind: 'dong',
  dong,
  dongName,
  district: '30230',
  phase,
  figure,
  flag: kind,
  value: 0.2,
  median: 0.6,
  previousValue: 0.7,
  illustrative: false,
  ...extra,
});
const phases = (dong: string, dongName: string, district: string, p1: number | null, p2: number | null) => ({
  dong,
  dongName,
  district,
  [`${rate}Phase1`]: p1,
  [`${rate}Phase2`]: p2,
  [`${rate}Delta`]: p1 !== null && p2 !== null ? p2 - p1 : null,
});

const summary = [
  city(1, null, 0.5),
  city(2, null, 0.6),
  city(2, 1, 0.8),
  city(2, 2, 0.4),
  continuing(1, 2, null, 0.5),
  continuing(2, 1, null, 0.7),
  flag('b', '나동', 2, rate, 'low'),
  flag('a', '가동', 2, 'assemblyTurnoutPer1000', 'fell', { illustrative: true }),
  flag('a', '가동', 1, rate, 'low'),
  // Not a flag the view shows: no flag, or a figure that is not a headline figure.
  { kind: 'dong', dong: 'c', dongName: '다동', phase: 2, figure: rate, flag: null },
  { kind: 'dong', dong: 'c', dongName: '다동', phase: 2, figure: 'events', flag: 'low' },
];
const phaseRows = [
  phases('a', '가동', '30230', 0.4, 0.5),
  phases('b', '나동', '30230', 0.6, 0.3),
  phases('c', '다동', '30110', 0.7, 0.9),
  // Joined later and not synced yet: nothing to show.
  phases('d', '라동', '30110', null, null),
];

describe('flags', () => {
  it('lists the service’s flags by dong name, then phase, then headline figure; nothing else', () => {
    const flags = flagsOf(summary);
    expect(flags.map((f) => `${f.dongName} ${f.phase} ${f.figure} ${f.flag}`)).toEqual([`가동 1 ${rate} low`, '가동 2 assemblyTurnoutPer1000 fell', `나동 2 ${rate} low`]);
    expect(flags[1]!.illustrative).toBe(true);
  });

  it('counts flagged dongs of dongs with a figure; a dong without any figure is left out', () => {
    const model = summaryModel(summary, phaseRows);
    expect(model.flaggedGroups.map((g) => g.map((f) => f.dong))).toEqual([['a', 'a'], ['b']]);
    expect(model.dongs.map((d) => d.dongName)).toEqual(['가동', '나동', '다동']);
    expect(model.phases).toEqual([1, 2]);
  });

  it('a dong official sees only its own dong’s flags and figures', () => {
    const model = summaryModel(summary, phaseRows, (dong) => dong === 'b');
    expect(model.flags.map((f) => f.dongName)).toEqual(['나동']);
    expect(model.dongs.map((d) => d.dongName)).toEqual(['나동']);
    expect([...model.flaggedDongs]).toEqual(['b']);
  });

  it('a dong’s value in a phase carries the flags the service gave it there', () => {
    const [a] = summaryModel(summary, phaseRows).dongs;
    expect(dongValue(a!, rate, 1)).toMatchObject({ value: 0.4, flags: [{ flag: 'low', phase: 1 }] });
    expect(dongValue(a!, rate, 2)).toEqual({ value: 0.5, flags: [] });
  });
});

describe('group rows', () => {
  it('a phase with two cohorts lists all dongs first, then each cohort; a phase with one, all dongs', () => {
    expect(cityLines(summary, rate, [1, 2]).map((l) => [l.phase, l.cohort, l.row.value])).toEqual([
      [1, null, 0.5],
      [2, null, 0.6],
      [2, 1, 0.8],
      [2, 2, 0.4],
    ]);
  });

  it('the summary sheet takes the city’s value per phase, blank where the service gave none', () => {
    expect(cityValues(summary, rate, [1, 2, 3])).toEqual([
      { phase: 1, value: 0.5, median: 0.5 },
      { phase: 2, value: 0.6, median: 0.6 },
      { phase: 3, value: null, median: null },
    ]);
  });

  it('phase 1 → phase 2 like for like: the same six dongs in both phases', () => {
    const pairs = continuingPairs(summary, rate, [1, 2]);
    expect(pairs).toEqual([{ from: 1, to: 2, cohort: null, dongs: 6, fromValue: 0.5, toValue: 0.7, illustrative: false }]);
    expect(sheetContinuing(pairs, [1, 2])).toEqual({ dongs: 6, values: [0.5, 0.7] });
    // One phase only: nothing to compare.
    expect(continuingPairs(summary, rate, [1])).toEqual([]);
    expect(sheetContinuing([], [1, 2])).toEqual({ dongs: null, values: [null, null] });
  });
});

describe('the dongs’ table and chart', () => {
  const model = summaryModel(summary, phaseRows);
  const districtName = (code: string) => ({ '30230': '대덕구', '30110': '동구' })[code] ?? code;

  it('a search finds dongs by their own or their district’s name; 지원 검토만 keeps the flagged ones', () => {
    expect(filterDongs(model, ' 나동 ', false, districtName).map((d) => d.dongName)).toEqual(['나동']);
    expect(filterDongs(model, '동구', false, districtName).map((d) => d.dongName)).toEqual(['다동']);
    expect(filterDongs(model, '', true, districtName).map((d) => d.dongName)).toEqual(['가동', '나동']);
    expect(filterDongs(model, '동구', true, districtName)).toEqual([]);
  });

  it('the chart draws dongs with a value by name, at most 40', () => {
    const many = summaryModel(
      summary,
      Array.from({ length: 45 }, (_, i) => phases(`x${i}`, `동${String(44 - i).padStart(2, '0')}`, '30230', i / 100, null)),
    );
    const drawn = chartDongs(many.dongs, rate);
    expect(drawn).toHaveLength(chartLimit);
    expect(drawn[0]!.dongName).toBe('동00');
    expect(chartDongs(model.dongs, 'assemblyTurnoutPer1000')).toEqual([]);
  });
});
