import type { DuckDBConnection } from '@duckdb/node-api';
import { quotedIdentifier } from './sql.ts';
import { hexWord } from './uuid-text.ts';

/**
 * Which ids a table's UUID column may hold (a kind's row ids, the stored batch ids): a set of each
 * stored id's first 64 bits, in typed arrays (8 MB for a country's 366,000 budget lines, nothing for
 * the garbage collector to walk).
 * It answers "certainly not stored" or "maybe", never wrongly "not stored": an id it does not know
 * is not in the table, so a batch of new rows needs no lookup of the stored ones. A maybe (a stored
 * id, or one sharing its first 64 bits with one) is looked up as before.
 *
 * It only grows: ids are added as their versions are written (before COMMIT: should it fail, a
 * stale maybe only costs a lookup), and it is dropped whenever rows may have been written out of
 * its sight (`Syncs.catchUp`), to be read again from the table on its next use.
 */
export class KnownIds {
  private high = new Uint32Array(0);
  private low = new Uint32Array(0);
  private used = new Uint8Array(0);
  private count = 0;

  /** The ids stored in a UUID column of a table (a rows table's `rowId`: live and tombstoned), read in one scan. */
  static async read(connection: DuckDBConnection, table: string, column: string): Promise<KnownIds> {
    const known = new KnownIds();
    const reader = await connection.runAndReadAll(
      `SELECT ('0x' || substr(id, 1, 8))::UINTEGER AS h, ('0x' || substr(id, 10, 4) || substr(id, 15, 4))::UINTEGER AS l
       FROM (SELECT ${quotedIdentifier(column)}::VARCHAR AS id FROM ${quotedIdentifier(table)})`,
    );
    // An empty table gives no columns at all.
    const [high = [], low = []] = reader.getColumnsJS() as [number[]?, number[]?];
    known.grow(high.length);
    high.forEach((h, i) => known.put(h, low[i]!));
    return known;
  }

  get size(): number {
    return this.count;
  }

  /** False when `id` (lowercase) is certainly not stored; true when it may be. */
  mayHold(id: string): boolean {
    if (this.count === 0) return false;
    const h = hexWord(id, 0, 8);
    const l = hexWord(id, 9, 18);
    const mask = this.used.length - 1;
    for (let slot = this.slotOf(h, l, mask); this.used[slot]; slot = (slot + 1) & mask) {
      if (this.high[slot] === h && this.low[slot] === l) return true;
    }
    return false;
  }

  /** Ids about to be stored (lowercase). */
  add(ids: readonly string[]): void {
    this.grow(ids.length);
    for (const id of ids) this.put(hexWord(id, 0, 8), hexWord(id, 9, 18));
  }

  private slotOf(h: number, l: number, mask: number): number {
    return (Math.imul(h ^ Math.imul(l, 0x9e3779b1), 0x85ebca6b) >>> 0) & mask;
  }

  private put(h: number, l: number): void {
    const mask = this.used.length - 1;
    let slot = this.slotOf(h, l, mask);
    for (; this.used[slot]; slot = (slot + 1) & mask) if (this.high[slot] === h && this.low[slot] === l) return;
    this.used[slot] = 1;
    this.high[slot] = h;
    this.low[slot] = l;
    this.count += 1;
  }

  /** Room for `more` ids at most half full (open addressing stays short at that load). */
  private grow(more: number): void {
    const needed = (this.count + more) * 2;
    if (needed <= this.used.length) return;
    let size = Math.max(1024, this.used.length);
    while (size < needed) size *= 2;
    const [high, low, used] = [this.high, this.low, this.used];
    this.high = new Uint32Array(size);
    this.low = new Uint32Array(size);
    this.used = new Uint8Array(size);
    this.count = 0;
    for (let slot = 0; slot < used.length; slot++) if (used[slot]) this.put(high[slot]!, low[slot]!);
  }
}
