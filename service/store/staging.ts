import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBTimestampTZValue,
  DuckDBUUIDValue,
  INTEGER,
  TIMESTAMPTZ,
  UUID,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { sheets, type ColumnDef, type Kind, type RowValues } from '../../domain/index.ts';
import { rowsTable, rowsTableName } from './sql.ts';

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

type Convert = (v: unknown) => DuckDBValue;
const same: Convert = (v) => (v === undefined ? null : (v as DuckDBValue));
const big: Convert = (v) => (v === null || v === undefined ? null : BigInt(v as number));

/**
 * How a field travels in a data chunk. UUIDs, dates, timestamps and JSON go as text: the appender
 * casts each chunk column to the table's type, as an INSERT would.
 */
function fieldChunk(c: ColumnDef): { type: DuckDBType; convert: Convert } {
  switch (c.type) {
    case 'phase':
    case 'year':
      return { type: INTEGER, convert: same };
    case 'money':
    case 'count':
      return { type: BIGINT, convert: big };
    case 'percent':
      return { type: DOUBLE, convert: same };
    case 'boolean':
      return { type: BOOLEAN, convert: same };
    default:
      return { type: VARCHAR, convert: same };
  }
}

/** Rows per appended data chunk (DuckDB's vector size). */
const chunkRows = 2048;

interface ChunkColumn<T> {
  type: DuckDBType;
  value: (item: T) => DuckDBValue;
}

/** Appends `items` to `table` through DuckDB's appender, column by column in data chunks. */
async function appendColumns<T>(connection: DuckDBConnection, table: string, columns: readonly ChunkColumn<T>[], items: readonly T[]): Promise<void> {
  const appender = await connection.createAppender(table);
  try {
    const types = columns.map((c) => c.type);
    for (let start = 0; start < items.length; start += chunkRows) {
      const part = items.slice(start, start + chunkRows);
      const chunk = DuckDBDataChunk.create(types, part.length);
      columns.forEach((c, i) => chunk.setColumnValues(i, part.map(c.value)));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * The table's columns in order, each with how to take it from a version. The rows tables are the
 * service's columns followed by the sheet's fields (migration 001); checked at the first write.
 */
/**
 * The batch's shared stamps as typed values made once: a UUID or a timestamp is copied into the
 * chunk's buffer, where a text cell costs a call into DuckDB per row.
 */
function stampValues(stamp: BatchStamp) {
  return {
    updatedAt: new DuckDBTimestampTZValue(BigInt(Date.parse(stamp.updatedAt)) * 1000n),
    batchId: DuckDBUUIDValue.fromUint128(BigInt(`0x${stamp.batchId.replace(/-/g, '')}`)),
  };
}

function rowColumns(kind: Kind, stamp: BatchStamp): ChunkColumn<Version>[] {
  const typed = stampValues(stamp);
  return [
    { type: VARCHAR, value: (v) => v.rowId },
    { type: BIGINT, value: (v) => BigInt(v.revision) },
    { type: BOOLEAN, value: (v) => v.deleted },
    { type: VARCHAR, value: () => stamp.updatedBy },
    { type: TIMESTAMPTZ, value: () => typed.updatedAt },
    { type: VARCHAR, value: () => stamp.source },
    { type: UUID, value: () => typed.batchId },
    ...sheets[kind].columns.map((c) => {
      const { type, convert } = fieldChunk(c);
      return { type, value: (v: Version) => convert(v.values[c.field]) };
    }),
  ];
}

const rowColumnNames = (kind: Kind) => ['rowId', 'revision', 'deleted', 'updatedBy', 'updatedAt', 'source', 'batchId', ...sheets[kind].columns.map((c) => c.field)];
const auditColumnNames = ['revision', 'rowId', 'kind', 'op', 'dong', 'baseRevision', 'values', 'updatedBy', 'updatedAt', 'source', 'batchId'];

/** The values as the audit keeps them: a JSON object in the sheet's column order. */
function valuesText(kind: Kind, values: RowValues): string {
  const ordered: RowValues = {};
  for (const c of sheets[kind].columns) ordered[c.field] = values[c.field] ?? null;
  return JSON.stringify(ordered);
}

function auditColumns(kind: Kind, stamp: BatchStamp): ChunkColumn<Version>[] {
  const typed = stampValues(stamp);
  return [
    { type: BIGINT, value: (v) => BigInt(v.revision) },
    { type: VARCHAR, value: (v) => v.rowId },
    { type: VARCHAR, value: () => kind },
    { type: VARCHAR, value: (v) => (v.deleted ? 'delete' : 'upsert') },
    { type: VARCHAR, value: (v) => v.values.dong as string },
    { type: BIGINT, value: (v) => big(v.baseRevision) },
    { type: VARCHAR, value: (v) => valuesText(kind, v.values) },
    { type: VARCHAR, value: () => stamp.updatedBy },
    { type: TIMESTAMPTZ, value: () => typed.updatedAt },
    { type: VARCHAR, value: () => stamp.source },
    { type: UUID, value: () => typed.batchId },
  ];
}

/**
 * Checks once per connection that the tables' columns are in the order the appends assume, so a
 * migration that adds or moves a column fails loudly here instead of writing values askew.
 */
const checkedLayouts = new WeakSet<DuckDBConnection>();
export async function checkLayouts(connection: DuckDBConnection): Promise<void> {
  if (checkedLayouts.has(connection)) return;
  const expected: [string, string[]][] = [...(Object.keys(sheets) as Kind[]).map((k): [string, string[]] => [rowsTableName(k), rowColumnNames(k)]), ['row_audit', auditColumnNames]];
  for (const [table, names] of expected) {
    const found = (
      await connection.runAndReadAll(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = $table AND schema_name = 'main' ORDER BY column_index",
        { table },
      )
    ).getRowObjects().map((r) => String(r.column_name));
    if (found.join(',') !== names.join(',')) throw new Error(`${table}: columns ${found.join(', ')} are not the expected ${names.join(', ')}`);
  }
  checkedLayouts.add(connection);
}

/**
 * Writes a batch's versions inside the caller's transaction: rows being replaced are deleted, then
 * the new versions are appended to the rows table and to the audit log through DuckDB's appender
 * (an appender on a connection in a transaction writes into that transaction, so a ROLLBACK
 * takes the appended rows back with everything else).
 */
export async function writeVersions(connection: DuckDBConnection, kind: Kind, versions: readonly Version[], stamp: BatchStamp, replaced: readonly string[]): Promise<void> {
  if (replaced.length > 0) {
    await connection.run(`DELETE FROM ${rowsTable(kind)} WHERE rowId IN (SELECT unnest(from_json($ids::JSON, '["VARCHAR"]'))::UUID)`, {
      ids: JSON.stringify(replaced),
    });
  }
  await appendColumns(connection, rowsTableName(kind), rowColumns(kind, stamp), versions);
  await appendColumns(connection, 'row_audit', auditColumns(kind, stamp), versions);
}
