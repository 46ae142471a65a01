import type { DuckDBConnection } from '@duckdb/node-api';
import { sheets, type Kind, type RowValues } from '../../domain/index.ts';
import { dataChunk } from './chunk.ts';
import { booleanData, chunkRows, fieldData, int64Data, textData, timestampData, uuidData, type ColumnData } from './chunk-data.ts';
import type { CheckedBlock } from './checker/batch.ts';
import { idList } from './rows.ts';
import { quotedIdentifier, rowsTable, rowsTableName } from './sql.ts';
import { runKept } from './statements.ts';

/** One row version to write: its revision and the row's typed values. */
export interface Version {
  rowId: string;
  revision: number;
  deleted: boolean;
  baseRevision: number | null;
  values: RowValues;
  /** Its row's place in its batch's rows (none for a delete). */
  row?: number;
  /** The block the sync checker encoded its row's id, values and base revision in (checker/batch.ts), and its row there. */
  block?: CheckedBlock;
  blockRow?: number;
}

/** What every version of one batch shares. */
export interface BatchStamp {
  updatedBy: string;
  updatedAt: string;
  source: string | null;
  batchId: string;
}

/** The table of a kind's replaced versions (migration 007): the rows table's columns, append-only. */
export const historyTable = (kind: Kind) => quotedIdentifier(`${kind}_history`);

/** A version to write with its batch's stamp. */
export interface StampedVersion {
  version: Version;
  stamp: BatchStamp;
}

/** Each version's `updatedAt` in milliseconds, read once for each batch's stamp. */
function stampTimes(part: readonly StampedVersion[]): number[] {
  let stamp: BatchStamp | undefined;
  let ms = 0;
  return part.map((e) => {
    if (e.stamp !== stamp) {
      stamp = e.stamp;
      ms = Date.parse(stamp.updatedAt);
    }
    return ms;
  });
}

/**
 * A chunk of versions in the rows table's column order (migration 001's service columns, the
 * sheet's fields, then 007's baseRevision; `checkLayouts` holds the table to it).
 */
function versionColumns(kind: Kind, part: readonly StampedVersion[]): ColumnData[] {
  const versions = part.map((e) => e.version);
  return [
    uuidData(versions.map((v) => v.rowId)),
    ...serviceColumns(part),
    ...sheets[kind].columns.map((c) =>
      fieldData(
        c.type,
        versions.map((v) => v.values[c.field] ?? null),
      ),
    ),
    int64Data(versions.map((v) => v.baseRevision)),
  ];
}

/**
 * The columns the service sets (migration 001's, after the row id): revision, deleted and the
 * batch's stamp. A chunk of one batch's rows (every block of a bulk batch) shares the stamp columns
 * made for its batch and length (`stampColumns`).
 */
function serviceColumns(part: readonly StampedVersion[]): ColumnData[] {
  const revisions = int64Data(part.map((e) => e.version.revision));
  const stamp = part[0]?.stamp;
  if (stamp && part.every((e) => e.stamp === stamp && !e.version.deleted)) return [revisions, ...stampColumns(stamp, part.length)];
  return [
    revisions,
    booleanData(part.map((e) => e.version.deleted)),
    textData(part.map((e) => e.stamp.updatedBy)),
    timestampData(stampTimes(part)),
    textData(part.map((e) => e.stamp.source)),
    uuidData(part.map((e) => e.stamp.batchId)),
  ];
}

/**
 * A whole block of a checked batch as one chunk: its row ids, values and base revisions as the
 * checker encoded them, the service's columns from the versions (`part` holds every row of the
 * block, in order, with one stamp).
 */
function blockColumns(block: CheckedBlock, part: readonly StampedVersion[]): ColumnData[] {
  return [block.rowIds, ...serviceColumns(part), ...block.fields, block.bases];
}

/**
 * The stamp columns (deleted, who, when, source, batch) of `rows` versions of one batch, none
 * deleted: the same for each of its chunks but the last, so made once for each stamp and length,
 * not thousands of times over. DuckDB copies them into each chunk's vectors.
 */
const stampColumnsMade = new WeakMap<BatchStamp, Map<number, ColumnData[]>>();
function stampColumns(stamp: BatchStamp, rows: number): ColumnData[] {
  let ofStamp = stampColumnsMade.get(stamp);
  if (!ofStamp) stampColumnsMade.set(stamp, (ofStamp = new Map()));
  let columns = ofStamp.get(rows);
  if (!columns) {
    const each = <T>(value: T) => new Array<T>(rows).fill(value);
    columns = [
      booleanData(each(false)),
      textData(each(stamp.updatedBy)),
      timestampData(each(Date.parse(stamp.updatedAt))),
      textData(each(stamp.source)),
      uuidData(each(stamp.batchId)),
    ];
    ofStamp.set(rows, columns);
  }
  return columns;
}

/** Whether `entries` from `at` are every row of `block`, in order, of one batch. */
function wholeBlock(entries: readonly StampedVersion[], at: number, block: CheckedBlock): boolean {
  if (at + block.rows > entries.length) return false;
  const stamp = entries[at]!.stamp;
  for (let j = 0; j < block.rows; j++) {
    const e = entries[at + j]!;
    if (e.version.block !== block || e.version.blockRow !== j || e.stamp !== stamp) return false;
  }
  return true;
}

/**
 * The entries as chunks: a block the checker encoded written as it is when every one of its rows
 * is written (a batch of rows all accepted: the usual case), any others a chunk of up to
 * `chunkRows` at a time from their values.
 */
function* chunksOf(entries: readonly StampedVersion[]): Generator<{ block?: CheckedBlock; part: StampedVersion[] }> {
  let rest: StampedVersion[] = [];
  for (let at = 0; at < entries.length; ) {
    const { block, blockRow } = entries[at]!.version;
    if (block && blockRow === 0 && wholeBlock(entries, at, block)) {
      yield { block, part: entries.slice(at, at + block.rows) };
      at += block.rows;
      continue;
    }
    rest.push(entries[at++]!);
    if (rest.length === chunkRows) {
      yield { part: rest };
      rest = [];
    }
  }
  if (rest.length > 0) yield { part: rest };
}

const rowColumnNames = (kind: Kind) => ['rowId', 'revision', 'deleted', 'updatedBy', 'updatedAt', 'source', 'batchId', ...sheets[kind].columns.map((c) => c.field), 'baseRevision'];

/**
 * Checks once per connection that the tables' columns (the rows tables, their histories and the
 * batch records) are in the order the appends assume, so a migration that adds or moves a column
 * fails loudly here instead of writing values askew.
 */
const checkedLayouts = new WeakSet<DuckDBConnection>();
export async function checkLayouts(connection: DuckDBConnection): Promise<void> {
  if (checkedLayouts.has(connection)) return;
  const expected = (Object.keys(sheets) as Kind[]).flatMap((k): [string, string[]][] => [
    [rowsTableName(k), rowColumnNames(k)],
    [`${k}_history`, rowColumnNames(k)],
  ]);
  // The sync room appends its batch records too (migration 001's columns, then 009's answerGzip).
  expected.push(['sync_batches', ['batchId', 'kind', 'tokenId', 'fingerprint', 'answer', 'createdAt', 'answerGzip']]);
  for (const [table, names] of expected) {
    const found = (await connection.runAndReadAll("SELECT column_name FROM duckdb_columns() WHERE table_name = $table AND schema_name = 'main' ORDER BY column_index", { table }))
      .getRowObjects()
      .map((r) => String(r.column_name));
    if (found.join(',') !== names.join(',')) throw new Error(`${table}: columns ${found.join(', ')} are not the expected ${names.join(', ')}`);
  }
  checkedLayouts.add(connection);
}

/** Appends versions to `table` a data chunk at a time. */
async function append(connection: DuckDBConnection, table: string, kind: Kind, entries: readonly StampedVersion[]): Promise<void> {
  if (entries.length === 0) return;
  const appender = await connection.createAppender(table);
  try {
    for (const { block, part } of chunksOf(entries)) {
      appender.appendDataChunk(dataChunk(block ? blockColumns(block, part) : versionColumns(kind, part), part.length));
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Writes a group's versions of one kind inside the caller's transaction, each with its batch's
 * stamp: the stored versions they replace (`replaced`) move, as stored, into the kind's history
 * (the audit keeps every version once), then each row's last version of the group is appended to
 * the rows table and any earlier one of the same group straight to the history, through DuckDB's
 * appender a typed data chunk at a time (an appender on a connection in a transaction writes into
 * that transaction, so a ROLLBACK takes them back with everything else). One move and one append
 * for the whole group, however many batches it holds.
 */
export async function writeVersions(
  connection: DuckDBConnection,
  kind: Kind,
  entries: readonly StampedVersion[],
  replaced: readonly string[],
  range?: { from: number; to: number },
): Promise<void> {
  if (replaced.length > 0) {
    const ids: Record<string, string | number> = { ids: JSON.stringify([...new Set(replaced)]) };
    // With the stored revisions' range, DuckDB skips the table's older and newer parts (their
    // revision statistics) instead of reading every row id.
    let match = `rowId IN (SELECT id FROM ${idList('ids')})`;
    if (range) {
      match += ' AND revision BETWEEN $from AND $to';
      Object.assign(ids, range);
    }
    await runKept(connection, `INSERT INTO ${historyTable(kind)} SELECT * FROM ${rowsTable(kind)} WHERE ${match}`, ids);
    await runKept(connection, `DELETE FROM ${rowsTable(kind)} WHERE ${match}`, ids);
  }
  // A batch names each row once (the sync room refuses it otherwise): only a group of batches can
  // write a row twice, its earlier version straight to the history.
  const last = new Map<string, number>();
  if (entries.length > 0 && entries.some((e) => e.stamp !== entries[0]!.stamp)) entries.forEach((e, i) => last.set(e.version.rowId, i));
  const superseded = last.size === 0 || last.size === entries.length ? [] : entries.filter((e, i) => last.get(e.version.rowId) !== i);
  await append(connection, `${kind}_history`, kind, superseded);
  await append(connection, rowsTableName(kind), kind, superseded.length === 0 ? entries : entries.filter((e, i) => last.get(e.version.rowId) === i));
}
