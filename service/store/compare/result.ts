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
  ...(Object.fromEntries(Object.values(DuckDBTypeId).filter((v) => typeof v === 'number').map((id) => [id, fallback])) as Record<
    DuckDBTypeId,
    DuckDBValueConverter<Json>
  >),
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

/** A dong's name and district by its code: fills `district` and `dongName` beside a `dong` column. */
export type DongNames = ReadonlyMap<string, { name: string; district: string }>;

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

/** The prefix of a key column: `__key__category` numbers `category`'s distinct values (dense_rank). */
export const textKeyPrefix = '__key__';

/**
 * Reads a comparison result whose `district` and `dongName` were left out of the SQL: they are put
 * before and after its `dong` column from `dongNames`. A VARCHAR column X with an INTEGER column
 * `__key__X` beside it is decoded once per key, not once per row (few distinct values, many rows),
 * and the key column is left out. Undefined when a dong code is not in `dongNames`.
 */
export function readComparison(result: DuckDBMaterializedResult, dongNames: DongNames): QueryResult | undefined {
  const names = result.deduplicatedColumnNames();
  const typeIds = names.map((_, i) => result.columnTypeId(i));
  const dongColumn = names.indexOf('dong');
  if (dongColumn < 0 || typeIds[dongColumn] !== DuckDBTypeId.VARCHAR) return undefined;
  const keyOf = names.map((name, c) => {
    const key = typeIds[c] === DuckDBTypeId.VARCHAR ? names.indexOf(`${textKeyPrefix}${name}`) : -1;
    return key >= 0 && typeIds[key] === DuckDBTypeId.INTEGER ? key : -1;
  });
  const columns: ResultColumn[] = [];
  names.forEach((name, c) => {
    if (name.startsWith(textKeyPrefix)) return;
    if (c === dongColumn) columns.push({ name: 'district', type: 'VARCHAR' }, { name, type: 'VARCHAR' }, { name: 'dongName', type: 'VARCHAR' });
    else columns.push({ name, type: result.columnType(c).toString() });
  });
  const decoded = names.map(() => new Map<number, unknown>());
  const rows: Record<string, unknown>[] = [];
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    const count = chunk.rowCount;
    const start = rows.length;
    for (let r = 0; r < count; r++) rows.push({});
    for (let c = 0; c < names.length; c++) {
      const name = names[c]!;
      if (name.startsWith(textKeyPrefix)) continue;
      if (c === dongColumn) {
        const vector = chunk.getColumnVector(c);
        for (let r = 0; r < count; r++) {
          const code = vector.getItem(r) as string | null;
          const dong = code === null ? undefined : dongNames.get(code);
          if (!dong) return undefined;
          const row = rows[start + r]!;
          row.district = dong.district;
          row.dong = code;
          row.dongName = dong.name;
        }
      } else if (keyOf[c]! >= 0) {
        const vector = chunk.getColumnVector(c);
        const keys = chunk.getColumnVector(keyOf[c]!);
        const seen = decoded[c]!;
        for (let r = 0; r < count; r++) {
          const key = keys.getItem(r) as number;
          let value = seen.get(key);
          if (value === undefined) {
            value = vector.getItem(r);
            seen.set(key, value);
          }
          rows[start + r]![name] = value;
        }
      } else readColumn(chunk, c, typeIds[c]!, name, rows, start, count);
    }
  }
  return { columns, rows };
}
