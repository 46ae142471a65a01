import type { Context } from 'hono';
import type { AnswerFormat } from '../store/compare/answers.ts';
import type { Store } from '../store/store.ts';
import { toArrowIPC, toCsv, type ComparisonParams, type QueryResult } from '../store/compare/index.ts';

export const arrowType = 'application/vnd.apache.arrow.stream';

/** Headers that say whether a row cap cut the answer, in every form: `true` or `false`, and the rows sent. */
export const truncatedHeader = 'X-Jachi-Truncated';
export const rowsHeader = 'X-Jachi-Rows';
export const rowLimitHeader = 'X-Jachi-Row-Limit';

/** A capped answer: whether the cap cut it, and the cap. */
export interface RowCap {
  truncated: boolean;
  limit: number;
}

/** The format an Accept header asks for: Arrow IPC, CSV, else JSON. */
export function answerFormat(accept: string): AnswerFormat {
  return accept.includes(arrowType) ? 'arrow' : accept.includes('text/csv') ? 'csv' : 'json';
}

/** Whether an Accept-Encoding header takes gzip (named, or `*`, without q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  for (const part of (header ?? '').toLowerCase().split(',')) {
    const [coding, ...params] = part.split(';').map((p) => p.trim());
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

const contentTypes: Record<AnswerFormat, string> = {
  json: 'application/json',
  arrow: arrowType,
  csv: 'text/csv; charset=utf-8',
};

/**
 * The same rows as JSON (default), Arrow IPC or CSV (UTF-8 with a BOM), by the Accept header.
 * `extra` goes into the JSON beside `rows`; with a `truncated` flag in it (a capped answer), every
 * form also says whether the cap cut it: headers, and in Arrow the schema's metadata
 * (`jachi:truncated`, `jachi:rows`, `jachi:limit`).
 */
export function respondRows(c: Context, result: QueryResult, extra: Record<string, unknown> & Partial<RowCap> = {}) {
  const format = answerFormat(c.req.header('accept') ?? '');
  c.header('Vary', 'Accept');
  let metadata: Record<string, string> = {};
  if (typeof extra.truncated === 'boolean') {
    metadata = { 'jachi:truncated': String(extra.truncated), 'jachi:rows': String(result.rows.length) };
    if (extra.limit !== undefined) metadata['jachi:limit'] = String(extra.limit);
    c.header(truncatedHeader, metadata['jachi:truncated']);
    c.header(rowsHeader, metadata['jachi:rows']);
    if (extra.limit !== undefined) c.header(rowLimitHeader, metadata['jachi:limit']);
  }
  if (format === 'arrow') return c.body(toArrowIPC(result, metadata) as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': contentTypes.arrow });
  if (format === 'csv') return c.body(toCsv(result), 200, { 'Content-Type': contentTypes.csv });
  return c.json({ ...extra, columns: result.columns, rows: result.rows });
}

/**
 * A named comparison's answer in the format the Accept header asks for, with an ETag of what it
 * reads (the revisions of its kinds, the reference) and what was asked: a client that sends it back
 * (If-None-Match) gets 304 while none of that has changed, and no work is done.
 */
export async function respondAnswer(c: Context, store: Store, name: string, params: ComparisonParams) {
  const format = answerFormat(c.req.header('accept') ?? '');
  const etag = store.answerTag(name, params, format);
  c.header('Vary', 'Accept');
  c.header('ETag', etag);
  c.header('Cache-Control', 'private, no-cache');
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  const answer = await store.compareAnswer(name, params, format, c.get('signal'));
  return c.body(answer.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': contentTypes[format] });
}
