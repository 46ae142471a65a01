import type { Context } from 'hono';
import { toArrowIPC, toCsv, type QueryResult } from '../store/compare/index.ts';

export const arrowType = 'application/vnd.apache.arrow.stream';

/** The same rows as JSON (default), Arrow IPC or CSV (UTF-8 with a BOM), by the Accept header. */
export function respondRows(c: Context, result: QueryResult, extra: Record<string, unknown> = {}) {
  const accept = c.req.header('accept') ?? '';
  c.header('Vary', 'Accept');
  if (accept.includes(arrowType)) {
    return c.body(toArrowIPC(result) as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': arrowType });
  }
  if (accept.includes('text/csv')) {
    return c.body(toCsv(result), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  }
  return c.json({ ...extra, columns: result.columns, rows: result.rows });
}
