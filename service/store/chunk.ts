import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk } from '@duckdb/node-api';
import type { ColumnData } from './chunk-data.ts';

/**
 * A data chunk made from columns of plain bytes (chunk-data.ts): each column's typed array copied
 * into DuckDB's vector in one call, with its validity mask in another; text as an ENUM whose
 * members are the column's distinct values, or as VARCHAR when most cells differ. The appender
 * casts each column to the table's type, as an INSERT would.
 */
const logical = {
  INTEGER: duckdb.Type.INTEGER,
  BIGINT: duckdb.Type.BIGINT,
  DOUBLE: duckdb.Type.DOUBLE,
  BOOLEAN: duckdb.Type.BOOLEAN,
  DATE: duckdb.Type.DATE,
  TIMESTAMP_TZ: duckdb.Type.TIMESTAMP_TZ,
  UUID: duckdb.Type.UUID,
} as const;

/** A column's DuckDB type and its bytes as the vector holds them (an ENUM's indexes narrowed to its internal type). */
function vectorOf(column: ColumnData): { type: duckdb.LogicalType; bytes: Uint8Array } {
  if (column.type !== 'ENUM') return { type: duckdb.create_logical_type(logical[column.type]), bytes: column.data };
  const type = duckdb.create_enum_type(column.members);
  const internal = duckdb.enum_internal_type(type);
  const members = column.data;
  if (internal === duckdb.Type.UINTEGER) return { type, bytes: new Uint8Array(members.buffer, members.byteOffset, members.byteLength) };
  return { type, bytes: internal === duckdb.Type.UTINYINT ? Uint8Array.from(members) : new Uint8Array(Uint16Array.from(members).buffer) };
}

/**
 * Whether a text column goes as VARCHAR, each cell's string set on its own: when most of its cells
 * differ (an item's name), an ENUM's members would be as many strings, and DuckDB casts them back.
 */
const asVarchar = (column: ColumnData, rows: number): column is Extract<ColumnData, { type: 'ENUM' }> => column.type === 'ENUM' && column.members.length * 2 > rows;

/** A text column's cells set one by one into a VARCHAR vector (null cells left to the validity mask). */
function setStrings(vector: duckdb.Vector, column: Extract<ColumnData, { type: 'ENUM' }>, rows: number): void {
  const { members, data, valid } = column;
  for (let i = 0; i < rows; i++) {
    if (valid && (valid[i >> 3]! & (1 << (i & 7))) === 0) continue;
    duckdb.vector_assign_string_element(vector, i, members[data[i]!]!);
  }
}

/** The columns (of equal length) as one data chunk, for `appender.appendDataChunk`. */
export function dataChunk(columns: readonly ColumnData[], rows: number): DuckDBDataChunk {
  const vectors = columns.map((column) => (asVarchar(column, rows) ? { type: duckdb.create_logical_type(duckdb.Type.VARCHAR), bytes: undefined } : vectorOf(column)));
  const chunk = duckdb.create_data_chunk(vectors.map((v) => v.type));
  duckdb.data_chunk_set_size(chunk, rows);
  vectors.forEach(({ bytes }, i) => {
    const vector = duckdb.data_chunk_get_vector(chunk, i);
    const column = columns[i]!;
    if (bytes) duckdb.copy_data_to_vector(vector, 0, bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
    else setStrings(vector, column as Extract<ColumnData, { type: 'ENUM' }>, rows);
    const valid = column.valid;
    if (valid) {
      duckdb.vector_ensure_validity_writable(vector);
      duckdb.copy_data_to_vector_validity(vector, 0, valid.buffer as ArrayBuffer, valid.byteOffset, valid.byteLength);
    }
  });
  return new DuckDBDataChunk(chunk);
}
