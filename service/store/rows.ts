import type { DuckDBBlobValue, DuckDBConnection } from '@duckdb/node-api';
import { kinds, type Kind, type ServerRow } from '../../domain/index.ts';
import { readsAll, readsCity, type Actor } from './auth.ts';
import type { Readers } from './readers.ts';
import { rowsTable, utcIso, valuesJson } from './sql.ts';
import { readKept } from './statements.ts';

/**
 * The ids bound as `$name` (a JSON list of UUIDs) as a one-column table `ids(id)`: DuckDB reads a
 * list of UUIDs straight into UUIDs, faster than text cast after.
 */
export const idList = (name: string) => `(SELECT unnest(from_json($${name}, '["UUID"]')) AS id) ids`;

/** A stored row as the API gives it, with its dong (for scope checks). */
export interface Current extends ServerRow {
  dong: string;
}

/** The stored rows (live and tombstoned) of `kind` that `where` chooses (a WHERE, SEMI JOIN, ORDER BY or LIMIT on `rows r`), as `s`. */
function storedRows(kind: Kind, where: string): string {
  return `(SELECT r.rowId::VARCHAR AS rowId, r.revision, r.deleted, r.dong, ${valuesJson(kind)} AS vals, r.updatedBy,
              ${utcIso('r.updatedAt')} AS updatedAt, r.source
            FROM ${rowsTable(kind)} r ${where}) s`;
}

/**
 * The rows `s` as the members of a JSON array (comma-separated, no brackets; '' for none), one
 * object a row in revision order, with its `dong` when the store checks scope on it (a pull sends none).
 */
const rowMembers = (withDong: boolean) =>
  `coalesce(string_agg(json_object('rowId', s.rowId, 'revision', s.revision, 'deleted', s.deleted,${withDong ? " 'dong', s.dong," : ''}
        'values', s.vals, 'updatedBy', s.updatedBy, 'updatedAt', s.updatedAt, 'source', s.source)::VARCHAR, ',' ORDER BY s.revision), '')`;

/**
 * The stored rows (live and tombstoned) of `kind` that `where` chooses (as `storedRows`), in
 * revision order, as one JSON array of `Current`s: DuckDB writes the text and JavaScript parses it
 * once, where reading each row's eight values out one at a time cost a native call and a buffer per
 * text value (most of a small sync's or a pull's time in JavaScript).
 */
export function serverRowsSql(kind: Kind, where: string): string {
  return `SELECT '[' || ${rowMembers(true)} || ']' AS rows FROM ${storedRows(kind, where)}`;
}

/**
 * The same rows as a pull sends them (a `ServerRow` each, no `dong`), as the members of a JSON array
 * with their count and the last revision: the text goes to the client as DuckDB wrote it, never
 * parsed and written again in JavaScript — and as its UTF-8 bytes (a BLOB), never made a JavaScript
 * string: a page of 5,000 rows is megabytes, which as a string was decoded into the heap's
 * large-object space (under `npm run load`, a full collection every half second) and encoded again
 * to be sent.
 */
function pulledRowsSql(kind: Kind, where: string): string {
  return `SELECT encode(${rowMembers(false)}) AS rows, count(*) AS n, max(s.revision) AS last FROM ${storedRows(kind, where)}`;
}

/** A page of a pull: its rows as the members of a JSON array in UTF-8 (`pulledRowsSql`), how many, and the last one's revision. */
export interface PulledPage {
  bytes: Uint8Array;
  rows: number;
  last: number;
}

/** The rows a `serverRowsSql` statement chooses. */
export async function readServerRows(connection: DuckDBConnection, sql: string, params: Record<string, string | number>): Promise<Current[]> {
  const result = await readKept(connection, sql, params);
  return JSON.parse(result.getRows()[0]![0] as string) as Current[];
}

/**
 * The stored rows (live and tombstoned) with the given ids. With `atLeast` (the lowest base revision
 * a group's batches give for the kind: their rows are stored at that revision or later), the newer part of the table is read
 * first, DuckDB skipping the rest by its revision statistics; any id not found there is then looked
 * for in the whole table, so a wrong or missing base revision never hides a stored row.
 */
export async function currentRows(kind: Kind, ids: string[], connection: DuckDBConnection, atLeast?: number): Promise<Map<string, Current>> {
  const current = new Map<string, Current>();
  const lookUp = async (wanted: string[], newer: boolean) => {
    if (wanted.length === 0) return;
    const where = `SEMI JOIN ${idList('ids')} ON r.rowId = ids.id${newer ? ' WHERE r.revision >= $atLeast' : ''}`;
    const params: Record<string, string | number> = { ids: JSON.stringify(wanted), ...(newer ? { atLeast } : {}) };
    for (const r of await readServerRows(connection, serverRowsSql(kind, where), params)) current.set(r.rowId, r);
  };
  if (atLeast === undefined) {
    await lookUp(ids, false);
    return current;
  }
  await lookUp(ids, true);
  await lookUp(
    ids.filter((id) => !current.has(id)),
    false,
  );
  return current;
}

/** The rows room: pulls a page at a time, and what imports and health ask of stored rows. */
export class RowReads {
  constructor(
    private readonly readers: Readers,
    /** The revision published when a pull begins (every revision up to it is committed). */
    private readonly published: () => number,
    /** The revision at which a kind's rows last changed, or later (Syncs.revisionOf). */
    private readonly changedAt: (kind: Kind) => number,
  ) {}

  /** Every row and tombstone above `since` that the actor may read, in revision order. */
  async pull(kind: Kind, since: number, actor: Actor): Promise<{ revision: number; rows: ServerRow[] }> {
    const { revision, pages } = this.pullPages(kind, since, actor);
    const json: string[] = [];
    for await (const page of pages) json.push(Buffer.from(page.bytes.buffer, page.bytes.byteOffset, page.bytes.byteLength).toString('utf8'));
    return { revision, rows: JSON.parse(`[${json.join(',')}]`) as ServerRow[] };
  }

  /**
   * `pull` a page at a time (`pageRows` rows, by revision): a whole country's rows go out with memory
   * flat, and a slow client holds no reader between pages. Every page stops at the revision
   * published when the pull began. A city's or the country's pull reads each page on its own turn at
   * the heavy-read gate; a dong's or a district's (a few hundred rows, read in milliseconds) takes its
   * turn at the small-scan gate instead, never behind a country's comparisons. A pull of a kind whose
   * rows have not changed since `since` reads nothing (a pane asks after changes of other kinds too).
   */
  pullPages(kind: Kind, since: number, actor: Actor, pageRows = 5000, signal?: AbortSignal): { revision: number; pages: AsyncGenerator<PulledPage> } {
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
    const sql = pulledRowsSql(kind, `WHERE r.revision > $after AND r.revision <= $upto ${scope} ORDER BY r.revision LIMIT $pageRows`);
    const readers = this.readers;
    const light = actor.role === 'dong' || actor.role === 'district';
    const read = (after: number) => async (c: DuckDBConnection) => {
      const [json, rows, last] = (await readKept(c, sql, { ...params, after })).getRows()[0]!;
      return { bytes: (json as DuckDBBlobValue).bytes, rows: Number(rows), last: Number(last ?? after) };
    };
    const page = (after: number) => (light ? readers.smallScan(read(after), signal) : readers.scan(read(after), signal));
    const unchanged = this.changedAt(kind) <= since;
    async function* pages(): AsyncGenerator<PulledPage> {
      if (unchanged) return;
      let after = since;
      for (;;) {
        const found = await page(after);
        if (found.rows === 0) return;
        yield found;
        if (found.rows < pageRows) return;
        after = found.last;
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
