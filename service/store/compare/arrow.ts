/**
 * A DuckDB result as an Arrow IPC stream, read a whole vector at a time: numbers, dates and
 * validity are copied from DuckDB's buffers as they lie (DuckDB's validity mask has Arrow's bit
 * order), text is copied as UTF-8 bytes without becoming JavaScript strings. The types are those of
 * encode.ts (`arrowKind`): DOUBLE → Float64 (a non-finite value as null, as in JSON), INTEGER →
 * Int32, BIGINT → Int64, BOOLEAN → Bool, DATE → DateDay, VARCHAR → Utf8. Undefined when a column has
 * another type (the caller encodes the rows instead).
 */
import duckdb from '@duckdb/node-bindings';
import { DuckDBTypeId, type DuckDBMaterializedResult } from '@duckdb/node-api';
import { Bool, DateDay, Float64, Int32, Int64, Table, Utf8, makeData, makeVector, tableToIPC, type DataType, type Vector } from 'apache-arrow';

const supported = new Set([DuckDBTypeId.DOUBLE, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.BOOLEAN, DuckDBTypeId.DATE, DuckDBTypeId.VARCHAR]);

/** A column being filled, chunk after chunk. */
class Column {
  readonly valid: Uint8Array;
  nulls = 0;
  values: Float64Array | Int32Array | BigInt64Array | Uint8Array;
  /** Utf8 only: where each value ends, and its bytes. */
  offsets?: Int32Array;
  bytes = new Uint8Array(0);
  used = 0;

  constructor(
    readonly typeId: DuckDBTypeId,
    rows: number,
  ) {
    this.valid = new Uint8Array((rows + 7) >> 3);
    switch (typeId) {
      case DuckDBTypeId.DOUBLE:
        this.values = new Float64Array(rows);
        break;
      case DuckDBTypeId.BIGINT:
        this.values = new BigInt64Array(rows);
        break;
      case DuckDBTypeId.BOOLEAN:
        this.values = new Uint8Array((rows + 7) >> 3);
        break;
      case DuckDBTypeId.VARCHAR:
        this.values = new Uint8Array(0);
        this.offsets = new Int32Array(rows + 1);
        this.bytes = new Uint8Array(Math.max(1024, rows * 16));
        break;
      default: // INTEGER, DATE (days since the epoch, as Arrow's DateDay)
        this.values = new Int32Array(rows);
    }
  }

  /** Copies `count` values of one DuckDB vector to rows start … start + count − 1. */
  read(vector: duckdb.Vector, start: number, count: number): void {
    const mask = duckdb.vector_get_validity(vector, Math.ceil(count / 64) * 8);
    const isValid = (i: number) => !mask || ((mask[i >> 3]! >> (i & 7)) & 1) === 1;
    const setValid = (i: number) => (this.valid[(start + i) >> 3]! |= 1 << ((start + i) & 7));
    switch (this.typeId) {
      case DuckDBTypeId.DOUBLE: {
        const data = duckdb.vector_get_data(vector, count * 8);
        const items = new Float64Array(data.buffer, data.byteOffset, count);
        const out = this.values as Float64Array;
        for (let i = 0; i < count; i++) {
          if (isValid(i) && Number.isFinite(items[i]!)) {
            out[start + i] = items[i]!;
            setValid(i);
          } else this.nulls++;
        }
        return;
      }
      case DuckDBTypeId.BIGINT: {
        const data = duckdb.vector_get_data(vector, count * 8);
        (this.values as BigInt64Array).set(new BigInt64Array(data.buffer, data.byteOffset, count), start);
        break;
      }
      case DuckDBTypeId.INTEGER:
      case DuckDBTypeId.DATE: {
        const data = duckdb.vector_get_data(vector, count * 4);
        (this.values as Int32Array).set(new Int32Array(data.buffer, data.byteOffset, count), start);
        break;
      }
      case DuckDBTypeId.BOOLEAN: {
        const data = duckdb.vector_get_data(vector, count);
        const out = this.values as Uint8Array;
        for (let i = 0; i < count; i++) if (data[i]) out[(start + i) >> 3]! |= 1 << ((start + i) & 7);
        break;
      }
      case DuckDBTypeId.VARCHAR: {
        // DuckDB's string_t: 4 bytes of length, then up to 12 bytes inline, else a 4-byte prefix and a pointer.
        const data = duckdb.vector_get_data(vector, count * 16);
        const view = new DataView(data.buffer, data.byteOffset, count * 16);
        const offsets = this.offsets!;
        for (let i = 0; i < count; i++) {
          if (isValid(i)) {
            const at = i * 16;
            const length = view.getUint32(at, true);
            const bytes = length <= 12 ? data.subarray(at + 4, at + 4 + length) : duckdb.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + at + 8, length);
            this.append(bytes);
          }
          offsets[start + i + 1] = this.used;
        }
        break;
      }
    }
    for (let i = 0; i < count; i++) {
      if (isValid(i)) setValid(i);
      else this.nulls++;
    }
  }

  private append(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.used + bytes.length, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    this.bytes.set(bytes, this.used);
    this.used += bytes.length;
  }

  vector(rows: number): Vector {
    const common = { length: rows, nullCount: this.nulls, nullBitmap: this.nulls > 0 ? this.valid : undefined };
    switch (this.typeId) {
      case DuckDBTypeId.DOUBLE:
        return makeVector(makeData({ type: new Float64(), data: this.values as Float64Array, ...common }));
      case DuckDBTypeId.BIGINT:
        return makeVector(makeData({ type: new Int64(), data: this.values as BigInt64Array, ...common }));
      case DuckDBTypeId.BOOLEAN:
        return makeVector(makeData({ type: new Bool(), data: this.values as Uint8Array, ...common }));
      case DuckDBTypeId.DATE:
        return makeVector(makeData({ type: new DateDay(), data: this.values as Int32Array, ...common }));
      case DuckDBTypeId.VARCHAR:
        return makeVector(makeData({ type: new Utf8(), data: this.bytes.subarray(0, this.used), valueOffsets: this.offsets!, ...common }));
      default:
        return makeVector(makeData({ type: new Int32(), data: this.values as Int32Array, ...common }));
    }
  }
}

/** The result as an Arrow IPC stream, or undefined when a column's type is not one read here. */
export function arrowFromDuckDB(result: DuckDBMaterializedResult): Uint8Array | undefined {
  const names = result.deduplicatedColumnNames();
  const typeIds = names.map((_, i) => result.columnTypeId(i));
  if (!typeIds.every((t) => supported.has(t))) return undefined;
  const rows = result.rowCount;
  const columns = typeIds.map((t) => new Column(t, rows));
  let start = 0;
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    const count = chunk.rowCount;
    columns.forEach((column, c) => column.read(duckdb.data_chunk_get_vector(chunk.chunk, c), start, count));
    start += count;
  }
  const vectors: Record<string, Vector<DataType>> = {};
  names.forEach((name, c) => (vectors[name] = columns[c]!.vector(rows)));
  return tableToIPC(new Table(vectors), 'stream');
}
