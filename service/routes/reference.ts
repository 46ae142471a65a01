import { Hono } from 'hono';
import { completeReference, referenceSchema } from '../../domain/index.ts';
import { allowRoles } from '../http/auth.ts';
import { ApiError } from '../http/errors.ts';
import { readJson } from '../http/json.ts';

/**
 * `PUT /api/reference[?replace=true]` (admin): one city's districts, dongs, populations and phases.
 * An administrator limited to one city loads that city's alone.
 */
export const referenceRoutes = new Hono().put('/reference', allowRoles('admin'), async (c) => {
  const reference = completeReference(await readJson(c, referenceSchema, 'reference'));
  const actor = c.get('actor');
  if (actor.city !== null && actor.city !== reference.cityCode) {
    throw ApiError.with('forbidden', {
      ko: `이 토큰은 ${c.get('store').reference.cityName(actor.city)}의 기준 자료만 불러올 수 있습니다 (${reference.city}은(는) 불러올 수 없습니다).`,
      en: `This token may load the reference data of ${c.get('store').reference.cityName(actor.city)} (city ${actor.city}) only, not ${reference.city}.`,
    });
  }
  const loaded = await c.get('store').loadReference(reference, { replace: c.req.query('replace') === 'true' });
  return c.json(loaded);
});
