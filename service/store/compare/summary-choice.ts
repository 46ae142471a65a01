/**
 * A summary asked with filters, cut from the whole summary's JSON answer rather than computed again.
 *
 * summary.sql's groups are always whole (a city × phase × cohort): its filters only choose which of
 * the whole answer's rows are sent — `phase`, `cohort` and `city` any row's, `district` and `dong`
 * only the flagged dongs' rows (summary.sql's last two WHEREs). Only `rank` and `today` change the
 * figures. So each district official's summary, or a manager's of one phase, is the whole answer
 * (computed once per version and shared) with rows left out: no reader, no kept totals brought up to
 * date, no country's figures computed once more for every filter asked. Measured under `npm run
 * load` (README, "Load"), every district's summary was a whole summary's work after each sync.
 *
 * The choice is made here in JavaScript over the rows DuckDB wrote; the test checks it against the
 * query file run with the same filters, for filters chosen at random.
 */
import { DuckDBListValue } from '@duckdb/node-api';
import { prepareComparison, type ComparisonParams } from './index.ts';
import type { Answer } from './answers.ts';

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

/** The whole answers' rows, read once each (an answer is kept per version, and cut for every filter asked meanwhile). */
const parsed = new WeakMap<Answer, { columns: unknown; rows: SummaryRow[] }>();

/** The JSON answer of a filtered summary: the whole one's columns and the rows its filters choose, in its order. */
export function chosenSummary(whole: Answer, choice: SummaryChoice): Answer {
  let read = parsed.get(whole);
  if (!read) parsed.set(whole, (read = JSON.parse(whole.body.toString('utf8')) as { columns: unknown; rows: SummaryRow[] }));
  const rows = read.rows.filter((row) => chosen(row, choice));
  return { body: Buffer.from(JSON.stringify({ columns: read.columns, rows })), rows: rows.length };
}
