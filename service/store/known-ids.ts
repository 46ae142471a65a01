import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnData } from './chunk-data.ts';
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
 * It only grows: ids are added as their versions are written, a checked batch's rows' ids as the
 * group reads them (before COMMIT, or of a row refused: a stale maybe only costs a lookup), and it
 * is dropped whenever rows may have been written out of its sight (`Syncs.catchUp`), to be read
 * again from the table on its next use.
 */
export class KnownIds {
  /** Each slot's two words side by side (one cache line a probe); (0, 0) is an empty slot. */
  private slots = new Uint32Array(0);
  /** Whether the id whose words are both 0 is held (it cannot be told from an empty slot). */
  private zero = false;
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
    return this.has(hexWord(id, 0, 8), hexWord(id, 9, 18));
  }

  /**
   * Whether the id in row `row` of a UUID column's data (chunk-data.ts `uuidData`: the checker's
   * blocks, seen as 32-bit words by `uuidWords`) may be stored, and from now on known as maybe: its
   * words read as they lie, not parsed from its text, in one probe. (An id known before it is
   * written only costs a lookup, should it not be.)
   */
  claimAt(uuids: Uint32Array, row: number): boolean {
    const h = (uuids[row * 4 + 3]! ^ 0x80000000) >>> 0;
    const l = uuids[row * 4 + 2]!;
    if (this.has(h, l)) return true;
    this.grow(1);
    this.put(h, l);
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

  private has(h: number, l: number): boolean {
    if (this.count === 0) return false;
    if (h === 0 && l === 0) return this.zero;
    const slots = this.slots;
    if (slots.length === 0) return false;
    const mask = slots.length / 2 - 1;
    for (let slot = this.slotOf(h, l, mask); ; slot = (slot + 1) & mask) {
      const sh = slots[slot * 2]!;
      const sl = slots[slot * 2 + 1]!;
      if (sh === h && sl === l) return true;
      if (sh === 0 && sl === 0) return false;
    }
  }

  private put(h: number, l: number): void {
    if (h === 0 && l === 0) {
      if (!this.zero) this.count += 1;
      this.zero = true;
      return;
    }
    const slots = this.slots;
    const mask = slots.length / 2 - 1;
    let slot = this.slotOf(h, l, mask);
    for (; slots[slot * 2] !== 0 || slots[slot * 2 + 1] !== 0; slot = (slot + 1) & mask) {
      if (slots[slot * 2] === h && slots[slot * 2 + 1] === l) return;
    }
    slots[slot * 2] = h;
    slots[slot * 2 + 1] = l;
    this.count += 1;
  }

  /** Room for `more` ids at most half full (open addressing stays short at that load). */
  private grow(more: number): void {
    const needed = (this.count + more) * 2;
    if (needed <= this.slots.length / 2) return;
    let size = Math.max(1024, this.slots.length / 2);
    while (size < needed) size *= 2;
    const old = this.slots;
    const slots = new Uint32Array(size * 2);
    const mask = size - 1;
    // Each id held once already: it goes to the first empty slot from its own, no comparing (at a
    // country's size the table doubles at a quarter of a million ids, on the writer's turn).
    for (let i = 0; i < old.length; i += 2) {
      const h = old[i]!;
      const l = old[i + 1]!;
      if (h === 0 && l === 0) continue;
      let slot = this.slotOf(h, l, mask);
      while (slots[slot * 2] !== 0 || slots[slot * 2 + 1] !== 0) slot = (slot + 1) & mask;
      slots[slot * 2] = h;
      slots[slot * 2 + 1] = l;
    }
    this.slots = slots;
  }
}

/** A UUID column's data (chunk-data.ts `uuidData`) as 32-bit words, for `claimAt`. */
export function uuidWords(column: ColumnData): Uint32Array {
  if (column.type !== 'UUID') throw new Error(`not a UUID column: ${column.type}`);
  const { data } = column;
  return new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4);
}
