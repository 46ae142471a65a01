// What the 질의 view sends and shows, apart from the DOM: the row limit typed, and the answer's rows
// as objects. Pure: unit-tested without a DOM (test/addin/query-model.test.ts).
import type { QueryResult } from '../api.ts';

type Row = Record<string, unknown>;

/** The query answer's rows as objects, whether the service sends arrays or objects. */
export function rowsOf(result: QueryResult): { columns: string[]; rows: Row[] } {
  const columns = result.columns.map((c) => (typeof c === 'string' ? c : c.name));
  const rows = result.rows.map((r) => (Array.isArray(r) ? Object.fromEntries(columns.map((c, i) => [c, r[i]])) : r));
  return { columns, rows };
}

/** The limit field's value as the request's `limit`: a whole number over zero, else none (the service's own). */
export function queryLimit(typed: string): number | undefined {
  const n = Number(typed);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
