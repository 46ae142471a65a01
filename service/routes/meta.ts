import { Hono } from 'hono';
import { kinds, metaColumns, sheets, codeLists, rowIdHeader, metrics, comparisons, headlineFigures, headlineFigureKind, flagRules, payCategories } from '../../domain/index.ts';

/**
 * `GET /api/meta`: the sheets, code lists, reference data (city, districts, dongs with their cohort
 * and populations, allocations, expected milestones, phases) and every figure's definition.
 */
export const metaRoutes = new Hono().get('/meta', (c) => {
  const actor = c.get('actor');
  const reference = c.get('store').reference.reference;
  const city = reference.cityCode;
  return c.json({
    city: reference.city,
    cities: [{ code: city, name: reference.city, phases: reference.phases }],
    kinds: kinds.map((kind) => ({ kind, sheet: sheets[kind].sheet, table: sheets[kind].table, rowIdHeader, columns: metaColumns(kind) })),
    codes: codeLists,
    districts: reference.districts.map((d) => ({ ...d, city })),
    dongs: reference.dongs.map((d) => ({ ...d, city, cohort: d.joinedPhase })),
    allocations: reference.allocations,
    expectedMilestones: reference.expectedMilestones.map((e) => ({ city, ...e })),
    phases: reference.phases,
    metrics,
    comparisons,
    headlineFigures,
    headlineFigureKind,
    flagRules,
    payCategories,
    me: { name: actor.name, role: actor.role, dong: actor.dong, district: actor.district },
  });
});
