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
