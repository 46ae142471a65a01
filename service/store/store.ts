import { createHash, randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  ReferenceIndex,
  referenceProblems,
  checkRow,
  daejeonReference,
  errorMessages,
  rowIssue,
  sheets,
  kinds,
  type ErrorCode,
  type Kind,
  type Reference,
  type RowResult,
  type RowValues,
  type ServerRow,
  maxBatchRows,
  type BatchStatus,
  type CheckedRow,
  type SyncAnswer,
  type SyncBody,
} from '../../domain/index.ts';
import { openDatabase, loadReference, readReference, type Database } from './db.ts';
import { canWriteDong, readsAll, roles, type Actor, type Role } from './auth.ts';
import { rowsTable, utcIso, valuesJson } from './sql.ts';
import { checkLayouts, writeVersions, type Version } from './staging.ts';
import { Gate } from './gate.ts';
import { runComparison, runDrilldown, type ComparisonParams, type DongNames, type DrilldownParams, type DrilldownResult, type QueryResult } from './compare/index.ts';
import { runAnalystQuery, type AnalystQueryResult } from './query/index.ts';
import { generateDemo, type GenerateOptions, type GenerateReport } from './generate.ts';
import { exportDownload, exportRows, type ExportDownload, type ExportFormat, type ExportResult } from './export/index.ts';

export { roles, type Actor, type Role } from './auth.ts';
export { maxBatchRows } from '../../domain/index.ts';

/** An error the caller should show as it is: a stable code with its Korean and English message. */
export class StoreError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(`${errorMessages[code].ko} ${errorMessages[code].en}${detail ? ` (${detail})` : ''}`);
  }
}

export type SyncBatchInput = SyncBody<Record<string, unknown>>;
export type SyncRowInput = SyncBatchInput['rows'][number];
export type { RowResult, RowStatus, ServerRow, SyncAnswer } from '../../domain/index.ts';

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  dong: string | null;
  district: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Failed batches remembered for GET /api/batches (the oldest forgotten first; a forgotten one reads `unknown`). */
const maxRememberedFailures = 10_000;
/** Quiet time of the writer after which the WAL is checkpointed. */
const idleCheckpointMs = 1000;
/** Analyst queries running at once (each is a child process with its own memory limit). */
export const maxConcurrentQueries = 2;
/** Of those, the places one token may hold: the others wait while another token's query runs. */
export const maxQueriesPerToken = 1;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The JSON text of answers this process stored, so the route sends it without serialising again. */
const answerTexts = new WeakMap<SyncAnswer, string>();

/** A sync answer as JSON: the text stored in the batch record when there is one, else JSON.stringify. */
export function syncAnswerJson(answer: SyncAnswer): string {
  return answerTexts.get(answer) ?? JSON.stringify(answer);
}

/** Values in the sheet's column order, for comparing a sent row with the stored one. */
function sameValues(kind: Kind, a: RowValues, b: RowValues): boolean {
  return sheets[kind].columns.every((c) => (a[c.field] ?? null) === (b[c.field] ?? null));
}

/** A batch's rows through the rules, and the reference they were checked against. */
interface Prechecked {
  index: ReferenceIndex;
  rows: CheckedRow[];
}

/** A sync batch waiting for the writer, with what was worked out before it queued. */
interface SyncJob {
  kind: Kind;
  batch: SyncBatchInput;
  actor: Actor;
  source: string | null;
  fingerprint: string;
  /** Its rows' and deletes' ids, lowercase. */
  ids: string[];
  checked: Prechecked;
  resolve: (answer: SyncAnswer) => void;
  reject: (error: unknown) => void;
}

/** Sync batches written in one transaction at most (when that many are waiting). */
const maxGroupJobs = 64;
const maxGroupRows = 20_000;

interface Current extends ServerRow {
  dong: string;
}

/**
 * The store: the only code that talks to DuckDB. One instance per file; writes go through one
 * queue, so only one write transaction runs at a time; reads use their own connection.
 */
export class Store {
  private tail: Promise<unknown> = Promise.resolve();
  /** Analyst queries: each is a child process with up to 512 MB, so at most two run at once. */
  private readonly analystQueries = new Gate(maxConcurrentQueries, maxQueriesPerToken);
  /**
   * Reads that scan whole tables (comparisons, drill-downs, pulls, exports) run one fewer at a time
   * than DuckDB has threads (at least one): however many readers ask at once, the writer keeps a
   * core and a sync never waits behind a crowd of comparisons. The rest wait their turn.
   */
  private readonly heavyReads: Gate;
  /** Idle read connections: each read borrows one, so concurrent requests never share one. */
  private readonly idleReaders: DuckDBConnection[] = [];
  private revisionCounter = 0;
  private referenceIndex: ReferenceIndex;
  /** Sync batches waiting for the writer, in the order they came. */
  private readonly syncJobs: SyncJob[] = [];
  /** Batches received and not yet answered (queued or being written), by batchId. */
  private readonly batchesInFlight = new Map<string, { kind: Kind; tokenId: string; since: string }>();
  /** Batches that failed with nothing stored, in the order they failed (this process only). */
  private readonly batchFailures = new Map<string, { kind: Kind; tokenId: string; failedAt: string; error: StoreError }>();

  private constructor(
    readonly db: Database,
    private readonly writer: DuckDBConnection,
    readonly reader: DuckDBConnection,
    reference: Reference,
    threads: number,
  ) {
    this.referenceIndex = new ReferenceIndex(reference);
    this.heavyReads = new Gate(Math.max(1, threads - 1));
  }

  /** Opens the file; a new database starts with the Daejeon reference data. */
  static async open(path: string, options: { threads?: number; memoryLimit?: string } = {}): Promise<Store> {
    const db = await openDatabase(path, options);
    const count = await db.connection.runAndReadAll('SELECT count(*) AS n FROM dongs');
    if (Number(count.getRowObjects()[0]?.n) === 0) await loadReference(db.connection, daejeonReference);
    const reference = await readReference(db.connection, daejeonReference.city);
    await checkLayouts(db.connection);
    const reader = await db.instance.connect();
    const store = new Store(db, db.connection, reader, reference, db.threads);
    store.revisionCounter = await store.storedRevision();
    return store;
  }

  get reference(): ReferenceIndex {
    return this.referenceIndex;
  }

  get revision(): number {
    return this.revisionCounter;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.checkpointTimer);
    for (const c of this.idleReaders.splice(0)) c.closeSync();
    this.reader.closeSync();
    this.writer.closeSync();
    this.db.instance.closeSync();
  }

  private closed = false;
  private checkpointTimer?: NodeJS.Timeout;

  /**
   * Writes the WAL into the database file once the writer has had no work for a second, instead of
   * in the middle of a burst of syncs. A checkpoint that cannot run now (reads in progress) is tried
   * again a second later.
   */
  private checkpointSoon(): void {
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = setTimeout(() => {
      if (this.closed) return;
      this.enqueue(async () => {
        if (!this.closed) await this.writer.run('CHECKPOINT');
      }).catch(() => this.checkpointSoon());
    }, idleCheckpointMs);
    this.checkpointTimer.unref();
  }

  /** Runs `work` alone on the writer connection, after every write queued before it. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Replaces the reference data (districts, dongs, populations, phases). */
  /**
   * Loads a city's reference data. `replace` also removes the districts, dongs and phases the new
   * set does not name — refused (nothing changed) while any row, live or deleted, still uses them.
   */
  loadReference(reference: Reference, options: { replace?: boolean } = {}): Promise<{ districts: number; dongs: number; phases: number }> {
    const problems = referenceProblems(reference);
    if (problems.length > 0) throw new StoreError('invalid_input', problems.map((p) => `${p.ko} / ${p.en}`).join('; '));
    return this.enqueue(async () => {
      if (options.replace) {
        const codes = JSON.stringify(reference.dongs.map((d) => d.code));
        const used = await this.rows(
          `SELECT DISTINCT dong FROM (${kinds.map((k) => `SELECT dong FROM ${rowsTable(k)}`).join(' UNION ALL ')})
           WHERE dong NOT IN (SELECT unnest(from_json($codes::JSON, '["VARCHAR"]')))`,
          { codes },
          this.writer,
        );
        if (used.length > 0) {
          const names = used.map((u) => this.referenceIndex.dongByCode.get(u.dong as string)?.name ?? (u.dong as string)).join(', ');
          throw new StoreError('invalid_input', `자료가 있는 동은 뺄 수 없습니다: ${names} / dongs with rows cannot be removed: ${names}`);
        }
      }
      await loadReference(this.writer, reference, { replace: options.replace === true });
      this.referenceIndex = new ReferenceIndex(await readReference(this.writer, reference.city));
      return { districts: reference.districts.length, dongs: reference.dongs.length, phases: reference.phases.length };
    });
  }

  private async rows(sql: string, params?: Record<string, string | number | boolean | null>, connection?: DuckDBConnection) {
    const read = async (c: DuckDBConnection) => (await c.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[];
    return connection ? read(connection) : this.withReader(read);
  }

  private serverRowSql(kind: Kind): string {
    return `SELECT r.rowId::VARCHAR AS rowId, r.revision, r.deleted, r.dong, ${valuesJson(kind)}::VARCHAR AS vals,
      r.updatedBy, ${utcIso('r.updatedAt')} AS updatedAt, r.source
      FROM ${rowsTable(kind)} r`;
  }

  private toServerRow(r: Record<string, unknown>): Current {
    return {
      rowId: r.rowId as string,
      revision: Number(r.revision),
      deleted: Boolean(r.deleted),
      dong: r.dong as string,
      values: JSON.parse(r.vals as string) as RowValues,
      updatedBy: r.updatedBy as string,
      updatedAt: r.updatedAt as string,
      source: (r.source as string | null) ?? null,
    };
  }

  /**
   * Applies one sync batch: every row checked by the rules and the actor's scope, compared with its
   * stored revision, then all accepted rows, their audit rows and the batch's answer written in one
   * transaction (shared with the other batches waiting for the writer: `writeQueuedSyncs`). The
   * same batchId with the same body answers the stored answer and changes nothing.
   */
  sync(kind: Kind, batch: SyncBatchInput, actor: Actor, source: string | null = null): Promise<SyncAnswer> {
    if (batch.rows.length + batch.deletes.length > maxBatchRows) throw new StoreError('batch_too_large');
    const ids = [...batch.rows.map((r) => r.rowId), ...batch.deletes.map((d) => d.rowId)].map((id) => id.toLowerCase());
    if (new Set(ids).size !== ids.length) throw new StoreError('duplicate_row');
    // The body as parsed, not its bytes: a retry with other spacing is still the same body.
    const fingerprint = sha256(JSON.stringify([kind, batch.rows, batch.deletes]));
    // The rules need no stored row: run them before queueing, so they overlap another batch's writing.
    const checked = { index: this.referenceIndex, rows: batch.rows.map((r) => checkRow(kind, r.values, this.referenceIndex)) };
    const batchId = batch.batchId.toLowerCase();
    if (!this.batchesInFlight.has(batchId)) this.batchesInFlight.set(batchId, { kind, tokenId: actor.tokenId, since: new Date().toISOString() });
    const run = new Promise<SyncAnswer>((resolve, reject) => {
      this.syncJobs.push({ kind, batch, actor, source, fingerprint, ids, checked, resolve, reject });
      // The first job waiting calls the writer; jobs that come before it starts join the same group.
      if (this.syncJobs.length === 1) void this.enqueue(() => this.writeQueuedSyncs());
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
    const stored = await this.rows(
      `SELECT kind, tokenId, answer::VARCHAR AS answer, ${utcIso('createdAt')} AS storedAt FROM sync_batches WHERE batchId = $id::UUID`,
      { id },
    );
    const record = stored[0];
    if (record) {
      mayRead(record.tokenId as string);
      return { batchId: id, status: 'applied', kind: record.kind as string, storedAt: record.storedAt as string, answer: JSON.parse(record.answer as string) as SyncAnswer };
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
    const current = await this.withReader((c) => this.currentRows(kind, ids, c));
    return this.decide(kind, batch, actor, current).results.map((r) => {
      if (r.status !== 'accepted') return r;
      const { revision: _notWritten, ...accepted } = r;
      return accepted;
    });
  }

  /** The stored rows (live and tombstoned) with the given ids. */
  private async currentRows(kind: Kind, ids: string[], connection: DuckDBConnection): Promise<Map<string, Current>> {
    const current = new Map<string, Current>();
    if (ids.length === 0) return current;
    const found = await this.rows(
      `${this.serverRowSql(kind)} SEMI JOIN (SELECT unnest(from_json($ids::JSON, '["VARCHAR"]'))::UUID AS id) ids ON r.rowId = ids.id`,
      { ids: JSON.stringify(ids) },
      connection,
    );
    for (const r of found) current.set(r.rowId as string, this.toServerRow(r));
    return current;
  }

  /**
   * The answer for each row of a batch against the stored rows: the rules, the actor's scope, and
   * the base revision against the stored one. Returns the versions to write, stamped with revisions
   * after `this.revisionCounter`.
   */
  private decide(kind: Kind, batch: SyncBatchInput, actor: Actor, current: Map<string, Current>, prechecked?: Prechecked, startRevision = this.revisionCounter) {
    // Rows checked against a reference that has since been replaced are checked again.
    const checks = prechecked?.index === this.referenceIndex ? prechecked.rows : undefined;
    let revision = startRevision;
    const results: RowResult[] = [];
    const versions: Version[] = [];
    const dongField = sheets[kind].columns[0]!;
    const stamp = (rowId: string, values: RowValues, deleted: boolean, baseRevision: number | null) => {
      revision += 1;
      versions.push({ rowId, revision, deleted, baseRevision, values });
      return revision;
    };
    const strip = ({ dong: _dong, ...server }: Current): ServerRow => server;
    const mayWrite = (dongCode: string) => {
      const dong = this.referenceIndex.dongByCode.get(dongCode);
      return dong !== undefined && canWriteDong(actor, dong);
    };
    for (const [i, row] of batch.rows.entries()) {
      const rowId = row.rowId.toLowerCase();
      const checked = checks?.[i] ?? checkRow(kind, row.values, this.referenceIndex);
      if (!checked.values) {
        results.push({ rowId, status: 'rejected', errors: checked.errors, ...(checked.warnings.length ? { warnings: checked.warnings } : {}) });
        continue;
      }
      const values = checked.values;
      const cur = current.get(rowId);
      if (!mayWrite(values.dong as string) || (cur && !mayWrite(cur.dong))) {
        results.push({ rowId, status: 'forbidden', errors: [rowIssue(dongField, 'forbidden_dong', row.values.dong)] });
        continue;
      }
      const warnings = checked.warnings.length ? { warnings: checked.warnings } : {};
      if (cur && !cur.deleted && sameValues(kind, cur.values, values)) {
        results.push({ rowId, status: 'unchanged', revision: cur.revision, ...warnings });
      } else if (!cur || row.baseRevision === cur.revision) {
        results.push({ rowId, status: 'accepted', revision: stamp(rowId, values, false, row.baseRevision), ...warnings });
      } else {
        results.push({ rowId, status: 'conflict', revision: cur.revision, server: strip(cur), ...warnings });
      }
    }
    for (const del of batch.deletes) {
      const rowId = del.rowId.toLowerCase();
      const cur = current.get(rowId);
      if (!cur || cur.deleted) {
        results.push({ rowId, status: 'unchanged', ...(cur ? { revision: cur.revision } : {}) });
      } else if (!mayWrite(cur.dong)) {
        results.push({ rowId, status: 'forbidden', errors: [rowIssue(dongField, 'forbidden_dong', cur.dong)] });
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
    if (this.syncJobs.length > 0) void this.enqueue(() => this.writeQueuedSyncs());
    const settle = (job: SyncJob, outcome: SyncAnswer | StoreError) => (outcome instanceof StoreError ? job.reject(outcome) : job.resolve(outcome));
    try {
      const outcomes = await this.applyGroup(group);
      group.forEach((job, i) => settle(job, outcomes[i]!));
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      for (const job of group) {
        try {
          settle(job, (await this.applyGroup([job]))[0]!);
        } catch (alone) {
          job.reject(alone);
        }
      }
    }
  }

  /** One transaction for a group of batches; each gets its answer, or batch_reused. */
  private async applyGroup(jobs: readonly SyncJob[]): Promise<(SyncAnswer | StoreError)[]> {
    const batchIds = jobs.map((j) => j.batch.batchId.toLowerCase());
    const stored = new Map<string, { kind: string; tokenId: string; fingerprint: string; answer: string }>();
    for (const r of await this.rows(
      `SELECT batchId::VARCHAR AS batchId, kind, tokenId, fingerprint, answer::VARCHAR AS answer FROM sync_batches
       WHERE batchId IN (SELECT unnest(from_json($ids::JSON, '["VARCHAR"]'))::UUID)`,
      { ids: JSON.stringify(batchIds) },
      this.writer,
    )) {
      stored.set(r.batchId as string, { kind: r.kind as string, tokenId: r.tokenId as string, fingerprint: r.fingerprint as string, answer: r.answer as string });
    }
    const idsByKind = new Map<Kind, string[]>();
    jobs.forEach((job, i) => {
      if (!stored.has(batchIds[i]!)) idsByKind.set(job.kind, [...(idsByKind.get(job.kind) ?? []), ...job.ids]);
    });
    const current = new Map<Kind, Map<string, Current>>();
    for (const [kind, ids] of idsByKind) current.set(kind, await this.currentRows(kind, [...new Set(ids)], this.writer));

    const now = new Date().toISOString();
    let revision = this.revisionCounter;
    const outcomes: (SyncAnswer | StoreError)[] = [];
    const writes: { job: SyncJob; versions: Version[]; replaced: string[]; answer: SyncAnswer; answerJson: string }[] = [];
    jobs.forEach((job, i) => {
      const before = stored.get(batchIds[i]!);
      if (before) {
        const same = before.fingerprint === job.fingerprint && before.kind === job.kind && before.tokenId === job.actor.tokenId;
        outcomes.push(same ? (JSON.parse(before.answer) as SyncAnswer) : new StoreError('batch_reused'));
        return;
      }
      const rowsNow = current.get(job.kind)!;
      const decided = this.decide(job.kind, job.batch, job.actor, rowsNow, job.checked, revision);
      revision = decided.revision;
      const replaced = decided.versions.filter((v) => rowsNow.has(v.rowId)).map((v) => v.rowId);
      // Later batches of the group see these versions as the stored rows.
      for (const v of decided.versions) {
        rowsNow.set(v.rowId, { rowId: v.rowId, revision: v.revision, deleted: v.deleted, dong: v.values.dong as string, values: v.values, updatedBy: job.actor.name, updatedAt: now, source: job.source });
      }
      const answer: SyncAnswer = { batchId: job.batch.batchId, revision: decided.revision, results: decided.results };
      const answerJson = JSON.stringify(answer);
      stored.set(batchIds[i]!, { kind: job.kind, tokenId: job.actor.tokenId, fingerprint: job.fingerprint, answer: answerJson });
      writes.push({ job, versions: decided.versions, replaced, answer, answerJson });
      outcomes.push(answer);
    });
    if (writes.length === 0) return outcomes;

    try {
      await this.writeGroup(writes, now);
    } catch (error) {
      // Whatever became of the transaction, the next revisions must come after every stored one.
      await this.catchUpRevision();
      throw error instanceof StoreError ? error : new StoreError('batch_failed', (error as Error).message);
    }
    // Published only once committed, so a pull never skips a revision it cannot yet see.
    this.revisionCounter = revision;
    for (const w of writes) answerTexts.set(w.answer, w.answerJson);
    this.checkpointSoon();
    return outcomes;
  }

  /** The highest revision in the audit (every version ever stored has its audit row). */
  private async storedRevision(): Promise<number> {
    const max = await this.rows('SELECT coalesce(max(revision), 0) AS r FROM row_audit', undefined, this.writer);
    return Number(max[0]?.r ?? 0);
  }

  /** The highest revision stored, should a failure leave it unclear whether a COMMIT happened. */
  private async catchUpRevision(): Promise<void> {
    try {
      this.revisionCounter = Math.max(this.revisionCounter, await this.storedRevision());
    } catch {
      // The database is not answering: the next batch will fail the same way, and read it again.
    }
  }

  private async writeGroup(writes: { job: SyncJob; versions: Version[]; replaced: string[]; answerJson: string }[], now: string): Promise<void> {
    await this.transaction(async (conn) => {
      for (const { job, versions, replaced, answerJson } of writes) {
        const stamp = { updatedBy: job.actor.name, updatedAt: now, source: job.source, batchId: job.batch.batchId };
        if (versions.length > 0) await writeVersions(conn, job.kind, versions, stamp, replaced);
        await conn.run(
          'INSERT INTO sync_batches VALUES ($batchId::UUID, $kind, $tokenId, $fingerprint, $answer::JSON, $now::TIMESTAMPTZ)',
          { batchId: job.batch.batchId, kind: job.kind, tokenId: job.actor.tokenId, fingerprint: job.fingerprint, answer: answerJson, now },
        );
      }
    });
    // DuckDB 1.5 can report COMMIT as successful after a statement aborted the transaction
    // (duckdb issue 25300): confirm the batch records are really there before answering.
    const found = await this.rows(
      `SELECT count(*) AS n FROM sync_batches WHERE batchId IN (SELECT unnest(from_json($ids::JSON, '["VARCHAR"]'))::UUID)`,
      { ids: JSON.stringify(writes.map((w) => w.job.batch.batchId.toLowerCase())) },
      this.writer,
    );
    if (Number(found[0]?.n) !== writes.length) throw new StoreError('batch_failed', 'commit reported success but the batch is not stored');
  }

  /** BEGIN … COMMIT on the writer; any error rolls back explicitly and fails the whole batch. */
  private async transaction(work: (conn: DuckDBConnection) => Promise<void>): Promise<void> {
    await this.writer.run('BEGIN TRANSACTION');
    try {
      await work(this.writer);
      await this.writer.run('COMMIT');
    } catch (error) {
      try {
        await this.writer.run('ROLLBACK');
      } catch {
        // The transaction may already be gone; the batch has failed either way.
      }
      if (error instanceof StoreError) throw error;
      throw new StoreError('batch_failed', (error as Error).message);
    }
  }

  /** Every row and tombstone above `since` that the actor may read, in revision order. */
  async pull(kind: Kind, since: number, actor: Actor): Promise<{ revision: number; rows: ServerRow[] }> {
    const { revision, pages } = this.pullPages(kind, since, actor);
    const rows: ServerRow[] = [];
    for await (const page of pages) rows.push(...page);
    return { revision, rows };
  }

  /**
   * `pull` a page at a time (`pageRows` rows, by revision), each page read on its own turn at the
   * heavy-read gate: a whole country's rows go out with memory flat, and a slow client holds no
   * reader between pages. Every page stops at the revision published when the pull began.
   */
  pullPages(kind: Kind, since: number, actor: Actor, pageRows = 5000, signal?: AbortSignal): { revision: number; pages: AsyncGenerator<ServerRow[]> } {
    const revision = this.revisionCounter;
    const scope = readsAll(actor)
      ? ''
      : actor.role === 'dong'
        ? 'AND r.dong = $dong'
        : actor.role === 'district'
          ? 'AND r.dong IN (SELECT code FROM dongs WHERE district = $district)'
          : 'AND false';
    const params: Record<string, string | number> = { upto: revision, pageRows };
    if (actor.role === 'dong') params.dong = actor.dong ?? '';
    if (actor.role === 'district') params.district = actor.district ?? '';
    const sql = `${this.serverRowSql(kind)} WHERE r.revision > $after AND r.revision <= $upto ${scope} ORDER BY r.revision LIMIT $pageRows`;
    const page = (after: number) => this.withHeavyReader((c) => this.rows(sql, { ...params, after }, c), signal).then((found) => found.map((r) => this.toServerRow(r)));
    async function* pages(): AsyncGenerator<ServerRow[]> {
      let after = since;
      for (;;) {
        const found = await page(after);
        if (found.length === 0) return;
        yield found.map(({ dong: _dong, ...row }) => row);
        if (found.length < pageRows) return;
        after = found[found.length - 1]!.revision;
      }
    }
    return { revision, pages: pages() };
  }

  private strip({ dong: _dong, ...row }: Current): ServerRow {
    return row;
  }

  /** Runs `work` on a read connection of its own (pooled), so concurrent reads never interleave. */
  async withReader<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = this.idleReaders.pop() ?? (await this.db.instance.connect());
    try {
      return await work(connection);
    } finally {
      if (this.idleReaders.length < 4) this.idleReaders.push(connection);
      else connection.closeSync();
    }
  }

  /** `withReader` for a read that scans whole tables: waits its turn at the heavy-read gate. */
  private withHeavyReader<T>(work: (connection: DuckDBConnection) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.heavyReads.run(() => this.withReader(work), signal);
  }

  /** Synthetic data at scale (`jachi demo generate`), written by the single writer. */
  generate(options: GenerateOptions): Promise<GenerateReport> {
    return this.enqueue(async () => {
      const report = await generateDemo(this.writer, options);
      this.referenceIndex = new ReferenceIndex(await readReference(this.writer, this.referenceIndex.reference.city));
      this.revisionCounter = await this.storedRevision();
      return report;
    });
  }

  /** Every live row of a kind to a file (`jachi export`); a folder partitioned by district and phase for parquet. */
  exportTo(kind: Kind, format: ExportFormat, out: string, options: { partitioned?: boolean } = {}): Promise<ExportResult> {
    return this.withHeavyReader((c) => exportRows(c, kind, format, out, options));
  }

  /** Every live row of a kind the actor may read, as a file to download. */
  download(kind: Kind, format: ExportFormat, actor: Actor, signal?: AbortSignal): Promise<ExportDownload> {
    const dongs = this.scopeDongs(actor);
    return this.withHeavyReader((c) => exportDownload(c, kind, format, dongs ? { scope: { dongs } } : {}), signal);
  }

  /** The dongs an actor may read rows of; undefined when it reads all. */
  scopeDongs(actor: Actor): string[] | undefined {
    if (readsAll(actor)) return undefined;
    return this.referenceIndex.reference.dongs.filter((d) => canWriteDong(actor, d)).map((d) => d.code);
  }

  private dongNamesFor?: { index: ReferenceIndex; names: DongNames };

  /** Each dong's name and district by code, from the reference in memory (rebuilt when it is replaced). */
  private get dongNames(): DongNames {
    if (this.dongNamesFor?.index !== this.referenceIndex) {
      const names = new Map(this.referenceIndex.reference.dongs.map((d) => [d.code, { name: d.name, district: d.district }]));
      this.dongNamesFor = { index: this.referenceIndex, names };
    }
    return this.dongNamesFor.names;
  }

  /** One named comparison (domain/metrics.ts), computed in SQL over the analytic views. */
  compare(name: string, params: ComparisonParams, signal?: AbortSignal): Promise<QueryResult> {
    const dongNames = this.dongNames;
    return this.withHeavyReader((c) => runComparison(c, name, params, { dongNames }), signal);
  }

  /** The rows behind one comparison row, limited to what the actor may read. */
  drilldown(name: string, params: Omit<DrilldownParams, 'scope'>, actor: Actor, signal?: AbortSignal): Promise<DrilldownResult> {
    const dongs = this.scopeDongs(actor);
    return this.withHeavyReader((c) => runDrilldown(c, name, { ...params, ...(dongs ? { scope: { dongs } } : {}) }), signal);
  }

  /**
   * Analyst SQL: one SELECT, run in a read-only child process over a snapshot of the analytic views.
   * A token holds at most one of the places at once; `signal` takes the query out of the queue, or
   * stops it, when its request ends.
   */
  async analystQuery(sql: string, options: { limit?: number; timeoutMs?: number; maxBytes?: number; signal?: AbortSignal; tokenId?: string } = {}): Promise<AnalystQueryResult> {
    const { tokenId, ...rest } = options;
    return this.analystQueries.run(
      () => this.withReader((connection) => runAnalystQuery({ snapshotPath: this.snapshotPath, sql, ...rest, connection, source: this.db.instance })),
      options.signal,
      tokenId,
    );
  }

  /** The snapshot file analyst SQL reads, beside the database file. */
  get snapshotPath(): string {
    return this.db.path.replace(/(\.duckdb)?$/, '.analyst.duckdb');
  }

  /** The current revision and source (workbook) of the given rows, by rowId. */
  async revisionsOf(kind: Kind, rowIds: string[]): Promise<Map<string, { revision: number; deleted: boolean; source: string | null; updatedBy: string }>> {
    const out = new Map<string, { revision: number; deleted: boolean; source: string | null; updatedBy: string }>();
    if (rowIds.length === 0) return out;
    const found = await this.rows(
      `SELECT r.rowId::VARCHAR AS rowId, r.revision, r.deleted, r.source, r.updatedBy FROM ${rowsTable(kind)} r
       SEMI JOIN (SELECT unnest(from_json($ids::JSON, '["VARCHAR"]'))::UUID AS id) ids ON r.rowId = ids.id`,
      { ids: JSON.stringify(rowIds.map((id) => id.toLowerCase())) },
    );
    for (const r of found) {
      out.set(r.rowId as string, { revision: Number(r.revision), deleted: Boolean(r.deleted), source: (r.source as string | null) ?? null, updatedBy: r.updatedBy as string });
    }
    return out;
  }

  /** Counts of live rows by kind (for health and the demo). */
  async counts(): Promise<Record<Kind, number>> {
    const out = {} as Record<Kind, number>;
    for (const kind of kinds) {
      const r = await this.rows(`SELECT count(*) AS n FROM ${rowsTable(kind)} WHERE NOT deleted`);
      out[kind] = Number(r[0]?.n ?? 0);
    }
    return out;
  }

  // ---- tokens ----

  /** Creates a token; the secret is returned once and only its SHA-256 is stored. */
  createToken(input: { role: Role; name: string; dong?: string; district?: string; expiresAt?: Date }): Promise<TokenInfo & { token: string }> {
    if (!roles.includes(input.role)) throw new StoreError('invalid_input', `역할/role: ${roles.join(', ')}`);
    if (!input.name.trim()) throw new StoreError('invalid_input', '이름이 필요합니다 / name is required');
    let dong: string | null = null;
    let district: string | null = null;
    if (input.role === 'dong') {
      const found = input.dong ? this.referenceIndex.resolveDong(input.dong) : undefined;
      if (!found || found === 'ambiguous') throw new StoreError('invalid_input', `동 토큰에는 등록된 --dong이 필요합니다 / a dong token needs a known --dong (${input.dong ?? '-'})`);
      dong = found.code;
    } else if (input.dong) throw new StoreError('invalid_input', '--dong은 dong 역할에만 씁니다 / --dong is only for the dong role');
    if (input.role === 'district') {
      const found = [...this.referenceIndex.districtByCode.values()].find((d) => d.code === input.district || d.name === input.district);
      if (!found) throw new StoreError('invalid_input', `구 토큰에는 등록된 --district가 필요합니다 / a district token needs a known --district (${input.district ?? '-'})`);
      district = found.code;
    } else if (input.district) throw new StoreError('invalid_input', '--district는 district 역할에만 씁니다 / --district is only for the district role');
    const id = randomBytes(6).toString('hex');
    const token = `jachi_${id}_${randomBytes(32).toString('base64url')}`;
    const createdAt = new Date().toISOString();
    const expiresAt = input.expiresAt ? input.expiresAt.toISOString() : null;
    return this.enqueue(async () => {
      await this.writer.run(
        'INSERT INTO tokens VALUES ($id, $name, $role, $dong, $district, $hash, $createdAt::TIMESTAMPTZ, $expiresAt::TIMESTAMPTZ, NULL)',
        { id, name: input.name.trim(), role: input.role, dong, district, hash: sha256(token), createdAt, expiresAt },
      );
      return { id, name: input.name.trim(), role: input.role, dong, district, createdAt, expiresAt, revokedAt: null, token };
    });
  }

  async listTokens(): Promise<TokenInfo[]> {
    const found = await this.rows(
      `SELECT id, name, role, dong, district, ${utcIso('createdAt')} AS createdAt, ${utcIso('expiresAt')} AS expiresAt,
        ${utcIso('revokedAt')} AS revokedAt FROM tokens ORDER BY createdAt`,
    );
    return found.map((r) => ({
      id: r.id as string,
      name: r.name as string,
      role: r.role as Role,
      dong: (r.dong as string | null) ?? null,
      district: (r.district as string | null) ?? null,
      createdAt: r.createdAt as string,
      expiresAt: (r.expiresAt as string | null) ?? null,
      revokedAt: (r.revokedAt as string | null) ?? null,
    }));
  }

  /** Revokes a token by id; false when there is no such live token. */
  revokeToken(id: string): Promise<boolean> {
    return this.enqueue(async () => {
      const found = await this.rows('SELECT count(*) AS n FROM tokens WHERE id = $id AND revokedAt IS NULL', { id }, this.writer);
      if (Number(found[0]?.n) === 0) return false;
      await this.writer.run('UPDATE tokens SET revokedAt = now() WHERE id = $id', { id });
      this.signedIn.clear();
      this.revocations += 1;
      return true;
    });
  }

  /**
   * Tokens seen lately, by hash, so a busy client is not looked up in the database at every request.
   * Kept 10 s; a revocation (the API's or the CLI's, both through this store) clears them at once.
   */
  private readonly signedIn = new Map<string, { actor: Actor; expiresAt: number | null; until: number }>();
  /** Counts revocations, so a lookup that was running during one does not cache what it read. */
  private revocations = 0;

  /** The actor a secret belongs to; 'expired' for an expired one; undefined for unknown or revoked. */
  async authenticate(secret: string): Promise<Actor | 'expired' | undefined> {
    const hash = sha256(secret);
    const now = Date.now();
    const seen = this.signedIn.get(hash);
    if (seen && seen.until > now) return seen.expiresAt !== null && seen.expiresAt <= now ? 'expired' : seen.actor;
    const revocations = this.revocations;
    const found = await this.rows(
      `SELECT id, name, role, dong, district, epoch_ms(expiresAt) AS expiresAt, (expiresAt IS NOT NULL AND expiresAt <= now()) AS expired
       FROM tokens WHERE hash = $hash AND revokedAt IS NULL`,
      { hash },
    );
    const t = found[0];
    if (!t) return undefined;
    if (t.expired) return 'expired';
    const actor: Actor = {
      tokenId: t.id as string,
      name: t.name as string,
      role: t.role as Role,
      dong: (t.dong as string | null) ?? null,
      district: (t.district as string | null) ?? null,
    };
    if (revocations !== this.revocations) return actor;
    if (this.signedIn.size >= 10_000) this.signedIn.clear();
    this.signedIn.set(hash, { actor, expiresAt: t.expiresAt === null ? null : Number(t.expiresAt), until: now + 10_000 });
    return actor;
  }
}
