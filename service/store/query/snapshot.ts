/**
 * The analyst sandbox's snapshots: files that hold only the analytic views' data (and the
 * reference tables), never the token, batch or audit tables. Each snapshot is a new file named
 * for its generation, made when the store's data changed since the last one; the swap is one
 * assignment, so a query in flight finishes on the file it started on, and an old file is removed
 * once no child holds it open.
 *
 * After a sync, the next snapshot is the last one copied and brought up to date (`updateSnapshot`:
 * the rows changed since its revision replaced, 50–90 ms at 3,500 dongs) instead of copied whole from
 * the views (~1 s there); a new reference, or many updates since the last whole copy, copies it whole.
 */
import { constants, copyFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { kinds } from '../../../domain/index.ts';
import { rowsTableName } from '../sql.ts';

/** The tables of the snapshot: the analytic views and the reference tables, nothing else. */
export const snapshotTables = ['spending', 'participation', 'progress', 'agendas', 'council', 'dongs', 'districts', 'cities', 'phases'] as const;

const stringLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Each table's rows of one city (a city's analysts see their city alone). */
const cityFilter: Record<(typeof snapshotTables)[number], string> = {
  spending: 'city',
  participation: 'city',
  progress: 'city',
  agendas: 'city',
  council: 'city',
  dongs: 'city',
  districts: 'city',
  cities: 'code',
  phases: 'city',
};

/** Snapshots written so far by this process: each its own name as attached (ATTACH names are the instance's, shared by every connection). */
let written = 0;

/**
 * Writes `work`'s snapshot to `path`: into a file beside it (`prepare` makes it: empty, or a copy
 * of the last snapshot), attached to a connection of its own, in one transaction, checkpointed,
 * then renamed to `path` (a child still reading an old file there keeps its inode).
 */
async function writeSnapshot(
  source: DuckDBInstance | DuckDBConnection,
  path: string,
  prepare: (tmp: string) => void,
  work: (connection: DuckDBConnection, alias: string) => Promise<void>,
): Promise<void> {
  const connection = source instanceof DuckDBInstance ? await source.connect() : source;
  // Unique in this process: two snapshots made at once (two cities' analysts) once shared a name
  // made of the millisecond, and the second ATTACH failed.
  const n = ++written;
  const tmp = `${path}.${process.pid}.${n}.tmp`;
  const alias = `jachi_snapshot_${process.pid}_${n}`;
  rmSync(tmp, { force: true });
  try {
    prepare(tmp);
    // ATTACH takes no parameters; the path is the service's own (never a user's), quoted.
    await connection.run(`ATTACH ${stringLiteral(tmp)} AS ${alias}`);
    try {
      await connection.run('BEGIN TRANSACTION');
      await work(connection, alias);
      await connection.run('COMMIT');
      await connection.run(`CHECKPOINT ${alias}`);
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await connection.run(`DETACH ${alias}`);
    }
    renameSync(tmp, path);
  } catch (error) {
    removeFile(tmp);
    throw error;
  } finally {
    if (source instanceof DuckDBInstance) connection.closeSync();
  }
}

/**
 * Writes a new snapshot of the analytic views (and the reference tables) to `path`, copied through
 * ATTACH into a fresh file in one read transaction. Pass the instance (preferred: a dedicated
 * connection is opened, so the copy never runs inside the store's transaction) or an otherwise
 * idle connection.
 */
export async function refreshSnapshot(source: DuckDBInstance | DuckDBConnection, path: string, city?: string): Promise<void> {
  await writeSnapshot(
    source,
    path,
    () => undefined,
    async (connection, alias) => {
      for (const table of snapshotTables) {
        const where = city === undefined ? '' : ` WHERE ${cityFilter[table]} = ${stringLiteral(city)}`;
        await connection.run(`CREATE TABLE ${alias}.${table} AS SELECT * FROM main.${table}${where}`);
      }
    },
  );
}

/**
 * Writes to `path` the snapshot at `from` brought up to date: a copy of it in which each kind's rows
 * changed after revision `since` (edited, deleted, moved to another city, new) are replaced by their
 * live rows in the views now, in one read transaction. Right only when `from` holds every row
 * committed up to `since`, with the reference the views read now. Returns the rows deleted and
 * inserted.
 */
export async function updateSnapshot(source: DuckDBInstance, from: string, path: string, since: number, city?: string): Promise<number> {
  let changed = 0;
  await writeSnapshot(
    source,
    path,
    // A reflink where the file system has them (btrfs, XFS): no bytes copied; else a copy.
    (tmp) => copyFileSync(from, tmp, constants.COPYFILE_FICLONE),
    async (connection, alias) => {
      const after = { since: BigInt(since) };
      for (const kind of kinds) {
        const changedIds = `SELECT rowId FROM main.${rowsTableName(kind)} WHERE revision > $since`;
        changed += (await connection.run(`DELETE FROM ${alias}.${kind} WHERE rowId IN (${changedIds})`, after)).rowsChanged;
        const where = city === undefined ? '' : ` AND ${cityFilter[kind]} = $city`;
        changed += (
          await connection.run(`INSERT INTO ${alias}.${kind} SELECT * FROM main.${kind} WHERE revision > $since${where}`, city === undefined ? after : { ...after, city })
        ).rowsChanged;
      }
    },
  );
  return changed;
}

/** A DuckDB file and its write-ahead log. */
function removeFile(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
}

/**
 * What a snapshot's data is of: every row committed up to the store's `revision` (the snapshot may
 * hold later ones too), over the reference the store held then (compared by identity: a new
 * reference is a new object).
 */
export interface DataVersion {
  revision: number;
  reference: unknown;
}

const sameVersion = (a: DataVersion, b: DataVersion) => a.revision === b.revision && Object.is(a.reference, b.reference);

/**
 * Snapshots brought up to date in a row before the next is copied whole: each update rewrites the
 * tables' changed row groups into the copy and leaves the old ones' space free in it, so a whole
 * copy now and then keeps the file the size of the data.
 */
export const snapshotLimits = { updatesBeforeWhole: 32, rowsBeforeWhole: 100_000 };

export interface SnapshotsOptions {
  /** The store's instance, copied from. */
  source: DuckDBInstance;
  /** The files' common start: `<folder>/jachi.analyst` makes `jachi.analyst.<generation>.duckdb`. */
  base: string;
  /** True while a child holds the file open or answers over it (it is then kept). */
  inUse: (path: string) => boolean;
  /** The one city whose rows the snapshot holds; every city's when absent. */
  city?: string;
}

/** The current snapshot, made again only when the data version changes. */
export class Snapshots {
  private current: { path: string; version: DataVersion; updates: number; rowsChanged: number } | undefined;
  private pending: Promise<void> | undefined;
  /** Files superseded, removed once no child uses them and no query holds them. */
  private readonly old = new Set<string>();
  /** Queries between `take` and `release`, by file. */
  private readonly held = new Map<string, number>();
  private generation = 0;
  private updates = 0;
  private readonly stamp = `${process.pid}-${Date.now().toString(36)}`;

  constructor(private readonly options: SnapshotsOptions) {}

  /** Snapshots made so far (a test's way to see one was not made again). */
  get made(): number {
    return this.generation;
  }

  /** Snapshots made by bringing the last one up to date (the others were copied whole). */
  get updated(): number {
    return this.updates;
  }

  /** The newest snapshot's path. */
  get latest(): string | undefined {
    return this.current?.path;
  }

  /**
   * The path of a snapshot of the data at `version` (or later), made now if the current one is
   * older, and kept until `release(path)`. Concurrent callers share one refresh.
   */
  async take(version: DataVersion): Promise<string> {
    for (;;) {
      if (this.current && sameVersion(this.current.version, version)) {
        const path = this.current.path;
        this.held.set(path, (this.held.get(path) ?? 0) + 1);
        return path;
      }
      if (this.pending) {
        await this.pending;
        continue;
      }
      this.pending = this.refresh(version).finally(() => (this.pending = undefined));
      await this.pending;
    }
  }

  /** A query is done with the file `take` gave it. */
  release(path: string): void {
    const left = (this.held.get(path) ?? 1) - 1;
    if (left > 0) this.held.set(path, left);
    else this.held.delete(path);
    this.collect();
  }

  /** Removes superseded files that no query holds and no child uses any more. */
  collect(): void {
    for (const path of this.old) {
      if (this.held.has(path) || this.options.inUse(path)) continue;
      removeFile(path);
      this.old.delete(path);
    }
  }

  /** Removes every snapshot file (the children are gone). */
  close(): void {
    if (this.current) this.old.add(this.current.path);
    this.current = undefined;
    for (const path of this.old) removeFile(path);
    this.old.clear();
  }

  private async refresh(version: DataVersion): Promise<void> {
    if (this.generation === 0) this.removeLeftovers();
    this.generation += 1;
    const path = `${this.options.base}.${this.stamp}-${this.generation}.duckdb`;
    const { source, city } = this.options;
    const last = this.current;
    let next = { path, version, updates: 0, rowsChanged: 0 };
    if (last && Object.is(last.version.reference, version.reference) && last.updates < snapshotLimits.updatesBeforeWhole && last.rowsChanged < snapshotLimits.rowsBeforeWhole) {
      // The last snapshot holds every row up to its revision: only the rows changed since are read.
      const changed = await updateSnapshot(source, last.path, path, last.version.revision, city).catch(() => undefined);
      if (changed !== undefined) {
        next = { path, version, updates: last.updates + 1, rowsChanged: last.rowsChanged + changed };
        this.updates += 1;
      }
    }
    // Copied whole: the first, after a new reference, after many updates, or should an update fail.
    if (next.updates === 0) await refreshSnapshot(source, path, city);
    if (last) this.old.add(last.path);
    this.current = next;
    this.collect();
  }

  /** Files an earlier run left (it was killed before it could remove them), and the one-file form before generations. */
  private removeLeftovers(): void {
    const folder = dirname(this.options.base);
    const start = `${basename(this.options.base)}.`;
    for (const name of readdirSync(folder)) {
      if (name.startsWith(start) && /\.duckdb(\.wal|\.\d+\.\d+\.tmp(\.wal)?)?$/.test(name)) removeFile(join(folder, name));
    }
  }
}
