import { existsSync } from 'node:fs';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { addinCors } from './http/cors.ts';
import { secureHeaders } from 'hono/secure-headers';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Store } from './store/store.ts';
import { bearerAuth, signedIn } from './http/auth.ts';
import { defaultLimits, failedAuthLimit, rateLimit, timeLimit, type Limits } from './http/limits.ts';
import type { JsonRoute } from './http/json.ts';
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
import { eventRoutes } from './routes/events.ts';
import { requestLog, type RequestLogLine } from './http/log.ts';

export interface AppOptions {
  store: Store;
  /** The origin the add-in is served from when it is not this service (CORS is allowed only for it). */
  addinOrigin?: string;
  /** The built task pane (dist/addin); served at / when present. */
  staticDir?: string;
  /** Request rate per token, failed sign-ins per address, time limits, JSON bodies (defaults: `defaultLimits`). */
  limits?: Partial<Limits>;
  /** Read the client's address from X-Forwarded-For (only behind the city's own reverse proxy). */
  trustProxy?: boolean;
  /** Where `POST /api/backup` writes, and how many backups it keeps. */
  backups?: { dir?: string; keep?: number };
  /** One JSON line per request (serve writes them to standard output); none when absent. */
  log?: (line: RequestLogLine) => void;
}

const limit = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw ApiError.of('body_too_large');
    },
  });

/**
 * The task pane and the API: scripts only from here and office.js's CDN (none inline), framed only by
 * this origin and Office's hosts (Excel on the web, desktop Office, SharePoint).
 */
export const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", 'https://appsforoffice.microsoft.com'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'", 'https://*.office.com', 'https://*.officeapps.live.com', 'https://*.sharepoint.com', 'https://*.microsoft.com'],
};

const isLong = (path: string) => path.endsWith('/import') || /\/export\/[^/]+$/.test(path);

/** The bytes a request's body may have: a workbook to import, or the JSON limit of its route. */
function maxBytesOf(path: string, limits: Limits): number {
  const route = /\/api\/(query|tokens|reference)\b/.exec(path)?.[1] as Exclude<JsonRoute, 'sync'> | undefined;
  return limits.json[route ?? 'sync'].maxBytes;
}

export function createApp({ store, addinOrigin = 'https://localhost:3000', staticDir, limits: given, trustProxy = false, backups = {}, log }: AppOptions) {
  const limits = { ...defaultLimits, ...given };
  const bodyLimits = new Map<number, ReturnType<typeof limit>>();
  const api = new Hono()
    .use(async function provideStore(c, next) {
      c.set('store', store);
      c.set('limits', limits);
      await next();
    })
    // Row counts only for a signed-in caller: to anyone else, that the service is up.
    .get('/health', async (c) =>
      (await signedIn(c, store)) ? c.json({ status: 'ok', revision: store.revision, rows: await store.counts() }) : c.json({ status: 'ok', revision: store.revision }),
    )
    .use('*', async function bodyLimit(c, next) {
      // An upload streams to a bounded temporary file (routes/import.ts): never held here whole.
      if (c.req.path.endsWith('/import')) return next();
      const bytes = maxBytesOf(c.req.path, limits);
      // A body of a declared length is judged by its header, as hono's bodyLimit does, but without
      // touching the request's body stream: @hono/node-server then reads it straight from Node's
      // socket into one buffer (HTTP framing holds it to that length), not through a web stream
      // (~2 ms of the service's thread for each 1.5 MB sync batch). A chunked body is counted as it is read.
      const declared = c.req.header('content-length');
      if (declared !== undefined && c.req.header('transfer-encoding') === undefined && /^\d+$/.test(declared)) {
        if (Number(declared) > bytes) throw ApiError.of('body_too_large');
        return next();
      }
      let check = bodyLimits.get(bytes);
      if (!check) bodyLimits.set(bytes, (check = limit(bytes)));
      return check(c, next);
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
    .route('/', backupRoutes(backups))
    .route('/', eventRoutes);

  const app = new Hono()
    .use(requestLog(log))
    // X-Frame-Options would refuse Office's frame: frame-ancestors says who may frame the pane instead.
    .use(secureHeaders({ crossOriginResourcePolicy: false, contentSecurityPolicy, xFrameOptions: false, xContentTypeOptions: true }))
    .use(
      '/api/*',
      addinCors({
        origin: (origin) => (origin === addinOrigin ? origin : null),
        allowHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Jachi-Workbook'],
        exposeHeaders: ['ETag', 'X-Request-Id', 'X-Jachi-Truncated', 'X-Jachi-Rows', 'X-Jachi-Row-Limit'],
        maxAge: 600,
      }),
    )
    .route('/api', api);

  app.notFound((c) => {
    const { status, body } = toErrorResponse(ApiError.of('not_found'));
    return c.json(body, status);
  });
  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error);
    const requestId = c.get('requestId');
    if (status === 500) console.error(`request ${requestId}:`, error);
    else if (status >= 502) console.error(`request ${requestId} ${c.req.method} ${c.req.path}: ${body.error.code} ${body.error.message.en}`);
    return c.json(body, status);
  });

  if (staticDir && existsSync(staticDir)) {
    app.get('/', (c) => c.redirect('/taskpane.html'));
    app.use('/*', serveStatic({ root: staticDir }));
  }
  return app;
}

export type AppType = ReturnType<typeof createApp>;
