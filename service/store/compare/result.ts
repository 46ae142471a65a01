import {
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  createDuckDBValueConverter,
  dateFromTimestampTZValue,
  doubleFromDecimalValue,
  type DuckDBResultReader,
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

/** Reads a finished result into columns + row objects, column by column. */
export function readResult(reader: DuckDBResultReader, maxRows = Infinity): QueryResult {
  const names = reader.deduplicatedColumnNames();
  const columns = names.map((name, i) => ({ name, type: reader.columnType(i).toString() }));
  const data = reader.convertColumns(jsonSafe);
  const length = Math.min(reader.currentRowCount, maxRows);
  const rows: Record<string, unknown>[] = new Array(length);
  for (let r = 0; r < length; r++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = data[c]![r] ?? null;
    rows[r] = row;
  }
  return { columns, rows };
}
