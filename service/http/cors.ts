import { createMiddleware } from 'hono/factory';

export interface CorsOptions {
  /** The origin allowed, given the request's (null: none). */
  origin: (origin: string) => string | null;
  allowHeaders: readonly string[];
  exposeHeaders: readonly string[];
  /** How long a browser may keep a preflight's answer, in seconds. */
  maxAge: number;
}

/** The methods a preflight allows (hono's `cors` default). */
const allowMethods = 'GET,HEAD,PUT,POST,DELETE,PATCH';

/**
 * CORS for the add-in's origin, with the headers and answers of hono's `cors` (its preflight, its
 * `Vary: Origin`), set on the route's answer after it is made. hono's reads `c.res` before the route
 * and sets `Vary` through `c.header` after it: either turns @hono/node-server's light answer into a
 * full web Response, whose body is copied and then sent through a web stream (a country's 15 MB
 * comparison copied for each request; under `npm run load`, ~3% of the service's thread).
 */
export function addinCors({ origin, allowHeaders, exposeHeaders, maxAge }: CorsOptions) {
  const expose = exposeHeaders.join(',');
  const allow = allowHeaders.join(',');
  return createMiddleware(async function cors(c, next) {
    const allowed = origin(c.req.header('origin') ?? '');
    if (c.req.method === 'OPTIONS') {
      const headers: Record<string, string> = {
        'Access-Control-Expose-Headers': expose,
        'Access-Control-Max-Age': String(maxAge),
        'Access-Control-Allow-Methods': allowMethods,
        'Access-Control-Allow-Headers': allow,
        Vary: 'Origin, Access-Control-Request-Headers',
      };
      if (allowed) headers['Access-Control-Allow-Origin'] = allowed;
      return c.body(null, 204, headers);
    }
    await next();
    // On the answer as made (its headers are its own, not a copy of it): no new Response is made.
    const headers = c.res.headers;
    if (allowed) headers.set('Access-Control-Allow-Origin', allowed);
    headers.set('Access-Control-Expose-Headers', expose);
    headers.append('Vary', 'Origin');
  });
}
