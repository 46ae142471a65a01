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

/** A name-based UUID (RFC 4122 version 5: SHA-1 of namespace and name). */
export function uuidV5(name: string, namespace = rowKeyNamespace): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The key text of a row (its kind, its key fields, its occurrence among equal keys). */
export function rowKeyText(kind: Kind, values: RowValues, occurrence: number): string {
  return JSON.stringify([kind, ...rowKeyFields[kind].map((f) => values[f] ?? null), occurrence]);
}

/** Derives row ids for the rows of one sheet that have no 행ID, in row order. */
export function createRowKeyer(kind: Kind): (values: RowValues) => string {
  // Keyed by the first occurrence's id (36 characters), not the key text, so memory stays small.
  const seen = new Map<string, number>();
  return (values) => {
    const first = uuidV5(rowKeyText(kind, values, 0));
    const n = seen.get(first) ?? 0;
    seen.set(first, n + 1);
    return n === 0 ? first : uuidV5(rowKeyText(kind, values, n));
  };
}
