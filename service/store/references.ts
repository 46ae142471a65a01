import type { DuckDBConnection } from '@duckdb/node-api';
import { ReferenceIndex, daejeonReference, kinds, referenceProblems, type CityReference, type Dong, type Reference } from '../../domain/index.ts';
import { loadPlan, loadReference, readReference, savePopulations } from './db.ts';
import { canWriteDong, readsAll, readsCity, type Actor } from './auth.ts';
import { StoreError } from './errors.ts';
import { rowsTable } from './sql.ts';
import type { Readers } from './readers.ts';
import type { Writer } from './writer.ts';

/**
 * A first-wave file of Daejeon's pilot, just migrated (003), gets the city's allocations, expected
 * milestones and its dongs' 행정동 codes, which the first wave did not have; another city's file
 * keeps what it loads itself.
 */
async function fillDaejeonPlan(connection: DuckDBConnection): Promise<void> {
  const codes = JSON.stringify(daejeonReference.dongs.map((d) => d.code));
  const found = await connection.runAndReadAll(`SELECT count(*) AS n FROM dongs WHERE code IN (SELECT unnest(from_json($codes::JSON, '["VARCHAR"]')))`, { codes });
  if (Number(found.getRowObjects()[0]?.n) !== daejeonReference.dongs.length) return;
  await connection.run('BEGIN TRANSACTION');
  try {
    await loadPlan(connection, daejeonReference.cityCode, daejeonReference);
    for (const dong of daejeonReference.dongs) {
      if (dong.adminCode) await connection.run('UPDATE dongs SET adminCode = $adminCode WHERE code = $code AND adminCode IS NULL', { adminCode: dong.adminCode, code: dong.code });
    }
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

/**
 * The reference a file holds when it opens: a new database starts with Daejeon's, a first-wave one
 * just migrated gets Daejeon's plan (`applied` are the migrations this open ran).
 */
export async function openReference(connection: DuckDBConnection, applied: readonly number[]): Promise<Reference> {
  const count = await connection.runAndReadAll('SELECT count(*) AS n FROM dongs');
  if (Number(count.getRowObjects()[0]?.n) === 0) await loadReference(connection, daejeonReference);
  else if (applied.includes(3)) await fillDaejeonPlan(connection);
  return readReference(connection);
}

/**
 * The reference room: the city's reference data as the other rooms read it (an index rebuilt
 * whenever it is replaced), and who may read which dongs.
 */
export class References {
  private current: ReferenceIndex;
  /** Counts the times the reference was replaced: answers computed over an older one are stale. */
  private replaced = 0;

  constructor(
    reference: Reference,
    private readonly writer: Writer,
    private readonly readers: Readers,
  ) {
    this.current = new ReferenceIndex(reference);
  }

  get index(): ReferenceIndex {
    return this.current;
  }

  /**
   * Loads one city's reference data; other cities are not touched. `replace` also removes the
   * city's districts, dongs and phases the new set does not name — refused (nothing changed) while
   * any row, live or deleted, still uses them.
   */
  load(reference: CityReference, options: { replace?: boolean } = {}): Promise<{ districts: number; dongs: number; phases: number }> {
    const problems = referenceProblems(reference, this.current.reference);
    if (problems.length > 0) throw new StoreError('invalid_input', problems.map((p) => `${p.ko} / ${p.en}`).join('; '));
    return this.writer.enqueue(async () => {
      if (options.replace) {
        // The city's dongs and districts (whose own rows name them) that the new set would remove.
        const codes = JSON.stringify([...reference.dongs.map((d) => d.code), ...reference.districts.map((d) => d.code)]);
        const used = await this.readers.rows(
          `SELECT DISTINCT dong FROM (${kinds.map((k) => `SELECT dong FROM ${rowsTable(k)}`).join(' UNION ALL ')})
           WHERE dong IN (SELECT code FROM dongs WHERE city = $city UNION ALL SELECT code FROM districts WHERE city = $city)
             AND dong NOT IN (SELECT unnest(from_json($codes::JSON, '["VARCHAR"]')))`,
          { codes, city: reference.cityCode },
          this.writer.connection,
        );
        if (used.length > 0) {
          const names = used
            .map((u) => this.current.dongByCode.get(u.dong as string)?.name ?? this.current.districtByCode.get(u.dong as string)?.name ?? (u.dong as string))
            .join(', ');
          throw new StoreError('invalid_input', `자료가 있는 동은 뺄 수 없습니다: ${names} / dongs with rows cannot be removed: ${names}`);
        }
      }
      await loadReference(this.writer.connection, reference, { replace: options.replace === true });
      await this.reread();
      return { districts: reference.districts.length, dongs: reference.dongs.length, phases: reference.phases.length };
    });
  }

  /** Official populations of some dongs (`jachi reference populations`), with their illustrative marks. */
  savePopulations(dongs: readonly Pick<Dong, 'code' | 'population' | 'populationIllustrative'>[]): Promise<void> {
    return this.writer.enqueue(async () => {
      await savePopulations(this.writer.connection, dongs);
      await this.reread();
    });
  }

  /** Reads the reference again after something else wrote it (demo generate); on the writer's turn. */
  async reread(): Promise<void> {
    this.current = new ReferenceIndex(await readReference(this.writer.connection));
    this.replaced++;
  }

  /** Which reference the answers were computed over (it changes whenever the reference is replaced). */
  get version(): number {
    return this.replaced;
  }

  /**
   * The reference as an actor sees it: a token limited to one city (by `--city`, or being a dong's
   * or a district's) resolves names within that city and knows only its phases.
   */
  indexFor(actor: Actor): ReferenceIndex {
    // A city the service no longer holds gives an empty view, never every city's.
    return actor.city !== null ? this.current.forCity(actor.city) : this.current;
  }

  /** The units (dong, district and city codes) an actor may read rows of; undefined when it reads all. */
  scopeDongs(actor: Actor): string[] | undefined {
    if (readsAll(actor)) return undefined;
    if (readsCity(actor)) {
      const city = this.current.forCity(actor.city).reference;
      return [...city.dongs.map((d) => d.code), ...city.districts.map((d) => d.code), actor.city];
    }
    const dongs = this.current.reference.dongs.filter((d) => canWriteDong(actor, d)).map((d) => d.code);
    // A district official reads its district's own rows too.
    return actor.role === 'district' && actor.district ? [...dongs, actor.district] : dongs;
  }
}
