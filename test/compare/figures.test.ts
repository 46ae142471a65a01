import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonFilterSchema, comparisons, filterError, metrics, summaryFilterSchema } from '../../domain/index.ts';
import { ComparisonError, runComparison } from '../../service/store/compare/index.ts';
import { A, B, C, D, openFixture, today } from './fixture.ts';

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
  it('sums budgets and executions per dong × phase × category, with an all-lines row', async () => {
    const { rows, columns } = await runComparison(db.connection, 'spending', {});
    expect(columns.map((c) => c.name)).toEqual(['district', 'dong', 'dongName', 'phase', 'category', 'budgetKrw', 'executedKrw', 'executionRate', 'executedPerResident']);
    // A, phase 1: 1,000,000 + 2,000,000 + 500,000 budget; 800,000 + 2,000,000 + blank executed; the tombstone is not counted.
    expect(find(rows, { dong: A, phase: 1, category: null })).toEqual({
      district: '11111', dong: A, dongName: '가동', phase: 1, category: null,
      budgetKrw: 3_500_000, executedKrw: 2_800_000, executionRate: 0.8, executedPerResident: 280,
    });
    const etc = find(rows, { dong: A, phase: 1, category: '기타' });
    expect(etc.budgetKrw).toBe(1_500_000);
    expect(etc.executedKrw).toBe(800_000);
    expect(etc.executionRate).toBeCloseTo(800_000 / 1_500_000, 12);
    // A, phase 2: a zero budget has no rate; over-execution is over 1; population of 2020 (12,500).
    expect(find(rows, { dong: A, phase: 2, category: '기타' })).toMatchObject({ budgetKrw: 0, executedKrw: 0, executionRate: null, executedPerResident: 0 });
    expect(find(rows, { dong: A, phase: 2, category: '자체 사업비' }).executionRate).toBeCloseTo(1.2, 12);
    expect(find(rows, { dong: A, phase: 2, category: null })).toMatchObject({ budgetKrw: 1_000_000, executedKrw: 1_200_000, executedPerResident: 96 });
    // B's 2020 population is unknown: no per-resident figure.
    expect(find(rows, { dong: B, phase: 2, category: null })).toMatchObject({ executionRate: 0.9, executedPerResident: null });
    expect(find(rows, { dong: B, phase: 1, category: null }).executedPerResident).toBe(25);
    // D spent 100 won against a zero budget.
    expect(find(rows, { dong: D, phase: 2, category: null })).toMatchObject({ budgetKrw: 0, executedKrw: 100, executionRate: null, executedPerResident: 0.0125 });
    expect(rows).toHaveLength(16); // 7 dong × phase rows, 9 category rows
  });

  it('filters by phase, district and dong (one or many)', async () => {
    const byPhase = await runComparison(db.connection, 'spending', { phase: '2' });
    expect(new Set(byPhase.rows.map((r) => r.phase))).toEqual(new Set([2]));
    const byDistrict = await runComparison(db.connection, 'spending', { district: '22222' });
    expect(new Set(byDistrict.rows.map((r) => r.dong))).toEqual(new Set([C, D]));
    const byDongs = await runComparison(db.connection, 'spending', { dong: [A, C], phase: [1] });
    expect(byDongs.rows.filter((r) => r.category === null).map((r) => r.dong)).toEqual([A, C]);
    const commaList = await runComparison(db.connection, 'spending', { dong: `${A},${C}`, phase: '1' });
    expect(commaList.rows).toEqual(byDongs.rows);
  });
});

describe('participation', () => {
  it('counts events and people, per 1,000 residents of the phase year', async () => {
    const { rows } = await runComparison(db.connection, 'participation', {});
    expect(find(rows, { dong: A, phase: 1 })).toEqual({
      district: '11111', dong: A, dongName: '가동', phase: 1,
      events: 2, participants: 230, newParticipants: 50, participantsPer1000: 23, assemblyParticipants: 200, votes: 150,
    });
    expect(find(rows, { dong: A, phase: 2 })).toMatchObject({ events: 1, participants: 100, newParticipants: 10, participantsPer1000: 8, assemblyParticipants: 0, votes: null });
    expect(find(rows, { dong: B, phase: 1 })).toMatchObject({ participants: 400, participantsPer1000: 20, assemblyParticipants: 400, votes: 300, newParticipants: null });
    expect(find(rows, { dong: B, phase: 2 })).toMatchObject({ participants: 500, participantsPer1000: null });
    expect(find(rows, { dong: C, phase: 1 }).participantsPer1000).toBe(2);
    expect(find(rows, { dong: C, phase: 2 }).participantsPer1000).toBe(10);
    expect(rows).toHaveLength(6);
  });
});

describe('progress', () => {
  it('counts done, delayed (지연, late, or past plan as of today) and the median delay', async () => {
    const { rows } = await runComparison(db.connection, 'progress', { today });
    // A1: done 10 days late; done 2 days early (blank progress counts 100); in progress past its plan; 지연.
    expect(find(rows, { dong: A, phase: 1 })).toEqual({
      district: '11111', dong: A, dongName: '가동', phase: 1,
      milestones: 4, completed: 2, completionRate: 0.5, avgProgressPct: 67.5, delayed: 3, medianDelayDays: 4,
    });
    // A2: one not yet due, one done on the day.
    expect(find(rows, { dong: A, phase: 2 })).toMatchObject({ milestones: 2, completed: 1, completionRate: 0.5, avgProgressPct: 70, delayed: 0, medianDelayDays: 0 });
    expect(find(rows, { dong: B, phase: 1 })).toMatchObject({ completionRate: 1, delayed: 1, medianDelayDays: 20 });
    // B2: 미착수 past its plan is delayed; 보류 not yet due is not; blank progress is skipped.
    expect(find(rows, { dong: B, phase: 2 })).toMatchObject({ milestones: 2, completed: 0, completionRate: 0, avgProgressPct: 0, delayed: 1, medianDelayDays: null });
    expect(find(rows, { dong: C, phase: 1 })).toMatchObject({ completionRate: 1, delayed: 0, medianDelayDays: -6 });
    expect(find(rows, { dong: C, phase: 2 })).toMatchObject({ delayed: 1, medianDelayDays: 10 });
  });

  it('judges "past its plan" against the given day', async () => {
    const early = await runComparison(db.connection, 'progress', { today: '2019-01-01', dong: A, phase: 1 });
    // Only the 지연 one and the late completion count before any plan has passed.
    expect(early.rows[0]!.delayed).toBe(2);
    const late = await runComparison(db.connection, 'progress', { today: '2021-01-01', dong: A, phase: 2 });
    expect(late.rows[0]!.delayed).toBe(1);
  });
});

describe('phases', () => {
  it('gives each headline figure in phase 1, phase 2 and the change', async () => {
    const { rows } = await runComparison(db.connection, 'phases', {});
    const a = find(rows, { dong: A });
    expect(a.executionRatePhase1).toBeCloseTo(0.8, 12);
    expect(a.executionRatePhase2).toBeCloseTo(1.2, 12);
    expect(a.executionRateDelta).toBeCloseTo(0.4, 12);
    expect(a).toMatchObject({ participantsPer1000Phase1: 23, participantsPer1000Phase2: 8, participantsPer1000Delta: -15 });
    expect(a).toMatchObject({ completionRatePhase1: 0.5, completionRatePhase2: 0.5, completionRateDelta: 0 });
    const b = find(rows, { dong: B });
    expect(b).toMatchObject({ participantsPer1000Phase1: 20, participantsPer1000Phase2: null, participantsPer1000Delta: null, completionRateDelta: -1 });
    const c = find(rows, { dong: C });
    expect(c.executionRateDelta).toBeCloseTo(-0.4, 12);
    expect(c.participantsPer1000Delta).toBe(8);
    expect(find(rows, { dong: D })).toMatchObject({ executionRatePhase1: null, executionRatePhase2: null, executionRateDelta: null });
    expect(rows.map((r) => r.dong)).toEqual([A, B, C, D]);
  });

  it('compares exactly two chosen phases', async () => {
    await expect(runComparison(db.connection, 'phases', { phase: '1' })).rejects.toMatchObject({ code: 'invalid_filter', filter: 'phase' });
    const swapped = await runComparison(db.connection, 'phases', { phase: '2,1' });
    expect(swapped.rows).toEqual((await runComparison(db.connection, 'phases', {})).rows);
  });
});

describe('summary', () => {
  it("gives the city's figures per phase and the dongs that may need support, not a league table", async () => {
    const { rows } = await runComparison(db.connection, 'summary', {});
    const city = (phase: number, figure: string) => find(rows, { kind: 'city', phase, figure });
    expect(city(1, 'executionRate').value).toBeCloseTo(5_100_000 / 6_500_000, 12);
    expect(city(1, 'executionRate')).toMatchObject({ cityMedian: 0.8, dongsWithData: 3, belowPhase1: null });
    expect(city(1, 'participantsPer1000').value).toBeCloseTo(640_000 / 35_000, 12);
    expect(city(1, 'participantsPer1000').cityMedian).toBe(20);
    expect(city(1, 'completionRate').value).toBeCloseTo(5 / 7, 12);
    expect(city(1, 'completionRate').cityMedian).toBe(1);
    // Phase 2: D's zero budget and B's unknown population are left out of the city's figure.
    expect(city(2, 'executionRate')).toMatchObject({ value: 0.775, cityMedian: 0.9, dongsWithData: 3 });
    expect(city(2, 'participantsPer1000').value).toBeCloseTo(150_000 / 17_500, 12);
    expect(city(2, 'participantsPer1000')).toMatchObject({ cityMedian: 9, dongsWithData: 2, belowPhase1: true });
    expect(city(2, 'completionRate')).toMatchObject({ value: 0.4, cityMedian: 0.5 });

    const flagged = rows.filter((r) => r.kind === 'dong').map((r) => `${r.phase} ${r.figure} ${r.dong} ${r.belowMedian} ${r.belowPhase1}`);
    expect(flagged.sort()).toEqual(
      [
        `1 executionRate ${B} true null`,
        `1 participantsPer1000 ${C} true null`,
        `1 completionRate ${A} true null`,
        `2 executionRate ${C} true true`,
        `2 participantsPer1000 ${A} true true`,
        `2 completionRate ${B} true true`,
      ].sort(),
    );
    expect(rows.every((r) => r.rank === null)).toBe(true);
    expect(find(rows, { kind: 'dong', phase: 2, figure: 'participantsPer1000' })).toMatchObject({ value: 8, phase1Value: 23, cityMedian: 9 });
  });

  it('keeps the city median when filtered, and ranks every dong only when asked', async () => {
    const district = await runComparison(db.connection, 'summary', { district: '22222', phase: '2' });
    expect(find(district.rows, { kind: 'city', phase: 2, figure: 'executionRate' }).cityMedian).toBe(0.9);
    expect(district.rows.filter((r) => r.kind === 'dong').map((r) => r.dong)).toEqual([C]);
    const ranked = await runComparison(db.connection, 'summary', { rank: 'true', phase: '1' });
    const exec = ranked.rows.filter((r) => r.kind === 'dong' && r.figure === 'executionRate');
    expect(exec.map((r) => [r.dong, r.rank])).toEqual([
      [C, 1],
      [A, 2],
      [B, 3],
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
      const { columns } = await runComparison(db.connection, comparison.name, comparison.name === 'progress' ? { today } : {});
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
