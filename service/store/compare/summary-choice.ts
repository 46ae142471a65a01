/**
 * A summary asked with filters, cut from the whole summary's JSON answer rather than computed again.
 *
 * summary.sql's groups are always whole (a city × phase × cohort): its filters only choose which of
 * the whole answer's rows are sent — `phase`, `cohort` and `city` any row's, `district` and `dong`
 * only the flagged dongs' rows (summary.sql's last two WHEREs). Only `rank` and `today` change the
 * figures. So each district official's summary, or a manager's of one phase, is the whole answer
 * (computed once per version and shared) with rows left out: no reader, no kept totals brought up to
 * date, no country's figures computed once more for every filter asked. Measured under `npm run
 * load` (docs/performance-history.md, "Load"), every district's summary was a whole summary's work after each sync.
 *
 * The choice is made here in JavaScript over the rows DuckDB wrote (their lines copied as they are);
 * the test checks it against the query file run with the same filters, for filters chosen at random.
 */
import { DuckDBListValue } from '@duckdb/node-api';
import { prepareComparison, type ComparisonParams } from './index.ts';
import type { Answer } from './answers.ts';
import { keyValue } from './splice.ts';

/** What the filters choose; null: every value. */
export interface SummaryChoice {
  phases: ReadonlySet<number> | null;
  cohorts: ReadonlySet<number> | null;
  cities: ReadonlySet<string> | null;
  districts: ReadonlySet<string> | null;
  dongs: ReadonlySet<string> | null;
}

/** One row of the summary as its JSON answer holds it (the fields the filters read). */
interface SummaryRow {
  kind: string;
  city: string | null;
  district: string | null;
  dong: string | null;
  phase: number | null;
  cohort: number | null;
}

const setOf = <T>(value: unknown): ReadonlySet<T> | null => (value instanceof DuckDBListValue ? new Set(value.items as T[]) : null);

/**
 * The whole summary a filtered one is cut from (the same `rank` and `today`), and what its filters
 * choose; undefined when nothing is filtered (it is the whole one). Throws ComparisonError for a bad
 * filter, as computing it would.
 */
export function summaryChoice(params: ComparisonParams): { whole: ComparisonParams; choice: SummaryChoice } | undefined {
  const { values } = prepareComparison('summary', params);
  const choice: SummaryChoice = {
    phases: setOf(values.phases),
    cohorts: setOf(values.cohorts),
    cities: setOf(values.cities),
    districts: setOf(values.districts),
    dongs: setOf(values.dongs),
  };
  if (Object.values(choice).every((chosen) => chosen === null)) return undefined;
  // `rank` only when asked for, so the whole one is the same answer as a manager's unfiltered summary.
  return { whole: { today: params.today, ...(values.rank === true ? { rank: true } : {}) }, choice };
}

/** Whether summary.sql, asked with these filters, sends `row`. */
export function chosen(row: SummaryRow, { phases, cohorts, cities, districts, dongs }: SummaryChoice): boolean {
  if (phases && !(row.phase !== null && phases.has(row.phase))) return false;
  if (cohorts && row.cohort !== null && !cohorts.has(row.cohort)) return false;
  if (cities && !(row.city !== null && cities.has(row.city))) return false;
  if (row.kind !== 'dong') return true;
  return (!districts || (row.district !== null && districts.has(row.district))) && (!dongs || (row.dong !== null && dongs.has(row.dong)));
}

/**
 * Where each row of a whole answer lies in its bytes, with the fields the filters read: DuckDB's
 * writer lays a JSON array out one row a line (as compare/splice.ts reads it), so a filtered answer
 * is the chosen lines copied, not the rows parsed and written again. Kept per whole answer (an
 * answer is kept per version, and cut for every filter asked meanwhile): offsets and six fields a
 * row, not the rows' objects.
 */
interface RowIndex {
  /** The answer's bytes before its array (`{"columns":[…],"rows":`), and after it. */
  head: Buffer;
  tail: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  rows: SummaryRow[];
}

const indexed = new WeakMap<Answer, RowIndex>();

const newline = 0x0a;
const rowsKey = Buffer.from(',"rows":[');
const textKeys = { kind: Buffer.from('"kind":'), city: Buffer.from('"city":'), district: Buffer.from('"district":'), dong: Buffer.from('"dong":') };
const numberKeys = { phase: Buffer.from('"phase":'), cohort: Buffer.from('"cohort":') };

/** The whole number (or null) of a top-level `key` in the row between `from` and `to`; undefined when it has none. */
function numberValue(bytes: Buffer, key: Buffer, from: number, to: number): number | null | undefined {
  const at = bytes.indexOf(key, from);
  if (at < 0 || at >= to) return undefined;
  let end = at + key.length;
  const start = end;
  while (end < to && bytes[end] !== 0x2c && bytes[end] !== 0x7d) end++;
  const text = bytes.toString('latin1', start, end);
  if (text === 'null') return null;
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * The fields the filters read, from one row's line: each found by its key (its top-level ones: a
 * quote in a JSON string is escaped), not the line parsed whole (a summary of 6,565 rows was 6,565
 * objects of 20 fields made for each new whole answer); parsed whole should a field not be found so.
 */
function rowAt(body: Buffer, start: number, end: number): SummaryRow {
  const kind = keyValue(body, textKeys.kind, start, end);
  const city = keyValue(body, textKeys.city, start, end);
  const district = keyValue(body, textKeys.district, start, end);
  const dong = keyValue(body, textKeys.dong, start, end);
  const phase = numberValue(body, numberKeys.phase, start, end);
  const cohort = numberValue(body, numberKeys.cohort, start, end);
  if (typeof kind === 'string' && city !== undefined && district !== undefined && dong !== undefined && phase !== undefined && cohort !== undefined) {
    return { kind, city, district, dong, phase, cohort };
  }
  const row = JSON.parse(body.toString('utf8', start, end)) as SummaryRow;
  return { kind: row.kind, city: row.city, district: row.district, dong: row.dong, phase: row.phase, cohort: row.cohort };
}

/** The index of a whole answer as DuckDB writes every JSON answer (compare/answers.ts), one row a line. */
function indexOf(whole: Answer): RowIndex {
  const body = whole.body;
  const at = body.indexOf(rowsKey);
  const open = at + rowsKey.length - 1;
  if (at < 0 || body[open + 1] !== newline) throw new Error('a whole summary answer not laid out one row a line, as DuckDB writes it');
  const close = body.lastIndexOf(']');
  const starts: number[] = [];
  const ends: number[] = [];
  const rows: SummaryRow[] = [];
  // Each row a line "\t{…}," (the last without its comma); no row holds a raw newline.
  for (let from = open + 2; from < close; ) {
    let to = body.indexOf(newline, from);
    if (to < 0 || to > close) to = close;
    let start = from;
    let end = to;
    while (start < end && body[start] === 0x09) start++;
    if (end > start && body[end - 1] === 0x2c) end--;
    if (end > start) {
      starts.push(start);
      ends.push(end);
      rows.push(rowAt(body, start, end));
    }
    from = to + 1;
  }
  return { head: body.subarray(0, open), tail: body.subarray(close + 1), starts: Int32Array.from(starts), ends: Int32Array.from(ends), rows };
}

const separator = Buffer.from(',\n\t');

/** The JSON answer of a filtered summary: the whole one's columns and the rows its filters choose, in its order. */
export function chosenSummary(whole: Answer, choice: SummaryChoice): Answer {
  let found = indexed.get(whole);
  if (found === undefined) indexed.set(whole, (found = indexOf(whole)));
  const { head, tail, starts, ends, rows } = found;
  const parts: Buffer[] = [head, Buffer.from('[\n\t')];
  let count = 0;
  rows.forEach((row, i) => {
    if (!chosen(row, choice)) return;
    if (count++ > 0) parts.push(separator);
    parts.push(whole.body.subarray(starts[i], ends[i]));
  });
  parts.push(Buffer.from('\n]'), tail);
  return { body: Buffer.concat(parts), rows: count };
}
