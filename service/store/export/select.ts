import { rowIdHeader, sheets, type ColumnDef, type Kind } from '../../../domain/index.ts';
import { neutralisedSql, quotedIdentifier } from '../sql.ts';

/** Which rows an export holds: every live row, or those of the given dongs (codes) only. */
export interface ExportScope {
  dongs?: readonly string[];
}

export type SqlParams = Record<string, string | number | boolean | null>;

export interface Selection {
  sql: string;
  params: SqlParams;
}

/** The order rows are written in: as an official reads them, then by row id so it is stable. */
const orderOf: Record<Kind, readonly string[]> = {
  spending: ['fiscalYear', 'category', 'item'],
  participation: ['date', 'activity', 'title'],
  progress: ['plannedOn', 'milestone'],
  agendas: ['fiscalYear', 'assemblyOn', 'title'],
  council: ['fiscalYear', 'asOf'],
};

function where(scope: ExportScope | undefined): Selection {
  if (!scope?.dongs) return { sql: '', params: {} };
  return {
    sql: `WHERE v.dong IN (SELECT unnest(from_json($dongs::JSON, '["VARCHAR"]')))`,
    params: { dongs: JSON.stringify(scope.dongs) },
  };
}

const orderBy = (kind: Kind) => `ORDER BY v.district, v.dongName, v.phase, ${orderOf[kind].map((f) => `v.${quotedIdentifier(f)}`).join(', ')}, v.rowId`;

/**
 * A dong as officials write it: its name, or "구 이름 동 이름" where two districts share the name
 * (the normaliser reads both forms back to the code).
 */
const shownDongs = `shown AS (
  SELECT d.code, CASE WHEN count(*) OVER (PARTITION BY d.name) > 1 THEN t.name || ' ' || d.name ELSE d.name END AS name
  FROM dongs d JOIN districts t ON t.code = d.district)`;

function sheetColumn(c: ColumnDef, csv: boolean): string {
  const header = quotedIdentifier(c.header);
  // A district's or the city's own rows show the unit's name.
  if (c.type === 'dong') return `coalesce(s.name, v.dongName) AS ${header}`;
  const expr = `v.${quotedIdentifier(c.field)}`;
  if (csv && c.type === 'text') return `${neutralisedSql(expr)} AS ${header}`;
  // a whole percentage reads 100, not 100.0
  if (csv && c.type === 'percent') return `CASE WHEN ${expr} = trunc(${expr}) THEN ${expr}::BIGINT::VARCHAR ELSE ${expr}::VARCHAR END AS ${header}`;
  return `${expr} AS ${header}`;
}

/**
 * The live rows of a kind shaped as its sheet: 행ID first, then the sheet's columns under their
 * Korean headers, the dong by name. `csv` neutralises formula-looking text for spreadsheets.
 */
export function sheetSelection(kind: Kind, scope: ExportScope | undefined, csv: boolean): Selection {
  const filter = where(scope);
  const columns = [`v.rowId::VARCHAR AS ${quotedIdentifier(rowIdHeader)}`, ...sheets[kind].columns.map((c) => sheetColumn(c, csv))];
  return {
    sql: `WITH ${shownDongs}
      SELECT ${columns.join(', ')}
      FROM ${quotedIdentifier(kind)} v LEFT JOIN shown s ON s.code = v.dong
      ${filter.sql} ${orderBy(kind)}`,
    params: filter.params,
  };
}

/**
 * The live rows of a kind as the analytic view has them (field names, `dong` as code with
 * `dongName` and `district`, revision and who changed it when), the row id as text so engines
 * without Parquet's UUID type read it.
 */
export function viewSelection(kind: Kind, scope: ExportScope | undefined): Selection {
  const filter = where(scope);
  return {
    sql: `SELECT * REPLACE (v.rowId::VARCHAR AS rowId) FROM ${quotedIdentifier(kind)} v ${filter.sql} ${orderBy(kind)}`,
    params: filter.params,
  };
}
