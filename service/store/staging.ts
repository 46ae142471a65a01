import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { sheets, type ColumnDef, type Kind, type RowValues } from '../../domain/index.ts';
import { quotedIdentifier, rowsTable, valuesJson } from './sql.ts';

/** One row version to write: the service's stamps and the row's typed values. */
export interface Version {
  rowId: string;
  revision: number;
  deleted: boolean;
  baseRevision: number | null;
  updatedBy: string;
  updatedAt: string;
  source: string | null;
  batchId: string;
  values: RowValues;
}

const stageName = (kind: Kind) => `stage_${kind}`;

type Append = (a: DuckDBAppender, v: unknown) => void;
const nullable =
  (append: Append): Append =>
  (a, v) => (v === null || v === undefined ? a.appendNull() : append(a, v));
const appendText = nullable((a, v) => a.appendVarchar(v as string));
const appendInt = nullable((a, v) => a.appendInteger(v as number));
const appendBig = nullable((a, v) => a.appendBigInt(BigInt(v as number)));
const appendDouble = nullable((a, v) => a.appendDouble(v as number));
const appendBool = nullable((a, v) => a.appendBoolean(v as boolean));

function fieldStage(c: ColumnDef): { type: string; append: Append } {
  switch (c.type) {
    case 'phase':
    case 'year':
      return { type: 'INTEGER', append: appendInt };
    case 'money':
    case 'count':
      return { type: 'BIGINT', append: appendBig };
    case 'percent':
      return { type: 'DOUBLE', append: appendDouble };
    case 'boolean':
      return { type: 'BOOLEAN', append: appendBool };
    case 'date':
      return { type: 'VARCHAR', append: appendText };
    default:
      return { type: 'VARCHAR', append: appendText };
  }
}

/**
 * Staging through DuckDB's appender: a batch's versions are appended to a connection-local TEMP
 * table (the fast path, ~10× a JSON parameter), then moved into the rows and audit tables by
 * set-based statements inside the write transaction.
 */
export async function createStages(connection: DuckDBConnection): Promise<void> {
  for (const kind of Object.keys(sheets) as Kind[]) {
    const fields = sheets[kind].columns.map((c) => `${quotedIdentifier(c.field)} ${fieldStage(c).type}`);
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ${stageName(kind)} (rowId VARCHAR, revision BIGINT, deleted BOOLEAN, baseRevision BIGINT,
        updatedBy VARCHAR, updatedAt VARCHAR, source VARCHAR, batchId VARCHAR, ${fields.join(', ')})`,
    );
  }
}

export async function stageVersions(connection: DuckDBConnection, kind: Kind, versions: readonly Version[]): Promise<void> {
  await connection.run(`DELETE FROM ${stageName(kind)}`);
  const columns = sheets[kind].columns.map((c) => ({ field: c.field, append: fieldStage(c).append }));
  const appender = await connection.createAppender(stageName(kind), 'main', 'temp');
  try {
    for (const v of versions) {
      appender.appendVarchar(v.rowId);
      appender.appendBigInt(BigInt(v.revision));
      appender.appendBoolean(v.deleted);
      appendBig(appender, v.baseRevision);
      appender.appendVarchar(v.updatedBy);
      appender.appendVarchar(v.updatedAt);
      appendText(appender, v.source);
      appender.appendVarchar(v.batchId);
      for (const c of columns) c.append(appender, v.values[c.field]);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Moves the staged versions into the rows table (replacing each row) and the audit log. */
export async function applyStaged(connection: DuckDBConnection, kind: Kind): Promise<void> {
  const stage = stageName(kind);
  const fields = sheets[kind].columns.map((c) => (c.type === 'date' ? `s.${quotedIdentifier(c.field)}::DATE` : `s.${quotedIdentifier(c.field)}`));
  const names = sheets[kind].columns.map((c) => quotedIdentifier(c.field));
  await connection.run(`DELETE FROM ${rowsTable(kind)} WHERE rowId IN (SELECT rowId::UUID FROM ${stage})`);
  await connection.run(
    `INSERT INTO ${rowsTable(kind)} (rowId, revision, deleted, updatedBy, updatedAt, source, batchId, ${names.join(', ')})
     SELECT s.rowId::UUID, s.revision, s.deleted, s.updatedBy, s.updatedAt::TIMESTAMPTZ, s.source, s.batchId::UUID, ${fields.join(', ')}
     FROM ${stage} s`,
  );
  await connection.run(
    `INSERT INTO row_audit (revision, rowId, kind, op, dong, baseRevision, "values", updatedBy, updatedAt, source, batchId)
     SELECT s.revision, s.rowId::UUID, $kind, CASE WHEN s.deleted THEN 'delete' ELSE 'upsert' END, s.dong, s.baseRevision,
       ${valuesJson(kind, 's')}, s.updatedBy, s.updatedAt::TIMESTAMPTZ, s.source, s.batchId::UUID
     FROM ${stage} s`,
    { kind },
  );
}
