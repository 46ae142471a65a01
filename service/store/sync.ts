import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  checkRow,
  errorCaseMessages,
  errorMessages,
  maxBatchRows,
  rowIssue,
  kinds,
  sheets,
  type BatchStatus,
  type CheckedRow,
  type Kind,
  type Message,
  type ReferenceIndex,
  type RowResult,
  type RowValues,
  type ServerRow,
  type SyncAnswer,
} from '../../domain/index.ts';
import { answerUtf8, pooledAnswerUtf8, type PooledAnswer } from './answer-json.ts';
import type { CheckedBlock, LineKeys, PreparedBatch, SyncBatchInput } from './checker/index.ts';
import { chunkRows } from './chunk-data.ts';
import { batchFingerprint, type SentBody } from './fingerprint.ts';
import { canWriteDong, canWriteUnit, type Actor } from './auth.ts';
import { addCrossKindWarnings, readCrossKind, type CrossKindSeen } from './cross-kind.ts';
import { StoreError } from './errors.ts';
import type { Readers, SqlParams } from './readers.ts';
import type { References } from './references.ts';
import { KnownIds, uuidWords } from './known-ids.ts';
import { LineBook } from './line-book.ts';
import { LineState, type OwnRows } from './line-state.ts';
import { currentRows, idList, type Current } from './rows.ts';
import { rowsTableName, utcIso } from './sql.ts';
import { writeVersions, type StampedVersion, type Version } from './staging.ts';
import type { Writer } from './writer.ts';

export type { SyncBatchInput };
export type SyncRowInput = SyncBatchInput['rows'][number];

/** A batch's ids and base revisions: what deciding it reads of the body (the values come checked). */
interface BatchRows {
  batchId: string;
  rows: readonly { rowId: string; baseRevision: number | null }[];
  deletes: readonly { rowId: string; baseRevision: number }[];
}

/** Failed batches remembered for GET /api/batches (the oldest forgotten first; a forgotten one reads `unknown`). */
const maxRememberedFailures = 10_000;

/** The fingerprint batches were stored with before (until 2026-12): of the parsed rows and deletes. */
const legacyFingerprint = (kind: Kind, batch: SyncBatchInput) =>
  createHash('sha256')
    .update(JSON.stringify([kind, batch.rows, batch.deletes]))
    .digest('hex');

/**
 * The answers this process stored, gzipped as their batch records keep them (migration 009), so the
 * route sends them to a client that accepts gzip (browsers and fetch do) without serialising,
 * encoding or compressing again (an answer with Korean warnings on every row is megabytes of JSON,
 * a fifth of a megabyte gzipped); any other client's JSON is written again when asked.
 */
const answerGzips = new WeakMap<SyncAnswer, Uint8Array<ArrayBuffer>>();
const utf8Decoder = new TextDecoder();
const gzipAsync = promisify(gzip);

/** A sync answer as the route sends it: gzipped when the client accepts that and the gzip is at hand, else its JSON. */
export function syncAnswerBody(answer: SyncAnswer, acceptsGzip: boolean): { body: string | Uint8Array<ArrayBuffer>; gzip: boolean } {
  const gzipped = answerGzips.get(answer);
  if (gzipped && acceptsGzip) return { body: gzipped, gzip: true };
  return { body: answerUtf8(answer), gzip: false };
}

/** A batch record's answer as JSON text: gzipped since migration 009, plain JSON before. */
function storedAnswer(record: Record<string, unknown>): string {
  const zipped = record.answerGzip as Uint8Array | null;
  return zipped ? gunzipSync(zipped).toString('utf8') : (record.answer as string);
}

/** A batch record's columns as `storedAnswer` reads them. */
const answerColumns = 'answer::VARCHAR AS answer, answerGzip';

/** Values in the sheet's column order, for comparing a sent row with the stored one. */
function sameValues(kind: Kind, a: RowValues, b: RowValues): boolean {
  return sheets[kind].columns.every((c) => (a[c.field] ?? null) === (b[c.field] ?? null));
}

/** A batch's rows through the rules, and the reference they were checked against. */
interface Prechecked {
  /** Undefined when the reference was replaced after they were checked (they are checked again). */
  index: ReferenceIndex | undefined;
  rows: CheckedRow[];
  /** The rows as the checker encoded them for the rows table (checker/batch.ts), when it checked them. */
  blocks?: readonly CheckedBlock[];
  /** A spending batch's lines as the checker keyed them (their dong-years and key hashes), when it checked them. */
  lines?: LineKeys;
}

/** A batch of a group as written: its versions, the stored rows they replace, and its answer (and its UTF-8). */
interface GroupWrite {
  job: SyncJob;
  versions: Version[];
  replaced: string[];
  /** The units (dongs) whose rows it changes: each version's, and the one of the version it replaces. */
  units: Set<string>;
  answer: SyncAnswer;
  /** Its UTF-8, until compressed for its batch record (then its buffer is another answer's). */
  json: PooledAnswer;
}

/** The units each kind's rows changed in, over a group's writes. */
function unitsByKind(writes: readonly GroupWrite[]): Map<Kind, Set<string>> {
  const units = new Map<Kind, Set<string>>();
  for (const { job, units: changed } of writes) {
    const ofKind = units.get(job.kind);
    if (!ofKind) units.set(job.kind, new Set(changed));
    else for (const unit of changed) ofKind.add(unit);
  }
  return units;
}

/** A batch record: read from the table (its answer as text), or written by the group (as UTF-8). */
interface StoredBatch {
  kind: string;
  tokenId: string;
  fingerprint: string;
  answer: string | Uint8Array;
}

/** A sync batch waiting for the writer, with what was worked out before it queued. */
interface SyncJob {
  kind: Kind;
  batch: BatchRows;
  /** The body as sent (its values as the client wrote them), for checking again or an older fingerprint. */
  sent: () => SyncBatchInput;
  actor: Actor;
  source: string | null;
  fingerprint: string;
  /** Its rows' and deletes' ids, lowercase. */
  ids: string[];
  checked: Prechecked;
  resolve: (answer: SyncAnswer) => void;
  reject: (error: unknown) => void;
}

/** A checked batch's rows as the line warnings take them, with the checker's keys of them when it made them. */
const ownRows = ({ rows, lines }: Prechecked): OwnRows => ({ rows, keys: lines });

/**
 * The ids of a batch its kind's table may hold, into `maybe`, each known as maybe from now on: its
 * rows' read from the checker's blocks where it encoded them (one probe each, no text parsed), the
 * others from their text (and known once written).
 */
function maybeStored(job: SyncJob, known: KnownIds, maybe: Set<string>): void {
  const blocks = job.checked.blocks;
  const rows = blocks ? job.batch.rows.length : 0;
  blocks?.forEach((block, b) => {
    const words = uuidWords(block.rowIds);
    for (let j = 0; j < block.rows; j++) if (known.claimAt(words, j)) maybe.add(job.ids[b * chunkRows + j]!);
  });
  for (let i = rows; i < job.ids.length; i++) if (known.mayHold(job.ids[i]!)) maybe.add(job.ids[i]!);
}

/** Sync batches written in one transaction at most (when that many are waiting). */
const maxGroupJobs = 64;
const maxGroupRows = 20_000;

/**
 * The sync room: batches checked by the rules and the actor's scope, decided against the stored
 * rows, and written by group commit (the batches waiting for the writer in one transaction, each
 * decided in its turn and recorded with its own answer); the same batchId with the same body is
 * answered as stored. It keeps the revision counter: the highest revision committed.
 */
export class Syncs {
  private revisionCounter = 0;
  /**
   * The revision at which each kind last changed (at least): what its comparisons' answers depend
   * on. Whatever changed out of sight (open, demo generate, a failed group) moves every kind on.
   */
  private readonly kindRevisions = new Map<Kind, number>();
  /** The ids each kind's rows table may hold (known-ids.ts), read on a kind's first batch after open or catchUp. */
  private readonly knownIds = new Map<Kind, KnownIds>();
  /** The batch ids sync_batches may hold, read on the first batch after open or catchUp: a new batch's record is not looked for. */
  private knownBatches?: KnownIds;
  /** Each dong-year's live budget total and line keys as committed (line-book.ts), for the spending warnings. */
  private readonly lineBook = new LineBook();
  /** Sync batches waiting for the writer, in the order they came. */
  private readonly syncJobs: SyncJob[] = [];
  /** Batches received and not yet answered (queued or being written), by batchId. */
  private readonly batchesInFlight = new Map<string, { kind: Kind; tokenId: string; since: string }>();
  /** Read-backs after COMMIT still running (`confirmStored`): their groups' batches are not yet answered. */
  private readonly confirming = new Set<Promise<void>>();
  /** Batches that failed with nothing stored, in the order they failed (this process only). */
  private readonly batchFailures = new Map<string, { kind: Kind; tokenId: string; failedAt: string; error: StoreError }>();

  /**
   * Told of each committed group, before its revision is published: the revisions it took,
   * (after, upTo], and the units of each kind whose rows it changed (compare/changed.ts).
   */
  onCommitted?: (after: number, upTo: number, units: ReadonlyMap<Kind, ReadonlySet<string>>) => void;

  constructor(
    private readonly writer: Writer,
    private readonly readers: Readers,
    private readonly references: References,
  ) {}

  /** The highest revision committed: every pull and batch answer stops at it. */
  get revision(): number {
    return this.revisionCounter;
  }

  /** The revision at which `kind`'s rows last changed, or later: equal revisions mean the same rows. */
  revisionOf(kind: Kind): number {
    return this.kindRevisions.get(kind) ?? this.revisionCounter;
  }

  /** Every kind may have changed up to the revision counter (nothing says which). */
  private allKindsChanged(): void {
    for (const kind of kinds) this.kindRevisions.set(kind, this.revisionCounter);
    // What is kept of the stored rows is read again on its next use.
    this.knownIds.clear();
    this.knownBatches = undefined;
    this.lineBook.clear();
  }

  /**
   * Reads, on the writer, what every group needs before its first sync: the stored batch ids and
   * each kind's row ids (at a country's size ~1 s, which the first group after a start otherwise
   * waited for — and every batch queued behind it; docs/performance-history.md, "Load"). A service calls it before it
   * listens; a failure is left for the first group to meet again.
   */
  warm(): Promise<void> {
    return this.writer
      .enqueue(async () => {
        this.knownBatches ??= await KnownIds.read(this.writer.connection, 'sync_batches', 'batchId');
        for (const kind of kinds) await this.knownIdsOf(kind);
      })
      .catch(() => undefined);
  }

  /** The ids `kind`'s rows table may hold, read on the writer when not yet known. */
  private async knownIdsOf(kind: Kind): Promise<KnownIds> {
    let known = this.knownIds.get(kind);
    if (!known) this.knownIds.set(kind, (known = await KnownIds.read(this.writer.connection, rowsTableName(kind), 'rowId')));
    return known;
  }

  /** Reads the highest stored revision (at open, and after something else wrote rows). */
  async catchUp(): Promise<void> {
    this.revisionCounter = Math.max(this.revisionCounter, await this.storedRevision());
    this.allKindsChanged();
  }

  private rows(sql: string, params?: SqlParams, connection?: DuckDBConnection) {
    return this.readers.rows(sql, params, connection);
  }

  /**
   * Applies one sync batch: every row checked by the rules and the actor's scope, compared with its
   * stored revision, then all accepted rows, their audit rows and the batch's answer written in one
   * transaction (shared with the other batches waiting for the writer: `writeQueuedSyncs`). The
   * same batchId with the same body answers the stored answer and changes nothing.
   */
  sync(kind: Kind, batch: SyncBatchInput, actor: Actor, source: string | null = null, sent: SentBody = { value: batch }): Promise<SyncAnswer> {
    if (batch.rows.length + batch.deletes.length > maxBatchRows) throw new StoreError('batch_too_large');
    // The rules need no stored row: run them before queueing, so they overlap another batch's writing.
    // Names resolve within the actor's city (a token of one city never reaches another's dongs by name).
    const index = this.references.indexFor(actor);
    const checked = { index, rows: batch.rows.map((r) => checkRow(kind, r.values, index)) };
    return this.enqueue({ kind, batch, sent: () => batch, actor, source, fingerprint: batchFingerprint(kind, sent), checked });
  }

  /**
   * `sync` for a batch the checker read and checked off the service's thread (checker/index.ts):
   * its rows are checked again, on this thread, should the reference have changed since.
   */
  syncChecked(kind: Kind, prepared: PreparedBatch, actor: Actor, source: string | null = null): Promise<SyncAnswer> {
    const index = prepared.referenceVersion === this.references.version ? this.references.indexFor(actor) : undefined;
    const { fingerprint, sent } = prepared;
    if (prepared.repeatsId) throw new StoreError('duplicate_row');
    // The checker gave the rows' ids lowercase, and found none named twice.
    const ids = prepared.rows.map((r) => r.rowId);
    for (const d of prepared.deletes) ids.push(d.rowId.toLowerCase());
    const checked = { index, rows: prepared.checked, blocks: prepared.blocks, lines: prepared.lines };
    return this.enqueue({ kind, batch: prepared, sent, actor, source, fingerprint, checked }, ids);
  }

  /**
   * Queues a checked batch for the writer; resolves to its answer once written (or as stored).
   * `checkedIds`: its ids lowercase, each named once, when the checker found them so.
   */
  private enqueue(job: Omit<SyncJob, 'ids' | 'resolve' | 'reject'>, checkedIds?: string[]): Promise<SyncAnswer> {
    const { kind, batch, actor } = job;
    if (batch.rows.length + batch.deletes.length > maxBatchRows) throw new StoreError('batch_too_large');
    const ids = checkedIds ?? [...batch.rows.map((r) => r.rowId), ...batch.deletes.map((d) => d.rowId)].map((id) => id.toLowerCase());
    if (!checkedIds && new Set(ids).size !== ids.length) throw new StoreError('duplicate_row');
    const batchId = batch.batchId.toLowerCase();
    if (!this.batchesInFlight.has(batchId)) this.batchesInFlight.set(batchId, { kind, tokenId: actor.tokenId, since: new Date().toISOString() });
    const run = new Promise<SyncAnswer>((resolve, reject) => {
      this.syncJobs.push({ ...job, ids, resolve, reject });
      // The first job waiting calls the writer; jobs that come before it starts join the same group.
      if (this.syncJobs.length === 1) void this.writer.enqueue(() => this.writeQueuedSyncs());
    });
    return run.then(
      (answer) => {
        this.batchesInFlight.delete(batchId);
        this.batchFailures.delete(batchId);
        return answer;
      },
      (error: unknown) => {
        this.batchesInFlight.delete(batchId);
        // A reused batchId names another body that is stored: its status is that batch's.
        if (!(error instanceof StoreError && error.code === 'batch_reused')) this.rememberFailure(batchId, kind, actor, error);
        throw error;
      },
    );
  }

  private rememberFailure(batchId: string, kind: Kind, actor: Actor, error: unknown): void {
    const failure = error instanceof StoreError ? error : new StoreError('batch_failed', (error as Error).message);
    this.batchFailures.delete(batchId);
    this.batchFailures.set(batchId, { kind, tokenId: actor.tokenId, failedAt: new Date().toISOString(), error: failure });
    if (this.batchFailures.size > maxRememberedFailures) this.batchFailures.delete(this.batchFailures.keys().next().value!);
  }

  /**
   * What became of a batch (GET /api/batches/:batchId): applied (with its answer), still pending,
   * failed with nothing stored, or unknown. Only the token that sent it, or an administrator, may ask.
   */
  async batchStatus(batchId: string, actor: Actor): Promise<BatchStatus> {
    const id = batchId.toLowerCase();
    const mayRead = (tokenId: string) => {
      if (tokenId !== actor.tokenId && actor.role !== 'admin') throw new StoreError('forbidden');
    };
    const inFlight = this.batchesInFlight.get(id);
    if (inFlight) {
      mayRead(inFlight.tokenId);
      return { batchId: id, status: 'pending', kind: inFlight.kind, since: inFlight.since };
    }
    const stored = await this.rows(`SELECT kind, tokenId, ${answerColumns}, ${utcIso('createdAt')} AS storedAt FROM sync_batches WHERE batchId = $id::UUID`, { id });
    const record = stored[0];
    if (record) {
      mayRead(record.tokenId as string);
      return { batchId: id, status: 'applied', kind: record.kind as string, storedAt: record.storedAt as string, answer: JSON.parse(storedAnswer(record)) as SyncAnswer };
    }
    const failure = this.batchFailures.get(id);
    if (failure) {
      mayRead(failure.tokenId);
      const message = errorMessages[failure.error.code];
      return { batchId: id, status: 'failed', kind: failure.kind, failedAt: failure.failedAt, error: { code: failure.error.code, message } };
    }
    return { batchId: id, status: 'unknown' };
  }

  /**
   * What `sync` would answer for this batch, writing nothing (an import's dry run): the same rules,
   * scopes and comparisons with the stored rows; accepted rows carry no revision.
   */
  async preview(kind: Kind, batch: SyncBatchInput, actor: Actor): Promise<RowResult[]> {
    const ids = [...batch.rows.map((r) => r.rowId), ...batch.deletes.map((d) => d.rowId)].map((id) => id.toLowerCase());
    const index = this.references.indexFor(actor);
    const checked = { index, rows: batch.rows.map((r) => checkRow(kind, r.values, index)) };
    const { current, lines, crossKind } = await this.readers.with(async (c) => {
      // One snapshot for every read (a commit between them could hide a likely duplicate).
      await c.run('BEGIN TRANSACTION');
      try {
        const current = await currentRows(kind, ids, c);
        return {
          current,
          // Read afresh: the writer's book is the writer's alone.
          lines: kind === 'spending' ? await LineState.gather([{ rows: checked.rows }], new LineBook(), (sql, params) => this.rows(sql, params, c), current) : undefined,
          crossKind: await readCrossKind(this.readers, kind, checked.rows, c), // cross-kind warnings (cross-kind.ts)
        };
      } finally {
        await c.run('ROLLBACK');
      }
    });
    const decided = this.decide(kind, batch, () => batch, actor, current, checked);
    if (lines) lines.decided(decided, current, { rows: checked.rows }, this.references.index);
    addCrossKindWarnings(kind, batch.rows, checked.rows, decided.results, crossKind, index); // cross-kind warnings
    return decided.results.map((r) => {
      if (r.status !== 'accepted') return r;
      const { revision: _notWritten, ...accepted } = r;
      return accepted;
    });
  }

  /**
   * The answer for each row of a batch against the stored rows: the rules, the actor's scope, and
   * the base revision against the stored one. Returns the versions to write, stamped with revisions
   * after `this.revisionCounter`.
   */
  private decide(
    kind: Kind,
    batch: BatchRows,
    sent: () => SyncBatchInput,
    actor: Actor,
    current: Map<string, Current>,
    prechecked?: Prechecked,
    startRevision = this.revisionCounter,
  ) {
    // Rows checked against a reference that has since been replaced are checked again.
    const index = this.references.indexFor(actor);
    const checks = prechecked?.index === index ? prechecked.rows : undefined;
    // Rows checked again have no block: their values are the ones checked now.
    const blocks = checks ? prechecked?.blocks : undefined;
    let revision = startRevision;
    const results: RowResult[] = [];
    const versions: Version[] = [];
    const dongField = sheets[kind].columns[0]!;
    const stamp = (rowId: string, values: RowValues, deleted: boolean, baseRevision: number | null, row?: number) => {
      revision += 1;
      const block = blocks && row !== undefined ? blocks[Math.floor(row / chunkRows)] : undefined;
      versions.push({ rowId, revision, deleted, baseRevision, values, row, block, blockRow: block ? row! % chunkRows : undefined });
      return revision;
    };
    const strip = ({ dong: _dong, ...server }: Current): ServerRow => server;
    const mayWrite = (dongCode: string) => {
      const dong = this.references.index.dongByCode.get(dongCode);
      if (dong) return canWriteDong(actor, dong);
      const unit = this.references.index.resolveUnit(dongCode);
      return unit !== undefined && canWriteUnit(actor, unit);
    };
    for (const [i, row] of batch.rows.entries()) {
      const rowId = row.rowId.toLowerCase();
      const checked = checks?.[i] ?? checkRow(kind, sent().rows[i]!.values, index);
      if (!checked.values) {
        results.push({ rowId, status: 'rejected', errors: checked.errors, ...(checked.warnings.length ? { warnings: checked.warnings } : {}) });
        continue;
      }
      const values = checked.values;
      const cur = current.get(rowId);
      if (!mayWrite(values.dong as string) || (cur && !mayWrite(cur.dong))) {
        // Named as officials know it (가양2동, 대덕구), the one the token may not write: the row's new dong, or the stored row's.
        const barred = !mayWrite(values.dong as string) ? (values.dong as string) : cur!.dong;
        results.push({ rowId, status: 'forbidden', errors: [rowIssue(dongField, 'forbidden_dong', this.unitName(barred))] });
        continue;
      }
      let result: RowResult;
      if (cur && !cur.deleted && sameValues(kind, cur.values, values)) {
        result = { rowId, status: 'unchanged', revision: cur.revision };
      } else if (!cur || row.baseRevision === cur.revision) {
        const revision = stamp(rowId, values, false, row.baseRevision, i);
        // Made whole, warnings and all (most of a bulk batch's rows): no property added after.
        result = checked.warnings.length > 0 ? { rowId, status: 'accepted', revision, warnings: checked.warnings } : { rowId, status: 'accepted', revision };
      } else {
        result = { rowId, status: 'conflict', revision: cur.revision, server: strip(cur) };
      }
      // (Set on the result, not spread into it: a batch's thousands of results make no object twice.)
      if (checked.warnings.length > 0 && !result.warnings) result.warnings = checked.warnings;
      results.push(result);
    }
    for (const del of batch.deletes) {
      const rowId = del.rowId.toLowerCase();
      const cur = current.get(rowId);
      if (!cur || cur.deleted) {
        results.push({ rowId, status: 'unchanged', ...(cur ? { revision: cur.revision } : {}) });
      } else if (!mayWrite(cur.dong)) {
        results.push({ rowId, status: 'forbidden', errors: [rowIssue(dongField, 'forbidden_dong', this.unitName(cur.dong))] });
      } else if (del.baseRevision !== cur.revision) {
        results.push({ rowId, status: 'conflict', revision: cur.revision, server: strip(cur) });
      } else {
        results.push({ rowId, status: 'accepted', revision: stamp(rowId, cur.values, true, del.baseRevision) });
      }
    }

    return { results, versions, revision };
  }

  /**
   * Writes the sync batches waiting for the writer, up to `maxGroupJobs` (and `maxGroupRows` rows) at
   * a time, in one transaction: one lookup of the stored rows per kind and one COMMIT for the group,
   * each batch still decided in its turn (a later one sees an earlier one's rows) and recorded with
   * its own answer. Should the shared transaction fail, each batch is tried again on its own, so
   * only a batch that breaks it fails.
   */
  private async writeQueuedSyncs(): Promise<void> {
    const group: SyncJob[] = [];
    let rows = 0;
    while (this.syncJobs.length > 0 && group.length < maxGroupJobs) {
      const next = this.syncJobs[0]!;
      const size = next.batch.rows.length + next.batch.deletes.length;
      if (group.length > 0 && rows + size > maxGroupRows) break;
      group.push(this.syncJobs.shift()!);
      rows += size;
    }
    if (this.syncJobs.length > 0) void this.writer.enqueue(() => this.writeQueuedSyncs());
    // Answered once their records are read back, off the writer: the next group is written meanwhile
    // (and a failed read-back catches up on the writer's queue, so it is never awaited in a job of it).
    const answer = (jobs: readonly SyncJob[], { outcomes, confirmed }: Awaited<ReturnType<Syncs['applyGroup']>>) =>
      confirmed.then(
        () => jobs.forEach((job, i) => (outcomes[i] instanceof StoreError ? job.reject(outcomes[i]) : job.resolve(outcomes[i]!))),
        (error: unknown) => jobs.forEach((job) => job.reject(error)),
      );
    try {
      answer(group, await this.applyGroup(group));
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      for (const job of group) {
        try {
          answer([job], await this.applyGroup([job]));
        } catch (alone) {
          job.reject(alone);
        }
      }
    }
  }

  /** The records of those batches already stored (a resend, or a batch id used again), by batch id. */
  private async storedBatches(batchIds: string[]): Promise<Map<string, StoredBatch>> {
    const stored = new Map<string, StoredBatch>();
    this.knownBatches ??= await KnownIds.read(this.writer.connection, 'sync_batches', 'batchId');
    const maybe = batchIds.filter((id) => this.knownBatches!.mayHold(id));
    if (maybe.length === 0) return stored;
    for (const r of await this.rows(
      `SELECT batchId::VARCHAR AS batchId, kind, tokenId, fingerprint, ${answerColumns} FROM sync_batches
       WHERE batchId IN (SELECT id FROM ${idList('ids')})`,
      { ids: JSON.stringify(maybe) },
      this.writer.connection,
    )) {
      stored.set(r.batchId as string, { kind: r.kind as string, tokenId: r.tokenId as string, fingerprint: r.fingerprint as string, answer: storedAnswer(r) });
    }
    return stored;
  }

  /**
   * What a group's new batches are decided against, read on the writer: the stored rows they name
   * (only those the table may hold), the spending warnings' totals and likely duplicates, and what
   * each batch's cross-kind warnings read. `isStored(i)`: the group's i-th batch is a resend.
   */
  private async readForGroup(jobs: readonly SyncJob[], isStored: (i: number) => boolean) {
    const jobsByKind = new Map<Kind, SyncJob[]>();
    // The lowest base revision the new batches give, by kind: a row edited from revision n is stored at n or later.
    const lowestBase = new Map<Kind, number>();
    jobs.forEach((job, i) => {
      if (isStored(i)) return;
      const ofKind = jobsByKind.get(job.kind);
      if (ofKind) ofKind.push(job);
      else jobsByKind.set(job.kind, [job]);
      let lowest = lowestBase.get(job.kind) ?? Infinity;
      for (const { baseRevision } of job.batch.rows) if (baseRevision !== null && baseRevision < lowest) lowest = baseRevision;
      for (const { baseRevision } of job.batch.deletes) if (baseRevision < lowest) lowest = baseRevision;
      if (lowest !== Infinity) lowestBase.set(job.kind, lowest);
    });
    const current = new Map<Kind, Map<string, Current>>();
    for (const [kind, ofKind] of jobsByKind) {
      // Only the ids the table may hold are looked up: a batch of new rows reads nothing.
      const known = await this.knownIdsOf(kind);
      const maybe = new Set<string>();
      for (const job of ofKind) maybeStored(job, known, maybe);
      current.set(kind, await currentRows(kind, [...maybe], this.writer.connection, lowestBase.get(kind)));
    }
    const spendingJobs = jobs.filter((job, i) => job.kind === 'spending' && !isStored(i));
    const lines =
      spendingJobs.length > 0
        ? await LineState.gather(
            spendingJobs.map((job) => ownRows(job.checked)),
            this.lineBook,
            (sql, params) => this.rows(sql, params, this.writer.connection),
            current.get('spending'),
          )
        : undefined;
    // Cross-kind warnings (cross-kind.ts): what each new batch's rows read of the other kinds.
    const crossKind: CrossKindSeen[] = [];
    for (const [i, job] of jobs.entries()) crossKind.push(isStored(i) ? {} : await readCrossKind(this.readers, job.kind, job.checked.rows, this.writer.connection));
    return { current, lines, crossKind };
  }

  /**
   * One transaction for a group of batches; each gets its answer, or batch_reused, to be given once
   * `confirmed` (the group's records read back after COMMIT) resolves.
   */
  private async applyGroup(jobs: readonly SyncJob[]): Promise<{ outcomes: (SyncAnswer | StoreError)[]; confirmed: Promise<void> }> {
    const batchIds = jobs.map((j) => j.batch.batchId.toLowerCase());
    const stored = await this.storedBatches(batchIds);
    const { current, lines, crossKind } = await this.readForGroup(jobs, (i) => stored.has(batchIds[i]!));
    // The revisions of the rows as stored, before the group's own versions take their place in `current`.
    const storedRevisions = new Map([...current].map(([kind, rows]) => [kind, new Map([...rows].map(([id, row]) => [id, row.revision]))]));

    // A group with a new batch is written: BEGIN goes now, its round trip overlapping the deciding.
    const begun = batchIds.some((id) => !stored.has(id)) ? this.writer.begin() : undefined;
    let decided: ReturnType<Syncs['decideGroup']>;
    try {
      decided = this.decideGroup(jobs, batchIds, stored, current, lines, crossKind);
    } catch (error) {
      if (begun) await this.writer.abandon(begun);
      throw error;
    }
    const { outcomes, writes, revision, now } = decided;
    if (writes.length === 0 || !begun) {
      if (begun) await this.writer.abandon(begun);
      return { outcomes, confirmed: Promise.resolve() };
    }
    // No read here (each kind's ids were read before deciding, and a version of a row the checker
    // encoded was known as the group read it): nothing more goes to the writer until BEGIN is back.
    for (const w of writes) this.knownIds.get(w.job.kind)?.add(w.versions.filter((v) => !v.block).map((v) => v.rowId));
    this.knownBatches?.add(writes.map((w) => w.job.batch.batchId.toLowerCase()));
    let gzipped: Uint8Array<ArrayBuffer>[];
    try {
      gzipped = await this.writeGroup(writes, now, storedRevisions, begun);
    } catch (error) {
      // Whatever became of the transaction, the next revisions must come after every stored one.
      await this.catchUpRevision();
      throw error instanceof StoreError ? error : new StoreError('batch_failed', (error as Error).message);
    }
    // Told before it is published, so what changed is known as soon as a reader can ask about it.
    this.onCommitted?.(this.revisionCounter, revision, unitsByKind(writes));
    // Published only once committed, so a pull never skips a revision it cannot yet see.
    this.revisionCounter = revision;
    for (const w of writes) this.kindRevisions.set(w.job.kind, revision);
    writes.forEach((w, i) => answerGzips.set(w.answer, gzipped[i]!));
    // The group's spending lines are now the committed ones.
    if (lines) this.lineBook.apply(lines.changes);
    this.writer.checkpointSoon();
    const confirmed = this.confirmStored(writes, now);
    this.confirming.add(confirmed);
    void confirmed.catch(() => undefined).then(() => this.confirming.delete(confirmed));
    return { outcomes, confirmed };
  }

  /**
   * Resolves once the writer's queue is empty and every committed group has been read back (its
   * batches answered): what a service stopping waits for before it closes the store.
   */
  async settled(): Promise<void> {
    await this.writer.enqueue(async () => undefined);
    await Promise.allSettled([...this.confirming]);
  }

  /**
   * DuckDB 1.5 can report COMMIT as successful after a statement aborted the transaction (duckdb
   * issue 25300): a group's batch records are read back before its batches are answered, on a
   * reader's connection while the writer goes on. They were stamped `now`, so DuckDB reads only the
   * newest part of the table (its createdAt statistics). Should they be missing, nothing of the
   * group was stored: its revisions are passed over and what is kept of the stored rows read again.
   */
  private async confirmStored(writes: readonly GroupWrite[], now: string): Promise<void> {
    let problem: string;
    let text: Message | undefined;
    try {
      const found = await this.rows(`SELECT count(*) AS n FROM sync_batches WHERE createdAt = $now::TIMESTAMPTZ AND batchId IN (SELECT id FROM ${idList('ids')})`, {
        now,
        ids: JSON.stringify(writes.map((w) => w.job.batch.batchId.toLowerCase())),
      });
      if (Number(found[0]?.n) === writes.length) return;
      problem = 'commit reported success but the batch is not stored';
    } catch (error) {
      // Not read back (the database stopped answering): whether it was stored, its status tells.
      problem = (error as Error).message;
      text = errorCaseMessages.batch_unconfirmed;
    }
    // On the writer's queue, between groups: the revision read there is of committed rows only, and
    // what is kept of the stored rows is dropped while no group is using it.
    await this.writer.enqueue(() => this.catchUpRevision());
    throw new StoreError('batch_failed', problem, text);
  }

  /**
   * Each batch of a group decided in its turn against the stored rows (`current`, which then holds
   * its versions for the later batches): its answer, or the stored one for a resend, or
   * batch_reused; and the versions to write with their answers, stamped after the revision counter.
   */
  private decideGroup(
    jobs: readonly SyncJob[],
    batchIds: readonly string[],
    stored: Map<string, StoredBatch>,
    current: Map<Kind, Map<string, Current>>,
    lines: LineState | undefined,
    crossKind: readonly CrossKindSeen[],
  ) {
    const now = new Date().toISOString();
    let revision = this.revisionCounter;
    const outcomes: (SyncAnswer | StoreError)[] = [];
    const writes: GroupWrite[] = [];
    const lastOfKind = new Map(jobs.map((job, i) => [job.kind, i]));
    jobs.forEach((job, i) => {
      const before = stored.get(batchIds[i]!);
      if (before) {
        const sameBody = before.fingerprint === job.fingerprint || before.fingerprint === legacyFingerprint(job.kind, job.sent());
        const same = sameBody && before.kind === job.kind && before.tokenId === job.actor.tokenId;
        outcomes.push(same ? (JSON.parse(typeof before.answer === 'string' ? before.answer : utf8Decoder.decode(before.answer)) as SyncAnswer) : new StoreError('batch_reused'));
        return;
      }
      const rowsNow = current.get(job.kind)!;
      const decided = this.decide(job.kind, job.batch, job.sent, job.actor, rowsNow, job.checked, revision);
      if (job.kind === 'spending' && lines) lines.decided(decided, rowsNow, ownRows(job.checked), this.references.index);
      addCrossKindWarnings(job.kind, job.batch.rows, job.checked.rows, decided.results, crossKind[i]!, this.references.index); // cross-kind warnings
      revision = decided.revision;
      const replaced: string[] = [];
      // A row moved to another dong changes the dong it left too.
      const units = new Set<string>();
      for (const v of decided.versions) {
        units.add(v.values.dong as string);
        const before = rowsNow.get(v.rowId);
        if (!before) continue;
        replaced.push(v.rowId);
        units.add(before.dong);
      }
      // Later batches of the group see these versions as the stored rows.
      for (const v of i < lastOfKind.get(job.kind)! ? decided.versions : []) {
        rowsNow.set(v.rowId, {
          rowId: v.rowId,
          revision: v.revision,
          deleted: v.deleted,
          dong: v.values.dong as string,
          values: v.values,
          updatedBy: job.actor.name,
          updatedAt: now,
          source: job.source,
        });
      }
      const answer: SyncAnswer = { batchId: job.batch.batchId, revision: decided.revision, results: decided.results };
      const json = pooledAnswerUtf8(answer);
      stored.set(batchIds[i]!, { kind: job.kind, tokenId: job.actor.tokenId, fingerprint: job.fingerprint, answer: json.bytes });
      writes.push({ job, versions: decided.versions, replaced, units, answer, json });
      outcomes.push(answer);
    });
    return { outcomes, writes, revision, now };
  }

  /** A dong's, district's or the city's name by its code (messages name units as officials know them). */
  private unitName(code: string): string {
    const index = this.references.index;
    return index.dongByCode.get(code)?.name ?? index.resolveUnit(code)?.name ?? code;
  }

  /** The highest revision in the audit (every version ever stored has its audit row). */
  private async storedRevision(): Promise<number> {
    const max = await this.rows('SELECT coalesce(max(revision), 0) AS r FROM row_audit', undefined, this.writer.connection);
    return Number(max[0]?.r ?? 0);
  }

  /** The highest revision stored, should a failure leave it unclear whether a COMMIT happened. */
  private async catchUpRevision(): Promise<void> {
    try {
      this.revisionCounter = Math.max(this.revisionCounter, await this.storedRevision());
    } catch {
      // The database is not answering: the next batch will fail the same way, and read it again.
    }
    this.allKindsChanged();
  }

  /** Writes a group in one transaction; resolves to each batch's answer gzipped, as its record keeps it. */
  private async writeGroup(
    writes: readonly GroupWrite[],
    now: string,
    storedRevisions: ReadonlyMap<Kind, ReadonlyMap<string, number>>,
    begun: Promise<void>,
  ): Promise<Uint8Array<ArrayBuffer>[]> {
    let gzipped: Uint8Array<ArrayBuffer>[] = [];
    // Compressed on libuv's threads while the transaction begins and the versions are appended
    // (BEGIN went before the group was decided); awaited for the batch records (a failure there
    // fails the transaction, never goes unheard).
    const gzips = writes.map((w) => {
      const gzip = gzipAsync(w.json.bytes, { level: 1, chunkSize: Math.max(16 * 1024, w.json.bytes.length) }).then((bytes) => new Uint8Array(bytes));
      // Its buffer free for another answer once read, whatever becomes of the transaction.
      gzip.finally(w.json.release).catch(() => undefined);
      gzip.catch(() => undefined);
      return gzip;
    });
    await this.writer.transaction(async (conn) => {
      // Each kind's versions in one move and one append, every version with its batch's stamp.
      const byKind = new Map<Kind, { entries: StampedVersion[]; replaced: string[] }>();
      for (const { job, versions, replaced } of writes) {
        const stamp = { updatedBy: job.actor.name, updatedAt: now, source: job.source, batchId: job.batch.batchId };
        const ofKind = byKind.get(job.kind) ?? { entries: [], replaced: [] };
        byKind.set(job.kind, ofKind);
        for (const version of versions) ofKind.entries.push({ version, stamp });
        ofKind.replaced.push(...replaced);
      }
      for (const [kind, { entries, replaced }] of byKind) {
        // The stored versions replaced lie between these revisions; an id without one was first
        // written by this group (an earlier batch's version, not in the table), so has nothing to move.
        let range: { from: number; to: number } | undefined;
        for (const id of replaced) {
          const revision = storedRevisions.get(kind)?.get(id);
          if (revision === undefined) continue;
          range = range ? { from: Math.min(range.from, revision), to: Math.max(range.to, revision) } : { from: revision, to: revision };
        }
        await writeVersions(conn, kind, entries, range ? replaced : [], range);
      }
      // The group's batch records through DuckDB's appender (a statement would be another round
      // trip to DuckDB's thread; checkLayouts holds the table to the column order).
      gzipped = await Promise.all(gzips);
      const records = await conn.createAppender('sync_batches');
      try {
        writes.forEach(({ job }, i) => {
          records.appendVarchar(job.batch.batchId);
          records.appendVarchar(job.kind);
          records.appendVarchar(job.actor.tokenId);
          records.appendVarchar(job.fingerprint);
          records.appendNull(); // answer: the JSON column of batches stored before migration 009
          records.appendVarchar(now);
          records.appendBlob(gzipped[i]!);
          records.endRow();
        });
        records.flushSync();
      } catch (error) {
        // Nothing of it left in the appender to be flushed on close (the transaction rolls back).
        records.clear();
        throw error;
      } finally {
        records.closeSync();
      }
    }, begun);
    return gzipped;
  }
}
