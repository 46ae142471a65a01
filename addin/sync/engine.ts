import { maxBatchRows } from '../../domain/contract.ts';
import { hashValues } from './hash.ts';
import { deleteMark, diffTable, tombstoneMark } from './diff.ts';
import type {
  Conflict,
  RowState,
  RowValues,
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

export interface PullOptions {
  /**
   * Whether a row the table does not hold (and this workbook never synced) is written into it now.
   * Without it every such row is; when it answers false the row is offered instead (`offered`), and
   * only `takeOffered` puts it in the table: a sheet is the official's, a pull adds nothing unasked.
   */
  take?: (row: ServerRow) => boolean;
}

export interface PullReport {
  revision: number;
  /** Rows to update, append or remove in the table. */
  tableWrites: TableWrite[];
  /** Every open conflict, those found by this pull included. */
  conflicts: Conflict[];
  /** Rows on the service that wait for the official to take them into the table (or put them elsewhere). */
  offered: ServerRow[];
}

export type Resolution = 'mine' | 'theirs';

export interface SyncEngine {
  /** Retries the queue, then diffs the table against the last synced state and sends what changed. */
  sync(kind: Kind, rows: readonly LocalRow[], options?: SyncOptions): Promise<SyncReport>;
  /** Fetches what changed on the service since the last pull; returns what to write into the table. */
  pull(kind: Kind, rows: readonly LocalRow[], options?: PullOptions): Promise<PullReport>;
  /** Confirms deletes offered by `sync`; the next `sync` sends them. */
  confirmDeletes(kind: Kind, rowIds: readonly string[]): Promise<void>;
  /** mine: resent on the service's revision by the next `sync`; theirs: the returned writes put the service's row in the table. */
  resolveConflict(kind: Kind, rowId: string, choice: Resolution): Promise<TableWrite[]>;
  conflicts(kind: Kind): Promise<Conflict[]>;
  /** Rows a pull offered and the official has not settled yet. */
  offered(kind: Kind): Promise<ServerRow[]>;
  /** Takes offered rows into the table: write the returned rows into it. */
  takeOffered(kind: Kind, rowIds: readonly string[]): Promise<TableWrite[]>;
  /** Lets offered rows go (put on another sheet, or not wanted); a later change on the service offers them again. */
  dropOffered(kind: Kind, rowIds: readonly string[]): Promise<void>;
  /** Batches waiting to be (re)sent, for every kind. */
  pendingBatches(): Promise<number>;
  /**
   * The fields the kind's table has a column for (undefined: every field). A sheet with fewer columns
   * is in step when those agree, and an edited row carries the other fields as the service holds them.
   */
  tableColumns(kind: Kind, fields: readonly string[] | undefined): void;
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

/** What every step of the engine shares: the transport, the store, ids and the state loaded once. */
interface Core {
  transport: SyncTransport;
  store: SyncStateStore;
  newId: () => string;
  batchSize: number;
  state?: SyncState;
  /** Per kind, the fields the table has a column for (tableColumns); all fields when not given. */
  columns: Map<Kind, readonly string[]>;
}

/** The hash of values as the table can hold them: over its columns only, when they are known. */
function tableHash(values: RowValues, columns: readonly string[] | undefined): string {
  if (!columns) return hashValues(values);
  return hashValues(Object.fromEntries(Object.entries(values).filter(([k]) => columns.includes(k))));
}

/** A row of the service as in step with the table: the hash over its columns, the other fields kept aside. */
function inStep(server: ServerRow, columns: readonly string[] | undefined): RowState {
  const rs: RowState = { revision: server.revision, hash: tableHash(server.values, columns) };
  if (!columns) return rs;
  const extra = Object.entries(server.values).filter(([k, v]) => !columns.includes(k) && v !== null && v !== undefined && v !== '');
  if (extra.length > 0) rs.extra = Object.fromEntries(extra);
  return rs;
}

async function loadState(core: Core): Promise<SyncState> {
  core.state ??= (await core.store.load()) ?? { version: 1, kinds: {} };
  return core.state;
}

async function kindState(core: Core, kind: Kind): Promise<KindState> {
  const state = await loadState(core);
  let ks = state.kinds[kind];
  if (!ks) {
    ks = emptyKindState();
    state.kinds[kind] = ks;
  }
  return ks;
}

async function save(core: Core): Promise<void> {
  if (core.state) await core.store.save(core.state);
}

function clearQueued(ks: KindState, batch: PendingBatch): void {
  for (const id of Object.keys(batch.hashes)) {
    const rs = ks.rows[id];
    if (rs) delete rs.queued;
  }
}

/** A row the service took (or already held as sent): it is in step at the answer's revision. */
function settleAccepted(ks: KindState, id: string, hash: string, revision: number | undefined): void {
  if (hash === deleteMark) {
    delete ks.rows[id];
    return;
  }
  const rs = ks.rows[id]!;
  if (revision !== undefined) rs.revision = revision;
  rs.hash = hash;
  delete rs.refused;
  delete rs.refusedStatus;
  delete rs.errors;
}

/** A conflict in a batch's answer: open it, unless both sides made the same change (or both deleted). */
function settleConflict(
  ks: KindState,
  id: string,
  hash: string,
  result: SyncAnswer['results'][number],
  mine: Conflict['mine'],
  report: SyncReport,
  columns: readonly string[] | undefined,
): void {
  const rs = ks.rows[id]!;
  const isDelete = hash === deleteMark;
  const server: ServerRow = result.server ?? {
    rowId: id,
    revision: result.revision ?? rs.revision ?? 0,
    deleted: false,
    values: {},
    updatedBy: '',
    updatedAt: '',
    source: null,
  };
  if (!server.deleted && !isDelete && tableHash(server.values, columns) === hash) {
    // Both sides made the same change: nothing to choose.
    Object.assign(rs, inStep(server, columns));
    report.unchanged++;
    return;
  }
  if (server.deleted && isDelete) {
    delete ks.rows[id];
    return;
  }
  ks.conflicts[id] = { rowId: id, mine: isDelete ? null : mine, server };
}

function applyAnswer(ks: KindState, batch: PendingBatch, answer: SyncAnswer, report: SyncReport, indexOf: Map<string, number>, columns: readonly string[] | undefined): void {
  const sentValues = new Map(batch.body.rows.map((r) => [r.rowId, r.values]));
  for (const result of answer.results) {
    const id = result.rowId;
    const hash = batch.hashes[id];
    if (hash === undefined) continue;
    const rs = ks.rows[id] ?? { revision: null, hash: null };
    ks.rows[id] = rs;
    delete rs.queued;
    const index = indexOf.get(id);
    switch (result.status) {
      case 'accepted':
      case 'unchanged':
        settleAccepted(ks, id, hash, result.revision);
        if (result.status === 'accepted') report.accepted++;
        else report.unchanged++;
        if (result.warnings && result.warnings.length > 0) report.warnings.push({ rowId: id, index, warnings: result.warnings });
        break;
      case 'rejected':
      case 'forbidden':
        if (hash !== deleteMark) {
          rs.refused = hash;
          rs.refusedStatus = result.status;
          rs.errors = result.errors ?? [];
        }
        report.refused.push({ rowId: id, index, status: result.status, errors: result.errors ?? [] });
        break;
      case 'conflict':
        settleConflict(ks, id, hash, result, sentValues.get(id) ?? null, report, columns);
        break;
    }
  }
  clearQueued(ks, batch);
}

/**
 * A batch sent before whose answer never came: what the service says became of it. `offline` when it
 * cannot tell yet (unreachable, or the batch is still being written); the answer when it was stored.
 */
async function askStatus(core: Core, batch: PendingBatch): Promise<{ offline: true } | { offline: false; answer?: SyncAnswer }> {
  if (!batch.attempted || !core.transport.status) return { offline: false };
  try {
    const status = await core.transport.status(batch.batchId);
    if (status.status === 'pending') return { offline: true };
    return { offline: false, answer: status.status === 'applied' ? status.answer : undefined };
  } catch (error) {
    // Unreachable: ask again later. Refused for good (another token now, say): resend it.
    return permanentFailure(error) ? { offline: false } : { offline: true };
  }
}

/**
 * Batches on their way at once. The next batches travel and are read and checked by the service's
 * checker thread while the one before is written (the service writes the batches that wait for
 * its writer in one transaction), instead of the pane waiting for each answer before sending the
 * next. Three keep both of a 2-core service's busy threads fed: 10–20% faster than two over 40
 * 5,000-row batches (docs/performance-history.md, "Benchmarks"); a fourth gained nothing more.
 */
export const batchesInFlight = 3;

/** What became of one batch sent: its answer, a refusal for good, or no word (offline). */
type Sent = { answer: SyncAnswer; pushed: boolean } | { failure: { status: number }; error: unknown } | { offline: true };

/** Sends one batch, or takes its stored answer when it was sent before; never throws. */
async function send(core: Core, kind: Kind, batch: PendingBatch): Promise<Sent> {
  const asked = await askStatus(core, batch);
  if (asked.offline) return { offline: true };
  if (asked.answer) return { answer: asked.answer, pushed: false };
  // Until its answer is in, the batch may have reached the service: should the pane close or the
  // connection drop, what became of it is asked before it is sent again.
  batch.attempted = true;
  try {
    return { answer: await core.transport.push(kind, batch.body), pushed: true };
  } catch (error) {
    const failure = permanentFailure(error);
    return failure ? { failure, error } : { offline: true };
  }
}

/**
 * Sends queued batches, up to `batchesInFlight` at once, and settles their answers in order; stops
 * at the first that cannot reach the service (a batch after it that was answered is asked about
 * next time). No two pending batches share a row (`diffTable` holds a queued row back), so the
 * order they are written in changes nothing.
 */
async function flush(core: Core, kind: Kind, ks: KindState, report: SyncReport, indexOf: Map<string, number>, progress: () => void): Promise<void> {
  const sending = new Map<PendingBatch, Promise<Sent>>();
  while (ks.pending.length > 0) {
    for (const batch of ks.pending.slice(0, batchesInFlight)) if (!sending.has(batch)) sending.set(batch, send(core, kind, batch));
    const batch = ks.pending[0]!;
    const sent = await sending.get(batch)!;
    sending.delete(batch);
    if ('offline' in sent) {
      report.offline = true;
      await save(core);
      return;
    }
    ks.pending.shift();
    if ('failure' in sent) {
      clearQueued(ks, batch);
      report.failedBatches.push({ batchId: batch.batchId, status: sent.failure.status, message: errorText(sent.error) });
      await save(core);
      continue;
    }
    // Counted as sent when settled, in order: progress moves with what is applied.
    if (sent.pushed) report.rowsSent += batch.body.rows.length + batch.body.deletes.length;
    applyAnswer(ks, batch, sent.answer, report, indexOf, core.columns.get(kind));
    await save(core);
    progress();
  }
}

type QueueItem = { kind: 'row'; row: SyncBody['rows'][number]; hash: string } | { kind: 'delete'; del: SyncBody['deletes'][number] };

/** One batch of rows and deletes, each row marked as queued with the hash of the values sent. */
function batchOf(ks: KindState, batchId: string, items: readonly QueueItem[]): PendingBatch {
  const body: SyncBody = { batchId, rows: [], deletes: [] };
  const hashes: Record<string, string> = {};
  for (const item of items) {
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
  return { batchId, body, hashes };
}

function queue(core: Core, ks: KindState, rows: { row: SyncBody['rows'][number]; hash: string }[], deletes: SyncBody['deletes']): number {
  const items: QueueItem[] = [...rows.map((r) => ({ kind: 'row' as const, row: r.row, hash: r.hash })), ...deletes.map((d) => ({ kind: 'delete' as const, del: d }))];
  let count = 0;
  for (let start = 0; start < items.length; start += core.batchSize) {
    ks.pending.push(batchOf(ks, core.newId(), items.slice(start, start + core.batchSize)));
    count++;
  }
  ks.confirmedDeletes = ks.confirmedDeletes.filter((id) => !deletes.some((d) => d.rowId === id));
  return count;
}

async function sync(core: Core, kind: Kind, rows: readonly LocalRow[], opts: SyncOptions = {}): Promise<SyncReport> {
  const ks = await kindState(core, kind);
  const report = emptyReport();
  report.rowsRead = rows.length;
  let rowsToSend = ks.pending.reduce((n, b) => n + b.body.rows.length + b.body.deletes.length, 0);
  const progress = (phase: SyncProgress['phase']) =>
    opts.onProgress?.({ phase, rowsRead: rows.length, rowsToSend, rowsSent: report.rowsSent, rowsAccepted: report.accepted + report.unchanged });

  // Batches from an earlier sync go first, unchanged, so the service can recognise a replay.
  await flush(core, kind, ks, report, new Map(), () => progress('send'));

  progress('diff');
  const diff = diffTable(ks, rows, core.newId, core.columns.get(kind));
  const { indexOf } = diff;
  for (const r of report.refused) r.index = indexOf.get(r.rowId);
  for (const w of report.warnings) w.index = indexOf.get(w.rowId);
  report.idWrites = diff.idWrites;
  report.refused.push(...diff.refused);
  report.clean = diff.clean;
  report.deleteCandidates = diff.deleteCandidates;
  if (diff.idWrites.length > 0 && opts.writeIds) await opts.writeIds(diff.idWrites);

  const queued = queue(core, ks, diff.changed, diff.deletes);
  rowsToSend += diff.changed.length + diff.deletes.length;
  if (queued > 0 || diff.idWrites.length > 0) await save(core);
  if (!report.offline) await flush(core, kind, ks, report, indexOf, () => progress('send'));

  report.conflicts = Object.values(ks.conflicts);
  report.pendingBatches = ks.pending.length;
  progress('done');
  return report;
}

/** The table's rows by their 행ID (the first row holding an id keeps it). */
function rowsById(rows: readonly LocalRow[]): Map<string, LocalRow> {
  const table = new Map<string, LocalRow>();
  for (const row of rows) {
    const id = typeof row.rowId === 'string' ? row.rowId.trim() : '';
    if (id !== '' && !table.has(id)) table.set(id, row);
  }
  return table;
}

/**
 * One row of a pull that the table does not hold and this workbook never synced: written into the
 * table only when `take` says so; otherwise offered (kept until the official takes or drops it). A
 * tombstone withdraws an offer. Answers the write, if any.
 */
function pullNewRow(ks: KindState, server: ServerRow, take: PullOptions['take'], columns: readonly string[] | undefined): TableWrite | undefined {
  const id = server.rowId;
  if (server.deleted) {
    if (ks.offered) delete ks.offered[id];
    return undefined;
  }
  if (take && !take(server)) {
    ks.offered ??= {};
    ks.offered[id] = server;
    return undefined;
  }
  if (ks.offered) delete ks.offered[id];
  ks.rows[id] = inStep(server, columns);
  return { type: 'upsert', rowId: id, values: server.values };
}

/** One row of a pull that the table holds or this workbook synced: update, remove, or a conflict. */
function pullKnownRow(ks: KindState, server: ServerRow, local: LocalRow | undefined, columns: readonly string[] | undefined): TableWrite | undefined {
  const id = server.rowId;
  const known = ks.rows[id];
  const localHash = local && !(local.errors && local.errors.length > 0) ? hashValues(local.values) : undefined;
  const serverHash = server.deleted ? tombstoneMark : tableHash(server.values, columns);
  if (ks.offered) delete ks.offered[id];
  // Unsent edits here: the table differs from what the service last confirmed, or the row was removed.
  const dirty = local ? !known || localHash !== known.hash : known !== undefined && known.revision !== null;
  if (server.deleted) {
    if (!local) {
      delete ks.rows[id];
      ks.confirmedDeletes = ks.confirmedDeletes.filter((d) => d !== id);
      return undefined;
    }
    if (!dirty) {
      delete ks.rows[id];
      return { type: 'remove', rowId: id };
    }
    ks.conflicts[id] = { rowId: id, mine: local.values, server };
    return undefined;
  }
  if (localHash !== undefined && localHash === serverHash) {
    ks.rows[id] = inStep(server, columns);
    return undefined;
  }
  if (!dirty) {
    ks.rows[id] = inStep(server, columns);
    return { type: 'upsert', rowId: id, values: server.values };
  }
  ks.conflicts[id] = { rowId: id, mine: local ? local.values : null, server };
  return undefined;
}

async function pull(core: Core, kind: Kind, rows: readonly LocalRow[], options: PullOptions = {}): Promise<PullReport> {
  const ks = await kindState(core, kind);
  const answer = await core.transport.pull(kind, ks.since);
  const table = rowsById(rows);
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
    const columns = core.columns.get(kind);
    const write = !local && !known ? pullNewRow(ks, server, options.take, columns) : pullKnownRow(ks, server, local, columns);
    if (write) writes.push(write);
  }
  ks.since = Math.max(ks.since, holdBack);
  await save(core);
  return { revision: ks.since, tableWrites: writes, conflicts: Object.values(ks.conflicts), offered: Object.values(ks.offered ?? {}) };
}

async function resolveConflict(core: Core, kind: Kind, rowId: string, choice: Resolution): Promise<TableWrite[]> {
  const ks = await kindState(core, kind);
  const conflict = ks.conflicts[rowId];
  if (!conflict) return [];
  delete ks.conflicts[rowId];
  const { server, mine } = conflict;
  const columns = core.columns.get(kind);
  const writes: TableWrite[] = [];
  if (choice === 'theirs') {
    if (server.deleted) {
      delete ks.rows[rowId];
      writes.push({ type: 'remove', rowId });
    } else {
      ks.rows[rowId] = inStep(server, columns);
      writes.push({ type: 'upsert', rowId, values: server.values });
    }
  } else if (mine === null && server.deleted) {
    delete ks.rows[rowId];
  } else {
    // The next diff sees the table differ from the service's row and resends it on this base.
    ks.rows[rowId] = server.deleted ? { revision: server.revision, hash: tombstoneMark } : inStep(server, columns);
    if (mine === null && !ks.confirmedDeletes.includes(rowId)) ks.confirmedDeletes.push(rowId);
  }
  await save(core);
  return writes;
}

/**
 * Offered rows the official chose: `take` makes them the table's (the answer's writes put them in
 * it), `drop` lets them go (put elsewhere, or not wanted); either way they are no longer offered.
 */
async function settleOffered(core: Core, kind: Kind, rowIds: readonly string[], choice: 'take' | 'drop'): Promise<TableWrite[]> {
  const ks = await kindState(core, kind);
  const writes: TableWrite[] = [];
  for (const id of rowIds) {
    const server = ks.offered?.[id];
    if (!server) continue;
    delete ks.offered![id];
    if (choice === 'drop' || ks.rows[id]) continue;
    ks.rows[id] = inStep(server, core.columns.get(kind));
    writes.push({ type: 'upsert', rowId: id, values: server.values });
  }
  await save(core);
  return writes;
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const core: Core = {
    transport: options.transport,
    store: options.store,
    newId: options.newId ?? defaultId,
    batchSize: Math.max(1, Math.min(options.batchSize ?? maxBatchRows, maxBatchRows)),
    columns: new Map(),
  };
  let chain: Promise<unknown> = Promise.resolve();
  /** One operation at a time: the state is shared by every kind. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  }
  return {
    sync: (kind, rows, opts) => exclusive(() => sync(core, kind, rows, opts)),
    pull: (kind, rows, opts) => exclusive(() => pull(core, kind, rows, opts)),
    confirmDeletes: (kind, rowIds) =>
      exclusive(async () => {
        const ks = await kindState(core, kind);
        for (const id of rowIds) if (ks.rows[id] && !ks.confirmedDeletes.includes(id)) ks.confirmedDeletes.push(id);
        await save(core);
      }),
    resolveConflict: (kind, rowId, choice) => exclusive(() => resolveConflict(core, kind, rowId, choice)),
    conflicts: (kind) => exclusive(async () => Object.values((await kindState(core, kind)).conflicts)),
    offered: (kind) => exclusive(async () => Object.values((await kindState(core, kind)).offered ?? {})),
    takeOffered: (kind, rowIds) => exclusive(() => settleOffered(core, kind, rowIds, 'take')),
    dropOffered: (kind, rowIds) => exclusive(async () => void (await settleOffered(core, kind, rowIds, 'drop'))),
    tableColumns: (kind, fields) => {
      if (fields) core.columns.set(kind, [...fields]);
      else core.columns.delete(kind);
    },
    pendingBatches: () => exclusive(async () => Object.values((await loadState(core)).kinds).reduce((n, ks) => n + (ks?.pending.length ?? 0), 0)),
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
