import {
  checkRow,
  maxBatchRows,
  plainSyncBody,
  sheets,
  syncBodySchema,
  type CheckedRow,
  type ColumnDef,
  type Issue,
  type Kind,
  type ReferenceIndex,
  type RowValues,
  type SyncBody,
} from '../../../domain/index.ts';
import { parseJson, type JsonLimits, type JsonProblem } from '../../http/json-scan.ts';
import { batchFingerprint } from '../fingerprint.ts';
import { chunkRows, fieldData, int64Data, uuidData, type ColumnData } from '../chunk-data.ts';
import { KnownIds, uuidWords } from '../known-ids.ts';
import { lineHash, lineYear } from '../line-book.ts';

// A sync body from its bytes to its rows checked by the rules, in a form that is cheap to hand from
// the checker's thread to the service's (postMessage's structured clone): the rows' values as one
// column per sheet field (a column of few distinct values as those values and each row's index
// into them), the row ids as one text, and each distinct issue once. Cloning 5,000 rows so and
// making one object per row after costs the service's thread ~10 ms; cloning the row objects with
// their issue lists, ~30 ms (more than reading the body there).

export type SyncBatchInput = SyncBody<Record<string, unknown>>;

/** Why a sync body was refused before any row was checked; the route answers each (http/json.ts). */
export type BodyRefusal =
  | { refused: 'limits'; problem: JsonProblem }
  | { refused: 'unreadable' }
  | { refused: 'too_large' }
  | { refused: 'invalid'; path: string; message: string };

/**
 * Whether a batch names an id twice (either case) among its rows (their ids as its blocks encoded
 * them) and deletes: a probe of each id's words, and only on a maybe every id's text compared.
 */
function repeatsId(rowIds: readonly string[], blocks: readonly CheckedBlock[], deletes: readonly { rowId: string }[]): boolean {
  const seen = new KnownIds();
  let maybe = false;
  for (const block of blocks) {
    const words = uuidWords(block.rowIds);
    for (let j = 0; j < block.rows; j++) if (seen.claimAt(words, j)) maybe = true;
  }
  for (const { rowId } of deletes) {
    if (seen.mayHold(rowId)) maybe = true;
    else seen.add([rowId]);
  }
  if (!maybe) return false;
  const ids = [...rowIds, ...deletes.map((d) => d.rowId)].map((id) => id.toLowerCase());
  return new Set(ids).size !== ids.length;
}

/** A checked batch as it travels between threads. */
export interface CheckedColumns {
  batchId: string;
  /** The rows' ids, lowercase, one after another (each a UUID's 36 characters: the body's shape checked that). */
  ids: string;
  /** Whether an id is named twice among the rows and deletes (the batch is refused: duplicate_row). */
  repeatsId: boolean;
  bases: (number | null)[];
  deletes: { rowId: string; baseRevision: number }[];
  /** Each sheet field's values, row by row (null on a row the rules refused). */
  /** Null for a text field: its values are the blocks' (an ENUM of them), not sent twice. */
  columns: (Column | null)[];
  /** The rows the rules refused (they have no values). */
  refused: number[];
  /**
   * The distinct issues, and each row with any as a run of numbers: the row, how many errors and
   * warnings, then their indexes in `issues` (one typed array: cloning thousands of small lists
   * between threads cost more than the rest of the batch).
   */
  issues: Issue[];
  rowIssues: Int32Array;
  /** The rows `chunkRows` at a time, encoded as the rows table's chunks are (`CheckedBlock`). */
  blocks: CheckedBlock[];
  /** A spending batch's lines: each row's dong-year (packed) and key hash (line-book.ts; a refused row's null and 0). */
  lines?: { years: Column; hashes: Int32Array };
}

/** Each spending row's dong-year (`lineYear`) and duplicate-key hash (`lineHash`), worked out by the checker. */
export interface LineKeys {
  years: (string | null)[];
  hashes: Int32Array;
}

/**
 * `chunkRows` rows of a batch (the last block fewer) encoded as a data chunk of the rows table
 * holds them: their ids, each sheet field's checked values and the base revisions sent. The
 * service's thread writes a block as it is when all its rows are written (store/staging.ts), and
 * adds only the columns it sets (revision, stamp).
 */
export interface CheckedBlock {
  rows: number;
  rowIds: ColumnData;
  fields: ColumnData[];
  bases: ColumnData;
}

/** A column's values: as they are, or as its distinct values and each row's index into them. */
type Column = unknown[] | { distinct: unknown[]; at: Uint32Array };

/** A column as `Column`: by its distinct values when there are at most a quarter as many as rows. */
function packed(values: unknown[]): Column {
  const seen = new Map<unknown, number>();
  const distinct: unknown[] = [];
  const at = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    let k = seen.get(value);
    if (k === undefined) {
      if (distinct.length * 4 >= values.length) return values;
      seen.set(value, (k = distinct.push(value) - 1));
    }
    at[i] = k;
  }
  return { distinct, at };
}

const uuidLength = 36;

/** A `packed` column's values again, row by row. */
function unpacked(column: Column, n: number): unknown[] {
  if (Array.isArray(column)) return column;
  const values = new Array<unknown>(n);
  for (let i = 0; i < n; i++) values[i] = column.distinct[column.at[i]!];
  return values;
}

/** A body the checker read and checked: its rows as columns, and the fingerprint of the body as sent. */
export interface CheckedBody {
  columns: CheckedColumns;
  fingerprint: string;
}

/** Rows plus deletes of a sync body not yet validated (0 for anything that is not one). */
function batchSize(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null) return 0;
  const { rows, deletes } = raw as { rows?: unknown; deletes?: unknown };
  return (Array.isArray(rows) ? rows.length : 0) + (Array.isArray(deletes) ? deletes.length : 0);
}

/**
 * A sync body's bytes as a batch: within `limits` (counted over the bytes before anything is
 * parsed), readable JSON, at most `maxBatchRows`, and of the sync body's shape (the first bad field
 * named) — or why not.
 */
export function readSyncBody(bytes: Uint8Array, limits: Omit<JsonLimits, 'maxBytes'>): { batch: SyncBatchInput; compact: boolean } | BodyRefusal {
  const read = parseJson(bytes, limits);
  if ('problem' in read) return read.problem.kind === 'syntax' ? { refused: 'unreadable' } : { refused: 'limits', problem: read.problem };
  const { value: raw, compact } = read;
  // Counted before the rows are read one by one: too many is its own code, not a bad body.
  if (batchSize(raw) > maxBatchRows) return { refused: 'too_large' };
  const plain = plainSyncBody(raw);
  if (plain) return { batch: plain, compact };
  const parsed = syncBodySchema.safeParse(raw);
  if (parsed.success) return { batch: parsed.data as SyncBatchInput, compact };
  const first = parsed.error.issues[0];
  return { refused: 'invalid', path: first?.path.join('.') || '(body)', message: first?.message ?? '' };
}

/**
 * A function of a kind's rows generated from its sheet's own field names (`body` over `f`, each
 * field's index, and its name as a JSON string), made once per kind: each field read or written by
 * its name, where a loop over the fields looks a key up for every one of a batch's cells.
 */
function perKind<F>(params: readonly string[], body: (fields: { f: number; name: string }[]) => string): (kind: Kind) => F {
  const made = new Map<Kind, F>();
  return (kind) => {
    let fn = made.get(kind);
    if (!fn) made.set(kind, (fn = new Function(...params, body(sheets[kind].columns.map((c, f) => ({ f, name: JSON.stringify(c.field) })))) as F));
    return fn;
  };
}

/** Sets row `i` of each field's column (`columns[f][i]`) from a checked row's values. */
const columnsFiller = perKind<(values: RowValues, columns: unknown[][], i: number) => void>(['v', 'c', 'i'], (fields) =>
  fields.map(({ f, name }) => `c[${f}][i] = v[${name}] ?? null;`).join('\n'),
);

/** A sync body read and its rows checked against `index`, as columns for the service's thread (`checkedBatch` reads them). */
export function checkSyncBody(kind: Kind, bytes: Uint8Array, limits: Omit<JsonLimits, 'maxBytes'>, index: ReferenceIndex): CheckedBody | BodyRefusal {
  const read = readSyncBody(bytes, limits);
  if ('refused' in read) return read;
  const { batch, compact } = read;
  const fingerprint = batchFingerprint(kind, compact ? { value: batch, compactBytes: bytes } : { value: batch });
  // The body's shape holds every id to a UUID's 36 characters; the ids travel as one text on that.
  if (batch.rows.some((r) => r.rowId.length !== uuidLength)) throw new Error('a row id is not a UUID');
  const fill = columnsFiller(kind);
  const columns: unknown[][] = sheets[kind].columns.map(() => new Array<unknown>(batch.rows.length));
  const refused: number[] = [];
  const issues: Issue[] = [];
  // The rules make each distinct issue once (domain/messages.ts `rowIssue`): numbered by the object,
  // an equal one made again (past the rules' cache) only listed twice.
  const issueAt = new Map<Issue, number>();
  const rowIssues: number[] = [];
  const numbered = (list: Issue[]) => {
    for (const issue of list) {
      let at = issueAt.get(issue);
      if (at === undefined) issueAt.set(issue, (at = issues.push(issue) - 1));
      rowIssues.push(at);
    }
  };
  // A spending batch's lines, keyed here so the service's thread need not.
  const lines: LineKeys | undefined =
    kind === 'spending' ? { years: new Array<string | null>(batch.rows.length).fill(null), hashes: new Int32Array(batch.rows.length) } : undefined;
  const ids = batch.rows.map((r) => r.rowId);
  const bases = batch.rows.map((r) => r.baseRevision);
  // Each row let go once checked: the parsed body is most of what this thread holds, and a row
  // still held when the garbage collector runs is copied by it.
  const rows = batch.rows as (SyncBatchInput['rows'][number] | undefined)[];
  rows.forEach((row, i) => {
    rows[i] = undefined;
    const checked = checkRow(kind, row!.values, index);
    const values = checked.values;
    if (values) {
      fill(values, columns, i);
      if (lines) {
        lines.years[i] = lineYear(values);
        lines.hashes[i] = lineHash(values);
      }
    } else {
      refused.push(i);
      for (const column of columns) column[i] = null;
    }
    if (checked.errors.length > 0 || checked.warnings.length > 0) {
      rowIssues.push(i, checked.errors.length, checked.warnings.length);
      numbered(checked.errors);
      numbered(checked.warnings);
    }
  });

  const blocks: CheckedBlock[] = [];
  for (let start = 0; start < ids.length; start += chunkRows) {
    const end = Math.min(start + chunkRows, ids.length);
    blocks.push({
      rows: end - start,
      rowIds: uuidData(ids.slice(start, end)),
      fields: sheets[kind].columns.map((c, f) => fieldData(c.type, columns[f]!.slice(start, end))),
      bases: int64Data(bases.slice(start, end)),
    });
  }
  const out: CheckedColumns = {
    batchId: batch.batchId,
    ids: ids.join('').toLowerCase(),
    repeatsId: repeatsId(ids, blocks, batch.deletes),
    bases,
    deletes: batch.deletes.map((d) => ({ rowId: d.rowId, baseRevision: d.baseRevision })),
    columns: columns.map((values, f) => (isText(sheets[kind].columns[f]!.type) ? null : packed(values))),
    refused,
    issues,
    rowIssues: Int32Array.from(rowIssues),
    blocks,
    ...(lines ? { lines: { years: packed(lines.years), hashes: lines.hashes } } : {}),
  };
  return { columns: out, fingerprint };
}

/** Whether a sheet field is stored as text (chunk-data.ts `fieldData` makes it an ENUM of its values). */
const typedFields = new Set<ColumnDef['type']>(['phase', 'year', 'money', 'count', 'percent', 'boolean', 'date']);
const isText = (type: ColumnDef['type']) => !typedFields.has(type);

/** A text field's values read back from the blocks' ENUMs (a null where the validity mask says so). */
function textColumn(blocks: readonly CheckedBlock[], f: number, n: number): unknown[] {
  const values = new Array<unknown>(n);
  let at = 0;
  for (const block of blocks) {
    const column = block.fields[f]!;
    if (column.type !== 'ENUM') throw new Error(`field ${f} is not text`);
    const { members, data, valid } = column;
    for (let j = 0; j < block.rows; j++) values[at++] = !valid || (valid[j >> 3]! >> (j & 7)) & 1 ? members[data[j]!] : null;
  }
  return values;
}

const none: Issue[] = Object.freeze([]) as unknown as Issue[];

/** A batch checked off the service's thread, as the sync room takes it. */
export interface CheckedBatch {
  batchId: string;
  /** The rows' ids and base revisions (their values as sent are in `sent()`). */
  rows: { rowId: string; baseRevision: number | null }[];
  deletes: { rowId: string; baseRevision: number }[];
  /** Each row through the rules, in the rows' order. */
  checked: CheckedRow[];
  /** The rows encoded for the rows table, `chunkRows` at a time (row i in block i / chunkRows). */
  blocks: CheckedBlock[];
  /** A spending batch's lines keyed, row by row. */
  lines?: LineKeys;
  /** Whether an id is named twice (the rows' ids are lowercase and named once each otherwise). */
  repeatsId: boolean;
}

/**
 * Makes a row's values of `kind` from its fields' columns (`columns[f][i]`) as one object literal
 * of every field in the sheet's order: the object is allocated whole, its fields in place. Built a
 * field at a time, each of a bulk batch's thousands of objects grew its property store as it went
 * (a 5,000-row batch's took 1.78 ms that way, 1.19 ms so; docs/performance-history.md, "Benchmarks").
 */
const valuesMaker = perKind<(columns: readonly (readonly unknown[])[], i: number) => RowValues>(
  ['c', 'i'],
  (fields) => `return { ${fields.map(({ f, name }) => `${name}: c[${f}][i]`).join(', ')} };`,
);

/**
 * The checker's columns as rows checked: each row's values one object again (every field in the
 * sheet's order, as `checkRow` makes them); rows with the same issue share its object (the answer
 * writes its bytes once).
 */
export function checkedBatch(kind: Kind, parsed: CheckedColumns): CheckedBatch {
  const n = parsed.bases.length;
  const refused = new Set(parsed.refused);
  const columns = parsed.columns.map((sent, f) => unpacked(sent ?? textColumn(parsed.blocks, f, n), n));
  const make = valuesMaker(kind);
  const checked: CheckedRow[] = new Array<CheckedRow>(n);
  for (let i = 0; i < n; i++) checked[i] = refused.has(i) ? { errors: none, warnings: none } : { values: make(columns, i), errors: none, warnings: none };
  const { issues, rowIssues } = parsed;
  // Rows with the same list of issues share one list (lists are never added to in place).
  const lists = new Map<string, Issue[]>();
  const listOf = (from: number, count: number): Issue[] => {
    if (count === 0) return none;
    let key = String(rowIssues[from]);
    for (let k = from + 1; k < from + count; k++) key += `,${rowIssues[k]}`;
    let list = lists.get(key);
    if (!list) {
      list = [];
      for (let k = from; k < from + count; k++) list.push(issues[rowIssues[k]!]!);
      lists.set(key, list);
    }
    return list;
  };
  for (let k = 0; k < rowIssues.length; ) {
    const row = checked[rowIssues[k]!]!;
    const errors = rowIssues[k + 1]!;
    const warnings = rowIssues[k + 2]!;
    row.errors = listOf(k + 3, errors);
    row.warnings = listOf(k + 3 + errors, warnings);
    k += 3 + errors + warnings;
  }
  return {
    batchId: parsed.batchId,
    rows: parsed.bases.map((baseRevision, i) => ({ rowId: parsed.ids.slice(i * uuidLength, (i + 1) * uuidLength), baseRevision })),
    deletes: parsed.deletes,
    checked,
    blocks: parsed.blocks,
    repeatsId: parsed.repeatsId,
    ...(parsed.lines ? { lines: { years: unpacked(parsed.lines.years, n) as (string | null)[], hashes: parsed.lines.hashes } } : {}),
  };
}
