/**
 * The sync contract's shapes (README, "Sync": POST /api/sync/:kind and GET /api/rows/:kind),
 * shared by the service that answers them and the add-in's sync engine that sends them.
 */
import { z } from 'zod';
import type { Issue, Message } from './messages.ts';
import type { RowValues } from './rules.ts';

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
      rows: z
        .array(z.strictObject({ rowId, baseRevision: z.number().int().nonnegative().nullable(), values: z.record(z.string(), z.unknown()) }))
        .default([]),
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
