import type { DuckDBConnection } from '@duckdb/node-api';
import { kinds, type Kind, type RowValues, type ServerRow } from '../../domain/index.ts';
import { readsAll, readsCity, type Actor } from './auth.ts';
import type { Readers } from './readers.ts';
import { rowsTable, utcIso, valuesJson } from './sql.ts';

/**
 * The ids bound as `$name` (a JSON list of UUIDs) as a one-column table `ids(id)`: DuckDB reads a
 * list of UUIDs straight into UUIDs, faster than text cast after.
 */
export const idList = (name: string) => `(SELECT unnest(from_json($${name}, '["UUID"]')) AS id) ids`;

/** A stored row as the API gives it, with its dong (for scope checks). */
export interface Current extends ServerRow {
  dong: string;
}

/** SELECT of stored rows (live and tombstoned) as `toServerRow` reads them; add WHERE / SEMI JOIN. */
export function serverRowSql(kind: Kind): string {
  return `SELECT r.rowId::VARCHAR AS rowId, r.revision, r.deleted, r.dong, ${valuesJson(kind)}::VARCHAR AS vals,
      r.updatedBy, ${utcIso('r.updatedAt')} AS updatedAt, r.source
      FROM ${rowsTable(kind)} r`;
}

export function toServerRow(r: Record<string, unknown>): Current {
  return {
    rowId: r.rowId as string,
    revision: Number(r.revision),
    deleted: Boolean(r.deleted),
    dong: r.dong as string,
    values: JSON.parse(r.vals as string) as RowValues,
    updatedBy: r.updatedBy as string,
    updatedAt: r.updatedAt as string,
    source: (r.source as string | null) ?? null,
  };
}

/** The stored rows (live and tombstoned) with the given ids. */
export async function currentRows(readers: Readers, kind: Kind, ids: string[], connection: DuckDBConnection): Promise<Map<string, Current>> {
  const current = new Map<string, Current>();
  if (ids.length === 0) return current;
  const found = await readers.rows(`${serverRowSql(kind)} SEMI JOIN ${idList('ids')} ON r.rowId = ids.id`, { ids: JSON.stringify(ids) }, connection);
  for (const r of found) current.set(r.rowId as string, toServerRow(r));
  return current;
}

/** The rows room: pulls a page at a time, and what imports and health ask of stored rows. */
export class RowReads {
  constructor(
    private readonly readers: Readers,
    /** The revision published when a pull begins (every revision up to it is committed). */
    private readonly published: () => number,
  ) {}

  /** Every row and tombstone above `since` that the actor may read, in revision order. */
  async pull(kind: Kind, since: number, actor: Actor): Promise<{ revision: number; rows: ServerRow[] }> {
    const { revision, pages } = this.pullPages(kind, since, actor);
    const rows: ServerRow[] = [];
    for await (const page of pages) rows.push(...page);
    return { revision, rows };
  }

  /**
   * `pull` a page at a time (`pageRows` rows, by revision): a whole country's rows go out with memory
   * flat, and a slow client holds no reader between pages. Every page stops at the revision
   * published when the pull began. A city's or the country's pull reads each page on its own turn at
   * the heavy-read gate; a dong's or a district's (a few hundred rows, read in milliseconds) takes its
   * turn at the small-scan gate instead, never behind a country's comparisons.
   */
  pullPages(kind: Kind, since: number, actor: Actor, pageRows = 5000, signal?: AbortSignal): { revision: number; pages: AsyncGenerator<ServerRow[]> } {
    const revision = this.published();
    // A city's reader reads its dongs, its districts' own rows and the city's own.
    const scope = readsAll(actor)
      ? ''
      : readsCity(actor)
        ? 'AND (r.dong IN (SELECT code FROM dongs WHERE city = $city) OR r.dong IN (SELECT code FROM districts WHERE city = $city) OR r.dong = $city)'
        : actor.role === 'dong'
          ? 'AND r.dong = $dong'
          : actor.role === 'district'
            ? 'AND (r.dong IN (SELECT code FROM dongs WHERE district = $district) OR r.dong = $district)'
            : 'AND false';
    const params: Record<string, string | number> = { upto: revision, pageRows };
    if (readsCity(actor)) params.city = actor.city;
    else if (actor.role === 'dong') params.dong = actor.dong ?? '';
    else if (actor.role === 'district') params.district = actor.district ?? '';
    const sql = `${serverRowSql(kind)} WHERE r.revision > $after AND r.revision <= $upto ${scope} ORDER BY r.revision LIMIT $pageRows`;
    const readers = this.readers;
    const light = actor.role === 'dong' || actor.role === 'district';
    const read = (after: number) => (c: DuckDBConnection) => readers.rows(sql, { ...params, after }, c);
    const page = (after: number) => (light ? readers.smallScan(read(after), signal) : readers.scan(read(after), signal)).then((found) => found.map(toServerRow));
    async function* pages(): AsyncGenerator<ServerRow[]> {
      let after = since;
      for (;;) {
        const found = await page(after);
        if (found.length === 0) return;
        yield found.map(({ dong: _dong, ...row }) => row);
        if (found.length < pageRows) return;
        after = found[found.length - 1]!.revision;
      }
    }
    return { revision, pages: pages() };
  }

  /** The current revision and source (workbook) of the given rows, by rowId. */
  async revisionsOf(kind: Kind, rowIds: string[]): Promise<Map<string, { revision: number; deleted: boolean; source: string | null; updatedBy: string }>> {
    const out = new Map<string, { revision: number; deleted: boolean; source: string | null; updatedBy: string }>();
    if (rowIds.length === 0) return out;
    const found = await this.readers.rows(
      `SELECT r.rowId::VARCHAR AS rowId, r.revision, r.deleted, r.source, r.updatedBy FROM ${rowsTable(kind)} r
       SEMI JOIN ${idList('ids')} ON r.rowId = ids.id`,
      { ids: JSON.stringify(rowIds.map((id) => id.toLowerCase())) },
    );
    for (const r of found) {
      out.set(r.rowId as string, { revision: Number(r.revision), deleted: Boolean(r.deleted), source: (r.source as string | null) ?? null, updatedBy: r.updatedBy as string });
    }
    return out;
  }

  /** Counts of live rows by kind (for health and the demo). */
  async counts(): Promise<Record<Kind, number>> {
    const out = {} as Record<Kind, number>;
    for (const kind of kinds) {
      const r = await this.readers.rows(`SELECT count(*) AS n FROM ${rowsTable(kind)} WHERE NOT deleted`);
      out[kind] = Number(r[0]?.n ?? 0);
    }
    return out;
  }
}
