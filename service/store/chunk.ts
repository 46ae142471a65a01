import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk } from '@duckdb/node-api';

/**
 * A data chunk written column by column from JavaScript arrays: each column's values go into one
 * typed array, copied into DuckDB's vector in one call, with its validity mask in another. Text
 * goes as an ENUM of the column's distinct values, so the strings cross into DuckDB once, in the
 * type, and each cell is an index (a VARCHAR vector costs a call into DuckDB per cell, and
 * node-api's value objects one allocation per cell). The appender casts each column to the table's
 * type, as an INSERT would.
 */
export interface ChunkColumn {
  type: duckdb.LogicalType;
  data: Uint8Array;
  /** One bit per row, set when the row has a value; absent when every row has one. */
  valid?: Uint8Array;
}

const logical = (type: duckdb.Type) => duckdb.create_logical_type(type);

/** The bytes of an n-row validity mask (64-bit words), every row valid. */
function allValid(n: number): Uint8Array {
  return new Uint8Array(Math.ceil(n / 64) * 8).fill(0xff);
}

/** A column of fixed-width values: `write(view, offset, value)` for every row whose value is not null. */
function fixed<T>(type: duckdb.Type, width: number, values: readonly (T | null | undefined)[], write: (view: DataView, offset: number, value: T) => void): ChunkColumn {
  const data = new Uint8Array(values.length * width);
  const view = new DataView(data.buffer);
  let valid: Uint8Array | undefined;
  values.forEach((value, i) => {
    if (value === null || value === undefined) {
      valid ??= allValid(values.length);
      valid[i >> 3]! &= ~(1 << (i & 7));
    } else write(view, i * width, value);
  });
  return { type: logical(type), data, valid };
}

const twoTo32 = 4294967296;
/** A whole number (|n| < 2^53) as a little-endian 64-bit integer. */
function setInt64(view: DataView, offset: number, n: number): void {
  const high = Math.floor(n / twoTo32);
  view.setUint32(offset, n - high * twoTo32, true);
  view.setInt32(offset + 4, high, true);
}

export const int32Column = (values: readonly (number | null | undefined)[]) => fixed(duckdb.Type.INTEGER, 4, values, (v, o, n) => v.setInt32(o, n, true));
export const int64Column = (values: readonly (number | null | undefined)[]) => fixed(duckdb.Type.BIGINT, 8, values, setInt64);
export const doubleColumn = (values: readonly (number | null | undefined)[]) => fixed(duckdb.Type.DOUBLE, 8, values, (v, o, n) => v.setFloat64(o, n, true));
export const booleanColumn = (values: readonly (boolean | null | undefined)[]) => fixed(duckdb.Type.BOOLEAN, 1, values, (v, o, b) => v.setUint8(o, b ? 1 : 0));

const msPerDay = 86_400_000;
/** `YYYY-MM-DD` as DuckDB's DATE (days since 1970-01-01). */
export const dateColumn = (values: readonly (string | null | undefined)[]) => fixed(duckdb.Type.DATE, 4, values, (v, o, d) => v.setInt32(o, Date.parse(d) / msPerDay, true));

/** Milliseconds since the epoch as TIMESTAMPTZ (microseconds). */
export const timestampColumn = (values: readonly (number | null | undefined)[]) => fixed(duckdb.Type.TIMESTAMP_TZ, 8, values, (v, o, ms) => setInt64(v, o, ms * 1000));

/**
 * UUIDs as DuckDB keeps them: a 128-bit integer, lower 64 bits first, the upper half's sign bit
 * flipped (so they sort as their text does).
 */
export const uuidColumn = (values: readonly (string | null | undefined)[]) =>
  fixed(duckdb.Type.UUID, 16, values, (v, o, id) => {
    const hex = id.replaceAll('-', '');
    v.setUint32(o, Number.parseInt(hex.slice(24, 32), 16), true);
    v.setUint32(o + 4, Number.parseInt(hex.slice(16, 24), 16), true);
    v.setUint32(o + 8, Number.parseInt(hex.slice(8, 16), 16), true);
    v.setUint32(o + 12, (Number.parseInt(hex.slice(0, 8), 16) ^ 0x80000000) >>> 0, true);
  });

/** Text as an ENUM of its distinct values (one member when every row is null). */
export function textColumn(values: readonly (string | null | undefined)[]): ChunkColumn {
  const index = new Map<string, number>();
  for (const v of values) if (v !== null && v !== undefined && !index.has(v)) index.set(v, index.size);
  const type = duckdb.create_enum_type(index.size > 0 ? [...index.keys()] : ['']);
  const internal = duckdb.enum_internal_type(type);
  const width = internal === duckdb.Type.UTINYINT ? 1 : internal === duckdb.Type.USMALLINT ? 2 : 4;
  const column = fixed(duckdb.Type.UTINYINT, width, values, (view, o, text) => {
    const i = index.get(text)!;
    if (width === 1) view.setUint8(o, i);
    else if (width === 2) view.setUint16(o, i, true);
    else view.setUint32(o, i, true);
  });
  return { ...column, type };
}

/** The columns (of equal length) as one data chunk, for `appender.appendDataChunk`. */
export function dataChunk(columns: readonly ChunkColumn[], rows: number): DuckDBDataChunk {
  const chunk = duckdb.create_data_chunk(columns.map((c) => c.type));
  duckdb.data_chunk_set_size(chunk, rows);
  columns.forEach((c, i) => {
    const vector = duckdb.data_chunk_get_vector(chunk, i);
    duckdb.copy_data_to_vector(vector, 0, c.data.buffer as ArrayBuffer, c.data.byteOffset, c.data.byteLength);
    if (c.valid) {
      duckdb.vector_ensure_validity_writable(vector);
      duckdb.copy_data_to_vector_validity(vector, 0, c.valid.buffer as ArrayBuffer, c.valid.byteOffset, c.valid.byteLength);
    }
  });
  return new DuckDBDataChunk(chunk);
}
