/**
 * The sync contract's shapes (README, "Sync": POST /api/sync/:kind and GET /api/rows/:kind),
 * shared by the service that answers them and the add-in's sync engine that sends them.
 */
import { z } from 'zod';
import type { Issue, Message } from './messages.ts';
import type { RowValues } from './rules.ts';
import type { Role } from './roles.ts';
import type { Allocation, City, District, Dong, ExpectedMilestones, Phase } from './reference.ts';
import type { Kind, metaColumns } from './sheets.ts';
import type { codeLists, payCategories } from './codes.ts';
import type { ComparisonDefinition, ComparisonName, MetricDefinition, flagRules, headlineFigureKind, headlineFigures } from './metrics.ts';

/** POST /api/sync/:kind body: typed values from a client; the service takes any values and checks them. */
export interface SyncBody<Values = RowValues> {
  batchId: string;
  rows: { rowId: string; baseRevision: number | null; values: Values }[];
  deletes: { rowId: string; baseRevision: number }[];
}

/** Rows and deletes a sync batch may carry at most. */
export const maxBatchRows = 5000;

const rowId = z.guid();

/**
 * The zod schema of a sync body, as the service reads it: the envelope only (values are any
 * record; the rules in `checkRow` type and check them). A batch over `maxBatchRows` is refused
 * with the issue `batch_too_large` before its rows are read one by one.
 */
export const syncBodySchema = z
  .looseObject({ rows: z.array(z.unknown()).optional(), deletes: z.array(z.unknown()).optional() })
  .refine((b) => (b.rows?.length ?? 0) + (b.deletes?.length ?? 0) <= maxBatchRows, { error: 'batch_too_large' })
  .pipe(
    z.strictObject({
      batchId: z.guid(),
      rows: z.array(z.strictObject({ rowId, baseRevision: z.number().int().nonnegative().nullable(), values: z.record(z.string(), z.unknown()) })).default([]),
      deletes: z.array(z.strictObject({ rowId, baseRevision: z.number().int().nonnegative() })).default([]),
    }),
  );

const isGuid = (v: unknown): v is string => typeof v === 'string' && z.regexes.guid.test(v);
const isRevision = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Whether `o` has exactly the keys `keys` (each present, none other). */
const hasKeys = (o: Record<string, unknown>, keys: readonly string[]) => {
  let n = 0;
  for (const key in o) {
    if (!keys.includes(key)) return false;
    n += 1;
  }
  return n === keys.length;
};

/**
 * A JSON-parsed sync body that `syncBodySchema` certainly accepts, as it would give it back (rows
 * and deletes default to []); undefined for anything else, which the schema then judges and names.
 * The same checks by hand, for the 5,000-row batch zod takes 20 ms to copy; test/sync/contract
 * holds it to the schema on random bodies.
 */
export function plainSyncBody(raw: unknown): SyncBody<Record<string, unknown>> | undefined {
  if (!isRecord(raw) || !isGuid(raw.batchId)) return undefined;
  for (const key in raw) if (key !== 'batchId' && key !== 'rows' && key !== 'deletes') return undefined;
  const rows = raw.rows === undefined ? [] : raw.rows;
  const deletes = raw.deletes === undefined ? [] : raw.deletes;
  if (!Array.isArray(rows) || !Array.isArray(deletes) || rows.length + deletes.length > maxBatchRows) return undefined;
  for (const row of rows) {
    if (!isRecord(row) || !hasKeys(row, ['rowId', 'baseRevision', 'values']) || !isGuid(row.rowId)) return undefined;
    if ((row.baseRevision !== null && !isRevision(row.baseRevision)) || !isRecord(row.values) || Object.getPrototypeOf(row.values) !== Object.prototype) return undefined;
    for (const key in row.values) if (key === '__proto__') return undefined;
  }
  for (const del of deletes) if (!isRecord(del) || !hasKeys(del, ['rowId', 'baseRevision']) || !isGuid(del.rowId) || !isRevision(del.baseRevision)) return undefined;
  return { batchId: raw.batchId, rows, deletes } as SyncBody<Record<string, unknown>>;
}

export type RowStatus = 'accepted' | 'unchanged' | 'rejected' | 'conflict' | 'forbidden';

/** One row as the service holds it (GET /api/rows, and the `server` row of a conflict). */
export interface ServerRow {
  rowId: string;
  revision: number;
  deleted: boolean;
  values: RowValues;
  updatedBy: string;
  updatedAt: string;
  /** The workbook the row came from, where the client said. */
  source: string | null;
}

export interface RowResult {
  rowId: string;
  status: RowStatus;
  revision?: number;
  errors?: Issue[];
  warnings?: Issue[];
  server?: ServerRow;
}

export interface SyncAnswer {
  batchId: string;
  revision: number;
  results: RowResult[];
}

export interface PullAnswer {
  revision: number;
  rows: ServerRow[];
}

/**
 * GET /api/batches/:batchId — what became of a batch, for a client whose request timed out or lost
 * its connection: `applied` (the answer it would have had; do not resend), `pending` (received and
 * still queued or being written; ask again), `failed` (nothing stored; resend the same batch) or
 * `unknown` (this service holds no trace of it; nothing stored, resend the same batch).
 */
export type BatchStatus =
  | { batchId: string; status: 'applied'; kind: string; storedAt: string; answer: SyncAnswer }
  | { batchId: string; status: 'pending'; kind: string; since: string }
  | { batchId: string; status: 'failed'; kind: string; failedAt: string; error: { code: string; message: Message } }
  | { batchId: string; status: 'unknown' };

/** Who a token belongs to, as `GET /api/meta` says it (never its secret). */
export interface MetaWho {
  name: string;
  role: Role;
  dong: string | null;
  district: string | null;
  /** The city the token is limited to; null for a token of every city. */
  city: string | null;
}

/**
 * `GET /api/meta`: what a pane needs to read and write sheets and show figures, for one token (a
 * token of one city sees that city's reference data alone). The service's route is checked against
 * it (`satisfies`), and the add-in reads it as it is.
 */
export interface MetaAnswer {
  /** The city's name when the token sees one city; null for several. */
  city: string | null;
  cities: City[];
  kinds: { kind: Kind; sheet: string; table: string; rowIdHeader: string; columns: ReturnType<typeof metaColumns> }[];
  codes: typeof codeLists;
  districts: District[];
  dongs: (Dong & { cohort: number })[];
  allocations: Allocation[];
  expectedMilestones: ExpectedMilestones[];
  /** The token's city's phases; for a token of every city, each phase number once. */
  phases: Phase[];
  /** Every figure's and column's definition, by name. */
  metrics: Record<string, MetricDefinition>;
  comparisons: Record<ComparisonName, ComparisonDefinition>;
  headlineFigures: typeof headlineFigures;
  headlineFigureKind: typeof headlineFigureKind;
  flagRules: typeof flagRules;
  payCategories: typeof payCategories;
  me: MetaWho;
}
