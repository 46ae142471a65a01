import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk } from '@duckdb/node-api';
import { epochDay } from '../../domain/dates.ts';
import { hexWord } from './uuid-text.ts';

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

/** Marks row `i` null in `valid` (made on the first null). */
function nullAt(valid: Uint8Array | undefined, rows: number, i: number): Uint8Array {
  const mask = valid ?? allValid(rows);
  mask[i >> 3]! &= ~(1 << (i & 7));
  return mask;
}

/**
 * A column of fixed-width values: `write(words, i, value)` for every row whose value is not null,
 * into the column's bytes seen as 32-bit words (little-endian on every machine Node runs on).
 * Plain loops over typed arrays: a DataView call per value cost more than DuckDB's own append.
 */
function fixed<T>(
  type: duckdb.Type,
  width: 1 | 4 | 8 | 16,
  values: readonly (T | null | undefined)[],
  write: (data: Uint8Array, words: Uint32Array, i: number, value: T) => void,
): ChunkColumn {
  const n = values.length;
  const data = new Uint8Array(n * width);
  const words = new Uint32Array(data.buffer, 0, width === 1 ? 0 : (n * width) / 4);
  let valid: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (value === null || value === undefined) valid = nullAt(valid, n, i);
    else write(data, words, i, value);
  }
  return { type: logical(type), data, valid };
}

const twoTo32 = 4294967296;
/** A whole number (|n| < 2^53) as a little-endian 64-bit integer at word `w`. */
function setInt64(words: Uint32Array, w: number, n: number): void {
  const high = Math.floor(n / twoTo32);
  words[w] = n - high * twoTo32;
  words[w + 1] = high;
}

export const int32Column = (values: readonly (number | null | undefined)[]) =>
  fixed(duckdb.Type.INTEGER, 4, values, (_d, words, i, n) => {
    words[i] = n;
  });
export const int64Column = (values: readonly (number | null | undefined)[]) => fixed(duckdb.Type.BIGINT, 8, values, (_d, words, i, n) => setInt64(words, i * 2, n));
export function doubleColumn(values: readonly (number | null | undefined)[]): ChunkColumn {
  const n = values.length;
  const data = new Uint8Array(n * 8);
  const doubles = new Float64Array(data.buffer);
  let valid: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) valid = nullAt(valid, n, i);
    else doubles[i] = v;
  }
  return { type: logical(duckdb.Type.DOUBLE), data, valid };
}
export const booleanColumn = (values: readonly (boolean | null | undefined)[]) =>
  fixed(duckdb.Type.BOOLEAN, 1, values, (data, _w, i, b) => {
    data[i] = b ? 1 : 0;
  });

/** `YYYY-MM-DD` (a date the rules checked) as DuckDB's DATE (days since 1970-01-01). */
export const dateColumn = (values: readonly (string | null | undefined)[]) =>
  fixed(duckdb.Type.DATE, 4, values, (_d, words, i, d) => {
    words[i] = epochDay(d);
  });

/** Milliseconds since the epoch as TIMESTAMPTZ (microseconds). */
export const timestampColumn = (values: readonly (number | null | undefined)[]) =>
  fixed(duckdb.Type.TIMESTAMP_TZ, 8, values, (_d, words, i, ms) => setInt64(words, i * 2, ms * 1000));

/**
 * UUIDs as DuckDB keeps them: a 128-bit integer, lower 64 bits first, the upper half's sign bit
 * flipped (so they sort as their text does). A value repeated from the row before (a batch's id on
 * each of its rows) is copied, not parsed again.
 */
export const uuidColumn = (values: readonly (string | null | undefined)[]) => {
  let last: string | undefined;
  return fixed(duckdb.Type.UUID, 16, values, (_d, words, i, id) => {
    const w = i * 4;
    if (id === last) {
      words.copyWithin(w, w - 4, w);
      return;
    }
    last = id;
    words[w] = hexWord(id, 28, 36);
    words[w + 1] = hexWord(id, 19, 28);
    words[w + 2] = hexWord(id, 9, 18);
    words[w + 3] = (hexWord(id, 0, 8) ^ 0x80000000) >>> 0;
  });
};

/** Text as an ENUM of its distinct values (one member when every row is null). */
export function textColumn(values: readonly (string | null | undefined)[]): ChunkColumn {
  // Each cell's member, looked up once (a run of one value, as a batch's stamp, not at all).
  const n = values.length;
  const index = new Map<string, number>();
  const members = new Uint32Array(n);
  let last: string | undefined;
  let member = 0;
  let valid: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      valid = nullAt(valid, n, i);
      continue;
    }
    if (v !== last) {
      const found = index.get(v);
      if (found === undefined) index.set(v, (member = index.size));
      else member = found;
      last = v;
    }
    members[i] = member;
  }
  const type = duckdb.create_enum_type(index.size > 0 ? [...index.keys()] : ['']);
  const internal = duckdb.enum_internal_type(type);
  if (internal === duckdb.Type.UINTEGER) return { type, data: new Uint8Array(members.buffer), valid };
  const data = internal === duckdb.Type.UTINYINT ? Uint8Array.from(members) : new Uint8Array(Uint16Array.from(members).buffer);
  return { type, data, valid };
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
