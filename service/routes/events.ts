import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Kind } from '../../domain/index.ts';
import type { Change } from '../store/changes.ts';

/** How often a quiet stream says it is still there (proxies close idle connections). */
export const keepAliveMs = 15_000;

/**
 * `GET /api/events` (server-sent events): `event: revision`, `data: {"revision", "kinds"}` within a
 * second of every committed change the token may see: a dong official hears of its dong's rows, a
 * district official of its district's, the others of every change. An open pane refreshes what it
 * shows. Read with fetch (EventSource cannot send the Authorization header). The token is checked
 * again at each change and every quiet 15 s: a revoked one ends the stream.
 */
export const eventRoutes = new Hono().get('/events', (c) => {
  const store = c.get('store');
  const secret = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim() ?? '';
  const scope = store.scopeDongs(c.get('actor'));
  const visible = scope === undefined ? undefined : new Set(scope);
  const kindsSeen = (change: Change): Kind[] => [...change.units].filter(([, units]) => visible === undefined || [...units].some((u) => visible.has(u))).map(([kind]) => kind);
  c.header('Cache-Control', 'no-store');
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    const pending: Change[] = [];
    let wake: (() => void) | undefined;
    let open = true;
    const close = () => {
      open = false;
      wake?.();
    };
    // Closed by the client, or by the service stopping (the stream then ends, and the pane reconnects).
    const unsubscribe = store.changes.subscribe((change) => {
      pending.push(change);
      wake?.();
    }, close);
    stream.onAbort(close);
    try {
      // How long a client waits before it reconnects, and a first line so it knows the stream is open.
      await stream.write('retry: 3000\n: connected\n\n');
      while (open) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, keepAliveMs);
        });
        clearTimeout(timer);
        wake = undefined;
        if (!open) break;
        // A token revoked or expired since the stream opened ends it: the client's reconnect is refused (401).
        const still = await store.authenticate(secret);
        if (!still || still === 'expired') break;
        const changes = pending.splice(0);
        if (changes.length === 0) {
          await stream.write(': keep-alive\n\n');
          continue;
        }
        const kinds = [...new Set(changes.flatMap(kindsSeen))];
        if (kinds.length === 0) continue;
        await stream.writeSSE({ event: 'revision', data: JSON.stringify({ revision: changes.at(-1)!.revision, kinds }) });
      }
    } finally {
      unsubscribe();
    }
  });
});
