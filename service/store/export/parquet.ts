import type { DuckDBConnection } from '@duckdb/node-api';
import type { Kind } from '../../../domain/index.ts';
import { pathLiteral } from './path.ts';
import { viewSelection, type ExportScope } from './select.ts';

/**
 * Parquet through DuckDB: the analytic view's columns (rowId as text). Partitioned, `out` is a
 * folder of `district=…/phase=…/*.parquet` (hive layout), the partition columns in the folder names
 * only, as hive readers expect: pandas, pyarrow and DuckDB (`hive_partitioning = true`) read the
 * folder with their defaults. They infer the types from the names (a district code like 30110 as a
 * number); to keep it text, name the types (DuckDB: `hive_types = {'district': VARCHAR}`; pyarrow:
 * `partitioning=ds.partitioning(pa.schema([('district', pa.string())]), flavor='hive')`).
 */
export async function writeParquet(connection: DuckDBConnection, kind: Kind, out: string, options: { scope?: ExportScope; partitioned?: boolean } = {}): Promise<number> {
  const { sql, params } = viewSelection(kind, options.scope);
  const partition = options.partitioned ? ', PARTITION_BY (district, phase)' : '';
  const result = await connection.runAndReadAll(`COPY (${sql}) TO ${pathLiteral(out)} (FORMAT parquet, COMPRESSION zstd${partition})`, params);
  return Number(result.getRows()[0]?.[0] ?? 0);
}
