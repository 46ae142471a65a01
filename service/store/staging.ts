import { BIGINT, BOOLEAN, DOUBLE, DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { sheets, type ColumnDef, type Kind, type RowValues } from '../../domain/index.ts';
import { quotedIdentifier, rowsTable, valuesJson } from './sql.ts';

/** One row version to write: its revision and the row's typed values. */
export interface Version {
  rowId: string;
  revision: number;
  deleted: boolean;
  baseRevision: number | null;
  values: RowValues;
}

/** What every version of one batch shares: bound once as parameters, never staged per row. */
export interface BatchStamp {
  updatedBy: string;
  updatedAt: string;
  source: string | null;
  batchId: string;
}

const stageName = (kind: Kind) => `stage_${kind}`;

type Convert = (v: unknown) => DuckDBValue;
const same: Convert = (v) => (v === undefined ? null : (v as DuckDBValue));
const big: Convert = (v) => (v === null || v === undefined ? null : BigInt(v as number));

function fieldStage(c: ColumnDef): { sql: string; type: DuckDBType; convert: Convert } {
  switch (c.type) {
    case 'phase':
    case 'year':
      return { sql: 'INTEGER', type: INTEGER, convert: same };
    case 'money':
    case 'count':
      return { sql: 'BIGINT', type: BIGINT, convert: big };
    case 'percent':
      return { sql: 'DOUBLE', type: DOUBLE, convert: same };
    case 'boolean':
      return { sql: 'BOOLEAN', type: BOOLEAN, convert: same };
    default:
      return { sql: 'VARCHAR', type: VARCHAR, convert: same };
  }
}

/** Rows per appended data chunk (DuckDB's vector size). */
const chunkRows = 2048;

/**
 * Staging through DuckDB's appender: a batch's versions are appended to a connection-local TEMP
 * table column by column, in data chunks (the fast path, ~10× a JSON parameter), then moved into
 * the rows and audit tables by set-based statements inside the write transaction. The stamps every
 * version of a batch shares (who, when, source, batch) are bound parameters, not staged columns.
 */
export async function createStages(connection: DuckDBConnection): Promise<void> {
  for (const kind of Object.keys(sheets) as Kind[]) {
    const fields = sheets[kind].columns.map((c) => `${quotedIdentifier(c.field)} ${fieldStage(c).sql}`);
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ${stageName(kind)} (rowId VARCHAR, revision BIGINT, deleted BOOLEAN, baseRevision BIGINT, ${fields.join(', ')})`,
    );
  }
}

export async function stageVersions(connection: DuckDBConnection, kind: Kind, versions: readonly Version[]): Promise<void> {
  await connection.run(`DELETE FROM ${stageName(kind)}`);
  const fields = sheets[kind].columns.map((c) => ({ field: c.field, ...fieldStage(c) }));
  const types = [VARCHAR, BIGINT, BOOLEAN, BIGINT, ...fields.map((f) => f.type)];
  const appender = await connection.createAppender(stageName(kind), 'main', 'temp');
  try {
    for (let start = 0; start < versions.length; start += chunkRows) {
      const part = versions.slice(start, start + chunkRows);
      const chunk = DuckDBDataChunk.create(types, part.length);
      chunk.setColumnValues(0, part.map((v) => v.rowId));
      chunk.setColumnValues(1, part.map((v) => BigInt(v.revision)));
      chunk.setColumnValues(2, part.map((v) => v.deleted));
      chunk.setColumnValues(3, part.map((v) => big(v.baseRevision)));
      fields.forEach((f, i) => chunk.setColumnValues(4 + i, part.map((v) => f.convert(v.values[f.field]))));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Moves the staged versions into the rows table (replacing each row) and the audit log. When no
 * staged row existed before (`replacing` false: only new rows), there is nothing to delete.
 */
export async function applyStaged(connection: DuckDBConnection, kind: Kind, stamp: BatchStamp, replacing: boolean): Promise<void> {
  const stage = stageName(kind);
  const fields = sheets[kind].columns.map((c) => (c.type === 'date' ? `s.${quotedIdentifier(c.field)}::DATE` : `s.${quotedIdentifier(c.field)}`));
  const names = sheets[kind].columns.map((c) => quotedIdentifier(c.field));
  const stamps = { updatedBy: stamp.updatedBy, updatedAt: stamp.updatedAt, source: stamp.source, batchId: stamp.batchId };
  if (replacing) await connection.run(`DELETE FROM ${rowsTable(kind)} WHERE rowId IN (SELECT rowId::UUID FROM ${stage})`);
  await connection.run(
    `INSERT INTO ${rowsTable(kind)} (rowId, revision, deleted, updatedBy, updatedAt, source, batchId, ${names.join(', ')})
     SELECT s.rowId::UUID, s.revision, s.deleted, $updatedBy::VARCHAR, $updatedAt::TIMESTAMPTZ, $source::VARCHAR, $batchId::UUID, ${fields.join(', ')}
     FROM ${stage} s`,
    stamps,
  );
  await connection.run(
    `INSERT INTO row_audit (revision, rowId, kind, op, dong, baseRevision, "values", updatedBy, updatedAt, source, batchId)
     SELECT s.revision, s.rowId::UUID, $kind, CASE WHEN s.deleted THEN 'delete' ELSE 'upsert' END, s.dong, s.baseRevision,
       ${valuesJson(kind, 's')}, $updatedBy::VARCHAR, $updatedAt::TIMESTAMPTZ, $source::VARCHAR, $batchId::UUID
     FROM ${stage} s`,
    { kind, ...stamps },
  );
}
