import { maxBatchRows } from '../../domain/contract.ts';
import { hashValues } from './hash.ts';
import { deleteMark, diffTable, tombstoneMark } from './diff.ts';
import type {
  Conflict,
  Kind,
  KindState,
  LocalRow,
  PendingBatch,
  ServerRow,
  SyncAnswer,
  SyncBody,
  SyncProgress,
  SyncReport,
  SyncState,
  SyncStateStore,
  SyncTransport,
  TableWrite,
} from './types.ts';

/** The service takes at most this many rows (updates and deletes together) per batch: domain/contract.ts. */
export { maxBatchRows };

export interface SyncEngineOptions {
  transport: SyncTransport;
  store: SyncStateStore;
  /** New row ids and batch ids; crypto.randomUUID by default. */
  newId?: () => string;
  /** Rows per batch, at most maxBatchRows. */
  batchSize?: number;
}

export interface SyncOptions {
  onProgress?: (progress: SyncProgress) => void;
  /**
   * Writes the ids of new rows into the table's 행ID cells. Awaited before anything is sent, so a
   * row never reaches the service under an id the table does not hold.
   */
  writeIds?: (writes: { index: number; rowId: string }[]) => Promise<void>;
}

export interface PullReport {
  revision: number;
  /** Rows to update, append or remove in the table. */
  tableWrites: TableWrite[];
  /** Every open conflict, those found by this pull included. */
  conflicts: Conflict[];
}

export type Resolution = 'mine' | 'theirs';

export interface SyncEngine {
  /** Retries the queue, then diffs the table against the last synced state and sends what changed. */
  sync(kind: Kind, rows: readonly LocalRow[], options?: SyncOptions): Promise<SyncReport>;
  /** Fetches what changed on the service since the last pull; returns what to write into the table. */
  pull(kind: Kind, rows: readonly LocalRow[]): Promise<PullReport>;
  /** Confirms deletes offered by `sync`; the next `sync` sends them. */
  confirmDeletes(kind: Kind, rowIds: readonly string[]): Promise<void>;
  /** mine: resent on the service's revision by the next `sync`; theirs: the returned writes put the service's row in the table. */
  resolveConflict(kind: Kind, rowId: string, choice: Resolution): Promise<TableWrite[]>;
  conflicts(kind: Kind): Promise<Conflict[]>;
  /** Batches waiting to be (re)sent, for every kind. */
  pendingBatches(): Promise<number>;
}

function emptyKindState(): KindState {
  return { since: 0, rows: {}, pending: [], conflicts: {}, confirmedDeletes: [] };
}

function emptyReport(): SyncReport {
  return {
    idWrites: [],
    rowsRead: 0,
    rowsSent: 0,
    accepted: 0,
    unchanged: 0,
    refused: [],
    warnings: [],
    conflicts: [],
    deleteCandidates: [],
    tableWrites: [],
    offline: false,
    pendingBatches: 0,
    failedBatches: [],
    clean: [],
  };
}

/** A refusal of the whole batch that a retry cannot change (bad body, batch id reused, no right). */
function permanentFailure(error: unknown): { status: number } | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  const status = (error as { status: unknown }).status;
  if (typeof status !== 'number' || status < 400 || status > 499 || status === 408 || status === 429) return undefined;
  return { status };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function defaultId(): string {
  return globalThis.crypto.randomUUID();
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { transport, store } = options;
  const newId = options.newId ?? defaultId;
  const batchSize = Math.max(1, Math.min(options.batchSize ?? maxBatchRows, maxBatchRows));
  let state: SyncState | undefined;
  let chain: Promise<unknown> = Promise.resolve();

  /** One operation at a time: the state is shared by every kind. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  }

  async function kindState(kind: Kind): Promise<KindState> {
    if (!state) state = (await store.load()) ?? { version: 1, kinds: {} };
    let ks = state.kinds[kind];
    if (!ks) {
      ks = emptyKindState();
      state.kinds[kind] = ks;
    }
    return ks;
  }

  async function save(): Promise<void> {
    if (state) await store.save(state);
  }

  function clearQueued(ks: KindState, batch: PendingBatch): void {
    for (const id of Object.keys(batch.hashes)) {
      const rs = ks.rows[id];
      if (rs) delete rs.queued;
    }
  }

  function applyAnswer(ks: KindState, batch: PendingBatch, answer: SyncAnswer, report: SyncReport, indexOf: Map<string, number>): void {
    const sentValues = new Map(batch.body.rows.map((r) => [r.rowId, r.values]));
    for (const result of answer.results) {
      const id = result.rowId;
      const hash = batch.hashes[id];
      if (hash === undefined) continue;
      const isDelete = hash === deleteMark;
      const rs = ks.rows[id] ?? { revision: null, hash: null };
      ks.rows[id] = rs;
      delete rs.queued;
      const index = indexOf.get(id);
      switch (result.status) {
        case 'accepted':
        case 'unchanged':
          if (isDelete) {
            delete ks.rows[id];
          } else {
            if (result.revision !== undefined) rs.revision = result.revision;
            rs.hash = hash;
            delete rs.refused;
            delete rs.refusedStatus;
            delete rs.errors;
          }
          if (result.status === 'accepted') report.accepted++;
          else report.unchanged++;
          if (result.warnings && result.warnings.length > 0) report.warnings.push({ rowId: id, index, warnings: result.warnings });
          break;
        case 'rejected':
        case 'forbidden':
          if (!isDelete) {
            rs.refused = hash;
            rs.refusedStatus = result.status;
            rs.errors = result.errors ?? [];
          }
          report.refused.push({ rowId: id, index, status: result.status, errors: result.errors ?? [] });
          break;
        case 'conflict': {
          const server: ServerRow = result.server ?? {
            rowId: id,
            revision: result.revision ?? rs.revision ?? 0,
            deleted: false,
            values: {},
            updatedBy: '',
            updatedAt: '',
            source: null,
          };
          if (!server.deleted && !isDelete && hashValues(server.values) === hash) {
            // Both sides made the same change: nothing to choose.
            rs.revision = server.revision;
            rs.hash = hash;
            report.unchanged++;
            break;
          }
          if (server.deleted && isDelete) {
            delete ks.rows[id];
            break;
          }
          ks.conflicts[id] = { rowId: id, mine: isDelete ? null : (sentValues.get(id) ?? null), server };
          break;
        }
      }
    }
    clearQueued(ks, batch);
  }

  /** Sends queued batches in order; stops at the first that cannot reach the service. */
  async function flush(kind: Kind, ks: KindState, report: SyncReport, indexOf: Map<string, number>, progress: () => void): Promise<void> {
    while (ks.pending.length > 0) {
      const batch = ks.pending[0]!;
      let answer: SyncAnswer | undefined;
      if (batch.attempted && transport.status) {
        // Its answer never came: ask what became of it before sending it again.
        try {
          const status = await transport.status(batch.batchId);
          if (status.status === 'pending') {
            report.offline = true;
            return;
          }
          if (status.status === 'applied') answer = status.answer;
        } catch (error) {
          // Unreachable: ask again later. Refused for good (another token now, say): resend it.
          if (!permanentFailure(error)) {
            report.offline = true;
            return;
          }
        }
      }
      try {
        if (!answer) {
          answer = await transport.push(kind, batch.body);
          report.rowsSent += batch.body.rows.length + batch.body.deletes.length;
        }
      } catch (error) {
        const failure = permanentFailure(error);
        if (!failure) {
          report.offline = true;
          batch.attempted = true;
          await save();
          return;
        }
        ks.pending.shift();
        clearQueued(ks, batch);
        report.failedBatches.push({ batchId: batch.batchId, status: failure.status, message: errorText(error) });
        await save();
        continue;
      }
      applyAnswer(ks, batch, answer, report, indexOf);
      ks.pending.shift();
      await save();
      progress();
    }
  }

  function queue(ks: KindState, rows: { row: SyncBody['rows'][number]; hash: string }[], deletes: SyncBody['deletes']): number {
    const items: ({ kind: 'row'; row: SyncBody['rows'][number]; hash: string } | { kind: 'delete'; del: SyncBody['deletes'][number] })[] = [
      ...rows.map((r) => ({ kind: 'row' as const, row: r.row, hash: r.hash })),
      ...deletes.map((d) => ({ kind: 'delete' as const, del: d })),
    ];
    let count = 0;
    for (let start = 0; start < items.length; start += batchSize) {
      const batchId = newId();
      const body: SyncBody = { batchId, rows: [], deletes: [] };
      const hashes: Record<string, string> = {};
      for (const item of items.slice(start, start + batchSize)) {
        if (item.kind === 'row') {
          body.rows.push(item.row);
          hashes[item.row.rowId] = item.hash;
          const rs = ks.rows[item.row.rowId] ?? { revision: null, hash: null };
          rs.queued = item.hash;
          ks.rows[item.row.rowId] = rs;
        } else {
          body.deletes.push(item.del);
          hashes[item.del.rowId] = deleteMark;
          const rs = ks.rows[item.del.rowId];
          if (rs) rs.queued = deleteMark;
        }
      }
      ks.pending.push({ batchId, body, hashes });
      count++;
    }
    ks.confirmedDeletes = ks.confirmedDeletes.filter((id) => !deletes.some((d) => d.rowId === id));
    return count;
  }

  async function sync(kind: Kind, rows: readonly LocalRow[], opts: SyncOptions = {}): Promise<SyncReport> {
    const ks = await kindState(kind);
    const report = emptyReport();
    report.rowsRead = rows.length;
    let rowsToSend = ks.pending.reduce((n, b) => n + b.body.rows.length + b.body.deletes.length, 0);
    const progress = (phase: SyncProgress['phase']) =>
      opts.onProgress?.({ phase, rowsRead: rows.length, rowsToSend, rowsSent: report.rowsSent, rowsAccepted: report.accepted + report.unchanged });

    // Batches from an earlier sync go first, unchanged, so the service can recognise a replay.
    let indexOf = new Map<string, number>();
    await flush(kind, ks, report, indexOf, () => progress('send'));

    progress('diff');
    const diff = diffTable(ks, rows, newId);
    indexOf = diff.indexOf;
    for (const r of report.refused) r.index = indexOf.get(r.rowId);
    for (const w of report.warnings) w.index = indexOf.get(w.rowId);
    report.idWrites = diff.idWrites;
    report.refused.push(...diff.refused);
    report.clean = diff.clean;
    report.deleteCandidates = diff.deleteCandidates;
    if (diff.idWrites.length > 0 && opts.writeIds) await opts.writeIds(diff.idWrites);

    const queued = queue(ks, diff.changed, diff.deletes);
    rowsToSend += diff.changed.length + diff.deletes.length;
    if (queued > 0 || diff.idWrites.length > 0) await save();
    if (!report.offline) await flush(kind, ks, report, indexOf, () => progress('send'));

    report.conflicts = Object.values(ks.conflicts);
    report.pendingBatches = ks.pending.length;
    progress('done');
    return report;
  }

  async function pull(kind: Kind, rows: readonly LocalRow[]): Promise<PullReport> {
    const ks = await kindState(kind);
    const answer = await transport.pull(kind, ks.since);
    const table = new Map<string, LocalRow>();
    for (const row of rows) {
      const id = typeof row.rowId === 'string' ? row.rowId.trim() : '';
      if (id !== '' && !table.has(id)) table.set(id, row);
    }
    const writes: TableWrite[] = [];
    let holdBack = answer.revision;
    for (const server of answer.rows) {
      const id = server.rowId;
      const known = ks.rows[id];
      // A row in a queued batch is settled by that batch's answer (a conflict if it is stale); the
      // next pull looks at it again, as the answer may be a replay from before this revision.
      if (known?.queued !== undefined) {
        holdBack = Math.min(holdBack, server.revision - 1);
        continue;
      }
      if (known && known.revision !== null && known.revision >= server.revision) continue;
      const open = ks.conflicts[id];
      if (open) {
        open.server = server;
        continue;
      }
      const local = table.get(id);
      const localHash = local && !(local.errors && local.errors.length > 0) ? hashValues(local.values) : undefined;
      const serverHash = server.deleted ? tombstoneMark : hashValues(server.values);
      // Unsent edits here: the table differs from what the service last confirmed, or the row was removed.
      const dirty = local ? !known || localHash !== known.hash : known !== undefined && known.revision !== null;
      if (server.deleted) {
        if (!local) {
          delete ks.rows[id];
          ks.confirmedDeletes = ks.confirmedDeletes.filter((d) => d !== id);
        } else if (!dirty) {
          delete ks.rows[id];
          writes.push({ type: 'remove', rowId: id });
        } else {
          ks.conflicts[id] = { rowId: id, mine: local.values, server };
        }
        continue;
      }
      if (localHash !== undefined && localHash === serverHash) {
        ks.rows[id] = { revision: server.revision, hash: serverHash };
        continue;
      }
      if (!dirty) {
        ks.rows[id] = { revision: server.revision, hash: serverHash };
        writes.push({ type: 'upsert', rowId: id, values: server.values });
        continue;
      }
      ks.conflicts[id] = { rowId: id, mine: local ? local.values : null, server };
    }
    ks.since = Math.max(ks.since, holdBack);
    await save();
    return { revision: ks.since, tableWrites: writes, conflicts: Object.values(ks.conflicts) };
  }

  async function resolveConflict(kind: Kind, rowId: string, choice: Resolution): Promise<TableWrite[]> {
    const ks = await kindState(kind);
    const conflict = ks.conflicts[rowId];
    if (!conflict) return [];
    delete ks.conflicts[rowId];
    const { server, mine } = conflict;
    const serverHash = server.deleted ? tombstoneMark : hashValues(server.values);
    const writes: TableWrite[] = [];
    if (choice === 'theirs') {
      if (server.deleted) {
        delete ks.rows[rowId];
        writes.push({ type: 'remove', rowId });
      } else {
        ks.rows[rowId] = { revision: server.revision, hash: serverHash };
        writes.push({ type: 'upsert', rowId, values: server.values });
      }
    } else if (mine === null && server.deleted) {
      delete ks.rows[rowId];
    } else {
      // The next diff sees the table differ from the service's row and resends it on this base.
      ks.rows[rowId] = { revision: server.revision, hash: serverHash };
      if (mine === null && !ks.confirmedDeletes.includes(rowId)) ks.confirmedDeletes.push(rowId);
    }
    await save();
    return writes;
  }

  return {
    sync: (kind, rows, opts) => exclusive(() => sync(kind, rows, opts)),
    pull: (kind, rows) => exclusive(() => pull(kind, rows)),
    confirmDeletes: (kind, rowIds) =>
      exclusive(async () => {
        const ks = await kindState(kind);
        for (const id of rowIds) if (ks.rows[id] && !ks.confirmedDeletes.includes(id)) ks.confirmedDeletes.push(id);
        await save();
      }),
    resolveConflict: (kind, rowId, choice) => exclusive(() => resolveConflict(kind, rowId, choice)),
    conflicts: (kind) => exclusive(async () => Object.values((await kindState(kind)).conflicts)),
    pendingBatches: () =>
      exclusive(async () => {
        if (!state) state = (await store.load()) ?? { version: 1, kinds: {} };
        return Object.values(state.kinds).reduce((n, ks) => n + (ks?.pending.length ?? 0), 0);
      }),
  };
}

/** A store that keeps the state in memory (tests, and a browser without a workbook). */
export function memoryStore(initial?: SyncState): SyncStateStore & { saved: number } {
  let copy = initial ? (JSON.parse(JSON.stringify(initial)) as SyncState) : undefined;
  const store = {
    saved: 0,
    async load() {
      return copy ? (JSON.parse(JSON.stringify(copy)) as SyncState) : undefined;
    },
    async save(next: SyncState) {
      copy = JSON.parse(JSON.stringify(next)) as SyncState;
      store.saved++;
    },
  };
  return store;
}
