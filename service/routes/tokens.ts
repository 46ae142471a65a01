import { Hono } from 'hono';
import { z } from 'zod';
import { roles } from '../store/store.ts';
import { allowRoles } from '../http/auth.ts';
import { ApiError } from '../http/errors.ts';
import { readJson } from '../http/json.ts';

const createBody = z.strictObject({
  role: z.enum(roles),
  name: z.string().min(1).max(200),
  dong: z.string().optional(),
  district: z.string().optional(),
  expiresAt: z.iso.datetime().optional(),
});

/** Token administration over HTTP, for when the service holds the database (admin only). */
export const tokenRoutes = new Hono()
  .use('/tokens', allowRoles('admin'))
  .use('/tokens/*', allowRoles('admin'))
  .get('/tokens', async (c) => c.json({ tokens: await c.get('store').listTokens() }))
  .post('/tokens', async (c) => {
    const body = await readJson(c, createBody, 'tokens');
    const created = await c.get('store').createToken({ ...body, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined });
    return c.json(created, 201);
  })
  .delete('/tokens/:id', async (c) => {
    if (!(await c.get('store').revokeToken(c.req.param('id')))) throw ApiError.of('not_found');
    return c.json({ revoked: c.req.param('id') });
  });
