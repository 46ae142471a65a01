import { createMiddleware } from 'hono/factory';
import type { Actor, Role, Store } from '../store/store.ts';
import { ApiError } from './errors.ts';

declare module 'hono' {
  interface ContextVariableMap {
    actor: Actor;
    store: Store;
  }
}

/** Reads `Authorization: Bearer <token>`, checks it against the stored hashes, sets `actor`. */
export function bearerAuth({ store }: { store: Store }) {
  return createMiddleware(async function bearerAuth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw ApiError.of('unauthorized');
    const actor = await store.authenticate(match[1]!);
    if (actor === 'expired') throw ApiError.of('token_expired');
    if (!actor) throw ApiError.of('unauthorized');
    c.set('actor', actor);
    await next();
  });
}

/** Lets only the named roles through. */
export function allowRoles(...allowed: Role[]) {
  return createMiddleware(async function allowRoles(c, next) {
    if (!allowed.includes(c.get('actor').role)) throw ApiError.of('forbidden');
    await next();
  });
}
