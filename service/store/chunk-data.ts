import { epochDay } from '../../domain/dates.ts';
import type { ColumnDef } from '../../domain/index.ts';
import { hexWord } from './uuid-text.ts';

/**
 * A column of a data chunk as plain bytes: each column's values in one typed array, laid out as
 * DuckDB keeps them, with a validity mask beside. No DuckDB here, so the sync checker's thread
 * encodes its batch's blocks too (checker/batch.ts); chunk.ts hands them to DuckDB. Text is an ENUM
 * of the column's distinct values (`members`), each cell an index into them: the strings cross into
 * DuckDB once, in the type (a VARCHAR vector costs a call into DuckDB per cell).
 */
export type ColumnData =
  | { type: 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP_TZ' | 'UUID'; data: Uint8Array; valid?: Uint8Array }
  | { type: 'ENUM'; members: string[]; data: Uint32Array; valid?: Uint8Array };

/** Rows of one data chunk (DuckDB's vector size): the appender's chunks and the checker's blocks. */
export const chunkRows = 2048;

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

type FixedType = Exclude<ColumnData['type'], 'ENUM'>;

/**
 * A column of fixed-width values: `write(words, i, value)` for every row whose value is not null,
 * into the column's bytes seen as 32-bit words (little-endian on every machine Node runs on).
 * Plain loops over typed arrays: a DataView call per value cost more than DuckDB's own append.
 */
function fixed<T>(
  type: FixedType,
  width: 1 | 4 | 8 | 16,
  values: readonly (T | null | undefined)[],
  write: (data: Uint8Array, words: Uint32Array, i: number, value: T) => void,
): ColumnData {
  const n = values.length;
  const data = new Uint8Array(n * width);
  const words = new Uint32Array(data.buffer, 0, width === 1 ? 0 : (n * width) / 4);
  let valid: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (value === null || value === undefined) valid = nullAt(valid, n, i);
    else write(data, words, i, value);
  }
  return { type, data, valid };
}

const twoTo32 = 4294967296;
/** A whole number (|n| < 2^53) as a little-endian 64-bit integer at word `w`. */
function setInt64(words: Uint32Array, w: number, n: number): void {
  const high = Math.floor(n / twoTo32);
  words[w] = n - high * twoTo32;
  words[w + 1] = high;
}

export const int32Data = (values: readonly (number | null | undefined)[]) =>
  fixed('INTEGER', 4, values, (_d, words, i, n) => {
    words[i] = n;
  });
export const int64Data = (values: readonly (number | null | undefined)[]) => fixed('BIGINT', 8, values, (_d, words, i, n) => setInt64(words, i * 2, n));
export function doubleData(values: readonly (number | null | undefined)[]): ColumnData {
  const n = values.length;
  const data = new Uint8Array(n * 8);
  const doubles = new Float64Array(data.buffer);
  let valid: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) valid = nullAt(valid, n, i);
    else doubles[i] = v;
  }
  return { type: 'DOUBLE', data, valid };
}
export const booleanData = (values: readonly (boolean | null | undefined)[]) =>
  fixed('BOOLEAN', 1, values, (data, _w, i, b) => {
    data[i] = b ? 1 : 0;
  });

/** `YYYY-MM-DD` (a date the rules checked) as DuckDB's DATE (days since 1970-01-01). */
export const dateData = (values: readonly (string | null | undefined)[]) =>
  fixed('DATE', 4, values, (_d, words, i, d) => {
    words[i] = epochDay(d);
  });

/** Milliseconds since the epoch as TIMESTAMPTZ (microseconds). */
export const timestampData = (values: readonly (number | null | undefined)[]) => fixed('TIMESTAMP_TZ', 8, values, (_d, words, i, ms) => setInt64(words, i * 2, ms * 1000));

/**
 * UUIDs as DuckDB keeps them: a 128-bit integer, lower 64 bits first, the upper half's sign bit
 * flipped (so they sort as their text does). A value repeated from the row before (a batch's id on
 * each of its rows) is copied, not parsed again.
 */
export const uuidData = (values: readonly (string | null | undefined)[]) => {
  let last: string | undefined;
  return fixed('UUID', 16, values, (_d, words, i, id) => {
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
export function textData(values: readonly (string | null | undefined)[]): ColumnData {
  // Each cell's member, looked up once (a run of one value, as a batch's stamp, not at all).
  const n = values.length;
  const index = new Map<string, number>();
  const data = new Uint32Array(n);
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
    data[i] = member;
  }
  return { type: 'ENUM', members: index.size > 0 ? [...index.keys()] : [''], data, valid };
}

/** A sheet field's values, typed as the table keeps them (dates as DATE: the rules checked YYYY-MM-DD). */
export function fieldData(type: ColumnDef['type'], values: readonly unknown[]): ColumnData {
  switch (type) {
    case 'phase':
    case 'year':
      return int32Data(values as (number | null)[]);
    case 'money':
    case 'count':
      return int64Data(values as (number | null)[]);
    case 'percent':
      return doubleData(values as (number | null)[]);
    case 'boolean':
      return booleanData(values as (boolean | null)[]);
    case 'date':
      return dateData(values as (string | null)[]);
    default:
      return textData(values as (string | null)[]);
  }
}
