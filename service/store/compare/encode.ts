import { guardFormula } from '../../../domain/formula-guard.ts';
import {
  Bool,
  DateDay,
  Field,
  Float64,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Uint64,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  type Vector,
} from 'apache-arrow';
import type { QueryResult } from './result.ts';

type ArrowKind = 'utf8' | 'int64' | 'uint64' | 'int32' | 'float64' | 'bool' | 'date' | 'timestamp';

/** Digits a double holds exactly: a DECIMAL of at most this precision travels as Float64. */
const doubleDigits = 15;

/**
 * The Arrow type a DuckDB column travels as, every value exact: UBIGINT as Uint64; HUGEINT and
 * UHUGEINT as Int64 / Uint64 (the caller falls back to text when a value does not fit); DECIMAL
 * as Float64 up to 15 digits, as text beyond (apache-arrow's Decimal reads back unscaled in
 * JavaScript). Anything without a fitting type goes as text.
 */
export function arrowKind(duckdbType: string): ArrowKind {
  const t = duckdbType.toUpperCase();
  if (t === 'BIGINT' || t === 'HUGEINT' || t === 'UINTEGER') return 'int64';
  if (t === 'UBIGINT' || t === 'UHUGEINT') return 'uint64';
  if (t === 'INTEGER' || t === 'SMALLINT' || t === 'TINYINT' || t === 'USMALLINT' || t === 'UTINYINT') return 'int32';
  if (t === 'DOUBLE' || t === 'FLOAT') return 'float64';
  if (t.startsWith('DECIMAL')) return Number(/^DECIMAL\((\d+)/.exec(t)?.[1] ?? 18) <= doubleDigits ? 'float64' : 'utf8';
  if (t === 'BOOLEAN') return 'bool';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  return 'utf8';
}

const int64Range = [-(2n ** 63n), 2n ** 63n - 1n] as const;
const uint64Range = [0n, 2n ** 64n - 1n] as const;

/** Whole numbers as BigInt, or undefined when one is outside `range` (the column then goes as text). */
function bigIntegers(values: unknown[], range: readonly [bigint, bigint]): bigint[] | undefined {
  const out = new Array<bigint>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const n = v == null ? 0n : typeof v === 'number' ? BigInt(v) : BigInt(String(v));
    if (n < range[0] || n > range[1]) return undefined;
    out[i] = n;
  }
  return out;
}

const encoder = new TextEncoder();
const DAY_MS = 86_400_000;

function validity(values: unknown[]): { bitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap: nullCount === 0 ? undefined : bitmap, nullCount };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Builds one Arrow vector from a column of JSON-safe values, buffers by hand. */
function buildVector(kind: ArrowKind, values: unknown[]): Vector {
  const length = values.length;
  const { bitmap, nullCount } = validity(values);
  const common = { length, nullCount, nullBitmap: bitmap };
  switch (kind) {
    case 'float64': {
      const data = new Float64Array(length);
      for (let i = 0; i < length; i++) data[i] = values[i] == null ? 0 : Number(values[i]);
      return makeVector(makeData({ type: new Float64(), data, ...common }));
    }
    case 'int32': {
      const data = new Int32Array(length);
      for (let i = 0; i < length; i++) data[i] = values[i] == null ? 0 : Number(values[i]);
      return makeVector(makeData({ type: new Int32(), data, ...common }));
    }
    case 'int64':
    case 'uint64': {
      const whole = bigIntegers(values, kind === 'int64' ? int64Range : uint64Range);
      if (!whole) return buildVector('utf8', values);
      const data = kind === 'int64' ? BigInt64Array.from(whole) : BigUint64Array.from(whole);
      return makeVector(makeData({ type: kind === 'int64' ? new Int64() : new Uint64(), data, ...common }));
    }
    case 'bool': {
      const data = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i] === true) data[i >> 3]! |= 1 << (i & 7);
      return makeVector(makeData({ type: new Bool(), data, ...common }));
    }
    case 'date': {
      const data = new Int32Array(length);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        data[i] = v == null ? 0 : Math.round(Date.parse(`${String(v)}T00:00:00Z`) / DAY_MS);
      }
      return makeVector(makeData({ type: new DateDay(), data, ...common }));
    }
    case 'timestamp': {
      const data = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        data[i] = v == null ? 0n : BigInt(Date.parse(String(v)));
      }
      return makeVector(makeData({ type: new TimestampMillisecond('UTC'), data, ...common }));
    }
    case 'utf8': {
      const valueOffsets = new Int32Array(length + 1);
      let bytes = new Uint8Array(Math.max(64, length * 16));
      let at = 0;
      for (let i = 0; i < length; i++) {
        const v = values[i];
        if (v != null) {
          const s = text(v);
          const need = at + s.length * 3;
          if (need > bytes.length) {
            const grown = new Uint8Array(Math.max(need, bytes.length * 2));
            grown.set(bytes.subarray(0, at));
            bytes = grown;
          }
          at += encoder.encodeInto(s, bytes.subarray(at)).written;
        }
        valueOffsets[i + 1] = at;
      }
      return makeVector(makeData({ type: new Utf8(), data: bytes.subarray(0, at), valueOffsets, ...common }));
    }
  }
}

/**
 * The columns of a result as Arrow vectors (BIGINT as Int64, DATE as DateDay, text as Utf8), each
 * field's metadata naming its DuckDB type (`duckdb:type`), and `metadata` on the schema.
 */
export function toArrowTable(result: QueryResult, metadata: Record<string, string> = {}): Table {
  const fields: Field[] = [];
  const vectors: Vector[] = [];
  for (const column of result.columns) {
    const values = new Array<unknown>(result.rows.length);
    for (let i = 0; i < result.rows.length; i++) values[i] = result.rows[i]![column.name];
    const vector = buildVector(arrowKind(column.type), values);
    vectors.push(vector);
    fields.push(new Field(column.name, vector.type, true, new Map([['duckdb:type', column.type]])));
  }
  const schema = new Schema(fields, new Map(Object.entries(metadata)));
  const data = makeData({ type: new Struct(fields), length: result.rows.length, nullCount: 0, children: vectors.map((v) => v.data[0]!) });
  return new Table([new RecordBatch(schema, data)]);
}

/** The result as an Arrow IPC stream (`application/vnd.apache.arrow.stream`), `metadata` on its schema. */
export function toArrowIPC(result: QueryResult, metadata: Record<string, string> = {}): Uint8Array {
  return tableToIPC(toArrowTable(result, metadata), 'stream');
}

const needsQuotes = /[",\r\n]/;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Text that Excel would read as a formula gets a leading apostrophe (CSV injection).
  const s = guardFormula(text(value));
  return needsQuotes.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The result as CSV (RFC 4180, CRLF) with a UTF-8 BOM, so Excel opens the Korean text intact. */
export function toCsv(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  const lines = [names.map(csvCell).join(',')];
  for (const row of result.rows) lines.push(names.map((n) => csvCell(row[n])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
