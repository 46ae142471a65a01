import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string;
  }
}

/** One request as an operator reads it: a JSON line (never the token, only its id). */
export interface RequestLogLine {
  time: string;
  id: string;
  method: string;
  route: string;
  status: number;
  ms: number;
  token: string | null;
}

/**
 * Gives every request an id (`X-Request-Id` on every answer, errors included, so an official's
 * report of an error names the line to look for; the error body keeps its fixed shape) and, when
 * `log` is given, one JSON line per request.
 * The route is the matched pattern (`/api/compare/:name`), never a query string.
 */
export function requestLog(log?: (line: RequestLogLine) => void) {
  return createMiddleware(async function requestLog(c, next) {
    const id = randomBytes(6).toString('hex');
    const started = performance.now();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    try {
      await next();
    } finally {
      log?.({
        time: new Date().toISOString(),
        id,
        method: c.req.method,
        route: routeOf(c),
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        token: c.get('actor')?.tokenId ?? null,
      });
    }
  });
}

function routeOf(c: Context): string {
  try {
    return c.req.routePath && c.req.routePath !== '/*' ? c.req.routePath : c.req.path;
  } catch {
    return c.req.path;
  }
}
