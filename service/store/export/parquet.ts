import type { DuckDBConnection } from '@duckdb/node-api';
import type { Kind } from '../../../domain/index.ts';
import { pathLiteral } from './path.ts';
import { viewSelection, type ExportScope } from './select.ts';

/**
 * Parquet through DuckDB: the analytic view's columns (rowId as text). Partitioned, `out` is a
 * folder of `district=…/phase=…/*.parquet` (hive layout, for Spark, Trino, BigQuery, DuckDB); the
 * partition columns are kept inside the files too, so a district code like 30110 stays text for
 * readers that do not infer hive types (DuckDB: `read_parquet(…, hive_partitioning = false)`, or
 * `hive_types = {'district': VARCHAR, 'phase': INTEGER}`).
 */
export async function writeParquet(
  connection: DuckDBConnection,
  kind: Kind,
  out: string,
  options: { scope?: ExportScope; partitioned?: boolean } = {},
): Promise<number> {
  const { sql, params } = viewSelection(kind, options.scope);
  const partition = options.partitioned ? ', PARTITION_BY (district, phase), WRITE_PARTITION_COLUMNS true' : '';
  const result = await connection.runAndReadAll(`COPY (${sql}) TO ${pathLiteral(out)} (FORMAT parquet, COMPRESSION zstd${partition})`, params);
  return Number(result.getRows()[0]?.[0] ?? 0);
}
