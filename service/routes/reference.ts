import { Hono } from 'hono';
import { completeReference, referenceSchema } from '../../domain/index.ts';
import { allowRoles } from '../http/auth.ts';
import { readJson } from '../http/json.ts';

/** `PUT /api/reference[?replace=true]` (admin): a city's districts, dongs, populations and phases. */
export const referenceRoutes = new Hono().put('/reference', allowRoles('admin'), async (c) => {
  const reference = await readJson(c, referenceSchema, 'reference');
  const loaded = await c.get('store').loadReference(completeReference(reference), { replace: c.req.query('replace') === 'true' });
  return c.json(loaded);
});
