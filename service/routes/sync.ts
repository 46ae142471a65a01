import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { isKind, type Kind } from '../../domain/index.ts';
import { syncAnswerBody } from '../store/store.ts';
import { ApiError } from '../http/errors.ts';
import { invalidField, readJsonBytes, refusal, unreadable } from '../http/json.ts';
import type { BodyRefusal } from '../store/checker/index.ts';
import { acceptsGzip } from '../http/formats.ts';

export function kindParam(value: string): Kind {
  if (!isKind(value)) throw ApiError.of('unknown_kind');
  return value;
}

const sinceParam = z.coerce.number().int().nonnegative();

/** Control characters, and the bidi marks and overrides that would make a name read otherwise than it is. */
const hiddenCharacters = /[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A workbook's name as rows keep it (their `source`): without hidden characters, at most 200. */
export function sourceName(name: string): string | null {
  return name.replace(hiddenCharacters, '').slice(0, 200) || null;
}

/** `X-Jachi-Workbook`: the workbook's file name, percent-encoded (headers are Latin-1). */
function workbookHeader(value: string | undefined): string | null {
  if (!value) return null;
  let name = value;
  try {
    name = decodeURIComponent(value);
  } catch {
    // Not percent-encoded: keep it as sent.
  }
  return sourceName(name);
}

/** The answer to a sync body refused before any row was checked. */
function refusalOf(body: BodyRefusal): ApiError {
  switch (body.refused) {
    case 'limits':
      return refusal(body.problem);
    case 'unreadable':
      return unreadable();
    case 'too_large':
      return ApiError.of('batch_too_large');
    case 'invalid':
      return invalidField(body.path, body.message);
  }
}

export const syncRoutes = new Hono()
  .post('/sync/:kind', async (c) => {
    const kind = kindParam(c.req.param('kind'));
    const sent = await readJsonBytes(c);
    const source = workbookHeader(c.req.header('x-jachi-workbook'));
    // Read and checked by the rules (a large body on the checker's thread, store/checker), then decided and written.
    const answer = await c.get('store').syncBody(kind, sent, c.get('limits').json.sync, c.get('actor'), source, {
      signal: c.get('signal'),
      // Named in the answer should the request outlive its time limit (GET /api/batches/:batchId).
      onRead: (batchId) => c.set('batchId', batchId),
    });
    if ('refused' in answer) throw refusalOf(answer);
    // The answer as the store wrote it to the batch record: gzipped for a client that accepts it
    // (browsers and fetch do), else its JSON (the same bytes c.json would send).
    const { body: bytes, gzip } = syncAnswerBody(answer, acceptsGzip(c.req.header('accept-encoding')));
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Vary: 'Accept-Encoding' };
    if (gzip) headers['Content-Encoding'] = 'gzip';
    return c.body(bytes, 200, headers);
  })
  .get('/batches/:batchId', async (c) => {
    const batchId = z.guid().safeParse(c.req.param('batchId'));
    if (!batchId.success) throw ApiError.of('invalid_input', { ko: 'batchId는 UUID여야 합니다', en: 'batchId must be a UUID' });
    return c.json(await c.get('store').batchStatus(batchId.data, c.get('actor')));
  })
  .get('/rows/:kind', async (c) => {
    const kind = kindParam(c.req.param('kind'));
    const since = sinceParam.safeParse(c.req.query('since') ?? '0');
    if (!since.success) throw ApiError.of('invalid_since');
    const { revision, pages } = c.get('store').pullPages(kind, since.data, c.get('actor'), undefined, c.get('signal'));
    // Streamed a page at a time: a whole country's rows never sit in memory at once.
    c.header('Content-Type', 'application/json');
    return stream(
      c,
      async (out) => {
        await out.write(`{"revision":${revision},"rows":[`);
        let first = true;
        for await (const page of pages) {
          // A client that has gone away takes no more pages from the heavy-read gate.
          if (out.aborted) return;
          // Each page as DuckDB wrote its rows (store/rows.ts), its bytes never parsed or made text here.
          if (!first) await out.write(',');
          await out.write(page.bytes);
          first = false;
        }
        await out.write(']}');
      },
      // Past the first bytes the status is sent: cut the body short, so the client sees it broken.
      async (error, out) => {
        console.error(`GET ${c.req.path}: ${error.message}`);
        out.abort();
      },
    );
  });
