import { randomFillSync } from 'node:crypto';
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

/** Random bytes for request ids, drawn 6 at a time from a block filled 1,024 ids at a time (a call into the random source for each request cost more than the id). */
const idBytes = Buffer.alloc(6 * 1024);
let idAt = idBytes.length;

/** A request's id: 12 random hexadecimal digits. */
function requestId(): string {
  if (idAt === idBytes.length) {
    randomFillSync(idBytes);
    idAt = 0;
  }
  idAt += 6;
  return idBytes.toString('hex', idAt - 6, idAt);
}

/**
 * Gives every request an id (`X-Request-Id` on every answer, errors included, so an official's
 * report of an error names the line to look for; the error body keeps its fixed shape) and, when
 * `log` is given, one JSON line per request.
 * The route is the matched pattern (`/api/compare/:name`), never a query string.
 */
export function requestLog(log?: (line: RequestLogLine) => void) {
  return createMiddleware(async function requestLog(c, next) {
    const id = requestId();
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

/**
 * Lines written a batch at a time: those of the last `everyMs` (or 64 KB of them) in one write, not
 * one write each. The request log is a line per request, and in `jachi serve`'s thread each write to
 * standard output is a message to the process's main thread: under `npm run load`, ~4% of the
 * service's thread. `flush` writes what is waiting (a stopping service calls it last).
 */
export function batchedLines(write: (text: string) => void, everyMs = 50): { line: (text: string) => void; flush: () => void } {
  let pending: string[] = [];
  /** Characters waiting (a line's UTF-8 is as long or longer). */
  let waiting = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    waiting = 0;
    write(text);
  };
  return {
    line(text) {
      pending.push(text);
      waiting += text.length;
      if (waiting >= 64 * 1024) flush();
      else timer ??= setTimeout(flush, everyMs);
    },
    flush,
  };
}
