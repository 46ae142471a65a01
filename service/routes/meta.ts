import { Hono } from 'hono';
import { kinds, metaColumns, sheets, codeLists, rowIdHeader, metrics, comparisons } from '../../domain/index.ts';

export const metaRoutes = new Hono().get('/meta', (c) => {
  const actor = c.get('actor');
  const reference = c.get('store').reference.reference;
  return c.json({
    city: reference.city,
    kinds: kinds.map((kind) => ({ kind, sheet: sheets[kind].sheet, table: sheets[kind].table, rowIdHeader, columns: metaColumns(kind) })),
    codes: codeLists,
    districts: reference.districts,
    dongs: reference.dongs,
    phases: reference.phases,
    metrics,
    comparisons,
    me: { name: actor.name, role: actor.role, dong: actor.dong, district: actor.district },
  });
});
