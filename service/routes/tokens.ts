import { Hono } from 'hono';
import { z } from 'zod';
import { roles, type TokenInfo } from '../store/store.ts';
import { allowRoles } from '../http/auth.ts';
import { ApiError } from '../http/errors.ts';
import { readJson } from '../http/json.ts';

const createBody = z.strictObject({
  role: z.enum(roles),
  name: z.string().min(1).max(200),
  dong: z.string().optional(),
  district: z.string().optional(),
  city: z.string().optional(),
  expiresAt: z.iso.datetime().optional(),
});

/** The tokens an administrator manages: every one, or those of its city when it is limited to one. */
const managed = (city: string | null) => (t: TokenInfo) => city === null || t.city === city;

/**
 * Token administration over HTTP, for when the service holds the database (admin only). An
 * administrator limited to one city lists, makes and revokes that city's tokens alone: what it
 * makes is its city's (never a token of every city), so it cannot give more than it has.
 */
export const tokenRoutes = new Hono()
  .use('/tokens', allowRoles('admin'))
  .use('/tokens/*', allowRoles('admin'))
  .get('/tokens', async (c) => c.json({ tokens: (await c.get('store').listTokens()).filter(managed(c.get('actor').city)) }))
  .post('/tokens', async (c) => {
    const body = await readJson(c, createBody, 'tokens');
    const store = c.get('store');
    const own = c.get('actor').city;
    if (own !== null && body.city !== undefined && store.reference.resolveCity(body.city)?.code !== own) {
      const name = store.reference.cityName(own);
      throw ApiError.with('forbidden', { ko: `이 토큰은 ${name}의 토큰만 만들 수 있습니다.`, en: `This token makes tokens of ${name} (city ${own}) only.` });
    }
    const city = own ?? body.city;
    const created = await store.createToken({ ...body, ...(city === undefined ? {} : { city }), expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined });
    return c.json(created, 201);
  })
  .delete('/tokens/:id', async (c) => {
    const store = c.get('store');
    const id = c.req.param('id');
    const token = (await store.listTokens()).find((t) => t.id === id);
    if (!token || !managed(c.get('actor').city)(token) || !(await store.revokeToken(id))) throw ApiError.of('not_found');
    return c.json({ revoked: id });
  });
