import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Reference } from '../../domain/index.ts';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Database {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  path: string;
  threads: number;
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
  await migrate(connection);
  return { instance, connection, path, threads };
}

/** Numbered SQL migrations (`NNN_name.sql`), each applied once, in order, in its own transaction. */
export async function migrate(connection: DuckDBConnection): Promise<number[]> {
  await connection.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, appliedAt TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  const done = new Set(
    (await connection.runAndReadAll('SELECT version FROM schema_migrations')).getRowObjects().map((r) => Number(r.version)),
  );
  const applied: number[] = [];
  for (const file of readdirSync(migrationsDir).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort()) {
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
 * Loads a reference set (districts, dongs, populations, phases) in one transaction, replacing rows
 * with the same keys; with `replace`, the old set is removed first.
 */
export async function loadReference(connection: DuckDBConnection, reference: Reference, options: { replace?: boolean } = {}): Promise<void> {
  await connection.run('BEGIN TRANSACTION');
  try {
    if (options.replace) for (const table of ['dong_population', 'dongs', 'districts', 'phases']) await connection.run(`DELETE FROM ${table}`);
    for (const d of reference.districts) {
      await connection.run('INSERT OR REPLACE INTO districts VALUES ($code, $name)', { code: d.code, name: d.name });
    }
    for (const d of reference.dongs) {
      await connection.run('INSERT OR REPLACE INTO dongs VALUES ($code, $name, $district, $adminCode, $joinedPhase, $illustrative)', {
        code: d.code,
        name: d.name,
        district: d.district,
        adminCode: d.adminCode,
        joinedPhase: d.joinedPhase,
        illustrative: d.populationIllustrative,
      });
      for (const [year, population] of Object.entries(d.population)) {
        await connection.run('INSERT OR REPLACE INTO dong_population VALUES ($dong, $year, $population)', {
          dong: d.code,
          year: Number(year),
          population,
        });
      }
    }
    for (const p of reference.phases) {
      await connection.run('INSERT OR REPLACE INTO phases VALUES ($phase, $name, $year, $start::DATE, $end::DATE)', {
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

/** Reads the reference set back from the database. */
export async function readReference(connection: DuckDBConnection, city = ''): Promise<Reference> {
  const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  const pops = await rows('SELECT dong, year, population FROM dong_population');
  const popByDong = new Map<string, Record<string, number>>();
  for (const p of pops) {
    const m = popByDong.get(p.dong as string) ?? {};
    m[String(p.year)] = Number(p.population);
    popByDong.set(p.dong as string, m);
  }
  return {
    city,
    districts: (await rows('SELECT code, name FROM districts ORDER BY code')).map((r) => ({ code: r.code as string, name: r.name as string })),
    dongs: (await rows('SELECT * FROM dongs ORDER BY district, code')).map((r) => ({
      code: r.code as string,
      name: r.name as string,
      district: r.district as string,
      adminCode: (r.adminCode as string | null) ?? null,
      joinedPhase: Number(r.joinedPhase),
      population: popByDong.get(r.code as string) ?? {},
      populationIllustrative: Boolean(r.populationIllustrative),
    })),
    phases: (await rows("SELECT phase, name, year, strftime(startOn, '%Y-%m-%d') AS start, strftime(endOn, '%Y-%m-%d') AS \"end\" FROM phases ORDER BY phase")).map(
      (r) => ({ phase: Number(r.phase), name: r.name as string, year: Number(r.year), start: r.start as string, end: r.end as string }),
    ),
  };
}
