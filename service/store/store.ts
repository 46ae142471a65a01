import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  analyticViews,
  viewColumnLabel,
  type BatchStatus,
  kinds,
  type Kind,
  type CityReference,
  type Dong,
  type Message,
  type ReferenceIndex,
  type RowResult,
  type ServerRow,
  type SyncAnswer,
} from '../../domain/index.ts';
import { openDatabase, type Database } from './db.ts';
import type { Actor, Role } from './auth.ts';
import { checkLayouts } from './staging.ts';
import { Gate } from './gate.ts';
import { Readers } from './readers.ts';
import { chosenSummary, summaryChoice } from './compare/summary-choice.ts';
import { Writer } from './writer.ts';
import { References, openReference } from './references.ts';
import type { SentBody } from './fingerprint.ts';
import { BatchChecker, checkerBytes, readSyncBody, type BodyRefusal } from './checker/index.ts';
import type { JsonLimits } from '../http/json-scan.ts';
import { Syncs, type SyncBatchInput } from './sync.ts';
import { RowReads, type PulledPage } from './rows.ts';
import { Tokens, type TokenInfo } from './tokens.ts';
import { ChangeFeed } from './changes.ts';
import { blockUnit, comparisonKinds, comparisonScope, isComparisonName, runDrilldown, type ComparisonParams, type DrilldownParams, type DrilldownResult } from './compare/index.ts';
import { AnswerCache, answerKey, changedAnswer, comparisonAnswer, type Answer, type AnswerFormat, type Compute } from './compare/answers.ts';
import { ChangedUnits } from './compare/changed.ts';
import { readsKeptTotals, type KeptChanges } from './compare/kept.ts';
import { AnalystSandbox, snapshotTables, type AnalystQueryResult } from './query/index.ts';
import { generateDemo, type GenerateOptions, type GenerateReport } from './generate.ts';
import { exportDownload, exportRows, type ExportDownload, type ExportFormat, type ExportResult } from './export/index.ts';
import { takeBackup, type BackupResult } from './backup.ts';

export { roles, type Actor, type Role } from './auth.ts';
export { maxBatchRows } from '../../domain/index.ts';
export { StoreError } from './errors.ts';
export { syncAnswerBody, type SyncBatchInput, type SyncRowInput } from './sync.ts';
export type { TokenInfo } from './tokens.ts';
export type { Answer, AnswerFormat } from './compare/answers.ts';
export type { RowResult, RowStatus, ServerRow, SyncAnswer } from '../../domain/index.ts';

/** More dongs changed than this since a per-dong comparison's last answer, and it is written whole again. */
const mostDongsAskedAgain = 1000;

/** Analyst queries running at once (each is a child process with its own memory limit). */
export const maxConcurrentQueries = 2;
/** Of those, the places one token may hold: the others wait while another token's query runs. */
export const maxQueriesPerToken = 1;

/**
 * The store: the only code that talks to DuckDB, one instance per file. It wires the rooms, each a
 * file of its own: the writer (one connection, one queue), the readers (a pool and the heavy-read
 * gate), the reference, syncs (rules, decisions, group commit, the revision counter), row reads
 * (pulls), tokens; comparisons (compare/), analyst SQL (query/) and exports (export/) are modules
 * the readers run.
 */
export class Store {
  /** Analyst queries: each is a child process with up to 512 MB, so at most two run at once. */
  private readonly analystQueries = new Gate(maxConcurrentQueries, maxQueriesPerToken);
  readonly syncs: Syncs;
  readonly rowReads: RowReads;
  readonly tokens: Tokens;
  /** Comparisons' answers, kept until a committed change they rest on, or a reference load. */
  readonly answers = new AnswerCache();
  /** Which units' rows changed since when: whether a kept answer still holds at a newer revision. */
  private readonly changedUnits: ChangedUnits;
  /** What the readers' kept totals are brought up to date by (compare/kept.ts). */
  private readonly keptChanges: KeptChanges;
  /** What each commit changed, for the open panes (`GET /api/events`). */
  readonly changes: ChangeFeed;
  /** Analyst SQL's warm children and snapshots (query/sandbox.ts). */
  readonly analyst: AnalystSandbox;
  /** Sync bodies read and checked by the rules off the service's thread (checker/index.ts). */
  readonly checker: BatchChecker;

  private constructor(
    readonly db: Database,
    readonly writer: Writer,
    readonly readers: Readers,
    readonly references: References,
    /** A connection for tests and tools that read the file directly. */
    readonly reader: DuckDBConnection,
  ) {
    this.syncs = new Syncs(writer, readers, references);
    this.checker = new BatchChecker(references);
    this.rowReads = new RowReads(
      readers,
      () => this.syncs.revision,
      (kind) => this.syncs.revisionOf(kind),
    );
    this.tokens = new Tokens(writer, readers, references);
    this.changes = new ChangeFeed(
      () => this.syncs.revision,
      (kind, after, upTo) => this.changedUnits.changedSince(kind, after, upTo),
    );
    this.changedUnits = new ChangedUnits(
      readers,
      () => this.syncs.revision,
      (kind) => this.syncs.revisionOf(kind),
    );
    // The writer tells what each commit changed; the rows are read only to fill a gap.
    this.syncs.onCommitted = (after, upTo, units) => this.changedUnits.committed(after, upTo, units);
    this.keptChanges = {
      now: () => ({ revisions: Object.fromEntries(kinds.map((k) => [k, this.syncs.revisionOf(k)])) as Record<Kind, number>, reference: this.references.version }),
      changedSince: (kind, after, upTo) => this.changedUnits.changedSince(kind, after, upTo),
    };
    this.analyst = new AnalystSandbox({
      source: db.instance,
      databasePath: db.path,
      withReader: (work) => readers.with(work),
      // A new snapshot when rows or the reference changed.
      version: () => ({ revision: this.syncs.revision, reference: this.references.index }),
      size: maxConcurrentQueries,
    });
  }

  /** Opens the file; a new database starts with the Daejeon reference data. */
  static async open(path: string, options: { threads?: number; memoryLimit?: string } = {}): Promise<Store> {
    const db = await openDatabase(path, options);
    const reference = await openReference(db.connection, db.applied);
    await checkLayouts(db.connection);
    const writer = new Writer(db.connection);
    const readers = new Readers(db.instance, db.threads);
    const store = new Store(db, writer, readers, new References(reference, writer, readers), await db.instance.connect());
    await store.syncs.catchUp();
    store.changedUnits.begin();
    return store;
  }

  get reference(): ReferenceIndex {
    return this.references.index;
  }

  get revision(): number {
    return this.syncs.revision;
  }

  close(): void {
    this.changes.stop();
    this.checker.close();
    this.analyst.close();
    this.readers.close();
    this.reader.closeSync();
    this.writer.close();
    this.db.instance.closeSync();
  }

  // ---- reference ----

  /** Loads one city's reference data (other cities are not touched). */
  loadReference(reference: CityReference, options: { replace?: boolean } = {}): Promise<{ districts: number; dongs: number; phases: number }> {
    return this.references.load(reference, options);
  }

  /** Official populations of some dongs, with their illustrative marks. */
  savePopulations(dongs: readonly Pick<Dong, 'code' | 'population' | 'populationIllustrative'>[]): Promise<void> {
    return this.references.savePopulations(dongs);
  }

  /** The dongs an actor may read rows of; undefined when it reads all. */
  scopeDongs(actor: Actor): string[] | undefined {
    return this.references.scopeDongs(actor);
  }

  /** Resolves once every write queued is done and every sync batch written is answered (a stop waits for it). */
  settled(): Promise<void> {
    return this.syncs.settled();
  }

  /** Synthetic data at scale (`jachi demo generate`), written by the single writer. */
  generate(options: GenerateOptions): Promise<GenerateReport> {
    return this.writer.enqueue(async () => {
      const report = await generateDemo(this.writer.connection, options);
      await this.references.reread();
      await this.syncs.catchUp();
      return report;
    });
  }

  // ---- syncs and rows ----

  sync(kind: Kind, batch: SyncBatchInput, actor: Actor, source: string | null = null, sent?: SentBody): Promise<SyncAnswer> {
    return this.syncs.sync(kind, batch, actor, source, sent);
  }

  /**
   * A sync body as it came over HTTP: read and its rows checked (a body of `checkerBytes` or more on
   * the checker's thread, a smaller one here, where the hop would cost more than it saves), then
   * decided and written as `sync` does. Resolves to why the body is refused, if it is. The first
   * large body starts the checker's thread and is checked here while the thread loads.
   */
  async syncBody(
    kind: Kind,
    bytes: Uint8Array,
    limits: Omit<JsonLimits, 'maxBytes'>,
    actor: Actor,
    source: string | null,
    options: { signal?: AbortSignal; onRead?: (batchId: string) => void } = {},
  ): Promise<SyncAnswer | BodyRefusal> {
    if (bytes.length < checkerBytes || !this.checker.isReady) {
      if (bytes.length >= checkerBytes) void this.checker.start();
      const read = readSyncBody(bytes, limits);
      if ('refused' in read) return read;
      options.signal?.throwIfAborted();
      options.onRead?.(read.batch.batchId);
      return this.syncs.sync(kind, read.batch, actor, source, { value: read.batch, compactBytes: read.compact ? bytes : undefined });
    }
    const prepared = await this.checker.check(kind, bytes, limits, actor);
    if ('refused' in prepared) return prepared;
    // Answered already (out of time) or nobody waiting: not queued, so nothing is stored that the
    // answer did not name (the batch's status reads unknown, and the client sends it again).
    options.signal?.throwIfAborted();
    options.onRead?.(prepared.batchId);
    return this.syncs.syncChecked(kind, prepared, actor, source);
  }

  preview(kind: Kind, batch: SyncBatchInput, actor: Actor): Promise<RowResult[]> {
    return this.syncs.preview(kind, batch, actor);
  }

  batchStatus(batchId: string, actor: Actor): Promise<BatchStatus> {
    return this.syncs.batchStatus(batchId, actor);
  }

  pull(kind: Kind, since: number, actor: Actor): Promise<{ revision: number; rows: ServerRow[] }> {
    return this.rowReads.pull(kind, since, actor);
  }

  pullPages(kind: Kind, since: number, actor: Actor, pageRows = 5000, signal?: AbortSignal): { revision: number; pages: AsyncGenerator<PulledPage> } {
    return this.rowReads.pullPages(kind, since, actor, pageRows, signal);
  }

  revisionsOf(kind: Kind, rowIds: string[]): Promise<Map<string, { revision: number; deleted: boolean; source: string | null; updatedBy: string }>> {
    return this.rowReads.revisionsOf(kind, rowIds);
  }

  counts(): Promise<Record<Kind, number>> {
    return this.rowReads.counts();
  }

  /** Runs `work` on a read connection of its own (pooled). */
  withReader<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.readers.with(work);
  }

  // ---- comparisons, analyst SQL, exports ----

  /**
   * What a comparison's answer as of now depends on: the revisions of the kinds it reads and the
   * reference. Answers computed at one version are the same at it, so they are kept until it moves on.
   */
  answersVersion(name: string): string {
    const kinds = isComparisonName(name) ? comparisonKinds[name] : undefined;
    const rows = kinds ? kinds.map((k) => this.syncs.revisionOf(k)).join('.') : String(this.revision);
    return `${rows}.${this.references.version}`;
  }

  /**
   * Whether an answer begun at version `then` (answersVersion) is still right at `now`: the same
   * reference, and for each kind it reads, no rows changed since of the units the answer rests on
   * (comparisonScope: a sync of one dong leaves a district's answers of other districts as they were).
   */
  async answerUnchanged(name: string, params: ComparisonParams, then: string, now: string): Promise<boolean> {
    const moved = this.kindsMoved(name, then, now);
    if (!moved) return false;
    const scope = comparisonScope(name, params, this.reference);
    for (const { kind, after, upTo } of moved) {
      if (!scope || (await this.changedUnits.touched(kind, after, upTo, scope))) return false;
    }
    return true;
  }

  /**
   * The kinds a comparison reads whose revision moved between two of its versions (answersVersion),
   * each with the revisions it moved between; undefined when the versions cannot be compared so (the
   * reference changed, or they are not of that comparison).
   */
  private kindsMoved(name: string, then: string, now: string): { kind: Kind; after: number; upTo: number }[] | undefined {
    const kinds = isComparisonName(name) ? comparisonKinds[name] : undefined;
    const [a, b] = [then.split('.'), now.split('.')];
    if (!kinds || a.length !== kinds.length + 1 || a.length !== b.length || a.at(-1) !== b.at(-1)) return undefined;
    return kinds.flatMap((kind, i) => (a[i] === b[i] ? [] : [{ kind, after: Number(a[i]), upTo: Number(b[i]) }]));
  }

  /**
   * One named comparison's answer as bytes (JSON, Arrow or CSV), from the cache while nothing it
   * rests on has changed. Requests asking the same at once share one computation (which `signal` does not stop).
   */
  async compareAnswer(name: string, params: ComparisonParams, format: AnswerFormat, signal?: AbortSignal): Promise<Answer> {
    const asked = { ...params, today: params.today ?? localToday() };
    signal?.throwIfAborted();
    // A filtered summary in JSON: the whole one's rows its filters choose (compare/summary-choice.ts).
    const cut = name === 'summary' && format === 'json' ? summaryChoice(asked) : undefined;
    const compute: Compute = cut
      ? // The whole answer is asked after `began`: it reads at least what this one would.
        async (began) => (began(), chosenSummary(await this.compareAnswer(name, cut.whole, format), cut.choice))
      : (began, previous) => this.readAnswer(name, asked, format, began, previous);
    return this.answers.get(
      answerKey(name, asked, format),
      () => this.answersVersion(name),
      compute,
      (then, now) => this.answerUnchanged(name, asked, then, now),
    );
  }

  /** A comparison's answer read from DuckDB: begun once it has a reader (until then it waits its turn, and whoever asks meanwhile shares it). */
  private readAnswer(name: string, asked: ComparisonParams, format: AnswerFormat, began: () => string, previous?: { version: string; answer: Promise<Answer> }): Promise<Answer> {
    const whole = () =>
      this.readers.scan((c) => {
        began();
        return comparisonAnswer(c, name, asked, format, this.keptChanges);
      });
    const unit = blockUnit(name);
    if (!previous || format !== 'json' || !unit) return whole();
    // A per-dong comparison in JSON: the last answer with the changed dongs' rows asked again — a
    // small read, beside the heavy ones (phases and summary, whose kept totals live on the heavy
    // readers' connections, with them); the summary's by the changed dongs' cities. Written whole
    // when it cannot be made so.
    const update = async (c: DuckDBConnection) => {
      const dongs = await this.changedDongs(name, previous.version, began());
      const changed = dongs && unit === 'city' ? this.citiesOf(dongs) : dongs;
      const before = changed && (await previous.answer.catch(() => undefined));
      return before && (await changedAnswer(c, name, asked, before, changed, this.keptChanges));
    };
    // At the small-scan gate, before the pulls waiting there (a manager waits on it).
    return (
      (readsKeptTotals(name) ? this.readers.scan(update) : this.readers.smallScan(update, undefined, true))
        // Whatever stops it, the whole answer is written instead.
        .catch(() => undefined)
        .then((made) => made ?? whole())
    );
  }

  /** The cities of `dongs`; undefined when one is not a dong of the reference (a unit above the dongs: the whole answer is made). */
  private citiesOf(dongs: ReadonlySet<string>): Set<string> | undefined {
    const cities = new Set<string>();
    for (const code of dongs) {
      const dong = this.reference.dongByCode.get(code);
      if (!dong) return undefined;
      cities.add(dong.city);
    }
    return cities;
  }

  /**
   * The dongs (units) whose rows of the kinds a comparison reads changed between two of its versions;
   * undefined when that is not known, the reference changed, or too many did to ask them one by one.
   */
  private async changedDongs(name: string, then: string, now: string): Promise<Set<string> | undefined> {
    const moved = this.kindsMoved(name, then, now);
    if (!moved) return undefined;
    const units = new Set<string>();
    for (const { kind, after, upTo } of moved) {
      const changed = await this.changedUnits.changedSince(kind, after, upTo);
      if (!changed) return undefined;
      for (const unit of changed) units.add(unit);
    }
    return units.size > mostDongsAskedAgain ? undefined : units;
  }

  /** A tag for that answer (HTTP ETag): the same while the version and what was asked are the same. */
  answerTag(name: string, params: ComparisonParams, format: AnswerFormat): string {
    const key = answerKey(name, { ...params, today: params.today ?? localToday() }, format);
    return `"${this.answersVersion(name)}-${createHash('sha256').update(key).digest('base64url').slice(0, 16)}"`;
  }

  /** The rows behind one comparison row, limited to what the actor may read. */
  drilldown(name: string, params: Omit<DrilldownParams, 'scope'>, actor: Actor, signal?: AbortSignal): Promise<DrilldownResult> {
    const dongs = this.scopeDongs(actor);
    return this.readers.scan((c) => runDrilldown(c, name, { ...params, ...(dongs ? { scope: { dongs } } : {}) }), signal);
  }

  /**
   * Analyst SQL: one SELECT, run in a warm read-only child process over a snapshot of the analytic views.
   * A token holds at most one of the places at once; `signal` takes the query out of the queue, or
   * stops it, when its request ends.
   */
  async analystQuery(
    sql: string,
    options: { limit?: number; timeoutMs?: number; maxBytes?: number; signal?: AbortSignal; tokenId?: string; city?: string } = {},
  ): Promise<AnalystQueryResult> {
    const { tokenId, ...rest } = options;
    return this.analystQueries.run(() => this.analyst.run(sql, rest), options.signal, tokenId);
  }

  /**
   * The views analyst SQL reads, each with its columns: name, DuckDB type, label (Korean, English)
   * and, for a figure's column, its definition. Read from the views themselves, so it is what a query sees.
   */
  async analystViews(): Promise<{ name: string; label: Message; columns: { name: string; type: string; label?: Message }[] }[]> {
    const rows = (await this.readers.rows(
      `SELECT table_name AS view, column_name AS name, data_type AS type FROM information_schema.columns
       WHERE table_schema = 'main' AND table_name IN (${snapshotTables.map((t) => `'${t}'`).join(', ')}) ORDER BY table_name, ordinal_position`,
    )) as { view: string; name: string; type: string }[];
    return snapshotTables.map((view) => ({
      name: view,
      label: analyticViews[view]!,
      columns: rows.filter((r) => r.view === view).map((r) => ({ name: r.name, type: r.type, ...(viewColumnLabel(view, r.name) ? { label: viewColumnLabel(view, r.name) } : {}) })),
    }));
  }

  /** Every live row of a kind to a file (`jachi export`); a folder partitioned by district and phase for parquet. */
  exportTo(kind: Kind, format: ExportFormat, out: string, options: { partitioned?: boolean } = {}): Promise<ExportResult> {
    return this.readers.scan((c) => exportRows(c, kind, format, out, options));
  }

  /** Every live row of a kind the actor may read, as a file to download. */
  download(kind: Kind, format: ExportFormat, actor: Actor, signal?: AbortSignal): Promise<ExportDownload> {
    const dongs = this.scopeDongs(actor);
    return this.readers.scan((c) => exportDownload(c, kind, format, dongs ? { scope: { dongs } } : {}), signal);
  }

  // ---- backups ----

  /** The folder backups go to unless told otherwise: `backups/` beside the database file. */
  get defaultBackupDir(): string {
    return join(dirname(this.db.path), 'backups');
  }

  /** A consistent copy of the database while it serves (every batch acknowledged up to its revision). */
  backup(dir = this.defaultBackupDir, keep = 14): Promise<BackupResult> {
    return takeBackup(this.db.instance, this.writer, dir, keep);
  }

  // ---- tokens ----

  createToken(input: { role: Role; name: string; dong?: string; district?: string; city?: string; expiresAt?: Date }): Promise<TokenInfo & { token: string }> {
    return this.tokens.createToken(input);
  }

  listTokens(): Promise<TokenInfo[]> {
    return this.tokens.listTokens();
  }

  revokeToken(id: string): Promise<boolean> {
    return this.tokens.revokeToken(id);
  }

  authenticate(secret: string): Promise<Actor | 'expired' | undefined> {
    return this.tokens.authenticate(secret);
  }
}

/** Today as the service's clock reads it (YYYY-MM-DD, local time): the day "past its plan" is judged on. */
function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
