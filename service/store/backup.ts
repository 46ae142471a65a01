/**
 * The backups room: a consistent copy of the database taken while the service writes, a restore
 * that checks a copy before it replaces anything, and the report `jachi doctor` prints.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { kinds, type Kind } from '../../domain/index.ts';
import { latestMigration } from './db.ts';
import { StoreError } from './errors.ts';
import { rowsTable } from './sql.ts';
import type { Writer } from './writer.ts';

export interface BackupResult {
  /** The backup's path. */
  file: string;
  bytes: number;
  /** Every batch acknowledged up to this revision is in the copy. */
  revision: number;
}

/** What a backup records about itself (the table `backup_info` inside the copy). */
export interface BackupInfo {
  revision: number;
  schemaVersion: number;
  takenAt: string;
  /** Rows per kind, live and tombstoned. */
  rows: Record<Kind, number>;
}

const backupName = /^jachi-(\d{8}T\d{9}Z)-r(\d+)\.duckdb$/;
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Rows per kind (live and tombstoned), the highest revision and the schema version, in `db`. */
async function census(c: DuckDBConnection, db: string): Promise<Omit<BackupInfo, 'takenAt'>> {
  const rows = {} as Record<Kind, number>;
  for (const kind of kinds) {
    rows[kind] = Number((await c.runAndReadAll(`SELECT count(*) AS n FROM ${quote(db)}.${rowsTable(kind)}`)).getRowObjects()[0]?.n ?? 0);
  }
  const revision = Number((await c.runAndReadAll(`SELECT coalesce(max(revision), 0) AS r FROM ${quote(db)}.row_audit`)).getRowObjects()[0]?.r ?? 0);
  const schemaVersion = Number((await c.runAndReadAll(`SELECT coalesce(max(version), 0) AS v FROM ${quote(db)}.schema_migrations`)).getRowObjects()[0]?.v ?? 0);
  return { rows, revision, schemaVersion };
}

/** Backups begun by this process. */
let backupsBegun = 0;

/**
 * Copies the database into `dir` as `jachi-<UTC time>-r<revision>.duckdb` while the service runs: on
 * a read connection of its own, one read transaction (DuckDB's snapshot) holds the revision counted
 * and every row copied, so the copy has every batch acknowledged up to that revision and nothing
 * half-written; syncs go on meanwhile. The copy records what it holds (`backup_info`); the newest
 * `keep` backups are kept.
 */
export async function takeBackup(instance: DuckDBInstance, writer: Writer, dir: string, keep = 14): Promise<BackupResult> {
  mkdirSync(dir, { recursive: true });
  const c = await instance.connect();
  // Its own name as attached (ATTACH names are the instance's) and its own temporary file: two
  // backups begun in the same millisecond (the schedule's and an administrator's) once shared both.
  const n = ++backupsBegun;
  const alias = `jachi_backup_${process.pid}_${n}`;
  const takenAt = new Date();
  // UTC to the millisecond (20261202T031500123Z): names sort by time (two taken in the same
  // millisecond at the same revision are the same copy, and keep one name).
  const stamp = takenAt.toISOString().replace(/[-:.]/g, '');
  const tmp = join(resolve(dir), `.${stamp}.${process.pid}.${n}.tmp`);
  let info: BackupInfo;
  try {
    const db = String((await c.runAndReadAll('SELECT current_database()')).getRows()[0]?.[0]);
    await c.run(`ATTACH ${literal(tmp)} AS ${alias}`);
    try {
      await c.run('BEGIN TRANSACTION');
      info = { ...(await census(c, db)), takenAt: takenAt.toISOString() };
      await c.run(`COPY FROM DATABASE ${quote(db)} TO ${alias}`);
      await c.run(
        `CREATE TABLE ${alias}.backup_info AS SELECT $revision::BIGINT AS revision, $schemaVersion::INTEGER AS schemaVersion,
        $takenAt::TIMESTAMPTZ AS takenAt, $rows::JSON AS "rows"`,
        { revision: info.revision, schemaVersion: info.schemaVersion, takenAt: info.takenAt, rows: JSON.stringify(info.rows) },
      );
      await c.run('COMMIT');
    } catch (error) {
      await c.run('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await c.run(`DETACH ${alias}`).catch(() => undefined);
    }
  } catch (error) {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.wal`, { force: true });
    throw new StoreError('backup_failed', (error as Error).message);
  } finally {
    c.closeSync();
  }
  const file = join(resolve(dir), `jachi-${stamp}-r${info.revision}.duckdb`);
  renameSync(tmp, file);
  const bytes = statSync(file).size;
  await writer.enqueue(() =>
    writer.connection.run('INSERT INTO backup_log VALUES ($file, $bytes, $revision, $takenAt::TIMESTAMPTZ)', { file, bytes, revision: info.revision, takenAt: info.takenAt }),
  );
  pruneBackups(dir, keep);
  return { file, bytes, revision: info.revision };
}

/** Keeps the newest `keep` backups of `dir` (by the time in their names), removing the rest. */
export function pruneBackups(dir: string, keep: number): string[] {
  const backups = readdirSync(dir)
    .filter((f) => backupName.test(f))
    .sort()
    .reverse();
  const removed = backups.slice(Math.max(1, keep));
  for (const f of removed) rmSync(join(dir, f), { force: true });
  return removed;
}

/** Reads a file's own record and census, read-only, refusing what is not a backup of this program. */
async function readBackup(file: string): Promise<BackupInfo> {
  if (!existsSync(file)) throw new StoreError('invalid_input', `${file}: 파일이 없습니다 / no such file`);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  } catch (error) {
    throw new StoreError('invalid_input', `${file}: DuckDB 파일로 열 수 없습니다 / cannot be opened as a DuckDB file (${(error as Error).message.split('\n')[0]})`);
  }
  const c = await instance.connect();
  try {
    const db = String((await c.runAndReadAll('SELECT current_database()')).getRows()[0]?.[0]);
    const recorded = (
      await c.runAndReadAll(`SELECT revision, schemaVersion, takenAt::VARCHAR AS takenAt, "rows"::VARCHAR AS "rows" FROM ${quote(db)}.backup_info`).catch(() => undefined)
    )?.getRowObjectsJS()[0];
    if (!recorded) throw new StoreError('invalid_input', `${file}: 자치 장부 백업이 아닙니다 (backup_info 없음) / not a Jachi Ledger backup (no backup_info)`);
    const info: BackupInfo = {
      revision: Number(recorded.revision),
      schemaVersion: Number(recorded.schemaVersion),
      takenAt: String(recorded.takenAt),
      rows: JSON.parse(String(recorded.rows)) as Record<Kind, number>,
    };
    const found = await census(c, db);
    if (info.schemaVersion > latestMigration()) {
      throw new StoreError(
        'invalid_input',
        `${file}: 더 새 버전(스키마 ${info.schemaVersion})이 만든 백업입니다. 이 버전(스키마 ${latestMigration()})으로는 복원할 수 없습니다 / written by a newer version (schema ${info.schemaVersion}); this version knows schema ${latestMigration()}`,
      );
    }
    const differs = kinds.filter((k) => found.rows[k] !== info.rows[k]);
    if (found.schemaVersion !== info.schemaVersion || found.revision !== info.revision || differs.length > 0) {
      throw new StoreError(
        'invalid_input',
        `${file}: 백업에 기록된 내용과 파일이 다릅니다 (${differs.join(', ') || 'revision/schema'}) / the file does not hold what the backup recorded`,
      );
    }
    return info;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

export interface RestoreResult extends BackupInfo {
  /** Where the file that was replaced was kept (null when there was none). */
  replaced: string | null;
}

/**
 * Restores a backup over `dbPath` (the service stopped): the backup is checked first (it opens, it is
 * a backup of this program, its schema is not newer, its rows are what it recorded); the file it
 * replaces is kept beside it as `<db>.replaced-<time>`; nothing is changed when a check fails.
 */
export async function restoreBackup(file: string, dbPath: string): Promise<RestoreResult> {
  const info = await readBackup(resolve(file));
  const target = resolve(dbPath);
  let replaced: string | null = null;
  if (existsSync(target)) {
    // A running service holds the file: opening it is refused, and nothing is replaced.
    try {
      const held = await DuckDBInstance.create(target);
      held.closeSync();
    } catch (error) {
      throw new StoreError(
        'invalid_input',
        `${target}: 다른 프로세스(실행 중인 서비스)가 쓰고 있습니다. 서비스를 멈추고 복원하세요 / held by another process; stop the service first (${(error as Error).message.split('\n')[0]})`,
      );
    }
    replaced = `${target}.replaced-${new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}Z$/, 'Z')}`;
    renameSync(target, replaced);
    if (existsSync(`${target}.wal`)) renameSync(`${target}.wal`, `${replaced}.wal`);
  }
  mkdirSync(resolve(target, '..'), { recursive: true });
  copyFileSync(resolve(file), `${target}.restoring`);
  renameSync(`${target}.restoring`, target);
  return { ...info, replaced };
}

export interface DoctorReport {
  file: string;
  schemaVersion: number;
  /** The newest schema this version knows; a file beyond it is refused at open. */
  knownSchemaVersion: number;
  revision: number;
  rows: Record<Kind, { live: number; deleted: number }>;
  /** The cities the file holds, each with its number of dongs (empty for a file before cities). */
  cities: { code: string; name: string; dongs: number }[];
  lastBackup: { file: string; bytes: number; revision: number; takenAt: string; ageHours: number } | null;
  /** Whether the last backup is younger than `recentHours`. */
  backupRecent: boolean;
}

/** What `jachi doctor` reports of a database file, read-only (the service stopped). */
export async function doctor(dbPath: string, recentHours = 48): Promise<DoctorReport> {
  const file = resolve(dbPath);
  if (!existsSync(file)) throw new StoreError('invalid_input', `${file}: 파일이 없습니다 / no such file`);
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const c = await instance.connect();
  try {
    const db = String((await c.runAndReadAll('SELECT current_database()')).getRows()[0]?.[0]);
    const { schemaVersion, revision } = await census(c, db);
    const rows = {} as DoctorReport['rows'];
    for (const kind of kinds) {
      const r = (
        await c.runAndReadAll(`SELECT count(*) FILTER (WHERE NOT deleted) AS live, count(*) FILTER (WHERE deleted) AS deleted FROM ${rowsTable(kind)}`)
      ).getRowObjects()[0]!;
      rows[kind] = { live: Number(r.live), deleted: Number(r.deleted) };
    }
    const cities =
      (
        await c
          .runAndReadAll(
            `SELECT c.code, c.name, count(d.code) AS dongs FROM cities c
           LEFT JOIN districts g ON g.city = c.code LEFT JOIN dongs d ON d.district = g.code GROUP BY ALL ORDER BY c.code`,
          )
          .catch(() => undefined)
      )
        ?.getRowObjectsJS()
        .map((r) => ({ code: String(r.code), name: String(r.name), dongs: Number(r.dongs) })) ?? [];
    const last = (
      await c
        .runAndReadAll("SELECT file, bytes, revision, strftime(takenAt AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS takenAt FROM backup_log ORDER BY takenAt DESC LIMIT 1")
        .catch(() => undefined)
    )?.getRowObjectsJS()[0];
    const lastBackup = last
      ? {
          file: basename(String(last.file)),
          bytes: Number(last.bytes),
          revision: Number(last.revision),
          takenAt: String(last.takenAt),
          ageHours: (Date.now() - Date.parse(String(last.takenAt))) / 3_600_000,
        }
      : null;
    return {
      file,
      schemaVersion,
      knownSchemaVersion: latestMigration(),
      revision,
      rows,
      cities,
      lastBackup,
      backupRecent: lastBackup !== null && lastBackup.ageHours < recentHours,
    };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}
