import { createHash } from 'node:crypto';
import type { Kind, RowValues } from '../../domain/index.ts';

/** Namespace of Jachi Ledger's derived row ids (a fixed random UUID). */
export const rowKeyNamespace = '6f3c2a3e-8d0b-4c55-9a57-3b1f0c7e2d41';

/**
 * The fields that name one real-world row of each kind, independent of where it sits on a sheet.
 *
 * Why this key: an official re-imports the same workbook after fixing figures, inserting rows,
 * sorting, renaming the sheet or saving it under another file name. A key made of the file, the
 * sheet name or the row number would break on every one of those; a key made of all the values
 * would make every corrected amount a new row beside the old one. What stays is what the row is
 * *about*: for spending the dong, phase, fiscal year, category, item and funding source (not the
 * amounts or dates, which get corrected); for participation the dong, phase, date, activity and
 * title (not the counts); for progress the dong, phase and milestone. Values are the normalised,
 * typed ones (dong as code, 특교금 read as 특별교부세), so spelling variants give the same key.
 * Rows with the same key on one sheet are told apart by their order among themselves (the nth
 * such row), which survives inserting other rows. Changing a key field makes a new row — and the
 * old one stays until deleted: that is the price of not guessing.
 */
export const rowKeyFields: Record<Kind, readonly string[]> = {
  spending: ['dong', 'phase', 'fiscalYear', 'category', 'item', 'fundingSource'],
  participation: ['dong', 'phase', 'date', 'activity', 'title'],
  progress: ['dong', 'phase', 'milestone'],
  agendas: ['dong', 'phase', 'fiscalYear', 'title'],
  council: ['dong', 'phase', 'fiscalYear'],
};

/** A name-based UUID's 16 bytes (RFC 4122 version 5: SHA-1 of namespace and name). */
function uuidV5Bytes(name: string, namespace: string): Buffer {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const b = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  return b;
}

const uuidText = (b: Buffer): string => {
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** A name-based UUID (RFC 4122 version 5: SHA-1 of namespace and name). */
export function uuidV5(name: string, namespace = rowKeyNamespace): string {
  return uuidText(uuidV5Bytes(name, namespace));
}

/**
 * How often each 16-byte id was seen, in one typed table (five 32-bit words a slot: the id, its
 * count; ~40 bytes an id at most half full): a 100,000-row sheet's ids took ~110 bytes each as
 * strings in a Map, most of the reader's heap that grew with the rows (docs/performance-history.md, "Benchmarks").
 */
class SeenCounts {
  private slots = new Uint32Array(5 * 1024);
  private used = 0;

  /** The times `id` was seen before; counts this one. */
  next(id: Buffer): number {
    if ((this.used + 1) * 2 > this.slots.length / 5) this.grow();
    const words = [id.readUInt32LE(0), id.readUInt32LE(4), id.readUInt32LE(8), id.readUInt32LE(12)] as const;
    const slot = this.find(this.slots, words);
    const at = slot * 5;
    const seen = this.slots[at + 4]!;
    if (seen === 0) {
      this.slots.set(words, at);
      this.used++;
    }
    this.slots[at + 4] = seen + 1;
    return seen;
  }

  /** The slot holding `words`, or the empty one where they go. */
  private find(slots: Uint32Array, words: readonly [number, number, number, number]): number {
    const mask = slots.length / 5 - 1;
    for (let slot = words[0] & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 5;
      if (slots[at + 4] === 0) return slot;
      if (slots[at] === words[0] && slots[at + 1] === words[1] && slots[at + 2] === words[2] && slots[at + 3] === words[3]) return slot;
    }
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Uint32Array(old.length * 2);
    for (let at = 0; at < old.length; at += 5) {
      if (old[at + 4] === 0) continue;
      const words = [old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!] as const;
      slots.set(old.subarray(at, at + 5), this.find(slots, words) * 5);
    }
    this.slots = slots;
  }
}

/** The key text of a row (its kind, its key fields, its occurrence among equal keys). */
export function rowKeyText(kind: Kind, values: RowValues, occurrence: number): string {
  return JSON.stringify([kind, ...rowKeyFields[kind].map((f) => values[f] ?? null), occurrence]);
}

/** Derives row ids for the rows of one sheet that have no 행ID, in row order. */
export function createRowKeyer(kind: Kind): (values: RowValues) => string {
  // Counted by the first occurrence's id (its 16 bytes), not the key text, so memory stays small.
  const seen = new SeenCounts();
  return (values) => {
    const first = uuidV5Bytes(rowKeyText(kind, values, 0), rowKeyNamespace);
    const n = seen.next(first);
    return n === 0 ? uuidText(first) : uuidV5(rowKeyText(kind, values, n));
  };
}
