/**
 * The value of the hex digits `from`..`to` of a UUID's text (at most 8 digits), skipping dashes,
 * either case; NaN-free: a non-hex character reads as 0 (the ids are checked before). Its 32-bit
 * words, most significant first, are [0,8) [9,18) [19,28) [28,36).
 */
export function hexWord(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 45) continue; // '-'
    n = n * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  return n >>> 0;
}
