import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { milestones, type CityReference, type Dong, type ExpectedMilestones, type Milestone, type Reference } from '../../domain/index.ts';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Database {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  path: string;
  threads: number;
  /** The migrations this open applied (empty when the file was up to date). */
  applied: number[];
}

/**
 * Opens (creating if needed) the one DuckDB file and brings its schema up to date. Callers keep the
 * single instance: DuckDB must never be opened twice on the same file.
 */
export async function openDatabase(path: string, options: { threads?: number; memoryLimit?: string } = {}): Promise<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // Checkpoints run when the writer is idle (Store.checkpointSoon); the WAL size that forces one at
  // a commit is raised from 16 MB, so a burst of syncs is not held up by checkpoints mid-way.
  // `memoryLimit` caps DuckDB's buffer pool (beyond it, DuckDB spills to disk); unset, DuckDB takes
  // up to 80% of the machine's memory.
  const threads = options.threads ?? 2;
  const config: Record<string, string> = { threads: String(threads), checkpoint_threshold: '128MB' };
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  const instance = await DuckDBInstance.create(path, config);
  const connection = await instance.connect();
  let applied: number[];
  try {
    applied = await migrate(connection);
  } catch (error) {
    // Refused or failed: the file is let go at once (another version may open it).
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  return { instance, connection, path, threads, applied };
}

const migrationFiles = () =>
  readdirSync(migrationsDir)
    .filter((f) => /^\d{3}_.*\.sql$/.test(f))
    .sort();

/** The newest schema version this program knows (its last migration's number). */
export function latestMigration(): number {
  return Math.max(0, ...migrationFiles().map((f) => Number(f.slice(0, 3))));
}

/** A file written by a newer version: refused before anything is applied, so it is never half-opened. */
export class NewerSchemaError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `이 데이터베이스 파일은 더 새 버전의 자치 장부(스키마 ${found})가 쓴 것입니다. 이 버전은 스키마 ${known}까지만 압니다. 새 버전으로 실행하거나 백업을 복원하세요.\n` +
        `This database was written by a newer Jachi Ledger (schema ${found}); this version knows schema ${known} at most. Run the newer version, or restore a backup.`,
    );
  }
}

/**
 * Numbered SQL migrations (`NNN_name.sql`), each applied once, in order, in its own transaction. A
 * file whose schema is newer than every migration here is refused before anything is applied.
 */
export async function migrate(connection: DuckDBConnection): Promise<number[]> {
  await connection.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, appliedAt TIMESTAMPTZ NOT NULL DEFAULT now())');
  const done = new Set((await connection.runAndReadAll('SELECT version FROM schema_migrations')).getRowObjects().map((r) => Number(r.version)));
  const known = latestMigration();
  const newest = Math.max(0, ...done);
  if (newest > known) throw new NewerSchemaError(newest, known);
  const applied: number[] = [];
  for (const file of migrationFiles()) {
    const version = Number(file.slice(0, 3));
    if (done.has(version)) continue;
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run(readFileSync(join(migrationsDir, file), 'utf8'));
      await connection.run('INSERT INTO schema_migrations (version, name) VALUES ($version, $name)', { version, name: file });
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK');
      throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
    }
    applied.push(version);
  }
  return applied;
}

/**
 * Loads one city's reference set (its districts, dongs, populations, phases and plan) in one
 * transaction, replacing rows with the same keys; with `replace`, that city's old set is removed
 * first. Other cities are never touched.
 */
export async function loadReference(connection: DuckDBConnection, reference: CityReference, options: { replace?: boolean } = {}): Promise<void> {
  const city = reference.cityCode;
  await connection.run('BEGIN TRANSACTION');
  try {
    if (options.replace) {
      const ofCityDongs = 'dong IN (SELECT code FROM dongs WHERE city = $city)';
      await connection.run(`DELETE FROM dong_population WHERE ${ofCityDongs}`, { city });
      await connection.run(`DELETE FROM allocations WHERE ${ofCityDongs}`, { city });
      for (const table of ['expected_milestones', 'dongs', 'districts', 'phases']) await connection.run(`DELETE FROM ${table} WHERE city = $city`, { city });
    }
    await connection.run('INSERT OR REPLACE INTO cities VALUES ($code, $name)', { code: city, name: reference.city });
    for (const d of reference.districts) {
      await connection.run('INSERT OR REPLACE INTO districts (code, name, city) VALUES ($code, $name, $city)', { code: d.code, name: d.name, city });
    }
    for (const d of reference.dongs) {
      await connection.run(
        `INSERT OR REPLACE INTO dongs (code, name, district, adminCode, joinedPhase, populationIllustrative, city)
         VALUES ($code, $name, $district, $adminCode, $joinedPhase, $illustrative, $city)`,
        { code: d.code, name: d.name, district: d.district, adminCode: d.adminCode, joinedPhase: d.joinedPhase, illustrative: d.populationIllustrative, city },
      );
      for (const [year, population] of Object.entries(d.population)) {
        await connection.run('INSERT OR REPLACE INTO dong_population VALUES ($dong, $year, $population)', {
          dong: d.code,
          year: Number(year),
          population,
        });
      }
    }
    await loadPlan(connection, city, reference);
    for (const p of reference.phases) {
      await connection.run('INSERT OR REPLACE INTO phases (city, phase, name, year, startOn, endOn) VALUES ($city, $phase, $name, $year, $start::DATE, $end::DATE)', {
        city,
        phase: p.phase,
        name: p.name,
        year: p.year,
        start: p.start,
        end: p.end,
      });
    }
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

/**
 * A city's allocations and expected milestones, replacing those of the same keys (a cohort ×
 * phase's list is replaced whole). Runs inside the caller's transaction.
 */
export async function loadPlan(connection: DuckDBConnection, city: string, reference: Pick<CityReference, 'allocations' | 'expectedMilestones'>): Promise<void> {
  for (const a of reference.allocations) {
    await connection.run('INSERT OR REPLACE INTO allocations VALUES ($dong, $fiscalYear, $amountKrw)', { dong: a.dong, fiscalYear: a.fiscalYear, amountKrw: a.amountKrw });
  }
  for (const e of reference.expectedMilestones) {
    await connection.run('DELETE FROM expected_milestones WHERE city = $city AND cohort = $cohort AND phase = $phase', { city, cohort: e.cohort, phase: e.phase });
    for (const milestone of e.milestones) {
      await connection.run('INSERT INTO expected_milestones (city, cohort, phase, milestone) VALUES ($city, $cohort, $phase, $milestone)', {
        city,
        cohort: e.cohort,
        phase: e.phase,
        milestone,
      });
    }
  }
}

/** Populations of some dongs, replacing theirs, and each dong's illustrative mark. */
export async function savePopulations(connection: DuckDBConnection, dongs: readonly Pick<Dong, 'code' | 'population' | 'populationIllustrative'>[]): Promise<void> {
  await connection.run('BEGIN TRANSACTION');
  try {
    for (const d of dongs) {
      await connection.run('DELETE FROM dong_population WHERE dong = $dong', { dong: d.code });
      for (const [year, population] of Object.entries(d.population)) {
        await connection.run('INSERT INTO dong_population VALUES ($dong, $year, $population)', { dong: d.code, year: Number(year), population });
      }
      await connection.run('UPDATE dongs SET populationIllustrative = $illustrative WHERE code = $dong', { dong: d.code, illustrative: d.populationIllustrative });
    }
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

/** Reads every city's reference data back from the database. */
export async function readReference(connection: DuckDBConnection): Promise<Reference> {
  const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  const milestoneOrder = new Map(milestones.map((m, i) => [m as string, i]));
  const expected = new Map<string, ExpectedMilestones>();
  for (const r of await rows('SELECT city, cohort, phase, milestone FROM expected_milestones')) {
    const key = `${r.city}|${r.cohort}|${r.phase}`;
    const entry = expected.get(key) ?? { city: r.city as string, cohort: Number(r.cohort), phase: Number(r.phase), milestones: [] as Milestone[] };
    entry.milestones.push(r.milestone as Milestone);
    expected.set(key, entry);
  }
  for (const e of expected.values()) e.milestones.sort((a, b) => (milestoneOrder.get(a) ?? 99) - (milestoneOrder.get(b) ?? 99));
  const pops = await rows('SELECT dong, year, population FROM dong_population');
  const popByDong = new Map<string, Record<string, number>>();
  for (const p of pops) {
    const m = popByDong.get(p.dong as string) ?? {};
    m[String(p.year)] = Number(p.population);
    popByDong.set(p.dong as string, m);
  }
  const phases = await rows("SELECT city, phase, name, year, strftime(startOn, '%Y-%m-%d') AS start, strftime(endOn, '%Y-%m-%d') AS \"end\" FROM phases ORDER BY city, phase");
  return {
    cities: (await rows('SELECT code, name FROM cities ORDER BY code')).map((c) => ({
      code: c.code as string,
      name: c.name as string,
      phases: phases
        .filter((p) => p.city === c.code)
        .map((r) => ({ phase: Number(r.phase), name: r.name as string, year: Number(r.year), start: r.start as string, end: r.end as string })),
    })),
    districts: (await rows('SELECT code, name, city FROM districts ORDER BY code')).map((r) => ({ code: r.code as string, name: r.name as string, city: r.city as string })),
    dongs: (await rows('SELECT d.*, g.city AS districtCity FROM dongs d JOIN districts g ON g.code = d.district ORDER BY d.district, d.code')).map((r) => ({
      code: r.code as string,
      name: r.name as string,
      district: r.district as string,
      city: (r.city as string | null) ?? (r.districtCity as string),
      adminCode: (r.adminCode as string | null) ?? null,
      joinedPhase: Number(r.joinedPhase),
      population: popByDong.get(r.code as string) ?? {},
      populationIllustrative: Boolean(r.populationIllustrative),
    })),
    allocations: (await rows('SELECT dong, fiscalYear, amountKrw FROM allocations ORDER BY dong, fiscalYear')).map((r) => ({
      dong: r.dong as string,
      fiscalYear: Number(r.fiscalYear),
      amountKrw: Number(r.amountKrw),
    })),
    expectedMilestones: [...expected.values()].sort((a, b) => a.city.localeCompare(b.city) || a.cohort - b.cohort || a.phase - b.phase),
  };
}
