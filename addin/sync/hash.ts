import type { RowValues } from './types.ts';

/*
 * Row hashes: a 64-bit string hash (two 32-bit multiply-xor lanes, cyrb53's mixing) of a canonical
 * form of the values: keys sorted, blanks (null, undefined, '') left out, each value tagged with its
 * type so 1 and '1' differ. Stable across sessions and platforms (UTF-16 code units).
 * `hashValues(v)` equals `hashText(canonicalValues(v))` but builds no string: it is the hot loop of
 * every sync (each row of the table, every time).
 */

const keySep = 1;
const valueSep = 2;
const tagOf = (value: string | number | boolean): number => (typeof value === 'number' ? 110 : typeof value === 'boolean' ? 98 : 115);

export function canonicalValues(values: RowValues): string {
  const keys = Object.keys(values).sort();
  let out = '';
  for (const key of keys) {
    const value = values[key];
    if (value === null || value === undefined || value === '') continue;
    out += `${key}\u0001${String.fromCharCode(tagOf(value))}${String(value)}\u0002`;
  }
  return out;
}

let h1 = 0;
let h2 = 0;

function feed(text: string): void {
  let a = h1;
  let b = h2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 2654435761);
    b = Math.imul(b ^ c, 1597334677);
  }
  h1 = a;
  h2 = b;
}

function feedCode(c: number): void {
  h1 = Math.imul(h1 ^ c, 2654435761);
  h2 = Math.imul(h2 ^ c, 1597334677);
}

function digest(): string {
  let a = h1;
  let b = h2;
  a = Math.imul(a ^ (a >>> 16), 2246822507);
  a ^= Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507);
  b ^= Math.imul(a ^ (a >>> 13), 3266489909);
  // Hex by table: ten times faster than toString(16) + padStart, and this runs for every row.
  return hex[b >>> 24]! + hex[(b >>> 16) & 255]! + hex[(b >>> 8) & 255]! + hex[b & 255]! + hex[a >>> 24]! + hex[(a >>> 16) & 255]! + hex[(a >>> 8) & 255]! + hex[a & 255]!;
}

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function reset(): void {
  h1 = 0xdeadbeef;
  h2 = 0x41c6ce57;
}

export function hashText(text: string): string {
  reset();
  feed(text);
  return digest();
}

// Rows of one table share their key order: sort it once.
let lastKeys: string[] = [];
let lastSorted: string[] = [];

function sortedKeys(values: RowValues): string[] {
  const keys = Object.keys(values);
  if (keys.length === lastKeys.length) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== lastKeys[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastSorted;
  }
  lastKeys = keys;
  lastSorted = [...keys].sort();
  return lastSorted;
}

export function hashValues(values: RowValues): string {
  reset();
  for (const key of sortedKeys(values)) {
    const value = values[key];
    if (value === null || value === undefined || value === '') continue;
    feed(key);
    feedCode(keySep);
    feedCode(tagOf(value));
    feed(typeof value === 'string' ? value : String(value));
    feedCode(valueSep);
  }
  return digest();
}

/** Whether two value objects say the same (blank is absent). */
export function sameValues(a: RowValues, b: RowValues): boolean {
  return canonicalValues(a) === canonicalValues(b);
}
