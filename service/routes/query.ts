import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { QueryError } from '../store/query/index.ts';
import { allowRoles } from '../http/auth.ts';
import { ApiError } from '../http/errors.ts';
import { readJson } from '../http/json.ts';
import { respondRows } from '../http/formats.ts';

const queryBody = z.strictObject({ sql: z.string().max(100_000), limit: z.number().int().positive().optional() });

/** Read-only analyst SQL over the analytic views (analysts and managers). */
export const queryRoutes = new Hono().post('/query', allowRoles('analyst', 'manager'), async (c) => {
  const body = await readJson(c, queryBody, 'query');
  try {
    const options = { limit: body.limit, maxBytes: c.get('limits').queryResultBytes, signal: c.get('signal'), tokenId: c.get('actor').tokenId };
    const result = await c.get('store').analystQuery(body.sql, options);
    return respondRows(c, result, { truncated: result.truncated, limit: result.limit, ms: result.ms });
  } catch (error) {
    if (error instanceof QueryError) throw new ApiError(error.code, error.status as ContentfulStatusCode, error.text);
    throw error;
  }
});
