import type { RowValues } from './types.ts';

/*
 * Row hashes: two 32-bit FNV-1a passes (different offset bases) over a canonical form of the values,
 * giving 64 bits. Canonical: keys sorted, blanks (null, undefined, '') left out, each value tagged
 * with its type so 1 and '1' differ. Stable across sessions and platforms (UTF-16 code units).
 */

const prime = 0x01000193;
const offsetA = 0x811c9dc5;
const offsetB = 0x9dc5811c;

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

export function canonicalValues(values: RowValues): string {
  const keys = Object.keys(values).sort();
  let out = '';
  for (const key of keys) {
    const value = values[key];
    if (value === null || value === undefined || value === '') continue;
    const tag = typeof value === 'number' ? 'n' : typeof value === 'boolean' ? 'b' : 's';
    out += `${key}\u0001${tag}${String(value)}\u0002`;
  }
  return out;
}

export function fnv1a64(text: string): string {
  let a = offsetA;
  let b = offsetB;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, prime);
    b = Math.imul(b ^ c, prime);
    b ^= b >>> 13;
  }
  return hex8(a) + hex8(b);
}

export function hashValues(values: RowValues): string {
  return fnv1a64(canonicalValues(values));
}

/** Whether two value objects say the same (blank is absent). */
export function sameValues(a: RowValues, b: RowValues): boolean {
  return canonicalValues(a) === canonicalValues(b);
}
