import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Actor, Role, Store } from '../store/store.ts';
import { ApiError } from './errors.ts';

declare module 'hono' {
  interface ContextVariableMap {
    actor: Actor;
    store: Store;
  }
}

const bearerToken = (c: Context) => /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];

/** The actor of the request's token when it is valid; null without one, or for a bad or expired one. */
export async function signedIn(c: Context, store: Store): Promise<Actor | null> {
  const token = bearerToken(c);
  const actor = token ? await store.authenticate(token) : null;
  return actor && actor !== 'expired' ? actor : null;
}

/** Reads `Authorization: Bearer <token>`, checks it against the stored hashes, sets `actor`. */
export function bearerAuth({ store }: { store: Store }) {
  return createMiddleware(async function bearerAuth(c, next) {
    const token = bearerToken(c);
    if (!token) throw ApiError.of('unauthorized');
    const actor = await store.authenticate(token);
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
