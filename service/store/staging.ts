import type { DuckDBConnection } from '@duckdb/node-api';
import { sheets, type ColumnDef, type Kind, type RowValues } from '../../domain/index.ts';
import { booleanColumn, dataChunk, dateColumn, doubleColumn, int32Column, int64Column, textColumn, timestampColumn, uuidColumn, type ChunkColumn } from './chunk.ts';
import { idList } from './rows.ts';
import { quotedIdentifier, rowsTable, rowsTableName } from './sql.ts';

/** One row version to write: its revision and the row's typed values. */
export interface Version {
  rowId: string;
  revision: number;
  deleted: boolean;
  baseRevision: number | null;
  values: RowValues;
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

/** Rows per appended data chunk (DuckDB's vector size). */
const chunkRows = 2048;

/** A field's column of a chunk, typed as the table keeps it (dates as DATE: the rules checked YYYY-MM-DD). */
function fieldColumn(c: ColumnDef, part: readonly Version[]): ChunkColumn {
  const values = part.map((v) => v.values[c.field] ?? null);
  switch (c.type) {
    case 'phase':
    case 'year':
      return int32Column(values as (number | null)[]);
    case 'money':
    case 'count':
      return int64Column(values as (number | null)[]);
    case 'percent':
      return doubleColumn(values as (number | null)[]);
    case 'boolean':
      return booleanColumn(values as (boolean | null)[]);
    case 'date':
      return dateColumn(values as (string | null)[]);
    default:
      return textColumn(values as (string | null)[]);
  }
}

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
function versionColumns(kind: Kind, part: readonly StampedVersion[]): ChunkColumn[] {
  const versions = part.map((e) => e.version);
  return [
    uuidColumn(versions.map((v) => v.rowId)),
    int64Column(versions.map((v) => v.revision)),
    booleanColumn(versions.map((v) => v.deleted)),
    textColumn(part.map((e) => e.stamp.updatedBy)),
    timestampColumn(stampTimes(part)),
    textColumn(part.map((e) => e.stamp.source)),
    uuidColumn(part.map((e) => e.stamp.batchId)),
    ...sheets[kind].columns.map((c) => fieldColumn(c, versions)),
    int64Column(versions.map((v) => v.baseRevision)),
  ];
}

const rowColumnNames = (kind: Kind) => ['rowId', 'revision', 'deleted', 'updatedBy', 'updatedAt', 'source', 'batchId', ...sheets[kind].columns.map((c) => c.field), 'baseRevision'];

/**
 * Checks once per connection that the tables' columns are in the order the appends assume, so a
 * migration that adds or moves a column fails loudly here instead of writing values askew.
 */
const checkedLayouts = new WeakSet<DuckDBConnection>();
export async function checkLayouts(connection: DuckDBConnection): Promise<void> {
  if (checkedLayouts.has(connection)) return;
  const expected = (Object.keys(sheets) as Kind[]).flatMap((k): [string, string[]][] => [
    [rowsTableName(k), rowColumnNames(k)],
    [`${k}_history`, rowColumnNames(k)],
  ]);
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
    for (let start = 0; start < entries.length; start += chunkRows) {
      const part = entries.slice(start, start + chunkRows);
      appender.appendDataChunk(dataChunk(versionColumns(kind, part), part.length));
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
    await connection.run(`INSERT INTO ${historyTable(kind)} SELECT * FROM ${rowsTable(kind)} WHERE ${match}`, ids);
    await connection.run(`DELETE FROM ${rowsTable(kind)} WHERE ${match}`, ids);
  }
  const last = new Map<string, number>();
  entries.forEach((e, i) => last.set(e.version.rowId, i));
  const superseded = last.size === entries.length ? [] : entries.filter((e, i) => last.get(e.version.rowId) !== i);
  await append(connection, `${kind}_history`, kind, superseded);
  await append(connection, rowsTableName(kind), kind, superseded.length === 0 ? entries : entries.filter((e, i) => last.get(e.version.rowId) === i));
}
