import {
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  createDuckDBValueConverter,
  dateFromTimestampTZValue,
  doubleFromDecimalValue,
  type DuckDBMaterializedResult,
  type DuckDBValue,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';

/** A column of a result: its name and DuckDB type (`VARCHAR`, `BIGINT`, `DOUBLE`, `DATE`, …). */
export interface ResultColumn {
  name: string;
  type: string;
}

/**
 * A result as plain JSON-safe data: numbers (BIGINT as a number when it is safe, else a string),
 * strings, booleans, null, dates as `YYYY-MM-DD`, timestamps as ISO 8601.
 */
export interface QueryResult {
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
}

const safeNumber = (value: DuckDBValue): number | string => {
  const n = Number(value as bigint);
  return Number.isSafeInteger(n) ? n : String(value);
};

const fallback = JsonDuckDBValueConverter;
const jsonSafe = createDuckDBValueConverter<Json>({
  ...(Object.fromEntries(
    Object.values(DuckDBTypeId)
      .filter((v) => typeof v === 'number')
      .map((id) => [id, fallback]),
  ) as Record<DuckDBTypeId, DuckDBValueConverter<Json>>),
  [DuckDBTypeId.BIGINT]: safeNumber,
  [DuckDBTypeId.UBIGINT]: safeNumber,
  [DuckDBTypeId.HUGEINT]: safeNumber,
  [DuckDBTypeId.UHUGEINT]: safeNumber,
  [DuckDBTypeId.DECIMAL]: (value) => doubleFromDecimalValue(value),
  [DuckDBTypeId.TIMESTAMP_TZ]: (value) => dateFromTimestampTZValue(value).toISOString(),
  [DuckDBTypeId.FLOAT]: (value) => (Number.isFinite(value as number) ? (value as number) : null),
  [DuckDBTypeId.DOUBLE]: (value) => (Number.isFinite(value as number) ? (value as number) : null),
  [DuckDBTypeId.BLOB]: (value) => String(value),
});

const DAY_MS = 86_400_000;
const isoDay = (days: number) => new Date(days * DAY_MS).toISOString().slice(0, 10);

type Chunk = ReturnType<DuckDBMaterializedResult['getChunk']>;

/** One column of a chunk into rows[start …], with a fast path per common type. */
function readColumn(chunk: Chunk, c: number, typeId: DuckDBTypeId, name: string, rows: Record<string, unknown>[], start: number, count: number): void {
  const vector = chunk.getColumnVector(c);
  switch (typeId) {
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.BOOLEAN:
      for (let r = 0; r < count; r++) rows[start + r]![name] = vector.getItem(r);
      break;
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      for (let r = 0; r < count; r++) {
        const v = vector.getItem(r) as number | null;
        rows[start + r]![name] = v !== null && Number.isFinite(v) ? v : null;
      }
      break;
    case DuckDBTypeId.BIGINT:
      for (let r = 0; r < count; r++) {
        const v = vector.getItem(r) as bigint | null;
        rows[start + r]![name] = v === null ? null : safeNumber(v);
      }
      break;
    case DuckDBTypeId.DATE:
      for (let r = 0; r < count; r++) {
        const v = vector.getItem(r) as { days: number } | null;
        rows[start + r]![name] = v === null ? null : isoDay(v.days);
      }
      break;
    default: {
      const values = chunk.convertColumnValues(c, jsonSafe);
      for (let r = 0; r < count; r++) rows[start + r]![name] = values[r] ?? null;
    }
  }
}

/**
 * Reads a materialized result chunk by chunk, column by column, with a fast path per common type
 * (VARCHAR, INTEGER, DOUBLE, BOOLEAN as they are; BIGINT to a number; DATE to YYYY-MM-DD) and the
 * JSON-safe converter for everything else. About 3× faster than the generic row conversion.
 */
export function readMaterialized(result: DuckDBMaterializedResult, maxRows = Infinity): QueryResult & { truncated: boolean } {
  const names = result.deduplicatedColumnNames();
  const typeIds = names.map((_, i) => result.columnTypeId(i));
  const columns = names.map((name, i) => ({ name, type: result.columnType(i).toString() }));
  const rows: Record<string, unknown>[] = [];
  let truncated = false;
  for (let k = 0; k < result.chunkCount && !truncated; k++) {
    const chunk = result.getChunk(k);
    let count = chunk.rowCount;
    if (rows.length + count > maxRows) {
      count = maxRows - rows.length;
      truncated = true;
    }
    const start = rows.length;
    for (let r = 0; r < count; r++) rows.push({});
    for (let c = 0; c < names.length; c++) readColumn(chunk, c, typeIds[c]!, names[c]!, rows, start, count);
  }
  return { columns, rows, truncated };
}
