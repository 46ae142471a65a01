import { guardFormula } from '../../../domain/formula-guard.ts';
import {
  Bool,
  DateDay,
  Float64,
  Int32,
  Int64,
  Table,
  TimestampMillisecond,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  type DataType,
  type Vector,
} from 'apache-arrow';
import type { QueryResult } from './result.ts';

type ArrowKind = 'utf8' | 'int64' | 'int32' | 'float64' | 'bool' | 'date' | 'timestamp';

/** The Arrow type a DuckDB column travels as. Anything without a fitting type goes as text. */
export function arrowKind(duckdbType: string): ArrowKind {
  const t = duckdbType.toUpperCase();
  if (t === 'BIGINT' || t === 'HUGEINT' || t === 'UBIGINT' || t === 'UHUGEINT' || t === 'UINTEGER') return 'int64';
  if (t === 'INTEGER' || t === 'SMALLINT' || t === 'TINYINT' || t === 'USMALLINT' || t === 'UTINYINT') return 'int32';
  if (t === 'DOUBLE' || t === 'FLOAT' || t.startsWith('DECIMAL')) return 'float64';
  if (t === 'BOOLEAN') return 'bool';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  return 'utf8';
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
    case 'int64': {
      const data = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        data[i] = v == null ? 0n : typeof v === 'number' ? BigInt(v) : BigInt(String(v));
      }
      return makeVector(makeData({ type: new Int64(), data, ...common }));
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

/** The columns of a result as Arrow vectors (BIGINT as Int64, DATE as DateDay, text as Utf8). */
export function toArrowTable(result: QueryResult): Table {
  const vectors: Record<string, Vector<DataType>> = {};
  for (const column of result.columns) {
    const values = new Array<unknown>(result.rows.length);
    for (let i = 0; i < result.rows.length; i++) values[i] = result.rows[i]![column.name];
    vectors[column.name] = buildVector(arrowKind(column.type), values);
  }
  return new Table(vectors);
}

/** The result as an Arrow IPC stream (`application/vnd.apache.arrow.stream`). */
export function toArrowIPC(result: QueryResult): Uint8Array {
  return tableToIPC(toArrowTable(result), 'stream');
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
