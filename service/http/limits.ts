/**
 * Limits that keep the service answering under load: a request rate per token (429 with
 * Retry-After), a cap on failed sign-ins per client address, and a time limit per request (504).
 */
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { ApiError } from './errors.ts';
import type { JsonLimits, JsonRoute } from './json.ts';
import { defaultMaxResultBytes } from '../store/query/index.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The sync batch a request carries, once its body is read (named in a timeout's answer). */
    batchId: string;
    /** Aborts when the request runs out of time or its client leaves: work still waiting for a turn is dropped. */
    signal: AbortSignal;
    /** The app's limits, for handlers that apply their own (JSON bodies). */
    limits: Limits;
  }
}

export interface Limits {
  /** Requests per second each token may make, on average. */
  ratePerSecond: number;
  /** Requests a token may make at once after a quiet spell. */
  burst: number;
  /** Failed sign-ins (401) per second from one address before it must wait. */
  failedAuthPerSecond: number;
  /** Time limit of a request, in milliseconds. */
  requestTimeoutMs: number;
  /** Time limit of an import or an export (whole workbooks and files), in milliseconds. */
  longRequestTimeoutMs: number;
  /** JSON bodies, by route: bytes, nesting, items per array or object, values, string length. */
  json: Record<JsonRoute, JsonLimits>;
  /** Bytes of one analyst query's answer. */
  queryResultBytes: number;
}

const mb = 1024 * 1024;

/**
 * A sync batch of 5,000 rows is ~150,000 values; 20,000 items per array let a batch over 5,000 rows
 * through to be refused by name (`batch_too_large`). The others are far smaller than a sync.
 */
export const defaultJsonLimits: Record<JsonRoute, JsonLimits> = {
  sync: { maxBytes: 16 * mb, maxDepth: 16, maxItems: 20_000, maxValues: 400_000, maxStringLength: 20_000 },
  query: { maxBytes: 1 * mb, maxDepth: 4, maxItems: 16, maxValues: 64, maxStringLength: 600_000 },
  tokens: { maxBytes: 64 * 1024, maxDepth: 4, maxItems: 16, maxValues: 64, maxStringLength: 1_000 },
  reference: { maxBytes: 4 * mb, maxDepth: 8, maxItems: 20_000, maxValues: 400_000, maxStringLength: 1_000 },
};

export const defaultLimits: Limits = {
  ratePerSecond: 20,
  burst: 60,
  failedAuthPerSecond: 5,
  requestTimeoutMs: 30_000,
  longRequestTimeoutMs: 10 * 60_000,
  json: defaultJsonLimits,
  queryResultBytes: defaultMaxResultBytes,
};

/**
 * Token buckets by key: each holds up to `burst` requests and refills at `rate` a second. `take`
 * answers 0 when the request may go, else the whole seconds to wait.
 */
export class Buckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly maxKeys = 100_000,
  ) {}

  take(key: string, now = performance.now()): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    if (!this.buckets.has(key)) this.remember(key, bucket, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
  }

  private remember(key: string, bucket: { tokens: number; at: number }, now: number): void {
    if (this.buckets.size >= this.maxKeys) {
      // Full buckets say nothing a new one would not: forget them first.
      for (const [k, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * this.rate >= this.burst) this.buckets.delete(k);
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, bucket);
  }
}

function tooMany(c: Context, seconds: number): never {
  c.header('Retry-After', String(seconds));
  throw ApiError.of('rate_limited', { ko: `${seconds}초 뒤에 보내면 됩니다`, en: `retry after ${seconds} s` });
}

/**
 * The client's address, where the server knows it (not in `app.request` tests). Behind the city's
 * reverse proxy (`trustProxy`), every request comes from the proxy: the client is the address the
 * proxy appended last to X-Forwarded-For (what a client sends there itself comes before it and is
 * never believed). Without `trustProxy` the header is ignored, so no client can choose its address.
 */
export function addressOf(c: Context, trustProxy = false): string {
  if (trustProxy) {
    const forwarded = c.req
      .header('x-forwarded-for')
      ?.split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (forwarded && forwarded.length > 0) return forwarded[forwarded.length - 1]!;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Per-token request rate, after bearerAuth has set the actor. */
export function rateLimit(limits: Pick<Limits, 'ratePerSecond' | 'burst'>) {
  const buckets = new Buckets(limits.ratePerSecond, limits.burst);
  return createMiddleware(async function rateLimit(c, next) {
    const wait = buckets.take(c.get('actor').tokenId);
    if (wait > 0) tooMany(c, wait);
    await next();
  });
}

/**
 * Wraps sign-in: once an address's sign-ins keep failing, its next failures are answered 429 with
 * Retry-After instead of 401, so guessing tokens is slowed and learns nothing. A valid token is
 * never refused by it: an office behind one address is not locked out by someone else's mistakes.
 */
export function failedAuthLimit(limits: Pick<Limits, 'failedAuthPerSecond'>, options: { trustProxy?: boolean } = {}) {
  const buckets = new Buckets(limits.failedAuthPerSecond, limits.failedAuthPerSecond * 4);
  return createMiddleware(async function failedAuthLimit(c, next) {
    await next();
    if (c.res.status !== 401) return;
    const wait = buckets.take(addressOf(c, options.trustProxy));
    if (wait > 0) tooMany(c, wait);
  });
}

/**
 * Answers 504 when a request outlives `ms`. The work itself is not cut off: a sync batch that was
 * still queued is written (or not) all the same, and GET /api/batches/:batchId tells which.
 */
export function timeLimit(ms: (c: Context) => number) {
  return createMiddleware(async function timeLimit(c, next) {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new AbortController();
    // Also aborts when the client leaves: nobody waits for the answer any more.
    c.set('signal', AbortSignal.any([deadline.signal, c.req.raw.signal]));
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        deadline.abort(ApiError.of('request_timeout'));
        const batchId = c.get('batchId');
        reject(
          batchId
            ? ApiError.of('request_timeout', { ko: `배치 ${batchId}: GET /api/batches/${batchId}`, en: `batch ${batchId}: GET /api/batches/${batchId}` })
            : ApiError.of('request_timeout'),
        );
      }, ms(c));
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  });
}
