import { formulaLikePattern, sheets, type Kind } from '../../domain/index.ts';

/** Quotes an identifier that comes from the domain's definitions (never from a request). */
export function quotedIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The table of a kind's current rows, by name (the appender's argument) … */
export const rowsTableName = (kind: Kind) => `${kind}_rows`;
/** … and as it stands in SQL. */
export const rowsTable = (kind: Kind) => quotedIdentifier(rowsTableName(kind));

/** `json_object('dong', r."dong", …)`: one row's values as the API's typed JSON. */
export function valuesJson(kind: Kind, alias = 'r'): string {
  return `json_object(${sheets[kind].columns.map((c) => `'${c.field}', ${alias}.${quotedIdentifier(c.field)}`).join(', ')})`;
}

export const utcIso = (column: string) => `strftime(${column} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`;

/** Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection): domain/formula-guard.ts. */
export const neutralisedSql = (expr: string) => `CASE WHEN regexp_matches(${expr}, '${formulaLikePattern}') THEN '''' || ${expr} ELSE ${expr} END`;
