/**
 * Comparisons as the service sends them: the bytes of one answer (JSON, Arrow IPC or CSV), written
 * by DuckDB where it can and kept per revision.
 *
 * - JSON and CSV: DuckDB's own writers (`COPY … TO` a file, read back as bytes), so no value of a
 *   37,000-row answer passes through JavaScript; formula-like text is neutralised in SQL for CSV,
 *   and the CSV's BOM goes first.
 * - Arrow: whole vectors copied out of DuckDB's buffers (arrow.ts), never a value at a time.
 *
 * A comparison's columns are learnt once, from its statement with its parameters bound and no row
 * asked for (`LIMIT 0`: DuckDB cannot type a statement before its parameters are bound), or from an
 * Arrow answer's rows; its JSON and CSV answers wrap the query file, as it is, in a SELECT that
 * guards each column by its type: a non-finite DOUBLE becomes null (as in JSON elsewhere), a
 * BIGINT beyond 2^53 becomes text (as readMaterialized gives it), text a spreadsheet would run as a
 * formula gets its apostrophe in CSV. The query file itself is never edited.
 */
import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBListValue, listValue, type DuckDBConnection, type DuckDBMaterializedResult } from '@duckdb/node-api';
import { neutralisedSql, quotedIdentifier, utcIso } from '../sql.ts';
import { pathLiteral } from '../export/path.ts';
import { arrowFromDuckDB } from './arrow.ts';
import { toArrowIPC } from './encode.ts';
import { blockUnit, prepareComparison, type ComparisonParams, type PreparedComparison } from './index.ts';
import { cityKeys, dongKeys, splice, unitBlocks, type BlockKeys, type UnitBlocks } from './splice.ts';
import { defineShared } from './sql-files.ts';
import { readsKeptTotals, withKeptTotals, type KeptChanges } from './kept.ts';
import { readMaterialized, type ResultColumn } from './result.ts';
import { readKept, runKept } from '../statements.ts';

export type AnswerFormat = 'json' | 'arrow' | 'csv';

/** One encoded answer: its bytes and how many rows they hold (and in JSON, where each dong's rows lie, or for the summary each city's). */
export interface Answer {
  body: Buffer;
  rows: number;
  blocks?: UnitBlocks;
}

/** The keys a comparison's JSON answer is laid out in blocks by (blockUnit), and the filter that asks for some of them. */
function blocksOf(name: string): { keys: BlockKeys; filter: 'dongs' | 'cities' } | undefined {
  const unit = blockUnit(name);
  if (unit === 'dong') return { keys: dongKeys, filter: 'dongs' };
  return unit === 'city' ? { keys: cityKeys, filter: 'cities' } : undefined;
}

const bom = Buffer.from([0xef, 0xbb, 0xbf]);
const none = Buffer.alloc(0);

/** The columns of each comparison, learnt from its first answer or its statement typed (they do not depend on the filters). */
const columnsByName = new Map<string, ResultColumn[]>();

/** What the API's JSON answer puts before its rows (a JSON array) … */
const jsonHead = (columns: ResultColumn[]) => Buffer.from(`{"columns":${JSON.stringify(columns)},"rows":`);
/** … and after them. */
const jsonTail = Buffer.from('}');

/**
 * A file's bytes between `head` and `tail`, read straight into the one buffer of the answer (a
 * 15 MB answer is not held twice, as a read and then a copy).
 */
async function readBetween(file: string, head: Buffer, tail: Buffer): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const body = Buffer.allocUnsafe(head.length + size + tail.length);
    head.copy(body, 0);
    for (let at = 0; at < size; ) {
      const { bytesRead } = await handle.read(body, head.length + at, size - at, at);
      if (bytesRead === 0) throw new Error(`${file}: ${at} of ${size} bytes read`);
      at += bytesRead;
    }
    tail.copy(body, head.length + size);
    return body;
  } finally {
    await handle.close();
  }
}

const maxSafe = '9007199254740991';

/** A column as JSON wants it: finite numbers, exact integers (as text beyond 2^53), ISO times. */
function jsonColumn({ name, type }: ResultColumn): string {
  const c = `q0.${quotedIdentifier(name)}`;
  const as = ` AS ${quotedIdentifier(name)}`;
  if (type === 'DOUBLE' || type === 'FLOAT') return `CASE WHEN isfinite(${c}) THEN ${c} END${as}`;
  if (type === 'BIGINT' || type === 'HUGEINT' || type === 'UBIGINT' || type === 'UHUGEINT') {
    return `CASE WHEN ${c} BETWEEN -${maxSafe} AND ${maxSafe} THEN to_json(${c}) ELSE to_json(${c}::VARCHAR) END${as}`;
  }
  if (type === 'TIMESTAMP WITH TIME ZONE') return `${utcIso(c)}${as}`;
  return `${c}${as}`;
}

/** A column as the CSV download wants it: text neutralised, non-finite numbers blank. */
function csvColumn({ name, type }: ResultColumn): string {
  const c = `q0.${quotedIdentifier(name)}`;
  const as = ` AS ${quotedIdentifier(name)}`;
  if (type === 'VARCHAR') return `${neutralisedSql(c)}${as}`;
  if (type === 'DOUBLE' || type === 'FLOAT') return `CASE WHEN isfinite(${c}) THEN ${c} END${as}`;
  if (type === 'TIMESTAMP WITH TIME ZONE') return `${utcIso(c)}${as}`;
  return `${c}${as}`;
}

/** `sql` as a subquery of a SELECT of `columns` (a newline first, so a trailing comment ends there). */
const wrapped = (sql: string, columns: string[]) => `SELECT ${columns.join(', ')} FROM (${sql}\n) q0`;

/** A result's columns as the answers name and type them. */
const columnsOf = (result: DuckDBMaterializedResult): ResultColumn[] => result.deduplicatedColumnNames().map((n, i) => ({ name: n, type: result.columnType(i).toString() }));

/**
 * One named comparison's answer in `format`. Throws ComparisonError for a bad name or filter (from
 * prepareComparison), before anything runs. `kept`: the store's changes, so phases and summary
 * bring the connection's kept totals up to date rather than sum them whole (compare/kept.ts).
 */
export async function comparisonAnswer(connection: DuckDBConnection, name: string, params: ComparisonParams, format: AnswerFormat, kept?: KeptChanges): Promise<Answer> {
  const prepared = prepareComparison(name, params);
  await defineShared(connection);
  if (!readsKeptTotals(name)) return answerOf(connection, name, prepared, format);
  return withKeptTotals(connection, kept, () => answerOf(connection, name, prepared, format));
}

async function answerOf(connection: DuckDBConnection, name: string, { sql, values, types }: PreparedComparison, format: AnswerFormat): Promise<Answer> {
  if (format === 'arrow') {
    const result = await runKept(connection, sql, values, types);
    columnsByName.set(name, columnsOf(result));
    const arrow = arrowFromDuckDB(result);
    // A type arrow.ts does not copy whole: the rows read into JavaScript and encoded there.
    if (!arrow) return { body: Buffer.from(toArrowIPC(readMaterialized(result))), rows: result.rowCount };
    return { body: Buffer.from(arrow.buffer, arrow.byteOffset, arrow.byteLength), rows: result.rowCount };
  }
  let columns = columnsByName.get(name);
  if (!columns) {
    // Typed with its parameters bound and none of its rows asked for: the first answers of a
    // comparison, asked together as a service starts under load, each read a country's rows into
    // JavaScript (about a seventh of what its thread allocated in a run of `npm run load`).
    columns = columnsOf(await connection.run(`SELECT * FROM (${sql}\n) q0 LIMIT 0`, values, types));
    columnsByName.set(name, columns);
  }
  const head = format === 'json' ? jsonHead(columns) : bom;
  const tail = format === 'json' ? jsonTail : none;
  const { body, rows } = await writtenByDuckDB(connection, { sql, values, types }, columns, format, head, tail);
  const by = format === 'json' ? blocksOf(name) : undefined;
  const blocks = by && unitBlocks(body, head.length, body.length - tail.length, by.keys);
  return { body, rows, ...(blocks ? { blocks } : {}) };
}

/**
 * Where a connection's answers are written, by format: the same file each time (one statement runs
 * on a connection at a time, and its file is read and removed before the next), so each answer's
 * COPY is the same text and is prepared once on its connection (statements.ts).
 */
const answerFiles = new WeakMap<DuckDBConnection, string>();
function answerFile(connection: DuckDBConnection, format: 'json' | 'csv'): string {
  let base = answerFiles.get(connection);
  if (base === undefined) answerFiles.set(connection, (base = join(tmpdir(), `jachi-answer-${process.pid}-${randomBytes(8).toString('hex')}`)));
  return `${base}.${format}`;
}

/**
 * The rows of `sql`, each column guarded for `format` by its type, as DuckDB's own writer lays
 * them out (JSON: an array, one row a line; CSV: CRLF lines under a header), read back from its
 * file between `head` and `tail`; and how many rows it wrote.
 */
async function writtenByDuckDB(
  connection: DuckDBConnection,
  { sql, values, types }: PreparedComparison,
  columns: ResultColumn[],
  format: 'json' | 'csv',
  head: Buffer,
  tail: Buffer,
): Promise<{ body: Buffer; rows: number }> {
  const file = answerFile(connection, format);
  try {
    const options = format === 'json' ? `FORMAT json, ARRAY true` : `FORMAT csv, HEADER, DELIMITER ',', NEW_LINE '\r\n'`;
    const guarded = wrapped(sql, columns.map(format === 'json' ? jsonColumn : csvColumn));
    const copied = await readKept(connection, `COPY (${guarded}) TO ${pathLiteral(file)} (${options})`, values, types);
    return { body: await readBetween(file, head, tail), rows: Number(copied.getRows()[0]?.[0] ?? 0) };
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * A comparison's JSON answer after the rows of the units in `changed` changed (dongs, or for the
 * summary cities: blockUnit): `previous` (an answer of the same question with its blocks) with those
 * units' rows asked again and put in their place — the same bytes as the whole answer written
 * afresh (compare/splice.ts). Undefined when it cannot be made so (the caller then writes the whole answer).
 */
export async function changedAnswer(
  connection: DuckDBConnection,
  name: string,
  params: ComparisonParams,
  previous: Answer,
  changed: ReadonlySet<string>,
  kept?: KeptChanges,
): Promise<Answer | undefined> {
  const columns = columnsByName.get(name);
  const by = blocksOf(name);
  if (!previous.blocks || !columns || !by) return undefined;
  // The question's own filters, as the whole answer binds them; the changed units' codes are bound
  // as they are stored (never read as a filter a person typed: a code may hold a comma or a space).
  const prepared = prepareComparison(name, params);
  const bound = prepared.values[by.filter];
  const asked = bound instanceof DuckDBListValue ? new Set(bound.items as string[]) : undefined;
  const units = [...changed].filter((u) => !asked || asked.has(u));
  if (units.length === 0) return previous;
  await defineShared(connection);
  const read = async () => (await writtenByDuckDB(connection, { ...prepared, values: { ...prepared.values, [by.filter]: listValue(units) } }, columns, 'json', none, none)).body;
  const fresh = readsKeptTotals(name) ? await withKeptTotals(connection, kept, read) : await read();
  const made = splice(previous.body, previous.blocks, new Set(units), fresh, jsonHead(columns), jsonTail);
  splices.count += made ? 1 : 0;
  return made;
}

/** Answers made by splicing (for the tests and the benchmark). */
export const splices = { count: 0 };

/**
 * An answer being made: `queued` until it begins to read (it then reads everything committed by
 * then), and the version it began at.
 */
interface Running {
  version: string;
  queued: boolean;
  answer: Promise<Answer>;
}

/**
 * Makes an answer; calls `began` just before it begins to read, which gives the version it reads
 * at least (a computation that never calls it is shared by everyone asking while it runs, as one that
 * waits its turn is). `previous`: the last answer made to the same question and its version, to
 * make the new one from where it can.
 */
export type Compute = (began: () => string, previous?: { version: string; answer: Promise<Answer> }) => Promise<Answer>;

/** One question's answers: the last one made, the one being made, and the one waiting to be made. */
interface Slot {
  done?: { version: string; answer: Promise<Answer>; bytes: number };
  running?: Running;
  waiting?: Promise<Answer>;
}

/**
 * Answers kept while what they read has not changed, keyed by what was asked; an answer is served
 * only at the version (the revisions of the kinds it reads, and the reference's) it was begun at, so
 * a reader always sees at least every change committed before it asked, and a sync of one kind
 * leaves the other kinds' answers as they were. Requests asking the same while it is being made
 * share it. While syncs keep moving a version on, each question is computed at most once at a time:
 * those who ask while an older answer is still being made wait for it to finish and then share one
 * new computation, begun at the version of that moment, from the last answer where it can (a
 * per-dong comparison's JSON: `Compute`'s `previous`). Beyond `maxBytes` (64 MB: a country's
 * answers, spending's 16 MB among them, kept to be brought up to date rather than made again), the
 * least recently used answers go first.
 */
export class AnswerCache {
  private readonly slots = new Map<string, Slot>();
  private bytes = 0;
  /** Answers computed, answers served from the cache, and of those, kept across a version (for the tests and the benchmark). */
  readonly counts = { computed: 0, served: 0, kept: 0 };

  constructor(private readonly maxBytes = 64 * 2 ** 20) {}

  /**
   * The answer to `key` at `version()` (read now, and again when a waiting computation begins).
   * With `unchanged` (whether nothing an answer rests on changed between two versions), an answer
   * made or being made at an older version is served as it is when nothing it rests on changed since
   * it was begun; it is then kept as the answer at the newer version.
   */
  async get(key: string, version: () => string, compute: Compute, unchanged?: (then: string, now: string) => Promise<boolean>): Promise<Answer> {
    const now = version();
    const slot = this.slots.get(key);
    if (unchanged && slot && !slot.running?.queued && slot.done?.version !== now && slot.running?.version !== now) {
      const { done, running } = slot;
      const still = (then: string) => unchanged(then, now).catch(() => false);
      if (done && (await still(done.version))) {
        if (slot.done === done) done.version = now;
        this.counts.served++;
        this.counts.kept++;
        return done.answer;
      }
      if (running && (await still(running.version))) {
        this.counts.served++;
        this.counts.kept++;
        return running.answer;
      }
    }
    return this.getNow(key, version, compute);
  }

  /** The answer to `key` at `version()`: kept, being made, or made anew. */
  private getNow(key: string, version: () => string, compute: Compute): Promise<Answer> {
    const now = version();
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = {}));
    if (slot.done?.version === now) {
      // Most recently used last, so the oldest is evicted first.
      this.slots.delete(key);
      this.slots.set(key, slot);
      this.counts.served++;
      return slot.done.answer;
    }
    // Still waiting its turn to read, it will read every change committed until then: shared.
    if (slot.running && (slot.running.queued || slot.running.version === now)) {
      this.counts.served++;
      return slot.running.answer;
    }
    if (slot.running) {
      const current = slot;
      this.counts.served++;
      current.waiting ??= current.running!.answer.then(
        () => this.start(key, current, version, compute),
        () => this.start(key, current, version, compute),
      );
      return current.waiting;
    }
    return this.start(key, slot, version, compute);
  }

  private start(key: string, slot: Slot, version: () => string, compute: Compute): Promise<Answer> {
    slot.waiting = undefined;
    this.counts.computed++;
    const running: Running = { version: version(), queued: true, answer: undefined as unknown as Promise<Answer> };
    slot.running = running;
    const previous = slot.done ? { version: slot.done.version, answer: slot.done.answer } : undefined;
    running.answer = compute(() => {
      running.version = version();
      running.queued = false;
      return running.version;
    }, previous);
    const begun = () => running.version;
    running.answer.then(
      (answer) => {
        if (slot.running === running) slot.running = undefined;
        if (this.slots.get(key) !== slot) return;
        if (slot.done) this.bytes -= slot.done.bytes;
        // An answer's blocks counted at about what each costs the heap.
        const bytes = answer.body.length + (answer.blocks?.units.length ?? 0) * 32;
        slot.done = { version: begun(), answer: running.answer, bytes };
        this.bytes += bytes;
        this.evict();
      },
      () => {
        if (slot.running === running) slot.running = undefined;
      },
    );
    return running.answer;
  }

  private evict(): void {
    for (const [key, slot] of this.slots) {
      if (this.bytes <= this.maxBytes) return;
      if (!slot.done) continue;
      this.bytes -= slot.done.bytes;
      slot.done = undefined;
      if (!slot.running && !slot.waiting) this.slots.delete(key);
    }
  }
}

/** What was asked, in one canonical text: the filters sorted, each list sorted, `today` resolved. */
export function answerKey(name: string, params: ComparisonParams, format: AnswerFormat): string {
  const given = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, Array.isArray(v) ? [...v].map(String).sort() : String(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${name}\u0000${format}\u0000${JSON.stringify(given)}`;
}
