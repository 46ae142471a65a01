import { Hono } from 'hono';
import { z } from 'zod';
import { allowRoles } from '../http/auth.ts';
import { readJson } from '../http/json.ts';
import { respondRows } from '../http/formats.ts';

const queryBody = z.strictObject({ sql: z.string().max(100_000), limit: z.number().int().positive().optional() });

/** Read-only analyst SQL over the analytic views (analysts and managers), and the views' schema for the pane's panel. */
export const queryRoutes = new Hono()
  .get('/query/views', allowRoles('analyst', 'manager'), async (c) => c.json({ views: await c.get('store').analystViews() }))
  .post('/query', allowRoles('analyst', 'manager'), async (c) => {
    const body = await readJson(c, queryBody, 'query');
    // A QueryError's status comes from the one table (service/http/errors.ts).
    // A token limited to one city queries a snapshot of that city's rows alone.
    const actor = c.get('actor');
    const options = {
      limit: body.limit,
      maxBytes: c.get('limits').queryResultBytes,
      signal: c.get('signal'),
      tokenId: actor.tokenId,
      ...(actor.city === null ? {} : { city: actor.city }),
    };
    const result = await c.get('store').analystQuery(body.sql, options);
    return respondRows(c, result, { truncated: result.truncated, limit: result.limit, ms: result.ms });
  });
