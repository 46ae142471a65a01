// addin/taskpane/views/compare-model.ts: what the 비교 view asks for and draws — the filters' choices,
// a country's dongs fetched a page at a time, the dong's name before its code, what can be charted
// and the chart's series — without a DOM.
import { describe, expect, it } from 'vitest';
import type { MetaDong } from '../../addin/taskpane/api.ts';
import { chartChoices, chartItemLimit, chartSeries, cohortsOf, districtsOf, dongPage, resultColumns } from '../../addin/taskpane/views/compare-model.ts';

const dong = (i: number, district: string, cohort = 1, extra: Partial<MetaDong> = {}): MetaDong => ({
  code: `c${String(i).padStart(4, '0')}`,
  name: `동${String(i).padStart(4, '0')}`,
  district,
  city: '30',
  adminCode: null,
  joinedPhase: cohort,
  cohort,
  population: {},
  populationIllustrative: false,
  ...extra,
});
const country = Array.from({ length: 250 }, (_, i) => dong(i, i < 200 ? 'A' : 'B', i % 2 ? 1 : 2));

describe('filters', () => {
  it('offers the cohorts and districts the reference data has, districts by name', () => {
    expect(cohortsOf([dong(1, 'A', 2), dong(2, 'A', 1), dong(3, 'B'), dong(4, 'B', 3)])).toEqual([1, 2, 3]);
    const names: Record<string, string> = { A: '유성구', B: '대덕구' };
    expect(districtsOf(country, (c) => names[c] ?? c)).toEqual(['B', 'A']);
  });
});

describe('a page of dongs', () => {
  it('a country of 250 dongs is asked for 100 at a time, by name', () => {
    const first = dongPage(country, 'spending', {}, 0)!;
    expect(first).toMatchObject({ page: 0, pages: 3, total: 250, from: 1, to: 100 });
    expect(first.codes).toHaveLength(100);
    expect(first.codes[0]).toBe('c0000');
    const last = dongPage(country, 'spending', {}, 7)!;
    expect(last).toMatchObject({ page: 2, from: 201, to: 250 });
    expect(last.codes).toHaveLength(50);
  });

  it('filters by district and cohort before paging; few dongs, one dong, the summary or governance: asked for whole', () => {
    expect(dongPage(country, 'spending', { district: 'A' }, 1)).toMatchObject({ total: 200, pages: 2, from: 101, to: 200 });
    expect(dongPage(country, 'spending', { district: 'A', cohort: '1' }, 0)).toBeUndefined();
    expect(dongPage(country, 'spending', { dong: 'c0001' }, 0)).toBeUndefined();
    expect(dongPage(country, 'summary', {}, 0)).toBeUndefined();
    expect(dongPage(country, 'governance', {}, 0)).toBeUndefined();
  });
});

describe('the answer', () => {
  it('shows the dong’s name first, in place of its code', () => {
    expect(resultColumns(['dong', 'phase', 'dongName', 'budgetKrw'])).toEqual(['dongName', 'phase', 'budgetKrw']);
    expect(resultColumns(['unit', 'events'])).toEqual(['unit', 'events']);
  });

  it('charts columns of numbers, and a figure-valued column one figure at a time', () => {
    const rows = [
      { kind: 'city', phase: 1, cohort: null, figure: 'completionRate', value: 0.5, median: 0.4, note: 'x', rank: 1 },
      { kind: 'city', phase: 1, cohort: null, figure: 'assemblyTurnoutPer1000', value: 12, median: null, note: 'y', rank: 2 },
    ];
    const choices = chartChoices(
      rows,
      ['kind', 'phase', 'cohort', 'figure', 'value', 'median', 'note', 'rank'],
      (c) => c === 'value' || c === 'median',
      () => true,
    );
    expect(choices.map((c) => c.key)).toEqual(['value:completionRate', 'value:assemblyTurnoutPer1000', 'median:completionRate']);
    expect(
      chartChoices(
        [{ dongName: '가동', budgetKrw: 1, fiscalYear: 2019 }],
        ['dongName', 'budgetKrw', 'fiscalYear'],
        () => false,
        (c) => c !== 'fiscalYear',
      ).map((c) => c.key),
    ).toEqual(['budgetKrw']);
  });

  it('a chart has a series per phase and the all-categories line of each dong', () => {
    const rows = [
      { dongName: '가동', phase: 1, category: null, budgetKrw: 100 },
      { dongName: '가동', phase: 1, category: '기타', budgetKrw: 40 },
      { dongName: '가동', phase: 2, category: null, budgetKrw: 80 },
      { dongName: '나동', phase: 2, category: null, budgetKrw: null },
    ];
    const series = chartSeries(rows, { key: 'budgetKrw', field: 'budgetKrw' }, (r) => String(r.dongName));
    expect(series.phases).toEqual([1, 2]);
    expect(series.items).toEqual([
      { label: '가동', values: [100, 80] },
      { label: '나동', values: [null, null] },
    ]);
    const many = Array.from({ length: 50 }, (_, i) => ({ dongName: `동${i}`, events: i }));
    expect(chartSeries(many, { key: 'events', field: 'events' }, (r) => String(r.dongName)).items).toHaveLength(chartItemLimit);
  });
});
