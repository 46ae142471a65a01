import { existsSync } from 'node:fs';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Store } from './store/store.ts';
import { bearerAuth } from './http/auth.ts';
import { defaultLimits, failedAuthLimit, rateLimit, timeLimit, type Limits } from './http/limits.ts';
import { ApiError, toErrorResponse } from './http/errors.ts';
import { syncRoutes } from './routes/sync.ts';
import { metaRoutes } from './routes/meta.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { compareRoutes } from './routes/compare.ts';
import { queryRoutes } from './routes/query.ts';
import { importRoutes } from './routes/import.ts';
import { exportRoutes } from './routes/export.ts';
import { referenceRoutes } from './routes/reference.ts';
import { backupRoutes } from './routes/backup.ts';

export interface AppOptions {
  store: Store;
  /** The origin the add-in is served from when it is not this service (CORS is allowed only for it). */
  addinOrigin?: string;
  /** The built task pane (dist/addin); served at / when present. */
  staticDir?: string;
  /** Largest JSON body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Request rate per token, failed sign-ins per address, time limits (defaults: `defaultLimits`). */
  limits?: Partial<Limits>;
  /** Read the client's address from X-Forwarded-For (only behind the city's own reverse proxy). */
  trustProxy?: boolean;
  /** Where `POST /api/backup` writes, and how many backups it keeps. */
  backups?: { dir?: string; keep?: number };
}

export const defaultMaxBodyBytes = 16 * 1024 * 1024;
/** Workbooks are larger than sync bodies: 5,000-row batches of JSON against a whole year's sheets. */
export const maxImportBytes = 64 * 1024 * 1024;

const limit = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw ApiError.of('body_too_large');
    },
  });

const isLong = (path: string) => path.endsWith('/import') || /\/export\/[^/]+$/.test(path);

export function createApp({ store, addinOrigin = 'https://localhost:3000', staticDir, maxBodyBytes = defaultMaxBodyBytes, limits: given, trustProxy = false, backups = {} }: AppOptions) {
  const limits = { ...defaultLimits, ...given };
  const api = new Hono()
    .use(async function provideStore(c, next) {
      c.set('store', store);
      await next();
    })
    .get('/health', async (c) => c.json({ status: 'ok', revision: store.revision, rows: await store.counts() }))
    .use('/import', limit(maxImportBytes))
    .use('*', async function bodyLimits(c, next) {
      return c.req.path.endsWith('/import') ? next() : limit(maxBodyBytes)(c, next);
    })
    .use(timeLimit((c) => (isLong(c.req.path) ? limits.longRequestTimeoutMs : limits.requestTimeoutMs)))
    .use(failedAuthLimit(limits, { trustProxy }))
    .use(bearerAuth({ store }))
    .use(rateLimit(limits))
    .route('/', metaRoutes)
    .route('/', syncRoutes)
    .route('/', tokenRoutes)
    .route('/', compareRoutes)
    .route('/', queryRoutes)
    .route('/', importRoutes)
    .route('/', exportRoutes)
    .route('/', referenceRoutes)
    .route('/', backupRoutes(backups));

  const app = new Hono()
    .use(secureHeaders({ crossOriginResourcePolicy: false, contentSecurityPolicy: undefined, xFrameOptions: false }))
    .use('/api/*', cors({ origin: (origin) => (origin === addinOrigin ? origin : null), allowHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Jachi-Workbook'], maxAge: 600 }))
    .route('/api', api);

  app.notFound((c) => {
    const { status, body } = toErrorResponse(ApiError.of('not_found'));
    return c.json(body, status);
  });
  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error);
    if (status === 500) console.error(error);
    else if (status >= 502) console.error(`${c.req.method} ${c.req.path}: ${body.error.code} ${body.error.message.en}`);
    return c.json(body, status);
  });

  if (staticDir && existsSync(staticDir)) {
    app.get('/', (c) => c.redirect('/taskpane.html'));
    app.use('/*', serveStatic({ root: staticDir }));
  }
  return app;
}

export type AppType = ReturnType<typeof createApp>;
