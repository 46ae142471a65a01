import type { Kind } from '../../domain/sheets.ts';
import type { Issue } from '../../domain/messages.ts';
import type { RowValues } from '../../domain/rules.ts';

export type { Kind, Issue, RowValues };

export type { SyncBody, RowStatus, ServerRow, RowResult, SyncAnswer, PullAnswer, BatchStatus } from '../../domain/contract.ts';
import type { SyncBody, SyncAnswer, PullAnswer, ServerRow, BatchStatus } from '../../domain/contract.ts';

/**
 * How the engine reaches the service. `push` throws when the batch may not have arrived (network
 * down, timeout, 5xx): the batch stays queued and is resent later with the same batchId. An error
 * with a `status` of 400–499 (except 408 and 429) means the service refused the whole batch for good.
 */
export interface SyncTransport {
  push(kind: Kind, body: SyncBody): Promise<SyncAnswer>;
  pull(kind: Kind, since: number): Promise<PullAnswer>;
  /**
   * What became of a batch sent before whose answer never came (GET /api/batches/:batchId): when
   * given, the engine asks before sending such a batch again, and takes a stored answer as it is.
   */
  status?(batchId: string): Promise<BatchStatus>;
}

/** What the engine remembers about one row between syncs. */
export interface RowState {
  /** The revision the service last confirmed to us; null while the row was never accepted. */
  revision: number | null;
  /** Hash of the values the service holds at `revision` (what the table showed when in step). */
  hash: string | null;
  /**
   * The service's values of fields the table has no column for (an adopted sheet without 집행일, say):
   * sent along with the row when it is edited, so a sheet with fewer columns never blanks them.
   */
  extra?: RowValues;
  /** Set while a queued batch carries this row: the hash of the values sent. */
  queued?: string;
  /** The hash of values the service refused (rejected / forbidden), not resent until edited. */
  refused?: string;
  refusedStatus?: 'rejected' | 'forbidden';
  errors?: Issue[];
}

/** A row changed on both sides: shown with both values until the official chooses. */
export interface Conflict {
  rowId: string;
  /** The table's values, or null when the row was deleted here. */
  mine: RowValues | null;
  /** The service's row (deleted: true when it was deleted there). */
  server: ServerRow;
}

export interface PendingBatch {
  batchId: string;
  body: SyncBody;
  /** Hash of each row's values as sent, by rowId. */
  hashes: Record<string, string>;
  /** Sent before without an answer (network down, timeout, 5xx): it may have been stored. */
  attempted?: boolean;
}

export interface KindState {
  /** The revision up to which rows were pulled (`since` of the next pull). */
  since: number;
  rows: Record<string, RowState>;
  pending: PendingBatch[];
  conflicts: Record<string, Conflict>;
  /** Deletes the official confirmed that still wait for a batch. */
  confirmedDeletes: string[];
  /**
   * Rows on the service that the table does not hold and the official has not taken yet (a pull
   * never adds them unasked), by rowId; absent in states saved before offers existed.
   */
  offered?: Record<string, ServerRow>;
}

export interface SyncState {
  version: 1;
  kinds: Partial<Record<Kind, KindState>>;
}

/** Where the state survives closing the workbook (the UI injects localStorage or document settings). */
export interface SyncStateStore {
  load(): Promise<SyncState | undefined>;
  save(state: SyncState): Promise<void>;
}

/** One row read from the table and normalised by the caller. */
export interface LocalRow {
  /** The hidden 행ID cell; null or '' when the row is new. */
  rowId: string | null;
  values: RowValues;
  /** Cells the normaliser could not read: the row is not sent and these are reported instead. */
  errors?: Issue[];
}

/** A change the Excel layer must make to the table. */
export type TableWrite = { type: 'upsert'; rowId: string; values: RowValues } | { type: 'remove'; rowId: string };

export interface SyncProgress {
  phase: 'diff' | 'send' | 'pull' | 'done';
  rowsRead: number;
  rowsToSend: number;
  rowsSent: number;
  rowsAccepted: number;
}

export interface RowOutcome {
  rowId: string;
  /** Index of the row in the `LocalRow[]` given, when it is in the table. */
  index?: number;
  status: 'rejected' | 'forbidden' | 'invalid';
  errors: Issue[];
}

export interface SyncReport {
  /** Ids given to new rows (and to copies of an existing row's id): write them into 행ID. */
  idWrites: { index: number; rowId: string }[];
  rowsRead: number;
  rowsSent: number;
  accepted: number;
  unchanged: number;
  /** Rows refused by the service or unreadable here, with the reasons to mark on the cells. */
  refused: RowOutcome[];
  warnings: { rowId: string; index?: number; warnings: Issue[] }[];
  /** Rows that changed on both sides; resolve with `resolveConflict`. */
  conflicts: Conflict[];
  /** Rows gone from the table: deleted on the service only after `confirmDeletes`. */
  deleteCandidates: { rowId: string; baseRevision: number }[];
  /** Rows written by the service that the table must show (from `take theirs` or a pull). */
  tableWrites: TableWrite[];
  /** True when the service could not be reached; the batches wait in the queue. */
  offline: boolean;
  pendingBatches: number;
  /** Batches the service refused as a whole (4xx), dropped from the queue. */
  failedBatches: { batchId: string; status?: number; message: string }[];
  /** Ids of rows that are in the table with unchanged values since the last sync (for clearing marks). */
  clean: string[];
}
